import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { applyFix, lintCase, testRule, WS } from '../../rule-tester';
import { pemMarkersInCertificate } from '../../../server/src/rules/pem-markers-in-certificate';
import { CLIENT_BASE64, CLIENT_PEM, ROOT_CA_BASE64, ROOT_CA_PEM, SETTINGS_BICEP, serviceBicep, settingsHeader } from './bicep-service.fixtures';

/** A classic service whose one CA certificate is `encoded` (line 13). */
function withRoot(encoded: string): string {
  return serviceBicep("'Developer'", `certificates: [\n  {\n    encodedCertificate: ${encoded}\n    storeName: 'Root'\n  }\n]`);
}

const PEM_ONLY = { 'certs/root-ca.cer': ROOT_CA_PEM };
const BOTH = { ...PEM_ONLY, 'certs/root-ca.without-markers.cer': ROOT_CA_BASE64 };

const CLIENT_CERTIFICATE = `resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: 'apim-mtls-demo'
}

resource clientCertificate 'Microsoft.ApiManagement/service/certificates@2024-05-01' = {
  parent: apim
  name: 'client-01'
  properties: {
    data: loadTextContent('./certs/client-01.cer')
  }
}
`;

testRule(pemMarkersInCertificate, {
  valid: [
    { name: 'loads the file without markers', code: withRoot("loadTextContent('./certs/root-ca.without-markers.cer')"), files: BOTH },
    {
      name: 'strips the markers with replace(…)',
      code: withRoot("replace(replace(loadTextContent('./certs/root-ca.cer'), '-----BEGIN CERTIFICATE-----', ''), '-----END CERTIFICATE-----', '')"),
      files: PEM_ONLY,
    },
    { name: 'a base64 literal', code: withRoot(`'${ROOT_CA_BASE64}'`) },
    { name: 'loadFileAsBase64 of a binary DER file', code: withRoot("loadFileAsBase64('./certs/root-ca.der')"), files: { 'certs/root-ca.der': Buffer.from(ROOT_CA_BASE64, 'base64') } },
    { name: 'a loaded file that is not in the workspace', code: withRoot("loadTextContent('./certs/missing.cer')") },
    {
      name: 'the tier-guarded pattern of real projects, loading the file without markers',
      code: serviceBicep(
        'apiManagementSettings.sku',
        "certificates: contains(['Developer', 'Basic', 'Standard', 'Premium'], apiManagementSettings.sku) ? [\n  {\n    encodedCertificate: loadTextContent('./certs/root-ca.without-markers.cer')\n    storeName: 'Root'\n  }\n] : null",
        settingsHeader('apiManagementSettingsType'),
      ),
      files: { ...BOTH, 'settings.bicep': SETTINGS_BICEP },
    },
    { name: 'a client certificate without markers', code: CLIENT_CERTIFICATE, files: { 'certs/client-01.cer': CLIENT_BASE64 } },
  ],
  invalid: [
    {
      name: 'PEM file next to its copy without markers: load the copy',
      code: withRoot("loadTextContent('./certs/root-ca.cer')"),
      files: BOTH,
      findings: [{ line: 13, level: 'error', text: "loadTextContent('./certs/root-ca.cer')", message: "encodedCertificate: loadTextContent('./certs/root-ca.cer') loads the PEM text" }],
      output: withRoot("loadTextContent('./certs/root-ca.without-markers.cer')"),
    },
    {
      name: 'through a variable of the file (a public repository): reported at the use, the fix edits the load',
      code: `var rootCa = loadTextContent('./certs/root-ca.cer')\n${withRoot('rootCa')}`,
      files: BOTH,
      findings: [{ line: 14, level: 'error', text: 'rootCa', message: "encodedCertificate: loadTextContent('./certs/root-ca.cer') loads the PEM text" }],
      output: `var rootCa = loadTextContent('./certs/root-ca.without-markers.cer')\n${withRoot('rootCa')}`,
    },
    {
      name: 'PEM file without a copy: create the copy and load it',
      code: withRoot("loadTextContent('./certs/root-ca.cer')"),
      files: PEM_ONLY,
      findings: [{ line: 13, level: 'error', message: 'Certificate data should contain a valid Base64Encoded string' }],
      output: withRoot("loadTextContent('./certs/root-ca.without-markers.cer')"),
    },
    {
      name: 'loadFileAsBase64 of a PEM file encodes the text with its markers',
      code: withRoot("loadFileAsBase64('./certs/root-ca.cer')"),
      files: BOTH,
      // A valid base64 string (of the PEM text): no base64 error to quote, and not documented to fail: a warning.
      findings: [{ line: 13, level: 'warning', text: "loadFileAsBase64('./certs/root-ca.cer')", message: /base64-encodes the PEM text.*not documented/ }],
      output: withRoot("loadTextContent('./certs/root-ca.without-markers.cer')"),
    },
    {
      name: 'a PEM literal in a multi-line string',
      code: withRoot(`'''\n${ROOT_CA_PEM}'''`),
      findings: [{ line: 13, message: 'encodedCertificate holds a PEM certificate' }],
      output: withRoot(`'${ROOT_CA_BASE64}'`),
    },
    {
      // Stripping only the markers put "BagAttributeslocalKeyID:…" into the base64, and "No problems" followed.
      name: "a PEM literal with OpenSSL's Bag Attributes lines before it: reported, no safe fix",
      code: withRoot(`'''\nBag Attributes\n    localKeyID: 01 00 00 00\nsubject=CN = Root CA\n${ROOT_CA_PEM}'''`),
      findings: [{ line: 13, message: /holds text outside the markers \(such as OpenSSL's "Bag Attributes" lines\)/ }],
      noFix: true,
    },
    {
      // Both blocks' base64 one after the other: the second certificate was dropped without a word.
      name: 'a PEM literal of two certificates: reported, no safe fix',
      code: withRoot(`'''\n${ROOT_CA_PEM}${CLIENT_PEM}'''`),
      findings: [{ line: 13, message: /It holds 2 certificates, and encodedCertificate takes one: upload each as its own entry/ }],
      noFix: true,
    },
    {
      name: 'a client certificate (service/certificates data) loaded from a PEM file',
      code: CLIENT_CERTIFICATE,
      files: { 'certs/client-01.cer': CLIENT_PEM },
      findings: [{ line: 9, text: "loadTextContent('./certs/client-01.cer')", message: /^data: .*client-01\.without-markers\.cer/ }],
    },
  ],
});

test('without a copy, the preferred fix creates root-ca.without-markers.cer with the base64 DER; the other strips the markers in Bicep', () => {
  const { findings, file } = lintCase(pemMarkersInCertificate, { name: 'create', code: withRoot("loadTextContent('./certs/root-ca.cer')"), files: PEM_ONLY });
  const [create, strip] = findings[0]!.fixes;
  assert.equal(create?.preferred, true);
  assert.deepEqual(create?.creates, [{ file: path.join(WS, 'certs', 'root-ca.without-markers.cer'), content: ROOT_CA_BASE64 }]);
  assert.equal(
    applyFix(withRoot("loadTextContent('./certs/root-ca.cer')"), strip!, file),
    withRoot("replace(replace(replace(replace(loadTextContent('./certs/root-ca.cer'), '-----BEGIN CERTIFICATE-----', ''), '-----END CERTIFICATE-----', ''), '\\r', ''), '\\n', '')"),
  );
});
