// A BasicV2 service deployed with the Azure Verified Module (br/public:avm/res/api-management/service): its
// parameters are what the linter reads, as it would read the resources of a hand-written template.
module partnerGateway 'br/public:avm/res/api-management/service:0.9.1' = {
  name: 'partner-gateway'
  params: {
    name: 'apim-mtls-avm'
    publisherEmail: 'api-team@example.com'
    publisherName: 'Contoso'
    // client-certificate-not-enabled: BasicV2 only receives a client certificate when enableClientCertificate is true.
    sku: 'BasicV2'
    policies: [
      {
        format: 'rawxml'
        value: loadTextContent('policies/avm-service.xml')
      }
    ]
  }
}
