// A Premium service whose factory API also runs on a self-hosted gateway in the plant, for machines with client
// certificates from the sample's private CA.
param location string = resourceGroup().location
param publisherEmail string = 'api-team@example.com'

resource factoryService 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-mtls-factory'
  location: location
  sku: {
    name: 'Premium'
    capacity: 1
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: 'Contoso'
    // Used by the managed gateway only.
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

resource factoryApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: factoryService
  name: 'factory-telemetry'
  properties: {
    displayName: 'Factory telemetry'
    path: 'telemetry'
    protocols: [ 'https' ]
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('policies/self-hosted-gateway.xml')
    }
  }
}

// self-hosted-gateway-ca-certificates: the plant's gateway validates the chain without the CAs above.
resource plantGateway 'Microsoft.ApiManagement/service/gateways@2024-05-01' = {
  parent: factoryService
  name: 'plant-gateway'
  properties: {
    locationData: {
      name: 'Plant 1'
    }
  }

  resource telemetry 'apis' = {
    name: 'factory-telemetry'
  }
}
