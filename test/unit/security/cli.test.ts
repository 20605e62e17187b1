// Hostile repositories against the command line and the git hooks: real repositories in temporary folders, real
// `git commit` with the hooks installed, the CLI as it ships. The inputs are in test/security/cli (see its README).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { aiLines, CLAUDE, cleanupTemp, initRepo, lines, tempDir, write } from '../git/helpers';
import { cliBundle, HOOKS, hookedEnv, installHooks } from '../git/hookEnv';
import { fixture, longPatternConfig, manyFileNote, paddedConfig, stackedRangesNote } from '../../security/cli/hostile';
import { fromLines } from '../../../src/core/lineRuns';

type Result = { status: number | null; stdout: string; stderr: string };

function run(cmd: string, args: readonly string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}, input?: string): Result {
  const r = spawnSync(cmd, args, { cwd, env: { ...hookedEnv(), ...extraEnv }, encoding: 'utf8', input, maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(dir: string, ...args: string[]): string {
  const r = run('git', args, dir);
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function commit(dir: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Result {
  return run('git', ['commit', ...args], dir, extraEnv);
}

function cli(dir: string, ...args: string[]): Result {
  return run(process.execPath, [cliBundle().cli, ...args], dir);
}

/** Lines our hooks and CLI printed (git's own output left out). */
function ours(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('ai-provenance') || l.startsWith('.ai-provenance.json'));
}

function head(dir: string): string {
  return git(dir, 'rev-parse', 'HEAD').trim();
}

function note(dir: string, rev = 'HEAD'): string | undefined {
  const r = run('git', ['notes', '--ref=refs/notes/ai-provenance', 'show', rev], dir);
  return r.status === 0 ? r.stdout : undefined;
}

function addNote(dir: string, rev: string, text: string): void {
  run('git', ['notes', '--ref=refs/notes/ai-provenance', 'add', '-f', '-F', '-', rev], dir, {}, text);
}

async function recordAi(dir: string, file: string, text: string, ranges: [number, number][]): Promise<void> {
  write(dir, file, text);
  await WorkingState.forRepo(await discoverRepo(dir)).write(file, text, fromLines(aiLines(text.split('\n').length, ranges, CLAUDE)));
}

async function pendingPaths(dir: string): Promise<string[]> {
  return WorkingState.forRepo(await discoverRepo(dir)).paths();
}

const BLOCK = JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Production infrastructure', level: 'block', reviewers: ['jane@example.com'] }] });

function hookedRepo(config?: string): string {
  const dir = initRepo();
  installHooks(path.join(dir, '.git', 'hooks'));
  write(dir, 'README.md', 'readme\n');
  if (config !== undefined) write(dir, '.ai-provenance.json', config);
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  return dir;
}

const PREVIOUS_HOOKS = path.resolve(__dirname, '../../fixtures/hooks/0.1.0-protocol-2');

const NO_NODE = { AI_PROVENANCE_NODE: 'no-such-node-binary' };

describe('security: the command line and the git hooks against a hostile repository', function () {
  this.timeout(180_000);
  before(() => cliBundle());
  after(cleanupTemp);

  describe('config parsing is bounded, and a config it refuses leaves HEAD\'s in force', () => {
    async function refusedWithWorkingConfig(config: string): Promise<{ dir: string; lines: string[] }> {
      const dir = hookedRepo(BLOCK);
      write(dir, '.ai-provenance.json', config);
      await recordAi(dir, 'infra/main.tf', lines(3), [[1, 2]]);
      git(dir, 'add', 'infra');
      const before = head(dir);
      const r = commit(dir, ['-m', 'Change infra']);
      assert.notEqual(r.status, 0, 'HEAD\'s block rule still applies');
      assert.equal(head(dir), before, 'no commit was made');
      assert.deepEqual(await pendingPaths(dir), ['infra/main.tf'], 'the recorded AI lines are kept');
      return { dir, lines: ours(r.stderr) };
    }

    it('5,000 nested arrays (the parser recursed until its stack overflowed): one file:line:col line', async () => {
      const { lines: out } = await refusedWithWorkingConfig(fixture('config-deep-nesting.ai-provenance.json'));
      assert.equal(out[0], '.ai-provenance.json:1:45: nested more than 32 levels deep; the config committed in HEAD applies until it is fixed');
      assert.match(out[1] ?? '', /^ai-provenance: commit refused: AI-written lines in critical paths/);
    });

    it('a 1 MB pattern (a regular expression V8 refused to build): refused by its size before it is read', async () => {
      const { lines: out } = await refusedWithWorkingConfig(longPatternConfig(1 << 20));
      assert.match(out[0] ?? '', /^\.ai-provenance\.json:1:1: the file is too large \(1048\d{3} bytes; a config may have at most 262144\)/);
    });

    it('a pattern over 1,024 characters, or with three **, is a problem at its place', async () => {
      const long = await refusedWithWorkingConfig(longPatternConfig(2000));
      assert.match(long.lines[0] ?? '', /^\.ai-provenance\.json:1:24: critical\[0\]\.paths\[0\]: pattern too long \(2006 characters; at most 1024\)/);
      const stars = await refusedWithWorkingConfig(fixture('config-globstars.ai-provenance.json'));
      assert.match(stars.lines[0] ?? '', /^\.ai-provenance\.json:5:9: critical\[0\]\.paths\[0\]: pattern with more than 2 "\*\*"/);
    });

    it('a 10 MB config: the commit goes through with one line, and check names it once', async () => {
      const dir = hookedRepo();
      const base = head(dir);
      write(dir, '.ai-provenance.json', paddedConfig(10 << 20));
      await recordAi(dir, 'src/a.ts', lines(2), [[1, 1]]);
      git(dir, 'add', '.');
      const r = commit(dir, ['-m', 'Big config']);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(ours(r.stderr), [
        '.ai-provenance.json:1:1: the file is too large (10485760 bytes; a config may have at most 262144): keep it to the rules the team needs; critical-path rules are not applied until it is fixed',
      ]);
      assert.match(git(dir, 'log', '-1', '--format=%B'), /Assisted-by: claude-code/);
      const c = cli(dir, 'check', `${base}..HEAD`);
      assert.equal(c.status, 0, c.stderr);
      assert.deepEqual(
        c.stderr.split('\n').filter((l) => l.includes('too large')).map((l) => l.replace(/^[0-9a-f]{12}:/, 'SHA:')),
        [
          '.ai-provenance.json:1:1: the file is too large (10485760 bytes; a config may have at most 262144): keep it to the rules the team needs',
          'SHA:.ai-provenance.json:1:1: the file is too large (10485760 bytes; a config may have at most 262144): keep it to the rules the team needs',
        ],
      );
    });
  });

  describe('a hook that cannot run fails closed where it matters', () => {
    it('without Node, refuses AI lines a block rule may cover in one line; --no-verify marks the commit, check exits 3, and the next commit writes its note', async () => {
      const dir = hookedRepo(BLOCK);
      const base = head(dir);
      await recordAi(dir, 'infra/main.tf', lines(3), [[1, 2]]);
      git(dir, 'add', 'infra');

      const refused = commit(dir, ['-m', 'Change infra'], NO_NODE);
      assert.notEqual(refused.status, 0);
      assert.equal(head(dir), base);
      assert.deepEqual(ours(refused.stderr), [
        "ai-provenance: commit refused: the block rules of .ai-provenance.json cannot be checked (node ('no-such-node-binary') not found on PATH); fix that and commit again (git commit -e -F .git/COMMIT_EDITMSG), or commit with --no-verify and 'ai-provenance check' reports the commit as unjudged",
      ]);
      assert.match(readFileSync(path.join(dir, '.git', 'COMMIT_EDITMSG'), 'utf8'), /^Change infra/, 'the message is kept');

      const forced = commit(dir, ['--no-verify', '-m', 'Change infra'], NO_NODE);
      assert.equal(forced.status, 0, forced.stderr);
      assert.equal(ours(forced.stderr).length, 1, forced.stderr);
      const unjudged = head(dir);
      assert.equal(git(dir, 'log', '-1', '--format=%B'), "Change infra\n\nAI-Unjudged: node ('no-such-node-binary') not found on PATH\n\n");
      assert.equal(note(dir), undefined);
      assert.deepEqual(await pendingPaths(dir), ['infra/main.tf'], 'nothing recorded is dropped');

      const checked = cli(dir, 'check', `${base}..HEAD`);
      assert.equal(checked.status, 3, checked.stdout + checked.stderr);
      assert.match(checked.stdout, new RegExp(`^error: commit ${unjudged.slice(0, 12)} "Change infra" .* was not judged: its hooks could not run \\(node \\('no-such-node-binary'\\) not found on PATH\\) and it has no note$`, 'm'));
      const json = JSON.parse(cli(dir, 'check', `${base}..HEAD`, '--format', 'json').stdout) as { ok: boolean; exitCode: number; summary: { unjudged: number }; commits: { unjudged: string | null }[] };
      assert.deepEqual([json.ok, json.exitCode, json.summary.unjudged, json.commits[0]?.unjudged], [false, 3, 1, "node ('no-such-node-binary') not found on PATH"]);
      const sarif = JSON.parse(cli(dir, 'check', `${base}..HEAD`, '--format', 'sarif').stdout) as { runs: { results: { ruleId: string; message: { text: string } }[] }[] };
      assert.deepEqual(sarif.runs[0]?.results.map((r) => r.ruleId), ['ai-provenance/unjudged-commit']);

      // Node is back: the next commit's hook writes the note the unjudged commit lacks, from the lines kept for it.
      write(dir, 'notes.md', 'human\n');
      git(dir, 'add', 'notes.md');
      const next = commit(dir, ['-m', 'By hand']);
      assert.equal(next.status, 0, next.stderr);
      assert.deepEqual(ours(next.stderr), [`ai-provenance: wrote the notes of 1 earlier commit its hooks could not judge (${unjudged.slice(0, 12)}); the next git push or 'ai-provenance sync' shares them`]);
      assert.match(note(dir, unjudged) ?? '', /"path": "infra\/main.tf"/);
      assert.deepEqual(await pendingPaths(dir), [], 'the committed lines left the working state with their note');
      const blame = JSON.parse(cli(dir, 'blame', 'infra/main.tf', '--json').stdout) as { line: number; kind: string; commit?: string }[];
      assert.deepEqual(blame.map((l) => `${l.line} ${l.kind} ${l.commit === unjudged}`), ['1 ai true', '2 ai true', '3 human true']);
      const judged = cli(dir, 'check', `${base}..HEAD`);
      assert.equal(judged.status, 1, 'now judged from its note: the unreviewed block path is a violation');
      assert.match(judged.stdout, /AI-written lines in infra\/main\.tf touch critical rule/);
    });

    it('without Node, a person\'s commit with no AI lines pending goes through unmarked, also one that deletes a line of a noted file', async () => {
      const dir = hookedRepo();
      await recordAi(dir, 'src/a.ts', lines(3), [[1, 1]]);
      git(dir, 'add', '.');
      assert.equal(commit(dir, ['-m', 'ai']).status, 0);
      write(dir, 'src/a.ts', lines(3).split('\n').slice(0, 2).join('\n') + '\n');
      git(dir, 'add', '.');
      const r = commit(dir, ['-m', 'person'], NO_NODE);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(ours(r.stderr), []);
      assert.doesNotMatch(git(dir, 'log', '-1', '--format=%B'), /AI-Unjudged/);
    });

    it('without Node and no block rule: the commits go through marked, and the first hook that can run writes their notes', async () => {
      const dir = hookedRepo();
      const base = head(dir);
      await recordAi(dir, 'src/a.ts', lines(2), [[1, 1]]);
      git(dir, 'add', '.');
      const first = commit(dir, ['-m', 'one'], NO_NODE);
      assert.equal(first.status, 0, first.stderr);
      assert.deepEqual(ours(first.stderr), [
        "ai-provenance: this commit's AI lines were not judged (node ('no-such-node-binary') not found on PATH); it carries an AI-Unjudged trailer that 'ai-provenance check' reports, and its recorded AI lines are kept for the next commit that can judge them",
      ]);
      const one = head(dir);
      await recordAi(dir, 'src/b.ts', lines(2), [[2, 2]]);
      git(dir, 'add', '.');
      assert.equal(commit(dir, ['-m', 'two'], NO_NODE).status, 0);
      const two = head(dir);
      assert.equal(cli(dir, 'check', `${base}..HEAD`).status, 3);

      write(dir, 'c.md', 'human\n');
      git(dir, 'add', '.');
      const third = commit(dir, ['-m', 'three']);
      assert.equal(third.status, 0, third.stderr);
      assert.match(note(dir, one) ?? '', /"path": "src\/a.ts"/);
      assert.match(note(dir, two) ?? '', /"path": "src\/b.ts"/);
      assert.doesNotMatch(note(dir, two) ?? '', /src\/a.ts/, 'each commit gets only its own lines');
      const c = cli(dir, 'check', `${base}..HEAD`);
      assert.equal(c.status, 0, c.stdout + c.stderr);
    });

    it('behind the wrapper `ai-provenance install` writes, a crashing CLI is refused where a block rule applies, in one line', async () => {
      const dir = initRepo();
      write(dir, '.ai-provenance.json', BLOCK);
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'base');
      const { cli: cliPath } = cliBundle();
      run(process.execPath, [cliPath, 'install'], dir);
      const crash = path.join(tempDir(), 'crash.js');
      writeFileSync(crash, 'process.exit(7);\n');
      for (const h of HOOKS) {
        const f = path.join(dir, '.git', 'hooks', h);
        writeFileSync(f, readFileSync(f, 'utf8').replace(`AI_PROVENANCE_CLI='${cliPath}'`, `AI_PROVENANCE_CLI='${crash}'`));
      }
      await recordAi(dir, 'infra/main.tf', lines(2), [[1, 1]]);
      git(dir, 'add', 'infra');
      const r = commit(dir, ['-m', 'Change infra']);
      assert.equal(r.status, 1, r.stderr);
      assert.deepEqual(ours(r.stderr), [
        "ai-provenance: commit refused: the block rules of .ai-provenance.json cannot be checked (the ai-provenance CLI exited with status 7); fix that and commit again (git commit -e -F .git/COMMIT_EDITMSG), or commit with --no-verify and 'ai-provenance check' reports the commit as unjudged",
      ]);
      const forced = commit(dir, ['--no-verify', '-m', 'Change infra']);
      assert.equal(forced.status, 0, forced.stderr);
      assert.equal(ours(forced.stderr).length, 1, forced.stderr);
      assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Unjudged: the ai-provenance CLI exited with status 7$/m);
    });

    it('a CLI that crashes is caught by the shell: the commit is marked with its exit status, in one line', async () => {
      const dir = hookedRepo();
      const crash = path.join(tempDir(), 'crash.js');
      writeFileSync(crash, 'process.exit(7);\n');
      await recordAi(dir, 'src/a.ts', lines(2), [[1, 1]]);
      git(dir, 'add', '.');
      const r = commit(dir, ['-m', 'crash'], { AI_PROVENANCE_CLI: crash });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(ours(r.stderr), [
        "ai-provenance: this commit's AI lines were not judged (the ai-provenance CLI exited with status 7); it carries an AI-Unjudged trailer that 'ai-provenance check' reports, and its recorded AI lines are kept for the next commit that can judge them",
      ]);
      assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Unjudged: the ai-provenance CLI exited with status 7$/m);
    });

    it('when post-commit cannot write the note, the next commit writes it', async () => {
      const dir = hookedRepo();
      await recordAi(dir, 'src/a.ts', lines(2), [[1, 1]]);
      git(dir, 'add', '.');
      // A stale lock of the notes ref (a crashed git) makes every note write fail.
      mkdirSync(path.join(dir, '.git', 'refs', 'notes'), { recursive: true });
      const lock = path.join(dir, '.git', 'refs', 'notes', 'ai-provenance.lock');
      writeFileSync(lock, '');
      const r = commit(dir, ['-m', 'one']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(ours(r.stderr).length, 1, r.stderr);
      assert.match(ours(r.stderr)[0] ?? '', /^ai-provenance: the notes of this change could not be written \(post-commit failed: .*\); the recorded AI lines are kept and the next commit's hook writes them$/);
      const one = head(dir);
      assert.equal(note(dir, one), undefined);
      assert.deepEqual(await pendingPaths(dir), ['src/a.ts']);
      run('rm', ['-f', lock], dir);
      write(dir, 'b.md', 'human\n');
      git(dir, 'add', '.');
      assert.equal(commit(dir, ['-m', 'two']).status, 0);
      assert.match(note(dir, one) ?? '', /"path": "src\/a.ts"/);
      assert.deepEqual(await pendingPaths(dir), []);
    });

    it('hooks installed by the previous version keep working with this CLI, and mark a commit it cannot judge', async () => {
      const dir = initRepo();
      const { cli: cliPath, node } = cliBundle();
      const bodies = path.join(dir, '.git', 'ai-provenance', 'hooks');
      mkdirSync(bodies, { recursive: true });
      const fill = (t: string): string => t.replaceAll('@CLI@', cliPath).replaceAll('@NODE@', node).replaceAll('@BODY_DIR@', bodies);
      for (const h of HOOKS) {
        writeFileSync(path.join(bodies, h), fill(readFileSync(path.join(PREVIOUS_HOOKS, 'body', h), 'utf8')), { mode: 0o755 });
        writeFileSync(path.join(dir, '.git', 'hooks', h), fill(readFileSync(path.join(PREVIOUS_HOOKS, 'wrapper', h), 'utf8')), { mode: 0o755 });
      }
      write(dir, 'README.md', 'readme\n');
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'base');
      await recordAi(dir, 'src/a.ts', lines(2), [[1, 1]]);
      git(dir, 'add', '.');
      assert.equal(commit(dir, ['-m', 'plain']).status, 0);
      assert.match(git(dir, 'log', '-1', '--format=%B'), /Assisted-by: claude-code:anthropic\/claude-opus-4-5\nAI-Lines: 1\/2/);
      assert.match(note(dir) ?? '', /"path": "src\/a.ts"/);

      await recordAi(dir, 'src/b.ts', lines(2), [[1, 1]]);
      const state = WorkingState.forRepo(await discoverRepo(dir));
      writeFileSync(state.entryFile('src/b.ts'), '{"format":');
      git(dir, 'add', '.');
      const r = commit(dir, ['-m', 'corrupt']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(ours(r.stderr).length, 1, r.stderr);
      assert.match(ours(r.stderr)[0] ?? '', /^ai-provenance: this commit's AI lines were not judged \(prepare-commit-msg failed: .*corrupt ai-provenance working state/);
      assert.match(git(dir, 'log', '-1', '--format=%B'), /^AI-Unjudged: prepare-commit-msg failed: /m);
      assert.equal(readFileSync(state.entryFile('src/b.ts'), 'utf8'), '{"format":', 'kept as it was');
    });
  });

  describe('hostile notes', () => {
    async function notedRepo(): Promise<{ dir: string; base: string; sha: string }> {
      const dir = hookedRepo(BLOCK);
      const base = head(dir);
      write(dir, 'src/app.ts', lines(3));
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'app');
      return { dir, base, sha: head(dir) };
    }

    it('a range ending at line 1e9, or a thousand ranges stacked on it, costs blame nothing: it reads only the file\'s lines', async () => {
      const { dir, sha } = await notedRepo();
      addNote(dir, sha, fixture('note-huge-range.json', sha));
      const r = cli(dir, 'blame', 'src/app.ts', '--json');
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual((JSON.parse(r.stdout) as { kind: string }[]).map((l) => l.kind), ['ai', 'ai', 'ai']);
      addNote(dir, sha, stackedRangesNote(sha, 'src/app.ts', 1000));
      assert.deepEqual((JSON.parse(cli(dir, 'blame', 'src/app.ts', '--json').stdout) as { kind: string }[]).map((l) => l.kind), ['ai', 'ai', 'ai']);
    });

    for (const [name, bad] of [
      ['note-absolute-path.json', '/etc/passwd'],
      ['note-parent-path.json', '../x'],
      ['note-malformed.json', undefined],
    ] as const) {
      it(`${name}: reported in text, JSON and SARIF with exit 2, the rest of the range still judged`, async () => {
        const { dir, base, sha } = await notedRepo();
        addNote(dir, sha, fixture(name, sha));
        const text = cli(dir, 'check', `${base}..HEAD`);
        assert.equal(text.status, 2, text.stdout + text.stderr);
        const problem = text.stderr.split('\n').find((l) => l.startsWith(`refs/notes/ai-provenance:${sha}:`));
        assert.ok(problem, text.stderr);
        if (bad) assert.ok(problem.includes(JSON.stringify(bad)), problem);
        assert.match(text.stdout, /1 commit checked, 0 violations, 0 warnings, 1 unreadable note$/m);
        const json = JSON.parse(cli(dir, 'check', `${base}..HEAD`, '--format', 'json').stdout) as { exitCode: number; commits: { commit: string; noteProblem: string | null }[]; problems: string[] };
        assert.equal(json.exitCode, 2);
        assert.ok(json.commits.find((c) => c.commit === sha)?.noteProblem);
        assert.equal(json.problems.length, 1);
        const sarif = JSON.parse(cli(dir, 'check', `${base}..HEAD`, '--format', 'sarif').stdout) as { runs: { results: { ruleId: string }[]; invocations: { toolExecutionNotifications?: unknown[] }[] }[] };
        assert.deepEqual(sarif.runs[0]?.results.map((r) => r.ruleId), ['ai-provenance/unreadable-note']);
        assert.equal(sarif.runs[0]?.invocations[0]?.toolExecutionNotifications?.length, 1);

        // A violation elsewhere in the range still decides the status.
        await recordAi(dir, 'infra/main.tf', lines(2), [[1, 1]]);
        git(dir, 'add', '.');
        assert.equal(commit(dir, ['--no-verify', '-m', 'Unreviewed']).status, 0);
        const both = cli(dir, 'check', `${base}..HEAD`);
        assert.equal(both.status, 1);
        assert.match(both.stdout, /2 commits checked, 1 violation, 0 warnings, 1 unreadable note$/m);
      });
    }

    it('a note naming 100,000 files: check judges it in linear time, and --amend carries it without E2BIG', async () => {
      const { dir, base, sha } = await notedRepo();
      addNote(dir, sha, manyFileNote(sha, 100_000));
      const c = cli(dir, 'check', `${base}..HEAD`);
      assert.equal(c.status, 1, c.stderr);
      assert.match(c.stdout, /AI-written lines in infra\/f0\.tf, infra\/f1\.tf, infra\/f2\.tf, infra\/f3\.tf, infra\/f4\.tf and 99995 more touch critical rule/);

      await recordAi(dir, 'src/app.ts', `${lines(3)}more\n`, [[4, 4]]);
      git(dir, 'add', '.');
      const amend = commit(dir, ['--amend', '-m', 'app, amended']);
      assert.equal(amend.status, 0, amend.stderr);
      assert.doesNotMatch(amend.stderr, /E2BIG|not judged/);
      assert.match(note(dir) ?? '', /"path": "src\/app.ts"/);
    });
  });

  describe('text from the repository reaches the terminal shown, never acted on', () => {
    const ESC = '\x1b';

    it('status, the refusal, check and blame print no control character from a config, a note, a file name or a message', async () => {
      const dir = hookedRepo(fixture('config-control-chars.ai-provenance.json'));
      const base = head(dir);
      const name = `infra/evil${ESC}[2J\rname.tf`;
      await recordAi(dir, name, `x = 1${ESC}]0;pwned\x07\n`, [[1, 1]]);
      const status = cli(dir, 'status');
      assert.equal(status.status, 0);
      assert.match(status.stdout, /^infra\/evil\\x1b\[2J\\rname\.tf: 1 AI line at 1 by claude-code:anthropic\/claude-opus-4-5 {2}CRITICAL block: Infra \\x1b\]8;;https:\/\/evil\.example\/\\x07click here/);

      git(dir, 'add', '.');
      const refused = commit(dir, ['-m', `Subject ${ESC}[31mred\r`]);
      assert.notEqual(refused.status, 0);
      assert.match(refused.stderr, /Infra \\x1b\]8;;https:\/\/evil\.example\/\\x07click here/);
      assert.ok(!refused.stderr.includes(ESC) && !refused.stderr.includes('\r') && !refused.stderr.includes('\x07'), JSON.stringify(refused.stderr));

      assert.equal(commit(dir, ['--no-verify', '-q', '-m', `Subject ${ESC}[31mred`]).status, 0);
      const sha = head(dir);
      addNote(dir, sha, fixture('note-control-chars.json', sha).split('src/app.ts').join(JSON.stringify(name).slice(1, -1)));
      for (const args of [['check', `${base}..HEAD`], ['blame', name], ['stats', '--by', 'agent'], ['stats', '--by', 'path', '--depth', '2'], ['report', '-o', '-']]) {
        const r = cli(dir, ...args);
        const out = r.stdout + r.stderr;
        assert.ok(!out.includes(ESC) && !out.includes('\r') && !out.includes('\x07'), `${args[0]}: ${JSON.stringify(out)}`);
      }
      assert.match(cli(dir, 'blame', name).stdout, /evil\\x1b\[2J\\x1b\]0;pwned\\x07agent\s+x = 1\\x1b\]0;pwned\\x07$/m);
      assert.match(cli(dir, 'stats', '--by', 'agent').stdout, /^evil\\x1b\[2J\\x1b\]0;pwned\\x07agent +1 /m);
      assert.match(cli(dir, 'stats', '--by', 'path', '--depth', '2').stdout, /^infra\/evil\\x1b\[2J\\rname\.tf +1 /m);
      assert.match(cli(dir, 'stats').stdout, /^\[0\] Infra \\x1b\]8;;https:\/\/evil\.example\/.* block /m);
      // JSON keeps the exact text, escaped as JSON does.
      const json = JSON.parse(cli(dir, 'check', `${base}..HEAD`, '--format', 'json').stdout) as { commits: { subject: string; files: { path: string }[] }[] };
      assert.equal(json.commits[0]?.subject, `Subject ${ESC}[31mred`);
      assert.equal(json.commits[0]?.files[0]?.path, name);
    });

    it('a sign-off such as <*@example.com> is not expanded into the name of a file that matches it', async () => {
      const dir = hookedRepo(BLOCK);
      // A file named like the allowed reviewer: the sign-off's glob matched it, and the commit was accepted.
      write(dir, 'jane@example.com', 'x\n');
      await recordAi(dir, 'infra/main.tf', lines(2), [[1, 1]]);
      git(dir, 'add', 'infra');
      const r = commit(dir, ['-m', 'Change infra', '-m', 'AI-Reviewed-by: Mallory <*@example.com>']);
      assert.notEqual(r.status, 0, 'a wildcard is nobody\'s sign-off');
      assert.match(r.stderr, /commit refused/);
    });
  });

  describe('planted symlinks and odd paths', () => {
    function hashTree(dir: string): string {
      const h = createHash('sha256');
      const walk = (d: string): void => {
        for (const n of readdirSync(d).sort()) {
          const p = path.join(d, n);
          const st = lstatSync(p);
          h.update(`${p}\0`);
          if (st.isDirectory()) walk(p);
          else if (st.isFile()) h.update(readFileSync(p));
        }
      };
      walk(dir);
      return h.digest('hex');
    }

    it('no hook writes through a symlink planted in .git: the files it points at stay as they were', async () => {
      const dir = hookedRepo('{ "critical": [ }');
      const outside = tempDir();
      for (const f of ['done', 'failed', 'refuse', 'tree', 'written', 'target']) write(outside, f, `precious ${f}\n`);
      mkdirSync(path.join(outside, 'dir'));
      const gitDir = path.join(dir, '.git');
      // The scratch dir itself, the tree file beside it, the config line marker, the message's temporary copy.
      symlinkSync(path.join(outside, 'dir'), path.join(gitDir, 'ai-provenance-commit'));
      symlinkSync(path.join(outside, 'target'), path.join(gitDir, 'ai-provenance-commit.tree'));
      symlinkSync(path.join(outside, 'target'), path.join(gitDir, 'ai-provenance-config-reported'));
      symlinkSync(path.join(outside, 'target'), path.join(gitDir, 'COMMIT_EDITMSG.ai-provenance'));
      symlinkSync(path.join(outside, 'target'), path.join(gitDir, 'ai-provenance-unjudged'));
      await recordAi(dir, 'src/a.ts', lines(2), [[1, 1]]);
      const before = hashTree(outside);
      git(dir, 'add', 'src');
      const r = commit(dir, ['-m', '']);
      assert.notEqual(r.status, 0, 'an empty message still aborts');
      assert.equal(commit(dir, ['-m', 'with AI']).status, 0);
      // Node missing: the shell's own writes (markers, the catch-up file).
      await recordAi(dir, 'src/b.ts', lines(2), [[1, 1]]);
      git(dir, 'add', 'src');
      for (const f of ['failed', 'refuse']) {
        const p = path.join(gitDir, 'ai-provenance-commit', f);
        run('rm', ['-f', p], dir);
        symlinkSync(path.join(outside, f), p);
      }
      assert.equal(commit(dir, ['-m', 'no node'], NO_NODE).status, 0);
      assert.equal(hashTree(outside), before, 'nothing outside .git changed');
      assert.ok(!lstatSync(path.join(gitDir, 'ai-provenance-commit')).isSymbolicLink());
    });

    it('a repository whose path holds a line break works: hooks, status, blame and check', async () => {
      const parent = path.join(tempDir(), 'line\nbreak');
      mkdirSync(parent);
      const dir = initRepo(parent);
      installHooks(path.join(dir, '.git', 'hooks'));
      await recordAi(dir, 'src/a.ts', lines(2), [[1, 1]]);
      git(dir, 'add', '.');
      const r = commit(dir, ['-m', 'odd path']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(git(dir, 'log', '-1', '--format=%B'), /Assisted-by: claude-code/);
      assert.equal(cli(dir, 'status').stdout, 'No AI-written lines pending.\n');
      assert.deepEqual(readdirSync(path.dirname(parent)), ['line\nbreak'], 'no folder named after the path\'s first line');
      assert.deepEqual((JSON.parse(cli(dir, 'blame', 'src/a.ts', '--json').stdout) as { kind: string }[]).map((l) => l.kind), ['ai', 'human']);
      const c = cli(dir, 'check', 'HEAD');
      assert.equal(c.status, 0, c.stderr);
      assert.ok(existsSync(path.join(dir, '.git', 'hooks', 'post-commit')));
    });
  });
});
