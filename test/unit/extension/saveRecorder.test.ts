// The extension's save recorder over a real repository and the real git store; only the VS Code save event that
// calls it is left out (it needs a running editor: see test/integration for that path).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { activitySince } from '../../../src/git/activityLog';
import { GitStore } from '../../../src/extension/gitStore';
import { SaveRecorder } from '../../../src/extension/saveRecorder';
import { SnapshotStore } from '../../../src/agents/snapshots';

describe('save recorder', () => {
  let tmp: string;
  let repo: string;
  let warnings: string[];
  const recorder = (opts: { canWrite?: boolean; now?: number } = {}) => {
    const store = new GitStore(() => true, () => [repo]);
    return new SaveRecorder({ repoFor: (f) => store.repoFor(f), canWrite: () => opts.canWrite ?? true, warn: (l) => warnings.push(l), ...(opts.now ? { now: () => opts.now! } : {}) });
  };
  const state = () => path.join(repo, '.git', 'ai-provenance');
  /** An agent's shell command announced and not finished, as the agent hook leaves it. */
  const openShellWindow = () => new SnapshotStore(path.join(state(), 'snapshots')).put(['claude-code', 's1', 'call-1'], { at: Date.now(), by: 'claude-code\0s1', dirty: {} });

  beforeEach(() => {
    tmp = realpathSync(mkdtempSync(path.join(tmpdir(), 'aip-saves-')));
    repo = path.join(tmp, 'repo');
    mkdirSync(path.join(repo, 'src'), { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: repo });
    warnings = [];
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes nothing while no agent tool call is open (a save then cannot matter to a shell command)', async () => {
    writeFileSync(path.join(repo, 'src/a.ts'), 'x\n');
    await recorder().saved(path.join(repo, 'src/a.ts'), 'x\n');
    assert.equal(existsSync(path.join(state(), 'activity')), false);
    assert.deepEqual(warnings, []);
  });

  it('records the repository path, the hash of the saved text and the time', async () => {
    await openShellWindow();
    const text = 'export const a = 1;\n';
    writeFileSync(path.join(repo, 'src/a.ts'), text);
    await recorder({ now: 1_000_000 }).saved(path.join(repo, 'src/a.ts'), text);
    assert.deepEqual(activitySince(state(), 0), [
      { by: 'editor', kind: 'save', start: 1_000_000, end: 1_000_000, files: { 'src/a.ts': createHash('sha1').update(text).digest('hex') } },
    ]);
    assert.deepEqual(warnings, []);
  });

  it('writes nothing in an untrusted workspace', async () => {
    await openShellWindow();
    await recorder({ canWrite: false }).saved(path.join(repo, 'src/a.ts'), 'x\n');
    assert.equal(existsSync(path.join(state(), 'activity')), false);
  });

  it('writes nothing for a file outside any repository', async () => {
    await openShellWindow();
    await recorder().saved(path.join(tmp, 'loose.ts'), 'x\n');
    assert.equal(existsSync(path.join(state(), 'activity')), false);
    assert.deepEqual(warnings, []);
  });

  it('never writes through a link planted in place of the activity folder, and says so', async () => {
    const elsewhere = path.join(tmp, 'elsewhere');
    mkdirSync(elsewhere);
    mkdirSync(state(), { recursive: true });
    symlinkSync(elsewhere, path.join(state(), 'activity'));
    await openShellWindow();
    await recorder().saved(path.join(repo, 'src/a.ts'), 'x\n');
    assert.deepEqual(readdirSync(elsewhere), []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /src\/a\.ts: cannot record the save .*activity: is a symbolic link or not a folder/);
  });

  it('drops records over an hour old when it writes', async () => {
    const hour = 60 * 60 * 1000;
    await openShellWindow();
    await recorder({ now: 5 * hour }).saved(path.join(repo, 'src/a.ts'), 'old\n');
    await recorder({ now: 6 * hour + 1 }).saved(path.join(repo, 'src/a.ts'), 'new\n');
    assert.deepEqual(activitySince(state(), 0).map((r) => r.end), [6 * hour + 1]);
  });
});
