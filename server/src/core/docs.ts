/** Where each rule's documentation lives: `docs/rules/<id>.md` in the repository (also bundled with the extension). */
export const REPOSITORY_URL = 'https://github.com/apim-mtls/apim-mtls';
export const DOCS_BASE_URL = `${REPOSITORY_URL}/blob/main/docs/rules`;

export function ruleDocsUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}/${ruleId}.md`;
}
