// A Consumption service for partner APIs protected with mutual TLS.
param location string = resourceGroup().location
param publisherEmail string = 'api-team@example.com'

resource consumptionService 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-mtls-partners'
  location: location
  sku: {
    name: 'Consumption'
    capacity: 0
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: 'Contoso'
    // consumption-client-certificate-required: on Consumption this makes every API of the service require a certificate.
    enableClientCertificate: true
  }
}
