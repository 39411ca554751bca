// The application layer of a layered template (as azd templates split them): the service comes from the platform
// layer, deployed on its own, and is named here by a parameter. No Bicep in this workspace tells its tier, so the
// folder's .apim-mtls.json does ("sku": "StandardV2"), and the policy below is judged against it.
@description('The name of the API Management service the platform layer deployed')
param apiManagementServiceName string

resource apiManagementService 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
}

resource ordersApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apiManagementService
  name: 'orders'
  properties: {
    displayName: 'Orders'
    path: 'orders'
    protocols: [
      'https'
    ]
    subscriptionRequired: false
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('orders-api.xml')
    }
  }
}
