import type { Rule } from './types';
import { policyXmlSyntax } from './policy-xml-syntax';

/** Every rule, in the order the docs list them. Ids are fixed: the CLI, settings and docs use them. */
export const allRules: readonly Rule[] = [policyXmlSyntax];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.id === id);
}
