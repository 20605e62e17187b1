// Who else may have changed a file while an agent's shell command ran: a person saving in the editor, another
// agent's edit tool, or another agent's shell command. A change one of them may have made is not the command's.
import { activitySince, EDITOR, type ActivityRecord } from '../git/activityLog';
import { MTIME_SLACK_MS } from './shell';
import type { OpenShell, StoredSnapshot } from './snapshots';

/**
 * A tool call still unanswered after this long was declined at the agent's permission prompt or killed (agents
 * stop commands within ten minutes): it no longer keeps other sessions' commands from being credited.
 */
export const OPEN_CALL_MAX_MS = 15 * 60 * 1000;

function agentOf(actor: string): string {
  const at = actor.indexOf('\0');
  return at < 0 ? actor : actor.slice(0, at);
}

export interface ShellWindow {
  /** The command's own session. */
  readonly actor: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Why a change of `path` during `window` may not be the command's, or undefined when nobody else was at it.
 * `beforeSha1`: the file's text when the command started; `mtime`: when it was last written.
 */
export type RivalCheck = (path: string, beforeSha1: string, mtime: number) => string | undefined;

/**
 * Reads what else went on during `window`: activity records (saves, finished tool calls) that overlap it, and
 * tool calls of other sessions still unanswered (`open`, the snapshot store's list).
 */
export function rivalsDuring(stateDir: string, window: ShellWindow, open: { readonly files: readonly StoredSnapshot[]; readonly shells: readonly OpenShell[] }): RivalCheck {
  const since = window.start - MTIME_SLACK_MS;
  const records = activitySince(stateDir, since).filter((r) => r.by !== window.actor && r.start <= window.end);
  // A snapshot with no owner is an older version's: whose it is cannot be told, so it counts as another's.
  const current = (s: { at: number; by?: string }): boolean => s.by !== window.actor && s.at <= window.end && s.at >= window.end - OPEN_CALL_MAX_MS;
  const edits = open.files.filter(({ snap }) => current(snap));
  const shells = open.shells.filter(current);
  const who = (by: string | undefined): string => (by ? agentOf(by) : 'another agent');
  return (path, beforeSha1, mtime) => {
    for (const r of records) {
      const why = recordClaims(r, path, beforeSha1);
      if (why) return why;
    }
    for (const { snap } of edits) if (snap.path === undefined || snap.path === path) return `${who(snap.by)} announced an edit of it meanwhile`;
    // Written before that command started: not its doing.
    for (const s of shells) if (mtime >= s.at - MTIME_SLACK_MS) return `${who(s.by)}'s shell command was running at the same time`;
    return undefined;
  };
}

function recordClaims(r: ActivityRecord, path: string, beforeSha1: string): string | undefined {
  if (r.kind === 'shell' && r.anyFile) return `${agentOf(r.by)}'s shell command ran at the same time`;
  if (!Object.prototype.hasOwnProperty.call(r.files, path)) return undefined;
  if (r.by === EDITOR) {
    // A save that left the text the command started from changed nothing.
    return r.files[path] === beforeSha1 ? undefined : 'saved in the editor while the command ran';
  }
  return r.kind === 'shell' ? `also changed while ${agentOf(r.by)}'s shell command ran` : `written by ${agentOf(r.by)}'s edit meanwhile`;
}
