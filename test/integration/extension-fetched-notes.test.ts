import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AiProvenanceApi, LineProvenanceInfo } from '../../src/extension/api';
import { EXTENSION_ID, harnessConfig, waitFor } from './harness';

// Spelled out: src/git/notes.ts brings a parser that the test bundle cannot load.
const TRACKING = 'refs/notes/remotes/origin/ai-provenance';
/** Keeps our hooks out of the teammate's pushes (SYNCING_ENV), so that commits and notes reach the server apart. */
const QUIET_HOOKS = { AI_PROVENANCE_SYNCING: '1' };
const ENV = { ...process.env, LC_ALL: 'C', GIT_AUTHOR_NAME: 'Mate', GIT_AUTHOR_EMAIL: 'mate@example.com', GIT_COMMITTER_NAME: 'Mate', GIT_COMMITTER_EMAIL: 'mate@example.com' };
const FIRST = 'src/first.ts';
const SECOND = 'src/second.ts';
const TEXT = 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\nexport const d = 4;\n';

function git(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = ENV): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env });
}

/** `ai-provenance` of the checkout in `cwd`, as runCli runs it in the workspace. */
function cli(cwd: string, ...args: string[]): void {
  execFileSync(process.execPath, [path.join(harnessConfig().repoRoot, 'dist', 'cli.js'), ...args], { cwd, env: { ...ENV, ELECTRON_RUN_AS_NODE: '1' }, stdio: 'ignore' });
}

/** Runs `git fetch …` in `clone` and says which refs it moved. */
function fetchMoves(clone: string, ...args: string[]): string[] {
  const refs = (): string[] => git(clone, ['for-each-ref', '--format=%(refname) %(objectname)']).split('\n').filter((l) => l !== '');
  const before = refs();
  git(clone, ['fetch', '-q', ...args, 'origin']);
  return refs()
    .filter((l) => !before.includes(l))
    .map((l) => l.split(' ')[0]);
}

// The user does nothing in the editor: a fetch that moves only the tracking ref of a remote's notes is enough for
// an open document to show a teammate's AI lines (PRODUCT §11.1), with no merge into the clone's own notes. The
// clones are folders of their own, each watched from the first file opened in it, outside the shared workspace.
describe("a teammate's notes fetched while their files are open", function () {
  this.timeout(90_000);
  let api: AiProvenanceApi;
  let tmp: string;
  let server: string;
  let mate: string;
  const commits: string[] = [];
  /** The teammate's notes ref after each of their commits. */
  const notes: string[] = [];

  /** A clone of the server by the user, installed after cloning: notes come only through the fetch refspec install adds. */
  function userClone(name: string): string {
    const dir = path.join(tmp, name);
    git(tmp, ['clone', '-q', server, dir]);
    cli(dir, 'install');
    assert.ok(git(dir, ['config', '--get-all', 'remote.origin.fetch']).includes(TRACKING));
    return dir;
  }

  /** Opens `file` of `clone` once its lines are read, none of them AI. */
  async function openUnnoted(clone: string, file: string): Promise<vscode.TextDocument> {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(clone, file)));
    await vscode.window.showTextDocument(doc, { preview: false });
    // Read once the extension watches the clone.
    assert.deepEqual((await api.getLineProvenance(doc.uri)).filter((l) => l.kind !== 'human'), [], file);
    await watchersStarted(clone);
    return doc;
  }

  /**
   * VS Code's file watchers start a moment after they are asked for, and miss what happens before: waits until one
   * over `clone`'s git dir, asked for after the extension's (on opening the clone's first file), sees a file of its
   * own, which the extension does not watch (a change it watches would have it read history after the fetch).
   */
  async function watchersStarted(clone: string): Promise<void> {
    const gitDir = path.join(clone, '.git');
    const probe = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(gitDir), '{logs/HEAD,refs/notes/remotes/*/ai-provenance,watch-probe}'));
    let seen = false;
    probe.onDidCreate(() => (seen = true));
    probe.onDidChange(() => (seen = true));
    try {
      await waitFor(() => (fs.writeFileSync(path.join(gitDir, 'watch-probe'), String(Date.now())), seen), 'a file watcher over the clone to start');
    } finally {
      probe.dispose();
      fs.rmSync(path.join(gitDir, 'watch-probe'));
    }
  }

  /** The AI lines of `doc` once there are two. */
  const twoAiLines = (doc: vscode.TextDocument, what: string): Promise<LineProvenanceInfo[]> =>
    waitFor(async () => {
      const ai = (await api.getLineProvenance(doc.uri)).filter((l) => l.kind !== 'human');
      return ai.length === 2 ? ai : undefined;
    }, what);

  const publishNotes = (at: string): string => git(mate, ['push', '-q', 'origin', `${at}:refs/notes/ai-provenance`], { ...ENV, ...QUIET_HOOKS });

  before(async () => {
    api = (await vscode.extensions.getExtension<AiProvenanceApi>(EXTENSION_ID)!.activate())!;
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aip-fetched-')));
    server = path.join(tmp, 'server.git');
    git(tmp, ['init', '-q', '--bare', '-b', 'main', server]);
    // The teammate commits lines an agent wrote, in two commits their hooks note, and pushes the commits alone.
    mate = path.join(tmp, 'mate');
    git(tmp, ['clone', '-q', server, mate]);
    cli(mate, 'install');
    fs.mkdirSync(path.join(mate, 'src'));
    for (const [file, session] of [[FIRST, 'mate-fetch-1'], [SECOND, 'mate-fetch-2']] as const) {
      fs.writeFileSync(path.join(mate, file), TEXT);
      cli(mate, 'record', '--agent', 'codex', '--model', 'openai/gpt-5', '--session', session, `${file}:2-3`);
      git(mate, ['add', '--', file]);
      git(mate, ['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', `Add ${file}`]);
      commits.push(git(mate, ['rev-parse', 'HEAD']).trim());
      assert.match(git(mate, ['notes', '--ref=ai-provenance', 'show', 'HEAD']), new RegExp(session), "the teammate's hooks noted the lines");
      notes.push(git(mate, ['rev-parse', 'refs/notes/ai-provenance']).trim());
    }
    git(mate, ['push', '-q', 'origin', 'main'], { ...ENV, ...QUIET_HOOKS });
    assert.equal(git(server, ['for-each-ref', 'refs/notes/']), '', 'the server has no notes yet');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("shows their AI lines, agent and model, after the user's first `git fetch` of the remote's notes", async () => {
    const user = userClone('user-first');
    const doc = await openUnnoted(user, FIRST);
    publishNotes(notes[0]!);
    // The first fetch makes the tracking ref, and the folders it is in.
    assert.deepEqual(fetchMoves(user), [TRACKING]);
    assert.notEqual(spawnSync('git', ['notes', '--ref=ai-provenance', 'show', commits[0]!], { cwd: user }).status, 0, "the clone's own notes do not have it");

    const lines = await twoAiLines(doc, 'the fetched note to reach the open document');
    assert.deepEqual(
      lines.map((l) => ({ line: l.line, kind: l.kind, agent: l.agent, model: l.model, session: l.session, commit: l.commit })),
      [1, 2].map((line) => ({ line, kind: 'ai', agent: 'codex', model: 'openai/gpt-5', session: 'mate-fetch-1', commit: commits[0] })),
    );
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, 0));
    assert.match(hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n'), /`openai\/gpt-5`/);
  });

  it('shows them after a fetch that only moves the tracking ref and writes no FETCH_HEAD (as ai-provenance sync fetches)', async () => {
    const user = userClone('user-later');
    publishNotes(notes[0]!);
    assert.deepEqual(fetchMoves(user), [TRACKING]);
    const doc = await openUnnoted(user, SECOND);
    publishNotes(notes[1]!);
    assert.deepEqual(fetchMoves(user, '--no-write-fetch-head'), [TRACKING]);

    const lines = await twoAiLines(doc, 'the moved tracking ref to reach the open document');
    assert.deepEqual(
      lines.map((l) => [l.line, l.agent, l.session, l.commit]),
      [1, 2].map((line) => [line, 'codex', 'mate-fetch-2', commits[1]]),
    );
  });
});
