import * as path from 'node:path';
import type { FileReport } from '../report';
import { escapeControls } from './log-safe';
import { summaryLine } from './text';

/** `%`, CR and LF escaped, as workflow command data must be (other controls as `\uXXXX`). */
function escapeData(s: string): string {
  return escapeControls(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/** Data escaping, and `:` and `,` that would end a property. */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' } as const;

/**
 * GitHub Actions workflow commands: an `::error`, `::warning` or `::notice` line per finding, which GitHub turns into an
 * annotation on that file and line (shown in a pull request's diff too), then the text format's summary. Paths are
 * relative to the working directory, which is the repository root in a workflow's steps.
 */
export function formatGithub(reports: FileReport[], cwd: string): string {
  const lines: string[] = [];
  for (const r of reports) {
    const file = (path.relative(cwd, r.file) || r.file).split(path.sep).join('/');
    for (const m of r.messages) {
      const properties = [
        `file=${escapeProperty(file)}`,
        `line=${m.line}`,
        `col=${m.column}`,
        `endLine=${m.endLine}`,
        `endColumn=${m.endColumn}`,
        `title=${escapeProperty(m.ruleId ? `apim-mtls ${m.ruleId}` : 'apim-mtls')}`,
      ];
      lines.push(`::${COMMAND[m.level]} ${properties.join(',')}::${escapeData(m.message)}`);
    }
  }
  // The summary as the text format writes it (its last line), for the log.
  const summary = summaryLine(reports);
  return [...lines, summary].join('\n') + '\n';
}
