import type { Finding, Fix, RelatedInfo, TextEdit } from '../core/finding';
import type { Span } from '../core/text';
import { LineIndex } from '../core/text';
import { inlineSpan } from '../model/policy-resources';
import type { InlinePolicy } from '../model/types';
import { applySuppressions } from './suppress';

/**
 * Policies written in a Bicep string (`value: '''<policies>…'''`) are linted by the policy rules like a policy file.
 * The rules see the policy text under a name of its own; this module moves what they report into the Bicep file.
 */

/** The name the rules see for the policy written at `offset` of a Bicep file (its folder is the Bicep file's). */
export function inlinePolicyName(bicepFile: string, offset: number): string {
  return `${bicepFile}#policy@${offset}`;
}

/**
 * Findings made on an inline policy, in its own offsets, placed in the Bicep file: the policy's own
 * `<!-- apim-mtls-disable-next-line -->` comments apply first; then spans, fix edits and related places that point
 * into the policy are mapped through `inline.offsets`. Replacement text is escaped for a `'…'` string; a fix that a
 * `'''…'''` string can't hold (a `'''` in it) is dropped.
 */
export function embedFindings(findings: Finding[], inline: InlinePolicy, policyName: string, bicepFile: string): Finding[] {
  if (findings.length === 0) return findings;
  const kept = applySuppressions(findings, inline.text, 'policy', new LineIndex(inline.text));
  const span = (s: Span): Span => inlineSpan(inline, s);
  const place = <T extends { file: string; span: Span }>(x: T): T => (x.file === policyName ? { ...x, file: bicepFile, span: span(x.span) } : x);
  const edit = (e: TextEdit): TextEdit | undefined => {
    if (e.file !== policyName) return e;
    if (inline.multiline && e.newText.includes("'''")) return undefined;
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
