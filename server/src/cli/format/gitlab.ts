import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { ReportedLevel } from '../../core/finding';
import type { FileReport } from '../report';

/** GitLab's severities, lowest first: `info`, `minor`, `major`, `critical`, `blocker`. */
const SEVERITY: Record<ReportedLevel, string> = { error: 'major', warning: 'minor', info: 'info', hint: 'info' };

/**
 * GitLab's Code Quality report (`artifacts: reports: codequality:`): a JSON array of issues in the subset of the Code
 * Climate format that GitLab reads, `{ description, check_name, fingerprint, severity, location: { path, lines:
 * { begin } } }`. Errors are `major` and warnings `minor`, so errors rank first in the merge request widget. A notice
 * about a file (unreadable, too large) is an issue of its own, `apim-mtls`. Paths are relative to the working directory
 * (the project root in a CI job), with `/`.
 *
 * The fingerprint identifies an issue from one run to the next, which is how GitLab tells new issues from fixed ones: a
 * hash of the path, the rule and the message without its numbers (nor plural endings), and of how many such issues come before it in that
 * file, but not of the line, so an edit above a finding doesn't make it new, nor does a day passing (an expiry's count
 * of days) or a certificate file added elsewhere.
 */
export function formatGitlab(reports: FileReport[], cwd: string): string {
  const issues: object[] = [];
  for (const r of reports) {
    const file = (path.relative(cwd, r.file) || r.file).split(path.sep).join('/');
    const seen = new Map<string, number>();
    for (const m of r.messages) {
      const checkName = m.ruleId ?? 'apim-mtls';
      // Numbers in a message change while the issue stays (days to an expiry, how many certificate files or policies
      // there are), and the plurals with them: left out of the fingerprint.
      const key = `${file}\0${checkName}\0${m.message.replace(/\d+/g, '#').replace(/s\b/g, '')}`;
      const nth = seen.get(key) ?? 0;
      seen.set(key, nth + 1);
      issues.push({
        type: 'issue',
        description: m.message,
        check_name: checkName,
        fingerprint: createHash('sha256').update(`${key}\0${nth}`).digest('hex').slice(0, 32),
        severity: SEVERITY[m.level],
        location: { path: file, lines: { begin: m.line } },
      });
    }
  }
  return `${JSON.stringify(issues, null, 2)}\n`;
}
