// Edits whose after-event never came (the agent crashed, was killed, timed out): recorded from their pre-event when,
// and only when, the file holds exactly the result that pre-event described.
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fromRepoPath, stateDir, type Repo } from '../git/repo';
import { recordActivity } from '../git/activityLog';
import { WorkingState } from '../git/workingState';
import { attributeEdit } from './attribute';
import { attribution, readFileText } from './evidence';
import { expectedAfter } from './locate';
import { actorOf, sha1, SnapshotStore, type FileSnapshot, type PreEdit } from './snapshots';
import type { FileWrite } from './types';

export interface RecoverResult {
  /** Repository paths whose announced edit was recorded now. */
  readonly recovered: string[];
  /** Why an announced edit was not recorded, each said once. */
  readonly notes: string[];
}

export interface RecoverOptions {
  readonly now?: number;
  readonly isIgnored?: (repoPath: string) => boolean;
  /** The tool call the caller is handling itself (agent, session, key): its snapshots are its own to take. */
  readonly except?: readonly [string, string, string];
  /**
   * The agent and session of the caller's hook event: a session's next hook call means its earlier tool calls ended,
   * so an edit it announced and never reported done is judged now (recorded, or why not said).
   */
  readonly session?: readonly [string, string];
  /** The user is committing: what is on disk now is settled, and every announced edit is judged now. */
  readonly settled?: boolean;
}

/** What a recovery did, one line each, for the user. */
export function recoveryLines(result: RecoverResult): string[] {
  return [
    ...result.recovered.map((p) => `${p}: recorded an agent edit whose after-edit event never came (the file holds exactly the result its before-edit event announced)`),
    ...result.notes,
  ];
}

/** Writes a pre-event can describe exactly enough to know the file's result from its before-text. */
export function isRecoverable(write: FileWrite): boolean {
  return write.kind === 'write' || write.kind === 'replace' || (write.kind === 'patch' && write.moveFrom === undefined);
}

/**
 * A file unchanged this long sees no after-event for a write in it: only to say why an edit of another session is
 * not recorded (recording never waits for it).
 */
export const SETTLE_MS = 10_000;

function settledFor(repo: Repo, rel: string, now: number): boolean {
  const st = statSync(fromRepoPath(repo, rel), { throwIfNoEntry: false });
  return st === undefined || st.mtimeMs <= now - SETTLE_MS;
}

function holds(repo: Repo, rel: string, text: string): boolean {
  try {
    return readFileSync(fromRepoPath(repo, rel), 'utf8') === text;
  } catch {
    return false;
  }
}

/** The file no longer held the announced result when the state was about to be written: left to its after-event. */
class ChangedMeanwhile extends Error {}

/** What the announced edit leaves in the file; undefined when that cannot be known for certain. */
function resultOf(pre: PreEdit, snap: FileSnapshot): string | undefined {
  // Replacements and hunks need the text they apply to; a file that did not exist has none.
  if (snap.text === undefined && pre.write.kind !== 'write') return undefined;
  return expectedAfter(pre.write, snap.text ?? '');
}

/**
 * Records every announced edit (a pre-event with a described write and no after-event yet) whose file holds exactly
 * the described result, checked again under the state's lock so that an edit of the file recorded meanwhile is never
 * undone. One that does not is kept for its after-event, which may still come, until it expires; once its tool call
 * has ended (its session's next hook call, or a commit: `settled`), or its file has not changed for SETTLE_MS, why it
 * is not recorded is said once. Called by every hook run, `status`, and the commit, before what is pending is read.
 */
export async function recoverMissedEdits(repo: Repo, opts: RecoverOptions = {}): Promise<RecoverResult> {
  const result: RecoverResult = { recovered: [], notes: [] };
  const now = opts.now ?? Date.now();
  const store = new SnapshotStore(path.join(stateDir(repo), 'snapshots'));
  for (const { id, raw, snap } of (await store.list(now)).files) {
    const pre = snap.pre;
    if (!pre || typeof pre.path !== 'string' || typeof pre.agent !== 'string' || !pre.write || !isRecoverable(pre.write)) continue;
    const [agent, session, key] = opts.except ?? [];
    const preSession = pre.info?.session ?? '';
    if (pre.agent === agent && preSession === session && pre.key === key) continue;
    if (opts.isIgnored?.(pre.path)) continue;
    const expected = resultOf(pre, snap);
    if (expected === undefined) continue;
    const read = await readFileText(repo, pre.path);
    const text = read.kind === 'text' ? read.text : undefined;
    // Not written yet (the tool may still be running) or never: its after-event, if any, records it.
    if (text === undefined ? snap.text === undefined : text === snap.text) continue;
    // Answered meanwhile, or a new edit announced under the same call id: the file was read for another edit.
    if (!store.isCurrent(id, raw)) continue;
    if (text !== expected) {
      // A file still being written (truncated, half there), or changed after the tool call by someone else.
      const ended = opts.settled === true || (opts.session !== undefined && preSession !== '' && opts.session[0] === pre.agent && opts.session[1] === preSession);
      if (!ended && !settledFor(repo, pre.path, now)) continue;
      if (await store.mark(id, 'noted', raw)) {
        const at = new Date(snap.at).toISOString();
        result.notes.push(`${pre.path}: ${pre.agent}'s edit announced at ${at} was not reported done, and the file does not hold exactly its announced result: not recorded unless its after-event comes`);
      }
      continue;
    }
    // Another process recovers it, or already did.
    if (!(await store.mark(id, 'recovered', raw))) continue;
    // Its after-event took it between the two looks: that event records it, and the mark must not outlive it.
    if (!store.isCurrent(id, raw)) {
      store.unmark(id, 'recovered');
      continue;
    }
    const before = snap.text ?? '';
    if (before !== expected) {
      const author = await attribution(pre.agent, pre.info ?? {}, snap.at);
      try {
        await WorkingState.forRepo(repo, { blocking: true }).update(pre.path, expected, (current, at) => {
          // The agent may have gone on (and recorded) its next edit of the file since the look above.
          if (!holds(repo, pre.path, expected)) throw new ChangedMeanwhile();
          return attributeEdit(before, expected, expected, current, author, at(before));
        });
      } catch (err) {
        if (!(err instanceof ChangedMeanwhile)) throw err;
        store.unmark(id, 'recovered');
        continue;
      }
      result.recovered.push(pre.path);
      const by = actorOf(pre.agent, pre.info?.session);
      recordActivity(stateDir(repo), { by, kind: 'edit', start: snap.at, end: now, files: { [pre.path]: sha1(expected) } }, now);
    }
    await store.drop(id);
  }
  return result;
}
