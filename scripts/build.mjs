// Bundles the extension client, the language server and the CLI with esbuild (CommonJS, node20).
// pkijs, asn1js and xmldom go to dist/vendor/, one copy each, required at run time on first use (see
// server/src/certificates/pki.ts): `apim-mtls lint` and the server start without compiling or running ≈ 1 MB of code
// they seldom need. pkijs's bundle requires the same asn1js file, so `instanceof asn1js.X` holds across them.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  minify: process.argv.includes('--minify'),
  logLevel: 'warning',
};

/** Resolves the named packages to files of dist/vendor/ at run time instead of bundling them. */
function vendor(names, dir) {
  const filter = new RegExp(`^(${names.map((n) => n.replace(/[/@]/g, '\\$&')).join('|')})$`);
  return {
    name: 'vendor',
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: `${dir}/${args.path.replace(/^@/, '').replace(/\//g, '-')}.js`, external: true }));
    },
  };
}

const VENDORED = ['pkijs', 'asn1js', '@xmldom/xmldom'];
const builds = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'], plugins: [vendor(VENDORED, './vendor')] },
  { entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js', plugins: [vendor(VENDORED, './vendor')] },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [vendor(VENDORED, './vendor')] },
  { entryPoints: ['node_modules/asn1js/build/index.js'], outfile: 'dist/vendor/asn1js.js' },
  { entryPoints: ['node_modules/pkijs/build/index.js'], outfile: 'dist/vendor/pkijs.js', plugins: [vendor(['asn1js'], '.')] },
  { entryPoints: ['node_modules/@xmldom/xmldom/lib/index.js'], outfile: 'dist/vendor/xmldom-xmldom.js' },
];

if (watch) {
  for (const b of builds) await (await esbuild.context({ ...common, ...b })).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
}
