// Every command of the extension, from one typed table; ids match package.json.
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { labelText, notificationText } from '../core/markdownText';
import { KNOWN_AGENTS, type Attribution } from '../core/model';
import { agentChoices, changedAgentFiles, parseAgentList, type HookAgentId } from './agentHooks';
import { attribution } from './detection';
import type { Detector } from './detector';
import { gitApi, repositoryFor } from './gitApi';
import { addReviewedBy, addTrailer } from './signOff';
import { message, type ProvenanceService } from './provenance';
import { SECTION } from './settings';

export const COMMANDS = {
  toggleAnnotations: 'aiProvenance.toggleAnnotations',
  markSelectionAI: 'aiProvenance.markSelectionAI',
  markSelectionHuman: 'aiProvenance.markSelectionHuman',
  showAiLines: 'aiProvenance.showAiLines',
  installHooks: 'aiProvenance.installHooks',
  installAgentHooks: 'aiProvenance.installAgentHooks',
  signOff: 'aiProvenance.signOff',
  openReport: 'aiProvenance.openReport',
  showSummary: 'aiProvenance.showSummary',
  acceptInlineSuggestion: 'aiProvenance.internal.armInlineAccept',
  endInlineAccept: 'aiProvenance.internal.disarmInlineAccept',
} as const;

export interface CommandDeps {
  readonly service: ProvenanceService;
  readonly detector: Detector;
  readonly cliPath: string;
  /** The copy of the CLI that installs run, so that the hooks they write outlive extension updates (stableCli.ts). */
  readonly stableCli?: () => Promise<string>;
  readonly trusted: () => boolean;
  readonly log: vscode.LogOutputChannel;
  /** Whether the repository at `root` asks for SSH-signed sign-offs (§13) instead of `AI-Reviewed-by`. */
  readonly wantsSshSignoff?: (root: string) => Promise<boolean>;
  /** Shows the provenance report (reportPanel.ts). */
  readonly openReport: () => Promise<void>;
}

/** Arguments tests and other extensions may pass instead of answering the pickers. */
interface MarkArgs {
  readonly agent?: string;
  readonly model?: string;
  readonly uri?: vscode.Uri;
  /** 0-based, end exclusive; defaults to the selection. */
  readonly startLine?: number;
  readonly endLine?: number;
}

/** Arguments that answer the agent picker of `installAgentHooks`. */
interface InstallAgentArgs {
  readonly agents?: unknown;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { service, detector } = deps;
  const table: Record<string, (...args: never[]) => unknown> = {
    [COMMANDS.toggleAnnotations]: async () => {
      const c = vscode.workspace.getConfiguration(SECTION);
      await c.update('annotations.enabled', !c.get<boolean>('annotations.enabled', true), vscode.ConfigurationTarget.Global);
    },
    [COMMANDS.markSelectionAI]: async (args?: MarkArgs) => {
      if (refuseUntrusted(deps, 'AI Provenance records nothing in an untrusted workspace.')) return;
      const target = await targetLines(args);
      if (!target) return;
      const agent = args?.agent ?? (await pickAgent());
      if (!agent) return;
      await service.mark(target.doc, target.start, target.end, attribution(agent, 'manual', new Date(), args?.model));
    },
    [COMMANDS.markSelectionHuman]: async (args?: MarkArgs) => {
      if (refuseUntrusted(deps, 'AI Provenance records nothing in an untrusted workspace.')) return;
      const target = await targetLines(args);
      if (target) await service.mark(target.doc, target.start, target.end, undefined);
    },
    [COMMANDS.showAiLines]: async (uri?: vscode.Uri) => {
      const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (!doc) return;
      // A file picked in a view may not be tracked yet.
      await service.open(doc);
      const { runs, attributions } = service.runs(doc.uri);
      if (runs.length === 0) {
        void vscode.window.showInformationMessage('No AI-written lines in this file.');
        return;
      }
      const pick = await vscode.window.showQuickPick(
        runs.map((r) => ({
          label: `$(sparkle) Lines ${r.start + 1}–${r.end}`,
          // Agent, model and the line's own text (`$(document)` in jQuery) would otherwise show icons.
          description: labelText(`${r.kind === 'mixed' ? 'AI, edited' : 'AI'} · ${whoWrote(attributions[r.id]!)}`),
          detail: labelText(doc.lineAt(r.start).text.trim().slice(0, 120)),
          run: r,
        })),
        { placeHolder: 'AI-written lines of this file' },
      );
      if (!pick) return;
      const editor = await vscode.window.showTextDocument(doc);
      const range = new vscode.Range(pick.run.start, 0, pick.run.end - 1, doc.lineAt(pick.run.end - 1).text.length);
      editor.selection = new vscode.Selection(range.start, range.end);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    },
    [COMMANDS.installHooks]: async () => {
      if (refuseUntrusted(deps, INSTALLS_NOTHING)) return;
      const folder = await pickFolder('Install the AI Provenance git hooks in…');
      if (!folder) return;
      if ((await runInstall(deps, folder, [])) !== undefined) {
        void vscode.window.showInformationMessage(`AI Provenance: git hooks installed in ${notificationText(folder.name)}.`);
      }
    },
    // Resolves to the settings files it changed (undefined when cancelled, refused or failed).
    [COMMANDS.installAgentHooks]: async (args?: InstallAgentArgs) => {
      if (refuseUntrusted(deps, INSTALLS_NOTHING)) return undefined;
      const given = args?.agents === undefined ? undefined : parseAgentList(args.agents);
      const folder = await pickFolder('Install the AI Provenance agent hooks in…');
      if (!folder) return undefined;
      const agents = given ?? (await pickAgents(folder));
      if (!agents || agents.length === 0) return undefined;
      // The same `install` the git-hooks command runs, so the git hooks that turn agent records into trailers come too.
      const out = await runInstall(deps, folder, ['--agents', agents.join(',')]);
      if (out === undefined) return undefined;
      const changed = changedAgentFiles(out);
      void vscode.window.showInformationMessage(
        changed.length > 0
          ? `AI Provenance: agent hooks added to ${notificationText(changed.join(', '))} in ${notificationText(folder.name)}.`
          : `AI Provenance: the hooks of ${agents.join(', ')} were already installed in ${notificationText(folder.name)}.`,
      );
      return changed;
    },
    [COMMANDS.signOff]: async (uri?: vscode.Uri) => {
      if (refuseUntrusted(deps, 'Sign-off needs a trusted workspace.')) return;
      const api = await gitApi();
      const repo = api && repositoryFor(api, (uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri)?.fsPath);
      if (!repo) {
        void vscode.window.showErrorMessage('AI Provenance: no git repository to sign off in (the Git extension is off or the file is outside a repository).');
        return;
      }
      const [name, email] = await Promise.all([repo.getConfig('user.name').catch(() => ''), repo.getConfig('user.email').catch(() => '')]);
      if (!email.trim()) {
        void vscode.window.showErrorMessage('AI Provenance: set your git identity first (git config user.email), then sign off again.');
        return;
      }
      const root = repo.rootUri.fsPath;
      if (await deps.wantsSshSignoff?.(root)) {
        // The CLI signs the staged critical files with the key git config names (user.signingKey).
        let line: string;
        try {
          line = (await runCli(deps.cliPath, ['sign-off'], root)).trim();
        } catch (err) {
          void vscode.window.showErrorMessage(`AI Provenance: ${notificationText((err as Error).message)}`);
          return;
        }
        repo.inputBox.value = addTrailer(repo.inputBox.value, line);
      } else {
        repo.inputBox.value = addReviewedBy(repo.inputBox.value, name.trim(), email.trim());
      }
      await vscode.commands.executeCommand('workbench.view.scm');
    },
    [COMMANDS.openReport]: () => deps.openReport(),
    [COMMANDS.showSummary]: async () => {
      const editor = vscode.window.activeTextEditor;
      const tracked = editor && service.get(editor.document.uri);
      if (!tracked) return;
      const ai = tracked.tracker.aiLineCount();
      // A file name may hold `[label](command:…)`, which VS Code would make a link of.
      const choice = await vscode.window.showInformationMessage(
        `${ai} of ${tracked.tracker.lineCount} lines of ${notificationText(tracked.relPath ?? editor.document.fileName)} are AI-written.`,
        'Show AI Lines',
        'Sign Off',
        'Open Report',
      );
      if (choice === 'Show AI Lines') await vscode.commands.executeCommand(COMMANDS.showAiLines, editor.document.uri);
      else if (choice === 'Sign Off') await vscode.commands.executeCommand(COMMANDS.signOff);
      else if (choice === 'Open Report') await vscode.commands.executeCommand(COMMANDS.openReport);
    },
    [COMMANDS.acceptInlineSuggestion]: (args?: { agent?: string }) => {
      const uri = vscode.window.activeTextEditor?.document.uri;
      if (uri) detector.acceptWindow.arm(uri.toString(), Date.now(), typeof args?.agent === 'string' ? args.agent : undefined);
    },
    [COMMANDS.endInlineAccept]: () => detector.acceptWindow.disarm(),
  };
  return Object.entries(table).map(([id, fn]) => vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));
}

async function targetLines(args?: MarkArgs): Promise<{ doc: vscode.TextDocument; start: number; end: number } | undefined> {
  const editor = vscode.window.activeTextEditor;
  const doc = args?.uri ? await vscode.workspace.openTextDocument(args.uri) : editor?.document;
  if (!doc) return undefined;
  if (args?.startLine !== undefined) {
    const end = args.endLine ?? args.startLine + 1;
    if (args.startLine < 0 || end > doc.lineCount || end <= args.startLine) {
      throw new Error(`${notificationText(doc.uri.fsPath)}: lines ${args.startLine}–${end} are outside the document (0–${doc.lineCount})`);
    }
    return { doc, start: args.startLine, end };
  }
  if (!editor || editor.document !== doc) return undefined;
  const s = editor.selection;
  // A selection ending at column 0 of a line does not include that line.
  const end = s.end.line > s.start.line && s.end.character === 0 ? s.end.line : s.end.line + 1;
  return { doc, start: s.start.line, end };
}

async function pickAgent(): Promise<string | undefined> {
  const pick = await vscode.window.showQuickPick(
    KNOWN_AGENTS.map((a) => ({ label: a })),
    { placeHolder: 'Which AI wrote the selected lines?' },
  );
  return pick?.label;
}

/** `copilot · gpt-4o`: the agent, and the model when known. */
function whoWrote(a: Attribution): string {
  return a.model ? `${a.agent} · ${a.model}` : a.agent;
}

export async function pickFolder(placeHolder: string): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder });
}

const INSTALLS_NOTHING = 'AI Provenance installs nothing in an untrusted workspace.';

/** True (after saying why) when the workspace is untrusted; commands are also disabled there, but other callers can still run them. */
export function refuseUntrusted(deps: Pick<CommandDeps, 'trusted'>, why: string): boolean {
  if (deps.trusted()) return false;
  void vscode.window.showWarningMessage(why);
  return true;
}

async function pickAgents(folder: vscode.WorkspaceFolder): Promise<HookAgentId[] | undefined> {
  const choices = await agentChoices(folder.uri.fsPath);
  const picks = await vscode.window.showQuickPick(
    choices.map((c) => ({ label: c.agent, description: c.file, detail: c.present ? 'settings folder found in this workspace' : undefined, picked: c.present, agent: c.agent })),
    { canPickMany: true, title: 'Install Agent Hooks', placeHolder: 'Agents that should report their edits to AI Provenance' },
  );
  return picks?.map((p) => p.agent);
}

/** Runs the bundled CLI's `install` in a folder; the output (logged) or undefined once the error was shown. */
async function runInstall(deps: CommandDeps, folder: vscode.WorkspaceFolder, args: readonly string[]): Promise<string | undefined> {
  try {
    const cli = deps.stableCli
      ? await deps.stableCli().catch((err: unknown) => {
          deps.log.warn(`could not copy the CLI to the extension's storage (${message(err)}); the hooks name the extension's own copy, which an update replaces`);
          return deps.cliPath;
        })
      : deps.cliPath;
    const out = await runCli(cli, ['install', ...args], folder.uri.fsPath);
    deps.log.info(out.trim());
    return out;
  } catch (err) {
    // The CLI's first line of stderr may quote the config, a note or a file name.
    void vscode.window.showErrorMessage(`AI Provenance: ${notificationText(message(err))}`);
    return undefined;
  }
}

/** Runs the bundled CLI with the extension host's Node. */
export function runCli(cliPath: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cliPath, ...args], { cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(String(stderr).trim().split('\n')[0] || err.message));
      else resolve(String(stdout));
    });
  });
}
