import { isUtf8 } from 'node:buffer';
import * as path from 'node:path';
import { BICEPCONFIG_NAME } from '../parsers/bicep/bicepconfig';
import { PARAMETERS_JSON_NAME } from '../parsers/bicep/parameters-json';

export type FileKind = 'policy' | 'bicep' | 'certificate' | 'other';

/** Files larger than this are not parsed: a clear notice instead of a stalled editor. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

const CERTIFICATE_EXTENSIONS = new Set(['.cer', '.crt', '.pem', '.der']);
const POLICY_NAME = /(^policy\.xml$)|\.(policy|operation|api|product|fragment|service|global)\.xml$/i;
/**
 * Where policies are written: `.xml`, and `.cshtml`, which some projects use so that editors highlight the C# of the
 * expressions (the blog series behind facts [B] does: `validate.operation.cshtml`). A `.cshtml` file is a policy when
 * its root element says so; a Razor view is not.
 */
const POLICY_EXTENSIONS = new Set(['.xml', '.cshtml']);

/** A file that is a policy if its content says so (its name alone doesn't tell). */
export function mayBePolicy(file: string): boolean {
  return POLICY_EXTENSIONS.has(path.extname(file).toLowerCase());
}

/** Candidates by name alone: what discovery reads at all. */
export function isCandidate(file: string): boolean {
  const ext = path.extname(file).toLowerCase();
  return POLICY_EXTENSIONS.has(ext) || ext === '.bicep' || ext === '.bicepparam' || CERTIFICATE_EXTENSIONS.has(ext) || (ext === '.json' && isBicepJson(path.basename(file)));
}

/** What a file is, from its name and (for `.xml` and `.cshtml`) its root element. */
export function classify(file: string, text?: string): FileKind {
  const name = path.basename(file);
  const ext = path.extname(name).toLowerCase();
  // A .bicepparam file is Bicep syntax: its values reach the file it is `using` (the SKU of a multi-environment setup).
  if (ext === '.bicep' || ext === '.bicepparam') return 'bicep';
  // So is a JSON parameters file (`main.parameters.prod.json`), read as the .bicepparam file it stands for.
  // And so is bicepconfig.json, read for the registry aliases that name modules (`br/avm:res/api-management/service`).
  if (ext === '.json' && isBicepJson(name)) return 'bicep';
  if (CERTIFICATE_EXTENSIONS.has(ext)) return 'certificate';
  if (!POLICY_EXTENSIONS.has(ext)) return 'other';
  if (ext === '.xml' && POLICY_NAME.test(name)) return 'policy';
  return text !== undefined && looksLikePolicy(text) ? 'policy' : 'other';
}

/** A JSON file the Bicep model reads: a deployment parameters file, or Bicep's configuration (exact name, as Bicep finds it). */
function isBicepJson(name: string): boolean {
  return name === BICEPCONFIG_NAME || PARAMETERS_JSON_NAME.test(name);
}

/** An XML document whose root element is `<policies>` or `<fragment>` (after a declaration and comments). */
export function looksLikePolicy(text: string): boolean {
  const head = text.slice(0, 4096);
  return /^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<(policies|fragment)[\s>/]/.test(head);
}

export function tooLargeMessage(bytes: number): string {
  return `file too large to lint (${megabytes(bytes)} MB; the limit is ${MAX_FILE_BYTES / 1048576} MB)`;
}

/** A file read for something other than linting is over its limit: `2.0 MB is too large for a configuration file (the limit is 1 MB)`. */
export function tooLargeFor(what: string, bytes: number, maxBytes: number): string {
  return `${megabytes(bytes)} MB is too large for ${what} (the limit is ${maxBytes / 1048576} MB)`;
}

/** A size in MB, to one decimal, as the "too large" messages give it. */
function megabytes(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

export type Decoded = { text: string } | { problem: string };

/**
 * Bytes to text the way an editor would: UTF-8 (BOM dropped, as VS Code does), UTF-16 with a BOM.
 * Binary content and oversized files give a problem instead of text.
 */
export function decodeFile(bytes: Uint8Array, kind: FileKind): Decoded {
  if (bytes.length > MAX_FILE_BYTES) {
    return { problem: tooLargeMessage(bytes.length) };
  }
  let text: string;
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
    else {
      // Validate, then decode with Buffer: several times faster than a fatal TextDecoder over thousands of files.
      if (!isUtf8(bytes)) throw new Error('invalid UTF-8');
      text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    }
  } catch {
    return kind === 'certificate' ? { text: '' } : { problem: 'not a text file (invalid UTF-8); not linted' };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (kind !== 'certificate' && text.includes('\u0000')) return { problem: 'binary content (NUL bytes); not linted' };
  return { text };
}
