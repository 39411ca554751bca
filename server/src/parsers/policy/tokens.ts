import type { Span } from '../../core/text';
import type { CsToken } from './types';

/** A forward cursor over a token stream. */
export class TokenCursor {
  private index = 0;

  constructor(readonly tokens: readonly CsToken[]) {}

  get done(): boolean {
    return this.index >= this.tokens.length;
  }

  /** The token `ahead` positions from the current one. */
  peek(ahead = 0): CsToken | undefined {
    return this.tokens[this.index + ahead];
  }

  next(): CsToken | undefined {
    return this.tokens[this.index++];
  }

  /** True when the current token has this text (and, when given, this kind). */
  at(text: string, kind?: CsToken['kind']): boolean {
    const t = this.tokens[this.index];
    return t !== undefined && t.text === text && (kind === undefined || t.kind === kind);
  }

  /** Consumes the current token when it has this text. */
  accept(text: string): CsToken | undefined {
    return this.at(text) ? this.next() : undefined;
  }
}

/** `a.b?.c` as written: the names, their tokens (names only) and the whole span. */
export interface MemberChain {
  names: string[];
  tokens: CsToken[];
  span: Span;
  /** Index of the first token in the stream. */
  index: number;
}

/** Maximal chains `identifier ((. | ?.) identifier)*` in the stream, e.g. `context.Request.Certificate`. */
export function memberChains(tokens: readonly CsToken[]): MemberChain[] {
  const chains: MemberChain[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i]!;
    const previous = tokens[i - 1];
    if (!isIdentifierThisOrBase(first) || (previous && (previous.text === '.' || previous.text === '?.'))) continue;
    const names = [first];
    let j = i + 1;
    while ((tokens[j]?.text === '.' || tokens[j]?.text === '?.') && tokens[j + 1] && isIdentifierThisOrBase(tokens[j + 1]!)) {
      names.push(tokens[j + 1]!);
      j += 2;
    }
    chains.push({ names: names.map((t) => t.text), tokens: names, span: { start: first.span.start, end: names[names.length - 1]!.span.end }, index: i });
  }
  return chains;
}

/** Chains containing this dotted path (`'Request.Certificate'` matches `context.Request.Certificate.Thumbprint`). */
export function findMemberChains(tokens: readonly CsToken[], path: string): MemberChain[] {
  const wanted = path.split('.');
  return memberChains(tokens).filter((c) => indexOfSequence(c.names, wanted) >= 0);
}

/**
 * Do the tokens read `context.Deployment.Certificates` (the uploaded certificates, by thumbprint)? `Deployment` `.`
 * `Certificates` in a row, whatever comes before (not `findMemberChains`, which would also take `?.`).
 */
export function readsDeploymentCertificates(tokens: readonly CsToken[]): boolean {
  return tokens.some((t, i) => t.text === 'Deployment' && tokens[i + 1]?.text === '.' && tokens[i + 2]?.text === 'Certificates');
}

/** Position of `part` as a contiguous run inside `whole`, or -1. */
export function indexOfSequence(whole: readonly string[], part: readonly string[]): number {
  for (let i = 0; i + part.length <= whole.length; i++) {
    if (part.every((p, k) => whole[i + k] === p)) return i;
  }
  return -1;
}

/** A name in a member chain here: an identifier, `this` or `base` (unlike `isName` of rules/util/cs-tokens, no other keyword). */
function isIdentifierThisOrBase(t: CsToken): boolean {
  return t.kind === 'identifier' || t.text === 'this' || t.text === 'base';
}

/** A string key of a dictionary of the policy context: `path["key"]` (indexer) or `path.Method("key"…)` (lookup). */
export interface DictionaryKey {
  /** The string literal (its `value` is the key). */
  token: CsToken;
  access: 'indexer' | 'lookup';
  /** The lookup method (`ContainsKey`…), for a lookup. */
  method?: string;
  /** The member chain that names the dictionary (and the method). */
  chain: MemberChain;
  /** The `]` after an indexer's key. */
  close?: CsToken;
}

/**
 * The string literals by which an expression reads the dictionary at `path` (`context.Request.Headers`): indexers, and
 * calls of the given lookup methods with the key first. Interpolated strings (`$"…"`) are included; their `value` is as
 * written. Shared by the certificate ids (`context.Deployment.Certificates`) and the header rules.
 */
export function dictionaryKeys(tokens: readonly CsToken[], path: string, methods: ReadonlySet<string>): DictionaryKey[] {
  const out: DictionaryKey[] = [];
  const wanted = path.split('.');
  for (const chain of findMemberChains(tokens, path)) {
    const at = indexOfSequence(chain.names, wanted) + wanted.length - 1;
    const method = chain.names[at + 1];
    if (chain.names.length > at + 2 || (method !== undefined && !methods.has(method))) continue;
    // The token after the chain's last name (names and separators alternate).
    const after = chain.index + chain.names.length * 2 - 1;
    const [open, key, close] = [tokens[after], tokens[after + 1], tokens[after + 2]];
    if (open?.text !== (method ? '(' : '[') || key?.kind !== 'string' || key.value === undefined) continue;
    if (method) out.push({ token: key, access: 'lookup', method, chain });
    else if (close?.text === ']') out.push({ token: key, access: 'indexer', chain, close });
  }
  return out;
}

/** A string key of `context.Deployment.Certificates`: `["id"]` (indexer), `.ContainsKey("id")` or `.TryGetValue("id", …)` (lookup). */
export interface CertificateKey {
  /** The string literal (its `value` is the id). */
  token: CsToken;
  access: 'indexer' | 'lookup';
}

const CERTIFICATE_LOOKUPS: ReadonlySet<string> = new Set(['ContainsKey', 'TryGetValue']);

/**
 * The certificate ids an expression names as string literals (interpolated strings name none). A rule, hovers, go to
 * definition and references share it.
 */
export function certificateKeys(tokens: readonly CsToken[]): CertificateKey[] {
  return dictionaryKeys(tokens, 'context.Deployment.Certificates', CERTIFICATE_LOOKUPS)
    .filter(({ token }) => !token.text.startsWith('$') && !token.text.startsWith('@$')) // interpolated: no fixed id
    .map(({ token, access }) => ({ token, access }));
}
