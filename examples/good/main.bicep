// A correct mutual-TLS setup for any tier, after the blog series "Validate client certificates in API Management"
// (R. Bosma): the tier comes from a typed parameter; CA certificates and chain validation only where the tier
// supports them; the client certificate reaches the gateway on every tier; clients pinned by thumbprint.
import { apiManagementSettingsType } from '../shared/settings.bicep'

param apiManagementSettings apiManagementSettingsType
param location string = resourceGroup().location

@description('The tiers that can hold CA certificates and validate a client certificate chain.')
var skusThatSupportCACertificates = ['Developer', 'Basic', 'Standard', 'Premium']
var validateCertificateChain = contains(skusThatSupportCACertificates, apiManagementSettings.sku)

resource apiManagementService 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: apiManagementSettings.serviceName
  location: location
  sku: {
    name: apiManagementSettings.sku
    capacity: apiManagementSettings.sku == 'Consumption' ? 0 : 1
  }
  properties: {
    publisherEmail: 'api-team@example.com'
    publisherName: 'Contoso'
    // Consumption and the v2 tiers pass the client certificate to policies only with this.
    enableClientCertificate: true
    certificates: contains(skusThatSupportCACertificates, apiManagementSettings.sku)
      ? [
          {
            encodedCertificate: loadTextContent('../certs/root-ca.without-markers.cer')
            storeName: 'Root'
          }
          {
            encodedCertificate: loadTextContent('../certs/dev-intermediate-ca.without-markers.cer')
            storeName: 'CertificateAuthority'
          }
        ]
      : null
  }
}

// Used by the policies: `validate-trust="{{validate-certificate-chain}}"` and `{{validate-certificate-chain}} && …`.
resource validateCertificateChainNamedValue 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = {
  parent: apiManagementService
  name: 'validate-certificate-chain'
  properties: {
    displayName: 'validate-certificate-chain'
    value: toLower(string(validateCertificateChain))
  }
}

resource clientCertificateThumbprintNamedValue 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = {
  parent: apiManagementService
  name: 'client-certificate-thumbprint'
  properties: {
    displayName: 'client-certificate-thumbprint'
    value: 'F01C8E2463256F9B5450FDDC900CE33B8F43C98E'
  }
}

// The registered client, for `context.Deployment.Certificates` in policy expressions.
resource devValidClientCertificate 'Microsoft.ApiManagement/service/certificates@2024-05-01' = {
  parent: apiManagementService
  name: 'dev-valid-client'
  properties: {
    data: loadTextContent('../certs/dev-valid-client.without-markers.cer')
  }
}

output apiManagementServiceName string = apiManagementService.name
