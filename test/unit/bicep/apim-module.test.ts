import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseBicep } from '../../../server/src/parsers/bicep';
import type { Expr, ObjectExpr, ResourceDecl } from '../../../server/src/parsers/bicep';
import { readFixture } from '../../helpers';

function prop(obj: Expr | undefined, key: string): Expr {
  const m = (obj as ObjectExpr).members.find((x) => x.kind === 'property' && x.key === key);
  assert.ok(m && m.kind === 'property', `no property ${key}`);
  return m.value;
}

test('a realistic APIM module parses without problems', () => {
  const text = readFixture('bicep', 'apim-module.bicep');
  const file = parseBicep(text);
  assert.deepEqual(file.problems, []);
  const names = file.declarations.map((d) => ('name' in d ? d.name : d.kind));
  assert.deepEqual(names, ['import', 'location', 'apiManagementSettings', 'skusThatSupportCACertificates', 'serviceTags', 'publisherEmail', 'customProperties', 'apiManagementService', 'existingService', 'protectedApi', 'gatewayUrl']);

  const service = file.declarations[7] as ResourceDecl;
  const sku = prop(prop(service.value, 'sku'), 'name');
  assert.ok(sku.kind === 'member' && sku.name === 'sku');
  const certs = prop(prop(service.value, 'properties'), 'certificates');
  assert.ok(certs.kind === 'ternary' && certs.whenTrue.kind === 'array' && certs.whenFalse.kind === 'null');
  assert.equal(certs.whenTrue.items.length, 2);
  assert.ok(certs.condition.kind === 'call' && certs.condition.name === 'contains');
  assert.equal(text.slice(certs.span.start, certs.span.start + 8), 'contains');

  const existing = file.declarations[8] as ResourceDecl;
  assert.equal(existing.existing, true);
  assert.deepEqual(file.directives[0]?.rules, ['no-unused-existing-resources', 'BCP081']);
  assert.equal(text.split('\n')[file.directives[0]!.line + 1]?.startsWith('resource existingService'), true);

  const api = file.declarations[9] as ResourceDecl;
  const op = (api.value as ObjectExpr).members.find((m) => m.kind === 'resource');
  assert.ok(op?.kind === 'resource' && op.decl.resourceType === 'operations');
  const pol = (op.decl.value as ObjectExpr).members.find((m) => m.kind === 'resource');
  assert.ok(pol?.kind === 'resource');
  const value = prop(prop(pol.decl.value, 'properties'), 'value');
  assert.ok(value.kind === 'call' && value.args[0]?.kind === 'string' && value.args[0].value === './validate.operation.xml');
  assert.equal(text.slice(value.span.start, value.span.end), "loadTextContent('./validate.operation.xml')");
});
