import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parseTraceRecord } from '../../../src/core/agentTrace';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { aiLines, CLAUDE, cleanupTemp, COPILOT, initRepo, lines, write } from './helpers';
import { cliBundle, HOOKS, installHooks, takeNodeStarts, hookedEnv } from './hookEnv';
import { HOOK_PROTOCOL, hookScript } from '../../../src/git/hookScripts';
import type { Attribution } from '../../../src/core/model';
import { fromLines } from '../../../src/core/lineRuns';
import { perLine } from './helpers';

const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/agent-trace/trace-record.schema.json'), 'utf8'));
const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
const validateTrace = ajv.compile(schema);

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...hookedEnv(), ...extra };
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: env(), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function gitResult(dir: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('git', args, { cwd: dir, env: env(extraEnv), encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function message(dir: string, rev = 'HEAD'): string {
  return git(dir, 'log', '-1', '--format=%B', rev);
}

function note(dir: string, rev = 'HEAD'): string | undefined {
  const r = gitResult(dir, ['notes', '--ref=refs/notes/ai-provenance', 'show', rev]);
  return r.status === 0 ? r.stdout : undefined;
}

/** `path: start-end kind agent` per range of a commit's note, after checking it against the Agent Trace schema. */
function noteSummary(dir: string, rev = 'HEAD'): string[] {
  const text = note(dir, rev);
  assert.ok(text, `no note on ${rev}`);
  const json = JSON.parse(text) as { vcs: { revision: string } };
  assert.ok(validateTrace(json), `note of ${rev} fails the Agent Trace schema: ${ajv.errorsText(validateTrace.errors)}`);
  assert.equal(json.vcs.revision, git(dir, 'rev-parse', rev).trim(), 'vcs.revision names the commit');
  const parsed = parseTraceRecord(text);
  assert.ok(parsed.ok);
  return parsed.files.flatMap((f) => f.runs.map((r) => `${f.path}: ${r.start + 1}-${r.end} ${r.kind} ${f.attributions[r.id]!.agent}`));
}

async function recordAi(dir: string, file: string, text: string, ranges: [number, number][], who: Attribution = CLAUDE): Promise<void> {
  write(dir, file, text);
  const repo = await discoverRepo(dir);
  await WorkingState.forRepo(repo).write(file, text, fromLines(aiLines(text.split('\n').length, ranges, who)));
}

function newRepo(): string {
  const dir = initRepo();
  installHooks(path.join(dir, '.git', 'hooks'));
  return dir;
}

/** A hooked repository with one commit and a linked worktree of it next to it. */
function repoWithWorktree(): { dir: string; wt: string } {
  const dir = newRepo();
  write(dir, 'x', 'x\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  const wt = `${dir}-wt`;
  git(dir, 'worktree', 'add', '-q', wt);
  return { dir, wt };
}

describe('git hooks', function () {
  before(() => cliBundle());
  beforeEach(() => takeNodeStarts());
  after(cleanupTemp);

  describe('a plain commit', () => {
    it('gets the exact trailers and a schema-valid note when it has AI lines', async () => {
      const dir = newRepo();
      write(dir, 'README', 'hi\n');
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'base');
      await recordAi(dir, 'src/a.ts', lines(6), [[2, 4]]);
      await recordAi(dir, 'src/b.ts', lines(4), [[1, 1]], COPILOT);
      git(dir, 'add', '.');
      takeNodeStarts();
      git(dir, 'commit', '-qm', 'Add things');
      assert.equal(message(dir), 'Add things\n\nAssisted-by: claude-code:anthropic/claude-opus-4-5\nAssisted-by: copilot\nAI-Lines: 4/10\n\n');
      assert.deepEqual(noteSummary(dir), ['src/a.ts: 2-4 ai claude-code', 'src/b.ts: 1-1 ai copilot']);
      assert.equal(takeNodeStarts().length, 1, 'one Node process for the whole commit');
    });

    it('starts its one Node process without the CA bundle NODE_EXTRA_CA_CERTS names (Node would parse it for nothing)', async () => {
      const dir = newRepo();
      await recordAi(dir, 'a.ts', lines(3), [[1, 3]]);
      git(dir, 'add', '.');
      // Node warns on stderr at start-up when it cannot load the bundle: a hook's Node that loaded it would print this.
      const r = gitResult(dir, ['commit', '-qm', 'with a bundle set'], { NODE_EXTRA_CA_CERTS: '/nonexistent/ai-provenance-test-ca.pem' });
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /extra certs/i);
      assert.match(message(dir), /^AI-Lines: 3\/3$/m);
      assert.deepEqual(noteSummary(dir), ['a.ts: 1-3 ai claude-code']);
    });

    it('runs no git from Node on a plain commit: the shell computes the staged diff and the tree while Node starts', async () => {
      const dir = newRepo();
      write(dir, 'README', 'hi\n');
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'first');
      await recordAi(dir, 'a.ts', lines(3), [[1, 3]]);
      await recordAi(dir, 'b.ts', lines(4), [[2, 3]], COPILOT);
      git(dir, 'add', '.');
      // git puts its own exec dir first on the hooks' PATH, so a logging git is put first on Node's PATH instead,
      // by a node wrapper: every git our Node process starts is logged, the shell's are not.
      const bin = path.join(dir, '.git', 'test-bin');
      mkdirSync(bin);
      const log = path.join(bin, 'log');
      writeFileSync(log, '');
      const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
      writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho "$1" >> '${log}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
      const node = path.join(bin, 'node');
      writeFileSync(node, `#!/bin/sh\nPATH='${bin}':$PATH exec '${process.execPath}' "$@"\n`, { mode: 0o755 });
      const commit = (...args: string[]): string[] => {
        writeFileSync(log, '');
        const r = gitResult(dir, ['commit', '-q', ...args], { AI_PROVENANCE_NODE: node });
        assert.equal(r.status, 0, r.stderr);
        return readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
      };
      assert.deepEqual(commit('-m', 'plain'), [], 'git started by Node');
      assert.deepEqual(noteSummary(dir), ['a.ts: 1-3 ai claude-code', 'b.ts: 2-3 ai copilot']);
      // The logging works: an amend is diffed against HEAD^, which Node asks git for itself.
      await recordAi(dir, 'c.ts', lines(2), [[1, 1]]);
      git(dir, 'add', '.');
      assert.ok(commit('--amend', '-m', 'amended').includes('diff-index'));
      assert.deepEqual(noteSummary(dir), ['a.ts: 1-3 ai claude-code', 'b.ts: 2-3 ai copilot', 'c.ts: 1-1 ai claude-code']);
    });

    it('clears committed lines from the working state and the pending marker', async () => {
      const dir = newRepo();
      await recordAi(dir, 'a.ts', lines(3), [[1, 3]]);
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'first');
      const repo = await discoverRepo(dir);
      const state = WorkingState.forRepo(repo);
      assert.deepEqual(await state.paths(), []);
      assert.ok(!existsSync(state.pendingMarker));
    });

    it('finishes the advance in shell, with one Node run, from the one-file list it precomputed', async () => {
      const dir = newRepo();
      await recordAi(dir, 'a.ts', lines(3), [[1, 3]]);
      await recordAi(dir, 'b.ts', lines(4), [[2, 2]]);
      git(dir, 'add', 'a.ts');
      takeNodeStarts();
      git(dir, 'commit', '-qm', 'only a');
      assert.equal(takeNodeStarts().length, 1, 'prepare-commit-msg only');
      const state = WorkingState.forRepo(await discoverRepo(dir));
      assert.deepEqual(await state.paths(), ['b.ts']);
      assert.ok(existsSync(state.pendingMarker));
      assert.ok(!existsSync(path.join(dir, '.git', 'ai-provenance-commit', 'advance')), 'the advance folder is gone');
    });

    it('still clears committed lines when the installed scripts predate the advance list (upgraded without reinstall)', async () => {
      const dir = initRepo();
      const { cli } = cliBundle();
      for (const h of HOOKS) {
        // As an older install wrote them: no protocol passed to Node, so it writes the marker files those scripts read
        // (this post-commit, finding no list, hands the advance to Node, where an older one would read the markers).
        const body = hookScript(h, cli).replace(`AI_PROVENANCE_HOOK_PROTOCOL=${HOOK_PROTOCOL} `, '');
        assert.notEqual(body.includes('AI_PROVENANCE_HOOK_PROTOCOL'), true);
        writeFileSync(path.join(dir, '.git', 'hooks', h), body, { mode: 0o755 });
      }
      await recordAi(dir, 'a.ts', lines(3), [[1, 3]]);
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'first');
      const adv = path.join(dir, '.git', 'ai-provenance-commit', 'advance');
      assert.ok(existsSync(path.join(adv, 'before')) && !existsSync(path.join(adv, 'list')), 'the marker layout was written');
      const state = WorkingState.forRepo(await discoverRepo(dir));
      assert.deepEqual(await state.paths(), []);
      assert.ok(!existsSync(state.pendingMarker));
      assert.deepEqual(noteSummary(dir), ['a.ts: 1-3 ai claude-code']);
    });

    it('keeps unstaged AI lines pending after a partial commit and counts only the staged ones', async () => {
      const dir = newRepo();
      write(dir, 'a.ts', lines(10));
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'base');
      const text = lines(10).replace('line 2\n', 'line 2\nai one\n').replace('line 9\n', 'line 9\nai two\n');
      await recordAi(dir, 'a.ts', text, [[3, 3], [11, 11]]);
      // Stage only the first hunk, as `git add -p` would.
      const staged = lines(10).replace('line 2\n', 'line 2\nai one\n');
      const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: staged, encoding: 'utf8' }).trim();
      git(dir, 'update-index', '--cacheinfo', `100644,${blob},a.ts`);
      git(dir, 'commit', '-qm', 'part');
      assert.match(message(dir), /AI-Lines: 1\/1\n/);
      assert.deepEqual(noteSummary(dir), ['a.ts: 3-3 ai claude-code']);
      const state = WorkingState.forRepo(await discoverRepo(dir));
      const left = perLine(await state.read('a.ts', text));
      assert.deepEqual(left?.flatMap((l, i) => (l.kind === 'human' ? [] : [i + 1])), [11]);
      git(dir, 'add', 'a.ts');
      git(dir, 'commit', '-qm', 'rest');
      assert.match(message(dir), /AI-Lines: 1\/1\n/);
      assert.deepEqual(noteSummary(dir), ['a.ts: 11-11 ai claude-code']);
    });

    it('counts only the named files of `git commit <path>` and all tracked changes of `git commit -a`', async () => {
      const dir = newRepo();
      write(dir, 'a.ts', lines(2));
      write(dir, 'b.ts', lines(2));
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'base');
      await recordAi(dir, 'a.ts', lines(2) + 'ai a\n', [[3, 3]]);
      await recordAi(dir, 'b.ts', lines(2) + 'ai b\n', [[3, 3]], COPILOT);
      git(dir, 'add', 'b.ts');
      git(dir, 'commit', '-qm', 'only a', '--', 'a.ts');
      assert.deepEqual(noteSummary(dir), ['a.ts: 3-3 ai claude-code']);
      assert.match(message(dir), /^Assisted-by: claude-code:anthropic\/claude-opus-4-5\nAI-Lines: 1\/1$/m);
      git(dir, 'commit', '-qam', 'the rest');
      assert.deepEqual(noteSummary(dir), ['b.ts: 3-3 ai copilot']);
      assert.deepEqual(await WorkingState.forRepo(await discoverRepo(dir)).paths(), []);
    });

    it('gets neither trailers nor a note, and starts no Node, without AI lines', () => {
      const dir = newRepo();
      write(dir, 'a.ts', 'x\n');
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'human');
      write(dir, 'a.ts', 'y\n');
      git(dir, 'commit', '-qam', 'human again');
      assert.equal(message(dir), 'human again\n\n');
      assert.equal(note(dir), undefined);
      assert.deepEqual(takeNodeStarts(), []);
    });

    it('keeps AI lines recorded while the message editor is open (post-commit falls back to Node)', async () => {
      const dir = newRepo();
      await recordAi(dir, 'a.ts', lines(3), [[1, 1]]);
      git(dir, 'add', '.');
      const editor = path.join(dir, '..', `${path.basename(dir)}-editor.sh`);
      const { cli } = cliBundle();
      writeFileSync(editor, `printf 'late ai\\n' >> a.ts\n'${process.execPath}' '${cli}' record --agent copilot a.ts:4\nsed -i '1s/^/Edited message/' "$1"\n`);
      takeNodeStarts();
      const r = gitResult(dir, ['commit'], { GIT_EDITOR: `sh '${editor}'` });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(message(dir), 'Edited message\n\nAssisted-by: claude-code:anthropic/claude-opus-4-5\nAI-Lines: 1/3\n\n');
      assert.deepEqual(noteSummary(dir), ['a.ts: 1-1 ai claude-code']);
      const state = WorkingState.forRepo(await discoverRepo(dir));
      const left = perLine(await state.read('a.ts', readFileSync(path.join(dir, 'a.ts'), 'utf8')));
      assert.deepEqual(left?.flatMap((l, i) => (l.kind === 'human' ? [] : [`${i + 1} ${l.attribution?.agent}`])), ['4 copilot']);
      assert.ok(existsSync(state.pendingMarker));
    });

    it('still aborts when the user leaves the message empty: our trailers alone are no message', async () => {
      const dir = newRepo();
      git(dir, 'commit', '-q', '--allow-empty', '-m', 'base');
      await recordAi(dir, 'a.ts', lines(2), [[1, 2]]);
      git(dir, 'add', '.');
      for (const args of [['commit'], ['commit', '-v'], ['commit', '-m', '']]) {
        const r = gitResult(dir, args, { GIT_EDITOR: 'true' });
        assert.equal(r.status, 1, `git ${args.join(' ')} committed: ${r.stdout}`);
        assert.match(r.stderr, /Aborting commit due to empty commit message/);
        assert.equal(message(dir), 'base\n\n');
      }
      const state = WorkingState.forRepo(await discoverRepo(dir));
      assert.ok(existsSync(state.pendingMarker), 'the AI lines stay pending for the real commit');
      const r = gitResult(dir, ['commit'], { GIT_EDITOR: `sed -i '1s/^/Now with a subject/'` });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(message(dir), 'Now with a subject\n\nAssisted-by: claude-code:anthropic/claude-opus-4-5\nAI-Lines: 2/2\n\n');
    });

    it('places trailers above the comments when core.commentChar is not #', async () => {
      const dir = newRepo();
      git(dir, 'config', 'core.commentChar', ';');
      await recordAi(dir, 'a.ts', lines(2), [[1, 1]]);
      git(dir, 'add', '.');
      const r = gitResult(dir, ['commit'], { GIT_EDITOR: `sed -i '1s/^/Subject line/'` });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(message(dir), 'Subject line\n\nAssisted-by: claude-code:anthropic/claude-opus-4-5\nAI-Lines: 1/2\n\n');
    });
  });

  describe('amend', () => {
    it('with -m combines the amended commit\'s note with the new lines and does not duplicate trailers', async () => {
      const dir = newRepo();
      write(dir, 'base', 'b\n');
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'base');
      await recordAi(dir, 'a.ts', lines(3), [[1, 2]]);
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'one');
      const text = lines(3) + 'more ai\n';
      await recordAi(dir, 'a.ts', text, [[4, 4]], COPILOT);
      git(dir, 'add', '.');
      takeNodeStarts();
      git(dir, 'commit', '-q', '--amend', '-m', 'one, amended');
      assert.equal(message(dir), 'one, amended\n\nAssisted-by: claude-code:anthropic/claude-opus-4-5\nAssisted-by: copilot\nAI-Lines: 3/4\n\n');
      assert.deepEqual(noteSummary(dir), ['a.ts: 1-2 ai claude-code', 'a.ts: 4-4 ai copilot']);
      assert.equal(takeNodeStarts().length, 1, 'one Node process for the amend');
    });

    it('is not taken for an amend when a plain commit\'s message only mentions --amend, and a human one starts no Node', async () => {
      const dir = newRepo();
      await recordAi(dir, 'a.ts', lines(3), [[2, 3]]);
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'one');
      write(dir, 'human.txt', 'h\n');
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'explain why not to use --amend here');
      assert.equal(message(dir), 'explain why not to use --amend here\n\n');
      assert.equal(note(dir), undefined);
      assert.deepEqual(noteSummary(dir, 'HEAD~1'), ['a.ts: 2-3 ai claude-code']);
      write(dir, 'human2.txt', 'h\n');
      git(dir, 'add', '.');
      takeNodeStarts();
      git(dir, 'commit', '-qm', 'plain');
      assert.deepEqual(takeNodeStarts(), [], 'HEAD has no note: nothing to carry');
    });

    it('with a multi-line -m message keeps the amended commit\'s trailers', async () => {
      const dir = newRepo();
      write(dir, 'base', 'b\n');
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'base');
      await recordAi(dir, 'a.ts', lines(3), [[2, 3]]);
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'one');
      // Nothing is pending now: only the --amend check can tell that HEAD's AI lines are carried.
      git(dir, 'commit', '-q', '--amend', '-m', 'subject\n\nbody line');
      assert.equal(message(dir), 'subject\n\nbody line\n\nAssisted-by: claude-code:anthropic/claude-opus-4-5\nAI-Lines: 2/3\n\n');
      assert.deepEqual(noteSummary(dir), ['a.ts: 2-3 ai claude-code']);
    });

    it('with --no-edit keeps the note of a commit whose AI lines are unchanged', async () => {
      const dir = newRepo();
      await recordAi(dir, 'a.ts', lines(3), [[2, 3]]);
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'one');
      write(dir, 'human.txt', 'h\n');
      git(dir, 'add', '.');
      git(dir, 'commit', '-q', '--amend', '--no-edit');
      assert.equal(message(dir), 'one\n\nAssisted-by: claude-code:anthropic/claude-opus-4-5\nAI-Lines: 2/4\n\n');
      assert.deepEqual(noteSummary(dir), ['a.ts: 2-3 ai claude-code']);
    });
  });

  describe('replays', () => {
    async function branchWithAi(): Promise<string> {
      const dir = newRepo();
      write(dir, 'base.txt', 'base\n');
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'base');
      git(dir, 'checkout', '-qb', 'feature');
      await recordAi(dir, 'f1.ts', lines(4), [[2, 3]]);
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'f1');
      await recordAi(dir, 'f2.ts', lines(2), [[1, 2]], COPILOT);
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'f2');
      git(dir, 'checkout', '-q', 'main');
      write(dir, 'main.txt', 'main\n');
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'main work');
      return dir;
    }

    it('cherry-pick carries the note and keeps the trailers once', async () => {
      const dir = await branchWithAi();
      git(dir, 'cherry-pick', 'feature~1');
      assert.equal(message(dir), 'f1\n\nAssisted-by: claude-code:anthropic/claude-opus-4-5\nAI-Lines: 2/4\n\n');
      assert.deepEqual(noteSummary(dir), ['f1.ts: 2-3 ai claude-code']);
    });

    it('rebase moves every note to the rewritten commits', async () => {
      const dir = await branchWithAi();
      git(dir, 'checkout', '-q', 'feature');
      git(dir, 'rebase', '-q', 'main');
      assert.deepEqual(noteSummary(dir, 'HEAD'), ['f2.ts: 1-2 ai copilot']);
      assert.deepEqual(noteSummary(dir, 'HEAD~1'), ['f1.ts: 2-3 ai claude-code']);
      assert.equal((message(dir, 'HEAD~1').match(/Assisted-by/g) ?? []).length, 1);
    });

    it('rebase -i reorder keeps each note with its commit', async () => {
      const dir = await branchWithAi();
      git(dir, 'checkout', '-q', 'feature');
      const r = gitResult(dir, ['rebase', '-q', '-i', 'main'], { GIT_SEQUENCE_EDITOR: `sed -i '1{h;d};2G'` });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(git(dir, 'log', '-1', '--format=%s').trim(), 'f1');
      assert.deepEqual(noteSummary(dir, 'HEAD'), ['f1.ts: 2-3 ai claude-code']);
      assert.deepEqual(noteSummary(dir, 'HEAD~1'), ['f2.ts: 1-2 ai copilot']);
    });

    it('rebase -i edit: AI lines added while stopped join the commit\'s carried note', async () => {
      const dir = await branchWithAi();
      git(dir, 'checkout', '-q', 'feature');
      let r = gitResult(dir, ['rebase', '-q', '-i', 'main'], { GIT_SEQUENCE_EDITOR: `sed -i '1s/^pick/edit/'` });
      assert.equal(r.status, 0, r.stderr);
      await recordAi(dir, 'f1.ts', lines(4) + 'added at the stop\n', [[5, 5]], COPILOT);
      git(dir, 'add', 'f1.ts');
      r = gitResult(dir, ['commit', '-q', '--amend', '--no-edit']);
      assert.equal(r.status, 0, r.stderr);
      r = gitResult(dir, ['rebase', '--continue']);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(noteSummary(dir, 'HEAD~1'), ['f1.ts: 2-3 ai claude-code', 'f1.ts: 5-5 ai copilot']);
      assert.deepEqual(noteSummary(dir, 'HEAD'), ['f2.ts: 1-2 ai copilot']);
      assert.equal((message(dir, 'HEAD~1').match(/^AI-Lines:/gm) ?? []).length, 1);
      assert.match(message(dir, 'HEAD~1'), /AI-Lines: 3\/5\n/);
    });

    it('rebase -i fixup combines both notes into one valid record and fixes the trailers', async () => {
      const dir = await branchWithAi();
      git(dir, 'checkout', '-q', 'feature');
      const r = gitResult(dir, ['rebase', '-q', '-i', 'main'], { GIT_SEQUENCE_EDITOR: `sed -i '2s/^pick/fixup/'` });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(noteSummary(dir), ['f1.ts: 2-3 ai claude-code', 'f2.ts: 1-2 ai copilot']);
      assert.equal(message(dir), 'f1\n\nAssisted-by: claude-code:anthropic/claude-opus-4-5\nAssisted-by: copilot\nAI-Lines: 4/6\n\n');
    });

    it('rebase -i squash keeps one set of trailers', async () => {
      const dir = await branchWithAi();
      git(dir, 'checkout', '-q', 'feature');
      const r = gitResult(dir, ['rebase', '-q', '-i', 'main'], { GIT_SEQUENCE_EDITOR: `sed -i '2s/^pick/squash/'`, GIT_EDITOR: 'true' });
      assert.equal(r.status, 0, r.stderr);
      const msg = message(dir);
      assert.equal((msg.match(/^AI-Lines:/gm) ?? []).length, 1, msg);
      assert.match(msg, /AI-Lines: 4\/6\n\n$/);
      assert.deepEqual(noteSummary(dir), ['f1.ts: 2-3 ai claude-code', 'f2.ts: 1-2 ai copilot']);
    });

    it('revert takes nothing from the working state, even an entry matching the restored text', async () => {
      const dir = newRepo();
      write(dir, 'x.ts', 'A\nB\nC\n');
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', 'abc');
      write(dir, 'x.ts', 'A\nC\n');
      git(dir, 'commit', '-qam', 'drop B');
      // A leftover entry that describes the old text with B as AI: the revert restores exactly that text.
      await WorkingState.forRepo(await discoverRepo(dir)).write('x.ts', 'A\nB\nC\n', fromLines(aiLines(4, [[2, 2]])));
      git(dir, 'revert', '--no-edit', 'HEAD');
      assert.doesNotMatch(message(dir), /Assisted-by|AI-Lines/);
      assert.equal(note(dir), undefined);
    });

    it('merge adds no trailers and no note to the merge commit; blamed lines keep their notes', async () => {
      const dir = await branchWithAi();
      // An entry that matches the text the merge brings in must not turn into a note on the merge commit.
      await WorkingState.forRepo(await discoverRepo(dir)).write('f1.ts', lines(4), fromLines(aiLines(5, [[1, 4]])));
      git(dir, 'merge', '-q', '--no-ff', '-m', 'Merge feature', 'feature');
      assert.equal(message(dir), 'Merge feature\n\n');
      assert.equal(note(dir), undefined);
      assert.deepEqual(noteSummary(dir, 'feature'), ['f2.ts: 1-2 ai copilot']);
    });

    it('merge --squash carries the squashed commits\' notes into the new commit', async () => {
      const dir = await branchWithAi();
      git(dir, 'merge', '-q', '--squash', 'feature');
      git(dir, 'commit', '-q', '--no-edit');
      assert.deepEqual(noteSummary(dir), ['f1.ts: 2-3 ai claude-code', 'f2.ts: 1-2 ai copilot']);
      const msg = message(dir);
      assert.equal((msg.match(/^AI-Lines:/gm) ?? []).length, 1, msg);
      assert.match(msg, /AI-Lines: 4\/6\n\n$/);
    });
  });
});

describe('git hooks: critical paths and failures', function () {
  before(() => cliBundle());
  beforeEach(() => takeNodeStarts());
  after(cleanupTemp);

  const BLOCK = JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Production infrastructure', level: 'block', reviewers: ['jane@example.com', 'ann@example.com'] }] });

  async function criticalRepo(config = BLOCK): Promise<string> {
    const dir = newRepo();
    write(dir, '.ai-provenance.json', config);
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'config');
    await recordAi(dir, 'infra/main.tf', lines(3), [[1, 2]]);
    git(dir, 'add', '.');
    return dir;
  }

  it('refuses unreviewed AI lines in a block path, saying which files, which rule and how to sign off', async () => {
    const dir = await criticalRepo();
    const before = git(dir, 'rev-parse', 'HEAD');
    const r = gitResult(dir, ['commit', '-m', 'Change infra']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /infra\/main\.tf/);
    assert.match(r.stderr, /Production infrastructure/);
    assert.match(r.stderr, /AI-Reviewed-by: .*jane@example\.com/);
    assert.match(r.stderr, /git commit -e -F/);
    assert.equal(git(dir, 'rev-parse', 'HEAD'), before, 'no commit was made');
    assert.match(readFileSync(path.join(dir, '.git', 'COMMIT_EDITMSG'), 'utf8'), /^Change infra/, 'the message is kept');
  });

  it('accepts the commit with a sign-off from an allowed reviewer, deciding in shell', async () => {
    const dir = await criticalRepo();
    takeNodeStarts();
    const r = gitResult(dir, ['commit', '-m', 'Change infra', '-m', 'AI-Reviewed-by: Jane Doe <jane@example.com>']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(message(dir), /AI-Reviewed-by: Jane Doe <jane@example.com>/);
    assert.match(message(dir), /AI-Critical: infra\/main\.tf/);
    assert.equal(takeNodeStarts().length, 1, 'commit-msg accepted the sign-off without starting Node');
  });

  it('refuses a sign-off by the commit author', async () => {
    const dir = await criticalRepo();
    const r = gitResult(dir, ['commit', '-m', 'Change infra', '-m', 'AI-Reviewed-by: Ann Author <ann@example.com>']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /author's own sign-off/);
  });

  it('lets --no-verify through locally', async () => {
    const dir = await criticalRepo();
    const r = gitResult(dir, ['commit', '--no-verify', '-m', 'Change infra']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(message(dir), /AI-Critical: infra\/main\.tf/);
  });

  it('commits with a broken .ai-provenance.json and says where it is broken in one line', async () => {
    const dir = newRepo();
    write(dir, '.ai-provenance.json', '{ "critical": [ }');
    await recordAi(dir, 'a.ts', lines(2), [[1, 1]]);
    git(dir, 'add', '.');
    const r = gitResult(dir, ['commit', '-m', 'with broken config']);
    assert.equal(r.status, 0, r.stderr);
    const errs = r.stderr.split('\n').filter((l) => l.includes('ai-provenance.json'));
    assert.equal(errs.length > 0, true, r.stderr);
    assert.match(errs[0]!, /^\.ai-provenance\.json:1:\d+: /);
    assert.match(message(dir), /^with broken config\n\nAssisted-by: claude-code/);
  });

  it('commits with a corrupt working state, marked unjudged, naming the corrupt file in one line and keeping it', async () => {
    const dir = newRepo();
    await recordAi(dir, 'a.ts', lines(2), [[1, 1]]);
    const state = WorkingState.forRepo(await discoverRepo(dir));
    writeFileSync(state.entryFile('a.ts'), '{"format":');
    git(dir, 'add', '.');
    const r = gitResult(dir, ['commit', '-m', 'despite corruption']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(message(dir), /^despite corruption\n\nAI-Unjudged: prepare-commit-msg failed: .*corrupt ai-provenance working state/);
    assert.ok(r.stderr.includes(state.entryFile('a.ts')), r.stderr);
    assert.equal(r.stderr.split('\n').filter((l) => l.includes('corrupt')).length, 1, 'one line per commit');
    assert.equal(readFileSync(state.entryFile('a.ts'), 'utf8'), '{"format":', 'the entry is left as it was');
  });

  it('judges a commit as usual when only an entry of a file it leaves alone is corrupt, saying so in one line', async () => {
    const dir = newRepo();
    await recordAi(dir, 'a.ts', lines(2), [[1, 1]]);
    await recordAi(dir, 'b.ts', lines(2), [[1, 1]]);
    const state = WorkingState.forRepo(await discoverRepo(dir));
    writeFileSync(state.entryFile('b.ts'), '{"format":');
    git(dir, 'add', 'a.ts');
    const r = gitResult(dir, ['commit', '-m', 'only a']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(message(dir), /^only a\n\nAssisted-by: claude-code/);
    assert.doesNotMatch(message(dir), /AI-Unjudged/);
    assert.deepEqual(noteSummary(dir), ['a.ts: 1-1 ai claude-code']);
    assert.equal(r.stderr.split('\n').filter((l) => l.includes(state.entryFile('b.ts'))).length, 1, r.stderr);
  });

  it('commits when node is not on PATH, marked unjudged with one line saying why, the AI lines kept', async () => {
    const dir = newRepo();
    await recordAi(dir, 'a.ts', lines(2), [[1, 1]]);
    git(dir, 'add', '.');
    const r = gitResult(dir, ['commit', '-m', 'no node'], { AI_PROVENANCE_NODE: 'no-such-node-binary' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(message(dir), "no node\n\nAI-Unjudged: node ('no-such-node-binary') not found on PATH\n\n");
    assert.deepEqual(r.stderr.split('\n').filter((l) => l !== ''), [
      "ai-provenance: this commit's AI lines were not judged (node ('no-such-node-binary') not found on PATH); it carries an AI-Unjudged trailer that 'ai-provenance check' reports, and its recorded AI lines are kept for the next commit that can judge them",
    ]);
    assert.deepEqual(await WorkingState.forRepo(await discoverRepo(dir)).paths(), ['a.ts']);
  });

  it('commits when the CLI it points to is gone, marked unjudged', async () => {
    const dir = newRepo();
    await recordAi(dir, 'a.ts', lines(2), [[1, 1]]);
    git(dir, 'add', '.');
    const r = gitResult(dir, ['commit', '-m', 'no cli'], { AI_PROVENANCE_CLI: '/nonexistent/cli.js' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /\/nonexistent\/cli\.js not found/);
    assert.match(message(dir), /AI-Unjudged: \/nonexistent\/cli\.js not found/);
  });
});

describe('git hooks: edge cases', function () {
  this.timeout(120_000);
  before(() => cliBundle());
  after(cleanupTemp);

  it('records the first commit of a repository (no HEAD yet)', async () => {
    const dir = newRepo();
    await recordAi(dir, 'a.ts', lines(2), [[2, 2]]);
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'root');
    assert.match(message(dir), /AI-Lines: 1\/2/);
    assert.deepEqual(noteSummary(dir), ['a.ts: 2-2 ai claude-code']);
  });

  it('works on a detached HEAD', async () => {
    const dir = newRepo();
    write(dir, 'x', 'x\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    git(dir, 'checkout', '-q', '--detach');
    await recordAi(dir, 'a.ts', lines(2), [[1, 2]]);
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'detached');
    assert.deepEqual(noteSummary(dir), ['a.ts: 1-2 ai claude-code']);
  });

  it('works in a linked worktree, keeping its working state apart from the main one', async () => {
    const { dir, wt } = repoWithWorktree();
    await recordAi(dir, 'main-only.ts', lines(2), [[1, 1]]);
    await recordAi(wt, 'a.ts', lines(3), [[3, 3]]);
    git(wt, 'add', '.');
    git(wt, 'commit', '-qm', 'in worktree');
    assert.deepEqual(noteSummary(wt), ['a.ts: 3-3 ai claude-code']);
    assert.deepEqual(await WorkingState.forRepo(await discoverRepo(dir)).paths(), ['main-only.ts']);
    git(dir, 'worktree', 'remove', '--force', wt);
  });

  it('in a linked worktree, committing its only AI lines clears pending, so the next human commit starts no Node', async () => {
    const { dir, wt } = repoWithWorktree();
    await recordAi(wt, 'a.ts', lines(3), [[2, 3]]);
    git(wt, 'add', '.');
    git(wt, 'commit', '-qm', 'in worktree');
    assert.deepEqual(noteSummary(wt), ['a.ts: 2-3 ai claude-code']);
    const state = WorkingState.forRepo(await discoverRepo(wt));
    assert.deepEqual(await state.paths(), []);
    assert.ok(!existsSync(state.pendingMarker), 'pending is gone with the last entry');
    write(wt, 'b.ts', 'by hand\n');
    git(wt, 'add', '.');
    takeNodeStarts();
    git(wt, 'commit', '-qm', 'by hand');
    assert.deepEqual(takeNodeStarts(), []);
    git(dir, 'worktree', 'remove', '--force', wt);
  });

  it('works inside a submodule with hooks in the submodule\'s git dir', async () => {
    const inner = initRepo();
    write(inner, 'lib.ts', 'lib\n');
    git(inner, 'add', '.');
    git(inner, 'commit', '-qm', 'lib');
    const outer = initRepo();
    git(outer, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', inner, 'sub');
    const sub = path.join(outer, 'sub');
    const subRepo = await discoverRepo(sub);
    assert.ok(subRepo.gitDir.includes(path.join('.git', 'modules')), subRepo.gitDir);
    installHooks(path.join(subRepo.commonDir, 'hooks'));
    await recordAi(sub, 'gen.ts', lines(2), [[1, 2]]);
    git(sub, 'add', '.');
    git(sub, 'commit', '-qm', 'in submodule');
    assert.deepEqual(noteSummary(sub), ['gen.ts: 1-2 ai claude-code']);
  });

  it('handles file names with spaces, quotes, $(...), unicode and newlines', async () => {
    const dir = newRepo();
    const names = ['with space.ts', 'quo"te\'s.ts', '$(touch pwned).ts', 'ünïcode ✓.ts', 'new\nline.ts'];
    for (const n of names) await recordAi(dir, n, lines(2), [[1, 1]]);
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'odd names');
    assert.deepEqual(noteSummary(dir).sort(), names.map((n) => `${n}: 1-1 ai claude-code`).sort());
    assert.ok(!existsSync(path.join(dir, 'pwned')), 'no file name was run as a command');
  });

  it('handles a 20 MB file, a binary file and a rename in one commit', async () => {
    const dir = newRepo();
    write(dir, 'old.ts', lines(40));
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    const big = lines(400_000, 'a fairly long line of generated content, number');
    assert.ok(big.length > 20_000_000);
    await recordAi(dir, 'big.txt', big, [[100, 101]]);
    write(dir, 'image.bin', Buffer.from([0x89, 0x50, 0, 0, 1, 2, 3, 10, 0]));
    git(dir, 'mv', 'old.ts', 'renamed.ts');
    await recordAi(dir, 'renamed.ts', lines(40) + 'ai\n', [[41, 41]], COPILOT);
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'big');
    assert.deepEqual(noteSummary(dir), ['big.txt: 100-101 ai claude-code', 'renamed.ts: 41-41 ai copilot']);
    assert.match(message(dir), /AI-Lines: 3\/400001\n/);
  });
});
