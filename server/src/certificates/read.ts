import { decodeStrictBase64, parsePemBlocks } from './encoding';
import { berNotDer, certificateInfoFromDer } from './info';
import type { CertificateEncoding, CertificateFile, CertificateInfo } from './types';
import { errorMessage } from '../core/errors';

export { readPfx } from './pfx';

const PEM_BEGIN = /-----BEGIN CERTIFICATE-----/;
const PEM_END = /-----END CERTIFICATE-----/;

/** Parses each DER, collecting the certificates and, for the ones that fail, a problem line. */
function collect(ders: Uint8Array[], encoding: CertificateEncoding, hasPemMarkers: boolean, problems: string[]): CertificateFile {
  const certificates: CertificateInfo[] = [];
  ders.forEach((der, i) => {
    try {
      certificates.push(certificateInfoFromDer(der));
      const ber = berNotDer(der);
      if (ber) {
        problems.push(
          `${ders.length > 1 ? `certificate ${i + 1}: ` : ''}encoded in BER, not DER (${ber}): a thumbprint is a hash of the encoding, so the one ` +
            `computed from this file may not be the one of the certificate a client sends; re-encode it as DER (openssl x509 -outform der)`,
        );
      }
    } catch (e) {
      problems.push(`${ders.length > 1 ? `certificate ${i + 1}: ` : ''}not a valid X.509 certificate (${errorMessage(e)})`);
    }
  });
  return { encoding, hasPemMarkers, certificates, problems };
}

/** True when the bytes start like a DER SEQUENCE (what certificates and .pfx files are). */
function looksLikeDer(bytes: Uint8Array): boolean {
  // Or BER, as OpenSSL and Node accept it: an indefinite length (0x80) or one in up to four bytes.
  return bytes.length > 4 && bytes[0] === 0x30 && (bytes[1]! <= 0x84);
}

/** A PFX starts with SEQUENCE { INTEGER 3, ... }; a certificate with SEQUENCE { SEQUENCE ... }. */
function isPfx(bytes: Uint8Array): boolean {
  const headerLength = bytes[1] < 0x80 ? 2 : 2 + (bytes[1] & 0x7f);
  return bytes[headerLength] === 0x02 && bytes[headerLength + 1] === 0x01 && bytes[headerLength + 2] === 0x03;
}

/**
 * Reads a .cer/.crt/.pem/.der file: PEM (one or many certificates), base64 without markers (what Bicep's
 * `encodedCertificate` wants) or binary DER. Synchronous and never throws: what went wrong is in `problems`.
 * A string is taken as text; bytes are taken as DER unless they decode as text holding PEM or base64.
 */
export function readCertificateFile(data: Uint8Array | string): CertificateFile {
  const problems: string[] = [];
  if (typeof data !== 'string' && looksLikeDer(data)) {
    if (isPfx(data)) return { encoding: 'pfx', hasPemMarkers: false, certificates: [], problems: ['a PKCS#12 (.pfx) file: read it with its password'] };
    return collect([data], 'der', false, problems);
  }
  const text = typeof data === 'string' ? data.replace(/^\uFEFF/, '') : new TextDecoder('utf-8', { fatal: false }).decode(data).replace(/^\uFEFF/, '');
  const hasPemMarkers = PEM_BEGIN.test(text) || PEM_END.test(text);
  if (hasPemMarkers) {
    const blocks = parsePemBlocks(text);
    const certs = blocks.filter((b) => b.label === 'CERTIFICATE');
    if (certs.length === 0) problems.push('the PEM markers are not balanced: no complete CERTIFICATE block');
    // A bundle cut short: its last block has no END line (or an END without BEGIN), and would be dropped unseen.
    else if (countMatches(text, /-----BEGIN CERTIFICATE-----/g) !== certs.length || countMatches(text, /-----END CERTIFICATE-----/g) !== certs.length) {
      problems.push(`the PEM markers are not balanced: ${certs.length} complete CERTIFICATE block${certs.length === 1 ? '' : 's'}, and a BEGIN or END line without its pair`);
    }
    const others = [...new Set(blocks.filter((b) => b.label !== 'CERTIFICATE').map((b) => b.label))];
    if (others.length > 0) problems.push(`the file also holds ${others.join(', ')} block(s)`);
    if (/PRIVATE KEY/.test(others.join(' '))) problems.push('the file holds a private key: keep it out of source control');
    return collect(certs.map((b) => b.der), 'pem', true, problems);
  }
  const decoded = decodeStrictBase64(text);
  if (decoded && looksLikeDer(decoded)) return collect([decoded], 'base64', false, problems);
  if (text.trim() === '') return { encoding: 'unknown', hasPemMarkers: false, certificates: [], problems: ['the file is empty'] };
  // PEM of something else (`-----BEGIN PRIVATE KEY-----` in a .key, a CSR): said as what it is.
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
  if (label) {
    const key = /PRIVATE KEY/.test(label) ? ': keep it out of source control' : '';
    return { encoding: 'unknown', hasPemMarkers: false, certificates: [], problems: [`not a certificate: a PEM ${label} block${key}`] };
  }
  return { encoding: 'unknown', hasPemMarkers: false, certificates: [], problems: ['not a certificate: neither PEM, base64 nor DER'] };
}

function countMatches(text: string, re: RegExp): number {
  let n = 0;
  for (const _ of text.matchAll(re)) n++;
  return n;
}
