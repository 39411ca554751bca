import { strict as assert } from 'node:assert';
import Module from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { Workspace } from '../../../server/src/engine/workspace';

// Its own file (its own process): xmldom must not have been loaded before. It is loaded on first use, by the parse of
// the first policy that may not be well-formed (parsers/policy/wellformed.ts), inside a lint, so inside its time limit.

const ROOT = path.resolve('/watchdog-modules-ws');

test('a module Node was loading when a lint was stopped is loaded again when next needed, not kept half made', () => {
  assert.ok(!Object.keys(require.cache).some((f) => f.includes(`${path.sep}@xmldom${path.sep}`)), 'xmldom is not loaded yet');
  // xmldom's dom-parser.js, the last file its index.js requires, never finishes loading: the budget runs out while Node
  // loads xmldom, as it may on a slow start.
  const extensions = (Module as unknown as { _extensions: Record<string, (m: unknown, file: string) => void> })._extensions;
  const js = extensions['.js']!;
  let hang = true;
  extensions['.js'] = (m, file) => {
    if (hang && file.includes(`${path.sep}@xmldom${path.sep}`) && path.basename(file) === 'dom-parser.js') {
      hang = false;
      for (;;) {
        // never returns
      }
    }
    js(m, file);
  };
  try {
    const ws = new Workspace({ configFor: () => ({ config: { ...DEFAULT_CONFIG, fileTimeBudgetMs: 200 }, problems: [] }) });
    const first = path.join(ROOT, 'first.xml');
    const second = path.join(ROOT, 'second.xml');
    // A prefix without a namespace: what the parser's own check leaves to xmldom.
    ws.set(first, { text: '<policies><inbound><a:b /></inbound></policies>' });
    ws.set(second, { text: '<policies><outbound><c:d /></outbound></policies>' });
    assert.match(ws.lint(first).notices.join('\n'), /took longer than its time budget \(200 ms/);
    assert.equal(hang, false, 'the stop came while xmldom was loading');
    const result = ws.lint(second);
    assert.deepEqual(result.notices, []);
    assert.ok(result.findings.some((f) => f.ruleId === 'policy-xml-syntax'), 'xmldom works: the policy is found not well-formed');
  } finally {
    extensions['.js'] = js;
  }
});
