import { testRule } from '../../rule-tester';
import { policyFormatMismatch } from '../../../server/src/rules/policy-format-mismatch';
import { apiBicep, policy, serviceBicep } from './bicep-service.fixtures';

/** rawxml: raw quotes and a generic `<string>` inside an attribute. */
const RAW_QUOTES = policy(`<choose>
            <when condition="@(context.Request.Certificate == null || context.Variables.GetValueOrDefault<string>("mode") == "strict")">
                <return-response><set-status code="401" /></return-response>
            </when>
        </choose>`);

/** rawxml: `&&` and a generic in element text. */
const RAW_TEXT = policy(`<set-body>@{ var ok = context.Request.Certificate != null && context.Request.Certificate.Verify(); return ok.ToString(); }</set-body>`);

/** The same checks entity-escaped: valid XML. */
const ESCAPED = policy(`<choose>
            <when condition="@(context.Request.Certificate == null || context.Variables.GetValueOrDefault&lt;string&gt;(&quot;mode&quot;) == &quot;strict&quot;)">
                <return-response><set-status code="401" /></return-response>
            </when>
        </choose>`);

/** Single-quoted attribute: raw double quotes are fine XML there. */
const SINGLE_QUOTED = policy(`<set-header name="x-mode" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("x-mode", "lax"))</value></set-header>
        <choose><when condition='@(context.Request.Headers.ContainsKey("x-mode"))'><set-status code="200" /></when></choose>`);

const CDATA = policy('<set-body><![CDATA[@{ return context.Request.Certificate != null && true ? "a" : "b"; }]]></set-body>');

function files(text: string): Record<string, string> {
  return { 'main.bicep': serviceBicep("'Developer'"), 'api.policy.xml': text };
}

/** `api.bicep` with its `format:` line (27) removed. */
const NO_FORMAT = apiBicep('./api.policy.xml').replace("        format: 'rawxml'\n", '');

/** A reusable API module (`modules/api.bicep`) whose policy is the `policyXml` parameter, deployed as 'xml'. */
const API_MODULE = `param policyXml string
resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: 'apim-mtls-demo'
}
resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: {
    format: 'xml'
    value: policyXml
  }
}
`;
/** A policy in a variable (raw `&&` on line 3) that two resources deploy, each with `format` line `format`. */
const SHARED = (format = '') => `var policyXml = '''
<policies><inbound><base />
<set-body>@(context.Request.Certificate != null && true ? "a" : "b")</set-body>
</inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>'''
resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: 'apim-mtls-demo'
}
resource servicePolicy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: {
${format}    value: policyXml
  }
}
resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' existing = {
  parent: apim
  name: 'orders'
}
resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: api
  name: 'policy'
  properties: {
${format}    value: policyXml
  }
}
`;

const callers = (files: string[]) =>
  files.map((f, i) => `module api${i} './modules/api.bicep' = {\n  name: 'api${i}'\n  params: {\n    policyXml: loadTextContent('${f}')\n  }\n}\n`).join('');

testRule(policyFormatMismatch, {
  valid: [
    {
      name: 'a format that is not written as a literal (passed in by the caller through an object parameter)',
      code: apiBicep('./api.policy.xml', "contains(policy, 'format') ? policy.format : 'rawxml'").replace('resource apim', 'param policy object\nresource apim'),
      filename: 'api.bicep',
      files: files(RAW_QUOTES),
    },
    {
      name: 'xml-link with a URL: APIM fetches it',
      code: apiBicep('./api.policy.xml', "'xml-link'").replace("loadTextContent('./api.policy.xml')", "'https://contoso.blob.core.windows.net/policies/api.xml'"),
      filename: 'api.bicep',
      files: files(ESCAPED),
    },
    { name: 'rawxml with raw quotes', code: apiBicep('./api.policy.xml'), filename: 'api.bicep', files: files(RAW_QUOTES) },
    { name: 'xml with an escaped policy', code: apiBicep('./api.policy.xml', "'xml'"), filename: 'api.bicep', files: files(ESCAPED) },
    {
      name: 'xml with a text that a string function rewrites before deployment (it may no longer be rawxml)',
      code: apiBicep('./api.policy.xml', "'xml'").replace("loadTextContent('./api.policy.xml')", "replace(loadTextContent('./api.policy.xml'), '\"', '&quot;')"),
      filename: 'api.bicep',
      files: files(RAW_QUOTES),
    },
    { name: 'no format with an escaped policy', code: NO_FORMAT, filename: 'api.bicep', files: files(ESCAPED) },
    { name: 'xml with raw quotes in element text and a single-quoted attribute', code: apiBicep('./api.policy.xml', "'xml'"), filename: 'api.bicep', files: files(SINGLE_QUOTED) },
    { name: 'xml with CDATA', code: apiBicep('./api.policy.xml', "'xml'"), filename: 'api.bicep', files: files(CDATA) },
    { name: 'policy file not in the workspace', code: apiBicep('./missing.xml', "'xml'"), filename: 'api.bicep' },
  ],
  invalid: [
    {
      name: 'xml-link with the loaded text (after a fix that wrapped the path): the format loses -link',
      code: apiBicep('./api.policy.xml', "'xml-link'"),
      filename: 'api.bicep',
      files: files(ESCAPED),
      findings: [{ line: 27, level: 'error', text: "'xml-link'", message: "format is 'xml-link', so APIM fetches value as a URL, but value is the text of a loaded file, not a URL" }],
      output: apiBicep('./api.policy.xml', "'xml'"),
    },
    {
      name: 'rawxml-link, or xml-link with a rawxml file: rawxml',
      code: apiBicep('./api.policy.xml', "'xml-link'"),
      filename: 'api.bicep',
      files: files(RAW_QUOTES),
      findings: [{ line: 27, text: "'xml-link'", message: "Use format: 'rawxml'." }],
      output: apiBicep('./api.policy.xml', "'rawxml'"),
    },
    {
      name: 'a module deploying two callers’ rawxml files as xml: one finding on its format, naming both',
      code: API_MODULE,
      filename: 'modules/api.bicep',
      files: { 'main.bicep': serviceBicep("'Developer'") + callers(['orders.policy.xml', 'escaped.policy.xml', 'payments.policy.xml']), 'orders.policy.xml': RAW_QUOTES, 'escaped.policy.xml': ESCAPED, 'payments.policy.xml': RAW_TEXT },
      findings: [{ line: 9, level: 'error', text: "'xml'", message: "format is 'xml', but orders.policy.xml and payments.policy.xml are rawxml: their C# expressions keep" }],
      output: API_MODULE.replace("format: 'xml'", "format: 'rawxml'"),
    },
    {
      name: "format 'xml' with raw quotes inside an attribute",
      code: apiBicep('./api.policy.xml', "'xml'"),
      filename: 'api.bicep',
      files: files(RAW_QUOTES),
      findings: [{ line: 27, level: 'error', text: "'xml'", message: "format is 'xml', but api.policy.xml is rawxml: its C# expressions keep a raw < inside the condition attribute" }],
      output: apiBicep('./api.policy.xml'),
    },
    {
      name: "no format (the default is 'xml') with && in element text: insert format 'rawxml'",
      code: NO_FORMAT,
      filename: 'api.bicep',
      files: files(RAW_TEXT),
      findings: [{ line: 27, level: 'error', text: "loadTextContent('./api.policy.xml')", message: /not set, so it is 'xml'.*a raw & in element text/ }],
      output: apiBicep('./api.policy.xml'),
    },
    {
      name: 'a policy in a variable two resources deploy without a format: one finding, whose fix sets both formats',
      code: SHARED(),
      filename: 'api.bicep',
      findings: [{ line: 3, text: '&', message: "format is not set, so it is 'xml'" }],
      output: SHARED("    format: 'rawxml'\n"),
    },
    {
      name: "'XML' in upper case",
      code: apiBicep('./api.policy.xml', "'XML'"),
      filename: 'api.bicep',
      files: files(policy('<set-variable name="mode" value="@(context.Request.Headers.GetValueOrDefault("x-mode", "lax"))" />')),
      findings: [{ line: 27, message: 'a raw " inside the value attribute' }],
    },
  ],
});
