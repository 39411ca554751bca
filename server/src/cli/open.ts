import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, ConfigResolver, type LintConfig } from '../engine/config';
import { NOT_UTF8_NAME } from '../engine/discover';
import { loadContextQuietly, loadFromDisk } from '../engine/load';
import { Workspace } from '../engine/workspace';
import { notASku, toSku, type Sku } from '../model/sku';
import type { ParsedArgs } from './args';
import { oneLine } from './format/log-safe';

/** What the commands that read a workspace (`lint`, `tier`) share: the paths read, and their context. */
export interface OpenedWorkspace {
  config: ConfigResolver;
  ws: Workspace;
  /** The files under the paths given, sorted: what is linted, or explained. */
  files: string[];
  /** Files read only for what they tell those (`--context`, the configuration's "context"). */
  contextFiles: string[];
}

/**
 * Reads the files under `roots`, and the context paths (`--context`, then the "context" of the configurations that
 * apply to those files), into a workspace. Problems with a context path are said on stderr; the rest is still read.
 */
export async function openWorkspace(
  roots: string[],
  contextRoots: string[],
  overrides: Partial<LintConfig>,
  stderr: (text: string) => void,
  options: { timing?: Map<string, number> } = {},
): Promise<OpenedWorkspace> {
  const config = new ConfigResolver(overrides, '--sku');
  // Each file is linted once: keep only a few parses (Bicep rules read the policies they deploy), drop the rest.
  const ws = new Workspace({ configFor: (f) => config.forFile(f), maxCachedPolicyParses: 64, timing: options.timing });
  const requested = await loadFromDisk(ws, roots, {
    namedByContent: true,
    ignored: (p, isDir) => config.isIgnored(p, isDir),
    onDirectory: (dir, entries) => config.noteListing(dir, entries.some((e) => e.name === CONFIG_FILE_NAME)),
  });
  const files = [...new Set(requested)].sort();
  const contextFiles = [
    ...(await loadContextQuietly(ws, contextRoots, (file, error) => stderr(`apim-mtls: --context ${oneLine(file)}: ${error}\n`), (more) => stderr(`apim-mtls: --context: ${more} more problems, not listed\n`))),
    ...(await loadContextQuietly(
      ws,
      config.contextOf(files),
      (file, error) => stderr(`apim-mtls: "context" in ${CONFIG_FILE_NAME}: ${oneLine(file)}: ${error}\n`),
      (more) => stderr(`apim-mtls: "context" in ${CONFIG_FILE_NAME}: ${more} more problems, not listed\n`),
    )),
  ];
  return { config, ws, files, contextFiles };
}

/** How many missing paths a usage error names. */
const MAX_MISSING_NAMED = 10;

/** The arguments `lint` and `tier` share: the paths (default: .), the `--context` paths, `--sku`; or what is wrong. */
export function workspaceArgs(
  parsed: ParsedArgs,
  cwd: string,
): { roots: string[]; contextRoots: string[]; overrides: Partial<LintConfig>; skipped: string[] } | { problem: string; brief?: boolean } {
  const overrides: Partial<LintConfig> = {};
  const skuArg = parsed.values.get('--sku');
  if (skuArg !== undefined) {
    const skus: Sku[] = [];
    for (const s of skuArg.split(',')) {
      const sku = toSku(s.trim());
      if (!sku) return { problem: `--sku: "${s}" is not an APIM SKU (${notASku(s.trim())})` };
      skus.push(sku);
    }
    overrides.skus = skus;
  }
  // A path that isn't there is a mistake in the command (a typo in a pipeline), not an empty lint that passes; unless
  // the command asks to skip such paths (`lint --skip-missing $(git diff --name-only …)`, where a file was deleted).
  const given = parsed.positionals.length ? parsed.positionals : ['.'];
  const contexts = parsed.all.get('--context') ?? [];
  // Each once (a path given 20,000 times was named 20,000 times), the first few named.
  const missing = [...new Set([...given, ...contexts])].filter((r) => !fs.existsSync(path.resolve(cwd, r)));
  const skipMissing = parsed.flags.has('--skip-missing');
  if (missing.length > 0 && !skipMissing) {
    const shown = missing.slice(0, MAX_MISSING_NAMED).map((m) => (contexts.includes(m) && !given.includes(m) ? `--context ${m}` : m));
    const list = shown.join(', ') + (missing.length > shown.length ? ` and ${missing.length - shown.length} more` : '');
    const why = missing.some((m) => m.includes('\uFFFD')) ? ` (${NOT_UTF8_NAME})` : '';
    // A link that leads nowhere is there, but its target isn't (or it is a loop of links): said as such.
    const dangling = missing.filter((m) => fs.lstatSync(path.resolve(cwd, m), { throwIfNoEntry: false })?.isSymbolicLink());
    const links = dangling.length > 0 ? ` (${dangling.length === 1 ? 'a symbolic link' : 'symbolic links'} whose target is missing or that loop${dangling.length === 1 ? 's' : ''}: ${dangling.join(', ')})` : '';
    return { problem: `no such file or directory: ${list}${why}${links}`, brief: true };
  }
  const gone = new Set(missing);
  // Each path once: the same folder given 30,000 times was walked 30,000 times.
  const resolved = (paths: string[]) => [...new Set(paths.filter((r) => !gone.has(r)).map((r) => path.resolve(cwd, r)))];
  return { roots: resolved(given), contextRoots: resolved(contexts), overrides, skipped: missing };
}
