// The getting-started walkthrough (package.json `contributes.walkthroughs`): the command that writes a first
// `.ai-provenance.json`, and the context keys its steps complete on.
import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { CONFIG_FILE } from '../core/config';
import { STARTER_CONFIG } from '../core/starterConfig';
import { pickFolder, refuseUntrusted } from './commands';
import { message, type ProvenanceService } from './provenance';

export const CREATE_CONFIG = 'aiProvenance.createConfig';
/** True while a workspace folder has a `.ai-provenance.json` at its root. */
export const HAS_CONFIG = 'aiProvenance.hasConfig';
/** True while the active editor shows AI lines (the walkthrough's last step). */
export const ACTIVE_EDITOR_HAS_AI_LINES = 'aiProvenance.activeEditorHasAiLines';

interface WalkthroughDeps {
  readonly service: ProvenanceService;
  readonly trusted: () => boolean;
}

export function registerWalkthrough(deps: WalkthroughDeps): vscode.Disposable[] {
  const { service } = deps;
  let hasConfig: boolean | undefined;
  const refreshConfig = async (): Promise<void> => {
    const found = await anyConfig();
    if (found === hasConfig) return;
    hasConfig = found;
    await vscode.commands.executeCommand('setContext', HAS_CONFIG, found);
  };
  let aiShown: boolean | undefined;
  const refreshEditor = (): void => {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const shown = uri !== undefined && service.runs(uri).runs.length > 0;
    if (shown === aiShown) return;
    aiShown = shown;
    void vscode.commands.executeCommand('setContext', ACTIVE_EDITOR_HAS_AI_LINES, shown);
  };
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE}`, false, true, false);
  const disposables = [
    watcher,
    watcher.onDidCreate(() => void refreshConfig()),
    watcher.onDidDelete(() => void refreshConfig()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void refreshConfig()),
    vscode.window.onDidChangeActiveTextEditor(refreshEditor),
    service.onDidChangeProvenance((uri) => {
      if (uri.toString() === vscode.window.activeTextEditor?.document.uri.toString()) refreshEditor();
    }),
    // Resolves to the file it wrote or opened (undefined when refused or cancelled).
    vscode.commands.registerCommand(CREATE_CONFIG, async (): Promise<vscode.Uri | undefined> => {
      // Over a file, in its place; over the Welcome page (the walkthrough's button) or another page with no text, beside
      // it, so that it stays in view: VS Code may hand the focus back to the Welcome page before this command runs.
      // Taken now, as a column number: the focus may move back to the Welcome page while the file is written, and an
      // empty group is the one `toSide:` just made for it.
      const group = vscode.window.tabGroups.activeTabGroup;
      const tab = group.activeTab;
      const text = !tab || tab.input instanceof vscode.TabInputText || tab.input instanceof vscode.TabInputTextDiff || tab.input instanceof vscode.TabInputNotebook;
      const column = text ? group.viewColumn : vscode.ViewColumn.Beside;
      if (refuseUntrusted(deps, 'AI Provenance writes no file in an untrusted workspace.')) return undefined;
      if (!vscode.workspace.workspaceFolders?.length) {
        void vscode.window.showWarningMessage(`AI Provenance: open a folder first; ${CONFIG_FILE} belongs at the root of a repository.`);
        return undefined;
      }
      const folder = await pickFolder(`Create ${CONFIG_FILE} in…`);
      if (!folder) return undefined;
      const file = vscode.Uri.joinPath(folder.uri, CONFIG_FILE);
      let wrote: boolean;
      try {
        wrote = await writeNew(file.fsPath, STARTER_CONFIG);
      } catch (err) {
        void vscode.window.showErrorMessage(`AI Provenance: ${file.fsPath}: ${message(err)}`);
        return undefined;
      }
      await vscode.window.showTextDocument(file, { preview: false, viewColumn: column });
      if (!wrote) void vscode.window.showInformationMessage(`AI Provenance: ${CONFIG_FILE} already exists in ${folder.name}; opened it as it is.`);
      await refreshConfig();
      return file;
    }),
  ];
  // Off the activation path: a stat per workspace folder.
  setTimeout(() => {
    void refreshConfig();
    refreshEditor();
  }, 0);
  return disposables;
}

async function anyConfig(): Promise<boolean> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    try {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, CONFIG_FILE));
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

/** Writes `text` to `file` unless it exists (created exclusively, so a file that appears meanwhile is never overwritten): true when written. */
async function writeNew(file: string, text: string): Promise<boolean> {
  try {
    await writeFile(file, text, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
