import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusDir, fixturesDir } from '../../helpers';

/** mulberry32: a small seeded PRNG, so every failure reproduces. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A longer campaign than the suite's, from the environment: `APIM_MTLS_FUZZ_SEED=7 APIM_MTLS_FUZZ_SCALE=20 node
 * scripts/run-tests.mjs fuzz` shifts every seed of the fuzz tests and multiplies their iteration counts. Without them,
 * the suite runs its fixed seeds (every failure reproduces as it is).
 */
const SEED_SHIFT = Math.trunc(Number(process.env.APIM_MTLS_FUZZ_SEED ?? 0)) || 0;
const SCALE = Math.max(1, Number(process.env.APIM_MTLS_FUZZ_SCALE ?? 1) || 1);
/** The seed a fuzz test uses for its own `n`; a failure message names it (`seed n`) to replay. */
export const fuzzSeed = (n: number): number => n + SEED_SHIFT * 1000;
/** `n` iterations, times the campaign's scale. */
export const fuzzCount = (n: number): number => Math.round(n * SCALE);

export const int = (rand: () => number, n: number): number => Math.floor(rand() * n);

/** Real policies (the public corpus, when present, else the test fixture). */
export function realPolicies(): { name: string; text: string }[] {
  const dir = path.join(corpusDir, 'policy-snippets', 'examples');
  const out: { name: string; text: string }[] = [];
  if (fs.existsSync(dir)) {
    for (const name of fs.readdirSync(dir).sort()) if (name.endsWith('.xml')) out.push({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') });
  } else {
    console.log(`# fuzz: ${dir} is absent: mutating the test fixtures only`);
  }
  out.push({ name: 'get-order.operation.xml', text: fs.readFileSync(path.join(fixturesDir, 'lsp', 'policies', 'get-order.operation.xml'), 'utf8') });
  return out;
}

export function realBicep(): { name: string; text: string }[] {
  const dirs = [path.join(fixturesDir, 'bicep'), path.join(fixturesDir, 'lsp', 'infra')];
  return dirs.flatMap((d) => fs.readdirSync(d).filter((n) => n.endsWith('.bicep')).sort().map((name) => ({ name, text: fs.readFileSync(path.join(d, name), 'utf8') })));
}

const NOISE = ['<', '>', '&', '"', "'", '@(', '@{', '(', ')', '{', '}', '[', ']', '/', '\n', '\r', '$"', '@"', '"""', '<!--', ']]>', '<![CDATA[', '{{', '}}', '${', "'''", '//', '/*', '*/', '\\', '\u0000', '\uFEFF', '\uD800', '&#0;', '&#x110000;', '=', ':', '?', '!', '.', ',', 'resource ', 'param ', 'var '];

/** Truncation, deletion, duplication and insertion of syntax-significant noise. */
export function mutate(rand: () => number, text: string): string {
  let s = text;
  const steps = 1 + int(rand, 4);
  for (let k = 0; k < steps; k++) {
    const at = int(rand, s.length + 1);
    switch (int(rand, 5)) {
      case 0:
        s = s.slice(0, at);
        break;
      case 1:
        s = s.slice(0, at) + s.slice(at + 1 + int(rand, 40));
        break;
      case 2:
        s = s.slice(0, at) + s.slice(int(rand, s.length), int(rand, s.length)) + s.slice(at);
        break;
      default: {
        let noise = '';
        for (let i = 1 + int(rand, 6); i > 0; i--) noise += NOISE[int(rand, NOISE.length)];
        s = s.slice(0, at) + noise + s.slice(at);
      }
    }
  }
  return s;
}

const DEPTH = 5000;
/** A read of the header Application Gateway forwards a client certificate in (forwarded-certificate-header reports it). */
const FORWARDED_READ = '<set-variable name="h" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-ARR-ClientCert&quot;))" />';
const MB = 1024 * 1024;

/** Hand-made hostile policy texts: deep, huge, unterminated. */
export function hostilePolicies(): { name: string; text: string }[] {
  return [
    { name: 'deep-elements.policy.xml', text: '<policies>' + '<a>'.repeat(DEPTH) + '</a>'.repeat(DEPTH) + '</policies>' },
    // Found by the hostile review: quadratic duplicate checks (64,000 distinct attributes: 20 s) and one disk search per
    // include (90,000 includes: a minute).
    { name: 'many-attributes.policy.xml', text: `<policies><inbound><set-header ${Array.from({ length: 64000 }, (_, i) => `a${i}="1"`).join(' ')} /></inbound></policies>` },
    { name: 'many-includes.policy.xml', text: `<policies><inbound>${'<include-fragment fragment-id="f" />'.repeat(30000)}${Array.from({ length: 2000 }, (_, i) => `<include-fragment fragment-id="f${i}" />`).join('')}</inbound></policies>` },
    { name: 'deep-unclosed.policy.xml', text: '<policies>' + '<choose><when condition="@(true)">'.repeat(DEPTH) },
    { name: 'deep-parens.policy.xml', text: `<policies><inbound><set-variable name="x" value="@(${'('.repeat(DEPTH)}1${')'.repeat(DEPTH)})" /></inbound></policies>` },
    { name: 'deep-braces.policy.xml', text: `<policies><inbound><set-body>@{${'{'.repeat(DEPTH)}${'}'.repeat(DEPTH)}}</set-body></inbound></policies>` },
    { name: 'unclosed-parens.policy.xml', text: `<policies><inbound><set-body>@(${'('.repeat(DEPTH)}</set-body></inbound></policies>` },
    { name: 'huge-line.policy.xml', text: `<policies><inbound><set-body>${'x'.repeat(MB)}</set-body></inbound></policies>` },
    { name: 'huge-attribute.policy.xml', text: `<policies><inbound><set-header name="${'a'.repeat(MB)}" /></inbound></policies>` },
    { name: 'huge-expression.policy.xml', text: `<policies><inbound><set-body>@("${'\\"'.repeat(MB / 4)}")</set-body></inbound></policies>` },
    { name: 'unterminated-string.policy.xml', text: `<policies><inbound><set-body>@("abc ${'x '.repeat(100000)}` },
    { name: 'unterminated-verbatim.policy.xml', text: `<policies><inbound><when condition="@(@"abc"" ${'<x/>'.repeat(20000)}` },
    { name: 'unterminated-comment.policy.xml', text: `<policies><inbound><set-body>@{ /* ${'<a>'.repeat(20000)}` },
    { name: 'unterminated-interp.policy.xml', text: `<policies><inbound><set-body>@($"{ {{ ${'{'.repeat(20000)}` },
    { name: 'many-attributes.policy.xml', text: `<policies><inbound><x ${Array.from({ length: 50000 }, (_, i) => `a${i % 100}="1"`).join(' ')} /></inbound></policies>` },
    { name: 'many-entities.policy.xml', text: `<policies><inbound><set-body>${'&amp;&bogus;&'.repeat(50000)}</set-body></inbound></policies>` },
    { name: 'many-comments.policy.xml', text: `<policies>${'<!-- a -- b -->'.repeat(50000)}</policies>` },
    { name: 'many-named-values.policy.xml', text: `<policies><inbound><set-body>${'{{a'.repeat(100000)}</set-body></inbound></policies>` },
    { name: 'many-roots.policy.xml', text: '<policies/>'.repeat(100000) },
    { name: 'only-lt.policy.xml', text: '<'.repeat(MB) },
    { name: 'cdata.policy.xml', text: `<policies><inbound><set-body><![CDATA[@(${'"'.repeat(1000)}` },
    // Found by a review: the "else 401" guard looked for each bracket's pair from scratch (50,000 brackets around
    // `!= null`: 9 s) and split nested `&&` by recursion (20,000 deep: the rule failed, the stack overflowed).
    ...(['('.repeat(50000) + 'context.Request.Certificate != null' + ')'.repeat(50000), '(true &amp;&amp; '.repeat(20000) + 'context.Request.Certificate != null' + ')'.repeat(20000)].map((condition, i) => ({
      name: `deep-guard-${i}.policy.xml`,
      text: `<policies><inbound><choose><when condition="@(${condition})"><set-variable name="a" value="b" /></when><otherwise><return-response><set-status code="401" /></return-response></otherwise></choose><set-variable name="s" value="@(context.Request.Certificate.Subject)" /></inbound></policies>`,
    }))),
    // Found by the hostile review: <choose> nested 3,000 deep overflowed the stack in certificate-null-check (the rule
    // failed on the file); each `<when>` null test was a closure asked for every read (8,000 of each: out of the budget).
    ...deepGuardedChooses(3000),
    ...manyWhenGuards(8000),
    ...hostileIdentities(),
    // Found by the rule audit: forwarded-certificate-header searched every set-header for each header read (8,000 of
    // each: 5 s).
    {
      name: 'many-set-headers-and-reads.policy.xml',
      text: `<policies><inbound>${Array.from({ length: 8000 }, (_, i) => `<set-header name="a${i}" exists-action="override"><value>1</value></set-header>`).join('')}${FORWARDED_READ.repeat(8000)}</inbound></policies>`,
    },
    // Found by the rule audit: header-read-after-delete searched every later expression for each delete, and every
    // set-header for each of those (1,000 deletes and 1,000 reads: 16 s; 2,000 of each: 2 minutes).
    {
      name: 'many-deletes-and-reads.policy.xml',
      text: `<policies><inbound>${Array.from({ length: 1000 }, (_, i) => `<set-header name="x-${i}" exists-action="delete" />`).join('')}${Array.from({ length: 1000 }, (_, i) => `<set-variable name="v" value="@(context.Request.Headers.GetValueOrDefault(&quot;x-${i}&quot;, &quot;&quot;))" />`).join('')}</inbound></policies>`,
    },
    // Found by the rule audit: each read of a header was reported once per delete of it above (4,000 pairs of a delete
    // and a read: 8 million findings and 4 GB).
    {
      name: 'many-deletes-of-one-header.policy.xml',
      text: `<policies><inbound>${'<set-header name="x-a" exists-action="delete" /><set-variable name="v" value="@(context.Request.Headers.GetValueOrDefault(&quot;x-a&quot;, &quot;&quot;))" />'.repeat(2000)}</inbound></policies>`,
    },
    // Found by the rule audit: ignore-error-enabled searched the whole text and every expression for each
    // validate-client-certificate with ignore-error="true" (10,000 of them and 10,000 expressions: 8 s; 40,000 without
    // expressions in 2 MB: 2 s).
    {
      name: 'many-ignored-validations.policy.xml',
      text: `<policies><inbound>${Array.from({ length: 10000 }, (_, i) => `<validate-client-certificate ignore-error="true" /><set-variable name="v" value="@(${i})" />`).join('')}<set-variable name="e" value="@(context.LastError.Message)" /><validate-client-certificate ignore-error="true" /></inbound></policies>`,
    },
    // Found by the rule audit: indexer-null-check searched the whole expression for ContainsKey once per null test
    // (one condition of 2,000 `Headers["x"] == null` tests: 1.2 s; 4,000: 26 s).
    {
      name: 'many-indexer-null-tests.policy.xml',
      text: `<policies><inbound><set-variable name="v" value="@(${Array.from({ length: 4000 }, (_, i) => `context.Request.Headers[&quot;x${i}&quot;] == null || `).join('')}true)" /></inbound></policies>`,
    },
    // Found by the rule audit: certificate-null-check asked every guard (validate-client-certificate, a `<when>` null
    // test…) of every expression: 8,000 uses before 8,000 `<when>` null tests took 3 s, 16,000 of each 14 s; and each
    // `<when>` went through its siblings (these 5,000 of each, outside a `<choose>`: over 10 s).
    {
      name: 'many-uses-before-null-tests.policy.xml',
      text: `<policies><inbound>${'<set-variable name="s" value="@(context.Request.Certificate.Subject)" />'.repeat(5000)}${'<when condition="@(context.Request.Certificate != null)" />'.repeat(5000)}</inbound></policies>`,
    },
    // Found by the rule audit: policy-attributes listed an element's attributes again for each unknown one (2,000
    // unknown attributes on validate-client-certificate: 0.4 s, fourfold per doubling).
    { name: 'many-unknown-attributes.policy.xml', text: `<policies><inbound><validate-client-certificate ${Array.from({ length: 10000 }, (_, i) => `a${i}="1"`).join(' ')} /></inbound></policies>` },
    // Found by the rule audit: chain-verify-unsupported-tier read the expression again for each Verify() call (one
    // expression of 2,000 calls on Consumption: 1.6 s; 4,000: 10 s).
    { name: 'many-verify-calls.policy.xml', text: `<policies><inbound><set-variable name="v" value="@(${'context.Request.Certificate.Verify() || '.repeat(4000)}false)" /></inbound></policies>` },
    // Each guarded by a named value: the tokens before each call were searched for named values again (4,000: 5 s).
    { name: 'many-guarded-verify-calls.policy.xml', text: `<policies><inbound><set-variable name="v" value="@(${'{{flag}} &amp;&amp; context.Request.Certificate.Verify() || '.repeat(4000)}true)" /></inbound></policies>` },
    // Found by the second rule audit: unknown-rule-id measured each hyphenated word of a suppression comment against
    // every rule id with a whole edit-distance table (20,000 words: 2.6 s through the CLI, 11 s in the test).
    { name: 'many-unknown-rule-ids.policy.xml', text: `<policies><inbound>${Array.from({ length: 20_000 }, (_, i) => `<!-- apim-mtls-disable-next-line thumbprint-formt-${i} -->`).join('\n')}</inbound></policies>` },
    // Found by a review: every comparison searched every certificate use (30,000 date checks in one condition: 26 s).
    {
      name: 'many-date-checks.policy.xml',
      text: `<policies><inbound><choose><when condition="@(${Array.from({ length: 30000 }, () => 'context.Request.Certificate.NotAfter &lt; DateTime.Now').join(' || ')})"><return-response><set-status code="403" /></return-response></when></choose></inbound></policies>`,
    },
    // Found this stop: forwarded-certificate-header searched the whole text for `&#` once per expression, so a 4 MB
    // policy of 10,000 expressions after a comment of 700,000 `&`s held that one rule 53 s (this one, 1.4 MB: 9 s).
    {
      name: 'many-expressions-after-ampersands.policy.xml',
      text:
        `<policies><inbound><!-- ${'&amp '.repeat(250_000)} -->` +
        '<set-variable name="h" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-ARR-ClientCert&quot;, &quot;&quot;))" />' +
        Array.from({ length: 5_000 }, (_, i) => `<set-variable name="a${i}" value="@(${i})" />`).join('') +
        '</inbound></policies>',
    },
    // Found by the second rule audit: policy-section asked each validate-client-certificate for its section through all
    // its ancestors (20,000 of them under 20,000 nested elements in <outbound>, 740 KB: 5 s, rules skipped).
    { name: 'many-checks-in-deep-outbound.policy.xml', text: `<policies><inbound /><outbound>${'<a>'.repeat(20000)}${'<validate-client-certificate/>'.repeat(20000)}${'</a>'.repeat(20000)}</outbound></policies>` },
    // Found by the second rule audit: ignore-error-enabled looked for each element's section through all its ancestors
    // (16,000 ignore-error="true" under 16,000 nested elements in <inbound>: 39 s, rules skipped).
    { name: 'many-ignored-validations-deep.policy.xml', text: `<policies><inbound>${'<a>'.repeat(16000)}${'<validate-client-certificate ignore-error="true"/>'.repeat(16000)}${'</a>'.repeat(16000)}</inbound></policies>` },
    // Found by the second rule audit: inBranch walked up to the root for each element (forwarded-certificate-header over
    // 32,000 set-headers under 32,000 nested elements: 7 s, rules skipped).
    { name: 'many-set-headers-deep.policy.xml', text: `<policies><inbound>${'<a>'.repeat(32000)}${'<set-header name="a"/>'.repeat(32000)}${FORWARDED_READ}${'</a>'.repeat(32000)}</inbound></policies>` },
    // Found by the second rule audit: chain-verify-unsupported-tier walked up to the root for each Verify() call, for a
    // <when> with a named value and for a <trace> (16,000 calls under 16,000 nested elements on Consumption: 38 s).
    { name: 'many-verify-calls-deep.policy.xml', text: `<policies><inbound>${'<a>'.repeat(16000)}${'<set-variable name="v" value="@(context.Request.Certificate?.Verify())" />'.repeat(16000)}${'</a>'.repeat(16000)}</inbound></policies>` },
    // Found by the second rule audit: each finding went through every suppression comment before it (10,000 findings
    // after 10,000 `apim-mtls-disable` comments: 6 s, after the rules, so past the file's time budget unseen).
    {
      name: 'many-suppression-regions.policy.xml',
      text: `<policies><inbound>${'<!-- apim-mtls-disable thumbprint-format -->\n'.repeat(10000)}<validate-client-certificate><identities>${'<identity thumbprint="zz" />\n'.repeat(10000)}</identities></validate-client-certificate></inbound></policies>`,
    },
    // Found by the second rule audit: unknown-thumbprint measured each unknown thumbprint's distance to every workspace
    // certificate (2,000 of them with a bundle of 300 certificates: 8 s; see the regression test for the certificates).
    { name: 'many-unknown-thumbprints.policy.xml', text: `<policies><inbound><validate-client-certificate><identities>${Array.from({ length: 2000 }, (_, i) => `<identity thumbprint="${i.toString(16).toUpperCase().padStart(40, '0')}" />`).join('')}</identities></validate-client-certificate></inbound></policies>` },
    ...hostileThumbprintComparisons(3000),
    // Found by the second rule audit: base-omitted asked each validate-client-certificate of the API policy whether it
    // is in <inbound> through all its ancestors (16,000 under 16,000 nested elements in <outbound>: 17 s, rules skipped
    // on the operation policy). The API policy checks the certificate in a <when>.
    {
      name: 'apis/deep/policy.xml',
      text: `<policies><inbound><base /><choose><when condition="@(context.Request.Certificate == null)"><return-response><set-status code="403" /></return-response></when></choose></inbound><outbound>${'<a>'.repeat(16000)}${'<validate-client-certificate/>'.repeat(16000)}${'</a>'.repeat(16000)}</outbound></policies>`,
    },
    { name: 'apis/deep/operations/op/policy.xml', text: '<policies><inbound><set-header name="x" exists-action="delete" /></inbound></policies>' },
    // Found by the same audit: context-certificate-not-verified asked the same of that API policy (inInbound) for an
    // operation that decides on the certificate's dates after its <base /> (18 s, rules skipped).
    {
      name: 'apis/deep/operations/dates/policy.xml',
      text: '<policies><inbound><base /><choose><when condition="@(context.Request.Certificate == null || context.Request.Certificate.NotAfter &lt; DateTime.UtcNow)"><return-response><set-status code="403" /></return-response></when></choose></inbound></policies>',
    },
  ];
}

const SUBJECT = '<set-variable name="s" value="@(context.Request.Certificate.Subject)" />';
const NOT_NULL = 'condition="@(context.Request.Certificate != null)"';
const RETURN_401 = '<return-response><set-status code="401" /></return-response>';

/**
 * `<choose>` nested `depth` deep, each level guarded: `!= null` with every other branch returning (in the `<when>`s, or
 * in `<otherwise>`s). No read of the certificate in them is unguarded.
 */
export function deepGuardedChooses(depth: number): { name: string; text: string }[] {
  const inWhens = `${`<choose><when ${NOT_NULL}>`.repeat(depth)}${SUBJECT}${`</when><otherwise>${RETURN_401}</otherwise></choose>`.repeat(depth)}`;
  const nested = `<choose><when ${NOT_NULL}>${SUBJECT}</when><otherwise>${`<choose><when condition="@(true)">${RETURN_401}</when><otherwise>`.repeat(depth)}${RETURN_401}${'</otherwise></choose>'.repeat(depth)}</otherwise></choose>`;
  return [
    { name: 'deep-when-guards.policy.xml', text: `<policies><inbound>${inWhens}${SUBJECT}</inbound></policies>` },
    { name: 'deep-otherwise-returns.policy.xml', text: `<policies><inbound>${nested}${SUBJECT}</inbound></policies>` },
  ];
}

/** `n` `<choose>`s testing `!= null` without returning, then `n` reads after them (every read unguarded). */
export function manyWhenGuards(n: number): { name: string; text: string }[] {
  return [{ name: 'many-when-guards.policy.xml', text: `<policies><inbound>${`<choose><when ${NOT_NULL}><set-variable name="a" value="b" /></when></choose>`.repeat(n)}${SUBJECT.repeat(n)}</inbound></policies>` }];
}

/**
 * A read of the certificate at each of `depth` nested `<choose><when>` levels: under `@(true)` (every read unguarded), or
 * with a `!= null` `<when>` around them all (every read guarded, from the top).
 */
export function deepReads(depth: number): { name: string; text: string }[] {
  const levels = `<choose><when condition="@(true)">${SUBJECT}`.repeat(depth) + '</when></choose>'.repeat(depth);
  return [
    { name: 'deep-unguarded-reads.policy.xml', text: `<policies><inbound>${levels}</inbound></policies>` },
    { name: 'deep-guarded-reads.policy.xml', text: `<policies><inbound><choose><when ${NOT_NULL}>${levels}</when></choose></inbound></policies>` },
  ];
}

/**
 * Thumbprint comparisons in bulk (each literal lower-case, so each is a thumbprint-case finding): `n` local variables
 * compared in one `@{ }` block, `switch` statements and expressions nested `n` deep, and `n` allow-lists searched with
 * `Any(c => c == ….Thumbprint)` in one condition (each Any call read the whole expression's comparisons again: 37 s for
 * 4,000, the rule stopped by the watchdog).
 */
export function hostileThumbprintComparisons(n: number): { name: string; text: string }[] {
  const tp = '2db300dfda51470556a3e1aa3a332d81ccb0482e';
  const thumbprint = 'context.Request.Certificate.Thumbprint';
  const value = (code: string): string => `<policies><inbound><set-variable name="v" value="${code}" /></inbound></policies>`;
  return [
    { name: 'many-thumbprint-locals.policy.xml', text: value(`@{ var t = ${thumbprint}; ${Array.from({ length: n }, (_, i) => `var v${i} = &quot;${tp}&quot;; if (t == v${i}) { return true; }`).join(' ')} return false; }`) },
    { name: 'deep-thumbprint-switches.policy.xml', text: value(`@{ ${`switch (${thumbprint}) { case &quot;${tp}&quot;: `.repeat(n)}return true;${' }'.repeat(n)} return false; }`) },
    { name: 'deep-thumbprint-switch-expressions.policy.xml', text: value(`@(${`${thumbprint} switch { &quot;${tp}&quot; =&gt; `.repeat(n)}true${', _ =&gt; false }'.repeat(n)})`) },
    { name: 'many-thumbprint-allow-lists.policy.xml', text: value(`@(${`new[] { &quot;${tp}&quot; }.Any(c =&gt; c == ${thumbprint}) || `.repeat(n)}false)`) },
  ];
}

/**
 * Found by the hostile review: identity attributes that regexes took seconds over, skipping the rules after them (a
 * lazy group before `\s*$` over 100,000 spaces: 33 s; `\$\{[^}]*\}` from each of 40,000 `${`: 10 s).
 */
export function hostileIdentities(): { name: string; text: string }[] {
  const identity = (attributes: string): string => `<policies><inbound><validate-client-certificate><identities><identity ${attributes} /></identities></validate-client-certificate></inbound></policies>`;
  return [
    { name: 'common-name-spaces.policy.xml', text: identity(`common-name="CN=a${' '.repeat(100000)}b"`) },
    { name: 'many-template-openings.policy.xml', text: identity(`subject="${'${'.repeat(40000)}" issuer-subject="${'%{#{'.repeat(20000)}"`) },
  ];
}

export function hostileBicep(): { name: string; text: string }[] {
  return [
    { name: 'deep-objects.bicep', text: `var x = ${'{\n a: '.repeat(DEPTH)}1${'\n}'.repeat(DEPTH)}\n` },
    { name: 'deep-arrays.bicep', text: `var x = ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}\n` },
    { name: 'deep-parens.bicep', text: `var x = ${'('.repeat(DEPTH)}1${')'.repeat(DEPTH)}\n` },
    { name: 'deep-ternary.bicep', text: `var x = ${'a ? b : '.repeat(DEPTH)}c\n` },
    { name: 'deep-unary.bicep', text: `var x = ${'!'.repeat(DEPTH)}a\n` },
    { name: 'deep-member.bicep', text: `var x = a${'.b'.repeat(DEPTH * 4)}\n` },
    { name: 'deep-calls.bicep', text: `var x = ${'f('.repeat(DEPTH)}${')'.repeat(DEPTH)}\n` },
    { name: 'deep-interpolation.bicep', text: `var x = '${"${'".repeat(DEPTH)}\n` },
    { name: 'deep-resources.bicep', text: `${"resource r 'Microsoft.ApiManagement/service@2024-05-01' = {\n".repeat(2000)}` },
    { name: 'deep-lambdas.bicep', text: `var x = ${'y => '.repeat(DEPTH)}1\n` },
    { name: 'deep-types.bicep', text: `type t = ${'{ a: '.repeat(DEPTH)}string${' }'.repeat(DEPTH)}\n` },
    { name: 'huge-string.bicep', text: `var x = '${'a'.repeat(MB)}'\n` },
    { name: 'unterminated-multiline.bicep', text: `var x = '''${'a\n'.repeat(100000)}` },
    { name: 'unterminated-comment.bicep', text: `/* ${'resource '.repeat(100000)}` },
    { name: 'unterminated-string.bicep', text: `var x = '${"\\'".repeat(100000)}` },
    { name: 'many-decorators.bicep', text: `${'@description(\'x\')\n'.repeat(50000)}param p string\n` },
    { name: 'many-declarations.bicep', text: `${'param p string\n'.repeat(50000)}` },
    { name: 'garbage-keywords.bicep', text: 'resource param var output module import func type metadata targetScope for if existing = { } [ ] ( ) \n'.repeat(5000) },
    // Small files whose evaluation doubles at every line (each variable uses the one before it twice or three times),
    // with the service's SKU at the end of the chain: exponential without memoised variables and bounded values.
    { name: 'exponential-ternary.bicep', text: chain(40, (p) => `${p} == 'x' ? ${p} : ${p}`) },
    { name: 'exponential-concat.bicep', text: chain(40, (p) => `concat(${p}, ${p})`) },
    { name: 'exponential-union.bicep', text: chain(80, (p) => `union(${p}, { b: ${p} })`, "{ a: 'StandardV2' }", '.a') },
  ];
}

/** `var v0 = first` … `var vN = step(vN-1)`, then a service whose SKU is `vN` (or `vN<suffix>`). */
function chain(levels: number, step: (previous: string) => string, first = "'StandardV2'", suffix = ''): string {
  const vars = [`var v0 = ${first}`, ...Array.from({ length: levels }, (_, i) => `var v${i + 1} = ${step(`v${i}`)}`)];
  return `${vars.join('\n')}
resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-chain'
  sku: {
    name: v${levels}${suffix}
    capacity: 1
  }
}
`;
}

/** A PNG: the real signature and a few chunks. */
export const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

export function randomBytes(rand: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = int(rand, 256);
  return b;
}

/** Broken certificates: truncated and corrupted DER, lying lengths, PEM and base64 garbage. */
export function brokenCertificates(rand: () => number, validDer?: Uint8Array): { name: string; bytes: Uint8Array }[] {
  const te = new TextEncoder();
  const out: { name: string; bytes: Uint8Array }[] = [
    { name: 'empty.cer', bytes: new Uint8Array() },
    { name: 'length-lies.cer', bytes: Uint8Array.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30, 0x82, 0xff, 0xff, 0x02, 0x01, 0x03]) },
    { name: 'deep-sequences.cer', bytes: Uint8Array.from([...Array.from({ length: 4000 }, () => [0x30, 0x80]).flat(), 0, 0]) },
    { name: 'indefinite.der', bytes: Uint8Array.from([0x30, 0x80, 0x30, 0x80, 0x02, 0x01, 0x03]) },
    // A certificate whose algorithm identifier has a million arcs (1 MB): pkijs took seconds and gigabytes over it.
    { name: 'huge-oid.der', bytes: hugeOidCertificate(1_000_000) },
    { name: 'pem-garbage.pem', bytes: te.encode(`-----BEGIN CERTIFICATE-----\n${'!@#$'.repeat(1000)}\n-----END CERTIFICATE-----\n`) },
    { name: 'pem-unbalanced.crt', bytes: te.encode(`-----BEGIN CERTIFICATE-----\nMIIB${'A'.repeat(5000)}\n`) },
    { name: 'pem-many.pem', bytes: te.encode('-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n'.repeat(1000)) },
    { name: 'base64-garbage.cer', bytes: te.encode('MII' + 'A'.repeat(100000)) },
    { name: 'pfx-like.cer', bytes: Uint8Array.from([0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03, 0x30]) },
    { name: 'utf16.pem', bytes: Uint8Array.from([0xff, 0xfe, ...Array.from(te.encode('-----BEGIN CERTIFICATE-----')).flatMap((c) => [c, 0])]) },
    { name: 'png.cer', bytes: PNG },
    { name: 'random.der', bytes: randomBytes(rand, 4096) },
  ];
  if (validDer) {
    for (let i = 0; i < 8; i++) {
      const b = Uint8Array.from(validDer);
      if (i < 4) out.push({ name: `truncated-${i}.cer`, bytes: b.subarray(0, int(rand, b.length)) });
      else {
        for (let k = 0; k < 1 + i; k++) b[int(rand, b.length)] = int(rand, 256);
        out.push({ name: `corrupted-${i}.cer`, bytes: b });
      }
    }
  }
  return out;
}

/** A hostile workspace: file name → bytes (policies, Bicep, certificates, wrong types, encodings). */
export function hostileWorkspace(seed: number, count: number): Map<string, Uint8Array> {
  const rand = prng(seed);
  const te = new TextEncoder();
  const files = new Map<string, Uint8Array>();
  const policies = realPolicies();
  const bicep = realBicep();
  for (const p of hostilePolicies()) files.set(`policies/${p.name}`, te.encode(p.text));
  for (const b of hostileBicep()) files.set(`infra/${b.name}`, te.encode(b.text));
  for (const c of brokenCertificates(rand)) files.set(`certs/${c.name}`, c.bytes);
  files.set('policies/image.policy.xml', PNG);
  files.set('policies/binary.policy.xml', randomBytes(rand, 2048));
  files.set('policies/nul.policy.xml', te.encode('<policies>\u0000<inbound/></policies>'));
  files.set('policies/utf16le.policy.xml', Uint8Array.from([0xff, 0xfe, ...Array.from(te.encode('<policies><inbound><base /></inbound></policies>')).flatMap((c) => [c, 0])]));
  files.set('policies/utf16be.policy.xml', Uint8Array.from([0xfe, 0xff, ...Array.from(te.encode('<policies><inbound>')).flatMap((c) => [0, c])]));
  files.set('policies/utf16-odd.policy.xml', Uint8Array.from([0xff, 0xfe, 0x3c]));
  files.set('policies/bom-only.policy.xml', Uint8Array.from([0xef, 0xbb, 0xbf]));
  files.set('policies/invalid-utf8.policy.xml', Uint8Array.from([0x3c, 0x70, 0xc3, 0x28, 0xff]));
  files.set('infra/image.bicep', PNG);
  files.set('infra/binary.bicep', randomBytes(rand, 2048));
  files.set('policies/policy.xml', te.encode('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "&a;&a;">]><policies>&a;</policies>'));
  for (const [name, text] of hostileModules()) files.set(name, te.encode(text));
  for (let i = 0; i < count; i++) {
    if (i % 3 === 2) {
      const b = bicep[int(rand, bicep.length)]!;
      files.set(`infra/mutated-${i}.bicep`, te.encode(mutate(rand, b.text)));
    } else {
      const p = policies[int(rand, policies.length)]!;
      files.set(`policies/mutated-${i}.policy.xml`, te.encode(mutate(rand, p.text)));
    }
  }
  return files;
}

/**
 * Modules that pass a parameter on (the SKU follows module params and .bicepparam files): a file deploying itself
 * twice, two files deploying each other, and a chain of 40 files each deploying the next twice (2^40 paths without
 * memoisation), ending at a service with a policy; parameters files `using` them, one `using` itself.
 */
export function hostileModules(): [string, string][] {
  const twice = (target: string) =>
    ['a', 'b'].map((m) => `module ${m} '${target}' = {\n  name: '${m}'\n  params: {\n    skuName: skuName\n  }\n}\n`).join('');
  const service = "resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {\n  name: 'x'\n  sku: {\n    name: skuName\n  }\n}\n";
  const out: [string, string][] = [
    ['infra/modules/self.bicep', `param skuName string\n${twice('./self.bicep')}${service}`],
    ['infra/modules/ping.bicep', `param skuName string\n${twice('./pong.bicep')}`],
    ['infra/modules/pong.bicep', `param skuName string\n${twice('./ping.bicep')}${service}`],
    ['infra/modules/self.bicepparam', "using './self.bicepparam'\nparam skuName = 'BasicV2'\n"],
    ['infra/modules/env.bicepparam', "using './chain-0.bicep'\nparam skuName = skuName\n"],
  ];
  for (let i = 0; i < 40; i++) out.push([`infra/modules/chain-${i}.bicep`, `param skuName string\n${twice(i === 39 ? './self.bicep' : `./chain-${i + 1}.bicep`)}`]);
  return out;
}

/** A normal policy with a known finding (an unescaped '&'), and what it must keep reporting. */
export const NORMAL_POLICY = `<policies>
  <inbound>
    <base />
    <set-body>fish & chips</set-body>
  </inbound>
  <backend><base /></backend>
  <outbound><base /></outbound>
  <on-error><base /></on-error>
</policies>
`;

/** A DER certificate shape whose signature algorithm OID is `arcs` arcs long (valid framing, nonsense content). */
function hugeOidCertificate(arcs: number): Uint8Array {
  const len = (n: number): number[] => (n < 128 ? [n] : n < 256 ? [0x81, n] : n < 65536 ? [0x82, n >> 8, n & 255] : [0x83, n >> 16, (n >> 8) & 255, n & 255]);
  const tlv = (tag: number, body: number[]): number[] => [tag, ...len(body.length), ...body];
  const oid = tlv(0x06, [0x2a, ...new Array<number>(arcs).fill(1)]);
  const name = tlv(0x30, tlv(0x31, tlv(0x30, [...tlv(0x06, [0x55, 0x04, 0x03]), ...tlv(0x0c, [0x78])])));
  const tbs = tlv(0x30, [...tlv(0xa0, tlv(0x02, [2])), ...tlv(0x02, [1]), ...tlv(0x30, oid), ...name, ...tlv(0x30, [...tlv(0x17, [...'240101000000Z'].map((c) => c.charCodeAt(0))), ...tlv(0x17, [...'340101000000Z'].map((c) => c.charCodeAt(0)))]), ...name]);
  return Uint8Array.from(tlv(0x30, [...tbs, ...tlv(0x30, tlv(0x06, [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02])), ...tlv(0x03, [0])]));
}
