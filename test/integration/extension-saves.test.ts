import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { AiProvenanceApi } from '../../src/extension/api';
import { EXTENSION_ID, openFile, runCli, waitFor, workspacePath } from './harness';

// A person saves a file in VS Code while an agent's shell command runs (the agent's hook run as Claude Code runs it).
const SAVED = 'src/saved-by-person.ts';
const GENERATED = 'src/generated-by-command.ts';

function bash(event: 'PreToolUse' | 'PostToolUse'): string {
  return JSON.stringify({
    session_id: 'save-window',
    cwd: workspacePath('.'),
    hook_event_name: event,
    tool_name: 'Bash',
    tool_input: { command: 'node gen.js' },
    tool_use_id: 'toolu_save_window',
    ...(event === 'PostToolUse' ? { tool_response: { stdout: '', stderr: '', interrupted: false } } : {}),
  });
}

function activity(): string[] {
  const dir = workspacePath('.git/ai-provenance/activity');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.json')).map((n) => fs.readFileSync(`${dir}/${n}`, 'utf8')) : [];
}

describe("saves in the editor during an agent's shell command", function () {
  this.timeout(60_000);
  let api: AiProvenanceApi;

  before(async () => {
    api = (await vscode.extensions.getExtension<AiProvenanceApi>(EXTENSION_ID)!.activate())!;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of [SAVED, GENERATED]) fs.rmSync(workspacePath(f), { force: true });
  });

  it("leaves a file the person saved human, and credits the command's own file to the agent", async () => {
    const editor = await openFile(SAVED, 'export const a = 1;\n');
    const pre = await runCli(['hook', 'claude-code'], bash('PreToolUse'));
    assert.equal(pre.code, 0, pre.stderr);
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), 'export const typedByAPerson = 2;\n'));
    assert.ok(await editor.document.save(), 'saved');
    await waitFor(async () => activity().some((r) => r.includes(`"${SAVED}"`) && r.includes('"editor"')), 'the save in the activity log');
    fs.writeFileSync(workspacePath(GENERATED), 'export const table = [1, 2, 3];\n');
    const post = await runCli(['hook', 'claude-code'], bash('PostToolUse'));
    assert.equal(post.code, 0, post.stderr);
    assert.match(post.stderr, /src\/saved-by-person\.ts: not recorded for the shell command: saved in the editor while the command ran/);
    const status = await runCli(['status', '--json']);
    const files = JSON.parse(status.stdout) as { path: string; agents: string[] }[];
    assert.deepEqual(files.filter((f) => f.path === SAVED), []);
    assert.deepEqual(files.find((f) => f.path === GENERATED)?.agents, ['claude-code']);
    assert.ok((await api.getLineProvenance(editor.document.uri)).every((l) => l.kind === 'human'));
  });
});
