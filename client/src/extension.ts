import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { registerCertificateCommands } from './certificates';
import { registerPolicyDetection } from './detect';
import { registerDocsCommand } from './docs';
import { FIX_ALL_KIND, OPEN_DOCS_COMMAND } from '../../server/src/lsp/protocol';
import { registerTierStatus, SHOW_TIER_COMMAND } from './tier-status';

let client: LanguageClient | undefined;

/** The languages the server serves (with .cshtml files: see the document selector). */
const SERVED_LANGUAGES: ReadonlySet<string> = new Set([
  'apim-policy',
  'bicep',
  // The Bicep extension's id for .bicepparam files: their values set the deployed file's parameters (the SKU).
  'bicep-params',
  'apim-certificate',
]);

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('APIM mTLS', { log: true });
  context.subscriptions.push(output);
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...[...SERVED_LANGUAGES].map((language) => ({ scheme: 'file', language })),
      // Policies written as .cshtml (for C# highlighting): the server tells them from Razor views by their root element.
      { scheme: 'file', pattern: '**/*.cshtml' },
    ],
    outputChannel: output,
    errorHandler: new RestartingErrorHandler(output),
    middleware: {
      // "Show documentation for <rule>": in VS Code, the bundled page in the Markdown preview (the server's own
      // window/showDocument opened the raw file, editable, inside the installed extension).
      executeCommand: async (command, args, next) => {
        if (command === OPEN_DOCS_COMMAND && typeof args[0] === 'string') return vscode.commands.executeCommand('apimMtls.showRuleDocumentation', args[0]);
        return next(command, args);
      },
    },
  };
  const languageClient = new LanguageClient('apimMtls', 'APIM mTLS', serverOptions, clientOptions);
  client = languageClient;
  context.subscriptions.push(
    vscode.commands.registerCommand('apimMtls.restartServer', async () => {
      output.appendLine('Restarting the language server on request.');
      await client?.restart();
    }),
  );
  context.subscriptions.push(vscode.commands.registerCommand('apimMtls.fixAll', fixAllInActiveEditor));
  registerDocsCommand(context);
  registerCertificateCommands(context, () => client);
  registerPolicyDetection(context);
  registerTierStatus(context, () => client);
  // Activated by an XML file (to look for a policy in it) or a command: the server starts with the first file it serves.
  let started: Promise<void> | undefined;
  // Once it runs, the status bar reads the active policy's tier.
  const start = (): Promise<void> => (started ??= languageClient.start().then(() => void vscode.commands.executeCommand(SHOW_TIER_COMMAND, { quiet: true })));
  if (vscode.workspace.textDocuments.some(served)) return start();
  const waiting = vscode.workspace.onDidOpenTextDocument((doc) => {
    if (!served(doc)) return;
    waiting.dispose();
    void start();
  });
  context.subscriptions.push(waiting);
}

/** The documents the language server serves (the client's document selector). */
function served(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && (SERVED_LANGUAGES.has(doc.languageId) || doc.uri.fsPath.toLowerCase().endsWith('.cshtml'));
}

/** The safe fixes of the active file (the server's `source.fixAll.apim-mtls` action), applied at once. */
async function fixAllInActiveEditor(): Promise<void> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc) return;
  const whole = new vscode.Range(0, 0, doc.lineCount, 0);
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', doc.uri, whole, FIX_ALL_KIND);
  const action = actions?.find((a): a is vscode.CodeAction => 'kind' in a && a.kind?.value === FIX_ALL_KIND && a.edit !== undefined);
  if (!action?.edit) {
    void vscode.window.showInformationMessage('APIM mTLS: no safe fixes in this file.');
    return;
  }
  await vscode.workspace.applyEdit(action.edit);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** Restarts a crashed server and says so; after 5 crashes in 3 minutes it stops and offers a manual restart. */
class RestartingErrorHandler implements ErrorHandler {
  private readonly crashes: number[] = [];

  constructor(private readonly output: vscode.LogOutputChannel) {}

  error(error: Error) {
    this.output.appendLine(`Language server connection error: ${error.message}`);
    return { action: ErrorAction.Continue };
  }

  closed() {
    const now = Date.now();
    this.crashes.push(now);
    while (this.crashes.length && now - this.crashes[0]! > 3 * 60_000) this.crashes.shift();
    if (this.crashes.length >= 5) {
      const message = 'The APIM mTLS language server stopped 5 times in 3 minutes and was not restarted. See the "APIM mTLS" output.';
      this.output.appendLine(message);
      void vscode.window.showErrorMessage(message, 'Restart').then((choice) => {
        if (choice === 'Restart') void vscode.commands.executeCommand('apimMtls.restartServer');
      });
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    const message = 'The APIM mTLS language server stopped unexpectedly and was restarted.';
    this.output.appendLine(message);
    void vscode.window.showWarningMessage(message);
    return { action: CloseAction.Restart, handled: true };
  }
}
