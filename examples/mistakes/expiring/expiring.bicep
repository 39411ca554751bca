// certificate-expiring, demonstrable in any year: this folder's .apim-mtls.json sets a 100-year warning window
// (certificateExpiryWarningDays: 36500), and partner-client (./certs) is valid until 2040-06-30.

@description('The name of the API Management service deployed by ../main.bicep.')
param apiManagementServiceName string

resource apiManagementService 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
}

// The partner's certificate, uploaded for policy expressions: it expires inside the window.
resource partnerCertificate 'Microsoft.ApiManagement/service/certificates@2024-05-01' = {
  name: 'partner-client'
  parent: apiManagementService
  properties: {
    data: loadTextContent('./certs/partner-client.without-markers.cer')
  }
}

resource partnerApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  name: 'partner-api'
  parent: apiManagementService
  properties: {
    displayName: 'Partner API'
    path: 'partner'
    protocols: [
      'https'
    ]
    subscriptionRequired: false // protected with mTLS
  }

  resource apiPolicy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/certificate-expiring.api.xml')
    }
  }
}
