// A Premium service for partner APIs with mutual TLS, on its own domain, with HTTP/2 turned on for clients.
param location string = resourceGroup().location
param publisherEmail string = 'api-team@example.com'
param partnersCertificateSecretId string = 'https://contoso-kv.vault.azure.net/secrets/partners-contoso-com'

resource partnerService 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-mtls-http2'
  location: location
  sku: {
    name: 'Premium'
    capacity: 1
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: 'Contoso'
    customProperties: {
      // client-certificate-http2-not-negotiated: partners.contoso.com doesn't ask for the certificate in the handshake,
      // and HTTP/2 can't ask for it later.
      'Microsoft.WindowsAzure.ApiManagement.Gateway.Protocols.Server.Http2': 'True'
    }
    hostnameConfigurations: [
      {
        type: 'Proxy'
        hostName: 'partners.contoso.com'
        certificateSource: 'KeyVault'
        keyVaultId: partnersCertificateSecretId
      }
    ]
  }
}

resource partnerApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: partnerService
  name: 'partner-orders'
  properties: {
    displayName: 'Partner orders'
    path: 'partner-orders'
    protocols: [ 'https' ]
  }
}

resource partnerApiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: partnerApi
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: loadTextContent('policies/http2-partners.xml')
  }
}
