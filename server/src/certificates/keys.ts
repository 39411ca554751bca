import { createPrivateKey, webcrypto } from 'node:crypto';

/** The key types the generator offers. */
export const KEY_TYPES = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ecdsa-p256', 'ecdsa-p384'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export type PrivateKey = webcrypto.CryptoKey;
export interface KeyPair {
  privateKey: PrivateKey;
  publicKey: webcrypto.CryptoKey;
}

/** True when `s` names a supported key type. */
export function isKeyType(s: string): s is KeyType {
  return (KEY_TYPES as readonly string[]).includes(s);
}

/** SHA-384 for P-384 (matched strength), SHA-256 otherwise. */
function hashForKeyType(type: KeyType): 'SHA-256' | 'SHA-384' {
  return type === 'ecdsa-p384' ? 'SHA-384' : 'SHA-256';
}

function algorithmFor(type: KeyType): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams {
  switch (type) {
    case 'ecdsa-p256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'ecdsa-p384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
    default:
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: Number(type.slice(4)),
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: hashForKeyType(type),
      };
  }
}

/** A new extractable signing key pair. */
export async function generateKeyPair(type: KeyType): Promise<KeyPair> {
  const pair = await webcrypto.subtle.generateKey(algorithmFor(type), true, ['sign', 'verify']);
  return { privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/** The hash a key signs with: the RSA key's bound hash, SHA-384 for P-384, else SHA-256. */
export function signingHash(key: PrivateKey): string {
  const algorithm = key.algorithm as webcrypto.KeyAlgorithm & { hash?: { name: string }; namedCurve?: string };
  if (algorithm.hash) return algorithm.hash.name;
  return algorithm.namedCurve === 'P-384' ? 'SHA-384' : 'SHA-256';
}

/** Unencrypted PKCS#8 DER of a private key. */
export async function exportPkcs8(key: PrivateKey): Promise<Uint8Array> {
  return new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', key));
}

/** Imports a PKCS#8 RSA or P-256/P-384 key (e.g. a CA's key from its .pfx) for signing. Throws on other key types. */
export async function importPkcs8(der: Uint8Array): Promise<PrivateKey> {
  const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType === 'rsa') {
    return webcrypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['sign']);
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && (curve === 'prime256v1' || curve === 'secp384r1')) {
    return webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: curve === 'prime256v1' ? 'P-256' : 'P-384' }, true, ['sign']);
  }
  throw new Error(`unsupported issuer key type: ${key.asymmetricKeyType ?? 'unknown'} ${curve ?? ''}`.trim());
}
