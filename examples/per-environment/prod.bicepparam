using './main.bicep'

// Production runs on a v2 tier. Its policy was copied from dev's and pins the partner's certificate, but still asks
// for the chain to be validated (validate-trust is true by default).
param skuName = 'StandardV2'
param partnerPolicy = '''
<policies>
  <inbound>
    <base />
    <validate-client-certificate validate-revocation="false" validate-not-before="true" validate-not-after="true" ignore-error="false">
      <identities>
        <identity thumbprint="{{partner-certificate-thumbprint}}" />
      </identities>
    </validate-client-certificate>
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
