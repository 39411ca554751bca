import { RecentCache, isElementOf } from './recent';
import type { PolicyAttribute, PolicyDocument, PolicyElement, PolicySection } from './types';

const SECTIONS: ReadonlySet<string> = new Set(['inbound', 'backend', 'outbound', 'on-error']);

const byName = new RecentCache<PolicyDocument, Map<string, PolicyElement[]>>(4);

/**
 * All elements with this name, in document order. Cached per document (a dozen rules ask for the same name):
 * the array is shared, don't modify it.
 */
export function elementsNamed(doc: PolicyDocument, name: string): PolicyElement[] {
  const names = byName.get(doc, () => new Map());
  let found = names.get(name);
  if (!found) names.set(name, (found = doc.elements.filter((el) => el.name === name)));
  return found;
}

/**
 * False when no token of the document's expressions can be `word`, so an analysis looking for it can stop before
 * reading a token. Token texts are the source with entities decoded, and only a numeric character reference (`&#…;`)
 * can spell a letter: a document holding neither the word nor `&#` can't have it. One native search of the text.
 */
export function mayMention(doc: PolicyDocument, word: string): boolean {
  return doc.text.includes(word) || doc.text.includes('&#');
}

/** The first attribute with this name. */
export function getAttribute(el: PolicyElement, name: string): PolicyAttribute | undefined {
  return el.attributes.find((a) => a.name === name);
}

/** Direct children, optionally only those with this name. */
export function childElements(el: PolicyElement, name?: string): PolicyElement[] {
  return name === undefined ? el.children : el.children.filter((c) => c.name === name);
}

/** Parent first, root last. */
export function ancestors(el: PolicyElement): PolicyElement[] {
  const out: PolicyElement[] = [];
  for (let p = el.parent; p; p = p.parent) out.push(p);
  return out;
}

/** Is the element inside a `<when>` or `<otherwise>` (at any depth), which some requests skip? */
export function inBranch(el: PolicyElement): boolean {
  return !!el.parent && selfOrAncestor(el.parent, isBranch);
}

const isBranch = (e: PolicyElement): boolean => e.name === 'when' || e.name === 'otherwise';

/**
 * Per document (by its root element), and per test, the answers `selfOrAncestor` found. Maps in a cache of the last
 * few documents, not WeakMaps keyed by elements: V8 processes every WeakMap entry whose key is young at each
 * young-generation collection, and WeakMaps of every element parsed made a whole-workspace lint 30 % slower.
 */
/** Ancestors looked at before `selfOrAncestor` turns to its memo. */
const SHORT_WALK = 32;

const answers = new RecentCache<PolicyElement, Map<(e: PolicyElement) => boolean, Map<PolicyElement, boolean>>>(4, (root, _, doc) => isElementOf(doc, root));

/**
 * Does `test` hold for the element or one of its ancestors? Every element met on the way up is remembered with the
 * answer (per document and per `test`, which must be one function object, not a new closure per call): rules ask for
 * each element, and each walking up to the root was quadratic in a deep tree (8,000 elements under 8,000 nested ones:
 * seconds per rule). `memo`: where to remember the answers instead, when `test` is made per document (a Map kept with
 * what the test reads, itself in a per-document cache): it must hold answers of this `test` only.
 */
export function selfOrAncestor(el: PolicyElement, test: (e: PolicyElement) => boolean, memo?: Map<PolicyElement, boolean>): boolean {
  // Real policies are a few levels deep: a short walk answers without a memo.
  let steps = 0;
  for (let e: PolicyElement | undefined = el; steps < SHORT_WALK; e = e.parent, steps++) {
    if (!e) return false;
    if (test(e)) return true;
  }
  if (!memo) {
    const root = el.topLevel?.parent ?? el;
    const byTest = answers.get(root, () => new Map());
    memo = byTest.get(test);
    if (!memo) byTest.set(test, (memo = new Map()));
  }
  const path: PolicyElement[] = [];
  let answer = false;
  for (let e: PolicyElement | undefined = el; e; e = e.parent) {
    const known = memo.get(e);
    if (known !== undefined) {
      answer = known;
      break;
    }
    path.push(e);
    if (test(e)) {
      answer = true;
      break;
    }
  }
  for (const e of path) memo.set(e, answer);
  return answer;
}

/** Elements whose values are only reported: logged, traced, measured. */
const REPORTING = new Set(['trace', 'log-to-eventhub', 'emit-metric', 'llm-emit-token-metric']);

/**
 * Is a value computed in this element only reported, never decided on: written into what `<return-response>` sends
 * back (a 403 body that echoes a header), or into a trace, log or metric?
 */
export function onlyReported(el: PolicyElement): boolean {
  return selfOrAncestor(el, isReporting);
}

const isReporting = (e: PolicyElement): boolean => e.name === 'return-response' || REPORTING.has(e.name);

/** The policy section holding the element (itself included): a section directly under the root `<policies>`. */
export function sectionOf(el: PolicyElement): PolicySection | undefined {
  // A section is a child of the root: the only candidate above an element is its top-level ancestor.
  const top = el.topLevel;
  return top && isSection(top) ? (top.name as PolicySection) : undefined;
}

/** Is the element one of the sections (`<inbound>`…) of the root `<policies>`? */
export function isSection(el: PolicyElement): boolean {
  return SECTIONS.has(el.name) && el.parent?.name === 'policies' && !el.parent.parent;
}

/** The innermost element whose span contains the offset. */
export function elementAt(doc: PolicyDocument, offset: number): PolicyElement | undefined {
  const contains = (el: PolicyElement): boolean => el.span.start <= offset && offset <= el.span.end;
  let found = doc.root && contains(doc.root) ? doc.root : undefined;
  for (let next = found; next; ) {
    found = next;
    next = next.children.find(contains);
  }
  return found;
}
