// The CLI copy installs run from the extension's global storage: real builds in temporary folders, and a real git
// repository whose hooks must keep working after the extension's own folder is gone (as after an update).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { CLI_FILES, ensureStableCli } from '../../../src/extension/stableCli';
import { copyBuiltCli } from '../cliBuild';
import { cleanupTemp, GIT_ENV, initRepo, sh, tempDir, write } from '../git/helpers';

const ROOT = path.resolve(__dirname, '../../..');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The CLI as it ships, copied into `<dir>/dist` as it sits inside an installed extension. */
function extensionFolder(): string {
  const dir = tempDir('aip-ext-');
  copyBuiltCli(path.join(dir, 'dist'));
  return dir;
}

function node(cli: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...GIT_ENV, AI_PROVENANCE_CACHE_DIR: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the CLI copy in the extension\'s storage', function () {
  after(cleanupTemp);

  it('is made once per build, and git hooks installed from it outlive the extension folder', async () => {
    const ext = extensionFolder();
    const storage = path.join(tempDir('aip-storage-'), 'cli');
    const cli = await ensureStableCli(path.join(ext, 'dist'), storage, VERSION);
    const copy = path.dirname(cli);
    assert.equal(path.dirname(copy), storage);
    assert.match(path.basename(copy), new RegExp(`^${VERSION.replace(/\./g, '\\.')}-[0-9a-f]{8}$`));
    for (const f of CLI_FILES) assert.deepEqual(readFileSync(path.join(copy, f)), readFileSync(path.join(ext, 'dist', f)), f);
    assert.equal(node(cli, ['--version'], storage).stdout, `${VERSION}\n`);
    assert.deepEqual(readdirSync(storage), [path.basename(copy)], 'no temporary folder left');

    // Nothing is rewritten while the extension's build is the same.
    const before = CLI_FILES.map((f) => statSync(path.join(copy, f)).ino);
    assert.equal(await ensureStableCli(path.join(ext, 'dist'), storage, VERSION), cli);
    assert.deepEqual(CLI_FILES.map((f) => statSync(path.join(copy, f)).ino), before);

    const repo = initRepo();
    const installed = node(cli, ['install'], repo);
    assert.equal(installed.status, 0, installed.stderr);
    assert.ok(readFileSync(path.join(repo, '.git', 'ai-provenance', 'hooks', 'prepare-commit-msg'), 'utf8').includes(`ap_cli='${cli}'`));
    // An update installs the extension elsewhere and deletes this folder.
    rmSync(ext, { recursive: true, force: true });
    write(repo, 'a.ts', 'one\ntwo\n');
    const recorded = node(cli, ['record', '--agent', 'claude-code', 'a.ts:2-2'], repo);
    assert.equal(recorded.status, 0, recorded.stderr);
    sh(repo, 'git', 'add', '.');
    const commit = spawnSync('git', ['commit', '-qm', 'after the update'], { cwd: repo, env: GIT_ENV, encoding: 'utf8' });
    assert.equal(commit.status, 0, commit.stderr);
    assert.doesNotMatch(commit.stderr, /not found/);
    assert.match(sh(repo, 'git', 'log', '-1', '--format=%B'), /^Assisted-by: claude-code$/m);
  });

  it('makes a new copy for a new version or build and leaves the older ones, which hooks may still name', async () => {
    const ext = extensionFolder();
    const dist = path.join(ext, 'dist');
    const storage = path.join(tempDir('aip-storage-'), 'cli');
    const first = await ensureStableCli(dist, storage, '0.1.0');
    const second = await ensureStableCli(dist, storage, '0.2.0');
    assert.notEqual(path.dirname(second), path.dirname(first), 'a new version');
    // A rebuild: the same version, a bundle with another time.
    utimesSync(path.join(dist, 'cli-hook.js'), new Date(), new Date(Date.now() + 5_000));
    const third = await ensureStableCli(dist, storage, '0.2.0');
    assert.notEqual(path.dirname(third), path.dirname(second), 'a new build');
    for (const cli of [first, second, third]) assert.equal(node(cli, ['--version'], storage).stdout, `${VERSION}\n`);
    assert.equal(readdirSync(storage).length, 3);
    // Two windows at once: both get the same complete copy.
    const [a, b] = await Promise.all([ensureStableCli(dist, storage, '0.3.0'), ensureStableCli(dist, storage, '0.3.0')]);
    assert.equal(a, b);
    assert.equal(node(a, ['--version'], storage).stdout, `${VERSION}\n`);
    assert.equal(readdirSync(storage).filter((n) => n.startsWith('.')).length, 0, 'no temporary folder left');
  });
});
