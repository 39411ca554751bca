import type { Finding } from '../core/finding';
import type { LineIndex, Span } from '../core/text';
import { lex } from '../parsers/bicep/lexer';
import type { FileKind } from './files';

/**
 * Suppression comments. Policy XML: `<!-- apim-mtls-disable-next-line id … -->`, and regions from
 * `<!-- apim-mtls-disable id … -->` to `<!-- apim-mtls-enable id … -->` (or the end of the file), as ESLint's
 * `eslint-disable` / `eslint-enable`; without ids they mean every rule. Bicep: its own `#disable-next-line id …` and
 * `#disable-diagnostics id …` / `#restore-diagnostics id …` (its file and region pragmas), which always name their ids.
 */
const POLICY_DIRECTIVE = /<!--\s*apim-mtls-(disable-next-line|disable|enable)(?=\s|-->)([^>]*?)-->/dg;
const BICEP_DIRECTIVE = /^[ \t]*#(disable-next-line|disable-diagnostics|restore-diagnostics)(?=[ \t]|$)(.*)$/dgm;

interface Directive {
  kind: 'next-line' | 'disable' | 'enable';
  /** The directive's word as written (`disable-next-line`, `restore-diagnostics`…). */
  word: string;
  /** Where the comment starts (`<!--`; in Bicep, the start of its line) and ends: a region applies to what follows it. */
  start: number;
  end: number;
  /** The rule ids it names, where they are written; empty: every rule (policy XML only). */
  ids: { id: string; span: Span }[];
}

/** A rule id named by a suppression comment, where it is written, and what the comment does with it. */
export interface SuppressionId {
  id: string;
  span: Span;
  /** `disable-next-line`, `disable`, `enable` (policy XML); `disable-next-line`, `disable-diagnostics`, `restore-diagnostics` (Bicep). */
  directive: string;
  /** Does the directive turn rules off (rather than back on)? */
  disables: boolean;
}

/** The file's suppression directives, in text order. */
function directivesIn(text: string, kind: FileKind): Directive[] {
  const re = kind === 'bicep' ? BICEP_DIRECTIVE : kind === 'policy' ? POLICY_DIRECTIVE : undefined;
  if (!re || !text.includes(kind === 'bicep' ? '#' : 'apim-mtls-')) return [];
  const out: Directive[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const word = m[1]!;
    const idsAt = m.indices![2]![0];
    const ids: Directive['ids'] = [];
    for (const id of (m[2] ?? '').matchAll(/[^\s,]+/g)) ids.push({ id: id[0], span: { start: idsAt + id.index!, end: idsAt + id.index! + id[0].length } });
    out.push({
      kind: word === 'disable-next-line' ? 'next-line' : word === 'disable' || word === 'disable-diagnostics' ? 'disable' : 'enable',
      word,
      start: m.index,
      end: m.index + m[0].length,
      ids,
    });
  }
  return kind === 'bicep' ? outsideMultilineStrings(text, out) : out;
}

/**
 * A `#disable-next-line` written inside a `'''…'''` string is text of that string (a policy written there is deployed
 * with it), not a pragma: Bicep ignores it, and so does the linter (the policy comment is the way there).
 */
function outsideMultilineStrings(text: string, directives: Directive[]): Directive[] {
  if (directives.length === 0 || !text.includes("'''")) return directives;
  // Both in text order, the strings apart from each other: one walk through the two, not every string per directive.
  const strings = lex(text).tokens.filter((t) => t.multiline);
  let k = 0;
  return directives.filter((d) => {
    while (k < strings.length && strings[k]!.end <= d.start) k++;
    const s = strings[k];
    return !(s && s.start < d.start);
  });
}

/** Every rule id the suppression comments of a policy or Bicep file name, in text order. */
export function suppressionIds(text: string, kind: FileKind): SuppressionId[] {
  return directivesIn(text, kind).flatMap((d) => d.ids.map(({ id, span }) => ({ id, span, directive: d.word, disables: d.kind !== 'enable' })));
}

/**
 * The directives that suppressed something, as `directive:id` keys (`directive` its index in text order, `id` the index
 * of the id it suppressed with, or -1 for a policy directive without ids). Filled by `applySuppressions`.
 */
export type SuppressionUse = Set<string>;

/**
 * The findings no directive suppresses; each directive that suppresses one is noted in `used`, when given. With
 * `only`, just the directives that name that id count (a comment without ids doesn't).
 */
export function applySuppressions(findings: Finding[], text: string, kind: FileKind, index: LineIndex, used?: SuppressionUse, only?: string): Finding[] {
  const all = directivesIn(text, kind);
  const directives = only === undefined ? all : all.filter((d) => d.ids.some((x) => x.id === only));
  if (directives.length === 0) return findings;
  // Which of the directive's ids names the rule: -1 for a policy comment without ids (every rule; Bicep directives
  // always name theirs), undefined when it doesn't name it. Looked up per directive, not searched per finding: each
  // finding going through every directive was quadratic (10,000 findings in 10,000 regions: 6 s).
  const every = (d: Directive): boolean => d.ids.length === 0 && kind === 'policy';
  const idIndexes = (d: Directive): Map<string, number> => {
    const at = new Map<string, number>();
    // The first place an id is named wins.
    for (let k = d.ids.length - 1; k >= 0; k--) at.set(d.ids[k]!.id, k);
    return at;
  };
  // `next-line` directives by the line they apply to (0-based): per rule id, the first (in text order) naming it.
  const nextLines = new Map<number, { byId: Map<string, string>; every?: string; everyAt: number; firstAt: Map<string, number> }>();
  // Region directives in text order, each with its ids.
  const regions: { d: Directive; i: number; at: Map<string, number> }[] = [];
  for (const [i, d] of directives.entries()) {
    if (d.kind !== 'next-line') {
      regions.push({ d, i, at: idIndexes(d) });
      continue;
    }
    const line = index.positionAt(d.end).line + 1;
    let entry = nextLines.get(line);
    if (!entry) nextLines.set(line, (entry = { byId: new Map(), everyAt: Infinity, firstAt: new Map() }));
    if (every(d)) {
      if (entry.every === undefined) [entry.every, entry.everyAt] = [`${i}:-1`, i];
      continue;
    }
    for (const [id, at] of idIndexes(d)) {
      if (entry.byId.has(id)) continue;
      entry.byId.set(id, `${i}:${at}`);
      entry.firstAt.set(id, i);
    }
  }
  // The findings by start: the region directives before each are replayed once, in order, per rule.
  const order = findings.map((_, k) => k).sort((a, b) => findings[a]!.span.start - findings[b]!.span.start);
  const suppressed = new Array<boolean>(findings.length).fill(false);
  // Per rule id, the key of the region directive that last turned it off (undefined: turned back on) and when (the
  // directive's place in `regions`); a directive without ids sets every rule at once.
  const byRule = new Map<string, { off: string | undefined; when: number }>();
  let everyRule: { off: string | undefined; when: number } = { off: undefined, when: -1 };
  let next = 0;
  for (const k of order) {
    const f = findings[k]!;
    const line = index.positionAt(f.span.start).line;
    const entry = nextLines.get(line);
    if (entry) {
      const byId = entry.byId.get(f.ruleId);
      const key = (entry.firstAt.get(f.ruleId) ?? Infinity) < entry.everyAt ? byId : (entry.every ?? byId);
      if (key !== undefined) {
        used?.add(key);
        suppressed[k] = true;
        continue;
      }
    }
    // Directives end in text order: those ending before the finding's start come first.
    for (; next < regions.length && regions[next]!.d.end <= f.span.start; next++) {
      const { d, i, at } = regions[next]!;
      if (every(d)) {
        everyRule = { off: d.kind === 'disable' ? `${i}:-1` : undefined, when: next };
        continue;
      }
      for (const [id, a] of at) byRule.set(id, { off: d.kind === 'disable' ? `${i}:${a}` : undefined, when: next });
    }
    const own = byRule.get(f.ruleId);
    const offBy = own && own.when > everyRule.when ? own.off : everyRule.off;
    if (offBy === undefined) continue;
    used?.add(offBy);
    suppressed[k] = true;
  }
  return findings.filter((_, k) => !suppressed[k]);
}

/** A suppression that suppressed nothing, as `unusedSuppressions` reports it (spans and edits in the file's text). */
export interface UnusedSuppression {
  span: Span;
  message: string;
  fix: { title: string; span: Span; newText: string };
}

/**
 * The ids of disabling directives that suppressed nothing (given `used`, as `applySuppressions` filled it), like
 * ESLint's unused disable directives. Only apim-mtls rule ids count: `state(id)` tells whether an id is one of ours and
 * whether it runs on this file (`on`), is turned off or doesn't check this kind of file (`off`), or is not ours
 * (`undefined`: a Bicep code, a reason written after the ids, a typo, which `unknown-rule-id` reports). Directives that
 * name `skip` (the unused-suppression rule itself) are never reported.
 */
export function unusedSuppressions(
  text: string,
  kind: FileKind,
  used: SuppressionUse,
  state: (id: string) => 'on' | 'off' | undefined,
  skip: string,
): UnusedSuppression[] {
  const out: UnusedSuppression[] = [];
  for (const [i, d] of directivesIn(text, kind).entries()) {
    if (d.kind === 'enable' || d.ids.some((x) => x.id === skip)) continue;
    const where = d.kind === 'next-line' ? 'on the next line' : kind === 'bicep' ? 'after it' : 'in the region it disables';
    const whole = { title: 'Remove the unused suppression comment', span: wholeComment(text, d), newText: '' };
    if (d.ids.length === 0) {
      if (kind === 'policy' && !used.has(`${i}:-1`)) {
        const span = { start: d.start, end: d.end };
        out.push({ span, message: `Unused suppression: no problem is reported ${where}.`, fix: whole });
      }
      continue;
    }
    const ours = d.ids.map((x, at) => ({ ...x, at, state: state(x.id) })).filter((x) => x.state !== undefined);
    const unused = ours.filter((x) => !used.has(`${i}:${x.at}`));
    // The whole comment goes when none of its rule ids is used and (in Bicep) it names nothing else: Bicep's own codes
    // stay. In a policy, words other than rule ids are a reason for the ids, and go with them.
    const removeAll = unused.length === ours.length && (kind === 'policy' || ours.length === d.ids.length);
    for (const x of unused) {
      const off = x.state === 'off' ? ` ('${x.id}' is off for this file.)` : '';
      const before = d.ids[x.at - 1];
      const after = d.ids[x.at + 1];
      const idSpan = before ? { start: before.span.end, end: x.span.end } : after ? { start: x.span.start, end: after.span.start } : x.span;
      out.push({
        span: x.span,
        message: `Unused suppression: no '${x.id}' problem is reported ${where}.${off}`,
        fix: removeAll ? whole : { title: `Remove '${x.id}' from the suppression comment`, span: idSpan, newText: '' },
      });
    }
  }
  return out;
}

/**
 * The span that removes directive `d`: its whole line when nothing else is on it, else the comment alone. Only the
 * spaces and tabs around it are looked at (a line holding 10,000 comments is not read once per comment).
 */
function wholeComment(text: string, d: Directive): Span {
  const comment = { start: d.start, end: d.end };
  let start = d.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  if (start > 0 && text[start - 1] !== '\n') return comment;
  let end = d.end;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  if (text[end] === '\n') end++;
  else if (text[end] === '\r' && text[end + 1] === '\n') end += 2;
  else if (end < text.length) return comment;
  return { start, end };
}

/** The line to insert above `line` to suppress `ruleId` there, indented like it. */
export function suppressionComment(kind: FileKind, ruleId: string, indent: string, eol: string): string {
  return kind === 'bicep'
    ? `${indent}#disable-next-line ${ruleId}${eol}`
    : `${indent}<!-- apim-mtls-disable-next-line ${ruleId} -->${eol}`;
}

/**
 * Where and what to insert to suppress `ruleId` in the whole file: a `#disable-diagnostics` line at the top of a Bicep
 * file; in a policy, an `apim-mtls-disable` comment after the byte order mark and the XML declaration (nothing may
 * come before those). A directive of that kind already first in the file gets the id added instead.
 */
export function fileSuppression(kind: FileKind, ruleId: string, text: string, eol: string): { at: number; newText: string } {
  if (kind === 'bicep') {
    const first = /^#disable-diagnostics(?=[ \t]|$)[^\r\n]*/.exec(text);
    if (first) return { at: first[0].length, newText: ` ${ruleId}` };
    return { at: 0, newText: `#disable-diagnostics ${ruleId}${eol}` };
  }
  const prolog = /^\uFEFF?(?:<\?xml[^>]*\?>[ \t]*(?:\r?\n)?)?/.exec(text)![0].length;
  const existing = /^<!--\s*apim-mtls-disable[ \t]+([^>]*?)\s*-->/.exec(text.slice(prolog));
  if (existing) {
    const idsEnd = prolog + existing[0].indexOf(existing[1]!) + existing[1]!.length;
    return { at: idsEnd, newText: ` ${ruleId}` };
  }
  // After a declaration on the same line as the root, the comment goes on a line of its own.
  const afterDeclaration = prolog > 0 && text[prolog - 1] !== '\n' && /\?>\s*$/.test(text.slice(0, prolog)) ? eol : '';
  return { at: prolog, newText: `${afterDeclaration}<!-- apim-mtls-disable ${ruleId} -->${eol}` };
}
