import type { CsToken, PolicyExpression } from '../../parsers/policy/types';
import { afterDot, comparisons, operandAfter, operandBefore, type Operand } from './cs-tokens';
import { VALIDITY_MEMBERS } from './certificate-expressions';

/** Certificate validity dates (`NotBefore`, `NotAfter`: local time) compared with `DateTime.UtcNow` in policy expressions. */

/** Calls that keep a DateTime in the same zone (`DateTime.UtcNow.AddDays(1)` is still UTC). */
const SAME_ZONE = /^Add[A-Z]\w*$/;

/** A comparison (or subtraction, `CompareTo`, `DateTime.Compare`) of a certificate date with UTC now. */
export interface UtcValidityComparison {
  /** The `UtcNow` token to replace (in the comparison, or in the local variable's initializer). */
  utcNow: CsToken;
  /** The certificate side, e.g. `cert.NotAfter`. */
  validity: CsToken;
  /** Through this local variable (`var now = DateTime.UtcNow;`). */
  variable?: string;
}

/** Certificate `NotBefore`/`NotAfter` compared with `DateTime.UtcNow`, directly or through a local variable. */
export function utcValidityComparisons(expr: PolicyExpression): UtcValidityComparison[] {
  const tokens = expr.tokens;
  if (!tokens.some((t) => t.text === 'UtcNow')) return [];
  const utcVariables = utcNowVariables(tokens);
  const out: UtcValidityComparison[] = [];
  const add = (a: Operand, b: Operand): void => {
    const validity = validityMember(a);
    const utc = validity && utcSource(tokens, b, utcVariables);
    if (validity && utc) out.push({ validity, ...utc });
  };
  for (const pair of datePairs(tokens)) {
    add(pair.left, pair.right);
    add(pair.right, pair.left);
  }
  return out;
}

/** Operand pairs a date comparison is made of: `a op b`, `a - b`, `a.CompareTo(b)`, `DateTime.Compare(a, b)`. */
function datePairs(tokens: readonly CsToken[]): { left: Operand; right: Operand }[] {
  const pairs: { left: Operand; right: Operand }[] = comparisons(tokens).map((c) => ({ left: c.left, right: c.right }));
  tokens.forEach((t, i) => {
    if (t.text === '-' && t.kind === 'punct') {
      const left = operandBefore(tokens, i);
      const right = operandAfter(tokens, i + 1);
      if (left && right) pairs.push({ left, right });
    }
    if ((t.text === 'CompareTo' || t.text === 'Compare') && tokens[i + 1]?.text === '(') {
      const first = operandAfter(tokens, i + 2);
      if (!first) return;
      if (t.text === 'CompareTo') {
        const receiver = receiverOf(tokens, i);
        if (receiver) pairs.push({ left: receiver, right: first });
      } else if (tokens[first.end + 1]?.text === ',') {
        const second = operandAfter(tokens, first.end + 2);
        if (second) pairs.push({ left: first, right: second });
      }
    }
  });
  return pairs;
}

function receiverOf(tokens: readonly CsToken[], nameIndex: number): Operand | undefined {
  return afterDot(tokens, nameIndex) ? operandBefore(tokens, nameIndex - 1) : undefined;
}

/** The `NotBefore`/`NotAfter` member when the operand is `x.NotAfter` (optionally `.AddDays(…)`). */
function validityMember(op: Operand): CsToken | undefined {
  const k = op.names.findIndex((n, i) => i > 0 && VALIDITY_MEMBERS.has(n.text));
  if (k < 0 || !op.names.slice(k + 1).every((n) => SAME_ZONE.test(n.text))) return undefined;
  return op.names[k];
}

/** `DateTime.UtcNow` (optionally `.AddX(…)`), or a variable holding it. */
function utcSource(tokens: readonly CsToken[], op: Operand, variables: ReadonlyMap<string, CsToken>): { utcNow: CsToken; variable?: string } | undefined {
  const direct = utcNowIn(op);
  if (direct) return { utcNow: direct };
  const only = op.names[0];
  if (op.names.length === 1 && op.start === op.end && only && variables.has(only.text) && tokens[op.end + 1]?.text !== '=') {
    return { utcNow: variables.get(only.text)!, variable: only.text };
  }
  return undefined;
}

function utcNowIn(op: Operand): CsToken | undefined {
  const n = op.names;
  const at = n[0]?.text === 'System' ? 1 : 0;
  if (n[at]?.text !== 'DateTime' || n[at + 1]?.text !== 'UtcNow') return undefined;
  return n.slice(at + 2).every((x) => SAME_ZONE.test(x.text)) ? n[at + 1] : undefined;
}

/** `var now = DateTime.UtcNow;` / `DateTime now = DateTime.UtcNow;`: variable name → its `UtcNow` token. */
function utcNowVariables(tokens: readonly CsToken[]): Map<string, CsToken> {
  const out = new Map<string, CsToken>();
  tokens.forEach((t, i) => {
    if (t.text !== '=' || t.kind !== 'punct' || tokens[i - 1]?.kind !== 'identifier' || afterDot(tokens, i - 1)) return;
    const value = operandAfter(tokens, i + 1);
    const end = tokens[value ? value.end + 1 : -1]?.text;
    const utc = value && (end === ';' || end === ',') ? utcNowIn(value) : undefined;
    if (utc) out.set(tokens[i - 1]!.text, utc);
  });
  return out;
}
