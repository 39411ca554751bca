import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { generateCertificate } from '../../../server/src/certificates/generate';
import { certs, openssl, PASSWORD_VAR, tempDir } from './tools';

/** `certs client` input the wizard refuses is refused by the CLI too, before any password is asked or file written. */

let out = '';
let ca = '';
before(async () => {
  out = tempDir('cli-input');
  const r = await certs(['ca', '--subject', 'CN=Input CA', '--out', out, '--password-env', PASSWORD_VAR]);
  assert.equal(r.code, 0, r.stderr);
  ca = path.join(out, 'input-ca.pfx');
});

const client = (id: string, ...extra: string[]) =>
  certs(['client', '--issuer', ca, '--issuer-password-env', PASSWORD_VAR, '--subject', `CN=${id}`, '--id', id, '--out', out, '--password-env', PASSWORD_VAR, ...extra]);

test('dates: ISO 8601 only, calendar-checked, UTC unless an offset is given', async () => {
  for (const [from, to, message] of [
    ['1', '2', /--not-before: 1 is not a date like 2030-01-31/], // new Date('1') is 2001-01-01
    ['2030-02-31', '2031-01-01', /--not-before: 2030-02-31 is not a date/], // would be 3 March
    ['2030-01-01', 'Jan 5 2031', /--not-after: Jan 5 2031 is not a date/],
    ['2030-01-01', '10000-01-01', /is not a date/],
    ['2031-01-01', '2030-01-01', /--not-after must be later than --not-before/],
  ] as const) {
    const r = await client('bad-dates', '--not-before', from, '--not-after', to);
    assert.equal(r.code, 2, `${from} – ${to}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(existsSync(path.join(out, 'bad-dates.cer')), false);
  const tz = process.env.TZ;
  process.env.TZ = 'America/New_York';
  try {
    const r = await client('utc', '--not-before', '2030-01-01T10:00', '--not-after', '2030-06-01');
    assert.equal(r.code, 0, r.stderr);
  } finally {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  }
  assert.match(openssl(['x509', '-in', path.join(out, 'utc.cer'), '-noout', '-startdate']).out, /notBefore=Jan {2}1 10:00:00 2030 GMT/);
});

test('without dates: valid from 5 minutes before it was made (a gateway whose clock is behind still accepts it) for the days asked', async () => {
  const made = Date.now();
  const r = await client('skew', '--validity-days', '30');
  assert.equal(r.code, 0, r.stderr);
  const dates = openssl(['x509', '-in', path.join(out, 'skew.cer'), '-noout', '-startdate', '-enddate']).out;
  const read = (name: string) => Date.parse(new RegExp(`${name}=(.+)`).exec(dates)![1]!);
  const start = read('notBefore');
  const end = read('notAfter');
  // X.509 times are whole seconds: within a second of the expected moments, give or take the time the command took.
  const took = Date.now() - made;
  assert.ok(start >= made - 5 * 60_000 - 1000 && start <= made + took - 5 * 60_000, `notBefore ${new Date(start).toISOString()}, made at ${new Date(made).toISOString()}`);
  assert.ok(end >= made + 30 * 86_400_000 - 1000 && end <= made + took + 30 * 86_400_000, `notAfter ${new Date(end).toISOString()}`);
  // A verifier whose clock is 4 minutes behind accepts it; one 6 minutes behind does not yet.
  const chain = ['verify', '-CAfile', path.join(out, 'input-ca.cer')];
  assert.equal(openssl([...chain, '-attime', String(Math.floor((made - 4 * 60_000) / 1000)), path.join(out, 'skew.cer')]).status, 0);
  assert.notEqual(openssl([...chain, '-attime', String(Math.floor((made - 6 * 60_000) / 1000)), path.join(out, 'skew.cer')]).status, 0);
});

test('--validity-days: at most 100 years, with a message (not "Wrong input string for conversion")', async () => {
  const r = await client('long', '--validity-days', '3000000');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--validity-days must be at most 36500 days/);
  await assert.rejects(
    generateCertificate({ id: 'y10k', kind: 'root', subject: 'CN=Y', notBefore: new Date('2030-01-01T00:00:00Z'), notAfter: new Date('+010000-01-01T00:00:00Z') }),
    /y10k: notAfter must fall in the years 1 to 9999/,
  );
});

test('--dns: each name is a DNS name; an id that is not one is no default DNS name', async () => {
  for (const dns of ['foo bar', '日本.example', 'a@b.example', '-x-.example']) {
    const r = await client('bad-dns', '--dns', dns);
    assert.equal(r.code, 2, dns);
    assert.match(r.stderr, /--dns: ".*" is not a DNS name/);
  }
  assert.equal(existsSync(path.join(out, 'bad-dns.cer')), false);
  const r = await client('My_Client.v2');
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(openssl(['x509', '-in', path.join(out, 'My_Client.v2.cer'), '-noout', '-text']).out, /Subject Alternative Name/);
  assert.equal((await client('plain-id')).code, 0);
  assert.match(openssl(['x509', '-in', path.join(out, 'plain-id.cer'), '-noout', '-ext', 'subjectAltName']).out, /DNS:plain-id/);
});

test('file names: an --id the files cannot take is refused before any key is made; a long CN gives a name of 64', async () => {
  for (const [id, message] of [
    ['../evil', /"\.\.\/evil" can't name a file/],
    ['b'.repeat(300), /a name of 300 characters is too long for the files \(at most 180\)/],
    ['partner.chain', /"partner\.chain" would clash with the \.chain\.cer file/],
  ] as const) {
    const r = await client(id);
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /ENAMETOOLONG|invalid output file name/);
  }
  // Without --id the name comes from the CN, cut to 64 characters (a 5,000-character CN gave ENAMETOOLONG after the key).
  const r = await certs(['client', '--issuer', ca, '--issuer-password-env', PASSWORD_VAR, '--subject', `CN=${'Long '.repeat(1000)}, O=Contoso`, '--out', out, '--password-env', PASSWORD_VAR]);
  assert.equal(r.code, 0, r.stderr);
  const stem = 'long-'.repeat(13).slice(0, 64).replace(/-+$/, '');
  assert.ok(existsSync(path.join(out, `${stem}.pfx`)), r.stdout);
});
