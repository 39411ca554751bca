import * as path from 'node:path';
import type { Span } from '../../core/text';
import { inlineSpan } from '../../model/policy-resources';
import type { InlinePolicy, PolicyResource, ServiceInfo, WorkspaceModel } from '../../model/types';
import { elementsNamed, findMemberChains, mayMention, parsePolicy } from '../../parsers/policy';
import { forgetDocument } from '../../parsers/policy/recent';
import type { PolicyDocument } from '../../parsers/policy/types';
import type { BicepRuleContext } from '../types';

/**
 * The policy resources in the workspace deployed to `service`, a defining service declared in `file`: those in the
 * same file and those in files that reference it (`existing`), which the model lists among the file's dependents.
 */
export function policiesDeployedTo(model: WorkspaceModel, file: string, service: ServiceInfo): PolicyResource[] {
  const files = [file, ...model.dependents(file)];
  return files.flatMap((f) => model.policyResourcesIn(f)).filter((p) => p.service === service || p.service?.definition === service);
}

/** Where a policy looks at the client certificate: a `validate-client-certificate` element or `context.Request.Certificate`. */
export function clientCertificateCheck(doc: PolicyDocument): { span: Span; what: string } | undefined {
  const element = elementsNamed(doc, 'validate-client-certificate')[0];
  if (element) return { span: element.nameSpan, what: 'validate-client-certificate' };
  for (const expression of mayMention(doc, 'Certificate') ? doc.expressions : []) {
    const chain = findMemberChains(expression.tokens, 'context.Request.Certificate')[0];
    if (chain) return { span: chain.span, what: 'context.Request.Certificate' };
  }
  return undefined;
}

/** The policy a policy resource deploys, read as a document, with where its offsets lie in the workspace. */
export interface DeployedPolicy {
  doc: PolicyDocument;
  /** The file holding the policy: the loaded policy file, or the Bicep file it is written in. */
  file: string;
  /** For messages: `orders.api.xml`, or `the policy written in main.bicep`. */
  name: string;
  /** A span of `doc` as a span of `file`. */
  place(span: Span): Span;
}

const inlineDocs = new WeakMap<InlinePolicy, PolicyDocument>();
/** The parses `inlinePolicyDoc` made since `forgetInlinePolicyDocs` last ran (weakly: a model let go takes them along). */
let madeInline: WeakRef<PolicyDocument>[] = [];

/** The parse of a policy written in a Bicep string, once per string (the rules and the engine share it). */
export function inlinePolicyDoc(inline: InlinePolicy): PolicyDocument {
  let doc = inlineDocs.get(inline);
  if (!doc) {
    inlineDocs.set(inline, (doc = parsePolicy(inline.text)));
    madeInline.push(new WeakRef(doc));
  }
  return doc;
}

/**
 * Drops what the analyses' caches hold of the parses `inlinePolicyDoc` made: the workspace calls it when it lets go of
 * its model, whose strings (and so their parses) the next model makes anew.
 */
export function forgetInlinePolicyDocs(): void {
  for (const ref of madeInline) {
    const doc = ref.deref();
    if (doc) forgetDocument(doc);
  }
  madeInline = [];
}

/** The loaded file (through `policyAt`, so the read is recorded) or the policy written in the Bicep string. */
export function deployedPolicy(ctx: BicepRuleContext, policy: PolicyResource): DeployedPolicy | undefined {
  const loaded = policy.value?.loadedFile;
  if (loaded) {
    const doc = ctx.policyAt(loaded.path);
    return doc && { doc, file: loaded.path, name: path.basename(loaded.path), place: (s) => s };
  }
  const inline = policy.value?.inline;
  if (!inline) return undefined;
  const doc = inlinePolicyDoc(inline);
  // Its line tells it apart from another policy written in the same file.
  const line = inline.file === ctx.file ? ` (line ${lineOf(ctx.text, inline.offsets[0] ?? policy.ref.span.start)})` : '';
  return { doc, file: inline.file, name: `the policy written in ${path.basename(inline.file)}${line}`, place: (s) => inlineSpan(inline, s) };
}

/** A place where a policy deployed to a service checks the client certificate. */
export interface CertificateCheck {
  file: string;
  /** The policy, for messages (see `DeployedPolicy.name`). */
  name: string;
  span: Span;
  /** `validate-client-certificate` or `context.Request.Certificate`. */
  what: string;
}

/** Where the policies deployed to the service check client certificates: one place per policy. */
export function certificateChecksDeployedTo(ctx: BicepRuleContext, service: ServiceInfo): CertificateCheck[] {
  const out: CertificateCheck[] = [];
  // Each file, and each string (a variable two resources deploy), once.
  const seen = new Set<string | InlinePolicy>();
  for (const policy of policiesDeployedTo(ctx.model, ctx.file, service)) {
    const source = policy.value?.loadedFile?.path ?? policy.value?.inline;
    if (source && seen.has(source)) continue;
    if (source) seen.add(source);
    const deployed = deployedPolicy(ctx, policy);
    const check = deployed && clientCertificateCheck(deployed.doc);
    if (check) out.push({ file: deployed.file, name: deployed.name, span: deployed.place(check.span), what: check.what });
  }
  return out;
}

/**
 * What the policies do with the client certificate, for a message: `checks client certificates` when each validates it
 * (validate-client-certificate), else `reads the client certificate` (an expression may only forward it: no check).
 */
export function certificateUse(checks: readonly CertificateCheck[]): string {
  const plural = checks.length > 1;
  if (checks.every((c) => c.what === 'validate-client-certificate')) return plural ? 'check client certificates' : 'checks client certificates';
  return plural ? 'read the client certificate' : 'reads the client certificate';
}

/** For a related location: what this policy does with the certificate. */
export function certificateUseOf(check: CertificateCheck): string {
  return `${certificateUse([check]).replace('client certificates', 'the client certificate')} (${check.what})`;
}

/** `a.xml`, `a.xml and b.xml`, `a.xml, b.xml and c.xml`, `a.xml, b.xml and 2 more policies`. */
export function policiesNamed(names: readonly string[]): string {
  if (names.length > 3) return `${names.slice(0, 2).join(', ')} and ${names.length - 2} more policies`;
  return names.length === 3 ? `${names[0]}, ${names[1]} and ${names[2]}` : names.join(' and ');
}

/** The 1-based line of an offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
