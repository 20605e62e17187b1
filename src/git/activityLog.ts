// Who changed which files when, kept for an hour: saves in the editor (written by the extension) and agents' tool
// calls (written by the agent hook), so that a shell command is credited only with changes nobody else made meanwhile.
//
// One JSON file per record under <git-common-dir>/ai-provenance/activity/, named `<end ms>-<pid>-<random>.json` so
// that a reader skips old records by their name alone. Each is written to a temporary name made with
// O_EXCL | O_NOFOLLOW and renamed into place, so a reader never sees half of one and a planted link is never
// followed; a folder of the state that is a link, or not a folder, is refused. Callers in untrusted workspaces
// write nothing (the extension records no save there).
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { atomicWriteSync, makeDirSync } from './fsAtomic';

export interface ActivityRecord {
  /** `editor` for a save in the editor; `<agent>\0<session>` for an agent's tool call. */
  readonly by: string;
  readonly kind: 'save' | 'edit' | 'shell';
  readonly start: number;
  readonly end: number;
  /** Repository paths it changed, each with the sha1 of the text it left there (null: unknown, or deleted). */
  readonly files: Readonly<Record<string, string | null>>;
  /** A shell command whose changes could not be listed (git moved HEAD meanwhile): any file may be its doing. */
  readonly anyFile?: boolean;
}

export const EDITOR = 'editor';
export const ACTIVITY_MAX_AGE_MS = 60 * 60 * 1000;

/** `<stateDir>/activity`, made (with `stateDir`) when missing; throws UnsafeStateError when either is a link or a file. */
function ensureDir(stateDir: string): string {
  const dir = path.join(stateDir, 'activity');
  makeDirSync(stateDir);
  makeDirSync(dir);
  return dir;
}

function endOf(name: string): number {
  return Number(name.slice(0, name.indexOf('-')));
}

/** Adds `rec` to the log of the repository whose working state lives in `stateDir`, dropping records over an hour old. */
export function recordActivity(stateDir: string, rec: ActivityRecord, now = Date.now()): void {
  const dir = ensureDir(stateDir);
  const name = `${Math.floor(rec.end)}-${process.pid}-${randomBytes(4).toString('hex')}`;
  atomicWriteSync(path.join(dir, `${name}.json`), JSON.stringify(rec));
  for (const n of fs.readdirSync(dir)) {
    // Temporary files of writers that died are old by their name too.
    if (now - endOf(n) > ACTIVITY_MAX_AGE_MS) fs.rmSync(path.join(dir, n), { force: true });
  }
}

function isRecord(v: unknown): v is ActivityRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.by === 'string' &&
    (r.kind === 'save' || r.kind === 'edit' || r.kind === 'shell') &&
    typeof r.start === 'number' &&
    typeof r.end === 'number' &&
    typeof r.files === 'object' &&
    r.files !== null
  );
}

/** Records that ended at or after `since`, oldest first; records that cannot be read are left out. */
export function activitySince(stateDir: string, since: number): ActivityRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(stateDir, 'activity'));
  } catch {
    return [];
  }
  const out: ActivityRecord[] = [];
  for (const n of names.filter((n) => n.endsWith('.json') && endOf(n) >= since).sort((a, b) => endOf(a) - endOf(b))) {
    try {
      const v: unknown = JSON.parse(fs.readFileSync(path.join(stateDir, 'activity', n), 'utf8'));
      if (isRecord(v)) out.push(v);
    } catch {
      // Removed by a writer's clean-up meanwhile.
    }
  }
  return out;
}
