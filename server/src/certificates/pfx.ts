import { createHash, createHmac, createPrivateKey, createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import type * as Pkijs from 'pkijs';
import { toArrayBuffer } from './encoding';
import { cryptoEngine } from './engine';
import { certificateInfoFromDer, oversizedOid } from './info';
import { pki } from './pki';
import type { CertificateInfo } from './types';
import { errorMessage } from '../core/errors';
import { isPkcs12Pbe, MAX_PBE_ITERATIONS, PBE_SHA1_3DES_3KEY, pbeName, pkcs12Kdf, pkcs12Pbe3DesEncrypt, pkcs12PbeDecrypt } from './pkcs12-pbe';

const BAG_KEY = '1.2.840.113549.1.12.10.1.1';
const BAG_SHROUDED_KEY = '1.2.840.113549.1.12.10.1.2';
const BAG_CERT = '1.2.840.113549.1.12.10.1.3';
const BAG_SAFE_CONTENTS = '1.2.840.113549.1.12.10.1.6';
const CERT_X509 = '1.2.840.113549.1.9.22.1';
const ATTR_FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const ATTR_LOCAL_KEY_ID = '1.2.840.113549.1.9.21';
const CONTENT_DATA = '1.2.840.113549.1.7.1';
const CONTENT_ENCRYPTED = '1.2.840.113549.1.7.6';
const PBES2_OID = '1.2.840.113549.1.5.13';
const SHA1_OID = '1.3.14.3.2.26';

/** PBKDF2 and MAC iterations: OpenSSL 3's default (the MAC derivation runs in pure JS: ≈7 ms at 2048). */
const PFX_ITERATIONS = 2048;

/** What goes into a .pfx. */
export interface PfxContent {
  /** DER of the certificate the key belongs to. */
  certificate: Uint8Array;
  /** DER of the chain to include (issuer first), not the root. */
  chain: Uint8Array[];
  /** Unencrypted PKCS#8 DER of the private key, if any. */
  privateKeyPkcs8?: Uint8Array;
  friendlyName: string;
}

function encryptionParams(password: ArrayBuffer) {
  return {
    password,
    contentEncryptionAlgorithm: { name: 'AES-CBC', length: 256 },
    hmacHashAlgorithm: 'SHA-256',
    iterationCount: PFX_ITERATIONS,
  };
}

function bagAttributes(localKeyId: Uint8Array | undefined, friendlyName: string | undefined): Pkijs.Attribute[] {
  const { asn1js, pkijs } = pki();
  const attributes: Pkijs.Attribute[] = [];
  if (friendlyName !== undefined) {
    attributes.push(new pkijs.Attribute({ type: ATTR_FRIENDLY_NAME, values: [new asn1js.BmpString({ value: friendlyName })] }));
  }
  if (localKeyId) {
    attributes.push(new pkijs.Attribute({ type: ATTR_LOCAL_KEY_ID, values: [new asn1js.OctetString({ valueHex: toArrayBuffer(localKeyId) })] }));
  }
  return attributes;
}

function certBag(der: Uint8Array, localKeyId: Uint8Array | undefined, friendlyName: string | undefined): Pkijs.SafeBag {
  const { pkijs } = pki();
  return new pkijs.SafeBag({
    bagId: BAG_CERT,
    bagValue: new pkijs.CertBag({ parsedValue: pkijs.Certificate.fromBER(toArrayBuffer(der)) }),
    bagAttributes: bagAttributes(localKeyId, friendlyName),
  });
}

/**
 * The certificate bags of a .pfx, the leaf first; the leaf and its key share a localKeyId (SHA-1 of the leaf) when
 * there is a key.
 */
function certificateBags(content: PfxContent): { localKeyId: Uint8Array | undefined; certBags: Pkijs.SafeBag[] } {
  const localKeyId = content.privateKeyPkcs8 ? new Uint8Array(createHash('sha1').update(content.certificate).digest()) : undefined;
  return { localKeyId, certBags: [certBag(content.certificate, localKeyId, content.friendlyName), ...content.chain.map((der) => certBag(der, undefined, undefined))] };
}

/**
 * An unsigned INTEGER's content bytes as a number (asn1js's own reading goes wrong past 2^23 or 2^31); one of more than
 * 48 bits is `Number.MAX_SAFE_INTEGER`, which every limit refuses (a 400-byte count read as Infinity).
 */
function unsignedOf(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) {
    n = n * 256 + b;
    if (n > 2 ** 48) return Number.MAX_SAFE_INTEGER;
  }
  return n;
}

/** A count for messages: `2,000,000`, or `more than 2^48` for one read as too large to say. */
function countText(n: number): string {
  return n >= Number.MAX_SAFE_INTEGER ? 'more than 2^48' : n.toLocaleString('en-US');
}

/**
 * Builds a PKCS#12 file: certificates in a PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) encrypted SafeContents,
 * the key in a PBES2 shrouded key bag, an HMAC-SHA256 MAC. The leaf and its key share a localKeyId (SHA-1 of the leaf).
 * `legacy`: the same under PBE-SHA1-3DES with an HMAC-SHA1 MAC (see `buildLegacyPfx`).
 */
export async function buildPfx(content: PfxContent, password: string, options: { legacy?: boolean } = {}): Promise<Uint8Array> {
  if (options.legacy) return buildLegacyPfx(content, password);
  const { pkijs } = pki();
  const engine = cryptoEngine();
  const pass = toArrayBuffer(new TextEncoder().encode(password));
  const { localKeyId, certBags } = certificateBags(content);
  const safeContents: { privacyMode: number; value: Pkijs.SafeContents }[] = [{ privacyMode: 1, value: new pkijs.SafeContents({ safeBags: certBags }) }];
  const safeParams: object[] = [encryptionParams(pass)];
  if (content.privateKeyPkcs8) {
    const keyBag = new pkijs.PKCS8ShroudedKeyBag({ parsedValue: pkijs.PrivateKeyInfo.fromBER(toArrayBuffer(content.privateKeyPkcs8)) });
    await keyBag.makeInternalValues(encryptionParams(pass), engine);
    const bag = new pkijs.SafeBag({ bagId: BAG_SHROUDED_KEY, bagValue: keyBag, bagAttributes: bagAttributes(localKeyId, content.friendlyName) });
    safeContents.push({ privacyMode: 0, value: new pkijs.SafeContents({ safeBags: [bag] }) });
    safeParams.push({});
  }
  const authenticatedSafe = new pkijs.AuthenticatedSafe({ parsedValue: { safeContents } });
  await authenticatedSafe.makeInternalValues({ safeContents: safeParams }, engine);
  const pfx = new pkijs.PFX({ parsedValue: { integrityMode: 0, authenticatedSafe } });
  await pfx.makeInternalValues({ password: pass, iterations: PFX_ITERATIONS, pbkdf2HashAlgorithm: { name: 'SHA-256' }, hmacHashAlgorithm: 'SHA-256' }, engine);
  return new Uint8Array(pfx.toSchema().toBER(false));
}

/**
 * The PKCS#12 of systems that can't read PBES2 (older Windows, such as Server 2016, and older macOS Keychain and Java):
 * certificates and key under PBE-SHA1-3DES, an HMAC-SHA1 MAC, 2,048 iterations, as `openssl pkcs12 -export -keypbe
 * PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1` writes it. 3DES and SHA-1 are weaker than AES and SHA-256: only on
 * request.
 */
async function buildLegacyPfx(content: PfxContent, password: string): Promise<Uint8Array> {
  const { asn1js, pkijs } = pki();
  const pbe = (salt: Uint8Array, iterations: number): Pkijs.AlgorithmIdentifier =>
    new pkijs.AlgorithmIdentifier({
      algorithmId: PBE_SHA1_3DES_3KEY,
      algorithmParams: new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: toArrayBuffer(salt) }), new asn1js.Integer({ value: iterations })] }),
    });
  const { localKeyId, certBags } = certificateBags(content);
  const certs = pkcs12Pbe3DesEncrypt(new Uint8Array(new pkijs.SafeContents({ safeBags: certBags }).toSchema().toBER(false)), password, PFX_ITERATIONS);
  const encryptedData = new pkijs.EncryptedData({
    version: 0,
    encryptedContentInfo: new pkijs.EncryptedContentInfo({
      contentType: CONTENT_DATA,
      contentEncryptionAlgorithm: pbe(certs.salt, certs.iterations),
      encryptedContent: new asn1js.OctetString({ valueHex: toArrayBuffer(certs.encrypted) }),
    }),
  });
  const contents = [new pkijs.ContentInfo({ contentType: CONTENT_ENCRYPTED, content: encryptedData.toSchema() })];
  if (content.privateKeyPkcs8) {
    const key = pkcs12Pbe3DesEncrypt(content.privateKeyPkcs8, password, PFX_ITERATIONS);
    const keyBag = new pkijs.PKCS8ShroudedKeyBag({ encryptionAlgorithm: pbe(key.salt, key.iterations), encryptedData: new asn1js.OctetString({ valueHex: toArrayBuffer(key.encrypted) }) });
    const bag = new pkijs.SafeBag({ bagId: BAG_SHROUDED_KEY, bagValue: keyBag, bagAttributes: bagAttributes(localKeyId, content.friendlyName) });
    const safe = new pkijs.SafeContents({ safeBags: [bag] }).toSchema().toBER(false);
    contents.push(new pkijs.ContentInfo({ contentType: CONTENT_DATA, content: new asn1js.OctetString({ valueHex: safe }) }));
  }
  // The MAC as OpenSSL writes it: HMAC-SHA1 keyed by PKCS#12's derivation (id 3) over an 8-byte salt, SHA-1 with its
  // NULL parameter in the DigestInfo.
  const authSafe = new pkijs.AuthenticatedSafe({ safeContents: contents }).toSchema().toBER(false);
  const macSalt = new Uint8Array(randomBytes(8));
  const mac = createHmac('sha1', pkcs12Kdf(password, macSalt, 3, PFX_ITERATIONS, 20)).update(new Uint8Array(authSafe)).digest();
  const pfx = new pkijs.PFX({
    version: 3,
    authSafe: new pkijs.ContentInfo({ contentType: CONTENT_DATA, content: new asn1js.OctetString({ valueHex: authSafe }) }),
    macData: new pkijs.MacData({
      mac: new pkijs.DigestInfo({ digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA1_OID, algorithmParams: new asn1js.Null() }), digest: new asn1js.OctetString({ valueHex: toArrayBuffer(mac) }) }),
      macSalt: new asn1js.OctetString({ valueHex: toArrayBuffer(macSalt) }),
      iterations: PFX_ITERATIONS,
    }),
  });
  return new Uint8Array(pfx.toSchema().toBER(false));
}

/** The decrypted contents of a .pfx. */
export interface OpenedPfx {
  /** DER of every certificate, in file order. */
  certificates: Uint8Array[];
  /** PKCS#8 DER of the first private key, if any. */
  privateKeyPkcs8?: Uint8Array;
  /** DER of the certificate whose localKeyId matches the key's (or the first one). */
  keyCertificate?: Uint8Array;
}

function localKeyIdOf(bag: Pkijs.SafeBag): string | undefined {
  const { asn1js } = pki();
  const attr = bag.bagAttributes?.find((a) => a.type === ATTR_LOCAL_KEY_ID);
  const value: unknown = attr?.values[0];
  return value instanceof asn1js.OctetString ? Buffer.from(value.valueBlock.valueHexView).toString('hex') : undefined;
}

/** The most MAC iterations read: more than any tool writes (2,000 to 600,000), ≈ 5 s of work at most (SHA-512). */
const MAX_MAC_ITERATIONS = 1_000_000;

/**
 * The most PBKDF2 iterations read (PBES2), in all the encrypted parts of one .pfx: tools write 2,048 to 600,000 a part,
 * and PBKDF2 runs in OpenSSL (≈ 0.35 µs an iteration: ≈ 1.5 s at this limit).
 */
const MAX_PBKDF2_ITERATIONS = 4_000_000;

/**
 * The ASN.1 elements read in one parse: a .pfx of a few hundred certificates (≈ 60 elements each) holds more than
 * asn1js's default of 10,000, which refused one of 200 that OpenSSL reads. The 4 MB size limit bounds the work anyway.
 */
const MAX_ASN1_NODES = 400_000;

/**
 * The key derivations a .pfx asks for, added up: each encrypted part names its own iteration count, and a file may hold
 * any number of parts (sixteen of a million iterations each held `certs inspect` 87 s). Refused before the work.
 */
class IterationBudget {
  private legacy = 0;
  private pbkdf2 = 0;

  /** Counts `iterations` of `scheme` (a PKCS#12 PBE scheme's name, or PBES2), or throws when they go over the limit. */
  spend(scheme: string, iterations: number): void {
    const legacy = scheme !== 'PBES2';
    const before = legacy ? this.legacy : this.pbkdf2;
    const limit = legacy ? MAX_PBE_ITERATIONS : MAX_PBKDF2_ITERATIONS;
    if (iterations > limit - before) {
      const others = before > 0 ? `, after ${countText(before)} for its other encrypted parts,` : '';
      throw new Error(`${countText(iterations)} iterations${others} is more than the ${countText(limit)} apim-mtls reads in one .pfx (tools write 2,000 to ${legacy ? '50,000' : '600,000'} a part)`);
    }
    if (legacy) this.legacy += iterations;
    else this.pbkdf2 += iterations;
  }
}

/**
 * The MAC iteration count as written (`PFX ::= SEQUENCE { version, authSafe, macData SEQUENCE { mac, macSalt,
 * iterations INTEGER DEFAULT 1 } }`), read from the bytes: asn1js misreads counts from 2^23 up (as 1).
 */
function macIterations(root: unknown): number {
  const macData = (root as { valueBlock?: { value?: unknown[] } }).valueBlock?.value?.[2] as { valueBlock?: { value?: unknown[] } } | undefined;
  return integerAt(macData, 2) ?? 1;
}

/** The unsigned INTEGER at `index` of a SEQUENCE, read from its bytes; undefined when there is none. */
function integerAt(sequence: unknown, index: number): number | undefined {
  const item = (sequence as { valueBlock?: { value?: unknown[] } } | undefined)?.valueBlock?.value?.[index] as { idBlock?: { tagNumber?: number }; valueBlock?: { valueHexView?: Uint8Array } } | undefined;
  const bytes = item?.idBlock?.tagNumber === 2 ? item.valueBlock?.valueHexView : undefined;
  return bytes && bytes.length > 0 ? unsignedOf(bytes) : undefined;
}

/**
 * Parses DER as a pkijs `type` (as its `fromBER`, which keeps asn1js's default limits), with room for a few hundred
 * certificates; a limit reached is said as such, not as "data is not correct".
 */
function parseAs<T>(type: new (params: { schema: unknown }) => T, data: Uint8Array): { parsed: T; root: unknown } {
  const { asn1js } = pki();
  const ber = asn1js.fromBER(toArrayBuffer(data), { maxNodes: MAX_ASN1_NODES });
  if (ber.offset === -1) throw new Error(ber.result.error || 'not DER');
  return { parsed: new type({ schema: ber.result }), root: ber.result };
}

/** Decrypts a .pfx. Rejects with `wrong password` when the MAC does not verify, or a description of what is unsupported. */
export async function openPfx(data: Uint8Array, password: string): Promise<OpenedPfx> {
  const { pkijs } = pki();
  const engine = cryptoEngine();
  const pass = toArrayBuffer(new TextEncoder().encode(password));
  // Before pkijs: a huge object identifier (seconds and gigabytes in asn1js), and a MAC iteration count meant to stall
  // (8 million iterations cost 15 s of CPU before "wrong password"; tools write 2,000 to 600,000).
  const huge = oversizedOid(data);
  if (huge !== undefined) throw new Error(`not a PKCS#12 (.pfx) file: an object identifier of ${huge} bytes`);
  let pfx: Pkijs.PFX;
  let root: unknown;
  try {
    ({ parsed: pfx, root } = parseAs(pkijs.PFX, data));
  } catch (e) {
    const message = errorMessage(e);
    throw new Error(/Maximum ASN\.1/.test(message) ? `cannot open the .pfx: ${message} (${MAX_ASN1_NODES.toLocaleString('en-US')} elements at most)` : 'not a PKCS#12 (.pfx) file');
  }
  const iterations = macIterations(root);
  if (iterations > MAX_MAC_ITERATIONS) {
    throw new Error(`cannot open the .pfx: its MAC is computed with ${countText(iterations)} iterations, more than the ${MAX_MAC_ITERATIONS.toLocaleString('en-US')} apim-mtls reads (tools write 2,000 to 600,000)`);
  }
  // Without a MAC (`openssl pkcs12 -export -nomac`) nothing checks the password before the decryption: a wrong one
  // fails there, and is said so.
  const hasMac = pfx.macData !== undefined;
  try {
    await pfx.parseInternalValues({ password: pass, checkIntegrity: hasMac }, engine);
  } catch (e) {
    const message = errorMessage(e);
    throw new Error(/Integrity for the PKCS#12 data is broken/i.test(message) ? 'wrong password for the .pfx (its MAC does not verify)' : `cannot open the .pfx: ${message}`);
  }
  const authSafe = pfx.parsedValue?.authenticatedSafe;
  if (!authSafe) throw new Error('cannot open the .pfx: no authenticated safe');
  try {
    return await readContents(authSafe, password);
  } catch (e) {
    // Without a MAC, a wrong password decrypts to garbage or fails to decrypt: the file can't tell it from damage.
    if (!hasMac && e instanceof Error && /cannot decrypt|do not parse/.test(e.message)) throw new Error(`wrong password for the .pfx, or a damaged file (it has no MAC to tell which): ${e.message}`);
    throw e;
  }
}

/** The certificates and the first private key of an authenticated safe, its encrypted parts decrypted with `password`. */
async function readContents(authSafe: Pkijs.AuthenticatedSafe, password: string): Promise<OpenedPfx> {
  const { asn1js, pkijs } = pki();
  const budget = new IterationBudget();
  const safeContents = await decryptSafeContents(authSafe, password, budget);
  const result: OpenedPfx = { certificates: [] };
  const certIds = new Map<string, Uint8Array>();
  let keyId: string | undefined;
  // Bags may hold bags (a SafeContents bag): asn1js's depth limit bounds the nesting.
  const bags = async (list: readonly Pkijs.SafeBag[]): Promise<void> => {
    for (const bag of list) {
      if (bag.bagId === BAG_CERT && bag.bagValue instanceof pkijs.CertBag && bag.bagValue.certId === CERT_X509 && bag.bagValue.certValue instanceof asn1js.OctetString) {
        const der = new Uint8Array(bag.bagValue.certValue.getValue());
        result.certificates.push(der);
        const id = localKeyIdOf(bag);
        if (id) certIds.set(id, der);
      } else if (!result.privateKeyPkcs8 && bag.bagId === BAG_SHROUDED_KEY && bag.bagValue instanceof pkijs.PKCS8ShroudedKeyBag) {
        result.privateKeyPkcs8 = await decrypt(bag.bagValue.encryptionAlgorithm, bag.bagValue.encryptedData, password, 'its private key', budget);
        keyId = localKeyIdOf(bag);
      } else if (!result.privateKeyPkcs8 && bag.bagId === BAG_KEY && bag.bagValue instanceof pkijs.PrivateKeyInfo) {
        result.privateKeyPkcs8 = new Uint8Array(bag.bagValue.toSchema().toBER(false));
        keyId = localKeyIdOf(bag);
      } else if (bag.bagId === BAG_SAFE_CONTENTS && bag.bagValue instanceof pkijs.SafeContents) {
        await bags(bag.bagValue.safeBags);
      }
    }
  };
  for (const value of safeContents) await bags(value.safeBags);
  if (result.privateKeyPkcs8) {
    const keyCertificate = certificateOfKey(result.privateKeyPkcs8, [...(keyId && certIds.has(keyId) ? [certIds.get(keyId)!] : []), ...result.certificates]);
    if (keyCertificate) result.keyCertificate = keyCertificate;
  }
  return result;
}

/**
 * The first of `candidates` whose public key is the private key's: a localKeyId may be missing or name another
 * certificate, and signing with a CA's key under another certificate's name makes certificates that verify against
 * neither. When Node can't read the key, the first candidate (as before: the key is refused later, when it signs).
 */
function certificateOfKey(pkcs8: Uint8Array, candidates: readonly Uint8Array[]): Uint8Array | undefined {
  let publicKey: Buffer;
  try {
    publicKey = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
  } catch {
    return candidates[0];
  }
  return candidates.find((der) => {
    try {
      return publicKey.equals(new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }));
    } catch {
      return false;
    }
  });
}

/**
 * The SafeContents of the authenticated safe, those in EncryptedData decrypted: PBES2 (AES…) by pkijs, PKCS#12's older
 * PBE schemes (3DES, RC2: OpenSSL 1.1's and Windows' exports) by `pkcs12PbeDecrypt`.
 */
async function decryptSafeContents(authSafe: Pkijs.AuthenticatedSafe, password: string, budget: IterationBudget): Promise<Pkijs.SafeContents[]> {
  const { pkijs } = pki();
  const out: Pkijs.SafeContents[] = [];
  for (const info of authSafe.safeContents) {
    let der: Uint8Array;
    if (info.contentType === CONTENT_DATA) der = octets(info.content);
    else if (info.contentType === CONTENT_ENCRYPTED) {
      let encrypted: Pkijs.EncryptedContentInfo;
      try {
        encrypted = new pkijs.EncryptedData({ schema: info.content }).encryptedContentInfo;
      } catch (e) {
        throw new Error(`cannot open the .pfx: encrypted contents that are not EncryptedData (${errorMessage(e)})`);
      }
      if (!encrypted.encryptedContent) throw new Error('cannot open the .pfx: encrypted contents without their data');
      der = await decrypt(encrypted.contentEncryptionAlgorithm, encrypted.encryptedContent, password, 'its certificates', budget);
    } else throw new Error(`cannot open the .pfx: contents of type ${info.contentType} (public-key encrypted) are not supported`);
    try {
      out.push(parseAs(pkijs.SafeContents, der).parsed);
    } catch (e) {
      throw new Error(`cannot open the .pfx: its contents do not parse (${errorMessage(e)})`);
    }
  }
  return out;
}

/**
 * Decrypts `data` under `algorithm` (PBES2 through pkijs, or a PKCS#12 PBE scheme), its iterations counted in `budget`;
 * `what`: what it holds, for errors.
 */
async function decrypt(algorithm: Pkijs.AlgorithmIdentifier, data: unknown, password: string, what: string, budget: IterationBudget): Promise<Uint8Array> {
  const { pkijs } = pki();
  const oid = algorithm.algorithmId;
  try {
    if (isPkcs12Pbe(oid)) {
      const { salt, iterations } = pbeParameters(algorithm.algorithmParams);
      budget.spend(pbeName(oid), iterations);
      return pkcs12PbeDecrypt(oid, salt, iterations, octets(data), password);
    }
    if (oid === PBES2_OID) {
      // `PBES2-params ::= SEQUENCE { keyDerivationFunc SEQUENCE { PBKDF2, PBKDF2-params SEQUENCE { salt, iterationCount … } }, … }`,
      // read from the bytes: asn1js reads 2^23 and more as 0 ("iterations cannot be zero").
      const kdf = (algorithm.algorithmParams as { valueBlock?: { value?: unknown[] } } | undefined)?.valueBlock?.value?.[0] as { valueBlock?: { value?: unknown[] } } | undefined;
      const iterations = integerAt(kdf?.valueBlock?.value?.[1], 1);
      if (iterations !== undefined) budget.spend('PBES2', iterations);
    }
    const encryptedContentInfo = new pkijs.EncryptedContentInfo({ contentType: CONTENT_DATA, contentEncryptionAlgorithm: algorithm, encryptedContent: data as never });
    const pass = toArrayBuffer(new TextEncoder().encode(password));
    return new Uint8Array(await cryptoEngine().decryptEncryptedContentInfo({ password: pass, encryptedContentInfo }));
  } catch (e) {
    throw new Error(`cannot decrypt ${what} in the .pfx (${isPkcs12Pbe(oid) ? pbeName(oid) : oid === PBES2_OID ? 'PBES2' : oid}): ${errorMessage(e)}`);
  }
}

/** `pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }`. */
function pbeParameters(params: unknown): { salt: Uint8Array; iterations: number } {
  const { asn1js } = pki();
  const items = (params as { valueBlock?: { value?: unknown[] } } | undefined)?.valueBlock?.value;
  const salt = items?.[0];
  const count = items?.[1];
  if (!(salt instanceof asn1js.OctetString) || !(count instanceof asn1js.Integer)) throw new Error('its parameters are not a salt and an iteration count');
  return { salt: octets(salt), iterations: unsignedOf(count.valueBlock.valueHexView) };
}

/**
 * The bytes of an OCTET STRING, primitive or constructed (BER: its pieces concatenated). pkijs leaves an implicitly
 * tagged one (`[0] IMPLICIT OCTET STRING`, EncryptedContentInfo's) as a generic block: read by shape, not by class.
 */
function octets(value: unknown): Uint8Array {
  const block = value as { idBlock?: { isConstructed?: boolean }; valueBlock?: { isConstructed?: boolean; valueHexView?: Uint8Array; value?: unknown[] } } | undefined;
  if (block?.idBlock?.isConstructed || block?.valueBlock?.isConstructed) {
    const pieces = block.valueBlock?.value;
    if (!Array.isArray(pieces)) throw new Error('not an OCTET STRING');
    return Buffer.concat(pieces.map((piece) => octets(piece)));
  }
  const bytes = block?.valueBlock?.valueHexView;
  if (!(bytes instanceof Uint8Array)) throw new Error('not an OCTET STRING');
  return new Uint8Array(bytes);
}

/**
 * Reads the certificates of a .pfx and whether it holds a private key, with a problem when that key belongs to none of
 * its certificates (nothing can use it). Rejects a wrong password with a clear error.
 */
export async function readPfx(data: Uint8Array, password: string): Promise<{ certificates: CertificateInfo[]; hasKey: boolean; problems: string[] }> {
  const opened = await openPfx(data, password);
  const hasKey = opened.privateKeyPkcs8 !== undefined;
  return {
    certificates: opened.certificates.map(certificateInfoFromDer),
    hasKey,
    problems: hasKey && !opened.keyCertificate ? [KEY_WITHOUT_CERTIFICATE] : [],
  };
}

/** A .pfx whose private key is not the key of any certificate in it. */
export const KEY_WITHOUT_CERTIFICATE = 'its private key belongs to none of its certificates: nothing can sign or authenticate with it';
