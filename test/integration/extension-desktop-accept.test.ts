import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AiProvenanceApi, LineProvenanceInfo } from '../../src/extension/api';
import { driver, EXTENSION_ID, FAKE_COPILOT_ID, fakeCopilotState, openFile, pressTabInHost, setFakeCompletion, waitFor } from './harness';

// Desktop runs have no page to press Tab in: `driver.press('Tab')` runs `pressTabInHost()` there. This file checks that
// path in code-server, where the browser can first show the ghost text, so both runners attribute accepted completions alike.

let api: AiProvenanceApi;

function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('aiProvenance');
}

/** Shows the fake Copilot's ghost text on line 2 of a fresh file, then accepts it the way a desktop run presses Tab. */
async function acceptInHost(file: string, text: string): Promise<vscode.TextEditor> {
  const editor = await openFile(file, '// desktop\n\n');
  const before = (await fakeCopilotState()).accepted;
  await setFakeCompletion(text);
  editor.selection = new vscode.Selection(1, 0, 1, 0);
  await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
  await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  await driver.waitForSelector('.monaco-editor.focused .ghost-text-decoration', { state: 'visible' });
  await pressTabInHost();
  await waitFor(async () => (await fakeCopilotState()).accepted > before, `'${text}' to be accepted`);
  assert.equal(editor.document.lineAt(1).text, text);
  return editor;
}

async function settledKinds(uri: vscode.Uri, kinds: readonly string[], what: string): Promise<LineProvenanceInfo[]> {
  let last: string[] = [];
  try {
    return await waitFor(async () => {
      const ls = await api.getLineProvenance(uri);
      last = ls.map((l) => l.kind);
      return JSON.stringify(last) === JSON.stringify(kinds) ? ls : undefined;
    }, what);
  } catch (err) {
    throw new Error(`${(err as Error).message}: kinds are ${JSON.stringify(last)}, expected ${JSON.stringify(kinds)}`);
  }
}

describe("Tab without a browser (the desktop runner's accept)", function () {
  this.timeout(60_000);

  before(async () => {
    api = await vscode.extensions.getExtension<AiProvenanceApi>(EXTENSION_ID)!.activate();
    await settings().update('detection.agents', { [FAKE_COPILOT_ID]: 'copilot' }, vscode.ConfigurationTarget.Global);
    // Only the stable-API fallback can attribute the edit: the edit source is what desktop VS Code lacks.
    await settings().update('detection.useEditSource', false, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    for (const key of ['detection.agents', 'detection.useEditSource', 'detection.interceptInlineAccept']) await settings().update(key, undefined, vscode.ConfigurationTarget.Global);
    // Saved first, so closing asks nothing.
    await vscode.workspace.saveAll(false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs our Tab keybinding, so the fallback attributes the accepted line', async () => {
    const editor = await acceptInHost('src/ext-desktop-tab.ts', 'const desktop = 1;');
    const ls = await settledKinds(editor.document.uri, ['human', 'ai', 'human'], 'the accepted line to be AI');
    assert.equal(ls[1].agent, 'copilot');
    assert.equal(ls[1].source, 'inline-completion');
  });

  it("runs VS Code's own accept when the Tab interception setting is off, as the real keybinding would", async () => {
    await settings().update('detection.interceptInlineAccept', false, vscode.ConfigurationTarget.Global);
    const editor = await acceptInHost('src/ext-desktop-plain.ts', 'const plain = 1;');
    // Neither the edit source nor our Tab binding says who wrote it: no evidence, so the line stays human.
    await settledKinds(editor.document.uri, ['human', 'human', 'human'], 'the accepted line to stay human');
  });
});
