// Loaded with `node --require` before the language server runs from `out/`: the first time it turns a configuration
// file's problems into diagnostics, that never ends, as if the time limit around a slice of its work (see
// `Workspace.lintAll`) came just then. Only the watchdog (`server/src/engine/watchdog.ts`) can end it.
import * as convert from '../../../server/src/lsp/convert';

const make = convert.configDiagnostics;
let hung = false;
(convert as { configDiagnostics: typeof make }).configDiagnostics = (loaded) => {
  if (!hung) {
    hung = true;
    for (;;) {
      // never returns
    }
  }
  return make(loaded);
};
