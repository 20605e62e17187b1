// Files with AI lines not committed yet: read from the working state of each workspace repository, shown as Explorer
// badges (FileDecorationProvider) and as the "AI Provenance" view in Source Control. Reads only: restricted mode too.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { markdownText, visibleText } from '../core/markdownText';
import type { PendingFile } from '../core/pending';
import type { GitStore } from './gitStore';
import { message, type ProvenanceService } from './provenance';
import type { RepoRef } from './store';
import type { TeamConfig } from './teamConfig';

export const PENDING_VIEW = 'aiProvenance.pending';

export interface PendingEntry {
  readonly repo: RepoRef;
  readonly file: PendingFile;
}

/** The pending files of every repository of the workspace, kept up to date from the working state. */
export class PendingModel implements vscode.Disposable {
  private entries = new Map<string, PendingEntry>();
  private readonly repos = new Map<string, RepoRef>();
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  /** Fires with the files whose entry appeared, changed or went. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private timer: NodeJS.Timeout | undefined;
  private readonly starting: NodeJS.Timeout;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly store: GitStore,
    private readonly config: TeamConfig,
    private readonly service: ProvenanceService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    service.onDidChangeProvenance(() => this.schedule(400), this, this.disposables);
    config.onDidChange(() => this.schedule(100), this, this.disposables);
    vscode.workspace.onDidChangeWorkspaceFolders(() => void this.discover(), this, this.disposables);
    // Finding the repositories starts git, and starting a process from the extension host (a large process to fork)
    // takes tens of milliseconds: it waits until activation has returned.
    this.starting = setTimeout(() => void this.discover(), 0);
  }

  all(): PendingEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
  }

  /** The repositories watched: those of the workspace folders and of the files opened. */
  repositories(): RepoRef[] {
    return [...this.repos.values()];
  }

  get(uri: vscode.Uri): PendingEntry | undefined {
    return this.entries.get(uri.toString());
  }

  /** Reads every repository again now (the view's refresh button; tests). */
  async refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.read().finally(() => (this.running = undefined));
    await this.running;
    if (this.again) {
      this.again = false;
      await this.refresh();
    }
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delay);
  }

  private async discover(): Promise<void> {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      try {
        // repoFor looks in the folder of the path it is given.
        const repo = await this.store.repoFor(path.join(folder.uri.fsPath, '.ai-provenance'));
        if (repo) this.watch(repo);
      } catch (err) {
        this.log.warn(`${folder.uri.fsPath}: ${message(err)}`);
      }
    }
    await this.refresh();
  }

  private watch(repo: RepoRef): void {
    this.repos.set(repo.root, repo);
    if (this.watchers.has(repo.stateDir)) return;
    // Hooks, the CLI and every window rewrite `generation` after any change to the working state.
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(repo.stateDir), 'generation'));
    w.onDidChange(() => this.schedule(100));
    w.onDidCreate(() => this.schedule(100));
    w.onDidDelete(() => this.schedule(100));
    this.watchers.set(repo.stateDir, w);
  }

  private async read(): Promise<void> {
    for (const d of this.service.all()) if (d.repo) this.watch(d.repo);
    const open = new Map(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file').map((d) => [d.uri.fsPath, d] as const));
    const next = new Map<string, PendingEntry>();
    for (const repo of this.repos.values()) {
      try {
        await this.config.ensure(repo);
        const files = await this.store.pending(repo, this.config.compiledFor(repo), (rel) => open.get(path.join(repo.root, ...rel.split('/')))?.getText());
        for (const file of files) next.set(vscode.Uri.file(path.join(repo.root, ...file.path.split('/'))).toString(), { repo, file });
      } catch (err) {
        this.log.warn(`${repo.root}: cannot read the AI lines not committed yet: ${message(err)}`);
      }
    }
    const touched: vscode.Uri[] = [];
    for (const [key, e] of next) if (JSON.stringify(this.entries.get(key)?.file) !== JSON.stringify(e.file)) touched.push(vscode.Uri.parse(key));
    for (const key of this.entries.keys()) if (!next.has(key)) touched.push(vscode.Uri.parse(key));
    this.entries = next;
    if (touched.length > 0) this.changed.fire(touched);
  }

  dispose(): void {
    clearTimeout(this.starting);
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function lineCount(f: PendingFile): number {
  return f.aiLines + f.mixedLines;
}

/**
 * One line about a pending file, for tooltips. Agents and the rule's reason come from the repository: `shown` makes
 * them safe for where the line goes (plain text, or Markdown).
 */
export function describePending(f: PendingFile, shown: (repositoryText: string) => string = visibleText): string {
  const n = lineCount(f);
  const share = f.lines > 0 ? Math.round((n / f.lines) * 100) : 0;
  const crit = f.critical ? ` In a critical path (${f.critical.level}): ${shown(f.critical.reason)}.` : '';
  return `${n} AI-written line${n === 1 ? '' : 's'} not committed yet (${share}% of the file) by ${shown(f.agents.join(', '))}.${crit}`;
}

/** Explorer badges: `AI` on files with pending AI lines, in the critical colour when the file is in a critical path. */
export class PendingDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly model: PendingModel) {
    model.onDidChange((uris) => this.changed.fire(uris), this, this.disposables);
    this.disposables.push(vscode.window.registerFileDecorationProvider(this));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const e = this.model.get(uri);
    if (!e) return undefined;
    const d = new vscode.FileDecoration(e.file.critical ? 'A!' : 'AI', describePending(e.file), e.file.critical ? new vscode.ThemeColor('aiProvenance.critical') : undefined);
    d.propagate = false;
    return d;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The "AI Provenance" view in Source Control: one item per file with pending AI lines (elements are file URIs). */
export class PendingTree implements vscode.TreeDataProvider<vscode.Uri>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly view: vscode.TreeView<vscode.Uri>;
  /** The element of each listed file, by URI string: reveal() finds an element by identity. */
  private elements = new Map<string, vscode.Uri>();
  /** The files the view was last given: VS Code reveals only an item it has fetched, and does nothing otherwise. */
  private served = new Set<string>();
  /** A file to reveal once the view has fetched it (a hidden view fetches when it is shown). */
  private revealLater: string | undefined;
  private revealTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly model: PendingModel,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.view = vscode.window.createTreeView(PENDING_VIEW, { treeDataProvider: this, showCollapseAll: false });
    this.disposables.push(this.view);
    model.onDidChange(() => this.update(), this, this.disposables);
    // Like the Explorer, the view shows the file of the active editor: a long list scrolls to it.
    vscode.window.onDidChangeActiveTextEditor(() => this.follow(), this, this.disposables);
    this.view.onDidChangeVisibility(() => this.follow(), this, this.disposables);
    this.update();
  }

  private update(): void {
    const all = this.model.all();
    const critical = all.filter((e) => e.file.critical).length;
    this.view.badge = all.length > 0 ? { value: all.length, tooltip: `${all.length} file${all.length === 1 ? '' : 's'} with AI lines not committed yet${critical ? `, ${critical} in critical paths` : ''}` } : undefined;
    const next = new Map<string, vscode.Uri>();
    for (const e of all) {
      const uri = vscode.Uri.file(path.join(e.repo.root, ...e.file.path.split('/')));
      next.set(uri.toString(), this.elements.get(uri.toString()) ?? uri);
    }
    const active = vscode.window.activeTextEditor?.document.uri.toString();
    const appeared = active !== undefined && next.has(active) && !this.elements.has(active);
    this.elements = next;
    this.changed.fire();
    if (appeared) this.follow();
  }

  /** Selects the active editor's file in the view, when the view is shown and lists it (never takes the focus). */
  private follow(): void {
    const key = vscode.window.activeTextEditor?.document.uri.toString();
    this.revealLater = undefined;
    if (key === undefined || !this.elements.has(key) || !this.view.visible) return;
    if (this.served.has(key)) this.reveal(key);
    else this.revealLater = key;
  }

  private reveal(key: string): void {
    const element = this.elements.get(key);
    if (!element || !this.view.visible) return;
    this.view.reveal(element, { select: true, focus: false }).then(undefined, (err: unknown) => this.log.warn(`AI Provenance view: cannot show ${element.fsPath}: ${message(err)}`));
  }

  getChildren(element?: vscode.Uri): vscode.Uri[] {
    if (element) return [];
    this.served = new Set(this.elements.keys());
    const key = this.revealLater;
    if (key !== undefined && this.served.has(key)) {
      this.revealLater = undefined;
      // After VS Code has taken in the list this call returns.
      if (this.revealTimer) clearTimeout(this.revealTimer);
      this.revealTimer = setTimeout(() => {
        this.revealTimer = undefined;
        this.reveal(key);
      }, 0);
    }
    return [...this.elements.values()];
  }

  /** A flat list: every file is at the top. */
  getParent(): undefined {
    return undefined;
  }

  getTreeItem(uri: vscode.Uri): vscode.TreeItem {
    const e = this.model.get(uri);
    const item = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.None);
    item.id = uri.toString();
    if (!e) return item;
    const f = e.file;
    const n = lineCount(f);
    const share = f.lines > 0 ? Math.round((n / f.lines) * 100) : 0;
    const dir = path.posix.dirname(f.path);
    // The path, agents and the rule's reason come from the repository: a tree item's description is plain text (one
    // line, no bidi overrides), its tooltip Markdown in which every character shows as itself.
    item.description = visibleText(`${dir === '.' ? '' : `${dir} · `}${n} AI line${n === 1 ? '' : 's'} · ${share}%${f.critical ? ` · critical (${f.critical.level})` : ''}`);
    item.tooltip = new vscode.MarkdownString(`${markdownText(f.path)}\n\n${describePending(f, (t) => markdownText(t))}`);
    item.contextValue = f.critical ? 'aiProvenance.pendingCritical' : 'aiProvenance.pending';
    if (f.critical) item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('aiProvenance.critical'));
    item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
    item.accessibilityInformation = { label: visibleText(`${f.path}: ${describePending(f)}`) };
    return item;
  }

  dispose(): void {
    if (this.revealTimer) clearTimeout(this.revealTimer);
    for (const d of this.disposables) d.dispose();
  }
}
