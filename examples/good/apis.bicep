// The API lives in its own file and finds the service as `existing`, by name.
param apiManagementServiceName string

resource apiManagementService 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
}

resource protectedApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apiManagementService
  name: 'protected'
  properties: {
    displayName: 'Protected'
    path: 'protected'
    protocols: [
      'https'
    ]
    subscriptionRequired: false
  }

  resource validateUsingPolicy 'operations' = {
    name: 'validate-using-policy'
    properties: {
      displayName: 'Validate using the validate-client-certificate policy'
      method: 'GET'
      urlTemplate: '/validate-using-policy'
    }

    resource policy 'policies' = {
      name: 'policy'
      properties: {
        format: 'rawxml'
        value: loadTextContent('./policies/validate-using-policy.operation.xml')
      }
    }
  }

  resource validateUsingContext 'operations' = {
    name: 'validate-using-context'
    properties: {
      displayName: 'Validate using context.Request.Certificate'
      method: 'GET'
      urlTemplate: '/validate-using-context'
    }

    resource policy 'policies' = {
      name: 'policy'
      properties: {
        format: 'rawxml'
        value: loadTextContent('./policies/validate-using-context.operation.xml')
      }
    }
  }
}
