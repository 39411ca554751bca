import { testRule } from '../../rule-tester';
import { expressionMixedWithText } from '../../../server/src/rules/expression-mixed-with-text';
import { policy } from './validation-policy.fixtures';

const header = (value: string) => `<set-header name="X-Client" exists-action="override"><value>${value}</value></set-header>`;

testRule(expressionMixedWithText, {
  valid: [
    { name: 'the whole text is one expression', code: policy(header('@("sha1=" + context.Request.Certificate?.Thumbprint)')) },
    { name: 'white space around the expression', code: policy(header('\n    @(context.Request.Certificate?.Thumbprint)\n')) },
    { name: 'the whole value is one expression', code: policy('<set-variable name="ok" value=" @(context.Request.Certificate != null)" />') },
    { name: 'a regular expression with @( in a value (no context, no expression)', code: policy('<set-variable name="mail" value="^[a-z]+@(contoso|fabrikam)\\.com$" />') },
    { name: 'an @ before a named value', code: policy('<set-variable name="from" value="noreply@{{mail-domain}}" />') },
    { name: '@@( is written to keep an @', code: policy(header('a@@(context.Request.Url)')) },
    { name: 'a Liquid template is a template', code: policy('<set-body template="liquid">Client: @(context.Request.Certificate.Subject)</set-body>') },
    { name: 'CDATA is text', code: policy(header('<![CDATA[sha1=@(context.Request.Certificate?.Thumbprint)]]>')) },
    { name: 'in a comment', code: policy('<!-- Bearer @(context.Variables["token"]) -->') },
    { name: 'an expression left open (reported by the parser)', code: policy(header('sha1=@(context.Request.Certificate?.Thumbprint')) },
  ],
  invalid: [
    {
      name: 'text before an expression in element text; the fix makes it one expression',
      code: policy(header('sha1=@(context.Request.Certificate?.Thumbprint)')),
      findings: [{ line: 4, level: 'warning', text: '@(context.Request.Certificate?.Thumbprint)', message: 'comes after other text ("sha1=@(…"): APIM runs an expression only when it is the whole of the text of <value>' }],
      output: policy(header('@("sha1=" + (context.Request.Certificate?.Thumbprint))')),
    },
    {
      name: 'a named value before an expression',
      code: policy(header('{{prefix}}@(context.Request.Certificate?.Thumbprint)')),
      findings: [{ line: 4, text: '@(context.Request.Certificate?.Thumbprint)' }],
      output: policy(header('@("{{prefix}}" + (context.Request.Certificate?.Thumbprint))')),
    },
    {
      // As text, `<string>` is markup (policy-xml-syntax reports it): the expression is read to the element's end.
      name: 'Bearer @(…GetValueOrDefault<string>(…)): the generic argument is taken for an element',
      code: policy(header('Bearer @(context.Variables.GetValueOrDefault<string>("token"))')),
      findings: [{ line: 4, text: '@(context.Variables.GetValueOrDefault<string>("token"))', message: '("Bearer @(…")' }],
      output: policy(header('@("Bearer " + (context.Variables.GetValueOrDefault<string>("token")))')),
    },
    {
      name: "a named value's name built with an expression (it is replaced when the policy is saved)",
      code: policy(header('{{some-value-@(context.Product.Id)}}')),
      findings: [{ line: 4, text: '@(context.Product.Id)', message: "inside a named value's braces (\"{{some-value-@(…}}\"): a named value is replaced when the policy is saved" }],
      noFix: true,
    },
    {
      name: 'a condition with text before its expression: no fix in an attribute (its quotes depend on the format)',
      code: policy('<choose>\n    <when condition="ok @(context.Request.Certificate == null)">\n        <return-response><set-status code="403" /></return-response>\n    </when>\n</choose>'),
      findings: [{ line: 5, text: '@(context.Request.Certificate == null)', message: "the whole of the value of 'condition'" }],
      noFix: true,
    },
    {
      name: 'a block after text',
      code: policy(header('id: @{ var c = context.Request.Certificate; return c?.Thumbprint ?? "none"; }')),
      findings: [{ line: 4, text: '@{ var c = context.Request.Certificate; return c?.Thumbprint ?? "none"; }' }],
      noFix: true,
    },
    {
      name: 'text after an expression; the fix moves it in',
      code: policy(header('@(context.Request.Certificate?.Thumbprint) (pinned)')),
      findings: [{ line: 4, text: '(pinned)', message: 'Text after the policy expression ("(pinned)")' }],
      output: policy(header('@((context.Request.Certificate?.Thumbprint) + " (pinned)")')),
    },
    {
      name: 'text after an expression on the next line: no fix (a C# string holds no line break)',
      code: policy(header('@(context.Request.Certificate?.Thumbprint)\n(pinned)')),
      findings: [{ line: 5, text: '(pinned)' }],
      noFix: true,
    },
    {
      name: 'text after an expression in a value',
      code: policy('<set-variable name="id" value="@(context.Request.Certificate?.Thumbprint)-pinned" />'),
      findings: [{ line: 4, text: '-pinned', message: "the value of 'value' as an expression only when it is one" }],
      noFix: true,
    },
    {
      name: 'two expressions after text in one value: each',
      code: policy('<set-variable name="id" value="a @(context.Request.Url) b @(context.Request.Method)" />'),
      findings: [
        { line: 4, text: '@(context.Request.Url)' },
        { line: 4, text: '@(context.Request.Method)', message: 'Url) b @(…"): APIM runs an expression only when it is the whole of the value of \'value\'' },
      ],
    },
  ],
});
