import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeDirectory } from '../../../server/src/core/mkdir';
import { makeTempDir } from '../../helpers';

test('makeDirectory makes the missing folders with the mode asked, and accepts one that exists', { skip: process.platform === 'win32' }, () => {
  const dir = makeTempDir('mkdir-');
  const deep = path.join(dir, 'a', 'b', 'c');
  makeDirectory(deep, 0o750);
  for (const d of [path.join(dir, 'a'), path.join(dir, 'a', 'b'), deep]) {
    assert.ok(fs.statSync(d).isDirectory());
    assert.equal(fs.statSync(d).mode & 0o777 & ~process.umask(), 0o750 & ~process.umask());
  }
  makeDirectory(deep);
  makeDirectory(dir);
});

test('makeDirectory under a file fails with ENOTDIR naming the file', () => {
  const dir = makeTempDir('mkdir-file-');
  fs.writeFileSync(path.join(dir, 'f'), '');
  assert.throws(() => makeDirectory(path.join(dir, 'f', 'sub')), (e: NodeJS.ErrnoException) => e.code === 'ENOTDIR' && e.message.includes(path.join(dir, 'f')));
});
