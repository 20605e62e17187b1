// `ai-provenance sync` of 10,000 notes vs a plain `git push` + `git fetch` of the same notes ref, in the same run.
// Initial: one clone publishes 10,000 notes to a server that has none, another fetches them. Incremental: one new
// note each way once both have the 10,000. Each run starts from a fresh server and a fresh second clone.
// Path: the way a team meets it, `ai-provenance install` in both clones, one commit with a note published by a plain
// `git push` (our hooks) and brought in by a plain `git fetch` (our refspec), against the same two commands in clones
// without our hooks and refspecs, and against plain git moving the notes too (push and fetch of the notes ref).
// --before DIR adds to the path the CLI built from the source checkout DIR (an earlier commit: `git archive <commit> |
// tar -x -C DIR`, with node_modules linked in), installed in a fourth pair of clones, timed in the same rounds.
// Run: npx tsx bench/sync.bench.ts [--runs N] [--notes N] [--only initial,path,team] [--before DIR] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildTraceRecord, serializeTraceRecord } from '../src/core/agentTrace';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
const NOTES = Number(args[args.indexOf('--notes') + 1]) || 10_000;
const json = args.includes('--json');
const before = args.includes('--before') ? path.resolve(args[args.indexOf('--before') + 1]!) : undefined;
const only = new Set((args.includes('--only') ? args[args.indexOf('--only') + 1]! : 'initial,path').split(','));
const root = path.resolve(__dirname, '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'aip-sync-bench-'));
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'B',
  GIT_AUTHOR_EMAIL: 'b@example.com',
  GIT_COMMITTER_NAME: 'B',
  GIT_COMMITTER_EMAIL: 'b@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  AI_PROVENANCE_CACHE_DIR: path.join(scratch, 'cache'),
};
const NOTES_REF = 'refs/notes/ai-provenance';
const TRACKING = 'refs/notes/remotes/origin/ai-provenance';

function git(cwd: string, ...a: string[]): string {
  return execFileSync('git', a, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'pipe'] });
}

function timed(cwd: string, cmd: string, a: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, a, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${a.join(' ')}: ${r.stderr.toString()}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** NOTES commits on main, each with a note, through one fast-import. */
function seed(repo: string): void {
  const parts: string[] = [];
  for (let i = 1; i <= NOTES; i++) {
    const content = `line ${i}\n`;
    parts.push(`blob\nmark :${i}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
  }
  for (let i = 1; i <= NOTES; i++) {
    const msg = `c${i}`;
    parts.push(`commit refs/heads/main\nmark :${NOTES + i}\ncommitter B <b@example.com> ${1_700_000_000 + i} +0000\ndata ${msg.length}\n${msg}\nM 100644 :${i} f${i % 100}.ts\n\n`);
  }
  const notes: string[] = [];
  for (let i = 1; i <= NOTES; i++) {
    const text = serializeTraceRecord(
      buildTraceRecord({
        revision: `@${i}`,
        files: [{ path: `f${i % 100}.ts`, addedLines: 1, attributions: [{ agent: 'copilot', source: 'inline-completion', at: '2026-01-01T00:00:00Z' }], runs: [{ start: 0, end: 1, kind: 'ai', id: 0 }] }],
        toolVersion: 'bench',
        id: `id-${i}`,
        timestamp: '2026-01-01T00:00:00Z',
      }),
    );
    notes.push(`N inline :${NOTES + i}\ndata ${Buffer.byteLength(text)}\n${text}\n`);
  }
  parts.push(`commit ${NOTES_REF}\ncommitter B <b@example.com> 1800000000 +0000\ndata 5\nnotes\n${notes.join('')}\n`);
  execFileSync('git', ['fast-import', '--quiet'], { cwd: repo, env, input: parts.join(''), maxBuffer: 1 << 28 });
  git(repo, 'reset', '-q', '--hard', 'main');
}

/**
 * The push and fetch of one commit with a note, in three pairs of clones of three servers that hold the seeded
 * branch and notes: with our hooks and refspec (plain `git push`, plain `git fetch`), without them (the same commands,
 * no notes move), and plain git moving the notes by hand (`git push origin main <notes ref>`, a notes fetch refspec).
 * `team`: the two clones take turns, so each push follows a fetch of the other's note (as in a team, where the
 * server's notes moved since one's own last push); by hand that takes a `git notes merge` of the fetched notes first.
 */
function pathRuns(a: string, cli: string, cliBefore: string | undefined, team = false): Record<'ours' | 'bare' | 'byHand' | 'before', number> {
  const kinds = ['ours', 'bare', 'byHand', ...(cliBefore ? ['before' as const] : [])] as const;
  const pairs = Object.fromEntries(
    kinds.map((kind) => {
      const server = path.join(scratch, `path${team ? '-team' : ''}-server-${kind}`);
      git(scratch, 'init', '-q', '--bare', '-b', 'main', server);
      git(a, 'push', '-q', '--no-verify', server, 'main', `${NOTES_REF}:${NOTES_REF}`);
      const [pub, sub] = ['pub', 'sub'].map((side) => {
        const dir = path.join(scratch, `path${team ? '-team' : ''}-${kind}-${side}`);
        git(scratch, 'clone', '-q', server, dir);
        git(dir, 'config', 'gc.auto', '0');
        // Both clones start with the server's notes, as after their first sync.
        git(dir, 'fetch', '-q', 'origin', `${NOTES_REF}:${NOTES_REF}`);
        if (kind === 'ours' || kind === 'before') execFileSync(process.execPath, [kind === 'ours' ? cli : cliBefore!, 'install'], { cwd: dir, env, stdio: 'ignore' });
        if (kind === 'byHand') git(dir, 'config', '--add', 'remote.origin.fetch', `+${NOTES_REF}:${TRACKING}`);
        if (kind !== 'bare') git(dir, 'fetch', '-q', 'origin');
        return dir;
      }) as [string, string];
      return [kind, { pub, sub }];
    }),
  ) as Record<(typeof kinds)[number], { pub: string; sub: string }>;
  const times: Record<(typeof kinds)[number], number[]> = { ours: [], bare: [], byHand: [], before: [] };
  // One round to warm up (the CLI's code cache among others), not counted.
  for (let run = 0; run <= runs; run++) {
    for (const kind of kinds) {
      const { pub, sub } = team && run % 2 === 1 ? { pub: pairs[kind].sub, sub: pairs[kind].pub } : pairs[kind];
      const seq = `path-${run}-${kind}`;
      // The other's commit, fetched in the last round, merged as a pull would (not timed: the same for every kind).
      if (team && run > 0) git(pub, 'merge', '-q', '--ff-only', 'origin/main');
      git(pub, 'commit', '-q', '--allow-empty', '-m', seq);
      git(pub, 'notes', `--ref=${NOTES_REF}`, 'add', '-m', `{"n":"${seq}"}`, 'HEAD');
      const mergeByHand = team && kind === 'byHand' && run > 0 ? timed(pub, 'git', ['notes', `--ref=${NOTES_REF}`, 'merge', '-q', '-s', 'cat_sort_uniq', TRACKING]) : 0;
      const push = mergeByHand + timed(pub, 'git', kind === 'byHand' ? ['push', '-q', 'origin', 'main', NOTES_REF] : ['push', '-q', 'origin', 'main']);
      const fetch = timed(sub, 'git', ['fetch', '-q', 'origin']);
      if (kind !== 'bare') {
        const note = spawnSync('git', ['notes', `--ref=${TRACKING}`, 'show', 'origin/main'], { cwd: sub, env, encoding: 'utf8' });
        if (!note.stdout.includes(seq)) throw new Error(`${kind}: the new note did not reach the second clone with git fetch`);
      }
      if (run > 0) times[kind].push(push + fetch);
    }
  }
  return { ours: median(times.ours), bare: median(times.bare), byHand: median(times.byHand), before: median(times.before) };
}

function pathFigures(p: Record<'ours' | 'bare' | 'byHand' | 'before', number>, cliBefore: string | undefined) {
  return {
    ours: Math.round(p.ours),
    withoutUs: Math.round(p.bare),
    notesByHand: Math.round(p.byHand),
    ratio: +(p.ours / p.bare).toFixed(2),
    ratioByHand: +(p.ours / p.byHand).toFixed(2),
    ...(cliBefore ? { before: Math.round(p.before), ratioBefore: +(p.before / p.bare).toFixed(2), ratioBeforeByHand: +(p.before / p.byHand).toFixed(2) } : {}),
  };
}

function main(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--outdir', scratch], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const cli = path.join(scratch, 'cli.js');
  let cliBefore: string | undefined;
  if (before) {
    execFileSync(process.execPath, ['scripts/build.mjs', '--outdir', path.join(scratch, 'before')], { cwd: before, stdio: ['ignore', 'ignore', 'inherit'] });
    cliBefore = path.join(scratch, 'before', 'cli.js');
  }
  const a = path.join(scratch, 'a');
  git(scratch, 'init', '-q', '-b', 'main', a);
  git(a, 'config', 'gc.auto', '0');
  seed(a);
  const notesCommit = git(a, 'rev-parse', NOTES_REF).trim();
  const load = (): string => loadavg()[0]!.toFixed(1);
  if (!json) console.log(`load average at start: ${load()}`);
  const results = { plainInitial: [] as number[], syncInitial: [] as number[], plainOne: [] as number[], syncOne: [] as number[] };

  for (let run = 0; run < (only.has('initial') ? runs : 0); run++) {
    for (const mode of ['plain', 'sync'] as const) {
      // A fresh server with the branch, a fresh second clone, and the first clone's notes as seeded.
      const server = path.join(scratch, `server-${run}-${mode}`);
      const b = path.join(scratch, `b-${run}-${mode}`);
      git(scratch, 'init', '-q', '--bare', '-b', 'main', server);
      for (const ref of [TRACKING]) spawnSync('git', ['update-ref', '-d', ref], { cwd: a, env });
      git(a, 'update-ref', NOTES_REF, notesCommit);
      spawnSync('git', ['remote', 'remove', 'origin'], { cwd: a, env });
      git(a, 'remote', 'add', 'origin', server);
      git(a, 'push', '-q', '--no-verify', 'origin', 'main');
      git(scratch, 'clone', '-q', server, b);
      const initial =
        mode === 'plain'
          ? timed(a, 'git', ['push', '-q', '--no-verify', 'origin', NOTES_REF]) + timed(b, 'git', ['fetch', '-q', 'origin', `+${NOTES_REF}:${TRACKING}`])
          : timed(a, process.execPath, [cli, 'sync', 'origin']) + timed(b, process.execPath, [cli, 'sync', 'origin']);
      // One more commit with a note in A, published and brought to B.
      const seq = `${run}-${mode}`;
      git(a, 'commit', '-q', '--allow-empty', '-m', `one more ${seq}`);
      git(a, 'notes', `--ref=${NOTES_REF}`, 'add', '-m', `{"n":"${seq}"}`, 'HEAD');
      git(a, 'push', '-q', '--no-verify', 'origin', 'main');
      git(b, 'fetch', '-q', 'origin');
      const one =
        mode === 'plain'
          ? timed(a, 'git', ['push', '-q', '--no-verify', 'origin', NOTES_REF]) + timed(b, 'git', ['fetch', '-q', 'origin', `+${NOTES_REF}:${TRACKING}`])
          : timed(a, process.execPath, [cli, 'sync', 'origin']) + timed(b, process.execPath, [cli, 'sync', 'origin']);
      const noteOnB = spawnSync('git', ['notes', `--ref=${mode === 'plain' ? TRACKING : NOTES_REF}`, 'show', 'origin/main'], { cwd: b, env, encoding: 'utf8' });
      if (!noteOnB.stdout.includes(seq)) throw new Error(`${mode}: the new note did not reach the second clone`);
      git(a, 'reset', '-q', '--hard', 'HEAD^');
      results[mode === 'plain' ? 'plainInitial' : 'syncInitial'].push(initial);
      results[mode === 'plain' ? 'plainOne' : 'syncOne'].push(one);
      rmSync(b, { recursive: true, force: true });
      rmSync(server, { recursive: true, force: true });
    }
  }
  const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)])) as Record<keyof typeof results, number>;
  const p = only.has('path') ? pathRuns(a, cli, cliBefore) : undefined;
  const t = only.has('team') ? pathRuns(a, cli, cliBefore, true) : undefined;
  const out = {
    notes: NOTES,
    runs,
    ...(only.has('initial')
      ? {
          initialMs: { plain: Math.round(m.plainInitial), sync: Math.round(m.syncInitial), ratio: +(m.syncInitial / m.plainInitial).toFixed(2) },
          oneNoteMs: { plain: Math.round(m.plainOne), sync: Math.round(m.syncOne), ratio: +(m.syncOne / m.plainOne).toFixed(2) },
        }
      : {}),
    ...(p ? { pathMs: pathFigures(p, cliBefore) } : {}),
    ...(t ? { teamMs: pathFigures(t, cliBefore) } : {}),
    load: +load(),
  };
  if (json) console.log(JSON.stringify(out));
  else {
    if (out.initialMs && out.oneNoteMs) {
      console.log(`sync of ${NOTES} notes, median of ${runs} runs (publish in one clone + bring into another):`);
      console.log(`  initial:  git push + git fetch ${out.initialMs.plain} ms, ai-provenance sync ×2 ${out.initialMs.sync} ms (${out.initialMs.ratio}x)`);
      console.log(`  one note: git push + git fetch ${out.oneNoteMs.plain} ms, ai-provenance sync ×2 ${out.oneNoteMs.sync} ms (${out.oneNoteMs.ratio}x)`);
    }
    for (const [figures, what] of [
      [out.pathMs, 'plain git push in one clone + plain git fetch in another'],
      [out.teamMs, 'two clones in turn, each pushing after fetching the other\'s note (by hand: git notes merge first)'],
    ] as const) {
      if (!figures) continue;
      console.log(`one commit with a note, ${what}, ${NOTES} notes on the server, median of ${runs} runs:`);
      console.log(`  without our hooks and refspec (no notes move)   ${figures.withoutUs} ms`);
      console.log(`  plain git moving the notes ref too             ${figures.notesByHand} ms`);
      console.log(`  ai-provenance installed in both clones          ${figures.ours} ms (${figures.ratio}x without; ${figures.ratioByHand}x by hand; goal < 2x)`);
      if (figures.before !== undefined) console.log(`  the same, built from ${before}   ${figures.before} ms (${figures.ratioBefore}x without; ${figures.ratioBeforeByHand}x by hand)`);
    }
    console.log(`load average at the end: ${load()}`);
  }
  rmSync(scratch, { recursive: true, force: true });
}

main();
