import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseSignoff } from '../../src/core/signoff';
import type { AiProvenanceApi, LineProvenanceInfo } from '../../src/extension/api';
import { discoverRepo } from '../../src/git/repo';
import { WorkingState } from '../../src/git/workingState';
import { acceptInlineCompletion, driver, EXTENSION_ID, FAKE_COPILOT_ID, harnessConfig, openFile, runCli, setFakeCompletion, waitFor, waitUntil, workspacePath } from './harness';
import { fromLines, lineAt, toLines } from '../../src/core/lineRuns';

/** The few DOM calls made inside `driver.evaluate` (the project compiles without the DOM library). */
interface El {
  readonly className: string;
  readonly textContent: string | null;
  readonly style: { top: string };
  readonly children: ArrayLike<El>;
  querySelectorAll(selector: string): ArrayLike<El>;
}
declare const document: { querySelector(selector: string): El | null };
declare function getComputedStyle(el: El): { borderLeftStyle: string; borderLeftWidth: string };

const SUGGESTION = 'function fakeAi() { return 42; }';

let api: AiProvenanceApi;

function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('aiProvenance');
}

async function lines(uri: vscode.Uri): Promise<LineProvenanceInfo[]> {
  return api.getLineProvenance(uri);
}

/** Waits until the lines' kinds are exactly `kinds` (the tracker, the debounce and the store run asynchronously). */
async function expectKinds(uri: vscode.Uri, kinds: readonly string[], what: string): Promise<LineProvenanceInfo[]> {
  let last: string[] = [];
  try {
    return await waitFor(
      async () => {
        const ls = await lines(uri);
        last = ls.map((l) => l.kind);
        return JSON.stringify(last) === JSON.stringify(kinds) ? ls : undefined;
      },
      what,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}: kinds are ${JSON.stringify(last)}, expected ${JSON.stringify(kinds)}`);
  }
}

async function typeAt(editor: vscode.TextEditor, line: number, character: number, text: string): Promise<void> {
  await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
  editor.selection = new vscode.Selection(line, character, line, character);
  await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
  if (driver.available) await driver.type(text);
  else await vscode.commands.executeCommand('type', { text });
  await waitFor(() => editor.document.lineAt(line).text.includes(text) || undefined, `'${text}' typed on line ${line + 1}`);
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: harnessConfig().workspace, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
}

describe('AI Provenance in VS Code', function () {
  this.timeout(60_000);

  before(async () => {
    const ext = vscode.extensions.getExtension<AiProvenanceApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    api = await ext.activate();
    assert.equal(api.version, 1);
    // The fake provider stands in for Copilot only because this test says so.
    await settings().update('detection.agents', { [FAKE_COPILOT_ID]: 'copilot' }, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await settings().update('detection.agents', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('detection.useEditSource', undefined, vscode.ConfigurationTarget.Global);
  });

  describe('an inline completion accepted with Tab', () => {
    let editor: vscode.TextEditor;

    before(async () => {
      editor = await openFile('src/ext-accept.ts', 'const a = 1;\n\nconst b = 2;\n');
      await acceptInlineCompletion(editor, SUGGESTION, new vscode.Position(1, 0));
    });

    it('marks exactly the accepted line as AI, written by the mapped agent', async () => {
      const ls = await expectKinds(editor.document.uri, ['human', 'ai', 'human', 'human'], 'the accepted line to be AI');
      assert.equal(ls[1].agent, 'copilot');
      assert.equal(ls[1].source, 'inline-completion');
    });

    it('keeps a line human when a person types on it', async () => {
      await typeAt(editor, 2, editor.document.lineAt(2).text.length, ' // typed');
      await expectKinds(editor.document.uri, ['human', 'ai', 'human', 'human'], 'typing on another line to leave the AI line alone');
    });

    it('makes the AI line mixed when a person types inside it', async () => {
      await typeAt(editor, 1, editor.document.lineAt(1).text.length, ' // edited');
      const ls = await expectKinds(editor.document.uri, ['human', 'mixed', 'human', 'human'], 'the edited AI line to be mixed');
      assert.equal(ls[1].agent, 'copilot');
    });

    it('notifies listeners of the API when provenance changes', async () => {
      const seen = new Promise<vscode.Uri>((resolve) => {
        const sub = api.onDidChangeProvenance((uri) => {
          if (uri.toString() === editor.document.uri.toString()) {
            sub.dispose();
            resolve(uri);
          }
        });
      });
      await typeAt(editor, 0, 0, '/* x */ ');
      assert.equal((await seen).toString(), editor.document.uri.toString());
    });
  });

  describe('edits by a person', () => {
    for (const useEditSource of [true, false]) {
      it(`never makes AI lines from pasting or formatting (edit source ${useEditSource ? 'on' : 'off'})`, async () => {
        await settings().update('detection.useEditSource', useEditSource, vscode.ConfigurationTarget.Global);
        try {
          const editor = await openFile(`src/ext-paste-${useEditSource}.ts`, 'let a=1\n\n');
          await vscode.env.clipboard.writeText('const pasted = {a:1,\n  b:2};\nlet more=3\n');
          editor.selection = new vscode.Selection(1, 0, 1, 0);
          await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
          if (driver.available) await driver.press('Control+V');
          else await vscode.commands.executeCommand('editor.action.clipboardPasteAction');
          await waitFor(() => editor.document.getText().includes('let more=3') || undefined, 'the pasted text');
          // The TypeScript formatter spaces operators and indents the pasted object; its server may still be starting.
          await waitFor(async () => {
            await vscode.commands.executeCommand('editor.action.formatDocument');
            return editor.document.getText().includes('let a = 1') || undefined;
          }, 'the formatter to run');
          await expectKinds(editor.document.uri, editor.document.getText().split('\n').map(() => 'human'), 'every line to stay human');
        } finally {
          await settings().update('detection.useEditSource', undefined, vscode.ConfigurationTarget.Global);
        }
      });
    }
  });

  describe('persistence', () => {
    it('writes what the editor learned to the working state, where git hooks and a reopened window read it', async () => {
      const editor = await openFile('src/ext-persist.ts', 'let p = 1;\n\n');
      await acceptInlineCompletion(editor, SUGGESTION, new vscode.Position(1, 0));
      await expectKinds(editor.document.uri, ['human', 'ai', 'human'], 'the accepted line');
      const state = WorkingState.forRepo(await discoverRepo(harnessConfig().workspace));
      const stored = await waitFor(async () => {
        const r = await state.read('src/ext-persist.ts', editor.document.getText());
        return r && lineAt(r, 1).kind === 'ai' ? toLines(r) : undefined;
      }, 'the working state to hold the AI line');
      assert.deepEqual(stored.map((l) => l.kind), ['human', 'ai', 'human']);
      assert.equal(stored[1].attribution?.agent, 'copilot');
    });

    it('re-anchors recorded lines when the file changed on disk while it was closed', async () => {
      const state = WorkingState.forRepo(await discoverRepo(harnessConfig().workspace));
      const before = 'a\nb\nc\n';
      fs.writeFileSync(workspacePath('src/ext-reanchor.ts'), before);
      const by = { agent: 'cursor', source: 'agent-hook' as const, at: new Date().toISOString() };
      await state.write('src/ext-reanchor.ts', before, fromLines([{ kind: 'human' }, { kind: 'ai', attribution: by }, { kind: 'human' }, { kind: 'human' }]));
      // Two lines inserted above the AI line by someone else, outside the editor.
      fs.writeFileSync(workspacePath('src/ext-reanchor.ts'), 'new 1\nnew 2\na\nb\nc\n');
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(workspacePath('src/ext-reanchor.ts')));
      const ls = await expectKinds(doc.uri, ['human', 'human', 'human', 'ai', 'human', 'human'], 'the AI line to follow its text');
      assert.equal(ls[3].agent, 'cursor');
    });
  });

  describe('commands', () => {
    it('marks a range as AI-written by a chosen agent, and back as human-written', async () => {
      const editor = await openFile('src/ext-mark.ts', 'one\ntwo\nthree\n');
      await vscode.commands.executeCommand('aiProvenance.markSelectionAI', { agent: 'aider', model: 'anthropic/claude-sonnet-4-5', startLine: 0, endLine: 2 });
      const ls = await expectKinds(editor.document.uri, ['ai', 'ai', 'human', 'human'], 'the marked lines');
      assert.deepEqual([ls[0].agent, ls[0].model, ls[0].source], ['aider', 'anthropic/claude-sonnet-4-5', 'manual']);
      // Saved at once, even right after opening, so a commit from the terminal sees it.
      const stored = await WorkingState.forRepo(await discoverRepo(harnessConfig().workspace)).read('src/ext-mark.ts', editor.document.getText());
      assert.deepEqual(stored && toLines(stored).map((l) => l.kind), ['ai', 'ai', 'human', 'human']);
      editor.selection = new vscode.Selection(1, 0, 1, 2);
      await vscode.commands.executeCommand('aiProvenance.markSelectionHuman');
      await expectKinds(editor.document.uri, ['ai', 'human', 'human', 'human'], 'the selected line to be human again');
    });

    it('refuses to mark lines outside the document, changing nothing', async () => {
      const editor = await openFile('src/ext-mark-bad.ts', 'one\n');
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('aiProvenance.markSelectionAI', { agent: 'aider', startLine: 5, endLine: 9 })),
        /ext-mark-bad\.ts: lines 5–9 are outside the document/,
      );
      await expectKinds(editor.document.uri, ['human', 'human'], 'nothing to change');
    });

    it('signs off in the Source Control input box with the git identity', async () => {
      const gitExt = vscode.extensions.getExtension<{ getAPI(v: 1): { repositories: { inputBox: { value: string } }[] } }>('vscode.git');
      assert.ok(gitExt);
      const repo = await waitFor(() => gitExt.exports?.getAPI(1).repositories[0], 'the Git extension to open the repository');
      repo.inputBox.value = 'Change billing';
      await openFile('src/ext-signoff.ts', 'x\n');
      await vscode.commands.executeCommand('aiProvenance.signOff');
      assert.equal(repo.inputBox.value, 'Change billing\n\nAI-Reviewed-by: Test User <test@example.com>');
      await vscode.commands.executeCommand('aiProvenance.signOff');
      assert.equal(repo.inputBox.value, 'Change billing\n\nAI-Reviewed-by: Test User <test@example.com>', 'signing off twice adds one trailer');
      repo.inputBox.value = '';
    });
  });

  describe('hovers', () => {
    it('names the agent, model and source of an AI line, and says it is not committed yet', async () => {
      const editor = await openFile('src/ext-hover.ts', 'a\nb\n');
      await vscode.commands.executeCommand('aiProvenance.markSelectionAI', { agent: 'claude-code', model: 'anthropic/claude-opus-4-5', startLine: 1, endLine: 2 });
      await expectKinds(editor.document.uri, ['human', 'ai', 'human'], 'the marked line');
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(1, 0));
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      // The model is a code span, which shows its text as it is: no escapes inside (extension-security.test.ts reads the DOM).
      assert.match(text, /claude\\-code · `anthropic\/claude-opus-4-5`/);
      assert.match(text, /source: manual/);
      assert.match(text, /not committed yet/);
      const none = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(0, 0));
      assert.ok(!none.some((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('AI-written'))), 'a human line has no AI hover');
    });
  });

  describe('renaming a file in the editor', () => {
    it('carries its AI lines to the new name', async () => {
      const editor = await openFile('src/ext-rename-old.ts', 'a\nb\n');
      await vscode.commands.executeCommand('aiProvenance.markSelectionAI', { agent: 'roo', startLine: 1, endLine: 2 });
      await expectKinds(editor.document.uri, ['human', 'ai', 'human'], 'the marked line');
      const to = vscode.Uri.file(workspacePath('src/renamed/ext-rename-new.ts'));
      const edit = new vscode.WorkspaceEdit();
      edit.renameFile(editor.document.uri, to);
      assert.ok(await vscode.workspace.applyEdit(edit));
      const ls = await expectKinds(to, ['human', 'ai', 'human'], 'the AI line under the new name');
      assert.equal(ls[1].agent, 'roo');
    });
  });

  describe('undo and redo of an accepted completion', () => {
    it('removes the AI line on undo and brings it back on redo', async () => {
      const editor = await openFile('src/ext-undo.ts', 'let x = 1;\n\n');
      await acceptInlineCompletion(editor, SUGGESTION, new vscode.Position(1, 0));
      await expectKinds(editor.document.uri, ['human', 'ai', 'human'], 'the accepted line to be AI');
      await vscode.commands.executeCommand('undo');
      await waitFor(() => editor.document.lineAt(1).text === '' || undefined, 'undo to remove the completion');
      await expectKinds(editor.document.uri, ['human', 'human', 'human'], 'undo to leave no AI line');
      await vscode.commands.executeCommand('redo');
      await waitFor(() => editor.document.lineAt(1).text === SUGGESTION || undefined, 'redo to restore the completion');
      const ls = await expectKinds(editor.document.uri, ['human', 'ai', 'human'], 'redo to restore the AI line');
      assert.equal(ls[1].agent, 'copilot');
    });
  });

  describe('without VS Code edit source (stable-API fallback)', () => {
    before(() => settings().update('detection.useEditSource', false, vscode.ConfigurationTarget.Global));
    after(() => settings().update('detection.useEditSource', undefined, vscode.ConfigurationTarget.Global));

    it('still attributes a completion accepted with Tab', async () => {
      const editor = await openFile('src/ext-fallback.ts', '// fallback\n\n');
      await acceptInlineCompletion(editor, SUGGESTION, new vscode.Position(1, 0));
      const ls = await expectKinds(editor.document.uri, ['human', 'ai', 'human'], 'the fallback to attribute the accepted line');
      assert.equal(ls[1].agent, 'copilot');
      assert.equal(ls[1].source, 'inline-completion');
    });

    it('attributes the word accepted with Ctrl+Right, and only that word', async () => {
      const editor = await openFile('src/ext-partial.ts', '\n');
      await setFakeCompletion('function partial() { return 1; }');
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await driver.waitForSelector('.monaco-editor.focused .ghost-text-decoration', { state: 'visible' });
      await driver.press('Control+ArrowRight');
      await waitFor(() => editor.document.lineAt(0).text.startsWith('function') || undefined, 'one word to be accepted');
      assert.ok(editor.document.lineAt(0).text.length < 'function partial() { return 1; }'.length, 'only part of the suggestion was taken');
      const ls = await expectKinds(editor.document.uri, ['ai', 'human'], 'the partly accepted line to be AI');
      assert.equal(ls[0].agent, 'copilot');
      await setFakeCompletion(undefined);
      await vscode.commands.executeCommand('editor.action.inlineSuggest.hide');
    });

    it('still treats typing as a person', async () => {
      const editor = await openFile('src/ext-fallback-typed.ts', '\n');
      await typeAt(editor, 0, 0, 'let typed = 1;');
      await expectKinds(editor.document.uri, ['human', 'human'], 'typed text to stay human');
    });
  });

  describe('chat-editing sessions and agent diff tabs (stable-API fallback)', () => {
    const subs: vscode.Disposable[] = [];
    afterEach(async () => {
      subs.splice(0).forEach((d) => d.dispose());
      // Saved first, so closing asks nothing.
      await vscode.workspace.saveAll(false);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    /** A document of the given scheme for `file`, whose content the test can change like a streaming agent. */
    function virtualDoc(scheme: string, file: vscode.Uri): { uri: vscode.Uri; set(text: string): void } {
      const changed = new vscode.EventEmitter<vscode.Uri>();
      let content = '';
      subs.push(changed, vscode.workspace.registerTextDocumentContentProvider(scheme, { onDidChange: changed.event, provideTextDocumentContent: () => content }));
      const uri = file.with({ scheme });
      return {
        uri,
        set(text: string) {
          content = text;
          changed.fire(uri);
        },
      };
    }

    async function insertLines(uri: vscode.Uri, line: number, text: string): Promise<void> {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(uri, new vscode.Position(line, 0), text);
      assert.ok(await vscode.workspace.applyEdit(edit));
    }

    it('attributes lines an extension writes while its chat-editing model streams into the file', async () => {
      const editor = await openFile('src/ext-chat.ts', 'keep\n');
      const model = virtualDoc('chat-editing-text-model', editor.document.uri);
      await vscode.workspace.openTextDocument(model.uri);
      model.set('keep\nchat 1\nchat 2\n');
      await waitFor(() => vscode.workspace.textDocuments.find((d) => d.uri.toString() === model.uri.toString())?.getText().includes('chat 2') || undefined, 'the chat model to change');
      await insertLines(editor.document.uri, 1, 'chat 1\nchat 2\n');
      const ls = await expectKinds(editor.document.uri, ['human', 'ai', 'ai', 'human'], 'the streamed lines to be AI');
      assert.equal(ls[1].source, 'chat-edit');
      assert.equal(ls[1].agent, 'copilot');
    });

    it('leaves an extension edit human when no chat-editing model is streaming', async () => {
      const editor = await openFile('src/ext-no-chat.ts', 'keep\n');
      await insertLines(editor.document.uri, 1, 'generated 1\ngenerated 2\n');
      await expectKinds(editor.document.uri, ['human', 'human', 'human', 'human'], 'the lines to stay human');
    });

    it('attributes multi-line edits to a file shown in a Cline diff tab, but not single keystrokes', async () => {
      const editor = await openFile('src/ext-cline.ts', 'keep\n');
      const original = virtualDoc('cline-diff', editor.document.uri);
      original.set('keep\n');
      await vscode.commands.executeCommand('vscode.diff', original.uri, editor.document.uri, 'ext-cline.ts: Original ↔ Cline');
      await waitFor(
        () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === 'cline-diff')) || undefined,
        'the Cline diff tab',
      );
      await insertLines(editor.document.uri, 1, 'cline 1\ncline 2\n');
      const ls = await expectKinds(editor.document.uri, ['human', 'ai', 'ai', 'human'], 'the written lines to be AI');
      assert.equal(ls[1].agent, 'cline');
      const one = new vscode.WorkspaceEdit();
      one.insert(editor.document.uri, new vscode.Position(0, 4), '!');
      assert.ok(await vscode.workspace.applyEdit(one));
      await expectKinds(editor.document.uri, ['human', 'ai', 'ai', 'human'], 'one character to stay human');
    });
  });

  describe('an agent that wrote the file on disk and recorded it with the CLI', () => {
    it('shows the recorded lines as AI in the open editor', async () => {
      const editor = await openFile('src/ext-disk.ts', 'export const a = 1;\n');
      await expectKinds(editor.document.uri, ['human', 'human'], 'the file to be tracked');
      const text = 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n';
      fs.writeFileSync(workspacePath('src/ext-disk.ts'), text);
      const r = await runCli(['record', '--agent', 'claude-code', '--model', 'anthropic/claude-opus-4-5', 'src/ext-disk.ts:2-3']);
      assert.equal(r.code, 0, r.stderr);
      const ls = await expectKinds(editor.document.uri, ['human', 'ai', 'ai', 'human'], 'the recorded lines to appear');
      assert.equal(ls[1].agent, 'claude-code');
      assert.equal(ls[1].model, 'anthropic/claude-opus-4-5');
      // The editor writes the reloaded file too, often before it has read the record: that write must keep it (commits read it).
      const state = WorkingState.forRepo(await discoverRepo(harnessConfig().workspace), { readOnly: true });
      await waitUntil(
        async () => {
          const stored = await state.read('src/ext-disk.ts', text);
          return stored ? toLines(stored).map((l) => l.kind) : [];
        },
        (kinds) => kinds.join() === 'human,ai,ai,human',
        'the working state to still hold the recorded lines',
      );
    });
  });

  describe('an agent hook recording into the working state while the file is open', () => {
    it('updates the open editor without reopening it', async () => {
      const editor = await openFile('src/ext-hook.ts', 'one\ntwo\nthree\n');
      await expectKinds(editor.document.uri, ['human', 'human', 'human', 'human'], 'the file to be tracked');
      const state = WorkingState.forRepo(await discoverRepo(harnessConfig().workspace));
      const by = { agent: 'codex', model: 'openai/gpt-5', source: 'agent-hook' as const, at: new Date().toISOString() };
      await state.update('src/ext-hook.ts', editor.document.getText(), (current) => fromLines(toLines(current).map((l, i) => (i === 1 ? { kind: 'ai', attribution: by } : l))));
      const ls = await expectKinds(editor.document.uri, ['human', 'ai', 'human', 'human'], 'the recorded line to appear');
      assert.equal(ls[1].agent, 'codex');
      assert.equal(ls[1].source, 'agent-hook');
    });
  });

  describe('critical paths', () => {
    const configPath = '.ai-provenance.json';
    const good = '{\n  "critical": [\n    { "paths": ["infra/**"], "reason": "Production infrastructure", "level": "block" }\n  ]\n}\n';

    after(() => fs.rmSync(workspacePath(configPath), { force: true }));

    function ours(uri: vscode.Uri): vscode.Diagnostic[] {
      return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'AI Provenance');
    }

    it('puts an error naming the rule on AI lines in a block-level critical file', async () => {
      fs.writeFileSync(workspacePath(configPath), good);
      const editor = await openFile('infra/ext-critical.tf', 'resource "null_resource" "a" {}\n\n');
      await acceptInlineCompletion(editor, 'resource "null_resource" "ai" {}', new vscode.Position(1, 0));
      const diags = await waitFor(() => {
        const d = ours(editor.document.uri);
        return d.length > 0 ? d : undefined;
      }, 'a critical-path diagnostic');
      assert.equal(diags.length, 1);
      assert.equal(diags[0].range.start.line, 1);
      assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
      assert.match(diags[0].message, /Production infrastructure/);
      if (driver.available) {
        // The toasts' container is in the page before the toast is drawn in it: wait for the text itself.
        const toast = await waitFor(async () => {
          const text = await driver.evaluate(() => document.querySelector('.notifications-toasts')?.textContent ?? '', null);
          return text.includes('critical path') ? text : undefined;
        }, 'the critical-path notification');
        assert.match(toast, /ext-critical\.tf, a critical path: Production infrastructure/);
        // The status bar item is drawn after the extension host sets it.
        await waitFor(
          () => driver.evaluate(() => document.querySelector('.statusbar-item [aria-label*="critical path"] .codicon-warning, .statusbar-item[aria-label*="critical path"] .codicon-warning') !== null, null),
          'the status bar to show the warning state',
        );
      }
    });

    it('puts no diagnostic on files outside the critical paths', async () => {
      const editor = await openFile('src/ext-not-critical.ts', '\n');
      await acceptInlineCompletion(editor, SUGGESTION, new vscode.Position(0, 0));
      await expectKinds(editor.document.uri, ['ai', 'human'], 'the AI line');
      assert.deepEqual(ours(editor.document.uri), []);
    });

    it('reports a broken config at the exact position and keeps the last good rules', async () => {
      const critical = vscode.Uri.file(workspacePath('infra/ext-critical.tf'));
      // Line 5, column 3: a missing comma before "ignore".
      fs.writeFileSync(workspacePath(configPath), good.replace('  ]\n}', '  ]\n  "ignore": []\n}'));
      const uri = vscode.Uri.file(workspacePath(configPath));
      const diags = await waitFor(() => {
        const d = ours(uri);
        return d.length > 0 ? d : undefined;
      }, 'a diagnostic in the broken config');
      assert.equal(diags[0].range.start.line, 4);
      assert.equal(diags[0].range.start.character, 2);
      assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
      assert.equal(ours(critical).length, 1, 'the last good config still applies');
      fs.writeFileSync(workspacePath(configPath), good);
      await waitFor(() => ours(uri).length === 0 || undefined, 'the diagnostic to go once the config is fixed');
    });

    it('signs off with the SSH key git names when the config asks for SSH sign-offs', async () => {
      const root = harnessConfig().workspace;
      const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-ext-key-'));
      const key = path.join(keyDir, 'reviewer');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'reviewer', '-f', key]);
      const signers = '.github/ai-reviewers';
      fs.mkdirSync(workspacePath('.github'), { recursive: true });
      fs.writeFileSync(workspacePath(signers), `test@example.com ${fs.readFileSync(`${key}.pub`, 'utf8').trim()}\n`);
      await openFile('infra/ext-signed.tf', 'resource "null_resource" "signed" {}\n');
      execFileSync('git', ['config', 'user.signingKey', key], { cwd: root });
      execFileSync('git', ['add', 'infra/ext-signed.tf'], { cwd: root });
      const gitExt = vscode.extensions.getExtension<{ getAPI(v: 1): { repositories: { inputBox: { value: string } }[] } }>('vscode.git');
      const repo = await waitFor(() => gitExt?.exports?.getAPI(1).repositories[0], 'the Git extension to open the repository');
      try {
        fs.writeFileSync(workspacePath(configPath), good.replace('\n}\n', `,\n  "signoff": { "method": "ssh", "allowedSigners": "${signers}" }\n}\n`));
        // The config watcher may take a moment: until it has the new config, the command adds an AI-Reviewed-by line.
        const value = await waitFor(async () => {
          repo.inputBox.value = 'Change infra';
          await vscode.commands.executeCommand('aiProvenance.signOff');
          return repo.inputBox.value.includes('AI-Signoff:') ? repo.inputBox.value : undefined;
        }, 'an AI-Signoff line in the input box');
        const m = /^Change infra\n\nAI-Signoff: (test@example\.com \S+ \S+)$/.exec(value);
        assert.ok(m, value);
        const signed = parseSignoff(m[1]!);
        assert.ok(typeof signed !== 'string', String(signed));
        assert.deepEqual(signed.files.map((f) => f.path), ['infra/ext-signed.tf']);
      } finally {
        repo.inputBox.value = '';
        execFileSync('git', ['reset', '-q', '--', 'infra/ext-signed.tf'], { cwd: root });
        execFileSync('git', ['config', '--unset', 'user.signingKey'], { cwd: root });
        fs.rmSync(workspacePath('infra/ext-signed.tf'), { force: true });
        fs.rmSync(workspacePath('.github'), { recursive: true, force: true });
        fs.rmSync(keyDir, { recursive: true, force: true });
        fs.writeFileSync(workspacePath(configPath), good);
      }
    });
  });

  describe('a commit made in the Source Control view', () => {
    it('carries the trailers, and the gutter keeps the AI line afterwards', async () => {
      // The command runs the bundled CLI, as a user would from the palette.
      await vscode.commands.executeCommand('aiProvenance.installHooks');
      const hooks = git('rev-parse', '--git-path', 'hooks').trim();
      assert.match(fs.readFileSync(`${harnessConfig().workspace}/${hooks}/prepare-commit-msg`, 'utf8'), /ai-provenance/);
      // The hooks name the CLI copy in the extension's global storage, which outlives updates of the extension's folder.
      const common = git('rev-parse', '--git-common-dir').trim();
      const ours = fs.readFileSync(`${common.startsWith('/') ? '' : `${harnessConfig().workspace}/`}${common}/ai-provenance/hooks/prepare-commit-msg`, 'utf8');
      const hookCli = /^ap_cli='([^']+)'$/m.exec(ours)?.[1];
      assert.ok(hookCli && fs.existsSync(hookCli), `the hook's CLI exists: ${hookCli}`);
      assert.match(hookCli, /globalStorage/);
      assert.ok(!hookCli.startsWith(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath), hookCli);
      const editor = await openFile('src/ext-commit.ts', 'export const x = 1;\n\n');
      await acceptInlineCompletion(editor, SUGGESTION, new vscode.Position(1, 0));
      await expectKinds(editor.document.uri, ['human', 'ai', 'human'], 'the accepted line');
      await editor.document.save();
      const state = WorkingState.forRepo(await discoverRepo(harnessConfig().workspace));
      await waitFor(async () => (await state.paths()).includes('src/ext-commit.ts') || undefined, 'the working state to hold the AI line');

      const gitExt = vscode.extensions.getExtension<{ getAPI(v: 1): { repositories: { inputBox: { value: string }; add(paths: string[]): Promise<void> }[] } }>('vscode.git');
      assert.ok(gitExt);
      const gitApi = (await gitExt.activate()).getAPI(1);
      const repo = await waitFor(() => gitApi.repositories[0], 'the Git extension to open the repository');
      await repo.add([editor.document.uri.fsPath]);
      repo.inputBox.value = 'Add the answer';
      await vscode.commands.executeCommand('git.commit');
      await waitFor(() => git('log', '-1', '--format=%s').trim() === 'Add the answer' || undefined, 'the commit');
      const body = git('log', '-1', '--format=%B');
      assert.match(body, /^Assisted-by: copilot$/m);
      assert.match(body, /^AI-Lines: 1\/\d+$/m);
      const ls = await expectKinds(editor.document.uri, ['human', 'ai', 'human'], 'the AI line to stay marked after the commit');
      assert.equal(ls[1].agent, 'copilot');
      assert.match(await waitFor(async () => (await lines(editor.document.uri))[1].commit, 'the line to learn its commit'), /^[0-9a-f]{40}$/);
    });
  });

  describe('the gutter in the real browser', () => {
    it('draws the AI bar on exactly the AI line, and keeps a screenshot', async () => {
      const editor = await openFile('src/ext-gutter.ts', 'const first = 1;\n\nconst third = 3;\n');
      await acceptInlineCompletion(editor, SUGGESTION, new vscode.Position(1, 0));
      await expectKinds(editor.document.uri, ['human', 'ai', 'human', 'human'], 'the AI line');
      // The page draws the bars and the status bar a while after the extension host set them.
      await waitUntil(
        () =>
          driver.evaluate(() => {
            const root = document.querySelector('.monaco-editor.focused');
            if (!root) return undefined;
            const textByTop = new Map<string, string>();
            const viewLines = root.querySelectorAll('.view-lines .view-line');
            for (let i = 0; i < viewLines.length; i++) textByTop.set(viewLines[i].style.top, (viewLines[i].textContent ?? '').replace(/\u00a0/g, ' '));
            const out: string[] = [];
            const overlays = root.querySelectorAll('.view-overlays > div');
            for (let i = 0; i < overlays.length; i++) {
              const kids = overlays[i].children;
              for (let k = 0; k < kids.length; k++) {
                const s = getComputedStyle(kids[k]);
                if (s.borderLeftStyle === 'solid' && s.borderLeftWidth === '3px') out.push(textByTop.get(overlays[i].style.top) ?? `?${overlays[i].style.top}`);
              }
            }
            return out;
          }, null),
        (bars) => JSON.stringify(bars) === JSON.stringify([SUGGESTION]),
        'the AI bar on exactly the AI line',
      );
      // One AI line of four: the status bar says 25%.
      await waitUntil(
        () => driver.evaluate(() => document.querySelector('.statusbar-item [aria-label^="AI Provenance:"], .statusbar-item[aria-label^="AI Provenance:"]')?.textContent ?? undefined, null),
        (status) => /AI 25%/.test(status ?? ''),
        'the status bar to show AI 25%',
      );
      const png = await driver.screenshot('extension-gutter');
      assert.ok(fs.statSync(png).size > 1000);
    });
  });
});
