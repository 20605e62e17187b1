// `ai-provenance stats` and `report` on histories of 1,000 / 10,000 / 50,000 commits with notes, against
// `git log --format=%H` + `git notes list` of the same history and `git log -p -U0` (the diff floor), in the same run:
// first runs (no cache under .git/ai-provenance/), warm runs, runs after a new commit with a note on top (the usual
// change) and after a note added to an old commit (a fetched note); the history is put back after each round.
// Run: npx tsx bench/insight.bench.ts [--runs N] [--sizes 1000,10000,50000] [--json] [--cli PATH] [--cpu]
// `--cli PATH`: time that build of cli.js (another revision's `node scripts/build.mjs --outdir DIR`) instead of this one.
// `--cpu`: user + system CPU time of each process and its children instead of wall time (a busy machine's waits left out).
// Histories are made with git fast-import and kept in the temp folder (ai-provenance-bench/insight-N-v1) for later runs.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildTraceRecord, serializeTraceRecord } from '../src/core/agentTrace';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(opt('--runs')) || 3;
const sizes = (opt('--sizes') ?? '1000,10000,50000').split(',').map(Number);
const json = args.includes('--json');
// CPU time rather than wall time: what a process costs whatever else the machine runs.
const cpu = args.includes('--cpu') && existsSync('/usr/bin/time');
const root = path.resolve(__dirname, '..');
const cache = path.join(tmpdir(), 'ai-provenance-bench');
const FILES = 2000;
const who = { GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.com' };
const env = { ...process.env, ...who, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' };

/** A history of `n` commits over 2,000 files in 40 folders: each commit appends 3 lines to one file and rewrites one; every other commit has a note saying copilot wrote the 3 lines; one commit in 50 is a merge of a two-commit side branch. */
async function generate(dir: string, n: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir], { env });
  const fi = spawn('git', ['fast-import', '--quiet'], { cwd: dir, env, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise<void>((resolve, reject) => fi.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`)))));
  const files = new Map<string, string[]>();
  let buf: string[] = [];
  let size = 0;
  const w = (s: string): void => {
    buf.push(s);
    size += s.length;
    if (size > 1 << 20) {
      fi.stdin.write(buf.join(''));
      buf = [];
      size = 0;
    }
  };
  const data = (s: string): string => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const t0 = 1_700_000_000;
  const notes: [number, string, number][] = [];
  const at = '2026-01-01T00:00:00Z';
  for (let c = 1; c <= n; c++) {
    const f = `src/d${c % 40}/f${(c * 7919) % FILES}.ts`;
    const lines = files.get(f) ?? [];
    const start = lines.length;
    for (let k = 0; k < 3; k++) lines.push(`export const v${c}_${k} = ${c * 3 + k};`);
    if (lines.length > 4) lines[(c * 31) % (lines.length - 3)] = `// edited in ${c}`;
    files.set(f, lines);
    const branch = c % 50 === 2 || c % 50 === 3 ? 'refs/heads/side' : 'refs/heads/main';
    w(`commit ${branch}\nmark :${c}\nauthor A${c % 5} <a${c % 5}@example.com> ${t0 + c * 600} +0000\ncommitter A <a@example.com> ${t0 + c * 600} +0000\n${data(`c${c}`)}`);
    if (c % 50 === 2) w(`from :${c - 1}\n`);
    if (c % 50 === 4) w(`merge :${c - 1}\n`);
    w(`M 100644 inline ${f}\n${data(lines.join('\n') + '\n')}`);
    if (c % 2 === 0) notes.push([c, f, start]);
  }
  w(`commit refs/notes/ai-provenance\ncommitter A <a@example.com> ${t0} +0000\n${data('notes')}`);
  for (const [c, f, start] of notes) {
    const rec = buildTraceRecord({
      revision: `mark-${c}`,
      files: [{ path: f, addedLines: 4, attributions: [{ agent: 'copilot', model: 'openai/gpt-5', source: 'inline-completion', at }], runs: [{ start, end: start + 3, kind: 'ai', id: 0 }] }],
      toolVersion: 'bench',
      id: `id-${c}`,
      timestamp: at,
    });
    w(`N inline :${c}\n${data(serializeTraceRecord(rec))}`);
  }
  fi.stdin.write(buf.join(''));
  fi.stdin.end();
  await done;
}

/** A commit on top of `tip` appending 3 lines to one file, with a note saying copilot wrote them, from one fast-import; its id. */
function addCommit(dir: string, tip: string, round: number): string {
  // A file of the first commit, in every history: the new lines land in the share at the revision.
  const f = 'src/d1/f1919.ts';
  const old = spawnSync('git', ['cat-file', 'blob', `${tip}:${f}`], { cwd: dir, env, encoding: 'utf8' }).stdout;
  const lines = old === '' ? [] : old.replace(/\n$/, '').split('\n');
  const start = lines.length;
  for (let k = 0; k < 3; k++) lines.push(`export const r${round}_${k} = ${k};`);
  const data = (s: string): string => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const at = '2026-01-02T00:00:00Z';
  const rec = buildTraceRecord({ revision: 'new', files: [{ path: f, addedLines: 3, attributions: [{ agent: 'copilot', source: 'inline-completion', at }], runs: [{ start, end: start + 3, kind: 'ai', id: 0 }] }], toolVersion: 'bench', id: `new-${round}`, timestamp: at });
  const t = 1_800_000_000 + round;
  const script =
    `commit refs/heads/main\nmark :1\ncommitter A <a@example.com> ${t} +0000\n${data(`new ${round}`)}from ${tip}\nM 100644 inline ${f}\n${data(lines.join('\n') + '\n')}` +
    `commit refs/notes/ai-provenance\ncommitter A <a@example.com> ${t} +0000\n${data('note')}from refs/notes/ai-provenance^0\nN inline :1\n${data(serializeTraceRecord(rec))}`;
  const r = spawnSync('git', ['fast-import', '--quiet', '--force'], { cwd: dir, env, input: script });
  if (r.status !== 0) throw new Error(`git fast-import: ${r.stderr.toString()}`);
  return execFileSync('git', ['rev-parse', 'main'], { cwd: dir, env, encoding: 'utf8' }).trim();
}

/** A note on an old commit that had none (odd commits have none), saying its first line is codex's. */
function addOldNote(dir: string, round: number): void {
  const noted = (c: string): boolean => spawnSync('git', ['notes', '--ref=refs/notes/ai-provenance', 'list', c], { cwd: dir, env }).status === 0;
  const shas = execFileSync('git', ['rev-list', '--no-merges', '-n', '40', '--skip', String(100 + 40 * round), 'main'], { cwd: dir, env, encoding: 'utf8' }).trim().split('\n');
  const sha = shas.find((c) => !noted(c))!;
  const f = execFileSync('git', ['diff-tree', '--no-commit-id', '--name-only', '-r', sha], { cwd: dir, env, encoding: 'utf8' }).trim().split('\n')[0]!;
  const rec = buildTraceRecord({ revision: sha, files: [{ path: f, addedLines: 1, attributions: [{ agent: 'codex', source: 'agent-hook', at: '2026-01-02T00:00:00Z' }], runs: [{ start: 0, end: 1, kind: 'ai', id: 0 }] }], toolVersion: 'bench', id: `old-${round}`, timestamp: '2026-01-02T00:00:00Z' });
  execFileSync('git', ['notes', '--ref=refs/notes/ai-provenance', 'add', '-f', '-F', '-', sha], { cwd: dir, env, input: serializeTraceRecord(rec) });
}

/** Wall time (ms) of a process, or with --cpu its user + system CPU time with its children's (/usr/bin/time, 10 ms steps). */
function timed(cmd: string, a: string[], cwd: string): number {
  if (cpu) {
    const r = spawnSync('/usr/bin/time', ['-f', '@cpu %U %S', cmd, ...a], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 });
    const m = /@cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
    if (r.status !== 0 || !m) throw new Error(`${cmd} ${a.join(' ')}: ${r.stderr}`);
    return (Number(m[1]) + Number(m[2])) * 1000;
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, a, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${a.join(' ')}: ${r.stderr.toString()}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Peak resident memory (kB) of a process, as /usr/bin/time reports it. */
function peakKb(cmd: string, a: string[], cwd: string): number | undefined {
  if (!existsSync('/usr/bin/time')) return undefined;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...a], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const m = /(\d+)\s*$/.exec(r.stderr);
  return m ? Number(m[1]) : undefined;
}

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'aip-insight-bench-'));
  try {
    const given = opt('--cli');
    if (!given) execFileSync(process.execPath, ['scripts/build.mjs', '--outdir', scratch], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const cli = given ? path.resolve(given) : path.join(scratch, 'cli.js');
    const out: Record<string, unknown>[] = [];
    for (const n of sizes) {
      const dir = path.join(cache, `insight-${n}-v1`);
      if (!existsSync(path.join(dir, '.git', 'refs', 'notes', 'ai-provenance'))) {
        rmSync(dir, { recursive: true, force: true });
        const g0 = Date.now();
        await generate(dir, n);
        if (!json) console.log(`generated ${n} commits in ${((Date.now() - g0) / 1000).toFixed(1)} s (${dir})`);
      }
      const state = path.join(dir, '.git', 'ai-provenance');
      // Every file the cache keeps there (this build's and older ones').
      const clear = (): void => rmSync(state, { recursive: true, force: true });
      const tip = execFileSync('git', ['rev-parse', 'main'], { cwd: dir, env, encoding: 'utf8' }).trim();
      const notesTip = execFileSync('git', ['rev-parse', 'refs/notes/ai-provenance'], { cwd: dir, env, encoding: 'utf8' }).trim();
      const restore = (): void => {
        execFileSync('git', ['update-ref', 'refs/heads/main', tip], { cwd: dir, env });
        execFileSync('git', ['update-ref', 'refs/notes/ai-provenance', notesTip], { cwd: dir, env });
      };
      restore();
      const stats = [cli, 'stats', '--format', 'json'];
      const report = [cli, 'report', '-o', path.join(scratch, 'r.html')];
      const t = { base: [] as number[], floor: [] as number[], statsFirst: [] as number[], stats: [] as number[], statsNewCommit: [] as number[], statsOldNote: [] as number[], reportFirst: [] as number[], report: [] as number[], reportNewCommit: [] as number[] };
      try {
        for (let r = 0; r < runs; r++) {
          t.base.push(timed('git', ['log', '--format=%H'], dir) + timed('git', ['notes', '--ref=refs/notes/ai-provenance', 'list'], dir));
          t.floor.push(timed('git', ['log', '-p', '-U0', '--format=%H'], dir));
          clear();
          t.statsFirst.push(timed(process.execPath, stats, dir));
          t.stats.push(timed(process.execPath, stats, dir));
          addCommit(dir, tip, r);
          t.statsNewCommit.push(timed(process.execPath, stats, dir));
          addOldNote(dir, r);
          t.statsOldNote.push(timed(process.execPath, stats, dir));
          restore();
          clear();
          t.reportFirst.push(timed(process.execPath, report, dir));
          t.report.push(timed(process.execPath, report, dir));
          addCommit(dir, tip, r);
          t.reportNewCommit.push(timed(process.execPath, report, dir));
          restore();
        }
      } finally {
        restore();
      }
      const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])) as Record<keyof typeof t, number>;
      let peak: Record<string, number | undefined> | undefined;
      if (n === Math.max(...sizes)) {
        try {
          clear();
          const statsFirst = peakKb(process.execPath, stats, dir);
          const statsWarm = peakKb(process.execPath, stats, dir);
          addCommit(dir, tip, runs);
          const statsNewCommit = peakKb(process.execPath, stats, dir);
          addOldNote(dir, runs);
          const statsOldNote = peakKb(process.execPath, stats, dir);
          restore();
          clear();
          peak = { statsFirst, statsWarm, statsNewCommit, statsOldNote, reportFirst: peakKb(process.execPath, report, dir), reportWarm: peakKb(process.execPath, report, dir) };
        } finally {
          restore();
        }
      }
      const ratio = (x: number): number => x / m.base;
      out.push({ commits: n, medianMs: m, ratios: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, ratio(v)])), peakKb: peak });
      if (!json) {
        const f = (x: number): string => `${x.toFixed(0)} ms${cpu ? ' CPU' : ''} (${ratio(x).toFixed(1)}x)`;
        console.log(
          `${String(n).padStart(6)} commits: log+notes list ${m.base.toFixed(0)} ms | git log -p -U0 ${f(m.floor)} | stats first ${f(m.statsFirst)}, warm ${f(m.stats)}, new commit ${f(m.statsNewCommit)}, note on an old commit ${f(m.statsOldNote)} | report first ${f(m.reportFirst)}, warm ${f(m.report)}, new commit ${f(m.reportNewCommit)}${peak ? ` | peak RSS kB ${JSON.stringify(peak)}` : ''}`,
        );
      }
    }
    if (json) console.log(JSON.stringify({ runs, cpu, results: out }, null, 2));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
