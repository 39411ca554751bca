/**
 * Values that something fills in before deployment, so a static check can't judge what they will be: APIM's own
 * `{{named value}}`, and the placeholders of the templates policies are often kept as: `${var}` and `%{ … }`
 * (Terraform's `templatefile`, envsubst, azd), `#{Token}#` (Azure DevOps replace-tokens, Octopus), `$(name)` (Azure
 * Pipelines variables, or a key a Bicep `replace()` fills), a whole value `__Token__` (token replacement in release
 * pipelines) and a whole value `{UPPER_CASE}` (a template's "replace {CLIENT_CERT_THUMBPRINT} with…", Terraform
 * `replace()` keys). APIM itself gives none of these a meaning in an attribute or a string, so a value holding one has
 * not been deployed as written.
 */
const OTHER_PLACEHOLDER = /\$\([A-Za-z_][\w.-]*\)|^\s*__[A-Za-z0-9_.-]+__\s*$|^\s*\{[A-Z][A-Z0-9_]+\}\s*$/;
const BRACED = ['${', '%{', '#{'];

/**
 * `${…}`, `%{…}`, `#{…}`: the first opening decides (any later one is closed by the same `}`). A regex `\$\{[^}]*\}`
 * scanned to the end again from every `${`: 40,000 of them in an identity's subject took 10 s.
 */
function bracedPlaceholder(value: string): boolean {
  return BRACED.some((open) => {
    const at = value.indexOf(open);
    return at >= 0 && value.indexOf('}', at + open.length) >= 0;
  });
}

/** Does the value hold a placeholder (a named value or a template's)? */
export function hasPlaceholder(value: string): boolean {
  return value.includes('{{') || hasTemplatePlaceholder(value);
}

/** Does the value hold a template's placeholder (not a named value)? */
export function hasTemplatePlaceholder(value: string): boolean {
  return bracedPlaceholder(value) || OTHER_PLACEHOLDER.test(value);
}
