using './main.bicep'

// Production runs on a v2 tier.
param skuName = 'StandardV2'
