import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { acceptInlineCompletion, driver, harnessConfig, openFile, runCli, waitFor, workspacePath } from './harness';
import { closeTabsOf, webviewText } from './insightViews';

const NOTED = 'src/report-noted.ts';
const FETCHED = 'src/report-fetched.ts';
const EDITED = 'src/report-edited.ts';
const COMMITTED = 'src/report-committed.ts';
const TEXT = 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\nexport const d = 4;\n';
/** Models no other test uses: the report lists them under "Models" once a note with their lines counts. */
const NOTE_MODEL = 'acme/report-refresh-note';
const FETCH_MODEL = 'acme/report-refresh-fetch';
const COMMIT_MODEL = 'acme/report-refresh-commit';
const ENV = { ...process.env, LC_ALL: 'C', GIT_AUTHOR_NAME: 'Test User', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test User', GIT_COMMITTER_EMAIL: 'test@example.com' };

function git(cwd: string, args: readonly string[], input?: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: ENV, ...(input !== undefined && { input }) });
}

/**
 * Adds, in `cwd`, the note our post-commit hook would write on `commit` had aider with `model` written lines 2-3 of its
 * 4-line `file` (spelled out: src/core/agentTrace.ts brings a parser that the test bundle cannot load).
 */
function addNote(cwd: string, commit: string, file: string, model: string): void {
  const note = {
    version: '0.1.0',
    id: `report-refresh-${commit.slice(0, 12)}`,
    timestamp: '2026-01-05T00:00:00.000Z',
    vcs: { type: 'git', revision: commit },
    tool: { name: 'ai-provenance', version: 'test' },
    files: [{ path: file, conversations: [{ contributor: { type: 'ai', model_id: model }, ranges: [{ start_line: 2, end_line: 3 }] }] }],
    metadata: {
      'dev.ai-provenance': {
        attributions: [{ agent: 'aider', model, source: 'agent-hook', at: '2026-01-05T00:00:00.000Z' }],
        files: { [file]: { added_lines: 4, conversations: [0] } },
      },
    },
  };
  git(cwd, ['notes', '--ref=refs/notes/ai-provenance', 'add', '-F', '-', commit], `${JSON.stringify(note, null, 2)}\n`);
}

/** The report's first card: lines added, commits, and AI lines among them. */
function figures(text: string): { added: number; commits: number; ai: number } | undefined {
  const m = /of the ([\d,]+) lines added in ([\d,]+) commits were written by AI \(([\d,]+) lines/.exec(text);
  const num = (s: string): number => Number(s.replace(/,/g, ''));
  return m ? { added: num(m[1]!), commits: num(m[2]!), ai: num(m[3]!) } : undefined;
}

/** Waits until the report shows what `ready` accepts; the timeout names what it showed last. */
async function reportShowing(ready: (text: string) => boolean, what: string): Promise<string> {
  let last: string | undefined;
  return waitFor(
    async () => {
      last = await webviewText();
      return last !== undefined && ready(last) ? last : undefined;
    },
    what,
    30_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; the report showed ${last === undefined ? 'nothing' : JSON.stringify({ figures: figures(last), text: last.slice(0, 600) })}`);
  });
}

// The report stays open while the user works: it follows notes written from a terminal, commits, the AI lines of
// the editor and a teammate's fetched notes without being opened again (PRODUCT.md §14).
describe('the report panel while the user works', function () {
  this.timeout(120_000);
  const workspace = (): string => harnessConfig().workspace;
  const commits: Record<string, string> = {};
  let tmp: string;
  let edited: vscode.Uri | undefined;
  /** The figures the report showed when opened. */
  let opened: { added: number; commits: number; ai: number };
  /** What the report should show by now, on top of `opened`. */
  const more = { added: 0, commits: 0, ai: 0 };
  const expected = (): typeof opened => ({ added: opened.added + more.added, commits: opened.commits + more.commits, ai: opened.ai + more.ai });

  /** Opens the edited file in the report's group, which hides the report (its page goes). */
  async function leaveReport(): Promise<void> {
    await vscode.window.showTextDocument(edited!, { preview: false, preserveFocus: false });
    await waitFor(async () => (await webviewText()) === undefined, 'the report to be hidden');
  }

  /** Goes back to the report as a user does: its tab. */
  const backToReport = (): Promise<void> => driver.click('.tabs-container .tab[aria-label^="AI Provenance Report"]');

  before(async () => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'aip-report-')));
    // Two commits with no note yet, made with no hook of ours whatever another test left installed.
    for (const file of [NOTED, FETCHED]) {
      fs.writeFileSync(workspacePath(file), TEXT);
      git(workspace(), ['add', '--', file]);
      git(workspace(), ['-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', `Add ${file}`]);
      commits[file] = git(workspace(), ['rev-parse', 'HEAD']).trim();
    }
    const editor = await openFile(EDITED, 'export const x = 1;\n\n');
    edited = editor.document.uri;
    assert.ok(await editor.document.save());
  });

  after(async () => {
    await closeTabsOf(edited);
    // Left as the test found it even when it stopped before the fetch.
    spawnSync('git', ['remote', 'remove', 'teammate'], { cwd: workspace(), env: ENV });
    spawnSync('git', ['update-ref', '-d', 'refs/notes/remotes/teammate/ai-provenance'], { cwd: workspace(), env: ENV });
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows a note added from a terminal, without being opened again', async () => {
    await vscode.commands.executeCommand('aiProvenance.openReport');
    const first = await reportShowing((t) => figures(t) !== undefined, 'the report in the webview');
    assert.match(first, new RegExp(`AI Provenance: ${path.basename(workspace())}`));
    assert.doesNotMatch(first, new RegExp(NOTE_MODEL));
    opened = figures(first)!;

    addNote(workspace(), commits[NOTED]!, NOTED, NOTE_MODEL);
    more.ai += 2;
    const text = await reportShowing((t) => t.includes(NOTE_MODEL), `the report to show the note of ${NOTED}`);
    assert.deepEqual(figures(text), expected());
    await driver.screenshot('insight-report-after-note');
  });

  it('shows a commit and the note its post-commit hook writes', async () => {
    assert.equal((await runCli(['install'])).code, 0);
    try {
      fs.writeFileSync(workspacePath(COMMITTED), TEXT);
      const r = await runCli(['record', '--agent', 'aider', '--model', COMMIT_MODEL, `${COMMITTED}:2-3`]);
      assert.equal(r.code, 0, r.stderr);
      git(workspace(), ['add', '--', COMMITTED]);
      git(workspace(), ['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', `Add ${COMMITTED}`]);
      assert.match(git(workspace(), ['notes', '--ref=ai-provenance', 'show', 'HEAD']), new RegExp(COMMIT_MODEL), 'the hook noted the lines');
    } finally {
      await runCli(['uninstall']);
    }
    Object.assign(more, { added: more.added + 4, commits: more.commits + 1, ai: more.ai + 2 });
    const text = await reportShowing((t) => t.includes(COMMIT_MODEL) && figures(t)?.commits === expected().commits, `the report to show the commit of ${COMMITTED} with its note`);
    assert.deepEqual(figures(text), expected());
  });

  it('still shows what it was refreshed to when the user leaves it for an editor and comes back', async () => {
    await leaveReport();
    await backToReport();
    const text = await reportShowing((t) => t.includes(COMMIT_MODEL), 'the report to show the commit again');
    assert.deepEqual(figures(text), expected());
  });

  it('shows an AI edit made in the editor while it was hidden, once the user comes back', async () => {
    await leaveReport();
    const editor = await vscode.window.showTextDocument(edited!);
    await acceptInlineCompletion(editor, 'export const fromAi = 42;', new vscode.Position(1, 0));
    assert.ok(await editor.document.save());
    await backToReport();
    const text = await reportShowing((t) => t.includes('report-edited.ts'), `the report to list ${EDITED} among the AI lines not committed yet`);
    assert.deepEqual(figures(text), expected());
  });

  it("shows a teammate's notes that a `git fetch` brings", async () => {
    const mate = path.join(tmp, 'mate');
    git(tmp, ['clone', '-q', workspace(), mate]);
    addNote(mate, commits[FETCHED]!, FETCHED, FETCH_MODEL);
    git(workspace(), ['remote', 'add', 'teammate', mate]);
    // The remote's first fetch of notes: it makes the tracking ref and the folders it is in.
    git(workspace(), ['fetch', '-q', 'teammate', '+refs/notes/ai-provenance:refs/notes/remotes/teammate/ai-provenance']);
    more.ai += 2;

    const text = await reportShowing((t) => t.includes(FETCH_MODEL), `the report to show the fetched note of ${FETCHED}`);
    assert.deepEqual(figures(text), expected());
    assert.ok(text.includes('report-edited.ts'), 'the AI lines not committed yet are gone from the report');
  });
});
