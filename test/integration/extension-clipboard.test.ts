// Cut, copy and paste with the real keyboard and clipboard, and format on save: AI text keeps its author.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AiProvenanceApi, LineProvenanceInfo } from '../../src/extension/api';
import { driver, EXTENSION_ID, openFile, runCli, waitFor } from './harness';

let api: AiProvenanceApi;

/** Resolves with the lines once their kinds are `kinds`; the error names the kinds last seen. */
async function kindsBecome(uri: vscode.Uri, kinds: readonly string[], what: string): Promise<LineProvenanceInfo[]> {
  const want = JSON.stringify(kinds);
  let seen = '';
  try {
    return await waitFor(async () => {
      const ls = await api.getLineProvenance(uri);
      seen = JSON.stringify(ls.map((l) => l.kind));
      return seen === want ? ls : undefined;
    }, what);
  } catch (err) {
    throw new Error(`${(err as Error).message}: kinds are ${seen}, expected ${want}`);
  }
}

/** Waits until `ai-provenance blame` (what git hooks and the terminal see) gives the saved file's lines these kinds. */
async function blameBecomes(file: string, kinds: readonly string[], what: string): Promise<void> {
  const want = JSON.stringify(kinds);
  let seen = '';
  try {
    await waitFor(async () => {
      const r = await runCli(['blame', file, '--json']);
      seen = r.code === 0 ? JSON.stringify((JSON.parse(r.stdout) as { kind: string }[]).map((l) => l.kind)) : r.stderr;
      return seen === want || undefined;
    }, `ai-provenance blame ${file} to show ${what}`);
  } catch (err) {
    throw new Error(`${(err as Error).message}: it shows ${seen}, expected ${want}`);
  }
}

/** Marks lines [start, end) of the active editor as written by Claude Code, as the command palette command does. */
async function markAi(start: number, end: number): Promise<void> {
  await vscode.commands.executeCommand('aiProvenance.markSelectionAI', { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', startLine: start, endLine: end });
}

/** Puts the selection in the editor, focuses it and presses a chord in the browser, as a person does. */
async function press(editor: vscode.TextEditor, selection: vscode.Selection, chord: string): Promise<void> {
  await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
  editor.selection = selection;
  await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
  await driver.press(chord);
}

/** Without the edit source (stable VS Code), cuts and pastes spanning a line break are still recognised. */
async function setEditSource(on: boolean | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('aiProvenance').update('detection.useEditSource', on, vscode.ConfigurationTarget.Global);
}

const BLOCK = 'function answer() {\n  return 42;\n}\n';

describe('cut, copy and paste of AI lines', function () {
  this.timeout(60_000);

  before(async function () {
    // The keyboard and the browser clipboard are only there in the code-server window.
    if (!driver.available) this.skip();
    const ext = vscode.extensions.getExtension<AiProvenanceApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    api = await ext.activate();
  });

  afterEach(async () => {
    await setEditSource(undefined);
    // Closing a changed file would ask whether to save it.
    await vscode.workspace.saveAll(false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  for (const useEditSource of [true, false]) {
    it(`keeps AI lines AI when they are cut and pasted elsewhere in the same file (edit source ${useEditSource ? 'on' : 'off'})`, async () => {
      await setEditSource(useEditSource);
      const file = `src/clip-move-${useEditSource}.ts`;
      const editor = await openFile(file, `const first = 1;\n${BLOCK}const last = 2;\n`);
      await markAi(1, 4);
      await kindsBecome(editor.document.uri, ['human', 'ai', 'ai', 'ai', 'human', 'human'], 'the marked block');
      await press(editor, new vscode.Selection(1, 0, 4, 0), 'Control+X');
      await waitFor(() => !editor.document.getText().includes('answer') || undefined, 'the cut to remove the block');
      await kindsBecome(editor.document.uri, ['human', 'human', 'human'], 'no AI line after the cut');
      await press(editor, new vscode.Selection(2, 0, 2, 0), 'Control+V');
      await waitFor(() => editor.document.getText() === `const first = 1;\nconst last = 2;\n${BLOCK}` || undefined, 'the paste at the end');
      const ls = await kindsBecome(editor.document.uri, ['human', 'human', 'ai', 'ai', 'ai', 'human'], 'the pasted block to be AI');
      assert.deepEqual([ls[2].agent, ls[2].model], ['claude-code', 'anthropic/claude-opus-4-5']);
      // What is saved for git hooks says the same.
      await editor.document.save();
      await blameBecomes(file, ['human', 'human', 'ai', 'ai', 'ai'], 'the pasted block');
    });
  }

  it('keeps AI lines AI when they are cut from one file and pasted into another', async () => {
    const from = await openFile('src/clip-from.ts', `${BLOCK}const stays = 1;\n`);
    await markAi(0, 3);
    await kindsBecome(from.document.uri, ['ai', 'ai', 'ai', 'human', 'human'], 'the marked block');
    await press(from, new vscode.Selection(0, 0, 3, 0), 'Control+X');
    await waitFor(() => !from.document.getText().includes('answer') || undefined, 'the cut to remove the block');
    const to = await openFile('src/clip-to.ts', 'const other = 1;\n');
    await press(to, new vscode.Selection(1, 0, 1, 0), 'Control+V');
    await waitFor(() => to.document.getText() === `const other = 1;\n${BLOCK}` || undefined, 'the paste into the other file');
    const ls = await kindsBecome(to.document.uri, ['human', 'ai', 'ai', 'ai', 'human'], 'the block to be AI in its new file');
    assert.equal(ls[1].agent, 'claude-code');
    await kindsBecome(from.document.uri, ['human', 'human'], 'nothing AI left where it was cut');
  });

  it('makes an exact copy of AI lines AI, and leaves the originals AI', async () => {
    const editor = await openFile('src/clip-copy.ts', `${BLOCK}const tail = 1;\n`);
    await markAi(0, 3);
    await kindsBecome(editor.document.uri, ['ai', 'ai', 'ai', 'human', 'human'], 'the marked block');
    await press(editor, new vscode.Selection(0, 0, 3, 0), 'Control+C');
    await press(editor, new vscode.Selection(4, 0, 4, 0), 'Control+V');
    await waitFor(() => editor.document.getText() === `${BLOCK}const tail = 1;\n${BLOCK}` || undefined, 'the pasted copy');
    await kindsBecome(editor.document.uri, ['ai', 'ai', 'ai', 'human', 'ai', 'ai', 'ai', 'human'], 'both the original and the copy to be AI');
  });

  it('keeps a line AI when it is copied or cut without a selection and pasted as a line of its own', async () => {
    const editor = await openFile('src/clip-line.ts', 'const fromAi = 42;\nconst human = 1;\n');
    await markAi(0, 1);
    await kindsBecome(editor.document.uri, ['ai', 'human', 'human'], 'the marked line');
    await press(editor, new vscode.Selection(0, 3, 0, 3), 'Control+C');
    await press(editor, new vscode.Selection(1, 2, 1, 2), 'Control+V');
    await waitFor(() => editor.document.getText() === 'const fromAi = 42;\nconst fromAi = 42;\nconst human = 1;\n' || undefined, 'the line pasted above the cursor line');
    await kindsBecome(editor.document.uri, ['ai', 'ai', 'human', 'human'], 'the pasted line to be AI');
    await press(editor, new vscode.Selection(0, 5, 0, 5), 'Control+X');
    await waitFor(() => editor.document.lineCount === 3 || undefined, 'the cut of the whole line');
    await press(editor, new vscode.Selection(2, 0, 2, 0), 'Control+V');
    await waitFor(() => editor.document.getText() === 'const fromAi = 42;\nconst human = 1;\nconst fromAi = 42;\n' || undefined, 'the line pasted at the end');
    await kindsBecome(editor.document.uri, ['ai', 'human', 'ai', 'human'], 'the moved line to be AI');
  });

  it('leaves a paste human when the clipboard no longer holds the AI text', async () => {
    const editor = await openFile('src/clip-other.ts', `${BLOCK}\n`);
    await markAi(0, 3);
    await kindsBecome(editor.document.uri, ['ai', 'ai', 'ai', 'human', 'human'], 'the marked block');
    await press(editor, new vscode.Selection(0, 0, 3, 0), 'Control+C');
    // Copied elsewhere afterwards: almost the same text, but not what the AI wrote.
    await vscode.env.clipboard.writeText('function answer() {\n  return 43;\n}\n');
    await press(editor, new vscode.Selection(4, 0, 4, 0), 'Control+V');
    await waitFor(() => editor.document.getText().includes('return 43;') || undefined, 'the paste');
    await kindsBecome(editor.document.uri, ['ai', 'ai', 'ai', 'human', 'human', 'human', 'human', 'human'], 'the pasted text to stay human');
  });

  it("leaves a person's line human when a word copied out of an AI line is pasted into it", async () => {
    const editor = await openFile('src/clip-word.ts', 'const total = computeTotal(items);\nconst mine = ;\n');
    await markAi(0, 1);
    await kindsBecome(editor.document.uri, ['ai', 'human', 'human'], 'the marked line');
    await press(editor, new vscode.Selection(0, 14, 0, 33), 'Control+C');
    await press(editor, new vscode.Selection(1, 13, 1, 13), 'Control+V');
    await waitFor(() => editor.document.lineAt(1).text === 'const mine = computeTotal(items);' || undefined, 'the pasted call');
    await kindsBecome(editor.document.uri, ['ai', 'human', 'human'], "the person's line to stay human");
  });

  it('leaves text a person types human, even when it equals copied AI text', async () => {
    const editor = await openFile('src/clip-typed.ts', 'const fromAi = 42;\n\n');
    await markAi(0, 1);
    await kindsBecome(editor.document.uri, ['ai', 'human', 'human'], 'the marked line');
    await press(editor, new vscode.Selection(0, 0, 0, 18), 'Control+C');
    await press(editor, new vscode.Selection(1, 0, 1, 0), 'End');
    await driver.type('const fromAi = 42;');
    await waitFor(() => editor.document.lineAt(1).text === 'const fromAi = 42;' || undefined, 'the typed line');
    await kindsBecome(editor.document.uri, ['ai', 'human', 'human'], 'the typed line to stay human');
  });
});

describe('format on save', function () {
  this.timeout(90_000);

  before(async function () {
    if (!driver.available) this.skip();
    api = await vscode.extensions.getExtension<AiProvenanceApi>(EXTENSION_ID)!.activate();
    await vscode.workspace.getConfiguration('editor').update('formatOnSave', true, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('editor').update('formatOnSave', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.saveAll(false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  // VS Code names a formatter's edits only in the edit source: without it they count as a person's.
  it('keeps AI lines AI when the formatter only re-indents and re-spaces them', async () => {
    const file = 'src/clip-format.ts';
    const text = 'let h=1;\nfunction fakeAi(){return {x:1,y:2};}\nfunction block() {\nreturn 42;\n}\n';
    const editor = await openFile(file, text);
    await markAi(1, 5);
    await kindsBecome(editor.document.uri, ['human', 'ai', 'ai', 'ai', 'ai', 'human'], 'the marked lines');
    // The TypeScript server may still be starting: wait until it offers formatting edits for this file.
    await waitFor(async () => {
      const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', editor.document.uri, { tabSize: 4, insertSpaces: true });
      return (edits?.length ?? 0) > 0 || undefined;
    }, 'the TypeScript formatter');
    // Saved with the keyboard, so VS Code runs its save participants (format on save).
    await press(editor, new vscode.Selection(0, 0, 0, 0), 'Control+S');
    await waitFor(() => (!editor.document.isDirty && editor.document.getText().includes('function fakeAi() {')) || undefined, 'the formatted save');
    assert.equal(editor.document.getText(), 'let h = 1;\nfunction fakeAi() { return { x: 1, y: 2 }; }\nfunction block() {\n    return 42;\n}\n');
    const ls = await kindsBecome(editor.document.uri, ['human', 'ai', 'ai', 'ai', 'ai', 'human'], 'the formatted AI lines to stay AI');
    assert.equal(ls[3].agent, 'claude-code');
    await blameBecomes(file, ['human', 'ai', 'ai', 'ai', 'ai'], 'the formatted lines');
  });
});
