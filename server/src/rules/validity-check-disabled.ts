import { elementsNamed } from '../parsers/policy/query';
import type { PolicyRule } from './types';
import { readBoolAttribute } from './util/bool-attribute';
import { attributeSpan, setAttributeEdit } from './util/policy-edit';

const CHECKS: readonly { name: string; accepts: string }[] = [
  { name: 'validate-not-before', accepts: 'not yet valid' },
  { name: 'validate-not-after', accepts: 'expired' },
];

/** `validate-not-before` / `validate-not-after` set to false: certificates outside their validity period pass. */
export const validityCheckDisabled: PolicyRule = {
  id: 'validity-check-disabled',
  target: 'policy',
  defaultLevel: 'warning',
  description: 'validate-client-certificate with validate-not-before or validate-not-after set to false: expired or not-yet-valid certificates pass.',
  check(ctx) {
    for (const el of elementsNamed(ctx.doc, 'validate-client-certificate')) {
      for (const { name, accepts } of CHECKS) {
        const setting = readBoolAttribute(el, name);
        if (setting.kind !== 'literal' || setting.value) continue;
        ctx.report({
          span: attributeSpan(setting.attribute),
          message: `${name}="false": ${accepts} client certificates are accepted. Set it to "true" (the default) or remove it.`,
          fixes: [{ title: `Set ${name}="true"`, edits: [setAttributeEdit(ctx.file, el, name, 'true')], preferred: true }],
        });
      }
    }
  },
};
