import * as path from 'node:path';
import { BICEPCONFIG_NAME, parseBicepConfig } from './bicepconfig';
import { parseParametersJson } from './parameters-json';
import { parseBicep } from './parser';
import type { BicepFile } from './types';

export { parseBicep } from './parser';
export { PARAMETERS_JSON_NAME, parseParametersJson } from './parameters-json';
export { BICEPCONFIG_NAME, parseBicepConfig, resolveModuleAlias } from './bicepconfig';
export type * from './types';

/**
 * A Bicep-kind file by its name: `.bicep`, `.bicepparam`, a JSON parameters file (read as a `.bicepparam`), or
 * `bicepconfig.json` (read for its module aliases).
 */
export function parseBicepFile(file: string, text: string): BicepFile {
  if (!file.toLowerCase().endsWith('.json')) return parseBicep(text);
  const name = path.basename(file);
  return name === BICEPCONFIG_NAME ? parseBicepConfig(text) : parseParametersJson(text, name);
}
