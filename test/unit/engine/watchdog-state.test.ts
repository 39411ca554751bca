import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { rootCertificates } from 'node:tls';
import * as info from '../../../server/src/certificates/info';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { Workspace } from '../../../server/src/engine/workspace';
import type { PolicyRule } from '../../../server/src/rules/types';
import { privateCaIn } from '../../../server/src/rules/util/private-ca';

// Module-level state the rules share, made while a rule runs: a stop in the middle must not leave it half made for
// the lints after it (`dropDerivedState` drops the workspace's own, not a module's). Each test in its own process
// (this file): the state must not have been made before.

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
