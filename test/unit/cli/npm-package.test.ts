import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { examplesDir, makeTempDir, removeTempDir, repoRoot } from '../../helpers';

// The command line as `npm install -g apim-mtls` gives it: the packed tarball installed into a prefix of its own
// (offline: the package has no dependencies, everything is bundled), then run from there.
describe('the npm package (npm pack, then npm install -g)', () => {
  let dir: string;
  let bin: string;
  let packed: string[];

  before(() => {
    dir = makeTempDir('npm-package');
    const npm = (args: string[]) => spawnSync('npm', args, { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    // --ignore-scripts: `prepack` (a minified build) would rewrite dist/ under the tests running beside this one; the
    // suite's own build is what is packed here.
    const pack = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir]);
    assert.equal(pack.status, 0, pack.stderr);
    const info = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    packed = info[0]!.files.map((f) => f.path);
    const install = npm(['install', '-g', path.join(dir, info[0]!.filename), '--prefix', path.join(dir, 'prefix'), '--offline', '--no-audit', '--no-fund']);
    assert.equal(install.status, 0, install.stderr);
    bin = path.join(dir, 'prefix', 'bin', 'apim-mtls');
  });

  after(() => removeTempDir(dir));

  const run = (args: string[], env: Record<string, string> = {}) => spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, ...env } });

  it('holds the command line, its rule pages and the schema; not the tests, sources, source maps or the editor client', () => {
    for (const wanted of ['dist/cli.js', 'dist/server.js', 'dist/vendor/pkijs.js', 'docs/rules/validate-trust-unsupported-tier.md', 'schemas/apim-mtls.schema.json', 'README.md', 'LICENSE']) {
      assert.ok(packed.includes(wanted), `${wanted} is packed`);
    }
    const unwanted = packed.filter((f) => /^(test|bench|server|client|scripts|examples|\.ci)\/|\.map$|^dist\/client\.js$/.test(f));
    assert.deepEqual(unwanted, []);
  });

  it('runs: --version, rules <id> (reads its page), lint (the same report as the checkout), certs (loads pkijs)', () => {
    const version = run(['--version']);
    assert.equal(version.stdout.trim(), JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
    assert.match(run(['rules', 'policy-section']).stdout, /^# policy-section\n/);
    const installed = run(['lint', examplesDir, '--format', 'json']);
    const checkout = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lint', examplesDir, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(installed.status, 1, installed.stderr);
    assert.equal(installed.stdout, checkout.stdout);
    const out = path.join(dir, 'tree');
    const certs = run(['certs', 'tree', '--out', out, '--key-type', 'ecdsa-p256', '--password-env', 'APIM_MTLS_TEST_PFX'], { APIM_MTLS_TEST_PFX: 'Test-only 1!' });
    assert.equal(certs.status, 0, certs.stderr);
    assert.ok(fs.readdirSync(out).some((f) => f.endsWith('.pfx')), fs.readdirSync(out).join(' '));
  });
});
