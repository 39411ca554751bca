// One template, one parameters file per environment, and a policy per environment: each .bicepparam file passes the
// tier and the partner API's policy together. apim-mtls reads each policy on the tier of the deployment that passes
// it: dev's validates the certificate chain on Developer (fine there); prod's, written in prod.bicepparam, still
// does on StandardV2, which can't (an error in prod.bicepparam, none in dev's policy).
@description('The APIM tier of this environment')
param skuName string

@description('The partner API policy of this environment')
param partnerPolicy string

@description('The tiers that can hold CA certificates and validate a client certificate chain.')
var skusThatSupportCACertificates = ['Developer', 'Basic', 'Standard', 'Premium']

resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-partners'
  location: resourceGroup().location
  sku: {
    name: skuName
    capacity: 1
  }
  properties: {
    publisherEmail: 'api-team@example.com'
    publisherName: 'Contoso'
    enableClientCertificate: true
    // The partners' CA, where the tier can hold it.
    certificates: contains(skusThatSupportCACertificates, skuName)
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

resource partnerApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: 'partners'
  properties: {
    displayName: 'Partners'
    path: 'partners'
    protocols: [
      'https'
    ]
    subscriptionRequired: false // protected with mTLS
  }
}

resource partnerApiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: partnerApi
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: partnerPolicy
  }
}
