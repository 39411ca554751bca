import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { testRule } from '../../rule-tester';
import { dnProblem, identityDnFormat } from '../../../server/src/rules/identity-dn-format';
import { policy } from './bicep-service.fixtures';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { examplesDir } from '../../helpers';

test('distinguished names rewritten the way .NET writes them', () => {
  const cases: [string, string | undefined][] = [
    ['CN=Client, O=Contoso', undefined],
    ['CN=Client,O=Contoso', undefined],
    ['O="Contoso, Inc.", CN=Client', undefined],
    ['/C=NL/O=Contoso/CN=Client', 'CN=Client, O=Contoso, C=NL'],
    ['/C=NL/O=Contoso, Inc./CN=Client', 'CN=Client, O="Contoso, Inc.", C=NL'],
    ['CN = Client, O = Contoso', 'CN=Client, O=Contoso'],
    ['CN=Client, O=Contoso, Inc.', 'CN=Client, O="Contoso, Inc."'],
    ['CN=Client, O="Contoso', undefined],
    ['Client', undefined],
    ['/just/a/path', undefined],
    // RFC 4514's backslash escapes (OpenSSL -nameopt RFC2253, LDAP): .NET quotes the value instead.
    ['CN=Doe\\, John, O=Contoso', 'CN="Doe, John", O=Contoso'],
    ['CN=Doe\\2C John, O=Contoso', 'CN="Doe, John", O=Contoso'],
    ['O=Contoso\\, Inc., CN=Client', 'O="Contoso, Inc.", CN=Client'],
    ['CN=Client\\+1, O=Contoso', 'CN="Client+1", O=Contoso'],
    ['CN=Say \\"hi\\", O=Contoso', 'CN="Say ""hi""", O=Contoso'],
    // A backslash before an ordinary character escapes nothing: left as written.
    ['CN=C:\\tools, O=Contoso', undefined],
  ];
  for (const [written, fixed] of cases) assert.equal(dnProblem(written)?.fixed, fixed, written);
});

const identity = (attributes: string) =>
  policy(`<validate-client-certificate validate-trust="true">
            <identities>
                <identity ${attributes} />
            </identities>
        </validate-client-certificate>`);

testRule(identityDnFormat, {
  valid: [
    { name: '.NET form', code: identity('subject="CN=DEV Valid Client, O=apim-mtls sample"') },
    { name: 'a quoted value with a comma, in XML', code: identity('issuer-subject="CN=Partner CA, O=&quot;Contoso, Inc.&quot;"') },
    { name: 'a named value', code: identity('subject="{{partner-subject}}"') },
    { name: 'common-name, the name alone', code: identity('common-name="client.contoso.com"') },
    { name: 'common-name from a named value', code: identity('common-name="{{partner-cn}}"') },
    { name: 'common-name "CN=" with nothing after it: nothing sure to say (no fix to an empty value)', code: identity('common-name="CN="') },
    { name: 'common-name with an unbalanced quote', code: identity('common-name="CN=&quot;x"') },
    {
      name: 'a thumbprint of a workspace certificate: identity-claims-mismatch compares the names',
      code: identity('thumbprint="F01C8E2463256F9B5450FDDC900CE33B8F43C98E" subject="CN = DEV Valid Client, O = apim-mtls sample"'),
      files: { 'certs/dev-valid-client.cer': fs.readFileSync(path.join(examplesDir, 'certs', 'dev-valid-client.cer'), 'utf8') },
    },
  ],
  invalid: [
    {
      name: "OpenSSL's slash form: reversed into .NET's order",
      code: identity('subject="/O=apim-mtls sample/CN=DEV Valid Client"'),
      findings: [
        {
          line: 6,
          level: 'warning',
          text: '/O=apim-mtls sample/CN=DEV Valid Client',
          message: `subject "/O=apim-mtls sample/CN=DEV Valid Client" is in OpenSSL's /C=…/O=…/CN=… form, the most general name first. Written the way .NET writes names (which is what APIM compares with), it is "CN=DEV Valid Client, O=apim-mtls sample"; written otherwise, this identity may never match.`,
        },
      ],
      output: identity('subject="CN=DEV Valid Client, O=apim-mtls sample"'),
    },
    {
      name: 'OpenSSL 3 spaces around =',
      code: identity('issuer-subject="CN = APIM Sample DEV Intermediate CA, O = apim-mtls sample"'),
      findings: [{ line: 6, message: 'has spaces around =, as OpenSSL 3 prints names' }],
      output: identity('issuer-subject="CN=APIM Sample DEV Intermediate CA, O=apim-mtls sample"'),
    },
    {
      name: 'an unquoted comma inside a value: quoted, as an XML entity in the attribute',
      code: identity('subject="CN=Partner Client, O=Contoso, Inc."'),
      findings: [{ line: 6, message: `has a comma inside a value that isn't quoted, so "Inc." reads as a name of its own` }],
      output: identity('subject="CN=Partner Client, O=&quot;Contoso, Inc.&quot;"'),
    },
    {
      name: 'common-name written with its CN=: the name alone',
      code: identity('common-name="CN=client.contoso.com"'),
      findings: [{ line: 6, level: 'warning', text: 'CN=client.contoso.com', message: 'common-name "CN=client.contoso.com" keeps the "CN=" of the distinguished name' }],
      output: identity('common-name="client.contoso.com"'),
    },
    {
      name: 'common-name with its CN= and an RFC 4514 escape: the name alone, as the certificate holds it (no backslash)',
      code: identity('common-name="CN=Doe\\, John"'),
      findings: [{ line: 6, level: 'warning', message: 'Write common-name="Doe, John"' }],
      output: identity('common-name="Doe, John"'),
    },
    {
      name: 'common-name holding a whole distinguished name: subject is meant (no fix: which claim is meant is the author\'s call)',
      code: identity('common-name="CN=Partner Client, O=Contoso"'),
      findings: [{ line: 6, message: 'is a whole distinguished name, but common-name holds the common name alone ("Partner Client")' }],
    },
  ],
});
