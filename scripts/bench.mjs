// `npm run bench`: builds, then runs every benchmark under bench/ one after another (or those named: npm run bench -- tracker hook).
// Options (words starting with --, e.g. --json or --verbose) are passed on to every benchmark that runs.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const options = process.argv.slice(2).filter((a) => a.startsWith('--'));
const entries = readdirSync('bench')
  .filter((f) => /\.bench\.(ts|mjs)$/.test(f) && !f.includes('.host.') && !f.includes('.vscode.'))
  .concat(readdirSync('bench').filter((f) => f.endsWith('.vscode.mjs')))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
let failed = 0;
for (const f of entries) {
  console.log(`\n=== bench/${f}`);
  const args = [...(f.endsWith('.ts') ? ['--import', 'tsx', `bench/${f}`] : [`bench/${f}`]), ...options];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
