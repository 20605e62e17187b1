// Keeps one TrackedDocument per open document, fed by the detector; the window's cut and copied AI text and the
// attributions read from history are shared between them.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { notificationText } from '../core/markdownText';
import { CarriedText, type EditOptions } from '../core/tracker';
import type { Attribution, TextChange } from '../core/model';
import { humanLines, type LineRuns } from '../core/lineRuns';
import { CommittedAttributions, type LineInfo } from './committed';
import type { Detector } from './detector';
import type { Settings } from './settings';
import type { RepoRef, Store } from './store';
import { message, TrackedDocument, type DocumentContext, type TrackedDoc } from './trackedDocument';

export type { LineInfo } from './committed';
export { message, type TrackedDoc } from './trackedDocument';

/** The copy half of VS Code's paste-edit API (1.97 and later), typed here because the engine's typings predate it. */
interface CopyWatcher {
  prepareDocumentPaste(document: vscode.TextDocument, ranges: readonly vscode.Range[]): void;
}
type RegisterPasteProvider = (selector: vscode.DocumentSelector, provider: CopyWatcher, metadata: { readonly providedPasteEditKinds: readonly never[] }) => vscode.Disposable;

/** What the service asks of the rest of the extension about repositories. */
export interface RepoHooks {
  /** Called before the first file of a repository is tracked (load its config, watch its working state). */
  onRepo(repo: RepoRef): Promise<void>;
  isIgnored(repo: RepoRef, relPath: string): boolean;
  /** False in untrusted workspaces: nothing is written. */
  canWrite(): boolean;
}

const TRACKED_SCHEMES = new Set(['file', 'untitled']);
/** Copies spanning more lines than this are not remembered. */
const COPY_LINES = 5_000;

export class ProvenanceService implements vscode.Disposable {
  private readonly docs = new Map<string, TrackedDocument>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChangeProvenance = this.changed.event;
  /** Attributions read from history, so hovers can name their commit and saves skip them. */
  private readonly committed = new CommittedAttributions();
  /** AI text cut or copied in any editor of the window, for pastes that keep who wrote it. */
  private readonly carried = new CarriedText((a) => this.committed.asUncommitted(a));
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly context: DocumentContext;

  constructor(
    private readonly store: Store,
    private readonly detector: Detector,
    private settings: Settings,
    private readonly hooks: RepoHooks,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.context = {
      store,
      committed: this.committed,
      log,
      canWrite: () => hooks.canWrite(),
      persistDelay: () => this.settings.persistDelay,
      isTracked: (d) => this.docs.get(d.uri.toString()) === d,
      changed: (uri) => this.changed.fire(uri),
    };
    vscode.workspace.onDidOpenTextDocument((d) => void this.open(d), this, this.disposables);
    vscode.workspace.onDidCloseTextDocument(this.close, this, this.disposables);
    vscode.workspace.onDidChangeTextDocument(this.onChange, this, this.disposables);
    vscode.workspace.onDidRenameFiles((e) => void this.renamed(e.files), this, this.disposables);
    this.watchCopies();
  }

  /** Remembers the AI text a person copies or cuts in an editor, so that a paste of exactly that text keeps who wrote it. */
  private watchCopies(): void {
    const register = (vscode.languages as unknown as { registerDocumentPasteEditProvider?: RegisterPasteProvider }).registerDocumentPasteEditProvider;
    // Without the copy hook a cut is still seen as the edit that removes the text; a copy is not seen.
    if (typeof register !== 'function') return;
    const watcher: CopyWatcher = { prepareDocumentPaste: (document, ranges) => this.copied(document, ranges) };
    this.disposables.push(register.call(vscode.languages, [{ scheme: 'file' }, { scheme: 'untitled' }], watcher, { providedPasteEditKinds: [] }));
  }

  private copied(document: vscode.TextDocument, ranges: readonly vscode.Range[]): void {
    const state = this.docs.get(document.uri.toString());
    if (!state || (state.cut?.version === document.version && state.cut.ranges === rangesKey(ranges))) return;
    for (const r of ranges) {
      // Reading a copy of many thousand lines on every copy would hold up the extension host.
      if (r.end.line - r.start.line > COPY_LINES) continue;
      try {
        this.carried.remember(state.tracker.fragment(r.start, r.end));
      } catch (err) {
        this.log.warn(`${document.uri.fsPath}: cannot remember the copied lines ${r.start.line + 1}–${r.end.line + 1}: ${message(err)}`);
      }
    }
  }

  /** Carries recorded lines along when files or folders are renamed or moved inside the editor. */
  private async renamed(files: readonly { readonly oldUri: vscode.Uri; readonly newUri: vscode.Uri }[]): Promise<void> {
    if (!this.hooks.canWrite()) return;
    await this.flush();
    for (const { oldUri, newUri } of files) {
      if (oldUri.scheme !== 'file' || newUri.scheme !== 'file') continue;
      try {
        const repo = await this.store.repoFor(newUri.fsPath);
        if (!repo) continue;
        const from = path.relative(repo.root, oldUri.fsPath).split(path.sep).join('/');
        const to = path.relative(repo.root, newUri.fsPath).split(path.sep).join('/');
        if (from.startsWith('..') || to.startsWith('..')) continue;
        await this.store.rename(repo, from, to);
        this.reloadRepo(repo.stateDir);
      } catch (err) {
        this.log.warn(`${oldUri.fsPath} → ${newUri.fsPath}: cannot move recorded provenance: ${message(err)}`);
      }
    }
  }

  update(settings: Settings): void {
    this.settings = settings;
  }

  /** Starts tracking the documents that were open before activation; called once the window has settled. */
  trackOpenDocuments(): Promise<void> {
    return Promise.all(vscode.workspace.textDocuments.map((d) => this.open(d))).then(() => undefined);
  }

  get(uri: vscode.Uri): TrackedDoc | undefined {
    return this.docs.get(uri.toString());
  }

  all(): TrackedDoc[] {
    return [...this.docs.values()];
  }

  async open(doc: vscode.TextDocument): Promise<TrackedDoc | undefined> {
    const key = doc.uri.toString();
    const existing = this.docs.get(key);
    if (existing) {
      await existing.ready;
      return this.docs.get(key);
    }
    if (!TRACKED_SCHEMES.has(doc.uri.scheme)) return undefined;
    const state = new TrackedDocument(doc.uri, doc.getText(), this.context);
    this.docs.set(key, state);
    if (doc.uri.scheme === 'file') {
      state.ready = this.locate(state, doc);
      await state.ready;
    }
    return this.docs.get(key);
  }

  /** Finds every open file's repository again (once trust is granted: with git, writable) and reads what is recorded. */
  async relocateAll(): Promise<void> {
    await Promise.all(
      [...this.docs.values()].map(async (state) => {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === state.uri.toString());
        if (!doc || doc.uri.scheme !== 'file') return;
        state.repo = undefined;
        state.relPath = undefined;
        state.needsHistory = true;
        state.ready = this.locate(state, doc);
        await state.ready;
      }),
    );
  }

  /** Finds the document's repository and merges what is recorded; edits made meanwhile are saved once it is known. */
  private async locate(state: TrackedDocument, doc: vscode.TextDocument): Promise<void> {
    const key = doc.uri.toString();
    try {
      const repo = await this.store.repoFor(doc.uri.fsPath);
      if (!repo || this.docs.get(key) !== state) return;
      await this.hooks.onRepo(repo);
      const relPath = path.relative(repo.root, doc.uri.fsPath).split(path.sep).join('/');
      if (relPath.startsWith('..') || this.hooks.isIgnored(repo, relPath)) {
        this.docs.delete(key);
        return;
      }
      state.repo = repo;
      state.relPath = relPath;
      await state.reload();
      if (state.dirty) state.schedulePersist(doc);
    } catch (err) {
      this.log.warn(`${doc.uri.fsPath}: cannot read recorded provenance: ${message(err)}`);
    }
  }

  private close(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const state = this.docs.get(key);
    if (!state) return;
    state.close(doc.getText());
    this.docs.delete(key);
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    const state = this.docs.get(e.document.uri.toString());
    if (!state) return;
    const reason =
      e.reason === vscode.TextDocumentChangeReason.Undo ? 'undo' : e.reason === vscode.TextDocumentChangeReason.Redo ? 'redo' : undefined;
    const author = reason ? undefined : this.detector.authorOf(e);
    const options: EditOptions | undefined = reason || author ? undefined : { carried: this.carried, ...this.detector.movement(e) };
    const hits = this.carried.hits;
    state.tracker.applyChanges(e.contentChanges as readonly TextChange[], author, reason, options);
    if (this.carried.hits > hits) this.log.info(`${e.document.uri.fsPath}: pasted text is exactly text cut or copied from AI lines; it keeps their author`);
    if (options?.carry === 'any' && e.contentChanges.every((c) => c.text === '')) {
      state.cut = { version: e.document.version, ranges: rangesKey(e.contentChanges.map((c) => c.range)) };
    }
    if (author) this.log.info(`${e.document.uri.fsPath}: ${author.source} edit by ${author.agent}`);
    // A clean document after a change was reloaded from disk: an agent may have recorded what it wrote.
    const reloaded = !e.document.isDirty && state.repo !== undefined;
    if (reloaded) state.keepRecorded = true;
    state.schedulePersist(e.document);
    if (reloaded) {
      state.needsHistory = true;
      state.scheduleReload(150);
    }
    this.changed.fire(state.uri);
  }

  /** Marks lines [start, end) as written by `author` (a person when undefined) and saves at once. */
  async mark(doc: vscode.TextDocument, start: number, end: number, author: Attribution | undefined): Promise<void> {
    const state = (await this.open(doc)) as TrackedDocument | undefined;
    if (!state) throw new Error(`${notificationText(doc.uri.fsPath)}: this file is not tracked (outside the repository or ignored)`);
    state.tracker.mark(start, end, author);
    state.dirty = true;
    await state.persist(doc.getText(), false);
    this.changed.fire(state.uri);
  }

  /** Writes every pending edit now (before a commit, on deactivate). */
  async flush(): Promise<void> {
    await Promise.all([...this.docs.values()].map((state) => state.flush()));
  }

  /** Re-reads the working state for every open document of a repository, e.g. after a hook recorded; `history` also re-reads committed attribution. */
  reloadRepo(stateDir: string, history = false): void {
    for (const state of this.docs.values()) {
      if (state.repo?.stateDir !== stateDir) continue;
      if (history) state.needsHistory = true;
      state.scheduleReload(100);
    }
  }

  /** The AI runs of a tracked document; an untracked one has none. */
  runs(uri: vscode.Uri): LineRuns {
    return this.docs.get(uri.toString())?.tracker.provenance() ?? humanLines(0);
  }

  info(uri: vscode.Uri, line: number): LineInfo | undefined {
    const state = this.docs.get(uri.toString());
    if (!state || line < 0 || line >= state.tracker.lineCount) return undefined;
    return this.committed.info(line, state.tracker.line(line));
  }

  async lineInfos(uri: vscode.Uri): Promise<LineInfo[]> {
    let state = this.docs.get(uri.toString());
    if (state) await state.ready;
    if (!state) {
      const doc = await vscode.workspace.openTextDocument(uri);
      state = (await this.open(doc)) as TrackedDocument | undefined;
      if (!state) return [];
    } else await state.reloadIfScheduled();
    return state.tracker.lines().map((l, i) => this.committed.info(i, l));
  }

  dispose(): void {
    for (const state of this.docs.values()) state.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function rangesKey(ranges: readonly vscode.Range[]): string {
  return ranges
    .map((r) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`)
    .sort()
    .join(',');
}
