// *Open Provenance Report*: the report of `ai-provenance report` in a webview, in the editor's theme colours, under a
// strict Content-Security-Policy with a nonce; refreshed when notes, HEAD or the working state change. History is
// read by the CLI (git), which restricted mode does not run: there the report shows the AI lines not committed yet.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as Report from '../core/report/html';
import type { PendingModel } from './pendingViews';
import { onFetchedNotes } from './repoWatcher';
import { message } from './provenance';
import type { RepoRef } from './store';

export const REPORT_VIEW = 'aiProvenance.report';

export interface ReportDeps {
  readonly extensionUri: vscode.Uri;
  readonly pending: PendingModel;
  readonly trusted: () => boolean;
  /** Runs the bundled CLI in a folder and resolves its stdout. */
  readonly cli: (args: readonly string[], cwd: string) => Promise<string>;
  readonly log: vscode.LogOutputChannel;
}

/** The renderer is loaded the first time a report is shown, not on activation. */
function renderer(): typeof Report {
  return require('../core/report/html') as typeof Report;
}

export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private repo: RepoRef | undefined;
  private history: Report.ReportModel | undefined;
  private historyError: string | undefined;
  private nonce = '';
  private readonly disposables: vscode.Disposable[] = [];
  private watchers: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;
  /** Bumped by every change to history: a read begun before the last bump is read again. */
  private historyAsked = 0;
  /** The page shows content that came by message, newer than the html it was made from. */
  private htmlBehind = false;

  constructor(private readonly deps: ReportDeps) {
    deps.pending.onDidChange(() => this.schedule(false), this, this.disposables);
  }

  /** Opens (or reveals) the report of the repository of the active file, else of the first one. */
  async show(): Promise<void> {
    const active = vscode.window.activeTextEditor?.document.uri;
    const entries = this.deps.pending.all();
    const repo = (active && entries.find((e) => active.fsPath.startsWith(e.repo.root + path.sep))?.repo) ?? (await this.workspaceRepo());
    if (this.panel) {
      this.panel.reveal();
    } else {
      this.nonce = randomBytes(16).toString('base64');
      this.panel = vscode.window.createWebviewPanel(REPORT_VIEW, 'AI Provenance Report', vscode.ViewColumn.Active, {
        enableScripts: true,
        enableCommandUris: false,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.setRepo(undefined);
      });
      // A hidden panel's page is dropped (no retainContextWhenHidden) and made again from its html when shown; a
      // refresh under way sets the html itself.
      this.panel.onDidChangeViewState(({ webviewPanel }) => {
        if (!webviewPanel.visible && this.htmlBehind && !this.timer && !this.loading) this.setHtml(webviewPanel);
      });
    }
    this.setRepo(repo);
    this.forgetHistory();
    await this.reloadHistory();
    this.setHtml(this.panel);
  }

  private setHtml(panel: vscode.WebviewPanel): void {
    this.htmlBehind = false;
    panel.webview.html = renderer().renderReport(this.model(), { nonce: this.nonce, theme: 'vscode', cspSource: panel.webview.cspSource });
  }

  private forgetHistory(): void {
    this.history = undefined;
    this.historyAsked++;
  }

  private async workspaceRepo(): Promise<RepoRef | undefined> {
    await this.deps.pending.refresh();
    return this.deps.pending.all()[0]?.repo ?? this.deps.pending.repositories()[0];
  }

  private setRepo(repo: RepoRef | undefined): void {
    if (repo?.root === this.repo?.root) return;
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    this.repo = repo;
    if (!repo) return;
    // A commit moves logs/HEAD; a new or fetched note moves the notes ref. A remote's first fetch makes the tracking
    // ref's folders faster than the watcher follows into them; the user's fetch also rewrites FETCH_HEAD, which counts
    // only when the fetched notes refs changed (as in repoWatcher.ts: an autofetch that brought none refreshes nothing).
    const fetched = onFetchedNotes(repo.commonDir, () => this.schedule(true));
    for (const dir of new Set([repo.gitDir, repo.commonDir])) {
      for (const [pattern, changed] of [['{logs/HEAD,refs/notes/**,packed-refs}', () => this.schedule(true)], ['FETCH_HEAD', () => void fetched()]] as const) {
        const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), pattern));
        w.onDidChange(changed);
        w.onDidCreate(changed);
        this.watchers.push(w);
      }
    }
  }

  private schedule(history: boolean): void {
    if (!this.panel) return;
    if (history) this.forgetHistory();
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update();
    }, 300);
  }

  private async update(): Promise<void> {
    if (!this.panel) return;
    if (!this.history) await this.reloadHistory();
    const panel = this.panel;
    if (!panel) return;
    // Set first: the panel may be hidden while the message goes, and a hidden page does not take it (it is dropped).
    this.htmlBehind = true;
    const taken = panel.visible && (await panel.webview.postMessage({ type: 'update', html: renderer().renderBody(this.model()) }));
    if (!taken && this.panel === panel) this.setHtml(panel);
  }

  private reloadHistory(): Promise<void> {
    this.loading ??= (async () => {
      // A change to history while the CLI reads may be missing from what it read (a note the post-commit hook writes
      // after the commit moved HEAD): read again until none came.
      for (let asked = -1; asked !== this.historyAsked; ) {
        asked = this.historyAsked;
        const repo = this.repo;
        this.historyError = undefined;
        if (!repo || !this.deps.trusted()) return;
        try {
          this.history = JSON.parse(await this.deps.cli(['report', '--format', 'json', '-o', '-'], repo.root)) as Report.ReportModel;
        } catch (err) {
          this.historyError = `History could not be read: ${message(err)}`;
          this.deps.log.warn(`report: ${message(err)}`);
        }
      }
    })().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private model(): Report.ReportModel {
    const repo = this.repo;
    const pending = this.deps.pending
      .all()
      .filter((e) => e.repo.root === repo?.root)
      .map((e) => e.file);
    const base: Report.ReportModel = this.history ?? {
      version: 1,
      repository: repo ? path.basename(repo.root) : 'no repository',
      generatedAt: new Date().toISOString(),
      range: [],
      notesRef: false,
      problems: [],
    };
    const historyNote = !repo
      ? 'No git repository in this workspace.'
      : !this.deps.trusted()
        ? 'Restricted mode: history is read with git, which does not run in an untrusted workspace. Trust the workspace to see the history.'
        : this.historyError;
    // What this window knows is newer than what the CLI read from disk.
    return { ...base, pending, ...(historyNote && { historyNote }) };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers) w.dispose();
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
