// Settings shared by the example environments, imported with `import { … } from`.

@export()
@description('Every API Management tier.')
type apimSkuType = 'Consumption' | 'Developer' | 'Basic' | 'Standard' | 'Premium' | 'Isolated' | 'BasicV2' | 'StandardV2' | 'PremiumV2'

@export()
@description('The v2 tiers: no CA certificates, no chain validation of client certificates.')
type apimV2SkuType = 'BasicV2' | 'StandardV2' | 'PremiumV2'

@export()
type apiManagementSettingsType = {
  @description('The name of the API Management service.')
  serviceName: string

  @description('The tier.')
  sku: apimSkuType
}

@export()
type apiManagementV2SettingsType = {
  serviceName: string
  sku: apimV2SkuType
}
