import * as vscode from 'vscode';
import { looksLikePolicy } from '../../server/src/engine/files';

/**
 * How much of a file is read to look for its root element (`looksLikePolicy`, the server's own test, looks at its first
 * 4,096 characters): the comments above the root are short.
 */
const HEAD_LINES = 200;

/** How long typing in an XML document's first lines has to pause before its root element is looked at again. */
const CHANGE_DELAY_MS = 300;

/**
 * Gives a policy named plain `.xml` (`orders-api.xml`, an APIOps `policy.xml` renamed, a Terraform template) the APIM
 * policy language when it opens as XML, or when its first lines are edited into a policy (a new, empty `.xml` file a
 * policy is typed or pasted into): quick fixes, the tier in the status bar and the C# highlighting then work there
 * too, not only the diagnostics. Once per opening: a user who switches it back to XML keeps XML until it is closed. Off with
 * `apimMtls.detectPolicyXml: false`.
 */
export function registerPolicyDetection(context: vscode.ExtensionContext): void {
  const switched = new Set<string>();
  const check = (doc: vscode.TextDocument): void => {
    if (doc.languageId !== 'xml' || doc.uri.scheme !== 'file' || switched.has(doc.uri.toString())) return;
    if (!vscode.workspace.getConfiguration('apimMtls', doc.uri).get<boolean>('detectPolicyXml', true)) return;
    const head = doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, HEAD_LINES), 0));
    if (!looksLikePolicy(head)) return;
    switched.add(doc.uri.toString());
    void vscode.languages.setTextDocumentLanguage(doc, 'apim-policy');
  };
  for (const doc of vscode.workspace.textDocuments) check(doc);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(check));
  // An XML document edited near its top (only there can its root element change): looked at once the typing pauses.
  const pending = new Map<string, NodeJS.Timeout>();
  context.subscriptions.push(
    vscode.workspace.onDidChangeTextDocument((e) => {
      const doc = e.document;
      if (doc.languageId !== 'xml' || doc.uri.scheme !== 'file' || switched.has(doc.uri.toString())) return;
      if (!e.contentChanges.some((c) => c.range.start.line < HEAD_LINES)) return;
      const key = doc.uri.toString();
      clearTimeout(pending.get(key));
      pending.set(key, setTimeout(() => {
        pending.delete(key);
        if (!doc.isClosed) check(doc);
      }, CHANGE_DELAY_MS));
    }),
    { dispose: () => pending.forEach((t) => clearTimeout(t)) },
  );
  // A document really closed is detected afresh when it opens again (only a switch back to XML while it is open
  // sticks). A change of language closes and reopens the document at once: still open a moment later, remembered.
  context.subscriptions.push(
    vscode.workspace.onDidCloseTextDocument((doc) => {
      const key = doc.uri.toString();
      if (!switched.has(key)) return;
      setTimeout(() => {
        if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) switched.delete(key);
      }, 1000);
    }),
  );
}
