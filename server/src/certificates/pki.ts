import type * as Asn1js from 'asn1js';
import type * as Pkijs from 'pkijs';

let modules: { asn1js: typeof Asn1js; pkijs: typeof Pkijs } | undefined;

/**
 * asn1js and pkijs, loaded on first use. Linting reads certificates through node's X509Certificate (info.ts) and needs
 * them only for unusual certificates, generation and PFX files; loading them up front cost every `apim-mtls lint` and
 * every server start ≈ 40 ms (the bundles load them from dist/vendor/, see scripts/build.mjs).
 */
export function pki(): { asn1js: typeof Asn1js; pkijs: typeof Pkijs } {
  return (modules ??= { asn1js: require('asn1js') as typeof Asn1js, pkijs: require('pkijs') as typeof Pkijs });
}
