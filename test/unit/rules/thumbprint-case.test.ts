import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, lintCase, testRule } from '../../rule-tester';
import { thumbprintCase } from '../../../server/src/rules/thumbprint-case';
import { ANY_TIER_WS, OPERATION_POLICY, SEED_CONTEXT_POLICY, inbound, reject } from './expression-policy.fixtures';

const TP = '2DB300DFDA51470556A3E1AA3A332D81CCB0482E';
const tp = TP.toLowerCase();
/** The client certificate's thumbprint, as the policies below read it. */
const THUMB = 'context.Request.Certificate?.Thumbprint';

/** A `@{ … }` block in a set-variable (line 4), its statements one per line from line 5. */
function block(...statements: string[]): string {
  return inbound(`<set-variable name="known" value="@{
${statements.map((s) => `    ${s}`).join('\n')}
}" />`);
}


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
    // Local variables: silent when the variable may hold something else, or the case already agrees.
    { name: 'a local literal that is reassigned before the comparison', code: block(`var expected = "${tp}";`, 'expected = expected.ToUpper();', `return ${THUMB} == expected;`) },
    { name: 'a local literal passed by ref or out, or assigned with +=', code: block(`var expected = "${tp}";`, 'Normalize(ref expected);', `var other = "${tp}";`, 'other += "";', `return ${THUMB} == expected || ${THUMB} == other;`) },
    { name: 'a local literal already upper-case', code: block(`var expected = "${TP}";`, `string t = ${THUMB};`, 'return t == expected;') },
    { name: 'a local literal upper-cased where it is declared or where it is compared', code: block(`var expected = "${tp}".ToUpper();`, `var other = "${tp}";`, `return ${THUMB} == expected || ${THUMB} == other.ToUpperInvariant();`) },
    { name: 'a local thumbprint lower-cased, compared with a lower-case literal', code: block(`var t = ${THUMB}.ToLowerInvariant();`, `return t == "${tp}";`) },
    { name: 'local variables compared with OrdinalIgnoreCase', code: block(`var t = ${THUMB};`, `var expected = "${tp}";`, 'return string.Equals(t, expected, StringComparison.OrdinalIgnoreCase) || t.Equals(expected, StringComparison.InvariantCultureIgnoreCase);') },
    { name: 'a local thumbprint reassigned from a header before the comparison', code: block(`var t = ${THUMB};`, 't = context.Request.Headers.GetValueOrDefault("X-Thumbprint", "");', `return t == "${tp}";`) },
    { name: 'a local literal compared with a header, not the thumbprint', code: block(`var expected = "${tp}";`, 'return context.Request.Headers.GetValueOrDefault("X-Thumbprint", "") == expected;') },
    {
      name: 'the same name declared twice (two blocks), or a lambda parameter of that name',
      code: block('if (context.Request.Certificate == null) { var expected = "x"; return false; }', `{ var expected = "${tp}"; if (${THUMB} == expected) { return true; } }`, `var e = "${tp}";`, `return new[] { "${TP}" }.Any(e => e == ${THUMB}) || ${THUMB} == e;`),
    },
    { name: 'a variable declared by a pattern, foreach or out var is not a literal', code: block(`foreach (var expected in new[] { "${TP}" }) { if (${THUMB} == expected) return true; }`, `var x = "${tp}";`, 'if (context.Variables.TryGetValue("x", out x)) { }', `return ${THUMB} == x;`) },
    // switch: silent when the subject is something else, or the case agrees.
    { name: 'an allow-list in a local, upper-case, or a HashSet with an ignore-case comparer', code: block(`var allowed = new[] { "${TP}" };`, `var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "${tp}" };`, `return allowed.Contains(${THUMB}) || known.Contains(${THUMB});`) },
    { name: 'an allow-list in a local that is assigned again, or declared twice: not known', code: block(`var allowed = new[] { "${tp}" };`, 'allowed = LoadAllowed();', `string[] other = { "${tp}" };`, `if (true) { string[] other = { "${TP}" }; }`, `return allowed.Contains(${THUMB}) || other.Contains(${THUMB});`) },
    {
      name: 'an allow-list whose entries are upper-cased in place, or through another name: not known',
      code: block(
        `var allowed = new List<string> { "${tp}" };`,
        'for (int i = 0; i < allowed.Count; i++) allowed[i] = allowed[i].ToUpperInvariant();',
        `string[] pinned = { "${tp}" };`,
        'var same = pinned;',
        'same[0] = same[0].ToUpper();',
        `return allowed.Contains(${THUMB}) || pinned.Contains(${THUMB});`,
      ),
    },
    { name: 'a switch on the thumbprint with upper-case labels, the mirror with lower-case ones', code: block(`switch (${THUMB}) { case "${TP}": return true; }`, `switch (${THUMB}.ToLower()) { case "${tp}": return true; }`, 'return false;') },
    { name: 'a switch on the thumbprint upper-cased, or on a local that holds it', code: block(`var t = ${THUMB}.ToUpperInvariant();`, `switch (t) { case "${TP}": return true; }`, `return ${THUMB}.ToUpper() switch { "${TP}" => true, _ => false };`) },
    {
      name: 'a switch on a header with lower-case hex labels, nested in a switch on the thumbprint',
      code: block(`switch (${THUMB})`, '{', `    case "${TP}":`, '        switch (context.Request.Headers.GetValueOrDefault("X-Tenant", ""))', '        {', `            case "${tp}": return true;`, '            default: return false;', '        }', '    default:', '        return false;', '}'),
    },
    { name: 'a switch expression on a header, its arms nested in one on the thumbprint', code: reject(`@(${THUMB} switch { "${TP}" => context.Request.Headers.GetValueOrDefault("X-Tenant", "") switch { "${tp}" => false, _ => true }, _ => true })`) },
    { name: 'a switch on GetCertHashString(SHA256): another hash', code: reject(`@(context.Request.Certificate?.GetCertHashString(HashAlgorithmName.SHA256) switch { "${tp}" => false, _ => true })`) },
  ],
  invalid: [
    {
      // Not reported: only a literal written in the comparison was read.
      name: 'a lower-case literal in a local variable compared with ==: reported where it is written, upper-cased there',
      code: block(`var expected = "${tp}";`, `return ${THUMB} == expected;`),
      findings: [{ line: 5, level: 'error', text: `"${tp}"`, message: "Thumbprint is upper-case hex, but this ordinal comparison (== with the variable 'expected') uses a literal with lower-case letters: it never matches." }],
      output: block(`var expected = "${TP}";`, `return ${THUMB} == expected;`),
    },
    {
      // Not reported: a declaration of two variables was not followed.
      name: 'a declaration of several variables (string a = …, b = …;): each one followed',
      code: block(`string t = ${THUMB}, expected = "${tp}";`, `string first = "${TP}", second = "aa${TP.slice(2)}";`, 'return t == expected || t == first || t == second;'),
      findings: [
        { line: 5, text: `"${tp}"`, message: "(== with the variable 'expected')" },
        { line: 6, text: `"aa${TP.slice(2)}"`, message: "(== with the variable 'second')" },
      ],
      output: block(`string t = ${THUMB}, expected = "${TP}";`, `string first = "${TP}", second = "aa${TP.slice(2)}";`, 'return t == expected || t == first || t == second;'),
    },
    {
      name: 'the thumbprint in a local variable, compared with != and Equals',
      code: block(`string t = ${THUMB};`, `if (t != "${tp}") { return false; }`, `return t.Equals("aa${TP.slice(2)}");`),
      findings: [
        { line: 6, text: `"${tp}"`, message: 'ordinal comparison (!=)' },
        { line: 7, text: `"aa${TP.slice(2)}"`, message: 'ordinal comparison (Equals)' },
      ],
      output: block(`string t = ${THUMB};`, `if (t != "${TP}") { return false; }`, `return t.Equals("aa${TP.slice(2)}");`),
    },
    {
      name: 'both in local variables, through string.Equals without a comparison; the literal compared twice is reported once',
      code: block(`var t = ${THUMB};`, `const string expected = "${tp}";`, 'if (string.Equals(t, expected)) { return true; }', 'return expected == t;'),
      findings: [{ line: 6, text: `"${tp}"`, message: "(string.Equals with the variable 'expected')" }],
      output: block(`var t = ${THUMB};`, `const string expected = "${TP}";`, 'if (string.Equals(t, expected)) { return true; }', 'return expected == t;'),
    },
    {
      name: 'a local literal against a lower-cased local thumbprint: lower-case it',
      code: block(`var t = ${THUMB}.ToLower();`, `var expected = "${TP}";`, 'return t == expected;'),
      findings: [{ line: 6, text: `"${TP}"`, message: /^The thumbprint is lower-cased before the comparison/ }],
      output: block(`var t = ${THUMB}.ToLower();`, `var expected = "${tp}";`, 'return t == expected;'),
    },
    {
      name: 'a local thumbprint with a fallback (?? ""): the fallback test is no thumbprint, the lower-case literal is reported',
      code: block(`var t = ${THUMB} ?? "";`, 'if (t == "") { return false; }', `return t == "${tp}";`),
      findings: [{ line: 7, text: `"${tp}"` }],
      output: block(`var t = ${THUMB} ?? "";`, 'if (t == "") { return false; }', `return t == "${TP}";`),
    },
    {
      // Not reported: a switch was not read as a comparison.
      name: 'a switch statement on the thumbprint: each lower-case label',
      code: block(`switch (${THUMB})`, '{', `    case "${tp}":`, `    case "${TP}":`, '        return true;', `    case "aa${TP.slice(2)}" or "${TP.slice(0, 38)}bb":`, '        return true;', '    default:', '        return false;', '}'),
      findings: [
        { line: 7, text: `"${tp}"`, message: "Thumbprint is upper-case hex, but this ordinal comparison (switch … case) uses a literal with lower-case letters: it never matches." },
        { line: 10, text: `"aa${TP.slice(2)}"` },
        { line: 10, text: `"${TP.slice(0, 38)}bb"` },
      ],
      output: block(`switch (${THUMB})`, '{', `    case "${TP}":`, `    case "${TP}":`, '        return true;', `    case "aa${TP.slice(2)}" or "${TP.slice(0, 38)}bb":`, '        return true;', '    default:', '        return false;', '}'),
    },
    {
      name: 'a switch statement on a local thumbprint, a label with a when clause',
      code: block(`var t = context.Request.Certificate.GetCertHashString();`, 'switch (t) {', `    case "${tp}" when context.Request.Method == "GET": return true;`, '}', 'return false;'),
      findings: [{ line: 7, text: `"${tp}"`, message: '(switch … case)' }],
    },
    {
      name: 'a switch expression on the thumbprint: each lower-case arm',
      code: reject(`@(context.Request.Certificate == null || ${THUMB} switch { "${tp}" => false, "${TP}" => false, _ => true })`),
      findings: [{ line: 5, text: `"${tp}"`, message: "Thumbprint is upper-case hex, but this ordinal comparison (switch { … => … }) uses a literal with lower-case letters: it never matches." }],
      output: reject(`@(context.Request.Certificate == null || ${THUMB} switch { "${TP}" => false, "${TP}" => false, _ => true })`),
    },
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
      name: 'an allow-list held by a local (var, string[], List<string>), searched with Contains or Any: each lower-case entry where it is written, upper-cased there',
      code: block(
        `var allowed = new[] { "${tp}", "${TP}" };`,
        `string[] partners = { "${tp}" };`,
        `List<string> more = new List<string> { "${tp}" };`,
        `return allowed.Contains(${THUMB}) || partners.Any(p => p == ${THUMB}) || more.Contains(${THUMB});`,
      ),
      findings: [
        { line: 5, text: `"${tp}"`, message: "(Contains with the variable 'allowed')" },
        { line: 6, text: `"${tp}"`, message: "(Any(… == …) with the variable 'partners')" },
        { line: 7, text: `"${tp}"`, message: "(Contains with the variable 'more')" },
      ],
      // The first finding's fix.
      output: block(
        `var allowed = new[] { "${TP}", "${TP}" };`,
        `string[] partners = { "${tp}" };`,
        `List<string> more = new List<string> { "${tp}" };`,
        `return allowed.Contains(${THUMB}) || partners.Any(p => p == ${THUMB}) || more.Contains(${THUMB});`,
      ),
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

test('thumbprint-case: a local literal read elsewhere too is reported without the upper-casing fix (it would change the other read)', () => {
  for (const other of ['context.Trace("expecting " + expected);', 'context.Trace($"expecting {expected}");']) {
    const code = block(`var expected = "${tp}";`, other, `return ${THUMB} == expected;`);
    const { findings } = lintCase(thumbprintCase, { name: 'read elsewhere', code });
    assert.equal(findings.length, 1, other);
    assert.deepEqual(findings[0]!.fixes.map((f) => f.title), ['Compare with StringComparison.OrdinalIgnoreCase'], other);
  }
});

test('thumbprint-case: an allow-list in a local read elsewhere too is reported without the upper-casing fix', () => {
  const code = block(`var allowed = new[] { "${tp}" };`, 'context.Trace(string.Join(",", allowed));', `return allowed.Contains(${THUMB});`);
  const { findings } = lintCase(thumbprintCase, { name: 'list read elsewhere', code });
  assert.equal(findings.length, 1);
  assert.deepEqual(findings[0]!.fixes, []);
});

test('thumbprint-case: a comparison through local variables is rewritten with the variables', () => {
  assert.equal(
    rewritten(block(`var t = ${THUMB};`, `var expected = "${tp}";`, 'return t != expected;')),
    block(`var t = ${THUMB};`, `var expected = "${tp}";`, 'return !string.Equals(t, expected, StringComparison.OrdinalIgnoreCase);'),
  );
});

test('thumbprint-case: a switch offers only the upper-casing (no single comparison to rewrite)', () => {
  const { findings } = lintCase(thumbprintCase, { name: 'switch', code: block(`switch (${THUMB}) { case "${tp}": return true; }`, 'return false;') });
  assert.deepEqual(findings.map((f) => f.fixes.map((x) => x.title)), [['Upper-case the literal']]);
});
