import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { examplesDir, makeTempDir, repoRoot } from '../../helpers';

const CLI = path.join(repoRoot, 'dist', 'cli.js');
/** Root may write any file: the run is made as `nobody` then (a user who may write the folder, not the file). */
const NOBODY = 65534;

test('--fix leaves a read-only file as it is, and says it cannot write it (the rename beside it replaced it, and its owner)', () => {
  const dir = makeTempDir('fix-read-only-');
  fs.chmodSync(dir, 0o777);
  const file = path.join(dir, 'thumbprint-case.operation.xml');
  fs.copyFileSync(path.join(examplesDir, 'mistakes', 'policies', 'thumbprint-case.operation.xml'), file);
  fs.chmodSync(file, 0o444);
  const before = fs.readFileSync(file, 'utf8');
  const owner = fs.statSync(file).uid;
  const asRoot = process.getuid?.() === 0;
  const run = spawnSync(process.execPath, [CLI, 'lint', '--fix', dir], { encoding: 'utf8', cwd: dir, ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}) });
  assert.equal(run.status, 1, run.stderr);
  assert.equal(fs.readFileSync(file, 'utf8'), before, 'not rewritten');
  assert.equal(fs.statSync(file).uid, owner, 'still its owner\'s');
  assert.equal(fs.statSync(file).mode & 0o777, 0o444);
  assert.match(run.stderr, /--fix: .*thumbprint-case\.operation\.xml: cannot write: EACCES/);
  assert.match(run.stdout, /thumbprint-case/, 'the finding is still reported');
  assert.deepEqual(fs.readdirSync(dir), ['thumbprint-case.operation.xml'], 'no temporary file left');
});
