// Turns one normalized hook event into working-state changes: snapshots on before-events, attributed lines on after-events.
// The hook is a short-lived process with nothing else to do while it waits for the disk: synchronous calls skip the
// thread pool's round trips, and an agent waits for every call of its hook.
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { HUMAN, type Attribution, type LineProvenance } from '../core/model';
import { fromLines, toLines } from '../core/lineRuns';
import { splitLines } from '../core/lines';
import { stateDir, toRepoPath, type Repo } from '../git/repo';
import { CONFIG_FILE } from '../git/teamConfig';
import { recordActivity, type ActivityRecord } from '../git/activityLog';
import { WorkingState } from '../git/workingState';
import { attributeEdit } from './attribute';
import { findRepo } from '../git/repo';
import { expectedAfter, reconstructBefore } from './locate';
import { attribution, MAX_FILE_BYTES, readFileText } from './evidence';
import { isRecoverable, recoverMissedEdits } from './recover';
import type * as Shell from './shell';
import { actorOf, sha1, SnapshotStore, type FileSnapshot, type PreEdit, type ShellSnapshot } from './snapshots';
import type { FileWrite, HookEvent, SessionInfo } from './types';

// Shell tools are rarer than edits and need git: loaded only for them, so an edit's hook starts no more than it uses.
const shell = (): typeof Shell => require('./shell');

export interface RecordResult {
  /** Repository paths whose lines were attributed. */
  readonly recorded: string[];
  /** Why something was not recorded, for the one stderr line. */
  readonly skipped: string[];
}

interface Context {
  readonly agent: string;
  readonly repo: Repo;
  readonly cwd: string;
  readonly info: SessionInfo;
  readonly store: SnapshotStore;
  readonly isIgnored: (repoPath: string) => boolean;
  readonly result: RecordResult;
  readonly now: number;
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

async function loadIgnore(repo: Repo, skipped: string[]): Promise<(p: string) => boolean> {
  let text: string;
  try {
    text = readFileSync(path.join(repo.root, CONFIG_FILE), 'utf8');
  } catch {
    return () => false;
  }
  // core/config pulls in the parser and the schema validator: loaded only when the file exists, to keep the hook quick.
  const { parseConfig, compileConfig, formatProblem } = require('../core/config') as typeof import('../core/config');
  const { config, problems } = parseConfig(text);
  if (!config) {
    // A broken config never stops recording; the user learns where it is broken.
    if (problems[0]) skipped.push(`${formatProblem(CONFIG_FILE, problems[0])} (ignore list not applied)`);
    return () => false;
  }
  return compileConfig(config).isIgnored;
}

/** A repository path for a path from the payload, or undefined with the reason noted. */
function repoPathOf(ctx: Context, raw: string): string | undefined {
  if (raw === '' || raw.includes('\0')) {
    ctx.result.skipped.push('empty file path: not recorded');
    return undefined;
  }
  if (raw.split(/[\\/]/).includes('..')) {
    ctx.result.skipped.push(`${raw}: not recorded: path contains '..'`);
    return undefined;
  }
  let rel: string;
  try {
    rel = toRepoPath(ctx.repo, raw, ctx.cwd);
  } catch {
    ctx.result.skipped.push(`${raw}: not recorded: outside the repository ${ctx.repo.root}`);
    return undefined;
  }
  if (rel === '.git' || rel.startsWith('.git/')) {
    ctx.result.skipped.push(`${raw}: not recorded: inside .git`);
    return undefined;
  }
  return rel;
}

async function isTracked(repo: Repo, rel: string): Promise<boolean> {
  const { git } = require('../git/run') as typeof import('../git/run');
  const r = await git(['ls-files', '-z', '--', rel], { cwd: repo.root });
  return r.stdout !== '';
}

async function record(ctx: Context, rel: string, before: string, written: string, after: string, author: Attribution): Promise<void> {
  if (before === after) return;
  await WorkingState.forRepo(ctx.repo, { blocking: true }).update(rel, after, (current, at) => attributeEdit(before, written, after, current, author, at(before)));
  ctx.result.recorded.push(rel);
}

async function beforeEdit(ctx: Context, key: string, paths: readonly string[], writes: readonly FileWrite[]): Promise<void> {
  const { session, model, transcriptPath } = ctx.info;
  for (const raw of paths) {
    const rel = repoPathOf(ctx, raw);
    if (rel === undefined || ctx.isIgnored(rel)) continue;
    const read = await readFileText(ctx.repo, rel);
    if (read.kind === 'unusable') continue;
    // Kept with the snapshot so that the edit can still be recorded if its after-event is lost.
    const write = writes.find((w) => w.path === raw && isRecoverable(w));
    const pre: PreEdit | undefined = write && { agent: ctx.agent, key, path: rel, write, info: { session, model, transcriptPath } };
    const by = actorOf(ctx.agent, session);
    const snap: FileSnapshot = { at: ctx.now, by, path: rel, ...(read.kind === 'text' ? { text: read.text } : {}), ...(pre ? { pre } : {}) };
    await ctx.store.put([ctx.agent, ctx.info.session ?? '', key, rel], snap);
  }
  await ctx.store.sweep(ctx.now);
}

/** The snapshot of this very edit when it was recorded already without its after-event (the after-event came late). */
async function recoveredSnapshot(ctx: Context, parts: readonly string[], write: FileWrite): Promise<FileSnapshot | undefined> {
  const snap = await ctx.store.takeRecovered(parts, ctx.now);
  // The same call id may have announced another edit since (agents without call ids): only this one's before-text fits.
  return snap?.pre && JSON.stringify(snap.pre.write) === JSON.stringify(write) ? snap : undefined;
}

/** `touched` receives every repository path the write changed, with the sha1 of its text now (null: gone or unreadable). */
async function afterWrite(ctx: Context, key: string, write: FileWrite, author: Attribution, touched: Record<string, string | null>): Promise<void> {
  const rel = repoPathOf(ctx, write.path);
  if (rel === undefined) return;
  if (write.kind === 'delete') {
    touched[rel] = null;
    return;
  }
  const from = write.kind === 'patch' && write.moveFrom !== undefined ? repoPathOf(ctx, write.moveFrom) : rel;
  if (from === undefined) return;
  if (from !== rel) touched[from] = null;
  const session = ctx.info.session ?? '';
  const parts = [ctx.agent, session, key, from];
  const taken = (await ctx.store.take<FileSnapshot>(parts, ctx.now)) ?? (await recoveredSnapshot(ctx, parts, write));
  const snap = taken && (taken.text === undefined || typeof taken.text === 'string') ? taken : undefined;
  if (from !== rel) await ctx.store.take([ctx.agent, session, key, rel], ctx.now);
  if (ctx.isIgnored(rel)) return;
  const read = await readFileText(ctx.repo, rel);
  touched[rel] = read.kind === 'text' ? sha1(read.text) : null;
  if (read.kind !== 'text') {
    ctx.result.skipped.push(`${rel}: not recorded: ${read.kind === 'missing' ? 'not found after the edit' : read.why}`);
    return;
  }
  const after = read.text;
  let before = snap ? (snap.text ?? '') : reconstructBefore(write, after);
  // "Created" without a snapshot is the agent's word only; a file git knows was there before, and may have been overwritten.
  if (!snap && before === '' && write.kind === 'write' && (await isTracked(ctx.repo, rel))) before = undefined;
  if (before === undefined) {
    ctx.result.skipped.push(`${rel}: not recorded: no before-edit snapshot, and the written text cannot be located exactly`);
    return;
  }
  // With a snapshot, the payload says which part of the change the agent wrote; the rest came from elsewhere.
  const written = snap ? (expectedAfter(write, before) ?? after) : after;
  if (from !== rel) await WorkingState.forRepo(ctx.repo, { blocking: true }).rename(from, rel);
  await record(ctx, rel, before, written, after, author);
}

/** Adds to the activity log; one that cannot be written (a planted link) is said, and what was recorded stays. */
function logActivity(ctx: Context, rec: ActivityRecord): void {
  try {
    recordActivity(stateDir(ctx.repo), rec, ctx.now);
  } catch (err) {
    ctx.result.skipped.push(`activity log not written, so shell commands running meanwhile may be credited with this call's files: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function afterShell(ctx: Context, key: string): Promise<void> {
  const snap = await ctx.store.take<ShellSnapshot>([ctx.agent, ctx.info.session ?? '', key, '\0shell'], ctx.now);
  if (!snap || typeof snap.dirty !== 'object' || snap.dirty === null) return;
  const { changes, unknown, gitMoved } = await shell().shellChanges(ctx.repo, snap);
  const actor = actorOf(ctx.agent, ctx.info.session);
  const window = { actor, start: snap.at, end: ctx.now };
  const { rivalsDuring } = require('./rivals') as typeof import('./rivals');
  const rivals = rivalsDuring(stateDir(ctx.repo), window, await ctx.store.list(ctx.now));
  // Commands of other sessions running at the same time learn what this one may have changed, as it learns theirs.
  const files: Record<string, string | null> = Object.fromEntries([...changes.map((c) => [c.path, sha1(c.after)]), ...unknown.map((p) => [p, null])]);
  logActivity(ctx, { by: actor, kind: 'shell', start: snap.at, end: ctx.now, files, ...(gitMoved ? { anyFile: true } : {}) });
  if (gitMoved) {
    ctx.result.skipped.push('git moved HEAD, the index or the stash during the shell command: its changes are not recorded');
    return;
  }
  for (const p of unknown) if (!ctx.isIgnored(p)) ctx.result.skipped.push(`${p}: not recorded: changed by a shell command but too large to compare`);
  const author = await attribution(ctx.agent, ctx.info, ctx.now, 'shell');
  const kept = changes.filter((c) => !ctx.isIgnored(c.path) && !c.after.includes('\0') && !c.before.includes('\0') && c.after.length <= MAX_FILE_BYTES);
  const head = await shell().headTexts(ctx.repo, kept.map((c) => c.path));
  for (const c of kept) {
    const why = rivals(c.path, sha1(c.before), c.mtime);
    if (why) {
      ctx.result.skipped.push(`${c.path}: not recorded for the shell command: ${why}`);
      continue;
    }
    // A line HEAD already has came back (a restore, a revert by hand), not new text from the agent.
    const committed = new Set(splitLines(head.get(c.path) ?? ''));
    const afterLines = splitLines(c.after);
    await WorkingState.forRepo(ctx.repo, { blocking: true }).update(c.path, c.after, (current, at) => {
      const was = toLines(current);
      const now = toLines(attributeEdit(c.before, c.after, c.after, current, author, at(c.before)));
      return fromLines(now.map((p, i) => (!sameLine(p, was[i]) && committed.has(afterLines[i]!) ? (was[i] ?? HUMAN) : p)));
    });
    ctx.result.recorded.push(c.path);
  }
}

export interface RecordOptions {
  /** Where the hook process runs; used when the payload names no working directory. */
  readonly cwd: string;
  readonly now?: number;
  /** The config's ignore list when the caller has read the config already (the guard of a pre-tool event). */
  readonly isIgnored?: (repoPath: string) => boolean;
}

/** Applies one hook event to the repository that contains its working directory. */
export async function recordEvent(agent: string, event: HookEvent, opts: RecordOptions): Promise<RecordResult> {
  const result: RecordResult = { recorded: [], skipped: [] };
  if (event.kind === 'ignore') {
    if (event.reason) result.skipped.push(`${event.reason}; nothing recorded`);
    return result;
  }
  const cwd = event.info.cwd && path.isAbsolute(event.info.cwd) && (await isDirectory(event.info.cwd)) ? event.info.cwd : opts.cwd;
  let repo: Repo;
  try {
    repo = await findRepo(cwd);
  } catch {
    result.skipped.push(`${cwd}: not inside a git repository; nothing recorded`);
    return result;
  }
  const now = opts.now ?? Date.now();
  // The model lookup and the config read are independent; an agent waits for the hook, so overlap them.
  const [isIgnored, author] = await Promise.all([
    opts.isIgnored ?? loadIgnore(repo, result.skipped),
    event.kind === 'after-edit' ? attribution(agent, event.info, now) : undefined,
  ]);
  const ctx: Context = {
    agent,
    repo,
    cwd,
    info: event.info,
    store: new SnapshotStore(path.join(stateDir(repo), 'snapshots')),
    isIgnored,
    result,
    now,
  };
  // Any agent's hook call is the next chance to record an edit whose own after-event was lost.
  try {
    const missed = await recoverMissedEdits(repo, { now, isIgnored, except: [agent, event.info.session ?? '', event.key], session: [agent, event.info.session ?? ''] });
    result.recorded.push(...missed.recovered);
    result.skipped.push(...missed.notes);
  } catch (err) {
    result.skipped.push(`edits whose after-event was lost not checked: ${err instanceof Error ? err.message : String(err)}`);
  }
  switch (event.kind) {
    case 'before-edit':
      await beforeEdit(ctx, event.key, event.paths, event.writes ?? []);
      break;
    case 'after-edit': {
      const touched: Record<string, string | null> = {};
      for (const w of event.writes) await afterWrite(ctx, event.key, w, author!, touched);
      // A shell command of another session running meanwhile must not be credited with what this edit wrote.
      if (Object.keys(touched).length > 0) logActivity(ctx, { by: actorOf(agent, event.info.session), kind: 'edit', start: now, end: now, files: touched });
      break;
    }
    case 'before-shell':
      await ctx.store.put([agent, event.info.session ?? '', event.key, '\0shell'], await shell().takeShellSnapshot(repo, actorOf(agent, event.info.session), ctx.now));
      await ctx.store.sweep(ctx.now);
      break;
    case 'after-shell':
      await afterShell(ctx, event.key);
      break;
  }
  return result;
}

function sameLine(a: LineProvenance, b: LineProvenance | undefined): boolean {
  return b !== undefined && a.kind === b.kind && a.attribution === b.attribution;
}
