import * as path from 'node:path';
import { certificateOutputs, generateCertificate, isKeyType, KEY_TYPES, type KeyType } from '../certificates/generate';
import { readPfx } from '../certificates/pfx';
import { certificateRequest, dateProblem, daysProblem, dnsNameProblem, loadIssuerPfx, parseDate, splitDnsNames } from '../certificates/plan';
import { readCertificateFile } from '../certificates/read';
import { generateSampleTree, sampleTreeOutputs } from '../certificates/tree';
import type { CertificateInfo } from '../certificates/types';
import { writeOutputs, type WrittenFile } from '../certificates/write';
import { MAX_FILE_BYTES, tooLargeFor } from '../engine/files';
import { readOne } from '../engine/load';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { ttyPasswordPrompt } from './certs-prompt';
import { formatInspection, type InspectedFile } from './certs-format';
import { errorMessage } from '../core/errors';

/** What `runCertsCommand` needs from its host. */
export interface CertsIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  /** Masked prompt; without it a terminal prompt is used when stdin is a TTY. */
  promptPassword?: (q: string) => Promise<string>;
}

const USAGE = `Usage:
  apim-mtls certs tree --out DIR [--key-type TYPE] [--password-env VAR] [--force] [--export-key] [--legacy-pfx] [--format text|json]
  apim-mtls certs ca --subject DN --out DIR [--id NAME] [--issuer CA.pfx --issuer-password-env VAR] [--key-type TYPE]
                     [--validity-days N] [--password-env VAR] [--force] [--export-key] [--legacy-pfx] [--format text|json]
  apim-mtls certs client --issuer CA.pfx [--issuer-password-env VAR] --subject DN [--dns NAME[,NAME…]]
                     [--validity-days N | --not-before DATE --not-after DATE] --out DIR [--id NAME] [--key-type TYPE]
                     [--password-env VAR] [--force] [--export-key] [--legacy-pfx] [--format text|json]
  apim-mtls certs inspect FILE… [--format text|json] [--password-env VAR]
Key types: ${KEY_TYPES.join(', ')}. DN: most specific first, e.g. "CN=Valid Client, O=Contoso".
Passwords come from the named environment variable or a masked prompt, never from the command line.
Run "apim-mtls certs <command> --help" for a command's options and their defaults.`;

const OUTPUT_OPTIONS = `  --out DIR                  the folder to write to (created if missing)
  --key-type TYPE            ${KEY_TYPES.join(', ')} (default ecdsa-p256)
  --password-env VAR         read the .pfx password from the environment variable VAR (default: a masked prompt)
  --force                    overwrite existing files (never done without it)
  --export-key               also write the private key unencrypted (<id>.key, PKCS#8 PEM, 0600) and, for a
                             certificate under an intermediate CA, <id>.chain.cer (it and its intermediates, PEM)
  --legacy-pfx               write the .pfx under 3DES with a SHA-1 MAC, for older Windows (Server 2016 and
                             before), macOS Keychain and Java versions that can't read the default (AES-256, SHA-256)
  --format text|json         what is printed: a line a certificate and file, or JSON`;

const FILES = `Each certificate is written as <id>.cer (PEM), <id>.without-markers.cer (base64 DER, for Bicep's
encodedCertificate and data) and <id>.pfx (PKCS#12 with the key and the chain, created 0600).`;

/** \`apim-mtls certs <command> --help\`: that command's usage and options. */
const HELP: Record<keyof typeof SPECS, string> = {
  tree: `Usage: apim-mtls certs tree --out DIR [options]

Writes a sample tree for testing mTLS: root-ca → dev-intermediate-ca → dev-valid-client, dev-unregistered-client,
dev-expired-client, dev-notyetvalid-client; root-ca → tst-intermediate-ca → tst-untrusted-client.

${OUTPUT_OPTIONS}

${FILES}`,
  ca: `Usage: apim-mtls certs ca --subject DN --out DIR [--issuer CA.pfx] [options]

Writes a CA certificate: a self-signed root, or with --issuer an intermediate CA that the issuer signs.

  --subject DN               the CA's name, most specific first: "CN=Contoso Root CA, O=Contoso"
  --id NAME                  the files' name (default: from the subject's CN)
  --issuer CA.pfx            the issuing CA's .pfx (with its key): makes an intermediate CA
  --issuer-password-env VAR  read the issuer's .pfx password from VAR (default: a masked prompt)
  --validity-days N          valid from now for N days (default 3650 for a root, 1825 for an intermediate)
${OUTPUT_OPTIONS}

${FILES}`,
  client: `Usage: apim-mtls certs client --issuer CA.pfx --subject DN --out DIR [options]

Writes a client certificate (extended key usage clientAuth) that the CA in --issuer signs.

  --issuer CA.pfx            the issuing CA's .pfx (with its key)
  --issuer-password-env VAR  read the issuer's .pfx password from VAR (default: a masked prompt)
  --subject DN               the client's name, most specific first: "CN=partner-client, O=Contoso"
  --id NAME                  the files' name (default: from the subject's CN)
  --dns NAME[,NAME…]         DNS names in the subject alternative name (default: the id; "" for none)
  --validity-days N          valid from now for N days (default 365)
  --not-before DATE, --not-after DATE
                             exact validity instead (2030-01-31 or 2030-01-31T12:00:00Z; UTC unless an offset
                             is given): an expired or not-yet-valid certificate for testing
${OUTPUT_OPTIONS}

${FILES}`,
  inspect: `Usage: apim-mtls certs inspect FILE… [--password-env VAR] [--format text|json]

Says what each certificate file holds (PEM, base64 DER with or without markers, DER, or .pfx): subject, issuer,
SHA-1 thumbprint as APIM compares it, validity, CA or client, and whether PEM markers would break a Bicep upload.
Exit code 1 when a file holds no certificate or can't be read.

  --password-env VAR         read a .pfx password from VAR (default: a masked prompt)
  --format text|json         a block a file, or JSON`,
};

const OUTPUT_FLAGS = ['--force', '--export-key', '--legacy-pfx'];
const COMMON_VALUES = ['--out', '--key-type', '--password-env', '--format'];

function need(args: ParsedArgs, name: string): string {
  const value = args.values.get(name);
  if (value === undefined) throw new UsageError(`${name} is required`);
  return value;
}

function keyTypeArg(args: ParsedArgs): KeyType | undefined {
  const value = args.values.get('--key-type');
  if (value !== undefined && !isKeyType(value)) throw new UsageError(`--key-type must be one of ${KEY_TYPES.join(', ')}`);
  return value;
}

function formatArg(args: ParsedArgs): 'text' | 'json' {
  const value = args.values.get('--format') ?? 'text';
  if (value !== 'text' && value !== 'json') throw new UsageError('--format must be text or json');
  return value;
}

function dateArg(args: ParsedArgs, name: string): Date | undefined {
  const value = args.values.get(name);
  if (value === undefined) return undefined;
  // The wizard's rule: ISO 8601 only (`new Date('1')` is 2001-01-01, `2030-02-31` would be 3 March), years 1950–9999.
  const problem = dateProblem(value);
  if (problem) throw new UsageError(`${name}: ${value} is not ${problem}`);
  return parseDate(value)!;
}

/**
 * The password from `--…-env VAR`, or the prompt; never from an argument. `confirm`: a new password (of the .pfx about
 * to be written), asked twice at a prompt: a typo nobody sees would leave a key no one can open.
 */
async function password(io: CertsIo, args: ParsedArgs, envFlag: string, question: string, confirm = false): Promise<string> {
  const variable = args.values.get(envFlag);
  let value: string | undefined;
  if (variable !== undefined) {
    value = io.env[variable];
    if (value === undefined) {
      // `--password-env s3cret!` (the password where its variable's name belongs) must not reach a CI log: a name is
      // repeated only when it looks like one.
      const named = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(variable) ? `environment variable ${variable}` : 'the environment variable it names (that is no variable name: give the name, not the password)';
      throw new UsageError(`${envFlag}: ${named} is not set`);
    }
  } else {
    const ask = io.promptPassword ?? (process.stdin.isTTY ? ttyPasswordPrompt : undefined);
    if (!ask) throw new UsageError(`no password: pass ${envFlag} VAR (there is no terminal to prompt on)`);
    value = await ask(question);
    if (confirm && value !== '' && (await ask('Again, to confirm: ')) !== value) throw new UsageError('the two passwords differ: nothing was written');
  }
  if (value === '') throw new UsageError('the password must not be empty');
  return value;
}

function report(io: CertsIo, format: 'text' | 'json', written: WrittenFile[], certificates: { id: string; info: CertificateInfo }[]): void {
  if (format === 'json') {
    io.stdout(JSON.stringify({ files: written, certificates: certificates.map((c) => ({ id: c.id, ...c.info })) }, null, 2) + '\n');
    return;
  }
  for (const c of certificates) io.stdout(`${c.id}: ${c.info.subject}  SHA-1 ${c.info.thumbprint}  valid ${c.info.notBefore.toISOString()} – ${c.info.notAfter.toISOString()}\n`);
  for (const f of written) io.stdout(`wrote ${f.path}${f.secret ? ' (0600)' : ''}  ${f.thumbprint}\n`);
}

async function runTree(io: CertsIo, args: ParsedArgs): Promise<number> {
  const out = need(args, '--out');
  const format = formatArg(args);
  const keyType = keyTypeArg(args);
  const pass = await password(io, args, '--password-env', 'Password for the .pfx files: ', true);
  const tree = await generateSampleTree(keyType ? { keyType } : {});
  const files = await sampleTreeOutputs(tree, { password: pass, exportKey: args.flags.has('--export-key'), legacyPfx: args.flags.has('--legacy-pfx') });
  const written = await writeOutputs(out, files, { overwrite: args.flags.has('--force') });
  report(io, format, written, tree.map((e) => e.certificate));
  return 0;
}

async function runIssue(io: CertsIo, args: ParsedArgs, kind: 'ca' | 'client'): Promise<number> {
  const out = need(args, '--out');
  const subject = need(args, '--subject');
  const format = formatArg(args);
  const keyType = keyTypeArg(args);
  const issuerFile = kind === 'client' ? need(args, '--issuer') : args.values.get('--issuer');
  const days = args.values.get('--validity-days');
  if (days !== undefined && daysProblem(days)) throw new UsageError(`--validity-days must be ${daysProblem(days)}`);
  const notBefore = dateArg(args, '--not-before');
  const notAfter = dateArg(args, '--not-after');
  if ((notBefore === undefined) !== (notAfter === undefined)) throw new UsageError('give both --not-before and --not-after');
  if (notBefore && days) throw new UsageError('--validity-days cannot be combined with --not-before/--not-after');
  if (notBefore && notAfter && notAfter <= notBefore) throw new UsageError('--not-after must be later than --not-before');
  const dns = args.values.get('--dns');
  for (const name of dns === undefined ? [] : splitDnsNames(dns)) {
    const problem = dnsNameProblem(name);
    if (problem) throw new UsageError(`--dns: ${problem}`);
  }
  const issuerPassword = issuerFile ? await password(io, args, '--issuer-password-env', `Password of ${issuerFile}: `) : undefined;
  // Which file is meant: `certs client` reads two passwords, and "wrong password" alone doesn't say whose.
  const issuer = issuerFile
    ? await loadIssuerPfx(issuerFile, issuerPassword!).catch((e: unknown) => {
        const message = errorMessage(e);
        throw new Error(message.startsWith(issuerFile) ? `the issuer ${message}` : `the issuer ${issuerFile}: ${message}`);
      })
    : undefined;
  const pass = await password(io, args, '--password-env', 'Password for the new .pfx: ', true);
  let generated;
  try {
    const request = certificateRequest({
      kind,
      subject,
      id: args.values.get('--id'),
      ...(issuer ? { issuer } : {}),
      ...(keyType ? { keyType } : {}),
      ...(days ? { validityDays: Number(days) } : {}),
      ...(notBefore && notAfter ? { notBefore, notAfter } : {}),
      ...(dns !== undefined ? { dnsNames: splitDnsNames(dns) } : {}),
    });
    generated = await generateCertificate(request);
  } catch (e) {
    throw new UsageError(errorMessage(e));
  }
  const files = await certificateOutputs(generated, { password: pass, exportKey: args.flags.has('--export-key'), legacyPfx: args.flags.has('--legacy-pfx') });
  const written = await writeOutputs(out, files, { overwrite: args.flags.has('--force') });
  report(io, format, written, [generated]);
  for (const warning of generated.warnings ?? []) io.stderr(`apim-mtls certs ${kind}: warning: ${warning}\n`);
  return 0;
}

async function inspectOne(io: CertsIo, args: ParsedArgs, file: string): Promise<InspectedFile> {
  // A regular file within the limit: a FIFO, a device or a huge file is a problem of that file, and the others are read.
  const got = readOne(file, MAX_FILE_BYTES, (bytes) => tooLargeFor('a certificate file', bytes, MAX_FILE_BYTES));
  if ('problem' in got) return { file, encoding: 'unknown', hasPemMarkers: false, certificates: [], problems: [got.problem.startsWith('cannot read') ? got.problem : `cannot read: ${got.problem}`] };
  const data = got.bytes;
  const read = readCertificateFile(data);
  if (read.encoding !== 'pfx' && !/\.(pfx|p12)$/i.test(file)) return { file, ...read };
  try {
    const pass = await password(io, args, '--password-env', `Password of ${path.basename(file)}: `);
    const { certificates, hasKey, problems } = await readPfx(data, pass);
    return { file, encoding: 'pfx', hasPemMarkers: false, hasKey, certificates, problems };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return { file, encoding: 'pfx', hasPemMarkers: false, certificates: [], problems: [errorMessage(e)] };
  }
}

async function runInspect(io: CertsIo, args: ParsedArgs): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError('inspect needs at least one FILE');
  const format = formatArg(args);
  const results: InspectedFile[] = [];
  for (const file of args.positionals) results.push(await inspectOne(io, args, file));
  io.stdout(format === 'json' ? JSON.stringify(results, null, 2) + '\n' : formatInspection(results, new Date()));
  return results.some((r) => r.problems.length > 0 || r.certificates.length === 0) ? 1 : 0;
}

/** Each command's options (its --help documents every one: tested). */
export const SPECS = {
  tree: { values: COMMON_VALUES, flags: OUTPUT_FLAGS },
  ca: { values: [...COMMON_VALUES, '--subject', '--id', '--issuer', '--issuer-password-env', '--validity-days'], flags: OUTPUT_FLAGS },
  client: { values: [...COMMON_VALUES, '--subject', '--id', '--issuer', '--issuer-password-env', '--validity-days', '--not-before', '--not-after', '--dns'], flags: OUTPUT_FLAGS },
  inspect: { values: ['--format', '--password-env'], flags: [] },
} as const;

/**
 * `apim-mtls certs tree|ca|client|inspect …`. Returns the exit code: 0 success, 1 a file could not be read or
 * generation failed, 2 usage errors (including a missing password with no terminal).
 */
export async function runCertsCommand(args: string[], io: CertsIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(USAGE + '\n');
    return sub === undefined ? 2 : 0;
  }
  if (!(sub in SPECS)) {
    io.stderr(`apim-mtls certs: unknown command "${sub}"\n${USAGE}\n`);
    return 2;
  }
  const name = sub as keyof typeof SPECS;
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(HELP[name] + '\n');
      return 0;
    }
    const parsed = parseArgs(rest, { values: [...SPECS[name].values], flags: [...SPECS[name].flags], mayBeEmpty: ['--dns'] });
    if (name !== 'inspect' && parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    switch (name) {
      case 'tree':
        return await runTree(io, parsed);
      case 'ca':
      case 'client':
        return await runIssue(io, parsed, name);
      case 'inspect':
        return await runInspect(io, parsed);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`apim-mtls certs ${name}: ${e.message}\n`);
      return 2;
    }
    io.stderr(`apim-mtls certs ${name}: ${errorMessage(e)}\n`);
    return 1;
  }
}
