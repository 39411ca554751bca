import * as path from 'node:path';
import { DOCS_BASE_URL } from '../../core/docs';
import type { FileReport } from '../report';
import { totals } from '../report';
import { oneLine } from './log-safe';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `path:line:col  level  message  rule-id`, one finding a line, then a summary line and where the rules' pages are. */
export function formatText(reports: FileReport[], cwd: string): string {
  const lines: string[] = [];
  for (const r of reports) {
    // A line break in a file name or a message (which quotes the repository) is written escaped: raw, it could forge
    // report lines. The caller makes the whole report safe for CI logs (`logSafe`).
    const rel = oneLine(path.relative(cwd, r.file) || r.file);
    for (const m of r.messages) {
      lines.push(`${rel}:${m.line}:${m.column}  ${m.level.padEnd(7)}  ${oneLine(m.message)}${m.ruleId ? `  ${m.ruleId}` : ''}`);
    }
  }
  if (lines.length > 0) lines.push('');
  lines.push(summaryLine(reports));
  // The rule id ends each line; its page says why, how to fix it and what it rests on (as SARIF's helpUri does).
  if (reports.some((r) => r.messages.some((m) => m.ruleId))) lines.push(`A rule's page: apim-mtls rules <rule-id>, or ${DOCS_BASE_URL}/<rule-id>.md`);
  return lines.join('\n') + '\n';
}

/**
 * `N problems (…) in X files of Y linted.`; files that couldn't be linted (unreadable, too large, binary, ignored
 * but named) are counted apart: `in X files of Y: Z linted, W not linted.`
 */
export function summaryLine(reports: FileReport[]): string {
  const t = totals(reports);
  const problems = t.error + t.warning + t.info + t.hint;
  if (t.files === 0) {
    return 'No files to lint: nothing under the paths is a policy, Bicep, Bicep parameters or certificate file (a template such as orders.xml.tpl is linted when named as a path).';
  }
  if (problems === 0) return `No problems in ${plural(t.files, 'file')}.`;
  const filesWith = reports.filter((r) => r.messages.length > 0).length;
  const parts = [plural(t.error, 'error'), plural(t.warning, 'warning')];
  if (t.info) parts.push(`${t.info} info`);
  if (t.hint) parts.push(plural(t.hint, 'hint'));
  const notLinted = reports.filter((r) => r.notLinted).length;
  const of = notLinted === 0 ? `${t.files} linted` : `${t.files}: ${t.files - notLinted} linted, ${notLinted} not linted`;
  return `${plural(problems, 'problem')} (${parts.join(', ')}) in ${plural(filesWith, 'file')} of ${of}.`;
}
