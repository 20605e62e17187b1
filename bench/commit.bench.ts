// `git commit` time with our hooks vs without, in a repository of 10,000 files with 50 staged, alongside `node -e 0`.
// Run: npx tsx bench/commit.bench.ts [--runs N] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CACHE_REFRESHES } from '../src/cli/launcher';
import { hookScript } from '../src/git/hookScripts';
import { discoverRepo } from '../src/git/repo';
import { WorkingState } from '../src/git/workingState';
import type { Attribution, LineProvenance } from '../src/core/model';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 11;
const json = args.includes('--json');
const FILES = 10_000;
const STAGED = 50;
const AI_FILES = 5;
const root = path.resolve(__dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'aip-commit-bench-'));
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  // A code cache of the run's own, so every run starts from the same state.
  AI_PROVENANCE_CACHE_DIR: path.join(work, 'cache'),
};
const AGENT: Attribution = { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', at: '2026-01-01T00:00:00Z' };

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
  const r = spawnSync(cmd, a, { cwd, env: e, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${a.join(' ')} failed: ${r.stderr.toString()}`);
  return ms;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function main(): Promise<void> {
  // The CLI as it ships: the dist/cli.js launcher and its bundles, built by the project's own build script.
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--outdir', path.join(work, 'dist')], { cwd: root, stdio: 'inherit' });
  const cli = path.join(work, 'dist', 'cli.js');

  const bare = path.join(work, 'bare');
  mkdirSync(bare);
  git(bare, 'init', '-q', '-b', 'main');
  // A background auto-gc would race the copy below and disturb the timings.
  git(bare, 'config', 'gc.auto', '0');
  for (let i = 0; i < FILES; i++) {
    const dir = path.join(bare, `pkg${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(dir);
    writeFileSync(path.join(dir, `file${i}.ts`), `export const value${i} = ${i};\n`);
  }
  git(bare, 'add', '-A');
  git(bare, 'commit', '-qm', 'init');
  git(bare, 'gc', '-q');
  const hooked = path.join(work, 'hooked');
  cpSync(bare, hooked, { recursive: true });
  for (const h of ['prepare-commit-msg', 'commit-msg', 'post-commit', 'post-rewrite']) {
    const f = path.join(hooked, '.git', 'hooks', h);
    writeFileSync(f, hookScript(h, cli));
    chmodSync(f, 0o755);
  }
  const state = WorkingState.forRepo(await discoverRepo(hooked));

  let round = 0;
  /** Changes 50 files and stages them; with `ai`, records the new line of the first five as AI. */
  async function stage(dir: string, ai: boolean): Promise<void> {
    round++;
    const paths: string[] = [];
    for (let k = 0; k < STAGED; k++) {
      const i = (round * STAGED + k) % FILES;
      const rel = `pkg${Math.floor(i / 100)}/file${i}.ts`;
      const file = path.join(dir, rel);
      const text = readFileSync(file, 'utf8') + `export const change${round} = ${k};\n`;
      writeFileSync(file, text);
      paths.push(rel);
      if (ai && k < AI_FILES) {
        const n = text.split('\n').length;
        const prov: LineProvenance[] = Array.from({ length: n }, (_, j) => (j === n - 2 ? { kind: 'ai', attribution: AGENT } : { kind: 'human' }));
        await state.write(rel, text, prov);
      }
    }
    git(dir, 'add', '--', ...paths);
  }

  const t = { bare: [] as number[], hookedNoAi: [] as number[], hookedAi: [] as number[], node: [] as number[], nodeCertFree: [] as number[] };
  // Warm-up rounds also let the launcher write and refresh its code cache, as the first commits after an install do.
  const warmUp = CACHE_REFRESHES + 2;
  for (let r = 0; r < runs + warmUp; r++) {
    const warm = r < warmUp;
    await stage(bare, false);
    const a = timed('git', ['commit', '-qm', `bare ${r}`], bare);
    await stage(hooked, false);
    const b = timed('git', ['commit', '-qm', `no ai ${r}`], hooked);
    await stage(hooked, true);
    const c = timed('git', ['commit', '-qm', `ai ${r}`], hooked);
    const d = timed(process.execPath, ['-e', '0'], work);
    const e = certFreeEnv ? timed(process.execPath, ['-e', '0'], work, certFreeEnv) : NaN;
    if (warm) continue;
    t.bare.push(a);
    t.hookedNoAi.push(b);
    t.hookedAi.push(c);
    t.node.push(d);
    t.nodeCertFree.push(e);
  }
  const last = git(hooked, 'log', '-1', '--format=%B');
  if (!/AI-Lines: 5\/50/.test(last)) throw new Error(`the AI commit did not get its trailers: ${last}`);

  const m = { bare: median(t.bare), noAi: median(t.hookedNoAi), ai: median(t.hookedAi), node: median(t.node), nodeCertFree: certFreeEnv ? median(t.nodeCertFree) : undefined };
  const result = {
    runs,
    files: FILES,
    staged: STAGED,
    medianMs: { gitCommitWithoutHooks: m.bare, withHooksNoAi: m.noAi, withHooksAi: m.ai, nodeE0: m.node, nodeE0WithoutExtraCaCerts: m.nodeCertFree },
    overheadMs: { noAi: m.noAi - m.bare, ai: m.ai - m.bare },
    aiOverheadInNodeStartups: (m.ai - m.bare) / m.node,
    aiOverheadInNodeStartupsWithoutExtraCaCerts: m.nodeCertFree === undefined ? undefined : (m.ai - m.bare) / m.nodeCertFree,
    goals: { noAiUnder10ms: m.noAi - m.bare < 10, aiUnder1_25NodeStartups: (m.ai - m.bare) / m.node <= 1.25 },
  };
  if (json) console.log(JSON.stringify(result, null, 2));
  else {
    const f = (x: number): string => `${x.toFixed(1)} ms`;
    console.log(`git commit, ${FILES} files, ${STAGED} staged, median of ${runs} interleaved runs each`);
    console.log(`  without hooks                 ${f(m.bare)}`);
    console.log(`  with hooks, no AI lines       ${f(m.noAi)}   (+${f(m.noAi - m.bare)}; goal < 10 ms)`);
    console.log(`  with hooks, ${AI_FILES} files with AI   ${f(m.ai)}   (+${f(m.ai - m.bare)} = ${result.aiOverheadInNodeStartups.toFixed(2)}x node start-up; goal <= 1.25x)`);
    console.log(`  node -e 0                     ${f(m.node)}`);
    if (m.nodeCertFree !== undefined) {
      const r = ((m.ai - m.bare) / m.nodeCertFree).toFixed(2);
      console.log(`  node -e 0, NODE_EXTRA_CA_CERTS emptied (as the hooks start Node)   ${f(m.nodeCertFree)}   (AI overhead = ${r}x this start-up)`);
    }
  }
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => (process.env["AIP_BENCH_KEEP"] ? console.log(`kept ${work}`) : rmSync(work, { recursive: true, force: true })));
