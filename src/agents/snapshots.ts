// Before-edit snapshots: what a file held when the agent announced an edit, kept until the after-edit event.
// One small JSON file per (agent, session, call, path) under <git-common-dir>/ai-provenance/snapshots/.
import { randomBytes } from 'node:crypto';
// Synchronous calls: only the hook's short-lived process uses the store, and an agent waits for it.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { sha1 } from '../git/workingState';

/** Older snapshots belong to tool calls that never finished (denied, interrupted). */
export const SNAPSHOT_MAX_AGE_MS = 60 * 60 * 1000;

export interface FileSnapshot {
  readonly at: number;
  /** Absent when the file did not exist before the edit. */
  readonly text?: string;
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
  /** Absent in snapshots written by an older version. */
  readonly git?: GitMarks;
  /** Files that differed from the index (or were untracked) before the command, by repository path. */
  readonly dirty: Readonly<Record<string, ShellFile>>;
}

export { sha1 };

export class SnapshotStore {
  constructor(readonly dir: string) {}

  private file(parts: readonly string[]): string {
    return path.join(this.dir, `${sha1(parts.join('\0'))}.json`);
  }

  async put(parts: readonly string[], value: FileSnapshot | ShellSnapshot): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const target = this.file(parts);
    // Write then rename, so a concurrent reader never sees half a snapshot.
    const tmp = `${target}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, target);
  }

  /** Reads and removes a snapshot; undefined when there is none, it is unreadable, or too old to trust. */
  async take<T extends { at: number }>(parts: readonly string[], now = Date.now()): Promise<T | undefined> {
    const target = this.file(parts);
    let raw: string;
    try {
      raw = readFileSync(target, 'utf8');
    } catch {
      return undefined;
    }
    // A plain unlink: `rm` with `force` stats first, and an agent waits for every call of its hook.
    try {
      unlinkSync(target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null || typeof (value as { at?: unknown }).at !== 'number') return undefined;
    const at = (value as { at: number }).at;
    return now - at > SNAPSHOT_MAX_AGE_MS || at > now + 60_000 ? undefined : (value as T);
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
