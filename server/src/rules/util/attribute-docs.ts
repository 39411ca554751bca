/**
 * The attributes of `validate-client-certificate` and of its `<identity>` elements [facts §1], each with what it does:
 * the names the `policy-attributes` rule accepts, and what the editor offers and shows for them (completion, hover).
 */
export interface AttributeDoc {
  name: string;
  /** A boolean with its default, or a text claim. */
  type: { kind: 'boolean'; default: boolean } | { kind: 'text' };
  /** Markdown. */
  doc: string;
}

/** The chain's tier caveat, where chain validation is concerned [facts §3]. */
const CHAIN_TIERS = 'Not on the Consumption and v2 tiers: there, chain validation fails every request.';

/** `validate-client-certificate`'s attributes: the booleans [facts §1], and the `id` its XML schema declares. */
export const VALIDATE_CLIENT_CERTIFICATE_ATTRIBUTES: readonly AttributeDoc[] = [
  {
    name: 'validate-revocation',
    type: { kind: 'boolean', default: true },
    doc: 'Checks that the certificate is not revoked (against its online revocation list).',
  },
  {
    name: 'validate-trust',
    type: { kind: 'boolean', default: true },
    doc: `Checks that the certificate chains to a CA the service trusts (one uploaded in its \`properties.certificates\`). Left out, it is true. ${CHAIN_TIERS}`,
  },
  { name: 'validate-not-before', type: { kind: 'boolean', default: true }, doc: 'Rejects a certificate that is not valid yet.' },
  { name: 'validate-not-after', type: { kind: 'boolean', default: true }, doc: 'Rejects an expired certificate.' },
  {
    name: 'ignore-error',
    type: { kind: 'boolean', default: false },
    doc: 'On a failed check, goes on with the request (or to `on-error`) instead of answering 401: whatever follows must check `context.LastError` itself.',
  },
  { name: 'id', type: { kind: 'text' }, doc: 'An identifier of this policy in the policy document.' },
];

/** `<identity>`'s claims [facts §1]: all must match; any one identity matching lets the request in. */
export const IDENTITY_ATTRIBUTE_DOCS: readonly AttributeDoc[] = [
  { name: 'thumbprint', type: { kind: 'text' }, doc: "The certificate's SHA-1 thumbprint (40 hex digits): pins the certificate itself." },
  { name: 'serial-number', type: { kind: 'text' }, doc: "The certificate's serial number; pair it with an issuer claim." },
  { name: 'common-name', type: { kind: 'text' }, doc: "The subject's common name (CN). Anyone can mint a certificate with it: pin a thumbprint too where the chain isn't validated." },
  {
    name: 'subject',
    type: { kind: 'text' },
    doc: 'The subject distinguished name (`CN=…, O=…`; a value holding a comma in `&quot;…&quot;`). Anyone can mint a certificate with it: pin a thumbprint too where the chain isn\'t validated.',
  },
  { name: 'dns-name', type: { kind: 'text' }, doc: 'A DNS name of the certificate (subject alternative name). Spoofable on its own, like the subject.' },
  { name: 'issuer-subject', type: { kind: 'text' }, doc: "The issuer's distinguished name. Spoofable on its own, like the subject." },
  { name: 'issuer-thumbprint', type: { kind: 'text' }, doc: "The issuing CA certificate's SHA-1 thumbprint." },
  {
    name: 'issuer-certificate-id',
    type: { kind: 'text' },
    doc: 'The id of a CA certificate uploaded to the service (`Microsoft.ApiManagement/service/certificates`) that issued the certificate. Not with `issuer-subject` or `issuer-thumbprint`.',
  },
];

/** The documented attributes of `element` (`validate-client-certificate` or `identity`), or undefined. */
export function attributeDocsOf(element: string): readonly AttributeDoc[] | undefined {
  if (element === 'validate-client-certificate') return VALIDATE_CLIENT_CERTIFICATE_ATTRIBUTES;
  if (element === 'identity') return IDENTITY_ATTRIBUTE_DOCS;
  return undefined;
}

/** The attribute's type and default in a word or two: "boolean, default true", "text". */
export function attributeSummary(a: AttributeDoc): string {
  return a.type.kind === 'boolean' ? `boolean, default ${a.type.default}` : 'text';
}
