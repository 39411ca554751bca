// A v2 API Management service. The SKU comes from a typed parameter imported from ../shared/settings.bicep:
// every possible value is a v2 tier, so tier mistakes in the policies it deploys are certain.
import { apiManagementV2SettingsType } from '../shared/settings.bicep'

param apiManagementSettings apiManagementV2SettingsType
param location string = resourceGroup().location
param publisherEmail string = 'api-team@example.com'

resource apiManagementService 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: apiManagementSettings.serviceName
  location: location
  sku: {
    name: apiManagementSettings.sku
    capacity: 1
  }
  properties: {
    publisherEmail: publisherEmail
    publisherName: 'Contoso'
  }
}

output serviceName string = apiManagementService.name
