import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { AiProvenanceApi } from '../../src/extension/api';
import { driver, EXTENSION_ID, openFile, waitFor, workspacePath } from './harness';

// Text from a hostile repository, as the browser shows it: the DOM is what a person sees and clicks.

/** The few DOM calls made inside `driver.evaluate` (the project compiles without the DOM library). */
interface El {
  readonly textContent: string | null;
  querySelectorAll(selector: string): ArrayLike<El>;
}
declare const document: { querySelectorAll(selector: string): ArrayLike<El> };

/** One command link a click on would type into the user's terminal (issue: a config reason became such a link). */
const HOSTILE_REASON = '[click](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22echo%20pwned%22%7D)';
const HOSTILE_FILE = 'sec-hostile/[f](command:workbench.action.files.newUntitledFile).ts';
const MODEL = 'anthropic/claude-opus-4-5';
const CONFIG = '.ai-provenance.json';

interface Shown {
  readonly text: string;
  readonly anchors: number;
  readonly code: string[];
}

/** Text, anchor count and code elements of every element matching `selector` whose text includes `needle`. */
async function shown(selector: string, needle: string): Promise<Shown | undefined> {
  return driver.evaluate(
    ({ selector, needle }: { selector: string; needle: string }) => {
      const all = document.querySelectorAll(selector);
      for (let i = 0; i < all.length; i++) {
        const el = all[i];
        const text = (el.textContent ?? '').replace(/\u2060/g, '');
        if (!text.includes(needle)) continue;
        const code: string[] = [];
        const codes = el.querySelectorAll('code');
        for (let j = 0; j < codes.length; j++) code.push(codes[j].textContent ?? '');
        return { text, anchors: el.querySelectorAll('a').length, code };
      }
      return undefined;
    },
    { selector, needle },
  );
}

describe('hostile repository text in the editor', function () {
  this.timeout(60_000);
  let api: AiProvenanceApi;
  let editor: vscode.TextEditor;

  before(async function () {
    if (!driver.available) this.skip();
    api = await vscode.extensions.getExtension<AiProvenanceApi>(EXTENSION_ID)!.activate();
    fs.writeFileSync(workspacePath(CONFIG), JSON.stringify({ critical: [{ paths: ['sec-hostile/**'], reason: HOSTILE_REASON, level: 'warn' }] }, null, 2));
    editor = await openFile(HOSTILE_FILE, 'const a = 1;\nconst b = 2;\n');
    await vscode.commands.executeCommand('aiProvenance.markSelectionAI', { agent: 'claude-code', model: MODEL, startLine: 1, endLine: 2 });
    await waitFor(async () => (await api.getLineProvenance(editor.document.uri))[1]?.kind === 'ai', 'the marked line');
  });

  after(async () => {
    fs.rmSync(workspacePath(CONFIG), { force: true });
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows a critical-path reason holding a command link as text in the toast, with no link to click', async () => {
    const toast = await waitFor(() => shown('.notifications-toasts .notification-list-item-message', 'a critical path'), 'the critical-path toast');
    await driver.screenshot('security-critical-toast');
    assert.ok(toast.text.includes(`${HOSTILE_FILE}, a critical path: ${HOSTILE_REASON}.`), toast.text);
    assert.equal(toast.anchors, 0, 'no anchor element in the toast message');
  });

  it('names a file holding a command link as text in Show Summary', async () => {
    await vscode.window.showTextDocument(editor.document);
    void vscode.commands.executeCommand('aiProvenance.showSummary');
    const toast = await waitFor(() => shown('.notifications-toasts .notification-list-item-message', 'are AI-written'), 'the summary toast');
    assert.ok(toast.text.includes(`1 of 3 lines of ${HOSTILE_FILE} are AI-written.`), toast.text);
    assert.equal(toast.anchors, 0, 'no anchor element in the toast message');
  });

  it('shows the model id exactly in the hover, and the reason as text', async () => {
    await vscode.window.showTextDocument(editor.document);
    editor.selection = new vscode.Selection(1, 3, 1, 3);
    await vscode.commands.executeCommand('editor.action.showHover');
    const hover = await waitFor(() => shown('.monaco-hover .rendered-markdown', 'AI-written'), 'the AI hover');
    await driver.screenshot('security-hover');
    assert.ok(hover.code.includes(MODEL), `code spans: ${JSON.stringify(hover.code)}`);
    assert.ok(hover.text.includes(`claude-code · ${MODEL}`), hover.text);
    assert.ok(hover.text.includes(`Critical path (warn): ${HOSTILE_REASON}`), hover.text);
    assert.doesNotMatch(hover.text, /\\/, 'no backslash shows anywhere in the hover');
    assert.equal(hover.anchors, 0, 'no anchor element in the hover');
    await vscode.commands.executeCommand('editor.action.hideHover');
  });

  it('shows the reason as text in the status-bar tooltip', async () => {
    await vscode.window.showTextDocument(editor.document);
    await driver.hover('.statusbar-item[aria-label^="AI Provenance:"], .statusbar-item:has([aria-label^="AI Provenance:"])');
    const tip = await waitFor(() => shown('.workbench-hover .rendered-markdown, .monaco-hover .rendered-markdown', 'lines AI-written'), 'the status-bar tooltip');
    assert.ok(tip.text.includes(`Critical path (warn): ${HOSTILE_REASON}`), tip.text);
    assert.equal(tip.anchors, 0, 'no anchor element in the tooltip');
  });
});
