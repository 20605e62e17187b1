// One open document's line tracker: loaded from the working state and history, saved to the working state after edits.
import * as vscode from 'vscode';
import { overlay, sameRuns, toLines, type LineRuns } from '../core/lineRuns';
import type { LineTracker } from '../core/tracker';
import type { CommittedAttributions } from './committed';
import type { CommittedRuns, RepoRef, Store } from './store';

export interface TrackedDoc {
  readonly uri: vscode.Uri;
  readonly tracker: LineTracker;
  readonly repo?: RepoRef;
  /** Repository-relative, `/`-separated. */
  readonly relPath?: string;
}

/** What every document shares with the others of the window. */
export interface DocumentContext {
  readonly store: Store;
  readonly committed: CommittedAttributions;
  readonly log: vscode.LogOutputChannel;
  /** False in untrusted workspaces: nothing is written. */
  canWrite(): boolean;
  /** Milliseconds between the last edit and writing the working state. */
  persistDelay(): number;
  /** Whether the document is still the one tracked for its URI (not closed, not opened again). */
  isTracked(doc: TrackedDocument): boolean;
  changed(uri: vscode.Uri): void;
}

export class TrackedDocument implements TrackedDoc {
  tracker: LineTracker;
  repo?: RepoRef;
  relPath?: string;
  /** Settles once the repository is known and recorded lines are merged. */
  ready: Promise<void> = Promise.resolve();
  /** Set while an edit is waiting to be written, so a reload from the store does not undo it. */
  dirty = false;
  /**
   * Set by a change that left the document clean (reloaded from disk): the tracker takes the new lines as a person's
   * until it reads the working state, so the next write keeps what an agent recorded for them meanwhile.
   */
  keepRecorded = false;
  /** History must be read again (on open, after a commit or a new note, after the file changed on disk). */
  needsHistory = true;
  /** The last cut: the version it left behind and the ranges it removed, whose copy request comes after the text is gone. */
  cut?: { readonly version: number; readonly ranges: string };
  private persistTimer?: NodeJS.Timeout;
  private reloadTimer?: NodeJS.Timeout;

  constructor(
    readonly uri: vscode.Uri,
    text: string,
    private readonly ctx: DocumentContext,
  ) {
    this.tracker = ctx.committed.tracker(text);
  }

  /** The document as VS Code has it now; undefined once closed. */
  private textDocument(): vscode.TextDocument | undefined {
    const key = this.uri.toString();
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
  }

  /** An edit is waiting: it is written after the persist delay (once the repository is known, and only if writing is allowed). */
  schedulePersist(doc: vscode.TextDocument): void {
    this.dirty = true;
    if (!this.repo || !this.ctx.canWrite()) return;
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      void this.persist(doc.getText());
    }, this.ctx.persistDelay());
  }

  /** Writes now what waits to be written; `text` when the document is gone (closing). */
  flush(text?: string): Promise<void> {
    if (!this.persistTimer) return Promise.resolve();
    clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    const now = text ?? this.textDocument()?.getText();
    return now === undefined ? Promise.resolve() : this.persist(now);
  }

  /** `keep`: lines recorded as AI stay AI (see keepRecorded); false when a person's word must replace them. */
  async persist(text: string, keep = this.keepRecorded): Promise<void> {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    if (!this.repo || !this.relPath || !this.ctx.canWrite()) return;
    if (keep) this.keepRecorded = false;
    try {
      const { store } = this.ctx;
      const lines = this.ctx.committed.uncommitted(this.tracker.provenance());
      await (keep ? store.writeKeeping(this.repo, this.relPath, text, lines) : store.write(this.repo, this.relPath, text, lines));
      this.dirty = false;
    } catch (err) {
      if (keep) this.keepRecorded = true;
      this.ctx.log.error(`${this.uri.fsPath}: cannot save provenance: ${message(err)}`);
    }
  }

  scheduleReload(delay: number): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      void this.reload();
    }, delay);
  }

  /** A reload waiting for its timer runs now (a caller wants the lines as they will be). */
  async reloadIfScheduled(): Promise<void> {
    if (!this.reloadTimer) return;
    clearTimeout(this.reloadTimer);
    this.reloadTimer = undefined;
    await this.reload();
  }

  /** Merges what the working state and history know into the tracker. */
  async reload(): Promise<void> {
    if (!this.repo || !this.relPath) return;
    const doc = this.textDocument();
    if (!doc) return;
    const version = doc.version;
    const text = doc.getText();
    // History describes the file on disk, so only while the document is clean; it runs git, so only when history moved.
    const withHistory = this.needsHistory && !doc.isDirty;
    const [recorded, committed] = await Promise.all([
      this.ctx.store.read(this.repo, this.relPath, text).catch((err: unknown) => {
        this.ctx.log.warn(`${this.uri.fsPath}: ${message(err)}`);
        return undefined;
      }),
      withHistory
        ? this.ctx.store.history(this.repo, this.relPath).catch((err: unknown) => {
            this.ctx.log.warn(`${this.uri.fsPath}: cannot read its history: ${message(err)}`);
            return undefined;
          })
        : Promise.resolve<CommittedRuns | undefined>(undefined),
    ]);
    if (!this.ctx.isTracked(this)) return;
    if (doc.version !== version) {
      // The text moved on while reading; read again against the new text.
      this.scheduleReload(50);
      return;
    }
    if (withHistory) this.needsHistory = false;
    const current = this.tracker.provenance();
    let merged = recorded ? takeOver(current, recorded) : current;
    if (committed) merged = this.ctx.committed.take(merged, committed);
    if (sameRuns(merged, current)) return;
    const now = toLines(current);
    const next = toLines(merged);
    const differs: number[] = [];
    for (let i = 0; i < next.length; i++) if (next[i].kind !== now[i].kind || next[i].attribution !== now[i].attribution) differs.push(i);
    if (differs.some((i) => next[i].kind === 'mixed')) {
      // Only the constructor can set `mixed`; the tracker's undo history starts over from here.
      this.tracker = this.ctx.committed.tracker(text, merged);
    } else {
      for (let k = 0; k < differs.length; ) {
        const i = differs[k];
        let j = k + 1;
        while (j < differs.length && differs[j] === differs[j - 1] + 1 && next[differs[j]].attribution === next[i].attribution) j++;
        this.tracker.mark(i, differs[j - 1] + 1, next[i].attribution);
        k = j;
      }
    }
    this.ctx.changed(this.uri);
  }

  /** Stops its timers; an edit still waiting is written with `text` (the document's last text). */
  close(text: string): void {
    void this.flush(text);
    this.dispose();
  }

  dispose(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.persistTimer = undefined;
    this.reloadTimer = undefined;
  }
}

/** Lines the store knows as AI and the tracker does not are taken over; the tracker's own knowledge wins. */
function takeOver(current: LineRuns, recorded: LineRuns): LineRuns {
  return recorded.lineCount === current.lineCount ? overlay(current, recorded) : current;
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
