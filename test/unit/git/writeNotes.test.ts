// Writing many notes at once (a rebase merge's): one notes commit that `git notes` reads as if each were added by hand.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { discoverRepo } from '../../../src/git/repo';
import { NOTES_REF, readOwnNotesAt, writeNote, writeNotes } from '../../../src/git/notes';
import { cleanupTemp, initRepo, sh, write } from './helpers';

function commits(dir: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    write(dir, `f${i}.txt`, `${i}\n`);
    sh(dir, 'git', 'add', '.');
    sh(dir, 'git', 'commit', '-qm', `c${i}`);
    out.push(sh(dir, 'git', 'rev-parse', 'HEAD').trim());
  }
  return out;
}

describe('writeNotes', () => {
  after(cleanupTemp);

  it('writes every note in one notes commit, on a repository that had no notes yet', async () => {
    const dir = initRepo();
    const cs = commits(dir, 3);
    await writeNotes(await discoverRepo(dir), new Map(cs.map((c, i) => [c, `{"n":${i}}`])));
    cs.forEach((c, i) => assert.equal(sh(dir, 'git', 'notes', `--ref=${NOTES_REF}`, 'show', c), `{"n":${i}}\n`));
    assert.equal(sh(dir, 'git', 'rev-list', '--count', NOTES_REF).trim(), '1');
  });

  it('keeps the notes already there, replaces those it is given, and adds one commit on top as the same committer', async () => {
    const dir = initRepo();
    const cs = commits(dir, 3);
    const repo = await discoverRepo(dir);
    await writeNote(repo, cs[0]!, 'kept\n');
    await writeNote(repo, cs[1]!, 'old\n');
    const before = sh(dir, 'git', 'rev-parse', NOTES_REF).trim();
    await writeNotes(repo, new Map([[cs[1]!, 'new \n\n'], [cs[2]!, 'added']]));
    assert.equal(sh(dir, 'git', 'notes', `--ref=${NOTES_REF}`, 'show', cs[0]!), 'kept\n');
    assert.equal(sh(dir, 'git', 'notes', `--ref=${NOTES_REF}`, 'show', cs[1]!), 'new\n');
    assert.equal(sh(dir, 'git', 'notes', `--ref=${NOTES_REF}`, 'show', cs[2]!), 'added\n');
    assert.equal(sh(dir, 'git', 'rev-parse', `${NOTES_REF}^`).trim(), before);
    const committer = (rev: string): string => sh(dir, 'git', 'log', '-1', '--format=%cn <%ce>', rev).trim();
    assert.equal(committer(NOTES_REF), committer(before), "the same identity as git notes add's commit");
  });

  it('writes nothing over a note added after the notes were read, and says so', async () => {
    const dir = initRepo();
    const cs = commits(dir, 3);
    const repo = await discoverRepo(dir);
    await writeNote(repo, cs[0]!, 'old\n');
    const at = await readOwnNotesAt(repo, cs);
    assert.deepEqual([...at.texts], [[cs[0]!, 'old\n']]);
    // Another writer adds a note after the read: joining would have to see it first.
    await writeNote(repo, cs[1]!, 'meanwhile\n');
    const moved = sh(dir, 'git', 'rev-parse', NOTES_REF).trim();
    await assert.rejects(writeNotes(repo, new Map([[cs[0]!, 'joined'], [cs[1]!, 'carried']]), at), /refs\/notes\/ai-provenance changed while notes were being written to it; nothing was written/);
    await assert.rejects(writeNotes(repo, new Map([[cs[1]!, 'carried']]), at), /nothing was written/);
    assert.equal(sh(dir, 'git', 'rev-parse', NOTES_REF).trim(), moved);
    assert.equal(sh(dir, 'git', 'notes', `--ref=${NOTES_REF}`, 'show', cs[0]!), 'old\n');
    assert.equal(sh(dir, 'git', 'notes', `--ref=${NOTES_REF}`, 'show', cs[1]!), 'meanwhile\n');
    await writeNotes(repo, new Map([[cs[2]!, 'after a fresh read']]), await readOwnNotesAt(repo, cs));
    assert.equal(sh(dir, 'git', 'notes', `--ref=${NOTES_REF}`, 'show', cs[2]!), 'after a fresh read\n');
    assert.equal(sh(dir, 'git', 'rev-parse', `${NOTES_REF}^`).trim(), moved);
  });

  it("reads the clone's own notes at one tip, in fan-out folders too, and not the fetched ones", async () => {
    const dir = initRepo();
    // 600 commits with a note each, in one fast-import: enough notes for git to split them into folders.
    const script = [...Array(600).keys()].map((i) => `commit refs/heads/many\nmark :${i + 1}\ncommitter A <a@b> ${i} +0000\ndata 2\nc\n`);
    script.push(`commit ${NOTES_REF}\ncommitter A <a@b> 0 +0000\ndata 2\nn\n`, ...[...Array(600).keys()].map((i) => `N inline :${i + 1}\ndata ${String(i).length + 1}\n${i}\n`), 'done\n');
    execFileSync('git', ['fast-import', '--quiet', '--done'], { cwd: dir, input: script.join(''), stdio: ['pipe', 'ignore', 'inherit'] });
    assert.match(sh(dir, 'git', 'ls-tree', '--name-only', NOTES_REF), /^[0-9a-f]{2}$/m, 'the notes are in fan-out folders');
    const many = sh(dir, 'git', 'rev-list', '--reverse', 'many').trim().split('\n');
    const [first, last] = [many[0]!, many[599]!];
    const own = await readOwnNotesAt(await discoverRepo(dir), [first, last]);
    // A note fetched from a remote for the same commit: not the clone's own.
    sh(dir, 'git', 'notes', '--ref=refs/notes/remotes/origin/ai-provenance', 'add', '-m', 'fetched', first);
    assert.equal(own.tip, sh(dir, 'git', 'rev-parse', NOTES_REF).trim());
    assert.deepEqual(own.texts, new Map([[first, '0\n'], [last, '599\n']]));
    assert.deepEqual((await readOwnNotesAt(await discoverRepo(dir), [first])).texts, new Map([[first, '0\n']]));
  });
});
