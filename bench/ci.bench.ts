// `ai-provenance ci local` on a pull request of 50 commits touching 200 files, squash-merged and rebase-merged as
// GitHub does it, against the git work the carrying cannot avoid, timed in the same run.
// Run: npx tsx bench/ci.bench.ts [--runs N] [--json]
// The history is made with git fast-import and kept in the temp folder (ai-provenance-bench/ci-v2) for later runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildTraceRecord, serializeTraceRecord } from '../src/core/agentTrace';
import type { AttributedRun } from '../src/core/lineRuns';
import { fastImport } from './fastImport';
import { seededRandom } from './random';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(opt('--runs')) || 5;
const json = args.includes('--json');
const root = path.resolve(__dirname, '..');
const cache = path.join(tmpdir(), 'ai-provenance-bench');
const NOTES = 'refs/notes/ai-provenance';
const MAIN_FILES = 1000;
const PR_FILES = 200;
const COMMITS = 50;
const FILES_PER_COMMIT = 16;
const BASE_LINES = 200;
const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C', GIT_AUTHOR_NAME: 'B', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'B', GIT_COMMITTER_EMAIL: 'b@example.com' };

/**
 * main: 1,000 files of 200 lines, then a commit touching 20 files the pull request does not. The pull request:
 * 50 commits, each inserting 8 AI lines (named in its note) into 16 of its 200 files and rewriting one existing line
 * of each by hand (sometimes an earlier commit's AI line, which then is human). Squash: one commit on main's tip with
 * the PR files as at the head. Rebase: the 50 commits replayed onto main's tip with a new committer.
 */
async function generate(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir], { env });
  const { w, data, body, end } = fastImport(dir, env);
  const t0 = 1_700_000_000;
  const at = '2026-01-01T00:00:00Z';
  const rand = seededRandom(42);
  const name = (i: number): string => `src/m${i % 25}/f${i}.ts`;
  const files = new Map<string, string[]>();
  w(`commit refs/heads/main\nmark :1\ncommitter B <b@example.com> ${t0} +0000\n${data('base')}`);
  for (let i = 0; i < MAIN_FILES; i++) {
    const ls = Array.from({ length: BASE_LINES }, (_, k) => `export const f${i}_${k} = ${k};`);
    files.set(name(i), ls);
    w(`M 100644 inline ${name(i)}\n${body(ls)}`);
  }
  // Someone else's change lands on main first: files the pull request does not touch.
  w(`commit refs/heads/main\nmark :2\ncommitter B <b@example.com> ${t0 + 60} +0000\n${data('other work')}from :1\n`);
  for (let i = MAIN_FILES - 20; i < MAIN_FILES; i++) w(`M 100644 inline ${name(i)}\n${body([...files.get(name(i))!, '// other work'])}`);
  const prFiles = Array.from({ length: PR_FILES }, (_, k) => name(k * 3));
  const perCommit: { touched: string[]; notes: { path: string; runs: AttributedRun[] }[] }[] = [];
  const snapshots: Map<string, string[]>[] = [];
  for (let c = 0; c < COMMITS; c++) {
    // Every PR file is touched at least once: commit c takes 16 of them, in a rotation plus a random pick.
    const touched = new Set<string>();
    for (let k = 0; k < 4; k++) touched.add(prFiles[(c * 4 + k) % PR_FILES]!);
    while (touched.size < FILES_PER_COMMIT) touched.add(prFiles[Math.floor(rand() * PR_FILES)]!);
    const notes: { path: string; runs: AttributedRun[] }[] = [];
    const snap = new Map<string, string[]>();
    for (const f of touched) {
      const ls = files.get(f)!.slice();
      // The hand edit first, so the AI lines inserted after it are the commit's own.
      const edited = Math.floor(rand() * ls.length);
      ls[edited] = `${ls[edited]} // tidied in ${c}`;
      const at0 = Math.floor(rand() * ls.length);
      ls.splice(at0, 0, ...Array.from({ length: 8 }, (_, k) => `  const ai${c}_${k} = compute(${c}, ${k});`));
      files.set(f, ls);
      snap.set(f, ls);
      notes.push({ path: f, runs: [{ start: at0, end: at0 + 8, kind: 'ai', id: 0 }] });
    }
    perCommit.push({ touched: [...touched], notes });
    snapshots.push(snap);
    w(`commit refs/heads/feature\nmark :${10 + c}\ncommitter D <d@example.com> ${t0 + 120 + c * 60} +0000\n${data(`pr ${c}`)}from :${c === 0 ? 1 : 9 + c}\n`);
    for (const [f, ls] of snap) w(`M 100644 inline ${f}\n${body(ls)}`);
  }
  // GitHub's squash: main's tip plus the PR's files as at the head.
  w(`commit refs/heads/squashed\nmark :100\ncommitter GitHub <noreply@github.com> ${t0 + 9000} +0000\n${data('PR (#1)')}from :2\n`);
  for (const f of prFiles) w(`M 100644 inline ${f}\n${body(files.get(f)!)}`);
  // GitHub's rebase: each commit replayed onto main's tip (the PR does not touch main's new files: same patches).
  for (let c = 0; c < COMMITS; c++) {
    w(`commit refs/heads/rebased\nmark :${200 + c}\ncommitter GitHub <noreply@github.com> ${t0 + 9000 + c} +0000\n${data(`pr ${c}`)}from :${c === 0 ? 2 : 199 + c}\n`);
    for (const [f, ls] of snapshots[c]!) w(`M 100644 inline ${f}\n${body(ls)}`);
  }
  w(`commit ${NOTES}\ncommitter B <b@example.com> ${t0} +0000\n${data('notes')}`);
  perCommit.forEach((pc, c) => {
    const rec = buildTraceRecord({ revision: `mark-${c}`, files: pc.notes.map((n) => ({ path: n.path, addedLines: 9, attributions: [{ agent: 'copilot', model: 'openai/gpt-5', source: 'agent-hook' as const, at }], runs: n.runs })), toolVersion: 'bench', id: `id-${c}`, timestamp: at });
    w(`N inline :${10 + c}\n${data(serializeTraceRecord(rec))}`);
  });
  w(`reset refs/tags/base\nfrom :1\n\n`);
  await end();
}

function run(cmd: string, a: string[], cwd: string): string {
  const r = spawnSync(cmd, a, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${a.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function timed(cmd: string, a: string[], cwd: string, input?: string, changed: Record<string, string | undefined> = {}): number {
  const e: NodeJS.ProcessEnv = { ...env, ...changed };
  for (const [k, v] of Object.entries(changed)) if (v === undefined) delete e[k];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, a, { cwd, env: e, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'], maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${a.join(' ')}: ${r.stderr.toString()}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'aip-ci-bench-'));
  try {
    execFileSync(process.execPath, ['scripts/build.mjs', '--outdir', scratch], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const cli = path.join(scratch, 'cli.js');
    const dir = path.join(cache, 'ci-v2');
    if (!existsSync(path.join(dir, '.git', 'refs', 'tags', 'base'))) {
      rmSync(dir, { recursive: true, force: true });
      const g0 = Date.now();
      await generate(dir);
      if (!json) console.log(`generated the pull request in ${((Date.now() - g0) / 1000).toFixed(1)} s (${dir})`);
    }
    const rev = (r: string): string => run('git', ['rev-parse', r], dir).trim();
    const [base, head, main, squash, rebased] = [rev('base'), rev('feature'), rev('main'), rev('squashed'), rev('rebased')];
    const notesTip = rev(NOTES);
    const prCommits = run('git', ['rev-list', `${base}..${head}`], dir);
    // Each timed `ci` starts from the notes as the developer pushed them, so every run carries and writes.
    const resetNotes = (): void => void run('git', ['update-ref', NOTES, notesTip], dir);
    const diffArgs = ['-p', '-U0', '--no-color', '--no-ext-diff', '--format=%H'];
    const t = { node: [] as number[], log: [] as number[], squashDiff: [] as number[], squashOwn: [] as number[], notes: [] as number[], rebasedLog: [] as number[], squash: [] as number[], squashBare: [] as number[], rebase: [] as number[] };
    let written = { squash: '', rebase: '' };
    for (let r = 0; r < runs; r++) {
      t.node.push(timed(process.execPath, ['-e', '0'], dir));
      t.log.push(timed('git', ['log', ...diffArgs, `${base}..${head}`], dir));
      t.squashDiff.push(timed('git', ['diff-tree', '-p', '-U0', '--no-color', head, squash], dir));
      t.squashOwn.push(timed('git', ['diff-tree', '-p', '-U0', '--no-color', `${squash}^`, squash], dir));
      t.notes.push(timed('git', ['log', '--no-walk=unsorted', '--stdin', '--format=%N', `--notes=${NOTES}`], dir, prCommits));
      t.rebasedLog.push(timed('git', ['log', ...diffArgs, `${main}..${rebased}`], dir));
      resetNotes();
      t.squash.push(timed(process.execPath, [cli, 'ci', 'local', '--base', base, '--head', head, '--merge', squash, '--method', 'squash'], dir));
      written.squash = run('git', ['notes', `--ref=${NOTES}`, 'show', squash], dir);
      // As a CI runner starts it: no NODE_EXTRA_CA_CERTS (Node reads that bundle at start-up, whatever the command).
      resetNotes();
      t.squashBare.push(timed(process.execPath, [cli, 'ci', 'local', '--base', base, '--head', head, '--merge', squash, '--method', 'squash'], dir, undefined, { NODE_EXTRA_CA_CERTS: undefined }));
      resetNotes();
      t.rebase.push(timed(process.execPath, [cli, 'ci', 'local', '--base', base, '--head', head, '--merge', rebased, '--method', 'rebase'], dir));
      written.rebase = run('git', ['notes', `--ref=${NOTES}`, 'list'], dir);
    }
    resetNotes();
    const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])) as Record<keyof typeof t, number>;
    const squashFloor = m.log + m.squashDiff + m.notes;
    // The squash commit's own diff is git work the carry cannot avoid either: blame gives a line to the squash commit
    // exactly where that diff adds it, and the note is kept to those lines.
    const squashFloorOwn = squashFloor + m.squashOwn;
    const rebaseFloor = m.log + m.rebasedLog + m.notes;
    const aiLines = (JSON.parse(written.squash) as { files: { conversations: { ranges: { start_line: number; end_line: number }[] }[] }[] }).files.reduce(
      (n, f) => n + f.conversations.reduce((k, c) => k + c.ranges.reduce((j, g) => j + g.end_line - g.start_line + 1, 0), 0),
      0,
    );
    const rebasedNotes = written.rebase.split('\n').filter((l) => l !== '').length - COMMITS;
    const result = { runs, medianMs: m, squash: { floorMs: squashFloor, ratio: m.squash / squashFloor, floorWithOwnDiffMs: squashFloorOwn, ratioWithOwnDiff: m.squash / squashFloorOwn, ratioNoExtraCaCerts: m.squashBare / squashFloor, aiLinesOnSquash: aiLines }, rebase: { floorMs: rebaseFloor, ratio: m.rebase / rebaseFloor, notesWritten: rebasedNotes } };
    if (json) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    const ms = (x: number): string => `${x.toFixed(0)} ms`;
    console.log(`pull request: ${COMMITS} commits, ${PR_FILES} files, medians of ${runs} runs`);
    console.log(`  git log -p -U0 base..head ${ms(m.log)} | git diff-tree -p -U0 head squash ${ms(m.squashDiff)} | git diff-tree -p -U0 squash^ squash ${ms(m.squashOwn)} | notes of the PR's commits ${ms(m.notes)} | git log -p -U0 main..rebased ${ms(m.rebasedLog)}`);
    console.log(`  node -e 0 ${ms(m.node)} (the start-up every ci run pays, not counted in the floor)`);
    console.log(`  squash: ci local ${ms(m.squash)} vs git floor ${ms(squashFloor)}: ${(m.squash / squashFloor).toFixed(2)}x (${aiLines} AI lines on the squash commit)`);
    console.log(`    with the squash commit's own diff in the floor (${ms(squashFloorOwn)}): ${(m.squash / squashFloorOwn).toFixed(2)}x`);
    console.log(`    started without NODE_EXTRA_CA_CERTS${process.env.NODE_EXTRA_CA_CERTS ? '' : ' (unset here too)'}: ${ms(m.squashBare)}, ${(m.squashBare / squashFloor).toFixed(2)}x`);
    console.log(`  rebase: ci local ${ms(m.rebase)} vs git floor ${ms(rebaseFloor)}: ${(m.rebase / rebaseFloor).toFixed(2)}x (${rebasedNotes} notes written)`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
