import type { Fix } from '../core/finding';
import type { PolicyAttribute, PolicyElement } from '../parsers/policy/types';
import { elementsNamed, getAttribute } from '../parsers/policy/query';
import type { PolicyRuleContext, PolicyRule } from './types';
import { readBoolAttribute } from './util/bool-attribute';
import { VALIDATE_CLIENT_CERTIFICATE_ATTRIBUTES } from './util/attribute-docs';
import { IDENTITY_ATTRIBUTES, identityElements } from './util/identity';
import { nearest } from '../core/nearest';
import { attributeSpan, removeAttributeEdit } from './util/policy-edit';

/** The boolean attributes of validate-client-certificate [facts §1]. */
const VCC_BOOLEANS: readonly string[] = VALIDATE_CLIENT_CERTIFICATE_ATTRIBUTES.filter((a) => a.type.kind === 'boolean').map((a) => a.name);
/** Its attributes: the booleans, and an optional `id`, which the policy's XML schema declares (as it does on other policies). */
const VCC_ATTRIBUTES: readonly string[] = VALIDATE_CLIENT_CERTIFICATE_ATTRIBUTES.map((a) => a.name);
const OTHER_ISSUER_ATTRIBUTES: readonly string[] = ['issuer-subject', 'issuer-thumbprint'];
/** A rename is the preferred fix only when the name is this close to a valid one. */
const PREFERRED_DISTANCE = 3;
const OBVIOUS_BOOLS: ReadonlyMap<string, string> = new Map([
  ['1', 'true'],
  ['yes', 'true'],
  ['on', 'true'],
  ['0', 'false'],
  ['no', 'false'],
  ['off', 'false'],
]);

/** Unknown or malformed attributes on validate-client-certificate and `<identity>`. */
export const policyAttributes: PolicyRule = {
  id: 'policy-attributes',
  target: 'policy',
  defaultLevel: 'error',
  description: 'Unknown attributes, non-boolean values and conflicting issuer attributes on validate-client-certificate and <identity>: API Management rejects the policy.',
  check(ctx) {
    for (const el of elementsNamed(ctx.doc, 'validate-client-certificate')) {
      checkNames(ctx, el, VCC_ATTRIBUTES);
      for (const name of VCC_BOOLEANS) checkBoolean(ctx, el, name);
      for (const identity of identityElements(el)) {
        checkNames(ctx, identity, IDENTITY_ATTRIBUTES);
        checkIssuerConflict(ctx, identity);
      }
    }
  },
};

function checkNames(ctx: PolicyRuleContext, el: PolicyElement, known: readonly string[]): void {
  // From the start tag's first syntax problem on (a raw quote that ended a value early: `subject="O="Contoso, Inc.""`),
  // what reads as attributes is the rest of that value: policy-xml-syntax says so, once, not as unknown attributes.
  const broken = ctx.doc.problems.find((p) => p.span.start >= el.startTagSpan.start && p.span.start < el.startTagSpan.end)?.span.start ?? Infinity;
  // Once per element: made again for each unknown attribute, 2,000 of them took 0.4 s (quadratic).
  const present = new Set(el.attributes.map((a) => a.name));
  const absent = known.filter((k) => !present.has(k));
  for (const attr of el.attributes) {
    if (known.includes(attr.name) || attr.nameSpan.start >= broken) continue;
    const best = nearest(attr.name, absent);
    const hint =
      attr.name === 'certificate-id'
        ? ' There is no certificate-id: pin the client certificate with thumbprint, or its issuer with issuer-certificate-id.'
        : best
          ? ` Did you mean ${best.value}?`
          : '';
    const fixes: Fix[] = best
      ? [{ title: `Rename to ${best.value}`, edits: [{ file: ctx.file, span: attr.nameSpan, newText: best.value }], preferred: best.distance <= PREFERRED_DISTANCE }]
      : [];
    ctx.report({
      span: attr.nameSpan,
      message: `<${el.name}> has no attribute "${attr.name}" (known: ${known.join(', ')}).${hint}`,
      fixes,
    });
  }
}

function checkBoolean(ctx: PolicyRuleContext, el: PolicyElement, name: string): void {
  const setting = readBoolAttribute(el, name);
  if (setting.kind === 'expression') {
    ctx.report({
      span: setting.attribute.expression!.span,
      message: `Policy expressions are not allowed in ${name}: use "true", "false" or a {{named value}}.`,
    });
  } else if (setting.kind === 'invalid') {
    const obvious = OBVIOUS_BOOLS.get(setting.attribute.value.trim().toLowerCase());
    ctx.report({
      span: valueOrAttribute(setting.attribute),
      message: `${name} must be "true" or "false" (or a {{named value}}), not "${setting.attribute.value}".`,
      fixes: ['true', 'false'].map((value) => ({
        title: `Set ${name}="${value}"`,
        edits: [{ file: ctx.file, span: attributeSpan(setting.attribute), newText: `${name}="${value}"` }],
        preferred: value === obvious,
      })),
    });
  }
}

function checkIssuerConflict(ctx: PolicyRuleContext, identity: PolicyElement): void {
  const id = getAttribute(identity, 'issuer-certificate-id');
  const others = identity.attributes.filter((a) => OTHER_ISSUER_ATTRIBUTES.includes(a.name));
  if (!id || others.length === 0) return;
  const names = others.map((a) => a.name).join(' and ');
  ctx.report({
    span: attributeSpan(id),
    message: `issuer-certificate-id can't be combined with ${names}: keep one way of naming the issuer.`,
    fixes: [
      { title: `Remove ${names}`, edits: others.map((a) => removeAttributeEdit(ctx.file, ctx.text, a)) },
      { title: 'Remove issuer-certificate-id', edits: [removeAttributeEdit(ctx.file, ctx.text, id)] },
    ],
  });
}

function valueOrAttribute(attr: PolicyAttribute): { start: number; end: number } {
  return attr.valueSpan.end > attr.valueSpan.start ? attr.valueSpan : attributeSpan(attr);
}
