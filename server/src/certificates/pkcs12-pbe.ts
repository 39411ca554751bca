import { createCipheriv, createDecipheriv, createHash, hash, randomBytes } from 'node:crypto';

/**
 * PKCS#12's own password-based encryption (RFC 7292 appendix B and C), which .pfx files made before PBES2 use: OpenSSL
 * 1.1's defaults (certificates under 40-bit RC2, the key under 3DES), Windows' "TripleDES-SHA1" export, Java's
 * keytool before 18. pkijs reads only PBES2. Node's crypto has 3DES; RC2 sits in OpenSSL 3's legacy provider, which
 * Node does not load, so RC2 is done here (RFC 2268, decryption only). Writing: 3DES only (`--legacy-pfx`).
 */

export const PBE_SHA1_3DES_3KEY = '1.2.840.113549.1.12.1.3';
const PBE_SHA1_3DES_2KEY = '1.2.840.113549.1.12.1.4';
const PBE_SHA1_RC2_128 = '1.2.840.113549.1.12.1.5';
const PBE_SHA1_RC2_40 = '1.2.840.113549.1.12.1.6';

/** The key and cipher of each scheme: the key length in bytes, and how to decrypt. */
const SCHEMES: Record<string, { keyBytes: number; name: string }> = {
  [PBE_SHA1_3DES_3KEY]: { keyBytes: 24, name: 'des-ede3-cbc' },
  [PBE_SHA1_3DES_2KEY]: { keyBytes: 16, name: 'des-ede-cbc' },
  [PBE_SHA1_RC2_128]: { keyBytes: 16, name: 'rc2' },
  [PBE_SHA1_RC2_40]: { keyBytes: 5, name: 'rc2' },
};

/**
 * The most iterations read, in all the encrypted parts of one .pfx (`openPfx` adds them up): tools write 2,000 to 50,000
 * a part (OpenSSL and Windows ≈ 2,000, Java's keytool 50,000), and the derivation hashes in a loop here (≈ 1 µs an
 * iteration, three times over for a key and its IV: ≈ 0.7 s at this limit).
 */
export const MAX_PBE_ITERATIONS = 200_000;

/** Is this a PKCS#12 password-based encryption scheme (not PBES2)? */
export function isPkcs12Pbe(oid: string): boolean {
  return oid in SCHEMES;
}

/** The scheme's name for messages. */
export function pbeName(oid: string): string {
  return (
    { [PBE_SHA1_3DES_3KEY]: 'PBE-SHA1-3DES', [PBE_SHA1_3DES_2KEY]: 'PBE-SHA1-2DES', [PBE_SHA1_RC2_128]: 'PBE-SHA1-RC2-128', [PBE_SHA1_RC2_40]: 'PBE-SHA1-RC2-40' }[oid] ?? oid
  );
}

/**
 * The key derivation of RFC 7292 appendix B.2 with SHA-1: `n` bytes of material `id` (1: key, 2: IV, 3: MAC key) from
 * the password (a BMPString: UTF-16 big-endian with two zero bytes at the end), the salt and the iteration count.
 */
export function pkcs12Kdf(password: string, salt: Uint8Array, id: 1 | 2 | 3, iterations: number, n: number): Buffer {
  const u = 20;
  const v = 64;
  const bmp = Buffer.alloc((password.length + 1) * 2);
  for (let i = 0; i < password.length; i++) bmp.writeUInt16BE(password.charCodeAt(i), i * 2);
  const repeat = (data: Uint8Array): Buffer => {
    const out = Buffer.alloc(data.length === 0 ? 0 : v * Math.ceil(data.length / v));
    for (let i = 0; i < out.length; i++) out[i] = data[i % data.length]!;
    return out;
  };
  const I = Buffer.concat([repeat(salt), repeat(bmp)]);
  const D = Buffer.alloc(v, id);
  const blocks: Buffer[] = [];
  for (let made = 0; made < n; made += u) {
    let A = createHash('sha1').update(D).update(I).digest();
    // One-shot `hash`: a third faster than a Hash object per iteration.
    for (let j = 1; j < iterations; j++) A = hash('sha1', A, 'buffer');
    blocks.push(A);
    // I_j = (I_j + B + 1) mod 2^(8v), B being A repeated to v bytes.
    const B = repeat(A);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, n);
}

/**
 * Decrypts `data` encrypted under a PKCS#12 PBE scheme (`oid`) with `salt` and `iterations` (the scheme's parameters).
 * Throws on a scheme it doesn't know, an iteration count meant to stall, or bytes that don't decrypt (bad padding).
 */
export function pkcs12PbeDecrypt(oid: string, salt: Uint8Array, iterations: number, data: Uint8Array, password: string): Uint8Array {
  const scheme = SCHEMES[oid];
  if (!scheme) throw new Error(`unknown PKCS#12 encryption ${oid}`);
  if (!(iterations <= MAX_PBE_ITERATIONS)) {
    throw new Error(`${pbeName(oid)} with ${iterations.toLocaleString('en-US')} iterations: more than the ${MAX_PBE_ITERATIONS.toLocaleString('en-US')} apim-mtls reads`);
  }
  if (!(iterations >= 1)) throw new Error(`${pbeName(oid)} with no iterations`);
  const key = pkcs12Kdf(password, salt, 1, iterations, scheme.keyBytes);
  const iv = pkcs12Kdf(password, salt, 2, iterations, 8);
  if (scheme.name === 'rc2') return rc2CbcDecrypt(key, scheme.keyBytes * 8, iv, data);
  const decipher = createDecipheriv(scheme.name, key, iv);
  return new Uint8Array(Buffer.concat([decipher.update(data), decipher.final()]));
}

/**
 * Encrypts `data` under PBE-SHA1-3DES (three-key) with a new random 8-byte salt, as `openssl pkcs12 -export -legacy`
 * does for keys: the ciphertext and the scheme's parameters.
 */
export function pkcs12Pbe3DesEncrypt(data: Uint8Array, password: string, iterations: number): { encrypted: Uint8Array; salt: Uint8Array; iterations: number } {
  const salt = new Uint8Array(randomBytes(8));
  const key = pkcs12Kdf(password, salt, 1, iterations, 24);
  const iv = pkcs12Kdf(password, salt, 2, iterations, 8);
  const cipher = createCipheriv('des-ede3-cbc', key, iv);
  return { encrypted: new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()])), salt, iterations };
}

/** RFC 2268's PITABLE: a permutation of 0–255 from the digits of pi. */
const PITABLE = Buffer.from(
  'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb6266fbf0eda46690757' +
    '27f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
    '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad',
  'hex',
);

/** RC2 in CBC mode, decryption (RFC 2268), with the PKCS#5 padding removed. `bits`: the effective key length. */
export function rc2CbcDecrypt(key: Uint8Array, bits: number, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length === 0 || data.length % 8 !== 0) throw new Error('RC2: the data is not whole 8-byte blocks');
  const K = rc2Expand(key, bits);
  const out = Buffer.alloc(data.length);
  let prev = Buffer.from(iv);
  const R = new Uint16Array(4);
  for (let off = 0; off < data.length; off += 8) {
    for (let i = 0; i < 4; i++) R[i] = data[off + 2 * i]! | (data[off + 2 * i + 1]! << 8);
    let j = 63;
    const rmix = (): void => {
      for (let i = 3; i >= 0; i--) {
        const s = [1, 2, 3, 5][i]!;
        R[i] = ((R[i]! >>> s) | (R[i]! << (16 - s))) & 0xffff;
        R[i] = (R[i]! - K[j--]! - (R[(i + 3) % 4]! & R[(i + 2) % 4]!) - (~R[(i + 3) % 4]! & R[(i + 1) % 4]!)) & 0xffff;
      }
    };
    const rmash = (): void => {
      for (let i = 3; i >= 0; i--) R[i] = (R[i]! - K[R[(i + 3) % 4]! & 63]!) & 0xffff;
    };
    for (let k = 0; k < 5; k++) rmix();
    rmash();
    for (let k = 0; k < 6; k++) rmix();
    rmash();
    for (let k = 0; k < 5; k++) rmix();
    for (let i = 0; i < 4; i++) {
      out[off + 2 * i] = (R[i]! & 0xff) ^ prev[2 * i]!;
      out[off + 2 * i + 1] = (R[i]! >>> 8) ^ prev[2 * i + 1]!;
    }
    prev = Buffer.from(data.subarray(off, off + 8));
  }
  const pad = out[out.length - 1]!;
  if (pad < 1 || pad > 8 || out.subarray(out.length - pad).some((b) => b !== pad)) throw new Error('RC2: bad decrypt');
  return new Uint8Array(out.subarray(0, out.length - pad));
}

/** RC2's key expansion (RFC 2268 section 2): 64 16-bit words from the key and its effective length in bits. */
function rc2Expand(key: Uint8Array, bits: number): Uint16Array {
  const L = Buffer.alloc(128);
  L.set(key);
  const T = key.length;
  const T8 = Math.ceil(bits / 8);
  const TM = 255 % 2 ** (8 + bits - 8 * T8);
  for (let i = T; i < 128; i++) L[i] = PITABLE[(L[i - 1]! + L[i - T]!) & 0xff]!;
  L[128 - T8] = PITABLE[L[128 - T8]! & TM]!;
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[L[i + 1]! ^ L[i + T8]!]!;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8);
  return K;
}
