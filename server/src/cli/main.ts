// First: V8 settings for the whole run (see the module).
import './v8-flags';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VERSION } from '../core/version';
import { runLint } from './lint';
import { runRules } from './rules';
import { runTier } from './tier';
import { didYouMean } from './args';
import { hasTransport } from '../lsp/transport';
import { logSafe } from './format/log-safe';

const USAGE = `apim-mtls ${VERSION}: catches mistakes in Azure API Management mutual-TLS setups.

Usage:
  apim-mtls lint [paths…] [--format text|json|sarif|github|azure-devops|gitlab] [--sku SKU[,SKU…]]
                 [--context PATH] [--max-warnings N] [--fix] [--cache] [--cache-location PATH]
                 [--report-unused-suppressions] [--skip-missing] [-o FILE]
  apim-mtls rules [rule-id] [--format text|json] list the rules, their default levels and documentation
  apim-mtls tier [paths…] [--context PATH] [--sku SKU[,SKU…]] [--format text|json]
                                                 the tiers each policy is linted for, and where they come from
  apim-mtls certs tree|ca|client|inspect …      generate and inspect test certificates
  apim-mtls lsp --stdio                          run the language server (for any LSP editor)
  apim-mtls --version | --help

Run "apim-mtls <command> --help" for a command's options.`;

const COMMANDS = ['lint', 'rules', 'tier', 'certs', 'lsp'];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // What the commands print quotes the repository (file names, certificate subjects, Bicep and configuration values):
  // CI runners' commands in it are defused (`logSafe`). Not for lint's report, which does it per format (the github
  // and azure-devops formats print commands of their own), nor for the language server's protocol on stdout.
  const io = {
    stdout: (s: string) => void process.stdout.write(command === 'lint' ? s : logSafe(s)),
    stderr: (s: string) => void process.stderr.write(logSafe(s)),
    cwd: process.cwd(),
  };
  switch (command) {
    case 'lint':
      return runLint(rest, io);
    case 'rules':
      return runRules(rest, io);
    case 'tier':
      return runTier(rest, io);
    // Loaded on demand: `lint` starts faster without the language server and certificate generation.
    case 'certs': {
      const { runCertsCommand } = require('./certs') as typeof import('./certs');
      return runCertsCommand(rest, { ...io, env: process.env });
    }
    case 'lsp': {
      // vscode-languageserver reads the transport from the arguments; without one it throws.
      if (!hasTransport(rest)) {
        const help = rest.includes('--help') || rest.includes('-h');
        (help ? io.stdout : io.stderr)(
          `${help ? '' : 'apim-mtls lsp: say how the editor talks to the server\n\n'}Usage: apim-mtls lsp --stdio\n\n` +
            'Runs the apim-mtls language server over standard input and output (the Language Server Protocol), for any\n' +
            'editor with an LSP client; --node-ipc, --socket=PORT and --pipe=NAME work too. VS Code users install the\n' +
            'extension instead.\n',
        );
        return help ? 0 : 2;
      }
      // The server's own bundle (dist/server.js, next to this one) starts it on load: `lint` doesn't carry the
      // language-server libraries.
      const bundle = path.join(__dirname, 'server.js');
      if (!fs.existsSync(bundle)) {
        io.stderr(`apim-mtls: the language server is missing (${bundle}): reinstall apim-mtls\n`);
        return 2;
      }
      require(bundle);
      return new Promise<number>(() => undefined);
    }
    case '--version':
    case '-v':
      io.stdout(VERSION + '\n');
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.stdout(USAGE + '\n');
      return 0;
    default:
      io.stderr(`apim-mtls: unknown command "${command}"${didYouMean(command, COMMANDS)}\n\nRun "apim-mtls --help" for the commands.\n`);
      return 2;
  }
}

// A reader that stops early (`apim-mtls lint | head`) closes the pipe: stop quietly, as other command-line tools do,
// rather than dying on an unhandled EPIPE with a stack trace.
// Any other failure to write the report (a full disk: `> /dev/full`) is said as `-o` says it, exit 2, not a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (stream === process.stdout) {
      try {
        fs.writeSync(2, `apim-mtls: cannot write to standard output: ${err.message}\n`);
      } catch {
        // standard error is gone too: the exit code says it
      }
    }
    process.exit(2);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(logSafe(`apim-mtls: internal error: ${(err as Error)?.stack ?? String(err)}\n`));
    process.exitCode = 3;
  },
);
