/** Workspace files shared by the validate-client-certificate rule tests (validation-policy area). */
import { SETTINGS_BICEP, serviceBicep as serviceResource, settingsHeader } from './bicep-service.fixtures';

/** A policy whose inbound section holds `inner` (indented 8 spaces) after `<base />`: `inner`'s first line is line 4. */
export function policy(inner: string, sections: { backend?: string; outbound?: string; onError?: string } = {}): string {
  const block = (s: string | undefined): string => (s ? `\n${indent(s)}` : '');
  return [
    '<policies>',
    '    <inbound>',
    '        <base />',
    indent(inner),
    '    </inbound>',
    `    <backend>\n        <base />${block(sections.backend)}\n    </backend>`,
    `    <outbound>\n        <base />${block(sections.outbound)}\n    </outbound>`,
    `    <on-error>\n        <base />${block(sections.onError)}\n    </on-error>`,
    '</policies>',
    '',
  ].join('\n');
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => (l ? `        ${l}` : l))
    .join('\n');
}

export { SETTINGS_BICEP } from './bicep-service.fixtures';

/**
 * `main.bicep`: a service whose `sku.name` is `skuExpr` (after `header` declarations), and an API whose policy is
 * `api.policy.xml`, loaded with `loadTextContent` in `format`.
 */
export function serviceBicep(skuExpr: string, header = '', format = 'rawxml'): string {
  return `${header}
${serviceResource(skuExpr)}
resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: 'protected-api'
  properties: {
    displayName: 'Protected API'
    path: 'protected'
    protocols: [ 'https' ]
  }
}

resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: api
  name: 'policy'
  properties: {
    format: '${format}'
    value: loadTextContent('./api.policy.xml')
  }
}
`;
}

/** A workspace where the policy is deployed to a service with this literal SKU. */
export function deployedOn(sku: string): Record<string, string> {
  return { 'main.bicep': serviceBicep(`'${sku}'`) };
}

/** A workspace where the SKU comes from an imported typed parameter allowing every tier (classic and v2). */
export const ANY_TIER: Record<string, string> = {
  'settings.bicep': SETTINGS_BICEP,
  'main.bicep': serviceBicep('apiManagementSettings.sku', settingsHeader('apiManagementSettingsType')),
};

/** A workspace where the SKU comes from an imported typed parameter allowing only v2 tiers. */
export const V2_ONLY: Record<string, string> = {
  'settings.bicep': SETTINGS_BICEP,
  'main.bicep': serviceBicep('apiManagementSettings.sku', settingsHeader('apiManagementV2SettingsType')),
};

/** Client certificate `CN=Client 01, O=Contoso`, issued by `CN=APIM Sample DEV Intermediate CA` (EC P-256). */
export const CLIENT_01_PEM = `-----BEGIN CERTIFICATE-----
MIIBozCCAUigAwIBAgICEAEwCgYIKoZIzj0EAwIwKjEoMCYGA1UEAwwfQVBJTSBT
YW1wbGUgREVWIEludGVybWVkaWF0ZSBDQTAeFw0yNjExMjYxNTQ5MjlaFw0zNjEx
MjMxNTQ5MjlaMCYxEDAOBgNVBAoMB0NvbnRvc28xEjAQBgNVBAMMCUNsaWVudCAw
MTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABAzVgC7tErrOIfLt3ktovujiPRwm
GICSV+fydY6jPAHVbilVbMZMinWvVluQsk9AzJHy3Z3SRVu42YLodXyqfA2jYjBg
MAkGA1UdEwQCMAAwEwYDVR0lBAwwCgYIKwYBBQUHAwIwHQYDVR0OBBYEFL9VLMj0
AsF820kbyvcNKgSA6R6RMB8GA1UdIwQYMBaAFJB0lPyBAvHJW3meSxqCTZrEfEqW
MAoGCCqGSM49BAMCA0kAMEYCIQCXBdUd/G2GMVJlRfHFmNa+Rk9uWu6pjFcI4Bf7
hlh3IAIhAL1QGknpPVNcVaZiZruXfDv2CSGckwOfxXg9StbmIvu+
-----END CERTIFICATE-----
`;
/** SHA-1 thumbprint of CLIENT_01_PEM. */
export const CLIENT_01_THUMBPRINT = '2DB300DFDA51470556A3E1AA3A332D81CCB0482E';

/** The self-signed CA `CN=APIM Sample DEV Intermediate CA` that issued CLIENT_01_PEM. */
export const DEV_CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBqDCCAU+gAwIBAgIUKuWFX6o7jLj3ufDj0R1kTGKvzK8wCgYIKoZIzj0EAwIw
KjEoMCYGA1UEAwwfQVBJTSBTYW1wbGUgREVWIEludGVybWVkaWF0ZSBDQTAeFw0y
NjExMjYxNTQ5MjlaFw0zNjExMjMxNTQ5MjlaMCoxKDAmBgNVBAMMH0FQSU0gU2Ft
cGxlIERFViBJbnRlcm1lZGlhdGUgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AAQCzcbRH+zvuw9F76zY//o3uOIvkZ/y04qUPFGoGEznt5UNzjwq3jl/K2LJbm+i
qQEV9L8g+zNUjM4xu5n3wouNo1MwUTAdBgNVHQ4EFgQUkHSU/IEC8clbeZ5LGoJN
msR8SpYwHwYDVR0jBBgwFoAUkHSU/IEC8clbeZ5LGoJNmsR8SpYwDwYDVR0TAQH/
BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiAnsCjnWk4DuLvxSybo9FbbqRCKHZpS
E2R6kTSR5QVrdQIgb7Jf9wkF3TqWiVh786Sex8LIp5N6o7ZAosLYgCsb4f0=
-----END CERTIFICATE-----
`;

/** A named value deployed next to the service (main.bicep), whose value is `value` (a Bicep expression). */
export function withNamedValue(files: Record<string, string>, value: string, file = 'main.bicep'): Record<string, string> {
  const resource = `
resource chainSwitch 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = {
  parent: apim
  name: 'validate-certificate-chain'
  properties: {
    displayName: 'validate-certificate-chain'
    value: ${value}
  }
}
`;
  if (file === 'main.bicep') return { ...files, 'main.bicep': files['main.bicep'] + resource };
  const header = "resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {\n  name: 'apim-mtls-demo'\n}\n";
  return { ...files, [file]: header + resource };
}
