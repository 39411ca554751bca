import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Workspace } from '../../../server/src/engine/workspace';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';

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
