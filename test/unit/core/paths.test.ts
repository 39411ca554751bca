import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { isWithin } from '../../../server/src/core/paths';

test('isWithin: the folder itself and what lies under it, not a sibling whose name merely begins the same', () => {
  const dir = path.resolve('work', 'apis');
  assert.equal(isWithin(dir, dir), true);
  assert.equal(isWithin(path.join(dir, 'policy.xml'), dir), true);
  assert.equal(isWithin(path.join(dir, 'a', 'b', 'policy.xml'), dir), true);
  assert.equal(isWithin(path.join(dir, '..hidden.policy.xml'), dir), true);
  assert.equal(isWithin(`${dir}-old${path.sep}policy.xml`, dir), false, 'a sibling folder');
  assert.equal(isWithin(`${dir}.xml`, dir), false);
  assert.equal(isWithin(path.dirname(dir), dir), false, 'the parent');
});

test('isWithin: a folder written with a trailing separator (a file-system root: / or C:\\)', () => {
  const root = path.parse(path.resolve('x')).root;
  assert.ok(root.endsWith(path.sep));
  assert.equal(isWithin(path.join(root, 'policy.xml'), root), true);
  assert.equal(isWithin(root, root), true);
  const dir = path.resolve('work', 'apis');
  assert.equal(isWithin(path.join(dir, 'policy.xml'), dir + path.sep), true);
});
