import type { Finding, ReportedLevel } from '../core/finding';
import { LineIndex } from '../core/text';
import { readCertificateFile } from '../certificates/read';
import type { CertificateFile, CertificateInfo } from '../certificates/types';
import { buildModel } from '../model/workspace';
import type { InlinePolicy, WorkspaceModel, PolicyContext } from '../model/types';
import type { SkuSet } from '../model/sku';
import { parseBicepFile } from '../parsers/bicep';
import type { BicepFile } from '../parsers/bicep/types';
import { parsePolicy } from '../parsers/policy';
import type { PolicyDocument } from '../parsers/policy/types';
import { allRules, ruleCatalog } from '../rules';
import { UNUSED_SUPPRESSION } from '../rules/unused-suppression';
import type { BicepRuleContext, CertificateIndex, CertificateRuleContext, PolicyRuleContext, Report, Rule, RuleSettings } from '../rules/types';
import { DEFAULT_CONFIG, type LoadedConfig } from './config';
import { MAX_FILE_BYTES, classify, decodeFile, looksLikePolicy, mayBePolicy, tooLargeMessage, type FileKind } from './files';
import { embedFindings, holeAttributes, inlinePolicyName } from './inline-policies';
import { applySuppressions, unusedSuppressions, type SuppressionUse } from './suppress';
import { resolveFragments } from './fragments';
import { errorMessage } from '../core/errors';
import { clearRecentCaches, forgetDocument } from '../parsers/policy/recent';
import { forgetInlinePolicyDocs, inlinePolicyDoc } from '../rules/util/bicep-policies';
import { within } from './watchdog';

/** One file the workspace knows, with its parse cached for its current version. */
interface Entry {
  kind: FileKind;
  /** Text (policy, Bicep, PEM/base64 certificates) or raw bytes (DER certificates). */
  text: string;
  bytes?: Uint8Array;
  version: number;
  /** Why the file can't be linted (unreadable, binary, too large). */
  problem?: string;
  lineIndex?: LineIndex;
  policy?: PolicyDocument;
  bicep?: BicepFile;
  certificate?: CertificateFile;
}

export interface LintResult {
  file: string;
  kind: FileKind;
  findings: Finding[];
  /** Messages about the file itself (unreadable, too large, a rule that failed): shown, never fatal. */
  notices: string[];
  /**
   * The moment (ms since the epoch) from which these findings may change with time alone: a certificate judged here
   * enters its warning window, expires, or its day count moves on. Absent when nothing judged depends on the time.
   */
  stableUntil?: number;
  /** The other policy files the rules read (Bicep rules read the policies they deploy): these findings depend on them. */
  policiesRead?: Set<string>;
}

export interface WorkspaceOptions {
  configFor(file: string): LoadedConfig;
  /** The moment certificates are judged against. */
  now?: () => Date;
  rules?: readonly Rule[];
  /** Policy parses kept at once (default `MAX_CACHED_POLICY_PARSES`). The CLI, which lints each file once, keeps few. */
  maxCachedPolicyParses?: number;
  /**
   * Whether `lint(file)` keeps the policy parse it had to make (default: only for files fed with a version > 0,
   * i.e. open in an editor; files read from disk have version 0). A parse kept in the bounded cache lives long
   * enough to be promoted to V8's old space, so linting a whole workspace filled it with ≈ 130 MB of dead parses
   * that stayed in the RSS; a parse dropped at once dies young.
   */
  keepParseAfterLint?: (file: string, version: number) => boolean;
  /** When set, milliseconds spent per rule id (and in `parse:policy`) are added to it (`APIM_MTLS_TIMING=1`). */
  timing?: Map<string, number>;
}

/** Policy parses kept at once; the rest are parsed again when needed. */
const MAX_CACHED_POLICY_PARSES = 200;
/** Lints kept for reuse (see `Workspace.recentLints`): a few, for the files being edited. */
const RECENT_LINTS = 8;

export type FileContent = { text: string } | { bytes: Uint8Array } | { problem: string };

/**
 * The linter's view of a workspace: every policy, Bicep and certificate file, parsed once per version,
 * the cross-file model built from them on demand, and the rules run over one file at a time.
 * Pure of I/O: callers (the CLI, the language server) feed it file contents.
 */
export class Workspace {
  private readonly entries = new Map<string, Entry>();
  /** Entries holding a policy parse, oldest first (bounded: memory stays flat on large workspaces). */
  private readonly parsed = new Set<Entry>();
  private model?: WorkspaceModel;
  private certIndex?: CertIndex;
  /**
   * The policies each policy's last lint read beyond the model's links (the fragments it includes, found by their
   * path): a change to one re-lints its readers. Policy readers only; Bicep's reads are the model's own links.
   */
  private readonly readers = new Map<string, Set<string>>();
  private readonly rules: readonly Rule[];

  private readonly maxParsed: number;
  /** Counts the changes to the files: a lint made at the same count, with the same configuration, still holds. */
  private changes = 0;
  /**
   * Files known not to be on disk: referenced from Bicep (`loadTextContent`) and looked for in vain, or deleted while the
   * language server watched. The model says so of a policy file a Bicep file loads.
   */
  private readonly missing = new Set<string>();
  /**
   * The last lints made (the language server asks again for code actions on every cursor move, and one lint of a
   * large policy can take seconds): reused while nothing changed, the configuration is the same object and the clock
   * has not passed the moment a judgement changes (`stableUntil`).
   */
  private readonly recentLints: RecentLint[] = [];
  /** The lint running inside `lintAll` (which finishes it if its time is up). */
  private underWay: LintUnderWay | undefined;
  /** Inside `lintAll`: the time limit it has set around the lints (for files of `budgetMs`), and the lints it stopped. */
  private batch: { budgetMs: number; deadline: number } | undefined;
  /** How many lints have started inside `lintAll` (it makes a longer limit when none could). */
  private lintsStarted = 0;
  private stoppedHere: RecentLint[] | undefined;

  constructor(private readonly options: WorkspaceOptions) {
    this.rules = options.rules ?? allRules;
    this.maxParsed = Math.max(1, options.maxCachedPolicyParses ?? MAX_CACHED_POLICY_PARSES);
  }

  /** Drops a file's cached policy parse and line index (they are made again when needed): the CLI after linting it. */
  release(file: string): void {
    const e = this.entries.get(file);
    if (!e) return;
    this.dropParse(e);
    e.lineIndex = undefined;
  }

  /**
   * Adds or replaces a file. Returns its kind (`other` files are not kept). With `byContent`, a file that isn't a policy
   * by its name (`orders.xml.tpl`, a Terraform template) is one when its root element says so: for a file named on the
   * command line, whose name the user has already chosen.
   */
  set(file: string, content: FileContent, version = 0, byContent = false): FileKind {
    // It is there, whatever it holds: no longer missing, even if it is no file the workspace keeps (an empty `.xml`
    // a policy is about to be typed into), so the model stops saying it doesn't exist.
    if (this.missing.delete(file)) {
      this.changes++;
      this.invalidate('bicep');
    }
    let kind: FileKind;
    let entry: Entry;
    if ('problem' in content) {
      kind = classify(file);
      entry = { kind: kind === 'other' ? 'policy' : kind, text: '', version, problem: content.problem };
    } else if ('bytes' in content) {
      kind = classify(file);
      if (kind === 'other' && (mayBePolicy(file) || byContent)) {
        const decoded = decodeFile(content.bytes, 'policy');
        return 'text' in decoded ? this.set(file, decoded, version, byContent) : 'other';
      }
      if (kind === 'other') {
        this.remove(file);
        return kind;
      }
      const decoded = decodeFile(content.bytes, kind);
      entry =
        'problem' in decoded
          ? { kind, text: '', version, problem: decoded.problem }
          : { kind, text: decoded.text, bytes: kind === 'certificate' ? content.bytes : undefined, version };
    } else {
      kind = classify(file, content.text);
      if (kind === 'other' && byContent && looksLikePolicy(content.text)) kind = 'policy';
      if (kind === 'other') {
        this.remove(file);
        return kind;
      }
      // An editor's text is held to the limit a file read from disk is (the CLI says "too large" of the same file).
      const bytes = content.text.length * 3 > MAX_FILE_BYTES ? Buffer.byteLength(content.text) : 0;
      entry = bytes > MAX_FILE_BYTES ? { kind, text: '', version, problem: tooLargeMessage(bytes) } : { kind, text: content.text, version };
    }
    if (entry.kind === 'certificate' && entry.problem === undefined) {
      const blocks = countPemBlocks(entry.text);
      if (blocks > MAX_PEM_BLOCKS) entry = { kind: 'certificate', text: '', version, problem: `${blocks} PEM blocks: too many to read (the limit is ${MAX_PEM_BLOCKS})` };
    }
    const previous = this.entries.get(file);
    // The previous version's parse is never asked about again: what the caches hold of it goes with it.
    if (previous) this.dropParse(previous);
    this.entries.set(file, entry);
    this.changes++;
    // The model reads Bicep files and only the *set* of policy files (which `loadTextContent` targets exist):
    // a policy edit (a keystroke) keeps it.
    const policyEdit = entry.kind === 'policy' && previous?.kind === 'policy';
    if (!policyEdit) this.invalidate(entry.kind, previous?.kind);
    return entry.kind;
  }

  /** A file is not on disk: looked for by `loadReferencedFiles`, or deleted (the language server's watchers). */
  noteMissing(file: string): void {
    if (this.entries.has(file) || this.missing.has(file)) return;
    this.missing.add(file);
    this.changes++;
    this.invalidate('bicep');
  }

  /** Was the file looked for and not found (`noteMissing`), and not read since? */
  isMissing(file: string): boolean {
    return this.missing.has(file);
  }

  remove(file: string): void {
    const previous = this.entries.get(file);
    if (!previous) return;
    this.dropParse(previous);
    this.entries.delete(file);
    this.changes++;
    this.invalidate(previous.kind);
  }

  has(file: string): boolean {
    return this.entries.has(file);
  }

  kindOf(file: string): FileKind | undefined {
    return this.entries.get(file)?.kind;
  }

  textOf(file: string): string | undefined {
    return this.entries.get(file)?.text;
  }

  /** What the workspace holds for a file: its text, a certificate's bytes, or why it can't be read (the CLI's cache keys). */
  contentOf(file: string): { kind: FileKind; text: string; bytes?: Uint8Array; problem?: string } | undefined {
    return this.entries.get(file);
  }

  lineIndex(file: string): LineIndex | undefined {
    const e = this.entries.get(file);
    if (!e) return undefined;
    return (e.lineIndex ??= new LineIndex(e.text));
  }

  /** Every file of a kind, sorted. */
  files(kind?: FileKind): string[] {
    const out: string[] = [];
    for (const [file, e] of this.entries) if (!kind || e.kind === kind) out.push(file);
    return out.sort();
  }

  policy(file: string): PolicyDocument | undefined {
    const e = this.entries.get(file);
    if (!e || e.kind !== 'policy' || e.problem !== undefined) return undefined;
    if (e.policy) return e.policy;
    const timing = this.options.timing;
    const started = timing ? performance.now() : 0;
    e.policy = parsePolicy(e.text);
    if (timing) timing.set('parse:policy', (timing.get('parse:policy') ?? 0) + performance.now() - started);
    // Keep the most recent parses only: a parse is ~10× its text, and re-parsing one costs well under a millisecond.
    this.parsed.delete(e);
    this.parsed.add(e);
    if (this.parsed.size > this.maxParsed) {
      this.dropParse(this.parsed.values().next().value!);
    }
    return e.policy;
  }

  bicep(file: string): BicepFile | undefined {
    const e = this.entries.get(file);
    if (!e || e.kind !== 'bicep' || e.problem !== undefined) return undefined;
    if (e.bicep) return e.bicep;
    const timing = this.options.timing;
    const started = timing ? performance.now() : 0;
    e.bicep = parseBicepFile(file, e.text);
    if (timing) timing.set('parse:bicep', (timing.get('parse:bicep') ?? 0) + performance.now() - started);
    return e.bicep;
  }

  certificate(file: string): CertificateFile | undefined {
    const e = this.entries.get(file);
    if (!e || e.kind !== 'certificate' || e.problem !== undefined) return undefined;
    return (e.certificate ??= readCertificateFile(e.bytes ?? e.text));
  }

  getModel(): WorkspaceModel {
    if (!this.model) {
      const bicep = new Map<string, BicepFile>();
      for (const [file, e] of this.entries) {
        if (e.kind === 'bicep') {
          const parsed = this.bicep(file);
          if (parsed) bicep.set(file, parsed);
        }
      }
      this.model = buildModel({
        bicep,
        policyFiles: this.files('policy'),
        fileExists: (p) => this.entries.has(p),
        fileMissing: (p) => this.missing.has(p),
      });
    }
    return this.model;
  }

  getCertificates(): CertificateIndex {
    return (this.certIndex ??= new CertIndex(this));
  }

  /**
   * The policy's deployments and SKUs. The configured SKU applies where the Bicep tells no tier: a policy that no Bicep
   * deploys (an APIOps extract), or one deployed to a service whose tier can't be read (an `existing` service named by
   * a parameter, in a layer deployed on its own; a SKU from an environment variable without a default).
   */
  policyContext(file: string): PolicyContext {
    const context = this.getModel().policyContext(file);
    if (context.skus.values.size > 0) return context;
    const loaded = this.options.configFor(file);
    const skus = loaded.config.skus;
    if (!skus?.length) return context;
    // A file is an origin to point at; a setting (`--sku`, `apimMtls.sku`) is named in the message by `setBy`.
    const from = loaded.skusFrom;
    const set: SkuSet = {
      values: new Set(skus),
      unknown: false,
      origins: from && 'file' in from ? [{ file: from.file, span: { start: 0, end: 0 }, message: `SKU set in the configuration: ${skus.join(', ')}` }] : [],
    };
    if (from && 'setting' in from) set.setBy = from.setting;
    return { deployments: context.deployments, skus: set };
  }

  /** Files whose findings may change when `file` changes (not including `file` itself). */
  dependents(file: string): string[] {
    const kind = this.entries.get(file)?.kind ?? classify(file);
    if (kind === 'certificate') return [...this.files('policy'), ...this.files('bicep')];
    const linked = this.getModel().dependents(file);
    const readers = this.readers.get(file);
    const all = readers ? [...new Set([...linked, ...readers])] : linked;
    return all.filter((f) => f !== file && this.entries.has(f));
  }

  /** Runs every enabled rule over one file. Never throws: a failing rule becomes a notice. */
  lint(file: string, opts: { certificateRules?: boolean } = {}): LintResult {
    const e = this.entries.get(file);
    if (!e) return { file, kind: 'other', findings: [], notices: [] };
    const result: LintResult = { file, kind: e.kind, findings: [], notices: [] };
    if (e.problem !== undefined) {
      result.notices.push(e.problem);
      return result;
    }
    if (e.kind === 'certificate' && !opts.certificateRules) return result;
    const loaded = this.options.configFor(file);
    const now = this.options.now?.() ?? new Date();
    const certificateRules = opts.certificateRules === true;
    const recent = this.cachedLint(file, certificateRules, loaded, now) ?? this.stoppedHere?.find((r) => r.file === file && r.certificateRules === certificateRules)?.result;
    if (recent) return recent;
    const config = loaded.config;
    // What the whole workspace shares (the Bicep model, the certificate index) is built before the clock starts: it is
    // no file's cost, and charged to the first file linted it would skip that file's rules (its findings silenced).
    if (e.kind === 'policy' || e.kind === 'bicep') {
      this.getModel();
      this.getCertificates();
    }
    // Inside `lintAll`, a file starts only under a limit set for its budget, with all of it left: else `lintAll` sets
    // a new limit and asks again (nothing of this lint is kept yet; what was made before, the model, is).
    const batch = this.batch;
    // A time limit of its own (≈ 0.1 ms) outside `lintAll`, or under a limit made longer (see there), so that it is
    // stopped at its budget.
    let ownLimit = !batch;
    if (batch) {
      const budget = config.fileTimeBudgetMs;
      const left = batch.deadline - performance.now();
      if (batch.budgetMs !== budget || left < budget) throw new LimitTooNear(budget);
      ownLimit = left > budget * BATCH_LIMIT;
      this.lintsStarted++;
    }
    const remembered = { file, certificateRules, changes: this.changes, config: loaded, result };
    this.rememberLint(remembered);
    const settings = ruleSettings(config, now, result);
    const enabled = this.enabledRules(e.kind, config);
    // The per-file time budget counts from here, parsing included. It is checked before each rule, and a rule still
    // running when it is spent is stopped (see `within`). A file over it keeps the findings made so far and says which
    // rules were stopped or skipped; the rest of the workspace is linted as usual.
    const run = new RuleRun(result, config.fileTimeBudgetMs, this.options.timing);
    // Unused suppressions are judged once every other rule has run, and not after one failed or was skipped (budget).
    const lint: LintUnderWay = {
      file, e, run, enabled, remembered,
      hadParse: e.policy !== undefined,
      judge: this.unusedSuppressionJudge(e.kind, file, enabled),
    };
    const rules = (): void => {
      // One context per file: a file has one kind, so every enabled rule takes the same one.
      const ctx = enabled.length > 0 ? this.ruleContext(file, e, settings, run.report, result) : undefined;
      if (ctx) run.runRules(enabled, ctx);
      if (e.kind === 'bicep') this.lintInlinePolicies(file, config, settings, run, lint.judge);
    };
    // Inside `lintAll`, whose time limit stops this lint if it comes first: it then finishes it (see there).
    if (batch) this.underWay = lint;
    let stopped = false;
    if (ownLimit) stopped = !within(rules, run.deadline - performance.now());
    else rules();
    this.underWay = undefined;
    return this.finishLint(lint, stopped);
  }

  /** The budget notice, suppressions, the order of the findings; after a stop, the state rules share made again. */
  private finishLint(lint: LintUnderWay, stopped: boolean): LintResult {
    const { file, e, run } = lint;
    const result = run.result;
    if (stopped) run.stop(lint.enabled);
    // What can't be read in a certificate file asked about (named, or open in the editor): said, not "no problems".
    if (e.kind === 'certificate') for (const problem of this.certificate(file)?.problems ?? []) result.notices.push(`${CERTIFICATE_PROBLEM}${problem}`);
    const overBudget = run.budgetNotice();
    if (overBudget) result.notices.push(overBudget);
    if (!lint.hadParse) this.dropParseMadeByLint(file, e);
    result.findings = this.finishFindings(result.findings, file, e, run.complete ? lint.judge : undefined);
    if (stopped) {
      this.dropDerivedState();
      // Kept, so that asking again (the CLI going on, a code action) doesn't hold the file for its budget again.
      this.recentLints.unshift(lint.remembered);
    }
    return result;
  }

  /**
   * Runs `next` until it returns false, with every file's time budget enforced: the CLI's loop over a workspace, a
   * slice of the language server's work. A rule still running when its file's budget is spent is stopped, at the cost
   * of one time limit (`within`, ≈ 0.1 ms) per budget's worth of work rather than one per file: the limit is a budget
   * and a quarter, and a file starts under it only while its whole budget is left (else a new limit is set), so the
   * lint under way when it is up has had its budget, and is stopped. `next` must keep its place outside itself (what
   * is done, what is left): it is called again to go on, and a file it was linting when cut or told to wait for a new
   * limit is to be linted again: `onCut` is told which (a queue may have to take it back).
   */
  lintAll(next: () => boolean, onCut?: (file: string | undefined) => void): void {
    let budgetMs = DEFAULT_CONFIG.fileTimeBudgetMs;
    // How many times a budget and a quarter the next limit is: more when work that is no file's (the model made again
    // after a change, say) did not fit in the last one.
    let times = 1;
    // The lints stopped here: asked for again in this call, they are given as they are (nothing changes meanwhile).
    const stopped: RecentLint[] = [];
    for (;;) {
      const ms = budgetMs * BATCH_LIMIT * times;
      const started = this.lintsStarted;
      let done: boolean;
      this.batch = { budgetMs, deadline: performance.now() + ms };
      this.stoppedHere = stopped;
      try {
        done = within(() => {
          while (next()) {
            // each call does some of the work
          }
        }, ms);
      } catch (e) {
        if (!(e instanceof LimitTooNear)) throw e;
        // A file whose budget doesn't fit in what is left, or of another budget than the limit's: a new limit for it,
        // longer if not even one lint started under this one.
        onCut?.(undefined);
        times = this.lintsStarted === started && e.budgetMs === budgetMs ? times * 2 : 1;
        budgetMs = e.budgetMs;
        continue;
      } finally {
        this.batch = undefined;
        this.stoppedHere = undefined;
      }
      if (done) return;
      const lint = this.underWay;
      this.underWay = undefined;
      if (lint) {
        // It started with its whole budget left under this limit: spent, so stopped, with what it found so far.
        this.finishLint(lint, true);
        stopped.push(lint.remembered);
        times = 1;
      } else {
        // Cut between lints, in work that is no file's: whatever it was making is dropped, and made again under a
        // longer limit.
        this.dropDerivedState();
        times *= 2;
      }
      onCut?.(lint?.file);
    }
  }

  /**
   * After code was stopped: V8 ended it without running its `finally` blocks, so what it was building (the model's
   * evaluation, an analysis cached per document) may be half made. All of it is made again when next needed.
   */
  private dropDerivedState(): void {
    this.model = undefined;
    this.certIndex = undefined;
    for (const e of this.parsed) e.policy = undefined;
    this.parsed.clear();
    this.recentLints.length = 0;
    clearRecentCaches();
  }

  /**
   * The last lint of `file` with the same options, if it still holds (see `recentLints`): nothing changed since, the
   * configuration is the same object and the clock has not reached its `stableUntil`.
   */
  private cachedLint(file: string, certificateRules: boolean, config: LoadedConfig, now: Date): LintResult | undefined {
    const recent = this.recentLints.find((r) => r.file === file && r.certificateRules === certificateRules);
    if (!recent || recent.changes !== this.changes || recent.config !== config) return undefined;
    return now.getTime() < (recent.result.stableUntil ?? Infinity) ? recent.result : undefined;
  }

  /** A Bicep file's policies written in strings (`value: '''<policies>…'''`) get the policy rules, in place. */
  private lintInlinePolicies(file: string, config: LoadedConfig['config'], settings: RuleSettings, run: RuleRun, judge: UnusedSuppressionJudge | undefined): void {
    const policyRules = this.enabledRules('policy', config);
    if (policyRules.length === 0) return;
    if (judge) for (const r of policyRules) judge.running.add(r.rule.id);
    const result = run.result;
    // A string two resources deploy (a variable) is linted once, with both deployments.
    for (const { inline, context } of this.getModel().inlinePoliciesIn(file)) {
      const resource = context.deployments[0]!;
      // Named by where the string starts: one resource may deploy several (the strings its module's callers pass).
      const name = inlinePolicyName(file, inline.offsets[0]!);
      const ctx = this.inlinePolicyRuleContext(name, inline, context, settings, run.report, result);
      // An interpolated string is linted when its holes are attribute values only (its structure is then known).
      const holeRegions = inline.holes?.length ? holeAttributes(ctx.doc, inline.holes) : [];
      if (!holeRegions) {
        // Said, not skipped in silence (the policy still has its tier in `apim-mtls tier`). The line of the value, or
        // of the string when a variable or a parameter's default holds it.
        const value = resource.value!.ref;
        const inValue = value.file === file && inline.offsets[0]! >= value.span.start && inline.offsets[0]! <= value.span.end;
        const start = inValue ? value.span.start : inline.offsets[0]!;
        const line = this.lineIndex(file)!.positionAt(start).line + 1;
        result.notices.push(`The policy written at line ${line} is not linted: a \${…} in it is neither an attribute value nor the text of an element, so it may be markup and the policy's structure is unknown.`);
        continue;
      }
      const from = result.findings.length;
      // Until embedded, these findings are placed in the string's text: a stop drops them (see `RuleRun.stop`). Also
      // one while they are being embedded, which takes as long as their suppression comments do.
      run.placedFrom = from;
      run.runRules(policyRules, ctx);
      const found = result.findings.slice(from);
      const unused = (used: SuppressionUse, index: LineIndex): Finding[] =>
        judge && run.complete ? unusedSuppressionFindings(judge, inline.text, 'policy', used, name, () => index) : [];
      result.findings.splice(from, Infinity, ...embedFindings(found, inline, name, file, holeRegions, unused));
      run.placedFrom = undefined;
    }
  }

  /**
   * Drops the policy parse a lint had to make, unless it is to be kept (see `WorkspaceOptions.keepParseAfterLint`:
   * by default, for files open in an editor only).
   */
  private dropParseMadeByLint(file: string, e: Entry): void {
    if (!e.policy || (this.options.keepParseAfterLint?.(file, e.version) ?? e.version > 0)) return;
    this.dropParse(e);
  }

  /**
   * Lets go of an entry's policy parse, and of what the analyses' caches hold of it (see `RecentCache`): a parse made
   * again is another object, so nothing would ask for those, and each kept a version of a file being typed into alive.
   */
  private dropParse(e: Entry): void {
    this.parsed.delete(e);
    if (!e.policy) return;
    forgetDocument(e.policy);
    e.policy = undefined;
  }

  /**
   * The file's findings as reported: its suppression comments applied, the unused ones added (when `judge` is given)
   * and all sorted by position, then rule.
   */
  private finishFindings(findings: Finding[], file: string, e: Entry, judge: UnusedSuppressionJudge | undefined): Finding[] {
    // The line index only when there is something to place (most files have no finding).
    const used: SuppressionUse = new Set();
    const kept = findings.length > 0 ? applySuppressions(findings, e.text, e.kind, this.lineIndex(file)!, used) : findings;
    if (judge) kept.push(...unusedSuppressionFindings(judge, e.text, e.kind, used, file, () => this.lineIndex(file)!));
    return kept.sort((a, b) => a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId));
  }

  /**
   * How `unused-suppression` judges this file, when it is on for it: its level and the rules that run here (a comment
   * naming another is unused because that rule is off). A policy that no Bicep read deploys, without a configured tier,
   * is not judged: its findings depend on what the run has read (a hook linting the file alone has less than CI).
   */
  private unusedSuppressionJudge(kind: FileKind, file: string, enabled: readonly EnabledRule[]): UnusedSuppressionJudge | undefined {
    const level = enabled.find((x) => x.rule.id === UNUSED_SUPPRESSION)?.level;
    if (level === undefined) return undefined;
    if (kind === 'policy' && !this.judgesUnusedSuppressions(file)) return undefined;
    return { level, running: new Set(enabled.map((x) => x.rule.id)) };
  }

  /**
   * Whether a policy has no tier: no Bicep the workspace holds deploys it, and no tier is configured for it. Its tier
   * rules are then silent, and its findings depend on what the run has read.
   */
  lacksTier(file: string): boolean {
    const context = this.policyContext(file);
    return context.deployments.length === 0 && context.skus.unknown;
  }

  /** Whether a policy's suppression comments can be judged unused: not when it lacks a tier (see `lacksTier`). */
  judgesUnusedSuppressions(file: string): boolean {
    return !this.lacksTier(file);
  }

  /** `policyAt` for rules, noting in `result` which policies they read (what their findings depend on). */
  private policyReader(result: LintResult): (file: string) => PolicyDocument | undefined {
    const reader = result.kind === 'policy' ? result.file : undefined;
    // A policy read (an enclosing scope's) has the fragments it includes resolved too, so its checks in them count.
    let resolving = false;
    const resolved = new Set<PolicyDocument>();
    const read = (p: string): PolicyDocument | undefined => {
      (result.policiesRead ??= new Set()).add(p);
      if (reader !== undefined) {
        let set = this.readers.get(p);
        if (!set) this.readers.set(p, (set = new Set()));
        set.add(reader);
      }
      const doc = this.policy(p);
      if (doc && !resolving && !resolved.has(doc) && (resolved.add(doc), doc.text.includes('include-fragment'))) {
        resolving = true;
        try {
          resolveFragments(doc, p, this.getModel(), read);
        } finally {
          resolving = false;
        }
      }
      return doc;
    };
    return read;
  }

  /** The rules that run on files of `kind` under `config`, with their levels. */
  private enabledRules(kind: FileKind, config: LoadedConfig['config']): EnabledRule[] {
    const out: EnabledRule[] = [];
    for (const r of this.rules) {
      const level = r.target === kind ? (config.rules[r.id] ?? r.defaultLevel) : 'off';
      if (level !== 'off') out.push({ rule: r, level });
    }
    return out;
  }

  /** The policy rules' context for a policy written in a Bicep string: its tier is that of the resource's service. */
  private inlinePolicyRuleContext(name: string, inline: InlinePolicy, context: PolicyContext, settings: RuleSettings, report: (r: Report) => void, result: LintResult): PolicyRuleContext {
    return {
      file: name, text: inline.text, model: this.getModel(), certificates: this.getCertificates(), settings, policyAt: this.policyReader(result), report,
      // The parse the Bicep rules, hovers and code actions also read: once per string (per model).
      doc: inlinePolicyDoc(inline),
      policy: context,
    };
  }

  /**
   * The policy written in a Bicep string that holds `offset` of a Bicep file: its parse, its tier context and where
   * `offset` falls in its text (for hovers).
   */
  inlinePolicyAt(file: string, offset: number): { inline: InlinePolicy; doc: PolicyDocument; context: PolicyContext; offset: number } | undefined {
    if (this.kindOf(file) !== 'bicep') return undefined;
    for (const { inline, context } of this.getModel().inlinePoliciesIn(file)) {
      const offsets = inline.offsets;
      if (offset < offsets[0]! || offset > offsets[offsets.length - 1]!) continue;
      // The last character that starts at or before `offset` (escapes make several source characters one).
      let lo = 0;
      let hi = offsets.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (offsets[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { inline, doc: inlinePolicyDoc(inline), context, offset: lo };
    }
    return undefined;
  }

  /** The rule context of a file of the kind it is (parsing it if needed); undefined when it can't be parsed. */
  private ruleContext(file: string, e: Entry, settings: RuleSettings, report: (r: Report) => void, result: LintResult): AnyRuleContext | undefined {
    const text = e.text;
    const model = this.getModel();
    const certificates = this.getCertificates();
    const policyAt = this.policyReader(result);
    // Literals of one shape each (spreading a shared base made a slow-path object per file).
    if (e.kind === 'policy') {
      const doc = this.policy(file);
      // The fragments it includes run in its place: the rules see them (read through policyAt, so the CLI's cache knows).
      if (doc) resolveFragments(doc, file, model, policyAt);
      return doc && { file, text, model, certificates, settings, policyAt, report, doc, policy: this.policyContext(file) };
    }
    if (e.kind === 'bicep') {
      const bicep = this.bicep(file);
      return bicep && { file, text, model, certificates, settings, policyAt, report, bicep };
    }
    const certificate = this.certificate(file);
    return certificate && { file, text, model, certificates, settings, policyAt, report, certificate };
  }

  /** Keeps a lint among the last few (see `recentLints`); the one for the same file and options is replaced. */
  private rememberLint(entry: RecentLint): void {
    const i = this.recentLints.findIndex((r) => r.file === entry.file && r.certificateRules === entry.certificateRules);
    if (i >= 0) this.recentLints.splice(i, 1);
    this.recentLints.unshift(entry);
    if (this.recentLints.length > RECENT_LINTS) this.recentLints.length = RECENT_LINTS;
  }

  private invalidate(kind: FileKind, previousKind?: FileKind): void {
    for (const k of [kind, previousKind]) {
      if ((k === 'bicep' || k === 'policy') && this.model) {
        // The next model has its own policies written in Bicep strings, parsed again.
        this.model = undefined;
        forgetInlinePolicyDocs();
      }
      if (k === 'certificate') this.certIndex = undefined;
    }
  }
}

type AnyRuleContext = PolicyRuleContext | BicepRuleContext | CertificateRuleContext;

/** The time limit around many lints (`Workspace.lintAll`), as a multiple of the budget of the files under it. */
const BATCH_LIMIT = 1.25;

/** Thrown by `Workspace.lint` inside `lintAll` when less than the file's budget is left before the limit. */
class LimitTooNear extends Error {
  constructor(readonly budgetMs: number) {
    super('the time limit is too near for this file: linted again under a new one');
  }
}

/** A lint kept for reuse (see `Workspace.recentLints`). */
interface RecentLint {
  file: string;
  certificateRules: boolean;
  changes: number;
  config: LoadedConfig;
  result: LintResult;
}

/** What `Workspace.lint` needs to finish a lint, as it goes or after it was stopped. */
interface LintUnderWay {
  file: string;
  e: Entry;
  run: RuleRun;
  enabled: readonly EnabledRule[];
  remembered: RecentLint;
  hadParse: boolean;
  judge: UnusedSuppressionJudge | undefined;
}

/** A rule that runs, at the level the configuration gives it. */
interface EnabledRule {
  rule: Rule;
  level: ReportedLevel;
}

/** The settings of one lint, for its rules: the time boundaries they tell are kept in `result.stableUntil`. */
function ruleSettings(config: LoadedConfig['config'], now: Date, result: LintResult): RuleSettings {
  return {
    certificateExpiryWarningDays: config.certificateExpiryWarningDays,
    now,
    // The earliest moment a judgement made here changes (one already past: at once).
    onTimeBoundary: (at) => {
      result.stableUntil = Math.min(result.stableUntil ?? Infinity, Math.max(at, now.getTime()));
    },
  };
}

/**
 * One file's rules being run, against its time budget (counted from the moment this is made): the findings go to
 * `result`, a rule that throws becomes a notice, and the rules the budget left out are remembered for `budgetNotice`.
 */
class RuleRun {
  /** The rule being run and its configured level, for `report`. */
  private ruleId = '';
  private level: ReportedLevel = 'warning';
  private readonly startedAt = performance.now();
  private readonly skipped = new Set<string>();
  private failed = false;
  /** The rule running, if one is. */
  private running: string | undefined;
  /** Set by `stop`: the rule that was running then ('' when none was: the file was being parsed, say). */
  private stopped: string | undefined;
  /**
   * The rules of the current `runRules` (none before it starts), and the index of the one under way: `next` moves on
   * only once a rule has returned, so a stop anywhere in the loop finds the rule it cut among those from `next` on.
   */
  private pending: readonly EnabledRule[] = [];
  private next = 0;
  /**
   * Set while the rules run over a policy written in a Bicep string, until their findings are moved into the file: its
   * findings from this index on are still placed in the string's text, not the file's.
   */
  placedFrom: number | undefined;

  constructor(
    readonly result: LintResult,
    readonly budgetMs: number,
    /** When set, milliseconds spent per rule id are added to it. */
    private readonly timing: Map<string, number> | undefined,
  ) {}

  /**
   * One context object per file, one report function: the rule being run is in `ruleId` / `level` (spreading a fresh
   * context per rule cost more than most rules).
   */
  readonly report = (r: Report): void => {
    this.result.findings.push({
      ruleId: this.ruleId,
      level: r.certain === false ? capAtWarning(this.level) : this.level,
      message: r.message,
      file: this.result.file,
      span: r.span,
      fixes: r.fixes ?? [],
      related: r.related ?? [],
    });
  };

  /** Runs `rules` over `ctx`, each while the file is within its time budget (once one is skipped, so are the rest). */
  runRules(rules: readonly EnabledRule[], ctx: AnyRuleContext): void {
    const timing = this.timing;
    this.pending = rules;
    for (let i = 0; i < rules.length; i++) {
      this.next = i;
      const { rule, level } = rules[i]!;
      if (this.skipped.size > 0 || performance.now() - this.startedAt > this.budgetMs) {
        this.skipped.add(rule.id);
        continue;
      }
      this.ruleId = rule.id;
      this.level = level;
      const started = timing ? performance.now() : 0;
      this.running = rule.id;
      try {
        // `ctx` was made for the kind of file every rule in `rules` targets.
        (rule.check as (c: AnyRuleContext) => void)(ctx);
      } catch (err) {
        this.failed = true;
        this.result.notices.push(`rule ${rule.id} failed on this file: ${errorMessage(err)}`);
      }
      this.running = undefined;
      if (timing) timing.set(rule.id, (timing.get(rule.id) ?? 0) + performance.now() - started);
    }
    this.next = rules.length;
  }

  /** When the file's time budget is spent (a `performance.now()` time). */
  get deadline(): number {
    return this.startedAt + this.budgetMs;
  }

  /**
   * The running rule was stopped at the deadline: it and the rules after it did not run to their end. The findings it
   * made are kept, except those of a policy in a Bicep string not yet placed in the file.
   */
  stop(enabled: readonly EnabledRule[]): void {
    this.stopped = this.running ?? '';
    // Stopped before the rules started (parsing the file): none of them ran. Else the one under way (told as stopped
    // when it had started, as not run when the stop came just before) and those after it.
    for (const { rule } of this.pending.length === 0 ? enabled : this.pending.slice(this.next)) if (rule.id !== this.stopped) this.skipped.add(rule.id);
    if (this.placedFrom !== undefined) this.result.findings.length = this.placedFrom;
    this.placedFrom = undefined;
  }

  /** Whether every rule so far ran to its end (none failed, stopped or skipped): only then are unused suppressions judged. */
  get complete(): boolean {
    return !this.failed && this.stopped === undefined && this.skipped.size === 0;
  }

  /** What to tell of the rules the time budget stopped or skipped, if any. */
  budgetNotice(): string | undefined {
    const skipped = this.skipped;
    if (skipped.size === 0 && this.stopped === undefined) return undefined;
    const elapsed = Math.round(performance.now() - this.startedAt);
    const stopped = this.stopped ? `rule ${this.stopped} was stopped before it finished` : '';
    const notRun =
      skipped.size > 0 ? `${skipped.size} rule${skipped.size === 1 ? ' was' : 's were'} not run on it: ${[...skipped].join(', ')}`
      : stopped ? '' : 'it was stopped before its rules finished';
    return (
      `Linting this file took longer than its time budget (${this.budgetMs} ms; ${elapsed} ms so far), so ` +
      `${stopped}${stopped && notRun ? ', and ' : ''}${notRun}. ` +
      'Split the file, or raise "fileTimeBudgetMs" in .apim-mtls.json.'
    );
  }
}

/** How a certificate file's read problem starts, as a notice. */
const CERTIFICATE_PROBLEM = 'certificate file: ';

/** A CA bundle holds up to ~150 certificates; each costs ~0.5 ms to read (a broken one more), all read at once. */
const MAX_PEM_BLOCKS = 300;

function countPemBlocks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('-----BEGIN'); i >= 0; i = text.indexOf('-----BEGIN', i + 10)) n++;
  return n;
}

interface UnusedSuppressionJudge {
  level: ReportedLevel;
  /** The ids of the rules that run on the file (and on the policies written in its Bicep strings). */
  running: Set<string>;
}

/** The unused-suppression findings of a text (a file, or a policy written in a Bicep string), given what its directives suppressed. */
function unusedSuppressionFindings(judge: UnusedSuppressionJudge, text: string, kind: FileKind, used: SuppressionUse, file: string, index: () => LineIndex): Finding[] {
  const state = (id: string) => (judge.running.has(id) ? 'on' : ruleIds().has(id) ? 'off' : undefined);
  const found: Finding[] = unusedSuppressions(text, kind, used, state, UNUSED_SUPPRESSION).map((u) => ({
    ruleId: UNUSED_SUPPRESSION,
    level: judge.level,
    message: u.message,
    file,
    span: u.span,
    fixes: [{ title: u.fix.title, edits: [{ file, span: u.fix.span, newText: u.fix.newText }] }],
    related: [],
  }));
  // Only a comment naming this rule itself silences what it reports (every other comment is what it judges).
  return found.length > 0 ? applySuppressions(found, text, kind, index(), undefined, UNUSED_SUPPRESSION) : found;
}

let catalogIds: Set<string> | undefined;
/** Every apim-mtls rule id, whether or not this workspace runs it. */
function ruleIds(): Set<string> {
  return (catalogIds ??= new Set(ruleCatalog.map((r) => r.id)));
}

function capAtWarning(level: ReportedLevel): ReportedLevel {
  return level === 'error' ? 'warning' : level;
}

/** Workspace certificates by SHA-1 thumbprint. */
class CertIndex implements CertificateIndex {
  private readonly byTp = new Map<string, { file: string; certificate: CertificateInfo }[]>();
  private readonly list: { file: string; certificate: CertificateInfo }[] = [];
  readonly size: number;

  constructor(private readonly ws: Workspace) {
    const files = ws.files('certificate');
    let readable = 0;
    for (const file of files) {
      const certificates = ws.certificate(file)?.certificates ?? [];
      if (certificates.length > 0) readable++;
      for (const certificate of certificates) {
        const list = this.byTp.get(certificate.thumbprint) ?? [];
        list.push({ file, certificate });
        this.list.push({ file, certificate });
        this.byTp.set(certificate.thumbprint, list);
      }
    }
    this.size = readable;
  }

  byThumbprint(thumbprint: string): { file: string; certificate: CertificateInfo }[] {
    // Callers mostly pass the normalised (upper-case) form: look it up as it is first.
    return this.byTp.get(thumbprint) ?? this.byTp.get(thumbprint.toUpperCase()) ?? [];
  }

  all(): { file: string; certificate: CertificateInfo }[] {
    return this.list;
  }

  file(p: string): CertificateFile | undefined {
    return this.ws.certificate(p);
  }
}
