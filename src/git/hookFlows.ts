// What the git hooks do when they need Node: prepare-commit-msg precomputes for commit-msg and post-commit, which
// normally finish in shell (hookScripts.ts); the other entry points here are their fallbacks, plus post-rewrite.
import { existsSync, mkdirSync, promises as fsp, readFile, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildTraceRecord, serializeTraceRecord } from '../core/agentTrace';
import type { CompiledConfig, CriticalRule } from '../core/config';
import { formatIdentity, parseIdentity, sameEmail } from '../core/identity';
import type { CommitFileProvenance, LineProvenance } from '../core/model';
import { NoteRunsBuilder, sameRuns, slice, toLines, type NoteRuns } from '../core/lineRuns';
import { evaluatePolicy, REVIEW_TRAILER, type PolicyFinding, type SignoffVerdict } from '../core/policy';
import { terminalText } from '../core/terminalText';
import { applyTrailers, buildTrailers, OWNED_TOKENS, parseTrailers } from '../core/trailers';
import { commitChanges, parsePrecomputed, readBlobs, type FileChange } from './diff';
import { listNotes, writeNote } from './notes';
import { parentOf, stagedDetail, stagedProvenance, treeBlobs, type StagedDetail } from './provenance';
import { emptyTree, fromRepoPath, headCommit, type Repo } from './repo';
import { git } from './run';
import { forgetOrphans } from './orphans';
import { advancedLines } from './advance';
import { forgetThrownAway } from './thrownAway';
import { loadTeamConfig } from './teamConfig';
import { readOptional, readOptionalSync } from './fsAtomic';
import { CorruptStateError, WorkingState } from './workingState';
import { BLOCK_EXIT, REVISION_PLACEHOLDER } from './hookScripts';
import { ensurePrivateDir, writePrivateFileIn } from './gitDirFiles';
import { parentGitArgs } from './parentCommand';

export { BLOCK_EXIT, REVISION_PLACEHOLDER };


export interface HookIO {
  /** One line per call, without the trailing newline. */
  readonly warn: (line: string) => void;
  readonly toolVersion: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Per-worktree scratch written by prepare-commit-msg for the same commit's later hooks. */
export function scratchDir(repo: Repo): string {
  return path.join(repo.gitDir, 'ai-provenance-commit');
}

type Replay = 'none' | 'cherry-pick' | 'revert' | 'rebase' | 'rebase-squash';

/** Whether git is replaying existing commits (their messages and notes already exist) rather than committing new work. */
export function replayKind(repo: Repo): Replay {
  const g = (p: string): boolean => existsSync(path.join(repo.gitDir, p));
  if (g('rebase-merge')) {
    // At an `edit` stop the user commits new work while the rebase is in progress.
    if (g('rebase-merge/amend') && !g('CHERRY_PICK_HEAD')) return 'none';
    return g('rebase-merge/current-fixups') ? 'rebase-squash' : 'rebase';
  }
  if (g('rebase-apply')) return 'rebase';
  if (g('CHERRY_PICK_HEAD')) return 'cherry-pick';
  // A revert's added lines are restored older text: nothing in the working state describes them. A clean revert
  // leaves no REVERT_HEAD, only the MERGE_MSG it prepared (a real merge also has MERGE_HEAD).
  if (g('REVERT_HEAD') || (g('MERGE_MSG') && !g('MERGE_HEAD'))) return 'revert';
  return 'none';
}

export async function prepareCommitMsg(repo: Repo, args: readonly string[], io: HookIO): Promise<number> {
  const [msgFile, source = '', sha = ''] = args;
  if (!msgFile) throw new Error('prepare-commit-msg: git passed no message file');
  const scratch = scratchDir(repo);
  // This short-lived process has nothing else to do meanwhile: synchronous calls skip the thread pool's round trips.
  const headNoteCovers = notedPaths(readOptionalSync(path.join(scratch, NOTED_PATHS)));
  rmSync(scratch, { recursive: true, force: true });
  const replay = replayKind(repo);
  if (replay === 'rebase') return 0;
  // Independent git calls run side by side: each process start is felt on a busy machine.
  const configP = loadTeamConfig(repo, io.warn);
  const messageP = fsp.readFile(msgFile, 'utf8');
  const commentCharP = messageP.then((m) => commentCharFor(repo, m));
  // A corrupt entry of a file this commit leaves alone is reported once and left out; one of a file it commits
  // makes the commit unjudged (below).
  const corrupt = new Map<string, CorruptStateError>();
  const onCorrupt = (err: CorruptStateError): void => void corrupt.set(err.file, err);
  // Before the generation token is read: lines git threw away since they were recorded are forgotten first.
  const settle = WorkingState.forRepo(repo, { blocking: true, onCorrupt });
  await settle.unstash();
  // Keeps the entries as they are now: AI lines a person cut from a file and pasted into another are looked up there.
  const before = WorkingState.forRepo(repo, { cacheReads: true, blocking: true, onCorrupt });
  const recorded = { state: before, paths: await before.paths() };
  await forgetThrownAway(repo, settle, recorded.paths);
  const state = WorkingState.forRepo(repo, { cacheReads: true, blocking: true, onCorrupt });
  // Read before any entry: post-commit applies the advance only if no writer has changed the state since.
  const tokenP = state.generationToken();
  tokenP.catch(() => undefined);
  if (replay === 'rebase-squash') {
    // A squash/fixup inside `rebase -i` amends HEAD with the next commits; their notes, not the working state, say what is AI.
    const files = await stagedProvenance(repo, undefined, { config: configP, amend: true, sources: await squashSources(repo), report: io.warn });
    const [config, commentChar, message] = await Promise.all([configP, commentCharP, messageP]);
    const trailers = buildTrailers(files, { ...config.config.trailers, isCritical: (p) => config.isCritical(p) });
    const next = applyTrailers(stripOwnTrailers(message), trailers, { commentChar });
    if (next !== message) await fsp.writeFile(msgFile, next);
    return 0;
  }
  const finish = await finishing(repo, msgFile, source);
  // A merge commit gets no trailers, and post-commit notes its resolution (scripts of earlier versions get here with -m).
  if (finish.merge && io.env['AI_PROVENANCE_PRECOMPUTED'] !== '1') return 0;
  const sourcesP = Promise.resolve(finish.sources);
  // The shell may have run the staged diff against HEAD while this process started (on stdin); it then also
  // writes the tree itself, once this process is done.
  const precomputed = io.env['AI_PROVENANCE_PRECOMPUTED'] === '1';
  const preP = precomputed ? readPrecomputed() : Promise.resolve(undefined);
  // Most commits are not amends: start on that assumption while the process tree is checked.
  const restoredFrom = finish.restoredFrom;
  const plainP = stagedDetail(repo, state, { config: configP, amend: false, sources: await sourcesP, report: io.warn, headChanges: preP, restoredFrom, headNoteCovers, recorded });
  plainP.catch(() => undefined);
  // Spawned after the diff, the longer of the two: each spawn holds this thread for a fork, and the tree is needed last.
  const treeP = !precomputed && !finish.merge ? git(['write-tree'], { cwd: repo.root }).then((r) => r.stdout.trim()) : Promise.resolve(undefined);
  treeP.catch(() => undefined);
  const amend = (source === 'commit' && sha === 'HEAD') || source !== 'commit' ? await parentCommandHasAmend() : false;
  const detail = amend
    ? await stagedDetail(repo, state, { config: configP, amend, sources: [...(await sourcesP), ...(await rebaseStopOriginal(repo))], report: io.warn, restoredFrom, recorded })
    : await plainP;
  for (const c of detail.changes) {
    const bad = corrupt.get(state.entryFile(c.path)) ?? (c.oldPath !== undefined ? corrupt.get(state.entryFile(c.oldPath)) : undefined);
    if (bad) throw bad;
  }
  for (const err of corrupt.values()) io.warn(`ai-provenance: ${err.message}; the AI lines recorded in it are left out until it is deleted`);
  const files = detail.files;
  const [config, commentChar, tree, message] = await Promise.all([configP, commentCharP, treeP, messageP]);

  const trailers = finish.merge ? [] : buildTrailers(files, { ...config.config.trailers, isCritical: (p) => config.isCritical(p) });
  // A reused message (-C, -F) may bring our trailers from another commit; with no AI lines they must go. A picked or
  // squashed commit's own message keeps them when no note says otherwise (its notes may not have been fetched).
  const brought = finish.sources.length > 0 || finish.restoredFrom !== undefined;
  if (!finish.merge && (trailers.length > 0 || amend || (!brought && hasOwnTrailers(message, commentChar)))) {
    let next = applyTrailers(message, trailers, { commentChar });
    // As with `git commit -s` on an empty message: leave line 1 for the subject and a blank line before the trailers.
    if (!hasContent(message, commentChar) && /^\n[^\n]/.test(next)) next = `\n${next}`;
    if (next !== message) writeFileSync(msgFile, next);
  }

  ensurePrivateDir(scratch);
  const protocol = Number(io.env['AI_PROVENANCE_HOOK_PROTOCOL'] ?? 1);
  if (tree !== undefined) writeFileSync(path.join(scratch, 'tree'), `${tree}\n`);
  // commit-msg's shell reads it instead of asking git again.
  writeFileSync(path.join(scratch, 'commentchar'), `${commentChar}\n`);
  // commit-msg's shell puts them back when an editor rewrote the whole message.
  if (trailers.length > 0) writeFileSync(path.join(scratch, 'trailers'), trailers.map((t) => `${t.token}: ${t.value}\n`).join(''));
  if (!finish.merge && files.some((f) => f.runs.length > 0)) {
    // Finished by post-commit's shell: the commit id is not known yet (see REVISION_PLACEHOLDER).
    const record = buildTraceRecord({ revision: REVISION_PLACEHOLDER, files, toolVersion: io.toolVersion });
    const note = serializeTraceRecord(record);
    writeFileSync(path.join(scratch, 'note.json'), note);
    writeFileSync(path.join(scratch, NOTED_PATHS), notedPathsText(files));
    notedClean(repo, scratch, detail, files);
    // post-commit's shell reads a note this short itself (a byte a read, and a here-document within a pipe's buffer).
    if (protocol >= 3 && Buffer.byteLength(note) <= INLINE_NOTE_BYTES) writeFileSync(path.join(scratch, 'note.inline'), '');
    if (amend) writeFileSync(path.join(scratch, 'amended'), '');
  }
  const blocked = evaluatePolicy({ files: policyFiles(files), config, trailers: [], author: { email: '' } }).violations;
  if (blocked.length > 0 && config.config.signoff) {
    // SSH sign-offs are verified by Node only: a line naming no email makes the shell's check fail, and with no
    // precomputed refusal commit-msg starts Node (hook scripts of earlier versions do the same).
    writeFileSync(path.join(scratch, 'reviewers'), blocked.map(() => '!ssh').join('\n') + '\n');
  } else if (blocked.length > 0) {
    writeFileSync(path.join(scratch, 'reviewers'), blockedRuleReviewers(blocked).join('\n') + '\n');
    // What commit-msg prints when the message has no sign-off at all, so that a refused commit starts Node once.
    const author = await authorIdentity(repo);
    const { violations } = evaluatePolicy({ files: policyFiles(files), config, trailers: [], author });
    if (violations.length > 0) writeFileSync(path.join(scratch, 'refusal'), `${refusal(violations, repo, author.email)}\n`);
  }
  // An advance with nothing to apply makes post-commit hand the merge over to Node, which notes its resolution.
  if (finish.merge) mkdirSync(path.join(scratch, 'advance'), { recursive: true });
  else await precomputeAdvance(repo, state, scratch, detail, protocol, await tokenP);
  // A corrupt entry left out above still exists: pending stays with it.
  if (corrupt.size > 0) rmSync(path.join(scratch, 'advance', 'last'), { force: true });
  writeFileSync(path.join(scratch, 'done'), 'ok\n');
  return 0;
}

/**
 * The files a commit's note covers, for the next commit's prepare-commit-msg (post-commit names the commit in `noted`):
 * a line each, or one empty line for "any file" when they are too many for a command line or a name holds a line break.
 */
const NOTED_PATHS = 'noted-paths';
const NOTED_CLEAN = 'noted-clean';
const MAX_NOTED_PATHS = 100;

function notedPathsText(files: readonly CommitFileProvenance[]): string {
  const paths = files.filter((f) => f.runs.length > 0).map((f) => f.path);
  return paths.length > MAX_NOTED_PATHS || paths.some((p) => /[\n\r]/.test(p)) ? '\n' : paths.map((p) => `${p}\n`).join('');
}

/**
 * Marks (noted-clean, by its time) that every file of the note held on disk what this commit stages: until one of
 * them is newer than the mark, the next commits' shell knows without git that none of them changed. A file that
 * differs (a person's edit left unstaged, a line-ending filter) leaves no mark, and the shell asks git every time.
 */
function notedClean(repo: Repo, scratch: string, detail: StagedDetail, files: readonly CommitFileProvenance[]): void {
  const mark = path.join(scratch, NOTED_CLEAN);
  // Written before the files are read: an edit made meanwhile is newer than the mark.
  writeFileSync(mark, '');
  const staged = new Map(detail.changes.map((c) => [c.path, c.newBlob]));
  for (const f of files) {
    if (f.runs.length === 0) continue;
    const blob = detail.blobs.get(staged.get(f.path) ?? '');
    if (!blob || !sameBytes(fromRepoPath(repo, f.path), blob)) return rmSync(mark, { force: true });
  }
}

/** Whether `file` holds exactly `bytes`; false when it cannot be read. */
function sameBytes(file: string, bytes: Buffer): boolean {
  try {
    return readFileSync(file).equals(bytes);
  } catch {
    return false;
  }
}

function notedPaths(text: string | undefined): { has(path: string): boolean } | undefined {
  if (!text) return undefined;
  if (text.startsWith('\n')) return { has: () => true };
  return new Set(text.split('\n').filter((l) => l !== ''));
}

/** Notes up to this size are finished by post-commit's shell without sed (HOOK_PROTOCOL 3). */
const INLINE_NOTE_BYTES = 3000;

/** The staged diff the shell computed, from stdin (see parsePrecomputed); undefined when unreadable. */
function readPrecomputed(): Promise<FileChange[] | undefined> {
  // fs.readFile reads the pipe in the thread pool while this process goes on; the shell's git always closes it.
  return new Promise((resolve) => readFile(0, (err, data) => resolve(err ? undefined : parsePrecomputed(data))));
}

/** For commit-msg in shell: one line per violated `block` rule, listing who may sign off (`*`: anyone but the author). */
export function blockedRuleReviewers(violations: readonly PolicyFinding[]): string[] {
  return violations.map((v) => {
    const emails = v.rule.reviewers.map((r) => parseIdentity(r)?.email.toLowerCase()).filter((e): e is string => !!e);
    return emails.length > 0 ? emails.join(' ') : '*';
  });
}

function policyFiles(files: readonly CommitFileProvenance[]): { path: string; aiLines: number }[] {
  return files.map((f) => ({ path: f.path, aiLines: f.runs.reduce((n, r) => n + r.end - r.start, 0) }));
}

export async function commitMsg(repo: Repo, args: readonly string[], io: HookIO): Promise<number> {
  const [msgFile] = args;
  if (!msgFile) throw new Error('commit-msg: git passed no message file');
  const replay = replayKind(repo);
  if (replay !== 'none') return 0;
  const config = await loadTeamConfig(repo, io.warn);
  if (!config.config.critical.some((r) => r.level === 'block')) return 0;
  const fresh = (await readOptional(path.join(scratchDir(repo), 'done'))) ? true : false;
  const amend = (fresh && existsSync(path.join(scratchDir(repo), 'amended'))) || (await parentCommandHasAmend());
  const files = await stagedProvenance(repo, WorkingState.forRepo(repo), { config, amend, report: io.warn });
  const message = await fsp.readFile(msgFile, 'utf8');
  const trailers = parseTrailers(message, { commentChar: await commentCharFor(repo, message) });
  const author = await authorIdentity(repo);
  const signoffs = config.config.signoff ? await stagedSignoffs(repo, config.config.signoff.allowedSigners, message, amend) : undefined;
  const { violations } = evaluatePolicy({ files: policyFiles(files), config, trailers, author, ...(signoffs ? { signoffs } : {}) });
  if (violations.length === 0) return 0;
  io.warn(refusal(violations, repo, author.email, signoffs !== undefined));
  return BLOCK_EXIT;
}

/** The message's `AI-Signoff` lines checked against the index and the allowed signers of the commit's parent (§13). */
async function stagedSignoffs(repo: Repo, allowedFile: string, message: string, amend: boolean): Promise<SignoffVerdict[]> {
  const { allowedSignersAt, blobsInIndex, verifySignoffs } = require('./signoff') as typeof import('./signoff');
  // The signers as of the commit this one builds on: one added by this very commit does not count.
  const parent = await git(['rev-parse', '-q', '--verify', `${amend ? 'HEAD^' : 'HEAD'}^{commit}`], { cwd: repo.root, okCodes: [1, 128] });
  const base = parent.exitCode === 0 ? parent.stdout.trim() : undefined;
  return verifySignoffs(message, {
    cwd: repo.root,
    blobOf: blobsInIndex(repo.root),
    allowedSigners: await allowedSignersAt(repo.root, base, allowedFile),
    allowedName: `${allowedFile} as of ${base ? base.slice(0, 12) : 'the parent commit (there is none)'}`,
  });
}

function refusal(violations: readonly PolicyFinding[], repo: Repo, authorEmail: string, ssh = false): string {
  const lines = [`ai-provenance: commit refused: AI-written lines in critical paths need a reviewer's sign-off (.ai-provenance.json)`];
  // Each line on its own: a file name or reason with a line break in it stays on its line.
  for (const v of violations) {
    lines.push(terminalText(`  files: ${v.files.join(', ')}`));
    lines.push(terminalText(`  rule:  critical[${v.ruleIndex}] "${v.rule.reason}" (${v.rule.paths.join(', ')})`));
    lines.push(terminalText(`  ${v.message}`));
  }
  const saved = path.relative(repo.root, path.join(repo.gitDir, 'COMMIT_EDITMSG')) || '.git/COMMIT_EDITMSG';
  lines.push(`  Your message is kept in ${saved}. Once reviewed, commit again with: git commit -e -F ${saved}`);
  // An SSH sign-off cannot be typed: each finding already says to run `ai-provenance sign-off`.
  const signOffs = (ssh ? [] : violations).map((v) => signOffLine(v.rule, authorEmail)).filter((l): l is SignOff => l !== undefined);
  const shown = [...new Set(signOffs.map((l) => l.line))];
  if (shown.length > 0) {
    const fill = signOffs.some((l) => l.fill === 'name and email')
      ? " (the reviewer's name and email in place of the example)"
      : signOffs.some((l) => l.fill === 'name')
        ? ` (the reviewer's name in place of ${PLACEHOLDER_NAME})`
        : '';
    // git reads only the last paragraph as trailers: a sign-off set apart by a blank line would hide ours. (commit-msg
    // mends one typed below git's comments, but a message edited outside git's editor gets no such help.)
    lines.push(`  and in the editor add ${shown.length === 1 ? 'this line' : 'these lines'}${fill} directly under the AI-Lines:/AI-Critical: trailers, with no blank line between:`);
    for (const l of shown) lines.push(terminalText(`    ${l}`));
  }
  return lines.join('\n');
}

const PLACEHOLDER_NAME = 'Reviewer Name';

/** A sign-off line to show, and what in it is a placeholder for the reviewer to fill in. */
interface SignOff {
  readonly line: string;
  readonly fill?: 'name' | 'name and email';
}

/**
 * The sign-off to show for `rule`: by its first listed reviewer other than the author, or by a placeholder identity
 * when anyone may sign off. Undefined when only the author is listed, who cannot sign off.
 */
function signOffLine(rule: CriticalRule, authorEmail: string): SignOff | undefined {
  if (rule.reviewers.length === 0) return { line: `${REVIEW_TRAILER}: ${PLACEHOLDER_NAME} <reviewer@example.com>`, fill: 'name and email' };
  for (const r of rule.reviewers) {
    const id = parseIdentity(r);
    if (!id || (authorEmail !== '' && sameEmail(id.email, authorEmail))) continue;
    return { line: `${REVIEW_TRAILER}: ${formatIdentity({ name: id.name ?? PLACEHOLDER_NAME, email: id.email })}`, ...(id.name ? {} : { fill: 'name' as const }) };
  }
  return undefined;
}

export async function postCommit(repo: Repo, io: HookIO): Promise<number> {
  const head = await headCommit(repo);
  if (!head) return 0;
  const replay = replayKind(repo);
  if (replay === 'rebase' || replay === 'rebase-squash' || replay === 'revert') return 0;
  const config = await loadTeamConfig(repo, io.warn);
  if (replay === 'cherry-pick') {
    const picked = (await fsp.readFile(path.join(repo.gitDir, 'CHERRY_PICK_HEAD'), 'utf8')).trim();
    await carryNotes(repo, new Map([[head, [picked]]]), config, io);
    return 0;
  }
  const scratch = scratchDir(repo);
  const written = await readOptional(path.join(scratch, 'written'));
  const state = WorkingState.forRepo(repo);
  const parents = (await git(['rev-list', '--parents', '-n', '1', head], { cwd: repo.root })).stdout.trim().split(' ').slice(1);
  // Merge commits get no trailers; their note holds only the AI lines of the resolution (new against every parent).
  const isMerge = parents.length > 1;
  let keep: ReadonlySet<string> = new Set();
  if (written?.trim() !== head) {
    const { files, unnoted } = isMerge ? await mergeProvenance(repo, state, head, parents, config, io.warn) : { files: await committedProvenance(repo, state, head, config), unnoted: new Set<string>() };
    keep = unnoted;
    if (files.some((f) => f.runs.length > 0)) {
      await writeNote(repo, head, serializeTraceRecord(buildTraceRecord({ revision: head, files, toolVersion: io.toolVersion })));
      writePrivateFileIn(scratch, 'written', `${head}\n`);
      writePrivateFileIn(scratch, NOTED_PATHS, notedPathsText(files));
      // Nothing here says what the files held on disk: the next commits' shell asks git.
      rmSync(path.join(scratch, NOTED_CLEAN), { force: true });
      writePrivateFileIn(scratch, 'noted', `${head}\n`);
    }
  }
  await advanceState(repo, state, head, keep);
  return 0;
}

/**
 * The AI lines of merge commit `head` that differ from every parent (a conflict resolution, an evil merge), from the
 * working state. `unnoted`: paths whose AI lines the merge took as some parent has them; they stay pending.
 */
async function mergeProvenance(
  repo: Repo,
  state: WorkingState,
  head: string,
  parents: readonly string[],
  config: CompiledConfig,
  report: (line: string) => void,
): Promise<{ files: CommitFileProvenance[]; unnoted: Set<string> }> {
  const paths = new Set(await state.paths());
  const unnoted = new Set<string>();
  // The parents' notes carried through each parent's diff to the merge (as after a rebase): a person's edit of a line
  // a parent's note names AI is mixed in the resolution. Loaded here, as for post-rewrite.
  const { carriedOnto } = require('./rewriteCarry') as typeof import('./rewriteCarry');
  const notedP = carriedOnto(repo, new Map([[head, parents]]), { config, log: (line) => report(`ai-provenance: ${line}`) });
  notedP.catch(() => undefined);
  const perParent = await Promise.all(parents.map((p) => commitChanges(repo, p, head)));
  const [first, ...others] = perParent;
  const noted = new Map<string, (LineProvenance | undefined)[]>();
  // Where parents' notes disagree on a line, the first parent's (the branch merged into) speaks.
  for (const files of (await notedP).get(head) ?? []) {
    for (const f of files) {
      if (f.runs.length === 0) continue;
      const lines = noted.get(f.path) ?? [];
      expandRuns(f).forEach((p, i) => (lines[i] ??= p));
      noted.set(f.path, lines);
    }
  }
  const changes = (first ?? []).filter((c) => !c.binary && !config.isIgnored(c.path) && c.addedCount > 0 && (paths.has(c.path) || noted.has(c.path)));
  const blobs = await readBlobs(repo, changes.filter((c) => paths.has(c.path)).map((c) => c.newBlob));
  const out: CommitFileProvenance[] = [];
  for (const c of changes) {
    const buf = blobs.get(c.newBlob);
    const recorded = buf ? await state.read(c.path, buf.toString('utf8')) : undefined;
    const prov = recorded && toLines(recorded);
    const fromNotes = noted.get(c.path);
    if (!prov && !fromNotes) continue;
    // A line is the merge's own when every parent's diff adds it; a path some parent has unchanged adds nothing.
    const addedBy = (ranges: readonly (readonly [number, number])[], i: number): boolean => ranges.some(([s, e]) => i >= s && i < e);
    const otherRanges = others.map((changesOf) => changesOf.find((x) => x.path === c.path)?.added ?? []);
    const b = new NoteRunsBuilder();
    let added = 0;
    for (const [s, e] of c.added) {
      for (let i = s; i < e; i++) {
        if (!otherRanges.every((r) => addedBy(r, i))) continue;
        added++;
        const p = prov?.[i]?.kind !== 'human' && prov?.[i] ? prov[i] : fromNotes?.[i];
        if (p && p.kind !== 'human' && p.attribution) b.add(i, i + 1, p.kind, p.attribution);
      }
    }
    const { attributions, runs } = b.done();
    if (prov?.some((p, i) => p.kind !== 'human' && !runs.some((r) => r.start === i))) unnoted.add(c.path);
    if (added > 0) out.push({ path: c.path, addedLines: added, attributions, runs });
  }
  return { files: out, unnoted };
}

/** Each line's provenance by a note's runs (undefined where no run names it). */
function expandRuns(note: NoteRuns): (LineProvenance | undefined)[] {
  const out: (LineProvenance | undefined)[] = [];
  for (const r of note.runs) for (let i = r.start; i < r.end; i++) out[i] = { kind: r.kind, attribution: note.attributions[r.id] };
  return out;
}

/** Provenance of commit `head` from the working state (the fallback when prepare-commit-msg's precomputation is missing). */
export async function committedProvenance(repo: Repo, state: WorkingState, head: string, config: CompiledConfig): Promise<CommitFileProvenance[]> {
  const parent = (await parentOf(repo, head)) ?? emptyTree(repo);
  const changes = (await commitChanges(repo, parent, head)).filter((c) => !c.binary && !config.isIgnored(c.path) && c.addedCount > 0);
  const paths = new Set(await state.paths());
  const blobs = await readBlobs(repo, changes.map((c) => c.newBlob));
  const out: CommitFileProvenance[] = [];
  for (const c of changes) {
    const from = paths.has(c.path) ? c.path : c.oldPath !== undefined && paths.has(c.oldPath) ? c.oldPath : undefined;
    const buf = blobs.get(c.newBlob);
    const prov = from !== undefined && buf ? await state.read(from, buf.toString('utf8')) : undefined;
    const b = new NoteRunsBuilder();
    if (prov) {
      for (const [s, e] of c.added) {
        const part = slice(prov, s, e);
        for (const r of part.runs) {
          for (let i = r.start; i < r.end; i++) b.add(s + i, s + i + 1, r.kind, part.attributions[r.id]!);
        }
      }
    }
    out.push({ path: c.path, addedLines: c.addedCount, ...b.done() });
  }
  return out;
}

export async function postRewrite(repo: Repo, kind: string, input: string, io: HookIO): Promise<number> {
  const groups = new Map<string, string[]>();
  for (const line of input.split('\n')) {
    const [oldId, newId] = line.trim().split(/\s+/);
    if (!oldId || !newId) continue;
    const g = groups.get(newId) ?? [];
    g.push(oldId);
    groups.set(newId, g);
  }
  if (groups.size === 0) return 0;
  const written = (await readOptional(path.join(scratchDir(repo), 'written')))?.trim();
  const amended = existsSync(path.join(scratchDir(repo), 'amended'));
  // post-commit already wrote this amend's note with HEAD's note folded in; what git copied onto it may still go.
  const folded = new Set(kind === 'amend' && written !== undefined && amended ? [written] : []);
  await carryNotes(repo, groups, await loadTeamConfig(repo, io.warn), io, folded);
  return 0;
}

/** Carries the replaced commits' notes onto the new commits of `rewrites`; the commits that got a note. */
export async function carryNotes(repo: Repo, rewrites: ReadonlyMap<string, readonly string[]>, config: CompiledConfig, io: HookIO, folded?: ReadonlySet<string>): Promise<string[]> {
  // Loaded here: the diff parsing and carrying it brings are needed by no other hook.
  const { carryRewrites } = require('./rewriteCarry') as typeof import('./rewriteCarry');
  return carryRewrites(repo, rewrites, { config, toolVersion: io.toolVersion, log: (line) => io.warn(`ai-provenance: ${line}`), ...(folded && { folded }) });
}

/**
 * Writes, into the scratch dir, each working-state entry this commit advances, as it is now and as it will be;
 * post-commit swaps them in if nothing changed in between. `protocol` is the layout the installed post-commit
 * script reads (HOOK_PROTOCOL); `token` the working state's generation token read before any entry was.
 */
async function precomputeAdvance(
  repo: Repo,
  state: WorkingState,
  scratch: string,
  detail: StagedDetail,
  protocol: number,
  token: string | undefined,
): Promise<void> {
  const paths = new Set(await state.paths());
  if (paths.size === 0) return;
  const names = new Map<string, string | undefined>();
  const repoPathOf = new Map<string, string>();
  for (const c of detail.changes) {
    const from = paths.has(c.path) ? c.path : c.oldPath !== undefined && paths.has(c.oldPath) ? c.oldPath : undefined;
    const blob = detail.blobs.get(c.newBlob);
    if (from === undefined || !blob) continue;
    const disk = readOptionalSync(fromRepoPath(repo, c.path));
    if (disk === undefined) continue;
    // The entry as stagedDetail anchored it, when the staged text is the file on disk (most commits): one anchoring.
    const staged = detail.anchored.get(from);
    const prov = staged?.text === disk ? staged.lines : await state.read(from, disk);
    if (!prov) continue;
    const next = advancedLines(disk, prov, blob.toString('utf8'));
    if (from === c.path && sameRuns(next, prov)) continue;
    if (from !== c.path) {
      names.set(path.basename(state.entryFile(from)), undefined);
      repoPathOf.set(path.basename(state.entryFile(from)), from);
    }
    names.set(path.basename(state.entryFile(c.path)), state.entryText(c.path, disk, next));
    repoPathOf.set(path.basename(state.entryFile(c.path)), c.path);
  }
  await pruneUntouched(repo, state, paths, detail.changes);
  if (names.size === 0) return;
  const dir = path.join(scratch, 'advance');
  mkdirSync(path.join(dir, 'after'), { recursive: true });
  for (const [name, after] of names) if (after !== undefined) writeFileSync(path.join(dir, 'after', name), after);
  writeFileSync(path.join(scratch, 'entries'), `${state.entriesDir()}\n`);
  if (protocol >= 3) {
    // Layout read by post-commit's shell: after/ (moved into place with one mv), deleted (names, a line each),
    // last (no entry of any worktree is left), generation (the token this was computed under). No token, or one
    // that moved while this ran (a prune above, another writer), leaves post-commit to redo the advance in Node.
    const deleted = [...names].filter(([, after]) => after === undefined).map(([name]) => name);
    if (deleted.length > 0) writeFileSync(path.join(dir, 'deleted'), `${deleted.join('\n')}\n`);
    const own = new Set([...paths].map((p) => path.basename(state.entryFile(p))));
    for (const [name, after] of names) {
      if (after === undefined) own.delete(name);
      else own.add(name);
    }
    if (own.size === 0 && !(await state.otherWorktreesHaveEntries())) writeFileSync(path.join(dir, 'last'), '');
    if (token !== undefined && (await state.generationToken()) === token) writeFileSync(path.join(dir, 'generation'), `${token}\n`);
    return;
  }
  // Scripts of an older install: protocol 2 reads list (per entry, in name order: `b`efore or `a`bsent, `w`ritten
  // or `d`eleted, name) and check (the before texts concatenated in that order); protocol 1 marker files in
  // before/ and absent/, and delete/.
  if (protocol < 2) for (const sub of ['before', 'absent', 'delete']) mkdirSync(path.join(dir, sub), { recursive: true });
  const sorted = [...names.keys()].sort();
  // The very texts the advance was computed from, so post-commit's comparison catches any change since.
  const befores = await Promise.all(sorted.map((name) => state.entryRaw(repoPathOf.get(name)!)));
  const list = sorted.map((name, i) => {
    const after = names.get(name);
    if (protocol < 2) {
      writeFileSync(path.join(dir, befores[i] === undefined ? 'absent' : 'before', name), '');
      if (after === undefined) writeFileSync(path.join(dir, 'delete', name), '');
    }
    return `${befores[i] === undefined ? 'a' : 'b'} ${after === undefined ? 'd' : 'w'} ${name}\n`;
  });
  if (protocol >= 2) writeFileSync(path.join(dir, 'list'), list.join(''));
  writeFileSync(path.join(dir, 'check'), befores.filter((b): b is string => b !== undefined).join(''));
}

/** Reads entries of files this commit does not touch against the disk, which deletes those whose AI lines are gone. */
async function pruneUntouched(repo: Repo, state: WorkingState, paths: ReadonlySet<string>, changes: readonly { path: string; oldPath?: string }[]): Promise<void> {
  const touched = new Set(changes.flatMap((c) => (c.oldPath !== undefined ? [c.path, c.oldPath] : [c.path])));
  const gone: string[] = [];
  for (const p of paths) {
    if (touched.has(p)) continue;
    const disk = readOptionalSync(fromRepoPath(repo, p));
    if (disk !== undefined) await state.read(p, disk);
    else gone.push(p);
  }
  // Only where a file is gone does this start git.
  if (gone.length > 0) await forgetOrphans(repo, state, gone);
}

/** Moves committed lines out of the working state (post-commit fallback), against HEAD's version of each file. */
export async function advanceState(repo: Repo, state: WorkingState, head: string, keep: ReadonlySet<string> = new Set()): Promise<void> {
  const paths = (await state.paths()).filter((p) => !keep.has(p));
  if (paths.length === 0) return;
  const ids = await treeBlobs(repo, head, paths);
  const blobs = await readBlobs(repo, [...ids.values()]);
  for (const p of paths) {
    const id = ids.get(p);
    const committed = id ? blobs.get(id)?.toString('utf8') : undefined;
    const disk = await readOptional(fromRepoPath(repo, p));
    if (disk === undefined) continue;
    // Not in HEAD: reading it still deletes the entry when its AI lines are gone from the file.
    if (committed === undefined) {
      await state.read(p, disk);
      continue;
    }
    await state.update(p, disk, (cur) => advancedLines(disk, cur, committed));
  }
}

/** At a `rebase -i` edit stop HEAD is the replayed commit, whose note is only carried at the end: use the original's. */
async function rebaseStopOriginal(repo: Repo): Promise<string[]> {
  const stopped = (await readOptional(path.join(repo.gitDir, 'rebase-merge', 'stopped-sha')))?.trim();
  if (!stopped) return [];
  const r = await git(['rev-parse', '-q', '--verify', `${stopped}^{commit}`], { cwd: repo.root, okCodes: [1, 128] });
  return r.exitCode === 0 ? [r.stdout.trim()] : [];
}

/** What a commit finishes that git prepared: a merge, or the commits whose AI lines it brings in. */
interface Finishing {
  readonly merge: boolean;
  /** Commits whose notes are carried (a squash's commits, a cherry-picked commit). */
  readonly sources: readonly string[];
  /** The parent of a reverted commit: the lines a revert restores are attributed as they were there. */
  readonly restoredFrom?: string;
}

/**
 * What git is in the middle of, from the files it keeps in the git dir rather than the hook's arguments: with -m or
 * -F git passes `message` whatever it prepared.
 */
async function finishing(repo: Repo, msgFile: string, source: string): Promise<Finishing> {
  const gitFile = (name: string): Promise<string | undefined> => readOptional(path.join(repo.gitDir, name));
  if (existsSync(path.join(repo.gitDir, 'MERGE_HEAD')) || (source === 'merge' && path.basename(msgFile) === 'MERGE_MSG')) return { merge: true, sources: [] };
  const [squash, picked, reverted, prepared] = await Promise.all([gitFile('SQUASH_MSG'), gitFile('CHERRY_PICK_HEAD'), gitFile('REVERT_HEAD'), gitFile('MERGE_MSG')]);
  const sources = squashMsgSources(squash);
  if (picked?.trim()) sources.push(picked.trim());
  let revert = reverted?.trim();
  if (!revert && !picked && prepared !== undefined) {
    // A clean revert leaves only the message it prepared; `cherry-pick -n` leaves the picked commit's message.
    revert = /^This reverts commit ([0-9a-f]{40,64})\b/m.exec(prepared)?.[1];
    if (!revert) sources.push(...(await commitsWithMessage(repo, prepared)));
  }
  const restoredFrom = revert ? await parentOf(repo, revert) : undefined;
  return { merge: false, sources, ...(restoredFrom ? { restoredFrom } : {}) };
}

/** Commits with a note whose message is `prepared` (comment lines aside): what `cherry-pick -n` picked. */
async function commitsWithMessage(repo: Repo, prepared: string): Promise<string[]> {
  const clean = (m: string): string => m.split('\n').filter((l) => !l.startsWith('#')).map((l) => l.trimEnd()).join('\n').trim();
  const wanted = clean(prepared);
  const subject = wanted.split('\n')[0];
  if (!subject) return [];
  const noted = await listNotes(repo);
  if (noted.size === 0) return [];
  const r = await git(['log', '--all', '--fixed-strings', `--grep=${subject}`, '--format=%H%x01%B%x00'], { cwd: repo.root, okCodes: [128] });
  const out: string[] = [];
  for (const rec of r.stdout.split('\0')) {
    const [id, body] = rec.replace(/^\n/, '').split('\x01');
    if (id && body !== undefined && noted.has(id) && clean(body) === wanted) out.push(id);
  }
  // The same message on many commits says nothing about which one was picked.
  return out.length <= 3 ? out : [];
}

/** The commits a `merge --squash` brings in, as listed in SQUASH_MSG. */
function squashMsgSources(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(/^commit ([0-9a-f]{40,64})$/gm)].map((m) => m[1]!);
}

/** The original commits a `rebase -i` squash/fixup chain combines: HEAD's original and the fixups so far. */
async function squashSources(repo: Repo): Promise<string[]> {
  const dir = path.join(repo.gitDir, 'rebase-merge');
  const ids: string[] = [];
  for (const f of ['current-fixups', 'rewritten-pending', 'rewritten-list']) {
    const text = await readOptional(path.join(dir, f));
    for (const m of (text ?? '').matchAll(/\b[0-9a-f]{40,64}\b/g)) ids.push(m[0]);
  }
  // Short ids in current-fixups are resolved by git itself.
  const text = await readOptional(path.join(dir, 'current-fixups'));
  for (const m of (text ?? '').matchAll(/^\S+ ([0-9a-f]{4,39})$/gm)) {
    const r = await git(['rev-parse', '-q', '--verify', `${m[1]}^{commit}`], { cwd: repo.root, okCodes: [1, 128] });
    if (r.exitCode === 0) ids.push(r.stdout.trim());
  }
  return [...new Set(ids)];
}

export function hasContent(message: string, commentChar: string): boolean {
  return message.split('\n').some((l) => l.trim() !== '' && !l.startsWith(commentChar));
}

function hasOwnTrailers(message: string, commentChar: string): boolean {
  return applyTrailers(message, [], { commentChar }) !== message;
}

function stripOwnTrailers(message: string): string {
  const own = new RegExp(`^(${OWNED_TOKENS.join('|')}):.*\\n?`, 'gim');
  return message.replace(own, '').replace(/\n{3,}/g, '\n\n').replace(/\n+$/, '\n');
}

/** Whether the `git commit` that runs this hook was given `--amend` (git passes no sign of it with `-m`). */
export async function parentCommandHasAmend(): Promise<boolean> {
  return (await parentGitArgs('commit'))?.includes('--amend') ?? false;
}

/** The comment character, read from git's own template in the message when it is there (saves a git process). */
export async function commentCharFor(repo: Repo, message: string): Promise<string> {
  const shown = /^(\S) Please enter the commit message/m.exec(message);
  if (shown) return shown[1]!;
  // Without git's template (`-m`, `-F`) there are no comment lines unless some line starts with punctuation.
  if (!/^[^\p{L}\p{N}\s]/mu.test(message)) return '#';
  return commentCharOf(repo);
}

async function commentCharOf(repo: Repo): Promise<string> {
  const r = await git(['config', '--get', 'core.commentChar'], { cwd: repo.root, okCodes: [1] });
  const c = r.stdout.trim();
  return c === '' || c === 'auto' ? '#' : c;
}

async function authorIdentity(repo: Repo): Promise<{ name?: string; email: string }> {
  const r = await git(['var', 'GIT_AUTHOR_IDENT'], { cwd: repo.root, okCodes: [128] });
  const m = /^(.*?)\s*<([^>]*)>/.exec(r.stdout);
  return m ? { name: m[1], email: m[2]! } : { email: '' };
}


