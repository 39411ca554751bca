import type { CsToken } from '../../parsers/policy/types';
import { chainAt, chainEndingAt, isPlainString } from './cs-locals';
import { isCloser, isOpener, isPunct as punct, type Operand } from './cs-tokens';

/**
 * `switch (subject) { case "a": … case "b" or "c": … }` and `subject switch { "a" => …, "b" or "c" => …, _ => … }`
 * whose subject is a chain (see `chainAt`): the string literals it is matched against (an ordinal comparison each).
 * Only the labels of the switch itself, not of a switch nested in its body or arms; only labels made of plain string
 * literals (joined by `or`, optionally followed by `when`). One walk over the tokens, with a stack of open brackets.
 */
export interface SwitchLabels {
  form: 'statement' | 'expression';
  subject: Operand;
  /** Token index of the `switch` keyword. */
  keyword: number;
  labels: CsToken[];
}


export function switchLabels(tokens: readonly CsToken[]): SwitchLabels[] {
  // Most expressions have no switch: one look, no bracket stack.
  if (!tokens.some((t) => t.kind === 'keyword' && t.text === 'switch')) return [];
  const out: SwitchLabels[] = [];
  const stack: { index: number; sw?: SwitchLabels }[] = [];
  // The bracket group closed last: `switch (…)` is closed just before its `{`.
  let lastOpen = -1;
  let lastClose = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (isOpener(t)) {
      const frame: { index: number; sw?: SwitchLabels } = { index: i };
      if (t.text === '{') {
        const p = tokens[i - 1];
        if (p?.kind === 'keyword' && p.text === 'switch') {
          const subject = chainEndingAt(tokens, i - 2);
          if (subject) frame.sw = { form: 'expression', subject, keyword: i - 1, labels: [] };
        } else if (punct(p, ')') && lastClose === i - 1 && tokens[lastOpen - 1]?.kind === 'keyword' && tokens[lastOpen - 1]!.text === 'switch') {
          const subject = chainAt(tokens, lastOpen + 1);
          if (subject && subject.end === i - 2) frame.sw = { form: 'statement', subject, keyword: lastOpen - 1, labels: [] };
        }
        if (frame.sw) out.push(frame.sw);
      }
      stack.push(frame);
      continue;
    }
    if (isCloser(t)) {
      const frame = stack.pop();
      if (frame) {
        lastOpen = frame.index;
        lastClose = i;
      }
      continue;
    }
    const top = stack[stack.length - 1];
    const sw = top?.sw;
    if (!sw) continue;
    if (sw.form === 'statement' && t.kind === 'keyword' && t.text === 'case') pattern(tokens, i + 1, ':', sw.labels);
    else if (sw.form === 'expression' && (i - 1 === top.index || punct(tokens[i - 1], ','))) pattern(tokens, i, '=>', sw.labels);
  }
  return out.filter((s) => s.labels.length > 0);
}

/** Adds to `labels` the literals of `"a"`, `"a" or "b"`, … at `at` when followed by `end` (`:` or `=>`) or `when`. */
function pattern(tokens: readonly CsToken[], at: number, end: string, labels: CsToken[]): void {
  const before = labels.length;
  for (let j = at; ; j += 2) {
    const t = tokens[j];
    if (!isPlainString(t)) break;
    labels.push(t);
    const n = tokens[j + 1];
    if (n?.kind === 'identifier' && n.text === 'or') continue;
    if (punct(n, end) || (n?.kind === 'identifier' && n.text === 'when')) return;
    break;
  }
  labels.length = before;
}
