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

/** A copy of the thumbprint-case example (a fixable finding) at `file`. */
function fixable(file: string): string {
  fs.copyFileSync(path.join(examplesDir, 'mistakes', 'policies', 'thumbprint-case.operation.xml'), file);
  return fs.readFileSync(file, 'utf8');
}

test('--fix writes in place a file the user may write in a folder they may not (no room for the file beside it)', { skip: process.platform === 'win32' }, () => {
  const dir = makeTempDir('fix-ro-folder-');
  const file = path.join(dir, 'thumbprint-case.operation.xml');
  const before = fixable(file);
  fs.chmodSync(file, 0o666);
  fs.chmodSync(dir, 0o555);
  try {
    const asRoot = process.getuid?.() === 0;
    const run = spawnSync(process.execPath, [CLI, 'lint', '--fix', dir], { encoding: 'utf8', cwd: dir, ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}) });
    assert.doesNotMatch(run.stderr, /cannot write/);
    const after = fs.readFileSync(file, 'utf8');
    assert.notEqual(after, before, 'fixed');
    assert.doesNotMatch(run.stdout, /thumbprint-case/, 'nothing left to report');
    assert.deepEqual(fs.readdirSync(dir), ['thumbprint-case.operation.xml']);
  } finally {
    fs.chmodSync(dir, 0o755);
  }
});

test('--fix keeps the owner of a file it may write but does not own (written in place, not replaced by its own)', { skip: process.platform === 'win32' || process.getuid?.() !== 0 }, () => {
  // As root: the file is root's and world-writable, the run is nobody's.
  const dir = makeTempDir('fix-owner-');
  fs.chmodSync(dir, 0o777);
  const file = path.join(dir, 'thumbprint-case.operation.xml');
  const before = fixable(file);
  fs.chmodSync(file, 0o666);
  const run = spawnSync(process.execPath, [CLI, 'lint', '--fix', dir], { encoding: 'utf8', cwd: dir, uid: NOBODY, gid: NOBODY });
  assert.doesNotMatch(run.stderr, /cannot write/);
  assert.notEqual(fs.readFileSync(file, 'utf8'), before, 'fixed');
  assert.equal(fs.statSync(file).uid, 0, 'still root\'s');
  assert.equal(fs.statSync(file).mode & 0o777, 0o666);
});

test('--fix on a file with two names in the linted folders fixes it once, without "changed while it was being fixed"', { skip: process.platform === 'win32' }, () => {
  const dir = makeTempDir('fix-hard-link-');
  const a = path.join(dir, 'a.operation.xml');
  const b = path.join(dir, 'b.operation.xml');
  const before = fixable(a);
  fs.linkSync(a, b);
  const run = spawnSync(process.execPath, [CLI, 'lint', '--fix', dir], { encoding: 'utf8', cwd: dir });
  assert.doesNotMatch(run.stderr, /changed while it was being fixed/);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const after = fs.readFileSync(b, 'utf8');
  assert.notEqual(after, before);
  assert.equal(fs.readFileSync(a, 'utf8'), after);
  assert.equal(fs.statSync(a).ino, fs.statSync(b).ino, 'still one file');
});
