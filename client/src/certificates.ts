import * as vscode from 'vscode';
import {
  CERTIFICATE_INFO_REQUEST,
  COPY_THUMBPRINT_COMMAND,
  SHOW_PINS_COMMAND,
  THUMBPRINT,
  type CertificateInfoResult,
} from '../../server/src/lsp/protocol';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerWizardCommands } from './wizard/commands';

/**
 * The certificate commands: "Copy certificate thumbprint" (for the active certificate file, a file Uri from a menu,
 * or a thumbprint string passed directly, as the server's code lenses do), the pins lens's list of places, and the
 * generation wizards.
 */
export function registerCertificateCommands(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  registerWizardCommands(context);
  context.subscriptions.push(
    vscode.commands.registerCommand(COPY_THUMBPRINT_COMMAND, async (arg?: vscode.Uri | string) => {
      if (typeof arg === 'string' && THUMBPRINT.test(arg.trim())) {
        const thumbprint = arg.trim().toUpperCase();
        await vscode.env.clipboard.writeText(thumbprint);
        void vscode.window.showInformationMessage(`Copied thumbprint ${thumbprint}.`);
        return;
      }
      const target = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      const client = getClient();
      if (!target || !client) {
        void vscode.window.showWarningMessage('Open a certificate file (.cer, .crt, .pem) first.');
        return;
      }
      const info = await client.sendRequest<CertificateInfoResult | null>(CERTIFICATE_INFO_REQUEST, { uri: target.toString() });
      const certs = info?.certificates ?? [];
      if (certs.length === 0) {
        void vscode.window.showWarningMessage(`No certificate could be read from ${target.fsPath}${info?.problems.length ? `: ${info.problems.join('; ')}` : ''}`);
        return;
      }
      const pick =
        certs.length === 1
          ? certs[0]
          : await vscode.window.showQuickPick(
              certs.map((c) => ({ label: c.thumbprint, description: c.subject, cert: c })),
              { placeHolder: 'The file holds several certificates: which thumbprint?' },
            ).then((p) => p?.cert);
      if (!pick) return;
      await vscode.env.clipboard.writeText(pick.thumbprint);
      void vscode.window.showInformationMessage(`Copied thumbprint ${pick.thumbprint} (${pick.subject}).`);
    }),
    // The "Pinned in N policies" code lens of a certificate file: its places in the references view.
    vscode.commands.registerCommand(SHOW_PINS_COMMAND, async (uri: string, position: LspPosition, pins: LspLocation[]) => {
      const at = new vscode.Position(position.line, position.character);
      const places = pins.map((p) => new vscode.Location(vscode.Uri.parse(p.uri), new vscode.Range(p.range.start.line, p.range.start.character, p.range.end.line, p.range.end.character)));
      await vscode.commands.executeCommand('editor.action.showReferences', vscode.Uri.parse(uri), at, places);
    }),
  );
}

interface LspPosition {
  line: number;
  character: number;
}

interface LspLocation {
  uri: string;
  range: { start: LspPosition; end: LspPosition };
}
