import { testRule } from '../../rule-tester';
import { indexerNullCheck } from '../../../server/src/rules/indexer-null-check';
import { inbound, reject } from './expression-policy.fixtures';

testRule(indexerNullCheck, {
  valid: [
    { name: 'ContainsKey', code: reject('@(!context.Request.Headers.ContainsKey("X-ARR-ClientCertThumbprint"))') },
    { name: 'GetValueOrDefault compared with null or empty', code: reject('@(string.IsNullOrEmpty(context.Request.Headers.GetValueOrDefault("X-ARR-ClientCert", "")))') },
    { name: 'an element of the values compared with null (another question)', code: reject('@(context.Request.Headers["X-Id"][0] == null)') },
    { name: 'a method of the value (not the indexer compared)', code: reject('@(null == context.Request.Headers["X-Id"].FirstOrDefault())') },
    { name: 'another dictionary of the same name in a local variable', code: inbound('<set-variable name="a" value="@{ var Headers = new Dictionary<string, string>(); return Headers["x"] == null; }" />') },
    { name: 'the header count', code: reject('@(context.Request.Headers.Count == 0)') },
    // Seen in public policies: a variable may hold null, so this is a real test.
    { name: 'a variable compared with null', code: reject('@(context.Variables["merchantId"] == null)') },
    { name: 'after ContainsKey of the same header (redundant, not throwing)', code: reject('@(!(context.Request.Headers.ContainsKey("X-Id") &amp;&amp; context.Request.Headers["x-id"] != null))') },
  ],
  invalid: [
    {
      // After public policies (an Application Gateway forwards the client certificate's thumbprint).
      name: 'a forwarded certificate header tested with == null, rawxml',
      code: reject('@(context.Request.Headers["X-ARR-ClientCertThumbprint"] == null)'),
      findings: [{ line: 5, level: 'warning', text: 'context.Request.Headers["X-ARR-ClientCertThumbprint"] == null', message: 'throws when the header is missing; it is never null' }],
      output: reject('@(!context.Request.Headers.ContainsKey("X-ARR-ClientCertThumbprint"))'),
    },
    {
      name: 'escaped xml, != null: the fix keeps &quot;',
      code: reject('@(context.Request.Headers[&quot;X-Client-Cert&quot;] != null &amp;&amp; true)'),
      findings: [{ line: 5, text: 'context.Request.Headers[&quot;X-Client-Cert&quot;] != null', message: 'instead of skipping the branch' }],
      output: reject('@(context.Request.Headers.ContainsKey(&quot;X-Client-Cert&quot;) &amp;&amp; true)'),
    },
    {
      name: 'null == on the left, and is null on the query',
      code: inbound(`<set-variable name="a" value="@(null == context.Response.Headers[&quot;Location&quot;] || context.Request.Url.Query[&quot;code&quot;] is null)" />`),
      findings: [
        { line: 4, text: 'null == context.Response.Headers[&quot;Location&quot;]', message: 'throws when the header is missing' },
        { line: 4, text: 'context.Request.Url.Query[&quot;code&quot;] is null', message: 'throws when the query parameter is missing' },
      ],
    },
  ],
});
