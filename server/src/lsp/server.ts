import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DidChangeWorkspaceFoldersNotification,
  FileChangeType,
  MessageType,
  ShowMessageNotification,
  WatchKind,
  TextDocumentSyncKind,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocuments,
  createConnection,
  ErrorCodes,
  LSPErrorCodes,
  Message,
  type CancellationToken,
  type ConnectionStrategy,
  ResponseError,
  type Connection,
  type DataCallback,
  type Diagnostic,
  type Disposable,
  type InitializeParams,
  type InitializeResult,
  type Position,
  type ResponseMessage,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { isWithin } from '../core/paths';
import { VERSION } from '../core/version';
import { CONFIG_FILE_NAME, ConfigResolver, parseConfig, type LintConfig, type LoadedConfig } from '../engine/config';
import { classify, isCandidate, mayBePolicy } from '../engine/files';
import { isFileSystemRoot, loadContextFromDisk, loadContextQuietly, loadFromDisk, readOne, unboundedContext } from '../engine/load';
import { loadReferencedFiles } from '../engine/context';
import { DiskWatcher } from './watch';
import { policyTier } from '../engine/tier';
import { Workspace } from '../engine/workspace';
import { codeActions, openRuleDocs } from './actions';
import { ruleById } from '../rules';
import { configDiagnostics, noticeDiagnostic, pathToUri, toDiagnostic, uriToPath } from './convert';
import { certificateCodeLenses } from './codelens';
import { completion } from './completion';
import { hover } from './hover';
import { definition } from './definition';
import { references } from './references';
import { policySymbols } from './symbols';
import { CERTIFICATE_INFO_REQUEST, FIX_ALL_KIND, OPEN_DOCS_COMMAND, POLICY_TIER_REQUEST, type CertificateInfoResult, type PolicyTier } from './protocol';
import { RelintClock } from './relint-clock';
import { LintScheduler } from './scheduler';
import { errorMessage } from '../core/errors';

/** Milliseconds of quiet after a keystroke before the file is linted again. */
const TYPING_DEBOUNCE_MS = 40;

/** Starts the language server on the transport given on the command line (`--stdio`, `--node-ipc`, `--socket=`). */
export function startServer(connection: Connection = defaultConnection()): void {
  // A promise nobody awaited that fails (a request the client doesn't support, say) is logged: it must not end the
  // server, whose every other answer still holds (Node's default is to exit).
  process.on('unhandledRejection', (reason) => {
    const text = `apim-mtls: unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`;
    try {
      connection.console.error(text);
    } catch {
      // The connection is closed (the editor went away during start-up): stderr is what is left.
      process.stderr.write(`${text}\n`);
    }
  });
  new ApimMtlsServer(connection).listen();
}

/**
 * The connection of the command line's transport; on stdio, one whose framing errors end the server with a message
 * on stderr (exit 1), so that the editor sees it stopped and restarts it: a header without Content-Length, or a
 * message that never completes (a Content-Length of 99999999999), left it waiting for ever, answering nothing. A
 * message that is framed but not JSON is answered with a parse error (-32700), and the server goes on.
 */
function defaultConnection(): Connection {
  if (!process.argv.includes('--stdio')) return createConnection(CANCEL_UNDISPATCHED);
  const reader = new GuardedReader(process.stdin);
  const stop = (why: string): void => {
    process.stderr.write(`apim-mtls: ${why}; the language server stops so that the editor can start it again\n`);
    process.exit(1);
  };
  // The editor closed our input: it is gone, or ended us without `exit` (the stock stdio connection exits there too;
  // given a reader instead of the stream, it doesn't, and the parent-process check kept the server alive).
  const ended = (): void => process.exit(shutdownReceived ? 0 : 1);
  process.stdin.on('end', ended);
  process.stdin.on('close', ended);
  const writer = new StreamMessageWriter(process.stdout);
  // How many messages had been read when the last one that was not JSON came (-1: none came).
  let parseErrorAt = -1;
  reader.onError((e) => {
    const what = e.message.split('\n')[0];
    // A body that isn't JSON was still read whole (its Content-Length framed it): answered with a parse error, as
    // JSON-RPC says, and the server goes on. A framing error leaves no way to find the next message: the server stops.
    if (e instanceof SyntaxError) {
      parseErrorAt = reader.messagesRead;
      process.stderr.write(`apim-mtls: the editor sent a message that is not JSON; answered with a parse error (${what})\n`);
      void writer.write({ jsonrpc: '2.0', id: null, error: { code: ErrorCodes.ParseError, message: `Parse error: ${what}` } } as ResponseMessage);
      return;
    }
    stop(`the editor sent a message that can't be read (${what})`);
  });
  // Reported every 10 s while a message is incomplete: a stalled one (not a slow pipe) after a minute.
  let stalled = { message: -1, reports: 0 };
  reader.onPartialMessage((info) => {
    // A Content-Length that didn't frame the message (headers ended by \n\n alone, a length too small) shows as a body
    // that isn't JSON, then one that never completes: the framing is lost, nothing more can be read.
    if (parseErrorAt === reader.messagesRead) stop('after a message that was not JSON, the next one stayed incomplete: the messages are not framed as the protocol says');
    if (info.messageToken !== stalled.message) stalled = { message: info.messageToken, reports: 0 };
    if (info.waitingTime * ++stalled.reports >= STALLED_MESSAGE_MS) stop('a message from the editor stayed incomplete for a minute');
  });
  return createConnection(reader, writer, CANCEL_UNDISPATCHED);
}

/**
 * A request the editor cancels (`$/cancelRequest`) while it still waits behind other messages (the editor moved on
 * while a lint ran) is answered at once with RequestCancelled, not run; one cancelled after it was taken off the queue
 * is refused when its handler starts (see `live`). The library's default answers nothing and runs it anyway.
 */
const CANCEL_UNDISPATCHED: ConnectionStrategy = {
  cancelUndispatched: (message) => (Message.isRequest(message) ? { jsonrpc: '2.0', id: message.id, error: cancelled().toJson() } : undefined),
};

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'the request was cancelled before it ran');
}

const STALLED_MESSAGE_MS = 60_000;

/** How long start-up waits for the client to answer one of its requests (settings, a progress bar). */
const CLIENT_ANSWER_MS = 5_000;

/** The client asked for `shutdown` (the exit code when the input ends: 0 after it, 1 without). */
let shutdownReceived = false;
/** `initialize` was answered: before it, requests are refused (ServerNotInitialized) and notifications dropped. */
let initializeAnswered = false;

/**
 * A stdio reader whose listener's exceptions are not taken for framing errors: vscode-jsonrpc handles
 * `$/cancelRequest` before dispatch and throws on one without a usable id, which the reader reported as an unreadable
 * message, ending the server. Such a message is dropped with a line on stderr; framing errors still end the server.
 */
class GuardedReader extends StreamMessageReader {
  /** Messages read (parsed) so far. */
  messagesRead = 0;

  override listen(callback: DataCallback): Disposable {
    return super.listen((message) => {
      this.messagesRead++;
      try {
        callback(message);
      } catch (e) {
        process.stderr.write(`apim-mtls: a message from the editor could not be handled and was dropped (${errorMessage(e).split('\n')[0]})\n`);
      }
    });
  }
}

/** How long after a policy changes the client is asked to refresh code lenses (at most once in that time). */
const LENS_REFRESH_MS = 1000;
/** Folders watched for files read from outside the workspace (one each): a bound on inotify watches. */
const MAX_REFERENCED_DIRS = 64;

class ApimMtlsServer {
  private readonly documents = new TextDocuments(TextDocument);
  private config = new ConfigResolver();
  private readonly ws = new Workspace({ configFor: (f) => this.config.forFile(f) });
  // A rule still running when its file's budget is spent is stopped; the slice goes on with the next file.
  private readonly scheduler = new LintScheduler(
    (file) => this.publish(file),
    (next, onCut) => this.ws.lintAll(next, onCut),
  );
  /** Files that currently show diagnostics, so they can be cleared. */
  private readonly published = new Set<string>();
  /** Configuration files whose problems are shown, with the reading shown (a file read again is shown again). */
  private readonly configShown = new Map<string, LoadedConfig>();
  /** Documents just opened, with their version: the content-change event TextDocuments sends after an open repeats it. */
  private readonly justOpened = new Map<string, number>();
  /**
   * The URI the client used for a file it opened, published back unchanged, also once it is closed: its diagnostics go
   * on under the spelling the client knows (`%40` or `@`), not Node's, which a client comparing strings keeps apart.
   */
  private readonly uris = new Map<string, string>();
  /** The URIs under which each file is open now (a client may open one file under two spellings). */
  private readonly openUris = new Map<string, Set<string>>();
  /** `.apim-mtls.json` files changed on disk since the last reload of the configuration (see `configChangedOnDisk`). */
  private readonly configChanges = new Set<string>();
  private configReloading = false;
  private roots: string[] = [];
  /** Workspace folders not indexed (the root of the file system). */
  private refusedRoots: string[] = [];
  /** Files read for the configuration's "context" from outside the workspace folders: context, never published. */
  private readonly contextOnly = new Set<string>();
  /** Those context paths, each watched on disk by the server itself (no client watches outside the workspace). */
  private readonly contextRoots = new Set<string>();
  private contextWatcher?: DiskWatcher;
  /** The folders of files read because the Bicep refers to them from outside the workspace, each watched (one level). */
  private readonly referencedDirs = new Set<string>();
  private referencedWatcher?: DiskWatcher;
  private canPullConfig = false;
  private pushedSettingsSaid = false;
  /** The client re-asks for code lenses on `workspace/codeLens/refresh` (the pins lenses count policies). */
  private canRefreshLenses = false;
  private lensRefresh?: NodeJS.Timeout;
  private canWatch = false;
  private canCreateFiles = false;
  private canReportProgress = false;
  /** The client takes snippets in completion items (textDocument.completion.completionItem.snippetSupport). */
  private canSnippet = false;
  private diskWatcher?: DiskWatcher;
  /** Lints files again when their findings change with time alone (a certificate expiring). */
  private readonly clock = new RelintClock((due) => this.scheduler.schedule(due, 0));

  constructor(private readonly connection: Connection) {}

  listen(): void {
    const c = this.connection;
    c.onShutdown(() => {
      if (!initializeAnswered) throw notInitialized();
      shutdownReceived = true;
    });
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => void this.initialized());
    c.onDidChangeConfiguration((params) => {
      if (!initializeAnswered) return;
      // Settings pushed in the notification (clients without workspace/configuration) are not read: said once.
      const pushed = (params as { settings?: { apimMtls?: unknown } } | undefined)?.settings?.apimMtls;
      if (!this.canPullConfig && pushed !== undefined && !this.pushedSettingsSaid) {
        this.pushedSettingsSaid = true;
        this.connection.console.warn('apim-mtls: settings sent in workspace/didChangeConfiguration are not read: the server asks for them with workspace/configuration, which this client does not offer; put them in .apim-mtls.json');
      }
      void this.refreshSettings();
    });
    c.onDidChangeWatchedFiles((params) => {
      if (!initializeAnswered) return;
      for (const change of params.changes) {
        const file = uriToPath(change.uri);
        if (file) void this.fileChangedOnDisk(file, change.type);
      }
    });
    c.onCodeAction(live((params) => {
      const file = documentFile(params);
      if (!file) return [];
      positionParam(params.range, 'start', 'range.start');
      positionParam(params.range, 'end', 'range.end');
      const only: unknown = params.context?.only;
      if (only !== undefined && !(Array.isArray(only) && only.every((k) => typeof k === 'string'))) throw new ResponseError(ErrorCodes.InvalidParams, 'context.only must be a list of code action kinds');
      return codeActions(this.ws, file, { ...params, context: { ...params.context, diagnostics: params.context?.diagnostics ?? [] } }, {
        uriOf: (f) => this.uriOf(f),
        versionOf: (f) => this.documents.get(this.uriOf(f))?.version ?? null,
        canCreateFiles: this.canCreateFiles,
      });
    }));
    c.onExecuteCommand(live(async (params) => {
      if (params?.command !== OPEN_DOCS_COMMAND) throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${JSON.stringify(String(params?.command)).slice(0, 80)}; this server runs ${OPEN_DOCS_COMMAND}`);
      const ruleId = params.arguments?.[0];
      if (typeof ruleId !== 'string' || !ruleById(ruleId)) throw new ResponseError(ErrorCodes.InvalidParams, `${OPEN_DOCS_COMMAND} takes a rule id (\`apim-mtls rules\` lists them)`);
      await openRuleDocs(c, ruleId);
    }));
    c.onRequest(CERTIFICATE_INFO_REQUEST, live((params: { uri: string }): CertificateInfoResult<Date> | null => {
      const file = uriToPath(stringParam(params, 'uri'));
      const cert = file ? this.ws.certificate(file) : undefined;
      return cert ? { certificates: cert.certificates, problems: cert.problems } : null;
    }));
    c.onRequest(POLICY_TIER_REQUEST, live((params: { uri: string }): PolicyTier | null => {
      const file = uriToPath(stringParam(params, 'uri'));
      const info = file ? policyTier(this.ws, file) : undefined;
      if (!info) return null;
      return { ...info, origins: info.origins.map((o) => ({ uri: this.uriOf(o.file), line: o.position.line, message: o.message })) };
    }));
    c.onCodeLens(live((params) => {
      const file = documentFile(params);
      return file ? certificateCodeLenses(this.ws, file, (f) => this.uriOf(f)) : [];
    }));
    c.onHover(live((params) => {
      const file = documentFile(params);
      return file ? hover(this.ws, file, positionParam(params)) : null;
    }));
    c.onDocumentSymbol(live((params) => {
      const file = documentFile(params);
      const doc = file && this.ws.kindOf(file) === 'policy' ? this.ws.policy(file) : undefined;
      // Only policies: Bicep files have the Bicep extension's outline (null adds nothing to it).
      return doc ? policySymbols(doc, this.ws.lineIndex(file!)!) : null;
    }));
    c.onDefinition(live((params) => {
      const file = documentFile(params);
      return file ? definition(this.ws, file, positionParam(params), (f) => this.uriOf(f)) : [];
    }));
    c.onReferences(live((params) => {
      const file = documentFile(params);
      return file ? references(this.ws, file, positionParam(params), params.context?.includeDeclaration === true, (f) => this.uriOf(f)) : [];
    }));
    c.onCompletion(live((params) => {
      const file = documentFile(params);
      return file ? completion(this.ws, file, positionParam(params), { snippets: this.canSnippet }) : [];
    }));

    this.documents.onDidOpen((e) => {
      const file = uriToPath(e.document.uri);
      if (file) this.openUris.set(file, (this.openUris.get(file) ?? new Set()).add(e.document.uri));
      this.documentChanged(e.document, true);
    });
    this.documents.onDidChangeContent((e) => this.documentChanged(e.document, false));
    this.documents.onDidClose((e) => void this.documentClosed(e.document.uri));
    this.documents.listen(c);
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    // Once per session, as the protocol says: a second one replaced the workspace folders of the first.
    if (initializeAnswered) throw new ResponseError(ErrorCodes.InvalidRequest, 'initialize was already received in this session');
    // Params of the wrong shape are refused before anything is taken from them: the client may send a corrected one.
    const problem = initializeParamsProblem(params);
    if (problem) throw new ResponseError(ErrorCodes.InvalidParams, `initialize: ${problem}`);
    initializeAnswered = true;
    const caps = params.capabilities ?? {};
    this.canPullConfig = !!caps.workspace?.configuration;
    this.canWatch = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    this.canRefreshLenses = !!caps.workspace?.codeLens?.refreshSupport;
    this.canCreateFiles = !!caps.workspace?.workspaceEdit?.resourceOperations?.includes('create');
    this.canReportProgress = !!caps.window?.workDoneProgress;
    this.canSnippet = !!caps.textDocument?.completion?.completionItem?.snippetSupport;
    const folders: WorkspaceFolder[] = params.workspaceFolders ?? [];
    // Each folder once: a list that names one folder 2,000 times read it 2,000 times.
    this.roots = [...new Set(folders.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p))];
    if (this.roots.length === 0 && params.rootUri) {
      const root = uriToPath(params.rootUri);
      if (root) this.roots.push(root);
    }
    // A folder of `/` would have the whole disk read and watched (43,000 files, 1.8 GB in a review): not indexed; the
    // files opened there are still linted.
    this.refusedRoots = this.roots.filter(isFileSystemRoot);
    this.roots = this.roots.filter((r) => !this.refusedRoots.includes(r));
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        hoverProvider: true,
        definitionProvider: true,
        documentSymbolProvider: true,
        referencesProvider: true,
        // In an <identity> thumbprint / issuer-certificate-id value, and in context.Deployment.Certificates["…"]; the
        // attributes of validate-client-certificate and <identity> after a blank in their start tag.
        completionProvider: { triggerCharacters: ['"', ' '] },
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [OPEN_DOCS_COMMAND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'apim-mtls', version: VERSION },
    };
  }

  private async initialized(): Promise<void> {
    for (const root of this.refusedRoots) {
      const message = `apim-mtls: the workspace folder ${root} is the root of the file system: it is not indexed (open the folder that holds the policies and Bicep); open files are still linted`;
      this.connection.console.warn(message);
      void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
    }
    if (this.canPullConfig) {
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'apimMtls' });
      // A client that fails or never answers `workspace/configuration` must not keep the workspace from being indexed.
      await this.answered(this.refreshSettings(false), 'workspace/configuration');
    }
    if (this.canWatch) {
      void this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/*.{xml,cshtml,bicep,bicepparam,cer,crt,pem,der}' },
          // JSON parameters files (`main.parameters.prod.json`): their values set the template's parameters.
          { globPattern: '**/*.parameters*.json' },
          { globPattern: '**/bicepconfig.json' },
          { globPattern: `**/${CONFIG_FILE_NAME}` },
          // Folders created or deleted with their files in one go are reported as the folder alone.
          { globPattern: '**/*', kind: WatchKind.Create | WatchKind.Delete },
        ],
      });
    } else {
      this.watchDisk();
    }
    // Registered here, after vscode-languageserver's own handler (set up at initialize for clients announcing
    // workspace folders), which it replaces: taken from any client that sends it.
    this.connection.onNotification(DidChangeWorkspaceFoldersNotification.type, (params) => {
      const event = params?.event;
      void this.foldersChanged(Array.isArray(event?.added) ? event.added : [], Array.isArray(event?.removed) ? event.removed : []);
    });
    await this.indexWorkspace();
  }

  /**
   * What a request to the client gives, or undefined when it fails or takes more than `CLIENT_ANSWER_MS` (logged):
   * start-up goes on without it.
   */
  private async answered<T>(request: Promise<T>, what: string): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CLIENT_ANSWER_MS);
    });
    try {
      const result = await Promise.race([request, late]);
      if (result !== 'late') return result;
      this.connection.console.warn(`apim-mtls: the client didn't answer ${what} in ${CLIENT_ANSWER_MS / 1000} s; going on without it`);
    } catch (e) {
      this.connection.console.warn(`apim-mtls: ${what} failed (${errorMessage(e).split('\n')[0]}); going on without it`);
    } finally {
      clearTimeout(timer);
    }
    return undefined;
  }

  /**
   * Workspace folders added or removed (`workspace/didChangeWorkspaceFolders`): a new folder is read and its files
   * linted, with those whose tier it may give; a removed one's files leave the model (unless open, or read for
   * context), and their findings are cleared.
   */
  private async foldersChanged(added: WorkspaceFolder[], removed: WorkspaceFolder[]): Promise<void> {
    const paths = (folders: WorkspaceFolder[]): string[] => folders.map((f) => (typeof f?.uri === 'string' ? uriToPath(f.uri) : undefined)).filter((p): p is string => !!p);
    const gone = paths(removed).filter((r) => this.roots.includes(r));
    this.roots = this.roots.filter((r) => !gone.includes(r));
    for (const root of gone) this.diskWatcher?.unwatch(root);
    this.forget(this.ws.files().filter((f) => gone.some((r) => isWithin(f, r)) && !this.inWorkspace(f) && !this.contextOnly.has(f) && !this.isOpen(f)));
    const fresh = [...new Set(paths(added))].filter((r) => !this.roots.includes(r));
    for (const root of fresh.filter(isFileSystemRoot)) this.connection.console.warn(`apim-mtls: the workspace folder ${root} is the root of the file system: it is not indexed`);
    const indexed = fresh.filter((r) => !isFileSystemRoot(r));
    if (indexed.length === 0) return;
    this.roots.push(...indexed);
    if (!this.canWatch) for (const root of indexed) this.workspaceWatcher().watch(root);
    const loaded = await loadFromDisk(this.ws, indexed, { skip: (file) => this.isOpen(file), ignored: this.ignored });
    this.loadReferenced();
    this.connection.console.info(`apim-mtls: indexed ${loaded.length} ${loaded.length === 1 ? 'file' : 'files'} of the added folder${indexed.length === 1 ? '' : 's'} ${indexed.join(', ')}`);
    this.scheduler.schedule(this.ws.files(), 0);
  }

  /** The watcher of the workspace folders, made on first use. */
  private workspaceWatcher(): DiskWatcher {
    // Files open in the editor keep the editor's text; other paths are folders (fileChangedOnDisk sorts that out).
    return (this.diskWatcher ??= new DiskWatcher(
      (file, type) => void this.fileChangedOnDisk(file, type),
      (message) => this.connection.console.log(message),
    ));
  }

  /** The client doesn't watch files for us: watch the workspace folders ourselves (see DiskWatcher). */
  private watchDisk(): void {
    if (this.roots.length === 0) return;
    const watched = this.roots.filter((root) => this.workspaceWatcher().watch(root));
    if (watched.length) this.connection.console.log(`apim-mtls: the client doesn't watch files: watching ${watched.join(', ')} for changes on disk`);
  }

  /** Reads the workspace from disk in the background, then lints everything once. */
  private async indexWorkspace(): Promise<void> {
    const progress = this.canReportProgress ? await this.answered(this.connection.window.createWorkDoneProgress(), 'window/workDoneProgress/create') : undefined;
    progress?.begin('apim-mtls: indexing', 0, 'finding policy, Bicep and certificate files', false);
    const started = Date.now();
    // A workspace folder that isn't there is said once in the log, not published as a finding on it.
    for (const root of this.roots.filter((r) => !fs.existsSync(r))) this.connection.console.warn(`apim-mtls: the workspace folder ${root} is not on disk; nothing read there`);
    const loaded = await loadFromDisk(this.ws, this.roots.filter((r) => fs.existsSync(r)), {
      skip: (file) => this.isOpen(file),
      onProgress: (n) => progress?.report(`${n} files read`),
      ignored: this.ignored,
    });
    await this.loadConfigContext();
    this.loadReferenced();
    progress?.done();
    this.connection.console.info(`apim-mtls ${VERSION}: indexed ${loaded.length} ${loaded.length === 1 ? 'file' : 'files'} in ${Date.now() - started} ms`);
    this.scheduler.schedule([...this.openFiles(), ...this.ws.files()], 0);
  }

  /**
   * The `context` paths of the workspace's `.apim-mtls.json` files that lie outside the workspace folders (inside, the
   * files are read anyway): their Bicep, parameters and certificate files are read as the CLI reads them, and each path
   * is watched from then on (`contextChangedOnDisk`).
   */
  private async loadConfigContext(): Promise<void> {
    const outside = this.config.contextOf(this.ws.files()).filter((p) => !this.inWorkspace(p));
    const problem = (file: string, error: string) => this.connection.console.warn(`apim-mtls: "context" in ${CONFIG_FILE_NAME}: ${file}: ${error}`);
    const more = (n: number) => this.connection.console.warn(`apim-mtls: "context" in ${CONFIG_FILE_NAME}: ${n} more problems, not listed`);
    for (const file of await loadContextQuietly(this.ws, outside, problem, more)) this.contextOnly.add(file);
    for (const root of outside) {
      if (this.contextRoots.has(root) || unboundedContext(root) || !fs.existsSync(root)) continue;
      this.contextRoots.add(root);
      this.contextWatcher ??= new DiskWatcher(
        (file, type) => void this.contextChangedOnDisk(file, type),
        (message) => this.connection.console.log(message),
      );
      this.contextWatcher.watch(root);
    }
  }

  /**
   * What the Bicep refers to outside the workspace folders (imported Bicep, local modules, loaded policies and
   * certificates), read as context as the CLI reads it: with a subfolder opened, its policies keep the tier that the
   * Bicep's `import … from '../shared/settings.bicep'` gives them. `from`: the Bicep files to look in (default: all).
   * Returns the files it added.
   */
  private loadReferenced(from?: string[]): string[] {
    // A policy file loaded from outside the workspace that isn't there yet: its folder is watched too, so that the
    // file's creation is seen (the client reports nothing outside the workspace).
    const missing: string[] = [];
    const added = loadReferencedFiles(this.ws, (file, content) => {
      if (content === undefined && mayBePolicy(file)) missing.push(file);
    }, from);
    for (const file of added) this.contextOnly.add(file);
    this.watchReferenced([...added, ...missing.filter((f) => fs.existsSync(path.dirname(f)))]);
    return added;
  }

  /** Reads what the Bicep refers to and wasn't read yet, and lints what depends on it. */
  private readReferencedNow(): void {
    const added = this.loadReferenced();
    if (added.length > 0) this.scheduler.schedule(new Set(added.flatMap((f) => this.ws.dependents(f))), 0);
  }

  /**
   * Watches the folders of files read from outside the workspace (one level; no client watches there): a SKU type
   * edited in `../shared/settings.bicep`, or a loaded policy changed there, re-lints what depends on it. Folders under
   * a watched context path are already watched.
   */
  private watchReferenced(files: string[]): void {
    for (const file of files) {
      const dir = path.dirname(file);
      if (this.inWorkspace(file) || this.referencedDirs.has(dir) || [...this.contextRoots].some((root) => isWithin(file, root))) continue;
      if (this.referencedDirs.size >= MAX_REFERENCED_DIRS) {
        this.connection.console.log(`apim-mtls: not watching ${dir}: already watching ${MAX_REFERENCED_DIRS} folders outside the workspace`);
        return;
      }
      this.referencedDirs.add(dir);
      this.referencedWatcher ??= new DiskWatcher(
        (changed, type) => void this.referencedChangedOnDisk(changed, type),
        (message) => this.connection.console.log(message),
      );
      this.referencedWatcher.watch(dir, false);
    }
  }

  /** A file changed in a folder watched for the files read from outside the workspace. */
  private async referencedChangedOnDisk(file: string, type: FileChangeType): Promise<void> {
    if (this.inWorkspace(file) || this.isOpen(file)) return;
    let added: string[] = [];
    if (this.contextOnly.has(file)) {
      await this.reloadFromDisk(file);
      if (type === FileChangeType.Deleted) this.contextOnly.delete(file);
      // A Bicep file read from outside may now refer to more files outside.
      else if (classify(file) === 'bicep') added = this.loadReferenced([file]);
    } else if (type !== FileChangeType.Deleted) {
      // A file the Bicep refers to that was missing: read it if it is referred to now.
      added = this.loadReferenced();
    }
    if (added.length > 0) this.scheduler.schedule(new Set(added.flatMap((f) => this.ws.dependents(f))), 0);
  }

  /** Does a configuration's `ignore` match the path (a folder when `isDir`)? */
  private readonly ignored = (p: string, isDir: boolean): boolean => this.config.isIgnored(p, isDir);

  private inWorkspace(p: string): boolean {
    return this.roots.some((root) => isWithin(p, root));
  }

  /**
   * A Bicep, parameters or certificate file changed under a context path outside the workspace: read it again. A folder
   * created or removed there (watchers that report a moved folder, not its files): read or forget what it holds.
   */
  private async contextChangedOnDisk(file: string, type: FileChangeType): Promise<void> {
    if (this.inWorkspace(file)) return;
    const kind = classify(file);
    if (kind === 'other' && !isCandidate(file)) return this.contextFolderChangedOnDisk(file, type);
    if ((kind !== 'bicep' && kind !== 'certificate') || this.isOpen(file)) return;
    if (type === FileChangeType.Deleted) {
      if (this.ws.has(file)) this.forget([file]);
      return;
    }
    this.contextOnly.add(file);
    await this.reloadFromDisk(file);
  }

  private async contextFolderChangedOnDisk(dir: string, type: FileChangeType): Promise<void> {
    if (type === FileChangeType.Deleted) return this.forget([...this.contextOnly].filter((f) => isWithin(f, dir) && f !== dir));
    const problem = (file: string, error: string) => this.connection.console.warn(`apim-mtls: "context": ${file}: ${error}`);
    const loaded = (await fs.promises.stat(dir).catch(() => undefined))?.isDirectory() ? await loadContextFromDisk(this.ws, [dir], problem) : [];
    for (const f of loaded) this.contextOnly.add(f);
    if (loaded.length > 0) this.scheduler.schedule(new Set(loaded.flatMap((f) => this.ws.dependents(f))), 0);
  }

  private async refreshSettings(relint = true): Promise<void> {
    let overrides: Partial<LintConfig> = {};
    if (this.canPullConfig) {
      const raw: unknown = await this.connection.workspace.getConfiguration('apimMtls');
      const settings = (raw ?? {}) as Record<string, unknown>;
      // Only what the user set: a default here would override the workspace's .apim-mtls.json.
      const parsed = parseConfig({
        rules: settings.rules ?? {},
        sku: settings.sku ?? '',
        ...(typeof settings.certificateExpiryWarningDays === 'number' ? { certificateExpiryWarningDays: settings.certificateExpiryWarningDays } : {}),
      });
      // Settings have no file to place a diagnostic in: said once per change, and the rest of them applies.
      const problems = parsed.problems.map((p) => (p.path ? `apimMtls.${p.path[0]}: ${p.message}` : p.message));
      for (const p of problems) this.connection.console.warn(p);
      // A notification (window/showMessage), not a request: nothing to answer, and every client takes it.
      if (problems.length > 0) void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `apim-mtls settings: ${problems.join('; ')}` });
      overrides = parsed.config;
    }
    this.config = new ConfigResolver(overrides, 'apimMtls.sku');
    if (relint) this.scheduler.schedule(this.ws.files(), 0);
  }

  private documentChanged(doc: TextDocument, opened: boolean): void {
    const file = uriToPath(doc.uri);
    if (!file || !initializeAnswered) return;
    // TextDocuments reports an open twice (open, then content changed): the change that repeats the open is skipped.
    // Only that one: a client that sends two edits under one version number still gets both linted.
    const openedAt = this.justOpened.get(doc.uri);
    this.justOpened.delete(doc.uri);
    if (opened) this.justOpened.set(doc.uri, doc.version);
    else if (openedAt === doc.version) return;
    // A client that sends no text (null, a number) in didOpen: said once in the log, the document left alone.
    if (typeof doc.getText() !== 'string') {
      this.connection.console.warn(`apim-mtls: ${doc.uri}: the client sent no text for this document (${opened ? 'didOpen' : 'didChange'}); not linted`);
      return;
    }
    this.uris.set(file, doc.uri);
    // A file the workspace's "ignore" matches is not linted, even when open (as ESLint does).
    if (this.inWorkspace(file) && this.ignored(file, false)) {
      if (this.ws.has(file)) this.forget([file]);
      return;
    }
    // Only a Bicep edit can change which files depend on this one (links, SKUs): then those before the edit count too.
    const before = this.ws.kindOf(file) === 'bicep' ? this.ws.dependents(file) : [];
    const kind = this.ws.set(file, { text: doc.getText() }, doc.version);
    if (kind === 'other') return this.clear(file);
    // A Bicep file may now refer to a file outside the workspace that isn't read yet.
    if (kind === 'bicep') this.loadReferenced([file]);
    if (kind === 'policy' || kind === 'bicep') this.refreshLensesSoon();
    const after = this.ws.dependents(file);
    if (opened) this.publish(file);
    else this.scheduler.schedule([file], TYPING_DEBOUNCE_MS, true);
    this.scheduler.schedule(new Set([...before, ...after]), TYPING_DEBOUNCE_MS * 2);
  }

  private async documentClosed(uri: string): Promise<void> {
    this.justOpened.delete(uri);
    const file = uriToPath(uri);
    if (!file) return;
    const open = this.openUris.get(file);
    open?.delete(uri);
    if (open?.size) {
      // Still open under another spelling of its URI: that editor's text wins over the disk, and its URI is the one
      // published to from now on (what the closed one showed is cleared there, not left beside it).
      if (this.uris.get(file) === uri && this.published.has(file)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
      const other = this.documents.get([...open][0]!);
      if (other) this.documentChanged(other, true);
      return;
    }
    this.openUris.delete(file);
    // A file from outside the workspace that nothing else read is gone with its editor: out of the model (its findings,
    // its references) rather than read again from disk; its URI too, once its findings are cleared.
    if (!this.inWorkspace(file) && !this.contextOnly.has(file)) {
      if (this.ws.has(file)) this.forget([file]);
      if (!this.published.has(file)) this.uris.delete(file);
      return;
    }
    // The editor's unsaved text is gone: go back to what is on disk.
    await this.reloadFromDisk(file);
    if (this.ws.kindOf(file) === 'certificate') this.clear(file);
  }

  private async fileChangedOnDisk(file: string, type: FileChangeType): Promise<void> {
    if (path.basename(file) === CONFIG_FILE_NAME) return this.configChangedOnDisk(file);
    // Outside the workspace folders only what the server read there for context counts (it watches those itself): a
    // client event for `file:///` made it walk the whole disk.
    if (!this.inWorkspace(file) && !this.contextOnly.has(file)) return;
    if (!isCandidate(file)) return this.folderChangedOnDisk(file, type);
    if (this.isOpen(file)) return;
    if (type !== FileChangeType.Deleted && this.ignored(file, false)) {
      // Not linted, but a Bicep file may load it (read for context, as the CLI reads it): one that was missing is there now.
      if (this.ws.isMissing(file)) this.readReferencedNow();
      return;
    }
    // A file reported deleted that is still there (an editor saving by rename, events out of order) is read again: the
    // Bicep that loads it must not be told it is missing, nor the policies a Bicep file gives a tier lose it.
    if (type === FileChangeType.Deleted && !(await isFileOnDisk(file))) return this.forget([file], true);
    await this.reloadFromDisk(file);
  }

  /**
   * Configuration files changed: the configuration is read again, once for a burst of changes (each change reloaded the
   * workspace: 10,000 events held the server for 8 s). A change that comes while a reload runs makes it go round once
   * more, after it, so that the last reading wins.
   */
  private async configChangedOnDisk(file: string): Promise<void> {
    this.configChanges.add(file);
    if (this.configReloading) return;
    this.configReloading = true;
    try {
      // The rest of the notification's changes first (they come in one go, handled one after the other).
      await new Promise((resolve) => setImmediate(resolve));
      while (this.configChanges.size > 0) {
        const files = [...this.configChanges];
        this.configChanges.clear();
        await this.reloadConfig(files);
      }
    } finally {
      this.configReloading = false;
    }
  }

  private async reloadConfig(changed: string[]): Promise<void> {
    const named = changed.slice(0, 3).join(', ') + (changed.length > 3 ? ` and ${changed.length - 3} more` : '');
    this.connection.console.log(`apim-mtls: ${named} changed: the configuration is read again`);
    this.config.clear();
    // Shown again by the lint below if they still have problems (they may be gone, or no longer apply to any file).
    for (const file of changed) if (this.configShown.delete(file)) void this.connection.sendDiagnostics({ uri: this.uriOf(file), diagnostics: [] });
    // Their "ignore" may have changed: forget what is ignored now, read what no longer is.
    this.forget(this.ws.files().filter((f) => !this.contextOnly.has(f) && this.inWorkspace(f) && this.ignored(f, false)));
    await loadFromDisk(this.ws, this.roots, { skip: (f) => this.ws.has(f) || this.isOpen(f), ignored: this.ignored });
    // Open documents it no longer ignores: their editor text.
    for (const doc of this.documents.all()) {
      const f = uriToPath(doc.uri);
      if (f && !this.ws.has(f) && this.inWorkspace(f) && !this.ignored(f, false)) this.documentChanged(doc, true);
    }
    await this.loadConfigContext();
    this.scheduler.schedule(this.ws.files(), 0);
  }

  /**
   * Files gone from disk (with their folder), or no longer linted: out of the workspace, their diagnostics cleared,
   * their dependents re-linted. `deleted`: gone from disk, so a Bicep file that loads one is told it is missing.
   */
  private forget(gone: string[], deleted = false): void {
    if (gone.length === 0) return;
    const affected = new Set(gone.flatMap((f) => this.ws.dependents(f)));
    for (const f of gone) {
      this.ws.remove(f);
      if (deleted) this.ws.noteMissing(f);
      this.contextOnly.delete(f);
      this.clear(f);
      affected.delete(f);
    }
    this.scheduler.schedule(affected, 0);
  }

  /** A folder created (read what it holds) or deleted (forget what was under it). Other paths are ignored. */
  private async folderChangedOnDisk(dir: string, type: FileChangeType): Promise<void> {
    if (type === FileChangeType.Deleted) return this.forget(this.ws.files().filter((f) => isWithin(f, dir) && f !== dir && !this.isOpen(f)), true);
    if (type !== FileChangeType.Created) return;
    try {
      if (!(await fs.promises.stat(dir)).isDirectory()) return;
    } catch {
      return;
    }
    if (this.ignored(dir, true)) return;
    const loaded = await loadFromDisk(this.ws, [dir], { skip: (f) => this.isOpen(f) || this.ws.has(f), ignored: this.ignored });
    this.scheduler.schedule(new Set([...loaded, ...loaded.flatMap((f) => this.ws.dependents(f))]), 0);
  }

  private async reloadFromDisk(file: string): Promise<void> {
    if (this.inWorkspace(file) && this.ignored(file, false)) return;
    // A file that was missing: the Bicep that loads it said so, and is linted again whatever the file turns out to be.
    const before = this.ws.has(file) || this.ws.isMissing(file) ? this.ws.dependents(file) : [];
    // As the index reads files: a regular file within the size limit (a FIFO or /dev/zero behind the path is a
    // problem of that file, never a read that blocks the thread pool or fills the memory).
    const stat = lstatOrUndefined(file);
    if (!stat) {
      this.ws.remove(file);
      // Said missing to what read it. A file nothing read (a new one closed unsaved) is just forgotten: noted, each
      // would be kept for the life of the server, and would have the Bicep model built again.
      if (before.length > 0) this.ws.noteMissing(file);
      this.clear(file);
      if (before.length === 0 && !this.published.has(file)) this.uris.delete(file);
    } else if (stat.isDirectory()) {
      // A folder (a client opened and closed it as a document): not a file of the workspace; what it holds is read
      // by the index and the watchers.
      this.ws.remove(file);
      this.clear(file);
    } else if (!this.isOpen(file)) {
      // (An open document's text wins over the disk.)
      this.ws.set(file, readOne(file));
    }
    const after = this.ws.has(file) ? this.ws.dependents(file) : [];
    this.scheduler.schedule(new Set([file, ...before, ...after]), 0);
    this.refreshLensesSoon();
  }

  /** After policies change, the certificate files' "Pinned in N policies" lenses may be out of date: once a second. */
  private refreshLensesSoon(): void {
    if (!this.canRefreshLenses || this.lensRefresh) return;
    this.lensRefresh = setTimeout(() => {
      this.lensRefresh = undefined;
      void this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    }, LENS_REFRESH_MS);
    this.lensRefresh.unref();
  }

  private publish(file: string): void {
    if (!this.ws.has(file)) return this.clear(file);
    const isOpen = this.isOpen(file);
    const kind = this.ws.kindOf(file);
    if ((kind === 'certificate' || this.contextOnly.has(file)) && !isOpen) return this.clear(file);
    const result = this.ws.lint(file, { certificateRules: true });
    this.clock.note(file, result.stableUntil);
    const diagnostics: Diagnostic[] = [
      ...result.notices.map(noticeDiagnostic),
      ...result.findings.map((f) => toDiagnostic(this.ws, f, (p) => this.uriOf(p))),
    ];
    this.publishConfig(file);
    if (diagnostics.length === 0 && !this.published.has(file)) return;
    const version = this.documents.get(this.uriOf(file))?.version;
    // Sent, then noted: in a slice, the time limit around it (`Workspace.lintAll`) may stop this anywhere, and the file
    // is published again; noted first, its diagnostics could be taken for sent (or cleared) when they were not.
    void this.connection.sendDiagnostics({ uri: this.uriOf(file), version, diagnostics });
    if (diagnostics.length) this.published.add(file);
    else this.published.delete(file);
  }

  /** The problems of the configuration file that applies to `file`, on that file, once per reading of it. */
  private publishConfig(file: string): void {
    const loaded = this.config.forFile(file);
    if (!loaded.file || this.configShown.get(loaded.file) === loaded) return;
    if (loaded.problems.length === 0 && !this.configShown.has(loaded.file)) return;
    // Sent, then noted (see `publish`).
    void this.connection.sendDiagnostics({ uri: this.uriOf(loaded.file), diagnostics: configDiagnostics(loaded) });
    this.configShown.set(loaded.file, loaded);
  }

  private clear(file: string): void {
    this.clock.note(file, undefined);
    if (!this.published.has(file)) return;
    // Sent, then noted (see `publish`).
    void this.connection.sendDiagnostics({ uri: this.uriOf(file), diagnostics: [] });
    this.published.delete(file);
  }

  private openFiles(): string[] {
    return this.documents
      .all()
      .map((d) => uriToPath(d.uri))
      .filter((p): p is string => !!p);
  }

  /** Is the file open in the editor (whose text then wins over the disk)? */
  private isOpen(file: string): boolean {
    return (this.openUris.get(file)?.size ?? 0) > 0;
  }

  private uriOf(file: string): string {
    return this.uris.get(file) ?? pathToUri(file);
  }
}

/** `lstat`, or undefined when there is nothing to stat (it throws ENOTDIR under a file even with throwIfNoEntry). */
function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * A request handler that answers only while the server runs: after `shutdown`, requests are invalid (the protocol's
 * rule; they were still answered).
 */
function live<P, R>(handler: (params: P) => R): (params: P, token?: CancellationToken) => R {
  return (params, token) => {
    if (!initializeAnswered) throw notInitialized();
    if (shutdownReceived) throw new ResponseError(ErrorCodes.InvalidRequest, 'the server is shutting down: no requests after shutdown');
    if (token?.isCancellationRequested) throw cancelled();
    return handler(params);
  };
}

function notInitialized(): ResponseError<void> {
  return new ResponseError(ErrorCodes.ServerNotInitialized, 'the server is not initialized: send initialize first');
}

/** What is wrong with the shape of `initialize`'s params (the parts the server reads), if anything. */
function initializeParamsProblem(params: unknown): string | undefined {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return 'params must be an object';
  const p = params as { capabilities?: unknown; workspaceFolders?: unknown; rootUri?: unknown };
  if (p.capabilities !== undefined && (typeof p.capabilities !== 'object' || p.capabilities === null || Array.isArray(p.capabilities))) return 'capabilities must be an object';
  if (p.workspaceFolders !== undefined && p.workspaceFolders !== null) {
    if (!Array.isArray(p.workspaceFolders)) return 'workspaceFolders must be a list of { uri, name } or null';
    if (!p.workspaceFolders.every((f: unknown) => typeof (f as { uri?: unknown } | null)?.uri === 'string')) return 'each of workspaceFolders must be { uri, name } with a string uri';
  }
  if (p.rootUri !== undefined && p.rootUri !== null && typeof p.rootUri !== 'string') return 'rootUri must be a string or null';
  return undefined;
}

/**
 * The file a request's `textDocument.uri` names (undefined for a URI that is no file: `untitled:`…). Params of the
 * wrong shape are the client's mistake, answered as invalid params rather than with a TypeError's text.
 */
function documentFile(params: unknown): string | undefined {
  const doc = (params as { textDocument?: unknown } | null)?.textDocument;
  return uriToPath(stringParam(doc, 'uri', 'textDocument.uri'));
}

/** `params[key]`, which must be a string (else an invalid-params error naming `label`). */
function stringParam(params: unknown, key: string, label = key): string {
  const value = params !== null && typeof params === 'object' ? (params as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, `${label} must be a string`);
  return value;
}

/** `params[key]` as a position (`{ line, character }`, numbers), else an invalid-params error. */
function positionParam(params: unknown, key = 'position', label = key): Position {
  const value = params !== null && typeof params === 'object' ? (params as Record<string, unknown>)[key] : undefined;
  const p = value as { line?: unknown; character?: unknown } | undefined;
  // Whole numbers (the protocol's uinteger): 2.5 came back in the answers' ranges as it was.
  if (!Number.isInteger(p?.line) || !Number.isInteger(p?.character)) throw new ResponseError(ErrorCodes.InvalidParams, `${label} must be a position: { line, character } of whole numbers`);
  return p as Position;
}

/** Is there a file (not a folder) at the path now? */
function isFileOnDisk(file: string): Promise<boolean> {
  return fs.promises.stat(file).then(
    (stat) => stat.isFile(),
    () => false,
  );
}
