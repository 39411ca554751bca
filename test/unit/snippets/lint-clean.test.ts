import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DEFAULT_CONFIG, mergeConfig } from '../../../server/src/engine/config';
import { Workspace } from '../../../server/src/engine/workspace';
import { SKUS, type Sku } from '../../../server/src/model/sku';
import { repoRoot } from '../../helpers';
import { expandSnippet, loadSnippets } from './expand';

const WS = path.resolve('/snippet-ws');
const CLASSIC: Sku[] = ['Developer', 'Basic', 'Standard', 'Premium'];
const V2: Sku[] = ['Consumption', 'BasicV2', 'StandardV2', 'PremiumV2'];

/** The tiers a policy snippet is meant for, from its prefix. */
function tiersFor(prefix: string): Sku[][] {
  if (prefix.includes('v2')) return [V2];
  if (prefix.includes('classic') || prefix.includes('chain')) return [CLASSIC];
  return [[...SKUS]];
}

function lint(files: Record<string, string>, target: string, skus?: Sku[]) {
  const config = mergeConfig(DEFAULT_CONFIG, { skus });
  const ws = new Workspace({ configFor: () => ({ config, problems: [] }) });
  for (const [rel, text] of Object.entries(files)) ws.set(path.join(WS, rel), { text });
  const result = ws.lint(path.join(WS, target));
  return [...result.notices, ...result.findings.map((f) => `${f.ruleId}: ${f.message}`)];
}

function wrapInPolicy(body: string): string {
  return body.trimStart().startsWith('<policies')
    ? body
    : `<policies>\n<inbound>\n<base />\n${body}\n</inbound>\n<backend><base /></backend>\n<outbound><base /></outbound>\n<on-error><base /></on-error>\n</policies>\n`;
}

for (const snippet of loadSnippets(path.join(repoRoot, 'snippets', 'apim-policy.code-snippets'))) {
  const prefix = Array.isArray(snippet.prefix) ? snippet.prefix[0]! : snippet.prefix;
  for (const skus of tiersFor(prefix)) {
    test(`policy snippet ${prefix} lints clean on ${skus.join(', ')}`, () => {
      const text = wrapInPolicy(expandSnippet(snippet.body));
      assert.deepEqual(lint({ 'api.policy.xml': text }, 'api.policy.xml', skus), []);
    });
  }
}

for (const snippet of loadSnippets(path.join(repoRoot, 'snippets', 'bicep.code-snippets'))) {
  const prefix = Array.isArray(snippet.prefix) ? snippet.prefix[0]! : snippet.prefix;
  test(`Bicep snippet ${prefix} lints clean`, () => {
    const text = expandSnippet(snippet.body, { TM_FILENAME_BASE: 'main' });
    assert.deepEqual(lint({ 'main.bicep': text }, 'main.bicep'), []);
  });
}
