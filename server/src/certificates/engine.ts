import { webcrypto } from 'node:crypto';
import type * as Pkijs from 'pkijs';
import { pki } from './pki';

let engine: Pkijs.CryptoEngine | undefined;

/**
 * The pkijs crypto engine over Node's WebCrypto. Always pass it explicitly to pkijs calls:
 * `pkijs.setEngine` would change a global shared by every extension in the extension host.
 */
export function cryptoEngine(): Pkijs.CryptoEngine {
  engine ??= new (pki().pkijs.CryptoEngine)({ name: 'apim-mtls-node', crypto: webcrypto as unknown as Pkijs.CryptoEngineParameters['crypto'] });
  return engine;
}
