import type { Finding } from '../core/finding';
import type { LineIndex } from '../core/text';
import type { FileKind } from './files';

/**
 * Suppression comments. Policy XML: `<!-- apim-mtls-disable-next-line id … -->`, and regions from
 * `<!-- apim-mtls-disable id … -->` to `<!-- apim-mtls-enable id … -->` (or the end of the file), as ESLint's
 * `eslint-disable` / `eslint-enable`; without ids they mean every rule. Bicep: its own `#disable-next-line id …` and
 * `#disable-diagnostics id …` / `#restore-diagnostics id …` (its file and region pragmas), which always name their ids.
 */
const POLICY_DIRECTIVE = /<!--\s*apim-mtls-(disable-next-line|disable|enable)(?=\s|-->)([^>]*?)-->/g;
const BICEP_DIRECTIVE = /^[ \t]*#(disable-next-line|disable-diagnostics|restore-diagnostics)(?=[ \t]|$)(.*)$/gm;

interface Directive {
  kind: 'next-line' | 'disable' | 'enable';
  /** Where the comment ends: a region directive applies to what follows it. */
  end: number;
  /** The line its `next-line` applies to (0-based). */
  nextLine: number;
  /** The rule ids it names; empty: every rule (policy XML only). */
  ids: string[];
}

/** The file's suppression directives, in text order. */
function directivesIn(text: string, kind: FileKind, index: LineIndex): Directive[] {
  const re = kind === 'bicep' ? BICEP_DIRECTIVE : kind === 'policy' ? POLICY_DIRECTIVE : undefined;
  if (!re || !text.includes(kind === 'bicep' ? '#' : 'apim-mtls-')) return [];
  const out: Directive[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const word = m[1]!;
    const end = m.index + m[0].length;
    out.push({
      kind: word === 'disable-next-line' ? 'next-line' : word === 'disable' || word === 'disable-diagnostics' ? 'disable' : 'enable',
      end,
      nextLine: index.positionAt(end).line + 1,
      ids: (m[2] ?? '').split(/[\s,]+/).filter(Boolean),
    });
  }
  return out;
}

/** The findings no directive suppresses. */
export function applySuppressions(findings: Finding[], text: string, kind: FileKind, index: LineIndex): Finding[] {
  const directives = directivesIn(text, kind, index);
  if (directives.length === 0) return findings;
  // Bicep directives name their ids; only a policy comment without ids means every rule.
  const names = (d: Directive, ruleId: string): boolean => (d.ids.length === 0 ? kind === 'policy' : d.ids.includes(ruleId));
  return findings.filter((f) => {
    const line = index.positionAt(f.span.start).line;
    let off = false;
    for (const d of directives) {
      if (d.kind === 'next-line') {
        if (d.nextLine === line && names(d, f.ruleId)) return false;
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
