import * as fs from 'node:fs';
import * as path from 'node:path';
import { isLevel, type Level } from '../core/finding';
import { toSku, type Sku } from '../model/sku';

/** The name of the configuration file, found by walking up from a linted file. */
export const CONFIG_FILE_NAME = '.apim-mtls.json';

/** What users can set, in `.apim-mtls.json`, in VS Code settings (`apimMtls.*`) or on the command line. */
export interface LintConfig {
  /** Rule levels by id; rules not named keep their default level. */
  rules: Record<string, Level>;
  /** The SKUs to assume for policies that no Bicep in the workspace deploys. */
  skus?: Sku[];
  certificateExpiryWarningDays: number;
  /**
   * Milliseconds of parsing and rules one file may take; past them the file's remaining rules are skipped and a
   * notice says which. Checked between rules (a rule is never interrupted).
   */
  fileTimeBudgetMs: number;
  /**
   * Folders or files (absolute; written relative to the configuration file) whose Bicep, parameters and certificate
   * files give the linted files their context, as `--context` does: only from `.apim-mtls.json`.
   */
  context?: string[];
}

export const DEFAULT_CONFIG: LintConfig = { rules: {}, certificateExpiryWarningDays: 30, fileTimeBudgetMs: 3000 };

export interface LoadedConfig {
  config: LintConfig;
  /** The file it came from, when one was found. */
  file?: string;
  /** What was wrong with the file (the rest of it still applies). */
  problems: string[];
}

/** Validates raw JSON-ish settings into a config, collecting problems instead of throwing. */
export function parseConfig(raw: unknown, where: string, baseDir?: string): { config: Partial<LintConfig>; problems: string[] } {
  const problems: string[] = [];
  const config: Partial<LintConfig> = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { config, problems: [`${where}: expected a JSON object`] };
  }
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!['rules', 'sku', 'certificateExpiryWarningDays', 'fileTimeBudgetMs', 'context', '$schema'].includes(key)) {
      problems.push(`${where}: unknown setting "${key}"`);
    }
  }
  if (obj.rules !== undefined) {
    if (obj.rules === null || typeof obj.rules !== 'object' || Array.isArray(obj.rules)) {
      problems.push(`${where}: "rules" must be an object of rule id → level`);
    } else {
      const rules: Record<string, Level> = {};
      for (const [id, level] of Object.entries(obj.rules as Record<string, unknown>)) {
        if (isLevel(level)) rules[id] = level;
        else problems.push(`${where}: rule "${id}": level must be one of off, hint, info, warning, error`);
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
      else problems.push(`${where}: "sku": ${JSON.stringify(s)} is not an APIM SKU`);
    }
    if (skus.length) config.skus = skus;
  }
  if (obj.certificateExpiryWarningDays !== undefined) {
    const d = obj.certificateExpiryWarningDays;
    if (typeof d === 'number' && Number.isFinite(d) && d >= 0) config.certificateExpiryWarningDays = d;
    else problems.push(`${where}: "certificateExpiryWarningDays" must be a number of days ≥ 0`);
  }
  if (obj.fileTimeBudgetMs !== undefined) {
    const ms = obj.fileTimeBudgetMs;
    if (typeof ms === 'number' && Number.isFinite(ms) && ms > 0) config.fileTimeBudgetMs = ms;
    else problems.push(`${where}: "fileTimeBudgetMs" must be a number of milliseconds > 0`);
  }
  if (obj.context !== undefined) {
    const list = Array.isArray(obj.context) ? obj.context : [obj.context];
    if (baseDir === undefined) problems.push(`${where}: "context" is read from .apim-mtls.json only`);
    else if (list.every((p) => typeof p === 'string' && p !== '')) config.context = list.map((p) => path.resolve(baseDir, p as string));
    else problems.push(`${where}: "context" must be a path or a list of paths, relative to the configuration file`);
  }
  return { config, problems };
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

  constructor(private readonly overrides: Partial<LintConfig> = {}) {}

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
    try {
      // stat first: most folders have no config file, and a thrown ENOENT per folder costs more than the lookup.
      text = this.listed.get(dir) !== false && fs.statSync(candidate, { throwIfNoEntry: false }) ? fs.readFileSync(candidate, 'utf8') : undefined;
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      let raw: unknown;
      const problems: string[] = [];
      try {
        raw = JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch (e) {
        problems.push(`${candidate}: not valid JSON (${(e as Error).message})`);
      }
      const parsed = raw === undefined ? { config: {}, problems: [] } : parseConfig(raw, candidate, dir);
      result = {
        config: mergeConfig(DEFAULT_CONFIG, parsed.config, this.overrides),
        file: candidate,
        problems: [...problems, ...parsed.problems],
      };
    } else {
      const parent = path.dirname(dir);
      result =
        parent === dir
          ? { config: mergeConfig(DEFAULT_CONFIG, this.overrides), problems: [] }
          : this.forDir(parent);
    }
    this.byDir.set(dir, result);
    return result;
  }
}
