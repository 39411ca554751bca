import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, MessageType, ShowMessageNotification, type CodeAction, type CodeActionParams, type Connection, type Position } from 'vscode-languageserver/node';
import type { Finding, Fix } from '../core/finding';
import { ruleDocsUrl } from '../core/docs';
import { autofixes } from '../engine/autofix';
import { fileSuppression, suppressionComment } from '../engine/suppress';
import { UNUSED_SUPPRESSION } from '../rules/unused-suppression';
import type { Workspace } from '../engine/workspace';
import { fixToEdit, toDiagnostic } from './convert';
import { FIX_ALL_KIND, OPEN_DOCS_COMMAND } from './protocol';

export interface ActionEnv {
  uriOf(file: string): string;
  versionOf(file: string): number | null;
  canCreateFiles: boolean;
}

/**
 * Quick-fixes of the findings under the cursor, then "disable for this line" and "show documentation" for each rule;
 * and, when the client asks for source actions (on save, say), the file's safe fixes as one `source.fixAll` action.
 */
export function codeActions(ws: Workspace, file: string, params: CodeActionParams, env: ActionEnv): CodeAction[] {
  const index = ws.lineIndex(file);
  if (!index) return [];
  const only = params.context.only;
  // A kind is asked for when `only` names it or a kind it refines (`source` covers `source.fixAll.apim-mtls`).
  const asked = (kind: string): boolean => only?.some((k) => k === '' || kind === k || kind.startsWith(`${k}.`)) ?? false;
  if (only && !asked(CodeActionKind.QuickFix)) {
    if (!asked(FIX_ALL_KIND)) return [];
    const fixAll = fixAllAction(ws, env, autofixes(ws.lint(file, { certificateRules: true }).findings, file), FIX_ALL_KIND);
    return fixAll ? [fixAll] : [];
  }
  const inFile = ws.lint(file, { certificateRules: true }).findings;
  const from = index.offsetAt(params.range.start);
  const to = index.offsetAt(params.range.end);
  // The findings under the range, and those of the diagnostics the client names: Neovim sends the cursor as an empty
  // range with the line's diagnostics, so a cursor anywhere on the line gets their actions, as in VS Code.
  // Only diagnostics of ours can name a finding: a rule id and a range of numbers (a client may send anything: an object
  // as the code, an object as a line, and one such diagnostic failed the whole request).
  const named = new Set(
    (Array.isArray(params.context.diagnostics) ? params.context.diagnostics : [])
      .filter((d) => typeof d?.code === 'string' && isPosition(d.range?.start) && isPosition(d.range.end))
      .map((d) => `${d.code}:${index.offsetAt(d.range.start)}:${index.offsetAt(d.range.end)}`),
  );
  const findings = inFile.filter((f) => (f.span.start <= to && f.span.end >= from) || named.has(`${f.ruleId}:${f.span.start}:${f.span.end}`));
  const actions: CodeAction[] = [];
  const seenRules = new Set<string>();
  for (const finding of findings) {
    const diagnostic = toDiagnostic(ws, finding, env.uriOf);
    for (const fix of finding.fixes) {
      const edit = fixToEdit(ws, fix, env.uriOf, env.versionOf, env.canCreateFiles);
      if (!edit) continue;
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.preferred ?? finding.fixes.length === 1,
        edit,
      });
    }
  }
  // On a finding with a safe fix, when the file has more of them: all at once, as ESLint's lightbulb offers.
  if (findings.some((f) => f.fixes.some((x) => x.autofix))) {
    const safe = autofixes(inFile, file);
    const all = safe.length > 1 ? fixAllAction(ws, env, safe, CodeActionKind.QuickFix) : undefined;
    if (all) actions.push(all);
  }
  const kind = ws.kindOf(file);
  const suppressible = kind === 'policy' || kind === 'bicep';
  for (const finding of findings) {
    if (seenRules.has(finding.ruleId)) continue;
    seenRules.add(finding.ruleId);
    // Certificate files take no comments (a DER file would be broken by one): their rules are set in the configuration.
    // Nor is an unused suppression comment answered with another comment: that rule is set in the configuration too.
    if (suppressible && finding.ruleId !== UNUSED_SUPPRESSION) {
      actions.push(disableAction(ws, file, finding, env));
      // A policy written in a Bicep '''…''' string is disabled at its own top; a one-line string takes Bicep's pragma.
      const whole = finding.suppressWith ? disableInInlinePolicyAction(ws, file, finding, env) : disableInFileAction(ws, file, finding, env);
      if (whole) actions.push(whole);
    }
    actions.push({
      title: `Show documentation for ${finding.ruleId}`,
      kind: CodeActionKind.QuickFix,
      command: { title: `Show documentation for ${finding.ruleId}`, command: OPEN_DOCS_COMMAND, arguments: [finding.ruleId] },
    });
  }
  return actions;
}

/** One action applying the file's safe fixes (`autofixes`), as a source action (on save) or a quick-fix. */
function fixAllAction(ws: Workspace, env: ActionEnv, fixes: Fix[], kind: string): CodeAction | undefined {
  if (fixes.length === 0) return undefined;
  const edit = fixToEdit(ws, { title: '', edits: fixes.flatMap((f) => f.edits) }, env.uriOf, env.versionOf, false);
  return edit && { title: `Fix all safe apim-mtls problems (${fixes.length})`, kind, edit };
}

function disableAction(ws: Workspace, file: string, finding: Finding, env: ActionEnv): CodeAction {
  const index = ws.lineIndex(file)!;
  const text = ws.textOf(file) ?? '';
  const line = index.positionAt(finding.span.start).line;
  const lineText = index.lineText(line);
  const indent = /^[ \t]*/.exec(lineText)![0];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // A policy written in a Bicep '''…''' string takes a policy comment inside the string, on a line that starts inside
  // it. The line that opens the string (`value: '''<policies>…`, the whole policy on one line) starts in Bicep code,
  // where a policy comment would break the template: a Bicep directive goes there.
  const insideString = finding.suppressWith === 'policy' && ws.inlinePolicyAt(file, index.lineStart(line)) !== undefined;
  const kind = insideString ? 'policy' : (ws.kindOf(file) ?? 'policy');
  const diagnostics = [toDiagnostic(ws, finding, env.uriOf)];
  // A line that starts inside a start tag or a policy expression (a multi-line @{…}, attributes on several lines) can't
  // take a comment: the rule is turned off around the element instead, from before it to after it.
  const around = kind === 'policy' ? elementAroundLine(ws, file, index.lineStart(line)) : undefined;
  if (around) {
    const startLine = index.positionAt(around.start).line;
    const elementIndent = /^[ \t]*/.exec(index.lineText(startLine))![0];
    const first = index.lineStart(startLine) + elementIndent.length === around.start;
    const edits = [
      first
        ? { file, span: { start: index.lineStart(startLine), end: index.lineStart(startLine) }, newText: `${elementIndent}<!-- apim-mtls-disable ${finding.ruleId} -->${eol}` }
        : { file, span: { start: around.start, end: around.start }, newText: `<!-- apim-mtls-disable ${finding.ruleId} -->` },
      { file, span: { start: around.end, end: around.end }, newText: `${eol}${elementIndent}<!-- apim-mtls-enable ${finding.ruleId} -->` },
    ];
    return {
      title: `Disable ${finding.ruleId} for this <${around.name}>`,
      kind: CodeActionKind.QuickFix,
      diagnostics,
      edit: fixToEdit(ws, { title: '', edits }, env.uriOf, env.versionOf, false)!,
    };
  }
  return {
    title: `Disable ${finding.ruleId} for this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics,
    edit: fixToEdit(
      ws,
      {
        title: '',
        edits: [{ file, span: { start: index.lineStart(line), end: index.lineStart(line) }, newText: suppressionComment(kind, finding.ruleId, indent, eol) }],
      },
      env.uriOf,
      env.versionOf,
      false,
    )!,
  };
}

/**
 * The element whose start tag or policy expression holds `offset` (a line's start) strictly inside, with its span in
 * the file's offsets: a policy file, or a policy written in a Bicep string (mapped through its offsets).
 */
function elementAroundLine(ws: Workspace, file: string, offset: number): { name: string; start: number; end: number } | undefined {
  const inline = ws.kindOf(file) === 'bicep' ? ws.inlinePolicyAt(file, offset) : undefined;
  const doc = inline ? inline.doc : ws.policy(file);
  if (!doc) return undefined;
  const at = inline ? inline.offset : offset;
  const offsets = inline?.inline.offsets;
  // Offsets of the string's characters (a '''…''' string has no escapes: one source character each).
  const toFile = (o: number): number => (offsets ? (offsets[o] ?? offsets[offsets.length - 1]! + 1) : o);
  const endToFile = (o: number): number => (offsets && o > 0 ? offsets[o - 1]! + 1 : o);
  const owner =
    doc.expressions.find((e) => e.span.start < at && at < e.span.end)?.owner.element ??
    doc.elements.find((el) => el.startTagSpan.start < at && at < el.startTagSpan.end);
  if (!owner) return undefined;
  return { name: owner.name, start: toFile(owner.span.start), end: endToFile(owner.span.end) };
}

/** The rule's page bundled beside the server (dist/../docs/rules), or the online page. */
export function ruleDocsLocation(ruleId: string): { uri: string; external: boolean } {
  if (/^[a-z0-9-]+$/.test(ruleId)) {
    let dir = __dirname;
    for (let i = 0; i < 6; i++) {
      const candidate = path.join(dir, 'docs', 'rules', `${ruleId}.md`);
      if (fs.existsSync(candidate)) return { uri: pathToFileURL(candidate).href, external: false };
      dir = path.dirname(dir);
    }
  }
  return { uri: ruleDocsUrl(ruleId), external: true };
}

export async function openRuleDocs(connection: Connection, ruleId: string): Promise<void> {
  const where = ruleDocsLocation(ruleId);
  try {
    await connection.window.showDocument({ uri: where.uri, external: where.external, takeFocus: true });
  } catch {
    // A notification: a client without window/showMessageRequest would answer a request with an error.
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `Documentation for ${ruleId}: ${ruleDocsUrl(ruleId)}` });
  }
}

/**
 * "Disable for this policy" on a finding in a policy written in a Bicep `'''…'''` string: an `apim-mtls-disable`
 * comment at the top of the policy text (after an XML declaration), which is the whole scope such a policy has.
 */
function disableInInlinePolicyAction(ws: Workspace, file: string, finding: Finding, env: ActionEnv): CodeAction | undefined {
  const at = ws.inlinePolicyAt(file, finding.span.start);
  if (!at) return undefined;
  const text = ws.textOf(file) ?? '';
  const { at: offset, newText } = fileSuppression('policy', finding.ruleId, at.inline.text, text.includes('\r\n') ? '\r\n' : '\n');
  const offsets = at.inline.offsets;
  const where = offsets[offset] ?? offsets[offsets.length - 1]! + 1;
  return {
    title: `Disable ${finding.ruleId} for this policy`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toDiagnostic(ws, finding, env.uriOf)],
    edit: fixToEdit(ws, { title: '', edits: [{ file, span: { start: where, end: where }, newText }] }, env.uriOf, env.versionOf, false)!,
  };
}

function disableInFileAction(ws: Workspace, file: string, finding: Finding, env: ActionEnv): CodeAction {
  const text = ws.textOf(file) ?? '';
  const { at, newText } = fileSuppression(ws.kindOf(file)!, finding.ruleId, text, text.includes('\r\n') ? '\r\n' : '\n');
  return {
    title: `Disable ${finding.ruleId} for this file`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toDiagnostic(ws, finding, env.uriOf)],
    edit: fixToEdit(ws, { title: '', edits: [{ file, span: { start: at, end: at }, newText }] }, env.uriOf, env.versionOf, false)!,
  };
}

/** A position made of two numbers, as the protocol has it. */
function isPosition(p: unknown): p is Position {
  const q = p as { line?: unknown; character?: unknown } | null | undefined;
  return typeof q?.line === 'number' && typeof q.character === 'number';
}
