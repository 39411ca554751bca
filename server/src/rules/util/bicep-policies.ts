import type { Span } from '../../core/text';
import type { PolicyResource, ServiceInfo, WorkspaceModel } from '../../model/types';
import { elementsNamed, findMemberChains } from '../../parsers/policy';
import type { PolicyDocument } from '../../parsers/policy/types';

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
  for (const expression of doc.expressions) {
    const chain = findMemberChains(expression.tokens, 'context.Request.Certificate')[0];
    if (chain) return { span: chain.span, what: 'context.Request.Certificate' };
  }
  return undefined;
}
