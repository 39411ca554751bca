import { certificateOutputs, generateCertificate, type GeneratedCertificate, type OutputFile, type OutputOptions } from './generate';
import type { KeyType } from './keys';

/**
 * The sample tree of the APIM mTLS sample (facts §5):
 *
 *   root-ca ─┬─ dev-intermediate-ca ─┬─ dev-valid-client
 *            │                       ├─ dev-unregistered-client
 *            │                       ├─ dev-expired-client        (expired yesterday)
 *            │                       └─ dev-notyetvalid-client    (valid from 30 days on)
 *            └─ tst-intermediate-ca ─── tst-untrusted-client
 *
 * How tst-untrusted-client stays untrusted: the server (APIM) trusts root-ca and knows dev-intermediate-ca
 * (uploaded as `Root` and `CertificateAuthority`); tst-intermediate-ca is never uploaded. Like in the sample, the
 * TST branch hangs under the same root, so the untrusted client's .pfx holds **only the leaf** (no chain): a client
 * using it sends no intermediate, and neither APIM nor an OpenSSL/Node server can build a path
 * (`unable to get local issuer certificate`). Every other client .pfx carries its intermediate.
 * Caveat, tested too: a client that sends tst-intermediate-ca.cer along is accepted by a server trusting the whole
 * root; a server that trusts only the DEV intermediate as issuing CA (OpenSSL `-partial_chain`) still refuses it.
 */

export interface SampleTreeOptions {
  keyType?: KeyType;
  /** Reference time for the expired / not-yet-valid clients; default now. */
  now?: Date;
}

/** One certificate of the tree, and whether its .pfx carries the chain. */
export interface SampleTreeEntry {
  certificate: GeneratedCertificate;
  includeChainInPfx: boolean;
}

const DAY_MS = 86_400_000;
const O = 'O=apim-mtls sample';

/** Generates the whole sample tree (8 certificates) in one call. */
export async function generateSampleTree(options: SampleTreeOptions = {}): Promise<SampleTreeEntry[]> {
  const keyType = options.keyType ?? 'ecdsa-p256';
  const now = (options.now ?? new Date()).getTime();
  const at = (days: number): Date => new Date(now + days * DAY_MS);
  const root = await generateCertificate({ id: 'root-ca', kind: 'root', subject: `CN=APIM Sample Root CA, ${O}`, keyType });
  const [dev, tst] = await Promise.all([
    generateCertificate({ id: 'dev-intermediate-ca', kind: 'intermediate', subject: `CN=APIM Sample DEV Intermediate CA, ${O}`, issuer: root, keyType }),
    generateCertificate({ id: 'tst-intermediate-ca', kind: 'intermediate', subject: `CN=APIM Sample TST Intermediate CA, ${O}`, issuer: root, keyType }),
  ]);
  const client = (id: string, cn: string, issuer: GeneratedCertificate, validity: { notBefore?: Date; notAfter?: Date } = {}) =>
    generateCertificate({ id, kind: 'client', subject: `CN=${cn}, ${O}`, issuer, keyType, dnsNames: [`${id}.apim-mtls.example`], ...validity });
  const clients = await Promise.all([
    client('dev-valid-client', 'DEV Valid Client', dev),
    client('dev-unregistered-client', 'DEV Unregistered Client', dev),
    client('dev-expired-client', 'DEV Expired Client', dev, { notBefore: at(-30), notAfter: at(-1) }),
    client('dev-notyetvalid-client', 'DEV Not Yet Valid Client', dev, { notBefore: at(30), notAfter: at(395) }),
    client('tst-untrusted-client', 'TST Untrusted Client', tst),
  ]);
  return [root, dev, tst, ...clients].map((certificate) => ({ certificate, includeChainInPfx: certificate.id !== 'tst-untrusted-client' }));
}

/** Every output file of the tree (see `certificateOutputs`), in tree order. */
export async function sampleTreeOutputs(tree: SampleTreeEntry[], options: Omit<OutputOptions, 'includeChain'>): Promise<OutputFile[]> {
  const perCertificate = await Promise.all(
    tree.map((entry) => certificateOutputs(entry.certificate, { ...options, includeChain: entry.includeChainInPfx })),
  );
  return perCertificate.flat();
}
