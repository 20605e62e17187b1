// Helpers for integration tests: workspace files, the fake Copilot, and running our CLI.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FakeCompletion, FakeCopilotState } from '../fixtures/fake-copilot/src/extension';
import { driver, harnessConfig, waitFor } from './driver';
import { LOGS_ENV } from './protocol';

/** Absolute path of a file in the test workspace (a real git repository). */
export function workspacePath(relative: string): string {
  return path.join(harnessConfig().workspace, relative);
}

/** Writes a file into the workspace (creating folders), opens it in an editor and focuses it. */
export async function openFile(relative: string, content: string): Promise<vscode.TextEditor> {
  const file = workspacePath(relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  return vscode.window.showTextDocument(doc, { preview: false, preserveFocus: false });
}

export async function fakeCopilotState(): Promise<FakeCopilotState> {
  return (await vscode.commands.executeCommand<FakeCopilotState>('fakeCopilot.state'))!;
}

/** Arms the fake Copilot: its next inline completion, wherever the cursor is, is `completion`. */
export async function setFakeCompletion(completion: FakeCompletion | undefined): Promise<void> {
  await vscode.commands.executeCommand('fakeCopilot.setCompletion', completion);
}

/**
 * Accepts an inline completion the way a user does: ghost text appears at `at`, then Tab is pressed in the
 * browser. Resolves once the text is in the document. Keep `text` on one line (multi-line ghost text is
 * not offered reliably from an empty range).
 */
export async function acceptInlineCompletion(editor: vscode.TextEditor, text: string, at: vscode.Position): Promise<void> {
  const before = (await fakeCopilotState()).accepted;
  await setFakeCompletion(text);
  await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
  editor.selection = new vscode.Selection(at, at);
  await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
  await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  await waitFor(async () => (await fakeCopilotState()).requests > 0, 'the fake Copilot to be asked for a completion');
  if (driver.available) {
    await driver.waitForSelector('.monaco-editor.focused .ghost-text-decoration', { state: 'visible' });
    await driver.press('Tab');
    await waitFor(async () => (await fakeCopilotState()).accepted > before, `the completion '${text}' to be accepted`);
    return;
  }
  // Desktop runs cannot see the ghost text; Tab on a suggestion not shown yet accepts nothing, so it is pressed until one is.
  await waitFor(async () => {
    await driver.press('Tab');
    return (await fakeCopilotState()).accepted > before;
  }, `the completion '${text}' to be accepted`);
}

/** What an extension's log output channels (`createOutputChannel(name, { log: true })`) have written so far. */
export function extensionLog(extensionId: string): string {
  const logs = process.env[LOGS_ENV];
  if (!logs) throw new Error(`${LOGS_ENV} is not set: extension logs are only known in code-server runs`);
  const dir = path.join(logs, extensionId);
  if (!fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('');
}

export interface GitCall {
  /** The git process, its parent, its parent's parent, … */
  readonly pids: readonly number[];
  /** The `GIT_PROBE_ENV` value the caller set, '' when none. */
  readonly probe: string;
  readonly args: string;
}

/** Every git process started under code-server so far (untrusted windows only: see `HarnessConfig.gitLog`). */
export function gitCalls(): GitCall[] {
  const log = harnessConfig().gitLog;
  if (!log) throw new Error('gitCalls(): git calls are only logged in untrusted windows (*.untrusted.test.ts)');
  return fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [chain = '', probe = '', ...args] = l.split('\t');
      return { pids: chain.split(' ').filter((p) => p !== '').map(Number), probe, args: args.join('\t') };
    });
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ai-provenance` (the bundled dist/cli.js of the checkout) in the workspace. */
export function runCli(args: readonly string[], input?: string): Promise<CliResult> {
  const { repoRoot, workspace } = harnessConfig();
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), ...args], { cwd: workspace, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}
