import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { editDistance, editDistanceWithin, nearest } from '../../../server/src/core/nearest';
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

test('nearest: the same answer as the whole table over every candidate, and a 1 MB name is bounded work', () => {
  // The reference: every candidate's full distance, ties to the earlier one.
  const reference = (name: string, candidates: string[]) => {
    let best: { value: string; distance: number } | undefined;
    for (const value of candidates) {
      const distance = editDistance(name.toLowerCase(), value.toLowerCase());
      if (!best || distance < best.distance) best = { value, distance };
    }
    return best;
  };
  let seed = 11;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const word = () => Array.from({ length: rand(12) }, () => 'abcdeAB-'[rand(8)]).join('');
  for (let c = 0; c < 3000; c++) {
    const candidates = Array.from({ length: 1 + rand(6) }, word);
    const name = word();
    assert.deepEqual(nearest(name, candidates), reference(name, candidates), JSON.stringify([name, candidates]));
  }
  // A rule id of 1 MB in a configuration took 8 s (a table of a million rows per rule id); the answer is the same.
  const huge = 'x'.repeat(1_000_000);
  assert.deepEqual(nearest(huge, ['certificate-null-check', 'x']), { value: 'x', distance: 999_999 });
});
