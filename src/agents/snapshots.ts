// Before-edit snapshots: what a file held when the agent announced an edit, kept until the after-edit event.
// One small JSON file per (agent, session, call, path) under <git-common-dir>/ai-provenance/snapshots/: <id>.json,
// and beside it <id>.recovered (its edit was recorded without its after-event) or <id>.noted (told why it was not).
// Synchronous calls: only the hook's short-lived process uses the store, and an agent waits for it.
import { readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { atomicWriteSync, createExclusiveSync } from '../git/fsAtomic';
import { ensurePrivateDir } from '../git/gitDirFiles';
import { sha1 } from '../git/workingState';
import type { FileWrite, SessionInfo } from './types';

/** Older snapshots belong to tool calls that never finished (denied, interrupted). */
export const SNAPSHOT_MAX_AGE_MS = 60 * 60 * 1000;

export interface FileSnapshot {
  readonly at: number;
  /** Absent when the file did not exist before the edit. */
  readonly text?: string;
  /** Who announced the edit (`<agent>\0<session>`) and of which repository path; absent in older versions' snapshots. */
  readonly by?: string;
  readonly path?: string;
  /** What the pre-event said would be written, when it said so exactly; absent in snapshots of older versions. */
  readonly pre?: PreEdit;
}

/** An announced edit, enough to record it should its after-event never come. */
export interface PreEdit {
  readonly agent: string;
  readonly key: string;
  /** Repository path of the file. */
  readonly path: string;
  readonly write: FileWrite;
  readonly info: Omit<SessionInfo, 'cwd'>;
}

/** A stored snapshot and the id its marker files share. */
export interface StoredSnapshot {
  readonly id: string;
  readonly raw: string;
  readonly snap: FileSnapshot;
}

/** A shell command whose after-event has not come yet. */
export interface OpenShell {
  readonly at: number;
  readonly by?: string;
}

export function isShellSnapshot(s: FileSnapshot | ShellSnapshot): s is ShellSnapshot {
  return 'dirty' in s;
}

/** Marks a snapshot: `recovered` (its edit was recorded without its after-event), `noted` (told once why it was not). */
export type SnapshotMark = 'recovered' | 'noted';

function isFresh(value: unknown, now: number): value is { at: number } {
  if (typeof value !== 'object' || value === null || typeof (value as { at?: unknown }).at !== 'number') return false;
  const at = (value as { at: number }).at;
  return now - at <= SNAPSHOT_MAX_AGE_MS && at <= now + 60_000;
}

export interface ShellFile {
  readonly sha1: string;
  /** Absent when the file was too large to keep; a change to it can then not be attributed. */
  readonly text?: string;
}

/** Where git's own state stood: a command that moves any of it (stash pop, checkout, reset, merge) is git's change, not the agent's. */
export interface GitMarks {
  readonly head: string;
  readonly stash: string;
  readonly origHead: string;
  /** mtime of the index file; 0 when there is none. */
  readonly index: number;
}

export interface ShellSnapshot {
  readonly at: number;
  /** Whose command it is (`<agent>\0<session>`); absent in older versions' snapshots. */
  readonly by?: string;
  /** Absent in snapshots written by an older version. */
  readonly git?: GitMarks;
  /** Files that differed from the index (or were untracked) before the command, by repository path. */
  readonly dirty: Readonly<Record<string, ShellFile>>;
}

export { sha1 };

/** `<agent>\0<session>`: one agent session, the unit that owns tool calls. */
export function actorOf(agent: string, session: string | undefined): string {
  return `${agent}\0${session ?? ''}`;
}

// A plain unlink: `rm` with `force` stats first, and an agent waits for every call of its hook.
function unlinkIfThere(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** The parsed JSON of `file`, which is removed; undefined when there is none or it is not JSON. */
function readAndRemove(file: string): unknown {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  unlinkIfThere(file);
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

export class SnapshotStore {
  constructor(readonly dir: string) {}

  private file(parts: readonly string[]): string {
    return path.join(this.dir, `${SnapshotStore.id(parts)}.json`);
  }

  static id(parts: readonly string[]): string {
    return sha1(parts.join('\0'));
  }

  async put(parts: readonly string[], value: FileSnapshot | ShellSnapshot): Promise<void> {
    ensurePrivateDir(this.dir);
    const id = SnapshotStore.id(parts);
    this.writeAtomically(`${id}.json`, JSON.stringify(value));
    // A shell command's window, small enough for every hook call to read (its snapshot may hold megabytes).
    if (isShellSnapshot(value)) this.writeAtomically(`${id}.window`, JSON.stringify({ at: value.at, by: value.by }));
    // A call id an agent reuses (Gemini, Kiro: the tool name) announces a new edit: the marks of the last one go.
    else this.unmarkAll(id);
  }

  /** Written then renamed, so a concurrent reader never sees half of it. */
  private writeAtomically(name: string, data: string): void {
    atomicWriteSync(path.join(this.dir, name), data);
  }

  /**
   * The tool calls not answered yet, fresh enough to trust: file snapshots with their raw text (marks left out),
   * and shell commands still running.
   */
  async list(now = Date.now()): Promise<{ files: StoredSnapshot[]; shells: OpenShell[] }> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return { files: [], shells: [] };
    }
    const files: StoredSnapshot[] = [];
    const shells: OpenShell[] = [];
    const windows = new Set(names.filter((n) => n.endsWith('.window')).map((n) => n.slice(0, -'.window'.length)));
    for (const n of names) {
      const window = n.endsWith('.window');
      if (!window && !n.endsWith('.json')) continue;
      const id = n.slice(0, n.lastIndexOf('.'));
      if (!window && windows.has(id)) continue;
      let raw: string;
      let value: unknown;
      try {
        raw = readFileSync(path.join(this.dir, n), 'utf8');
        value = JSON.parse(raw);
      } catch {
        // Taken meanwhile.
        continue;
      }
      if (!isFresh(value, now)) continue;
      const v = value as { at: number; by?: unknown; dirty?: unknown };
      // A shell snapshot of an older version has no window beside it.
      if (window || v.dirty !== undefined) shells.push({ at: v.at, ...(typeof v.by === 'string' ? { by: v.by } : {}) });
      else files.push({ id, raw, snap: value as FileSnapshot });
    }
    return { files, shells };
  }

  /** Whether the snapshot `id` still reads `raw`: not taken by its after-event, nor replaced by a new announcement. */
  isCurrent(id: string, raw: string): boolean {
    try {
      return readFileSync(path.join(this.dir, `${id}.json`), 'utf8') === raw;
    } catch {
      return false;
    }
  }

  /** Sets `mark` on a snapshot once, keeping `raw` with it: false when it was set already (by this or another process). */
  async mark(id: string, mark: SnapshotMark, raw: string): Promise<boolean> {
    try {
      createExclusiveSync(path.join(this.dir, `${id}.${mark}`), raw);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  }

  unmark(id: string, mark: SnapshotMark): void {
    unlinkIfThere(path.join(this.dir, `${id}.${mark}`));
  }

  private unmarkAll(id: string): void {
    this.unmark(id, 'recovered');
    this.unmark(id, 'noted');
    unlinkIfThere(path.join(this.dir, `${id}.window`));
  }

  /** Removes a snapshot whose edit was recorded without its after-event. */
  async drop(id: string): Promise<void> {
    unlinkIfThere(path.join(this.dir, `${id}.json`));
  }

  /** Reads and removes a snapshot; undefined when there is none, it is unreadable, or too old to trust. */
  async take<T extends { at: number }>(parts: readonly string[], now = Date.now()): Promise<T | undefined> {
    const value = readAndRemove(this.file(parts));
    // Answered by its after-event: whatever was marked on it is settled.
    if (value !== undefined) this.unmarkAll(SnapshotStore.id(parts));
    return isFresh(value, now) ? (value as T) : undefined;
  }

  /** Takes the snapshot of an edit recorded already without its after-event, for that after-event come late. */
  async takeRecovered(parts: readonly string[], now = Date.now()): Promise<FileSnapshot | undefined> {
    const value = readAndRemove(path.join(this.dir, `${SnapshotStore.id(parts)}.recovered`));
    return isFresh(value, now) ? (value as FileSnapshot) : undefined;
  }

  /** Removes snapshots of calls that never finished. */
  async sweep(now = Date.now()): Promise<void> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const n of names) {
      const f = path.join(this.dir, n);
      try {
        if (now - statSync(f).mtimeMs > SNAPSHOT_MAX_AGE_MS) rmSync(f, { force: true });
      } catch {
        // Another process removed it first.
      }
    }
  }
}
