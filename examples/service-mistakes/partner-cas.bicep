// A Premium service for B2B partners: one root CA per partner, added one deployment at a time.
param location string = resourceGroup().location
param publisherEmail string = 'api-team@example.com'
@description('The partners\' root CA certificates, base64 DER (without PEM markers), one per partner.')
param partnerCaCertificates string[]

resource partnerGateway 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-mtls-b2b'
  location: location
  sku: {
    name: 'Premium'
    capacity: 1
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: 'Contoso'
    // ca-certificates-limit: the eleventh partner's CA is one more than the service installs.
    certificates: [
      {
        encodedCertificate: partnerCaCertificates[0]
        storeName: 'Root'
      }
      {
        encodedCertificate: partnerCaCertificates[1]
        storeName: 'Root'
      }
      {
        encodedCertificate: partnerCaCertificates[2]
        storeName: 'Root'
      }
      {
        encodedCertificate: partnerCaCertificates[3]
        storeName: 'Root'
      }
      {
        encodedCertificate: partnerCaCertificates[4]
        storeName: 'Root'
      }
      {
        encodedCertificate: partnerCaCertificates[5]
        storeName: 'Root'
      }
      {
        encodedCertificate: partnerCaCertificates[6]
        storeName: 'Root'
      }
      {
        encodedCertificate: partnerCaCertificates[7]
        storeName: 'Root'
      }
      {
        encodedCertificate: partnerCaCertificates[8]
        storeName: 'Root'
      }
      {
        encodedCertificate: partnerCaCertificates[9]
        storeName: 'Root'
      }
      {
        encodedCertificate: partnerCaCertificates[10]
        storeName: 'Root'
      }
    ]
  }
}
