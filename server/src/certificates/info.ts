import { createHash, X509Certificate } from 'node:crypto';
import type * as Asn1js from 'asn1js';
import type * as Pkijs from 'pkijs';
import { toArrayBuffer, toHex } from './encoding';
import { commonNameOf, formatDotNetName, formatDotNetRdns, type NameAttribute } from './names';
import { pki } from './pki';
import type { CertificateInfo } from './types';

export const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** RFC 5280 key usage bits, in bit order. */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

const SIGNATURE_NAMES: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
};

function keyUsageNames(bits: Asn1js.BitString): string[] {
  const bytes = bits.valueBlock.valueHexView;
  return KEY_USAGE_BITS.filter((_, i) => i < bytes.length * 8 && (bytes[i >> 3] & (0x80 >> (i & 7))) !== 0);
}

function keyAlgorithmOf(x509: X509Certificate): string {
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return `RSA ${details.modulusLength ?? '?'}`;
    case 'rsa-pss':
      return `RSA-PSS ${details.modulusLength ?? '?'}`;
    case 'ec':
      return `ECDSA ${CURVE_NAMES[details.namedCurve ?? ''] ?? details.namedCurve ?? '?'}`;
    case 'ed25519':
      return 'Ed25519';
    default:
      return key.asymmetricKeyType ?? 'unknown';
  }
}

function isSelfSigned(cert: Pkijs.Certificate, x509: X509Certificate): boolean {
  if (!cert.subject.isEqual(cert.issuer)) return false;
  try {
    return x509.verify(x509.publicKey);
  } catch {
    return true; // the signature could not be checked: the names alone decide
  }
}

/** The certificate's SHA-1 thumbprint as APIM and `X509Certificate2.Thumbprint` write it: upper-case hex of the DER's hash. */
export function sha1Thumbprint(der: Uint8Array): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

/** Everything the linter needs to know of one DER certificate. Throws when the bytes are not a certificate. */
export function certificateInfoFromDer(der: Uint8Array): CertificateInfo {
  let fast: CertificateInfo | undefined;
  try {
    fast = certificateInfoFast(der);
  } catch {
    fast = undefined; // e.g. a key OpenSSL cannot decode: pkijs decides, with its own error text
  }
  if (fast) return fast;
  // Before the slow reader: an object identifier no real certificate has (pkijs takes seconds and gigabytes over one of
  // three million arcs, so a 3 MB file could stall a whole lint).
  const huge = oversizedOid(der);
  if (huge !== undefined) throw new Error(`not a certificate: an object identifier of ${huge} bytes (real ones have a few dozen)`);
  return certificateInfoFromDerPkijs(der);
}

/** Longer than any object identifier in a real certificate (the longest registered ones are well under 100 bytes). */
const MAX_OID_BYTES = 256;

/** The length of the first object identifier (tag 6) longer than `MAX_OID_BYTES`, at any depth; undefined if none. */
export function oversizedOid(b: Uint8Array): number | undefined {
  const t = firstTlv(b, (t) => t.tag === 0x06 && t.end - t.c > MAX_OID_BYTES);
  return t && t.end - t.c;
}

/**
 * Is there a UTCTime or GeneralizedTime (tags 0x17, 0x18) anywhere but at the content offsets in `allowed` (the
 * validity's two)? asn1js parses every time it meets, also inside extensions the fast path doesn't read and inside
 * the OCTET and BIT STRINGs that wrap DER, and throws on one that isn't a time: such a certificate is left to pkijs.
 */
function timeElsewhere(b: Uint8Array, allowed: readonly number[]): boolean {
  return firstTlv(b, (t) => (t.tag === 0x17 || t.tag === 0x18) && !allowed.includes(t.c)) !== undefined;
}

/**
 * The first value, at any depth, that `test` accepts: constructed values are looked into, and so are the BIT and OCTET
 * STRINGs that wrap DER (extensions) as asn1js does, those up to 64 deep. A value that does not parse ends its level.
 */
function firstTlv(b: Uint8Array, test: (t: Tlv) => boolean): Tlv | undefined {
  const stack: { pos: number; end: number }[] = [{ pos: 0, end: b.length }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.pos >= frame.end) {
      stack.pop();
      continue;
    }
    const t = tlv(b, frame.pos, frame.end);
    if (!t) {
      stack.pop();
      continue;
    }
    frame.pos = t.end;
    if (test(t)) return t;
    if ((t.tag & 0x20) !== 0 || ((t.tag === 0x03 || t.tag === 0x04) && stack.length < 64)) stack.push({ pos: t.tag === 0x03 ? t.c + 1 : t.c, end: t.end });
  }
  return undefined;
}

/**
 * Why the bytes are BER but not DER, if they are: the first length (at any depth of the constructed values) that is
 * indefinite or not in its shortest form. Such a file still reads (OpenSSL, Node and pkijs accept BER), but a
 * thumbprint is a hash of the encoding: the file's bytes and the DER a TLS client sends hash differently.
 */
export function berNotDer(b: Uint8Array): string | undefined {
  const stack: number[] = [b.length];
  let pos = 0;
  while (stack.length > 0) {
    const end = stack[stack.length - 1]!;
    if (pos >= end) {
      stack.pop();
      continue;
    }
    if (pos + 2 > end || (b[pos]! & 0x1f) === 0x1f) return undefined; // not readable here: the reader decides
    const first = b[pos + 1]!;
    if (first === 0x80) return `an indefinite length at byte ${pos + 1}`;
    let len = first;
    let p = pos + 2;
    if (first & 0x80) {
      const n = first & 0x7f;
      if (n > 4 || p + n > end) return undefined;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
      if (len < 0x80 || b[pos + 2] === 0) return `a length not in its shortest form at byte ${pos + 1}`;
    }
    if (p + len > end) return undefined;
    const constructed = (b[pos]! & 0x20) !== 0;
    pos = constructed ? p : p + len;
    if (constructed) stack.push(p + len);
  }
  return undefined;
}

/** The reference reader (pkijs): used for anything the fast path does not take. Same result, 10× slower. */
export function certificateInfoFromDerPkijs(der: Uint8Array): CertificateInfo {
  const { asn1js, pkijs } = pki();
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(der));
  const x509 = new X509Certificate(der);
  const info: CertificateInfo = {
    subject: formatDotNetName(cert.subject),
    issuer: formatDotNetName(cert.issuer),
    serialNumber: toHex(cert.serialNumber.valueBlock.valueHexView),
    thumbprint: sha1Thumbprint(der),
    thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
    base64: Buffer.from(der).toString('base64'),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    isCA: false,
    selfSigned: isSelfSigned(cert, x509),
    keyUsage: [],
    extendedKeyUsage: [],
    dnsNames: [],
    keyAlgorithm: keyAlgorithmOf(x509),
    signatureAlgorithm: SIGNATURE_NAMES[cert.signatureAlgorithm.algorithmId] ?? cert.signatureAlgorithm.algorithmId,
  };
  const commonName = commonNameOf(cert.subject);
  if (commonName !== undefined) info.commonName = commonName;
  for (const ext of cert.extensions ?? []) {
    const parsed: unknown = ext.parsedValue;
    if (ext.extnID === OID.basicConstraints && parsed instanceof pkijs.BasicConstraints) {
      info.isCA = parsed.cA;
      if (typeof parsed.pathLenConstraint === 'number') info.pathLength = parsed.pathLenConstraint;
      else if (parsed.pathLenConstraint instanceof asn1js.Integer) info.pathLength = parsed.pathLenConstraint.valueBlock.valueDec;
    } else if (ext.extnID === OID.keyUsage && parsed instanceof asn1js.BitString) {
      info.keyUsage = keyUsageNames(parsed);
    } else if (ext.extnID === OID.extKeyUsage && parsed instanceof pkijs.ExtKeyUsage) {
      info.extendedKeyUsage = parsed.keyPurposes.map((oid) => EKU_NAMES[oid] ?? oid);
    } else if (ext.extnID === OID.subjectAltName && parsed instanceof pkijs.AltName) {
      info.dnsNames = parsed.altNames.filter((n) => n.type === 2 && typeof n.value === 'string').map((n) => String(n.value));
    }
  }
  return info;
}

// ---------------------------------------------------------------------------------------------------------------
// Fast path: a strict DER walk plus node's X509Certificate (key and signature). It takes only the plain shapes
// (short tags, definite lengths, ASCII string names, the four extensions read above in their usual form) and returns
// undefined on anything else, so that pkijs decides, with its own results and error texts.

interface Tlv {
  tag: number;
  /** First content byte. */
  c: number;
  /** One past the last content byte. */
  end: number;
}

function tlv(b: Uint8Array, pos: number, limit: number): Tlv | undefined {
  if (pos + 2 > limit) return undefined;
  const tag = b[pos];
  if ((tag & 0x1f) === 0x1f) return undefined;
  let len = b[pos + 1];
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || p + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++];
  }
  if (p + len > limit) return undefined;
  return { tag, c: p, end: p + len };
}

/** The elements of a constructed value, which must fill it exactly. */
function items(b: Uint8Array, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let p = parent.c; p < parent.end; ) {
    const t = tlv(b, p, parent.end);
    if (!t) return undefined;
    out.push(t);
    p = t.end;
  }
  return out;
}

function oidOf(b: Uint8Array, t: Tlv | undefined): string | undefined {
  if (!t || t.tag !== 0x06 || t.end === t.c || b[t.end - 1] & 0x80) return undefined;
  const arcs: number[] = [];
  let v = 0;
  let fresh = true;
  for (let i = t.c; i < t.end; i++) {
    if (fresh && b[i] === 0x80) return undefined; // non-minimal
    if (v > 2 ** 40) return undefined;
    v = v * 128 + (b[i] & 0x7f);
    fresh = (b[i] & 0x80) === 0;
    if (fresh) {
      arcs.push(v);
      v = 0;
    }
  }
  const first = arcs[0];
  const head = first < 40 ? `0.${first}` : first < 80 ? `1.${first - 40}` : `2.${first - 80}`;
  return arcs.length === 1 ? head : `${head}.${arcs.slice(1).join('.')}`;
}

/** Printable ASCII bytes as a string (every asn1js string decoder agrees on those), else undefined. */
function asciiOf(b: Uint8Array, t: Tlv): string | undefined {
  let s = '';
  for (let i = t.c; i < t.end; i++) {
    const ch = b[i];
    if (ch < 0x20 || ch > 0x7e) return undefined;
    s += String.fromCharCode(ch);
  }
  return s;
}

/** UTF8String, NumericString, PrintableString, TeletexString, IA5String, VisibleString. */
const NAME_STRING_TAGS = new Set([0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a]);

function nameOf(b: Uint8Array, t: Tlv | undefined): NameAttribute[][] | undefined {
  if (!t || t.tag !== 0x30) return undefined;
  const rdns = items(b, t);
  if (!rdns) return undefined;
  const out: NameAttribute[][] = [];
  for (const rdn of rdns) {
    if (rdn.tag !== 0x31) return undefined;
    const tvs = items(b, rdn);
    if (!tvs || tvs.length === 0) return undefined;
    const attrs: NameAttribute[] = [];
    for (const tv of tvs) {
      const pair = tv.tag === 0x30 ? items(b, tv) : undefined;
      if (!pair || pair.length !== 2 || !NAME_STRING_TAGS.has(pair[1].tag)) return undefined;
      const oid = oidOf(b, pair[0]);
      const value = asciiOf(b, pair[1]);
      if (oid === undefined || value === undefined) return undefined;
      attrs.push({ oid, value });
    }
    out.push(attrs);
  }
  return out;
}

/** pkijs's `stringPrep`: trimmed, runs of spaces as one, lower case. */
function stringPrep(s: string): string {
  return s.trim().replace(/ +/g, ' ').toLowerCase();
}

/** pkijs's `RelativeDistinguishedNames.isEqual` for names of strings: flattened, same types, prepared values. */
function sameName(a: NameAttribute[][], b: NameAttribute[][]): boolean {
  const x = a.flat();
  const y = b.flat();
  return x.length === y.length && x.every((tv, i) => tv.oid === y[i].oid && stringPrep(tv.value).localeCompare(stringPrep(y[i].value)) === 0);
}

function timeOf(b: Uint8Array, t: Tlv | undefined): Date | undefined {
  if (!t || (t.tag !== 0x17 && t.tag !== 0x18)) return undefined;
  const n = t.tag === 0x17 ? 13 : 15;
  if (t.end - t.c !== n || b[t.end - 1] !== 0x5a) return undefined;
  const d: number[] = [];
  for (let i = t.c; i < t.end - 1; i += 2) {
    const hi = b[i] - 0x30;
    const lo = b[i + 1] - 0x30;
    if (hi < 0 || hi > 9 || lo < 0 || lo > 9) return undefined;
    d.push(hi * 10 + lo);
  }
  const [year, month, day, hour, minute, second] = t.tag === 0x17 ? [d[0] >= 50 ? 1900 + d[0] : 2000 + d[0], ...d.slice(1)] : [d[0] * 100 + d[1], ...d.slice(2)];
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, 0));
}

function booleanOf(b: Uint8Array, t: Tlv): boolean | undefined {
  if (t.tag !== 0x01 || t.end - t.c !== 1) return undefined;
  return b[t.c] === 0xff ? true : b[t.c] === 0 ? false : undefined;
}

/** Applies one of the four extensions read; false when it is not in the plain form. */
function applyExtension(b: Uint8Array, id: string, value: Tlv, info: CertificateInfo): boolean {
  const top = tlv(b, value.c, value.end);
  if (!top || top.end !== value.end) return false;
  if (id === OID.basicConstraints) {
    const parts = top.tag === 0x30 ? items(b, top) : undefined;
    if (!parts || parts.length > 2) return false;
    let i = 0;
    let cA = false;
    if (parts[i]?.tag === 0x01) {
      const v = booleanOf(b, parts[i++]);
      if (v === undefined) return false;
      cA = v;
    }
    let pathLength: number | undefined;
    if (i < parts.length) {
      const p = parts[i++];
      const len = p.end - p.c;
      if (p.tag !== 0x02 || len < 1 || len > 3 || b[p.c] & 0x80 || (len > 1 && b[p.c] === 0)) return false;
      pathLength = 0;
      for (let k = p.c; k < p.end; k++) pathLength = pathLength * 256 + b[k];
    }
    if (i !== parts.length) return false;
    info.isCA = cA;
    if (pathLength !== undefined) info.pathLength = pathLength;
    return true;
  }
  if (id === OID.keyUsage) {
    if (top.tag !== 0x03 || top.end - top.c < 1 || b[top.c] > 7) return false;
    const bytes = b.subarray(top.c + 1, top.end);
    info.keyUsage = KEY_USAGE_BITS.filter((_, i) => i < bytes.length * 8 && (bytes[i >> 3] & (0x80 >> (i & 7))) !== 0);
    return true;
  }
  if (id === OID.extKeyUsage) {
    const parts = top.tag === 0x30 ? items(b, top) : undefined;
    if (!parts || parts.length === 0) return false;
    const oids = parts.map((p) => oidOf(b, p));
    if (oids.some((o) => o === undefined)) return false;
    info.extendedKeyUsage = (oids as string[]).map((oid) => EKU_NAMES[oid] ?? oid);
    return true;
  }
  if (id === OID.subjectAltName) {
    const parts = top.tag === 0x30 ? items(b, top) : undefined;
    if (!parts || parts.length === 0) return false;
    const dns: string[] = [];
    for (const p of parts) {
      // rfc822Name, dNSName, URI, iPAddress, registeredID: the primitive forms; anything else goes to pkijs
      if (p.tag !== 0x81 && p.tag !== 0x82 && p.tag !== 0x86 && p.tag !== 0x87 && p.tag !== 0x88) return false;
      if (p.tag === 0x88 && oidOf(b, { tag: 0x06, c: p.c, end: p.end }) === undefined) return false;
      if (p.tag === 0x82) {
        const name = asciiOf(b, p);
        if (name === undefined) return false;
        dns.push(name);
      }
    }
    info.dnsNames = dns;
    return true;
  }
  return true;
}

/** The fast reader alone: undefined when the certificate is not in the plain shape it takes (then pkijs reads it). */
export function certificateInfoFast(der: Uint8Array): CertificateInfo | undefined {
  const outer = tlv(der, 0, der.length);
  if (!outer || outer.tag !== 0x30 || outer.end !== der.length) return undefined;
  const top = items(der, outer);
  if (!top || top.length !== 3 || top[0].tag !== 0x30 || top[1].tag !== 0x30 || top[2].tag !== 0x03) return undefined;
  const sigAlg = items(der, top[1]);
  const signatureAlgorithm = oidOf(der, sigAlg?.[0]);
  if (!sigAlg || sigAlg.length > 2 || signatureAlgorithm === undefined) return undefined;
  const tbs = items(der, top[0]);
  if (!tbs) return undefined;
  let i = 0;
  if (tbs[i]?.tag === 0xa0) {
    const version = items(der, tbs[i++]);
    if (!version || version.length !== 1 || version[0].tag !== 0x02) return undefined;
  }
  const [serial, innerAlg, issuerT, validityT, subjectT, spki] = tbs.slice(i, i + 6);
  i += 6;
  if (!serial || serial.tag !== 0x02 || serial.end === serial.c || innerAlg?.tag !== 0x30 || spki?.tag !== 0x30) return undefined;
  let extensions: Tlv[] = [];
  if (i < tbs.length) {
    if (tbs[i].tag !== 0xa3 || i + 1 !== tbs.length) return undefined; // unique IDs or anything else: pkijs
    const wrapper = items(der, tbs[i]);
    if (!wrapper || wrapper.length !== 1 || wrapper[0].tag !== 0x30) return undefined;
    const list = items(der, wrapper[0]);
    if (!list) return undefined;
    extensions = list;
  }
  const issuer = nameOf(der, issuerT);
  const subject = nameOf(der, subjectT);
  const validity = validityT?.tag === 0x30 ? items(der, validityT) : undefined;
  if (!issuer || !subject || !validity || validity.length !== 2) return undefined;
  const notBefore = timeOf(der, validity[0]);
  const notAfter = timeOf(der, validity[1]);
  if (!notBefore || !notAfter || timeElsewhere(der, [validity[0]!.c, validity[1]!.c])) return undefined;
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    return undefined;
  }
  let selfSigned = sameName(subject, issuer);
  if (selfSigned) {
    try {
      selfSigned = x509.verify(x509.publicKey);
    } catch {
      selfSigned = true;
    }
  }
  const info: CertificateInfo = {
    subject: formatDotNetRdns(subject),
    issuer: formatDotNetRdns(issuer),
    serialNumber: toHex(der.subarray(serial.c, serial.end)),
    thumbprint: sha1Thumbprint(der),
    thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
    base64: Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64'),
    notBefore,
    notAfter,
    isCA: false,
    selfSigned,
    keyUsage: [],
    extendedKeyUsage: [],
    dnsNames: [],
    keyAlgorithm: keyAlgorithmOf(x509),
    signatureAlgorithm: SIGNATURE_NAMES[signatureAlgorithm] ?? signatureAlgorithm,
  };
  const commonName = subject.flat().find((tv) => tv.oid === '2.5.4.3');
  if (commonName) info.commonName = commonName.value;
  for (const ext of extensions) {
    const parts = ext.tag === 0x30 ? items(der, ext) : undefined;
    if (!parts || parts.length < 2 || parts.length > 3) return undefined;
    const id = oidOf(der, parts[0]);
    if (id === undefined) return undefined;
    if (parts.length === 3 && booleanOf(der, parts[1]) === undefined) return undefined;
    const value = parts[parts.length - 1];
    if (value.tag !== 0x04) return undefined;
    if (!applyExtension(der, id, value, info)) return undefined;
  }
  return info;
}
