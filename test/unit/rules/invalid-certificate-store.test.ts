import { testRule } from '../../rule-tester';
import { invalidCertificateStore } from '../../../server/src/rules/invalid-certificate-store';
import { INTERMEDIATE_CA_PEM, ROOT_CA_BASE64, ROOT_CA_PEM, serviceBicep } from './bicep-service.fixtures';

/** A classic service with one CA entry made of `members` (its first member is on line 13). */
function entry(...members: string[]): string {
  return serviceBicep("'Developer'", `certificates: [\n  {\n${members.map((m) => `    ${m}`).join('\n')}\n  }\n]`);
}

const ROOT = "encodedCertificate: loadTextContent('./certs/root-ca.without-markers.cer')";
const INTERMEDIATE = "encodedCertificate: loadTextContent('./certs/dev-intermediate-ca.cer')";
const CERTS = { 'certs/root-ca.without-markers.cer': ROOT_CA_BASE64, 'certs/root-ca.cer': ROOT_CA_PEM, 'certs/dev-intermediate-ca.cer': INTERMEDIATE_CA_PEM };

testRule(invalidCertificateStore, {
  valid: [
    { name: 'Root', code: entry(ROOT, "storeName: 'Root'"), files: CERTS },
    { name: 'CertificateAuthority', code: entry(INTERMEDIATE, "storeName: 'CertificateAuthority'"), files: CERTS },
    { name: 'storeName from a parameter', code: `param store string\n${entry(ROOT, 'storeName: store')}`, files: CERTS },
  ],
  invalid: [
    {
      name: 'missing storeName on a readable root: add Root',
      code: entry(ROOT),
      files: CERTS,
      findings: [{ line: 13, level: 'error', text: 'encodedCertificate', message: "no storeName: it is required, and the deployment fails without it. This certificate belongs in 'Root'." }],
      output: entry("storeName: 'Root'", ROOT),
    },
    {
      name: 'missing storeName on an intermediate: add CertificateAuthority',
      code: entry(INTERMEDIATE, "certificatePassword: ''"),
      files: CERTS,
      findings: [{ line: 13, text: 'encodedCertificate', message: "belongs in 'CertificateAuthority'" }],
      output: entry("storeName: 'CertificateAuthority'", INTERMEDIATE, "certificatePassword: ''"),
    },
    {
      name: 'missing storeName, certificate not in the workspace: two fixes, none preferred',
      code: entry("encodedCertificate: loadTextContent('./certs/elsewhere.cer')"),
      findings: [{ line: 13, message: "Use 'Root' for a self-signed root CA" }],
      output: entry("storeName: 'Root'", "encodedCertificate: loadTextContent('./certs/elsewhere.cer')"),
    },
    {
      name: 'missing storeName with a quoted key',
      code: entry(`'encodedCertificate': '${ROOT_CA_BASE64}'`),
      findings: [{ line: 13, text: "'encodedCertificate'", message: "belongs in 'Root'" }],
      output: entry("storeName: 'Root'", `'encodedCertificate': '${ROOT_CA_BASE64}'`),
    },
    {
      name: 'a Windows store name that APIM does not take',
      code: entry(INTERMEDIATE, "storeName: 'Intermediate'"),
      files: CERTS,
      findings: [{ line: 14, level: 'error', text: "storeName: 'Intermediate'", message: "storeName 'Intermediate' is not a store APIM accepts" }],
      output: entry(INTERMEDIATE, "storeName: 'CertificateAuthority'"),
    },
    {
      name: 'a literal certificate in the My store',
      code: entry(`encodedCertificate: '${ROOT_CA_BASE64}'`, "storeName: 'My'"),
      findings: [{ line: 14, level: 'error', message: "belongs in 'Root'" }],
      output: entry(`encodedCertificate: '${ROOT_CA_BASE64}'`, "storeName: 'Root'"),
    },
    {
      name: 'wrong case only: a warning',
      code: entry(ROOT, "storeName: 'root'"),
      files: CERTS,
      findings: [{ line: 14, level: 'warning', message: "differs in case from 'Root'" }],
      output: entry(ROOT, "storeName: 'Root'"),
    },
  ],
});
