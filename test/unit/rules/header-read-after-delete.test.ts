import { testRule } from '../../rule-tester';
import { headerReadAfterDelete } from '../../../server/src/rules/header-read-after-delete';
import { inbound } from './expression-policy.fixtures';

const DELETE = '<set-header name="X-ARR-ClientCertThumbprint" exists-action="delete" />';
const READ = '<set-variable name="t" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-ARR-ClientCertThumbprint&quot;, &quot;&quot;))" />';

testRule(headerReadAfterDelete, {
  valid: [
    // The pattern of a public policy that gets it right: keep the value, then delete the header.
    { name: 'read into a variable before the delete', code: inbound(`${READ}\n${DELETE}`) },
    { name: 'a delete inside a <choose> branch may not run', code: inbound(`<choose><when condition="@(true)">${DELETE}</when></choose>\n${READ}`) },
    { name: 'set again after the delete', code: inbound(`${DELETE}\n<set-header name="x-arr-clientcertthumbprint" exists-action="override"><value>@("a")</value></set-header>\n${READ}`) },
    { name: 'another header read', code: inbound(`${DELETE}\n<set-variable name="t" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Other&quot;, &quot;&quot;))" />`) },
    // From a sweep of Microsoft's policy samples: deletes that don't touch the incoming request.
    {
      name: 'a delete inside <send-request> changes the request sent out, not the one received',
      code: inbound(`<send-request mode="copy" response-variable-name="r" timeout="10" ignore-error="true">\n<set-url>https://example.com/x</set-url>\n${DELETE}\n</send-request>\n${READ}`),
    },
    { name: 'a delete inside <send-one-way-request>', code: inbound(`<send-one-way-request mode="copy">\n<set-url>https://example.com/x</set-url>\n${DELETE}\n</send-one-way-request>\n${READ}`) },
    {
      name: 'a delete in <outbound> removes a response header; a later read of the request header finds it',
      code: inbound('', '').replace('<outbound>\n        <base />', `<outbound>\n        <base />\n${DELETE}\n${READ}`),
    },
    { name: 'the response headers in outbound', code: inbound(DELETE, '').replace('<outbound>\n        <base />', '<outbound>\n        <base />\n<set-variable name="t" value="@(context.Response.Headers.GetValueOrDefault(&quot;X-ARR-ClientCertThumbprint&quot;, &quot;&quot;))" />') },
  ],
  invalid: [
    {
      // After a public policy: the header that the gateway forwards is deleted against spoofing, then checked.
      name: 'deleted, then tested with the indexer and with ContainsKey (names compared without case)',
      code: inbound(`${DELETE}\n<choose>\n<when condition="@(!context.Request.Headers.ContainsKey(&quot;x-arr-clientcertthumbprint&quot;) || context.Request.Headers[&quot;X-ARR-ClientCertThumbprint&quot;].First() != &quot;A&quot;)"><return-response><set-status code="401" /></return-response></when>\n</choose>`),
      findings: [
        { line: 6, level: 'warning', text: 'context.Request.Headers.ContainsKey(&quot;x-arr-clientcertthumbprint&quot;', message: 'deleted by a set-header above in this section' },
        { line: 6, text: 'context.Request.Headers[&quot;X-ARR-ClientCertThumbprint&quot;]', message: 'always finds it missing' },
      ],
    },
    { name: 'GetValueOrDefault after the delete', code: inbound(`${DELETE}\n${READ}`), findings: [{ line: 5, message: 'read it into a variable before deleting' }] },
    {
      // Once, not once per delete above it (1,000 deletes made 1,000 findings of the one read).
      name: 'a read after two deletes of its header is reported once',
      code: inbound(`${DELETE}\n${DELETE}\n${READ}\n${DELETE}\n${READ}`),
      findings: [{ line: 6, message: 'always finds it missing' }, { line: 8, message: 'always finds it missing' }],
    },
  ],
});
