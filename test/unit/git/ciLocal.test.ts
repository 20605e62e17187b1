// `ai-provenance ci local`: notes for the commits a server merge made, in real repositories whose AI commits went
// through the real CLI and hooks, merged the way GitHub merges them.
import { strict as assert } from 'node:assert';
import { chmodSync } from 'node:fs';
import * as path from 'node:path';
import { cleanupTemp, lines, sh, write } from './helpers';
import { cliBundle } from './hookEnv';
import { advanceMain, blame, ciClone, cli, git, githubMergeCommit, githubRebase, githubSquash, linesOf, NOTES, prScenario, pullMain, record } from './prScenario';

/**
 * Makes `dev` run `git push origin <refs>` once, right after the CI clone fetched the remote's notes and before it
 * pushes its own: another push landing in between, through a real reference-transaction hook of the CI clone.
 */
function pushMeanwhile(ci: string, dev: string, refs: readonly string[]): void {
  const marker = path.join(ci, '.git', 'pushed-meanwhile');
  write(ci, '.git/hooks/reference-transaction', `#!/bin/sh
[ "$1" = committed ] || exit 0
grep -q ' refs/notes/remotes/origin/ai-provenance$' || exit 0
[ -e '${marker}' ] && exit 0
: > '${marker}'
env -u GIT_DIR -u GIT_INDEX_FILE -u GIT_WORK_TREE git -C '${dev}' push -q origin ${refs.join(' ')} >&2
`);
  chmodSync(path.join(ci, '.git/hooks/reference-transaction'), 0o755);
}

/** GitHub squash-merges the developer's pushed feature branch; `ci local` carries and pushes; the developer pulls. */
function squashAndCarry(s: ReturnType<typeof prScenario>): { squash: string; stdout: string } {
  const head = git(s.dev, ['rev-parse', 'feature']).trim();
  const squash = githubSquash(s);
  const r = cli(ciClone(s), ['ci', 'local', '--base', s.base, '--head', head, '--merge', squash, '--method', 'squash', '--push', 'origin']);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  pullMain(s);
  return { squash, stdout: r.stdout };
}

describe('ai-provenance ci local', function () {
  before(() => cliBundle());
  after(cleanupTemp);

  describe('squash merge', () => {
    it('puts every AI line of the PR on the squash commit; lines a person changed or wrote stay human', () => {
      const s = prScenario();
      advanceMain(s);
      const squash = githubSquash(s);
      const ci = ciClone(s);
      const r = cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', squash, '--push', 'origin']);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, new RegExp(`^${squash.slice(0, 12)}: detected a squash merge$`, 'm'));
      assert.match(r.stdout, new RegExp(`^${squash.slice(0, 12)}: wrote a note with 6 AI lines$`, 'm'));
      assert.match(r.stdout, /^pushed the notes of 1 commit to origin$/m);

      pullMain(s);
      assert.equal(git(s.dev, ['rev-parse', 'HEAD']).trim(), squash);
      const a = blame(s.dev, 'src/a.ts');
      assert.deepEqual(linesOf(a), [11, 13, 14], 'the agent lines of src/a.ts, with agent and model');
      assert.equal(a[11]!.kind, 'human', 'line 12, rewritten by a person in a later commit, is theirs');
      assert.equal(a[14]!.kind, 'human', 'line 15, written by a person');
      assert.deepEqual(linesOf(blame(s.dev, 'src/b.ts')), [1, 2, 3]);
      assert.deepEqual(linesOf(blame(s.dev, 'README.md')), [], "main's own change is not the PR's");
    });

    it('keeps AI lines the squash commit only re-spaced, makes one it touched up mixed and one it retyped human', () => {
      const s = prScenario();
      const ci = ciClone(s);
      // A squash made by hand for a CI with no merge button: a formatter re-spaced lines 11 and 13 of the head's
      // src/a.ts, a person touched up line 14, and retyped line 1 of src/b.ts.
      git(ci, ['checkout', '-q', '--detach', s.head]);
      write(ci, 'src/a.ts', lines(10) + '    ai one\nperson rewrote two\n  ai   three\nai four, checked\nperson five\n');
      write(ci, 'src/b.ts', 'expect(parse()).toBe(1)\ntest two\ntest three\n');
      git(ci, ['add', '.']);
      const tree = git(ci, ['write-tree']).trim();
      const squash = sh(ci, 'git', 'commit-tree', tree, '-p', 'origin/main', '-m', 'Parser (#12)').trim();
      const r = cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', squash, '--method', 'squash']);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      git(ci, ['checkout', '-q', '--detach', squash]);
      const a = blame(ci, 'src/a.ts');
      assert.deepEqual(linesOf(a), [11, 13], 're-spaced AI lines keep their agent and model');
      assert.deepEqual(linesOf(a, 'mixed'), [14], 'the touched-up AI line is mixed');
      const b = blame(ci, 'src/b.ts');
      assert.deepEqual(linesOf(b), [2, 3]);
      assert.equal(b[0]!.kind, 'human', 'a retyped AI line is the person\'s');
    });

    it('follows a file the pull request renamed after the agent wrote it', () => {
      const s = prScenario();
      git(s.dev, ['mv', 'src/b.ts', 'src/c.ts']);
      write(s.dev, 'src/c.ts', 'test one\nperson two\ntest three\n');
      // A person's commit with no hooks at all: no note on it, so the lines must come from the earlier commit's note.
      git(s.dev, ['-c', 'core.hooksPath=/nonexistent', 'commit', '-qam', 'Rename the tests']);
      git(s.dev, ['push', '-q', 'origin', 'feature']);
      squashAndCarry(s);
      assert.deepEqual(linesOf(blame(s.dev, 'src/c.ts')), [1, 3], 'the agent lines under the new name; the line a person changed is theirs');
      assert.deepEqual(linesOf(blame(s.dev, 'src/a.ts')), [11, 13, 14]);
    });

    it('carries the lines of a pull request that merged main in', () => {
      const s = prScenario();
      advanceMain(s);
      git(s.dev, ['fetch', '-q', 'origin', 'main']);
      git(s.dev, ['-c', 'core.hooksPath=/nonexistent', 'merge', '-q', '--no-edit', 'origin/main']);
      git(s.dev, ['push', '-q', 'origin', 'feature']);
      const { squash, stdout } = squashAndCarry(s);
      assert.match(stdout, new RegExp(`^${squash.slice(0, 12)}: wrote a note with 6 AI lines$`, 'm'));
      assert.deepEqual(linesOf(blame(s.dev, 'src/a.ts')), [11, 13, 14]);
      assert.deepEqual(linesOf(blame(s.dev, 'src/b.ts')), [1, 2, 3]);
      assert.deepEqual(linesOf(blame(s.dev, 'README.md')), [], "main's own change, merged into the pull request, is not the PR's");
    });

    it('joins with a note already on the squash commit instead of overwriting it, and writes nothing twice', () => {
      const s = prScenario();
      const squash = githubSquash(s);
      const ci = ciClone(s);
      git(ci, ['checkout', '-q', squash]);
      write(ci, 'src/a.ts', 'x\n');
      // A note someone wrote by hand on the squash commit: one line of src/c.ts by codex.
      const own = `{"version":"0.1.0","id":"x","timestamp":"2026-01-01T00:00:00Z","vcs":{"type":"git","revision":"${squash}"},"files":[{"path":"src/c.ts","conversations":[{"contributor":{"type":"ai"},"ranges":[{"start_line":1,"end_line":1}]}]}]}`;
      git(ci, ['notes', `--ref=${NOTES}`, 'add', '-m', own, squash]);
      git(ci, ['checkout', '-q', '--', '.']);
      let r = cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', squash, '--method', 'squash']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /joined 6 AI lines with the note already there/);
      const note = git(ci, ['notes', `--ref=${NOTES}`, 'show', squash]);
      assert.match(note, /"src\/c\.ts"/, 'the existing record is kept');
      assert.match(note, /"src\/b\.ts"/, 'the carried lines are added');
      r = cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', squash]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /its note already holds these lines; left as it is/);
      assert.equal(git(ci, ['notes', `--ref=${NOTES}`, 'show', squash]), note);
    });

    it('leaves an unreadable note on the squash commit alone and says so', () => {
      const s = prScenario();
      const squash = githubSquash(s);
      const ci = ciClone(s);
      git(ci, ['notes', `--ref=${NOTES}`, 'add', '-m', 'not json', squash]);
      const r = cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', squash]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /already has a note that cannot be read \(1:1: invalid JSON.*\); left as it is, nothing carried/);
      assert.equal(git(ci, ['notes', `--ref=${NOTES}`, 'show', squash]), 'not json\n');
    });
  });

  describe('rebase merge', () => {
    it('carries each note to the commit with the same patch id, with GitHub as committer and new ids', () => {
      const s = prScenario();
      advanceMain(s);
      const tip = githubRebase(s);
      const ci = ciClone(s);
      const made = git(ci, ['rev-list', '--reverse', `${tip}~3..${tip}`]).trim().split('\n');
      assert.equal(git(ci, ['log', '-1', '--format=%cn', tip]).trim(), 'GitHub');
      const r = cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', tip, '--push', 'origin']);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /detected a rebase merge \(3 of 3 commits paired by patch id\)/);
      assert.match(r.stdout, new RegExp(`^${made[0]!.slice(0, 12)}: wrote a note with 4 AI lines carried from ${s.commits[0]!.slice(0, 12)}$`, 'm'));
      assert.match(r.stdout, new RegExp(`^${made[2]!.slice(0, 12)}: wrote a note with 3 AI lines carried from ${s.commits[2]!.slice(0, 12)}$`, 'm'));
      pullMain(s);
      const a = blame(s.dev, 'src/a.ts');
      assert.deepEqual(linesOf(a), [11, 13, 14]);
      assert.equal(a[11]!.kind, 'human');
      assert.equal(a[14]!.kind, 'human');
      assert.deepEqual(linesOf(blame(s.dev, 'src/b.ts')), [1, 2, 3]);
    });

    it('joins with notes already on the rebased commits instead of overwriting them, in one notes commit', () => {
      const s = prScenario();
      advanceMain(s);
      const tip = githubRebase(s);
      const ci = ciClone(s);
      const made = git(ci, ['rev-list', '--reverse', `${tip}~3..${tip}`]).trim().split('\n');
      // Notes someone wrote by hand on two of the new commits: one line of src/c.ts each.
      const own = (c: string): string => `{"version":"0.1.0","id":"x","timestamp":"2026-01-01T00:00:00Z","vcs":{"type":"git","revision":"${c}"},"files":[{"path":"src/c.ts","conversations":[{"contributor":{"type":"ai"},"ranges":[{"start_line":1,"end_line":1}]}]}]}`;
      git(ci, ['notes', `--ref=${NOTES}`, 'add', '-m', own(made[0]!), made[0]!]);
      git(ci, ['notes', `--ref=${NOTES}`, 'add', '-m', own(made[2]!), made[2]!]);
      const before = git(ci, ['rev-parse', NOTES]).trim();
      let r = cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', tip, '--method', 'rebase']);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, new RegExp(`^${made[0]!.slice(0, 12)}: joined 4 AI lines from ${s.commits[0]!.slice(0, 12)} with the note already there$`, 'm'));
      assert.match(r.stdout, new RegExp(`^${made[2]!.slice(0, 12)}: joined 3 AI lines from ${s.commits[2]!.slice(0, 12)} with the note already there$`, 'm'));
      assert.equal(git(ci, ['rev-parse', `${NOTES}^`]).trim(), before, 'both written in one notes commit on top of the notes there');
      const noted = [made[0]!, made[2]!];
      const notes = noted.map((c) => sh(ci, 'git', 'notes', `--ref=${NOTES}`, 'show', c));
      assert.match(notes[0]!, /"src\/c\.ts"/, 'the existing record of the first commit is kept');
      assert.match(notes[0]!, /"src\/a\.ts"/, 'the carried lines of the first commit are added');
      assert.match(notes[1]!, /"src\/c\.ts"/, 'the existing record of the third commit is kept');
      assert.match(notes[1]!, /"src\/b\.ts"/, 'the carried lines of the third commit are added');
      r = cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', tip, '--method', 'rebase']);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, new RegExp(`^${made[2]!.slice(0, 12)}: its note already holds these lines; left as it is$`, 'm'));
      assert.deepEqual(noted.map((c) => sh(ci, 'git', 'notes', `--ref=${NOTES}`, 'show', c)), notes, 'nothing written twice');
      assert.deepEqual(linesOf(blame(ci, 'src/a.ts')), [11, 13, 14]);
      assert.deepEqual(linesOf(blame(ci, 'src/b.ts')), [1, 2, 3]);
    });

    it('pairs a commit whose patch changed while rebasing by git range-diff, its AI lines carried unchanged', () => {
      const s = prScenario();
      // main changes a line in the context of the PR's first commit, so that commit's patch id changes (no conflict).
      const web = ciClone(s);
      git(web, ['checkout', '-q', 'main']);
      write(web, 'src/a.ts', `${sh(web, 'git', 'show', 'main:src/a.ts').replace('line 8\n', 'line eight\n')}`);
      sh(web, 'git', 'commit', '-qam', 'rename line 10');
      sh(web, 'git', 'push', '-q', 'origin', 'main');
      const tip = githubRebase(s);
      const ci = ciClone(s);
      const made = git(ci, ['rev-list', '--reverse', `${tip}~3..${tip}`]).trim().split('\n');
      const r = cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', tip]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /detected a rebase merge \(2 of 3 commits paired by patch id, 1 by git range-diff\)/);
      assert.match(r.stdout, new RegExp(`^${made[0]!.slice(0, 12)}: paired with ${s.commits[0]!.slice(0, 12)} by git range-diff \\(same subject\\); all 4 AI lines carry unchanged$`, 'm'));
      assert.doesNotMatch(r.stdout, /its note was not carried|no original commit/);
      const noted = sh(ci, 'git', 'notes', `--ref=${NOTES}`, 'list');
      assert.equal(noted.includes(made[0]!), true, 'the commit whose patch changed got its note');
      assert.equal(noted.includes(made[2]!), true, 'the paired commit got its note');
    });
  });

  describe('merge commit', () => {
    it('has nothing to carry: the PR commits keep their notes', () => {
      const s = prScenario();
      advanceMain(s);
      const m = githubMergeCommit(s);
      const ci = ciClone(s);
      const before = git(ci, ['rev-parse', NOTES]).trim();
      const r = cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', m]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /a merge commit; the pull request's commits keep their notes, nothing to carry/);
      assert.equal(git(ci, ['rev-parse', NOTES]).trim(), before, 'no notes commit made');
      pullMain(s);
      assert.deepEqual(linesOf(blame(s.dev, 'src/a.ts')), [11, 13, 14]);
    });
  });

  describe('pushing the notes', () => {
    it('answers a rejected push by fetching and joining the remote notes, never forcing', () => {
      const s = prScenario();
      const squash = githubSquash(s);
      const ci = ciClone(s);
      // Meanwhile the developer commits more AI work on another branch and pushes its note.
      git(s.dev, ['checkout', '-qb', 'other', s.base]);
      write(s.dev, 'src/d.ts', 'agent\n');
      record(s.dev, 'src/d.ts');
      git(s.dev, ['add', '.']);
      git(s.dev, ['commit', '-qm', 'Other work']);
      const other = git(s.dev, ['rev-parse', 'HEAD']).trim();
      git(s.dev, ['push', '-q', 'origin', 'other']);
      pushMeanwhile(ci, s.dev, [NOTES]);
      const remoteBefore = sh(s.server, 'git', 'rev-parse', NOTES).trim();
      const r = cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', squash, '--push', 'origin']);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /^origin refused the notes \(they changed meanwhile\); fetching, joining and trying again$/m);
      assert.match(r.stdout, /^pushed the notes of 1 commit to origin$/m);
      const remoteAfter = sh(s.server, 'git', 'rev-parse', NOTES).trim();
      assert.equal(sh(s.server, 'git', 'merge-base', '--is-ancestor', remoteBefore, remoteAfter), '', 'a fast-forward of the remote notes');
      const listed = sh(s.server, 'git', 'notes', `--ref=${NOTES}`, 'list');
      assert.ok(listed.includes(squash) && listed.includes(other), 'both notes are on the server');
      assert.equal(sh(ci, 'git', 'for-each-ref', 'refs/ai-provenance/'), '', 'the temporary ref is gone');
    });

    it("keeps its own notes when the clone fetches every notes ref with '+refs/notes/*:refs/notes/*'", () => {
      const s = prScenario();
      const squash = githubSquash(s);
      const ci = ciClone(s);
      sh(ci, 'git', 'config', '--add', 'remote.origin.fetch', '+refs/notes/*:refs/notes/*');
      // The remote's notes move on after this clone fetched them, so the push is rejected once.
      git(s.dev, ['checkout', '-qb', 'other', s.base]);
      write(s.dev, 'src/d.ts', 'agent\n');
      record(s.dev, 'src/d.ts');
      git(s.dev, ['add', '.']);
      git(s.dev, ['commit', '-qm', 'Other work']);
      git(s.dev, ['push', '-q', 'origin', 'other']);
      pushMeanwhile(ci, s.dev, [NOTES]);
      const r = cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', squash, '--push', 'origin']);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /^origin refused the notes \(they changed meanwhile\)/m);
      assert.ok(sh(s.server, 'git', 'notes', `--ref=${NOTES}`, 'list').includes(squash), 'the squash note reached the server');
      const moves = sh(ci, 'git', 'log', '-g', '--format=%H %gs', NOTES).trim().split('\n');
      for (const m of moves.slice(1)) {
        const [sha] = m.split(' ');
        assert.equal(sh(ci, 'git', 'merge-base', '--is-ancestor', sha!, NOTES), '', `the clone's notes ref still holds ${m}`);
      }
      assert.deepEqual(moves.slice(0, -1).filter((m) => / fetch /.test(` ${m}`)), [], 'no fetch of this run wrote the notes ref');
    });

    it('joins two records of the same commit line by line when both sides changed them', () => {
      const s = prScenario();
      const squash = githubSquash(s);
      const ci = ciClone(s);
      const other = ciClone(s);
      // Two runs carry the same squash commit; one of them also knows a hand-written line of src/c.ts.
      assert.equal(cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', squash]).status, 0);
      const own = `{"version":"0.1.0","id":"x","timestamp":"2026-01-01T00:00:00Z","vcs":{"type":"git","revision":"${squash}"},"files":[{"path":"src/c.ts","conversations":[{"contributor":{"type":"ai"},"ranges":[{"start_line":1,"end_line":2}]}]}]}`;
      git(other, ['notes', `--ref=${NOTES}`, 'add', '-m', own, squash]);
      git(other, ['push', '-q', 'origin', NOTES]);
      const r = cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', squash, '--push', 'origin']);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /^joined origin's notes into refs\/notes\/ai-provenance: 0 new, 1 joined record by record$/m);
      const note = JSON.parse(sh(s.server, 'git', 'notes', `--ref=${NOTES}`, 'show', squash)) as { files: { path: string }[] };
      assert.deepEqual(note.files.map((f) => f.path).sort(), ['src/a.ts', 'src/b.ts', 'src/c.ts']);
    });
  });

  describe('a push the remote refuses', () => {
    it('is fetched, joined and tried once more, then reported in one line with exit 1', () => {
      const s = prScenario();
      const squash = githubSquash(s);
      const ci = ciClone(s);
      write(s.server, 'hooks/pre-receive', '#!/bin/sh\necho "notes are read-only here" >&2\nexit 1\n');
      chmodSync(path.join(s.server, 'hooks/pre-receive'), 0o755);
      const r = cli(ci, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', squash, '--push', 'origin']);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stdout, /^could not push refs\/notes\/ai-provenance to origin: ! \[remote rejected\] refs\/notes\/ai-provenance -> refs\/notes\/ai-provenance \(pre-receive hook declined\)$/m);
      const retries = r.stdout.split('\n').filter((l) => /refused the notes/.test(l));
      assert.deepEqual(retries, ['origin refused the notes ([remote rejected] (pre-receive hook declined)); fetching, joining and trying again'], 'one more try, then the report');
      assert.ok(sh(ci, 'git', 'notes', `--ref=${NOTES}`, 'list').includes(squash), 'the note stays in the clone');
    });
  });

  describe('bad input', () => {
    it('names the missing commit in one line and exits 2', () => {
      const s = prScenario();
      const r = cli(s.dev, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', 'f'.repeat(40)]);
      assert.equal(r.status, 2);
      assert.equal(r.stderr, `ai-provenance ci: merge ${'f'.repeat(40)}: no such commit in this clone\n`);
      const u = cli(s.dev, ['ci', 'local', '--base', s.base, '--head', s.head]);
      assert.equal(u.status, 2);
      assert.match(u.stderr, /^ai-provenance ci local: --merge SHA is required/);
      const m = cli(s.dev, ['ci', 'local', '--base', s.base, '--head', s.head, '--merge', s.head, '--method', 'octopus']);
      assert.equal(m.status, 2);
      assert.match(m.stderr, /unknown method 'octopus'/);
    });

    it('takes any name git gives a commit, and names the first of the commits it cannot find', () => {
      const s = prScenario();
      const squash = githubSquash(s);
      const ci = ciClone(s);
      const tree = sh(ci, 'git', 'rev-parse', `${squash}^{tree}`).trim();
      const missing = (base: string, head: string, merge: string): string => {
        const r = cli(ci, ['ci', 'local', `--base=${base}`, `--head=${head}`, `--merge=${merge}`]);
        assert.equal(r.status, 2, r.stdout);
        assert.equal(r.stdout, '', 'nothing carried');
        return r.stderr;
      };
      assert.equal(missing(s.base, s.head, tree), `ai-provenance ci: merge ${tree}: no such commit in this clone\n`, 'a tree is no commit');
      assert.equal(missing(s.base, '--all', squash), `ai-provenance ci: head --all: no such commit in this clone\n`);
      assert.equal(missing('nope', s.head, 'f'.repeat(40)), `ai-provenance ci: base nope: no such commit in this clone\n`, 'the first one given');
      assert.equal(missing(s.base, `${s.head}\n${s.head}`, squash), `ai-provenance ci: head ${s.head}\\n${s.head}: no such commit in this clone\n`, 'one line');
      assert.ok(!sh(ci, 'git', 'notes', `--ref=${NOTES}`, 'list').includes(squash), 'no note written by the failed runs');
      // Branch names and revision expressions, as a CI script may pass them.
      const r = cli(ci, ['ci', 'local', '--base', `${s.base}^0`, '--head', 'origin/feature', '--merge', 'origin/main']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^${squash.slice(0, 12)}: wrote a note with \\d+ AI lines?$`, 'm'));
    });
  });
});
