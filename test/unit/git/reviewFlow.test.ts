// The sign-off flows a refused commit leads to, through the real git hooks.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseTrailers } from '../../../src/core/trailers';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { aiLines, cleanupTemp, initRepo, lines, write } from './helpers';
import { cliBundle, installHooks, hookedEnv } from './hookEnv';

const REVIEW = 'AI-Reviewed-by: Jane Doe <jane@example.com>';
const CONFIG = JSON.stringify({ critical: [{ paths: ['infra/**'], reason: 'Production infrastructure', level: 'block', reviewers: ['jane@example.com'] }] });

const env = hookedEnv;

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: env(), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function gitResult(dir: string, args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync('git', args, { cwd: dir, env: env(), encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

function count(message: string, token: string): number {
  return message.split('\n').filter((l) => l.startsWith(`${token}:`)).length;
}

/** A repository with hooks, a block rule on infra/**, and two staged AI lines in infra/main.tf. */
async function refusedRepo(): Promise<string> {
  const dir = initRepo();
  installHooks(path.join(dir, '.git', 'hooks'));
  write(dir, '.ai-provenance.json', CONFIG);
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'config');
  const text = lines(3);
  write(dir, 'infra/main.tf', text);
  await WorkingState.forRepo(await discoverRepo(dir)).write('infra/main.tf', text, aiLines(3, [[1, 2]]));
  git(dir, 'add', '.');
  return dir;
}

function assertOneSetAndTheReview(dir: string): void {
  const msg = git(dir, 'log', '-1', '--format=%B');
  for (const token of ['Assisted-by', 'AI-Lines', 'AI-Critical', 'AI-Reviewed-by']) assert.equal(count(msg, token), 1, `${token} once in:\n${msg}`);
  const read = parseTrailers(msg).map((t) => t.token);
  assert.deepEqual(read, ['AI-Reviewed-by', 'Assisted-by', 'AI-Lines', 'AI-Critical'], `git reads all of them as one trailer block:\n${msg}`);
}

describe('signing off a refused commit', function () {
  this.timeout(60_000);
  before(() => cliBundle());
  after(cleanupTemp);

  it('commits once, with one set of trailers, when the sign-off is added as a new last paragraph of COMMIT_EDITMSG', async () => {
    const dir = await refusedRepo();
    const refused = gitResult(dir, ['commit', '-m', 'Change infra']);
    assert.notEqual(refused.status, 0, 'the unreviewed commit is refused');
    const saved = path.join(dir, '.git', 'COMMIT_EDITMSG');
    const kept = readFileSync(saved, 'utf8');
    assert.match(kept, /^AI-Critical: infra\/main\.tf$/m, 'the kept message carries our trailers');
    writeFileSync(saved, `${kept.replace(/\n*$/, '\n')}\n${REVIEW}\n`);
    const r = gitResult(dir, ['commit', '-F', '.git/COMMIT_EDITMSG']);
    assert.equal(r.status, 0, r.stderr);
    assertOneSetAndTheReview(dir);
  });

  it('keeps one set of trailers when the sign-off is appended with git commit --amend -m "$(git log -1 --format=%B)…"', async () => {
    const dir = await refusedRepo();
    assert.equal(gitResult(dir, ['commit', '--no-verify', '-m', 'Change infra']).status, 0);
    // $(…) in a shell drops the final newlines, as this does.
    const previous = git(dir, 'log', '-1', '--format=%B').replace(/\n+$/, '');
    const r = gitResult(dir, ['commit', '--amend', '-m', `${previous}\n\n${REVIEW}`]);
    assert.equal(r.status, 0, r.stderr);
    assertOneSetAndTheReview(dir);
  });
});
