// Certificate mistakes: policies that pin certificates from ../certs by thumbprint, and a certificate upload.
// The service is the v2 one defined in main.bicep: no chain validation there, so every identity pins a thumbprint.

@description('The name of the API Management service deployed by main.bicep.')
param apiManagementServiceName string

resource apiManagementService 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
}

// A client certificate uploaded for policy expressions (context.Deployment.Certificates): it has expired.
resource expiredClientCertificate 'Microsoft.ApiManagement/service/certificates@2024-05-01' = {
  name: 'dev-expired-client'
  parent: apiManagementService
  properties: {
    data: loadTextContent('../certs/dev-expired-client.without-markers.cer')
  }
}

resource certificatesApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  name: 'certificates-api'
  parent: apiManagementService
  properties: {
    displayName: 'Certificate mistakes'
    path: 'certificates'
    protocols: [
      'https'
    ]
    subscriptionRequired: false // protected with mTLS
  }
}

resource claimsMismatch 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'identity-claims-mismatch'
  parent: certificatesApi
  properties: {
    displayName: 'Thumbprint and subject of different certificates'
    method: 'GET'
    urlTemplate: '/identity-claims-mismatch'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/identity-claims-mismatch.operation.xml')
    }
  }
}

resource unknownThumbprint 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'unknown-thumbprint'
  parent: certificatesApi
  properties: {
    displayName: 'A thumbprint no certificate has'
    method: 'GET'
    urlTemplate: '/unknown-thumbprint'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/unknown-thumbprint.operation.xml')
    }
  }
}

resource expiredPin 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'certificate-expired'
  parent: certificatesApi
  properties: {
    displayName: 'An expired certificate pinned'
    method: 'GET'
    urlTemplate: '/certificate-expired'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/certificate-expired.operation.xml')
    }
  }
}

resource unknownCertificateId 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'unknown-certificate-id'
  parent: certificatesApi
  properties: {
    displayName: 'A certificate thumbprint nothing uploads'
    method: 'GET'
    urlTemplate: '/unknown-certificate-id'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/unknown-certificate-id.operation.xml')
    }
  }
}

resource certificateById 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'certificate-key-not-thumbprint'
  parent: certificatesApi
  properties: {
    displayName: 'An uploaded certificate looked up by its id'
    method: 'GET'
    urlTemplate: '/certificate-key-not-thumbprint'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/certificate-key-not-thumbprint.operation.xml')
    }
  }
}

resource caAsClient 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'thumbprint-role-mismatch'
  parent: certificatesApi
  properties: {
    displayName: 'A CA pinned as a client'
    method: 'GET'
    urlTemplate: '/thumbprint-role-mismatch'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/thumbprint-role-mismatch.operation.xml')
    }
  }
}

resource notYetValidPin 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  name: 'certificate-not-yet-valid'
  parent: certificatesApi
  properties: {
    displayName: 'A certificate pinned before its start'
    method: 'GET'
    urlTemplate: '/certificate-not-yet-valid'
  }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('./policies/certificate-not-yet-valid.operation.xml')
    }
  }
}
