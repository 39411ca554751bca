import type { Finding } from '../core/finding';
import { LineIndex } from '../core/text';
import type { FileKind } from './files';

/** `<!-- apim-mtls-disable-next-line id … -->` in policy XML; Bicep's own `#disable-next-line id …`. */
const POLICY_DIRECTIVE = /<!--\s*apim-mtls-disable-next-line\b([^>]*?)-->/g;
const BICEP_DIRECTIVE = /^[ \t]*#disable-next-line\b(.*)$/gm;

/** Lines (0-based) whose findings are suppressed, with the rule ids (empty set: every rule). */
export function suppressedLines(text: string, kind: FileKind, index: LineIndex): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  const re = kind === 'bicep' ? BICEP_DIRECTIVE : kind === 'policy' ? POLICY_DIRECTIVE : undefined;
  if (!re || !text.includes(kind === 'bicep' ? '#disable-next-line' : 'apim-mtls-disable-next-line')) return out;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const line = index.positionAt(m.index + m[0].length).line + 1;
    const ids = (m[1] ?? '').split(/[\s,]+/).filter(Boolean);
    const set = out.get(line) ?? new Set<string>();
    if (ids.length === 0) set.add('*');
    for (const id of ids) set.add(id);
    out.set(line, set);
  }
  return out;
}

export function applySuppressions(findings: Finding[], text: string, kind: FileKind, index: LineIndex): Finding[] {
  const lines = suppressedLines(text, kind, index);
  if (lines.size === 0) return findings;
  return findings.filter((f) => {
    const set = lines.get(index.positionAt(f.span.start).line);
    return !(set && (set.has(f.ruleId) || (kind === 'policy' && set.has('*'))));
  });
}

/** The line to insert above `line` to suppress `ruleId` there, indented like it. */
export function suppressionComment(kind: FileKind, ruleId: string, indent: string, eol: string): string {
  return kind === 'bicep'
    ? `${indent}#disable-next-line ${ruleId}${eol}`
    : `${indent}<!-- apim-mtls-disable-next-line ${ruleId} -->${eol}`;
}
