import type { CertificateFile, CertificateInfo } from '../certificates/types';

/** One inspected file: what `readCertificateFile` / the .pfx reader found. */
export interface InspectedFile extends CertificateFile {
  file: string;
  /** For .pfx files: whether a private key is inside. */
  hasKey?: boolean;
}

function validity(info: CertificateInfo, now: Date): string {
  const state = now < info.notBefore ? 'NOT YET VALID' : now > info.notAfter ? 'EXPIRED' : 'valid now';
  return `${info.notBefore.toISOString()} → ${info.notAfter.toISOString()} (${state})`;
}

function describeCertificate(info: CertificateInfo, now: Date): string[] {
  const list = (items: string[]): string => (items.length > 0 ? items.join(', ') : '—');
  return [
    `  subject:      ${info.subject}`,
    `  issuer:       ${info.issuer}`,
    `  serial:       ${info.serialNumber}`,
    `  SHA-1:        ${info.thumbprint}`,
    `  SHA-256:      ${info.thumbprintSha256}`,
    `  validity:     ${validity(info, now)}`,
    `  CA:           ${info.isCA ? `yes${info.pathLength !== undefined ? ` (pathLen ${info.pathLength})` : ''}` : 'no'}`,
    `  self-signed:  ${info.selfSigned ? 'yes' : 'no'}`,
    `  key:          ${info.keyAlgorithm}${info.signatureAlgorithm ? `, signed ${info.signatureAlgorithm}` : ''}`,
    `  key usage:    ${list(info.keyUsage)}`,
    `  EKU:          ${list(info.extendedKeyUsage)}`,
    `  SAN DNS:      ${list(info.dnsNames)}`,
  ];
}

/** The text report of `certs inspect`. */
export function formatInspection(files: InspectedFile[], now: Date): string {
  const lines: string[] = [];
  for (const f of files) {
    const markers = f.encoding === 'pfx' ? `PKCS#12${f.hasKey === undefined ? '' : f.hasKey ? ', with private key' : ', no private key'}` : f.hasPemMarkers ? 'PEM markers: yes' : 'PEM markers: no';
    lines.push(`${f.file} (${f.encoding}, ${markers})`);
    f.certificates.forEach((info, i) => {
      if (f.certificates.length > 1) lines.push(` certificate ${i + 1} of ${f.certificates.length}:`);
      lines.push(...describeCertificate(info, now));
    });
    for (const p of f.problems) lines.push(`  problem: ${p}`);
  }
  return lines.join('\n') + '\n';
}
