import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Attribution } from '../../src/core/model';
import type { AiProvenanceApi } from '../../src/extension/api';
import { discoverRepo } from '../../src/git/repo';
import { WorkingState } from '../../src/git/workingState';
import { EXTENSION_ID, harnessConfig, runCli, waitFor, workspacePath } from './harness';
import { fromLines } from '../../src/core/lineRuns';

const FILE = 'src/history-shell.ts';
const TEXT = 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n';
/** What an agent's hook records for a line its shell tool wrote. */
const SHELL: Attribution = { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', session: 'sess-history-42', at: '2026-01-01T00:00:00.000Z', detail: 'shell' };

function git(...args: string[]): string {
  return execFileSync('git', args, {
    cwd: harnessConfig().workspace,
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C', GIT_AUTHOR_NAME: 'Test User', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test User', GIT_COMMITTER_EMAIL: 'test@example.com' },
  });
}

function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

describe('history of a committed AI line in the editor', function () {
  this.timeout(90_000);
  let api: AiProvenanceApi;

  before(async () => {
    api = (await vscode.extensions.getExtension<AiProvenanceApi>(EXTENSION_ID)!.activate())!;
    const r = await runCli(['install']);
    assert.equal(r.code, 0, r.stderr);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const r = await runCli(['uninstall']);
    assert.equal(r.code, 0, r.stderr);
  });

  it('hovers with the session, detail and model its note has, read without starting the CLI', async () => {
    fs.writeFileSync(workspacePath(FILE), TEXT);
    await WorkingState.forRepo(await discoverRepo(harnessConfig().workspace)).write(FILE, TEXT, fromLines([{ kind: 'human' }, { kind: 'ai', attribution: SHELL }, { kind: 'human' }, { kind: 'human' }]));
    git('add', '--', FILE);
    git('commit', '-q', '-m', 'Add the shell line');
    const head = git('rev-parse', 'HEAD').trim();
    assert.match(git('notes', '--ref=ai-provenance', 'show', head), /sess-history-42/, 'the real hooks noted the line');

    // The extension's own CLI is moved away while the file is read: history read through it would find nothing.
    const cli = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'cli.js');
    fs.renameSync(cli, `${cli}.away`);
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(workspacePath(FILE)));
      await vscode.window.showTextDocument(doc);
      const line = await waitFor(async () => (await api.getLineProvenance(doc.uri)).find((l) => l.line === 1 && l.commit === head), 'the line to learn its commit');
      assert.deepEqual(
        { kind: line.kind, agent: line.agent, model: line.model, source: line.source, session: line.session, detail: line.detail },
        { kind: 'ai', agent: 'claude-code', model: 'anthropic/claude-opus-4-5', source: 'agent-hook', session: 'sess-history-42', detail: 'shell' },
      );
      const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, 0)));
      assert.match(text, /`anthropic\/claude-opus-4-5`/);
      assert.match(text, /source: agent\\-hook \(shell\)/);
      assert.match(text, /session: `sess-history-42`/);
      assert.match(text, new RegExp(`commit: \`${head.slice(0, 12)}\``));
    } finally {
      fs.renameSync(`${cli}.away`, cli);
    }
  });
});
