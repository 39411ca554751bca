import type { PolicyAttribute, PolicyElement } from '../../parsers/policy/types';
import { getAttribute } from '../../parsers/policy/query';
import { hasTemplatePlaceholder } from './placeholder';

const NAMED_VALUE_ONLY = /^\s*\{\{([A-Za-z0-9._-]+)\}\}\s*$/;

/**
 * What a boolean policy attribute holds, as a static checker sees it:
 * absent (the policy default applies), a literal, a `{{named value}}` or a template's `${var}` (true or false), a policy expression
 * (not allowed in these attributes) or anything else.
 */
export type BoolAttribute =
  | { kind: 'absent' }
  | { kind: 'literal'; value: boolean; attribute: PolicyAttribute }
  /**
   * Filled in before deployment: a `{{named value}}` (`name` its name), or a template's placeholder (`${var}`:
   * `template`, and `name` the value as written). `written` is how to show it.
   */
  | { kind: 'named'; name: string; written: string; template?: true; attribute: PolicyAttribute }
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
  if (named) return { kind: 'named', name: named[1]!, written: `{{${named[1]!}}}`, attribute };
  const written = attribute.value.trim();
  if (hasTemplatePlaceholder(written)) return { kind: 'named', name: written, written, template: true, attribute };
  return { kind: 'invalid', attribute };
}

