import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { keyFilesGitWouldCommit } from '../../../client/src/wizard/git';
import { makeTempDir, removeTempDir } from '../../helpers';

test('the wizard finds the key files git would commit: in a work tree and not ignored; none outside a repository or once ignored', async () => {
  const dir = makeTempDir('wizard-git');
  try {
    const certs = path.join(dir, 'certs');
    fs.mkdirSync(certs);
    const files = ['client.cer', 'client.without-markers.cer', 'client.pfx', 'client.key'].map((f) => path.join(certs, f));
    for (const f of files) fs.writeFileSync(f, 'x');
    // Not a repository yet: nothing to say.
    assert.equal(await keyFilesGitWouldCommit(files), undefined);
    assert.equal(spawnSync('git', ['init', '-q'], { cwd: dir }).status, 0);
    const found = await keyFilesGitWouldCommit(files);
    assert.equal(fs.realpathSync(found!.root), fs.realpathSync(dir));
    assert.deepEqual(found!.files.map((f) => path.basename(f)), ['client.pfx', 'client.key']);
    // Ignored by the repository's .gitignore: nothing to say.
    fs.writeFileSync(path.join(dir, '.gitignore'), '*.pfx\n*.key\n');
    assert.equal(await keyFilesGitWouldCommit(files), undefined);
    // Certificates only: nothing to say.
    assert.equal(await keyFilesGitWouldCommit(files.slice(0, 2)), undefined);
  } finally {
    removeTempDir(dir);
  }
});
