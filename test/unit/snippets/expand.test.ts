import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { repoRoot } from '../../helpers.js';
import { expandSnippet, loadSnippets } from './expand.js';

const snippetFiles = ['apim-policy.code-snippets', 'bicep.code-snippets'].map((f) => path.join(repoRoot, 'snippets', f));
/** Snippet placeholder syntax that must not survive expansion (`${name(` in Bicep interpolation is fine). */
const LEFTOVER = /\$\d|\$\{\d|\$\{[A-Z_][A-Z0-9_]*[:}|/]|\$[A-Z_]{2,}\b|\\\$/;

test('expandSnippet: tab stops, placeholders, choices', () => {
  assert.equal(expandSnippet('a $1 b ${2} c'), 'a  b  c');
  assert.equal(expandSnippet('${1:default}'), 'default');
  assert.equal(expandSnippet('${1|first,second|}'), 'first');
  assert.equal(expandSnippet('${1|a\\,b,c|}'), 'a,b');
  assert.equal(expandSnippet('${1:outer ${2:inner} end}'), 'outer inner end');
  assert.equal(expandSnippet('${2:${1:x}-y}'), 'x-y');
  assert.equal(expandSnippet('$0'), '');
});

test('expandSnippet: mirrors take the default of the defining tab stop', () => {
  assert.equal(expandSnippet('$1 = ${1:name}; use($1)'), 'name = name; use(name)');
  assert.equal(expandSnippet('${1|x,y|} $1'), 'x x');
});

test('expandSnippet: escapes and literal dollars', () => {
  assert.equal(expandSnippet('\\$1 \\} \\\\'), '$1 } \\');
  assert.equal(expandSnippet('${1:a\\}b}'), 'a}b');
  assert.equal(expandSnippet("'apim-\\${uniqueString(resourceGroup().id)}'"), "'apim-${uniqueString(resourceGroup().id)}'");
  assert.equal(expandSnippet('cost: $ 5, ${'), 'cost: $ 5, ${');
  assert.equal(expandSnippet('{{${1:client-certificate-thumbprint}}}'), '{{client-certificate-thumbprint}}');
  assert.equal(expandSnippet('@{ return "}"; }'), '@{ return "}"; }');
});

test('expandSnippet: variables', () => {
  assert.equal(expandSnippet('$TM_FILENAME'), 'policy.xml');
  assert.equal(expandSnippet('${TM_SELECTED_TEXT:fallback}'), 'fallback');
  assert.equal(expandSnippet('[$TM_SELECTED_TEXT]'), '[]');
  assert.equal(expandSnippet('${UNKNOWN_THING}'), 'UNKNOWN_THING');
  assert.equal(expandSnippet('${UNKNOWN_THING:dflt}'), 'dflt');
  assert.equal(expandSnippet('$TM_FILENAME_BASE', { TM_FILENAME_BASE: 'orders' }), 'orders');
});

test('expandSnippet: transforms and array bodies', () => {
  assert.equal(expandSnippet('${1:abc} ${1/(.*)/${1:/upcase}/}'), 'abc ABC');
  assert.equal(expandSnippet('${TM_FILENAME/(.*)\\.xml$/$1/}'), 'policy');
  assert.equal(expandSnippet('${1:a-b-c} ${1/-/_/g}'), 'a-b-c a_b_c');
  assert.equal(expandSnippet(['line 1', '\t${1:x}', '$0']), 'line 1\n\tx\n');
});

for (const file of snippetFiles) {
  const base = path.basename(file);

  test(`${base}: parses, names and prefixes show well in IntelliSense`, () => {
    const snippets = loadSnippets(file);
    assert.ok(snippets.length > 0);
    const prefixes = snippets.flatMap((s) => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]));
    assert.equal(new Set(prefixes).size, prefixes.length, 'prefixes are unique');
    for (const s of snippets) {
      for (const p of Array.isArray(s.prefix) ? s.prefix : [s.prefix]) assert.match(p, /^(apim|mtls)-[a-z0-9-]+$/, `${s.name}: prefix ${p}`);
      assert.ok(s.description.length >= 20, `${s.name}: description`);
      assert.ok(s.name.length <= 80, `${s.name}: name is short`);
    }
  });

  test(`${base}: every snippet expands to text without placeholder syntax`, () => {
    for (const s of loadSnippets(file)) {
      const text = expandSnippet(s.body);
      assert.ok(text.trim().length > 0, s.name);
      assert.doesNotMatch(text, LEFTOVER, `${s.name}: leftover snippet syntax in\n${text}`);
    }
  });
}

test('apim-policy snippets: expansions follow the facts the linter checks', () => {
  for (const s of loadSnippets(snippetFiles[0])) {
    const text = expandSnippet(s.body);
    const where = `${s.name}:\n${text}`;
    assert.doesNotMatch(text, /UtcNow/, where);
    for (const m of text.matchAll(/\bthumbprint="([^"]*)"/g)) assert.match(m[1], /^(\{\{[A-Za-z0-9._-]+\}\}|[0-9A-F]{40})$/, where);
    for (const m of text.matchAll(/@\{([\s\S]*?)\}"/g)) {
      assert.match(m[1], /\breturn\b[^;]*;/, `@{ } block without return: ${where}`);
      // every statement ends with ; (a line continues when the next one starts with an operator)
      const lines = m[1].split('\n').map((l) => l.replace(/\/\/.*$/, '').trim()).filter(Boolean);
      lines.forEach((line, i) => {
        const continued = i + 1 < lines.length && /^(\|\||&&|\.|\?|:|\+)/.test(lines[i + 1]);
        if (!continued && !/[{}]$/.test(line)) assert.match(line, /;$/, `statement without ; in ${where}`);
      });
    }
    for (const expr of text.matchAll(/@[({]([\s\S]*?)[)}]"/g)) {
      const body = expr[1];
      const firstUse = body.search(/context\.Request\.Certificate\s*\./);
      if (firstUse >= 0) {
        const nullCheck = body.search(/context\.Request\.Certificate\s*==\s*null/);
        assert.ok(nullCheck >= 0 && nullCheck < firstUse, `certificate used before its null check: ${where}`);
      }
    }
    for (const m of text.matchAll(/<message>@\((.*)\)<\/message>/g)) {
      assert.ok(m[1].indexOf('== null') < m[1].indexOf('Certificate.'), `message null check: ${where}`);
    }
    // Well-formed XML, so the snippet works in `xml` and `rawxml` policies alike.
    const errors: string[] = [];
    new DOMParser({ onError: (level: string, msg: string) => void (level !== 'warning' && errors.push(msg)) }).parseFromString(
      `<root>${text}</root>`,
      'text/xml',
    );
    assert.deepEqual(errors, [], where);
  }
});

test('apim-policy snippets: tier variants', () => {
  const byPrefix = new Map(loadSnippets(snippetFiles[0]).map((s) => [String(s.prefix), expandSnippet(s.body)]));
  assert.match(byPrefix.get('mtls-validate-v2') ?? '', /validate-trust="false"[\s\S]*thumbprint="\{\{client-certificate-thumbprint\}\}"/);
  assert.match(byPrefix.get('mtls-validate-classic') ?? '', /validate-trust="true"[\s\S]*subject="CN=[^"]+" issuer-subject="CN=[^"]+"/);
  assert.match(byPrefix.get('mtls-check-context') ?? '', /DateTime\.Now[\s\S]*context\.Deployment\.Certificates\.Any\(c => c\.Value\.Thumbprint == context\.Request\.Certificate\.Thumbprint\)[\s\S]*<trace[\s\S]*code="401"/);
  assert.doesNotMatch(byPrefix.get('mtls-check-context') ?? '', /Verify/);
  assert.match(byPrefix.get('mtls-check-context-chain') ?? '', /!context\.Request\.Certificate\.VerifyNoRevocation\(\)/);
  assert.match(byPrefix.get('apim-policies') ?? '', /<inbound>\s*<base \/>[\s\S]*<backend>\s*<base \/>[\s\S]*<outbound>\s*<base \/>[\s\S]*<on-error>\s*<base \/>/);
});

test('bicep snippets: API version, certificate files, rawxml', () => {
  for (const s of loadSnippets(snippetFiles[1])) {
    const text = expandSnippet(s.body);
    for (const m of text.matchAll(/'(Microsoft\.ApiManagement\/[^'@]+)@([^']+)'/g)) assert.equal(m[2], '2024-05-01', `${s.name}: ${m[1]}`);
    for (const m of text.matchAll(/loadTextContent\('([^']+)'\)/g)) assert.match(m[1], /\.without-markers\.cer$|\.xml$/, s.name);
    if (/encodedCertificate/.test(text)) {
      assert.match(text, /certificates: contains\(skusThatSupportCACertificates, \w+\) \? \[/, s.name);
      assert.match(text, /root-ca\.without-markers\.cer'\)\s*storeName: 'Root'/, s.name);
      assert.match(text, /intermediate-ca\.without-markers\.cer'\)\s*storeName: 'CertificateAuthority'/, s.name);
      assert.match(text, /enableClientCertificate: true/, s.name);
      assert.doesNotMatch(text, /skusThatSupportCACertificates = \[[^\]]*V2/, s.name);
    }
    if (/policies@/.test(text)) {
      assert.match(text, /format: 'rawxml'/, s.name);
      assert.match(text, /value: loadTextContent\('\.\/[^']+\.operation\.xml'\)/, s.name);
    }
  }
});
