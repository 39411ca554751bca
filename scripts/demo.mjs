// The README's demo: lint the bundled examples with the freshly built CLI, show where a policy's tier comes from, then
// say where the extension is.
// `apim-mtls lint` exits 1 when it finds errors, which the examples are there to show: that is success here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

console.log('$ apim-mtls lint examples\n');
const r = spawnSync(process.execPath, ['dist/cli.js', 'lint', 'examples'], { stdio: 'inherit' });
if (r.status !== 0 && r.status !== 1) process.exit(r.status ?? 2);
console.log(
  '\nexamples/good is a correct setup (no finding); examples/mistakes and examples/service-mistakes show every rule\n' +
    '(mistakes/inline-policy.bicep: a policy written in the Bicep string itself; service-mistakes/avm-service.bicep: a\n' +
    'service deployed with the Azure Verified Module);\n' +
    'examples/environments takes its tier from prod.bicepparam, dev.bicepparam and the azd-style main.parameters.test.json\n' +
    'through a module, and validate-trust from a named value; examples/layered takes it from its .apim-mtls.json (its\n' +
    'service comes from another deployment). Where a policy\'s tier comes from:\n',
);
console.log('$ apim-mtls tier examples/environments\n');
const tier = spawnSync(process.execPath, ['dist/cli.js', 'tier', 'examples/environments'], { stdio: 'inherit' });
if (tier.status !== 0) process.exit(tier.status ?? 2);
console.log('');
if (existsSync('apim-mtls.vsix')) {
  console.log('The VS Code extension is built: code --install-extension apim-mtls.vsix');
}
