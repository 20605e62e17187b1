// What the git hooks do when they cannot do their part (PRODUCT.md §8: fail closed where it matters, open where it
// does not). A commit whose AI lines cannot be judged gets an AI-Unjudged trailer that `ai-provenance check` reports,
// and is refused where a block rule may apply; the working state is left as it is, and the catch-up file in the git
// dir names what the next hook that can run must make good: the notes of commits made meanwhile, written from it.
import { existsSync, promises as fsp, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { buildTraceRecord, serializeTraceRecord } from '../core/agentTrace';
import { terminalText } from '../core/terminalText';
import { applyTrailers, parseTrailers, UNJUDGED_TOKEN } from '../core/trailers';
import { writePrivateFile, writePrivateFileIn } from './gitDirFiles';
import { joinRuns } from '../core/lineCarry';
import type { Attribution, CommitFileProvenance } from '../core/model';
import { NoteRunsBuilder, type AttributedRun } from '../core/lineRuns';
import { advanceState, commentCharFor, committedProvenance, hasContent, replayKind, scratchDir, carryNotes, type HookIO } from './hookFlows';
import { BLOCK_EXIT, CATCH_UP_FILE, notesLaterLine, unjudgedLine, unjudgedRefusal } from './hookScripts';
import { NOTES_REF, readNote, writeNote } from './notes';
import { headCommit, type Repo } from './repo';
import { git } from './run';
import { loadTeamConfig } from './teamConfig';
import { readOptionalSync } from './fsAtomic';
import { WorkingState } from './workingState';

/** The first line of an error, safe for a terminal and a trailer, and short. */
export function failureReason(hook: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const first = message.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
  const line = terminalText(`${hook} failed: ${first}`);
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** The file the hooks name `<kind> <commit>...` lines in, for the next run that can catch up on them. */
export function catchUpFile(repo: Repo): string {
  return path.join(repo.gitDir, CATCH_UP_FILE);
}

function noteCatchUp(repo: Repo, lines: readonly string[]): void {
  writePrivateFile(catchUpFile(repo), lines.map((l) => `${l}\n`).join(''), 'a');
}

/** Whether a block rule may apply: the config has one, or it could not even be loaded. */
async function mayBlock(repo: Repo): Promise<boolean> {
  try {
    return (await loadTeamConfig(repo, () => undefined)).config.critical.some((r) => r.level === 'block');
  } catch {
    return true;
  }
}

/** Runs each step on its own: one that fails must not keep the others (the mark, the refusal) from happening. */
async function each(steps: readonly (() => unknown)[]): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch {
      // Best effort: what a step could not do, the others and `check` still cover.
    }
  }
}

/**
 * prepare-commit-msg could not judge the commit: marks its message, leaves the working state for the next hook to
 * catch up on, and tells commit-msg to refuse where a block rule may apply (scripts of HOOK_PROTOCOL 4; older ones
 * cannot refuse, so the line is printed here).
 */
export async function markUnjudged(repo: Repo, msgFile: string | undefined, why: string, io: HookIO): Promise<void> {
  const scratch = scratchDir(repo);
  const protocol = Number(io.env['AI_PROVENANCE_HOOK_PROTOCOL'] ?? 1);
  await each([
    async () => {
      if (!msgFile) return;
      const message = await fsp.readFile(msgFile, 'utf8');
      const commentChar = await commentCharFor(repo, message);
      let next = applyTrailers(message, [{ token: UNJUDGED_TOKEN, value: why }], { commentChar });
      // As with `git commit -s` on an empty message: line 1 stays free for the subject.
      if (!hasContent(message, commentChar) && /^\n[^\n]/.test(next)) next = `\n${next}`;
      await fsp.writeFile(msgFile, next);
    },
    async () => noteCatchUp(repo, [`after ${(await headCommit(repo)) ?? ''}`]),
    () => writePrivateFileIn(scratch, 'failed', `${why}\n`),
    async () => {
      if (protocol >= 4 && (await mayBlock(repo))) writePrivateFileIn(scratch, 'may-block', 'block\n');
    },
  ]);
  if (protocol < 4) io.warn(unjudgedLine(why));
}

/** commit-msg could not reach a verdict: refuses where a block rule may apply (the commit-msg scripts of every version stop on BLOCK_EXIT). */
export async function refuseUnjudged(repo: Repo, why: string, io: HookIO): Promise<number> {
  if (!(await mayBlock(repo))) return 0;
  const saved = path.relative(repo.root, path.join(repo.gitDir, 'COMMIT_EDITMSG')) || '.git/COMMIT_EDITMSG';
  io.warn(unjudgedRefusal(why, terminalText(saved)));
  return BLOCK_EXIT;
}

/** post-commit could not write HEAD's note: the next hook that can writes it from the working state, kept as it is. */
export async function noteLater(repo: Repo, why: string, io: HookIO): Promise<void> {
  await each([async () => {
    const head = await headCommit(repo);
    if (head) noteCatchUp(repo, [`commit ${head}`]);
  }]);
  io.warn(notesLaterLine(why));
}

/** post-rewrite could not carry the notes: the next hook that can carries them from the old commits. */
export async function carryLater(repo: Repo, input: string, why: string, io: HookIO): Promise<void> {
  const pairs = input.split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p.length >= 2 && p[0] && p[1]);
  await each([() => noteCatchUp(repo, pairs.map(([oldId, newId]) => `rewrite ${oldId} ${newId}`))]);
  io.warn(notesLaterLine(why));
}

/**
 * Makes good what earlier hooks could not do, before a commit is judged: writes the note of each commit that left
 * with the working state unadvanced (from that state, as post-commit would have), advances the state past it, and
 * carries the notes of rewrites. Only on a plain commit: during a replay HEAD is not the user's branch yet.
 */
export async function catchUp(repo: Repo, io: HookIO): Promise<void> {
  const file = catchUpFile(repo);
  if (!existsSync(file) || replayKind(repo) !== 'none') return;
  const text = readOptionalSync(file) ?? '';
  const config = await loadTeamConfig(repo, () => undefined);
  const state = WorkingState.forRepo(repo);
  const order: string[] = [];
  // true: marked AI-Unjudged, so its note is written even when it finds no AI line (the note is the verdict check reads).
  const marked = new Map<string, boolean>();
  const rewrites: [string, string][] = [];
  for (const line of text.split('\n')) {
    const [kind, a = '', b = ''] = line.trim().split(/\s+/);
    if (kind === 'after') {
      for (const c of await unjudgedSince(repo, a)) {
        if (!marked.has(c)) order.push(c);
        marked.set(c, true);
      }
    } else if (kind === 'commit' && /^[0-9a-f]{40,64}$/.test(a) && (await isAncestorOfHead(repo, a))) {
      if (!marked.has(a)) order.push(a);
      marked.set(a, marked.get(a) ?? false);
    } else if (kind === 'rewrite' && /^[0-9a-f]{40,64}$/.test(a) && /^[0-9a-f]{40,64}$/.test(b)) {
      rewrites.push([a, b]);
    }
  }
  // A rewritten commit's lines come from the notes of the commits it replaced (an amend, a rebase), carried through
  // git's diff from each of them, as post-rewrite carries them.
  const sources = new Map<string, string[]>();
  for (const [oldId, newId] of rewrites) sources.set(newId, [...(sources.get(newId) ?? []), oldId]);
  const judged = new Map([...sources].filter(([newId]) => marked.has(newId)));
  // Loaded here, as for post-rewrite: a catch-up is rare.
  const { carriedOnto } = require('./rewriteCarry') as typeof import('./rewriteCarry');
  const carried = judged.size > 0 ? await carriedOnto(repo, judged, { config, log: (line) => io.warn(`ai-provenance: ${line}`) }) : new Map<string, CommitFileProvenance[][]>();
  const written: string[] = [];
  for (const c of order) {
    if ((await readNote(repo, c)) === undefined) {
      const fromState = await committedProvenance(repo, state, c, config);
      const files = layered(fromState, carried.get(c) ?? []);
      if (marked.get(c) || files.some((f) => f.runs.length > 0)) {
        await writeNote(repo, c, serializeTraceRecord(buildTraceRecord({ revision: c, files, toolVersion: io.toolVersion })));
        written.push(c);
      }
    }
    await advanceState(repo, state, c);
  }
  const rest = new Map<string, string[]>();
  for (const [newId, olds] of sources) if (!marked.has(newId) && (await readNote(repo, newId)) === undefined) rest.set(newId, olds);
  if (rest.size > 0) written.push(...(await carryNotes(repo, rest, config, io)));
  unlinkSync(file);
  if (written.length > 0) {
    const ids = written.map((c) => c.slice(0, 12)).join(', ');
    io.warn(`ai-provenance: wrote the notes of ${written.length} earlier commit${written.length === 1 ? '' : 's'} its hooks could not judge (${ids}); the next git push or 'ai-provenance sync' shares them`);
  }
}

/** Per file and line, the working state's attribution where it has one, else the first carried note's that has one. */
function layered(first: readonly CommitFileProvenance[], carried: readonly (readonly CommitFileProvenance[])[]): CommitFileProvenance[] {
  return first.map((f) => {
    const others = carried.flatMap((files) => files.filter((o) => o.path === f.path && o.runs.length > 0));
    if (others.length === 0) return f;
    const lines: { kind: AttributedRun['kind']; attribution: Attribution }[] = [];
    for (const o of [f, ...others]) {
      for (const r of o.runs) {
        const p = { kind: r.kind, attribution: o.attributions[r.id]! };
        for (let i = r.start; i < r.end; i++) lines[i] ??= p;
      }
    }
    const b = new NoteRunsBuilder();
    lines.forEach((p, i) => b.add(i, i + 1, p.kind, p.attribution));
    const { attributions, runs } = b.done();
    return { ...f, attributions, runs: joinRuns(runs, attributions) };
  });
}

/** Commits after `base` on HEAD's first-parent line that carry the AI-Unjudged trailer and have no note, oldest first. */
async function unjudgedSince(repo: Repo, base: string): Promise<string[]> {
  // Bounded: a root commit has no parents to stop at.
  const range = ['-n', '1000', 'HEAD', ...(/^[0-9a-f]{40,64}$/.test(base) ? ['--not', `${base}^@`] : [])];
  const r = await git(['log', '-z', '--first-parent', '--reverse', `--notes=${NOTES_REF}`, '--format=%H%x00%B%x00%N', ...range, '--'], {
    cwd: repo.root,
    okCodes: [128],
  });
  if (r.exitCode !== 0) return [];
  const fields = r.stdout.split('\0');
  const out: string[] = [];
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const [sha, message, note] = [fields[i]!.trim(), fields[i + 1]!, fields[i + 2]!];
    if (note.trim() !== '') continue;
    if (parseTrailers(message).some((t) => t.token.toLowerCase() === UNJUDGED_TOKEN.toLowerCase())) out.push(sha);
  }
  return out;
}

async function isAncestorOfHead(repo: Repo, commit: string): Promise<boolean> {
  const r = await git(['merge-base', '--is-ancestor', commit, 'HEAD'], { cwd: repo.root, okCodes: [1, 128] });
  return r.exitCode === 0;
}
