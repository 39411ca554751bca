import { inBranch } from '../../parsers/policy/query';
import type { PolicyDocument, PolicyElement } from '../../parsers/policy/types';

/**
 * The policy fragments a policy includes (`<include-fragment fragment-id="…">`) that the workspace holds, as the engine
 * resolved them before the rules ran (see `engine/fragments.ts`). A fragment's elements run in place of the include, so
 * a `validate-client-certificate`, a null check or a thumbprint pin in it counts for the policy.
 */
export interface IncludedFragment {
  /** The `<include-fragment>` element. */
  include: PolicyElement;
  file: string;
  doc: PolicyDocument;
}

const included = new WeakMap<PolicyDocument, readonly IncludedFragment[]>();

export function setIncludedFragments(doc: PolicyDocument, fragments: readonly IncludedFragment[]): void {
  if (fragments.length > 0) included.set(doc, fragments);
  else included.delete(doc);
}

/** The fragments `doc` includes that were found, in document order (none when it includes none, or none was found). */
export function includedFragments(doc: PolicyDocument): readonly IncludedFragment[] {
  return included.get(doc) ?? [];
}

/** An included fragment, or a fragment included by one, seen from the policy that includes the first. */
export interface ReachedFragment extends IncludedFragment {
  /** Reached through an `<include-fragment>` inside a `<when>` / `<otherwise>` of a fragment on the way. */
  conditional: boolean;
}

/**
 * The fragments `doc` includes and, in turn, those they include (each once; a cycle is cut), in document order. `include`
 * is always the `<include-fragment>` of `doc` through which the fragment runs, so positions compare within `doc`.
 */
export function reachedFragments(doc: PolicyDocument): ReachedFragment[] {
  const direct = includedFragments(doc);
  if (direct.length === 0) return [];
  const out: ReachedFragment[] = [];
  const seen = new Set<PolicyDocument>([doc]);
  const visit = (from: PolicyDocument, include: PolicyElement, conditional: boolean): void => {
    for (const f of includedFragments(from)) {
      if (seen.has(f.doc)) continue;
      seen.add(f.doc);
      const branch = conditional || inBranch(f.include);
      out.push({ include, file: f.file, doc: f.doc, conditional: branch });
      visit(f.doc, include, branch);
    }
  };
  for (const f of direct) {
    if (seen.has(f.doc)) continue;
    seen.add(f.doc);
    out.push({ ...f, conditional: false });
    visit(f.doc, f.include, false);
  }
  return out;
}
