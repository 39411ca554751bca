import * as path from 'node:path';
import type { FileReport } from '../report';
import { totals } from '../report';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `path:line:col  level  message  rule-id`, one finding a line, then a summary line. */
export function formatText(reports: FileReport[], cwd: string): string {
  const lines: string[] = [];
  for (const r of reports) {
    const rel = path.relative(cwd, r.file) || r.file;
    for (const m of r.messages) {
      lines.push(`${rel}:${m.line}:${m.column}  ${m.level.padEnd(7)}  ${m.message}${m.ruleId ? `  ${m.ruleId}` : ''}`);
    }
  }
  const t = totals(reports);
  const problems = t.error + t.warning + t.info + t.hint;
  const filesWith = reports.filter((r) => r.messages.length > 0).length;
  if (problems === 0) {
    lines.push(`No problems in ${plural(t.files, 'file')}.`);
  } else {
    const parts = [plural(t.error, 'error'), plural(t.warning, 'warning')];
    if (t.info) parts.push(`${t.info} info`);
    if (t.hint) parts.push(plural(t.hint, 'hint'));
    lines.push('');
    lines.push(`${plural(problems, 'problem')} (${parts.join(', ')}) in ${plural(filesWith, 'file')} of ${t.files} linted.`);
  }
  return lines.join('\n') + '\n';
}
