const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ENTITY = /&(?:#([0-9]{1,7})|#x([0-9a-fA-F]{1,6})|([A-Za-z_][A-Za-z0-9._-]*));/y;

/** An entity reference at an offset: its decoded text (undefined for an unknown name) and source length. */
export interface EntityMatch {
  decoded: string | undefined;
  length: number;
}

/** Reads the entity reference starting at `text[at] === '&'`, or undefined when it is not one. */
export function entityAt(text: string, at: number): EntityMatch | undefined {
  ENTITY.lastIndex = at;
  const m = ENTITY.exec(text);
  if (!m) return undefined;
  let decoded: string | undefined;
  if (m[1] !== undefined || m[2] !== undefined) {
    const code = m[1] !== undefined ? Number.parseInt(m[1], 10) : Number.parseInt(m[2]!, 16);
    decoded = code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  } else {
    decoded = PREDEFINED[m[3]!];
  }
  return { decoded, length: m[0].length };
}

/** Decodes the predefined and numeric entities of an XML value; anything else stays as written. */
export function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  let out = '';
  let last = 0;
  for (let i = raw.indexOf('&'); i >= 0; i = raw.indexOf('&', i + 1)) {
    const e = entityAt(raw, i);
    if (e?.decoded === undefined) continue;
    out += raw.slice(last, i) + e.decoded;
    last = i + e.length;
    i = last - 1;
  }
  return out + raw.slice(last);
}
