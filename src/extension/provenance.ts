// Keeps one LineTracker per open document, fed by the detector, loaded from and saved to the working state.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { notificationText } from '../core/markdownText';
import { CarriedText, LineTracker, type EditOptions } from '../core/tracker';
import { attributionKey, HUMAN, type Attribution, type AttributionSource, type LineProvenance, type LineRun, type TextChange } from '../core/model';
import type { Detector } from './detector';
import type { Settings } from './settings';
import type { CommittedLine, RepoRef, Store } from './store';

export interface TrackedDoc {
  readonly uri: vscode.Uri;
  readonly tracker: LineTracker;
  readonly repo?: RepoRef;
  /** Repository-relative, `/`-separated. */
  readonly relPath?: string;
}

/** One line as the API and hovers report it (0-based). */
export interface LineInfo {
  readonly line: number;
  readonly kind: 'human' | 'ai' | 'mixed';
  readonly agent?: string;
  readonly model?: string;
  readonly source?: AttributionSource;
  readonly session?: string;
  readonly at?: string;
  readonly detail?: string;
  readonly commit?: string;
}

interface DocState extends TrackedDoc {
  tracker: LineTracker;
  repo?: RepoRef;
  relPath?: string;
  /** Settles once the repository is known and recorded lines are merged. */
  ready: Promise<void>;
  persistTimer?: NodeJS.Timeout;
  reloadTimer?: NodeJS.Timeout;
  /** Set while an edit is waiting to be written, so a reload from the store does not undo it. */
  dirty: boolean;
  /** History must be read again (on open, after a commit or a new note, after the file changed on disk). */
  needsHistory: boolean;
  /** The last cut: the version it left behind and the ranges it removed, whose copy request comes after the text is gone. */
  cut?: { readonly version: number; readonly ranges: string };
}

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
  private readonly docs = new Map<string, DocState>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChangeProvenance = this.changed.event;
  /** Commit of each attribution that came from history, so hovers can name it and saves skip it. */
  private readonly commitOf = new WeakMap<Attribution, string>();
  /** The uncommitted attribution a copy of a committed AI line gets, one per committed attribution. */
  private readonly uncommittedOf = new WeakMap<Attribution, Attribution>();
  /** AI text cut or copied in any editor of the window, for pastes that keep who wrote it. */
  private readonly carried = new CarriedText((a) => this.asUncommitted(a));
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly store: Store,
    private readonly detector: Detector,
    private settings: Settings,
    private readonly hooks: RepoHooks,
    private readonly log: vscode.LogOutputChannel,
  ) {
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

  /** A copy of a committed AI line is new, uncommitted work by the same author. */
  private asUncommitted(a: Attribution): Attribution {
    if (!this.commitOf.has(a)) return a;
    let fresh = this.uncommittedOf.get(a);
    if (!fresh) {
      fresh = { ...a };
      this.uncommittedOf.set(a, fresh);
    }
    return fresh;
  }

  /** Trackers tell a committed attribution from an equal uncommitted one (a line's copy, what the state records). */
  private readonly trackerKey = (a: Attribution): string => {
    const commit = this.commitOf.get(a);
    return commit === undefined ? attributionKey(a) : `${commit}\0${attributionKey(a)}`;
  };

  private newTracker(text: string, lines?: readonly LineProvenance[]): LineTracker {
    return new LineTracker(text, lines, this.trackerKey);
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
    const state: DocState = { uri: doc.uri, tracker: this.newTracker(doc.getText()), dirty: false, needsHistory: true, ready: Promise.resolve() };
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
  private async locate(state: DocState, doc: vscode.TextDocument): Promise<void> {
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
      await this.reload(doc.uri);
      if (state.dirty) this.schedulePersist(state, doc);
    } catch (err) {
      this.log.warn(`${doc.uri.fsPath}: cannot read recorded provenance: ${message(err)}`);
    }
  }

  private close(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const state = this.docs.get(key);
    if (!state) return;
    if (state.persistTimer) {
      clearTimeout(state.persistTimer);
      void this.persist(state, doc.getText());
    }
    if (state.reloadTimer) clearTimeout(state.reloadTimer);
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
    this.schedulePersist(state, e.document);
    // A clean document after a change was reloaded from disk: an agent may have recorded what it wrote.
    if (!e.document.isDirty && state.repo) {
      state.needsHistory = true;
      this.scheduleReload(state, 150);
    }
    this.changed.fire(state.uri);
  }

  /** Marks lines [start, end) as written by `author` (a person when undefined) and saves at once. */
  async mark(doc: vscode.TextDocument, start: number, end: number, author: Attribution | undefined): Promise<void> {
    const state = (await this.open(doc)) as DocState | undefined;
    if (!state) throw new Error(`${notificationText(doc.uri.fsPath)}: this file is not tracked (outside the repository or ignored)`);
    state.tracker.mark(start, end, author);
    if (state.persistTimer) clearTimeout(state.persistTimer);
    state.persistTimer = undefined;
    state.dirty = true;
    await this.persist(state, doc.getText());
    this.changed.fire(state.uri);
  }

  private schedulePersist(state: DocState, doc: vscode.TextDocument): void {
    state.dirty = true;
    if (!state.repo || !this.hooks.canWrite()) return;
    if (state.persistTimer) clearTimeout(state.persistTimer);
    state.persistTimer = setTimeout(() => {
      state.persistTimer = undefined;
      void this.persist(state, doc.getText());
    }, this.settings.persistDelay);
  }

  private async persist(state: DocState, text: string): Promise<void> {
    if (!state.repo || !state.relPath || !this.hooks.canWrite()) return;
    try {
      // Lines from history are already in the notes; only uncommitted work belongs in the working state.
      const lines = state.tracker.lines().map((l) => (l.attribution && this.commitOf.has(l.attribution) ? HUMAN : l));
      await this.store.write(state.repo, state.relPath, text, lines);
      state.dirty = false;
    } catch (err) {
      this.log.error(`${state.uri.fsPath}: cannot save provenance: ${message(err)}`);
    }
  }

  /** Writes every pending edit now (before a commit, on deactivate). */
  async flush(): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const state of this.docs.values()) {
      if (!state.persistTimer) continue;
      clearTimeout(state.persistTimer);
      state.persistTimer = undefined;
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === state.uri.toString());
      if (doc) pending.push(this.persist(state, doc.getText()));
    }
    await Promise.all(pending);
  }

  private scheduleReload(state: DocState, delay: number): void {
    if (state.reloadTimer) clearTimeout(state.reloadTimer);
    state.reloadTimer = setTimeout(() => {
      state.reloadTimer = undefined;
      void this.reload(state.uri);
    }, delay);
  }

  /** Re-reads the working state for every open document of a repository, e.g. after a hook recorded; `history` also re-reads committed attribution. */
  reloadRepo(stateDir: string, history = false): void {
    for (const state of this.docs.values()) {
      if (state.repo?.stateDir !== stateDir) continue;
      if (history) state.needsHistory = true;
      this.scheduleReload(state, 100);
    }
  }

  /** Merges what the working state and history know into the tracker. */
  async reload(uri: vscode.Uri): Promise<void> {
    const state = this.docs.get(uri.toString());
    if (!state?.repo || !state.relPath) return;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc) return;
    const version = doc.version;
    const text = doc.getText();
    // History describes the file on disk, so only while the document is clean; it runs git, so only when history moved.
    const withHistory = state.needsHistory && !doc.isDirty;
    const [recorded, committed] = await Promise.all([
      this.store.read(state.repo, state.relPath, text).catch((err: unknown) => {
        this.log.warn(`${uri.fsPath}: ${message(err)}`);
        return undefined;
      }),
      withHistory
        ? this.store.history(state.repo, state.relPath).catch((err: unknown) => {
            this.log.warn(`${uri.fsPath}: cannot read its history: ${message(err)}`);
            return [] as readonly CommittedLine[];
          })
        : Promise.resolve([] as readonly CommittedLine[]),
    ]);
    if (this.docs.get(uri.toString()) !== state || doc.version !== version) {
      // The text moved on while reading; read again against the new text.
      this.scheduleReload(state, 50);
      return;
    }
    if (withHistory) state.needsHistory = false;
    const current = state.tracker.lines();
    const merged = current.slice();
    if (recorded) this.takeOver(merged, recorded);
    if (committed.length) this.takeCommitted(merged, committed);
    const differs: number[] = [];
    for (let i = 0; i < merged.length; i++) if (merged[i] !== current[i]) differs.push(i);
    if (differs.length === 0) return;
    if (differs.some((i) => merged[i].kind === 'mixed')) {
      // Only the constructor can set `mixed`; the tracker's undo history starts over from here.
      state.tracker = this.newTracker(text, merged);
    } else {
      for (let k = 0; k < differs.length; ) {
        const i = differs[k];
        let j = k + 1;
        while (j < differs.length && differs[j] === differs[j - 1] + 1 && merged[differs[j]].attribution === merged[i].attribution) j++;
        state.tracker.mark(i, differs[j - 1] + 1, merged[i].attribution);
        k = j;
      }
    }
    this.changed.fire(uri);
  }

  /** Lines the store knows as AI and the tracker does not are taken over; the tracker's own knowledge wins. */
  private takeOver(merged: LineProvenance[], recorded: readonly LineProvenance[]): void {
    if (recorded.length !== merged.length) return;
    for (let i = 0; i < merged.length; i++) {
      const r = recorded[i];
      if (r.kind !== 'human' && r.attribution && merged[i].kind === 'human') merged[i] = r;
    }
  }

  /** One attribution object per commit and note attribution, so a tracker sees one author for each. */
  private readonly historyAttributions = new Map<string, Attribution>();

  /** Committed AI lines learn their commit; human lines that history knows as AI take history's attribution. */
  private takeCommitted(merged: LineProvenance[], lines: readonly CommittedLine[]): void {
    for (const c of lines) {
      const i = c.line;
      const noted = c.attribution;
      if (c.kind === 'human' || !noted || i < 0 || i >= merged.length) continue;
      const current = merged[i];
      if (current.attribution && this.commitOf.get(current.attribution) === c.commit) continue;
      // A line the editor attributes to another agent keeps what the editor saw.
      if (current.kind !== 'human' && current.attribution && current.attribution.agent !== noted.agent) continue;
      const key = `${c.commit}\0${attributionKey(noted)}`;
      let attr = this.historyAttributions.get(key);
      if (!attr) {
        // The note's attribution as it is (session, detail, model): the hover shows what the note says.
        attr = noted;
        this.historyAttributions.set(key, attr);
        this.commitOf.set(attr, c.commit);
      }
      merged[i] = { kind: current.kind === 'mixed' || c.kind === 'mixed' ? 'mixed' : 'ai', attribution: attr };
    }
  }

  runs(uri: vscode.Uri): readonly LineRun[] {
    return this.docs.get(uri.toString())?.tracker.runs() ?? [];
  }

  info(uri: vscode.Uri, line: number): LineInfo | undefined {
    const state = this.docs.get(uri.toString());
    if (!state || line < 0 || line >= state.tracker.lineCount) return undefined;
    return toInfo(line, state.tracker.line(line), this.commitOf);
  }

  async lineInfos(uri: vscode.Uri): Promise<LineInfo[]> {
    let state = this.docs.get(uri.toString());
    if (state) await state.ready;
    if (!state) {
      const doc = await vscode.workspace.openTextDocument(uri);
      state = (await this.open(doc)) as DocState | undefined;
      if (!state) return [];
    } else if (state.reloadTimer) {
      clearTimeout(state.reloadTimer);
      state.reloadTimer = undefined;
      await this.reload(uri);
    }
    const t = state.tracker;
    return t.lines().map((l, i) => toInfo(i, l, this.commitOf));
  }

  dispose(): void {
    for (const state of this.docs.values()) {
      if (state.persistTimer) clearTimeout(state.persistTimer);
      if (state.reloadTimer) clearTimeout(state.reloadTimer);
    }
    for (const d of this.disposables) d.dispose();
  }
}

function rangesKey(ranges: readonly vscode.Range[]): string {
  return ranges
    .map((r) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`)
    .sort()
    .join(',');
}

function toInfo(line: number, p: LineProvenance, commitOf: WeakMap<Attribution, string>): LineInfo {
  const a = p.attribution;
  if (p.kind === 'human' || !a) return { line, kind: 'human' };
  const commit = commitOf.get(a);
  return {
    line,
    kind: p.kind,
    agent: a.agent,
    source: a.source,
    at: a.at,
    ...(a.model ? { model: a.model } : {}),
    ...(a.session ? { session: a.session } : {}),
    ...(a.detail ? { detail: a.detail } : {}),
    ...(commit ? { commit } : {}),
  };
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
