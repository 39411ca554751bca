import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseBicep, parseBicepFile, resolveModuleAlias } from '../../../server/src/parsers/bicep';
import type { Declaration, Expr, ObjectExpr, ResourceDecl } from '../../../server/src/parsers/bicep';
import { readFixture } from '../../helpers';

function decl<K extends Declaration['kind']>(text: string, kind: K, index = 0): Extract<Declaration, { kind: K }> {
  const found = parseBicep(text).declarations.filter((d) => d.kind === kind);
  const d = found[index];
  assert.ok(d, `no ${kind} #${index}`);
  return d as Extract<Declaration, { kind: K }>;
}

function prop(obj: Expr | undefined, key: string): Expr {
  assert.equal(obj?.kind, 'object');
  const m = (obj as ObjectExpr).members.find((x) => x.kind === 'property' && x.key === key);
  assert.ok(m && m.kind === 'property', `no property ${key}`);
  return m.value;
}

test('typed var, object-typed var and resourceInput<> type expressions', () => {
  const text = "var a string = 'x'\nvar t { *: string } = {\n  k: 'v'\n}\nvar c resourceInput<'Microsoft.X/y@2024-01-01'>.properties.p = {}\n";
  const file = parseBicep(text);
  assert.deepEqual(file.problems, []);
  assert.deepEqual(file.declarations.map((d) => d.kind === 'var' && [d.name, d.type?.kind]), [['a', 'ref'], ['t', 'object'], ['c', 'opaque']]);
});

test('imports: named, aliased, multi-line and wildcard', () => {
  const text = "import { a, b as c } from './settings.bicep'\nimport {\n  x\n  y\n} from 'other.bicep'\nimport * as s from './s.bicep'\n";
  const file = parseBicep(text);
  assert.deepEqual(file.problems, []);
  const [i1, i2, i3] = file.declarations;
  assert.ok(i1?.kind === 'import' && i2?.kind === 'import' && i3?.kind === 'import');
  assert.deepEqual(i1.items.map((i) => [i.name, i.alias]), [['a', undefined], ['b', 'c']]);
  assert.equal(i1.from, './settings.bicep');
  assert.deepEqual(i2.items.map((i) => i.name), ['x', 'y']);
  assert.equal(i3.wildcardAlias, 's');
  assert.equal(text.slice(i3.fromSpan!.start, i3.fromSpan!.end), "'./s.bicep'");
});

test('user-defined union type across lines, object type with decorated properties, @export', () => {
  const file = parseBicep(readFixture('bicep', 'settings.bicep'));
  assert.deepEqual(file.problems, []);
  const [sku, settings] = file.declarations;
  assert.ok(sku?.kind === 'type' && settings?.kind === 'type');
  assert.equal(sku.decorators.map((d) => d.call.name).join(), 'description,export');
  assert.equal(sku.type?.kind, 'union');
  assert.equal(sku.type?.kind === 'union' && sku.type.members.length, 8);
  assert.ok(settings.type?.kind === 'object');
  const skuProp = settings.type.properties.find((p) => p.key === 'sku');
  assert.deepEqual(skuProp?.type, { kind: 'ref', name: 'apimSkuType', span: skuProp!.type.span });
  assert.equal(settings.type.properties[1]?.decorators[0]?.call.namespace, 'sys');
  assert.equal(settings.type.properties[2]?.optional, false);
  assert.equal(settings.type.properties[2]?.type.kind, 'nullable');
});

test('param with decorators, type and default', () => {
  const p = decl("@allowed([\n  'Developer'\n  'Premium'\n])\n@secure()\nparam sku string = 'Developer'\n", 'param');
  assert.equal(p.name, 'sku');
  assert.deepEqual(p.decorators.map((d) => d.call.name), ['allowed', 'secure']);
  const allowed = p.decorators[0]!.call.args[0];
  assert.ok(allowed?.kind === 'array');
  assert.deepEqual(allowed.items.map((i) => i.kind === 'string' && i.value), ['Developer', 'Premium']);
  assert.ok(p.defaultValue?.kind === 'string' && p.defaultValue.value === 'Developer');
});

test('resources: existing, nested children, parent, loops and conditions', () => {
  const text = [
    "resource svc 'Microsoft.ApiManagement/service@2024-05-01' existing = {",
    '  name: svcName',
    '}',
    "resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = if (deploy) {",
    '  parent: svc',
    "  name: 'api'",
    "  resource pol 'policies' = {",
    "    name: 'policy'",
    '  }',
    '}',
    "resource many 'Microsoft.ApiManagement/service/products@2024-05-01' = [for (p, i) in products: {",
    '  name: p.name',
    '}]',
  ].join('\n');
  const file = parseBicep(text);
  assert.deepEqual(file.problems, []);
  const [svc, api, many] = file.declarations as ResourceDecl[];
  assert.equal(svc!.existing, true);
  assert.ok(api!.value?.kind === 'if');
  const nested = (api!.value.body as ObjectExpr).members.find((m) => m.kind === 'resource');
  assert.ok(nested?.kind === 'resource' && nested.decl.resourceType === 'policies' && nested.decl.name === 'pol');
  assert.ok(many!.value?.kind === 'for');
  assert.equal(many!.value.itemName, 'p');
  assert.equal(many!.value.indexName, 'i');
});

test('expressions: multi-line ternary, ??, .?, !, lambdas, spread, interpolation, multi-line strings', () => {
  const text = [
    'var x = cond',
    "  ? 'a'",
    "  : 'b'",
    "var y = obj.?prop ?? 'd'",
    'var z = first(list)!.name',
    'var f = map(items, (i, j) => i.name)',
    'var g = filter(items, i => !i.off)',
    "var h = { ...base, extra: 'e' }",
    "var s = '${apim.name}/api-${i}'",
    "var m = '''\nline ${not} interpolated\n'''",
    "var o = sys.contains(list, 'x') && a == b || !c",
  ].join('\n');
  const file = parseBicep(text);
  assert.deepEqual(file.problems, []);
  const v = (i: number): Expr => (file.declarations[i] as { value: Expr }).value;
  assert.equal(v(0).kind, 'ternary');
  const y = v(1);
  assert.ok(y.kind === 'binary' && y.operator === '??' && y.left.kind === 'member' && y.left.safe);
  assert.ok(v(2).kind === 'member');
  const f = v(3);
  assert.ok(f.kind === 'call' && f.args[1]?.kind === 'lambda' && f.args[1].params.join() === 'i,j');
  const g = v(4);
  assert.ok(g.kind === 'call' && g.args[1]?.kind === 'lambda' && g.args[1].body.kind === 'unary');
  const h = v(5);
  assert.ok(h.kind === 'object' && h.members[0]?.kind === 'spread');
  const s = v(6);
  assert.ok(s.kind === 'string' && s.parts);
  assert.deepEqual(s.parts.map((p) => p.kind), ['text', 'hole', 'text', 'hole', 'text']);
  const hole = s.parts[1];
  assert.ok(hole?.kind === 'hole' && hole.expr.kind === 'member' && hole.expr.name === 'name');
  const m = v(7);
  assert.ok(m.kind === 'string' && m.multiline && m.value === 'line ${not} interpolated\n');
  const o = v(8);
  assert.ok(o.kind === 'binary' && o.operator === '||');
  assert.ok(o.left.kind === 'binary' && o.left.operator === '&&' && o.left.left.kind === 'call' && o.left.left.namespace === 'sys');
});

test('func, module, output, metadata, targetScope and comments', () => {
  const text = [
    "targetScope = 'resourceGroup'",
    "metadata info = 'x' // trailing",
    '/* block',
    'comment */',
    'func buildName(prefix string, n int) string => \'${prefix}-${n}\'',
    "module m './m.bicep' = {",
    "  name: 'm'",
    '}',
    'output url string = m.outputs.url',
  ].join('\n');
  const file = parseBicep(text);
  assert.deepEqual(file.problems, []);
  assert.deepEqual(file.declarations.map((d) => d.kind), ['targetScope', 'metadata', 'func', 'module', 'output']);
  const fn = file.declarations[2];
  assert.ok(fn?.kind === 'func' && fn.params.join() === 'prefix,n' && fn.body?.kind === 'string');
  assert.equal(file.comments.length, 2);
  assert.equal(file.comments[1]?.block, true);
});

test('#disable-next-line directives carry their line and rules', () => {
  const file = parseBicep("var a = 1\n#disable-next-line rule-one rule-two\nvar b = 2\n");
  assert.deepEqual(file.directives.map((d) => [d.line, d.rules]), [[1, ['rule-one', 'rule-two']]]);
  assert.equal(file.declarations.length, 2);
});

test('spans are UTF-16 offsets', () => {
  const text = "var e = '😀 é'\nvar after = 1\n";
  const file = parseBicep(text);
  const after = file.declarations[1];
  assert.ok(after?.kind === 'var');
  assert.equal(text.slice(after.nameSpan.start, after.nameSpan.end), 'after');
  const e = file.declarations[0];
  assert.ok(e?.kind === 'var' && e.value?.kind === 'string' && e.value.value === '😀 é');
});

test('unknown syntax in the middle degrades locally; declarations around it survive', () => {
  const text = [
    "param before string = 'b'",
    'var weird = <<< some ~~ future syntax { with: [brackets] } >>>',
    'newKeyword thing {',
    '  nested: [1, 2]',
    '}',
    "resource after 'Microsoft.ApiManagement/service@2024-05-01' = {",
    "  name: 'svc'",
    '  properties: {',
    '    enableClientCertificate: true',
    '    weird: %%% garbage',
    '  }',
    '}',
    'output o string = before',
  ].join('\n');
  const file = parseBicep(text);
  assert.ok(file.problems.length > 0);
  const kinds = file.declarations.map((d) => d.kind + (d.kind !== 'opaque' && 'name' in d ? ':' + d.name : ''));
  assert.deepEqual(kinds, ['param:before', 'var:weird', 'opaque', 'resource:after', 'output:o']);
  const res = file.declarations[3] as ResourceDecl;
  const props = prop(res.value, 'properties');
  assert.ok(prop(props, 'enableClientCertificate').kind === 'bool');
  assert.equal(prop(props, 'weird').kind, 'opaque');
});

test('half-typed file: an unclosed body ends at the next top-level keyword', () => {
  const text = [
    "resource svc 'Microsoft.ApiManagement/service@2024-05-01' = {",
    "  name: 'svc'",
    '  properties: {',
    '    enableClientCertificate: ',
    "resource pol 'Microsoft.ApiManagement/service/policies@2024-05-01' = {",
    '  parent: svc',
    "  name: 'policy'",
    '  properties: {',
    "    value: loadTextContent('./p.xml')",
    '  }',
    '}',
    'param p',
  ].join('\n');
  const file = parseBicep(text);
  assert.ok(file.problems.length > 0);
  const names = file.declarations.map((d) => (d.kind === 'resource' || d.kind === 'param' ? d.name : d.kind));
  assert.deepEqual(names, ['svc', 'pol', 'p']);
  const svc = file.declarations[0] as ResourceDecl;
  assert.equal(prop(svc.value, 'name').kind, 'string');
  const pol = file.declarations[1] as ResourceDecl;
  const value = prop(prop(pol.value, 'properties'), 'value');
  assert.ok(value.kind === 'call' && value.name === 'loadTextContent');
});

test('test declarations (`bicep test`) are read whole, one each, and the declarations after them survive', () => {
  const text = [
    "test testOne 'main.bicep' = {",
    '  params: {',
    "    sku: 'Developer'",
    '  }',
    '}',
    '',
    "test testTwo 'main.bicep' = {",
    '  params: {}',
    '}',
    'param after string',
  ].join('\n');
  const file = parseBicep(text);
  assert.deepEqual(file.problems, []);
  assert.deepEqual(
    file.declarations.map((d) => [d.kind, text.slice(d.span.start, d.span.end).split('\n')[0]]),
    [['opaque', "test testOne 'main.bicep' = {"], ['opaque', "test testTwo 'main.bicep' = {"], ['param', 'param after string']],
  );
});

test('deep nesting is guarded', () => {
  const depth = 5000;
  const text = 'var deep = ' + '['.repeat(depth) + ']'.repeat(depth) + '\nvar after = 1\n';
  const file = parseBicep(text);
  assert.ok(file.problems.some((p) => /deeply/.test(p.message)));
  assert.equal(file.declarations[1]?.kind === 'var' && file.declarations[1].name, 'after');
});

test('bicepconfig.json: registry aliases resolve br/alias: module paths as Bicep does', () => {
  const config = parseBicepFile(
    '/repo/bicepconfig.json',
    `{
  /* comments and trailing commas, as Bicep accepts */
  "analyzers": { "core": { "enabled": true } },
  "moduleAliases": {
    "br": {
      "avm": { "registry": "contoso.azurecr.io", "modulePath": "/bicep/avm/" },
      "acr": { "registry": "contoso.azurecr.io" },
      "broken": { "modulePath": "bicep" },
    },
    "ts": { "specs": { "subscription": "00000000-0000-0000-0000-000000000000", "resourceGroup": "specs" } }
  }
}`,
  );
  const aliases = config.moduleAliases;
  assert.ok(aliases);
  assert.deepEqual(config.declarations, []);
  assert.deepEqual(config.problems, []);
  assert.equal(resolveModuleAlias('br/avm:res/api-management/service:0.9.1', aliases), 'br:contoso.azurecr.io/bicep/avm/res/api-management/service:0.9.1');
  assert.equal(resolveModuleAlias('br/acr:apim:1.0', aliases), 'br:contoso.azurecr.io/apim:1.0');
  assert.equal(resolveModuleAlias('br/public:avm/res/api-management/service:0.9.1', aliases), 'br:mcr.microsoft.com/bicep/avm/res/api-management/service:0.9.1');
  // Written as is: no registry, an unknown alias, not an alias, a local file.
  for (const p of ['br/broken:apim:1.0', 'br/nope:apim:1.0', 'br:contoso.azurecr.io/apim:1.0', './apim.bicep', 'ts/specs:apim:1.0']) assert.equal(resolveModuleAlias(p, aliases), p);
  // Not JSON: no aliases of its own, and no problem (Bicep reports its configuration's errors itself).
  const broken = parseBicepFile('/repo/bicepconfig.json', '{ "moduleAliases": { "br": ');
  assert.deepEqual([...broken.moduleAliases!.keys()], ['public']);
  assert.deepEqual(broken.problems, []);
});

test('the nested resource accessor a::b::c; a ternary or an object key keeps its single colon', () => {
  const file = parseBicep(`resource p 'Microsoft.ApiManagement/service/apis/operations/policies@2024-05-01' = {
  parent: apim::api::op
  name: flag ? 'a' : 'b'
}
var o = { k: apim::api.name }
`);
  const [resource, variable] = file.declarations as [ResourceDecl, Declaration];
  const members = (resource.value as ObjectExpr).members;
  const parent = members[0]!.kind === 'property' ? members[0].value : undefined;
  assert.deepEqual(strip(parent), { kind: 'nested', target: { kind: 'nested', target: { kind: 'identifier', name: 'apim' }, name: 'api' }, name: 'op' });
  const name = members[1]!.kind === 'property' ? members[1].value : undefined;
  assert.equal(name?.kind, 'ternary');
  const o = (variable as { value?: Expr }).value as ObjectExpr;
  const k = o.members[0]!.kind === 'property' ? o.members[0].value : undefined;
  assert.equal(k?.kind, 'member', 'apim::api.name: .name of the nested resource');
  assert.equal(file.problems?.length ?? 0, 0, JSON.stringify(file.problems));
});

/** An expression without its spans, for comparison. */
function strip(e: unknown): unknown {
  return JSON.parse(JSON.stringify(e, (k, v) => (k === 'span' || k === 'nameSpan' ? undefined : v)));
}

// From a review that fed the parser the Azure/bicep sample baselines and the Azure Verified Modules: valid Bicep that it
// misread. Each parses without problems now, and what follows it is read.
test('current Bicep syntax from the Bicep samples and AVM parses without problems', () => {
  const cases: [string, string][] = [
    ['a nullable literal type', "param conditionVersion '2.0'?\n\n@allowed([\n  'Premium'\n])\nparam sku string\n"],
    ['a nullable literal in an object type', "type t = {\n  conditionVersion: '2.0'?\n\n  @description('x')\n  id: string?\n}\n"],
    ['an output of a nullable literal type', "output o 'x'? = null\n"],
    ['a literal array type', "type t = 'a'[]\n"],
    ['an object key written with interpolation', "var ids = ['a']\nvar m = map(ids, (id) => { '${id}': {} })\n"],
    ['a lambda whose body is on the next line', "var xs = [1]\nvar ys = map(xs, x =>\n  x + 1)\nvar zs = map(xs, x => // the body\n{\n  v: x\n})\n"],
    ['a multi-line string with extra quotes', "var q = ''''abc''''\n"],
    ['an import of a name that is no identifier', "import {\n  'not-a-valid-bicep-identifier' as withInvalidIdentifier\n} from 'modules/mod.json'\n"],
    ['type operators', "type items = string[]\ntype item = items[*]\ntype pair = [string, int]\ntype second = pair[1]\ntype dict = { *: int }\ntype value = dict.*\ntype maybe = string?\ntype sure = maybe!\ntype flags = true | !true\n"],
  ];
  for (const [what, text] of cases) assert.deepEqual(parseBicep(text).problems, [], what);
  assert.deepEqual(decl(cases[0]![1], 'param', 1).decorators.map((d) => d.call.name), ['allowed'], 'the next parameter keeps its @allowed');
  const quote = decl(cases[6]![1], 'var').value;
  assert.equal(quote?.kind === 'string' ? quote.value : undefined, "'abc'");
  const imported = decl(cases[7]![1], 'import');
  assert.deepEqual(imported.items.map((i) => [i.name, i.alias]), [['not-a-valid-bicep-identifier', 'withInvalidIdentifier']]);
});

test('.bicepparam: extends names the base file, the params after it are kept; using none has no path', () => {
  const file = parseBicepFile('prod.bicepparam', "using 'main.bicep'\n\nextends 'shared.bicepparam'\n\nparam skuName = 'Premium'\n");
  assert.deepEqual(file.problems, []);
  assert.deepEqual(file.declarations.map((d) => d.kind), ['using', 'extends', 'param']);
  const ext = file.declarations[1];
  assert.equal(ext?.kind === 'extends' ? ext.path : undefined, 'shared.bicepparam');
  const base = parseBicepFile('shared.bicepparam', "using none\nparam skuName = 'Premium'\n");
  assert.deepEqual(base.problems, []);
  const using = base.declarations[0];
  assert.equal(using?.kind === 'using' ? using.path : 'not using', undefined);
});
