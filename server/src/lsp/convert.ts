import { pathToFileURL, fileURLToPath } from 'node:url';
import {
  CreateFile,
  DiagnosticSeverity,
  DiagnosticTag,
  TextDocumentEdit,
  type Diagnostic,
  type Location,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Finding, Fix, ReportedLevel } from '../core/finding';
import { ruleDocsUrl } from '../core/docs';
import { LineIndex, withLineEndingsOf, type Span } from '../core/text';
import type { LoadedConfig } from '../engine/config';
import type { Workspace } from '../engine/workspace';
import { UNUSED_SUPPRESSION } from '../rules/unused-suppression';
import { DIAGNOSTIC_SOURCE } from './protocol';

export function uriToPath(uri: string): string | undefined {
  if (typeof uri !== 'string' || !uri.startsWith('file:')) return undefined;
  try {
    const file = fileURLToPath(uri);
    // `file:///%00`: no file has a NUL in its path (every fs call would refuse it).
    return file.includes('\0') ? undefined : file;
  } catch {
    return undefined;
  }
}

export function pathToUri(file: string): string {
  return pathToFileURL(file).href;
}

const SEVERITY: Record<ReportedLevel, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** A span in a workspace file as an LSP range (0:0 when the file is unknown). */
export function toRange(ws: Workspace, file: string, span: Span): Range {
  const index = ws.lineIndex(file);
  if (!index) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return spanRange(index, span);
}

/** A span as an LSP range, by its file's line index (`toRange` looks the index up in the workspace). */
export function spanRange(index: LineIndex, span: Span): Range {
  return { start: index.positionAt(span.start), end: index.positionAt(span.end) };
}

/** A span in a workspace file as an LSP location (at 0:0 when the file is unknown). */
export function toLocation(ws: Workspace, file: string, span: Span, uriOf: (file: string) => string): Location {
  return { uri: uriOf(file), range: toRange(ws, file, span) };
}

export function toDiagnostic(ws: Workspace, finding: Finding, uriOf: (file: string) => string): Diagnostic {
  return {
    range: toRange(ws, finding.file, finding.span),
    severity: SEVERITY[finding.level],
    source: DIAGNOSTIC_SOURCE,
    code: finding.ruleId,
    codeDescription: { href: ruleDocsUrl(finding.ruleId) },
    message: finding.message,
    relatedInformation: finding.related.map((r) => ({
      location: toLocation(ws, r.file, r.span, uriOf),
      message: r.message,
    })),
    data: { ruleId: finding.ruleId },
    // Editors fade an unused suppression comment, as they fade unused code.
    ...(finding.ruleId === UNUSED_SUPPRESSION ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}

export function noticeDiagnostic(message: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    message,
  };
}

/** A configuration file's problems, at the settings they name (else at the top of the file). */
export function configDiagnostics(loaded: LoadedConfig): Diagnostic[] {
  const index = loaded.text !== undefined ? new LineIndex(loaded.text) : undefined;
  return loaded.problems.map((p) => {
    const diagnostic = noticeDiagnostic(p.message);
    if (p.span && index) diagnostic.range = spanRange(index, p.span);
    return diagnostic;
  });
}

/**
 * A fix as a workspace edit: text edits per file (with the open document's version), files to create first.
 * Returns undefined when the fix creates files and the client can't.
 */
export function fixToEdit(
  ws: Workspace,
  fix: Fix,
  uriOf: (file: string) => string,
  versionOf: (file: string) => number | null,
  canCreateFiles: boolean,
): WorkspaceEdit | undefined {
  const creates = fix.creates ?? [];
  if (creates.length && !canCreateFiles) return undefined;
  const byFile = new Map<string, { range: Range; newText: string }[]>();
  for (const edit of fix.edits) {
    const list = byFile.get(edit.file) ?? [];
    list.push({ range: toRange(ws, edit.file, edit.span), newText: withLineEndingsOf(ws.textOf(edit.file) ?? '', edit.newText) });
    byFile.set(edit.file, list);
  }
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  for (const c of creates) {
    const uri = uriOf(c.file);
    documentChanges.push(CreateFile.create(uri, { ignoreIfExists: true }));
    documentChanges.push(
      TextDocumentEdit.create({ uri, version: null }, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: c.content }]),
    );
  }
  for (const [file, edits] of byFile) {
    documentChanges.push(TextDocumentEdit.create({ uri: uriOf(file), version: versionOf(file) }, edits));
  }
  return { documentChanges };
}
