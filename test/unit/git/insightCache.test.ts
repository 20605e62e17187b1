// The cache of stats and report under .git/ai-provenance/: the same figures with it as without it on a generated
// history, whatever is asked; a note added, changed or fetched counts at once; a run after new commits goes on from
// the last one's state, appending to the per-commit cache without reading it, and gives what a run without a cache
// gives after every kind of change; the cache is rewritten and pruned on a schedule; a corrupt cache is ignored; a
// second run reads no diffs from git; a read-only run writes nothing, and nothing is written through a symbolic link.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildTraceRecord, serializeTraceRecord } from '../../../src/core/agentTrace';
import type { Attribution } from '../../../src/core/model';
import { noteFile, type SpelledRun } from '../noteFiles';
import { readHistory, STATE_EVERY, type HistoryOptions } from '../../../src/git/history';
import * as insightCache from '../../../src/git/insightCache';
import { discoverRepo } from '../../../src/git/repo';
import { loadTeamConfig } from '../../../src/git/teamConfig';
import { cleanupTemp, GIT_ENV, initRepo, tempDir, write } from './helpers';
import { cliBundle } from './hookEnv';

const AGENTS: Attribution[] = [
  { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', at: '2026-01-05T00:00:00Z' },
  { agent: 'copilot', model: 'openai/gpt-5', source: 'inline-completion', at: '2026-01-05T00:00:00Z' },
  { agent: 'codex', source: 'agent-hook', at: '2026-01-05T00:00:00Z' },
];
const NOTES = 'refs/notes/ai-provenance';

let dir: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
}

/** A small seeded generator, so that a failure names a history that can be made again. */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

function setNote(commit: string, files: { path: string; added: number; runs: SpelledRun[] }[]): void {
  const rec = buildTraceRecord({ revision: commit, files: files.map((f) => noteFile(f.path, f.added, f.runs)), toolVersion: 'test' });
  execFileSync('git', ['notes', `--ref=${NOTES}`, 'add', '-f', '-F', '-', commit], { cwd: dir, env: GIT_ENV, input: serializeTraceRecord(rec) });
}

/**
 * A history of appends, edits, renames, a binary file, a side branch merged with a line of its own, commits with
 * trailers only, one marked AI-Unjudged and one with a broken note; about half the commits have notes on some of
 * the lines they append.
 */
function generate(seed: number): void {
  const rnd = random(seed);
  const files = new Map<string, string[]>([
    ['src/a.ts', []],
    ['src/b.ts', []],
    ['lib/c.ts', []],
    ['infra/main.tf', []],
  ]);
  let day = 1;
  const commit = (message: string): string => {
    const date = `2026-01-${String(day++).padStart(2, '0')}T12:00:00Z`;
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], { cwd: dir, env: { ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date, GIT_AUTHOR_EMAIL: `dev${rnd(3)}@example.com` } });
    return git('rev-parse', 'HEAD').trim();
  };
  for (const [f, text] of files) {
    text.push(`// ${f}`);
    write(dir, f, `// ${f}\n`);
    git('add', f);
  }
  commit('start');
  const step = (i: number, only?: string): void => {
    const names = only ? [only] : [...files.keys()];
    const f = names[rnd(names.length)]!;
    const text = files.get(f)!;
    if (i % 9 === 5 && !only) {
      // A rename with a small edit, followed by git -M.
      const to = f.replace(/\.(ts|tf)$/, `_${i}.$1`);
      files.delete(f);
      files.set(to, text);
      git('mv', f, to);
      text[0] = `moved ${i}`;
      write(dir, to, text.join('\n') + '\n');
      git('add', to);
      commit(`rename ${f}`);
      return;
    }
    const start = text.length;
    const n = 1 + rnd(5);
    for (let k = 0; k < n; k++) text.push(`v${i}_${k} = ${rnd(1000)};`);
    if (start > 2 && rnd(2) === 0) text[rnd(start)] = `// edited in ${i}`;
    write(dir, f, text.join('\n') + '\n');
    git('add', f);
    const kind = rnd(10);
    const message = kind === 0 ? `step ${i}\n\nAssisted-by: cursor\nAI-Lines: ${n}/${n}` : kind === 1 ? `step ${i}\n\nAI-Unjudged: hook failed` : `step ${i}`;
    const sha = commit(message);
    if (kind >= 5) {
      const a = rnd(n);
      const runs: SpelledRun[] = [{ start: start + a, end: start + n, kind: rnd(4) === 0 ? 'mixed' : 'ai', attribution: AGENTS[rnd(AGENTS.length)]! }];
      setNote(sha, [{ path: f, added: n, runs }]);
    }
  };
  for (let i = 0; i < 10; i++) step(i);
  write(dir, 'bin.dat', Buffer.from([0, 1, 2, 3, 0, 255]));
  git('add', 'bin.dat');
  commit('a binary file');
  // The side branch works on a file of its own, so that the merge never conflicts.
  git('checkout', '-q', '-b', 'side');
  files.set('side/s.ts', []);
  for (let i = 10; i < 14; i++) step(i, 'side/s.ts');
  const sideFile = files.get('side/s.ts')!;
  files.delete('side/s.ts');
  git('checkout', '-q', 'main');
  for (let i = 14; i < 17; i++) step(i);
  files.set('side/s.ts', sideFile);
  git('merge', '-q', '--no-commit', '--no-ff', 'side');
  const merged = path.join(dir, 'src', 'merge.ts');
  writeFileSync(merged, 'made while merging\n');
  git('add', 'src/merge.ts');
  const m = commit('Merge side');
  setNote(m, [{ path: 'src/merge.ts', added: 1, runs: [{ start: 0, end: 1, kind: 'ai', attribution: AGENTS[0]! }] }]);
  for (let i = 17; i < 26; i++) step(i);
  execFileSync('git', ['notes', `--ref=${NOTES}`, 'add', '-f', '-m', '{"version": "0.1.0", "files": [', 'HEAD~2'], { cwd: dir, env: GIT_ENV });
}

type Mode = NonNullable<HistoryOptions['cache']>;

async function figures(cache: Mode, opts: Partial<HistoryOptions> = {}): Promise<{ json: string; problems: string[] }> {
  const repo = await discoverRepo(dir);
  const problems: string[] = [];
  const config = await loadTeamConfig(repo, (l) => problems.push(l));
  const r = await readHistory(repo, { config, ...opts, cache, report: (l) => problems.push(l) });
  return { json: JSON.stringify({ ...r, insight: r.insight }), problems };
}

const cacheFiles = (): string[] => ['insight-cache', 'insight-results', 'insight-state'].map((f) => path.join(dir, '.git', 'ai-provenance', f));

/** Every run with the cache (first, warm, per-commit facts only) gives what a run without it gives. */
async function assertSameWithCache(opts: Partial<HistoryOptions>, what: string): Promise<void> {
  const truth = await figures('off', opts);
  const warm = await figures('write', opts);
  assert.equal(warm.json, truth.json, `${what}: first or warm run`);
  assert.deepEqual(warm.problems, truth.problems, what);
  const again = await figures('write', opts);
  assert.equal(again.json, truth.json, `${what}: finished result from the cache`);
  assert.deepEqual(again.problems, truth.problems, `${what}: problems told again from the cache`);
  rmSync(cacheFiles()[1]!, { force: true });
  const resumed = await figures('write', opts);
  assert.equal(resumed.json, truth.json, `${what}: from the last run's state`);
  assert.deepEqual(resumed.problems, truth.problems, what);
  rmSync(cacheFiles()[1]!, { force: true });
  rmSync(cacheFiles()[2]!, { force: true });
  const factsOnly = await figures('write', opts);
  assert.equal(factsOnly.json, truth.json, `${what}: per-commit facts from the cache`);
  assert.deepEqual(factsOnly.problems, truth.problems, what);
}

/** The cache file with its body changed and its checksum made to match. */
function resealed(file: Buffer, change: (body: string) => string): string {
  const text = file.toString('utf8');
  const nl = text.indexOf('\n');
  const body = change(text.slice(nl + 1));
  assert.notEqual(body, text.slice(nl + 1), 'the change applies');
  const head = text.slice(0, nl).split(' ');
  head[head.length - 1] = createHash('sha1').update(body).digest('hex');
  return `${head.join(' ')}\n${body}`;
}

/** The per-commit cache with the body of its first segment changed and that line's checksum made to match. */
function resealedLine(file: Buffer, change: (json: string) => string): string {
  const [head, line, ...rest] = file.toString('utf8').split('\n');
  const json = change(line!.slice(41));
  assert.notEqual(json, line!.slice(41), 'the change applies');
  return [head, `${createHash('sha1').update(json).digest('hex')} ${json}`, ...rest].join('\n');
}

/** A commit in `dir` appending `added` lines to `file` (made when missing), dated a day after the last; its id. */
let stamp = 0;
function commitLines(file: string, added: string[], message = `more ${file}`, edit?: (text: string[]) => void): string {
  const p = path.join(dir, file);
  const text = existsSync(p) ? readFileSync(p, 'utf8').replace(/\n$/, '').split('\n') : [];
  edit?.(text);
  write(dir, file, [...text, ...added].join('\n') + '\n');
  git('add', file);
  const date = `2026-03-${String(1 + (stamp++ % 28)).padStart(2, '0')}T12:00:00Z`;
  execFileSync('git', ['commit', '-q', '-m', message], { cwd: dir, env: { ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
  return git('rev-parse', 'HEAD').trim();
}

/** `n` commits on top of HEAD at once (git fast-import), each appending a line to `file`; the working tree follows. */
function commitMany(n: number, file = 'src/many.ts'): void {
  const p = path.join(dir, file);
  let text = existsSync(p) ? readFileSync(p, 'utf8') : '';
  const head = git('rev-parse', 'HEAD').trim();
  const branch = git('symbolic-ref', 'HEAD').trim();
  let script = '';
  for (let k = 0; k < n; k++) {
    text += `line ${stamp} ${k}\n`;
    const time = Date.parse('2026-04-01T12:00:00Z') / 1000 + stamp++ * 3600;
    const message = `many ${k}`;
    script += `commit ${branch}\ncommitter T <t@example.com> ${time} +0000\ndata ${message.length}\n${message}\n${k === 0 ? `from ${head}\n` : ''}M 100644 inline ${file}\ndata ${Buffer.byteLength(text)}\n${text}\n`;
  }
  execFileSync('git', ['fast-import', '--quiet', '--force'], { cwd: dir, env: GIT_ENV, input: script });
  git('reset', '-q', '--hard');
}

const lineCount = (file: string): number => readFileSync(path.join(dir, file), 'utf8').split('\n').length - 1;

describe('the stats cache', function () {
  this.timeout(120_000);

  beforeEach(() => {
    dir = initRepo();
    write(dir, '.ai-provenance.json', JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Infrastructure', level: 'block' }] }));
  });
  afterEach(cleanupTemp);

  for (const seed of [1, 7, 42]) {
    it(`gives the figures a run without it gives, for every range and option asked (history ${seed})`, async () => {
      generate(seed);
      const truth = await figures('off');
      const i = (JSON.parse(truth.json) as { insight: { total: { ai: number; mixed: number }; merges: number; atRevision: { ai: number } } }).insight;
      assert.ok(i.total.ai > 0 && i.atRevision.ai > 0 && i.merges === 1, truth.json);
      assert.equal(truth.problems.length, 1, 'the broken note');
      const asks: [string, Partial<HistoryOptions>][] = [
        ['whole history', {}],
        ['a range', { range: ['HEAD~6..HEAD'] }],
        ['the side branch', { range: ['side'] }],
        ['an older revision measured', { at: 'HEAD~4' }],
        ['two folders per path', { pathDepth: 2 }],
        ['a range, no revision', { range: ['main~3..main'], at: false }],
      ];
      for (const [what, opts] of asks) await assertSameWithCache(opts, what);
      // The team config changes the figures, not the cache's facts.
      write(dir, '.ai-provenance.json', JSON.stringify({ critical: [{ paths: ['src/**'], reason: 'Sources', level: 'warn' }], ignore: ['lib/**'] }));
      await assertSameWithCache({}, 'another team config');
    });
  }

  it('counts a note added, changed or fetched from a remote at once', async () => {
    generate(3);
    // A commit whose note speaks of two of its four lines; a remote's note speaks of the other two.
    write(dir, 'src/extra.ts', 'e1\ne2\ne3\ne4\n');
    git('add', 'src/extra.ts');
    git('commit', '-q', '-m', 'four lines');
    const four = git('rev-parse', 'HEAD').trim();
    setNote(four, [{ path: 'src/extra.ts', added: 4, runs: [{ start: 0, end: 2, kind: 'ai', attribution: AGENTS[0]! }] }]);
    const base = await figures('write');
    assert.equal((await figures('write')).json, base.json);
    // Added: a commit without a note gets one.
    const bare = git('log', '--format=%H', '-n', '1', '--grep', '^rename').trim();
    const bareFile = git('show', '--name-only', '--format=', bare).trim().split('\n').pop()!;
    setNote(bare, [{ path: bareFile, added: 1, runs: [{ start: 0, end: 1, kind: 'ai', attribution: AGENTS[2]! }] }]);
    const added = await figures('write');
    assert.notEqual(added.json, base.json, 'the added note counts');
    assert.equal(added.json, (await figures('off')).json);
    // Changed: the same commit's note now says mixed and another agent.
    setNote(bare, [{ path: bareFile, added: 1, runs: [{ start: 0, end: 1, kind: 'mixed', attribution: AGENTS[1]! }] }]);
    const changed = await figures('write');
    assert.notEqual(changed.json, added.json, 'the changed note counts');
    assert.equal(changed.json, (await figures('off')).json);
    // Fetched: a clone's note on a commit this clone has its own note on, fetched into the tracking ref (joined with it).
    const origin = dir;
    const clone = tempDir();
    execFileSync('git', ['clone', '-q', origin, clone], { env: GIT_ENV });
    const rec = buildTraceRecord({ revision: four, files: [{ path: 'src/extra.ts', addedLines: 4, attributions: [AGENTS[2]!], runs: [{ start: 2, end: 4, kind: 'ai', id: 0 }] }], toolVersion: 'test' });
    execFileSync('git', ['notes', `--ref=${NOTES}`, 'add', '-f', '-F', '-', four], { cwd: clone, env: GIT_ENV, input: serializeTraceRecord(rec) });
    git('fetch', '-q', clone, `+${NOTES}:refs/notes/remotes/peer/ai-provenance`);
    const fetched = await figures('write');
    assert.notEqual(fetched.json, changed.json, 'the fetched note counts');
    assert.equal((JSON.parse(fetched.json) as { insight: { total: { ai: number } } }).insight.total.ai, (JSON.parse(changed.json) as { insight: { total: { ai: number } } }).insight.total.ai + 2);
    assert.equal(fetched.json, (await figures('off')).json);
  });

  it('ignores a cache file that is corrupt, truncated or of another format, and gives the right figures', async () => {
    generate(5);
    const truth = await figures('off');
    await figures('write');
    const [facts, results, state] = cacheFiles() as [string, string, string];
    const good = { facts: readFileSync(facts), results: readFileSync(results), state: readFileSync(state) };
    // A figure changed behind the checksum's back: the digit of a count in the finished result.
    const tampered = good.results.toString('utf8').replace(/"added":(\d)/, (_, d: string) => `"added":${(Number(d) + 1) % 10}`);
    assert.notEqual(tampered, good.results.toString('utf8'));
    const breakages: [string, () => void][] = [
      ['a changed figure', () => writeFileSync(results, tampered)],
      ['a truncated file', () => writeFileSync(results, good.results.subarray(0, good.results.length >> 1))],
      ['garbage', () => writeFileSync(results, 'not a cache\n{')],
      ['another format', () => writeFileSync(results, good.results.toString('utf8').replace('insight-results@1', 'insight-results@0'))],
      ['facts of a commit changed', () => (rmSync(results), rmSync(state), writeFileSync(facts, good.facts.toString('utf8').replace(/\[(\d+),(\d+),(\d+),(\d+)\]/, '[$1,$2,$3,9$4]')))],
      ['a truncated facts file', () => (rmSync(results), rmSync(state), writeFileSync(facts, good.facts.subarray(0, 100)))],
      ['an empty facts file', () => (rmSync(results), rmSync(state), writeFileSync(facts, ''))],
      ['an entry that does not decode, behind a right checksum', () => (rmSync(results), rmSync(state), writeFileSync(facts, resealedLine(good.facts, (b) => b.replace(/("c":\{"[0-9a-f]+":\["[0-9a-f ]*",)\d+/, '$1999999'))))],
      ['a changed figure in the state', () => (rmSync(results), writeFileSync(state, good.state.toString('utf8').replace(/"added":(\d)/, (_, d: string) => `"added":${(Number(d) + 1) % 10}`)))],
      ['a truncated state', () => (rmSync(results), writeFileSync(state, good.state.subarray(0, good.state.length >> 1)))],
      ['a state that does not read, behind a right checksum', () => (rmSync(results), writeFileSync(state, resealed(good.state, (b) => b.replace(/"carried":\[/, '"carried":7,"x":['))))],
    ];
    for (const [what, breakIt] of breakages) {
      writeFileSync(facts, good.facts);
      writeFileSync(results, good.results);
      writeFileSync(state, good.state);
      breakIt();
      const r = await figures('write');
      assert.equal(r.json, truth.json, what);
      assert.deepEqual(r.problems, truth.problems, what);
      // Replaced by a good one on the way.
      assert.equal((await figures('write')).json, truth.json, `${what}: after the rewrite`);
    }
  });

  it('lets a second stats run read no diffs from git, and a read-only run write nothing', async () => {
    generate(11);
    const { cli } = cliBundle();
    const run = (trace: string, ...more: string[]): string => {
      const r = spawnSync(process.execPath, [cli, 'stats', '--format', 'json', ...more], { cwd: dir, env: { ...GIT_ENV, GIT_TRACE: trace }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const diffs = (trace: string): string[] => readFileSync(trace, 'utf8').split('\n').filter((l) => / (log|diff-tree) .*-U0/.test(l));
    const t = tempDir();
    const readOnly = await figures('read');
    for (const f of cacheFiles()) assert.equal(existsSync(f), false, `${f}: written by a read-only run`);
    const uncached = run(path.join(t, 'uncached'), '--no-cache');
    for (const f of cacheFiles()) assert.equal(existsSync(f), false, `${f}: written with --no-cache`);
    const first = run(path.join(t, 'first'));
    assert.ok(diffs(path.join(t, 'first')).length > 0, 'the first run reads the diffs');
    for (const f of cacheFiles()) assert.ok(existsSync(f), `${f}: not written`);
    const second = run(path.join(t, 'second'));
    assert.deepEqual(diffs(path.join(t, 'second')), [], 'the second run reads no diffs');
    assert.equal(second, first);
    assert.equal(uncached, first);
    assert.ok(diffs(path.join(t, 'uncached')).length > 0);
    assert.equal(JSON.parse(readOnly.json).insight.total.added, (JSON.parse(first) as { total: { added: number } }).total.added);
  });

  it('goes on from the last run after each kind of change, giving what a run without it gives', async () => {
    generate(21);
    const facts = cacheFiles()[0]!;
    const same = async (what: string): Promise<{ atAi: number; json: string }> => {
      const cached = await figures('write');
      const truth = await figures('off');
      assert.equal(cached.json, truth.json, what);
      assert.deepEqual(cached.problems, truth.problems, what);
      return { atAi: (JSON.parse(truth.json) as { insight: { atRevision: { ai: number } } }).insight.atRevision.ai, json: truth.json };
    };
    const start = await same('the first run');
    const before = readFileSync(facts);

    // A new commit with its note, adding to a file the share at the revision covers.
    const n = lineCount('src/merge.ts');
    const added = commitLines('src/merge.ts', ['n1', 'n2', 'n3']);
    setNote(added, [{ path: 'src/merge.ts', added: 3, runs: [{ start: n, end: n + 2, kind: 'ai', attribution: AGENTS[1]! }] }]);
    const one = await same('a new commit with a note');
    assert.equal(one.atAi, start.atAi + 2, 'its AI lines count at the revision');
    const after = readFileSync(facts);
    assert.ok(after.subarray(0, before.length).equals(before), 'the per-commit cache is not rewritten');

    // A line the cache cannot read: a run that goes on from the last one never reads the cache, so it stays.
    writeFileSync(facts, Buffer.concat([after, Buffer.from('0000 not a segment\n')]));
    commitLines('src/merge.ts', [], 'a person rewrites the first AI line', (t) => (t[n] = 'by hand'));
    const two = await same('a new commit changing an AI line');
    assert.equal(two.atAi, one.atAi - 1, 'the rewritten line is no longer AI');
    assert.ok(readFileSync(facts, 'utf8').includes('0000 not a segment\n'), 'the per-commit cache was not read');

    // A note on an old commit that had none, then that note rewritten.
    const old = git('log', '--format=%H', '-n', '1', '--grep', '^rename').trim();
    const oldFile = git('show', '--name-only', '--format=', old).trim().split('\n').pop()!;
    setNote(old, [{ path: oldFile, added: 1, runs: [{ start: 0, end: 1, kind: 'ai', attribution: AGENTS[2]! }] }]);
    const three = await same('a note on an old commit');
    assert.notEqual(three.json, two.json);
    setNote(old, [{ path: oldFile, added: 1, runs: [{ start: 0, end: 1, kind: 'mixed', attribution: AGENTS[0]! }] }]);
    assert.notEqual((await same('a rewritten note')).json, three.json);

    // A note fetched from a clone, on the newest commit.
    const clone = tempDir();
    execFileSync('git', ['clone', '-q', dir, clone], { env: GIT_ENV });
    const head = git('rev-parse', 'HEAD').trim();
    const rec = buildTraceRecord({ revision: head, files: [{ path: 'src/merge.ts', addedLines: 0, attributions: [AGENTS[2]!], runs: [{ start: 0, end: 1, kind: 'ai', id: 0 }] }], toolVersion: 'test' });
    execFileSync('git', ['notes', `--ref=${NOTES}`, 'add', '-f', '-F', '-', head], { cwd: clone, env: GIT_ENV, input: serializeTraceRecord(rec) });
    git('fetch', '-q', clone, `+${NOTES}:refs/notes/remotes/peer/ai-provenance`);
    await same('a fetched note');

    // A broken note on a new commit: reported once, like every older broken note.
    const broken = commitLines('src/b2.ts', ['b']);
    execFileSync('git', ['notes', `--ref=${NOTES}`, 'add', '-f', '-m', '{"files": 3', broken], { cwd: dir, env: GIT_ENV });
    await same('a broken note on a new commit');

    // A branch from an older commit, merged with a line of its own; then the merge amended.
    git('checkout', '-q', '-b', 'topic', 'HEAD~5');
    const t = commitLines('lib/topic.ts', ['t1', 't2']);
    setNote(t, [{ path: 'lib/topic.ts', added: 2, runs: [{ start: 0, end: 2, kind: 'ai', attribution: AGENTS[0]! }] }]);
    git('checkout', '-q', 'main');
    git('merge', '-q', '--no-ff', '-m', 'Merge topic', 'topic');
    await same('a merge of a branch from an older commit');
    execFileSync('git', ['commit', '-q', '--amend', '-m', 'Merge topic, amended'], { cwd: dir, env: GIT_ENV });
    await same('an amended commit');
    commitLines('lib/topic.ts', ['t3']);
    await same('a commit on top of the merge');
    // Other asks after all that read the same cache.
    for (const opts of [{ at: 'HEAD~3' }, { range: ['HEAD~4..HEAD'] }, { pathDepth: 2 }] as Partial<HistoryOptions>[]) {
      assert.equal((await figures('write', opts)).json, (await figures('off', opts)).json, JSON.stringify(opts));
    }
  });

  /** The lines `sha` adds to its first file (0-based, in its version), from its -U0 diff against its first parent. */
  const addedBy = (sha: string): { path: string; start: number; end: number } => {
    const a = maybeAddedBy(sha);
    assert.ok(a, `${sha} adds lines`);
    return a;
  };
  const maybeAddedBy = (sha: string): { path: string; start: number; end: number } | undefined => {
    const diff = git('diff', '-U0', '--no-color', '-M', `${sha}^`, sha);
    const file = /^\+\+\+ b\/(.+)$/m.exec(diff)?.[1];
    const hunk = /^@@ -\S+ \+(\d+)(?:,(\d+))? @@/m.exec(diff);
    if (file === undefined || !hunk || hunk[2] === '0') return undefined;
    const [, s, n] = hunk;
    const start = Number(s) - 1;
    return { path: file, start, end: start + (n === undefined ? 1 : Number(n)) };
  };
  const noted = (sha: string): boolean => spawnSync('git', ['notes', `--ref=${NOTES}`, 'list', sha], { cwd: dir, env: GIT_ENV }).status === 0;
  const removeNote = (sha: string): void => void git('notes', `--ref=${NOTES}`, 'remove', sha);
  /** A line the per-commit cache cannot read: a run that reads the cache rewrites the file without it; one that goes on from the last run's state never reads it. */
  const DAMAGE = '0000 not a segment\n';
  const damage = (): void => {
    if (existsSync(cacheFiles()[0]!)) writeFileSync(cacheFiles()[0]!, Buffer.concat([readFileSync(cacheFiles()[0]!), Buffer.from(DAMAGE)]));
  };
  const cacheRead = (): boolean => !readFileSync(cacheFiles()[0]!, 'utf8').includes(DAMAGE);

  it('goes on from the last run after a note is added to, changed on or removed from an older commit, giving what a run without it gives', async () => {
    generate(21);
    const same = async (what: string, onState: boolean): Promise<string> => {
      damage();
      const cached = await figures('write');
      const truth = await figures('off');
      assert.equal(cached.json, truth.json, what);
      assert.deepEqual(cached.problems, truth.problems, what);
      assert.equal(cacheRead(), !onState, `${what}: ${onState ? 'the per-commit cache was read: not applied to the last run' : 'applied to the last run'}`);
      return truth.json;
    };
    const atRevision = (json: string): { ai: number; mixed: number } => (JSON.parse(json) as { insight: { atRevision: { ai: number; mixed: number } } }).insight.atRevision;
    let last = await same('the first run', false);
    const merge = git('log', '--format=%H', '-n', '1', '--grep', '^Merge side').trim();
    const side = git('rev-list', `${merge}^2`, '--not', `${merge}^1`).trim().split('\n');
    const plain = git('rev-list', '--no-merges', 'main').trim().split('\n').filter((c) => !side.includes(c) && git('rev-list', '--parents', '-n', '1', c).trim().split(' ').length === 2);
    // The oldest commit without a note whose added lines (one block) are all still at the tip.
    const tipFiles = git('ls-tree', '-r', '--name-only', 'HEAD').split('\n');
    const survives = (c: string): boolean => {
      const a = maybeAddedBy(c);
      if (!a || !tipFiles.includes(a.path) || (git('diff', '-U0', `${c}^`, c).match(/^@@/gm) ?? []).length !== 1) return false;
      return git('blame', '-l', '-s', 'HEAD', '--', a.path).split('\n').filter((l) => l.startsWith(c)).length === a.end - a.start;
    };
    const old = [...plain].reverse().find((c) => !noted(c) && !git('log', '-1', '--format=%B', c).includes('AI-') && survives(c))!;
    assert.ok(old, 'a commit to note');
    const o = addedBy(old);
    const n = o.end - o.start;
    const m = Math.max(1, n - 1);

    // Added: a note on a commit that had none (a note fetched later).
    setNote(old, [{ path: o.path, added: o.end - o.start, runs: [{ start: o.start, end: o.end, kind: 'ai', attribution: AGENTS[2]! }] }]);
    let now = await same('a note added to an old commit', true);
    assert.equal(atRevision(now).ai, atRevision(last).ai + n, 'its lines count at the revision');
    last = now;
    // Changed: the same note now says mixed, another agent, one line fewer.
    setNote(old, [{ path: o.path, added: o.end - o.start, runs: [{ start: o.start, end: Math.max(o.start + 1, o.end - 1), kind: 'mixed', attribution: AGENTS[1]! }] }]);
    now = await same('that note changed', true);
    assert.equal(atRevision(now).ai, atRevision(last).ai - n, 'its lines at the revision are judged again');
    assert.equal(atRevision(now).mixed, atRevision(last).mixed + m);
    last = now;
    // Removed.
    removeNote(old);
    now = await same('that note removed', true);
    assert.equal(atRevision(now).mixed, atRevision(last).mixed - m);
    last = now;
    // A commit that had a note from the start: its note says another agent.
    const readable = (c: string): boolean => {
      try {
        return Array.isArray((JSON.parse(git('notes', `--ref=${NOTES}`, 'show', c)) as { files?: unknown }).files);
      } catch {
        return false;
      }
    };
    const had = plain.find((c) => noted(c) && readable(c) && maybeAddedBy(c))!;
    const h = addedBy(had);
    setNote(had, [{ path: h.path, added: h.end - h.start, runs: [{ start: h.start, end: h.end, kind: 'ai', attribution: AGENTS[1]! }] }]);
    last = await same('an older note rewritten', true);
    // A note on a commit of the branch a merge brought in.
    const s = side.find((c) => !noted(c)) ?? side[0]!;
    const sa = addedBy(s);
    setNote(s, [{ path: sa.path, added: sa.end - sa.start, runs: [{ start: sa.start, end: sa.end, kind: 'ai', attribution: AGENTS[0]! }] }]);
    now = await same("a note on a commit of a merge's side", true);
    assert.notEqual(now, last);
    last = now;
    // Commits known only from trailers, or marked AI-Unjudged, get a note.
    for (const grep of ['^AI-Lines:', '^AI-Unjudged:']) {
      const c = plain.find((x) => !noted(x) && git('log', '-1', '--format=%B', x).split('\n').some((l) => new RegExp(grep).test(l)));
      if (!c) continue;
      const a = addedBy(c);
      setNote(c, [{ path: a.path, added: a.end - a.start, runs: [{ start: a.start, end: a.start + 1, kind: 'ai', attribution: AGENTS[2]! }] }]);
      now = await same(`a note on a commit with ${grep.slice(1)}`, true);
      assert.notEqual(now, last, grep);
      last = now;
    }
    // Several at once, as a fetch brings them: two added, one removed.
    const two = plain.filter((c) => !noted(c)).slice(0, 2);
    for (const c of two) {
      const a = addedBy(c);
      setNote(c, [{ path: a.path, added: a.end - a.start, runs: [{ start: a.start, end: a.end, kind: 'mixed', attribution: AGENTS[0]! }] }]);
    }
    removeNote(had);
    last = await same('notes added and removed at once', true);
    // On the merge itself (its own lines need its parents' versions): right, however it is worked out.
    setNote(merge, [{ path: 'src/merge.ts', added: 1, runs: [{ start: 0, end: 1, kind: 'mixed', attribution: AGENTS[2]! }] }]);
    damage();
    assert.equal((await figures('write')).json, (await figures('off')).json, 'a note changed on the merge');
    // And new commits on top after all that still go on from the last run.
    commitLines('src/merge.ts', ['after']);
    await same('a new commit after the notes changed', true);
  });

  it('applies notes changed on older commits in any history exactly, or works the figures out again', async () => {
    for (const seed of [2, 9, 30]) {
      cleanupTemp();
      dir = initRepo();
      write(dir, '.ai-provenance.json', JSON.stringify({ critical: [{ paths: ['infra/**', 'src/a*'], reason: 'Critical', level: 'block' }] }));
      generate(seed);
      await figures('write');
      const rnd = random(seed);
      const commits = git('rev-list', 'main').trim().split('\n');
      let applied = 0;
      for (let step = 0; step < 8; step++) {
        // Notes that name each agent in the same weeks, shared lines left out; sometimes removed, sometimes two at once.
        for (let k = 0; k <= rnd(2); k++) {
          const c = commits[1 + rnd(commits.length - 2)]!;
          if (git('rev-list', '--parents', '-n', '1', c).trim().split(' ').length !== 2) continue;
          if (noted(c) && rnd(3) === 0) {
            removeNote(c);
            continue;
          }
          const a = maybeAddedBy(c);
          if (!a) continue;
          const cut = a.start + rnd(a.end - a.start + 1);
          const runs: SpelledRun[] = [];
          if (cut > a.start) runs.push({ start: a.start, end: cut, kind: rnd(2) === 0 ? 'ai' : 'mixed', attribution: AGENTS[rnd(AGENTS.length)]! });
          if (cut < a.end) runs.push({ start: cut, end: a.end, kind: 'ai', attribution: AGENTS[rnd(AGENTS.length)]! });
          setNote(c, [{ path: a.path, added: a.end - a.start, runs }]);
        }
        damage();
        const cached = await figures('write');
        const truth = await figures('off');
        assert.equal(cached.json, truth.json, `history ${seed}, step ${step}`);
        assert.deepEqual(cached.problems, truth.problems, `history ${seed}, step ${step}`);
        if (!cacheRead()) applied++;
      }
      assert.ok(applied > 0, `history ${seed}: no change applied to the last run`);
    }
  });

  it('after a note fetched on an older commit, gives every breakdown a run without a cache gives, reading that commit alone', async () => {
    generate(23);
    const { cli } = cliBundle();
    const t = tempDir();
    const run = (args: string[], trace?: string): string => {
      const r = spawnSync(process.execPath, [cli, 'stats', ...args], { cwd: dir, env: { ...GIT_ENV, ...(trace && { GIT_TRACE: trace }) }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    run(['--format', 'json']);
    // A teammate's note on an older commit that had none, fetched into the tracking ref.
    const old = git('rev-list', '--no-merges', 'main').trim().split('\n').reverse().find((c) => !noted(c) && git('rev-list', '--parents', '-n', '1', c).trim().split(' ').length === 2)!;
    const a = addedBy(old);
    const clone = tempDir();
    execFileSync('git', ['clone', '-q', dir, clone], { env: GIT_ENV });
    const rec = buildTraceRecord({ revision: old, files: [noteFile(a.path, a.end - a.start, [{ start: a.start, end: a.end, kind: 'ai', attribution: AGENTS[0]! }])], toolVersion: 'test' });
    execFileSync('git', ['notes', `--ref=${NOTES}`, 'add', '-f', '-F', '-', old], { cwd: clone, env: GIT_ENV, input: serializeTraceRecord(rec) });
    git('fetch', '-q', clone, `+${NOTES}:refs/notes/remotes/peer/ai-provenance`);
    damage();
    const trace = path.join(t, 'trace');
    const json = run(['--format', 'json'], trace);
    assert.equal(json, run(['--format', 'json', '--no-cache']), 'stats --format json');
    const diffs = readFileSync(trace, 'utf8').split('\n').filter((l) => / (log|diff-tree) .*-U0/.test(l));
    assert.equal(diffs.length, 1, `one diff read: ${diffs.join('\n')}`);
    assert.match(diffs[0]!, /--no-walk/, 'the diff of the one commit whose note changed, not a walk of the history');
    assert.equal(cacheRead(), false, 'the per-commit cache was not read');
    for (const by of ['agent', 'model', 'author', 'path', 'week']) {
      for (const format of ['csv', 'text']) assert.equal(run(['--by', by, '--format', format]), run(['--by', by, '--format', format, '--no-cache']), `--by ${by} --format ${format}`);
    }
    // The code at the revision counts the fetched note's lines.
    const at = (s: string): number => (JSON.parse(s) as { atRevision: { ai: number } }).atRevision.ai;
    git('update-ref', '-d', 'refs/notes/remotes/peer/ai-provenance');
    assert.ok(at(json) > at(run(['--format', 'json', '--no-cache'])), 'the fetched note counts at the revision');
  });

  it('rewrites the per-commit cache as one segment every few runs, leaving out the commits no ref reaches', async () => {
    generate(17);
    const facts = cacheFiles()[0]!;
    await figures('write');
    const gone: string[] = [];
    // The schedule the cache keeps (16 segments), named here too so that a cache without one is run as long.
    const SEGMENTS_KEPT = (insightCache as { SEGMENTS_KEPT?: number }).SEGMENTS_KEPT ?? 16;
    for (let i = 0; i < SEGMENTS_KEPT; i++) {
      // Most runs go on from the last one (enough new commits that it writes its state and what it read); two start
      // over (the last commit amended away).
      if (i !== 1 && i !== 3) commitMany(STATE_EVERY, 'src/p.ts');
      else {
        gone.push(git('rev-parse', 'HEAD').trim());
        execFileSync('git', ['commit', '-q', '--amend', '-m', `amended ${i}`], { cwd: dir, env: GIT_ENV });
      }
      const segments = readFileSync(facts, 'utf8').split('\n').filter((l) => l !== '').length - 1;
      assert.ok(segments <= SEGMENTS_KEPT, `${segments} segments after ${i + 1} runs`);
      assert.equal((await figures('write')).json, (await figures('off')).json, `run ${i}`);
    }
    const text = readFileSync(facts, 'utf8');
    const segments = text.split('\n').filter((l) => l !== '').length - 1;
    assert.ok(segments < SEGMENTS_KEPT / 2, `rewritten: ${segments} segments`);
    // Commits amended away before the rewrite are left out; the ones walked stay.
    assert.ok(gone.every((sha) => !text.includes(`"${sha}"`)), 'unreachable commits pruned');
    assert.ok(text.includes(`"${git('rev-parse', 'HEAD~1').trim()}"`), 'the commits walked are kept');
  });

  it('leaves its state as it was after a few new commits, and writes it anew once enough were read again', async () => {
    generate(23);
    const [facts, , stateFile] = cacheFiles() as [string, string, string];
    const same = async (what: string): Promise<void> => {
      const cached = await figures('write');
      assert.equal(cached.json, (await figures('off')).json, what);
    };
    await same('the first run');
    const state = readFileSync(stateFile);
    const cache = readFileSync(facts);
    commitLines('src/merge.ts', ['s1']);
    await same('one new commit');
    commitLines('src/merge.ts', ['s2']);
    await same('another, the first read again');
    assert.ok(readFileSync(stateFile).equals(state), 'the state is not written for a few commits');
    assert.ok(readFileSync(facts).equals(cache), 'nor the per-commit cache');
    commitMany(STATE_EVERY - 2);
    await same('enough commits since the state');
    const written = readFileSync(stateFile);
    assert.ok(!written.equals(state), 'the state is written anew');
    assert.ok(readFileSync(facts).length > cache.length, 'the commits read are added to the per-commit cache');
    // The git processes of a run (it starts them with this process's environment), and its figures.
    const traced = async (): Promise<{ json: string; walkedAll: boolean }> => {
      const trace = path.join(tempDir(), 'trace');
      process.env.GIT_TRACE = trace;
      try {
        return { json: (await figures('write')).json, walkedAll: / rev-list .*--topo-order/.test(readFileSync(trace, 'utf8')) };
      } finally {
        delete process.env.GIT_TRACE;
      }
    };
    commitLines('src/merge.ts', ['s3']);
    const one = await traced();
    assert.ok(!one.walkedAll, 'git lists the new commit alone, not the whole history');
    assert.equal(one.json, (await figures('off')).json, 'one more commit');
    assert.ok(readFileSync(stateFile).equals(written), 'and left again for a few');

    // A note on a commit of another branch (fetched with the notes, say) is in no figure: it does not make the run
    // walk the whole history to look for that commit.
    git('checkout', '-q', '-b', 'other');
    const other = commitLines('lib/other.ts', ['o1']);
    setNote(other, [{ path: 'lib/other.ts', added: 1, runs: [{ start: 0, end: 1, kind: 'ai', attribution: AGENTS[0]! }] }]);
    git('checkout', '-q', 'main');
    commitLines('src/merge.ts', ['s4']);
    const two = await traced();
    assert.ok(!two.walkedAll, 'a note outside the walk leaves it alone');
    assert.equal(two.json, (await figures('off')).json, 'a note on another branch');
  });

  it('never writes through a symbolic link in .git/ai-provenance', async () => {
    generate(13);
    const outside = tempDir();
    const victim = path.join(outside, 'victim');
    writeFileSync(victim, 'keep me\n');
    const state = path.join(dir, '.git', 'ai-provenance');
    mkdirSync(state, { recursive: true });
    symlinkSync(victim, path.join(state, 'insight-cache'));
    const truth = await figures('off');
    assert.equal((await figures('write')).json, truth.json);
    assert.equal(readFileSync(victim, 'utf8'), 'keep me\n', 'the link target is untouched');
    assert.ok(lstatSync(path.join(state, 'insight-cache')).isFile(), 'the link is replaced by the cache');
    // A state folder that is itself a link is not written through at all.
    rmSync(state, { recursive: true });
    symlinkSync(outside, state);
    assert.equal((await figures('write')).json, truth.json);
    assert.deepEqual(readdirSync(outside), ['victim']);
  });
});
