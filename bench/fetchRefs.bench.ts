// A `git fetch --tags` that brings many new refs, in a clone without hooks, with a reference-transaction hook that only
// exits, and with ours (`ai-provenance install`), rounds alternated. Before git 2.51 git updates each fetched ref in a
// transaction of its own and starts the reference-transaction hook for each one's states; 2.51 batches them.
// Run: node scripts/build.mjs && npx tsx bench/fetchRefs.bench.ts [--runs N] [--tags N] [--json]
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(opt('--runs')) || 3;
const tags = Number(opt('--tags')) || 3000;
const json = args.includes('--json');
const cli = path.resolve(__dirname, '..', 'dist', 'cli.js');
const env = { ...process.env, GIT_AUTHOR_NAME: 'B', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'B', GIT_COMMITTER_EMAIL: 'b@example.com', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const scratch = mkdtempSync(path.join(tmpdir(), 'aip-fetch-refs-bench-'));

function git(cwd: string, a: readonly string[], input?: string): string {
  return execFileSync('git', a, { cwd, env, encoding: 'utf8', input, maxBuffer: 1 << 28 });
}

const VARIANTS = ['no hook', 'empty hook', 'ai-provenance'] as const;
type Variant = (typeof VARIANTS)[number];

/** A clone of `server` without its tags, set up as `v`; the fetch is timed. */
function fetchTime(server: string, v: Variant, round: number): number {
  const dir = path.join(scratch, `${round}-${VARIANTS.indexOf(v)}`);
  git(scratch, ['clone', '-q', server, dir]);
  git(dir, ['update-ref', '--stdin'], git(dir, ['for-each-ref', '--format=delete %(refname)', 'refs/tags']));
  if (v === 'empty hook') {
    writeFileSync(path.join(dir, '.git', 'hooks', 'reference-transaction'), '#!/bin/sh\nexit 0\n');
    chmodSync(path.join(dir, '.git', 'hooks', 'reference-transaction'), 0o755);
  } else if (v === 'ai-provenance') execFileSync(process.execPath, [cli, 'install'], { cwd: dir, env, stdio: 'ignore' });
  const t0 = process.hrtime.bigint();
  git(dir, ['fetch', '-q', '--tags', 'origin']);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

try {
  const server = path.join(scratch, 'server.git');
  const work = path.join(scratch, 'work');
  git(scratch, ['init', '-q', '--bare', '-b', 'main', server]);
  git(scratch, ['init', '-q', '-b', 'main', work]);
  git(work, ['commit', '-q', '--allow-empty', '-m', 'one']);
  git(work, ['update-ref', '--stdin'], Array.from({ length: tags }, (_, i) => `create refs/tags/t${i} HEAD\n`).join(''));
  git(work, ['push', '-q', server, 'main', 'refs/tags/*']);
  const times = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const load = loadavg()[0]!;
  for (let r = 0; r < runs; r++) for (const v of VARIANTS) times.get(v)!.push(fetchTime(server, v, r));
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const m = Object.fromEntries(VARIANTS.map((v) => [v, median(times.get(v)!)])) as Record<Variant, number>;
  const gitVersion = git(scratch, ['version']).trim();
  if (json) console.log(JSON.stringify({ tags, runs, load, gitVersion, medianMs: m }, null, 2));
  else {
    console.log(`git fetch --tags of ${tags} new tags, ${gitVersion}, medians of ${runs} alternated rounds (load ${load.toFixed(1)})`);
    for (const v of VARIANTS) console.log(`  ${v.padEnd(14)} ${m[v].toFixed(0).padStart(6)} ms${v === 'ai-provenance' ? `   (${(m[v] / m['empty hook']).toFixed(2)}x the empty hook)` : ''}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
