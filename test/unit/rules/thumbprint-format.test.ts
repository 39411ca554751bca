import { testRule } from '../../rule-tester';
import { thumbprintFormat } from '../../../server/src/rules/thumbprint-format';
import { ANY_TIER_WS, OPERATION_POLICY, SEED_CONTEXT_POLICY, inbound, reject } from './expression-policy.fixtures';

const TP = '2DB300DFDA51470556A3E1AA3A332D81CCB0482E';
const LRM = '\u200e';

const identities = (...attrs: string[]): string =>
  inbound(`<validate-client-certificate validate-trust="false">
    <identities>
${attrs.map((a) => `        <identity ${a} />`).join('\n')}
    </identities>
</validate-client-certificate>`);


testRule(thumbprintFormat, {
  valid: [
    { name: '40 hex digits, upper and lower case, and named values', code: identities(`thumbprint="${TP}"`, `thumbprint="${TP.toLowerCase()}"`, 'thumbprint="{{client-thumbprint}}"', `issuer-thumbprint="${TP}" subject="CN=Client 01"`) },
    { name: 'the blog policy compares with context.Deployment.Certificates', code: SEED_CONTEXT_POLICY, files: ANY_TIER_WS, filename: OPERATION_POLICY },
    { name: 'literal compared with Thumbprint', code: reject(`@(context.Request.Certificate?.Thumbprint != "${TP}")`) },
    { name: 'a named value inside the literal', code: reject('@(context.Request.Certificate?.Thumbprint != "{{client-thumbprint}}")') },
    {
      // ScottHolden/APIManagement: a list kept in a variable, split with an array initializer: its literals are the
      // variable's name, a default and a separator, none of them compared with Thumbprint.
      name: 'a chain that holds an initializer (Split(new char[] {…})) before Any / Contains',
      code: reject(
        '@(context.Request.Certificate == null || !context.Variables.GetValueOrDefault("validCerts", "").Split(new char[] {\';\'}).Any(c => c.Equals(context.Request.Certificate.Thumbprint, StringComparison.OrdinalIgnoreCase)) || ' +
          '!context.Variables.GetValueOrDefault<string>("allowed", ",").Split(new[] {","}, StringSplitOptions.None).Contains(context.Request.Certificate.Thumbprint))',
      ),
    },
    {
      name: "a template's placeholders, filled before deployment (Terraform, Azure DevOps replace tokens)",
      code: identities('thumbprint="${client_thumbprint}"', 'thumbprint="#{ClientThumbprint}#"', 'thumbprint="__ClientThumbprint__"', 'thumbprint="$(clientThumbprint)"', 'thumbprint="{CLIENT_CERT_SHA1_THUMBPRINT}"'),
    },
    { name: "a template's placeholder inside the literal", code: reject('@(context.Request.Certificate?.Thumbprint != "${client_thumbprint}")') },
    { name: 'a string compared with something else', code: reject('@(context.Request.Headers.GetValueOrDefault("X-Id", "") != "not a thumbprint")') },
    {
      // The variable holds "" when no certificate was sent: comparing with "" asks whether one was.
      name: 'a local thumbprint with a fallback (?? ""), compared with that fallback',
      code: inbound(`<set-variable name="known" value="@{
    var t = context.Request.Certificate?.Thumbprint ?? "";
    return t != "" &amp;&amp; t == "${TP}";
}" />`),
    },
  ],
  invalid: [
    {
      name: 'a 39-digit literal held by a local variable, compared with a local thumbprint',
      code: inbound(`<set-variable name="known" value="@{
    var t = context.Request.Certificate?.Thumbprint ?? "";
    var expected = "${TP.slice(1)}";
    return t == expected;
}" />`),
      findings: [{ line: 6, text: `"${TP.slice(1)}"`, message: 'has 39 hex digits instead of 40' }],
    },
    {
      name: 'identity thumbprint copied from the Windows dialog (U+200E first): removed',
      code: identities(`thumbprint="${LRM}${TP}"`),
      files: ANY_TIER_WS,
      filename: OPERATION_POLICY,
      findings: [{ line: 6, level: 'error', text: `${LRM}${TP}`, message: 'U+200E (left-to-right mark)' }],
      output: identities(`thumbprint="${TP}"`),
    },
    {
      name: 'issuer-thumbprint with colons and spaces, lower case kept in the attribute',
      code: identities(`issuer-thumbprint="2d:b3:00:df:da:51:47:05:56:a3:e1:aa:3a:33:2d:81:cc:b0:48:2e "`),
      findings: [{ line: 6, message: 'colons, spaces' }],
      output: identities(`issuer-thumbprint="${TP.toLowerCase()}"`),
    },
    {
      name: 'escaped xml: an entity-encoded left-to-right mark',
      code: identities(`thumbprint="&#x200E;${TP}"`),
      findings: [{ line: 6, text: `&#x200E;${TP}`, message: 'U+200E' }],
      output: identities(`thumbprint="${TP}"`),
    },
    {
      name: 'too short, SHA-256, and a letter O for a zero: no fix',
      code: identities(`thumbprint="${TP.slice(2)}"`, `thumbprint="${TP}${TP.slice(0, 24)}"`, `thumbprint="${TP.replace('00', 'O0')}"`),
      findings: [
        { line: 6, message: '38 hex digits instead of 40' },
        { line: 7, message: 'SHA-256' },
        { line: 8, message: "contains 'O'" },
      ],
    },
    {
      name: 'expression literal with spaces: removed and upper-cased',
      code: reject('@(context.Request.Certificate?.Thumbprint != "2d b3 00 df da 51 47 05 56 a3 e1 aa 3a 33 2d 81 cc b0 48 2e")'),
      findings: [{ line: 5, text: '"2d b3 00 df da 51 47 05 56 a3 e1 aa 3a 33 2d 81 cc b0 48 2e"', message: 'spaces' }],
      output: reject(`@(context.Request.Certificate?.Thumbprint != "${TP}")`),
    },
    {
      name: 'escaped xml literal with U+FEFF in Equals: the &quot; delimiters stay',
      code: reject(`@(context.Request.Certificate == null || !context.Request.Certificate.Thumbprint.Equals(&quot;\ufeff${TP}&quot;))`),
      findings: [{ line: 5, text: `&quot;\ufeff${TP}&quot;`, message: 'U+FEFF (byte order mark)' }],
      output: reject(`@(context.Request.Certificate == null || !context.Request.Certificate.Thumbprint.Equals(&quot;${TP}&quot;))`),
    },
    {
      name: 'an allow-list with Contains: only the bad entry',
      code: inbound(`<set-variable name="allowed" value="@(new[] { &quot;${TP}&quot;, &quot;${TP.slice(0, 39)}&quot; }.Contains(context.Request.Certificate?.Thumbprint))" />`),
      findings: [{ line: 4, text: `&quot;${TP.slice(0, 39)}&quot;`, message: '39 hex digits' }],
    },
    {
      name: 'an allow-list searched with Any(c => c == ….Thumbprint): only the bad entry',
      code: inbound(`<set-variable name="allowed" value="@(new string[] { &quot;${TP}&quot;, &quot;${TP.slice(0, 39)}&quot; }.Any(c => c == context.Request.Certificate?.Thumbprint))" />`),
      findings: [{ line: 4, text: `&quot;${TP.slice(0, 39)}&quot;`, message: '39 hex digits' }],
    },
  ],
});
