import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KEY_TYPES, type KeyType } from '../../../server/src/certificates/keys';
import { issuerFromPfx, splitDnsNames, type LoadedIssuer } from '../../../server/src/certificates/plan';
import { FilesExistError } from '../../../server/src/certificates/write';
import { readCertificateFile } from '../../../server/src/certificates/read';
import { actsAsCa } from '../../../server/src/certificates/role';
import { KEY_IGNORE_LINES, keyFilesGitWouldCommit } from './git';
import { identityInsertion } from './identity';
import {
  certificateIdFrom,
  CLIENT_COMMAND,
  dateProblem,
  daysProblem,
  DEFAULT_DAYS,
  dnsListProblem,
  idProblem,
  parseDate,
  passwordProblem,
  secretsFromEnv,
  subjectProblem,
  TREE_COMMAND,
  validateCertificateArgs,
  validateTreeArgs,
  type CertificatePlan,
  type GenerateCertificateResult,
  type GenerateTreeResult,
  type Secrets,
  type TreePlan,
  type WizardKind,
} from './options';
import { certificateResult, prepareCertificate, prepareTree, treeResult, writePrepared, type Prepared } from './run';
import { errorMessage } from '../../../server/src/core/errors';
import { leavesFolder } from '../../../server/src/core/paths';

/**
 * "Generate client certificate" and "Generate sample certificate tree": a wizard when run from the palette, or
 * no prompts at all when given an argument object (see options.ts). Passwords are asked with masked inputs or read
 * from a named environment variable; they are never logged or stored.
 */
export function registerWizardCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(CLIENT_COMMAND, (args?: unknown) => (isArgs(args) ? certificateFromArgs(args) : certificateWizard())),
    vscode.commands.registerCommand(TREE_COMMAND, (args?: unknown) => (isArgs(args) ? treeFromArgs(args) : treeWizard())),
  );
}

/** Palette and menus pass nothing (or a Uri); anything else is an argument object to validate. */
function isArgs(args: unknown): boolean {
  return args !== undefined && args !== null && !(args instanceof vscode.Uri) && !Array.isArray(args);
}

function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
}

// ---- argument-object mode ---------------------------------------------------------------------------------------

async function certificateFromArgs(args: unknown): Promise<GenerateCertificateResult> {
  try {
    const { plan, passwords } = validateCertificateArgs(args, { workspaceFolder: workspaceFolder() });
    const secrets = secretsFromEnv(passwords, process.env);
    const prepared = await progress(`Generating ${describeKind(plan.kind)} ${plan.subject}…`, () => prepareCertificate(plan, secrets));
    const result = certificateResult(prepared, await writeOrFail(prepared, plan.overwrite));
    void showCertificateSummary(plan, result).catch((e: unknown) => vscode.window.showErrorMessage(`Generate certificate: the files are written, but showing them failed: ${errorMessage(e)}`));
    for (const warning of result.warnings ?? []) void vscode.window.showWarningMessage(`Generate certificate: ${warning}`);
    return result;
  } catch (e) {
    void vscode.window.showErrorMessage(`Generate certificate: ${errorMessage(e)}`);
    throw e;
  }
}

async function treeFromArgs(args: unknown): Promise<GenerateTreeResult> {
  try {
    const { plan, passwords } = validateTreeArgs(args, { workspaceFolder: workspaceFolder() });
    const secrets = secretsFromEnv(passwords, process.env);
    const prepared = await progress('Generating the sample certificate tree…', () => prepareTree(plan, secrets));
    const result = treeResult(prepared, await writeOrFail(prepared, plan.overwrite));
    void showTreeSummary(result);
    return result;
  } catch (e) {
    void vscode.window.showErrorMessage(`Generate sample certificate tree: ${errorMessage(e)}`);
    throw e;
  }
}

async function writeOrFail(prepared: Prepared, overwrite: boolean): Promise<string[]> {
  try {
    return await writePrepared(prepared, overwrite);
  } catch (e) {
    if (e instanceof FilesExistError) {
      throw new Error(`refusing to overwrite ${e.existing.length} existing file(s) in ${prepared.outDir} (${e.existing.map((f) => path.basename(f)).join(', ')}); nothing was written. Pass overwrite: true to replace them.`);
    }
    throw e;
  }
}

// ---- wizard mode ------------------------------------------------------------------------------------------------

const TITLE = 'Generate certificate';

interface PickItem<T> extends vscode.QuickPickItem {
  value: T;
}

function pick<T>(items: PickItem<T>[], placeHolder: string, title = TITLE): Promise<T | undefined> {
  return Promise.resolve(vscode.window.showQuickPick(items, { placeHolder, title, ignoreFocusOut: true })).then((p) => p?.value);
}

function input(options: vscode.InputBoxOptions): Promise<string | undefined> {
  return Promise.resolve(vscode.window.showInputBox({ title: TITLE, ignoreFocusOut: true, ...options }));
}

function describeKind(kind: WizardKind): string {
  return kind === 'client' ? 'client certificate' : kind === 'intermediate' ? 'intermediate CA' : 'root CA';
}

const KEY_DESCRIPTIONS: Record<KeyType, string> = {
  'ecdsa-p256': 'default: small and fast; APIM and .NET accept it',
  'ecdsa-p384': 'ECDSA with SHA-384',
  'rsa-2048': 'widest compatibility',
  'rsa-3072': '',
  'rsa-4096': 'slow to generate',
};

function keyTypePick(title: string): Promise<KeyType | undefined> {
  return pick(
    KEY_TYPES.map((k) => ({ label: k, description: KEY_DESCRIPTIONS[k], value: k })).sort((a, b) => (a.value === 'ecdsa-p256' ? -1 : b.value === 'ecdsa-p256' ? 1 : 0)),
    'Key type',
    title,
  );
}

/** A new .pfx password, masked and confirmed. */
async function newPassword(title: string): Promise<string | undefined> {
  const password = await input({ title, prompt: 'Password for the new .pfx file(s)', password: true, validateInput: (v) => passwordProblem(v) });
  if (password === undefined) return undefined;
  const again = await input({ title, prompt: 'Confirm the password', password: true, validateInput: (v) => (v === password ? undefined : 'the passwords differ') });
  return again === undefined ? undefined : password;
}

/**
 * Where to write. `writes`: a file the command will write there (the sample tree's root-ca.pfx): a default folder that
 * already holds it says so at this step, not after the passwords and the generation.
 */
async function outputFolder(title: string, writes?: string): Promise<string | undefined> {
  const ws = workspaceFolder();
  const choose = async (): Promise<string | undefined> => {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Write certificates here', ...(ws ? { defaultUri: vscode.Uri.file(ws) } : {}) });
    return picked?.[0]?.fsPath;
  };
  if (!ws) return choose();
  const target = await pick<'default' | 'choose'>(
    [
      { label: path.join(ws, 'certs'), description: writes && fs.existsSync(path.join(ws, 'certs', writes)) ? 'default — already holds a sample tree, which would be replaced' : 'default', value: 'default' },
      { label: '$(folder-opened) Choose a folder…', value: 'choose' },
    ],
    'Output folder',
    title,
  );
  if (target === 'default') return path.join(ws, 'certs');
  return target === 'choose' ? choose() : undefined;
}

/** Asks for the CA .pfx password until the file opens (3 tries). */
async function openIssuer(file: string): Promise<LoadedIssuer | undefined> {
  const data = new Uint8Array(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
  let problem = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const password = await input({ prompt: `Password of ${path.basename(file)}${problem ? ` — ${problem}` : ''}`, password: true });
    if (password === undefined) return undefined;
    try {
      return await progress(`Opening ${path.basename(file)}…`, () => issuerFromPfx(data, password, path.basename(file)));
    } catch (e) {
      problem = errorMessage(e);
      if (/not a CA|no private key|unsupported issuer key/.test(problem)) {
        void vscode.window.showErrorMessage(`Can't sign with ${file}: ${problem}`);
        return undefined;
      }
    }
  }
  void vscode.window.showErrorMessage(`Could not open ${file}: ${problem}`);
  return undefined;
}

/**
 * What the certificate of a .pfx is, read from the `.cer` beside it (the generator writes both; the .pfx itself needs
 * its password): `CA: <subject>`, `not a CA`, or undefined when there is no readable .cer.
 */
function pfxRole(pfx: string): string | undefined {
  try {
    const cer = pfx.replace(/\.(pfx|p12)$/i, '.cer');
    if (cer === pfx || !fs.existsSync(cer)) return undefined;
    const certificate = readCertificateFile(new Uint8Array(fs.readFileSync(cer))).certificates[0];
    if (!certificate) return undefined;
    return actsAsCa(certificate) ? `CA: ${certificate.subject}` : 'not a CA';
  } catch {
    return undefined;
  }
}

async function chooseIssuer(kind: WizardKind, id: string): Promise<{ plan: CertificatePlan['issuer']; loaded?: LoadedIssuer } | undefined> {
  const found = await vscode.workspace.findFiles('**/*.pfx', '**/node_modules/**', 200);
  const ws = workspaceFolder();
  const items: PickItem<string>[] = [
    { label: '$(add) New self-signed root CA', description: `also writes ${id}-root-ca.*`, value: 'self-signed' },
    ...found
      .map((u) => ({ file: u.fsPath, role: pfxRole(u.fsPath) }))
      // A .pfx whose certificate (its .cer beside it) is no CA can't sign: left out.
      .filter((f) => f.role !== 'not a CA')
      .sort((a, b) => (a.file < b.file ? -1 : 1))
      .map(({ file, role }) => ({ label: `$(file) ${ws ? path.relative(ws, file) : path.basename(file)}`, description: role ?? '.pfx in the workspace', value: file })),
    { label: '$(folder-opened) Browse for a CA .pfx…', value: 'browse' },
  ];
  let choice = await pick(items, `Issuer of the ${describeKind(kind)}`);
  if (choice === undefined) return undefined;
  if (choice === 'self-signed') return { plan: { type: 'self-signed' } };
  if (choice === 'browse') {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'PKCS#12': ['pfx', 'p12'] }, openLabel: 'Sign with this CA' });
    choice = picked?.[0]?.fsPath;
    if (!choice) return undefined;
  }
  const loaded = await openIssuer(choice);
  return loaded ? { plan: { type: 'pfx', file: choice }, loaded } : undefined;
}

async function chooseValidity(kind: WizardKind): Promise<CertificatePlan['validity'] | undefined> {
  const choice = await pick<'default' | 'days' | 'dates'>(
    [
      { label: `${DEFAULT_DAYS[kind]} days`, description: 'from now (default)', value: 'default' },
      { label: 'Number of days…', value: 'days' },
      { label: 'Explicit dates…', description: 'e.g. an expired or not-yet-valid test certificate', value: 'dates' },
    ],
    'Validity',
  );
  if (choice === 'default') return { days: DEFAULT_DAYS[kind] };
  if (choice === 'days') {
    const days = await input({ prompt: 'Valid for how many days from now?', value: String(DEFAULT_DAYS[kind]), validateInput: (v) => daysProblem(v) });
    return days === undefined ? undefined : { days: Number(days) };
  }
  if (choice !== 'dates') return undefined;
  const today = new Date().toISOString().slice(0, 10);
  const notBefore = await input({ prompt: 'Not before (UTC), e.g. 2024-01-01 or 2024-01-01T12:00:00Z', value: today, validateInput: (v) => dateProblem(v) });
  if (notBefore === undefined) return undefined;
  const from = parseDate(notBefore)!;
  const notAfter = await input({
    prompt: 'Not after (UTC); in the past for an expired certificate',
    validateInput: (v) => dateProblem(v) ?? (parseDate(v)! <= from ? 'must be later than not-before' : undefined),
  });
  if (notAfter === undefined) return undefined;
  return { notBefore: from, notAfter: parseDate(notAfter)! };
}

async function certificateWizard(): Promise<GenerateCertificateResult | undefined> {
  try {
    const kind = await pick<WizardKind>(
      [
        { label: 'Client certificate', description: 'what a caller presents to APIM', value: 'client' },
        { label: 'Intermediate CA', description: 'signs client certificates; upload as CertificateAuthority', value: 'intermediate' },
        { label: 'Root CA', description: 'self-signed; upload as Root', value: 'root' },
      ],
      'What to generate',
    );
    if (!kind) return undefined;
    const subject = await input({
      prompt: 'Subject (most specific first)',
      value: kind === 'client' ? 'CN=dev-client, O=Contoso' : kind === 'intermediate' ? 'CN=Dev Intermediate CA, O=Contoso' : 'CN=Dev Root CA, O=Contoso',
      validateInput: (v) => subjectProblem(v.trim()),
    });
    if (subject === undefined) return undefined;
    const id = certificateIdFrom(subject.trim());
    if (idProblem(id)) return void vscode.window.showErrorMessage(`Can't name files after "${id}": ${idProblem(id)}`);
    let issuer: { plan: CertificatePlan['issuer']; loaded?: LoadedIssuer } = { plan: { type: 'self-signed' } };
    if (kind !== 'root') {
      const chosen = await chooseIssuer(kind, id);
      if (!chosen) return undefined;
      issuer = chosen;
    }
    const keyType = await keyTypePick(TITLE);
    if (!keyType) return undefined;
    const validity = await chooseValidity(kind);
    if (!validity) return undefined;
    let dnsNames: string[] | undefined;
    if (kind === 'client') {
      const dns = await input({ prompt: 'DNS name(s) for the subject alternative name, comma-separated (empty: none)', value: id, validateInput: (v) => dnsListProblem(v) });
      if (dns === undefined) return undefined;
      dnsNames = splitDnsNames(dns);
    }
    const outDir = await outputFolder(TITLE);
    if (!outDir) return undefined;
    const password = await newPassword(TITLE);
    if (password === undefined) return undefined;
    const plan: CertificatePlan = { kind, subject: subject.trim(), id, issuer: issuer.plan, keyType, validity, ...(dnsNames ? { dnsNames } : {}), outDir, overwrite: false };
    const prepared = await progress(`Generating ${describeKind(kind)} ${plan.subject}…`, () => prepareCertificate(plan, { password }, issuer.loaded));
    const files = await writeAsking(prepared, 'Choose another subject or folder to generate new ones.');
    if (!files) return undefined;
    const result = certificateResult(prepared, files);
    void showCertificateSummary(plan, result).catch((e: unknown) => vscode.window.showErrorMessage(`Generate certificate: the files are written, but showing them failed: ${errorMessage(e)}`));
    for (const warning of result.warnings ?? []) void vscode.window.showWarningMessage(`Generate certificate: ${warning}`);
    return result;
  } catch (e) {
    void vscode.window.showErrorMessage(`Generate certificate: ${errorMessage(e)}`);
    return undefined;
  }
}

async function treeWizard(): Promise<GenerateTreeResult | undefined> {
  const title = 'Generate sample certificate tree';
  try {
    const outDir = await outputFolder(title, 'root-ca.pfx');
    if (!outDir) return undefined;
    const keyType = await keyTypePick(title);
    if (!keyType) return undefined;
    const password = await newPassword(title);
    if (password === undefined) return undefined;
    const plan: TreePlan = { outDir, keyType, overwrite: false };
    const secrets: Secrets = { password };
    const prepared = await progress('Generating the sample certificate tree (8 certificates)…', () => prepareTree(plan, secrets));
    const files = await writeAsking(prepared, 'Choose another folder to generate a new tree.');
    if (!files) return undefined;
    const result = treeResult(prepared, files);
    void showTreeSummary(result);
    return result;
  } catch (e) {
    void vscode.window.showErrorMessage(`Generate sample certificate tree: ${errorMessage(e)}`);
    return undefined;
  }
}

/** Writes; when files exist, asks before replacing them. Undefined when the user declines. */
async function writeAsking(prepared: Prepared, retry: string): Promise<string[] | undefined> {
  let written: string[];
  try {
    written = await writePrepared(prepared, false);
  } catch (e) {
    if (!(e instanceof FilesExistError)) throw e;
    const names = e.existing.map((f) => path.basename(f));
    const shown = names.slice(0, 4).join(', ') + (names.length > 4 ? ` and ${names.length - 4} more` : '');
    // "Keep them" first: the primary button, so the Enter a user has been pressing through the defaults replaces nothing
    // (the existing files may be the CA that Bicep and policies pin).
    const answer = await vscode.window.showWarningMessage(
      `${names.length} file(s) already exist in ${prepared.outDir}: ${shown}. Overwrite them?`,
      { modal: true, detail: 'Certificates and policies in the workspace may pin the existing ones.' },
      'Keep them',
      'Overwrite',
    );
    if (answer !== 'Overwrite') {
      void vscode.window.showInformationMessage(`Nothing was written: the existing files in ${prepared.outDir} are kept. ${retry}`);
      return undefined;
    }
    written = await writePrepared(prepared, true);
  }
  void warnIfGitWouldCommitKeys(written).catch((e: unknown) => vscode.window.showErrorMessage(`Checking whether git would commit the private keys failed: ${errorMessage(e)}`));
  return written;
}

/**
 * Private keys written into a git work tree where nothing ignores them (the default output folder is often tracked):
 * says so, and offers to add the key patterns to the repository's `.gitignore`.
 */
async function warnIfGitWouldCommitKeys(files: string[]): Promise<void> {
  const found = await keyFilesGitWouldCommit(files).catch(() => undefined);
  if (!found) return;
  const names = found.files.map((f) => path.basename(f));
  const add = 'Add *.pfx, *.p12, *.key to .gitignore';
  const answer = await vscode.window.showWarningMessage(
    `${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''} hold private keys, and nothing in ${path.basename(found.root)}'s .gitignore keeps git from committing them.`,
    add,
  );
  if (answer !== add) return;
  const ignore = path.join(found.root, '.gitignore');
  try {
    const before = fs.existsSync(ignore) ? fs.readFileSync(ignore, 'utf8') : '';
    const missing = KEY_IGNORE_LINES.filter((l) => !before.split(/\r?\n/).includes(l));
    const eol = before.includes('\r\n') ? '\r\n' : '\n';
    fs.writeFileSync(ignore, `${before}${before && !before.endsWith('\n') ? eol : ''}# private keys (apim-mtls certificates)${eol}${missing.join(eol)}${eol}`);
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not update ${ignore} (${errorMessage(e)}): add ${KEY_IGNORE_LINES.join(', ')} to it by hand before committing.`);
  }
}

// ---- shared ---------------------------------------------------------------------------------------------------------

function progress<T>(title: string, task: () => Promise<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, task));
}

async function showCertificateSummary(plan: CertificatePlan, result: GenerateCertificateResult): Promise<void> {
  const where = displayPath(result.outDir);
  const isClient = plan.kind === 'client';
  const extraRoot = result.certificates.length > 1 ? ` and its new root ${result.certificates[0]!.id}.*` : '';
  const choice = await vscode.window.showInformationMessage(
    `Generated ${describeKind(plan.kind)} ${result.subject} (SHA-1 ${result.thumbprint}) in ${where}: ${plan.id}.cer, ` +
      `${plan.id}.without-markers.cer (for Bicep), ${plan.id}.pfx (${isClient ? 'for the client' : 'keep it: it signs certificates'})${extraRoot}.`,
    ...['Copy thumbprint', ...(isClient ? ['Insert identity'] : []), 'Reveal files'],
  );
  if (choice === 'Copy thumbprint') {
    await vscode.env.clipboard.writeText(result.thumbprint);
    void vscode.window.showInformationMessage(`Copied thumbprint ${result.thumbprint}.`);
  } else if (choice === 'Insert identity') {
    await insertIdentity(result.thumbprint);
  } else if (choice === 'Reveal files') {
    await reveal(result.files.find((f) => f.endsWith(`${plan.id}.pfx`)) ?? result.files[0]!);
  }
}

async function showTreeSummary(result: GenerateTreeResult): Promise<void> {
  const choice = await vscode.window.showInformationMessage(
    `Generated the sample certificate tree (${result.certificates.length} certificates, ${result.files.length} files) in ${displayPath(result.outDir)}. On classic tiers, upload root-ca and dev-intermediate-ca to APIM as CA certificates; Consumption and v2 tiers take none: pin the client thumbprints. tst-untrusted-client stays untrusted.`,
    'Reveal files',
  );
  if (choice === 'Reveal files') await reveal(result.files[0]!);
}

function displayPath(dir: string): string {
  const ws = workspaceFolder();
  const rel = ws ? path.relative(ws, dir) : '';
  return ws && rel && !leavesFolder(rel) ? rel : dir;
}

/** Shows a file in the explorer when it is inside the workspace, else in the OS file manager. */
async function reveal(file: string): Promise<void> {
  const uri = vscode.Uri.file(file);
  if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}

/** Adds `<identity thumbprint="…" />` to the active (or a visible) APIM policy editor. */
async function insertIdentity(thumbprint: string): Promise<void> {
  const isPolicy = (e: vscode.TextEditor | undefined): e is vscode.TextEditor => e?.document.languageId === 'apim-policy';
  const editor = isPolicy(vscode.window.activeTextEditor) ? vscode.window.activeTextEditor : vscode.window.visibleTextEditors.find(isPolicy);
  if (!editor) {
    await vscode.env.clipboard.writeText(`<identity thumbprint="${thumbprint}" />`);
    void vscode.window.showWarningMessage('No APIM policy is visible in an editor: the <identity> element was copied to the clipboard instead.');
    return;
  }
  const doc = editor.document;
  const edit = identityInsertion(doc.getText(), doc.offsetAt(editor.selection.active), thumbprint);
  const range = new vscode.Range(doc.positionAt(edit.start), doc.positionAt(edit.end));
  const ok = await editor.edit((b) => b.replace(range, edit.text));
  if (!ok) {
    void vscode.window.showErrorMessage('Could not edit the policy (it changed meanwhile?).');
    return;
  }
  const at = doc.positionAt(edit.start + edit.text.indexOf('<identity '));
  editor.selection = new vscode.Selection(at, at);
  editor.revealRange(new vscode.Range(at, at));
  if (edit.where === 'no-policy') void vscode.window.showWarningMessage('This policy has no <validate-client-certificate>: the <identity> was inserted at the cursor.');
}
