import type { Finding, ReportedLevel } from '../core/finding';
import type { LineIndex } from '../core/text';
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
  finding?: Finding;
}

export interface FileReport {
  file: string;
  messages: LocatedMessage[];
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
    messages.push({
      ruleId: f.ruleId,
      level: f.level,
      message: f.message,
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
      finding: f,
    });
  }
  return { file: result.file, messages };
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
