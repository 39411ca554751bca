import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VERSION } from '../core/version';
import type { LoadedConfig } from '../engine/config';
import { tooLargeFor } from '../engine/files';
import { readOne } from '../engine/load';
import { replaceFile } from '../engine/write';
import type { FileContent, LintResult, Workspace } from '../engine/workspace';
import type { FileReport, LocatedMessage } from './report';
import { errorMessage } from '../core/errors';
import { makeDirectory } from '../core/mkdir';

/**
 * `apim-mtls lint --cache`: the reports of files whose inputs have not changed are reused from the last run, as
 * ESLint's `--cache --cache-strategy content` does. Unlike an ESLint rule, a finding here may depend on other files
 * (the tier comes from the Bicep that deploys a policy, a thumbprint from the certificate files), so a report is
 * reused only when all of these are as they were:
 * - the file's text and the configuration that applies to it (which holds the CLI's `--sku`);
 * - every input of the cross-file model and of the certificate index: the Bicep-kind files, the certificate files,
 *   the list of policy files, and the files the Bicep refers to outside the linted paths (re-read each time);
 * - the policies its rules read (a Bicep file's rules read the policies it deploys), recorded as they were read;
 * - the time: a report that judged a certificate against the clock is kept only until that judgement changes;
 * - this build of apim-mtls.
 * Anything else (an unreadable file, a rule that failed, a file over its time budget) is linted again every time.
 */

/** `--cache` without `--cache-location`: in the working folder, like ESLint's `.eslintcache`. */
export const DEFAULT_CACHE_FILE = '.apim-mtls-cache';

/** The cache file's shape; a file of another shape is ignored. */
const FORMAT = 2;

/** Far above what any workspace writes (≈ 1.5 MB for 4,400 files): a larger file is not ours, and is not read. */
const MAX_CACHE_BYTES = 256 * 1024 * 1024;

type CachedMessage = Omit<LocatedMessage, 'finding'>;

interface CachedFile {
  /** The file's text and its configuration. */
  key: string;
  messages: CachedMessage[];
  /** From this moment (ms since the epoch) the findings may change with time alone. */
  until?: number;
  /** The policy files the rules read, with what they held (`outside`: not among the linted files). */
  reads?: [file: string, content: string][];
  /** See `FileReport.untiered`. */
  untiered?: true;
}

interface CacheData {
  format: number;
  /** The version and build of apim-mtls that wrote it. */
  tool: string;
  /** The linted Bicep-kind files. While they are the same, so is the list of files they refer to. */
  bicep: string;
  /** The files the Bicep refers to outside the linted paths (also those looked for and missing), with what they held. */
  referenced: [file: string, content: string][];
  /** What every file's findings depend on besides its own text, its configuration and the policies it reads. */
  context: string;
  files: Record<string, CachedFile>;
}

/** What this run's files hold, as digests. */
interface Inputs {
  /** Per linted policy and Bicep-kind file: its text and configuration. */
  keys: Map<string, string>;
  /** Per linted policy file: its text (or why it can't be read). */
  policies: Map<string, string>;
  bicep: string;
  certificates: string;
  policyList: string;
}

function digest(parts: Iterable<string | Uint8Array>): string {
  const hash = createHash('sha1');
  // Length-prefixed: no two different lists of parts give the same stream.
  for (const p of parts) hash.update(`${typeof p === 'string' ? 's' : 'b'}${p.length}:`).update(p);
  return hash.digest('base64');
}

function digestContent(content: FileContent | undefined): string {
  if (!content) return 'missing';
  if ('problem' in content) return `problem:${content.problem}`;
  return digest(['bytes' in content ? content.bytes : content.text]);
}

/** The running build: a change to any rule changes the bundle, so a cache from another build is not used. */
function toolDigest(): string {
  try {
    return `${VERSION} ${digest([fs.readFileSync(__filename)])}`;
  } catch {
    return `${VERSION} unknown build`;
  }
}

export class LintCache {
  private readonly tool = toolDigest();
  private readonly previous: CacheData | undefined;
  private readonly next = new Map<string, CachedFile>();
  private held: boolean | undefined;
  /** This run's inputs (`describe`). */
  private inputs: Inputs = { keys: new Map(), policies: new Map(), bicep: '', certificates: '', policyList: '' };
  reused = 0;

  private constructor(
    readonly file: string,
    previous: CacheData | undefined,
    /** Why the previous cache was not used, when the user should know (a corrupt file). */
    readonly problem?: string,
    /** The file at the cache's path is something else (a template, a report): never replaced. */
    private readonly foreign = false,
  ) {
    this.previous = previous?.tool === this.tool ? previous : undefined;
  }

  /** Opens the cache at `location` (a file, or a folder to hold `.apim-mtls-cache`). Never throws. */
  static open(location: string): LintCache {
    let file = location;
    try {
      if (fs.statSync(location).isDirectory()) file = path.join(location, DEFAULT_CACHE_FILE);
    } catch {
      // Not there yet: the file is written after the run.
    }
    if (!fs.existsSync(file)) return new LintCache(file, undefined);
    // A regular file within the limit: a FIFO or a device named as the cache is refused, not read forever.
    const read = readOne(file, MAX_CACHE_BYTES, (size) => tooLargeFor('an apim-mtls cache', size, MAX_CACHE_BYTES));
    if ('problem' in read) {
      const why = read.problem.replace(/^cannot read: /, '');
      const special = fs.lstatSync(file, { throwIfNoEntry: false });
      // A file too large (or unreadable) is rewritten only when it starts as a cache: a 300 MB disk image named by
      // mistake was replaced by the cache.
      if (special?.isFile() && !startsAsCache(file)) return new LintCache(file, undefined, `not using ${file} as the cache (${why}): it is not an apim-mtls cache, so it is left as it is (name another file, or delete it)`, true);
      const kept = special && !special.isFile() && !special.isSymbolicLink();
      return new LintCache(file, undefined, `ignoring ${file}: ${why}${kept ? '' : ' (it will be rewritten)'}`, Boolean(kept));
    }
    const text = Buffer.from(read.bytes).toString('utf8');
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      // A cache cut short (a run killed while writing, before writes were atomic) starts as ours.
    }
    if (isCacheData(data)) return new LintCache(file, data);
    // Ours, of another format or damaged: rewritten. Anything else (`--cache-location main.bicep`, a typo) is left as it is.
    const ours = text.trim() === '' || CACHE_START.test(text);
    if (ours) return new LintCache(file, undefined, `ignoring ${file}: not a cache of this version, or damaged (it will be rewritten)`);
    return new LintCache(file, undefined, `not using ${file} as the cache: it is not an apim-mtls cache, so it is left as it is (name another file, or delete it)`, true);
  }

  /** Takes the digests of this run's inputs, from the files loaded so far (before those referenced from outside). */
  describe(ws: Workspace, files: readonly string[], configFor: (file: string) => LoadedConfig): void {
    const configs = new Map<LoadedConfig, string>();
    const keys = new Map<string, string>();
    const bicep: string[] = [];
    const certificates: (string | Uint8Array)[] = [];
    const policyList: string[] = [];
    const policies = new Map<string, string>();
    for (const file of files) {
      const content = ws.contentOf(file);
      if (!content) continue;
      if (content.kind === 'certificate') {
        certificates.push(file, content.problem === undefined ? 'text' : 'problem', content.problem ?? content.text, content.bytes ?? '');
        continue;
      }
      if (content.kind === 'bicep') bicep.push(file, content.problem === undefined ? 'text' : 'problem', content.problem ?? content.text);
      if (content.kind === 'policy') {
        policyList.push(file);
        policies.set(file, content.problem === undefined ? digest([content.text]) : `problem:${content.problem}`);
      }
      if (content.problem !== undefined) continue;
      const loaded = configFor(file);
      let config = configs.get(loaded);
      if (config === undefined) configs.set(loaded, (config = JSON.stringify(loaded)));
      keys.set(file, digest([content.text, config]));
    }
    this.inputs = { keys, policies, bicep: digest(bicep), certificates: digest(certificates), policyList: digest(policyList) };
  }

  /**
   * Does the last run's context still hold? The same Bicep, certificates and policy list, and the files referenced
   * from outside the linted paths (read again here) unchanged.
   */
  private contextHolds(): boolean {
    if (this.held !== undefined) return this.held;
    const inputs = this.inputs;
    const data = this.previous;
    this.held = false;
    if (!data || data.bicep !== inputs.bicep) return false;
    for (const [file, content] of data.referenced) {
      if (digestContent(fs.existsSync(file) ? readOne(file) : undefined) !== content) return false;
    }
    this.held = data.context === contextDigest(inputs, data.referenced);
    return this.held;
  }

  /** The last run's report of `file`, if nothing it depends on has changed. */
  reuse(file: string, now: number): FileReport | undefined {
    const data = this.previous;
    const inputs = this.inputs;
    const entry = data?.files[file];
    const key = inputs.keys.get(file);
    if (!data || !entry || key === undefined || entry.key !== key || !Array.isArray(entry.messages)) return undefined;
    if (entry.until !== undefined && now >= entry.until) return undefined;
    if (!this.contextHolds()) return undefined;
    for (const [policy, content] of entry.reads ?? []) if ((inputs.policies.get(policy) ?? 'outside') !== content) return undefined;
    this.next.set(file, entry);
    this.reused++;
    return entry.untiered === true ? { file, messages: entry.messages, untiered: true } : { file, messages: entry.messages };
  }

  /** Keeps a report made in this run, unless it holds a notice (unreadable, a rule that failed, over the budget). */
  remember(file: string, result: LintResult, report: FileReport): void {
    const inputs = this.inputs;
    const key = inputs.keys.get(file);
    if (key === undefined || result.notices.length > 0) return;
    const entry: CachedFile = { key, messages: report.messages.map(({ finding: _, ...m }) => m) };
    if (result.stableUntil !== undefined) entry.until = result.stableUntil;
    if (report.untiered) entry.untiered = true;
    // Policies outside the linted paths are among the referenced files, which the context covers.
    if (result.policiesRead?.size) entry.reads = [...result.policiesRead].sort().map((p) => [p, inputs.policies.get(p) ?? 'outside']);
    this.next.set(file, entry);
  }

  /**
   * Writes the cache for the files of this run. `referenced`: the files read from outside the linted paths, when
   * this run read them (else the last run's, which `contextHolds` found unchanged). Returns a problem, or undefined.
   */
  save(referenced: [string, string][] | undefined): string | undefined {
    const inputs = this.inputs;
    const refs = (referenced ?? this.previous?.referenced ?? []).slice().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const data: CacheData = {
      format: FORMAT,
      tool: this.tool,
      bicep: inputs.bicep,
      referenced: refs,
      context: contextDigest(inputs, refs),
      files: Object.fromEntries(this.next),
    };
    // Only a cache file (or a link, which the rename replaces, not its target) is ever replaced: a device, FIFO or
    // socket at that path is not a cache (as root, renaming over /dev/zero would replace the device), nor is a file
    // that holds something else.
    try {
      // (lstat throws ENOTDIR, not "no entry", under a path that is a file: `--cache-location a-file/cache`.)
      const existing = fs.lstatSync(this.file, { throwIfNoEntry: false });
      if (existing && !existing.isFile() && !existing.isSymbolicLink()) return `not writing the cache to ${this.file}: it is not a regular file`;
      // Said when it was opened ("left as it is").
      if (this.foreign) return undefined;
      // A folder named with a trailing separator (`--cache-location .cache/`) is made when it isn't there yet.
      makeDirectory(path.dirname(this.file));
      // A new file renamed over the old one: a link planted at a temporary name can't redirect the write.
      replaceFile(this.file, JSON.stringify(data));
      return undefined;
    } catch (e) {
      return `cannot write the cache ${this.file}: ${errorMessage(e)}`;
    }
  }
}

/** How a cache written by apim-mtls starts, whatever its format. */
const CACHE_START = /^\{\s*"format"\s*:/;

/** Does the file start as a cache of ours (read from its first bytes: it is too large to read whole)? */
function startsAsCache(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(64);
    return CACHE_START.test(head.subarray(0, fs.readSync(fd, head, 0, head.length, 0)).toString('utf8'));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isPair = (x: unknown): x is [string, string] => Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && typeof x[1] === 'string';
const isPosition = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 1;

/** A message as `remember` writes it: what the report formats read, of the right types. */
function isCachedMessage(m: unknown): boolean {
  if (!isObject(m)) return false;
  return (
    (m.ruleId === null || typeof m.ruleId === 'string') &&
    typeof m.level === 'string' &&
    ['error', 'warning', 'info', 'hint'].includes(m.level) &&
    typeof m.message === 'string' &&
    [m.line, m.column, m.endLine, m.endColumn].every(isPosition) &&
    (m.fix === undefined || isFix(m.fix)) &&
    (m.suggestions === undefined || (Array.isArray(m.suggestions) && m.suggestions.every((x) => isObject(x) && typeof x.desc === 'string' && isFix(x.fix))))
  );
}

function isFix(f: unknown): boolean {
  return isObject(f) && typeof f.text === 'string' && Array.isArray(f.range) && f.range.length === 2 && f.range.every((n) => Number.isInteger(n) && n >= 0);
}

function isCachedFile(f: unknown): boolean {
  if (!isObject(f) || typeof f.key !== 'string' || !Array.isArray(f.messages) || !f.messages.every(isCachedMessage)) return false;
  if (f.until !== undefined && typeof f.until !== 'number') return false;
  return f.reads === undefined || (Array.isArray(f.reads) && f.reads.every(isPair));
}

/** A cache of this format, every part of the shape `save` writes (a damaged one is rewritten, never trusted). */
function isCacheData(d: unknown): d is CacheData {
  return (
    isObject(d) &&
    d.format === FORMAT &&
    typeof d.tool === 'string' &&
    typeof d.bicep === 'string' &&
    typeof d.context === 'string' &&
    Array.isArray(d.referenced) &&
    d.referenced.every(isPair) &&
    isObject(d.files) &&
    Object.values(d.files).every(isCachedFile)
  );
}

/** What a file read from outside the linted paths held, for `save`. */
export function referencedEntry(file: string, content: FileContent | undefined): [string, string] {
  return [file, digestContent(content)];
}

function contextDigest(inputs: Inputs, referenced: readonly [string, string][]): string {
  return digest([inputs.bicep, inputs.certificates, inputs.policyList, ...referenced.flat()]);
}
