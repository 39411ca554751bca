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
