// One template, one parameters file per environment: the tier of each environment is set in its .bicepparam file
// and reaches the APIM module through `params`. apim-mtls follows both, so the policy below is judged against
// StandardV2 (prod) and Developer (dev).
@description('The APIM tier of this environment')
param skuName string

module apim './modules/apim.bicep' = {
  name: 'apim'
  params: {
    skuName: skuName
  }
}
