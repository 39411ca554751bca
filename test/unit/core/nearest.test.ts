import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { editDistance, editDistanceWithin } from '../../../server/src/core/nearest';
import { prng } from '../fuzz/hostile';

test('editDistanceWithin agrees with editDistance up to its bound, and says "over" beyond it', () => {
  const rand = prng(5);
  const word = () => Array.from({ length: Math.floor(rand() * 12) }, () => 'ab-c'[Math.floor(rand() * 4)]).join('');
  for (let n = 0; n < 5000; n++) {
    const a = word();
    const b = rand() < 0.5 ? word() : a.slice(0, Math.floor(rand() * (a.length + 1))) + word().slice(0, 2);
    const max = Math.floor(rand() * 4);
    const full = editDistance(a, b);
    assert.equal(editDistanceWithin(a, b, max), full <= max ? full : max + 1, `${JSON.stringify(a)} ~ ${JSON.stringify(b)}, max ${max}`);
  }
  // A swap of neighbours is one edit, as in editDistance.
  assert.equal(editDistanceWithin('lnit', 'lint', 1), 1);
});
