import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE } from '../../server/src/lsp/protocol';

/** "Show rule documentation": pick a rule, open its bundled page in the Markdown preview. */
export function registerDocsCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('apimMtls.showRuleDocumentation', async (ruleId?: string) => {
      const dir = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules');
      let id = typeof ruleId === 'string' ? ruleId : undefined;
      if (!id) {
        // Each rule with the first sentence of its page; the rule of a finding under the cursor first.
        const atCursor = ruleAtCursor();
        const items = fs
          .readdirSync(dir.fsPath)
          .filter((f) => f.endsWith('.md'))
          .map((f) => ({ label: f.slice(0, -3), detail: firstSentence(fs.readFileSync(vscode.Uri.joinPath(dir, f).fsPath, 'utf8')) }))
          .sort((a, b) => (a.label === atCursor ? -1 : b.label === atCursor ? 1 : a.label.localeCompare(b.label)));
        id = (await vscode.window.showQuickPick(items, { placeHolder: 'Which rule?', matchOnDetail: true }))?.label;
        if (!id) return;
      }
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(dir, `${id}.md`));
    }),
  );
}

/** The rule of an apim-mtls finding at the active editor's cursor, if any. */
function ruleAtCursor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const at = editor.selection.active;
  const found = vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.source === DIAGNOSTIC_SOURCE && d.range.contains(at));
  const code = found?.code;
  return typeof code === 'object' ? String(code.value) : code !== undefined ? String(code) : undefined;
}

/** The first sentence of a rule page's description (the paragraph after its level line), for the picker. */
function firstSentence(page: string): string {
  const paragraph = page.split(/\n\s*\n/).find((p) => !p.startsWith('#') && !p.startsWith('Default level')) ?? '';
  const text = paragraph.replace(/\s+/g, ' ').replace(/[`*]/g, '').trim();
  const end = text.search(/[.:](\s|$)/);
  return (end > 0 ? text.slice(0, end + 1) : text).slice(0, 200);
}
