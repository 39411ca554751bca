import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import { rootCertificates } from 'node:tls';
import * as info from '../../../server/src/certificates/info';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { readOne } from '../../../server/src/engine/load';
import { within } from '../../../server/src/engine/watchdog';
import { Workspace } from '../../../server/src/engine/workspace';
import { RelintClock } from '../../../server/src/lsp/relint-clock';
import type { PolicyRule } from '../../../server/src/rules/types';
import { privateCaIn } from '../../../server/src/rules/util/private-ca';
import { makeTempDir, removeTempDir } from '../../helpers';

// State made inside a time limit (see engine/watchdog.ts) that outlives it: a stop in the middle must not leave it half
// made for what comes after (`dropDerivedState` drops the workspace's own, not a module's, nor the language server's).
// This file runs in its own process: the state must not have been made before.

const ROOT = path.resolve('/watchdog-state-ws');

test("the public roots, being read when a rule was stopped, are all read for the next lint (a public root is no private CA)", () => {
  // The thumbprint of the second root never comes: the budget runs out while the roots are read, as it may on the
  // first lint that asks.
  const thumbprint = info.sha1Thumbprint;
  let hang = false;
  let calls = 0;
  (info as { sha1Thumbprint: typeof thumbprint }).sha1Thumbprint = (der) => {
    if (hang && ++calls === 2) {
      hang = false;
      for (;;) {
        // never returns
      }
    }
    return thumbprint(der);
  };
  try {
    const rule: PolicyRule = {
      id: 'private-ca',
      target: 'policy',
      defaultLevel: 'warning',
      description: 'names the private CA of the workspace',
      check(ctx) {
        hang = path.basename(ctx.file) === 'first.xml';
        const ca = privateCaIn(ctx.certificates);
        if (ca) ctx.report({ span: { start: 0, end: 1 }, message: ca.file });
      },
    };
    const ws = new Workspace({ configFor: () => ({ config: { ...DEFAULT_CONFIG, fileTimeBudgetMs: 200 }, problems: [] }), rules: [rule] });
    // A public root (the last Node.js ships) among the workspace's certificates.
    ws.set(path.join(ROOT, 'public-root.pem'), { text: rootCertificates[rootCertificates.length - 1]! });
    for (const name of ['first.xml', 'second.xml']) ws.set(path.join(ROOT, name), { text: '<policies><inbound><base /></inbound></policies>' });
    assert.match(ws.lint(path.join(ROOT, 'first.xml')).notices.join('\n'), /rule private-ca was stopped before it finished/);
    assert.equal(ws.getCertificates().size, 1);
    assert.deepEqual(ws.lint(path.join(ROOT, 'second.xml')).findings.map((f) => f.message), [], 'the public root is not taken for a private CA');
  } finally {
    (info as { sha1Thumbprint: typeof thumbprint }).sha1Thumbprint = thumbprint;
  }
});

test("the language server's clock, stopped while it set its timer (publishing a file, in a slice's limit), sets one when next told", () => {
  const clock = new RelintClock(() => undefined);
  const set = globalThis.setTimeout;
  let timers = 0;
  const made: NodeJS.Timeout[] = [];
  globalThis.setTimeout = ((...args: Parameters<typeof set>) => {
    if (++timers === 1) {
      for (;;) {
        // never returns: the limit comes while the timer is set
      }
    }
    const timer = set(...args);
    made.push(timer);
    return timer;
  }) as typeof set;
  try {
    const soon = Date.now() + 3_600_000;
    assert.equal(within(() => clock.note('a.xml', soon), 100), false);
    clock.note('b.xml', soon + 1000);
    assert.equal(timers, 2, 'a timer is set for the earliest judgement');
  } finally {
    globalThis.setTimeout = set;
    for (const timer of made) clearTimeout(timer);
  }
});

test('a file being read when a rule was stopped is closed (a configuration read on first use, inside a lint)', { skip: !fs.existsSync('/proc/self/fd') && 'no /proc/self/fd here' }, () => {
  const dir = makeTempDir('watchdog-fd');
  const file = path.join(dir, '.apim-mtls.json');
  fs.writeFileSync(file, '{}');
  /** The descriptors of this process open on `file`. */
  const openOnFile = (): number => fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false; // the descriptor readdir itself used, closed since
    }
  }).length;
  // The stop lands between the open and the close, every time: fstat never returns. (Patched on the module itself:
  // the compiled code reads `fs.fstatSync` from it at each call.)
  const nodeFs = createRequire(__filename)('node:fs') as { fstatSync: unknown };
  const fstat = nodeFs.fstatSync;
  nodeFs.fstatSync = () => {
    for (;;) {
      // never returns
    }
  };
  let stopped: boolean[];
  try {
    stopped = [1, 2, 3].map(() => within(() => void readOne(file), 30));
  } finally {
    nodeFs.fstatSync = fstat;
  }
  assert.deepEqual(stopped, [false, false, false]);
  assert.equal(openOnFile(), 0, 'each stopped read left its descriptor open');
  // Still readable, and read files are closed as before.
  assert.ok('bytes' in readOne(file));
  assert.equal(openOnFile(), 0);
  removeTempDir(dir);
});
