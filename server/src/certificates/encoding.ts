/** Byte-level helpers shared by the certificate modules: hex, base64, PEM. */

/** Upper-case hex without separators. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/** A fresh ArrayBuffer holding exactly these bytes (pkijs and WebCrypto want ArrayBuffers). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/** Base64 on one line: what Bicep's `encodedCertificate` / `data` want. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** PEM with 64-character lines and a trailing newline. */
export function toPem(label: string, der: Uint8Array): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** One PEM block found in a text. */
export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;
const PEM_END = /-----END ([A-Z0-9 ]+)-----/g;

/**
 * Every well-formed PEM block in `text`, in order: a BEGIN and the first END of its label after it (what
 * `/-----BEGIN (L)-----([\s\S]*?)-----END \1-----/g` matches). Linear: the ENDs are found once, by label, where that
 * pattern searched the rest of the text again for each BEGIN without an END (80,000 of them: 69 s).
 */
export function parsePemBlocks(text: string): PemBlock[] {
  const ends = new Map<string, number[]>();
  for (const m of text.matchAll(PEM_END)) {
    let list = ends.get(m[1]!);
    if (!list) ends.set(m[1]!, (list = []));
    list.push(m.index!);
  }
  const blocks: PemBlock[] = [];
  /** For each label, the index in its list of the first END not yet behind the search. */
  const next = new Map<string, number>();
  PEM_BEGIN.lastIndex = 0;
  for (let m = PEM_BEGIN.exec(text); m; m = PEM_BEGIN.exec(text)) {
    const label = m[1]!;
    const bodyStart = m.index + m[0].length;
    const list = ends.get(label);
    if (!list) continue;
    // The search only moves forward: ENDs before this BEGIN's body are passed for good.
    let i = next.get(label) ?? 0;
    while (i < list.length && list[i]! < bodyStart) i++;
    next.set(label, i);
    if (i === list.length) continue;
    const end = list[i]!;
    blocks.push({ label, der: new Uint8Array(Buffer.from(text.slice(bodyStart, end).replace(/\s+/g, ''), 'base64')) });
    PEM_BEGIN.lastIndex = end + `-----END ${label}-----`.length;
  }
  return blocks;
}

/** Strict base64 (whitespace allowed between characters): decoded bytes, or undefined. */
export function decodeStrictBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
