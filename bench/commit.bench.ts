// `git commit` time with our hooks vs without, measured the way a user commits: hooks placed by `ai-provenance
// install` (its wrapper around our hook bodies), a one-line `git commit -m`, the user's environment unchanged.
// Run: npx tsx bench/commit.bench.ts [--runs N] [--only human,ai,files,staged] [--sizes 500,50000] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { CACHE_REFRESHES } from '../src/cli/launcher';
import { discoverRepo } from '../src/git/repo';
import { WorkingState } from '../src/git/workingState';
import type { Attribution, LineProvenance } from '../src/core/model';
import { fromLines } from '../src/core/lineRuns';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(opt('--runs')) || 11;
const json = args.includes('--json');
const only = new Set((opt('--only') ?? 'human,ai,files,staged').split(','));
const sizes = (opt('--sizes') ?? '500,50000').split(',').map(Number);
const fileCounts = (opt('--files') ?? '10,100,1000,3000').split(',').map(Number);
const root = path.resolve(__dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'aip-commit-bench-'));
// The user's environment as it is (NODE_EXTRA_CA_CERTS included), plus an identity for the commits.
const env: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  // A code cache of the run's own, so every run starts from the same state (warm-up rounds fill it).
  AI_PROVENANCE_CACHE_DIR: path.join(work, 'cache'),
};
const AGENT: Attribution = { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', at: '2026-01-01T00:00:00Z' };
const HOOKS = ['prepare-commit-msg', 'commit-msg', 'post-commit', 'post-rewrite'];

function git(cwd: string, ...a: string[]): string {
  return execFileSync('git', a, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
}

/**
 * Where the environment names a CA bundle (NODE_EXTRA_CA_CERTS, as on these machines), every Node start-up parses
 * it, and our hooks start Node without it: so the run also times a start-up without it, the honest baseline for
 * "how much more than starting Node" when the bundle is not counted. Undefined when the variable is not set.
 */
const certFreeEnv = process.env['NODE_EXTRA_CA_CERTS'] ? { ...env, NODE_EXTRA_CA_CERTS: '' } : undefined;

function timed(cmd: string, a: string[], cwd: string, e: NodeJS.ProcessEnv = env): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, a, { cwd, env: e, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${a.join(' ')} failed in ${cwd}: ${r.stderr.toString()}`);
  return ms;
}

/**
 * `git commit` run by bash, which then prints the CPU time (user + system) its children used, to the millisecond: on
 * a busy machine the wall time of a 10 ms commit swings by more than the hooks cost, the CPU time much less.
 */
function timedCpu(a: string[], cwd: string): { wall: number; cpu: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', 'git "$@" >/dev/null && times', 'bench', ...a], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`git ${a.join(' ')} failed in ${cwd}: ${r.stderr}`);
  // times: the shell's own user and system time, then its children's: "0m0.004s 0m0.008s".
  const children = r.stdout.trim().split('\n')[1]?.match(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s/);
  if (!children) throw new Error(`bash times printed ${JSON.stringify(r.stdout)}`);
  const [, um, us, sm, ss] = children.map(Number) as [number, number, number, number, number];
  return { wall, cpu: (um * 60 + us + sm * 60 + ss) * 1000 };
}

function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const cli = path.join(work, 'dist', 'cli.js');

/** A repository of `files` one-line files in folders of 100, committed and packed. */
function makeRepo(dir: string, files: number): void {
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  // A background auto-gc would disturb the timings.
  git(dir, 'config', 'gc.auto', '0');
  git(dir, 'config', 'maintenance.auto', 'false');
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `pkg${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(sub);
    writeFileSync(path.join(sub, `file${i}.ts`), `export const value${i} = ${i};\n`);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'init');
  git(dir, 'gc', '-q');
}

/** Copies of `base`: without hooks, with three empty hooks (what git's starting of a hook costs), with ours installed. */
function variants(base: string): { bare: string; empty: string; hooked: string } {
  const bare = `${base}-bare`;
  const empty = `${base}-empty`;
  const hooked = `${base}-hooked`;
  cpSync(base, bare, { recursive: true });
  cpSync(base, empty, { recursive: true });
  cpSync(base, hooked, { recursive: true });
  rmSync(base, { recursive: true, force: true });
  for (const h of HOOKS) {
    const f = path.join(empty, '.git', 'hooks', h);
    writeFileSync(f, '#!/bin/sh\nexit 0\n');
    chmodSync(f, 0o755);
  }
  // As a user installs: the wrapper in .git/hooks, our bodies in .git/ai-provenance/hooks.
  execFileSync(process.execPath, [cli, 'install'], { cwd: hooked, env, stdio: 'ignore' });
  return { bare, empty, hooked };
}

/** Appends a line to `rel` and stages it; returns the new text. */
function touch(dir: string, rel: string, line: string): string {
  const file = path.join(dir, rel);
  const text = readFileSync(file, 'utf8') + `${line}\n`;
  writeFileSync(file, text);
  return text;
}

async function recordLastLines(dir: string, rel: string, text: string, count: number): Promise<void> {
  const n = text.split('\n').length;
  const prov: LineProvenance[] = Array.from({ length: n }, (_, j) => (j >= n - 1 - count && j < n - 1 ? { kind: 'ai', attribution: AGENT } : { kind: 'human' }));
  await WorkingState.forRepo(await discoverRepo(dir)).write(rel, text, fromLines(prov));
}

interface Row {
  readonly label: string;
  readonly medians: Record<string, number>;
}
const rows: Row[] = [];
const loads: number[] = [];

function report(label: string, series: Record<string, number[]>): Record<string, number> {
  const medians = Object.fromEntries(Object.entries(series).map(([k, v]) => [k, median(v)]));
  rows.push({ label, medians });
  loads.push(loadavg()[0]!);
  return medians;
}

const f1 = (x: number): string => `${x.toFixed(1)} ms`;

/**
 * A one-line change to one file, `git commit -m` (not -q: git prints its summary, as a user sees it), people only:
 * in a repository with our hooks and no AI commit yet, and in one whose last AI commit was a few commits ago (the
 * hooks then check whether a person's commit edits its AI lines).
 */
async function human(size: number): Promise<void> {
  const { bare, empty, hooked } = variants(makeRepoAt(`human${size}`, size));
  const afterAi = `${hooked}-after-ai`;
  cpSync(hooked, afterAi, { recursive: true });
  // Our hooks as installed before the reference-transaction hook (git starts that one twice a commit).
  const noRefHook = `${hooked}-no-reference-transaction`;
  cpSync(hooked, noRefHook, { recursive: true });
  rmSync(path.join(noRefHook, '.git', 'hooks', 'reference-transaction'));
  const text = touch(afterAi, 'pkg0/file2.ts', 'export const fromAgent = 2;');
  await recordLastLines(afterAi, 'pkg0/file2.ts', text, 1);
  git(afterAi, 'add', 'pkg0/file2.ts');
  git(afterAi, 'commit', '-qm', 'AI change');
  if (!/AI-Lines: 1\/1/.test(git(afterAi, 'log', '-1', '--format=%B'))) throw new Error('the AI commit did not get its trailers');
  const names = ['bare', 'empty', 'noRefHook', 'hooked', 'afterAi'] as const;
  const wall = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<(typeof names)[number], number[]>;
  const cpu = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<(typeof names)[number], number[]>;
  const dirs = { bare, empty, noRefHook, hooked, afterAi };
  for (let r = 0; r < runs + 2; r++) {
    for (const k of names) {
      const dir = dirs[k];
      touch(dir, 'pkg0/file1.ts', `export const human${r} = ${r};`);
      git(dir, 'add', 'pkg0/file1.ts');
      const t = timedCpu(['commit', '-m', `human change ${r}`], dir);
      if (r < 2) continue;
      wall[k].push(t.wall);
      cpu[k].push(t.cpu);
    }
  }
  for (const dir of [noRefHook, hooked, afterAi]) if (/Assisted-by|AI-Lines/.test(git(dir, 'log', '-1', '--format=%B'))) throw new Error('a human commit got AI trailers');
  const m = report(`human one-line commit, ${size} files`, wall);
  const c = report(`human one-line commit, ${size} files, CPU time`, cpu);
  if (!json) {
    console.log(`human one-line git commit -m, ${size} files, median of ${runs} interleaved rounds (load ${loadavg()[0]!.toFixed(1)}): wall / CPU of git and its children`);
    const line = (label: string, k: (typeof names)[number], note = ''): void =>
      console.log(`  ${label.padEnd(26)}${f1(m[k]!).padStart(10)} (+${f1(m[k]! - m.bare!)})   CPU ${f1(c[k]!)} (+${f1(c[k]! - c.bare!)})${note}`);
    line('without hooks', 'bare');
    line('three empty sh hooks', 'empty', '   (git starting three hook processes)');
    line('installed, no ref-tx hook', 'noRefHook', '   (without the reference-transaction hook)');
    line('ai-provenance installed', 'hooked', '   goal < 10 ms');
    line('same, after an AI commit', 'afterAi', '   goal < 10 ms');
  }
}

function makeRepoAt(name: string, size: number): string {
  const dir = path.join(work, name);
  makeRepo(dir, size);
  return dir;
}

/** Two AI lines in one file, `git commit -m`, against `node -e 0` in the same rounds. */
async function ai(size: number): Promise<void> {
  const { bare, hooked } = variants(makeRepoAt(`ai${size}`, size));
  const t = { bare: [] as number[], hooked: [] as number[], node: [] as number[], nodeCertFree: [] as number[] };
  const warmUp = CACHE_REFRESHES + 2;
  for (let r = 0; r < runs + warmUp; r++) {
    touch(bare, 'pkg0/file1.ts', `export const a${r} = 1;\nexport const b${r} = 2;`);
    git(bare, 'add', 'pkg0/file1.ts');
    const a = timed('git', ['commit', '-m', `change ${r}`], bare);
    const text = touch(hooked, 'pkg0/file1.ts', `export const a${r} = 1;\nexport const b${r} = 2;`);
    await recordLastLines(hooked, 'pkg0/file1.ts', text, 2);
    git(hooked, 'add', 'pkg0/file1.ts');
    const b = timed('git', ['commit', '-m', `change ${r}`], hooked);
    const c = timed(process.execPath, ['-e', '0'], work);
    const d = certFreeEnv ? timed(process.execPath, ['-e', '0'], work, certFreeEnv) : NaN;
    if (r < warmUp) continue;
    t.bare.push(a);
    t.hooked.push(b);
    t.node.push(c);
    t.nodeCertFree.push(d);
  }
  if (!/AI-Lines: 2\/2/.test(git(hooked, 'log', '-1', '--format=%B'))) throw new Error('the AI commit did not get its trailers');
  const m = report(`2 AI lines, ${size} files`, t);
  if (!json) {
    const added = m.hooked! - m.bare!;
    console.log(`git commit -m of 2 AI lines, ${size} files, median of ${runs} interleaved rounds (load ${loadavg()[0]!.toFixed(1)})`);
    console.log(`  without hooks   ${f1(m.bare!)}`);
    console.log(`  with hooks      ${f1(m.hooked!)}   (+${f1(added)} = ${(added / m.node!).toFixed(2)}x node -e 0; goal <= 1.25x)`);
    console.log(`  node -e 0       ${f1(m.node!)}`);
    if (certFreeEnv) console.log(`  node -e 0, NODE_EXTRA_CA_CERTS emptied (as the hooks start Node)   ${f1(m.nodeCertFree!)}   (added = ${(added / m.nodeCertFree!).toFixed(2)}x this)`);
  }
}

/** N files each with one AI line in one commit: the added time should grow linearly with N. */
async function files(): Promise<void> {
  const max = Math.max(...fileCounts);
  const { bare, hooked } = variants(makeRepoAt('files', max));
  const added: [number, number][] = [];
  const reps = Math.max(3, Math.min(runs, 5));
  for (const n of fileCounts) {
    const t = { bare: [] as number[], hooked: [] as number[] };
    for (let r = 0; r < reps + 1; r++) {
      for (const dir of [bare, hooked]) {
        const rels: string[] = [];
        const state = dir === hooked ? WorkingState.forRepo(await discoverRepo(dir)) : undefined;
        for (let i = 0; i < n; i++) {
          const rel = `pkg${Math.floor(i / 100)}/file${i}.ts`;
          const text = touch(dir, rel, `export const n${n}r${r} = ${i};`);
          rels.push(rel);
          if (state) {
            const count = text.split('\n').length;
            await state.write(rel, text, fromLines(Array.from({ length: count }, (_, j): LineProvenance => (j === count - 2 ? { kind: 'ai', attribution: AGENT } : { kind: 'human' }))));
          }
        }
        for (let k = 0; k < rels.length; k += 500) git(dir, 'add', '--', ...rels.slice(k, k + 500));
        const ms = timed('git', ['commit', '-qm', `${n} files`], dir);
        if (r >= 1) (dir === bare ? t.bare : t.hooked).push(ms);
      }
    }
    if (!new RegExp(`AI-Lines: ${n}/${n}`).test(git(hooked, 'log', '-1', '--format=%B'))) throw new Error(`the ${n}-file commit did not get its trailers`);
    if (git(hooked, 'status', '--porcelain') !== '') throw new Error('files left uncommitted');
    const m = report(`${n} files with AI lines`, t);
    added.push([n, m.hooked! - m.bare!]);
  }
  const exps = added.slice(1).map(([n, ms], i) => Math.log(ms / added[i]![1]) / Math.log(n / added[i]![0]));
  if (!json) {
    console.log(`one commit of N files, each with one recorded AI line (median of ${reps} rounds; load ${loadavg()[0]!.toFixed(1)})`);
    for (const [k, [n, ms]] of added.entries()) {
      console.log(`  N = ${String(n).padStart(5)}   hooks add ${f1(ms).padStart(10)}${k > 0 ? `   growth exponent from N = ${added[k - 1]![0]}: ${exps[k - 1]!.toFixed(2)}` : ''}`);
    }
    console.log(`  goal: exponent <= 1.1 at the top (${exps[exps.length - 1]?.toFixed(2)})`);
  }
  rows.push({ label: 'growth exponents', medians: Object.fromEntries(added.slice(1).map(([n], i) => [`to ${n}`, exps[i]!])) });
}

/** The earlier figure: 10,000 files, 50 staged, 5 of them with AI lines. */
async function staged(): Promise<void> {
  const { bare, hooked } = variants(makeRepoAt('staged', 10_000));
  const t = { bare: [] as number[], noAi: [] as number[], ai: [] as number[], node: [] as number[] };
  let round = 0;
  async function stage(dir: string, withAi: boolean): Promise<void> {
    round++;
    const rels: string[] = [];
    const state = withAi ? WorkingState.forRepo(await discoverRepo(dir)) : undefined;
    for (let k = 0; k < 50; k++) {
      const i = (round * 50 + k) % 10_000;
      const rel = `pkg${Math.floor(i / 100)}/file${i}.ts`;
      const text = touch(dir, rel, `export const change${round} = ${k};`);
      rels.push(rel);
      if (state && k < 5) {
        const n = text.split('\n').length;
        await state.write(rel, text, fromLines(Array.from({ length: n }, (_, j): LineProvenance => (j === n - 2 ? { kind: 'ai', attribution: AGENT } : { kind: 'human' }))));
      }
    }
    git(dir, 'add', '--', ...rels);
  }
  for (let r = 0; r < runs + CACHE_REFRESHES + 2; r++) {
    await stage(bare, false);
    const a = timed('git', ['commit', '-qm', `bare ${r}`], bare);
    await stage(hooked, false);
    const b = timed('git', ['commit', '-qm', `no ai ${r}`], hooked);
    await stage(hooked, true);
    const c = timed('git', ['commit', '-qm', `ai ${r}`], hooked);
    const d = timed(process.execPath, ['-e', '0'], work);
    if (r < CACHE_REFRESHES + 2) continue;
    t.bare.push(a);
    t.noAi.push(b);
    t.ai.push(c);
    t.node.push(d);
  }
  if (!/AI-Lines: 5\/50/.test(git(hooked, 'log', '-1', '--format=%B'))) throw new Error('the AI commit did not get its trailers');
  const m = report('10,000 files, 50 staged', t);
  if (!json) {
    console.log(`git commit of 50 staged files in 10,000, median of ${runs} interleaved rounds (load ${loadavg()[0]!.toFixed(1)})`);
    console.log(`  without hooks            ${f1(m.bare!)}`);
    console.log(`  hooks, no AI lines       ${f1(m.noAi!)}   (+${f1(m.noAi! - m.bare!)})`);
    console.log(`  hooks, 5 files with AI   ${f1(m.ai!)}   (+${f1(m.ai! - m.bare!)} = ${((m.ai! - m.bare!) / m.node!).toFixed(2)}x node -e 0)`);
    console.log(`  node -e 0                ${f1(m.node!)}`);
  }
}

async function main(): Promise<void> {
  // The CLI as it ships: the dist/cli.js launcher and its bundles, built by the project's own build script.
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--outdir', path.join(work, 'dist')], { cwd: root, stdio: 'ignore' });
  if (!json) console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (only.has('human')) for (const s of sizes) await human(s);
  if (only.has('ai')) for (const s of sizes) await ai(s);
  if (only.has('files')) await files();
  if (only.has('staged')) await staged();
  if (json) console.log(JSON.stringify({ runs, rows, loads }, null, 2));
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => (process.env['AIP_BENCH_KEEP'] ? console.log(`kept ${work}`) : rmSync(work, { recursive: true, force: true })));
