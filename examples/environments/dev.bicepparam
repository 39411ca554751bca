using './main.bicep'

param skuName = 'Developer'
