import { startServer } from './server';
import { hasTransport } from './transport';

// `node dist/server.js` without a transport: vscode-languageserver would throw with a stack trace. Said plainly (the
// VS Code client passes --node-ipc; `apim-mtls lsp` checks its own arguments before loading this bundle).
if (hasTransport(process.argv.slice(2))) startServer();
else {
  process.stderr.write('apim-mtls language server: give a transport: --stdio, --node-ipc, --socket=PORT or --pipe=NAME (or run `apim-mtls lsp --stdio`)\n');
  process.exitCode = 2;
}
