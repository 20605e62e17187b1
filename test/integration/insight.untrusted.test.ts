import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { treeDigest } from '../security/treeDigest';
import { driver, EXTENSION_ID, GIT_PROBE_ENV, gitCalls, harnessConfig, waitFor, workspacePath } from './harness';
import { closeTabsOf, viewRows, webviewText } from './insightViews';

// Runs in the untrusted window, after extension.untrusted.test.ts. The Explorer badges, the Source Control view and
// the report read the working state only: in restricted mode they show what is recorded, write nothing and run no git.

const FILE = 'src/insight-untrusted.ts';
const TEXT = 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n';

describe('insight in an untrusted workspace (restricted mode)', function () {
  this.timeout(60_000);
  const uri = (): vscode.Uri => vscode.Uri.file(workspacePath(FILE));
  let gitBefore: Record<string, string>;

  before(async () => {
    assert.equal(harnessConfig().untrusted, true);
    // Recorded from outside VS Code, as by an agent's hook in a terminal.
    fs.writeFileSync(workspacePath(FILE), TEXT);
    const r = await driver.cli(['record', '--agent', 'claude-code', `${FILE}:1-2`]);
    assert.equal(r.code, 0, r.stderr);
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    gitBefore = treeDigest(workspacePath('.git'));
  });

  after(async () => {
    await closeTabsOf(uri());
  });

  it('lists the recorded file in the AI Provenance view and shows the report with its lines, saying history needs trust', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri()));
    await vscode.commands.executeCommand('aiProvenance.pending.focus');
    const rows = await waitFor(async () => {
      const r = await viewRows();
      return r.some((l) => l.startsWith(`${FILE}:`)) ? r : undefined;
    }, 'the file in the AI Provenance view');
    assert.ok(rows.some((l) => l.startsWith(`${FILE}: 2 AI-written lines not committed yet`)), rows.join(' | '));

    await vscode.commands.executeCommand('aiProvenance.openReport');
    const text = await waitFor(async () => {
      const t = await webviewText();
      return t?.includes('insight-untrusted.ts') ? t : undefined;
    }, 'the report with the recorded file');
    assert.match(text, /Restricted mode: history is read with git, which does not run in an untrusted workspace/);
    await driver.screenshot('insight-report-untrusted');
  });

  it('writes nothing in .git and starts no git process from the extension host', () => {
    assert.deepEqual(treeDigest(workspacePath('.git')), gitBefore, 'nothing in .git changed');
    execFileSync('git', ['--version'], { env: { ...process.env, [GIT_PROBE_ENV]: 'insight-probe' } });
    const calls = gitCalls();
    assert.ok(calls.some((c) => c.probe === 'insight-probe' && c.pids.includes(process.pid)), `the probe is missing from the git log: ${JSON.stringify(calls)}`);
    assert.deepEqual(calls.filter((c) => c.probe === '' && c.pids.includes(process.pid)), []);
  });
});
