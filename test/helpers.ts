import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';

/** The repository root (tests run from out/test/...). */
export const repoRoot = path.resolve(__dirname, '..', '..');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
export const examplesDir = path.join(repoRoot, 'examples');
/** The public policy corpus shipped beside the project (may be absent). */
export const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus');

export function readFixture(...parts: string[]): string {
  return fs.readFileSync(path.join(fixturesDir, ...parts), 'utf8');
}

/** Temp dirs made by `makeTempDir` in this process, removed when it exits. */
const tempDirs = new Set<string>();
let cleanupRegistered = false;

/** True when APIM_MTLS_KEEP_TEST_DIRS=1 asks to keep the tests' temp dirs for inspection. */
function keepTempDirs(): boolean {
  return process.env.APIM_MTLS_KEEP_TEST_DIRS === '1';
}

/** Removes a temp dir now (unless APIM_MTLS_KEEP_TEST_DIRS=1); never throws. */
export function removeTempDir(dir: string): void {
  tempDirs.delete(dir);
  if (keepTempDirs()) return;
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // best effort: a leftover temp dir must not fail or crash a test
  }
}

function removeAllTempDirs(): void {
  for (const dir of [...tempDirs]) removeTempDir(dir);
}

/**
 * Creates `<os.tmpdir()>/apim-mtls-<name>-XXXXXX` and removes it (recursively) when the process exits.
 * node:test runs each test file in its own process, so the dirs live until their test file finishes.
 * Set APIM_MTLS_KEEP_TEST_DIRS=1 to keep them.
 */
export function makeTempDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `apim-mtls-${name}-`));
  tempDirs.add(dir);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.on('exit', removeAllTempDirs);
  }
  return dir;
}

/**
 * A Bicep file defining one APIM service (`apim`) whose `sku.name` is `sku` (a Bicep expression: `skuName` for a
 * parameter declared first, or `'Developer'`), with client certificates requested, and that deploys `policyPath` (if
 * given) as its global policy with `loadTextContent`.
 */
export function apimServiceBicep(sku: string, policyPath?: string): string {
  return [
    ...(sku === 'skuName' ? ['param skuName string'] : []),
    "resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {",
    "  name: 'apim'",
    "  location: 'westeurope'",
    `  sku: { name: ${sku}, capacity: 1 }`,
    "  properties: { publisherEmail: 'a@b.c', publisherName: 'x', enableClientCertificate: true }",
    ...(policyPath
      ? ["  resource policy 'policies' = {", "    name: 'policy'", `    properties: { format: 'rawxml', value: loadTextContent('${policyPath}') }`, '  }']
      : []),
    '}',
  ].join('\n');
}

/** A global policy that validates client certificates by a named-value thumbprint (validate-trust omitted: true). */
export const VALIDATING_POLICY =
  '<policies><inbound><base /><validate-client-certificate validate-revocation="false"><identities><identity thumbprint="{{t}}" /></identities></validate-client-certificate></inbound></policies>\n';
