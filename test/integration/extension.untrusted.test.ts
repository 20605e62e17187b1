import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AiProvenanceApi, LineProvenanceInfo } from '../../src/extension/api';
import { driver, EXTENSION_ID, extensionLog, GIT_PROBE_ENV, gitCalls, harnessConfig, waitFor, workspacePath } from './harness';

// Runs in a second window with workspace trust on and this workspace untrusted (the harness does so for *.untrusted.test.ts).

/** The few DOM calls made inside `driver.evaluate` (the project compiles without the DOM library). */
interface El {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: { querySelectorAll(selector: string): ArrayLike<El>; querySelector(selector: string): El | null };

const FILE = 'src/untrusted.ts';
const TEXT = 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n';
const RECORDED = ['human', 'ai', 'ai', 'human'];

let api: AiProvenanceApi;

/** Every file under a folder with its content, to show that nothing in it changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = fs.readFileSync(file, 'utf8');
  }
  return out;
}

async function kinds(uri: vscode.Uri): Promise<string[]> {
  return (await api.getLineProvenance(uri)).map((l) => l.kind);
}

describe('AI Provenance in an untrusted workspace (restricted mode)', function () {
  this.timeout(60_000);
  const uri = (): vscode.Uri => vscode.Uri.file(workspacePath(FILE));
  let hooksBefore: Record<string, string>;

  before(async () => {
    hooksBefore = snapshot(workspacePath('.git/hooks'));
    // The file and its record come from outside VS Code, as from an agent's hook in a terminal.
    fs.writeFileSync(workspacePath(FILE), TEXT);
    const r = await driver.cli(['record', '--agent', 'claude-code', '--model', 'anthropic/claude-opus-4-5', `${FILE}:2-3`]);
    assert.equal(r.code, 0, r.stderr);
    const ext = vscode.extensions.getExtension<AiProvenanceApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    api = await ext.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates in restricted mode, saying so in its log', async () => {
    assert.equal(harnessConfig().untrusted, true);
    assert.equal(vscode.workspace.isTrusted, false);
    const line = await waitFor(() => /activated in \d+\.\d ms \(restricted mode: untrusted workspace\)/.exec(extensionLog(EXTENSION_ID)), 'the activation log line');
    assert.ok(line);
  });

  it('shows the AI lines that are recorded, with agent and model', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri()));
    let last: LineProvenanceInfo[] = [];
    await waitFor(async () => {
      last = await api.getLineProvenance(uri());
      return JSON.stringify(last.map((l) => l.kind)) === JSON.stringify(RECORDED);
    }, `kinds ${JSON.stringify(RECORDED)}`).catch((err: Error) => {
      throw new Error(`${err.message}: got ${JSON.stringify(last.map((l) => l.kind))}`);
    });
    assert.deepEqual([last[1].agent, last[1].model, last[1].source], ['claude-code', 'anthropic/claude-opus-4-5', 'manual']);
    // Two AI lines of four: the status bar says so too.
    let status: string | undefined;
    await waitFor(async () => {
      status = await driver.evaluate(() => document.querySelector('.statusbar-item [aria-label^="AI Provenance:"], .statusbar-item[aria-label^="AI Provenance:"]')?.textContent ?? undefined, null);
      return status?.includes('AI 50%');
    }, 'the status bar to show the AI share').catch((err: Error) => {
      throw new Error(`${err.message}: it shows ${JSON.stringify(status)}`);
    });
  });

  it('leaves the commands that install, mark or sign off out of the Command Palette', async () => {
    await vscode.commands.executeCommand('workbench.action.showCommands');
    await driver.waitForSelector('.quick-input-widget .quick-input-box input');
    await driver.type('AI Provenance: ');
    const labels = await waitFor(async () => {
      const ls = await driver.evaluate(() => {
        const rows = document.querySelectorAll('.quick-input-widget .quick-input-list .monaco-list-row');
        const out: string[] = [];
        for (let i = 0; i < rows.length; i++) out.push(rows[i].getAttribute('aria-label') ?? '');
        return out;
      }, null);
      // The list has caught up with the filter once the commands still offered are in it.
      return ls.some((l) => l.includes('Show AI Lines of This File')) ? ls : undefined;
    }, 'the palette to list AI Provenance commands');
    await driver.press('Escape');
    for (const title of ['Install Git Hooks', 'Install Agent Hooks…', 'Mark Selection as AI-Written', 'Mark Selection as Human-Written', 'Sign Off AI Changes']) {
      assert.ok(!labels.some((l) => l.includes(title)), `'${title}' is offered: ${JSON.stringify(labels)}`);
    }
  });

  it('refuses to install, mark or sign off when run anyway, and changes nothing', async () => {
    const stateDir = workspacePath('.git/ai-provenance');
    const stateBefore = snapshot(stateDir);
    assert.ok(Object.keys(stateBefore).length > 0, 'the working state holds the record');
    await vscode.commands.executeCommand('aiProvenance.installHooks');
    assert.equal(await vscode.commands.executeCommand('aiProvenance.installAgentHooks', { agents: ['claude-code', 'cursor'] }), undefined);
    await vscode.commands.executeCommand('aiProvenance.markSelectionAI', { uri: uri(), agent: 'aider', startLine: 0, endLine: 1 });
    await vscode.commands.executeCommand('aiProvenance.markSelectionHuman', { uri: uri(), startLine: 1, endLine: 3 });
    await vscode.commands.executeCommand('aiProvenance.signOff');
    assert.deepEqual(await kinds(uri()), RECORDED);
    assert.deepEqual(snapshot(workspacePath('.git/hooks')), hooksBefore, '.git/hooks is unchanged');
    assert.ok(Object.keys(hooksBefore).every((f) => f.endsWith('.sample')), `only git's samples: ${Object.keys(hooksBefore).join(', ')}`);
    for (const dir of ['.claude', '.cursor']) assert.equal(fs.existsSync(workspacePath(dir)), false, `${dir} was created`);
    assert.deepEqual(snapshot(stateDir), stateBefore, 'the working state is unchanged');
  });

  it('records no save for agents\' shell commands', async () => {
    const doc = await vscode.workspace.openTextDocument(uri());
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// a person\n'));
    assert.ok(await doc.save(), 'saved');
    assert.equal(fs.existsSync(workspacePath('.git/ai-provenance/activity')), false);
  });

  // Last, so that it covers everything the extension did in this window.
  it('starts no git process from the extension host', () => {
    // A git call of this test itself, marked, shows that the log sees this process's children.
    execFileSync('git', ['--version'], { env: { ...process.env, [GIT_PROBE_ENV]: 'probe' } });
    const calls = gitCalls();
    assert.ok(calls.some((c) => c.probe === 'probe' && c.pids.includes(process.pid)), `the probe is missing from the git log: ${JSON.stringify(calls)}`);
    assert.ok(calls.some((c) => c.probe === '' && !c.pids.includes(process.pid)), 'the CLI record run outside VS Code used git');
    assert.deepEqual(calls.filter((c) => c.probe === '' && c.pids.includes(process.pid)), []);
  });
});
