import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, lintCase, testRule } from '../../rule-tester';
import { thumbprintCase } from '../../../server/src/rules/thumbprint-case';
import { ANY_TIER_WS, OPERATION_POLICY, SEED_CONTEXT_POLICY, inbound, reject } from './expression-policy.fixtures';

const TP = '2DB300DFDA51470556A3E1AA3A332D81CCB0482E';
const tp = TP.toLowerCase();


testRule(thumbprintCase, {
  valid: [
    { name: 'the blog policy compares two Thumbprint values', code: SEED_CONTEXT_POLICY, files: ANY_TIER_WS, filename: OPERATION_POLICY },
    { name: 'upper-case literal', code: reject(`@(context.Request.Certificate?.Thumbprint != "${TP}")`) },
    {
      // Its safe fix renamed the variable "cafe" to "CAFE": GetValueOrDefault then returned null, and Split threw.
      name: "a variable's name in a chain that holds an initializer is no thumbprint",
      code: reject('@(!context.Variables.GetValueOrDefault<string>("cafe").Split(new char[] {\';\'}).Contains(context.Request.Certificate.Thumbprint))'),
    },
    { name: 'OrdinalIgnoreCase (static and instance)', code: reject(`@(!string.Equals(context.Request.Certificate?.Thumbprint, "${tp}", StringComparison.OrdinalIgnoreCase) || !context.Request.Certificate.Thumbprint.Equals("${tp}", StringComparison.InvariantCultureIgnoreCase))`) },
    { name: 'ToLower() on the thumbprint side', code: reject(`@(context.Request.Certificate?.Thumbprint.ToLower() != "${tp}")`) },
    { name: 'ToUpper() on the literal side', code: reject(`@(context.Request.Certificate?.Thumbprint != "${tp}".ToUpper())`) },
    { name: 'a case-insensitive allow-list', code: inbound(`<set-variable name="ok" value="@(new[] { "${tp}" }.Contains(context.Request.Certificate?.Thumbprint, StringComparer.OrdinalIgnoreCase))" />`) },
    { name: 'not a hex literal (thumbprint-format reports it)', code: reject(`@(context.Request.Certificate?.Thumbprint != "\u200e${tp}")`) },
    { name: 'a named value', code: reject('@(context.Request.Certificate?.Thumbprint != "{{client-thumbprint}}")') },
    { name: 'an allow-list searched with Any and an ignore-case Equals', code: reject(`@(!new string[] { "${tp}" }.Any(c => c.Equals(context.Request.Certificate.Thumbprint, StringComparison.OrdinalIgnoreCase)))`) },
    { name: 'an allow-list searched with Any, the entry upper-cased', code: reject(`@(!new[] { "${tp}" }.Any(c => c.ToUpper() == context.Request.Certificate.Thumbprint))`) },
    { name: 'Any over a list compared with something else than the thumbprint', code: reject(`@(!new[] { "${tp}" }.Any(c => c == context.Request.Headers.GetValueOrDefault("X-Id", "")))`) },
    { name: 'GetCertHashString() with an upper-case literal', code: reject(`@(context.Request.Certificate?.GetCertHashString() != "${TP}")`) },
    {
      name: 'GetCertHashString(HashAlgorithmName.SHA256) is another hash (64 digits), not the thumbprint',
      code: reject(`@(context.Request.Certificate?.GetCertHashString(HashAlgorithmName.SHA256) != "${tp}${tp.slice(0, 24)}")`),
    },
    {
      name: 'string.Compare with ignoreCase true, or an IgnoreCase comparison',
      code: reject(`@(context.Request.Certificate == null || string.Compare(context.Request.Certificate.Thumbprint, "${tp}", true) != 0 || String.Compare("${tp}", context.Request.Certificate.Thumbprint, StringComparison.OrdinalIgnoreCase) != 0)`),
    },
    { name: 'string.CompareOrdinal with an upper-case literal', code: reject(`@(context.Request.Certificate == null || string.CompareOrdinal(context.Request.Certificate.Thumbprint, "${TP}") != 0)`) },
  ],
  invalid: [
    {
      // Not reported: only ==, !=, Equals, Contains and Any were read as comparisons.
      name: 'string.CompareOrdinal and string.Compare (case-sensitive) with a lower-case literal never return 0',
      code: reject(`@(context.Request.Certificate == null || string.CompareOrdinal(context.Request.Certificate.Thumbprint, "${tp}") != 0 || string.Compare("${tp}", context.Request.Certificate.Thumbprint, false) != 0)`),
      findings: [
        { line: 5, level: 'error', text: `"${tp}"`, message: 'Thumbprint is upper-case hex, but this ordinal comparison (string.CompareOrdinal) uses a literal with lower-case letters: it never returns 0.' },
        { line: 5, level: 'error', text: `"${tp}"`, message: 'this case-sensitive comparison (string.Compare)' },
      ],
      output: reject(`@(context.Request.Certificate == null || string.CompareOrdinal(context.Request.Certificate.Thumbprint, "${TP}") != 0 || string.Compare("${tp}", context.Request.Certificate.Thumbprint, false) != 0)`),
    },
    {
      name: 'GetCertHashString() is the thumbprint (upper-case hex) too: a lower-case literal never matches',
      code: reject(`@(context.Request.Certificate == null || context.Request.Certificate.GetCertHashString() != "${tp}")`),
      findings: [{ line: 5, level: 'error', text: `"${tp}"`, message: 'upper-case hex' }],
      output: reject(`@(context.Request.Certificate == null || context.Request.Certificate.GetCertHashString() != "${TP}")`),
    },
    {
      name: 'rawxml != with a lower-case literal: upper-case it',
      code: reject(`@(context.Request.Certificate == null || context.Request.Certificate.Thumbprint != "${tp}")`),
      files: ANY_TIER_WS,
      filename: OPERATION_POLICY,
      findings: [{ line: 5, level: 'error', text: `"${tp}"`, message: 'upper-case hex' }],
      output: reject(`@(context.Request.Certificate == null || context.Request.Certificate.Thumbprint != "${TP}")`),
    },
    {
      name: 'escaped xml ==, literal on the left: the &quot; delimiters stay',
      code: inbound(`<set-variable name="known" value="@(&quot;${tp}&quot; == context.Request.Certificate?.Thumbprint)" />`),
      findings: [{ line: 4, text: `&quot;${tp}&quot;`, message: 'never matches' }],
      output: inbound(`<set-variable name="known" value="@(&quot;${TP}&quot; == context.Request.Certificate?.Thumbprint)" />`),
    },
    {
      name: 'Equals with an ordinal comparison, in a block',
      code: inbound(`<set-variable name="known" value="@{
    var cert = context.Request.Certificate;
    return cert != null && cert.Thumbprint.Equals("${tp}", StringComparison.Ordinal);
}" />`),
      findings: [{ line: 6, text: `"${tp}"` }],
    },
    {
      // The message named ToLower() for ToLowerInvariant(): it names no method now.
      name: 'ToLowerInvariant() on the thumbprint and an upper-case literal: lower-case it',
      code: reject(`@(context.Request.Certificate?.Thumbprint.ToLowerInvariant() != "${TP}")`),
      findings: [{ line: 5, message: /^The thumbprint is lower-cased before the comparison, but this ordinal comparison \(!=\) uses a literal with upper-case letters/ }],
      output: reject(`@(context.Request.Certificate?.Thumbprint.ToLowerInvariant() != "${tp}")`),
    },
    {
      name: 'a case-sensitive allow-list: each lower-case entry',
      code: inbound(`<set-variable name="ok" value="@(new[] { "${tp}", "${TP}", "aa${TP.slice(2)}" }.Contains(context.Request.Certificate?.Thumbprint))" />`),
      findings: [{ line: 4, text: `"${tp}"` }, { line: 4, text: `"aa${TP.slice(2)}"` }],
    },
    {
      // The HMCTS templates' form: new string[] { … }.Any(c => c == context.Request.Certificate.Thumbprint).
      name: 'an allow-list searched with Any(c => c == ….Thumbprint): each lower-case entry, either side of ==',
      code: reject(`@(context.Request.Certificate == null || !(new string[] { "${tp}", "${TP}" }.Any(c => c == context.Request.Certificate.Thumbprint) || new[] { "${tp}" }.Any(t => context.Request.Certificate.Thumbprint == t)))`),
      findings: [
        { line: 5, text: `"${tp}"`, message: 'this ordinal comparison (Any(… == …)) uses a literal with lower-case letters' },
        { line: 5, text: `"${tp}"` },
      ],
    },
  ],
});

/** The second fix: rewrite to `string.Equals(…, StringComparison.OrdinalIgnoreCase)`. */
function rewritten(code: string): string {
  const { findings, file } = lintCase(thumbprintCase, { name: 'rewrite', code });
  assert.equal(findings.length, 1);
  const fix = findings[0]!.fixes[1];
  assert.ok(fix, 'a second fix');
  assert.equal(fix.title, 'Compare with StringComparison.OrdinalIgnoreCase');
  return applyFix(code, fix, file);
}

test('thumbprint-case: != becomes !string.Equals(…, OrdinalIgnoreCase)', () => {
  assert.equal(
    rewritten(reject(`@(context.Request.Certificate?.Thumbprint != "${tp}")`)),
    reject(`@(!string.Equals(context.Request.Certificate?.Thumbprint, "${tp}", StringComparison.OrdinalIgnoreCase))`),
  );
});

test('thumbprint-case: instance Equals and static Equals with Ordinal are rewritten', () => {
  assert.equal(
    rewritten(reject(`@(!context.Request.Certificate.Thumbprint.Equals("${tp}"))`)),
    reject(`@(!string.Equals(context.Request.Certificate.Thumbprint, "${tp}", StringComparison.OrdinalIgnoreCase))`),
  );
  assert.equal(
    rewritten(reject(`@(!String.Equals("${tp}", context.Request.Certificate?.Thumbprint, StringComparison.Ordinal))`)),
    reject(`@(!string.Equals(context.Request.Certificate?.Thumbprint, "${tp}", StringComparison.OrdinalIgnoreCase))`),
  );
});
