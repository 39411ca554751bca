import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ReportedLevel } from '../../core/finding';
import { REPOSITORY_URL, ruleDocsUrl } from '../../core/docs';
import { VERSION } from '../../core/version';
import { leavesFolder } from '../../core/paths';
import type { Rule } from '../../rules/types';
import type { FileReport } from '../report';

type SarifLevel = 'error' | 'warning' | 'note';

function sarifLevel(level: ReportedLevel): SarifLevel {
  return level === 'error' ? 'error' : level === 'warning' ? 'warning' : 'note';
}

/** SARIF 2.1.0: one run, rule metadata with help links, paths relative to %SRCROOT% (the working directory). */
export function formatSarif(reports: FileReport[], rules: readonly Rule[], cwd: string): string {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  // Under the working directory: a relative URI against %SRCROOT%. Outside it: an absolute file URI, which SARIF
  // allows only without a uriBaseId (SARIF1004).
  const artifact = (file: string): { uri: string; uriBaseId?: string } => {
    const rel = path.relative(cwd, file);
    if (leavesFolder(rel)) return { uri: pathToFileURL(file).href };
    return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  };
  const location = (file: string, m: { line: number; column: number; endLine: number; endColumn: number }) => ({
    physicalLocation: {
      artifactLocation: artifact(file),
      region: { startLine: m.line, startColumn: m.column, endLine: m.endLine, endColumn: m.endColumn },
    },
  });
  const results = [];
  const notifications = [];
  for (const r of reports) {
    for (const m of r.messages) {
      if (m.ruleId === null) {
        notifications.push({
          level: 'warning',
          message: { text: m.message },
          locations: [location(r.file, m)],
        });
        continue;
      }
      results.push({
        ruleId: m.ruleId,
        ...(ruleIndex.has(m.ruleId) ? { ruleIndex: ruleIndex.get(m.ruleId) } : {}),
        level: sarifLevel(m.level),
        message: { text: m.message },
        locations: [location(r.file, m)],
      });
    }
  }
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'apim-mtls',
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: REPOSITORY_URL,
            rules: rules.map((rule) => ({
              id: rule.id,
              name: rule.id
                .split('-')
                .map((w) => w[0]!.toUpperCase() + w.slice(1))
                .join(''),
              shortDescription: { text: rule.description },
              helpUri: ruleDocsUrl(rule.id),
              help: { text: `${rule.description} See ${ruleDocsUrl(rule.id)}` },
              // A rule off unless asked for (unused-suppression) is `enabled: false` by default.
              defaultConfiguration: rule.defaultLevel === 'off' ? { enabled: false } : { level: sarifLevel(rule.defaultLevel) },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
