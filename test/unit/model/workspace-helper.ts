import * as path from 'node:path';
import { parseBicepFile } from '../../../server/src/parsers/bicep';
import type { BicepFile } from '../../../server/src/parsers/bicep';
import { buildModel } from '../../../server/src/model/workspace';
import type { WorkspaceModel } from '../../../server/src/model/types';

/** A fake workspace root: nothing is read from disk. */
export const ROOT = path.resolve('/ws');

export function abs(rel: string): string {
  return path.join(ROOT, rel);
}

/** Builds a model over in-memory Bicep files (relative paths); `.xml` keys are policy files. */
export function workspace(files: Record<string, string>): WorkspaceModel {
  const bicep = new Map<string, BicepFile>();
  const policies: string[] = [];
  for (const [rel, text] of Object.entries(files)) {
    if (/\.(bicep|bicepparam|json)$/.test(rel)) bicep.set(abs(rel), parseBicepFile(rel, text));
    else policies.push(abs(rel));
  }
  return buildModel({ bicep, policyFiles: policies, fileExists: () => false });
}

/** A template deploying a service whose tier is the parameter `skuName` (`header` declares it), with the global policy loaded from `policyPath`. */
export function serviceTemplate(policyPath: string, header = 'param skuName string'): string {
  return `${header}
resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-x'
  location: 'westeurope'
  sku: {
    name: skuName
    capacity: 1
  }
  properties: {
    publisherName: 'p'
  }
}
resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: loadTextContent('${policyPath}')
  }
}
`;
}

/** A `Microsoft.ApiManagement/service` resource named `name` on tier `sku`, declared as `symbol`. */
export function apimService(symbol: string, name: string, sku: string): string {
  return `resource ${symbol} 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: '${name}'
  location: 'westeurope'
  sku: {
    name: '${sku}'
    capacity: 1
  }
  properties: {
    publisherEmail: 'a@b.c'
    publisherName: 'p'
  }
}`;
}
