import * as path from 'node:path';
import * as fs from 'node:fs';

/** The repository root (tests run from out/test/...). */
export const repoRoot = path.resolve(__dirname, '..', '..');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
export const examplesDir = path.join(repoRoot, 'examples');
/** The public policy corpus shipped beside the project (may be absent). */
export const corpusDir = path.resolve(repoRoot, '..', 'shared', 'corpus');

export function readFixture(...parts: string[]): string {
  return fs.readFileSync(path.join(fixturesDir, ...parts), 'utf8');
}
