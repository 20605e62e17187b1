// AI lines written while resolving a merge conflict: no trailers on the merge commit, but a note for the resolution.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseTraceRecord } from '../../../src/core/agentTrace';
import { runCheck } from '../../../src/git/check';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { aiLines, cleanupTemp, initRepo, write } from './helpers';
import { cliBundle, installHooks, hookedEnv, hookedGit } from './hookEnv';
import { fromLines } from '../../../src/core/lineRuns';

const env = hookedEnv;
const git = hookedGit;

function noteRuns(dir: string, rev = 'HEAD'): string[] | undefined {
  const r = spawnSync('git', ['notes', '--ref=refs/notes/ai-provenance', 'show', rev], { cwd: dir, env: env(), encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const parsed = parseTraceRecord(r.stdout);
  assert.ok(parsed.ok);
  return parsed.files.flatMap((f) => f.runs.map((x) => `${f.path}: ${x.start + 1}-${x.end} ${x.kind} ${f.attributions[x.id]!.agent}`));
}

const BASE = 'top\nvalue = 0\nbottom\n';

/** main and feature both change line 2 of billing/rate.ts; `git merge feature` stops on the conflict. */
function conflictedRepo(config?: string): string {
  const dir = initRepo();
  installHooks(path.join(dir, '.git', 'hooks'));
  if (config) write(dir, '.ai-provenance.json', config);
  write(dir, 'billing/rate.ts', BASE);
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  git(dir, 'switch', '-qc', 'feature');
  write(dir, 'billing/rate.ts', BASE.replace('value = 0', 'value = 1'));
  git(dir, 'commit', '-qam', 'feature');
  git(dir, 'switch', '-q', 'main');
  write(dir, 'billing/rate.ts', BASE.replace('value = 0', 'value = 2'));
  git(dir, 'commit', '-qam', 'main');
  assert.notEqual(spawnSync('git', ['merge', '-q', 'feature'], { cwd: dir, env: env() }).status, 0, 'the merge must conflict');
  return dir;
}

async function resolveWithAi(dir: string): Promise<void> {
  const resolved = 'top\nvalue = Math.max(1, 2) // resolved by an agent\nbottom\n';
  write(dir, 'billing/rate.ts', resolved);
  await WorkingState.forRepo(await discoverRepo(dir)).write('billing/rate.ts', resolved, fromLines(aiLines(4, [[2, 2]])));
  git(dir, 'add', 'billing/rate.ts');
}

describe('a merge commit with an AI-written conflict resolution', function () {
  // Real commits with hooks: seconds on a busy machine, not mocha's default 2 s.
  this.timeout(60_000);
  after(cleanupTemp);

  it('gets a note naming the resolution line, no trailers, and leaves nothing pending', async () => {
    const dir = conflictedRepo();
    await resolveWithAi(dir);
    git(dir, 'commit', '-q', '--no-edit');
    assert.equal(git(dir, 'rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ').length, 3, 'HEAD is a merge');
    assert.doesNotMatch(git(dir, 'log', '-1', '--format=%B'), /Assisted-by|AI-Lines/);
    assert.deepEqual(noteRuns(dir), ['billing/rate.ts: 2-2 ai claude-code']);
    assert.deepEqual(await WorkingState.forRepo(await discoverRepo(dir)).paths(), []);
  });

  it('shows the resolution line as AI in blame', () => {
    const dir = conflictedRepo();
    return resolveWithAi(dir).then(() => {
      git(dir, 'commit', '-q', '--no-edit');
      const out = JSON.parse(execFileSync(process.execPath, [cliBundle().cli, 'blame', 'billing/rate.ts', '--json'], { cwd: dir, env: hookedEnv(), encoding: 'utf8' })) as { kind: string }[];
      assert.deepEqual(out.map((l) => l.kind), ['human', 'ai', 'human']);
    });
  });

  it('writes no note for a merge whose lines all come from its parents', async () => {
    const dir = conflictedRepo();
    write(dir, 'billing/rate.ts', BASE.replace('value = 0', 'value = 1'));
    git(dir, 'add', 'billing/rate.ts');
    git(dir, 'commit', '-q', '--no-edit');
    assert.equal(noteRuns(dir), undefined);
  });

  it('is judged by check, which reads the notes of merge commits', async () => {
    const config = JSON.stringify({ critical: [{ paths: ['billing/**'], reason: 'Money', level: 'block', reviewers: [] }] });
    const dir = conflictedRepo(config);
    const base = git(dir, 'rev-parse', 'HEAD~1').trim();
    await resolveWithAi(dir);
    // --no-verify: the commit-msg refusal is skipped, as CI must still catch it.
    git(dir, 'commit', '-q', '--no-edit', '--no-verify');
    const result = await runCheck({ cwd: dir, range: [`${base}..HEAD`] });
    const merge = result.commits.find((c) => c.commit === git(dir, 'rev-parse', 'HEAD').trim());
    assert.ok(merge, 'the merge commit is checked');
    assert.equal(merge.source, 'note');
    assert.equal(merge.violations.length, 1);
  });
});
