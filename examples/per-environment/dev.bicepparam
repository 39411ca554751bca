using './main.bicep'

param skuName = 'Developer'
param partnerPolicy = loadTextContent('policies/partners.dev.xml')
