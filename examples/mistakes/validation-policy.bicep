// validate-client-certificate mistakes: one operation per mistake, each loading its policy as rawxml.
// The service is the v2 one defined in main.bicep (BasicV2 | StandardV2 | PremiumV2): no chain validation there.

@description('The name of the API Management service deployed by main.bicep.')
param apiManagementServiceName string

resource apiManagementService 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
}

resource validationApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  name: 'validation-policy-api'
  parent: apiManagementService
  properties: {
    displayName: 'Validation policy mistakes'
    path: 'validation-policy'
    protocols: [
      'https'
    ]
    subscriptionRequired: false // protected with mTLS
  }

  // API scope: validate-client-certificate placed in <outbound>.
  resource apiPolicy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/policy-section.api.xml')
    }
  }
}

resource trustOnV2 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'validate-trust-unsupported-tier'
  parent: validationApi
  properties: {
    displayName: 'validate-trust left at its default on v2'
    method: 'GET'
    urlTemplate: '/validate-trust-unsupported-tier'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/validate-trust-unsupported-tier.operation.xml')
    }
  }
}

resource namesOnly 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'identity-without-thumbprint'
  parent: validationApi
  properties: {
    displayName: 'Identity matched by names only'
    method: 'GET'
    urlTemplate: '/identity-without-thumbprint'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/identity-without-thumbprint.operation.xml')
    }
  }
}

resource unusedSuppression 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'unused-suppression'
  parent: validationApi
  properties: {
    displayName: 'A suppression comment that suppresses nothing any more'
    method: 'GET'
    urlTemplate: '/unused-suppression'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/unused-suppression.operation.xml')
    }
  }
}

resource mistypedSuppression 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'unknown-rule-id'
  parent: validationApi
  properties: {
    displayName: 'A suppression comment with a mistyped rule id'
    method: 'GET'
    urlTemplate: '/unknown-rule-id'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/unknown-rule-id.operation.xml')
    }
  }
}

resource anyCertificate 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'any-certificate-accepted'
  parent: validationApi
  properties: {
    displayName: 'No identities without chain validation'
    method: 'GET'
    urlTemplate: '/any-certificate-accepted'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/any-certificate-accepted.operation.xml')
    }
  }
}

resource ignoreError 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'ignore-error-enabled'
  parent: validationApi
  properties: {
    displayName: 'Failed checks ignored'
    method: 'GET'
    urlTemplate: '/ignore-error-enabled'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/ignore-error-enabled.operation.xml')
    }
  }
}

resource validityCheck 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'validity-check-disabled'
  parent: validationApi
  properties: {
    displayName: 'Expired certificates accepted'
    method: 'GET'
    urlTemplate: '/validity-check-disabled'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/validity-check-disabled.operation.xml')
    }
  }
}

resource xmlSyntax 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'policy-xml-syntax'
  parent: validationApi
  properties: {
    displayName: 'A policy that is not well-formed'
    method: 'GET'
    urlTemplate: '/policy-xml-syntax'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/policy-xml-syntax.operation.xml')
    }
  }
}

resource mixedExpression 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'expression-mixed-with-text'
  parent: validationApi
  properties: {
    displayName: 'An expression inside other text'
    method: 'GET'
    urlTemplate: '/expression-mixed-with-text'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/expression-mixed-with-text.operation.xml')
    }
  }
}

resource attributes 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'policy-attributes'
  parent: validationApi
  properties: {
    displayName: 'Unknown attributes'
    method: 'GET'
    urlTemplate: '/policy-attributes'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/policy-attributes.operation.xml')
    }
  }
}

resource partners 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'identities-limit'
  parent: validationApi
  properties: {
    displayName: 'Eleven partners pinned'
    method: 'GET'
    urlTemplate: '/identities-limit'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/identities-limit.operation.xml')
    }
  }
}
