// Bicep mistakes around the policies and certificates deployed to the v2 service of main.bicep
// (BasicV2 | StandardV2 | PremiumV2, from the typed parameter in ../shared/settings.bicep).
// main.bicep doesn't set enableClientCertificate, so the policies below that read the client certificate
// (and those of validation-policy.bicep) make client-certificate-not-enabled report on its sku.

@description('The name of the API Management service deployed by main.bicep.')
param apiManagementServiceName string

resource apiManagementService 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
}

// pem-markers-in-certificate: dev-valid-client.cer is PEM; data wants base64 without the markers
// (../certs/dev-valid-client.without-markers.cer is right next to it).
resource validClientCertificate 'Microsoft.ApiManagement/service/certificates@2024-05-01' = {
  name: 'dev-valid-client'
  parent: apiManagementService
  properties: {
    data: loadTextContent('../certs/dev-valid-client.cer')
  }
}

resource serviceApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  name: 'service-mistakes-api'
  parent: apiManagementService
  properties: {
    displayName: 'Service deployment mistakes'
    path: 'service-mistakes'
    protocols: [
      'https'
    ]
    subscriptionRequired: false // protected with mTLS
  }
}

// policy-value-not-loaded: the path itself is deployed as the policy text.
resource valueNotLoaded 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'policy-value-not-loaded'
  parent: serviceApi
  properties: {
    displayName: 'Policy path instead of its content'
    method: 'GET'
    urlTemplate: '/policy-value-not-loaded'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: './policies/policy-value-not-loaded.operation.xml'
    }
  }
}

// policy-format-mismatch: the policy keeps raw quotes in its C# expressions (rawxml), deployed as 'xml'.
resource formatMismatch 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'policy-format-mismatch'
  parent: serviceApi
  properties: {
    displayName: 'rawxml policy deployed as xml'
    method: 'GET'
    urlTemplate: '/policy-format-mismatch'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'xml'
      value: loadTextContent('./policies/policy-format-mismatch.operation.xml')
    }
  }
}
