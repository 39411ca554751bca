import { testRule } from '../../rule-tester';
import { privateCaNotUploaded } from '../../../server/src/rules/private-ca-not-uploaded';
import { ROOT_CA_PEM } from './bicep-service.fixtures';
import { CLIENT_01_PEM, deployedOn, policy, withNamedValue } from './validation-policy.fixtures';

const SUBJECT_IDENTITY = (trust = '') => `<validate-client-certificate validate-revocation="false"${trust}>
    <identities>
        <identity subject="CN=Client 01, O=Contoso" issuer-subject="CN=APIM Sample DEV Intermediate CA" />
    </identities>
</validate-client-certificate>`;

const CA = { 'certs/root-ca.cer': ROOT_CA_PEM };

/** The policy deployed to a Premium service that uploads the CA (properties.certificates). */
function withCaUploaded(certificates: string): Record<string, string> {
  const main = deployedOn('Premium')['main.bicep']!;
  return { 'main.bicep': main.replace("publisherName: 'Contoso'", `publisherName: 'Contoso'\n    certificates: ${certificates}`) };
}

const VERIFY = `<choose>
    <when condition="@(context.Request.Certificate == null || !context.Request.Certificate.VerifyNoRevocation())">
        <return-response><set-status code="403" /></return-response>
    </when>
</choose>`;

testRule(privateCaNotUploaded, {
  valid: [
    { name: 'the CA is uploaded in properties.certificates', code: policy(SUBJECT_IDENTITY()), files: { ...withCaUploaded("[ { encodedCertificate: loadTextContent('certs/root-ca.without-markers.cer'), storeName: 'Root' } ]"), ...CA } },
    { name: 'validate-trust="false" (pinned by thumbprint instead)', code: policy(SUBJECT_IDENTITY(' validate-trust="false"')), files: { ...deployedOn('Premium'), ...CA } },
    { name: 'no private CA in the workspace (a public CA may issue the client certificates)', code: policy(SUBJECT_IDENTITY()), files: { ...deployedOn('Premium'), 'certs/client-01.cer': CLIENT_01_PEM } },
    { name: 'a v2 service: other rules say that it can hold no CA certificates', code: policy(SUBJECT_IDENTITY()), files: { ...deployedOn('StandardV2'), ...CA } },
    { name: 'a policy no Bicep of the workspace deploys (a configured SKU tells no service)', code: policy(SUBJECT_IDENTITY()), files: CA, sku: ['Premium'] },
    { name: 'a named value that is "false" on the classic tiers', code: policy(SUBJECT_IDENTITY(' validate-trust="{{validate-certificate-chain}}"')), files: { ...withNamedValue(deployedOn('Premium'), "'false'"), ...CA } },
    { name: 'Verify() only traced: nothing is decided by it', code: policy('<trace source="mtls">@(context.Request.Certificate?.Verify().ToString())</trace>'), files: { ...deployedOn('Premium'), ...CA } },
  ],
  invalid: [
    {
      name: 'validate-trust omitted (true) on a Premium service without CA certificates, with the private CA in the workspace',
      code: policy(SUBJECT_IDENTITY()),
      files: { ...deployedOn('Premium'), ...CA },
      findings: [
        {
          line: 4,
          level: 'warning',
          text: 'validate-client-certificate',
          message: /^validate-client-certificate \(validate-trust is true by default\) validates the client certificate's chain on the service apim \(Premium, in main\.bicep\), which uploads no CA certificate \(properties\.certificates\), and the workspace holds the private CA root-ca\.cer \("CN=APIM Sample Root CA"\)/,
        },
      ],
    },
    {
      name: 'validate-trust="true", and a CA list that uploads nothing ([])',
      code: policy(SUBJECT_IDENTITY(' validate-trust="true"')),
      files: { ...withCaUploaded('[]'), ...CA },
      findings: [{ line: 4, level: 'warning', text: 'true', message: /validate-trust="true"\) validates the client certificate's chain on the service apim \(Premium/ }],
    },
    {
      name: 'VerifyNoRevocation() deciding a 403 on a Developer service without CA certificates',
      code: policy(VERIFY),
      files: { ...deployedOn('Developer'), ...CA },
      findings: [{ line: 5, level: 'warning', text: 'VerifyNoRevocation', message: /^VerifyNoRevocation\(\) validates the client certificate's chain on the service apim \(Developer, in main\.bicep\)/ }],
    },
    {
      name: 'a named value that is "true" on the classic tiers',
      code: policy(SUBJECT_IDENTITY(' validate-trust="{{validate-certificate-chain}}"')),
      files: { ...withNamedValue(deployedOn('Premium'), "'true'"), ...CA },
      findings: [{ line: 4, level: 'warning', text: '{{validate-certificate-chain}}' }],
    },
  ],
});
