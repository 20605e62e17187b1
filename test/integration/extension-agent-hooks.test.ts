import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { driver, EXTENSION_ID, runCli, waitFor, workspacePath } from './harness';

/** The few DOM calls made inside `driver.evaluate` (the project compiles without the DOM library). */
interface El {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
}
declare const document: { querySelectorAll(selector: string): ArrayLike<El> };

const COMMAND = 'aiProvenance.installAgentHooks';
const AGENT_DIRS = ['.claude', '.codex', '.cursor', '.gemini', '.github', '.kiro'];

function readJson(rel: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(workspacePath(rel), 'utf8')) as Record<string, unknown>;
}

/** The commands of every hook entry in a settings file, whichever of the two shapes the agent uses. */
function hookCommands(settings: Record<string, unknown>): string[] {
  const hooks = (settings.hooks ?? {}) as Record<string, unknown[]>;
  const out: string[] = [];
  for (const entries of Object.values(hooks)) {
    for (const e of entries as Record<string, unknown>[]) {
      if (typeof e.command === 'string') out.push(e.command);
      for (const h of (e.hooks ?? []) as Record<string, unknown>[]) if (typeof h.command === 'string') out.push(h.command);
    }
  }
  return out;
}

/** The rows of the open quick pick: label and whether its checkbox is ticked. */
async function quickPickRows(): Promise<{ text: string; checked: boolean }[]> {
  return driver.evaluate(() => {
    const rows = document.querySelectorAll('.quick-input-widget .quick-input-list .monaco-list-row');
    const out: { text: string; checked: boolean }[] = [];
    for (let i = 0; i < rows.length; i++) {
      // Multi-select rows are role="checkbox" with aria-checked (VS Code 1.139).
      out.push({ text: (rows[i].querySelector('.label-name')?.textContent ?? '').trim(), checked: rows[i].getAttribute('aria-checked') === 'true' });
    }
    return out;
  }, null);
}

describe('Install Agent Hooks command', function () {
  this.timeout(60_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  afterEach(async () => {
    // Removes exactly what install added (agent entries and git hooks), then the folders this file created.
    const r = await runCli(['uninstall']);
    assert.equal(r.code, 0, r.stderr);
    for (const d of AGENT_DIRS) fs.rmSync(workspacePath(d), { recursive: true, force: true });
  });

  it('adds our hook to the settings of the agents it is given, and the git hooks with them', async () => {
    const changed = await vscode.commands.executeCommand<string[]>(COMMAND, { agents: ['claude-code', 'cursor'] });
    assert.deepEqual(changed, ['.claude/settings.json', '.cursor/hooks.json']);
    const claude = hookCommands(readJson('.claude/settings.json'));
    assert.ok(claude.length > 0 && claude.every((c) => / hook claude-code$/.test(c)), JSON.stringify(claude));
    const cursor = hookCommands(readJson('.cursor/hooks.json'));
    assert.ok(cursor.length > 0 && cursor.every((c) => / hook cursor$/.test(c)), JSON.stringify(cursor));
    for (const other of ['.codex', '.gemini', '.github', '.kiro']) assert.equal(fs.existsSync(workspacePath(other)), false, `${other} was not asked for`);
    assert.ok(fs.readdirSync(workspacePath('.git/hooks')).some((f) => f === 'post-commit' && /ai-provenance/.test(fs.readFileSync(workspacePath(`.git/hooks/${f}`), 'utf8'))), 'the git hooks are installed too');
  });

  it('keeps what the user has in an agent settings file and changes nothing when run again', async () => {
    fs.mkdirSync(workspacePath('.claude'));
    fs.writeFileSync(workspacePath('.claude/settings.json'), '{\n  "model": "opus",\n  "hooks": { "Stop": [{ "hooks": [{ "type": "command", "command": "echo done" }] }] }\n}\n');
    assert.deepEqual(await vscode.commands.executeCommand<string[]>(COMMAND, { agents: ['claude-code'] }), ['.claude/settings.json']);
    const settings = readJson('.claude/settings.json');
    assert.equal(settings.model, 'opus');
    assert.ok(hookCommands(settings).includes('echo done'), 'the user hook stays');
    assert.ok(hookCommands(settings).some((c) => / hook claude-code$/.test(c)));
    const before = fs.readFileSync(workspacePath('.claude/settings.json'), 'utf8');
    assert.deepEqual(await vscode.commands.executeCommand<string[]>(COMMAND, { agents: ['claude-code'] }), []);
    assert.equal(fs.readFileSync(workspacePath('.claude/settings.json'), 'utf8'), before);
  });

  it('refuses an unknown agent with a clear message and writes nothing', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(COMMAND, { agents: ['claude-code', 'chatgpt'] })), /unknown agent 'chatgpt'/);
    assert.equal(fs.existsSync(workspacePath('.claude')), false);
  });

  it('lets the user tick agents in a quick pick, with those whose settings folder exists already ticked', async () => {
    fs.mkdirSync(workspacePath('.gemini'));
    const result = Promise.resolve(vscode.commands.executeCommand<string[] | undefined>(COMMAND));
    await driver.waitForSelector('.quick-input-widget .quick-input-list .monaco-list-row');
    const rows = await waitFor(async () => {
      const r = await quickPickRows();
      return r.length === 6 ? r : undefined;
    }, 'six agents in the quick pick');
    assert.deepEqual(
      rows.filter((r) => r.checked).map((r) => r.text),
      ['gemini-cli'],
      `rows: ${JSON.stringify(rows)}`,
    );
    // Typing filters the list; Space on the focused row would type instead, so the row's checkbox is clicked.
    await driver.click('.quick-input-widget .quick-input-list .monaco-list-row[aria-label^="codex,"] .monaco-checkbox');
    await waitFor(async () => (await quickPickRows()).find((r) => r.text === 'codex')?.checked, 'codex to be ticked');
    // Enter accepts from the filter box (on a focused checkbox it would only toggle it).
    await driver.click('.quick-input-widget .quick-input-box input');
    await driver.press('Enter');
    assert.deepEqual(await result, ['.codex/hooks.json', '.gemini/settings.json']);
    // Codex runs it through the user's login shell, so the command is wrapped in `sh -c '…'`.
    const codex = hookCommands(readJson('.codex/hooks.json'));
    assert.ok(codex.length > 0 && codex.every((c) => / hook codex'?$/.test(c)), JSON.stringify(codex));
    assert.ok(hookCommands(readJson('.gemini/settings.json')).some((c) => / hook gemini-cli$/.test(c)));
    assert.equal(fs.existsSync(workspacePath('.claude')), false, 'an unticked agent gets nothing');
  });

  it('writes nothing when the quick pick is dismissed', async () => {
    const result = Promise.resolve(vscode.commands.executeCommand<string[] | undefined>(COMMAND));
    await driver.waitForSelector('.quick-input-widget .quick-input-list .monaco-list-row');
    await driver.press('Escape');
    assert.equal(await result, undefined);
    for (const d of AGENT_DIRS) assert.equal(fs.existsSync(workspacePath(d)), false, d);
    assert.equal(fs.existsSync(workspacePath('.git/hooks/post-commit')), false, 'no git hooks either');
  });
});
