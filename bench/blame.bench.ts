// `ai-provenance blame` vs `git blame --line-porcelain` (and vs the `git blame --porcelain -M -C` it runs) on a
// 5,000-line file with 200 commits (half with notes).
// Run: npx tsx bench/blame.bench.ts [--runs N] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildTraceRecord, serializeTraceRecord } from '../src/core/agentTrace';
import type { Attribution } from '../src/core/model';
import { blameFile } from '../src/git/blame';
import { discoverRepo } from '../src/git/repo';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 11;
const json = args.includes('--json');
const LINES = 5_000;
const COMMITS = 200;
const root = path.resolve(__dirname, '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'aip-blame-bench-'));
const work = path.join(scratch, 'repo');
// The CLI's code cache lives in the scratch folder, as the per-user one would for an installed CLI.
const env = { ...process.env, GIT_AUTHOR_NAME: 'B', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'B', GIT_COMMITTER_EMAIL: 'b@example.com', GIT_CONFIG_GLOBAL: '/dev/null', AI_PROVENANCE_CACHE_DIR: path.join(scratch, 'cache') };
const AGENT: Attribution = { agent: 'copilot', model: 'openai/gpt-5', source: 'inline-completion', at: '2026-01-01T00:00:00Z' };

function git(...a: string[]): string {
  return execFileSync('git', a, { cwd: work, env, encoding: 'utf8', maxBuffer: 1 << 28 });
}

function timed(cmd: string, a: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, a, { cwd: work, env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${a.join(' ')}: ${r.stderr.toString()}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function main(): Promise<void> {
  const cli = path.join(scratch, 'cli.js');
  mkdirSync(work);
  // The CLI as it ships (launcher, bundles and code cache), built into the scratch folder.
  execFileSync(process.execPath, ['scripts/build.mjs', '--outdir', scratch], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  git('init', '-q', '-b', 'main');
  git('config', 'gc.auto', '0');
  const text = Array.from({ length: LINES }, (_, i) => `const line${i} = ${i};`);
  const file = path.join(work, 'big.ts');
  for (let c = 0; c < COMMITS; c++) {
    // Each commit rewrites 25 lines spread over the file, so blame has 200 commits to attribute.
    const changed: number[] = [];
    for (let k = 0; k < 25; k++) {
      const i = (c * 25 + k * 199) % LINES;
      text[i] = `const line${i} = ${i} + ${c};`;
      changed.push(i);
    }
    writeFileSync(file, text.join('\n') + '\n');
    git('add', 'big.ts');
    git('commit', '-qm', `c${c}`);
    if (c === 0) continue;
    if (c % 2 === 0) {
      const sha = git('rev-parse', 'HEAD').trim();
      const runsOfCommit = changed.sort((a, b) => a - b).map((i) => ({ start: i, end: i + 1, kind: 'ai' as const, id: 0 }));
      const note = serializeTraceRecord(buildTraceRecord({ revision: sha, files: [{ path: 'big.ts', addedLines: 25, attributions: [AGENT], runs: runsOfCommit }], toolVersion: 'bench' }));
      execFileSync('git', ['notes', '--ref=refs/notes/ai-provenance', 'add', '-f', '-F', '-', sha], { cwd: work, env, input: note });
    }
  }
  const repo = await discoverRepo(work);
  const check = await blameFile(repo, 'big.ts');
  const aiCount = check.filter((l) => l.kind !== 'human').length;

  const t = { git: [] as number[], gitMoves: [] as number[], cli: [] as number[], inProcess: [] as number[], node: [] as number[] };
  for (let r = 0; r <= runs; r++) {
    const a = timed('git', ['blame', '--line-porcelain', '--', 'big.ts']);
    // What blameFile asks git for: lines followed across moves and copies (-M -C), which git itself pays for.
    const e = timed('git', ['blame', '--porcelain', '-M', '-C', '--', 'big.ts']);
    const b = timed(process.execPath, [cli, 'blame', 'big.ts', '--json']);
    const t0 = process.hrtime.bigint();
    await blameFile(repo, 'big.ts');
    const c = Number(process.hrtime.bigint() - t0) / 1e6;
    const d = timed(process.execPath, ['-e', '0']);
    if (r === 0) continue;
    t.git.push(a);
    t.gitMoves.push(e);
    t.cli.push(b);
    t.inProcess.push(c);
    t.node.push(d);
  }
  const m = { git: median(t.git), gitMoves: median(t.gitMoves), cli: median(t.cli), inProcess: median(t.inProcess), node: median(t.node) };
  const result = { runs, lines: LINES, commits: COMMITS, aiLinesFound: aiCount, medianMs: m, ratioCli: m.cli / m.git, ratioInProcess: m.inProcess / m.git, ratioInProcessToSameBlame: m.inProcess / m.gitMoves };
  if (json) console.log(JSON.stringify(result, null, 2));
  else {
    const f = (x: number): string => `${x.toFixed(1)} ms`;
    console.log(`blame of a ${LINES}-line file with ${COMMITS} commits (${aiCount} AI lines from notes), median of ${runs} interleaved runs`);
    console.log(`  git blame --line-porcelain           ${f(m.git)}`);
    console.log(`  ai-provenance blame --json (process) ${f(m.cli)}   (${result.ratioCli.toFixed(2)}x; includes Node start-up)`);
    console.log(`  git blame --porcelain -M -C          ${f(m.gitMoves)}   (what blameFile asks git for)`);
    console.log(`  blameFile() in process               ${f(m.inProcess)}   (${result.ratioInProcess.toFixed(2)}x; goal <= 1.5x; ${result.ratioInProcessToSameBlame.toFixed(2)}x the -M -C blame)`);
    console.log(`  node -e 0                            ${f(m.node)}`);
  }
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => rmSync(scratch, { recursive: true, force: true }));
