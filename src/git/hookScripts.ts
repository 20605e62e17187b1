// Our git hooks, put together from the POSIX sh files of src/git/hooks (bundled as text by scripts/build.mjs). They
// decide without Node when there is nothing to do, and start Node at most once per commit: prepare-commit-msg's Node
// run precomputes what commit-msg and post-commit need.
import { NON_DELIVERABLE_DOMAIN, OWNED_TOKENS, UNJUDGED_TOKEN } from '../core/trailers';
import { DIFF_FLAGS, PRECOMPUTED_END } from './diff';
import { NOTES_REF, SYNCING_ENV, trackingRef } from './notes';
import { CONFIG_FILE } from '../core/names';
import PRELUDE_SH from './hooks/prelude.sh';
import OUR_LINE_SH from './hooks/our-line.sh';
import PREPARE_SH from './hooks/prepare-commit-msg.sh';
import COMMIT_MSG_SH from './hooks/commit-msg.sh';
import POST_COMMIT_SH from './hooks/post-commit.sh';
import POST_REWRITE_SH from './hooks/post-rewrite.sh';
import PRE_PUSH_SH from './hooks/pre-push.sh';
import REFERENCE_TRANSACTION_SH from './hooks/reference-transaction.sh';

/** Exit status of `_hook commit-msg` for a real policy violation; anything else lets the commit through. */
export const BLOCK_EXIT = 10;
/**
 * The layout of prepare-commit-msg's precomputation these scripts read, passed to Node: scripts installed by an
 * older version (without it) still get the layout they read after the package is upgraded.
* 4: when Node cannot judge the commit it writes why into `failed` (and `may-block` where a block rule may apply) and
 *    prints nothing: commit-msg refuses, or post-commit prints the one line (3 and before: Node prints it).
 * 3: the advance is checked by the working state's generation token and lists the entries it deletes (2: one `list`
 *    file of every entry with their texts concatenated in `check`; 1: marker files in before/, absent/, delete/).
 */
export const HOOK_PROTOCOL = 4;

/** Where hooks that could not do their part leave what the next hook that can must catch up on (in the per-worktree git dir). */
export const CATCH_UP_FILE = 'ai-provenance-unjudged';

// The lines a commit whose AI lines cannot be judged may get, shared by the shell (where `why` is a variable: no
// double quote, backslash, dollar or backquote in the fixed text) and Node.
/** Printed once for a commit made without its AI lines judged. */
export function unjudgedLine(why: string): string {
  return `ai-provenance: this commit's AI lines were not judged (${why}); it carries an ${UNJUDGED_TOKEN} trailer that 'ai-provenance check' reports, and its recorded AI lines are kept for the next commit that can judge them`;
}

/** The refusal, when a block rule may apply to a commit that cannot be judged; `message` names the kept message file. */
export function unjudgedRefusal(why: string, message: string): string {
  return `ai-provenance: commit refused: the block rules of .ai-provenance.json cannot be checked (${why}); fix that and commit again (git commit -e -F ${message}), or commit with --no-verify and 'ai-provenance check' reports the commit as unjudged`;
}

/** Printed when post-commit or post-rewrite could not write the notes of commits already made. */
export function notesLaterLine(why: string): string {
  return `ai-provenance: the notes of this change could not be written (${why}); the recorded AI lines are kept and the next commit's hook writes them`;
}
/**
 * Stands for the commit id in the precomputed note until post-commit knows it. The note cannot be finished in Node:
 * its one Node run is prepare-commit-msg's, before the commit exists (its id hashes the message, which the editor and
 * commit-msg may still change, and the committer's time, which git sets only when it writes the commit), and a Node
 * start in post-commit would cost every AI commit a second start-up (issue 16's budget is one). The Agent Trace record
 * names its commit (`vcs.revision`), so the shell puts the id in: a builtin substitution, or sed for a long note.
 */
export const REVISION_PLACEHOLDER = '@AI_PROVENANCE_REVISION@';

export type GitHookName = 'prepare-commit-msg' | 'commit-msg' | 'post-commit' | 'post-rewrite' | 'pre-push' | 'reference-transaction';

/** Marks every file we generate, so install recognises its own work and never chains to itself. */
export const MANAGED_MARKER = '# ai-provenance-managed-hook';

/**
 * In the per-worktree git dir, `<this name>.<pid of git push>`: `<pid> <remote>` then `<commit> <remote ref>` for each
 * ref pushed. pre-push writes it, and the reference-transaction hook of the same `git push` publishes their notes once
 * git moved a remote-tracking branch to one of them (the server took it). Hooks of an earlier version write one file
 * of this name, without the pid, for every push.
 */
export const PUSH_PENDING_FILE = 'ai-provenance-push';

/** Names the git push whose reference-transaction hook starts Node, so Node reads that push's file. */
export const PUSH_PID_ENV = 'AI_PROVENANCE_PUSH_PID';

/** Set when the reference-transaction hook's shell pushed the clone's notes as they are and the server refused them. */
export const NOTES_REFUSED_ENV = 'AI_PROVENANCE_NOTES_REFUSED';

/** Said when a git push published the notes of `count` commits (`plural`: `s` or nothing), by Node or the shell. */
export function pushedNotesLine(count: string, plural: string, remote: string): string {
  return `ai-provenance: pushed the notes of ${count} commit${plural} to ${remote}`;
}

/** The message of the notes commit (and reflog entry) that joins back notes a fetch had overwritten. */
export function rejoinedNotesMessage(by: string): string {
  return `Notes a fetch had overwritten, joined back by ${by}`;
}

/** Who joins them back within the fetch that overwrote them (no double quote, backslash, dollar or backquote). */
export const AFTER_FETCH_BY = "'ai-provenance' after a fetch";

/**
 * In the common git dir's ai-provenance folder: `<notes commit> <pruned|deleted> <packed|whole> <pid of git>`, what the
 * clone's notes ref held when a prepared transaction was about to delete it. The reference-transaction hook writes it
 * (temp file and rename) and settles it once the deletion is committed: a pruning fetch's is undone, any other's said.
 */
export const DELETED_NOTES_FILE = 'deleted-notes';

/** The reflog message of the notes ref put back after a pruning fetch deleted it. */
export const RESTORED_NOTES_MESSAGE = "Put back by 'ai-provenance' after a pruning fetch deleted it";

/** Said when a pruning fetch deleted the notes ref and the hook put it back at `at` (no double quote, backslash, dollar or backquote). */
export function restoredNotesLine(at: string): string {
  return `ai-provenance: this fetch pruned ${NOTES_REF} (the remote has none, and a +refs/notes/* refspec maps it there); put back at ${at}, no note is lost`;
}

/** Said when something other than a fetch deleted the notes ref, which held `id`: how to have its notes back. */
export function deletedNotesLine(id: string): string {
  return `ai-provenance: ${NOTES_REF} was deleted; it held ${id} ('git update-ref ${NOTES_REF} ${id}' brings its notes back)`;
}

/** From this git on, git runs the reference-transaction hook. */
const REFERENCE_TRANSACTION_GIT: readonly [number, number] = [2, 28];

export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Where git put a file of the per-worktree git dir for this hook, so the prelude can find the dirs without running git. */
const GIT_DIR_HINT: Record<GitHookName, string> = {
  'prepare-commit-msg': '${1-}',
  'commit-msg': '${1-}',
  'post-commit': '${GIT_INDEX_FILE-}',
  // Hooks run at the top of the working tree: its .git (a folder; a linked worktree's file makes the prelude ask git).
  'post-rewrite': '${GIT_DIR:-.git}/HEAD',
  'pre-push': '${GIT_DIR:-.git}/HEAD',
  // The wrapper found the git dir (ap_gd) to read the pending push there.
  'reference-transaction': `\${ap_gd-}/${PUSH_PENDING_FILE}`,
};

/** `abc-d` as the glob `[Aa][Bb][Cc]-[Dd]`: the shell's case matches it in any letter case. */
function anyCase(s: string): string {
  return s.replace(/[a-z]/gi, (c) => `[${c.toUpperCase()}${c.toLowerCase()}]`);
}

/**
 * The white space of a line in an awk bracket expression, as string escapes `awk -v` turns into the characters: a
 * class such as `[:space:]` is unknown to mawk 1.3.3 (Debian's awk until 2020).
 */
const AWK_SPACE = ' \\t\\r\\v\\f';

/**
 * Lines (lower-cased) holding one of our trailers as ap_our_line reads them, as an awk ERE passed with `awk -v`,
 * which reads backslashes as string escapes: its only ones are AWK_SPACE's.
 */
const OURS_ERE = `^(${OWNED_TOKENS.map((t) => t.toLowerCase()).join('|')}):|^co-authored-by:.*<[^<>@${AWK_SPACE}]+@${NON_DELIVERABLE_DOMAIN.replace(/\./g, '[.]')}>[${AWK_SPACE}]*$`;

/** The .sh files each hook is made of, in order (src/git/hooks/README.md says what each holds). */
const PARTS: Record<GitHookName, readonly string[]> = {
  'prepare-commit-msg': [PRELUDE_SH, OUR_LINE_SH, PREPARE_SH],
  'commit-msg': [PRELUDE_SH, OUR_LINE_SH, COMMIT_MSG_SH],
  'post-commit': [PRELUDE_SH, POST_COMMIT_SH],
  'post-rewrite': [PRELUDE_SH, POST_REWRITE_SH],
  'pre-push': [PRELUDE_SH, PRE_PUSH_SH],
  'reference-transaction': [PRELUDE_SH, REFERENCE_TRANSACTION_SH],
};

/** What each `@@NAME@@` of the .sh files stands for in hook `name`: the values the TypeScript side shares with them. */
function placeholders(name: GitHookName, cliPath: string): Record<string, string> {
  const message = '${ap_gitdir#"$PWD"/}/COMMIT_EDITMSG';
  return {
    HOOK: name,
    CLI: shQuote(cliPath),
    GIT_DIR_HINT: GIT_DIR_HINT[name],
    NOTES_REF,
    CATCH_UP_FILE,
    HOOK_PROTOCOL: String(HOOK_PROTOCOL),
    OUR_TOKENS: OWNED_TOKENS.map((t) => `${anyCase(t)}:*`).join(' | '),
    OUR_CO_AUTHOR: `${anyCase('co-authored-by')}:*"@"${anyCase(NON_DELIVERABLE_DOMAIN)}">"`,
    OUR_DOMAIN: anyCase(NON_DELIVERABLE_DOMAIN),
    OURS_ERE,
    UNJUDGED_TOKEN,
    CONFIG_FILE: shQuote(CONFIG_FILE),
    DIFF_FLAGS: DIFF_FLAGS.join(' '),
    PRECOMPUTED_END,
    BLOCK_EXIT: String(BLOCK_EXIT),
    REVISION_PLACEHOLDER,
    SYNCING: `\${${SYNCING_ENV}-}`,
    SYNCING_ENV,
    TRACKING_REF: trackingRef('$ap_remote'),
    PUSHED_LINE: pushedNotesLine('$ap_n', '$ap_s', '$ap_remote'),
    REJOINED_MESSAGE: rejoinedNotesMessage(AFTER_FETCH_BY),
    DELETED_NOTES_FILE,
    RESTORED_NOTES_MESSAGE,
    RESTORED_LINE: restoredNotesLine('$ap_short'),
    DELETED_LINE: deletedNotesLine('$ap_v'),
    UNJUDGED_LINE: unjudgedLine('$ap_why'),
    UNJUDGED_REFUSAL: unjudgedRefusal('$ap_why', message),
    NOTES_LATER_LINE: notesLaterLine('$ap_why'),
    MANAGED_MARKER,
    PUSH_PENDING_FILE,
    PUSH_PID_ENV,
    NOTES_REFUSED_ENV,
    AFTER_PUSH_GIT_MAJOR: String(REFERENCE_TRANSACTION_GIT[0]),
    AFTER_PUSH_GIT_MINOR: String(REFERENCE_TRANSACTION_GIT[1]),
  };
}

/** The .sh files (their text, placeholders unfilled) hook `name` is made of: shellcheck's test sees every one used. */
export function hookParts(name: GitHookName): readonly string[] {
  return PARTS[name];
}

/** The POSIX sh body `install` places for hook `name`; `cliPath` is the bundled CLI (dist/cli.js) it falls back to. */
export function hookScript(name: string, cliPath: string): string {
  if (!Object.hasOwn(PARTS, name)) throw new Error(`no ai-provenance git hook named '${name}'`);
  const values = placeholders(name as GitHookName, cliPath);
  // Each part ends with its last line's newline; a blank line between parts keeps them apart in the hook.
  return PARTS[name as GitHookName].join('\n').replace(/@@([A-Z_]+)@@/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`hook ${name}: no value for @@${key}@@`);
    return value;
  });
}
