// Helpers for end-to-end tests running inside VS Code (code-server's extension host).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'apim-mtls.apim-mtls';

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext;
}

/** True when the extension's entry point (package.json `main`, dist/client.js) has been built. */
export function clientBuilt(): boolean {
  const ext = extension();
  const main: string = ext.packageJSON.main ?? './dist/client.js';
  return fs.existsSync(path.join(ext.extensionPath, main));
}

/** The throw-away copy of examples/ that scripts/e2e/run.mjs opened as the workspace. */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri;
}

/** Writes a file into the (throw-away) workspace and returns its URI. */
export async function writeWorkspaceFile(relativePath: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), ...relativePath.split('/'));
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return uri;
}

/** Opens a document in an editor, as a person would. */
export async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---- diagnostics, code actions, hovers ------------------------------------------------------------------------------

export const SOURCE = 'apim-mtls';

/** A URI in the throw-away workspace (the copy of examples/). */
export function wsUri(relativePath: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...relativePath.split('/'));
}

/** The rule id of a diagnostic (`code` is a string, or `{ value, target }` when the rule has a docs link). */
export function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : String(c ?? '');
}

/** The diagnostics this extension published for `uri`. */
export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

export function codes(uri: vscode.Uri): string[] {
  return ours(uri).map(codeOf).sort();
}

/** Default wait for the language server: generous for a shared 2-core machine, still bounded. */
export const LSP_WAIT_MS = 45_000;

/** Waits until `uri` shows a diagnostic with `code` and returns it. */
export function waitForCode(uri: vscode.Uri, code: string, timeoutMs = LSP_WAIT_MS): Promise<vscode.Diagnostic> {
  return waitFor(`${code} on ${vscode.workspace.asRelativePath(uri)} (has: ${codes(uri).join(', ') || 'none'})`, () => ours(uri).find((d) => codeOf(d) === code), timeoutMs);
}

/** Waits until `uri` shows no diagnostic with `code`. */
export async function waitForNoCode(uri: vscode.Uri, code: string, timeoutMs = LSP_WAIT_MS): Promise<void> {
  await waitFor(`${code} to go from ${vscode.workspace.asRelativePath(uri)}`, () => !ours(uri).some((d) => codeOf(d) === code), timeoutMs);
}

/** Activates the extension (when a test runs alone) and fails when the client is not built. */
export async function ready(): Promise<void> {
  if (!clientBuilt()) throw new Error('client not built (dist/client.js missing)');
  await extension().activate();
}

export async function codeActions(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const all = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range)) ?? [];
  return all.filter((a): a is vscode.CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
}

/** The text of every hover at `position`. */
export async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

/** Position of the first `needle` in the document (+ `delta` characters). */
export function positionOf(doc: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const at = doc.getText().indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" not found in ${vscode.workspace.asRelativePath(doc.uri)}`);
  return doc.positionAt(at + delta);
}

/** Drops unsaved changes of `uri` (its editor is shown first, `revert` works on the active editor). */
export async function revert(uri: vscode.Uri): Promise<void> {
  await open(uri);
  await vscode.commands.executeCommand('workbench.action.files.revert');
}

/** Sets (or with `undefined` removes) a workspace setting of this extension and waits until VS Code reports it. */
export async function setSetting(key: 'sku' | 'rules', value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('apimMtls').update(key, value, vscode.ConfigurationTarget.Workspace);
}
