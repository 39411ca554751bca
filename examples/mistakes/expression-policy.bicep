// Mistakes in C# policy expressions over context.Request.Certificate: one operation per mistake, each loading its
// policy as rawxml. The service is the v2 one defined in main.bicep (BasicV2 | StandardV2 | PremiumV2).

@description('The name of the API Management service deployed by main.bicep.')
param apiManagementServiceName string

resource apiManagementService 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
}

resource expressionApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  name: 'expression-policy-api'
  parent: apiManagementService
  properties: {
    displayName: 'Policy expression mistakes'
    path: 'expression-policy'
    protocols: [
      'https'
    ]
    subscriptionRequired: false // protected with mTLS
  }
}

resource chainVerify 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'chain-verify-unsupported-tier'
  parent: expressionApi
  properties: {
    displayName: 'VerifyNoRevocation() on a v2 tier'
    method: 'GET'
    urlTemplate: '/chain-verify-unsupported-tier'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/chain-verify-unsupported-tier.operation.xml')
    }
  }
}

resource utcNow 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'utcnow-certificate-validity'
  parent: expressionApi
  properties: {
    displayName: 'Validity dates compared with UTC'
    method: 'GET'
    urlTemplate: '/utcnow-certificate-validity'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/utcnow-certificate-validity.operation.xml')
    }
  }
}

resource nullCheck 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'certificate-null-check'
  parent: expressionApi
  properties: {
    displayName: 'Certificate used without a null check'
    method: 'GET'
    urlTemplate: '/certificate-null-check'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/certificate-null-check.operation.xml')
    }
  }
}

resource headerNullCheck 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'indexer-null-check'
  parent: expressionApi
  properties: {
    displayName: 'A forwarded certificate header tested with == null'
    method: 'GET'
    urlTemplate: '/indexer-null-check'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/indexer-null-check.operation.xml')
    }
  }
}

resource headerDeleted 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'header-read-after-delete'
  parent: expressionApi
  properties: {
    displayName: 'A forwarded certificate header deleted, then read'
    method: 'GET'
    urlTemplate: '/header-read-after-delete'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/header-read-after-delete.operation.xml')
    }
  }
}

resource forwardedHeader 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'forwarded-certificate-header'
  parent: expressionApi
  properties: {
    displayName: 'A client certificate thumbprint taken from a header anyone can send'
    method: 'GET'
    urlTemplate: '/forwarded-certificate-header'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/forwarded-certificate-header.operation.xml')
    }
  }
}

resource thumbprintFormat 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'thumbprint-format'
  parent: expressionApi
  properties: {
    displayName: 'Thumbprint with a hidden character'
    method: 'GET'
    urlTemplate: '/thumbprint-format'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/thumbprint-format.operation.xml')
    }
  }
}

resource thumbprintCase 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'thumbprint-case'
  parent: expressionApi
  properties: {
    displayName: 'Lower-case thumbprint literal'
    method: 'GET'
    urlTemplate: '/thumbprint-case'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/thumbprint-case.operation.xml')
    }
  }
}

resource expressionSyntax 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'expression-syntax'
  parent: expressionApi
  properties: {
    displayName: 'Statement without a semicolon'
    method: 'GET'
    urlTemplate: '/expression-syntax'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/expression-syntax.operation.xml')
    }
  }
}

resource notVerified 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'context-certificate-not-verified'
  parent: expressionApi
  properties: {
    displayName: 'Presence and dates only'
    method: 'GET'
    urlTemplate: '/context-certificate-not-verified'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/context-certificate-not-verified.operation.xml')
    }
  }
}
