import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Workspace } from '../../../server/src/engine/workspace';
import { ConfigResolver } from '../../../server/src/engine/config';
import { certificateCodeLenses } from '../../../server/src/lsp/codelens';
import { COPY_THUMBPRINT_COMMAND, SHOW_PINS_COMMAND } from '../../../server/src/lsp/protocol';
import { makeTree } from '../certificates/tools';

test('two code lenses per certificate, on its PEM block: what it is (copying its thumbprint), and where policies pin it', async () => {
  const dir = await makeTree('ecdsa-p256');
  const config = new ConfigResolver();
  const ws = new Workspace({ configFor: (f) => config.forFile(f) });
  const read = (name: string): string => readFileSync(path.join(dir, name), 'utf8');
  const uriOf = (f: string) => `file://${f}`;
  /** The lenses of `file` that run `command`. */
  const lensesOf = (file: string, command = COPY_THUMBPRINT_COMMAND) => certificateCodeLenses(ws, file, uriOf).filter((l) => l.command?.command === command);

  const bundle = path.join(dir, 'bundle.pem');
  const text = `# chain\n\n${read('dev-expired-client.cer')}\n${read('dev-intermediate-ca.cer')}`;
  ws.set(bundle, { text });
  const lenses = lensesOf(bundle);
  assert.equal(lenses.length, 2);
  assert.deepEqual(lenses.map((l) => l.range.start.line), [2, text.split('\n').findIndex((l, i) => i > 2 && l.startsWith('-----BEGIN'))]);
  const [client, ca] = lenses.map((l) => l.command!);
  assert.equal(client!.command, COPY_THUMBPRINT_COMMAND);
  assert.match(client!.arguments![0], /^[0-9A-F]{40}$/);
  assert.match(
    client!.title,
    /^Subject: CN=DEV Expired Client, O=apim-mtls sample · Issuer: CN=APIM Sample DEV Intermediate CA, O=apim-mtls sample · SHA-1 [0-9A-F]{8}… · valid until \d{4}-\d\d-\d\d \(expired!\) · client certificate$/,
  );
  assert.match(ca!.title, /· intermediate CA$/);
  assert.doesNotMatch(ca!.title, /expired/);

  // The client certificate is pinned twice in one policy (as written there: lower case with colons, and in an
  // expression), the CA nowhere. Each pins lens sits with its certificate's and carries the places.
  const hex = client!.arguments![0] as string;
  const colons = hex.toLowerCase().match(/../g)!.join(':');
  const policy = path.join(dir, 'partners.policy.xml');
  ws.set(policy, {
    text: `<policies><inbound><validate-client-certificate validate-trust="false"><identities><identity thumbprint="${colons}" /></identities></validate-client-certificate>\n<set-variable name="x" value="@(context.Request.Certificate?.Thumbprint == &quot;${hex}&quot;)" /></inbound></policies>`,
  });
  const pins = lensesOf(bundle, SHOW_PINS_COMMAND);
  assert.deepEqual(pins.map((l) => l.command!.title), ['Pinned 2 times in 1 policy', 'Not pinned in any policy']);
  assert.deepEqual(pins.map((l) => l.range.start.line), lenses.map((l) => l.range.start.line));
  const [uri, at, places] = pins[0]!.command!.arguments as [string, unknown, { uri: string; range: { start: { line: number } } }[]];
  assert.equal(uri, uriOf(bundle));
  assert.deepEqual(at, lenses[0]!.range.start);
  assert.deepEqual(places.map((p) => [p.uri, p.range.start.line]), [[uriOf(policy), 0], [uriOf(policy), 1]]);

  // A Bicep file that holds it in a named value, and pins it again in a policy written in a string: the policy's pin
  // counts as a policy, the named value as a Bicep file (not twice).
  const bicep = path.join(dir, 'main.bicep');
  ws.set(bicep, {
    text: [
      "resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {",
      "  name: 'apim'",
      "  location: 'westeurope'",
      "  sku: { name: 'Premium', capacity: 1 }",
      "  properties: { publisherEmail: 'a@b.c', publisherName: 'p' }",
      '}',
      "resource thumbprintValue 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = {",
      '  parent: apim',
      "  name: 'client-thumbprint'",
      `  properties: { displayName: 'client-thumbprint', value: '${hex}' }`,
      '}',
      "resource servicePolicy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {",
      '  parent: apim',
      "  name: 'policy'",
      `  properties: { format: 'rawxml', value: '<policies><inbound><validate-client-certificate validate-trust="false"><identities><identity thumbprint="${hex}" /></identities></validate-client-certificate></inbound></policies>' }`,
      '}',
      '',
    ].join('\n'),
  });
  const [withBicep] = lensesOf(bundle, SHOW_PINS_COMMAND);
  assert.equal(withBicep!.command!.title, 'Pinned 3 times in 2 policies, and in 1 Bicep file');
  const all = (withBicep!.command!.arguments as [string, unknown, { uri: string; range: { start: { line: number } } }[]])[2];
  assert.deepEqual(all.map((p) => [p.uri, p.range.start.line]), [[uriOf(policy), 0], [uriOf(policy), 1], [uriOf(bicep), 14], [uriOf(bicep), 9]]);
  ws.remove(bicep);

  const b64 = path.join(dir, 'dev-notyetvalid-client.without-markers.cer');
  ws.set(b64, { text: read('dev-notyetvalid-client.without-markers.cer') });
  const [nyv] = lensesOf(b64);
  assert.equal(nyv!.range.start.line, 0);
  assert.match(nyv!.command!.title, /valid from .* until .* \(not yet valid!\) · client certificate$/);

  const der = path.join(dir, 'root.der');
  ws.set(der, { bytes: new Uint8Array(Buffer.from(read('root-ca.without-markers.cer'), 'base64')) });
  assert.match(lensesOf(der)[0]!.command!.title, /· root CA$/);

  ws.set(path.join(dir, 'policy.xml'), { text: '<policies />' });
  assert.deepEqual(certificateCodeLenses(ws, path.join(dir, 'policy.xml'), uriOf), []);
  ws.set(path.join(dir, 'junk.cer'), { text: 'not a certificate' });
  assert.deepEqual(certificateCodeLenses(ws, path.join(dir, 'junk.cer'), uriOf), []);
});

test("a file of many certificates: each lens counts its own certificate's pins, from one pass over the workspace's files", async () => {
  const dir = await makeTree('ecdsa-p256');
  const config = new ConfigResolver();
  const ws = new Workspace({ configFor: (f) => config.forFile(f) });
  const read = (name: string): string => readFileSync(path.join(dir, name), 'utf8');
  const uriOf = (f: string) => `file://${f}`;
  const client = read('dev-expired-client.cer');
  const bundle = path.join(dir, 'bundle.pem');
  // The client certificate twice (both blocks get its pins), the intermediate once.
  ws.set(bundle, { text: `${client}\n${read('dev-intermediate-ca.cer')}\n${client}` });
  const thumbprints = ws.certificate(bundle)!.certificates.map((c) => c.thumbprint);
  assert.equal(thumbprints.length, 3);
  const pin = (t: string) => `<identity thumbprint="${t}" />`;
  const policy = (name: string, ...pins: string[]) => {
    const file = path.join(dir, `${name}.policy.xml`);
    ws.set(file, { text: `<policies><inbound><validate-client-certificate validate-trust="false"><identities>${pins.map(pin).join('')}</identities></validate-client-certificate></inbound></policies>` });
    return file;
  };
  policy('a', thumbprints[0]!, thumbprints[1]!);
  policy('b', thumbprints[0]!.toLowerCase());
  policy('c', thumbprints[1]!.match(/../g)!.join(':'));
  for (let i = 0; i < 20; i++) policy(`other-${i}`, 'AB'.repeat(20));
  const reads = new Map<string, number>();
  const textOf = ws.textOf.bind(ws);
  ws.textOf = (f: string) => {
    reads.set(f, (reads.get(f) ?? 0) + 1);
    return textOf(f);
  };
  const titles = certificateCodeLenses(ws, bundle, uriOf).filter((l) => l.command?.command === SHOW_PINS_COMMAND).map((l) => l.command!.title);
  assert.deepEqual(titles, ['Pinned in 2 policies', 'Pinned in 2 policies', 'Pinned in 2 policies']);
  // Pinned in a, b (the client) and a, c (the intermediate): told apart, although both are in a.
  const places = certificateCodeLenses(ws, bundle, uriOf).filter((l) => l.command?.command === SHOW_PINS_COMMAND).map((l) => (l.command!.arguments![2] as { uri: string }[]).map((p) => path.basename(p.uri)));
  assert.deepEqual(places, [['a.policy.xml', 'b.policy.xml'], ['a.policy.xml', 'c.policy.xml'], ['a.policy.xml', 'b.policy.xml']]);
  const policyReads = [...reads].filter(([f]) => f.endsWith('.policy.xml'));
  assert.equal(policyReads.length, 23);
  assert.ok(policyReads.every(([, n]) => n === 2), 'each policy read once per call (two calls), not once per certificate');
});
