import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { rootCertificates } from 'node:tls';
import * as info from '../../../server/src/certificates/info';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { within } from '../../../server/src/engine/watchdog';
import { Workspace } from '../../../server/src/engine/workspace';
import { RelintClock } from '../../../server/src/lsp/relint-clock';
import type { PolicyRule } from '../../../server/src/rules/types';
import { privateCaIn } from '../../../server/src/rules/util/private-ca';

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
