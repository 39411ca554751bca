import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { Workspace } from '../../../server/src/engine/workspace';
import { certFiles, testCertificates, vccPolicy } from '../rules/certificate-helpers';

const ROOT = path.resolve('/stable-ws');
const DAY = 86_400_000;

/**
 * `LintResult.stableUntil` (what `lint --cache` keeps a report until): the findings are the same at every moment
 * before it and differ at it. Checked for each kind of change: entering the warning window, the day count of an
 * expiring and of an expired certificate, and expiry itself.
 */
describe('stableUntil: the moment a file’s findings change with time alone', async () => {
  const c = await testCertificates();
  const files = certFiles(c.valid, c.partnerExpired, c.expiring, c.partnerRenewed);
  const policyFile = path.join(ROOT, 'api.policy.xml');
  const policy = (thumbprint: string) => vccPolicy(`<identity thumbprint="${thumbprint}" />`);

  function lintAt(thumbprint: string, at: number) {
    const ws = new Workspace({ configFor: () => ({ config: DEFAULT_CONFIG, problems: [] }), now: () => new Date(at) });
    for (const [rel, text] of Object.entries(files)) ws.set(path.join(ROOT, rel), { text });
    ws.set(policyFile, { text: policy(thumbprint) });
    const r = ws.lint(policyFile);
    return { stableUntil: r.stableUntil, findings: JSON.stringify(r.findings.map((f) => [f.ruleId, f.message, f.level])) };
  }

  const cases = [
    { name: 'valid, then entering the 30-day window', cert: c.valid, from: Date.parse('2026-09-01T10:00:00Z') },
    { name: 'expiring: the day count', cert: c.expiring, from: Date.parse('2026-06-01T10:30:00Z') },
    { name: 'expiring on its last day: expiry itself', cert: c.expiring, from: Date.parse('2026-06-19T12:00:00Z') },
    { name: 'expired: the day count (with a renewal still ahead)', cert: c.partnerExpired, from: Date.parse('2026-06-01T10:30:00Z') },
  ];
  for (const { name, cert, from } of cases) {
    it(name, () => {
      const first = lintAt(cert.info.thumbprint, from);
      assert.ok(first.stableUntil !== undefined && first.stableUntil > from, `stableUntil ${first.stableUntil} after ${from}`);
      assert.ok(first.stableUntil - from <= 200 * DAY);
      const until = first.stableUntil;
      for (const at of [from + 1, (from + until) / 2, until - 1]) assert.equal(lintAt(cert.info.thumbprint, at).findings, first.findings, `same findings at ${new Date(at).toISOString()}`);
      assert.notEqual(lintAt(cert.info.thumbprint, until + 1).findings, first.findings, `findings change after ${new Date(until).toISOString()}`);
    });
  }

  it('a policy that judges no certificate is stable for good', () => {
    const ws = new Workspace({ configFor: () => ({ config: DEFAULT_CONFIG, problems: [] }) });
    ws.set(policyFile, { text: '<policies><inbound><base /></inbound></policies>' });
    assert.equal(ws.lint(policyFile).stableUntil, undefined);
  });
});
