// An API that checks client certificates in its API-scope policy, and one operation whose policy leaves out <base />.
// The service is the v2 one defined in main.bicep.

@description('The name of the API Management service deployed by main.bicep.')
param apiManagementServiceName string

resource apiManagementService 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
}

resource partnerOrdersApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  name: 'partner-orders-api'
  parent: apiManagementService
  properties: {
    displayName: 'Partner orders'
    path: 'partner-orders'
    protocols: [
      'https'
    ]
    subscriptionRequired: false // protected with mTLS
  }

  resource apiPolicy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/partner-orders.api.xml')
    }
  }

  resource listOrders 'operations' = {
    name: 'list-orders'
    properties: {
      displayName: 'List orders (cached)'
      method: 'GET'
      urlTemplate: '/orders'
    }

    resource policy 'policies' = {
      name: 'policy'
      properties: {
        format: 'rawxml'
        value: loadTextContent('./policies/base-omitted.operation.xml')
      }
    }
  }
}
