// The CLI as `npm run build` makes it (dist/), built once per test run: scripts/test.mjs builds it before the tests
// and says so in AI_PROVENANCE_TEST_BUILT; a mocha run started by hand builds it on first use. Tests that change or
// delete the files they run work on a copy.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const DIST = path.join(REPO_ROOT, 'dist');
const BUILT = 'AI_PROVENANCE_TEST_BUILT';

/** dist/ of this checkout, built by this test run. */
export function builtDist(): string {
  if (process.env[BUILT] !== DIST) {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs')], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    process.env[BUILT] = DIST;
  }
  return DIST;
}

/** Copies the CLI as it ships (the launcher and its bundles) into `dir`; returns the launcher's path. */
export function copyBuiltCli(dir: string): string {
  const dist = builtDist();
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dist)) if (/^cli.*\.js$/.test(f)) copyFileSync(path.join(dist, f), path.join(dir, f));
  return path.join(dir, 'cli.js');
}
