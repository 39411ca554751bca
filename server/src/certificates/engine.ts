import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

let engine: pkijs.CryptoEngine | undefined;

/**
 * The pkijs crypto engine over Node's WebCrypto. Always pass it explicitly to pkijs calls:
 * `pkijs.setEngine` would change a global shared by every extension in the extension host.
 */
export function cryptoEngine(): pkijs.CryptoEngine {
  engine ??= new pkijs.CryptoEngine({ name: 'apim-mtls-node', crypto: webcrypto as unknown as pkijs.CryptoEngineParameters['crypto'] });
  return engine;
}
