import * as fs from 'node:fs';
import * as path from 'node:path';
import { isLevel, type Level } from '../core/finding';
import { ignorePatternProblem, isIgnored, type IgnoreRules } from './ignore';
import { describeFsError } from './discover';
import { decodeFile, tooLargeFor } from './files';
import { readOne } from './load';
import { notASku, toSku, type Sku } from '../model/sku';
import type { Span } from '../core/text';
import { JsonError, JsonReader } from '../parsers/bicep/parameters-json';
import type { Expr, PropertyMember } from '../parsers/bicep/types';
import { ruleById, similarRuleId } from '../rules';
import { probablyMeant } from '../core/nearest';
import { errorMessage } from '../core/errors';

/** A configuration file is a few hundred bytes; a larger one is a mistake (or a device), refused with a problem. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** The name of the configuration file, found by walking up from a linted file. */
export const CONFIG_FILE_NAME = '.apim-mtls.json';

/** What users can set, in `.apim-mtls.json`, in VS Code settings (`apimMtls.*`) or on the command line. */
export interface LintConfig {
  /** Rule levels by id; rules not named keep their default level. */
  rules: Record<string, Level>;
  /** The SKUs to assume for policies whose tier no Bicep in the workspace tells (none deploys them, or can't be read). */
  skus?: Sku[];
  certificateExpiryWarningDays: number;
  /**
   * Milliseconds of parsing and rules one file may take; past them the rule running is stopped, the file's remaining
   * rules are skipped, and a notice says which (see `Workspace.lint` and `engine/watchdog.ts`).
   */
  fileTimeBudgetMs: number;
  /**
   * Folders or files (absolute; written relative to the configuration file) whose Bicep, parameters and certificate
   * files give the linted files their context, as `--context` does: only from `.apim-mtls.json`.
   */
  context?: string[];
  /** Paths under the configuration file's folder that are not read: only from `.apim-mtls.json`. */
  ignore?: IgnoreRules;
}

export const DEFAULT_CONFIG: LintConfig = { rules: {}, certificateExpiryWarningDays: 30, fileTimeBudgetMs: 3000 };

export interface LoadedConfig {
  config: LintConfig;
  /** The file it came from, when one was found. */
  file?: string;
  /** The file's text, where its problems are placed. */
  text?: string;
  /** Where `config.skus` comes from: this configuration file, or the overrides (`--sku`, `apimMtls.sku`), by name. */
  skusFrom?: { file: string } | { setting: string };
  /** What was wrong with the file (the rest of it still applies). */
  problems: ConfigProblem[];
}

/** A mistake in a configuration file or in the editor's settings: the rest of it still applies. */
export interface ConfigProblem {
  message: string;
  /** The keys leading to the setting it is about (`["rules", "some-id"]`); absent for the whole file. */
  path?: string[];
  /** The problem is with the value at `path` (else with its key). */
  value?: boolean;
  /** In the configuration file: what `path` names, or where the JSON is broken. */
  span?: Span;
}

/** Problems reported per configuration, at most (then one that counts the rest). */
const MAX_PROBLEMS = 100;

const SETTINGS = new Set(['rules', 'sku', 'certificateExpiryWarningDays', 'fileTimeBudgetMs', 'context', 'ignore', '$schema']);

/** Validates raw JSON-ish settings into a config, collecting problems instead of throwing. */
export function parseConfig(raw: unknown, baseDir?: string): { config: Partial<LintConfig>; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  let dropped = 0;
  // A file of thousands of mistakes (generated, or not a configuration at all) says the first ones, then how many more.
  // The same mistake repeated (100,000 copies of one wrong SKU) is said once.
  const said = new Set<string>();
  const report = (problem: () => ConfigProblem): void => {
    if (problems.length >= MAX_PROBLEMS) {
      dropped++;
      return;
    }
    const p = problem();
    const key = `${p.path?.join('\u0000') ?? ''}\u0001${p.message}`;
    if (said.has(key)) return;
    said.add(key);
    problems.push(p);
  };
  const config: Partial<LintConfig> = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { config, problems: [{ message: 'expected a JSON object' }] };
  }
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (SETTINGS.has(key)) continue;
    report(() => {
      const similar = probablyMeant(key, [...SETTINGS]);
      return { message: `unknown setting "${key}"${similar ? ` (did you mean "${similar}"?)` : ''}`, path: [key] };
    });
  }
  if (obj.rules !== undefined) {
    if (obj.rules === null || typeof obj.rules !== 'object' || Array.isArray(obj.rules)) {
      report(() => ({ message: '"rules" must be an object of rule id → level', path: ['rules'], value: true }));
    } else {
      const rules: Record<string, Level> = {};
      for (const [id, level] of Object.entries(obj.rules as Record<string, unknown>)) {
        // A mistyped id would change nothing, silently (an "error" meant to fail CI, an "off" that never applies).
        if (!ruleById(id)) {
          report(() => {
            const similar = similarRuleId(id);
            return { message: `no rule "${id}"${similar ? ` (did you mean ${similar}?)` : ''}; \`apim-mtls rules\` lists them`, path: ['rules', id] };
          });
        } else if (isLevel(level)) rules[id] = level;
        else report(() => ({ message: `rule "${id}": level must be one of off, hint, info, warning, error`, path: ['rules', id], value: true }));
      }
      config.rules = rules;
    }
  }
  if (obj.sku !== undefined && obj.sku !== '' && obj.sku !== null) {
    const list = Array.isArray(obj.sku) ? obj.sku : [obj.sku];
    const skus: Sku[] = [];
    for (const s of list) {
      const sku = typeof s === 'string' ? toSku(s) : undefined;
      if (sku) skus.push(sku);
      else report(() => ({ message: `"sku": ${preview(s)} is not an APIM SKU${typeof s === 'string' ? ` (${notASku(s)})` : ''}`, path: ['sku'], value: true }));
    }
    if (skus.length) config.skus = skus;
  }
  if (obj.certificateExpiryWarningDays !== undefined) {
    const d = obj.certificateExpiryWarningDays;
    if (typeof d === 'number' && Number.isFinite(d) && d >= 0) config.certificateExpiryWarningDays = d;
    else report(() => ({ message: '"certificateExpiryWarningDays" must be a number of days ≥ 0', path: ['certificateExpiryWarningDays'], value: true }));
  }
  if (obj.fileTimeBudgetMs !== undefined) {
    const ms = obj.fileTimeBudgetMs;
    if (typeof ms === 'number' && Number.isFinite(ms) && ms > 0) config.fileTimeBudgetMs = ms;
    else report(() => ({ message: '"fileTimeBudgetMs" must be a number of milliseconds > 0', path: ['fileTimeBudgetMs'], value: true }));
  }
  if (obj.context !== undefined) {
    const list = Array.isArray(obj.context) ? obj.context : [obj.context];
    if (baseDir === undefined) report(() => ({ message: '"context" is read from .apim-mtls.json only', path: ['context'] }));
    else if (list.every((p) => typeof p === 'string' && p !== '')) config.context = list.map((p) => path.resolve(baseDir, p as string));
    else report(() => ({ message: '"context" must be a path or a list of paths, relative to the configuration file', path: ['context'], value: true }));
  }
  if (obj.ignore !== undefined) {
    const list = Array.isArray(obj.ignore) ? obj.ignore : [obj.ignore];
    if (baseDir === undefined) report(() => ({ message: '"ignore" is read from .apim-mtls.json only', path: ['ignore'] }));
    else if (!list.every((p) => typeof p === 'string')) report(() => ({ message: '"ignore" must be a pattern or a list of patterns, relative to the configuration file', path: ['ignore'], value: true }));
    else {
      const patterns: string[] = [];
      list.forEach((p) => {
        const why = ignorePatternProblem(p as string);
        if (why) report(() => ({ message: `"ignore": ${preview(p)}: ${why}`, path: ['ignore'], value: true }));
        else patterns.push(p as string);
      });
      if (patterns.length > 0) config.ignore = { dir: baseDir, patterns };
    }
  }
  if (dropped > 0) problems.push({ message: `… and ${dropped} more problem${dropped === 1 ? '' : 's'} in this configuration` });
  return { config, problems };
}

/** Longest value quoted back in a message; the rest is cut (a 1 MB SKU string made a 1 MB message). */
const MAX_PREVIEW = 60;

/**
 * A wrong value as a message quotes it: a string or number as JSON, cut to `MAX_PREVIEW`; an array or object by its
 * kind (JSON.stringify of a value nested 20,000 levels deep overflows the stack).
 */
export function preview(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value.length > MAX_PREVIEW ? value.slice(0, MAX_PREVIEW) : value) : String(value);
  return typeof value === 'string' && value.length > MAX_PREVIEW ? `${text.slice(0, -1)}…" (${value.length} characters)` : text;
}

/** Reads a configuration file's text: its settings, and its problems placed in the text. */
export function readConfigFile(text: string, baseDir: string): { config: Partial<LintConfig>; problems: ConfigProblem[] } {
  const json = text.replace(/^\uFEFF/, '');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    const problem: ConfigProblem = { message: `not valid JSON (${errorMessage(e)}); the defaults apply` };
    const span = brokenAt(text, e as Error);
    if (span) problem.span = span;
    return { config: {}, problems: [problem] };
  }
  const parsed = parseConfig(raw, baseDir);
  let tree: Expr | undefined;
  const members = new Map<Expr, Map<string, PropertyMember>>();
  for (const problem of parsed.problems) {
    if (!problem.path) continue;
    tree ??= jsonTree(text);
    const span = tree && locate(tree, problem.path, problem.value ?? false, members);
    if (span) problem.span = span;
  }
  // In the order of the file; those without a place (the count of the ones left out) last.
  parsed.problems.sort((a, b) => (a.span?.start ?? Number.MAX_SAFE_INTEGER) - (b.span?.start ?? Number.MAX_SAFE_INTEGER));
  return parsed;
}

/** The JSON with spans (text that JSON.parse took always reads; a byte order mark is a blank that keeps offsets). */
function jsonTree(text: string): Expr | undefined {
  try {
    return new JsonReader(text.replace(/^\uFEFF/, ' ')).document();
  } catch {
    return undefined;
  }
}

/** Where text that JSON.parse refused is broken: the position its error names (V8 names one), else the reader's. */
function brokenAt(text: string, error: Error): Span | undefined {
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  const named = /at position (\d+)/.exec(error.message);
  if (named) {
    const at = Math.min(text.length, Number(named[1]) + bom);
    return { start: at, end: Math.min(text.length, at + 1) };
  }
  try {
    new JsonReader(text.replace(/^\uFEFF/, ' ')).document();
    return undefined;
  } catch (e) {
    return e instanceof JsonError ? { start: e.at, end: Math.min(text.length, e.at + 1) } : undefined;
  }
}

/**
 * The key (or value) a path of keys names; the last of duplicate keys, as JSON.parse keeps it. Each object's keys are
 * indexed once (`members`), so placing many problems stays linear.
 */
function locate(tree: Expr, keys: string[], value: boolean, members: Map<Expr, Map<string, PropertyMember>>): Span | undefined {
  let node: Expr = tree;
  let span: Span | undefined;
  for (const key of keys) {
    if (node.kind !== 'object') return undefined;
    let byKey = members.get(node);
    if (!byKey) {
      byKey = new Map();
      for (const m of node.members) if (m.kind === 'property') byKey.set(m.key, m);
      members.set(node, byKey);
    }
    const member = byKey.get(key);
    if (!member) return undefined;
    span = value ? member.value.span : member.keySpan;
    node = member.value;
  }
  return span;
}

/** Later layers override earlier ones; rule levels merge by id. */
export function mergeConfig(base: LintConfig, ...layers: Partial<LintConfig>[]): LintConfig {
  let out: LintConfig = { ...base, rules: { ...base.rules } };
  for (const layer of layers) {
    out = {
      rules: { ...out.rules, ...(layer.rules ?? {}) },
      skus: layer.skus ?? out.skus,
      certificateExpiryWarningDays: layer.certificateExpiryWarningDays ?? out.certificateExpiryWarningDays,
      fileTimeBudgetMs: layer.fileTimeBudgetMs ?? out.fileTimeBudgetMs,
      context: layer.context ?? out.context,
      ignore: layer.ignore ?? out.ignore,
    };
  }
  return out;
}

/**
 * Finds and reads the nearest `.apim-mtls.json` above a file, caching per directory.
 * Overrides (CLI flags, editor settings) apply on top of the file.
 */
export class ConfigResolver {
  private readonly byDir = new Map<string, LoadedConfig>();
  /** Folders whose listing was seen (by discovery): whether it holds a config file. Spares a stat per folder. */
  private readonly listed = new Map<string, boolean>();

  /** `overridesName` names the overrides in messages (`--sku`, `apimMtls.sku`). */
  constructor(
    private readonly overrides: Partial<LintConfig> = {},
    private readonly overridesName = 'the settings',
  ) {}

  forFile(file: string): LoadedConfig {
    return this.forDir(path.dirname(file));
  }

  /** Forget cached files (a config file changed on disk). */
  clear(): void {
    this.byDir.clear();
    this.listed.clear();
  }

  /** The `context` paths of the configurations of these files, each once, in the order first met. */
  contextOf(files: Iterable<string>): string[] {
    const out = new Set<string>();
    const dirs = new Set<string>();
    for (const file of files) {
      const dir = path.dirname(file);
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      for (const p of this.forDir(dir).config.context ?? []) out.add(p);
    }
    return [...out];
  }

  /** Is the path (a folder when `isDir`) ignored by the `ignore` of the configuration that applies where it lies? */
  isIgnored(p: string, isDir: boolean): boolean {
    const rules = this.forDir(path.dirname(p)).config.ignore;
    return rules !== undefined && isIgnored(rules, p, isDir);
  }

  /** The configuration files read so far (each once), with their problems: reported on the files themselves. */
  files(): LoadedConfig[] {
    const out = new Map<string, LoadedConfig>();
    for (const loaded of this.byDir.values()) if (loaded.file) out.set(loaded.file, loaded);
    return [...out.values()];
  }

  /** A configuration: the file's settings (if any) under the overrides, and where its SKUs come from. */
  private loaded(fromFile: Partial<LintConfig>, file: string | undefined, rest: { text?: string; problems: ConfigProblem[] }): LoadedConfig {
    const out: LoadedConfig = { config: mergeConfig(DEFAULT_CONFIG, fromFile, this.overrides), ...rest };
    if (file) out.file = file;
    if (this.overrides.skus) out.skusFrom = { setting: this.overridesName };
    else if (fromFile.skus && file) out.skusFrom = { file };
    return out;
  }

  /** Tells the resolver what a folder held when it was just listed (discovery reads every folder anyway). */
  noteListing(dir: string, hasConfigFile: boolean): void {
    this.listed.set(dir, hasConfigFile);
  }

  private forDir(dir: string): LoadedConfig {
    const cached = this.byDir.get(dir);
    if (cached) return cached;
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    let result: LoadedConfig;
    let text: string | undefined;
    let unreadable: string | undefined;
    try {
      // stat first: most folders have no config file, and a thrown ENOENT per folder costs more than the lookup.
      // lstat: a link that leads nowhere (a submodule not checked out) is a configuration that can't be read, not none.
      if (this.listed.get(dir) !== false && lstatIfThere(candidate)) {
        // Read as the workspace's files are: a regular file (not a FIFO or a device), within a size limit, UTF-8 or UTF-16.
        const read = readOne(candidate, MAX_CONFIG_BYTES, (bytes) => tooLargeFor('a configuration file', bytes, MAX_CONFIG_BYTES));
        const decoded = 'bytes' in read ? decodeFile(read.bytes, 'other') : read;
        if ('text' in decoded) text = decoded.text;
        else unreadable = decoded.problem.replace(/^cannot read: /, '');
      }
    } catch (e) {
      // There, but it can't be read (permissions, a folder of that name): said, not skipped for the parent's.
      unreadable = describeFsError(e);
    }
    if (unreadable !== undefined) {
      result = this.loaded({}, candidate, { problems: [{ message: `cannot read: ${unreadable}; the defaults apply` }] });
    } else if (text !== undefined) {
      const parsed = readConfigFile(text, dir);
      result = this.loaded(parsed.config, candidate, { text, problems: parsed.problems });
    } else {
      const parent = path.dirname(dir);
      result = parent === dir ? this.loaded({}, undefined, { problems: [] }) : this.forDir(parent);
    }
    this.byDir.set(dir, result);
    return result;
  }
}

/**
 * `lstat`, or undefined when nothing is there: no entry, or a "folder" that is a file (ENOTDIR, which throwIfNoEntry
 * doesn't cover: a path under a file, opened in the editor, was told its configuration can't be read).
 */
function lstatIfThere(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}
