import type { Finding } from '../core/finding';
import type { LineIndex, Span } from '../core/text';
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
  /** Where the comment ends: a region directive applies to what follows it. */
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
      end: m.index + m[0].length,
      ids,
    });
  }
  return out;
}

/** Every rule id the suppression comments of a policy or Bicep file name, in text order. */
export function suppressionIds(text: string, kind: FileKind): SuppressionId[] {
  return directivesIn(text, kind).flatMap((d) => d.ids.map(({ id, span }) => ({ id, span, directive: d.word, disables: d.kind !== 'enable' })));
}

/** The findings no directive suppresses. */
export function applySuppressions(findings: Finding[], text: string, kind: FileKind, index: LineIndex): Finding[] {
  const directives = directivesIn(text, kind);
  if (directives.length === 0) return findings;
  // The line a `next-line` directive applies to (0-based).
  const nextLines = directives.map((d) => (d.kind === 'next-line' ? index.positionAt(d.end).line + 1 : -1));
  // Bicep directives name their ids; only a policy comment without ids means every rule.
  const names = (d: Directive, ruleId: string): boolean => (d.ids.length === 0 ? kind === 'policy' : d.ids.some((x) => x.id === ruleId));
  return findings.filter((f) => {
    const line = index.positionAt(f.span.start).line;
    let off = false;
    for (const [i, d] of directives.entries()) {
      if (d.kind === 'next-line') {
        if (nextLines[i] === line && names(d, f.ruleId)) return false;
      } else if (d.end <= f.span.start && names(d, f.ruleId)) {
        // Replayed in order, per rule: `enable x` after `disable` (every rule) turns only x back on.
        off = d.kind === 'disable';
      }
    }
    return !off;
  });
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
