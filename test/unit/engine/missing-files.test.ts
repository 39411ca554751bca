import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { Workspace } from '../../../server/src/engine/workspace';
import { apimServiceBicep } from '../../helpers';

const ROOT = path.resolve('/missing-ws');
const BICEP = path.join(ROOT, 'main.bicep');
const POLICY = path.join(ROOT, 'global.xml');

const MAIN = apimServiceBicep("'Developer'", 'global.xml');

describe('files known to be missing', () => {
  it('a missing file that appears holding no policy yet (an empty .xml) is no longer said not to exist', () => {
    const ws = new Workspace({ configFor: () => ({ config: DEFAULT_CONFIG, problems: [] }) });
    ws.set(BICEP, { text: MAIN });
    ws.noteMissing(POLICY);
    const rules = () => ws.lint(BICEP).findings.map((f) => f.ruleId);
    assert.deepEqual(rules(), ['policy-value-not-loaded']);
    // Created empty on disk: read, and not kept (no policy by its name or its root element), but there.
    assert.equal(ws.set(POLICY, { text: '' }), 'other');
    assert.equal(ws.isMissing(POLICY), false);
    assert.deepEqual(rules(), [], 'the lint made while it was missing is not reused, and the model no longer says so');
  });
});
