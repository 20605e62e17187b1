// stats on a generated history whose answers are known: every breakdown, merges, renames, trailers, broken notes.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { buildTraceRecord, serializeTraceRecord } from '../../../src/core/agentTrace';
import { NO_NOTE_PATH, type Insight } from '../../../src/core/insight';
import type { Attribution } from '../../../src/core/model';
import { noteFile, type SpelledRun } from '../noteFiles';
import { blameFile } from '../../../src/git/blame';
import { readHistory } from '../../../src/git/history';
import { discoverRepo } from '../../../src/git/repo';
import { loadTeamConfig } from '../../../src/git/teamConfig';
import { cleanupTemp, GIT_ENV, initRepo, lines, write } from './helpers';
import { cliBundle } from './hookEnv';

const CLAUDE: Attribution = { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', at: '2026-01-05T00:00:00Z' };
const COPILOT: Attribution = { agent: 'copilot', model: 'openai/gpt-5', source: 'inline-completion', at: '2026-01-05T00:00:00Z' };
const CODEX: Attribution = { agent: 'codex', model: 'openai/gpt-5-codex', source: 'agent-hook', at: '2026-01-05T00:00:00Z' };
const ANN = { name: 'Ann Author', email: 'ann@example.com' };
const BOB = { name: 'Bob Builder', email: 'bob@example.com' };

let dir: string;
const sha: Record<string, string> = {};

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
}

function commit(name: string, who: { name: string; email: string }, date: string, message: string, ...paths: string[]): string {
  if (paths.length > 0) git('add', '--', ...paths);
  const env = { ...GIT_ENV, GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_AUTHOR_DATE: `${date}T12:00:00Z`, GIT_COMMITTER_DATE: `${date}T12:00:00Z` };
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], { cwd: dir, env });
  sha[name] = git('rev-parse', 'HEAD').trim();
  return sha[name]!;
}

/** 1-based inclusive ranges of one kind, as a note's runs. */
function runs(a: Attribution, kind: 'ai' | 'mixed', ...ranges: [number, number][]): SpelledRun[] {
  return ranges.map(([s, e]) => ({ start: s - 1, end: e, kind, attribution: a }));
}

function note(commitName: string, files: { path: string; added: number; runs: SpelledRun[] }[]): void {
  const rec = buildTraceRecord({ revision: sha[commitName]!, files: files.map((f) => noteFile(f.path, f.added, f.runs)), toolVersion: 'test' });
  execFileSync('git', ['notes', '--ref=refs/notes/ai-provenance', 'add', '-f', '-F', '-', sha[commitName]!], { cwd: dir, env: GIT_ENV, input: serializeTraceRecord(rec) });
}

async function stats(range?: string[]): Promise<{ insight: Insight; problems: string[] }> {
  const repo = await discoverRepo(dir);
  const problems: string[] = [];
  const config = await loadTeamConfig(repo, (l) => problems.push(l));
  const r = await readHistory(repo, { range, config, report: (l) => problems.push(l) });
  return { insight: r.insight, problems };
}

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliBundle().cli, ...args], { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('ai-provenance stats', function () {
  this.timeout(60_000);

  before(() => {
    dir = initRepo();
    // The team config stays out of history, so that its lines are not counted.
    write(dir, '.ai-provenance.json', JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Production infrastructure', level: 'block' }] }));
    write(dir, 'src/a.ts', lines(10));
    commit('c1', ANN, '2026-01-05', 'a: ten human lines', 'src/a.ts');
    write(dir, 'src/a.ts', lines(10) + 'ai 11\nai 12\nmixed 13\nhuman 14\n');
    commit('c2', BOB, '2026-01-06', 'a: four lines, three by AI', 'src/a.ts');
    note('c2', [{ path: 'src/a.ts', added: 4, runs: [...runs(COPILOT, 'ai', [11, 12]), ...runs(CLAUDE, 'mixed', [13, 13])] }]);
    write(dir, 'infra/main.tf', lines(5, 'tf'));
    commit('c3', ANN, '2026-01-12', 'infra: main, not signed off', 'infra/main.tf');
    note('c3', [{ path: 'infra/main.tf', added: 5, runs: runs(CLAUDE, 'ai', [1, 5]) }]);
    write(dir, 'infra/db.tf', lines(3, 'db'));
    commit('c4', BOB, '2026-01-13', 'infra: db\n\nAI-Reviewed-by: Carol Checker <carol@example.com>', 'infra/db.tf');
    note('c4', [{ path: 'infra/db.tf', added: 3, runs: runs(CLAUDE, 'ai', [1, 3]) }]);
    git('checkout', '-q', '-b', 'side');
    write(dir, 'docs/x.md', 'doc 1\ndoc 2\n');
    commit('c5', BOB, '2026-01-14', 'docs by codex', 'docs/x.md');
    note('c5', [{ path: 'docs/x.md', added: 2, runs: runs(CODEX, 'ai', [1, 2]) }]);
    git('checkout', '-q', 'main');
    write(dir, 'src/a.ts', 'line 1 changed\n' + lines(10).split('\n').slice(1).join('\n') + 'ai 11\nai 12\nmixed 13\nhuman 14\n');
    commit('c6', ANN, '2026-01-19', 'a: first line by a person', 'src/a.ts');
    // An evil merge: one line new against both parents, written by copilot while merging.
    git('merge', '-q', '--no-commit', '--no-ff', 'side');
    write(dir, 'src/a.ts', 'line 1 changed\n' + lines(10).split('\n').slice(1).join('\n') + 'ai 11\nai 12\nmixed 13\nhuman 14\nmerged 15\n');
    commit('c7', ANN, '2026-01-19', 'Merge side', 'src/a.ts');
    note('c7', [{ path: 'src/a.ts', added: 1, runs: runs(COPILOT, 'ai', [15, 15]) }]);
    mkdirSync(path.join(dir, 'lib'));
    git('mv', 'src/a.ts', 'lib/a.ts');
    commit('c8', ANN, '2026-01-20', 'move a to lib');
    write(dir, 'src/t.ts', lines(4, 't'));
    commit('c9', BOB, '2026-01-21', 'from a clone without notes\n\nAssisted-by: cursor\nAI-Lines: 3/4', 'src/t.ts');
    write(dir, 'src/bad.ts', lines(2, 'bad'));
    commit('c10', ANN, '2026-01-22', 'a commit whose note is broken', 'src/bad.ts');
    execFileSync('git', ['notes', '--ref=refs/notes/ai-provenance', 'add', '-f', '-m', '{"version": "0.1.0", "files": [', sha.c10!], { cwd: dir, env: GIT_ENV });
  });
  after(cleanupTemp);

  it('counts lines added by AI and by people over the whole history', async () => {
    const { insight: i } = await stats();
    assert.equal(i.commits, 10);
    assert.equal(i.merges, 1);
    assert.equal(i.withNote, 5);
    assert.equal(i.fromTrailers, 1);
    assert.deepEqual(i.total, { key: 'total', added: 32, ai: 16, mixed: 1, unjudged: 0, human: 15, share: 17 / 32 });
    assert.equal(i.unjudgedCommits, 0);
  });

  it('breaks the AI lines down by agent and by model', async () => {
    const { insight: i } = await stats();
    assert.deepEqual(
      i.byAgent.map((a) => [a.agent, a.ai, a.mixed]),
      [
        ['claude-code', 8, 1],
        ['copilot', 3, 0],
        ['cursor', 3, 0],
        ['codex', 2, 0],
      ],
    );
    assert.deepEqual(
      i.byModel.map((m) => [m.model, m.agent, m.ai + m.mixed]),
      [
        ['anthropic/claude-opus-4-5', 'claude-code', 9],
        ['(not recorded)', 'cursor', 3],
        ['openai/gpt-5', 'copilot', 3],
        ['openai/gpt-5-codex', 'codex', 2],
      ],
    );
  });

  it('breaks the added lines down by author, path and week', async () => {
    const { insight: i } = await stats();
    assert.deepEqual(
      i.byAuthor.map((r) => [r.name, r.added, r.ai, r.mixed, r.human]),
      [
        ['Ann Author', 19, 6, 0, 13],
        ['Bob Builder', 13, 10, 1, 2],
      ],
    );
    // The rename adds nothing; the trailer-only commit's lines sit in a row of their own.
    assert.deepEqual(
      i.byPath.map((r) => [r.key, r.added, r.ai, r.mixed]),
      [
        [NO_NOTE_PATH, 4, 3, 0],
        ['docs/', 2, 2, 0],
        ['infra/', 8, 8, 0],
        ['src/', 18, 3, 1],
      ],
    );
    assert.deepEqual(
      i.byWeek.map((r) => [r.key, r.added, r.ai, r.mixed, r.agents]),
      [
        ['2026-W02', 14, 2, 1, { copilot: 2, 'claude-code': 1 }],
        ['2026-W03', 10, 10, 0, { 'claude-code': 8, codex: 2 }],
        ['2026-W04', 8, 4, 0, { cursor: 3, copilot: 1 }],
      ],
    );
  });

  it('tells AI lines in critical paths signed off from those not, added in the range and at the revision', async () => {
    const { insight: i } = await stats();
    assert.equal(i.critical.length, 1);
    assert.deepEqual(i.critical[0]!.range, { aiLines: 8, signedOff: 3, unsigned: 5, commits: 2, fromTrailers: 0 });
    assert.deepEqual(i.critical[0]!.atRevision, { aiLines: 8, signedOff: 3, unsigned: 5, files: 2 });
    assert.deepEqual(
      i.criticalCommits.map((c) => [c.sha, c.signedOff, c.reviewers, c.files]),
      [
        [sha.c3, false, [], [{ path: 'infra/main.tf', aiLines: 5 }]],
        [sha.c4, true, ['Carol Checker <carol@example.com>'], [{ path: 'infra/db.tf', aiLines: 3 }]],
      ],
    );
  });

  it('measures the code at the revision through the rename and the merge, as blame joined with the notes does', async () => {
    const { insight: i } = await stats();
    const a = i.atRevision!;
    assert.equal(a.sha, sha.c10);
    assert.deepEqual([a.files, a.lines, a.ai, a.mixed], [6, 31, 13, 1]);
    const files = new Map<string, { ai: number; mixed: number; lines: number }>();
    const walk = (n: { path: string; ai: number; mixed: number; lines: number; children: readonly unknown[] }): void => {
      if (!n.path.endsWith('/') && n.path !== '') files.set(n.path, n);
      for (const c of n.children) walk(c as typeof n);
    };
    walk(a.tree);
    assert.deepEqual(Object.fromEntries([...files].map(([p, f]) => [p, [f.lines, f.ai, f.mixed]])), {
      'lib/a.ts': [15, 3, 1],
      'infra/main.tf': [5, 5, 0],
      'infra/db.tf': [3, 3, 0],
      'docs/x.md': [2, 2, 0],
    });
    const repo = await discoverRepo(dir);
    for (const [p, f] of files) {
      const blamed = await blameFile(repo, p);
      assert.deepEqual([blamed.filter((l) => l.kind === 'ai').length, blamed.filter((l) => l.kind === 'mixed').length], [f.ai, f.mixed], p);
    }
  });

  it('reports a note that cannot be read once and never counts it', async () => {
    const { insight: i, problems } = await stats();
    const about = problems.filter((p) => p.includes(sha.c10!));
    assert.equal(about.length, 1, problems.join('\n'));
    assert.match(about[0]!, /refs\/notes\/ai-provenance:[0-9a-f]{40}: .*invalid JSON.*; skipped/);
    assert.deepEqual(i.byAuthor.find((r) => r.key === ANN.email)?.human, 13);
    const r = cli('stats');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr.split('\n').filter((l) => l.includes(sha.c10!)).length, 1, r.stderr);
  });

  it('says nothing is AI in a range with no notes', async () => {
    const { insight: i } = await stats([`${sha.c6}^!`]);
    assert.equal(i.commits, 1);
    assert.equal(i.withNote, 0);
    assert.deepEqual([i.total.added, i.total.ai, i.total.mixed, i.total.human], [1, 0, 0, 1]);
    assert.deepEqual(i.byAgent, []);
    assert.equal(i.criticalCommits.length, 0);
    // The code at the end of the range still has the AI lines of earlier commits.
    assert.equal(i.atRevision?.sha, sha.c6);
    assert.equal(i.atRevision?.ai, 10);
  });

  it('prints every breakdown as csv and json, and the text table within the terminal width', () => {
    const csv = cli('stats', '--by', 'author', '--format', 'csv');
    assert.equal(csv.status, 0, csv.stderr);
    assert.equal(csv.stdout, 'author,email,added,ai,mixed,unjudged,human,ai_share\r\nAnn Author,ann@example.com,19,6,0,0,13,0.3158\r\nBob Builder,bob@example.com,13,10,1,0,2,0.8462\r\n');
    const json = JSON.parse(cli('stats', '--format', 'json').stdout) as { version: number; total: { added: number }; byWeek: unknown[]; atRevision: { ai: number; tree?: unknown } };
    assert.deepEqual([json.version, json.total.added, json.byWeek.length, json.atRevision.ai, json.atRevision.tree], [1, 32, 3, 13, undefined]);
    const text = cli('stats', '--by', 'path');
    assert.match(text.stdout, /^Lines added: 32 {2}AI 16 \(50\.0%\) {2}mixed 1 \(3\.1%\) {2}people 15$/m);
    assert.match(text.stdout, /^infra\/ +8 +8 +0 +0 +100\.0%$/m);
    assert.match(text.stdout, /^\[0\] Production infrastructure +block +8 +3 +5 +8 +3 +5$/m);
    for (const l of text.stdout.split('\n')) assert.ok(l.length <= 100, l);
  });

  it('refuses an unknown breakdown or range in one line with exit 2', () => {
    const by = cli('stats', '--by', 'team');
    assert.deepEqual([by.status, by.stderr], [2, "ai-provenance stats: --by 'team': expected agent, model, author, path or week\n"]);
    const range = cli('stats', 'nope..HEAD');
    assert.equal(range.status, 2);
    assert.match(range.stderr, /^ai-provenance stats: nope\.\.HEAD: not a valid revision range\n$/);
  });

  it('exports the notes of a range as one Agent Trace record a line, skipping the broken one', () => {
    const r = cli('export', '--range', `${sha.c1}..HEAD`, '--format', 'ndjson');
    assert.equal(r.status, 0, r.stderr);
    const records = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { vcs: { revision: string } });
    assert.deepEqual(
      records.map((x) => x.vcs.revision),
      [sha.c2, sha.c3, sha.c4, sha.c5, sha.c7],
    );
    assert.equal(r.stderr.split('\n').filter((l) => l.includes(sha.c10!)).length, 1);
  });

  // Last: it adds to the history the tests above read.
  it('after new commits in a critical path, gives from its cache what a run without it gives', () => {
    const json = (...more: string[]): { critical: { range: unknown; atRevision: unknown }[]; atRevision: { ai: number } } => {
      const r = cli('stats', '--format', 'json', ...more);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr.split('\n').filter((l) => l.includes(sha.c10!)).length, 1, 'the broken note told once');
      return JSON.parse(r.stdout) as ReturnType<typeof json>;
    };
    json();
    // A person rewrites one of the three signed-off AI lines of c4; claude adds two unsigned lines to main.tf.
    write(dir, 'infra/db.tf', 'by hand\n' + lines(3, 'db').split('\n').slice(1).join('\n'));
    write(dir, 'infra/main.tf', lines(5, 'tf') + 'tf 6\ntf 7\n');
    commit('c11', ANN, '2026-01-23', 'infra: more', 'infra/db.tf', 'infra/main.tf');
    note('c11', [{ path: 'infra/main.tf', added: 2, runs: runs(CLAUDE, 'ai', [6, 7]) }]);
    const cached = json();
    assert.deepEqual(cached, json('--no-cache'));
    assert.deepEqual(cached.critical[0]!.atRevision, { aiLines: 9, signedOff: 2, unsigned: 7, files: 2 });
    assert.deepEqual(cached.critical[0]!.range, { aiLines: 10, signedOff: 3, unsigned: 7, commits: 3, fromTrailers: 0 });
    // A note written later for c9 (it had only trailers), and one more commit.
    note('c9', [{ path: 'src/t.ts', added: 4, runs: runs(CODEX, 'ai', [1, 2]) }]);
    write(dir, 'src/t.ts', lines(4, 't') + 't 5\n');
    commit('c12', BOB, '2026-01-24', 'one more line', 'src/t.ts');
    assert.deepEqual(json(), json('--no-cache'));
  });
});

describe('ai-provenance stats on commits its hooks could not judge', function () {
  this.timeout(60_000);

  before(() => {
    dir = initRepo();
    write(dir, 'src/a.ts', lines(4));
    commit('u1', ANN, '2026-02-02', 'a: four lines by a person', 'src/a.ts');
    // What the commit hooks write when they cannot run (Node missing, a crash): the lines were never judged.
    write(dir, 'src/a.ts', lines(7));
    commit('u2', BOB, '2026-02-03', 'a: three more\n\nAI-Unjudged: prepare-commit-msg failed: node not found', 'src/a.ts');
    write(dir, 'src/b.ts', lines(2, 'b'));
    commit('u3', ANN, '2026-02-04', 'b: by claude', 'src/b.ts');
    note('u3', [{ path: 'src/b.ts', added: 2, runs: runs(CLAUDE, 'ai', [1, 2]) }]);
  });
  after(cleanupTemp);

  it('counts their lines as unjudged, neither AI nor people, in the range and at the revision, and says so', async () => {
    const { insight: i } = await stats();
    assert.equal(i.unjudgedCommits, 1);
    assert.deepEqual(i.total, { key: 'total', added: 9, ai: 2, mixed: 0, unjudged: 3, human: 4, share: 2 / 9 });
    assert.deepEqual(
      i.byAuthor.map((r) => [r.name, r.added, r.ai, r.unjudged, r.human]),
      [
        ['Ann Author', 6, 2, 0, 4],
        ['Bob Builder', 3, 0, 3, 0],
      ],
    );
    assert.deepEqual([i.atRevision?.lines, i.atRevision?.ai, i.atRevision?.unjudged], [9, 2, 3]);

    const text = cli('stats');
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^Lines added: 9 {2}AI 2 \(22\.2%\) {2}mixed 0 \(0\.0%\) {2}unjudged 3 \(33\.3%\) {2}people 4$/m);
    assert.match(text.stdout, /^Unjudged: lines of 1 commit its hooks could not judge \(AI-Unjudged, no note\)/m);
    assert.match(text.stdout, /^\(unjudged\) +0 +0 +3 +0 +33\.3%$/m);
    assert.match(text.stdout, /^\(people\) +0 +0 +0 +4 +44\.4%$/m);
    const html = cli('report', '-o', '-').stdout;
    assert.match(html, /3 unjudged/);
    assert.match(html, /Unjudged: lines of 1 commit its hooks could not judge/);
  });

  it('counts them as any other commit once a later commit has written their note', async () => {
    // As the next commit whose hooks run does, from the AI lines the working state kept for it.
    note('u2', [{ path: 'src/a.ts', added: 3, runs: runs(COPILOT, 'ai', [5, 5]) }]);
    const { insight: i } = await stats();
    assert.equal(i.unjudgedCommits, 0);
    assert.deepEqual(i.total, { key: 'total', added: 9, ai: 3, mixed: 0, unjudged: 0, human: 6, share: 3 / 9 });
    assert.deepEqual([i.atRevision?.ai, i.atRevision?.unjudged], [3, 0]);
    assert.doesNotMatch(cli('stats').stdout, /njudged/);
  });
});

describe('ai-provenance stats on a file version two branches start from', function () {
  this.timeout(60_000);

  before(() => {
    dir = initRepo();
    // Two AI blocks of one commit, apart by two lines of a person: once those go, the blocks are one run.
    write(dir, 'src/f.ts', 'ai 1\nai 2\nai 3\nhuman 4\nhuman 5\nai 6\nai 7\nai 8\n');
    commit('b1', ANN, '2026-03-02', 'f: two blocks by claude', 'src/f.ts');
    note('b1', [{ path: 'src/f.ts', added: 8, runs: runs(CLAUDE, 'ai', [1, 3], [6, 8]) }]);
    // Both branches take the person's lines out of the same version: whichever is counted second must still see
    // that version as it was.
    git('checkout', '-q', '-b', 'side');
    write(dir, 'src/f.ts', 'ai 1\nai 2\nai 3\nai 6\nai 7\nai 8\n');
    commit('b2', BOB, '2026-03-03', 'f: without the lines between', 'src/f.ts');
    git('checkout', '-q', 'main');
    write(dir, 'src/f.ts', 'ai 1\nai 2\nai 3\nai 6\nai 7\nai 8\nhuman 9\n');
    commit('b3', ANN, '2026-03-04', 'f: without them, and a line more', 'src/f.ts');
  });
  after(cleanupTemp);

  it('measures each branch from that version as it was, whichever branch is counted first', async () => {
    const repo = await discoverRepo(dir);
    const config = await loadTeamConfig(repo, () => undefined);
    for (const cache of ['off', 'write', 'write'] as const) {
      const main = await readHistory(repo, { range: ['main', 'side'], at: 'main', config, cache });
      const side = await readHistory(repo, { range: ['main', 'side'], at: 'side', config, cache });
      assert.deepEqual([main.insight.total.added, main.insight.total.ai], [9, 6]);
      assert.deepEqual([main.insight.atRevision?.lines, main.insight.atRevision?.ai], [7, 6], `main, cache ${cache}`);
      assert.deepEqual([side.insight.atRevision?.lines, side.insight.atRevision?.ai], [6, 6], `side, cache ${cache}`);
    }
  });
});
