import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  ErrorCodes,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-languageserver-protocol/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { repoRoot } from '../helpers';

/** A minimal LSP client over stdio against the built `apim-mtls lsp --stdio`, for protocol tests. */
export class TestClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly waiters: { check: () => boolean; resolve: () => void }[] = [];
  private versions = new Map<string, number>();
  stderr = '';
  /** What the server logged (window/logMessage). */
  readonly logs: string[] = [];
  /** What the server showed the user (window/showMessage). */
  readonly messages: string[] = [];
  /** Every publication of diagnostics, by URI, in order. */
  readonly published = new Map<string, Diagnostic[][]>();
  /** How many times the server asked to refresh code lenses (`workspace/codeLens/refresh`). */
  lensRefreshes = 0;
  /** What the server answered to `initialize` (its capabilities). */
  initializeResult: { capabilities?: { codeActionProvider?: { codeActionKinds?: string[] } } } | undefined;

  private constructor(
    readonly process: ChildProcess,
    readonly connection: MessageConnection,
    private readonly spelling: 'node' | 'vscode' = 'node',
  ) {}

  static async start(
    workspace: string,
    options: {
      configuration?: unknown;
      settings?: Record<string, unknown>;
      watchFiles?: boolean;
      failConfiguration?: boolean;
      /** Spell URIs as VS Code does (`%40` for `@`, `%2B` for `+`) rather than as Node's pathToFileURL. */
      vscodeUris?: boolean;
      /**
       * A module loaded before the server (`node --require`), which then runs from the compiled sources (`out/`)
       * rather than the bundle, so that the module can reach into them (add a rule, say).
       */
      preload?: string;
      /** The client takes snippets in completion items (`completionItem.snippetSupport`), as VS Code does. */
      snippets?: boolean;
    } = {},
  ): Promise<TestClient> {
    const command = options.preload
      ? ['--require', options.preload, path.join(repoRoot, 'out', 'server', 'src', 'lsp', 'main.js'), '--stdio']
      : [path.join(repoRoot, 'dist', 'cli.js'), 'lsp', '--stdio'];
    const child = spawn(process.execPath, command, { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new TestClient(child, connection, options.vscodeUris ? 'vscode' : 'node');
    child.stderr!.on('data', (d: Buffer) => (client.stderr += d.toString()));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      client.diagnostics.set(p.uri, p.diagnostics);
      client.published.set(p.uri, [...(client.published.get(p.uri) ?? []), p.diagnostics]);
      client.poke();
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => void client.logs.push(p.message));
    connection.onNotification('window/showMessage', (p: { message: string }) => {
      client.messages.push(p.message);
      client.poke();
    });
    connection.onRequest('workspace/configuration', () => {
      // A client whose settings request fails (a bug, an unsupported section): the server must go on without them.
      if (options.failConfiguration) throw new ResponseError(ErrorCodes.InternalError, 'settings unavailable');
      return [options.settings ?? {}];
    });
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/codeLens/refresh', () => {
      client.lensRefreshes++;
      return null;
    });
    connection.onNotification('$/progress', () => undefined);
    connection.listen();
    // A server that ends before it answers: the request would wait for ever (the connection doesn't reject it).
    const ended = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) => reject(new Error(`the server ended before answering initialize (${signal ?? `exit ${code}`}); stderr: ${client.stderr}`))),
    );
    ended.catch(() => undefined);
    client.initializeResult = await Promise.race([ended, connection.sendRequest<TestClient['initializeResult']>('initialize', {
      processId: process.pid,
      rootUri: client.uri(workspace),
      workspaceFolders: [{ uri: client.uri(workspace), name: 'ws' }],
      capabilities: {
        workspace: {
          configuration: options.settings !== undefined,
          workspaceEdit: { documentChanges: true, resourceOperations: ['create'] },
          // Clients that can't watch files for the server (Neovim 0.7, …) leave this out: the server watches itself.
          didChangeWatchedFiles: { dynamicRegistration: options.watchFiles !== false },
          codeLens: { refreshSupport: true },
        },
        window: { workDoneProgress: true, showDocument: { support: true } },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true },
          completion: { completionItem: { snippetSupport: options.snippets === true } },
        },
      },
    })]);
    await connection.sendNotification('initialized', {});
    return client;
  }

  uri(file: string): string {
    if (this.spelling === 'vscode') return `file://${file.split(path.sep).map(encodeURIComponent).join('/')}`;
    return pathToFileURL(file).href;
  }

  close(file: string): void {
    this.versions.delete(file);
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri: this.uri(file) } });
  }

  open(file: string, text: string, languageId = file.endsWith('.bicep') ? 'bicep' : 'apim-policy'): void {
    this.versions.set(file, 1);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: this.uri(file), languageId, version: 1, text } });
  }

  change(file: string, text: string): void {
    const version = (this.versions.get(file) ?? 1) + 1;
    this.versions.set(file, version);
    void this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: this.uri(file), version },
      contentChanges: [{ text }],
    });
  }

  /** Waits until the diagnostics of `file` satisfy `predicate` (or times out with what was last seen). */
  async waitFor(file: string, predicate: (d: Diagnostic[]) => boolean, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const uri = this.uri(file);
    const check = () => {
      const d = this.diagnostics.get(uri);
      return d !== undefined && predicate(d);
    };
    if (!check()) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          const state = this.ended ? `the server ended (${this.process.signalCode ?? `exit ${this.process.exitCode}`})` : 'the server is running';
          reject(new Error(`timed out waiting for diagnostics of ${file}; last: ${JSON.stringify(this.diagnostics.get(uri)?.map((d) => d.code))}; ${state}\nserver stderr: ${this.stderr}`));
        }, timeoutMs);
        this.waiters.push({
          check,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    }
    return this.diagnostics.get(uri)!;
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  /** Whether the server process has ended: with an exit code, or by a signal (a V8 fatal error aborts: no exit code). */
  get ended(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  /** shutdown + exit, as an editor would; waits for the process to end (kills it after 3 s). */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      // A server that already ended by a signal has `exitCode` null and won't emit 'exit' again: waiting for it hung
      // the test file for ever.
      if (this.ended) resolve();
      else this.process.once('exit', () => resolve());
    });
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000).unref())]);
      await this.connection.sendNotification('exit');
    } catch {
      // the server may already be gone
    }
    const timer = setTimeout(() => this.process.kill(), 3000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }

  private poke(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.check()) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}
