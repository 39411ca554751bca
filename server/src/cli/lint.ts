import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LintConfig } from '../engine/config';
import { loadReferencedFiles } from '../engine/context';
import { withLineEndingsOf } from '../core/text';
import { applyEdits, autofixes } from '../engine/autofix';
import { decodeFile, type FileKind } from '../engine/files';
import { realOrResolved } from '../engine/load';
import { replaceFile } from '../engine/write';
import { ruleCatalog } from '../rules';
import { UNUSED_SUPPRESSION } from '../rules/unused-suppression';
import { parseArgs, UsageError } from './args';
import { openWorkspace, workspaceArgs, type OpenedWorkspace } from './open';
import type { Workspace } from '../engine/workspace';
import { DEFAULT_CACHE_FILE, LintCache, referencedEntry } from './cache';
import { formatAzureDevOps } from './format/azure-devops';
import { formatGitlab } from './format/gitlab';
import { formatGithub } from './format/github';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { formatText } from './format/text';
import { logSafe, oneLine } from './format/log-safe';
import { configReport, locate, totals, type FileReport } from './report';
import { errorMessage } from '../core/errors';
import { makeDirectory } from '../core/mkdir';

/** The report formats, by `--format` name. */
const FORMATS: Record<string, (reports: FileReport[], cwd: string) => string> = {
  text: formatText,
  json: (reports) => formatJson(reports),
  sarif: (reports, cwd) => formatSarif(reports, ruleCatalog, cwd),
  github: formatGithub,
  'azure-devops': formatAzureDevOps,
  gitlab: formatGitlab,
};

export const LINT_USAGE = `Usage: apim-mtls lint [paths…] [options]

Lints APIM policy XML, Bicep and certificate references under the given files and folders (default: .).

Options:
  --format text|json|sarif|github|azure-devops|gitlab
                             output format (default: text); github: annotations in GitHub Actions;
                             azure-devops: issues in Azure Pipelines (##vso[task.logissue]);
                             gitlab: a Code Quality report (artifacts: reports: codequality)
  --sku SKU[,SKU…]           tier(s) to assume for policies whose tier no Bicep file tells (none deploys
                             them, or their service's tier can't be read)
  --max-warnings N           exit 1 when there are more than N warnings
  --context PATH             also read the Bicep, parameters and certificate files under PATH (repeatable), not
                             to lint them but for what they tell the linted files: their tier, what deploys them,
                             the certificates they pin. Give the repository root when linting a few changed files
  --skip-missing             skip the paths given that don't exist (said on stderr) instead of stopping with a
                             usage error: for \`apim-mtls lint --skip-missing $(git diff --name-only …)\`, where
                             the diff deletes files
  --report-unused-suppressions
                             report suppression comments that suppress nothing (the unused-suppression rule, as a
                             warning); lint the whole repository when you do: a file linted alone knows less
  --fix                      apply the safe fixes (thumbprint separators and case, PEM markers, ?., a missing
                             loadTextContent or format: 'rawxml') to the files, then report what is left
  --cache                    reuse the reports of files whose inputs have not changed since the last run
  --cache-location PATH      the cache file, or a folder for it (an existing one, or PATH/; default: ./${DEFAULT_CACHE_FILE})
  -o, --output-file FILE     write the report to FILE (its folder made if needed) instead of standard output;
                             never over a policy, Bicep or certificate file the run read
  -h, --help                 show this help

Exit codes: 0 no errors, 1 errors (or too many warnings), 2 usage error.`;

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

/** `apim-mtls lint`: returns the exit code. */
export async function runLint(args: string[], io: CliIO): Promise<number> {
  const options = parseLintOptions(args, io.cwd);
  if (options === 'help') {
    io.stdout(LINT_USAGE + '\n');
    return 0;
  }
  if ('problem' in options) return usage(io, options.problem);
  for (const p of options.skipped) io.stderr(logSafe(`apim-mtls: ${oneLine(p)}: no such file or directory; skipped (--skip-missing)\n`));
  if (options.fix) await fixFiles(options, io);
  // APIM_MTLS_TIMING=1: where the time went, on stderr (like ESLint's TIMING=1).
  const timing = process.env.APIM_MTLS_TIMING ? new Map<string, number>() : undefined;
  const phase = timing ? phaseTimer(timing) : () => undefined;
  const cache = options.cacheFile !== undefined ? LintCache.open(options.cacheFile) : undefined;
  if (cache?.problem) io.stderr(`apim-mtls: ${cache.problem}\n`);
  // The context files are read for what they tell the linted files, never linted or reported.
  const opened = await openWorkspace(options.roots, options.contextRoots, options.overrides, io.stderr, { timing });
  phase('phase:discover+read');
  const { byFile, referenced } = lintAll(opened, options.roots, cache, phase);
  phase('phase:lint');
  const reports = collectReports(opened, byFile);
  if (!writeReport(reports, options, io, opened)) return 2;
  phase('phase:output');
  if (cache) {
    const problem = cache.save(referenced);
    if (problem) io.stderr(`apim-mtls: ${problem}\n`);
    phase('phase:cache');
  }
  if (timing) io.stderr(formatTiming(timing) + (cache ? `cache: ${cache.reused} of ${opened.files.length} files reused\n` : ''));
  if (options.reportUnusedSuppressions) warnUnjudgedPolicies(opened, byFile, io);
  warnUntieredPolicies(opened, byFile, io);
  return exitCode(reports, options.maxWarnings, io);
}

/** What `apim-mtls lint` is asked to do, from its arguments. */
interface LintOptions {
  format: string;
  roots: string[];
  contextRoots: string[];
  overrides: Partial<LintConfig>;
  /** More warnings than this exit 1; -1: no limit. */
  maxWarnings: number;
  fix: boolean;
  reportUnusedSuppressions: boolean;
  /** The cache file, with `--cache` or `--cache-location`. */
  cacheFile: string | undefined;
  outputFile: string | undefined;
  /** Paths given that aren't there, skipped (`--skip-missing`). */
  skipped: string[];
}

/** Reads the arguments of `apim-mtls lint`: its options, `help` when asked for, or what is wrong with them. */
function parseLintOptions(args: string[], cwd: string): LintOptions | 'help' | { problem: string } {
  let parsed;
  try {
    parsed = parseArgs(args, { values: ['--format', '--sku', '--max-warnings', '--output-file', '--cache-location', '--context'], flags: ['--help', '-h', '--cache', '--fix', '--report-unused-suppressions', '--skip-missing'], aliases: { '-o': '--output-file' } });
  } catch (e) {
    if (e instanceof UsageError) return { problem: e.message };
    throw e;
  }
  if (parsed.flags.has('--help') || parsed.flags.has('-h')) return 'help';
  const format = parsed.values.get('--format') ?? 'text';
  if (!Object.hasOwn(FORMATS, format)) return { problem: `--format must be one of ${Object.keys(FORMATS).join(', ')}, not "${format}"` };
  const paths = workspaceArgs(parsed, cwd);
  if ('problem' in paths) return { problem: paths.problem };
  const { roots, contextRoots, overrides, skipped } = paths;
  const reportUnusedSuppressions = parsed.flags.has('--report-unused-suppressions');
  // As ESLint's --report-unused-disable-directives: on for this run, over what the configuration says.
  if (reportUnusedSuppressions) overrides.rules = { ...overrides.rules, [UNUSED_SUPPRESSION]: 'warning' };
  const maxWarnings = parsed.values.get('--max-warnings');
  if (maxWarnings !== undefined && !/^\d+$/.test(maxWarnings)) return { problem: '--max-warnings takes a whole number' };
  const cacheLocation = parsed.values.get('--cache-location');
  return {
    format,
    roots,
    contextRoots,
    overrides,
    maxWarnings: maxWarnings === undefined ? -1 : Number(maxWarnings),
    fix: parsed.flags.has('--fix'),
    reportUnusedSuppressions,
    cacheFile: parsed.flags.has('--cache') || cacheLocation !== undefined ? cachePath(cwd, cacheLocation) : undefined,
    outputFile: parsed.values.get('--output-file'),
    skipped,
  };
}

/** `--fix`: applies the automatic fixes to the files, and says on stderr how many, and what could not be written. */
async function fixFiles(options: LintOptions, io: CliIO): Promise<void> {
  const fixed = await applyAutofixes(options.roots, options.overrides, options.contextRoots);
  if (fixed.fixes > 0) io.stderr(`apim-mtls: --fix applied ${fixed.fixes} ${fixed.fixes === 1 ? 'fix' : 'fixes'} in ${fixed.files.size} ${fixed.files.size === 1 ? 'file' : 'files'}\n`);
  for (const problem of fixed.problems) io.stderr(`apim-mtls: --fix: ${problem}\n`);
}

/** Each file's report (undefined: nothing to show), keyed by file. */
type ReportsByFile = Map<string, FileReport | undefined>;

/**
 * Lints the files, or takes their reports from the cache where they still hold. Returns the reports and the files
 * referenced from outside the paths that were read for context (for the cache; undefined when none was needed).
 */
function lintAll(
  { ws, files, contextFiles, config }: OpenedWorkspace,
  roots: readonly string[],
  cache: LintCache | undefined,
  phase: (name: string) => void,
): { byFile: ReportsByFile; referenced: [string, string][] | undefined } {
  const wanted = new Set(files);
  // A certificate file's own findings (expired, expiring) are the editor's, except for a file named as a path: asked for.
  const named = new Set(roots);
  const byFile: ReportsByFile = new Map();
  // With --cache, the reports that still hold are taken from the last run; only the rest is linted (and needs the
  // files referenced from outside the paths, the model and the certificates).
  if (cache) {
    cache.describe(ws, [...files, ...contextFiles], (f) => config.forFile(f));
    const now = Date.now();
    for (const file of files) {
      const report = cache.reuse(file, now);
      if (report) byFile.set(file, report);
    }
    phase('phase:cache');
  }
  let referenced: [string, string][] | undefined;
  // Bicep imported or files loaded from outside the paths give context (a SKU, a deployed policy), not linted. Read
  // only when a policy or Bicep file is linted (certificate files and unreadable files are linted without it).
  if (files.some((f) => !byFile.has(f) && (ws.kindOf(f) === 'policy' || ws.kindOf(f) === 'bicep') && ws.contentOf(f)?.problem === undefined)) {
    referenced = [];
    loadReferencedFiles(ws, (file, content) => referenced!.push(referencedEntry(file, content)));
    phase('phase:referenced');
  }
  const lintOne = (file: string): void => {
    if (byFile.has(file)) return;
    const kind = ws.kindOf(file);
    const asked = kind === 'certificate' && named.has(file);
    const result = ws.lint(file, { certificateRules: asked });
    // Notices sit at 1:1: the line index only for findings.
    const report = locate(result, result.findings.length ? ws.lineIndex(file) : undefined);
    if (ws.contentOf(file)?.problem !== undefined) report.notLinted = true;
    else if (kind === 'policy' && untiered(ws, file)) report.untiered = true;
    if (kind === 'policy' || kind === 'bicep') cache?.remember(file, result, report);
    byFile.set(file, kind === 'policy' || kind === 'bicep' || asked || result.notices.length ? report : undefined);
    ws.release(file);
  };
  // Findings don't depend on the order files are linted in. The policies a Bicep file deploys are linted right
  // after it, while the parses its rules made are still cached: each policy is parsed once, not twice.
  // `lintAll` stops a rule that runs past its file's budget, and may cut this loop to do so: it goes on from `next`.
  let next = 0;
  ws.lintAll(() => {
    if (next >= files.length) return false;
    const file = files[next]!;
    if (byFile.has(file)) {
      next++;
      return true;
    }
    lintOne(file);
    if (ws.kindOf(file) === 'bicep') {
      for (const policy of ws.getModel().policyResourcesIn(file)) {
        const loaded = policy.value?.loadedFile?.path;
        if (loaded && wanted.has(loaded)) lintOne(loaded);
      }
    }
    next++;
    return true;
  });
  return { byFile, referenced };
}

/** The reports to show, sorted by file: the linted files' that have something to say, and the configuration files'. */
function collectReports({ files, config }: OpenedWorkspace, byFile: ReportsByFile): FileReport[] {
  const reports: FileReport[] = [];
  for (const file of files) {
    const report = byFile.get(file);
    if (report) reports.push(report);
  }
  // A mistake in a configuration file is reported once, on that file (not on every file it applies to).
  for (const loaded of config.files()) if (loaded.problems.length > 0) reports.push(configReport(loaded));
  return reports.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Writes the report to `--output-file`, or to stdout. False when the file can't be written (said on stderr). */
function writeReport(reports: FileReport[], options: LintOptions, io: CliIO, { ws }: OpenedWorkspace): boolean {
  // The github and azure-devops formats print runner commands of their own and escape what they quote; every other
  // report has the commands a repository's text could hold defused (JSON stays valid and decodes the same).
  const report = FORMATS[options.format]!(reports, io.cwd);
  const output = options.format === 'github' || options.format === 'azure-devops' ? report : logSafe(report);
  const outFile = options.outputFile;
  if (!outFile) {
    io.stdout(output);
    return true;
  }
  try {
    const file = path.resolve(io.cwd, outFile);
    // `-o policies/api.policy.xml` (a path typed one argument too early) would replace a policy with the report.
    const read = [file, realOrResolved(file)].find((f) => ws.has(f) && ws.kindOf(f) !== 'other');
    if (read !== undefined) {
      io.stderr(logSafe(`apim-mtls: --output-file ${oneLine(outFile)}: is a ${ws.kindOf(read)} file this run read; the report is not written over it\n`));
      return false;
    }
    // As ESLint's --output-file: a folder that isn't there yet (`-o reports/apim-mtls.sarif` in a fresh CI checkout) is made.
    makeDirectory(path.dirname(file));
    fs.writeFileSync(file, output);
    return true;
  } catch (e) {
    io.stderr(`apim-mtls: cannot write ${outFile}: ${errorMessage(e)}\n`);
    return false;
  }
}

/**
 * `--report-unused-suppressions` was asked for, but is not judged where the linter knows too little (a policy no Bicep
 * read deploys): says so.
 */
function warnUnjudgedPolicies({ ws, files }: OpenedWorkspace, byFile: ReportsByFile, io: CliIO): void {
  const untold = files.filter((f) => ws.kindOf(f) === 'policy' && ws.contentOf(f)?.problem === undefined && byFile.has(f) && !ws.judgesUnusedSuppressions(f)).length;
  if (untold === 0) return;
  io.stderr(
    `apim-mtls: --report-unused-suppressions: not judged in ${untold} ${untold === 1 ? 'policy' : 'policies'} that no Bicep read deploys and no --sku or "sku" gives a tier ` +
      '(its findings depend on the tier): give the repository root, --context with the Bicep, or --sku\n',
  );
}

/** What makes a policy's findings depend on its tier: the validation policy, or chain validation in C#. */
const TIER_DEPENDENT = /validate-client-certificate|\.Verify(?:NoRevocation)?\s*\(/;

/** A policy that validates client certificates with no tier (see `Workspace.lacksTier`). */
function untiered(ws: Workspace, file: string): boolean {
  const text = ws.contentOf(file)?.text;
  return text !== undefined && TIER_DEPENDENT.test(text) && ws.lacksTier(file);
}

/**
 * Policies that validate client certificates but got no tier (no Bicep the run read deploys them, no --sku or "sku"):
 * the checks that depend on the tier were silent there, which "No problems" would hide (a hook given one policy file
 * without the Bicep beside it). Said on stderr, with the ways to give the tier.
 */
function warnUntieredPolicies({ files }: OpenedWorkspace, byFile: ReportsByFile, io: CliIO): void {
  const untiered = files.filter((f) => byFile.get(f)?.untiered);
  if (untiered.length === 0) return;
  const which = untiered.length === 1 ? `${oneLine(path.relative(io.cwd, untiered[0]!) || untiered[0]!)} validates` : `${untiered.length} policies validate`;
  io.stderr(
    logSafe(
      `apim-mtls: ${which} client certificates with no known tier: no Bicep this run read deploys ${untiered.length === 1 ? 'it' : 'them'}, so the checks that ` +
        'depend on the tier (validate-trust, Verify()) were silent. Lint the folder with the Bicep too, add it with --context ' +
        '(or "context" in .apim-mtls.json), or give the tier with --sku (or "sku").\n',
    ),
  );
}

/** 1 when there are errors, or more warnings than `--max-warnings` allows (said on stderr); else 0. */
function exitCode(reports: FileReport[], maxWarnings: number, io: CliIO): number {
  const t = totals(reports);
  if (t.error > 0) return 1;
  if (maxWarnings >= 0 && t.warning > maxWarnings) {
    io.stderr(`apim-mtls: ${t.warning} ${t.warning === 1 ? 'warning exceeds' : 'warnings exceed'} --max-warnings ${maxWarnings}\n`);
    return 1;
  }
  return 0;
}

/** Passes over the workspace before the report, as ESLint's: a fix overlapping another one waits for the next pass. */
const MAX_FIX_PASSES = 10;

/**
 * `--fix`: lints the paths and writes each file's automatic fixes (`Fix.autofix`), again until nothing is left to fix.
 * Each pass starts from the files on disk, so what a pass wrote is linted (and its context rebuilt) by the next.
 */
async function applyAutofixes(roots: string[], overrides: Partial<LintConfig>, contextRoots: string[]): Promise<{ fixes: number; files: Set<string>; problems: string[] }> {
  const out = { fixes: 0, files: new Set<string>(), problems: [] as string[] };
  const unwritable = new Set<string>();
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    // Problems with the context are said by the lint that follows.
    const { ws, files } = await openWorkspace(roots, contextRoots, overrides, () => undefined);
    loadReferencedFiles(ws);
    let written = 0;
    // Files written this pass, by device and inode: a file linted under two names (hard links) is fixed under the
    // first, and its other name is read again by the next pass (it was "changed while it was being fixed").
    const writtenFiles = new Set<string>();
    for (const file of files) {
      const kind = ws.kindOf(file);
      const text = ws.textOf(file);
      if ((kind !== 'policy' && kind !== 'bicep') || text === undefined || unwritable.has(file)) continue;
      const fixes = autofixes(ws.lint(file).findings, file);
      ws.release(file);
      if (fixes.length === 0) continue;
      const inode = inodeOf(file);
      if (inode !== undefined && writtenFiles.has(inode)) continue;
      const problem = writeFixed(file, kind, text, applyEdits(text, fixes.flatMap((f) => f.edits.map((e) => ({ ...e, newText: withLineEndingsOf(text, e.newText) })))));
      if (problem) {
        unwritable.add(file);
        out.problems.push(`${file}: ${problem}`);
        continue;
      }
      out.fixes += fixes.length;
      out.files.add(file);
      if (inode !== undefined) writtenFiles.add(inode);
      written++;
    }
    if (written === 0) break;
  }
  return out;
}

/** `device:inode` of a file with several names (hard links), else undefined: only those can be met twice. */
function inodeOf(file: string): string | undefined {
  try {
    const st = fs.lstatSync(file, { bigint: true });
    return st.nlink > 1n ? `${st.dev}:${st.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes the fixed text over `file` in the file's own encoding (UTF-8 with or without a BOM, UTF-16 with its BOM: the
 * workspace holds the decoded text), keeping its mode, unless the file changed since it was read or is a link. Returns
 * the problem, if any.
 */
function writeFixed(file: string, kind: FileKind, text: string, fixed: string): string | undefined {
  try {
    // Written through a link, a fix would change a file outside the linted folders (or one linted under another name).
    const stat = fs.lstatSync(file);
    if (stat.isSymbolicLink()) return `not fixed: a symbolic link (to ${fs.readlinkSync(file)}); lint the file it points to with --fix`;
    // The rename below needs only the folder's permission: a read-only file (0444, a Perforce file not opened for
    // edit) was replaced, and passed to whoever ran --fix. Written only when the file itself may be written.
    fs.accessSync(file, fs.constants.W_OK);
    const bytes = fs.readFileSync(file);
    const now = decodeFile(bytes, kind);
    if (!('text' in now) || now.text !== text) return 'changed while it was being fixed: not written';
    let out: Buffer;
    if (bytes[0] === 0xff && bytes[1] === 0xfe) out = Buffer.concat([bytes.subarray(0, 2), Buffer.from(fixed, 'utf16le')]);
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) out = Buffer.concat([bytes.subarray(0, 2), Buffer.from(fixed, 'utf16le').swap16()]);
    else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) out = Buffer.concat([bytes.subarray(0, 3), Buffer.from(fixed, 'utf8')]);
    else out = Buffer.from(fixed, 'utf8');
    // Beside it, then renamed over it: a full disk or a kill leaves the file as it was, not cut short. Written in place
    // (as vim's backupcopy=auto does) when a rename would change what the file is: one with hard links (a rename would
    // part it from its other names), someone else's (the new file would be ours), or in a folder we may not write (a
    // file the user may write, in a folder they may not: there is no room beside it).
    const uid = process.getuid?.();
    if (stat.nlink > 1 || (uid !== undefined && uid !== 0 && stat.uid !== uid)) fs.writeFileSync(file, out);
    else {
      try {
        replaceFile(file, out, stat);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EACCES' && code !== 'EPERM') throw e;
        fs.writeFileSync(file, out);
      }
    }
    return undefined;
  } catch (e) {
    return `cannot write: ${errorMessage(e)}`;
  }
}

function usage(io: CliIO, message: string): number {
  io.stderr(`apim-mtls lint: ${message}\nRun "apim-mtls lint --help" for the options.\n`);
  return 2;
}

/** Records the time since the previous call (the first: since the process started) under `name`. */
function phaseTimer(timing: Map<string, number>): (name: string) => void {
  timing.set('phase:start-up', performance.now());
  let last = performance.now();
  return (name) => {
    const now = performance.now();
    timing.set(name, (timing.get(name) ?? 0) + now - last);
    last = now;
  };
}

/** Phases in order, then parsing and rules by time spent. */
function formatTiming(timing: Map<string, number>): string {
  const rows = [...timing].filter(([k]) => k.startsWith('phase:'));
  const rest = [...timing].filter(([k]) => !k.startsWith('phase:')).sort((a, b) => b[1] - a[1]);
  const width = Math.max(...[...timing.keys()].map((k) => k.length));
  const line = ([k, v]: [string, number]) => `${k.padEnd(width)} ${v.toFixed(1).padStart(9)} ms`;
  return ['apim-mtls timing (APIM_MTLS_TIMING):', ...rows.map(line), ...rest.map(line)].join('\n') + '\n';
}

/** The `--cache-location` path, resolved; one ending in a separator (`.cache/`) names a folder, existing or not, as in ESLint. */
function cachePath(cwd: string, location: string | undefined): string {
  const resolved = path.resolve(cwd, location ?? DEFAULT_CACHE_FILE);
  return location !== undefined && /[\\/]$/.test(location) ? path.join(resolved, DEFAULT_CACHE_FILE) : resolved;
}
