import type * as Asn1js from 'asn1js';
import type * as Pkijs from 'pkijs';
import { toHex } from './encoding';
import { pki } from './pki';

/** Attribute short names as .NET's `X500DistinguishedName.Name` prints them. */
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'S',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
};

/** Names accepted when parsing a DN (OpenSSL spellings too). */
const NAME_TO_OID: Record<string, string> = {
  ...Object.fromEntries(Object.entries(SHORT_NAMES).map(([oid, name]) => [name, oid])),
  ST: '2.5.4.8',
  EMAIL: '1.2.840.113549.1.9.1',
  EMAILADDRESS: '1.2.840.113549.1.9.1',
};

const COMMON_NAME = '2.5.4.3';
const COUNTRY = '2.5.4.6';
/** Attributes encoded as IA5String (ASCII): email address and domain component. */
const IA5_ATTRIBUTES = new Set(['1.2.840.113549.1.9.1', '0.9.2342.19200300.100.1.25']);

/** Quotes a value the way .NET does when it holds a separator, a quote or edge spaces. */
function quoteValue(value: string): string {
  if (value === '' || /[,+="\n<>#;]/.test(value) || /^\s|\s$/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

function attributeValue(tv: Pkijs.AttributeTypeAndValue): string {
  const block: unknown = tv.value.valueBlock;
  if (block && typeof block === 'object' && 'value' in block && typeof block.value === 'string') return block.value;
  return `#${toHex(new Uint8Array(tv.value.toBER(false)))}`;
}

/** The RDNs of a name, each a set of attributes (pkijs flattens them; the encoded bytes keep the grouping). */
function relativeNames(name: Pkijs.RelativeDistinguishedNames): Pkijs.AttributeTypeAndValue[][] {
  const { asn1js, pkijs } = pki();
  if (name.valueBeforeDecode.byteLength > 0) {
    const parsed = asn1js.fromBER(name.valueBeforeDecode).result;
    if (parsed instanceof asn1js.Sequence && parsed.valueBlock.value.every((rdn) => rdn instanceof asn1js.Set)) {
      return parsed.valueBlock.value.map((rdn) =>
        (rdn as Asn1js.Set).valueBlock.value.map((tv) => new pkijs.AttributeTypeAndValue({ schema: tv })),
      );
    }
  }
  return name.typesAndValues.map((tv) => [tv]);
}

/** Formats a name like .NET's `X509Certificate2.Subject`: most specific RDN first, `, ` between, ` + ` inside a multi-valued RDN. */
export function formatDotNetName(name: Pkijs.RelativeDistinguishedNames): string {
  return formatDotNetRdns(relativeNames(name).map((rdn) => rdn.map((tv) => ({ oid: tv.type, value: attributeValue(tv) }))));
}

/** {@link formatDotNetName} over RDNs already decoded (in encoding order, least specific first). */
export function formatDotNetRdns(rdns: NameAttribute[][]): string {
  return rdns
    .map((rdn) => rdn.map((tv) => `${SHORT_NAMES[tv.oid] ?? `OID.${tv.oid}`}=${quoteValue(tv.value)}`).join(' + '))
    .reverse()
    .join(', ');
}

/** The first CN of a name, if any. */
export function commonNameOf(name: Pkijs.RelativeDistinguishedNames): string | undefined {
  const tv = name.typesAndValues.find((t) => t.type === COMMON_NAME);
  return tv ? attributeValue(tv) : undefined;
}

/** One `NAME=value` pair of a DN string. */
export interface NameAttribute {
  oid: string;
  value: string;
}

/**
 * Parses a DN written the .NET way (`CN=Valid Client, O="Contoso, Inc.", C=NL`: most specific first,
 * values with commas in double quotes, `""` for a quote). Throws with a readable message on bad input.
 */
export function parseDotNetName(dn: string): NameAttribute[] {
  const attributes: NameAttribute[] = [];
  let i = 0;
  const skipSpaces = (): void => {
    while (i < dn.length && /\s/.test(dn[i])) i++;
  };
  while (true) {
    skipSpaces();
    const eq = dn.indexOf('=', i);
    if (eq < 0) throw new Error(`invalid distinguished name "${dn}": expected NAME=value at position ${i + 1}`);
    const key = dn.slice(i, eq).trim();
    const oid = /^OID\.([0-9.]+)$/i.exec(key)?.[1] ?? NAME_TO_OID[key.toUpperCase()] ?? (/^[0-9]+(\.[0-9]+)+$/.test(key) ? key : undefined);
    if (!oid) throw new Error(`invalid distinguished name "${dn}": unknown attribute "${key}"`);
    i = eq + 1;
    skipSpaces();
    let value = '';
    if (dn[i] === '"') {
      i++;
      while (true) {
        if (i >= dn.length) throw new Error(`invalid distinguished name "${dn}": unterminated quote`);
        if (dn[i] === '"' && dn[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (dn[i] === '"') {
          i++;
          break;
        } else value += dn[i++];
      }
      skipSpaces();
    } else {
      const end = dn.indexOf(',', i);
      value = dn.slice(i, end < 0 ? dn.length : end).trim();
      i = end < 0 ? dn.length : end;
    }
    if (value === '') throw new Error(`invalid distinguished name "${dn}": empty value for ${key}`);
    // buildName encodes C as PrintableString and E, DC as IA5String: asn1js writes each character's low byte there,
    // so `C=日本` became `C="å,"` and `E=ü@x` an invalid IA5String. Refuse what those types can't hold.
    if (oid === COUNTRY && !/^[A-Za-z]{2}$/.test(value)) throw new Error(`invalid distinguished name "${dn}": ${key} must be a two-letter country code (ISO 3166), e.g. C=NL`);
    if (IA5_ATTRIBUTES.has(oid) && !/^[\x20-\x7e]+$/.test(value)) throw new Error(`invalid distinguished name "${dn}": ${key} takes ASCII characters only`);
    attributes.push({ oid, value });
    if (i >= dn.length) return attributes;
    if (dn[i] !== ',') throw new Error(`invalid distinguished name "${dn}": expected "," at position ${i + 1}`);
    i++;
  }
}

/**
 * Builds the ASN.1 name for a DN given most-specific-first (the .NET order), one attribute per RDN;
 * C as PrintableString, E and DC as IA5String, the rest UTF8String. Encoded by hand: pkijs would put every
 * attribute into a single multi-valued RDN.
 */
export function buildName(attributes: NameAttribute[]): Pkijs.RelativeDistinguishedNames {
  const { asn1js, pkijs } = pki();
  const rdns = [...attributes].reverse().map(({ oid, value }) => {
    const encoded =
      oid === '2.5.4.6'
        ? new asn1js.PrintableString({ value })
        : oid === '1.2.840.113549.1.9.1' || oid === '0.9.2342.19200300.100.1.25'
          ? new asn1js.IA5String({ value })
          : new asn1js.Utf8String({ value });
    return new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type: oid, value: encoded }).toSchema()] });
  });
  return pkijs.RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: rdns }).toBER(false));
}
