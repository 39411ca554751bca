import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KEY_TYPES, type KeyType } from '../../../server/src/certificates/keys';
import { issuerFromPfx, splitDnsNames, type LoadedIssuer } from '../../../server/src/certificates/plan';
import { FilesExistError } from '../../../server/src/certificates/write';
import { readCertificateFile } from '../../../server/src/certificates/read';
import { actsAsCa } from '../../../server/src/certificates/role';
import { KEY_IGNORE_LINES, keyFilesGitWouldCommit } from './git';
import { BACK, offerAgain, runWizard, type Back, type StepPosition, type WizardStep } from './flow';
import { identityInsertion } from './identity';
import { inputPrompt, pickPrompt, type PickItem, type PromptPlace } from './prompts';
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
  PFX_FORMATS,
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
const TREE_TITLE = 'Generate sample certificate tree';

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

const DEFAULT_SUBJECTS: Record<WizardKind, string> = {
  client: 'CN=dev-client, O=Contoso',
  intermediate: 'CN=Dev Intermediate CA, O=Contoso',
  root: 'CN=Dev Root CA, O=Contoso',
};

/** The answers of "Generate client certificate", filled step by step (and kept when the user goes back). */
interface CertificateAnswers {
  kind?: WizardKind;
  subject?: string;
  issuerChoice?: string;
  issuer?: { plan: CertificatePlan['issuer']; loaded?: LoadedIssuer };
  keyType?: KeyType;
  validityChoice?: 'default' | 'days' | 'dates';
  days?: string;
  /** The number of days the box offered when `days` was answered (a default kept follows a change of kind). */
  daysOffered?: string;
  notBefore?: string;
  notAfter?: string;
  validity?: CertificatePlan['validity'];
  dns?: string;
  /** The DNS names the box offered when `dns` was answered (a default kept follows a change of subject). */
  dnsOffered?: string;
  outChoice?: 'default' | 'choose';
  outDir?: string;
  legacyPfx?: boolean;
  password?: string;
}

type TreeAnswers = Pick<CertificateAnswers, 'keyType' | 'outChoice' | 'outDir' | 'legacyPfx' | 'password'>;

const at = (title: string, position: StepPosition): PromptPlace => ({ title, at: position });

/** Records `answer` with `set` when it is one: true, or the BACK / undefined that ends the step. */
function answered<T>(answer: T | Back | undefined, set: (value: T) => void): true | Back | undefined {
  if (answer === undefined) return undefined;
  if (answer === BACK) return BACK;
  set(answer as T);
  return true;
}

function keyTypeStep<S extends { keyType?: KeyType }>(title: string): WizardStep<S> {
  return {
    ask: async (s, position) =>
      answered(
        await pickPrompt(
          at(title, position),
          KEY_TYPES.map((k) => ({ label: k, description: KEY_DESCRIPTIONS[k], value: k })).sort((a, b) => (a.value === 'ecdsa-p256' ? -1 : b.value === 'ecdsa-p256' ? 1 : 0)),
          'Key type',
          s.keyType,
        ),
        (k) => (s.keyType = k),
      ),
  };
}

/** How the new .pfx files are encrypted: AES-256 (the default, first), or TripleDES for systems that can't read it. */
function pfxFormatStep<S extends { legacyPfx?: boolean }>(title: string): WizardStep<S> {
  return {
    ask: async (s, position) =>
      answered(
        await pickPrompt(
          at(title, position),
          PFX_FORMATS.map((f) => ({ label: f.label, description: f.description, value: f.legacy })),
          'Encryption of the .pfx file(s)',
          s.legacyPfx,
        ),
        (legacy) => (s.legacyPfx = legacy),
      ),
  };
}

/** A new .pfx password, masked and confirmed; Back from the confirmation asks for the password again. */
function passwordStep<S extends { password?: string }>(title: string): WizardStep<S> {
  return {
    ask: async (s, position) => {
      for (;;) {
        const password = await inputPrompt(at(title, position), { prompt: 'Password for the new .pfx file(s)', password: true, validate: passwordProblem });
        if (password === undefined || password === BACK) return password;
        const again = await inputPrompt(at(title, position), { prompt: 'Confirm the password', password: true, validate: (v) => (v === password ? undefined : 'the passwords differ') });
        if (again === undefined) return undefined;
        if (again === BACK) continue;
        s.password = password;
        return true;
      }
    },
  };
}

/**
 * Where to write. `writes`: a file the command will write there (the sample tree's root-ca.pfx): a default folder that
 * already holds it says so at this step, not after the passwords and the generation. A folder dialog closed without a
 * choice goes back to the choice (on the first step, it cancels).
 */
function outputFolderStep<S extends { outChoice?: 'default' | 'choose'; outDir?: string }>(title: string, writes?: string): WizardStep<S> {
  return {
    ask: async (s, position) => {
      const ws = workspaceFolder();
      const choose = async (): Promise<string | undefined> => {
        const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Write certificates here', ...(ws ? { defaultUri: vscode.Uri.file(ws) } : {}) });
        return picked?.[0]?.fsPath;
      };
      if (!ws) {
        const dir = await choose();
        if (dir === undefined) return position.step > 1 ? BACK : undefined;
        s.outDir = dir;
        return true;
      }
      for (;;) {
        const target = await pickPrompt<'default' | 'choose'>(
          at(title, position),
          [
            { label: path.join(ws, 'certs'), description: writes && fs.existsSync(path.join(ws, 'certs', writes)) ? 'default — already holds a sample tree, which would be replaced' : 'default', value: 'default' },
            { label: '$(folder-opened) Choose a folder…', value: 'choose' },
          ],
          'Output folder',
          s.outChoice,
        );
        if (target === undefined || target === BACK) return target;
        s.outChoice = target;
        const dir = target === 'default' ? path.join(ws, 'certs') : await choose();
        if (dir === undefined) continue;
        s.outDir = dir;
        return true;
      }
    },
  };
}

/** Asks for the CA .pfx password until the file opens (3 tries): the issuer, BACK, or undefined. */
async function openIssuer(file: string, position: StepPosition): Promise<LoadedIssuer | Back | undefined> {
  const data = new Uint8Array(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
  let problem = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const password = await inputPrompt(at(TITLE, position), { prompt: `Password of ${path.basename(file)}${problem ? ` — ${problem}` : ''}`, password: true });
    if (password === undefined || password === BACK) return password;
    try {
      return await progress(`Opening ${path.basename(file)}…`, () => issuerFromPfx(data, password, path.basename(file)));
    } catch (e) {
      problem = errorMessage(e);
      if (/not a CA|no private key|unsupported issuer key/.test(problem)) {
        void vscode.window.showErrorMessage(`Can't sign with ${file}: ${problem}`);
        return BACK;
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

/** The issuer: a new self-signed root, or a CA .pfx of the workspace or browsed to (its password asked right after). */
const issuerStep: WizardStep<CertificateAnswers> = {
  when: (s) => s.kind !== 'root',
  ask: async (s, position) => {
    const kind = s.kind!;
    const id = certificateIdFrom(s.subject!.trim());
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
    for (;;) {
      let choice = await pickPrompt(at(TITLE, position), items, `Issuer of the ${describeKind(kind)}`, s.issuerChoice);
      if (choice === undefined || choice === BACK) return choice;
      s.issuerChoice = choice;
      if (choice === 'self-signed') {
        s.issuer = { plan: { type: 'self-signed' } };
        return true;
      }
      if (choice === 'browse') {
        const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'PKCS#12': ['pfx', 'p12'] }, openLabel: 'Sign with this CA' });
        choice = picked?.[0]?.fsPath;
        if (!choice) continue;
      }
      const loaded = await openIssuer(choice, position);
      if (loaded === undefined) return undefined;
      if (loaded === BACK) continue;
      s.issuer = { plan: { type: 'pfx', file: choice }, loaded };
      return true;
    }
  },
};

const validityStep: WizardStep<CertificateAnswers> = {
  ask: async (s, position) => {
    const kind = s.kind!;
    const place = at(TITLE, position);
    for (;;) {
      const choice = await pickPrompt<'default' | 'days' | 'dates'>(
        place,
        [
          { label: `${DEFAULT_DAYS[kind]} days`, description: 'from now (default)', value: 'default' },
          { label: 'Number of days…', value: 'days' },
          { label: 'Explicit dates…', description: 'e.g. an expired or not-yet-valid test certificate', value: 'dates' },
        ],
        'Validity',
        s.validityChoice,
      );
      if (choice === undefined || choice === BACK) return choice;
      s.validityChoice = choice;
      if (choice === 'default') {
        s.validity = { days: DEFAULT_DAYS[kind] };
        return true;
      }
      if (choice === 'days') {
        const offered = offerAgain(s.days, s.daysOffered, String(DEFAULT_DAYS[kind]));
        const days = await inputPrompt(place, { prompt: 'Valid for how many days from now?', value: offered, validate: daysProblem });
        if (days === undefined) return undefined;
        if (days === BACK) continue;
        s.days = days;
        s.daysOffered = offered;
        s.validity = { days: Number(days) };
        return true;
      }
      // Explicit dates: Back from the second goes to the first, from the first to the choice.
      for (;;) {
        const notBefore = await inputPrompt(place, { prompt: 'Not before (UTC), e.g. 2024-01-01 or 2024-01-01T12:00:00Z', value: s.notBefore ?? new Date().toISOString().slice(0, 10), validate: dateProblem });
        if (notBefore === undefined) return undefined;
        if (notBefore === BACK) break;
        s.notBefore = notBefore;
        const from = parseDate(notBefore)!;
        const notAfter = await inputPrompt(place, {
          prompt: 'Not after (UTC); in the past for an expired certificate',
          value: s.notAfter ?? '',
          validate: (v) => dateProblem(v) ?? (parseDate(v)! <= from ? 'must be later than not-before' : undefined),
        });
        if (notAfter === undefined) return undefined;
        if (notAfter === BACK) continue;
        s.notAfter = notAfter;
        s.validity = { notBefore: from, notAfter: parseDate(notAfter)! };
        return true;
      }
    }
  },
};

const CERTIFICATE_STEPS: readonly WizardStep<CertificateAnswers>[] = [
  {
    ask: async (s, position) =>
      answered(
        await pickPrompt<WizardKind>(
          at(TITLE, position),
          [
            { label: 'Client certificate', description: 'what a caller presents to APIM', value: 'client' },
            { label: 'Intermediate CA', description: 'signs client certificates; upload as CertificateAuthority', value: 'intermediate' },
            { label: 'Root CA', description: 'self-signed; upload as Root', value: 'root' },
          ],
          'What to generate',
          s.kind,
        ),
        (kind) => (s.kind = kind),
      ),
  },
  {
    ask: async (s, position) => {
      const kind = s.kind!;
      // A default left as it was follows a change of kind made by going back.
      const typed = s.subject !== undefined && !Object.values(DEFAULT_SUBJECTS).includes(s.subject) ? s.subject : undefined;
      return answered(
        await inputPrompt(at(TITLE, position), {
          prompt: 'Subject (most specific first)',
          value: typed ?? DEFAULT_SUBJECTS[kind],
          validate: (v) => subjectProblem(v.trim()) ?? idProblem(certificateIdFrom(v.trim())),
        }),
        (subject) => (s.subject = subject),
      );
    },
  },
  issuerStep,
  keyTypeStep(TITLE),
  validityStep,
  {
    // Before the kind is chosen, the counter assumes the first choice: a client certificate.
    when: (s) => (s.kind ?? 'client') === 'client',
    ask: async (s, position) => {
      const offered = offerAgain(s.dns, s.dnsOffered, certificateIdFrom(s.subject!.trim()));
      return answered(
        await inputPrompt(at(TITLE, position), {
          prompt: 'DNS name(s) for the subject alternative name, comma-separated (empty: none)',
          value: offered,
          validate: dnsListProblem,
        }),
        (dns) => {
          s.dns = dns;
          s.dnsOffered = offered;
        },
      );
    },
  },
  outputFolderStep(TITLE),
  pfxFormatStep(TITLE),
  passwordStep(TITLE),
];

async function certificateWizard(): Promise<GenerateCertificateResult | undefined> {
  try {
    const s: CertificateAnswers = {};
    if (!(await runWizard(CERTIFICATE_STEPS, s))) return undefined;
    const kind = s.kind!;
    const subject = s.subject!.trim();
    const issuer = kind === 'root' ? { plan: { type: 'self-signed' as const } } : s.issuer!;
    const plan: CertificatePlan = {
      kind,
      subject,
      id: certificateIdFrom(subject),
      issuer: issuer.plan,
      keyType: s.keyType!,
      validity: s.validity!,
      ...(kind === 'client' ? { dnsNames: splitDnsNames(s.dns ?? '') } : {}),
      outDir: s.outDir!,
      overwrite: false,
      legacyPfx: s.legacyPfx === true,
    };
    const prepared = await progress(`Generating ${describeKind(kind)} ${plan.subject}…`, () => prepareCertificate(plan, { password: s.password! }, issuer.loaded));
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

const TREE_STEPS: readonly WizardStep<TreeAnswers>[] = [outputFolderStep(TREE_TITLE, 'root-ca.pfx'), keyTypeStep(TREE_TITLE), pfxFormatStep(TREE_TITLE), passwordStep(TREE_TITLE)];

async function treeWizard(): Promise<GenerateTreeResult | undefined> {
  try {
    const s: TreeAnswers = {};
    if (!(await runWizard(TREE_STEPS, s))) return undefined;
    const plan: TreePlan = { outDir: s.outDir!, keyType: s.keyType!, overwrite: false, legacyPfx: s.legacyPfx === true };
    const secrets: Secrets = { password: s.password! };
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
      `${plan.id}.without-markers.cer (for Bicep), ${plan.id}.pfx (${isClient ? 'for the client' : 'keep it: it signs certificates'}${plan.legacyPfx ? '; TripleDES, legacy' : ''})${extraRoot}.`,
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
