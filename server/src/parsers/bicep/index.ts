import * as path from 'node:path';
import { parseParametersJson } from './parameters-json';
import { parseBicep } from './parser';
import type { BicepFile } from './types';

export { parseBicep } from './parser';
export { PARAMETERS_JSON_NAME, parseParametersJson } from './parameters-json';
export type * from './types';

/** A Bicep-kind file by its name: `.bicep`, `.bicepparam`, or a JSON parameters file (read as a `.bicepparam`). */
export function parseBicepFile(file: string, text: string): BicepFile {
  return file.toLowerCase().endsWith('.json') ? parseParametersJson(text, path.basename(file)) : parseBicep(text);
}
