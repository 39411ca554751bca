/**
 * Does the command line name a transport vscode-languageserver can start on (`--stdio`, `--node-ipc`,
 * `--socket=PORT` or `--socket PORT`, `--pipe=NAME` or `--pipe NAME`)? Without one it throws.
 */
export function hasTransport(args: readonly string[]): boolean {
  return args.some((a) => a === '--stdio' || a === '--node-ipc' || a === '--socket' || a === '--pipe' || a.startsWith('--socket=') || a.startsWith('--pipe='));
}
