/**
 * Output that quotes the repository (file names, attribute values, certificate subjects, Bicep strings, configuration
 * values) is read by CI runners, which act on some text of their own in a log line:
 * - Azure Pipelines runs `##vso[…]` found anywhere in a line of standard output or error;
 * - GitHub Actions runs `::command::` at a line's start (after blanks, Unicode's too) and its legacy `##[command]` anywhere.
 * A pull request could otherwise make the linter print `##vso[task.setvariable …]` or `::add-mask::`. And control
 * characters (ESC sequences, C1 controls, bidirectional overrides) would reach the terminal: escaped too.
 */

/** Controls escaped everywhere: C0 but tab and line feed, DEL, C1, and the bidirectional formatting characters. */
const CONTROLS = '\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const CONTROL = new RegExp(`[${CONTROLS}]`, 'g');
/**
 * The blanks the GitHub runner trims before it looks for `::` (.NET's `TrimStart()`: every `Char.IsWhiteSpace`), less
 * those escaped as controls anyway: a line starting with a no-break space (a file name can) then `::error::` was run.
 */
const BLANKS = ' \\t\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const UNSAFE = new RegExp(`[${CONTROLS}]|##(?=vso\\[|\\[)|^([${BLANKS}]*):(?=:)`, 'gm');

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * The text with every runner command defused and controls escaped, line breaks kept. Only `\uXXXX` escapes are
 * written, at places that are inside strings in JSON output: JSON, SARIF and GitLab reports stay valid and decode to
 * the same values (`#\u0023vso[` is `##vso[`), while a runner finds no command in them. Not for output whose own
 * lines are runner commands (the github and azure-devops formats escape what they quote).
 */
export function logSafe(text: string): string {
  return text.replace(UNSAFE, (match: string, lead: string | undefined) => {
    if (lead !== undefined) return `${lead}\\u003a`;
    if (match === '##') return '#\\u0023';
    return unicodeEscape(match);
  });
}

/** Controls as `\uXXXX` (tab and line feed kept), for text that runner commands carry as data (CR too: a runner's own escape of it comes first). */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, unicodeEscape);
}

/** For one line of text output: line breaks and tabs shown as `\n`, `\r`, `\t`; the caller escapes other controls (`logSafe`). */
export function oneLine(text: string): string {
  return text.replace(/[\n\r\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}
