import { MAX_FILE_BYTES, tooLargeFor } from '../engine/files';
import { readOne } from '../engine/load';
import type { CertificateKind, CertificateRequest, Issuer } from './generate';
import { certificateInfoFromDer } from './info';
import { importPkcs8, type KeyType } from './keys';
import { parseDotNetName } from './names';
import { KEY_WITHOUT_CERTIFICATE, openPfx } from './pfx';
import type { CertificateInfo } from './types';
import { errorMessage } from '../core/errors';

/**
 * The steps shared by every front end that issues one certificate (the CLI's `certs ca|client`, the VS Code
 * wizard): loading a CA from its .pfx, naming the output files, turning options into a `CertificateRequest`.
 */

/** A CA loaded from its .pfx, with what was read from its certificate. */
export interface LoadedIssuer extends Issuer {
  info: CertificateInfo;
}

/** Loads a CA's certificate, key and chain from .pfx bytes. Throws when it holds no key or is not a CA. */
export async function issuerFromPfx(data: Uint8Array, password: string, label: string): Promise<LoadedIssuer> {
  const opened = await openPfx(data, password);
  if (!opened.privateKeyPkcs8) throw new Error(`${label}: holds no private key`);
  if (!opened.keyCertificate) throw new Error(`${label}: ${KEY_WITHOUT_CERTIFICATE}`);
  const info = certificateInfoFromDer(opened.keyCertificate);
  if (!info.isCA) throw new Error(`${label}: ${info.subject} is not a CA (basicConstraints cA is false)`);
  const chain = opened.certificates.filter((der) => der !== opened.keyCertificate && !certificateInfoFromDer(der).selfSigned);
  return { der: opened.keyCertificate, privateKey: await importPkcs8(opened.privateKeyPkcs8), chain, isRoot: info.selfSigned, info };
}

/** Reads a CA .pfx from disk (see `issuerFromPfx`). */
export async function loadIssuerPfx(file: string, password: string): Promise<LoadedIssuer> {
  // A regular file of a reasonable size: a FIFO or a device named as the issuer is refused, not read forever.
  const got = readOne(file, MAX_FILE_BYTES, (bytes) => tooLargeFor('a .pfx', bytes, MAX_FILE_BYTES));
  if ('problem' in got) throw new Error(`${file}: ${got.problem}`);
  return issuerFromPfx(got.bytes, password, file);
}

/** The output file stem for a subject: its CN in lower-case kebab case (`CN=Valid Client, O=X` → `valid-client`). */
export function certificateIdFrom(subject: string): string {
  const cn = /(?:^|,)\s*CN=("(?:[^"]|"")*"|[^,]*)/i.exec(subject)?.[1] ?? 'certificate';
  // At most 64 characters (a CN may hold 64): a longer one would make file names the file system refuses.
  const id = cn.replace(/"/g, '').trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, 64);
  return id.replace(/-+$/, '') || 'certificate';
}

/** The longest `id`: with `-root-ca.without-markers.cer` and a temporary file's prefix and suffix, under 255 bytes. */
const MAX_ID_LENGTH = 180;

/** The names `writeOutputs` accepts as file stems. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Why `id` can't name output files, or undefined when it can. */
export function idProblem(id: string): string | undefined {
  if (!SAFE_ID.test(id)) return `"${id}" can't name a file: use letters, digits, ".", "_" and "-", starting with a letter or digit`;
  if (id.length > MAX_ID_LENGTH) return `a name of ${id.length} characters is too long for the files (at most ${MAX_ID_LENGTH})`;
  if (id.endsWith('.without-markers')) return `"${id}" would clash with the .without-markers.cer file`;
  if (id.endsWith('.chain')) return `"${id}" would clash with the .chain.cer file`;
  return undefined;
}

/** Why `dn` is not a usable subject (most specific first, e.g. `CN=dev-client, O=Contoso`), or undefined when it is. */
export function subjectProblem(dn: string): string | undefined {
  if (dn.trim() === '') return 'the subject must not be empty (e.g. CN=dev-client, O=Contoso)';
  try {
    parseDotNetName(dn);
  } catch (e) {
    return errorMessage(e);
  }
  return undefined;
}

const DNS_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** Why `name` is not a DNS name for a SAN dNSName (a leading `*.` wildcard is allowed), or undefined. */
export function dnsNameProblem(name: string): string | undefined {
  const labels = (name.startsWith('*.') ? name.slice(2) : name).split('.');
  if (name.length > 253 || labels.some((l) => !DNS_LABEL.test(l))) return `"${name}" is not a DNS name (e.g. client.example.com)`;
  return undefined;
}

/** The longest validity the front ends accept, in days (100 years). */
export const MAX_VALIDITY_DAYS = 36_500;

/** Why `text` is not a positive whole number of days (at most {@link MAX_VALIDITY_DAYS}), or undefined. */
export function daysProblem(text: string | number): string | undefined {
  const s = String(text).trim();
  if (!/^[0-9]+$/.test(s) || Number(s) < 1) return 'a positive whole number of days';
  if (Number(s) > MAX_VALIDITY_DAYS) return `at most ${MAX_VALIDITY_DAYS} days`;
  return undefined;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A date from ISO 8601 text (`2030-01-31`, `2030-01-31T12:00:00Z`, `2030-01-31T12:00+02:00`), or undefined. A time
 * without an offset is UTC, as a date alone is. Out-of-range fields (`2030-02-31`, `25:00`) are refused, not rolled
 * over into the next month or day as `new Date()` does, and so is anything `new Date()` would guess at (`1`, `Jan 5`).
 */
export function parseDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string') return undefined;
  const m = ISO_DATE.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', zone] = m;
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec)] as const;
  const check = new Date(Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]));
  check.setUTCFullYear(fields[0]);
  if (check.getUTCMonth() !== fields[1] - 1 || check.getUTCDate() !== fields[2] || check.getUTCHours() !== fields[3] || check.getUTCMinutes() !== fields[4] || check.getUTCSeconds() !== fields[5]) return undefined;
  const date = new Date(m[4] === undefined ? `${y}-${mo}-${d}T00:00:00Z` : `${value.trim().replace(' ', 'T')}${zone ? '' : 'Z'}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Why `text` is not a usable validity date, or undefined. */
export function dateProblem(text: string): string | undefined {
  const date = parseDate(text);
  if (!date) return 'a date like 2030-01-31 or 2030-01-31T12:00:00Z';
  if (date.getUTCFullYear() < 1950 || date.getUTCFullYear() > 9999) return 'a year from 1950 to 9999';
  return undefined;
}

/** `a.example, b.example` → `['a.example', 'b.example']`; blanks dropped. */
export function splitDnsNames(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** What to issue, as a front end collects it. */
export interface IssuePlan {
  /** `ca` is a root without an issuer and an intermediate with one. */
  kind: 'ca' | 'client' | CertificateKind;
  subject: string;
  /** File stem; default from the subject's CN. */
  id?: string;
  issuer?: Issuer;
  keyType?: KeyType;
  validityDays?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** SAN dNSName entries of a client; undefined: the id (as the CLI has always done); [] none. */
  dnsNames?: string[];
}

/** Turns a plan into the request `generateCertificate` takes. Throws on a kind/issuer mismatch. */
export function certificateRequest(plan: IssuePlan): CertificateRequest {
  const kind: CertificateKind = plan.kind === 'ca' ? (plan.issuer ? 'intermediate' : 'root') : plan.kind;
  if (kind === 'root' && plan.issuer) throw new Error('a root CA is self-signed: it takes no issuer');
  if (kind !== 'root' && !plan.issuer) throw new Error(`${kind === 'client' ? 'a client certificate' : 'an intermediate CA'} needs an issuer CA`);
  const id = plan.id ?? certificateIdFrom(plan.subject);
  // Before any key is made: a name the files can't take is said at once, in words (not ENAMETOOLONG at the end).
  const problem = idProblem(id);
  if (problem) throw new Error(problem);
  const request: CertificateRequest = {
    id,
    kind,
    subject: plan.subject,
    ...(plan.issuer ? { issuer: plan.issuer } : {}),
    ...(plan.keyType ? { keyType: plan.keyType } : {}),
    ...(plan.validityDays !== undefined ? { validityDays: plan.validityDays } : {}),
    ...(plan.notBefore && plan.notAfter ? { notBefore: plan.notBefore, notAfter: plan.notAfter } : {}),
  };
  // The id is the default DNS name only when it is one (`--id partner_a` makes no `DNS:partner_a`).
  if (kind === 'client') request.dnsNames = plan.dnsNames ?? (dnsNameProblem(id) ? [] : [id]);
  return request;
}
