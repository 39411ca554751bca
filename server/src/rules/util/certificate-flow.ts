import type { CsToken, PolicyAttribute, PolicyDocument, PolicyElement, PolicyExpression, PolicySection } from '../../parsers/policy/types';
import { explicitNullTest, isCloser, isOpener } from './cs-tokens';
import { elementsNamed, getAttribute, inBranch, isSection, selfOrAncestor } from '../../parsers/policy/query';
import { RecentCache, isElementOf } from '../../parsers/policy/recent';
import { readBoolAttribute } from './bool-attribute';
import { certificateExpressions, type CertificateMemberUse, type ExpressionAnalysis } from './certificate-expressions';
import { includedFragments, reachedFragments } from './fragments';

/**
 * A static approximation of the policy's control flow, as far as the client certificate rules need it:
 * where the certificate is known to be non-null, and where a `{{named value}}` decides whether code runs.
 *
 * Non-null approximation (lenient on purpose: a false alarm on a correct policy costs more than a missed case):
 * - the use itself is null-safe (`cert?.X`);
 * - an explicit null test (`== null`, `!= null`, `is null`) of the certificate comes earlier in the same expression
 *   (`cert == null || cert.X`, `cert != null && cert.X`, `if (cert == null) { return …; } … cert.X`), or a `?.`
 *   comparison that stops the evaluation without a certificate (`cert?.Thumbprint != "…" || cert.X`);
 * - a `<when condition>` tests the certificate for null (`== null`, `!= null`, `is null`, `??`, `?.`): its body (unless
 *   the only test is `== null`), the later `<when>` / `<otherwise>` of the same `<choose>` (unless the condition holds
 *   only with a certificate, `!= null` or `!= null && …`: they run without one), and, when that `<when>`
 *   holds a `<return-response>` (or `!= null` is one of the `&&` operands of its condition, and every other branch, an
 *   `<otherwise>` among them, returns on every path), everything after the `<choose>`;
 * - any other earlier expression tests it explicitly (the `set-variable` that stores a validation result, which a later
 *   `<choose>` returns on);
 * - a `validate-client-certificate` without `ignore-error="true"` comes earlier (it answers 401 without a certificate).
 * "Earlier" follows the pipeline: the same section, or `inbound` before `backend` before `outbound`; never into `on-error`.
 * A guard inside a `<when>` / `<otherwise>` covers only what follows it in that branch; a `<choose>` with an `<otherwise>`
 * that guards on every branch (a guard of the branch's own, a condition that holds only with a certificate, a branch that
 * always returns) is a guard itself.
 */

/** Does what happens in section `from` still hold when section `to` runs later in the same request? */
function flowsInto(from: PolicySection | undefined, to: PolicySection | undefined): boolean {
  if (from === to) return true;
  if (from === 'inbound') return to === 'backend' || to === 'outbound';
  return from === 'backend' && to === 'outbound';
}

/**
 * The places that make the certificate non-null, indexed so that asking about one expression walks only its own
 * ancestors: one closure per place, asked for every use, was quadratic (8,000 `<when>` null tests with 8,000 reads after
 * them: the file ran out of its time budget).
 */
class Guards {
  /**
   * Per branch (the innermost `<when>` / `<otherwise>` holding the guard; null: none) and section, the earliest end of an
   * element after which the certificate is non-null: later in that branch, in that section and later ones. A guard in a
   * branch that may not run guards nothing after the branch.
   */
  private readonly after = new Map<PolicyElement | null, Map<PolicySection | undefined, number>>();
  /** Per branch, what `after` holds for it and every branch around it, merged (made when first asked, after the build). */
  private readonly reached = new Map<PolicyElement, ReadonlyMap<PolicySection | undefined, number>>();
  /** Each element's innermost `<when>` / `<otherwise>`, itself included (null: none), found once per element. */
  private readonly branches = new Map<PolicyElement, PolicyElement | null>();
  /** `<when>`s whose body runs only with a certificate, with the condition that says so (not guarded by itself). */
  private readonly bodies = new Map<PolicyElement, PolicyExpression>();
  /** `<when>`s whose condition tests the certificate, for `addChooses` (which asks whether it holds only with one). */
  private readonly tested = new Map<PolicyElement, ExpressionAnalysis>();
  /** Per parent of a guarding `<when>` (its `<choose>`), the start of the first: the `<when>` / `<otherwise>` after it are guarded. */
  private readonly firstWhen = new Map<PolicyElement, { start: number; condition: PolicyExpression }>();

  /** Each element's section, found once per element (a guard 8,000 `<choose>` deep asked from the root each time). */
  private readonly sections = new Map<PolicyElement, PolicySection | undefined>();

  /** Per element, whether it or an ancestor is a guarded scope (`guardsScope`), for `selfOrAncestor`. */
  private readonly enclosed = new Map<PolicyElement, boolean>();

  /** Does the certificate hold non-null in `scope` (a `<when>` body that tests it, or a branch after such a `<when>`)? One function object per Guards. */
  private readonly guardsScope = (scope: PolicyElement): boolean => this.bodies.has(scope) || this.afterFirstWhen(scope);

  /** What runs after `end` (the end of `el` or of one of its expressions), in `el`'s section or a later one. */
  addAfter(el: PolicyElement, end: number): void {
    const section = this.sectionOf(el);
    const branch = this.branchOf(el.parent);
    let bySection = this.after.get(branch);
    if (!bySection) this.after.set(branch, (bySection = new Map()));
    const earliest = bySection.get(section);
    if (earliest === undefined || end < earliest) bySection.set(section, end);
  }

  /**
   * A `<choose>` with an `<otherwise>` whose every branch leaves the certificate non-null (a guard in the branch itself,
   * a condition that holds only with a certificate, or a branch that always returns) guards what follows it. Innermost first
   * (reverse document order), so that a `<choose>` made a guard counts for the branch around it.
   */
  addChooses(doc: PolicyDocument, returns: Returns): void {
    // No guard in a branch and no <when> testing the certificate: a <choose> could qualify only by returning on every
    // branch, and then nothing follows it that runs (most policies: no walk at all).
    if (this.tested.size === 0 && (this.after.size === 0 || (this.after.size === 1 && this.after.has(null)))) return;
    const chooses = elementsNamed(doc, 'choose');
    for (let i = chooses.length - 1; i >= 0; i--) {
      const choose = chooses[i]!;
      // Without an <otherwise>, a request may take no branch.
      if (!choose.children.some((b) => b.name === 'otherwise')) continue;
      const every = choose.children.every((b) => {
        if (b.name !== 'when' && b.name !== 'otherwise') return true;
        if (this.after.has(b)) return true;
        const condition = this.tested.get(b);
        return (condition !== undefined && holdsOnlyWithCertificate(condition)) || returns.alwaysReturns(b);
      });
      if (every) this.addAfter(choose, choose.span.end);
    }
  }

  addWhen(condition: ExpressionAnalysis, when: PolicyElement, returns: boolean): void {
    // `when cert == null` runs its body only without a certificate; any other test may leave it non-null there.
    if (!condition.nullTests.every((t) => t.form === 'explicit' && t.isNull === true)) this.bodies.set(when, condition.expr);
    this.tested.set(when, condition);
    const choose = when.parent;
    if (!choose) return;
    // The later branches run when the condition is false: after `when cert != null` (and `cert != null && …`), that is
    // when there may be no certificate (a read there fails with a 500 whenever the certificate is missing).
    const first = this.firstWhen.get(choose);
    if ((first === undefined || when.span.start < first.start) && !holdsOnlyWithCertificate(condition)) this.firstWhen.set(choose, { start: when.span.start, condition: condition.expr });
    if (returns) this.addAfter(choose, choose.span.end);
  }

  covers(expr: PolicyExpression): boolean {
    const el = expr.owner.element;
    const section = this.sectionOf(el);
    // Most policies guard outside any branch, or not at all: then no branch needs finding.
    const seen = this.after.size === 0 || (this.after.size === 1 && this.after.has(null)) ? (this.after.get(null) ?? NO_GUARDS) : this.reach(this.branchOf(el));
    for (const [from, end] of seen) if (end <= expr.span.start && flowsInto(from, section)) return true;
    // The expression's own element, unless the guard is this expression (a `<when>`'s own condition); its ancestors
    // through remembered answers (each read walking up to the root was quadratic in a deep tree: 16,000 reads 16,000
    // `<choose><when>` deep took seconds). Above its own element no guard can be the expression: a guard's condition
    // belongs to the guarding `<when>` (in `bodies`) or to an earlier sibling of the branch (in `firstWhen`).
    const condition = this.bodies.get(el);
    if (condition !== undefined && condition !== expr) return true;
    if (this.afterFirstWhen(el, expr)) return true;
    return !!el.parent && selfOrAncestor(el.parent, this.guardsScope, this.enclosed);
  }

  /** Is `scope` a `<when>` / `<otherwise>` after the first guarding `<when>` of its `<choose>` (whose condition is not `expr`)? */
  private afterFirstWhen(scope: PolicyElement, expr?: PolicyExpression): boolean {
    if (scope.name !== 'when' && scope.name !== 'otherwise') return false;
    const first = scope.parent && this.firstWhen.get(scope.parent);
    return first !== undefined && first.start < scope.span.start && first.condition !== expr;
  }

  /** The guards seen from inside `branch`: its own, and those of every branch around it (null: outside any). */
  private reach(branch: PolicyElement | null): ReadonlyMap<PolicySection | undefined, number> {
    const walked: PolicyElement[] = [];
    let around: ReadonlyMap<PolicySection | undefined, number> | undefined;
    for (let b = branch; b !== null && around === undefined; b = this.branchOf(b.parent)) {
      around = this.reached.get(b);
      if (around === undefined) walked.push(b);
    }
    let answer: ReadonlyMap<PolicySection | undefined, number> = around ?? this.after.get(null) ?? NO_GUARDS;
    // Outermost first: each branch's answer is its own guards over the answer around it.
    for (let i = walked.length - 1; i >= 0; i--) {
      const own = this.after.get(walked[i]!);
      if (own) {
        const merged = new Map<PolicySection | undefined, number>(answer);
        for (const [section, end] of own) {
          const earliest = merged.get(section);
          if (earliest === undefined || end < earliest) merged.set(section, end);
        }
        answer = merged;
      }
      this.reached.set(walked[i]!, answer);
    }
    return answer;
  }

  /** The innermost `<when>` / `<otherwise>` that is `el` or holds it (null: none), remembered for every element walked. */
  private branchOf(el: PolicyElement | undefined): PolicyElement | null {
    const walked: PolicyElement[] = [];
    let found: PolicyElement | null = null;
    for (let e = el; e; e = e.parent) {
      const known = this.branches.get(e);
      if (known !== undefined) {
        found = known;
        break;
      }
      walked.push(e);
      if (e.name === 'when' || e.name === 'otherwise') {
        found = e;
        break;
      }
    }
    for (const w of walked) this.branches.set(w, found);
    return found;
  }

  /** `sectionOf`, remembered for the element and every ancestor walked on the way. */
  private sectionOf(el: PolicyElement): PolicySection | undefined {
    const walked: PolicyElement[] = [];
    let e: PolicyElement | undefined = el;
    while (e && !this.sections.has(e) && !isSection(e)) {
      walked.push(e);
      e = e.parent;
    }
    const section = e === undefined ? undefined : isSection(e) ? (e.name as PolicySection) : this.sections.get(e);
    for (const w of walked) this.sections.set(w, section);
    return section;
  }
}

const NO_GUARDS: ReadonlyMap<PolicySection | undefined, number> = new Map();

const guardCache = new RecentCache<PolicyDocument, Guards>(4);

function guardsOf(doc: PolicyDocument): Guards {
  // Included fragments are resolved per lint: a document that has some is not cached by itself.
  return includedFragments(doc).length > 0 ? buildGuards(doc) : guardCache.get(doc, buildGuards);
}

function buildGuards(doc: PolicyDocument): Guards {
  const guards = new Guards();
  const returns = new Returns();
  // A fragment that answers without a certificate (validate-client-certificate, a null check that returns) guards
  // what follows its <include-fragment>, as the same elements written in place would.
  for (const f of reachedFragments(doc)) {
    if (rejectsMissingCertificateHere(f.doc)) guards.addAfter(f.include, f.include.span.end);
  }
  for (const v of elementsNamed(doc, 'validate-client-certificate')) {
    const ignore = readBoolAttribute(v, 'ignore-error');
    if (ignore.kind === 'literal' && ignore.value) continue;
    guards.addAfter(v, v.span.end);
  }
  for (const a of certificateExpressions(doc)) {
    const when = whenOfCondition(a.expr);
    if (when && a.nullTests.length > 0) guards.addWhen(a, when, returns.somewhere(when) || elseReturns(a, when, returns));
    else if (a.nullTests.some((t) => t.form === 'explicit')) guards.addAfter(a.expr.owner.element, a.expr.span.end);
  }
  guards.addChooses(doc, returns);
  return guards;
}

/**
 * Does the document (a fragment, or the part of a policy that `where` keeps) end a request without a client
 * certificate: validate-client-certificate, or a `<when>` null test that returns?
 */
export function rejectsMissingCertificate(doc: PolicyDocument, where: (el: PolicyElement) => boolean = () => true, everyRequest = false): boolean {
  if (rejectsMissingCertificateHere(doc, where)) return true;
  // With `everyRequest`, a fragment counts only when no branch on the way, nor in it, holds the check.
  const inFragment = everyRequest ? (el: PolicyElement) => !inBranch(el) : () => true;
  return reachedFragments(doc).some((f) => where(f.include) && !(everyRequest && f.conditional) && rejectsMissingCertificateHere(f.doc, inFragment));
}


/** `rejectsMissingCertificate` by the document's own elements, without the fragments it includes. */
function rejectsMissingCertificateHere(doc: PolicyDocument, where: (el: PolicyElement) => boolean = () => true): boolean {
  const returns = new Returns();
  const validates = elementsNamed(doc, 'validate-client-certificate').some((v) => {
    const ignore = readBoolAttribute(v, 'ignore-error');
    return !(ignore.kind === 'literal' && ignore.value) && where(v);
  });
  if (validates) return true;
  return certificateExpressions(doc).some((a) => {
    const when = whenOfCondition(a.expr);
    return when !== undefined && where(when) && ((returns.somewhere(when) && a.nullTests.some((t) => t.form === 'explicit' && t.isNull === true)) || elseReturns(a, when, returns));
  });
}

/**
 * `when cert != null` whose later branches, an `<otherwise>` among them, all return (the "go on with a certificate,
 * else 401" form): no request without a certificate gets past the `<choose>`.
 */
function elseReturns(condition: ExpressionAnalysis, when: PolicyElement, returns: Returns): boolean {
  // The condition holds only with a certificate: `cert != null && …`, never `cert != null || …`, `| …`, `!(cert != null)`
  // or a conditional.
  if (!holdsOnlyWithCertificate(condition)) return false;
  // Every other branch returns, an earlier <when> too (a request it takes never reaches this test).
  return when.parent !== undefined && returns.otherBranchesReturn(when.parent, when);
}

/**
 * Is a `!= null` / `is not null` test of the certificate one of the conjuncts of the value: `@(cert != null && …)`, or
 * the expression of the only `return` of a `@{…}` block that ends with it (`var cert = …; return cert != null;`)?
 */
function holdsOnlyWithCertificate(condition: ExpressionAnalysis): boolean {
  const tokens = condition.expr.tokens;
  const tests = condition.nullTests.flatMap((t) => {
    if (t.form !== 'explicit' || t.isNull !== false) return [];
    const range = explicitNullTest(tokens, t.ref.start, t.ref.end);
    return range ? [range] : [];
  });
  if (tests.length === 0) return false;
  let from = 0;
  let to = tokens.length;
  if (condition.expr.kind === 'multi') {
    const returns = tokens.flatMap((t, i) => (t.kind === 'keyword' && t.text === 'return' ? [i] : []));
    if (returns.length !== 1 || tokens[to - 1]?.text !== ';') return false;
    from = returns[0]! + 1;
    to -= 1;
    if (tokens.slice(0, from).some((t) => t.kind === 'keyword' && ['if', 'switch', 'try', 'throw', 'for', 'foreach', 'while', 'do', 'goto'].includes(t.text))) return false;
  }
  return conjunctTest(tokens, from, to, tests);
}

/**
 * Is one of the `&&` operands of tokens[from, to) (brackets stripped) one of the tests, or such a conjunction itself?
 * Linear in the tokens, without recursion: an operand is split further only at its own level, jumping over each bracket
 * pair (a condition 50,000 brackets deep took 9 s, and 20,000 nested `&&` overflowed the stack).
 */
function conjunctTest(tokens: readonly CsToken[], from0: number, to0: number, tests: readonly { from: number; to: number }[]): boolean {
  const close = bracketPairs(tokens, from0, to0);
  // Each test by its bounds, looked up per operand (a scan of the tests per operand: tests × operands).
  const width = tokens.length + 1;
  const tested = new Set(tests.map((t) => t.from * width + t.to));
  const ranges: [number, number][] = [[from0, to0]];
  while (ranges.length > 0) {
    let [from, to] = ranges.pop()!;
    while (from < to && tokens[from]!.text === '(' && close[from - from0] === to - 1) {
      from++;
      to--;
    }
    if (tested.has(from * width + to - 1)) return true;
    const parts: [number, number][] = [];
    let start = from;
    let i = from;
    while (i < to) {
      const t = tokens[i]!;
      if (isOpener(t)) {
        const end = close[i - from0]!;
        // An unclosed bracket (or one closed past the operand): nothing after it is at this level.
        if (end < 0 || end >= to) break;
        i = end + 1;
        continue;
      }
      // A stray closing bracket, or a statement's end: not a conjunction.
      if (isCloser(t) || t.text === ';') {
        parts.length = 0;
        break;
      }
      if (t.text === '&&') {
        parts.push([start, i]);
        start = i + 1;
      }
      i++;
    }
    if (parts.length === 0) continue;
    parts.push([start, to]);
    ranges.push(...parts);
  }
  return false;
}

/** For each token of [from, to), the index of the bracket that closes it when it opens one (any kind), else -1. */
function bracketPairs(tokens: readonly CsToken[], from: number, to: number): Int32Array {
  const close = new Int32Array(to - from).fill(-1);
  const open: number[] = [];
  for (let i = from; i < to; i++) {
    if (isOpener(tokens[i])) open.push(i);
    else if (isCloser(tokens[i]) && open.length > 0) close[open.pop()! - from] = i;
  }
  return close;
}

/**
 * Where `<return-response>` ends a request, each element's answer computed once, bottom-up and without recursion (a
 * `<choose>` nested 2,000 deep overflowed the stack; each `<when>` asking again about its whole body was quadratic).
 */
class Returns {
  /** A `<return-response>` among the element's descendants (in a branch that may not run too). */
  private readonly anywhere = new Map<PolicyElement, boolean>();
  /** Every way through the element ends in a `<return-response>`: one among its children, or a `<choose>` with an `<otherwise>` whose branches all do. */
  private readonly always = new Map<PolicyElement, boolean>();
  /** Per `<choose>` (or any parent of branches): its `<when>` / `<otherwise>` children, those with an `<otherwise>`, and those that always return. */
  private readonly branches = new Map<PolicyElement, { count: number; otherwise: number; returning: number }>();

  somewhere(el: PolicyElement): boolean {
    this.fill(el);
    return this.anywhere.get(el)!;
  }

  /** Does every way through the element end in a `<return-response>`? */
  alwaysReturns(el: PolicyElement): boolean {
    this.fill(el);
    return this.always.get(el)!;
  }

  /** Do the `<when>` / `<otherwise>` children of `parent` other than `branch`, an `<otherwise>` among them, all return on every path? */
  otherBranchesReturn(parent: PolicyElement, branch: PolicyElement): boolean {
    this.fill(parent);
    const b = this.branchesOf(parent);
    const own = branch.name === 'when' || branch.name === 'otherwise';
    const others = b.count - (own ? 1 : 0);
    const otherwise = b.otherwise - (branch.name === 'otherwise' ? 1 : 0);
    const returning = b.returning - (own && this.always.get(branch) ? 1 : 0);
    return otherwise > 0 && returning === others;
  }

  /** Answers for `root` and everything under it (an explicit stack: each element is pushed once, finished once). */
  private fill(root: PolicyElement): void {
    if (this.anywhere.has(root)) return;
    const stack: { el: PolicyElement; expanded: boolean }[] = [{ el: root, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (!top.expanded) {
        top.expanded = true;
        for (const c of top.el.children) if (!this.anywhere.has(c)) stack.push({ el: c, expanded: false });
        continue;
      }
      stack.pop();
      const el = top.el;
      this.anywhere.set(el, el.children.some((c) => c.name === 'return-response' || this.anywhere.get(c)));
      this.always.set(
        el,
        el.children.some((c) => {
          if (c.name === 'return-response') return true;
          if (c.name !== 'choose') return false;
          const b = this.branchesOf(c);
          return b.otherwise > 0 && b.returning === b.count;
        }),
      );
    }
  }

  /** The counts of `parent`'s branches, from their answers (which `fill` makes first). */
  private branchesOf(parent: PolicyElement): { count: number; otherwise: number; returning: number } {
    let b = this.branches.get(parent);
    if (!b) {
      b = { count: 0, otherwise: 0, returning: 0 };
      for (const c of parent.children) {
        if (c.name !== 'when' && c.name !== 'otherwise') continue;
        b.count++;
        if (c.name === 'otherwise') b.otherwise++;
        if (this.always.get(c)) b.returning++;
      }
      this.branches.set(parent, b);
    }
    return b;
  }
}

/** The `<when>` whose `condition` is this expression. */
function whenOfCondition(expr: PolicyExpression): PolicyElement | undefined {
  const el = expr.owner.element;
  return el.name === 'when' && expr.owner.attribute?.name === 'condition' ? el : undefined;
}

/** Does the element hold a `<return-response>` (at any depth)? */
export function hasReturnResponse(el: PolicyElement): boolean {
  const stack = [el];
  while (stack.length > 0) {
    for (const c of stack.pop()!.children) {
      if (c.name === 'return-response') return true;
      stack.push(c);
    }
  }
  return false;
}

/**
 * Is the certificate known to be non-null where this member is used (see the approximation above)? `testedBy`: where
 * the expression's first null test that guards what follows it ends (Infinity: none).
 */
function knownNonNull(guards: () => Guards, analysis: ExpressionAnalysis, use: CertificateMemberUse, testedBy: number): boolean {
  if (use.conditional) return true;
  if (testedBy < use.ref.start) return true;
  return guards().covers(analysis.expr);
}

/** The member uses of the certificate in the document that may run with a null certificate. */
export function unguardedUses(doc: PolicyDocument): CertificateMemberUse[] {
  // The guards once per call: a document that includes fragments has them built again per call of guardsOf.
  let built: Guards | undefined;
  const guards = (): Guards => (built ??= guardsOf(doc));
  const out: CertificateMemberUse[] = [];
  for (const a of certificateExpressions(doc)) {
    // Once per expression, not per use (uses × tests: 64,000 of each took 10 s).
    let testedBy = Infinity;
    for (const t of a.nullTests) if ((t.form === 'explicit' || t.shortCircuits) && t.ref.end < testedBy) testedBy = t.ref.end;
    const first = a.uses.find((u) => !knownNonNull(guards, a, u, testedBy));
    if (first) out.push(first);
  }
  return out;
}

/**
 * Does a `{{named value}}` decide whether the token at `index` runs? True when one appears earlier in the same expression
 * (`{{validate-certificate-chain}} && !cert.VerifyNoRevocation()`, `if ({{x}}) { … }`) or in the condition of an
 * enclosing `<when>`. A named value is true or false depending on the environment.
 */
export function namedValueGuarded(expr: PolicyExpression, index: number): boolean {
  if ((namedValueIndexes(expr)[0] ?? Infinity) < index) return true;
  const el = expr.owner.element;
  // The expression's own element, unless it is that <when>'s condition; its ancestors through a remembered answer (each
  // call walking up to the root was quadratic in a deep tree: 16,000 Verify() calls 16,000 deep took 38 s).
  const own = namedValueCondition(el);
  if (own && own !== expr.owner.attribute) return true;
  return !!el.parent && selfOrAncestor(el.parent, isNamedValueWhen);
}

const isNamedValueWhen = (w: PolicyElement): boolean => namedValueCondition(w) !== undefined;

/** The condition of a `<when>` when it holds a `{{named value}}`. */
function namedValueCondition(w: PolicyElement): PolicyAttribute | undefined {
  const condition = w.name === 'when' ? getAttribute(w, 'condition') : undefined;
  return condition?.rawValue.includes('{{') ? condition : undefined;
}

/** The last expressions asked about (their calls are asked one after another): a cache, not a WeakMap (see RecentCache). */
const namedValueAt = new RecentCache<PolicyExpression, number[]>(4, (expr, _, doc) => isElementOf(doc, expr.owner.element));

/** Where the expression's `{{named value}}` tokens are, in token order, found once per expression. */
export function namedValueIndexes(expr: PolicyExpression): number[] {
  return namedValueAt.get(expr, (e) => {
    const out: number[] = [];
    e.tokens.forEach((t, i) => {
      if (t.kind === 'namedValue') out.push(i);
    });
    return out;
  });
}
