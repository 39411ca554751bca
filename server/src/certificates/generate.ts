import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, toBase64, toPem } from './encoding';
import { cryptoEngine } from './engine';
import { certificateInfoFromDer, KEY_USAGE_BITS, OID, type KeyUsageName } from './info';
import { exportPkcs8, generateKeyPair, signingHash, type KeyType, type PrivateKey } from './keys';
import { buildName, parseDotNetName } from './names';
import { buildPfx } from './pfx';
import type { CertificateInfo } from './types';

export { KEY_TYPES, isKeyType, type KeyType } from './keys';

export type CertificateKind = 'root' | 'intermediate' | 'client';

/** A CA able to sign: its certificate, its key and its own chain. */
export interface Issuer {
  der: Uint8Array;
  privateKey: PrivateKey;
  /** The issuer's chain up to but not including the root (DER, nearest first). */
  chain: Uint8Array[];
  /** A self-signed issuer is a root: it never goes into a .pfx chain. */
  isRoot: boolean;
}

/** What to generate. `subject` is a .NET-style DN, most specific first: `CN=Valid Client, O=Contoso`. */
export interface CertificateRequest {
  id: string;
  kind: CertificateKind;
  subject: string;
  /** Required for intermediates and clients. */
  issuer?: Issuer;
  keyType?: KeyType;
  /**
   * Validity in days from now (valid from `CLOCK_SKEW_MS` before, for clocks that are behind); ignored when `notBefore`
   * and `notAfter` are given. Defaults: root 3650, intermediate 1825, client 365.
   */
  validityDays?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** basicConstraints pathLen for CAs. Defaults: root 1, intermediate 0. */
  pathLength?: number;
  /** SAN dNSName entries for clients. */
  dnsNames?: string[];
}

/** A generated certificate with its key. */
export interface GeneratedCertificate extends Issuer {
  id: string;
  kind: CertificateKind;
  keyType: KeyType;
  info: CertificateInfo;
  /** What is made but may not work as meant: a certificate that outlives its issuer. */
  warnings?: string[];
}

const DAY_MS = 86_400_000;
const DEFAULT_DAYS: Record<CertificateKind, number> = { root: 3650, intermediate: 1825, client: 365 };

/** UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5); whole seconds. */
function timeOf(date: Date): pkijs.Time {
  const value = new Date(Math.floor(date.getTime() / 1000) * 1000);
  const year = value.getUTCFullYear();
  return new pkijs.Time({ type: year >= 1950 && year < 2050 ? 0 : 1, value });
}

/** 16 random bytes, positive and minimally encoded (first byte 0x40–0x7F). */
function randomSerial(): asn1js.Integer {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] & 0x3f) | 0x40;
  return new asn1js.Integer({ valueHex: toArrayBuffer(bytes) });
}

function keyUsageBits(names: KeyUsageName[]): asn1js.BitString {
  const indexes = names.map((n) => KEY_USAGE_BITS.indexOf(n));
  const highest = Math.max(...indexes);
  const bytes = new Uint8Array((highest >> 3) + 1);
  for (const i of indexes) bytes[i >> 3] |= 0x80 >> (i & 7);
  return new asn1js.BitString({ valueHex: toArrayBuffer(bytes), unusedBits: 7 - (highest & 7) });
}

function extension(extnID: string, critical: boolean, value: { toSchema(): asn1js.AsnType } | asn1js.BaseBlock): pkijs.Extension {
  const schema = value instanceof asn1js.BaseBlock ? value : value.toSchema();
  return new pkijs.Extension({ extnID, critical, extnValue: schema.toBER(false) });
}

/** How far back a certificate generated "from now" is valid from: clocks apart by up to this much still accept it. */
export const CLOCK_SKEW_MS = 5 * 60_000;

function resolveValidity(request: CertificateRequest): { notBefore: Date; notAfter: Date } {
  const encodable = (validity: { notBefore: Date; notAfter: Date }): { notBefore: Date; notAfter: Date } => {
    // X.509 times hold four-digit years (GeneralizedTime YYYY): asn1js would fail with "Wrong input string for conversion".
    for (const [name, date] of Object.entries(validity)) {
      const year = date.getUTCFullYear();
      if (Number.isNaN(year) || year < 1 || year > 9999) throw new Error(`${request.id}: ${name} must fall in the years 1 to 9999`);
    }
    return validity;
  };
  if (request.notBefore && request.notAfter) {
    if (request.notAfter <= request.notBefore) throw new Error(`${request.id}: notAfter must be later than notBefore`);
    return encodable({ notBefore: request.notBefore, notAfter: request.notAfter });
  }
  if (request.notBefore || request.notAfter) throw new Error(`${request.id}: give both notBefore and notAfter, or validityDays`);
  const days = request.validityDays ?? DEFAULT_DAYS[request.kind];
  if (!(days > 0)) throw new Error(`${request.id}: validity days must be positive`);
  // Valid from a few minutes ago: a gateway (or a client) whose clock is behind this machine's would otherwise reject
  // the new certificate as not yet valid (validate-not-before) for as long as the difference. The days count from now.
  const now = Date.now();
  return encodable({ notBefore: new Date(now - CLOCK_SKEW_MS), notAfter: new Date(now + days * DAY_MS) });
}

/** Signs with the issuer's key; RSA gets the AlgorithmIdentifier NULL parameter RFC 4055 requires (pkijs omits it). */
async function signCertificate(cert: pkijs.Certificate, key: PrivateKey): Promise<void> {
  const engine = cryptoEngine();
  const { signatureAlgorithm, parameters } = await engine.getSignatureParameters(key as unknown as CryptoKeyParam, signingHash(key));
  if (key.algorithm.name === 'RSASSA-PKCS1-v1_5') signatureAlgorithm.algorithmParams = new asn1js.Null();
  cert.signature = signatureAlgorithm;
  cert.signatureAlgorithm = signatureAlgorithm;
  cert.tbsView = new Uint8Array(cert.encodeTBS().toBER());
  const signature = await engine.signWithPrivateKey(cert.tbsView, key as unknown as CryptoKeyParam, parameters);
  cert.signatureValue = new asn1js.BitString({ valueHex: signature });
}
type CryptoKeyParam = Parameters<pkijs.CryptoEngine['signWithPrivateKey']>[1];

/**
 * Why the issuer can't sign a certificate of this kind that validates, or undefined: a CA whose basicConstraints
 * pathLen is 0 (every intermediate this tool makes) may sign only end-entity certificates, so an intermediate under
 * it fails every chain check (OpenSSL: "path length constraint exceeded"); a CA whose key usage lacks keyCertSign
 * may sign no certificate at all.
 */
function issuerProblem(request: CertificateRequest, issuer: CertificateInfo): string | undefined {
  if (issuer.keyUsage.length > 0 && !issuer.keyUsage.includes('keyCertSign')) {
    return `${issuer.subject} can't sign certificates: its key usage lacks keyCertSign`;
  }
  if (request.kind === 'intermediate' && issuer.pathLength === 0) {
    return `${issuer.subject} has pathLen 0: it may sign only client certificates, and an intermediate CA under it would fail chain validation (sign it with the root, or with a CA whose pathLen allows it)`;
  }
  return undefined;
}

/** Generates one certificate (root, intermediate or client) with a new key and the extensions its role needs. */
export async function generateCertificate(request: CertificateRequest): Promise<GeneratedCertificate> {
  if (request.kind !== 'root' && !request.issuer) throw new Error(`${request.id}: an ${request.kind} certificate needs an issuer`);
  if (request.issuer) {
    const problem = issuerProblem(request, certificateInfoFromDer(request.issuer.der));
    if (problem) throw new Error(`${request.id}: ${problem}`);
  }
  const keyType = request.keyType ?? 'ecdsa-p256';
  const keys = await generateKeyPair(keyType);
  const { notBefore, notAfter } = resolveValidity(request);
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = randomSerial();
  cert.subject = buildName(parseDotNetName(request.subject));
  const issuerCert = request.issuer ? pkijs.Certificate.fromBER(toArrayBuffer(request.issuer.der)) : undefined;
  cert.issuer = issuerCert ? issuerCert.subject : cert.subject;
  cert.notBefore = timeOf(notBefore);
  cert.notAfter = timeOf(notAfter);
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey as unknown as Parameters<pkijs.PublicKeyInfo['importKey']>[0], cryptoEngine());

  const ski = new Uint8Array(createHash('sha1').update(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest());
  const issuerSki = issuerCert?.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier)?.parsedValue;
  const aki = issuerSki instanceof asn1js.OctetString ? issuerSki.valueBlock.valueHexView : issuerCert ? undefined : ski;
  const isCA = request.kind !== 'client';
  const isRsa = keyType.startsWith('rsa');
  cert.extensions = [
    extension(OID.basicConstraints, true, new pkijs.BasicConstraints(isCA ? { cA: true, pathLenConstraint: request.pathLength ?? (request.kind === 'root' ? 1 : 0) } : { cA: false })),
    extension(OID.keyUsage, true, keyUsageBits(isCA ? ['keyCertSign', 'cRLSign'] : isRsa ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'])),
    extension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: toArrayBuffer(ski) })),
  ];
  if (aki) cert.extensions.push(extension(OID.authorityKeyIdentifier, false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: toArrayBuffer(aki) }) })));
  if (!isCA) {
    cert.extensions.push(extension(OID.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: [OID.clientAuth] })));
    const dnsNames = request.dnsNames ?? [];
    if (dnsNames.length > 0) {
      cert.extensions.push(extension(OID.subjectAltName, false, new pkijs.AltName({ altNames: dnsNames.map((value) => new pkijs.GeneralName({ type: 2, value })) })));
    }
  }
  await signCertificate(cert, request.issuer?.privateKey ?? keys.privateKey);
  const der = new Uint8Array(cert.toSchema(true).toBER(false));
  const chain = request.issuer ? (request.issuer.isRoot ? [] : [request.issuer.der, ...request.issuer.chain]) : [];
  const made: GeneratedCertificate = { id: request.id, kind: request.kind, keyType, der, privateKey: keys.privateKey, chain, isRoot: request.kind === 'root', info: certificateInfoFromDer(der) };
  const outlived = request.issuer && outlivedIssuer(notAfter, [request.issuer.der, ...request.issuer.chain]);
  if (outlived) made.warnings = [outlived];
  return made;
}

/**
 * The first CA of the chain (issuer first) that expires before `notAfter`, said as a warning: from that day on the
 * certificate's chain fails validation (OpenSSL: "certificate has expired" at that depth). Made on purpose for
 * tests sometimes, so a warning, not a refusal.
 */
function outlivedIssuer(notAfter: Date, chain: readonly Uint8Array[]): string | undefined {
  for (const der of chain) {
    const ca = certificateInfoFromDer(der);
    if (ca.notAfter < notAfter) {
      return `it is valid until ${notAfter.toISOString().slice(0, 10)}, but ${ca.subject} in its chain expires on ${ca.notAfter.toISOString().slice(0, 10)}: from then on the chain fails validation. Give it a shorter validity, or renew that CA first.`;
    }
  }
  return undefined;
}

/** One file to write: name relative to the output folder; `secret` files hold keys. */
export interface OutputFile {
  name: string;
  data: Uint8Array;
  secret: boolean;
  /** The SHA-1 thumbprint of the certificate the file holds. */
  thumbprint: string;
}

export interface OutputOptions {
  /** Password for the .pfx. */
  password: string;
  /** Also write an unencrypted PKCS#8 `<id>.key`. */
  exportKey?: boolean;
  /** Put the chain (without the root) into the .pfx; default true. */
  includeChain?: boolean;
  /** Write the .pfx under PBE-SHA1-3DES with a SHA-1 MAC, for systems that can't read PBES2 (see `buildPfx`). */
  legacyPfx?: boolean;
}

/**
 * The files of one certificate: `<id>.cer` (PEM), `<id>.without-markers.cer` (base64 DER, one line), `<id>.pfx`, and
 * when asked `<id>.key`, with `<id>.chain.cer` (the certificate and its intermediates, PEM) for one under an intermediate.
 */
export async function certificateOutputs(cert: GeneratedCertificate, options: OutputOptions): Promise<OutputFile[]> {
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const thumbprint = cert.info.thumbprint;
  const pkcs8 = await exportPkcs8(cert.privateKey);
  const pfx = await buildPfx(
    { certificate: cert.der, chain: options.includeChain === false ? [] : cert.chain, privateKeyPkcs8: pkcs8, friendlyName: cert.info.commonName ?? cert.id },
    options.password,
    { legacy: options.legacyPfx === true },
  );
  const files: OutputFile[] = [
    { name: `${cert.id}.cer`, data: text(toPem('CERTIFICATE', cert.der)), secret: false, thumbprint },
    { name: `${cert.id}.without-markers.cer`, data: text(toBase64(cert.der)), secret: false, thumbprint },
    { name: `${cert.id}.pfx`, data: pfx, secret: true, thumbprint },
  ];
  if (options.exportKey) {
    files.push({ name: `${cert.id}.key`, data: text(toPem('PRIVATE KEY', pkcs8)), secret: true, thumbprint });
    // With the key apart (curl --cert/--key, nginx, openssl s_client), a certificate under an intermediate CA needs the
    // intermediates sent with it when the server trusts only the root: the certificate, then its chain, root left out.
    if (cert.chain.length > 0) {
      const chain = [cert.der, ...cert.chain].map((der) => toPem('CERTIFICATE', der)).join('');
      files.push({ name: `${cert.id}.chain.cer`, data: text(chain), secret: false, thumbprint });
    }
  }
  return files;
}
