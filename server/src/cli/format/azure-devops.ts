import * as path from 'node:path';
import type { FileReport } from '../report';
import { escapeControls, logSafe, oneLine } from './log-safe';
import { summaryLine } from './text';

/** Message data as the Azure Pipelines agent decodes it (`%AZP25`, CR and LF). */
function escapeData(s: string): string {
  return escapeControls(s.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/** Data escaping, and `]` and `;` that would end the command's properties. */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/]/g, '%5D').replace(/;/g, '%3B');
}

/**
 * Azure Pipelines logging commands: a `##vso[task.logissue]` line per error and warning, which the pipeline shows as an
 * issue of the step (in the run's summary, with the file and line), then the text format's summary. `task.logissue`
 * knows only errors and warnings: info and hint findings are printed as the text format prints them (runner commands in
 * them defused). Paths are relative
 * to the working directory (the repository root in a pipeline's script steps), with `/`.
 */
export function formatAzureDevOps(reports: FileReport[], cwd: string): string {
  const lines: string[] = [];
  for (const r of reports) {
    const file = (path.relative(cwd, r.file) || r.file).split(path.sep).join('/');
    for (const m of r.messages) {
      if (m.level !== 'error' && m.level !== 'warning') {
        // Not a command: the agent would run a `##vso[` the repository's text put in it (logSafe defuses it).
        lines.push(logSafe(`${oneLine(file)}:${m.line}:${m.column}  ${m.level}  ${oneLine(m.message)}${m.ruleId ? `  ${m.ruleId}` : ''}`));
        continue;
      }
      const properties = [`type=${m.level}`, `sourcepath=${escapeProperty(file)}`, `linenumber=${m.line}`, `columnnumber=${m.column}`];
      if (m.ruleId) properties.push(`code=${escapeProperty(m.ruleId)}`);
      lines.push(`##vso[task.logissue ${properties.join(';')}]${escapeData(m.message)}`);
    }
  }
  const summary = summaryLine(reports);
  return [...lines, summary].join('\n') + '\n';
}
