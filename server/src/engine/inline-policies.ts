import type { Finding, Fix, RelatedInfo, TextEdit } from '../core/finding';
import type { Span } from '../core/text';
import { LineIndex } from '../core/text';
import { inlineSpan } from '../model/policy-resources';
import type { InlinePolicy } from '../model/types';
import type { PolicyDocument } from '../parsers/policy/types';
import { applySuppressions, type SuppressionUse } from './suppress';

/**
 * Policies written in a Bicep string (`value: '''<policies>…'''`) are linted by the policy rules like a policy file.
 * The rules see the policy text under a name of its own; this module moves what they report into the Bicep file.
 */

/** The name the rules see for the policy written at `offset` of a Bicep file (its folder is the Bicep file's). */
export function inlinePolicyName(bicepFile: string, offset: number): string {
  return `${bicepFile}#policy@${offset}`;
}

/**
 * The regions whose values hold the holes of an interpolated policy: attributes (from name to closing quote), or
 * elements that hold only text; undefined when a hole is anywhere else (among elements, in a tag name), where it may be
 * markup: then the policy's structure is unknown and it is not linted.
 */
export function holeAttributes(doc: PolicyDocument, holes: readonly Span[]): Span[] | undefined {
  const regions: Span[] = [];
  for (const hole of holes) {
    let found: Span | undefined;
    for (const el of doc.elements) {
      const attr = el.attributes.find((a) => a.quote !== '' && a.valueSpan.start <= hole.start && hole.end <= a.valueSpan.end);
      if (attr) {
        found = { start: attr.nameSpan.start, end: attr.valueSpan.end + 1 };
        break;
      }
      // The text of an element that holds only text (`<audience>api://${appId}</audience>`, `<value>${x}</value>`, an
      // expression there: `<value>@("${backends}".Split(','))</value>`): a value too; findings on that element are dropped.
      if (el.children.length === 0 && el.texts.some((t) => t.span.start <= hole.start && hole.end <= t.span.end)) {
        found = el.span;
        break;
      }
    }
    if (!found) return undefined;
    regions.push(found);
  }
  return regions;
}

const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

/**
 * Findings made on an inline policy, in its own offsets, placed in the Bicep file: the policy's own
 * `<!-- apim-mtls-disable-next-line -->` comments apply first; then spans, fix edits and related places that point
 * into the policy are mapped through `inline.offsets`. Replacement text is escaped for a `'…'` string; a fix that a
 * `'''…'''` string can't hold (a `'''` in it) is dropped. In an interpolated string, findings on an attribute that holds
 * a hole (`holeRegions`, see `holeAttributes`) are dropped, as are fixes that would rewrite a hole.
 */
export function embedFindings(
  findings: Finding[],
  inline: InlinePolicy,
  policyName: string,
  bicepFile: string,
  holeRegions: readonly Span[] = [],
  unused?: (used: SuppressionUse, index: LineIndex) => Finding[],
): Finding[] {
  const holes = inline.holes ?? [];
  // The findings' spans are offsets of the policy text (what the rules saw).
  const known = holeRegions.length ? findings.filter((f) => !holeRegions.some((r) => overlaps(f.span, r))) : findings;
  // Without a suppression comment in the policy there is nothing to apply or judge (and no line index to build).
  let kept = known;
  if (inline.text.includes('apim-mtls-')) {
    const index = new LineIndex(inline.text);
    const used: SuppressionUse = new Set();
    kept = applySuppressions(known, inline.text, 'policy', index, used);
    // Findings about the policy's own suppression comments, made once the others are known.
    if (unused) kept = [...kept, ...unused(used, index)];
  }
  if (kept.length === 0) return kept;
  const span = (s: Span): Span => inlineSpan(inline, s);
  const place = <T extends { file: string; span: Span }>(x: T): T => (x.file === policyName ? { ...x, file: bicepFile, span: span(x.span) } : x);
  const edit = (e: TextEdit): TextEdit | undefined => {
    if (e.file !== policyName) return e;
    if (inline.multiline && e.newText.includes("'''")) return undefined;
    if (holes.some((h) => overlaps(e.span, h) || (e.span.start === e.span.end && e.span.start > h.start && e.span.start < h.end))) return undefined;
    return { file: bicepFile, span: span(e.span), newText: inline.multiline ? e.newText : escapeForString(e.newText) };
  };
  return kept.map((f) => {
    const fixes: Fix[] = [];
    for (const fix of f.fixes) {
      const edits = fix.edits.map(edit);
      if (edits.every((e): e is TextEdit => e !== undefined)) fixes.push({ ...fix, edits });
    }
    const related: RelatedInfo[] = f.related.map(place);
    const out: Finding = { ...f, file: bicepFile, span: span(f.span), fixes, related };
    // On a line of a multi-line string only a policy comment can suppress it (a Bicep directive would be string text).
    if (inline.multiline) out.suppressWith = 'policy';
    return out;
  });
}

/** Text as it is written inside a Bicep `'…'` string. */
function escapeForString(text: string): string {
  return text.replace(/[\\'\n\r\t]|\$\{/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\${c}`));
}
