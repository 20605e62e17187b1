// The post-rewrite hook after a local `git rebase` of 50 noted commits touching 200 files: the Node part that carries
// the notes, against the git work it cannot avoid (reading the notes, one diff of every pair, writing the notes) and
// `node -e 0`, timed in the same run.
// Run: npx tsx bench/rewrite.bench.ts [--runs N] [--json] [--before DIR]
// --before DIR: also times the CLI bundles in DIR (another checkout's `node scripts/build.mjs --outdir DIR`), in the
// same rounds, so an earlier version is compared on the same machine load.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildTraceRecord, parseTraceRecord, serializeTraceRecord } from '../src/core/agentTrace';
import { fastImport } from './fastImport';
import { seededRandom } from './random';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(opt('--runs')) || 5;
const json = args.includes('--json');
const before = opt('--before');
const root = path.resolve(__dirname, '..');
const NOTES = 'refs/notes/ai-provenance';
const FILES = 200;
const COMMITS = 50;
const FILES_PER_COMMIT = 16;
const BASE_LINES = 200;
const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C', GIT_AUTHOR_NAME: 'B', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'B', GIT_COMMITTER_EMAIL: 'b@example.com' };

function run(cmd: string, a: string[], cwd: string, input?: string): string {
  const r = spawnSync(cmd, a, { cwd, env, input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${a.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function timed(cmd: string, a: string[], cwd: string, input?: string): number {
  const t0 = process.hrtime.bigint();
  run(cmd, a, cwd, input);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * main: 200 files of 200 lines. feature: 50 commits, each inserting 8 AI lines (named in its note) into 16 files and
 * touching one line of each by hand. main then moves on (a commit of its own), and `rebased` is feature rebased onto
 * it by git itself, with no hooks: the notes of its commits are what the timed hook writes.
 */
async function generate(dir: string): Promise<void> {
  execFileSync('git', ['init', '-q', '-b', 'main', dir], { env });
  const { w, data, body, end } = fastImport(dir, env);
  const t0 = 1_700_000_000;
  const rand = seededRandom(7);
  const name = (i: number): string => `src/m${i % 10}/f${i}.ts`;
  const files = new Map<string, string[]>();
  w(`commit refs/heads/main\nmark :1\ncommitter B <b@example.com> ${t0} +0000\n${data('base')}`);
  for (let i = 0; i < FILES; i++) {
    const ls = Array.from({ length: BASE_LINES }, (_, k) => `export const f${i}_${k} = ${k};`);
    files.set(name(i), ls);
    w(`M 100644 inline ${name(i)}\n${body(ls)}`);
  }
  const notes: string[] = [];
  for (let c = 0; c < COMMITS; c++) {
    const touched = new Set<string>();
    while (touched.size < FILES_PER_COMMIT) touched.add(name(Math.floor(rand() * FILES)));
    const noted = [];
    w(`commit refs/heads/feature\nmark :${10 + c}\ncommitter D <d@example.com> ${t0 + 120 + c * 60} +0000\n${data(`feature ${c}`)}from :${c === 0 ? 1 : 9 + c}\n`);
    for (const f of touched) {
      const ls = files.get(f)!.slice();
      const edited = Math.floor(rand() * ls.length);
      ls[edited] = `${ls[edited]} // tidied in ${c}`;
      const at = Math.floor(rand() * ls.length);
      ls.splice(at, 0, ...Array.from({ length: 8 }, (_, k) => `  const ai${c}_${k} = compute(${c}, ${k}, 'line ${k} of change ${c}');`));
      files.set(f, ls);
      w(`M 100644 inline ${f}\n${body(ls)}`);
      noted.push({ path: f, addedLines: 9, attributions: [{ agent: 'copilot', model: 'openai/gpt-5', source: 'agent-hook' as const, at: '2026-01-01T00:00:00Z' }], runs: [{ start: at, end: at + 8, kind: 'ai' as const, id: 0 }] });
    }
    notes.push(`N inline :${10 + c}\n${data(serializeTraceRecord(buildTraceRecord({ revision: `:${10 + c}`, files: noted, toolVersion: 'bench' })))}`);
  }
  w(`commit ${NOTES}\ncommitter B <b@example.com> ${t0 + 9000} +0000\n${data('notes')}${notes.join('')}`);
  // main moves on without touching the feature's files, so the rebase replays every commit cleanly.
  w(`commit refs/heads/main\nmark :2\ncommitter B <b@example.com> ${t0 + 10000} +0000\n${data('main work')}from :1\nM 100644 inline README\n${data('main\n')}`);
  await end();
  run('git', ['checkout', '-q', '-b', 'rebased', 'feature'], dir);
  run('git', ['rebase', '-q', 'main'], dir);
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'aip-rewrite-bench-'));
  try {
    execFileSync(process.execPath, ['scripts/build.mjs', '--outdir', path.join(scratch, 'dist')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const clis: Record<string, string> = { after: path.join(scratch, 'dist', 'cli.js'), ...(before && { before: path.join(path.resolve(before), 'cli.js') }) };
    const dir = path.join(scratch, 'repo');
    await generate(dir);
    const olds = run('git', ['rev-list', '--reverse', 'main..feature'], dir).trim().split('\n');
    const news = run('git', ['rev-list', '--reverse', 'main..rebased'], dir).trim().split('\n');
    if (olds.length !== COMMITS || news.length !== COMMITS) throw new Error(`expected ${COMMITS} commits on each side, got ${olds.length} and ${news.length}`);
    const rewritten = olds.map((o, i) => `${o} ${news[i]}\n`).join('');
    const tip = run('git', ['rev-parse', NOTES], dir).trim();
    const pairs = news.flatMap((n, i) => [n, `${n} ${olds[i]}`]).join('\n') + '\n';
    const t: Record<string, number[]> = { node: [], notes: [], diff: [], ...Object.fromEntries(Object.keys(clis).map((k) => [k, []])) };
    // A commit's AI lines as its note names them: on a clean rebase, each new commit's are its original's.
    const lines = (c: string): string => {
      const r = spawnSync('git', ['notes', `--ref=${NOTES}`, 'show', c], { cwd: dir, env, encoding: 'utf8' });
      const parsed = r.status === 0 ? parseTraceRecord(r.stdout) : undefined;
      return parsed?.ok ? parsed.files.flatMap((f) => f.runs.map((x) => `${f.path}:${x.start}-${x.end} ${x.kind}`)).sort().join(',') : '';
    };
    const written: Record<string, number> = {};
    for (let r = 0; r < runs; r++) {
      for (const [k, cli] of Object.entries(clis)) {
        run('git', ['update-ref', NOTES, tip], dir);
        t[k]!.push(timed(process.execPath, [cli, '_hook', 'post-rewrite', 'rebase'], dir, rewritten));
        written[k] = news.filter((n, i) => lines(n) !== '' && lines(n) === lines(olds[i]!)).length;
      }
      t.node!.push(timed(process.execPath, ['-e', '0'], dir));
      t.notes!.push(timed('git', ['notes', `--ref=${NOTES}`, 'list'], dir));
      t.diff!.push(timed('git', ['diff-tree', '--stdin', '-r', '-M', '-p', '-U0', '--raw', '-z'], dir, pairs));
    }
    const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
    const floor = m.node! + m.notes! + m.diff!;
    const result = { runs, load: loadavg()[0], medianMs: m, floorMs: floor, ratios: Object.fromEntries(Object.keys(clis).map((k) => [k, m[k]! / floor])), notesWritten: written };
    if (json) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    const ms = (x: number): string => `${x.toFixed(0)} ms`;
    console.log(`post-rewrite of a ${COMMITS}-commit rebase (${FILES_PER_COMMIT} files each, ${FILES} in all), medians of ${runs} rounds (load ${loadavg()[0]!.toFixed(1)})`);
    console.log(`  floor: node -e 0 ${ms(m.node!)} + git notes list ${ms(m.notes!)} + git diff-tree --stdin of the ${COMMITS * 2} diffs ${ms(m.diff!)} = ${ms(floor)}`);
    for (const k of Object.keys(clis)) console.log(`  ${k.padEnd(6)} ${ms(m[k]!)}: ${(m[k]! / floor).toFixed(2)}x the floor (${written[k]} of ${COMMITS} notes written, each with its original's AI lines)`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
