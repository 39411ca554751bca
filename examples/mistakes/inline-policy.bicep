// A policy written in the Bicep string itself (no policy file): apim-mtls lints it like a policy file and shows its
// findings here. The service is the v2 one defined in main.bicep (BasicV2 | StandardV2 | PremiumV2).

@description('The name of the API Management service deployed by main.bicep.')
param apiManagementServiceName string

resource apiManagementService 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
}

resource inlineApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  name: 'inline-policy-api'
  parent: apiManagementService
  properties: {
    displayName: 'A policy written inline'
    path: 'inline-policy'
    protocols: [
      'https'
    ]
    subscriptionRequired: false // protected with mTLS
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: '''
<policies>
  <inbound>
    <base />
    <validate-client-certificate validate-trust="false" validate-revocation="false" validate-not-before="true" validate-not-after="true" ignore-error="false">
      <identities>
        <identity thumbprint="{{client-certificate-thumbprint}}" />
      </identities>
    </validate-client-certificate>
    <choose>
      <when condition="@(context.Request.Certificate.NotAfter < DateTime.UtcNow)">
        <return-response>
          <set-status code="403" reason="Expired client certificate" />
        </return-response>
      </when>
    </choose>
  </inbound>
  <backend>
    <base />
  </backend>
  <outbound>
    <base />
  </outbound>
  <on-error>
    <base />
  </on-error>
</policies>
'''
    }
  }
}
