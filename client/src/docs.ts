import * as fs from 'node:fs';
import * as vscode from 'vscode';

/** "Show rule documentation": pick a rule, open its bundled page in the Markdown preview. */
export function registerDocsCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('apimMtls.showRuleDocumentation', async (ruleId?: string) => {
      const dir = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules');
      let id = typeof ruleId === 'string' ? ruleId : undefined;
      if (!id) {
        const ids = fs
          .readdirSync(dir.fsPath)
          .filter((f) => f.endsWith('.md'))
          .map((f) => f.slice(0, -3))
          .sort();
        id = await vscode.window.showQuickPick(ids, { placeHolder: 'Which rule?' });
        if (!id) return;
      }
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(dir, `${id}.md`));
    }),
  );
}
