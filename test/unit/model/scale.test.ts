import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseBicep } from '../../../server/src/parsers/bicep';
import type { BicepFile } from '../../../server/src/parsers/bicep';
import { buildModel } from '../../../server/src/model/workspace';
import { readFixture } from '../../helpers';
import { abs } from './workspace-helper';

function apiFile(i: number): string {
  const ops = Array.from({ length: 10 }, (_, j) =>
    `  resource op${j} 'operations' = {\n    name: 'op-${j}'\n    properties: { method: 'GET', urlTemplate: '/${j}' }\n    resource policy 'policies' = {\n      name: 'policy'\n      properties: {\n        format: 'rawxml'\n        value: loadTextContent('./api-${i}/op-${j}.operation.xml')\n      }\n    }\n  }`,
  ).join('\n');
  return `param apiManagementServiceName string\nresource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {\n  name: apiManagementServiceName\n}\nresource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {\n  name: 'api-${i}'\n  parent: apim\n${ops}\n}\n`;
}

test('a model of 200 Bicep files and 2000 policies links every policy to the service (speed: npm run bench)', () => {
  const bicep = new Map<string, BicepFile>();
  bicep.set(abs('settings.bicep'), parseBicep(readFixture('bicep', 'settings.bicep')));
  bicep.set(abs('apim.bicep'), parseBicep(readFixture('bicep', 'apim-module.bicep')));
  const policies: string[] = [];
  for (let i = 0; i < 198; i++) {
    bicep.set(abs(`api-${i}.bicep`), parseBicep(apiFile(i)));
    for (let j = 0; j < 10; j++) policies.push(abs(`api-${i}/op-${j}.operation.xml`));
  }
  const input = { bicep, policyFiles: policies, fileExists: () => false };
  const model = buildModel(input);
  for (const policy of policies) {
    const ctx = model.policyContext(policy);
    assert.equal(ctx.deployments.length, 1, policy);
    assert.equal(ctx.skus.values.size, 8, policy);
  }
});
