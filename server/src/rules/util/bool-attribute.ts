import type { PolicyAttribute, PolicyElement } from '../../parsers/policy/types';
import { getAttribute } from '../../parsers/policy/query';

const NAMED_VALUE_ONLY = /^\s*\{\{([A-Za-z0-9._-]+)\}\}\s*$/;

/**
 * What a boolean policy attribute holds, as a static checker sees it:
 * absent (the policy default applies), a literal, a `{{named value}}` (true or false), a policy expression
 * (not allowed in these attributes) or anything else.
 */
export type BoolAttribute =
  | { kind: 'absent' }
  | { kind: 'literal'; value: boolean; attribute: PolicyAttribute }
  | { kind: 'named'; name: string; attribute: PolicyAttribute }
  | { kind: 'expression'; attribute: PolicyAttribute }
  | { kind: 'invalid'; attribute: PolicyAttribute };

/** Reads a boolean attribute of `el`. `true` / `false` are accepted in any case, surrounded by blanks. */
export function readBoolAttribute(el: PolicyElement, name: string): BoolAttribute {
  const attribute = getAttribute(el, name);
  if (!attribute) return { kind: 'absent' };
  if (attribute.expression) return { kind: 'expression', attribute };
  const value = attribute.value.trim().toLowerCase();
  if (value === 'true' || value === 'false') return { kind: 'literal', value: value === 'true', attribute };
  const named = NAMED_VALUE_ONLY.exec(attribute.value);
  if (named) return { kind: 'named', name: named[1]!, attribute };
  return { kind: 'invalid', attribute };
}

