import type { PolicyRule } from './types';

/** Malformed policy XML, at the exact place. Valid rawxml (raw quotes and `<` inside C# expressions) is never flagged. */
export const policyXmlSyntax: PolicyRule = {
  id: 'policy-xml-syntax',
  target: 'policy',
  defaultLevel: 'error',
  description: 'Malformed policy XML: APIM rejects the policy at deployment.',
  check(ctx) {
    const root = ctx.doc.root;
    const policyRoot = root?.name === 'policies' || root?.name === 'fragment';
    // A file named policy.xml (or *.policy.xml) whose root is something else, that no Bicep deploys and that isn't in an
    // APIOps extract, is some other tool's (ImageMagick's policy.xml, a snippet to paste): not APIM's to judge.
    const known = ctx.policy.deployments.length > 0 || inApiopsLayout(ctx.file);
    if (root && !policyRoot && !known) return;
    for (const problem of ctx.doc.problems) {
      ctx.report({ span: problem.span, message: problem.message });
    }
    if (ctx.doc.problems.length > 0) return;
    // A fragment is inserted as-is into a section of the policy that includes it: it can't name a section or <base />.
    if (root?.name === 'fragment') {
      for (const el of ctx.doc.elements) {
        if (!FRAGMENT_FORBIDDEN.has(el.name) || el === root) continue;
        ctx.report({
          span: el.nameSpan,
          message:
            el.name === 'base'
              ? 'A policy fragment can’t hold <base />: APIM rejects the fragment. <base /> belongs in the policy that includes the fragment.'
              : `A policy fragment can’t hold a policy section (<${el.name}>): APIM rejects the fragment. Keep only the policies; the <include-fragment> decides the section they run in.`,
        });
      }
    }
    if (!known) return;
    // Well-formed, but not a policy document APIM takes (deployed by the Bicep, or laid out by the APIOps extractor).
    if (!root) {
      ctx.report({ span: { start: 0, end: 0 }, message: 'The policy is empty: APIM expects a <policies> document (or <fragment> for a policy fragment).' });
    } else if (root.name !== 'policies' && root.name !== 'fragment') {
      ctx.report({ span: root.nameSpan, message: `The root element is <${root.name}>: APIM expects <policies> (or <fragment> for a policy fragment).` });
    } else {
      // The right root for where the file goes: a policy fragment is <fragment>, any other policy <policies>.
      const expected = expectedRoot(ctx.policy.deployments.map((d) => d.scope), ctx.file);
      if (expected && expected.root !== root.name) {
        ctx.report({ span: root.nameSpan, message: `The root element is <${root.name}>, but this file ${expected.why}: APIM expects <${expected.root}> there and rejects the deployment.` });
      }
    }
  },
};

/**
 * The root the file must have where it is deployed: `<fragment>` for a policy fragment (a Bicep `policyFragments`
 * resource, the extractor's `policyFragments/<id>/`), `<policies>` for a global, workspace, product, API or operation
 * policy. Undefined when the deployments disagree or the place says nothing.
 */
function expectedRoot(scopes: readonly string[], file: string): { root: 'policies' | 'fragment'; why: string } | undefined {
  const known = scopes.filter((s) => s !== 'unknown');
  if (known.length > 0) {
    if (known.every((s) => s === 'fragment')) return { root: 'fragment', why: 'is deployed as a policy fragment (policyFragments in the Bicep)' };
    if (known.every((s) => s !== 'fragment')) return { root: 'policies', why: `is deployed as ${SCOPE_NAMES[known[0]!] ?? 'a policy'} by the Bicep` };
    return undefined;
  }
  if (scopes.length > 0) return undefined;
  const folders = file.split(/[\\/]/).slice(0, -1).map((part) => part.toLowerCase());
  if (folders.includes('policyfragments') || folders.includes('policy fragments')) return { root: 'fragment', why: 'lies where the APIOps extractor puts a policy fragment (policyFragments/<id>/)' };
  if (folders.some((part) => APIOPS_FOLDERS.has(part))) return { root: 'policies', why: 'lies where the APIOps extractor puts a policy (apis/, products/ or workspaces/)' };
  return undefined;
}

const SCOPE_NAMES: Readonly<Record<string, string>> = {
  service: 'the global policy',
  api: 'an API policy',
  operation: 'an operation policy',
  product: 'a product policy',
};

/** What Microsoft Learn says a policy fragment can't include: a section identifier or `<base />`. */
const FRAGMENT_FORBIDDEN: ReadonlySet<string> = new Set(['inbound', 'backend', 'outbound', 'on-error', 'base']);

/** Folders of the APIOps extractor's layout that hold policies (`apis/<api>/…`, `policyFragments/<id>/`, `products/<p>/`…). */
const APIOPS_FOLDERS: ReadonlySet<string> = new Set(['apis', 'policyfragments', 'policy fragments', 'products', 'workspaces']);

function inApiopsLayout(file: string): boolean {
  return file.split(/[\\/]/).slice(0, -1).some((part) => APIOPS_FOLDERS.has(part.toLowerCase()));
}
