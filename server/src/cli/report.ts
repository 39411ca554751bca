import { staysInFile, type Finding, type Fix, type ReportedLevel } from '../core/finding';
import { LineIndex, withLineEndingsOf } from '../core/text';
import type { LoadedConfig } from '../engine/config';
import type { LintResult } from '../engine/workspace';

/** A finding with 1-based line and column, as every output format shows it. */
export interface LocatedMessage {
  ruleId: string | null;
  level: ReportedLevel;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** ESLint's shape: the automatic fix (`Fix.autofix`) as one replacement of `range` (offsets in the file) by `text`. */
  fix?: EslintFix;
  /** ESLint's shape: the other fixes that stay in the file, for a person to choose. */
  suggestions?: { desc: string; fix: EslintFix }[];
  finding?: Finding;
}

export interface EslintFix {
  range: [number, number];
  text: string;
}

/**
 * A fix as ESLint writes one: a single replacement, its edits merged with the text between them (as ESLint merges a
 * rule's fixes). Undefined for a fix that creates files or edits another file.
 */
function eslintFix(fix: Fix, file: string, text: string): EslintFix | undefined {
  if (!staysInFile(fix, file)) return undefined;
  const edits = [...fix.edits].sort((a, b) => a.span.start - b.span.start);
  const start = edits[0]!.span.start;
  let out = '';
  let at = start;
  for (const e of edits) {
    if (e.span.start < at) return undefined; // overlapping edits: not one replacement
    out += text.slice(at, e.span.start) + withLineEndingsOf(text, e.newText);
    at = e.span.end;
  }
  return { range: [start, at], text: out };
}

export interface FileReport {
  file: string;
  messages: LocatedMessage[];
  /** The file couldn't be linted (unreadable, too large, binary, named but ignored): its notice says why. */
  notLinted?: true;
  /** A policy that validates client certificates with no tier (no Bicep the run read deploys it, no configured SKU). */
  untiered?: true;
}

/** Findings to located messages; notices (unreadable, too large) become warnings without a rule at 1:1. */
export function locate(result: LintResult, index: LineIndex | undefined): FileReport {
  const messages: LocatedMessage[] = [];
  for (const notice of result.notices) {
    messages.push({ ruleId: null, level: 'warning', message: notice, line: 1, column: 1, endLine: 1, endColumn: 1 });
  }
  for (const f of result.findings) {
    const start = index ? index.positionAt(f.span.start) : { line: 0, character: 0 };
    const end = index ? index.positionAt(f.span.end) : start;
    const message: LocatedMessage = {
      ruleId: f.ruleId,
      level: f.level,
      message: f.message,
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
      finding: f,
    };
    for (const fix of index ? f.fixes : []) {
      const converted = eslintFix(fix, result.file, index!.text);
      if (!converted) continue;
      if (fix.autofix && !message.fix) message.fix = converted;
      else (message.suggestions ??= []).push({ desc: fix.title, fix: converted });
    }
    messages.push(message);
  }
  return { file: result.file, messages };
}

/** A configuration file's problems, once, at the settings they name (else at 1:1): warnings without a rule. */
export function configReport(loaded: LoadedConfig): FileReport {
  const index = loaded.text !== undefined ? new LineIndex(loaded.text) : undefined;
  const messages = loaded.problems.map((p): LocatedMessage => {
    const start = p.span && index ? index.positionAt(p.span.start) : { line: 0, character: 0 };
    const end = p.span && index ? index.positionAt(p.span.end) : start;
    return { ruleId: null, level: 'warning', message: p.message, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
  });
  return { file: loaded.file ?? '', messages };
}

export interface Totals {
  files: number;
  error: number;
  warning: number;
  info: number;
  hint: number;
}

export function totals(reports: FileReport[]): Totals {
  const t: Totals = { files: reports.length, error: 0, warning: 0, info: 0, hint: 0 };
  for (const r of reports) for (const m of r.messages) t[m.level]++;
  return t;
}
