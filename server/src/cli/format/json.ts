import type { FileReport } from '../report';

/**
 * ESLint-style JSON: one entry per linted file, clean ones included; a message's automatic fix as `fix` and its other
 * fixes as `suggestions`, in ESLint's shape (`{ range: [start, end], text }`, offsets in the file's text).
 */
export function formatJson(reports: FileReport[]): string {
  return JSON.stringify(
    reports.map((r) => {
      const count = (level: string) => r.messages.filter((m) => m.level === level).length;
      return {
        filePath: r.file,
        messages: r.messages.map((m) => ({
          ruleId: m.ruleId,
          severity: m.level === 'error' ? 2 : 1,
          level: m.level,
          message: m.message,
          line: m.line,
          column: m.column,
          endLine: m.endLine,
          endColumn: m.endColumn,
          ...(m.ruleId === null ? { fatal: true } : {}),
          ...(m.fix ? { fix: m.fix } : {}),
          ...(m.suggestions ? { suggestions: m.suggestions } : {}),
        })),
        errorCount: count('error'),
        warningCount: count('warning'),
        infoCount: count('info'),
        hintCount: count('hint'),
      };
    }),
    null,
    2,
  ) + '\n';
}
