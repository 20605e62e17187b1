// Notes shared through a real "server" (a bare repository) by clones with real hooks: git push publishes them,
// git fetch/pull brings them in, and nothing one clone wrote is lost to another's.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { discoverRepo } from '../../../src/git/repo';
import { syncNotes } from '../../../src/git/notesSync';
import { NOTES_REF } from '../../../src/git/notes';
import { DELETED_NOTES_FILE, deletedNotesLine, RESTORED_NOTES_MESSAGE, restoredNotesLine } from '../../../src/git/hookScripts';
import { buildTraceRecord, serializeTraceRecord } from '../../../src/core/agentTrace';
import { cleanupTemp, lines, sh, tempDir, write } from './helpers';
import { cliBundle, hookedEnv, installEarlierHooks, takeNodeStarts } from './hookEnv';

interface Person {
  readonly name: string;
  readonly email: string;
}
const ANN: Person = { name: 'Ann Author', email: 'ann@example.com' };
const BOB: Person = { name: 'Bob Builder', email: 'bob@example.com' };

const who = new Map<string, Person>();

function env(dir: string): NodeJS.ProcessEnv {
  const p = who.get(dir) ?? ANN;
  return { ...hookedEnv(), GIT_AUTHOR_NAME: p.name, GIT_AUTHOR_EMAIL: p.email, GIT_COMMITTER_NAME: p.name, GIT_COMMITTER_EMAIL: p.email };
}

function run(dir: string, cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: dir, env: env(dir), encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(dir: string, ...args: string[]): string {
  const r = run(dir, 'git', args);
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function cli(dir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return run(dir, process.execPath, [cliBundle().cli, ...args]);
}

function okCli(dir: string, ...args: string[]): string {
  const r = cli(dir, ...args);
  assert.equal(r.status, 0, `ai-provenance ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A bare server with one commit on main. */
function server(): string {
  const bare = tempDir('aip-server-');
  sh(bare, 'git', 'init', '-q', '--bare', '-b', 'main');
  const seed = tempDir('aip-seed-');
  sh(seed, 'git', 'init', '-q', '-b', 'main');
  write(seed, 'src/shared.ts', lines(4));
  sh(seed, 'git', 'add', '.');
  sh(seed, 'git', '-c', 'commit.gpgsign=false', 'commit', '-qm', 'base');
  sh(seed, 'git', 'push', '-q', bare, 'main');
  return bare;
}

/** A clone of the server by `person`, with `ai-provenance install` run as a user does (after adding a hook of theirs). */
function clone(bare: string, person: Person, opts: { install?: boolean; userHook?: [name: string, script: string] } = {}): string {
  const dir = path.join(tempDir('aip-clone-'), 'work');
  sh(path.dirname(dir), 'git', 'clone', '-q', bare, dir);
  who.set(dir, person);
  git(dir, 'config', 'commit.gpgsign', 'false');
  git(dir, 'config', 'pull.rebase', 'false');
  if (opts.userHook) {
    write(dir, `.git/hooks/${opts.userHook[0]}`, `#!/bin/sh\n${opts.userHook[1]}\n`);
    sh(dir, 'chmod', '+x', `.git/hooks/${opts.userHook[0]}`);
  }
  if (opts.install !== false) okCli(dir, 'install');
  return dir;
}

/** Writes `text` to `file`, records `range` as written by `agent`, and commits it. */
function aiCommit(dir: string, file: string, text: string, range: string, agent: string, message: string): string {
  write(dir, file, text);
  okCli(dir, 'record', '--agent', agent, `${file}:${range}`);
  git(dir, 'add', file);
  git(dir, 'commit', '-qm', message);
  return git(dir, 'rev-parse', 'HEAD').trim();
}

type BlameLine = { line: number; kind: string; agent?: string; commit?: string };

/** `line:agent` for each AI line `ai-provenance blame` shows. */
function aiBlame(dir: string, file: string): string[] {
  const out = JSON.parse(okCli(dir, 'blame', file, '--json')) as BlameLine[];
  return out.filter((l) => l.kind !== 'human').map((l) => `${l.line}:${l.agent}`);
}

function noteOn(dir: string, ref: string, commit: string): { files: { path: string }[] } | undefined {
  const r = run(dir, 'git', ['notes', `--ref=${ref}`, 'show', commit]);
  return r.status === 0 ? (JSON.parse(r.stdout) as { files: { path: string }[] }) : undefined;
}

function trace(revision: string, file: string, start: number, end: number, agent: string, id: string): string {
  return serializeTraceRecord(
    buildTraceRecord({
      revision,
      files: [{ path: file, addedLines: 10, attributions: [{ agent, source: 'manual', at: '2026-01-01T00:00:00.000Z' }], runs: [{ start: start - 1, end, kind: 'ai', id: 0 }] }],
      toolVersion: '0.0.0-test',
      id,
      timestamp: '2026-01-01T00:00:00.000Z',
    }),
  );
}

const HUSKY_BIN = path.resolve(__dirname, '../../../node_modules/husky/bin.js');

/** What `npm install` does through a `prepare: husky` script: husky 9 writes its hooks into .husky/_. */
function runHusky(dir: string): void {
  const r = run(dir, process.execPath, [HUSKY_BIN]);
  assert.equal(r.status, 0, r.stderr);
}

/** A clone of the server set up with husky 9 (core.hooksPath = .husky/_), then `ai-provenance install`. */
function huskyClone(bare: string, person: Person): string {
  const dir = clone(bare, person, { install: false });
  write(dir, 'package.json', '{\n  "name": "demo",\n  "private": true\n}\n');
  runHusky(dir);
  okCli(dir, 'install');
  return dir;
}

/** A person's commit in `dir`, traced: git runs reference-transaction twice, and no hook starts a git process. */
function personCommitStartsNothing(dir: string, hooksDir = '.git/hooks'): void {
  write(dir, 'human.txt', 'typed by a person\n');
  git(dir, 'add', 'human.txt');
  const trace = path.join(dir, '.git', 'trace.log');
  const commit = spawnSync('git', ['commit', '-qm', 'by hand'], { cwd: dir, env: { ...env(dir), GIT_TRACE: trace }, encoding: 'utf8' });
  assert.equal(commit.status, 0, commit.stderr);
  const traced = readFileSync(trace, 'utf8');
  assert.equal(traced.split(`run_command: ${hooksDir}/reference-transaction`).length - 1, 2, traced);
  assert.deepEqual(traced.split('\n').filter((l) => / trace: built-in: git /.test(l) && !/built-in: git (commit|maintenance|gc) /.test(l)), [], 'no git process started by a hook');
}

/** Ann's AI commit pushed without its notes (--no-verify), then Bob's on top of it, with or without his notes. */
function twoPeoplePushed(opts: { bobShares: boolean }): { bare: string; ann: string; bob: string; annCommit: string; bobCommit: string } {
  const bare = server();
  const ann = clone(bare, ANN);
  const bob = clone(bare, BOB);
  const annCommit = aiCommit(ann, 'src/ann.ts', lines(2), '1', 'claude-code', 'ann');
  git(ann, 'push', '-q', '--no-verify', 'origin', 'main');
  git(bob, 'pull', '-q');
  const bobCommit = aiCommit(bob, 'src/bob.ts', lines(2), '2', 'copilot', 'bob');
  git(bob, 'push', '-q', ...(opts.bobShares ? [] : ['--no-verify']), 'origin', 'main');
  return { bare, ann, bob, annCommit, bobCommit };
}

describe('team notes sync', function () {
  this.timeout(180_000);
  before(() => cliBundle());
  after(cleanupTemp);

  it('install adds a fetch refspec per remote, a pre-push and a reference-transaction hook; uninstall takes out exactly those', () => {
    const bare = server();
    const dir = clone(bare, ANN, { install: false });
    const before = git(dir, 'config', '--get-all', 'remote.origin.fetch');
    // A plain fetch keeps working while the server has no notes at all.
    git(dir, 'fetch', '-q');
    const out = okCli(dir, 'install');
    assert.match(out, /^fetch refspec added: remote\.origin\.fetch \+refs\/notes\/ai-provenance\*:refs\/notes\/remotes\/origin\/ai-provenance\*$/m);
    assert.match(out, /pre-push/);
    assert.match(out, /^installed: \.git\/hooks\/reference-transaction$/m);
    assert.equal(git(dir, 'config', '--get-all', 'remote.origin.fetch'), `${before}+refs/notes/ai-provenance*:refs/notes/remotes/origin/ai-provenance*\n`);
    assert.doesNotMatch(okCli(dir, 'install'), /fetch refspec added/, 'a second install adds nothing');
    const un = okCli(dir, 'uninstall');
    assert.match(un, /^fetch refspec removed: remote\.origin\.fetch /m);
    assert.equal(git(dir, 'config', '--get-all', 'remote.origin.fetch'), before);
    assert.ok(!existsSync(path.join(dir, '.git', 'hooks', 'pre-push')));
    assert.ok(!existsSync(path.join(dir, '.git', 'hooks', 'reference-transaction')));
  });

  it('uninstall leaves a notes fetch refspec the user had added before install, identical to ours', () => {
    const bare = server();
    const dir = clone(bare, ANN, { install: false });
    const spec = '+refs/notes/ai-provenance*:refs/notes/remotes/origin/ai-provenance*';
    git(dir, 'config', '--add', 'remote.origin.fetch', spec);
    const before = git(dir, 'config', '--get-all', 'remote.origin.fetch');
    assert.doesNotMatch(okCli(dir, 'install'), /fetch refspec added/);
    assert.doesNotMatch(okCli(dir, 'uninstall'), /fetch refspec removed/);
    assert.equal(git(dir, 'config', '--get-all', 'remote.origin.fetch'), before);
    // The one install adds is still taken out, also when the remote was added after install (sync adds it there).
    git(dir, 'remote', 'add', 'mirror', bare);
    okCli(dir, 'install');
    okCli(dir, 'sync', 'mirror');
    assert.match(git(dir, 'config', '--get-all', 'remote.mirror.fetch'), /remotes\/mirror\/ai-provenance/);
    assert.match(okCli(dir, 'uninstall'), /^fetch refspec removed: remote\.mirror\.fetch /m);
    assert.equal(git(dir, 'config', '--get-all', 'remote.origin.fetch'), before);
    assert.doesNotMatch(git(dir, 'config', '--get-all', 'remote.mirror.fetch'), /ai-provenance/);
  });

  it('works with a git that knows neither --no-write-fetch-head, --no-auto-maintenance, config --fixed-value nor rev-parse --show-object-format (before 2.25/2.29/2.30)', () => {
    // Only git 2.39 is installed here: an older git is stood in for by a wrapper that reports 2.28 and refuses those
    // options as git 2.28 does (git 2.24's rev-parse would echo --show-object-format instead; refusing it shows any
    // use of it), and hands everything else to the real git.
    const realGit = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
    const bin = tempDir('aip-oldgit-');
    write(bin, 'git', `#!/bin/sh\n[ "$1" = version ] && { echo 'git version 2.28.0'; exit 0; }\nfor a; do case $a in --no-write-fetch-head|--no-auto-maintenance|--fixed-value|--show-object-format) echo "error: unknown option \\\`\${a#--}'" >&2; exit 129 ;; esac; done\nexec '${realGit}' "$@"\n`);
    sh(bin, 'chmod', '+x', 'git');
    const bare = server();
    const ann = clone(bare, ANN);
    const bob = clone(bare, BOB);
    const oldPath = { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
    const runOld = (dir: string, cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } => {
      const r = spawnSync(cmd, args, { cwd: dir, env: { ...env(dir), ...oldPath }, encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    assert.equal(runOld(ann, 'git', ['--no-write-fetch-head']).status, 129, 'the stand-in refuses the new options');
    const c = aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'ai');
    const push = runOld(ann, 'git', ['push', '-q', 'origin', 'main']);
    assert.equal(push.status, 0, push.stderr);
    assert.doesNotMatch(push.stderr, /not pushed/);
    assert.ok(noteOn(bare, NOTES_REF, c), 'pre-push published the note');
    const sync = runOld(bob, process.execPath, [cliBundle().cli, 'sync']);
    assert.equal(sync.status, 0, sync.stderr);
    assert.ok(noteOn(bob, NOTES_REF, c), 'sync brought it in');
    // This git rewrites FETCH_HEAD on every fetch; ours put back what the user's fetch left there.
    const fetchHead = path.join(bob, '.git', 'FETCH_HEAD');
    const userFetch = (): string => {
      assert.equal(runOld(bob, 'git', ['fetch', '-q', 'origin', 'main']).status, 0);
      const fetched = readFileSync(fetchHead, 'latin1');
      assert.match(fetched, /branch 'main' of /);
      return fetched;
    };
    const c2 = aiCommit(ann, 'b.ts', lines(2), '2', 'codex', 'ai 2');
    assert.equal(runOld(ann, 'git', ['push', '-q', 'origin', 'main']).status, 0);
    let fetched = userFetch();
    assert.equal(runOld(bob, process.execPath, [cliBundle().cli, 'sync']).status, 0);
    assert.ok(noteOn(bob, NOTES_REF, c2), 'sync brought the second note in');
    assert.equal(readFileSync(fetchHead, 'latin1'), fetched, 'FETCH_HEAD after sync');
    // Ann's next note reaches the server after Bob last saw its notes: his push fetches them before publishing his.
    const c3 = aiCommit(ann, 'c.ts', lines(2), '1', 'codex', 'ai 3');
    assert.equal(runOld(ann, 'git', ['push', '-q', 'origin', 'main']).status, 0);
    fetched = userFetch();
    git(bob, 'merge', '-q', 'FETCH_HEAD');
    const c4 = aiCommit(bob, 'd.ts', lines(2), '1', 'copilot', 'bob');
    const bobPush = runOld(bob, 'git', ['push', '-q', 'origin', 'main']);
    assert.equal(bobPush.status, 0, bobPush.stderr);
    assert.ok(noteOn(bare, NOTES_REF, c3) && noteOn(bare, NOTES_REF, c4), 'both notes on the server');
    assert.equal(readFileSync(fetchHead, 'latin1'), fetched, 'FETCH_HEAD after a push that fetched the notes');
    const un = runOld(bob, process.execPath, [cliBundle().cli, 'uninstall']);
    assert.equal(un.status, 0, un.stderr);
    assert.doesNotMatch(git(bob, 'config', '--get-all', 'remote.origin.fetch'), /ai-provenance/);
  });

  it('a push that publishes notes and a sync leave the FETCH_HEAD a user fetched alone', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const bob = clone(bare, BOB);
    // Bob's notes reach the server first, so Ann's push has to fetch them to publish hers.
    aiCommit(bob, 'src/bob.ts', lines(2), '1', 'copilot', 'bob');
    git(bob, 'push', '-q', 'origin', 'main');
    const fetchHead = path.join(ann, '.git', 'FETCH_HEAD');
    git(ann, 'fetch', '-q', 'origin', 'main');
    const fetched = readFileSync(fetchHead, 'latin1');
    assert.match(fetched, /branch 'main' of /);
    git(ann, 'merge', '-q', 'FETCH_HEAD');
    const c = aiCommit(ann, 'src/ann.ts', lines(2), '1', 'claude-code', 'ann');
    git(ann, 'push', '-q', 'origin', 'main');
    assert.ok(noteOn(bare, NOTES_REF, c), 'the push published the note');
    assert.equal(readFileSync(fetchHead, 'latin1'), fetched, 'FETCH_HEAD after the push (bytes as latin1)');
    okCli(ann, 'sync');
    assert.equal(readFileSync(fetchHead, 'latin1'), fetched, 'FETCH_HEAD after sync');
  });

  it('install says in one line when git is older than the team sync needs, and only then', () => {
    // A stand-in for an old git (only 2.39 is installed here): it reports 2.20 and hands every command to the real git.
    const realGit = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
    const bin = tempDir('aip-oldgit-');
    write(bin, 'git', `#!/bin/sh\n[ "$1" = version ] && { echo 'git version 2.20.1'; exit 0; }\nexec '${realGit}' "$@"\n`);
    sh(bin, 'chmod', '+x', 'git');
    const dir = clone(server(), ANN, { install: false });
    const r = spawnSync(process.execPath, [cliBundle().cli, 'install'], { cwd: dir, env: { ...env(dir), PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n').filter((l) => /git 2\.20/.test(l)), ['warning: git 2.20.1 is older than 2.24, which ai-provenance needs to share notes on git push and fetch']);
    assert.doesNotMatch(okCli(dir, 'install'), /older than/);
  });

  it('a rebase in a clone whose only notes are fetched ones keeps a teammate\'s AI lines (refs loose or packed)', () => {
    for (const packed of [false, true]) {
      const bare = server();
      const ann = clone(bare, ANN);
      const bob = clone(bare, BOB);
      git(ann, 'switch', '-qc', 'feature');
      aiCommit(ann, 'src/ann.ts', lines(3, 'ann'), '1-2', 'claude-code', 'ann: ai');
      const push = run(ann, 'git', ['push', '-q', 'origin', 'feature']);
      assert.equal(push.status, 0, push.stderr);
      git(bob, 'fetch', '-q');
      git(bob, 'switch', '-q', 'feature');
      git(bob, 'switch', '-q', 'main');
      write(bob, 'src/bob.ts', lines(2, 'bob'));
      git(bob, 'add', '.');
      git(bob, 'commit', '-qm', 'bob: by hand');
      git(bob, 'switch', '-q', 'feature');
      assert.equal(run(bob, 'git', ['rev-parse', '-q', '--verify', NOTES_REF]).status, 1, 'Bob has only the fetched notes');
      if (packed) git(bob, 'pack-refs', '--all');
      const r = run(bob, 'git', ['rebase', '-q', 'main']);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(aiBlame(bob, 'src/ann.ts'), ['1:claude-code', '2:claude-code'], packed ? 'packed refs' : 'loose refs');
    }
  });

  it('an amend of a teammate\'s commit whose only note is a fetched one keeps its AI lines (with or without notes of the clone\'s own)', () => {
    for (const ownNotes of [false, true]) {
      const bare = server();
      const ann = clone(bare, ANN);
      const bob = clone(bare, BOB);
      if (ownNotes) {
        aiCommit(bob, 'src/bob.ts', lines(2, 'bob'), '1', 'copilot', 'bob: ai');
        git(bob, 'push', '-q', 'origin', 'main');
        git(ann, 'pull', '-q');
      }
      git(ann, 'switch', '-qc', 'feature');
      const annCommit = aiCommit(ann, 'src/ann.ts', lines(3, 'ann'), '1-2', 'claude-code', 'ann: ai');
      const push = run(ann, 'git', ['push', '-q', 'origin', 'feature']);
      assert.equal(push.status, 0, push.stderr);
      git(bob, 'fetch', '-q');
      git(bob, 'switch', '-q', 'feature');
      assert.equal(noteOn(bob, NOTES_REF, annCommit), undefined, 'Bob has Ann\'s note only as a fetched one');
      // Bob fixes the message, and then a line of his own below Ann's.
      git(bob, 'commit', '-q', '--amend', '-m', 'ann: ai, message fixed');
      assert.deepEqual(aiBlame(bob, 'src/ann.ts'), ['1:claude-code', '2:claude-code'], ownNotes ? 'with own notes' : 'fetched notes only');
      write(bob, 'src/ann.ts', `${lines(3, 'ann')}bob's line\n`);
      git(bob, 'commit', '-q', '--amend', '-am', 'ann: ai, and a line by Bob');
      assert.deepEqual(aiBlame(bob, 'src/ann.ts'), ['1:claude-code', '2:claude-code'], ownNotes ? 'with own notes' : 'fetched notes only');
    }
  });

  it('git pull naming the remote and branch brings the notes too (the pull\'s fetch names no notes refspec); a person\'s commit still starts no process for it', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const bob = clone(bare, BOB);
    const annCommit = aiCommit(ann, 'src/ann.ts', lines(3, 'ann'), '1-2', 'claude-code', 'ann: ai');
    git(ann, 'push', '-q', 'origin', 'main');
    for (const args of [['--no-rebase'], ['--rebase']]) {
      const pulled = run(bob, 'git', ['pull', '-q', ...args, 'origin', 'main']);
      assert.equal(pulled.status, 0, pulled.stderr);
      assert.deepEqual(pulled.stderr.split('\n').filter((l) => l.startsWith('ai-provenance')), []);
      assert.ok(noteOn(bob, 'refs/notes/remotes/origin/ai-provenance', annCommit), `git pull ${args.join(' ')} origin main fetched the notes`);
      assert.deepEqual(aiBlame(bob, 'src/ann.ts'), ['1:claude-code', '2:claude-code']);
      git(bob, 'update-ref', '-d', 'refs/notes/remotes/origin/ai-provenance');
      git(bob, 'reset', '-q', '--hard', 'HEAD~1');
      git(bob, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    }
    takeNodeStarts();
    personCommitStartsNothing(bob);
    assert.deepEqual(takeNodeStarts(), [], 'no Node started by a hook');
  });

  it('git pull --rebase naming the branch starts no process per rebased commit in the reference-transaction hook', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const bob = clone(bare, BOB);
    aiCommit(ann, 'src/ann.ts', lines(3, 'ann'), '1-2', 'claude-code', 'ann: ai');
    git(ann, 'push', '-q', 'origin', 'main');
    for (let i = 0; i < 6; i++) aiCommit(bob, `src/bob${i}.ts`, lines(2, 'bob'), '1', 'codex', `bob ${i}`);
    // Every cat any hook starts, counted by a stand-in first on PATH (git's own exec dir holds no cat).
    const shims = tempDir('aip-shims-');
    const log = path.join(shims, 'cat.log');
    write(shims, 'cat', `#!/bin/sh\necho "$GIT_REFLOG_ACTION" >> '${log}'\nexec /bin/cat "$@"\n`);
    sh(shims, 'chmod', '+x', 'cat');
    const pulled = spawnSync('git', ['pull', '-q', '--rebase', 'origin', 'main'], { cwd: bob, env: { ...env(bob), PATH: `${shims}:${process.env.PATH}` }, encoding: 'utf8' });
    assert.equal(pulled.status, 0, pulled.stderr);
    assert.equal(git(bob, 'rev-list', '--count', 'origin/main..HEAD').trim(), '6');
    assert.deepEqual(aiBlame(bob, 'src/bob5.ts'), ['1:codex'], 'the rebased commits keep their notes');
    const cats = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0;
    // The remote-tracking branch's move reads its input once, post-rewrite once; never once per rebased commit.
    assert.ok(cats < 6, `${cats} cat processes for 6 rebased commits`);
  });

  it('two people push AI lines to one branch in turn and, after pulling, every clone shows both with the right agents', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const bob = clone(bare, BOB);
    const annCommit = aiCommit(ann, 'src/ann.ts', lines(3, 'ann'), '1-2', 'claude-code', 'ann: ai');
    const push = run(ann, 'git', ['push', '-q', 'origin', 'main']);
    assert.equal(push.status, 0, push.stderr);
    assert.match(push.stderr, /^ai-provenance: pushed the notes of 1 commit to origin$/m);
    assert.ok(noteOn(bare, NOTES_REF, annCommit), 'the server has the note of the pushed commit');

    git(bob, 'pull', '-q');
    // Fetched, not merged yet: the tracking ref has it, the clone's own ref does not, and blame already shows it.
    assert.ok(noteOn(bob, 'refs/notes/remotes/origin/ai-provenance', annCommit));
    assert.equal(noteOn(bob, NOTES_REF, annCommit), undefined);
    assert.deepEqual(aiBlame(bob, 'src/ann.ts'), ['1:claude-code', '2:claude-code']);
    const checked = JSON.parse(okCli(bob, 'check', `${annCommit}^!`, '--format', 'json').toString()) as { notesRef: boolean; commits: { source: string; files: { path: string; aiLines: number }[] }[] };
    assert.equal(checked.notesRef, true);
    assert.deepEqual(checked.commits.map((c) => [c.source, c.files.map((f) => [f.path, f.aiLines])]), [['note', [['src/ann.ts', 2]]]]);
    const stats = JSON.parse(okCli(bob, 'stats', '--format', 'json')) as { notesRef: boolean; withNote: number; byAgent: { agent: string; ai: number }[] };
    assert.deepEqual([stats.notesRef, stats.withNote, stats.byAgent.map((a) => [a.agent, a.ai])], [true, 1, [['claude-code', 2]]]);

    const bobCommit = aiCommit(bob, 'src/bob.ts', lines(2, 'bob'), '2', 'copilot', 'bob: ai');
    git(bob, 'push', '-q', 'origin', 'main');
    git(ann, 'pull', '-q');
    for (const dir of [ann, bob]) {
      assert.deepEqual(aiBlame(dir, 'src/ann.ts'), ['1:claude-code', '2:claude-code']);
      assert.deepEqual(aiBlame(dir, 'src/bob.ts'), ['2:copilot']);
    }
    assert.ok(noteOn(bare, NOTES_REF, annCommit) && noteOn(bare, NOTES_REF, bobCommit));
    // Bob's push joined Ann's notes into his own ref; the notes commits carry each person's identity.
    assert.ok(noteOn(bob, NOTES_REF, annCommit));
    const authors = git(bare, 'log', '--format=%an <%ae>', NOTES_REF).split('\n').filter(Boolean);
    assert.ok(authors.includes('Ann Author <ann@example.com>') && authors.includes('Bob Builder <bob@example.com>'), authors.join(', '));
    // A third clone sees everything after a plain clone + install + fetch.
    const carl = clone(bare, { name: 'Carl', email: 'carl@example.com' });
    git(carl, 'fetch', '-q', 'origin');
    assert.deepEqual(aiBlame(carl, 'src/ann.ts'), ['1:claude-code', '2:claude-code']);
    assert.deepEqual(aiBlame(carl, 'src/bob.ts'), ['2:copilot']);
  });

  it('publishes only the notes of pushed commits, not those of commits that stay local', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const pushed = aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'pushed');
    git(ann, 'checkout', '-qb', 'private');
    const local = aiCommit(ann, 'b.ts', lines(2), '1', 'codex', 'local only');
    git(ann, 'push', '-q', 'origin', 'main');
    assert.ok(noteOn(bare, NOTES_REF, pushed));
    assert.equal(noteOn(bare, NOTES_REF, local), undefined);
    assert.ok(noteOn(ann, NOTES_REF, local), 'the local note stays');
  });

  it('publishes nothing on git push --dry-run (or -n), which sends nothing either', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const commit = aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'not yet');
    git(ann, 'push', '-q', '--dry-run', 'origin', 'main');
    git(ann, 'push', '-q', '-n', 'origin', 'main');
    assert.equal(noteOn(bare, NOTES_REF, commit), undefined);
    git(ann, 'push', '-q', 'origin', 'main');
    assert.ok(noteOn(bare, NOTES_REF, commit), 'the real push publishes it');
  });

  it('joins two notes written on the same commit in two clones instead of keeping one', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const bob = clone(bare, BOB);
    const base = git(ann, 'rev-parse', 'HEAD').trim();
    git(ann, 'notes', `--ref=${NOTES_REF}`, 'add', '-m', trace(base, 'src/shared.ts', 1, 2, 'claude-code', 'a'), base);
    git(bob, 'notes', `--ref=${NOTES_REF}`, 'add', '-m', trace(base, 'src/shared.ts', 2, 3, 'copilot', 'b'), base);
    assert.match(okCli(ann, 'sync'), /^pushed the notes of 1 commit to origin$/m);
    const out = okCli(bob, 'sync');
    assert.match(out, /^joined origin's notes into refs\/notes\/ai-provenance: 0 new, 1 joined record by record$/m);
    assert.match(out, /^pushed the notes of 1 commit to origin$/m);
    okCli(ann, 'sync');
    for (const dir of [ann, bob]) {
      const shown = JSON.parse(okCli(dir, 'blame', 'src/shared.ts', '--json')) as BlameLine[];
      assert.deepEqual(shown.filter((l) => l.kind !== 'human').map((l) => l.line), [1, 2, 3]);
      const note = JSON.parse(git(dir, 'notes', `--ref=${NOTES_REF}`, 'show', base)) as { files: { conversations: { ranges: { start_line: number; end_line: number }[] }[] }[] };
      // Both contributors of line 2 are kept.
      assert.deepEqual(note.files[0]!.conversations.map((c) => c.ranges.map((r) => [r.start_line, r.end_line])), [[[1, 2]], [[2, 3]]]);
    }
    assert.equal(git(ann, 'notes', `--ref=${NOTES_REF}`, 'show', base), git(bare, 'notes', `--ref=${NOTES_REF}`, 'show', base));
  });

  it('never replaces a note on the server it cannot join with, and keeps its own', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const bob = clone(bare, BOB);
    const base = git(ann, 'rev-parse', 'HEAD').trim();
    git(bob, 'notes', `--ref=${NOTES_REF}`, 'add', '-m', '{"not": "a trace record"', base);
    git(bob, 'push', '-q', 'origin', NOTES_REF);
    git(ann, 'notes', `--ref=${NOTES_REF}`, 'add', '-m', trace(base, 'src/shared.ts', 1, 1, 'codex', 'a'), base);
    const out = okCli(ann, 'sync');
    assert.match(out, /could not be joined/);
    assert.match(out, new RegExp(`^kept the remote's note of ${base.slice(0, 12)}: yours does not hold it`, 'm'));
    assert.equal(git(bare, 'notes', `--ref=${NOTES_REF}`, 'show', base), '{"not": "a trace record"\n');
    assert.match(git(ann, 'notes', `--ref=${NOTES_REF}`, 'show', base), /"codex"/);
  });

  it('answers a push race (the server\'s notes change between fetch and push) with fetch, join and retry, losing nothing', async () => {
    const { bare, ann, bob, annCommit, bobCommit } = twoPeoplePushed({ bobShares: true });
    const said: string[] = [];
    const r = await syncNotes(await discoverRepo(ann), {
      remote: 'origin',
      say: (l) => said.push(l),
      // Bob's notes reach the server between Ann's fetch and her push, once.
      beforePush: async (attempt) => {
        if (attempt !== 1) return;
        const other = aiCommit(bob, 'src/bob2.ts', lines(2), '1', 'cursor', 'bob again');
        git(bob, 'push', '-q', 'origin', 'main');
        said.push(`race ${other}`);
      },
    });
    assert.equal(r.attempts, 2, said.join('\n'));
    assert.ok(said.some((l) => /refused the notes \(they changed meanwhile\); fetching, joining and trying again/.test(l)), said.join('\n'));
    const bob2 = said.find((l) => l.startsWith('race '))!.slice(5);
    for (const c of [annCommit, bobCommit, bob2]) assert.ok(noteOn(bare, NOTES_REF, c), `the server keeps the note of ${c}`);
  });

  it('two clones pushing at once both end with their notes on the server', async () => {
    const { bare, ann, bob, annCommit: a, bobCommit: b } = twoPeoplePushed({ bobShares: false });
    const both = await Promise.all(
      [ann, bob].map(
        (dir) =>
          new Promise<number | null>((resolve) => {
            const p = spawn(process.execPath, [cliBundle().cli, 'sync'], { cwd: dir, env: env(dir), stdio: 'ignore' });
            p.on('close', resolve);
          }),
      ),
    );
    assert.deepEqual(both, [0, 0]);
    okCli(ann, 'sync');
    okCli(bob, 'sync');
    assert.ok(noteOn(bare, NOTES_REF, a) && noteOn(bare, NOTES_REF, b));
  });

  /** A clone by Bob whose fetch refspec `+refs/notes/*:refs/notes/*` overwrites our notes ref with the server's. */
  function overwritingClone(bare: string): string {
    const bob = clone(bare, BOB);
    git(bob, 'config', '--add', 'remote.origin.fetch', '+refs/notes/*:refs/notes/*');
    assert.match(okCli(bob, 'install'), /warning: origin: \+refs\/notes\/\*:refs\/notes\/\* makes git fetch overwrite refs\/notes\/ai-provenance; the notes it replaces are joined back.*where a pruning fetch \(--prune, fetch\.prune\) from a server without notes deletes the ref, it is put back within that fetch/);
    return bob;
  }

  /**
   * Runs git in `dir`; the `_hook …` arguments of each Node process it started (the hooks install wrote name their own
   * node), logged by a module every Node there loads first.
   */
  function hookNodeStarts(dir: string, args: string[], extra: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string; starts: string[] } {
    const log = path.join(tempDir('aip-node-log-'), 'starts.log');
    const spy = path.join(path.dirname(log), 'spy.js');
    writeFileSync(spy, `require('fs').appendFileSync(${JSON.stringify(log)}, process.argv.slice(2).join(' ') + '\\n');\n`);
    writeFileSync(log, '');
    const r = spawnSync('git', args, { cwd: dir, env: { ...env(dir), ...extra, NODE_OPTIONS: `--require ${spy}` }, encoding: 'utf8' });
    const starts = readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('_hook ')).map((l) => l.slice('_hook '.length));
    return { status: r.status, stderr: r.stderr, starts };
  }

  /** Ann's AI commit on the server, and Bob's AI commit not pushed yet in a clone with the overwriting refspec. */
  function behindAndAhead(): { bare: string; ann: string; bob: string; annCommit: string; local: string } {
    const bare = server();
    const ann = clone(bare, ANN);
    const bob = overwritingClone(bare);
    const annCommit = aiCommit(ann, 'ann.ts', lines(2), '1', 'claude-code', 'ann');
    git(ann, 'push', '-q', 'origin', 'main');
    const local = aiCommit(bob, 'bob.ts', lines(2), '2', 'copilot', 'bob, not pushed yet');
    return { bare, ann, bob, annCommit, local };
  }

  /** The `ai-provenance:` lines of a command's stderr. */
  function ourLines(stderr: string): string[] {
    return stderr.split('\n').filter((l) => l.startsWith('ai-provenance:'));
  }

  it('keeps the local notes of a clone whose fetch refspec +refs/notes/*:refs/notes/* overwrites them: a plain git fetch joins them back at once', () => {
    const { bare, ann, bob, annCommit, local } = behindAndAhead();
    const fetched = hookNodeStarts(bob, ['fetch', '-q', 'origin']);
    assert.equal(fetched.status, 0, fetched.stderr);
    // The user's refspec replaced the clone's notes ref with the server's, as git does; the hook joined the clone's back.
    assert.deepEqual(ourLines(fetched.stderr), [`ai-provenance: recovered ${NOTES_REF} as it was before a fetch overwrote it (${git(bob, 'rev-parse', `${NOTES_REF}^2`).trim().slice(0, 12)}); 1 note came back`]);
    assert.deepEqual(fetched.starts, ['reference-transaction fetch'], 'one Node start for the fetch');
    assert.ok(noteOn(bob, NOTES_REF, local), 'the local note is back right after the fetch');
    assert.ok(noteOn(bob, NOTES_REF, annCommit), 'and the fetched one is there too');
    assert.deepEqual(aiBlame(bob, 'bob.ts'), ['2:copilot']);
    git(bob, 'merge', '-q', 'origin/main');
    assert.deepEqual(aiBlame(bob, 'ann.ts'), ['1:claude-code']);
    // The notes commit is the user's own, a merge of the server's notes and the clone's.
    assert.equal(git(bob, 'log', '-1', '--format=%an <%ae>|%cn', NOTES_REF).trim(), 'Bob Builder <bob@example.com>|Bob Builder');
    assert.equal(git(bob, 'rev-parse', `${NOTES_REF}^1`).trim(), git(bare, 'rev-parse', NOTES_REF).trim());
    // Nothing is left for sync to join back; a plain git push publishes the note.
    assert.doesNotMatch(okCli(bob, 'sync'), /^recovered/m);
    git(bob, 'push', '-q', 'origin', 'main');
    assert.ok(noteOn(bare, NOTES_REF, local), 'the push published it');
    // Another fetch that brings a note overwrites the ref again, and the hook joins the clone's back again.
    const later = aiCommit(bob, 'bob2.ts', lines(2), '1', 'cursor', 'bob, later');
    const ann2 = aiCommit(ann, 'ann2.ts', lines(2), '1', 'claude-code', 'ann again');
    git(ann, 'pull', '-q', '--no-rebase');
    git(ann, 'push', '-q', 'origin', 'main');
    git(bob, 'fetch', '-q');
    assert.ok(noteOn(bob, NOTES_REF, later) && noteOn(bob, NOTES_REF, local) && noteOn(bob, NOTES_REF, ann2));
    git(bob, 'merge', '-q', 'origin/main');
    git(bob, 'push', '-q', 'origin', 'main');
    assert.ok(noteOn(bare, NOTES_REF, later), 'and the push published it');
  });

  it('joins the notes back after an atomic fetch of many refs, where the notes ref comes after the branches, and a reference-transaction hook of the user\'s gets every update', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const bob = clone(bare, BOB, { install: false, userHook: ['reference-transaction', '[ "$1" = committed ] || exit 0\ncat >> "$(git rev-parse --git-dir)/user-ref-updates.txt"'] });
    git(bob, 'config', '--add', 'remote.origin.fetch', '+refs/notes/*:refs/notes/*');
    okCli(bob, 'install');
    const local = aiCommit(bob, 'bob.ts', lines(2), '2', 'copilot', 'bob, not pushed yet');
    // 120 new branches on the server: the fetch's transaction names them before the notes ref, past what the hook's
    // first lines read one by one.
    const branches = Array.from({ length: 120 }, (_, i) => `create refs/heads/topic-${String(i).padStart(3, '0')} HEAD`).join('\n');
    execFileSync('git', ['update-ref', '--stdin'], { cwd: ann, input: `${branches}\n` });
    git(ann, 'push', '-q', 'origin', 'refs/heads/topic-*:refs/heads/topic-*');
    const annCommit = aiCommit(ann, 'ann.ts', lines(2), '1', 'claude-code', 'ann');
    git(ann, 'push', '-q', 'origin', 'main');
    rmSync(path.join(bob, '.git', 'user-ref-updates.txt'), { force: true });
    // --atomic: one transaction for every ref (a plain fetch makes one per ref).
    const fetched = hookNodeStarts(bob, ['fetch', '-q', '--atomic', 'origin']);
    assert.equal(fetched.status, 0, fetched.stderr);
    assert.deepEqual(fetched.starts, ['reference-transaction fetch'], 'one Node start for the fetch');
    assert.ok(noteOn(bob, NOTES_REF, local) && noteOn(bob, NOTES_REF, annCommit), 'both notes on the ref after the fetch');
    const updates = readFileSync(path.join(bob, '.git', 'user-ref-updates.txt'), 'utf8').split('\n').filter((l) => l !== '');
    const fetchUpdate = updates.filter((l) => / refs\/remotes\/origin\/topic-\d{3}$/.test(l));
    assert.equal(fetchUpdate.length, 120, 'the user\'s hook got every branch the fetch moved');
    assert.ok(updates.some((l) => l.endsWith(` ${NOTES_REF}`) && !/^0{40} /.test(l)), 'and the notes ref the fetch overwrote');
    assert.ok(updates.every((l) => /^[0-9a-f]{40} [0-9a-f]{40} refs\//.test(l)), `each update whole: ${updates.find((l) => !/^[0-9a-f]{40} [0-9a-f]{40} refs\//.test(l))}`);
  });

  it('keeps the local notes of a clone whose +refs/notes/* refspec a plain git pull applies, with the pulled notes beside them', () => {
    const { bare, bob, annCommit, local } = behindAndAhead();
    const pulled = run(bob, 'git', ['pull', '-q']);
    assert.equal(pulled.status, 0, pulled.stderr);
    assert.equal(ourLines(pulled.stderr).length, 1, pulled.stderr);
    assert.ok(noteOn(bob, NOTES_REF, local), 'the local note stays after git pull');
    assert.ok(noteOn(bob, NOTES_REF, annCommit), 'beside the pulled one');
    assert.deepEqual(aiBlame(bob, 'bob.ts'), ['2:copilot']);
    assert.deepEqual(aiBlame(bob, 'ann.ts'), ['1:claude-code']);
    assert.doesNotMatch(okCli(bob, 'sync'), /^recovered/m);
    git(bob, 'push', '-q', 'origin', 'main');
    assert.ok(noteOn(bare, NOTES_REF, local) && noteOn(bare, NOTES_REF, annCommit), 'the push published both');
  });

  it('a clone with a +refs/notes/* refspec starts Node only for a fetch that overwrote its notes: not for an AI commit\'s note, nor a fetch that leaves the notes ref alone', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const bob = overwritingClone(bare);
    aiCommit(ann, 'ann.ts', lines(2), '1', 'claude-code', 'ann');
    git(ann, 'push', '-q', 'origin', 'main');
    // The first fetch creates the clone's notes ref: nothing to join back.
    let r = hookNodeStarts(bob, ['pull', '-q']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.starts, []);
    // A fetch that moves a branch and not the notes (the clone's are the server's) starts nothing.
    write(ann, 'person.txt', 'by hand\n');
    git(ann, 'add', 'person.txt');
    git(ann, 'commit', '-qm', 'by hand');
    git(ann, 'push', '-q', 'origin', 'main');
    const trace = path.join(bob, '.git', 'fetch-trace.log');
    r = hookNodeStarts(bob, ['fetch', '-q'], { GIT_TRACE: trace });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(readFileSync(trace, 'utf8').includes('run_command: .git/hooks/reference-transaction'), 'the hook ran');
    assert.deepEqual(r.starts, [], 'no Node for a fetch that left the notes ref alone');
    assert.deepEqual(ourLines(r.stderr), []);
    // A fetch that fast-forwards the clone's notes ref (a teammate's new note on top) replaced nothing: no Node.
    const ann1 = aiCommit(ann, 'ann1.ts', lines(2), '1', 'claude-code', 'ann, first');
    git(ann, 'push', '-q', 'origin', 'main');
    r = hookNodeStarts(bob, ['fetch', '-q']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.starts, [], 'no Node for a fetch that fast-forwarded the notes ref');
    assert.equal(git(bob, 'reflog', '-1', '--format=%gs', NOTES_REF).trim(), 'fetch -q: fast-forward');
    assert.ok(noteOn(bob, NOTES_REF, ann1));
    git(bob, 'merge', '-q', 'origin/main');
    // The AI commit's note is written by post-commit's shell: Node starts once, in prepare-commit-msg.
    write(bob, 'bob.ts', lines(2));
    okCli(bob, 'record', '--agent', 'copilot', 'bob.ts:1');
    git(bob, 'add', 'bob.ts');
    r = hookNodeStarts(bob, ['commit', '-qm', 'bob']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.starts, ['prepare-commit-msg .git/COMMIT_EDITMSG message']);
    const bobCommit = git(bob, 'rev-parse', 'HEAD').trim();
    assert.ok(noteOn(bob, NOTES_REF, bobCommit), 'the commit is noted');
    // A note of Ann's makes the next fetch overwrite Bob's ref: one Node start, and nothing is lost.
    const ann2 = aiCommit(ann, 'ann2.ts', lines(2), '1', 'claude-code', 'ann again');
    git(ann, 'push', '-q', 'origin', 'main');
    const later = aiCommit(bob, 'bob2.ts', lines(2), '1', 'cursor', 'bob, later');
    r = hookNodeStarts(bob, ['fetch', '-q']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.starts, ['reference-transaction fetch']);
    assert.ok(noteOn(bob, NOTES_REF, bobCommit) && noteOn(bob, NOTES_REF, later) && noteOn(bob, NOTES_REF, ann2));
    // Once Bob's notes are all published, a fetch still forces his ref to the server's notes commit, which holds the
    // same notes: git alone puts his back, no Node.
    git(bob, 'merge', '-q', 'origin/main');
    git(bob, 'push', '-q', 'origin', 'main');
    const published = git(bob, 'rev-parse', NOTES_REF).trim();
    assert.notEqual(published, git(bare, 'rev-parse', NOTES_REF).trim(), 'the clone\'s notes commit is not the server\'s');
    git(ann, 'pull', '-q');
    write(ann, 'person.txt', 'by hand, again\n');
    git(ann, 'commit', '-qam', 'by hand again');
    git(ann, 'push', '-q', 'origin', 'main');
    r = hookNodeStarts(bob, ['fetch', '-q']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.starts, [], 'no Node for a fetch that brought back the same notes');
    assert.deepEqual(ourLines(r.stderr), []);
    assert.equal(git(bob, 'rev-parse', NOTES_REF).trim(), published);
    assert.match(git(bob, 'reflog', '-1', '--format=%gs', NOTES_REF), /^Notes a fetch had overwritten, joined back by 'ai-provenance' after a fetch$/m);
  });

  it('a fetch whose join back fails goes through with one line, and the next sync joins the notes back', () => {
    const { bob, local } = behindAndAhead();
    // No identity for the notes commit: git refuses to make it.
    const fetched = spawnSync('git', ['-c', 'user.useConfigOnly=true', 'fetch', '-q'], { cwd: bob, env: { ...env(bob), GIT_COMMITTER_NAME: '', GIT_AUTHOR_NAME: '' }, encoding: 'utf8' });
    assert.equal(fetched.status, 0, fetched.stderr);
    const said = ourLines(fetched.stderr);
    assert.equal(said.length, 1, fetched.stderr);
    assert.match(said[0]!, /^ai-provenance: the notes this fetch replaced on refs\/notes\/ai-provenance were not joined back \(.*\); the next push or 'ai-provenance sync' does it$/);
    assert.equal(noteOn(bob, NOTES_REF, local), undefined);
    assert.match(okCli(bob, 'sync'), /^recovered refs\/notes\/ai-provenance as it was before a fetch overwrote it/m);
    assert.ok(noteOn(bob, NOTES_REF, local), 'the local note is back');
  });

  /** What the clone's notes ref names, or undefined where there is none. */
  function notesAt(dir: string): string | undefined {
    const r = run(dir, 'git', ['rev-parse', '-q', '--verify', NOTES_REF]);
    return r.status === 0 ? r.stdout.trim() : undefined;
  }

  /** Files the reference-transaction hook keeps about a deletion of the notes ref, left in the common git dir. */
  function deletionFiles(dir: string): string[] {
    return readdirSync(path.join(dir, '.git', 'ai-provenance')).filter((f) => f.startsWith(DELETED_NOTES_FILE));
  }

  it('keeps the notes ref of a clone with a +refs/notes/* refspec through a pruning fetch from a server without notes, with no Node start; a deliberate git update-ref -d still deletes it', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const bob = overwritingClone(bare);
    const local = aiCommit(bob, 'bob.ts', lines(2), '2', 'copilot', 'bob, not pushed yet');
    const held = notesAt(bob)!;
    const putBack = restoredNotesLine(held.slice(0, 12));
    // The server has no notes: git deletes the clone's notes ref and its reflog; the hook puts the ref back within the fetch.
    let r = hookNodeStarts(bob, ['fetch', '-q', '--prune', 'origin']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(notesAt(bob), held, 'the notes ref is there after the fetch');
    assert.ok(noteOn(bob, NOTES_REF, local), 'and its note');
    assert.deepEqual(ourLines(r.stderr), [putBack]);
    assert.deepEqual(r.starts, [], 'no Node start');
    assert.deepEqual(aiBlame(bob, 'bob.ts'), ['2:copilot']);
    assert.equal(git(bob, 'reflog', '-1', '--format=%gs', NOTES_REF).trim(), RESTORED_NOTES_MESSAGE);
    assert.deepEqual(deletionFiles(bob), []);
    // A packed ref (git 2.39 deletes it from packed-refs, then the loose ref, each step a transaction of its own),
    // pruned through fetch.prune by the fetch of a git pull.
    git(bob, 'pack-refs', '--all');
    git(bob, 'config', 'fetch.prune', 'true');
    r = hookNodeStarts(bob, ['pull', '-q']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(ourLines(r.stderr), [putBack], 'said once, though git 2.39 deletes a packed ref in two steps');
    assert.deepEqual(r.starts, []);
    assert.equal(notesAt(bob), held);
    assert.deepEqual(deletionFiles(bob), []);
    // From a linked worktree, whose git dir names the common one.
    const linked = path.join(path.dirname(bob), 'linked');
    git(bob, 'worktree', 'add', '-q', linked);
    who.set(linked, BOB);
    r = hookNodeStarts(linked, ['fetch', '-q']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(ourLines(r.stderr), [putBack]);
    assert.equal(notesAt(bob), held);
    assert.deepEqual(aiBlame(bob, 'bob.ts'), ['2:copilot']);
    // Once the server has notes, the pruning fetch overwrites the ref as before, and the hook joins Bob's back as before.
    const annCommit = aiCommit(ann, 'ann.ts', lines(2), '1', 'claude-code', 'ann');
    git(ann, 'push', '-q', 'origin', 'main');
    r = hookNodeStarts(bob, ['fetch', '-q']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.starts, ['reference-transaction fetch']);
    assert.ok(noteOn(bob, NOTES_REF, local) && noteOn(bob, NOTES_REF, annCommit), 'both notes after the fetch');
    // A deletion that is no fetch's is the user's to make: the ref goes, and one line names what it held.
    const now = notesAt(bob)!;
    r = hookNodeStarts(bob, ['update-ref', '-d', NOTES_REF]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(notesAt(bob), undefined);
    assert.deepEqual(ourLines(r.stderr), [deletedNotesLine(now)]);
    assert.deepEqual(r.starts, []);
    assert.deepEqual(deletionFiles(bob), []);
    // A later fetch has nothing to put back.
    r = hookNodeStarts(bob, ['fetch', '-q']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(ourLines(r.stderr), []);
    assert.equal(notesAt(bob), git(bare, 'rev-parse', NOTES_REF).trim(), 'the server\'s notes, as the refspec fetches them');
  });

  it('puts the notes ref back when a pruning fetch deletes it after 100 other refs, ref by ref or in one atomic transaction', () => {
    const bare = server();
    const bob = overwritingClone(bare);
    const local = aiCommit(bob, 'bob.ts', lines(2), '2', 'copilot', 'bob, not pushed yet');
    const held = notesAt(bob)!;
    for (const args of [['fetch', '-q', '--prune'], ['fetch', '-q', '--prune', '--atomic']]) {
      // Notes refs the server does not have either, named before ours: the transaction that deletes them all names
      // ours past the lines the wrapper reads one by one.
      const others = Array.from({ length: 100 }, (_, i) => `create refs/notes/a-${String(i).padStart(3, '0')} ${held}\n`).join('');
      execFileSync('git', ['update-ref', '--stdin'], { cwd: bob, env: env(bob), input: others });
      // Packed: git 2.39 takes them all out of packed-refs in one transaction first, then each loose ref in one of its own.
      git(bob, 'pack-refs', '--all');
      const r = hookNodeStarts(bob, args);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(git(bob, 'for-each-ref', 'refs/notes/a-*'), '', 'the others are pruned');
      assert.equal(notesAt(bob), held, args.join(' '));
      assert.ok(noteOn(bob, NOTES_REF, local));
      assert.deepEqual(ourLines(r.stderr), [restoredNotesLine(held.slice(0, 12))]);
      assert.deepEqual(r.starts, []);
      assert.deepEqual(deletionFiles(bob), []);
    }
  });

  it('hooks the previous version installed (before pruning fetches were undone) keep joining back what a fetch overwrote, with this CLI', () => {
    const { bob, annCommit, local } = behindAndAhead();
    installEarlierHooks(bob, '0.1.0-after-fetch');
    const r = hookNodeStarts(bob, ['fetch', '-q', 'origin']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.starts, ['reference-transaction fetch']);
    assert.ok(noteOn(bob, NOTES_REF, local) && noteOn(bob, NOTES_REF, annCommit), 'both notes after the fetch');
  });

  /** Whether anything on the server (its notes included) names `commit`. */
  function serverNames(bare: string, commit: string): boolean {
    return run(bare, 'git', ['rev-list', '--all', '--objects']).stdout.includes(commit) || noteOn(bare, NOTES_REF, commit) !== undefined;
  }

  /** A hook of the server's own: git runs it as it receives a push. */
  function serverHook(bare: string, name: 'pre-receive' | 'update', script: string): void {
    write(bare, `hooks/${name}`, `#!/bin/sh\n${script}\n`);
    sh(bare, 'chmod', '+x', `hooks/${name}`);
  }

  /** A pre-receive hook that refuses every push that updates a branch (a release freeze); notes refs are welcome. */
  function freezeBranches(bare: string): void {
    serverHook(bare, 'pre-receive', 'while read -r old new ref; do case $ref in refs/heads/*) echo "branches are frozen" >&2; exit 1 ;; esac; done\nexit 0');
  }

  /** An update hook that refuses the refs matching `pattern` (a protected branch), and takes every other ref. */
  function refuseRefs(bare: string, pattern: string, why: string): void {
    serverHook(bare, 'update', `case "$1" in ${pattern}) echo "$1 ${why}" >&2; exit 1 ;; esac\nexit 0`);
  }

  it('publishes no note of a commit the server refuses (its pre-receive hook says no), and publishes it with the next push the server takes', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    freezeBranches(bare);
    const c = aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'refused');
    const refused = run(ann, 'git', ['push', 'origin', 'main']);
    assert.notEqual(refused.status, 0, 'the server refused the push');
    assert.match(refused.stderr, /branches are frozen/);
    assert.doesNotMatch(refused.stderr, /^ai-provenance: pushed/m);
    assert.equal(serverNames(bare, c), false, 'nothing on the server names the refused commit, no note either');
    // The refused push left what it sent written down; a person's commit meanwhile still starts no process for it.
    assert.equal(pendingPushes(ann).length, 1);
    personCommitStartsNothing(ann);
    sh(bare, 'rm', 'hooks/pre-receive');
    const taken = run(ann, 'git', ['push', 'origin', 'main']);
    assert.equal(taken.status, 0, taken.stderr);
    assert.ok(noteOn(bare, NOTES_REF, c), 'the push the server took published the note');
    assert.match(taken.stderr, /^ai-provenance: pushed the notes of 1 commit to origin$/m);
    assert.deepEqual(pendingPushes(ann), [], 'nothing left waiting, not even what the refused push wrote');
  });

  /** The pending files pushes of `dir` left for their reference-transaction hook. */
  function pendingPushes(dir: string): string[] {
    return readdirSync(path.join(dir, '.git')).filter((n) => n.startsWith('ai-provenance-push'));
  }

  /** Waits (without a time limit of its own: mocha's holds) until `file` exists, or fails once `gone` says the process that should write it ended. */
  async function waitFor(file: string, gone: () => string | undefined): Promise<void> {
    while (!existsSync(file)) {
      const why = gone();
      if (why !== undefined) assert.fail(why);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('two git pushes at once in one clone both publish their notes: the one the server holds back keeps what it sent', async () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const gate = tempDir('aip-gate-');
    // The server holds the push of branch slow in its pre-receive hook until the test lets it go.
    serverHook(bare, 'pre-receive', `if grep -q ' refs/heads/slow$'; then : > '${gate}/held'; while [ ! -f '${gate}/go' ]; do sleep 0.05; done; fi\nexit 0`);
    git(ann, 'checkout', '-qb', 'slow');
    const slow = aiCommit(ann, 'slow.ts', lines(2), '1', 'codex', 'slow');
    git(ann, 'checkout', '-q', 'main');
    git(ann, 'checkout', '-qb', 'fast');
    const fast = aiCommit(ann, 'fast.ts', lines(2), '2', 'cursor', 'fast');
    const first = spawn('git', ['push', 'origin', 'slow'], { cwd: ann, env: env(ann) });
    let firstErr = '';
    first.stderr.on('data', (d: Buffer) => (firstErr += d.toString()));
    const firstDone = new Promise<number | null>((resolve) => first.on('close', resolve));
    let ended: number | null | undefined;
    void firstDone.then((code) => (ended = code));
    await waitFor(path.join(gate, 'held'), () => (ended !== undefined ? `the first push ended before the server held it: ${firstErr}` : undefined));
    // The first push's pre-push has run and it waits for the server; the second runs from start to end meanwhile.
    const second = run(ann, 'git', ['push', 'origin', 'fast']);
    assert.equal(second.status, 0, second.stderr);
    assert.ok(noteOn(bare, NOTES_REF, fast), 'the second push published its note');
    writeFileSync(path.join(gate, 'go'), '');
    assert.equal(await firstDone, 0, firstErr);
    assert.equal(git(bare, 'rev-parse', 'slow').trim(), slow);
    assert.ok(noteOn(bare, NOTES_REF, slow), `the first push published its note too: ${firstErr}`);
    assert.match(firstErr, /^ai-provenance: pushed the notes of 1 commit to origin$/m);
    assert.deepEqual(pendingPushes(ann), [], 'nothing left waiting');
  });

  it('a pending file an earlier process of the same pid left is dropped by the git that now has that pid, which publishes nothing for it', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const bob = clone(bare, BOB);
    const c = aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'never pushed');
    aiCommit(bob, 'b.ts', lines(2), '1', 'cursor', 'bob');
    git(bob, 'push', '-q', '--no-verify', 'origin', 'main');
    // exec keeps the shell's pid: the git fetch meets a file a push of that pid would have left.
    const r = run(ann, 'sh', ['-c', `printf '%s origin\n%s refs/heads/main\n' "$$" ${c} > .git/ai-provenance-push.$$; exec git fetch -q origin`]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(pendingPushes(ann), []);
    assert.equal(serverNames(bare, c), false);
  });

  it('hooks the previous version installed (one pending file for every push) keep publishing a push\'s notes within it with this CLI', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    installEarlierHooks(ann, '0.1.0-after-push');
    const c = aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'old hooks');
    const r = run(ann, 'git', ['push', 'origin', 'main']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^ai-provenance: pushed the notes of 1 commit to origin$/m);
    assert.ok(noteOn(bare, NOTES_REF, c), 'published within the push');
    assert.deepEqual(pendingPushes(ann), []);
  });

  it('a push never sends the clone\'s notes history: the note of a commit that stays local, taken back by hand, stays in the clone', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    /** Whether any notes commit the server has ever held a note for `commit`. */
    const everNoted = (commit: string): boolean =>
      git(bare, 'log', '--format=%H', NOTES_REF)
        .trim()
        .split('\n')
        .some((c) => git(bare, 'ls-tree', '-r', '--name-only', c).replace(/\//g, '').includes(commit));
    /** An AI commit on a branch of its own that stays local, its note then removed as git notes lets anyone do. */
    const takenBack = (branch: string): string => {
      git(ann, 'checkout', '-qb', branch);
      const c = aiCommit(ann, `${branch}.ts`, lines(2), '1', 'codex', branch);
      git(ann, 'notes', `--ref=${NOTES_REF}`, 'remove', c);
      git(ann, 'checkout', '-q', 'main');
      return c;
    };
    const push = (...refs: string[]): void => {
      const r = run(ann, 'git', ['push', 'origin', ...refs]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /^ai-provenance: pushed the notes of/m);
    };
    aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'first');
    push('main');
    // One branch pushed, only new notes: the hook's shell pushes the notes itself.
    const secret = takenBack('secret');
    const second = aiCommit(ann, 'b.ts', lines(2), '1', 'codex', 'second');
    push('main');
    assert.ok(noteOn(bare, NOTES_REF, second));
    assert.equal(everNoted(secret), false, 'no note of the commit that stayed local in any notes commit the server has');
    // Two branches in one push: Node publishes, from the notes as last seen.
    const secret2 = takenBack('secret2');
    const third = aiCommit(ann, 'c.ts', lines(2), '1', 'codex', 'third');
    git(ann, 'checkout', '-qb', 'other');
    const fourth = aiCommit(ann, 'd.ts', lines(2), '1', 'codex', 'fourth');
    git(ann, 'checkout', '-q', 'main');
    push('main', 'other');
    assert.ok(noteOn(bare, NOTES_REF, third) && noteOn(bare, NOTES_REF, fourth));
    assert.equal(everNoted(secret2), false, 'nor when Node publishes');
    assert.equal(everNoted(secret), false);
  });

  it('a push whose notes are only new ones of the pushed commits publishes them without starting Node; local notes, a server whose notes moved, go through Node', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const bob = clone(bare, BOB);
    // The node the hooks start is the one that logs each start.
    const { node, log } = cliBundle();
    const hook = path.join(ann, '.git', 'hooks', 'reference-transaction');
    writeFileSync(hook, readFileSync(hook, 'utf8').replace(/^AI_PROVENANCE_NODE=.*$/m, `AI_PROVENANCE_NODE='${node}'`));
    const starts = (): number => readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('_hook reference-transaction')).length;
    const trace = path.join(ann, '.git', 'trace.log');
    // Every cat a hook starts, counted by a stand-in first on PATH (git's own exec dir holds no cat).
    const shims = tempDir('aip-shims-');
    const cats = path.join(shims, 'cat.log');
    write(shims, 'cat', `#!/bin/sh\necho cat >> '${cats}'\nexec /bin/cat "$@"\n`);
    sh(shims, 'chmod', '+x', 'cat');
    const push = (): string => {
      writeFileSync(trace, '');
      writeFileSync(cats, '');
      const r = spawnSync('git', ['push', 'origin', 'main'], { cwd: ann, env: { ...env(ann), GIT_TRACE: trace, PATH: `${shims}:${process.env.PATH}` }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stderr.split('\n').filter((l) => l.startsWith('ai-provenance:')).join('\n');
    };
    const notesPushes = (): number => (readFileSync(trace, 'utf8').match(/ trace: built-in: git push --no-verify /g) ?? []).length;
    /** The git commands the push's hooks started (the server's receive-pack and what it starts left out), and their cats. */
    const hookProcesses = (): string[] => {
      const commands = readFileSync(trace, 'utf8').split('\n').flatMap((l) => / trace: built-in: git ([a-z-]+)/.exec(l)?.[1] ?? []);
      const server = new Set(['receive-pack', 'pack-objects', 'unpack-objects', 'index-pack', 'rev-list', 'for-each-ref', 'gc']);
      // The notes push's own rev-list is the server's; ours is the one before commit-tree.
      const ours = commands.slice(1).filter((c, i, all) => !server.has(c) || (c === 'rev-list' && all[i + 1] === 'commit-tree'));
      return [...ours, ...readFileSync(cats, 'utf8').split('\n').filter(Boolean)];
    };
    const first = aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'first');
    assert.equal(push(), 'ai-provenance: pushed the notes of 1 commit to origin');
    assert.ok(noteOn(bare, NOTES_REF, first));
    let before = starts();
    // Refs packed (as git gc leaves them): the shell asks git for them.
    git(ann, 'pack-refs', '--all');
    const second = aiCommit(ann, 'b.ts', lines(2), '1', 'codex', 'second');
    const third = aiCommit(ann, 'c.ts', lines(2), '2', 'cursor', 'third');
    assert.equal(push(), 'ai-provenance: pushed the notes of 2 commits to origin');
    assert.equal(notesPushes(), 1);
    // pre-push: the remote's fetch refspecs and git's version; the notes push: the packed tracking ref, what it needs
    // and the push itself. No cat: the hooks read their input with shell builtins.
    assert.deepEqual(hookProcesses(), ['config', 'version', 'rev-parse', 'diff-tree', 'rev-list', 'commit-tree', 'push'], readFileSync(trace, 'utf8'));
    assert.ok(noteOn(bare, NOTES_REF, second) && noteOn(bare, NOTES_REF, third));
    assert.equal(starts(), before, 'no Node start');
    assert.equal(git(ann, 'rev-parse', 'refs/notes/remotes/origin/ai-provenance'), git(bare, 'rev-parse', NOTES_REF), 'the tracking ref holds what the server has');
    assert.equal(git(ann, 'rev-parse', `${NOTES_REF}^{tree}`), git(bare, 'rev-parse', `${NOTES_REF}^{tree}`), 'the clone has the notes the server has');
    write(ann, 'human.txt', 'typed\n');
    git(ann, 'add', 'human.txt');
    git(ann, 'commit', '-qm', 'by hand');
    assert.equal(push(), '', 'nothing to publish, nothing said');
    assert.equal(starts(), before, 'no Node start for a push with no new note');
    assert.deepEqual(pendingPushes(ann), []);
    // Bob's notes reach the server after Ann last saw its notes: her notes commit is no fast-forward any more.
    git(bob, 'pull', '-q');
    const bobs = aiCommit(bob, 'e.ts', lines(2), '2', 'copilot', 'bob');
    git(bob, 'push', '-q', 'origin', 'main');
    assert.ok(noteOn(bare, NOTES_REF, bobs));
    // A fetch of the branch alone (a named pull would bring the notes too): Ann's view of the server's notes is old.
    git(ann, 'fetch', '-q', 'origin', 'main');
    git(ann, 'merge', '-q', '--no-edit', 'FETCH_HEAD');
    const fourth = aiCommit(ann, 'd.ts', lines(2), '1', 'codex', 'fourth');
    assert.equal(push(), 'ai-provenance: pushed the notes of 1 commit to origin');
    // The server refused the shell's push; Node fetched and joined before its own, which went through.
    assert.equal(notesPushes(), 2, readFileSync(trace, 'utf8'));
    // A note of a commit that stays local: Node publishes the others only.
    git(ann, 'checkout', '-qb', 'private');
    const local = aiCommit(ann, 'p.ts', lines(2), '1', 'codex', 'local only');
    git(ann, 'checkout', '-q', 'main');
    const fifth = aiCommit(ann, 'f.ts', lines(2), '1', 'codex', 'fifth');
    before = starts();
    assert.equal(push(), 'ai-provenance: pushed the notes of 1 commit to origin');
    assert.ok(starts() > before, 'Node chose what to publish');
    assert.ok(noteOn(bare, NOTES_REF, fifth));
    assert.equal(noteOn(bare, NOTES_REF, local), undefined, 'the local commit\'s note stays local');
    for (const c of [first, second, third, fourth, bobs, fifth]) assert.ok(noteOn(bare, NOTES_REF, c), `the server keeps the note of ${c}`);
    assert.equal(noteOn(bare, NOTES_REF, local), undefined);
    assert.match(git(bare, 'log', '-1', '--format=%an', NOTES_REF), /Ann Author/, 'her identity on the notes commit');
  });

  for (const overwriting of [false, true]) {
    it(`after pushes whose notes went without Node (the clone's notes commit unlinked to the server's), a teammate's push, plain pulls and sync lose no note in either clone${overwriting ? ' (fetch refspec +refs/notes/*:refs/notes/*)' : ''}`, () => {
      const bare = server();
      const ann = clone(bare, ANN);
      const bob = clone(bare, BOB);
      if (overwriting) {
        git(ann, 'config', '--add', 'remote.origin.fetch', '+refs/notes/*:refs/notes/*');
        okCli(ann, 'install');
      }
      const notesPushes = (r: { stderr: string }): string => r.stderr.split('\n').filter((l) => l.startsWith('ai-provenance:')).join('\n');
      const push = (dir: string): string => {
        const r = run(dir, 'git', ['push', 'origin', 'main']);
        assert.equal(r.status, 0, r.stderr);
        return notesPushes(r);
      };
      // The node the hooks start is the one that logs each start.
      const { node, log } = cliBundle();
      const hook = path.join(ann, '.git', 'hooks', 'reference-transaction');
      writeFileSync(hook, readFileSync(hook, 'utf8').replace(/^AI_PROVENANCE_NODE=.*$/m, `AI_PROVENANCE_NODE='${node}'`));
      const starts = (): number => readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('_hook reference-transaction')).length;
      const a1 = aiCommit(ann, 'a1.ts', lines(2), '1', 'claude-code', 'a1');
      assert.equal(push(ann), 'ai-provenance: pushed the notes of 1 commit to origin');
      const before = starts();
      const a2 = aiCommit(ann, 'a2.ts', lines(2), '2', 'claude-code', 'a2');
      assert.equal(push(ann), 'ai-provenance: pushed the notes of 1 commit to origin');
      assert.equal(starts(), before, 'the second push published its note without Node');
      // The server's notes commits are new ones: Ann's own notes ref is no ancestor of them, nor they of it.
      const serverNotes = git(bare, 'rev-parse', NOTES_REF).trim();
      const annNotes = git(ann, 'rev-parse', NOTES_REF).trim();
      if (!overwriting) assert.notEqual(annNotes, serverNotes, 'the push left the clone\'s notes commit as it was');
      git(bob, 'pull', '-q');
      const b1 = aiCommit(bob, 'b1.ts', lines(2), '1', 'copilot', 'b1');
      assert.equal(push(bob), 'ai-provenance: pushed the notes of 1 commit to origin');
      // Ann pulls (no push of hers in between): Bob's note reaches her blame, her own notes stay.
      git(ann, 'pull', '-q');
      const all: [string, string, string][] = [[a1, 'a1.ts', '1:claude-code'], [a2, 'a2.ts', '2:claude-code'], [b1, 'b1.ts', '1:copilot']];
      for (const [, file, shown] of all) assert.deepEqual(aiBlame(ann, file), [shown], `Ann's blame of ${file}`);
      // Ann's next push goes on top of Bob's notes and keeps every note on the server; without Node where the fetch
      // left her notes ref alone (an overwriting refspec leaves notes to join back, which is Node's).
      const a3 = aiCommit(ann, 'a3.ts', lines(2), '1', 'cursor', 'a3');
      const beforeA3 = starts();
      assert.equal(push(ann), 'ai-provenance: pushed the notes of 1 commit to origin');
      if (!overwriting) assert.equal(starts(), beforeA3, 'the push after a pull published its note without Node');
      assert.ok(noteOn(ann, NOTES_REF, b1), 'the push joined Bob\'s fetched note into Ann\'s own notes ref');
      all.push([a3, 'a3.ts', '1:cursor']);
      git(bob, 'pull', '-q');
      for (const dir of [ann, bob]) {
        assert.match(okCli(dir, 'sync'), /nothing to push to origin/);
        for (const [commit, file, shown] of all) {
          assert.deepEqual(aiBlame(dir, file), [shown], `${dir === ann ? 'Ann' : 'Bob'}'s blame of ${file}`);
          assert.ok(noteOn(bare, NOTES_REF, commit), `the server keeps the note of ${file}`);
        }
      }
      // Each clone's own notes ref holds the notes of its own commits, whatever fetches did to it.
      for (const c of [a1, a2, a3]) assert.ok(noteOn(ann, NOTES_REF, c), `Ann's notes ref keeps ${c}`);
      assert.ok(noteOn(bob, NOTES_REF, b1));
      assert.equal(git(bare, 'notes', `--ref=${NOTES_REF}`, 'list').trim().split('\n').length, 4);
    });
  }

  it('a push after a pull whose clone holds a note at another fan-out path than the server publishes one note per commit (Node compares by commit)', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const bob = clone(bare, BOB);
    const a1 = aiCommit(ann, 'a1.ts', lines(2), '1', 'claude-code', 'a1');
    git(ann, 'push', '-q', 'origin', 'main');
    git(bob, 'pull', '-q');
    const b1 = aiCommit(bob, 'b1.ts', lines(2), '1', 'copilot', 'b1');
    git(bob, 'push', '-q', 'origin', 'main');
    git(ann, 'pull', '-q');
    const a2 = aiCommit(ann, 'a2.ts', lines(2), '2', 'cursor', 'a2');
    // git notes moves notes between fan-out folders as their number grows (and back on its next write): a1's note
    // moves in Ann's ref only, after her last commit's note was written.
    assert.ok(git(ann, 'ls-tree', '-r', '--name-only', NOTES_REF).split('\n').includes(a1), 'a note of a small notes tree sits at the top');
    const index = { ...env(ann), GIT_INDEX_FILE: path.join(ann, '.git', 'moved-index') };
    const inIndex = (...args: string[]): string => {
      const r = spawnSync('git', args, { cwd: ann, env: index, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    inIndex('read-tree', NOTES_REF);
    const blob = git(ann, 'rev-parse', `${NOTES_REF}:${a1}`).trim();
    inIndex('update-index', '--force-remove', a1);
    inIndex('update-index', '--add', '--cacheinfo', `100644,${blob},${a1.slice(0, 2)}/${a1.slice(2)}`);
    const moved = git(ann, 'commit-tree', '-p', NOTES_REF, '-m', 'fan-out', inIndex('write-tree')).trim();
    git(ann, 'update-ref', NOTES_REF, moved);
    const r = run(ann, 'git', ['push', 'origin', 'main']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^ai-provenance: pushed the notes of 1 commit to origin$/m);
    for (const [c, agent] of [[a1, 'claude-code'], [b1, 'copilot'], [a2, 'cursor']] as const) {
      const note = run(bare, 'git', ['notes', `--ref=${NOTES_REF}`, 'show', c]);
      assert.equal(note.status, 0, `the server has a note on ${c}`);
      const record = JSON.parse(note.stdout) as { files: unknown[] };
      assert.ok(record.files.length > 0, `one readable note on ${c} (${agent})`);
    }
  });

  it('in one git push of three branches, publishes the notes of the two the server takes and not of the one it refuses; a reference-transaction hook of the user\'s still gets every update', () => {
    const bare = server();
    // The user's hook fails once a transaction is committed, which git ignores, and so do we.
    const ann = clone(bare, ANN, { userHook: ['reference-transaction', 'sed "s/^/$1 /" >> "$(git rev-parse --git-dir)/user-ref-updates.txt"\n[ "$1" != committed ]'] });
    refuseRefs(bare, 'refs/heads/main', 'is protected');
    git(ann, 'checkout', '-qb', 'one');
    const one = aiCommit(ann, 'one.ts', lines(2), '1', 'codex', 'one');
    git(ann, 'checkout', '-q', 'main');
    git(ann, 'checkout', '-qb', 'two');
    const two = aiCommit(ann, 'two.ts', lines(2), '2', 'cursor', 'two');
    git(ann, 'checkout', '-q', 'main');
    const mine = aiCommit(ann, 'main.ts', lines(2), '1', 'claude-code', 'on main');
    const r = run(ann, 'git', ['push', 'origin', 'one', 'main', 'two']);
    assert.notEqual(r.status, 0, 'main was refused');
    assert.match(r.stderr, /refs\/heads\/main is protected/);
    assert.equal(git(bare, 'rev-parse', 'one', 'two'), `${one}\n${two}\n`, 'the other two branches were taken');
    assert.ok(noteOn(bare, NOTES_REF, one) && noteOn(bare, NOTES_REF, two), 'their notes arrived in the same git push');
    // git moves one remote-tracking branch at a time; the first move asks the server about the others: one publication.
    assert.deepEqual(r.stderr.split('\n').filter((l) => l.startsWith('ai-provenance:')), ['ai-provenance: pushed the notes of 2 commits to origin']);
    assert.equal(serverNames(bare, mine), false, 'nothing names the refused commit');
    assert.ok(noteOn(ann, NOTES_REF, mine), 'its note stays in the clone');
    const seen = readFileSync(path.join(ann, '.git', 'user-ref-updates.txt'), 'utf8');
    for (const [branch, id] of [['one', one], ['two', two]]) {
      for (const state of ['prepared', 'committed']) assert.ok(seen.includes(`${state} ${'0'.repeat(40)} ${id} refs/remotes/origin/${branch}\n`), seen);
    }
  });

  it('a push to a ref git follows with no remote-tracking branch (a narrowed fetch refspec, refs/for/…) publishes its notes with the next push there, never leaving them waiting', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    git(ann, 'config', '--replace-all', 'remote.origin.fetch', '+refs/heads/main:refs/remotes/origin/main');
    git(ann, 'checkout', '-qb', 'feat');
    const first = aiCommit(ann, 'feat.ts', lines(2), '1', 'codex', 'feat 1');
    let r = run(ann, 'git', ['push', 'origin', 'feat']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(noteOn(bare, NOTES_REF, first), undefined, 'the server could still have refused it: not yet');
    assert.deepEqual(pendingPushes(ann), [], 'no push waits for a remote-tracking branch git never moves');
    const second = aiCommit(ann, 'feat.ts', lines(3), '3', 'codex', 'feat 2');
    r = run(ann, 'git', ['push', 'origin', 'feat']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(noteOn(bare, NOTES_REF, first), 'the next push found the first commit on the server and published its note');
    assert.equal(noteOn(bare, NOTES_REF, second), undefined);
    // A ref no fetch refspec maps (refs/for/main, as pushes for review are named).
    const change = aiCommit(ann, 'review.ts', lines(2), '2', 'cursor', 'for review');
    r = run(ann, 'git', ['push', 'origin', 'HEAD:refs/for/main']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(pendingPushes(ann), []);
    aiCommit(ann, 'review.ts', lines(3), '3', 'cursor', 'for review, again');
    r = run(ann, 'git', ['push', 'origin', 'HEAD:refs/for/main']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(noteOn(bare, NOTES_REF, change) && noteOn(bare, NOTES_REF, second), 'published once the server was seen to hold them');
  });

  it('publishes no note of a rewritten commit the server refuses to take by force, and keeps the published one', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    git(bare, 'config', 'receive.denyNonFastForwards', 'true');
    const first = aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'first');
    git(ann, 'push', '-q', 'origin', 'main');
    assert.ok(noteOn(bare, NOTES_REF, first));
    write(ann, 'a.ts', lines(3));
    git(ann, 'add', 'a.ts');
    git(ann, 'commit', '-q', '--amend', '-m', 'first, amended');
    const amended = git(ann, 'rev-parse', 'HEAD').trim();
    assert.ok(noteOn(ann, NOTES_REF, amended), 'the amend carried the note');
    const r = run(ann, 'git', ['push', '--force', 'origin', 'main']);
    assert.notEqual(r.status, 0, 'the server refused the non-fast-forward');
    assert.equal(git(bare, 'rev-parse', 'main').trim(), first);
    assert.equal(serverNames(bare, amended), false, 'no note of the refused commit');
    assert.ok(noteOn(bare, NOTES_REF, first), 'the published note stays');
  });

  it('where git runs no reference-transaction hook of ours (git before 2.28, husky\'s folder made anew without it), a push publishes the notes of the commits the remote already has: each commit\'s with the next push', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    // git before 2.28 never starts it; a husky folder made anew lacks it: as if it were not there.
    sh(ann, 'rm', '-f', '.git/hooks/reference-transaction');
    const push = (): { status: number | null; stderr: string } => run(ann, 'git', ['push', '-q', 'origin', 'main']);
    const first = aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'first');
    const p1 = push();
    assert.equal(p1.status, 0, p1.stderr);
    assert.equal(noteOn(bare, NOTES_REF, first), undefined, 'pre-push cannot know whether the server takes the commit');
    const second = aiCommit(ann, 'b.ts', lines(2), '2', 'cursor', 'second');
    const p2 = push();
    assert.equal(p2.status, 0, p2.stderr);
    assert.match(p2.stderr, /^ai-provenance: pushed the notes of 1 commit to origin$/m);
    assert.ok(noteOn(bare, NOTES_REF, first), 'the next push published the note of the commit the server has');
    assert.equal(noteOn(bare, NOTES_REF, second), undefined);
    assert.match(okCli(ann, 'sync'), /^pushed the notes of 1 commit to origin$/m);
    assert.ok(noteOn(bare, NOTES_REF, second), 'sync publishes the rest');
  });

  it('with husky, a push publishes its notes within the same git push, also after husky wrote .husky/_ again; without our hook there, with the next push as before', () => {
    const bare = server();
    const ann = huskyClone(bare, ANN);
    assert.equal(git(ann, 'config', 'core.hooksPath').trim(), '.husky/_');
    // A ps that cannot answer (BusyBox's knows no -p, Git for Windows' no -o): /proc says who started husky's shell.
    const shims = tempDir('aip-shims-');
    write(shims, 'ps', '#!/bin/sh\necho "ps: unrecognized option" >&2\nexit 1\n');
    sh(shims, 'chmod', '+x', 'ps');
    const push = (): { status: number | null; stderr: string } => {
      const r = spawnSync('git', ['push', '-q', 'origin', 'main'], { cwd: ann, env: { ...env(ann), PATH: `${shims}:${process.env.PATH}` }, encoding: 'utf8' });
      return { status: r.status, stderr: r.stderr };
    };
    const first = aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'first');
    let p = push();
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stderr, /^ai-provenance: pushed the notes of 1 commit to origin$/m);
    assert.ok(noteOn(bare, NOTES_REF, first), 'the note arrived in the same git push');
    assert.deepEqual(pendingPushes(ann), []);
    // npm install runs husky again: it rewrites the hooks it lists and leaves ours.
    runHusky(ann);
    const second = aiCommit(ann, 'b.ts', lines(2), '2', 'cursor', 'second');
    p = push();
    assert.equal(p.status, 0, p.stderr);
    assert.ok(noteOn(bare, NOTES_REF, second), 'still in the same git push');
    // git clean -fdX, then npm install: husky's folder anew, without our hook.
    rmSync(path.join(ann, '.husky', '_'), { recursive: true, force: true });
    runHusky(ann);
    assert.equal(existsSync(path.join(ann, '.husky', '_', 'reference-transaction')), false);
    const third = aiCommit(ann, 'c.ts', lines(2), '1', 'codex', 'third');
    p = push();
    assert.equal(p.status, 0, p.stderr);
    assert.equal(noteOn(bare, NOTES_REF, third), undefined, 'pre-push cannot know whether the server takes the commit');
    assert.deepEqual(pendingPushes(ann), [], 'nothing waits for a hook git does not run');
    const fourth = aiCommit(ann, 'd.ts', lines(2), '2', 'cursor', 'fourth');
    p = push();
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stderr, /^ai-provenance: pushed the notes of 1 commit to origin$/m);
    assert.ok(noteOn(bare, NOTES_REF, third), 'the next push published the note of the commit the server has');
    assert.equal(noteOn(bare, NOTES_REF, fourth), undefined);
    // install again puts it back; a person's commit still starts nothing for it.
    okCli(ann, 'install');
    takeNodeStarts();
    personCommitStartsNothing(ann, '.husky/_');
    assert.deepEqual(takeNodeStarts(), [], 'no Node started by a hook');
    const fifth = aiCommit(ann, 'e.ts', lines(2), '1', 'codex', 'fifth');
    p = push();
    assert.equal(p.status, 0, p.stderr);
    assert.ok(noteOn(bare, NOTES_REF, fourth) && noteOn(bare, NOTES_REF, fifth), 'both notes, in the same push');
  });

  it('a clone whose pre-push an earlier version installed publishes no note of a refused push either; install adds the hook that publishes within the push', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    const old = path.resolve(__dirname, '../../fixtures/hooks/0.1.0-pre-push');
    const body = path.join(ann, '.git', 'ai-provenance', 'hooks', 'pre-push');
    const fill = (t: string): string => t.replaceAll('@CLI@', cliBundle().cli).replaceAll('@NODE@', process.execPath).replaceAll('@BODY_DIR@', path.dirname(body));
    writeFileSync(body, fill(readFileSync(path.join(old, 'body', 'pre-push'), 'utf8')), { mode: 0o755 });
    writeFileSync(path.join(ann, '.git', 'hooks', 'pre-push'), fill(readFileSync(path.join(old, 'wrapper', 'pre-push'), 'utf8')), { mode: 0o755 });
    // That version installed no reference-transaction hook.
    sh(ann, 'rm', '-f', '.git/hooks/reference-transaction');
    freezeBranches(bare);
    const c = aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'refused first');
    assert.notEqual(run(ann, 'git', ['push', '-q', 'origin', 'main']).status, 0);
    assert.equal(serverNames(bare, c), false, 'no note of the refused commit');
    sh(bare, 'rm', 'hooks/pre-receive');
    git(ann, 'push', '-q', 'origin', 'main');
    assert.equal(noteOn(bare, NOTES_REF, c), undefined, 'the old pre-push runs before the server answers: the note waits');
    assert.match(okCli(ann, 'install'), /^installed: \.git\/hooks\/reference-transaction$/m);
    const d = aiCommit(ann, 'b.ts', lines(2), '2', 'cursor', 'after install');
    const r = run(ann, 'git', ['push', '-q', 'origin', 'main']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^ai-provenance: pushed the notes of 2 commits to origin$/m);
    assert.ok(noteOn(bare, NOTES_REF, c) && noteOn(bare, NOTES_REF, d), 'both notes, in the same push');
  });

  it('a notes push that fails never fails the user\'s push, and says so in one line', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    // The server refuses notes refs (a hook of its own), but takes branches.
    refuseRefs(bare, 'refs/notes/*', 'not welcome');
    const c = aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'ai');
    const r = run(ann, 'git', ['push', '-q', 'origin', 'main']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(git(bare, 'rev-parse', 'main').trim(), c);
    const ours = r.stderr.split('\n').filter((l) => l.startsWith('ai-provenance:'));
    assert.equal(ours.length, 1, r.stderr);
    // The notes go once the server took the commit, after the push itself.
    assert.match(ours[0]!, /^ai-provenance: the notes were not pushed to origin \(.*\); your push went through, 'ai-provenance sync origin' retries$/);
    assert.match(readFileSync(path.join(ann, '.git', 'ai-provenance', 'sync.log'), 'utf8'), /after push origin: .*hook declined/);
  });

  it('a clone whose hooks an earlier version installed keeps committing notes, syncs by hand, and gets the pre-push on a new install', () => {
    const bare = server();
    const ann = clone(bare, ANN, { install: false });
    const old = path.resolve(__dirname, '../../fixtures/hooks/0.1.0-protocol-2');
    const bodies = path.join(ann, '.git', 'ai-provenance', 'hooks');
    mkdirSync(bodies, { recursive: true });
    for (const h of readdirSync(path.join(old, 'body'))) {
      const fill = (t: string): string => t.replaceAll('@CLI@', cliBundle().cli).replaceAll('@NODE@', process.execPath).replaceAll('@BODY_DIR@', bodies);
      writeFileSync(path.join(bodies, h), fill(readFileSync(path.join(old, 'body', h), 'utf8')), { mode: 0o755 });
      writeFileSync(path.join(ann, '.git', 'hooks', h), fill(readFileSync(path.join(old, 'wrapper', h), 'utf8')), { mode: 0o755 });
    }
    const first = aiCommit(ann, 'a.ts', lines(2), '1', 'claude-code', 'old hooks');
    assert.ok(noteOn(ann, NOTES_REF, first), 'the old hooks still write the note');
    git(ann, 'push', '-q', 'origin', 'main');
    assert.equal(noteOn(bare, NOTES_REF, first), undefined, 'no pre-push yet');
    assert.match(okCli(ann, 'sync'), /^pushed the notes of 1 commit to origin$/m);
    assert.ok(noteOn(bare, NOTES_REF, first));
    assert.match(okCli(ann, 'install'), /^installed: \.git\/hooks\/pre-push$/m);
    const second = aiCommit(ann, 'b.ts', lines(2), '2', 'copilot', 'new hooks');
    git(ann, 'push', '-q', 'origin', 'main');
    assert.ok(noteOn(bare, NOTES_REF, second));
  });

  it('sync says in one line why it could not reach a remote, and refuses a name that is not a remote', () => {
    const bare = server();
    const ann = clone(bare, ANN);
    git(ann, 'remote', 'add', 'gone', path.join(path.dirname(bare), 'no-such-server'));
    const r = cli(ann, 'sync', 'gone');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^ai-provenance sync: cannot fetch refs\/notes\/ai-provenance from gone: .+\n$/);
    const u = cli(ann, 'sync', 'nowhere');
    assert.equal(u.status, 2);
    assert.equal(u.stderr, "ai-provenance sync: 'nowhere' is not a remote of this repository\n");
  });

  it('the push of the notes runs no pre-push hook again: the user\'s runs once per git push', () => {
    const bare = server();
    const ann = clone(bare, ANN, { userHook: ['pre-push', 'echo "$1" >> pre-push-runs.txt\ncat > /dev/null'] });
    const c = aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'ai');
    git(ann, 'push', '-q', 'origin', 'main');
    assert.ok(noteOn(bare, NOTES_REF, c));
    assert.equal(readFileSync(path.join(ann, 'pre-push-runs.txt'), 'utf8'), 'origin\n');
  });

  it('a failing pre-push of the user still stops the push, and runs with the pushed refs on stdin', () => {
    const bare = server();
    const ann = clone(bare, ANN, { userHook: ['pre-push', 'cat > pushed.txt\nexit 1'] });
    aiCommit(ann, 'a.ts', lines(2), '1', 'codex', 'ai');
    const r = run(ann, 'git', ['push', '-q', 'origin', 'main']);
    assert.notEqual(r.status, 0);
    assert.match(readFileSync(path.join(ann, 'pushed.txt'), 'utf8'), /^refs\/heads\/main [0-9a-f]{40} refs\/heads\/main [0-9a-f]{40}$/m);
    assert.equal(noteOn(bare, NOTES_REF, git(ann, 'rev-parse', 'HEAD').trim()), undefined);
  });
});
