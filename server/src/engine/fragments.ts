import * as path from 'node:path';
import { elementsNamed, getAttribute } from '../parsers/policy';
import type { PolicyDocument } from '../parsers/policy/types';
import type { WorkspaceModel } from '../model/types';
import { inlinePolicyDoc } from '../rules/util/bicep-policies';
import { setIncludedFragments, type IncludedFragment } from '../rules/util/fragments';
import { hasPlaceholder } from '../rules/util/placeholder';

/** How many folders up from a policy an APIOps artifacts folder (with its `policyFragments/`) is looked for. */
const MAX_LEVELS_UP = 8;
/** How deep fragments included by fragments are followed. */
const MAX_DEPTH = 8;

/**
 * Resolves the fragments `doc` includes, and those they include in turn (to `MAX_DEPTH`; a cycle is cut), and records
 * them on each document for the rules (`includedFragments`, `reachedFragments`).
 */
export function resolveFragments(doc: PolicyDocument, file: string, model: WorkspaceModel, policyAt: (file: string) => PolicyDocument | undefined): void {
  const resolving = new Set<PolicyDocument>();
  const visit = (d: PolicyDocument, f: string, depth: number): void => {
    if (resolving.has(d)) return;
    resolving.add(d);
    const found = depth < MAX_DEPTH ? resolveIncludedFragments(d, f, model, policyAt) : [];
    setIncludedFragments(d, found);
    for (const fragment of found) visit(fragment.doc, fragment.file, depth + 1);
  };
  visit(doc, file, 0);
}

/**
 * The fragments a policy's `<include-fragment fragment-id="…">` elements name, found in the workspace: a Bicep
 * `policyFragments` resource of that name loading a file (the one nearest the policy when several services define
 * one) or written in its string, or the layout of the APIOps extractor (`policyFragments/<id>/policy.xml`, older `policy fragments/<id>/policy.xml`,
 * in a folder above the policy), a `fragments/<id>.xml` (or `policy-fragments/<id>.xml`) above it, or `<id>.fragment.xml`
 * beside it. `policyAt` reads (and records) each candidate; one whose root isn't `<fragment>` is
 * skipped. Fragments inside fragments are followed by `resolveFragments`.
 */
export function resolveIncludedFragments(doc: PolicyDocument, file: string, model: WorkspaceModel, policyAt: (file: string) => PolicyDocument | undefined): IncludedFragment[] {
  if (!doc.text.includes('include-fragment')) return [];
  const out: IncludedFragment[] = [];
  // Each id looked up once, and at most MAX_IDS of them: 90,000 includes in one file were 90,000 searches of the disk
  // layout (a minute, a gigabyte).
  const byId = new Map<string, { file: string; doc: PolicyDocument } | undefined>();
  for (const include of elementsNamed(doc, 'include-fragment')) {
    const id = getAttribute(include, 'fragment-id')?.value.trim();
    if (!id || hasPlaceholder(id) || /[\\/]/.test(id)) continue;
    if (!byId.has(id)) {
      if (byId.size >= MAX_IDS) continue;
      byId.set(id, fromFiles(file, id, model, policyAt) ?? fromBicepStrings(id, model));
    }
    const found = byId.get(id);
    if (found) out.push({ include, ...found });
  }
  return out;
}

/** Distinct fragment ids one policy's includes are resolved for (real policies include a handful). */
const MAX_IDS = 256;

function fromFiles(file: string, id: string, model: WorkspaceModel, policyAt: (file: string) => PolicyDocument | undefined): { file: string; doc: PolicyDocument } | undefined {
  for (const candidate of candidates(file, id, model)) {
    if (candidate === file) continue;
    const fragment = policyAt(candidate);
    if (fragment?.root?.name === 'fragment') return { file: candidate, doc: fragment };
  }
  return undefined;
}

/** A fragment written in a Bicep string (`value: '''<fragment>…'''`), parsed once per string. */
function fromBicepStrings(id: string, model: WorkspaceModel): { file: string; doc: PolicyDocument } | undefined {
  for (const { file, inline } of model.inlineFragments(id)) {
    const doc = inlinePolicyDoc(inline);
    if (doc.root?.name === 'fragment') return { file, doc };
  }
  return undefined;
}


function candidates(file: string, id: string, model: WorkspaceModel): string[] {
  const dir = path.dirname(file);
  // Several services of a repository may define a fragment of the same id: the one nearest the policy first.
  const deployed = [...model.fragmentFiles(id)].sort((a, b) => sharedDepth(b, dir) - sharedDepth(a, dir));
  const out = [...deployed, path.join(dir, `${id}.fragment.xml`)];
  for (let at = dir, level = 0; level < MAX_LEVELS_UP; level++) {
    out.push(
      path.join(at, 'policyFragments', id, 'policy.xml'),
      path.join(at, 'policy fragments', id, 'policy.xml'),
      path.join(at, 'fragments', `${id}.xml`),
      path.join(at, 'policy-fragments', `${id}.xml`),
    );
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  return out;
}

/** How many leading folders two paths share. */
function sharedDepth(file: string, dir: string): number {
  const a = path.dirname(file).split(path.sep);
  const b = dir.split(path.sep);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
