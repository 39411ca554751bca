import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  dateProblem,
  daysProblem,
  dnsListProblem,
  OptionsError,
  secretsFromEnv,
  subjectProblem,
  validateCertificateArgs,
  validateTreeArgs,
} from '../../../client/src/wizard/options';
import { rootSubjectFor } from '../../../client/src/wizard/run';

const WS = path.resolve('/ws');

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof OptionsError, String(e));
    return e.problems;
  }
  assert.fail('expected an OptionsError');
}

test('a full argument object becomes a plan; defaults are filled in', () => {
  const { plan, passwords } = validateCertificateArgs(
    { kind: 'client', subject: 'CN=dev-client, O=Contoso', issuer: { pfx: 'certs/ca.pfx', passwordEnv: 'CA_PW' }, validityDays: 30, dns: 'a.example, b.example', passwordEnv: 'PW' },
    { workspaceFolder: WS },
  );
  assert.deepEqual(plan, {
    kind: 'client',
    subject: 'CN=dev-client, O=Contoso',
    id: 'dev-client',
    issuer: { type: 'pfx', file: path.join(WS, 'certs', 'ca.pfx') },
    keyType: 'ecdsa-p256',
    validity: { days: 30 },
    dnsNames: ['a.example', 'b.example'],
    outDir: path.join(WS, 'certs'),
    overwrite: false,
    legacyPfx: false,
  });
  assert.deepEqual(passwords, { passwordEnv: 'PW', issuerPasswordEnv: 'CA_PW' });

  const root = validateCertificateArgs({ kind: 'root', subject: 'CN=My Root', passwordEnv: 'PW', outDir: '/tmp/x', keyType: 'rsa-2048' });
  assert.deepEqual([root.plan.id, root.plan.issuer, root.plan.dnsNames, root.plan.outDir], ['my-root', { type: 'self-signed' }, undefined, path.resolve('/tmp/x')]);

  // The issuer password falls back to the top-level variable; DNS defaults to the id; explicit dates.
  const dated = validateCertificateArgs(
    { subject: 'CN=old', issuer: { pfx: '/abs/ca.pfx' }, validityDays: { notBefore: '2020-01-01', notAfter: '2020-02-01T00:00:00Z' }, passwordEnv: 'PW', outDir: '/o' },
  );
  assert.equal(dated.passwords.issuerPasswordEnv, 'PW');
  assert.deepEqual(dated.plan.dnsNames, ['old']);
  assert.deepEqual(dated.plan.validity, { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2020-02-01T00:00:00Z') });
  assert.deepEqual(validateCertificateArgs({ subject: 'CN=x', issuer: 'self-signed', dns: [], passwordEnv: 'P', outDir: '/o' }).plan.dnsNames, []);
});

test('every problem is listed at once, with what is expected', () => {
  const problems = problemsOf(() =>
    validateCertificateArgs({ kind: 'server', subject: 'XX=foo', keyType: 'dsa', validityDays: -3, dns: 'bad_name!', outDir: 'rel', overwrite: 'yes', legacyPfx: 1 }),
  );
  const text = problems.join('\n');
  for (const expected of [/^kind: one of client, intermediate, root/m, /^subject: .*unknown attribute "XX"/m, /^passwordEnv: .* is required/m, /^keyType: one of rsa-2048/m, /^validityDays: a positive whole number/m, /^dns: "bad_name!" is not a DNS name/m, /^outDir: "rel" is relative and no folder is open/m, /^overwrite: true or false/m, /^legacyPfx: true or false/m]) {
    assert.match(text, expected);
  }
  assert.ok(problems.length >= 9, text);
  assert.match(problemsOf(() => validateCertificateArgs('CN=x')).join(), /expected an object/);
});

test('issuer rules: required for clients and intermediates, refused for roots', () => {
  assert.match(problemsOf(() => validateCertificateArgs({ subject: 'CN=c', passwordEnv: 'P', outDir: '/o' })).join(), /issuer: required for a client certificate/);
  assert.match(problemsOf(() => validateCertificateArgs({ kind: 'intermediate', subject: 'CN=i', passwordEnv: 'P', outDir: '/o' })).join(), /issuer: required for an intermediate CA/);
  assert.match(problemsOf(() => validateCertificateArgs({ kind: 'root', subject: 'CN=r', issuer: { pfx: '/ca.pfx' }, passwordEnv: 'P', outDir: '/o' })).join(), /a root CA is self-signed/);
  assert.match(problemsOf(() => validateCertificateArgs({ kind: 'root', subject: 'CN=r', dns: 'x.example', passwordEnv: 'P', outDir: '/o' })).join(), /only client certificates carry DNS names/);
  assert.match(problemsOf(() => validateCertificateArgs({ subject: 'CN=c', issuer: 'yes', passwordEnv: 'P', outDir: '/o' })).join(), /issuer: "self-signed" or \{ pfx/);
});

test('passwords are never accepted as literals, only as environment variable names', () => {
  const problems = problemsOf(() => validateCertificateArgs({ subject: 'CN=c', issuer: { pfx: '/ca.pfx', password: 'x' }, password: 'hunter2', passwordEnv: 'P', outDir: '/o' }));
  assert.equal(problems.filter((p) => /passwords are never taken from arguments/.test(p)).length, 2);
  assert.ok(!problems.join().includes('hunter2'), 'the value is never echoed');
  assert.match(problemsOf(() => validateTreeArgs({ passwordEnv: 'not a var name', outDir: '/o' })).join(), /passwordEnv: the name of an environment variable/);
  assert.deepEqual(secretsFromEnv({ passwordEnv: 'A', issuerPasswordEnv: 'B' }, { A: 'pa', B: 'pb' }), { password: 'pa', issuerPassword: 'pb' });
  assert.throws(() => secretsFromEnv({ passwordEnv: 'MISSING' }, {}), /environment variable MISSING is not set/);
  assert.throws(() => secretsFromEnv({ passwordEnv: 'E' }, { E: '' }), /environment variable E is empty/);
});

test('tree arguments', () => {
  assert.deepEqual(validateTreeArgs({ passwordEnv: 'P' }, { workspaceFolder: WS }).plan, { keyType: 'ecdsa-p256', outDir: path.join(WS, 'certs'), overwrite: false, legacyPfx: false });
  assert.equal(validateTreeArgs({ passwordEnv: 'P', outDir: '/o', legacyPfx: true }).plan.legacyPfx, true);
  assert.match(problemsOf(() => validateTreeArgs({ passwordEnv: 'P', outDir: '/o', legacyPfx: 'yes' })).join(), /legacyPfx: true or false/);
  assert.match(problemsOf(() => validateTreeArgs({ passwordEnv: 'P' })).join(), /outDir: required when no folder is open/);
  assert.match(problemsOf(() => validateTreeArgs({ passwordEnv: 'P', outDir: '/o', subject: 'CN=x' })).join(), /subject: unknown option/);
});

test('input validators give readable messages', () => {
  assert.equal(subjectProblem('CN=dev-client, O="Contoso, Inc."'), undefined);
  assert.match(subjectProblem('')!, /must not be empty/);
  assert.match(subjectProblem('CN=a, O=')!, /empty value for O/);
  assert.match(subjectProblem('dev-client')!, /expected NAME=value/);
  assert.equal(daysProblem('365'), undefined);
  assert.ok(daysProblem('0') && daysProblem('1.5') && daysProblem('x') && daysProblem('99999'));
  assert.equal(dateProblem('2030-01-31'), undefined);
  assert.equal(dateProblem('2030-01-31T12:00:00Z'), undefined);
  assert.ok(dateProblem('tomorrow') && dateProblem('2030-13-45') && dateProblem('1900-01-01'));
  // Calendar-checked, not rolled over (`new Date('2030-02-31')` is 3 March), and nothing `new Date()` guesses at.
  assert.ok(dateProblem('2030-02-31') && dateProblem('2030-01-31T24:30') && dateProblem('1') && dateProblem('Jan 5 2031'));
  assert.equal(dateProblem('2028-02-29'), undefined);
  assert.equal(dnsListProblem(''), undefined);
  assert.equal(dnsListProblem('a.example, *.b.example'), undefined);
  assert.ok(dnsListProblem('a..example') && dnsListProblem('-a.example'));
});

test('the root made for a self-signed issuer is named after the subject', () => {
  assert.equal(rootSubjectFor('CN=dev-client, O=Contoso', 'dev-client'), 'CN=dev-client Root CA, O=Contoso');
  assert.equal(rootSubjectFor('O=X, CN="a, b"', 'a-b'), 'O=X, CN="a, b Root CA"');
  assert.equal(rootSubjectFor('O=Contoso', 'certificate'), 'CN=certificate Root CA, O=Contoso');
});
