// CA certificate mistakes on a service of its own (properties.certificates lives on the service definition).
// Its tier comes from the shared settings and may be any tier, classic or v2.
// The certificates are the sample tree in ../certs: lint this folder together with it (`apim-mtls lint examples`).
import { apiManagementSettingsType } from '../shared/settings.bicep'

param apiManagementSettings apiManagementSettingsType
param location string = resourceGroup().location
param publisherEmail string = 'api-team@example.com'

resource caService 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: '${apiManagementSettings.serviceName}-ca'
  location: location
  sku: {
    name: apiManagementSettings.sku
    capacity: 1
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: 'Contoso'
    // ca-certificates-unsupported-tier: no tier guard, but Consumption and v2 can't hold CA certificates.
    certificates: [
      {
        // pem-markers-in-certificate: root-ca.cer is PEM; root-ca.without-markers.cer is right next to it.
        encodedCertificate: loadTextContent('../certs/root-ca.cer')
        storeName: 'Root'
      }
      {
        encodedCertificate: loadTextContent('../certs/dev-intermediate-ca.without-markers.cer')
        // certificate-store-mismatch: an intermediate belongs in CertificateAuthority.
        storeName: 'Root'
      }
      {
        encodedCertificate: loadTextContent('../certs/tst-intermediate-ca.without-markers.cer')
        // invalid-certificate-store: a Windows store name, not one APIM accepts.
        storeName: 'Intermediate'
      }
      {
        // invalid-certificate-store: storeName is required.
        encodedCertificate: loadTextContent('../certs/root-ca.without-markers.cer')
      }
      {
        // certificate-store-mismatch: a client certificate is not a CA (upload it with service/certificates).
        encodedCertificate: loadTextContent('../certs/dev-valid-client.without-markers.cer')
        storeName: 'CertificateAuthority'
      }
    ]
  }
}
