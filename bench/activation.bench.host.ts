// In-host half of the activation benchmark: activates AI Provenance on demand and times it in the real extension host.
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { driver, EXTENSION_ID, extensionLog, waitFor, workspacePath } from '../test/integration/harness';

interface GitApi {
  readonly repositories: readonly unknown[];
}

describe('activation benchmark', () => {
  it('activates AI Provenance when asked, with a file of the repository open', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    assert.equal(ext.isActive, false, 'the extension activated before the benchmark asked: were its activation events removed?');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(workspacePath('src/greet.ts')));
    await vscode.window.showTextDocument(doc);
    // Start-up work (the Git extension scanning the repository) would otherwise be timed with us.
    const git = vscode.extensions.getExtension<{ getAPI(version: 1): GitApi }>('vscode.git');
    assert.ok(git, 'the built-in Git extension is missing');
    const api = (await git.activate()).getAPI(1);
    await waitFor(() => api.repositories.length > 0, 'the Git extension to open the workspace repository', 30_000);

    const started = performance.now();
    await ext.activate();
    await driver.report('load + activate()', performance.now() - started, 'ms');

    const line = await waitFor(() => /activated in (\d+(?:\.\d+)?) ms/.exec(extensionLog(EXTENSION_ID)), "the extension's 'activated in N ms' log line", 20_000);
    await driver.report('activate()', Number(line[1]), 'ms');
  });
});
