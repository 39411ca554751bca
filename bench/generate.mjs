// Generates a deterministic (seeded) enterprise-like APIM workspace under bench/.work/ws for `npm run bench`.
//   infra/services/service-<s>.bicep   SERVICES services (SKU, enableClientCertificate, CA certificates via loadTextContent)
//   infra/apis/api-<a>.bicep            an `existing` service by name + an API with nested operations + operation policies
//                                        (`loadTextContent('../../policies/api-<a>/op-<o>.operation.xml')`)
//   policies/api-<a>/op-<o>.operation.xml   loaded by Bicep (≈ POLICIES_PER_SERVICE per service: what a SKU edit re-lints)
//   apiops/apis/<api>/operations/<op>/policy.xml + apiops/apis/<api>/policy.xml   APIOps-style, not loaded by Bicep
//   certs/*.cer                         a few dozen real certificates (openssl, EC P-256; cached across runs)
// Usage: node bench/generate.mjs [--force]   (prints a JSON summary)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const WORK = join(here, '.work');
export const WS = join(WORK, 'ws');
const SEED = 20240611;
const GENERATOR_VERSION = 3;

export const SHAPE = {
  services: 4,
  bicepApisPerService: 63, // × 8 operations ≈ 500 policies per service
  opsPerBicepApi: 8,
  apiopsApis: 125,
  opsPerApiopsApi: 16,
  certificates: 36,
  bigPolicyEvery: 400, // one policy in 400 is a ~1,000-line policy
};

/** mulberry32: small, fast, seeded. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SKUS = ['Developer', 'Basic', 'Standard', 'Premium', 'StandardV2', 'BasicV2', 'Consumption', 'PremiumV2'];
const HEADERS = ['X-Correlation-Id', 'X-Client-Thumbprint', 'X-Tenant', 'X-Forwarded-Client-Cert', 'X-Request-Source', 'X-Api-Version'];

function certs(rand) {
  const dir = join(WS, 'certs');
  mkdirSync(dir, { recursive: true });
  const thumbprints = [];
  for (let i = 0; i < SHAPE.certificates; i++) {
    const file = join(dir, `client-${String(i).padStart(2, '0')}${i % 3 === 0 ? '.without-markers' : ''}.cer`);
    if (!existsSync(file)) {
      const days = i % 9 === 4 ? 1 : 730;
      const pem = execFileSync('openssl', ['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', '/dev/null', '-subj', `/O=bench/CN=Bench Client ${i}`, '-days', String(days), '-sha256'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      if (i % 3 === 0) writeFileSync(file, pem.replace(/-----[A-Z ]+-----|\s/g, ''));
      else writeFileSync(file, pem);
    }
    const text = readFileSync(file, 'utf8');
    const der = Buffer.from(text.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    thumbprints.push(createHash('sha1').update(der).digest('hex').toUpperCase());
  }
  void rand;
  return thumbprints;
}

const pick = (rand, xs) => xs[Math.floor(rand() * xs.length)];

function validateBlock(rand, tps, indent) {
  const ids = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => {
    const r = rand();
    if (r < 0.6) return `<identity thumbprint="${pick(rand, tps)}" />`;
    if (r < 0.8) return `<identity thumbprint="{{client-thumbprint-${Math.floor(rand() * 20)}}}" />`;
    return `<identity subject="CN=Bench Client ${Math.floor(rand() * 36)}, O=bench" issuer-subject="CN=Bench Issuing CA" />`;
  });
  const p = indent;
  return [
    `${p}<validate-client-certificate validate-revocation="${rand() < 0.5}" validate-trust="${rand() < 0.7}" validate-not-before="true" validate-not-after="${rand() < 0.9}" ignore-error="${rand() < 0.1}">`,
    `${p}  <identities>`,
    ...ids.map((l) => `${p}    ${l}`),
    `${p}  </identities>`,
    `${p}</validate-client-certificate>`,
  ];
}

function chooseBlock(rand, tps, indent, n) {
  const p = indent;
  const out = [`${p}<choose>`];
  for (let i = 0; i < n; i++) {
    const cond = pick(rand, [
      `@(context.Request.Certificate == null || !context.Request.Certificate.Verify())`,
      `@(context.Request.Certificate.Thumbprint != "${pick(rand, tps)}")`,
      `@(context.Request.Certificate.NotAfter < DateTime.Now)`,
      `@(context.Request.Headers.GetValueOrDefault("${pick(rand, HEADERS)}", "") == "tenant-${i}")`,
      `@(context.Request.Url.Query.GetValueOrDefault("v", "1") != "2" && context.Variables.ContainsKey("x${i}"))`,
    ]);
    out.push(`${p}  <when condition="${cond}">`);
    out.push(`${p}    <set-variable name="branch" value="@("b${i}-" + context.RequestId)" />`);
    if (rand() < 0.5) out.push(`${p}    <return-response>`, `${p}      <set-status code="403" reason="Forbidden" />`, `${p}    </return-response>`);
    else out.push(`${p}    <set-header name="${pick(rand, HEADERS)}" exists-action="override">`, `${p}      <value>@(context.Request.Certificate?.Thumbprint ?? "none")</value>`, `${p}    </set-header>`);
    out.push(`${p}  </when>`);
  }
  out.push(`${p}  <otherwise>`, `${p}    <set-variable name="branch" value="default" />`, `${p}  </otherwise>`, `${p}</choose>`);
  return out;
}

function exprBlock(rand, indent) {
  const p = indent;
  return [
    `${p}<set-body>@{`,
    `${p}    var cert = context.Request.Certificate;`,
    `${p}    var body = context.Request.Body?.As<JObject>(preserveContent: true) ?? new JObject();`,
    `${p}    body["client"] = cert == null ? "anonymous" : cert.SubjectName.Name;`,
    `${p}    body["when"] = $"{DateTime.UtcNow:o} <{context.Deployment.Region}>";`,
    `${p}    if (body["items"] is JArray items && items.Count > ${Math.floor(rand() * 10)}) { body["big"] = true; } // "quoted" > still expr`,
    `${p}    return body.ToString();`,
    `${p}}</set-body>`,
  ];
}

/** A policy of roughly `size` blocks; rawxml with expressions. */
function policy(rand, tps, big, level) {
  const lines = ['<policies>', '  <inbound>', '    <base />'];
  const blocks = big ? 90 : 1 + Math.floor(rand() * 4);
  if (level === 'operation' && rand() < 0.7) lines.push(...validateBlock(rand, tps, '    '));
  for (let b = 0; b < blocks; b++) {
    const r = rand();
    if (r < 0.35) lines.push(...chooseBlock(rand, tps, '    ', 1 + Math.floor(rand() * 3)));
    else if (r < 0.6) lines.push(`    <set-header name="${pick(rand, HEADERS)}" exists-action="${pick(rand, ['override', 'skip', 'append'])}">`, `      <value>@(context.Request.Certificate?.Thumbprint ?? context.RequestId.ToString())</value>`, `    </set-header>`);
    else if (r < 0.75) lines.push(...exprBlock(rand, '    '));
    else if (r < 0.85) lines.push(`    <rate-limit-by-key calls="${10 + Math.floor(rand() * 990)}" renewal-period="60" counter-key="@(context.Request.Certificate?.Thumbprint ?? context.Request.IpAddress)" />`);
    else if (r < 0.95) lines.push(`    <!-- ${'note '.repeat(1 + Math.floor(rand() * 8))}-->`, `    <set-query-parameter name="tenant" exists-action="override"><value>{{tenant-${Math.floor(rand() * 9)}}}</value></set-query-parameter>`);
    else lines.push(...validateBlock(rand, tps, '    '));
  }
  lines.push('  </inbound>', '  <backend>', '    <base />', '  </backend>', '  <outbound>', '    <base />');
  if (rand() < 0.4) lines.push(`    <set-header name="X-Powered-By" exists-action="delete" />`);
  lines.push('  </outbound>', '  <on-error>', '    <base />', '  </on-error>', '</policies>', '');
  return lines.join('\n');
}

function serviceBicep(s, rand, certFiles) {
  const sku = SKUS[s % 4 === 0 ? 3 : s % SKUS.length];
  const cas = certFiles.slice(s * 3, s * 3 + 3);
  return `// Service ${s}: the SKU edit in the benchmark changes \`skuName\`.
@description('The tier')
param skuName string = '${sku}'
param location string = resourceGroup().location

var serviceName = 'apim-bench-${s}'

resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: serviceName
  location: location
  sku: {
    name: skuName
    capacity: skuName == 'Consumption' ? 0 : 1
  }
  properties: {
    publisherEmail: 'api@example.com'
    publisherName: 'Contoso'
    enableClientCertificate: ${s % 3 !== 1}
    certificates: [
${cas.map((c) => `      {\n        encodedCertificate: loadTextContent('../../certs/${c}')\n        storeName: 'Root'\n      }`).join('\n')}
    ]
  }
}

resource globalPolicy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: '<policies><inbound><base /></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>'
  }
}

output gatewayUrl string = apim.properties.gatewayUrl
`;
}

function apiBicep(s, a, ops) {
  const body = ops
    .map(
      (o) => `  resource op${o} 'operations' = {
    name: 'op-${o}'
    properties: {
      displayName: 'Operation ${o}'
      method: '${['GET', 'POST', 'PUT', 'DELETE'][o % 4]}'
      urlTemplate: '/items/${o}/{id}'
      templateParameters: [
        { name: 'id', type: 'string', required: true }
      ]
    }

    resource policy 'policies' = {
      name: 'policy'
      properties: {
        format: 'rawxml'
        value: loadTextContent('../../policies/api-${a}/op-${o}.operation.xml')
      }
    }
  }`,
    )
    .join('\n\n');
  return `param apimName string = 'apim-bench-${s}'

resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apimName
}

resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: 'api-${a}'
  properties: {
    displayName: 'API ${a}'
    path: 'api-${a}'
    protocols: ['https']
    subscriptionRequired: ${a % 2 === 0}
  }

${body}
}
`;
}

export function generate({ force = false } = {}) {
  const stamp = join(WORK, 'generated.json');
  if (!force && existsSync(stamp)) {
    const info = JSON.parse(readFileSync(stamp, 'utf8'));
    if (info.version === GENERATOR_VERSION) return info;
  }
  const certDir = join(WS, 'certs');
  const keepCerts = existsSync(certDir);
  for (const d of ['infra', 'policies', 'apiops']) rmSync(join(WS, d), { recursive: true, force: true });
  if (!keepCerts) mkdirSync(certDir, { recursive: true });
  const rand = prng(SEED);
  const tps = certs(rand);
  const certFiles = readdirSync(certDir).sort();
  let policies = 0;
  let bytes = 0;
  let bicepFiles = 0;
  let big = 0;
  const write = (rel, text) => {
    const file = join(WS, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    bytes += Buffer.byteLength(text);
  };
  const bigPolicies = [];
  const nextPolicy = (level, rel) => {
    const isBig = (policies + 1) % SHAPE.bigPolicyEvery === 0;
    const text = policy(rand, tps, isBig, level);
    if (isBig) {
      big++;
      bigPolicies.push(rel);
    }
    policies++;
    write(rel, text);
  };
  let a = 0;
  const serviceFiles = [];
  const dependentsOf = {};
  for (let s = 0; s < SHAPE.services; s++) {
    const rel = `infra/services/service-${s}.bicep`;
    write(rel, serviceBicep(s, rand, certFiles));
    serviceFiles.push(rel);
    dependentsOf[rel] = 0;
    bicepFiles++;
    for (let i = 0; i < SHAPE.bicepApisPerService; i++, a++) {
      const ops = Array.from({ length: SHAPE.opsPerBicepApi }, (_, o) => o);
      write(`infra/apis/api-${a}.bicep`, apiBicep(s, a, ops));
      bicepFiles++;
      for (const o of ops) {
        nextPolicy('operation', `policies/api-${a}/op-${o}.operation.xml`);
        dependentsOf[rel]++;
      }
    }
  }
  for (let i = 0; i < SHAPE.apiopsApis; i++) {
    const api = `apiops-${i}`;
    nextPolicy('api', `apiops/apis/${api}/policy.xml`);
    for (let o = 0; o < SHAPE.opsPerApiopsApi; o++) nextPolicy('operation', `apiops/apis/${api}/operations/op-${o}/policy.xml`);
  }
  const info = {
    version: GENERATOR_VERSION,
    root: WS,
    policies,
    bigPolicies,
    bicepFiles,
    certificates: certFiles.length,
    textBytes: bytes,
    serviceFiles,
    dependentsOf,
  };
  writeFileSync(stamp, JSON.stringify(info, null, 1));
  return info;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const info = generate({ force: process.argv.includes('--force') });
  console.log(JSON.stringify({ ...info, bigPolicies: info.bigPolicies.length }));
}
