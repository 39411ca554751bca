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
    if (ctx.doc.problems.length > 0 || !known) return;
    // Well-formed, but not a policy document APIM takes (deployed by the Bicep, or laid out by the APIOps extractor).
    if (!root) {
      ctx.report({ span: { start: 0, end: 0 }, message: 'The policy is empty: APIM expects a <policies> document (or <fragment> for a policy fragment).' });
    } else if (root.name !== 'policies' && root.name !== 'fragment') {
      ctx.report({ span: root.nameSpan, message: `The root element is <${root.name}>: APIM expects <policies> (or <fragment> for a policy fragment).` });
    }
  },
};

/** Folders of the APIOps extractor's layout that hold policies (`apis/<api>/…`, `policyFragments/<id>/`, `products/<p>/`…). */
const APIOPS_FOLDERS: ReadonlySet<string> = new Set(['apis', 'policyfragments', 'policy fragments', 'products', 'workspaces']);

function inApiopsLayout(file: string): boolean {
  return file.split(/[\\/]/).slice(0, -1).some((part) => APIOPS_FOLDERS.has(part.toLowerCase()));
}
