import * as fs from 'node:fs';
import * as path from 'node:path';
import { BICEPCONFIG_NAME } from '../parsers/bicep/bicepconfig';
import { classify, mayBePolicy } from './files';
import { readOne } from './load';
import type { FileContent, Workspace } from './workspace';

const LOAD_CALL = /\bload(?:TextContent|FileAsBase64)\(\s*'([^'$]+)'/g;

/**
 * Reads the files that the workspace's Bicep refers to but that lie outside the linted paths: imported Bicep
 * (`import … from '../shared/settings.bicep'`), local modules (`module apim '../modules/apim.bicep'`), loaded policies
 * and certificates (`loadTextContent('…')`), and the
 * `bicepconfig.json` that resolves registry aliases, transitively. They give the linted files their context (the SKU,
 * the policy a Bicep deploys) without being linted.
 * Returns the files it added; `onRead` is told each file it looked for, with what it read (undefined: not there).
 * `from`: the Bicep files to start from (default: all of the workspace's).
 */
export function loadReferencedFiles(ws: Workspace, onRead?: (file: string, content: FileContent | undefined) => void, from?: string[]): string[] {
  const added: string[] = [];
  const queue = from ?? ws.files('bicep');
  const seen = new Set(queue);
  while (queue.length) {
    const file = queue.pop()!;
    for (const target of referencedFiles(ws, file)) {
      if (seen.has(target) || ws.has(target) || (classify(target) === 'other' && !mayBePolicy(target))) continue;
      seen.add(target);
      if (!fs.existsSync(target)) {
        ws.noteMissing(target);
        onRead?.(target, undefined);
        continue;
      }
      const content = readOne(target);
      onRead?.(target, content);
      const kind = ws.set(target, content);
      if (kind === 'other') continue;
      added.push(target);
      if (kind === 'bicep') queue.push(target);
    }
  }
  return added;
}

function referencedFiles(ws: Workspace, file: string): string[] {
  const dir = path.dirname(file);
  const out: string[] = [];
  for (const decl of ws.bicep(file)?.declarations ?? []) {
    if (decl.kind === 'import' && decl.from && !decl.from.includes(':')) out.push(path.resolve(dir, decl.from));
    // A local module deploys what the file passes it (the service, a policy loaded here): its Bicep tells where it goes.
    if (decl.kind === 'module' && decl.path && !decl.path.includes(':')) out.push(path.resolve(dir, decl.path));
    // A parameters file's template and the base file it extends (`extends '../shared.bicepparam'`: values it inherits).
    if ((decl.kind === 'using' || decl.kind === 'extends') && decl.path && !decl.path.includes(':')) out.push(path.resolve(dir, decl.path));
  }
  const text = ws.textOf(file) ?? '';
  LOAD_CALL.lastIndex = 0;
  for (let m = LOAD_CALL.exec(text); m; m = LOAD_CALL.exec(text)) out.push(path.resolve(dir, m[1]!));
  // A module named through a registry alias (`br/avm:…`) is resolved by the nearest bicepconfig.json above the file,
  // which may lie above the linted paths: the folders up to it are looked in (and remembered as looked in).
  if (ws.bicep(file)?.declarations.some((d) => d.kind === 'module' && d.path.startsWith('br/'))) {
    for (let at = dir; ; ) {
      const config = path.join(at, BICEPCONFIG_NAME);
      out.push(config);
      if (ws.has(config) || fs.existsSync(config)) break;
      const parent = path.dirname(at);
      if (parent === at) break;
      at = parent;
    }
  }
  return out;
}
