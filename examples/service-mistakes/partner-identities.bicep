// A Developer service that accepts partner client certificates issued by the sample's DEV intermediate CA, validating
// the chain against the CA certificates it uploads.
param location string = resourceGroup().location
param publisherEmail string = 'api-team@example.com'

resource partnerIdentities 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-mtls-identities'
  location: location
  sku: {
    name: 'Developer'
    capacity: 1
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: 'Contoso'
    certificates: [
      {
        encodedCertificate: loadTextContent('../certs/root-ca.without-markers.cer')
        storeName: 'Root'
      }
      {
        encodedCertificate: loadTextContent('../certs/dev-intermediate-ca.without-markers.cer')
        storeName: 'CertificateAuthority'
      }
    ]
  }
}

resource partnerApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: partnerIdentities
  name: 'partner-reports'
  properties: {
    displayName: 'Partner reports'
    path: 'reports'
    protocols: [ 'https' ]
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('policies/identity-dn-format.xml')
    }
  }
}
