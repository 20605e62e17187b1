import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { installHooks, uninstallHooks } from '../../../src/git/install';
import { hookScript } from '../../../src/git/hookScripts';
import { discoverRepo } from '../../../src/git/repo';
import { WorkingState } from '../../../src/git/workingState';
import { command as checkCommand } from '../../../src/cli/commands/check';
import * as os from 'node:os';
import { copyBuiltCli } from '../cliBuild';
import { aiLines, GIT_ENV, lines, write } from './helpers';
import { fromLines } from '../../../src/core/lineRuns';

// End to end with real parts: `install` places the real hook bodies (bundled CLI, real node), an agent's
// lines go into the real working state, and git runs the hooks; then `check` judges what was committed.

const CONFIG = '{ "critical": [ { "paths": ["infra/**"], "reason": "Production infrastructure", "level": "block", "reviewers": ["jane@example.com"] } ] }\n';

// The compiled-code cache of the throwaway CLI build stays out of the user's cache folder.
const CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-install-flow-cache-'));
process.on('exit', () => fs.rmSync(CACHE_DIR, { recursive: true, force: true }));

function git(dir: string, args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('git', args as string[], { cwd: dir, env: { ...GIT_ENV, AI_PROVENANCE_CACHE_DIR: CACHE_DIR }, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function ok(dir: string, ...args: string[]): string {
  const r = git(dir, args);
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function recordAi(dir: string, file: string, text: string, ranges: [number, number][]): Promise<void> {
  write(dir, file, text);
  await WorkingState.forRepo(await discoverRepo(dir)).write(file, text, fromLines(aiLines(text.split('\n').length, ranges)));
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function check(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string }> {
  const stdout = new Sink();
  const code = await checkCommand.run(args, { cwd, stdout, stderr: new Sink(), stdin: Readable.from([]) });
  return { code, stdout: stdout.text };
}

describe('installed hooks, end to end', function () {

  let tmp: string;
  let cli: string;
  let dir: string;
  let base: string;

  before(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aip-install-flow-')));
    // A private copy of the CLI as `npm run build` makes it, so the hooks run the real command.
    cli = copyBuiltCli(tmp);
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(tmp, 'repo-'));
    ok(dir, 'init', '-q', '-b', 'main');
    write(dir, '.ai-provenance.json', CONFIG);
    write(dir, 'README', 'hi\n');
    ok(dir, 'add', '.');
    ok(dir, 'commit', '-qm', 'base');
    base = ok(dir, 'rev-parse', 'HEAD').trim();
    // A user's own commit-msg hook that was there first and must keep running.
    fs.writeFileSync(path.join(dir, '.git', 'hooks', 'commit-msg'), `#!/bin/sh\necho "user hook ran" >> "${path.join(dir, '.git', 'user.log')}"\n`, { mode: 0o755 });
    await installHooks({ cwd: dir, cliPath: cli, nodePath: process.execPath, hookBody: hookScript });
  });

  it('refuses an unreviewed AI change to a block path, and check catches the same change made with --no-verify', async () => {
    await recordAi(dir, 'infra/main.tf', lines(4), [[1, 3]]);
    ok(dir, 'add', '.');
    const refused = git(dir, ['commit', '-qm', 'Scale the cluster']);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, /infra\/main\.tf/);
    assert.equal(ok(dir, 'rev-parse', 'HEAD').trim(), base);

    ok(dir, 'commit', '-q', '--no-verify', '-m', 'Scale the cluster');
    const sha = ok(dir, 'rev-parse', 'HEAD').trim();
    assert.match(ok(dir, 'log', '-1', '--format=%B'), /^AI-Critical: infra\/main\.tf$/m);
    const r = await check(dir, `${base}..HEAD`, '--format', 'json');
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout) as { commits: { commit: string; source: string; files: unknown[] }[] };
    assert.equal(doc.commits[0].commit, sha);
    assert.equal(doc.commits[0].source, 'note');
    assert.deepEqual(doc.commits[0].files, [{ path: 'infra/main.tf', aiLines: 3, ranges: [{ startLine: 1, endLine: 3 }] }]);
    assert.equal(fs.readFileSync(path.join(dir, '.git', 'user.log'), 'utf8'), 'user hook ran\n');
  });

  it('accepts the change signed off by an allowed reviewer, and check agrees', async () => {
    await recordAi(dir, 'infra/main.tf', lines(4), [[1, 3]]);
    ok(dir, 'add', '.');
    ok(dir, 'commit', '-q', '-m', 'Scale the cluster\n\nAI-Reviewed-by: Jane Doe <jane@example.com>');
    assert.equal((await check(dir, `${base}..HEAD`)).code, 0);
  });

  it('leaves a commit without AI lines untouched, and uninstall puts the user hook back', async () => {
    write(dir, 'notes.txt', 'by hand\n');
    ok(dir, 'add', '.');
    ok(dir, 'commit', '-qm', 'Human change');
    assert.equal(ok(dir, 'log', '-1', '--format=%B'), 'Human change\n\n');
    await uninstallHooks(dir);
    assert.equal(fs.readFileSync(path.join(dir, '.git', 'hooks', 'commit-msg'), 'utf8'), `#!/bin/sh\necho "user hook ran" >> "${path.join(dir, '.git', 'user.log')}"\n`);
    assert.equal(fs.existsSync(path.join(dir, '.git', 'hooks', 'post-commit')), false);
  });
});
