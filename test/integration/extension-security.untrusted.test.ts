import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AiProvenanceApi } from '../../src/extension/api';
import type { LineProvenance } from '../../src/core/model';
import type { Repo } from '../../src/git/repo';
import { WorkingState } from '../../src/git/workingState';
import { treeDigest } from '../security/treeDigest';
import { EXTENSION_ID, extensionLog, GIT_PROBE_ENV, harnessConfig, waitFor, workspacePath } from './harness';
import { fromLines } from '../../src/core/lineRuns';

// Runs in the untrusted window, before extension.untrusted.test.ts (whose last test checks that the extension host
// started no git process). A hostile archive of a repository can carry links inside `.git` and a `.git` file naming
// another repository: opening files must change no byte anywhere.

const AI: LineProvenance = { kind: 'ai', attribution: { agent: 'claude-code', source: 'agent-hook', at: '2026-01-01T00:00:00.000Z' } };
const HUMAN: LineProvenance = { kind: 'human' };

/** git init with the probe mark, so the git-process check of extension.untrusted.test.ts tells it from the extension's. */
function gitInit(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: dir, env: { ...process.env, [GIT_PROBE_ENV]: 'security-setup' } });
}

/** The repository of a plain `.git` folder, written to as an agent's hook would (outside the editor's rules). */
function repoAt(root: string, gitDir = path.join(root, '.git')): Repo {
  return { root, gitDir, commonDir: gitDir, worktreeId: 'main', objectFormat: 'sha1' };
}

describe('AI Provenance in an untrusted workspace with links planted in .git', function () {
  this.timeout(60_000);
  let outside: string;
  const nested = (): string => workspacePath('sec-nested');
  const foreign = (): string => workspacePath('sec-foreign');

  before(async () => {
    assert.equal(harnessConfig().untrusted, true);
    outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aip-outside-')));

    // A repository inside the workspace: one stale entry (its file changed since, so a writer would prune it) and one
    // live entry, then links from its state to files and a folder outside.
    gitInit(nested());
    const state = WorkingState.forRepo(repoAt(nested()));
    fs.writeFileSync(path.join(nested(), 'a.ts'), 'other\n');
    await state.write('a.ts', 'one\ntwo\nthree\n', fromLines([AI, AI, AI, HUMAN]));
    fs.writeFileSync(path.join(nested(), 'b.ts'), 'x\ny\n');
    await state.write('b.ts', 'x\ny\n', fromLines([AI, HUMAN, HUMAN]));
    const dir = path.join(nested(), '.git', 'ai-provenance');
    fs.writeFileSync(path.join(outside, 'victim.txt'), 'precious\n');
    fs.writeFileSync(path.join(outside, 'lock-victim.txt'), 'precious too\n');
    // Old enough that a writer would take the lock for a stale one.
    fs.utimesSync(path.join(outside, 'lock-victim.txt'), new Date(2000, 0, 1), new Date(2000, 0, 1));
    for (const [name, target] of [
      ['generation', 'victim.txt'],
      ['pending', 'created-through-pending'],
      ['lock', 'lock-victim.txt'],
    ]) {
      fs.rmSync(path.join(dir, name), { force: true });
      fs.symlinkSync(path.join(outside, target), path.join(dir, name));
    }
    fs.renameSync(path.join(dir, 'entries', 'main'), path.join(outside, 'entries-main'));
    fs.symlinkSync(path.join(outside, 'entries-main'), path.join(dir, 'entries', 'main'));

    // Another repository outside, with a pending record, and a folder of the workspace whose `.git` file names it.
    const other = path.join(outside, 'other');
    gitInit(other);
    fs.writeFileSync(path.join(other, 'f.ts'), 'one\ntwo\nthree\n');
    await WorkingState.forRepo(repoAt(other)).write('f.ts', 'one\ntwo\nthree\n', fromLines([AI, AI, AI, HUMAN]));
    fs.mkdirSync(foreign());
    fs.writeFileSync(path.join(foreign(), '.git'), `gitdir: ${path.join(other, '.git')}\n`);
    fs.writeFileSync(path.join(foreign(), 'f.ts'), 'changed\n');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('opens the files, shows what is recorded, and changes no byte inside .git or outside the workspace', async () => {
    const trees = (): Record<string, Record<string, string>> => ({
      outside: treeDigest(outside),
      nestedGit: treeDigest(path.join(nested(), '.git')),
      foreign: treeDigest(foreign()),
      workspaceGit: treeDigest(workspacePath('.git')),
    });
    const before = trees();
    const api = await vscode.extensions.getExtension<AiProvenanceApi>(EXTENSION_ID)!.activate();
    const kinds = async (rel: string): Promise<string[]> => {
      const uri = vscode.Uri.file(workspacePath(rel));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
      // Resolves once the file's repository is found and its record read (a writer would have pruned by then).
      return (await api.getLineProvenance(uri)).map((l) => l.kind);
    };

    assert.deepEqual(await kinds('sec-nested/b.ts'), ['ai', 'human', 'human'], 'the live record is shown, read through the links');
    assert.deepEqual(await kinds('sec-nested/a.ts'), ['human', 'human'], 'the stale record shows nothing');
    assert.deepEqual(await kinds('sec-foreign/f.ts'), ['human', 'human'], "the other repository's record is not shown here");

    const after = trees();
    assert.deepEqual(after.outside, before.outside, 'nothing outside the workspace changed');
    assert.deepEqual(after.nestedGit, before.nestedGit, "nothing in the nested repository's .git changed");
    assert.deepEqual(after.foreign, before.foreign);
    assert.deepEqual(after.workspaceGit, before.workspaceGit, "nothing in the workspace's .git changed");
    assert.ok(Object.keys(before.outside).some((f) => f.startsWith(path.join('other', '.git', 'ai-provenance', 'entries'))), 'the other repository holds its record');
    await waitFor(() => extensionLog(EXTENSION_ID).includes('not followed in an untrusted workspace'), 'the log to say the .git file was not followed');
  });
});
