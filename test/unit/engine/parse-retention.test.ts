import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, it, test } from 'node:test';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Workspace } from '../../../server/src/engine/workspace';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { clearRecentCaches, recentEntries } from '../../../server/src/parsers/policy/recent';
import { inlinePolicyDoc } from '../../../server/src/rules/util/bicep-policies';

const POLICY = '<policies><inbound><base /><set-header name="x" exists-action="override"><value>@(context.Request.Certificate?.Thumbprint)</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>';

function workspace(keep?: (file: string, version: number) => boolean): Workspace {
  return new Workspace({ configFor: () => ({ config: { ...DEFAULT_CONFIG }, problems: [] }), keepParseAfterLint: keep });
}

test('lint drops the parse it made for a file read from disk (version 0), keeps it for an editor document', () => {
  const ws = workspace();
  ws.set('/w/disk.policy.xml', { text: POLICY });
  ws.set('/w/open.policy.xml', { text: POLICY }, 3);
  const disk = ws.lint('/w/disk.policy.xml');
  const open = ws.lint('/w/open.policy.xml');
  assert.deepEqual(disk.findings.map((f) => [f.ruleId, f.span]), open.findings.map((f) => [f.ruleId, f.span]));
  const cached = (file: string): unknown => (ws as unknown as { entries: Map<string, { policy?: unknown }> }).entries.get(file)?.policy;
  assert.equal(cached('/w/disk.policy.xml'), undefined, "the disk file's parse was dropped");
  assert.notEqual(cached('/w/open.policy.xml'), undefined);
  const a = ws.policy('/w/open.policy.xml');
  assert.equal(ws.policy('/w/open.policy.xml'), a, 'the open file keeps its parse');
  // The disk file was parsed again: asking twice now gives the cached one, and linting again drops nothing it did not make.
  const b = ws.policy('/w/disk.policy.xml');
  ws.lint('/w/disk.policy.xml');
  assert.equal(ws.policy('/w/disk.policy.xml'), b, 'a parse made before the lint (hover, another rule) stays');
});

test('keepParseAfterLint overrides the default', () => {
  const ws = workspace(() => true);
  ws.set('/w/disk.policy.xml', { text: POLICY });
  ws.lint('/w/disk.policy.xml');
  const a = ws.policy('/w/disk.policy.xml');
  ws.lint('/w/disk.policy.xml');
  assert.equal(ws.policy('/w/disk.policy.xml'), a);
});

// A 3.6 MB policy typed into in the language server held ≈ 650 MB of heap: the analyses' caches (`RecentCache`, the
// last four documents each) kept the last four versions alive, each with its parse and analyses (≈ 150 MB a version).
describe('the analyses cached of a file typed into go with its version', () => {
  const root = path.resolve('/typed-ws');
  const bicepFile = path.join(root, 'main.bicep');
  const policyFile = path.join(root, 'get-order.operation.xml');
  /** StandardV2 (Verify() can't work there), an API policy written in a Bicep string, the operation's policy loaded. */
  const bicep = (v: number): string => `resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim'
  location: 'westeurope'
  sku: { name: 'StandardV2', capacity: 1 }
  properties: { publisherEmail: 'a@example.com', publisherName: 'n', enableClientCertificate: true }
}

resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: 'orders'
  properties: { displayName: 'Orders', path: 'orders', protocols: ['https'] }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: \'\'\'<policies>
  <inbound>
    <!-- version ${v} -->
    <validate-client-certificate validate-revocation="true">
      <identities>
        <identity thumbprint="0123456789ABCDEF0123456789ABCDEF0123456${v % 10}" />
      </identities>
    </validate-client-certificate>
    <set-variable name="api" value="@(context.Request.Certificate.Verify())" />
  </inbound>
  <backend><base /></backend>
  <outbound><base /></outbound>
  <on-error><base /></on-error>
</policies>\'\'\'
    }
  }
}

resource getOrder 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  parent: api
  name: 'get-order'
  properties: { displayName: 'Get order', method: 'GET', urlTemplate: '/orders' }

  resource policy 'policies' = {
    name: 'policy'
    properties: {
      format: 'rawxml'
      value: loadTextContent('get-order.operation.xml')
    }
  }
}
`;
  // What the caches are keyed by: the document, elements (identities; ancestors' answers, in a tree deeper than a short
  // walk), expressions (their {{named values}}), the lint's context (the policies above it).
  const policy = (v: number): string => `<policies>
  <inbound>
    <base />
    <!-- version ${v} -->
    <validate-client-certificate validate-trust="false" validate-revocation="true" ignore-error="true">
      <identities>
        <identity thumbprint="0123456789ABCDEF0123456789ABCDEF0123456${v % 10}" />
      </identities>
    </validate-client-certificate>
    <set-variable name="guarded" value="@({{check-chain}} && context.Request.Certificate.Verify())" />
    ${'<choose><when condition="@(true)">'.repeat(40)}<set-variable name="deep" value="@(context.Request.Certificate.Verify())" />${'</when></choose>'.repeat(40)}
  </inbound>
  <backend><base /></backend>
  <outbound><base /></outbound>
  <on-error><base /></on-error>
</policies>
`;
  /** A full collection, in this process (the flag set at run time: the test runner isn't started with it). */
  const collect = async (): Promise<void> => {
    // A WeakRef made in this turn holds its target until the turn ends.
    await new Promise((resolve) => setImmediate(resolve));
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
  };
  const rules = (ws: Workspace, file: string): string => ws.lint(file).findings.map((f) => f.ruleId).sort().join();

  it('a policy file: after five versions, only the current parse is alive', async () => {
    const ws = workspace();
    ws.set(bicepFile, { text: bicep(0) });
    const versions: WeakRef<object>[] = [];
    const found: string[] = [];
    for (let v = 1; v <= 5; v++) {
      ws.set(policyFile, { text: policy(v) }, v);
      found.push(rules(ws, policyFile));
      // Its root element: every element, expression and analysis of the version reaches it (through `parent`).
      versions.push(new WeakRef(ws.policy(policyFile)!.root!));
    }
    assert.match(found[0]!, /chain-verify-unsupported-tier/, 'the rules analysed the policy');
    assert.ok(found.every((f) => f === found[0]), 'every version has the same findings');
    await collect();
    assert.deepEqual(versions.map((r) => r.deref() !== undefined), [false, false, false, false, true]);
  });

  it('a Bicep file: the policies written in its strings are let go with each version', async () => {
    clearRecentCaches();
    const ws = workspace();
    // It counts on the API policy's check (the policies above it are read).
    ws.set(policyFile, { text: '<policies><inbound><base /><set-header name="t" exists-action="override"><value>@(context.Request.Certificate.Thumbprint)</value></set-header></inbound></policies>' }, 1);
    const versions: WeakRef<object>[] = [];
    const entries: number[] = [];
    const found: string[] = [];
    for (let v = 1; v <= 5; v++) {
      ws.set(bicepFile, { text: bicep(v) }, v);
      // The Bicep file (its string's policy linted in place), then the policy below it (which reads it), as the server does.
      found.push(`${rules(ws, bicepFile)} / ${rules(ws, policyFile)}`);
      const inline = ws.getModel().policyResourcesIn(bicepFile).find((r) => r.value?.inline)!.value!.inline!;
      versions.push(new WeakRef(inlinePolicyDoc(inline).root!));
      entries.push(recentEntries());
    }
    assert.match(found[0]!, /chain-verify-unsupported-tier/, 'the rules analysed the policy in the string');
    assert.ok(found.every((f) => f === found[0]), 'every version has the same findings');
    await collect();
    assert.deepEqual(versions.map((r) => r.deref() !== undefined), [false, false, false, false, true]);
    // The parse each lint makes of the string for the policy rules goes after the lint: the caches don't fill up.
    assert.deepEqual(entries.slice(1), entries.slice(0, -1), `entries kept after each version: ${entries.join(', ')}`);
  });
});
