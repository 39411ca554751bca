import { RecentCache } from './recent';
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
  return !!el.parent && selfOrAncestor(el.parent, isBranch, branches);
}

const branches = new WeakMap<PolicyElement, boolean>();
const isBranch = (e: PolicyElement): boolean => e.name === 'when' || e.name === 'otherwise';

/**
 * Does `test` hold for the element or one of its ancestors? Answered through `memo` (one per test), which remembers every
 * element met on the way up: rules ask for each element, and each walking up to the root was quadratic in a deep tree
 * (8,000 elements under 8,000 nested ones: seconds per rule).
 */
export function selfOrAncestor(el: PolicyElement, test: (e: PolicyElement) => boolean, memo: WeakMap<PolicyElement, boolean>): boolean {
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
  return selfOrAncestor(el, isReporting, reported);
}

const reported = new WeakMap<PolicyElement, boolean>();
const isReporting = (e: PolicyElement): boolean => e.name === 'return-response' || REPORTING.has(e.name);

/** The policy section holding the element (itself included): a section directly under the root `<policies>`. */
export function sectionOf(el: PolicyElement): PolicySection | undefined {
  // A section is a child of the root: the only candidate above an element is its top-level ancestor.
  const top = topLevelOf(el);
  return top && isSection(top) ? (top.name as PolicySection) : undefined;
}

const topLevels = new WeakMap<PolicyElement, PolicyElement>();

/**
 * The child of a root that holds the element (the element itself when it is one); undefined for a root. Remembered
 * per element, with every element met on the way up: rules ask for each element, and each asking the whole chain of
 * ancestors was quadratic in a deep tree (8,000 nested levels: seconds).
 */
export function topLevelOf(el: PolicyElement): PolicyElement | undefined {
  const path: PolicyElement[] = [];
  let top: PolicyElement | undefined;
  for (let e: PolicyElement | undefined = el; e?.parent; e = e.parent) {
    top = topLevels.get(e);
    if (top) break;
    path.push(e);
    if (!e.parent.parent) top = e;
  }
  if (top) for (const e of path) topLevels.set(e, top);
  return top;
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
