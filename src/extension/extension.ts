// The composition root: builds the long-lived objects once, wires their events, and defers all heavy work.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createApi, type AiProvenanceApi } from './api';
import { registerCommands, runCli } from './commands';
import { CriticalPaths } from './critical';
import { Decorations } from './decorations';
import { Detector } from './detector';
import { GitStore } from './gitStore';
import { PendingDecorations, PendingModel, PendingTree } from './pendingViews';
import { ReportPanel } from './reportPanel';
import { SaveRecorder } from './saveRecorder';
import { ProvenanceService } from './provenance';
import { RepoWatchers } from './repoWatcher';
import { ensureStableCli } from './stableCli';
import { readSettings, SECTION } from './settings';
import { StatusBar } from './statusBar';
import type { RepoRef } from './store';
import { TeamConfig } from './teamConfig';
import { registerWalkthrough } from './walkthrough';

let service: ProvenanceService | undefined;

export function activate(context: vscode.ExtensionContext): AiProvenanceApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('AI Provenance', { log: true });
  const trusted = (): boolean => vscode.workspace.isTrusted;
  const cliPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath;
  let settings = readSettings();

  const diagnostics = vscode.languages.createDiagnosticCollection('aiProvenance');
  const config = new TeamConfig(diagnostics);
  const detector = new Detector(settings);
  const store = new GitStore(trusted, () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath));
  const watchers = new RepoWatchers(
    store,
    (dir, pattern, onChange) => {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), pattern));
      w.onDidChange(onChange);
      w.onDidCreate(onChange);
      return w;
    },
    (stateDir, history) => service?.reloadRepo(stateDir, history),
  );
  service = new ProvenanceService(
    store,
    detector,
    settings,
    {
      onRepo: async (repo: RepoRef) => {
        watchers.ensure(repo);
        await config.ensure(repo);
      },
      isIgnored: (repo, relPath) => config.isIgnored(repo, relPath),
      canWrite: trusted,
    },
    log,
  );
  const saves = new SaveRecorder({ repoFor: (f) => store.repoFor(f), canWrite: trusted, warn: (l) => log.warn(l) });
  const critical = new CriticalPaths(service, config, diagnostics, context.workspaceState, settings);
  const decorations = new Decorations(service, config, vscode.Uri.joinPath(context.extensionUri, 'media'), settings);
  let statusBar: StatusBar | undefined = settings.statusBar ? new StatusBar(service, critical) : undefined;
  const tracked = service;
  const pending = new PendingModel(store, config, tracked, log);
  const report = new ReportPanel({ extensionUri: context.extensionUri, pending, trusted, cli: (args, cwd) => runCli(cliPath, args, cwd), log });

  context.subscriptions.push(
    log,
    diagnostics,
    config,
    detector,
    tracked,
    critical,
    decorations,
    pending,
    new PendingDecorations(pending),
    new PendingTree(pending, log),
    report,
    vscode.commands.registerCommand('aiProvenance.refreshPending', () => pending.refresh()),
    // A person's save while an agent's shell command runs must not be credited to the command.
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (doc.uri.scheme === 'file') void saves.saved(doc.uri.fsPath, doc.getText());
    }),
    { dispose: () => statusBar?.dispose() },
    watchers,
    ...registerCommands({
      service: tracked,
      detector,
      cliPath,
      stableCli: () => ensureStableCli(path.dirname(cliPath), path.join(context.globalStorageUri.fsPath, 'cli'), String(context.extension.packageJSON.version)),
      trusted,
      log,
      wantsSshSignoff: (root) => config.wantsSshSignoff(root),
      openReport: () => report.show(),
    }),
    ...registerWalkthrough({ service: tracked, trusted }),
    // For the benchmark: recompute and set the active editor's decorations once, returning the milliseconds taken.
    vscode.commands.registerCommand('aiProvenance.internal.measureRender', () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return undefined;
      const t0 = performance.now();
      decorations.render(editor);
      return performance.now() - t0;
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      settings = readSettings();
      detector.update(settings);
      tracked.update(settings);
      critical.update(settings);
      decorations.update(settings);
      // The status bar exists only while its setting is on.
      if (settings.statusBar && !statusBar) statusBar = new StatusBar(tracked, critical);
      else if (!settings.statusBar && statusBar) {
        statusBar.dispose();
        statusBar = undefined;
      }
    }),
    // What was found read-only, without git, is found again with git and becomes writable.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      store.reset();
      void tracked.relocateAll();
    }),
  );

  // Reading what is recorded for the open files waits until activation has returned.
  setTimeout(() => {
    void tracked.trackOpenDocuments().then(() => decorations.scheduleAll());
  }, 0);
  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms${trusted() ? '' : ' (restricted mode: untrusted workspace)'}`);
  return createApi(tracked);
}

export function deactivate(): Promise<void> | undefined {
  return service?.flush();
}
