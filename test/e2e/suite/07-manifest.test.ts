// Restricted mode: the extension only reads files, so it declares support for untrusted workspaces.
import * as assert from 'node:assert/strict';
import { test } from '../harness';
import { extension } from '../util';

test('the manifest supports untrusted workspaces (restricted mode)', () => {
  const caps = extension().packageJSON.capabilities;
  assert.equal(caps?.untrustedWorkspaces?.supported, true, `capabilities: ${JSON.stringify(caps)}`);
});
