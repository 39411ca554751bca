/** Escapes a value for an XML attribute delimited by `quote` (`&`, `<` and the delimiter become entities). */
export function escapeAttributeValue(value: string, quote: '"' | "'" | ''): string {
  const escaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return quote === "'" ? escaped.replace(/'/g, '&apos;') : escaped.replace(/"/g, '&quot;');
}
