import * as path from 'node:path';
import { isKeyType, KEY_TYPES, type KeyType } from '../../../server/src/certificates/keys';
import { certificateIdFrom, dateProblem, daysProblem, dnsNameProblem, idProblem, MAX_VALIDITY_DAYS, parseDate, splitDnsNames, subjectProblem } from '../../../server/src/certificates/plan';

/**
 * The argument objects of `apimMtls.generateClientCertificate` and `apimMtls.generateCertificateTree`, and their
 * validation. No `vscode` import: the wizard and the tests share this file.
 *
 * Passwords are never part of an argument object (a keybinding would store them in settings.json): an argument
 * names the environment variable of the extension host that holds the password (`passwordEnv`).
 */

/** What the client-certificate command makes. */
export type WizardKind = 'client' | 'intermediate' | 'root';
export const WIZARD_KINDS: readonly WizardKind[] = ['client', 'intermediate', 'root'];

/** A CA .pfx to sign with; its password comes from `passwordEnv`, default: the top-level `passwordEnv`. */
export interface IssuerPfxArg {
  pfx: string;
  passwordEnv?: string;
}

/** Explicit validity, e.g. for expired or not-yet-valid test certificates. ISO 8601 dates (`2030-01-31`, `2030-01-31T12:00:00Z`). */
export interface ValidityDates {
  notBefore: string | Date;
  notAfter: string | Date;
}

/** `executeCommand('apimMtls.generateClientCertificate', args)`. */
export interface GenerateCertificateArgs {
  /** Default `client`. */
  kind?: WizardKind;
  /** .NET-style DN, most specific first: `CN=dev-client, O=Contoso`. */
  subject: string;
  /**
   * `self-signed`: a new root CA `<id>-root-ca` is made (and written) first and signs the certificate; for `root`
   * the certificate itself is the self-signed root (the default for `root`). Required for `client` and `intermediate`.
   */
  issuer?: 'self-signed' | IssuerPfxArg;
  /** Default `ecdsa-p256`. */
  keyType?: KeyType;
  /** Days from now, or explicit dates. Default: root 3650, intermediate 1825, client 365 days. */
  validityDays?: number | ValidityDates;
  /** SAN dNSName(s) of a client certificate. Default: the id; `[]` or `''` for none. */
  dns?: string | string[];
  /** Absolute, or relative to the first workspace folder. Default `<workspace>/certs`. */
  outDir?: string;
  /** File stem: `<id>.cer`, `<id>.without-markers.cer`, `<id>.pfx`. Default: the subject's CN in kebab case. */
  id?: string;
  /** Name of the environment variable holding the new .pfx's password. */
  passwordEnv: string;
  /** Replace existing files. Default false: the command fails when a file exists. */
  overwrite?: boolean;
  /** Write the .pfx under 3DES with a SHA-1 MAC (`certs --legacy-pfx`), for older systems. Default false: AES-256, SHA-256. */
  legacyPfx?: boolean;
}

/** `executeCommand('apimMtls.generateCertificateTree', args)`. */
export interface GenerateTreeArgs {
  /** Absolute, or relative to the first workspace folder. Default `<workspace>/certs`. */
  outDir?: string;
  /** Default `ecdsa-p256`. */
  keyType?: KeyType;
  passwordEnv: string;
  overwrite?: boolean;
  /** As for a certificate: every .pfx of the tree under 3DES with a SHA-1 MAC. */
  legacyPfx?: boolean;
}

/** One generated certificate, as the commands return it. */
export interface GeneratedSummary {
  id: string;
  kind: WizardKind;
  subject: string;
  /** SHA-1, upper-case hex. */
  thumbprint: string;
  notAfter: string;
}

/** What `apimMtls.generateClientCertificate` returns. */
export interface GenerateCertificateResult {
  /** Absolute paths of every file written. */
  files: string[];
  /** SHA-1 thumbprint (upper-case hex) of the requested certificate. */
  thumbprint: string;
  subject: string;
  outDir: string;
  /** Every certificate made: with `issuer: 'self-signed'` the new root first, then the requested one. */
  certificates: GeneratedSummary[];
  /** What was made but may not work as meant (a certificate that outlives its issuer); shown as a warning too. */
  warnings?: string[];
}

/** What `apimMtls.generateCertificateTree` returns. */
export interface GenerateTreeResult {
  files: string[];
  outDir: string;
  certificates: GeneratedSummary[];
}

/** A validated client-certificate request (no secrets). */
export interface CertificatePlan {
  kind: WizardKind;
  subject: string;
  id: string;
  issuer: { type: 'self-signed' } | { type: 'pfx'; file: string };
  keyType: KeyType;
  validity: { days?: number } | { notBefore: Date; notAfter: Date };
  /** Clients only; undefined for CAs. */
  dnsNames?: string[];
  outDir: string;
  overwrite: boolean;
  /** The .pfx files under 3DES with a SHA-1 MAC instead of AES-256 with SHA-256 (see `PFX_FORMATS`). */
  legacyPfx: boolean;
}

export interface TreePlan {
  keyType: KeyType;
  outDir: string;
  overwrite: boolean;
  legacyPfx: boolean;
}

/**
 * The two encryptions of a new .pfx, as the wizard offers them (Windows' export dialog offers the same pair): the
 * default, and the legacy one that `certs --legacy-pfx` writes, for systems that can't read the default.
 */
export const PFX_FORMATS = [
  { legacy: false, label: 'AES-256 with a SHA-256 MAC', description: 'default: OpenSSL 3, current Windows, macOS and Java' },
  {
    legacy: true,
    label: 'TripleDES with a SHA-1 MAC (legacy)',
    description: "for older Windows (Server 2016 and before), macOS Keychain and Java versions that can't read AES-256",
  },
] as const;

/** Where the secrets of a plan come from. */
export interface PasswordSources {
  passwordEnv: string;
  /** Set when the issuer is a .pfx. */
  issuerPasswordEnv?: string;
}

/** The passwords a plan needs; never logged. */
export interface Secrets {
  password: string;
  issuerPassword?: string;
}

export interface ValidationContext {
  /** First workspace folder: relative `outDir` / `pfx` resolve against it; `outDir` defaults to its `certs`. */
  workspaceFolder?: string;
}

/** Every problem of an argument object, one per line. */
export class OptionsError extends Error {
  constructor(
    command: string,
    readonly problems: string[],
  ) {
    super(`${command}: invalid arguments:\n${problems.map((p) => `- ${p}`).join('\n')}`);
    this.name = 'OptionsError';
  }
}

export const CLIENT_COMMAND = 'apimMtls.generateClientCertificate';
export const TREE_COMMAND = 'apimMtls.generateCertificateTree';
export const DEFAULT_DAYS: Record<WizardKind, number> = { root: 3650, intermediate: 1825, client: 365 };
export const MAX_DAYS = MAX_VALIDITY_DAYS;

/** The keys of an arguments interface, each listed once: the compiler checks the list against the interface both ways. */
function keysOf<T>(keys: Record<keyof T, true>): Set<string> {
  return new Set(Object.keys(keys));
}
const CLIENT_KEYS = keysOf<GenerateCertificateArgs>({ kind: true, subject: true, issuer: true, keyType: true, validityDays: true, dns: true, outDir: true, id: true, passwordEnv: true, overwrite: true, legacyPfx: true });
const TREE_KEYS = keysOf<GenerateTreeArgs>({ outDir: true, keyType: true, passwordEnv: true, overwrite: true, legacyPfx: true });
const SECRET_KEY = /pass(word|phrase)?$|^secret$/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export { dateProblem, daysProblem, parseDate };

/** Why a comma-separated list of DNS names is not usable (empty is fine: no SAN), or undefined. */
export function dnsListProblem(text: string): string | undefined {
  for (const name of splitDnsNames(text)) {
    const problem = dnsNameProblem(name);
    if (problem) return problem;
  }
  return undefined;
}

/** Why a new .pfx password is not usable, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password === '') return 'the password must not be empty';
  if (password.length < 4) return 'use at least 4 characters';
  return undefined;
}

export { subjectProblem, idProblem, certificateIdFrom };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function unknownKeys(raw: Record<string, unknown>, allowed: Set<string>, problems: string[], where = ''): void {
  for (const key of Object.keys(raw)) {
    if (allowed.has(key)) continue;
    if (SECRET_KEY.test(key)) {
      problems.push(`${where}${key}: passwords are never taken from arguments (a keybinding would keep them in settings); put the password in an environment variable and pass its name as ${where}passwordEnv`);
    } else {
      problems.push(`${where}${key}: unknown option (allowed: ${[...allowed].join(', ')})`);
    }
  }
}

function envName(value: unknown, name: string, problems: string[], required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || !ENV_NAME.test(value)) {
    problems.push(`${name}: the name of an environment variable holding the password (e.g. "APIM_MTLS_PFX_PASSWORD")${value === undefined ? ' is required' : ''}`);
    return undefined;
  }
  return value;
}

function keyTypeOf(value: unknown, problems: string[]): KeyType {
  if (value === undefined) return 'ecdsa-p256';
  if (typeof value === 'string' && isKeyType(value)) return value;
  problems.push(`keyType: one of ${KEY_TYPES.join(', ')}`);
  return 'ecdsa-p256';
}

function boolOf(value: unknown, name: string, problems: string[]): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  problems.push(`${name}: true or false`);
  return false;
}

/** A path argument made absolute (a relative one against the workspace folder; `fallback` there when it's absent). */
function argumentPath(value: unknown, name: string, ctx: ValidationContext, problems: string[], fallback?: string): string | undefined {
  if (value === undefined) {
    if (fallback !== undefined) {
      if (ctx.workspaceFolder) return path.join(ctx.workspaceFolder, fallback);
      problems.push(`${name}: required when no folder is open`);
    } else problems.push(`${name}: required`);
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(`${name}: a path`);
    return undefined;
  }
  if (path.isAbsolute(value)) return path.normalize(value);
  if (!ctx.workspaceFolder) {
    problems.push(`${name}: "${value}" is relative and no folder is open: give an absolute path`);
    return undefined;
  }
  return path.resolve(ctx.workspaceFolder, value);
}

function validityOf(value: unknown, problems: string[]): CertificatePlan['validity'] {
  if (value === undefined) return {};
  if (typeof value === 'number') {
    const problem = Number.isInteger(value) ? daysProblem(value) : 'a positive whole number of days';
    if (problem) problems.push(`validityDays: ${problem}`);
    return { days: value };
  }
  if (isRecord(value)) {
    unknownKeys(value, new Set(['notBefore', 'notAfter']), problems, 'validityDays.');
    const dates: Date[] = [];
    for (const key of ['notBefore', 'notAfter'] as const) {
      const raw = value[key];
      const problem = raw instanceof Date ? undefined : typeof raw === 'string' ? dateProblem(raw) : 'required';
      if (problem) problems.push(`validityDays.${key}: ${problem}${raw === undefined ? '' : ` (got ${JSON.stringify(raw)})`}`);
      else dates.push(parseDate(raw)!);
    }
    if (dates.length === 2) {
      if (dates[1]! <= dates[0]!) problems.push('validityDays: notAfter must be later than notBefore');
      return { notBefore: dates[0]!, notAfter: dates[1]! };
    }
    return {};
  }
  problems.push('validityDays: a number of days, or { notBefore, notAfter } with ISO dates');
  return {};
}

function dnsOf(value: unknown, kind: WizardKind, problems: string[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (kind !== 'client') {
    problems.push('dns: only client certificates carry DNS names');
    return undefined;
  }
  const names = typeof value === 'string' ? splitDnsNames(value) : Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.map((v: string) => v.trim()) : undefined;
  if (!names) {
    problems.push('dns: a DNS name, a comma-separated list or an array of names');
    return undefined;
  }
  for (const name of names) {
    const problem = dnsNameProblem(name);
    if (problem) problems.push(`dns: ${problem}`);
  }
  return names;
}

/**
 * Checks the argument object of `apimMtls.generateClientCertificate`. Throws an `OptionsError` listing every
 * problem; returns the plan and where its passwords come from.
 */
export function validateCertificateArgs(raw: unknown, ctx: ValidationContext = {}): { plan: CertificatePlan; passwords: PasswordSources } {
  const problems: string[] = [];
  if (!isRecord(raw)) throw new OptionsError(CLIENT_COMMAND, ['expected an object like { subject: "CN=dev-client", issuer: "self-signed", passwordEnv: "APIM_MTLS_PFX_PASSWORD" }']);
  unknownKeys(raw, CLIENT_KEYS, problems);

  let kind: WizardKind = 'client';
  if (raw.kind !== undefined) {
    if (typeof raw.kind === 'string' && (WIZARD_KINDS as readonly string[]).includes(raw.kind)) kind = raw.kind as WizardKind;
    else problems.push(`kind: one of ${WIZARD_KINDS.join(', ')}`);
  }

  let subject = '';
  if (typeof raw.subject !== 'string') problems.push('subject: required, a distinguished name like "CN=dev-client, O=Contoso"');
  else {
    subject = raw.subject.trim();
    const problem = subjectProblem(subject);
    if (problem) problems.push(`subject: ${problem}`);
  }

  let id = '';
  if (raw.id !== undefined) {
    if (typeof raw.id !== 'string') problems.push('id: a file name stem like "dev-client"');
    else id = raw.id;
  } else id = certificateIdFrom(subject);
  const idIssue = idProblem(id);
  if (idIssue) problems.push(`id: ${idIssue}`);

  const passwordEnv = envName(raw.passwordEnv, 'passwordEnv', problems, true);

  let issuer: CertificatePlan['issuer'] = { type: 'self-signed' };
  let issuerPasswordEnv: string | undefined;
  if (raw.issuer === undefined) {
    if (kind !== 'root') problems.push(`issuer: required for ${kind === 'client' ? 'a client certificate' : 'an intermediate CA'}: "self-signed" (a new root CA is made too) or { pfx: "/path/ca.pfx", passwordEnv: "VAR" }`);
  } else if (raw.issuer === 'self-signed') {
    issuer = { type: 'self-signed' };
  } else if (isRecord(raw.issuer)) {
    unknownKeys(raw.issuer, new Set(['pfx', 'passwordEnv']), problems, 'issuer.');
    if (kind === 'root') problems.push('issuer: a root CA is self-signed: leave issuer out (or "self-signed")');
    const file = argumentPath(raw.issuer.pfx, 'issuer.pfx', ctx, problems);
    if (file) issuer = { type: 'pfx', file };
    issuerPasswordEnv = envName(raw.issuer.passwordEnv, 'issuer.passwordEnv', problems, false) ?? passwordEnv;
  } else {
    problems.push('issuer: "self-signed" or { pfx: "/path/ca.pfx", passwordEnv?: "VAR" }');
  }

  const keyType = keyTypeOf(raw.keyType, problems);
  const validity = validityOf(raw.validityDays, problems);
  const dnsNames = dnsOf(raw.dns, kind, problems);
  const outDir = argumentPath(raw.outDir, 'outDir', ctx, problems, 'certs');
  const overwrite = boolOf(raw.overwrite, 'overwrite', problems);
  const legacyPfx = boolOf(raw.legacyPfx, 'legacyPfx', problems);
  if (issuer.type === 'self-signed' && kind !== 'root') {
    const rootIssue = idProblem(`${id}-root-ca`);
    if (rootIssue && !idIssue) problems.push(`id: ${rootIssue}`);
  }

  if (problems.length > 0 || !passwordEnv || !outDir) throw new OptionsError(CLIENT_COMMAND, problems);
  return {
    plan: { kind, subject, id, issuer, keyType, validity, ...(kind === 'client' ? { dnsNames: dnsNames ?? (dnsNameProblem(id) ? [] : [id]) } : {}), outDir, overwrite, legacyPfx },
    passwords: { passwordEnv, ...(issuerPasswordEnv ? { issuerPasswordEnv } : {}) },
  };
}

/** Checks the argument object of `apimMtls.generateCertificateTree`. */
export function validateTreeArgs(raw: unknown, ctx: ValidationContext = {}): { plan: TreePlan; passwords: PasswordSources } {
  const problems: string[] = [];
  if (!isRecord(raw)) throw new OptionsError(TREE_COMMAND, ['expected an object like { outDir: "/abs/certs", passwordEnv: "APIM_MTLS_PFX_PASSWORD" }']);
  unknownKeys(raw, TREE_KEYS, problems);
  const passwordEnv = envName(raw.passwordEnv, 'passwordEnv', problems, true);
  const keyType = keyTypeOf(raw.keyType, problems);
  const outDir = argumentPath(raw.outDir, 'outDir', ctx, problems, 'certs');
  const overwrite = boolOf(raw.overwrite, 'overwrite', problems);
  const legacyPfx = boolOf(raw.legacyPfx, 'legacyPfx', problems);
  if (problems.length > 0 || !passwordEnv || !outDir) throw new OptionsError(TREE_COMMAND, problems);
  return { plan: { keyType, outDir, overwrite, legacyPfx }, passwords: { passwordEnv } };
}

/** Reads the passwords named by `sources` from the environment; throws naming the variable (never the value). */
export function secretsFromEnv(sources: PasswordSources, env: NodeJS.ProcessEnv): Secrets {
  const read = (variable: string, what: string): string => {
    const value = env[variable];
    if (value === undefined) throw new Error(`${what}: environment variable ${variable} is not set in the extension host`);
    if (value === '') throw new Error(`${what}: environment variable ${variable} is empty`);
    return value;
  };
  const password = read(sources.passwordEnv, 'passwordEnv');
  return sources.issuerPasswordEnv ? { password, issuerPassword: read(sources.issuerPasswordEnv, 'issuer.passwordEnv') } : { password };
}
