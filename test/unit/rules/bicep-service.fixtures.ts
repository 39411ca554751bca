/** Workspace files shared by the Bicep service rule tests (service area): certificates, settings and service builders. */

/** Self-signed root CA `CN=APIM Sample Root CA` (EC P-256), PEM with markers. */
export const ROOT_CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBoTCCAUegAwIBAgIURcUJXlu/OJlVdyv8elG+p6D3UIwwCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTQVBJTSBTYW1wbGUgUm9vdCBDQTAeFw0yNjExMjYxNTUxMTZa
Fw0zNjExMjMxNTUxMTZaMB4xHDAaBgNVBAMME0FQSU0gU2FtcGxlIFJvb3QgQ0Ew
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQB7kbELHr7nlxfn9vT2gYrqR54bq2+
4/DLD3fallWa5hR5u5BiYKBcGDs1maBYUG5lmyP5+f6I1O6ImJIooqnYo2MwYTAd
BgNVHQ4EFgQUOwL2B4dNYGDSTYnjZBjBXEzmpIcwHwYDVR0jBBgwFoAUOwL2B4dN
YGDSTYnjZBjBXEzmpIcwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYw
CgYIKoZIzj0EAwIDSAAwRQIhAPwt0mrnhD/7J3efFGj93DVcgbdpMochxPPd1TWV
mXfVAiABeX234JR0Udp1HH7YPYDTVjI8xjqoKCxe1qCCIQfxsQ==
-----END CERTIFICATE-----
`;

/** The same root CA as base64 DER without markers (what `encodedCertificate` wants). */
export const ROOT_CA_BASE64 = 'MIIBoTCCAUegAwIBAgIURcUJXlu/OJlVdyv8elG+p6D3UIwwCgYIKoZIzj0EAwIwHjEcMBoGA1UEAwwTQVBJTSBTYW1wbGUgUm9vdCBDQTAeFw0yNjExMjYxNTUxMTZaFw0zNjExMjMxNTUxMTZaMB4xHDAaBgNVBAMME0FQSU0gU2FtcGxlIFJvb3QgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQB7kbELHr7nlxfn9vT2gYrqR54bq2+4/DLD3fallWa5hR5u5BiYKBcGDs1maBYUG5lmyP5+f6I1O6ImJIooqnYo2MwYTAdBgNVHQ4EFgQUOwL2B4dNYGDSTYnjZBjBXEzmpIcwHwYDVR0jBBgwFoAUOwL2B4dNYGDSTYnjZBjBXEzmpIcwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZIzj0EAwIDSAAwRQIhAPwt0mrnhD/7J3efFGj93DVcgbdpMochxPPd1TWVmXfVAiABeX234JR0Udp1HH7YPYDTVjI8xjqoKCxe1qCCIQfxsQ==';

/** Intermediate CA `CN=APIM Sample DEV Intermediate CA`, issued by the root, PEM with markers. */
export const INTERMEDIATE_CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBsDCCAVagAwIBAgIUTGiBvAioIcIlV7CXlYsGUdlHrcEwCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTQVBJTSBTYW1wbGUgUm9vdCBDQTAeFw0yNjExMjYxNTUxMTZa
Fw0zNjExMjMxNTUxMTZaMCoxKDAmBgNVBAMMH0FQSU0gU2FtcGxlIERFViBJbnRl
cm1lZGlhdGUgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQg5MW3dJafBXIp
Jue6sdq+p038ttFnbQ3TtDQJQaqhJRIpu+5F2HtmpWldC2sj8BimmmTh3vQOYNn9
La3/12yZo2YwZDASBgNVHRMBAf8ECDAGAQH/AgEAMA4GA1UdDwEB/wQEAwIBBjAd
BgNVHQ4EFgQUDYG4Mdg92quG3Sdh7DzRd6nPvQUwHwYDVR0jBBgwFoAUOwL2B4dN
YGDSTYnjZBjBXEzmpIcwCgYIKoZIzj0EAwIDSAAwRQIgFUtyGC84pSStGNsPKolM
8xdQzI1QUnfIeo0kjJSiemgCIQC5QAjkVWJ8p88VLA9m/5lRKa0vJzPXUz+BD+RQ
C13wgA==
-----END CERTIFICATE-----
`;

/** Client certificate `CN=Client 01, O=Contoso` (not a CA, EKU clientAuth), issued by the intermediate, PEM. */
export const CLIENT_PEM = `-----BEGIN CERTIFICATE-----
MIIBtDCCAVqgAwIBAgIUHse1BOr2lwFKSc8UMtwnWScri+AwCgYIKoZIzj0EAwIw
KjEoMCYGA1UEAwwfQVBJTSBTYW1wbGUgREVWIEludGVybWVkaWF0ZSBDQTAeFw0y
NjExMjYxNTU0MjhaFw0zNjExMjMxNTU0MjhaMCYxEDAOBgNVBAoMB0NvbnRvc28x
EjAQBgNVBAMMCUNsaWVudCAwMTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABMsf
RgASqREbDjjC/R80JrwXuLg0dogSt4bBPyshJJcZDk2gMhRbbb31jEN40vwEZiee
OJslmKspYbzzhmdy6+ijYjBgMAkGA1UdEwQCMAAwEwYDVR0lBAwwCgYIKwYBBQUH
AwIwHQYDVR0OBBYEFHwImqvuLB7DtmAOmtqpht5zUGGmMB8GA1UdIwQYMBaAFA2B
uDHYPdqrht0nYew80Xepz70FMAoGCCqGSM49BAMCA0gAMEUCIAyT458KRhHwF16V
P6sjC7hRGeLFSUqEoIS4BBZhzH8mAiEAgn6/vfhh2aqwjlLjNzK31Ge6XPTvGQto
wx5ia0U2CL0=
-----END CERTIFICATE-----
`;

/** The client certificate as base64 DER without markers. */
export const CLIENT_BASE64 = 'MIIBtDCCAVqgAwIBAgIUHse1BOr2lwFKSc8UMtwnWScri+AwCgYIKoZIzj0EAwIwKjEoMCYGA1UEAwwfQVBJTSBTYW1wbGUgREVWIEludGVybWVkaWF0ZSBDQTAeFw0yNjExMjYxNTU0MjhaFw0zNjExMjMxNTU0MjhaMCYxEDAOBgNVBAoMB0NvbnRvc28xEjAQBgNVBAMMCUNsaWVudCAwMTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABMsfRgASqREbDjjC/R80JrwXuLg0dogSt4bBPyshJJcZDk2gMhRbbb31jEN40vwEZieeOJslmKspYbzzhmdy6+ijYjBgMAkGA1UdEwQCMAAwEwYDVR0lBAwwCgYIKwYBBQUHAwIwHQYDVR0OBBYEFHwImqvuLB7DtmAOmtqpht5zUGGmMB8GA1UdIwQYMBaAFA2BuDHYPdqrht0nYew80Xepz70FMAoGCCqGSM49BAMCA0gAMEUCIAyT458KRhHwF16VP6sjC7hRGeLFSUqEoIS4BBZhzH8mAiEAgn6/vfhh2aqwjlLjNzK31Ge6XPTvGQtowx5ia0U2CL0=';

/** The shared settings file with the typed SKU parameters, as real projects write it [facts §5]. */
export const SETTINGS_BICEP = `@export()
type apimSkuType = 'Consumption' | 'Developer' | 'Basic' | 'Standard' | 'Premium' | 'Isolated' | 'BasicV2' | 'StandardV2' | 'PremiumV2'

@export()
type apimV2SkuType = 'BasicV2' | 'StandardV2' | 'PremiumV2'

@export()
type apiManagementSettingsType = {
  serviceName: string
  sku: apimSkuType
}

@export()
type apiManagementV2SettingsType = {
  serviceName: string
  sku: apimV2SkuType
}
`;

/** The header that imports a typed settings parameter (`apiManagementSettings.sku`) of the given settings type. */
export function settingsHeader(type: 'apiManagementSettingsType' | 'apiManagementV2SettingsType'): string {
  return `import { ${type} } from './settings.bicep'

param apiManagementSettings ${type}
`;
}

/**
 * `main.bicep`: `header`, then a service with `sku.name: skuExpr` and `properties` holding `properties` (indented 4
 * spaces, after publisherEmail and publisherName). The service resource starts on the line after the header.
 */
export function serviceBicep(skuExpr: string, properties = '', header = ''): string {
  const extra = properties
    ? `\n${properties
        .split('\n')
        .map((l) => (l ? `    ${l}` : l))
        .join('\n')}`
    : '';
  return `${header}resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-mtls-demo'
  location: 'westeurope'
  sku: {
    name: ${skuExpr}
    capacity: 1
  }
  properties: {
    publisherEmail: 'api-team@example.com'
    publisherName: 'Contoso'${extra}
  }
}
`;
}

/** A global policy of `apim` (format rawxml), loaded from `policyFile`. */
export function servicePolicyBicep(policyFile: string): string {
  return `resource servicePolicy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: loadTextContent('${policyFile}')
  }
}
`;
}

/** A file's start: the service as `existing`, by a name parameter. */
export const EXISTING_SERVICE = `param apiManagementServiceName string

resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
}
`;

/** `api.bicep`: an API on the `existing` service (by name parameter) with an operation policy loaded from `policyFile`. */
export function apiBicep(policyFile: string, format = "'rawxml'"): string {
  return `${EXISTING_SERVICE}
resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: 'protected-api'
  properties: {
    displayName: 'Protected API'
    path: 'protected'
    protocols: [ 'https' ]
  }

  resource operation 'operations' = {
    name: 'get'
    properties: {
      displayName: 'GET'
      method: 'GET'
      urlTemplate: '/'
    }

    resource policy 'policies' = {
      name: 'policy'
      properties: {
        format: ${format}
        value: loadTextContent('${policyFile}')
      }
    }
  }
}
`;
}

/** A policy document with `inbound` inside the inbound section (after `<base />`). */
/** A Bicep policy fragment of the existing service `apim`, named 'client-cert', that loads `file`. */
export function fragmentBicep(file: string): string {
  return `${EXISTING_SERVICE}
resource fragment 'Microsoft.ApiManagement/service/policyFragments@2024-05-01' = {
  parent: apim
  name: 'client-cert'
  properties: {
    format: 'rawxml'
    value: loadTextContent('${file}')
  }
}
`;
}

/** A policy that answers 403 unless the client's certificate is the uploaded one found under `key` (as written, quotes included). */
export function certificateLookupPolicy(key: string): string {
  return policy(`<choose>
            <when condition="@(context.Request.Certificate?.Thumbprint != context.Deployment.Certificates[${key}].Thumbprint)">
                <return-response><set-status code="403" /></return-response>
            </when>
        </choose>`);
}

export function policy(inbound: string): string {
  return policyDocument(`        <base />\n        ${inbound}`) + '\n';
}

/** A policy document whose `<inbound>` holds `inner` as written (lines indented by the caller), and `onError` after `<on-error>`'s `<base />`. */
export function policyDocument(inner: string, onError = ''): string {
  return `<policies>
    <inbound>
${inner}
    </inbound>
    <backend>
        <base />
    </backend>
    <outbound>
        <base />
    </outbound>
    <on-error>
        <base />${onError}
    </on-error>
</policies>`;
}

/** `apiBicep` with an API-scope policy loaded from `./api.xml` beside the operation's (loaded from `operationFile`). */
export function apiBicepWithApiPolicy(operationFile = './operation.xml'): string {
  return apiBicep(operationFile).replace(
    "  resource operation 'operations' = {",
    "  resource apiPolicy 'policies' = {\n    name: 'policy'\n    properties: {\n      format: 'rawxml'\n      value: loadTextContent('./api.xml')\n    }\n  }\n\n  resource operation 'operations' = {",
  );
}

/** A StandardV2 service (with `properties`, e.g. `enableClientCertificate: true`) and a service policy whose `value:` is `value` (a string written in the Bicep). */
export function inlinePolicyBicep(value: string, properties = 'enableClientCertificate: true', format = "'rawxml'"): string {
  return `${serviceBicep("'StandardV2'", properties)}
resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: {
    format: ${format}
    value: ${value}
  }
}
`;
}

/** A policy for the inline tests: validate-trust="true" (wrong on StandardV2) and a DateTime.UtcNow comparison. */
export const INLINE_POLICY = `<policies>
  <inbound>
    <validate-client-certificate validate-trust="true">
      <identities>
        <identity thumbprint="0123456789ABCDEF0123456789ABCDEF01234567" />
      </identities>
    </validate-client-certificate>
    <set-header name="x" exists-action="override"><value>@(context.Request.Certificate?.NotAfter < DateTime.UtcNow ? "a" : "b")</value></set-header>
  </inbound>
</policies>
`;

/**
 * `main.bicep` deploying the service with the Azure Verified Module: `header`, then the module with `params` holding
 * `sku: skuExpr` (omitted when undefined) and `params` (indented 4 spaces), and an API-level policy loaded from
 * `policyFile`. The module starts on the line after the header; `sku` is on its 5th line.
 */
export function avmServiceBicep(skuExpr: string | undefined, params = '', header = '', policyFile = './api.policy.xml'): string {
  const lines = [...(skuExpr === undefined ? [] : [`sku: ${skuExpr}`]), ...params.split('\n').filter((l) => l)];
  return `${header}module apim 'br/public:avm/res/api-management/service:0.9.1' = {
  name: 'apim-deployment'
  params: {
    name: 'apim-mtls-demo'
${lines.map((l) => `    ${l}`).join('\n')}
    publisherEmail: 'api-team@example.com'
    publisherName: 'Contoso'
    apis: [
      {
        name: 'protected-api'
        displayName: 'Protected API'
        path: 'protected'
        policies: [
          {
            format: 'rawxml'
            value: loadTextContent('${policyFile}')
          }
        ]
      }
    ]
  }
}
`;
}

/**
 * A reusable API module (`modules/api.bicep` in the tests): an API `orders` of the `existing` service its callers name
 * (`serviceName`), whose policy is whatever they pass (`policyXml`: a loaded file, or a string written in the caller).
 */
export const API_MODULE = `param serviceName string
param policyXml string
resource service 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: serviceName
}
resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: service
  name: 'orders'
  properties: { displayName: 'Orders', path: 'orders' }
}
resource policy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: api
  name: 'policy'
  properties: { format: 'rawxml', value: policyXml }
}
`;

/**
 * One template deployed per environment: a service on the tier `skuName` that requests client certificates, and its
 * global policy `policyXml`, both set by each environment's `.bicepparam` file (or module call).
 */
export const ENV_TEMPLATE = `param skuName string
param policyXml string
resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim'
  location: 'westeurope'
  sku: { name: skuName, capacity: 1 }
  properties: { publisherEmail: 'a@b.c', publisherName: 'x', enableClientCertificate: true }
}
resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: { format: 'rawxml', value: policyXml }
}
`;

/** A StandardV2 service that requests client certificates, and a call of `API_MODULE` (at `modulePath`) passing it `policy` in a `'''…'''` string. */
export function apiModuleCaller(policy: string, modulePath = 'modules/api.bicep'): string {
  return `resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim'
  location: 'westeurope'
  sku: { name: 'StandardV2', capacity: 1 }
  properties: { publisherEmail: 'a@b.c', publisherName: 'x', enableClientCertificate: true }
}
module orders '${modulePath}' = {
  name: 'orders'
  params: {
    serviceName: apim.name
    policyXml: '''
${policy}'''
  }
}
`;
}
