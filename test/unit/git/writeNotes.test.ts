// Writing many notes at once (a rebase merge's): one notes commit that `git notes` reads as if each were added by hand.
import { strict as assert } from 'node:assert';
import { discoverRepo } from '../../../src/git/repo';
import { NOTES_REF, writeNote, writeNotes } from '../../../src/git/notes';
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
});
