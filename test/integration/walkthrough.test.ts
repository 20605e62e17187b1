import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { STARTER_CONFIG } from '../../src/core/starterConfig';
import { driver, EXTENSION_ID, harnessConfig, waitFor, workspacePath } from './harness';

/** The few DOM calls made inside `driver.evaluate` (the project compiles without the DOM library). */
declare const document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };

const WALKTHROUGH = `${EXTENSION_ID}#gettingStarted`;
const STEPS = ['installGitHooks', 'createConfig', 'installAgentHooks', 'seeGutter'];

/** Whether the Welcome page shows the walkthrough step as done (undefined: the step is not on the page). */
function stepDone(step: string): Promise<boolean | undefined> {
  return driver.evaluate((id: string) => {
    const button = document.querySelector(`button.getting-started-step[data-step-id="${id}"]`);
    return button ? button.getAttribute('aria-checked') === 'true' : undefined;
  }, `${WALKTHROUGH}#${step}`) as Promise<boolean | undefined>;
}

/** Clicks a step's button on the Welcome page, as a user does (the step first, which unfolds it). */
async function clickStepButton(step: string): Promise<void> {
  const selector = `button.getting-started-step[data-step-id="${WALKTHROUGH}#${step}"]`;
  await driver.click(`${selector} h3.step-title`);
  await driver.click(`${selector} .button-container a.monaco-button`);
}

describe('as users install it', () => {
  it('runs from the folder `code-server --install-extension` made from the .vsix, not from the checkout', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    assert.ok(fs.existsSync(path.join(ext.extensionPath, '.vsixmanifest')), `${ext.extensionPath} has no .vsixmanifest`);
    assert.ok(!fs.realpathSync(ext.extensionPath).startsWith(harnessConfig().repoRoot + path.sep), ext.extensionPath);
    assert.ok(!fs.existsSync(path.join(ext.extensionPath, 'src')), 'no sources in the installed extension');
  });
});

describe('the getting-started walkthrough', () => {
  const config = workspacePath('.ai-provenance.json');
  let original: string | undefined;
  /** The editor group beside the walkthrough, where its buttons open files. */
  let beside: vscode.ViewColumn | undefined;

  before(async () => {
    original = fs.existsSync(config) ? fs.readFileSync(config, 'utf8') : undefined;
    // No closeAllEditors: an editor another test left modified would wait for an answer to "Save changes?".
    // The Welcome page opens a step's editor beside itself only when it is wider than 950 px.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    // Steps that other test files completed (AI lines shown, hooks installed) start over.
    await vscode.commands.executeCommand('resetGettingStartedProgress');
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
    await driver.waitForSelector(`button.getting-started-step[data-step-id="${WALKTHROUGH}#seeGutter"]`);
  });

  after(async () => {
    if (original === undefined) fs.rmSync(config, { force: true });
    else fs.writeFileSync(config, original);
    await vscode.commands.executeCommand('workbench.view.explorer');
  });

  it('shows its four steps on the Welcome page, none done yet', async () => {
    await driver.screenshot('walkthrough');
    assert.deepEqual(await Promise.all(STEPS.map(stepDone)), [false, false, false, false]);
  });

  it('"Write a first .ai-provenance.json": its button writes a commented starter file and opens it beside; the step is done', async () => {
    fs.rmSync(config, { force: true });
    await clickStepButton('createConfig');
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.fsPath === config, 'the new file in an editor');
    assert.equal(fs.readFileSync(config, 'utf8'), STARTER_CONFIG);
    beside = vscode.window.activeTextEditor?.viewColumn;
    // Done, on the Welcome page that is still open beside the file.
    await waitFor(() => stepDone('createConfig'), 'the createConfig step to be done');
    await driver.screenshot('walkthrough-config');
  });

  it('never overwrites an existing .ai-provenance.json: the command opens it as it is', async () => {
    const ours = '{ "critical": [] } // ours\n';
    fs.writeFileSync(config, ours);
    // Closed first, so that what the command opens is read from disk now. (Waiting for the open editor to notice the
    // write raced with the Welcome page taking the focus back, which leaves no active text editor at all.)
    const open = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.fsPath === config);
    await vscode.window.tabGroups.close(open);
    const uri = (await vscode.commands.executeCommand('aiProvenance.createConfig')) as vscode.Uri | undefined;
    assert.equal(uri?.fsPath, config);
    assert.equal(fs.readFileSync(config, 'utf8'), ours);
    await waitFor(
      () => vscode.window.activeTextEditor?.document.uri.fsPath === config && vscode.window.activeTextEditor.document.getText() === ours,
      'the file, as it is on disk, in the active editor',
    );
  });

  it('"See AI lines in the gutter" is done once the active editor shows AI lines', async () => {
    const file = workspacePath('src/walkthrough.ts');
    fs.writeFileSync(file, 'const a = 1;\nconst b = 2;\n');
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: beside, preview: false });
    assert.equal(await stepDone('seeGutter'), false);
    await vscode.commands.executeCommand('aiProvenance.markSelectionAI', { agent: 'claude-code', uri: editor.document.uri, startLine: 1, endLine: 2 });
    await waitFor(() => stepDone('seeGutter'), 'the seeGutter step to be done');
    await driver.screenshot('walkthrough-gutter');
  });
});
