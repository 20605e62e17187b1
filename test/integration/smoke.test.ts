import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { acceptInlineCompletion, driver, EXTENSION_ID, FAKE_COPILOT_ID, harnessConfig, openFile, waitFor, waitUntil } from './harness';

/** The few DOM calls made inside `driver.evaluate` (the project compiles without the DOM library). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

/** The proposed `textDocumentChangeReason` API: present in code-server, absent in stable VS Code. */
interface DetailedReason {
  readonly source: string;
  readonly metadata?: Record<string, unknown>;
}

function detailedReason(e: vscode.TextDocumentChangeEvent): DetailedReason | undefined {
  return (e as vscode.TextDocumentChangeEvent & { detailedReason?: DetailedReason }).detailedReason;
}

function recordChanges(document: vscode.TextDocument): { events: vscode.TextDocumentChangeEvent[]; dispose(): void } {
  const events: vscode.TextDocumentChangeEvent[] = [];
  const sub = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document === document && e.contentChanges.length > 0) events.push(e);
  });
  return { events, dispose: () => sub.dispose() };
}

describe('a real VS Code', () => {
  it('has AI Provenance installed, and it activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    await waitFor(() => ext.isActive, `${EXTENSION_ID} to activate`);
  });

  it('opens the test workspace as a git repository', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.equal(folder?.uri.fsPath, harnessConfig().workspace);
    assert.ok(fs.existsSync(path.join(folder.uri.fsPath, '.git')), 'the workspace has no .git');
  });

  describe('an inline completion accepted with Tab', () => {
    const suggestion = 'function fakeAi() { return 42; }';

    it('inserts the suggested text on the line the cursor was on, leaving the other lines alone', async () => {
      const editor = await openFile('src/accept.ts', 'const a = 1;\n\nconst b = 2;\n');
      await acceptInlineCompletion(editor, suggestion, new vscode.Position(1, 0));
      assert.deepEqual(editor.document.getText().split('\n'), ['const a = 1;', suggestion, 'const b = 2;', '']);
    });

    it("reports the edit as an inline completion from the providing extension (VS Code's detailedReason)", async () => {
      const editor = await openFile('src/reason.ts', 'export const x = 1;\n\n');
      const changes = recordChanges(editor.document);
      try {
        await acceptInlineCompletion(editor, suggestion, new vscode.Position(1, 0));
        const accept = await waitFor(() => changes.events.find((e) => e.contentChanges.some((c) => c.text.includes('fakeAi'))), 'the change event of the accepted text');
        const reason = detailedReason(accept);
        fs.writeFileSync(path.join(harnessConfig().artifactsDir, 'inline-accept-detailed-reason.json'), JSON.stringify(reason ?? null, null, 2));
        assert.equal(reason?.source, 'inlineCompletionAccept');
        assert.equal(reason?.metadata?.['$extensionId'], FAKE_COPILOT_ID);
      } finally {
        changes.dispose();
      }
    });
  });

  describe('the browser driver', () => {
    it('types into the focused editor like a person, and VS Code sees cursor typing', async () => {
      const editor = await openFile('src/typed.ts', '\n');
      const changes = recordChanges(editor.document);
      try {
        editor.selection = new vscode.Selection(0, 0, 0, 0);
        await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
        await driver.type('let typed = 1;');
        await waitFor(() => editor.document.lineAt(0).text === 'let typed = 1;' || undefined, 'the typed text in the document');
        assert.ok(changes.events.length > 0);
        assert.ok(
          changes.events.every((e) => detailedReason(e)?.source === 'cursor'),
          `typing came with reasons ${JSON.stringify(changes.events.map(detailedReason))}`,
        );
      } finally {
        changes.dispose();
      }
    });

    it('reads the rendered editor from the page', async () => {
      await openFile('src/rendered.ts', 'const rendered = "in the DOM";\n');
      // The page draws the new editor a while after it opened. Monaco renders spaces as non-breaking spaces.
      await waitUntil(
        async () => (await driver.evaluate((sel: string) => document.querySelector(sel)?.textContent ?? undefined, '.monaco-editor.focused .view-lines'))?.replace(/\u00a0/g, ' '),
        (text) => text === 'const rendered = "in the DOM";',
        'the focused editor to show the file',
      );
    });

    it('keeps a PNG screenshot under .test-artifacts', async () => {
      const file = await driver.screenshot('smoke-window');
      assert.equal(path.dirname(file), harnessConfig().artifactsDir);
      const header = fs.readFileSync(file).subarray(0, 8);
      assert.deepEqual([...header], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    });

    it('rejects with a one-line error when asked to click an element that does not exist', async () => {
      await assert.rejects(driver.click('#no-such-element-anywhere', 500), /^Error: driver\.click\("#no-such-element-anywhere"\): .*Timeout 500ms/);
    });
  });
});
