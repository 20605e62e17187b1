// The POSIX sh bodies of our git hooks. They decide without Node when there is nothing to do, and start Node at
// most once per commit: prepare-commit-msg's Node run precomputes what commit-msg and post-commit need.
import { NON_DELIVERABLE_DOMAIN, OWNED_TOKENS, UNJUDGED_TOKEN } from '../core/trailers';
import { DIFF_FLAGS, PRECOMPUTED_END } from './diff';
import { NOTES_REF, SYNCING_ENV } from './notes';
import { CONFIG_FILE } from '../core/names';

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
/** Stands for the commit id in the precomputed note until post-commit knows it. */
export const REVISION_PLACEHOLDER = '@AI_PROVENANCE_REVISION@';

export type GitHookName = 'prepare-commit-msg' | 'commit-msg' | 'post-commit' | 'post-rewrite' | 'pre-push';

export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Where git put a file of the per-worktree git dir for this hook, so the prelude can find the dirs without running git. */
const GIT_DIR_HINT: Record<GitHookName, string> = {
  'prepare-commit-msg': '${1-}',
  'commit-msg': '${1-}',
  'post-commit': '${GIT_INDEX_FILE-}',
  'post-rewrite': '',
  'pre-push': '',
};

const PRELUDE = (name: GitHookName, cliPath: string): string => `#!/bin/sh
# ai-provenance ${name} hook. A failure of its own prints one line per commit, keeps the recorded AI lines, and marks
# the commit for 'ai-provenance check'; it stops the commit only where a block rule may apply.
ap_hook=${name}
ap_cli=${shQuote(cliPath)}
[ -n "\${AI_PROVENANCE_CLI-}" ] && ap_cli=$AI_PROVENANCE_CLI
ap_node=\${AI_PROVENANCE_NODE:-node}
ap_nl='
'
ap_hint="${GIT_DIR_HINT[name]}"
ap_gitdir=
case $ap_hint in */*) ap_gitdir=\${ap_hint%/*} ;; esac
case $ap_gitdir in '' | /*) ;; *) ap_gitdir=$PWD/$ap_gitdir ;; esac
if [ -n "$ap_gitdir" ] && [ -f "$ap_gitdir/HEAD" ]; then
  # A linked worktree's git dir names the shared one in its commondir file.
  if [ -f "$ap_gitdir/commondir" ]; then
    read -r ap_common < "$ap_gitdir/commondir" || exit 0
    case $ap_common in /*) ;; *) ap_common=$ap_gitdir/$ap_common ;; esac
  else
    ap_common=$ap_gitdir
  fi
else
  ap_dirs=$(git rev-parse --absolute-git-dir --git-common-dir 2>/dev/null) || exit 0
  ap_gitdir=\${ap_dirs%%"$ap_nl"*}
  ap_common=\${ap_dirs#*"$ap_nl"}
  # A path with a line break in it: one question at a time.
  case $ap_common in *"$ap_nl"*)
    ap_gitdir=$(git rev-parse --absolute-git-dir 2>/dev/null) || exit 0
    ap_common=$(git rev-parse --git-common-dir 2>/dev/null) || exit 0 ;;
  esac
  case $ap_common in /*) ;; *) ap_common=$PWD/$ap_common ;; esac
fi
ap_state=$ap_common/ai-provenance
ap_scratch=$ap_gitdir/ai-provenance-commit
ap_notes=${NOTES_REF}
# Set where Node's stdin carries prepare-commit-msg's precomputed git answers.
ap_precomputed=
# Why Node could not run, when ap_run returns 127.
ap_why=

# What the hooks write in the git dir is theirs: a symlink planted in its place is removed, never written through.
ap_plain() { [ ! -L "$1" ] || rm -f -- "$1"; }
ap_plain "$ap_scratch"
# Empties a marker (they count only when non-empty) with a shell builtin.
ap_empty() { [ -s "$1" ] || return 0; ap_plain "$1"; : > "$1"; }
# Prints a line to stderr with control characters shown, not acted on (they may come from a path or an error).
ap_say() { printf '%s\\n' "$1" | LC_ALL=C tr '\\000-\\010\\013-\\037\\177' '?' >&2; }
# Leaves a line for the next Node run that can catch up on what this hook could not do.
ap_catch_up() {
  ap_plain "$ap_gitdir/${CATCH_UP_FILE}"
  printf '%s\\n' "$1" >> "$ap_gitdir/${CATCH_UP_FILE}"
}

# Whether Node and the CLI are there; sets ap_why when not.
ap_can_run() {
  if ! command -v "$ap_node" >/dev/null 2>&1; then
    ap_why="node ('$ap_node') not found on PATH"
    return 1
  fi
  if [ ! -f "$ap_cli" ]; then
    ap_why="$ap_cli not found; reinstall with 'ai-provenance install'"
    return 1
  fi
}

ap_run() {
  ap_can_run || return 127
  # The hook opens no TLS connection: a certificate bundle named in NODE_EXTRA_CA_CERTS would only be parsed at
  # Node's start-up (tens of ms for a system bundle). The launcher hands the value back to the processes it starts.
  AI_PROVENANCE_EXTRA_CA_CERTS=\${NODE_EXTRA_CA_CERTS-} NODE_EXTRA_CA_CERTS= AI_PROVENANCE_GIT_DIR=$ap_gitdir AI_PROVENANCE_COMMON_DIR=$ap_common AI_PROVENANCE_HOOK_PROTOCOL=${HOOK_PROTOCOL} AI_PROVENANCE_PRECOMPUTED=$ap_precomputed "$ap_node" "$ap_cli" _hook "$ap_hook" "$@"
}

ap_has_notes() {
  git rev-parse -q --verify "$ap_notes" >/dev/null 2>&1
}

# git replays existing commits during a rebase (prepare-commit-msg recomputes only a squash's trailers).
ap_rebasing() {
  if [ -d "$ap_gitdir/rebase-merge" ]; then
    [ -e "$ap_gitdir/rebase-merge/amend" ] && [ ! -e "$ap_gitdir/CHERRY_PICK_HEAD" ] && return 1
    return 0
  fi
  [ -d "$ap_gitdir/rebase-apply" ]
}

# git replays existing commits (their messages and notes exist already) during cherry-pick and rebase.
ap_replaying() {
  [ -d "$ap_gitdir/rebase-merge" ] || [ -d "$ap_gitdir/rebase-apply" ] && { ap_rebasing; return; }
  [ -e "$ap_gitdir/CHERRY_PICK_HEAD" ] || [ -e "$ap_gitdir/REVERT_HEAD" ] && return 0
  # A clean revert leaves only the MERGE_MSG it prepared; a real merge also has MERGE_HEAD.
  [ -e "$ap_gitdir/MERGE_MSG" ] && [ ! -e "$ap_gitdir/MERGE_HEAD" ]
}
`;

/** `abc-d` as the glob `[Aa][Bb][Cc]-[Dd]`: the shell's case matches it in any letter case. */
function anyCase(s: string): string {
  return s.replace(/[a-z]/gi, (c) => `[${c.toUpperCase()}${c.toLowerCase()}]`);
}

/** One of our trailer lines, as the awk ERE below but with the shell's case (no process to start). */
const OUR_LINE = `
# Whether line $1 is one of our trailers (our tokens in any letter case, or a Co-authored-by of ours); builtins only.
ap_our_line() {
  case $1 in
    ${OWNED_TOKENS.map((t) => `${anyCase(t)}:*`).join(' | ')}) return 0 ;;
    ${anyCase('co-authored-by')}:*"@"${anyCase(NON_DELIVERABLE_DOMAIN)}">"*) return 0 ;;
  esac
  return 1
}
`;

const PREPARE = `${OUR_LINE}
# git passes no sign of --amend with -m: look for it on the command lines of our parent processes.
ap_is_amend() {
  ap_p=$PPID
  for ap_i in 1 2 3 4; do
    if [ -r "/proc/$ap_p/cmdline" ]; then
      # The shell's read drops the NULs between the arguments ("gitcommit--amend…"): no process to start. Each read
      # stops at a newline (a multi-line -m message), so the lines are joined. A message that mentions --amend only
      # costs a Node run, which reads the arguments exactly.
      ap_args=
      while IFS= read -r ap_l || [ -n "$ap_l" ]; do ap_args="$ap_args $ap_l"; done 2>/dev/null < "/proc/$ap_p/cmdline"
      case $ap_args in *--amend*) return 0 ;; *gitcommit*) return 1 ;; esac
      # Only now the parent's id: the shell reads a file a byte at a time, and stat is a few hundred bytes.
      read -r ap_x ap_x ap_x ap_pp ap_x < "/proc/$ap_p/stat" 2>/dev/null || ap_pp=1
    else
      ap_args=" $(ps -o args= -p "$ap_p" 2>/dev/null)"
      ap_pp=$(ps -o ppid= -p "$ap_p" 2>/dev/null) || ap_pp=1
      case $ap_args in *" --amend "* | *" --amend") return 0 ;; *" commit "* | *" commit") return 1 ;; esac
    fi
    ap_p=$ap_pp
    [ "$ap_p" -gt 1 ] 2>/dev/null || return 1
  done
  return 1
}

# Whether the message has a line starting with one of our trailer tokens; builtins only, as most messages have none.
ap_has_our_trailers() {
  [ -s "$1" ] || return 1
  while IFS= read -r ap_l || [ -n "$ap_l" ]; do
    ap_our_line "$ap_l" && return 0
  done < "$1"
  return 1
}

# The commit cannot be judged (ap_why says why): the message gets an ${UNJUDGED_TOKEN} trailer for 'ai-provenance check',
# the working state stays as it is for the next hook that can run to catch up on, and commit-msg (refusing where a
# block rule may apply) or post-commit prints the one line.
ap_unjudged() {
  [ -n "$ap_why" ] || ap_why='the ai-provenance CLI failed'
  git interpret-trailers --in-place --trailer "${UNJUDGED_TOKEN}: $ap_why" "$ap_msg" 2>/dev/null
  # As git commit -s does on an empty message: line 1 stays free for the subject, a blank line before the trailer.
  { IFS= read -r ap_l1; IFS= read -r ap_l2; } < "$ap_msg"
  if [ -z "$ap_l1" ]; then
    case $ap_l2 in ${UNJUDGED_TOKEN}:*)
      ap_plain "$ap_msg.ai-provenance"
      { echo; cat "$ap_msg"; } > "$ap_msg.ai-provenance" && mv -f "$ap_msg.ai-provenance" "$ap_msg" ;;
    esac
  fi
  [ -d "$ap_scratch" ] || mkdir -p "$ap_scratch"
  ap_plain "$ap_scratch/failed"
  printf '%s\\n' "$ap_why" > "$ap_scratch/failed"
  # Without Node, any block rule in the config may apply.
  if [ -f ${shQuote(CONFIG_FILE)} ] && grep -q '"block"' ${shQuote(CONFIG_FILE)} 2>/dev/null; then
    ap_plain "$ap_scratch/may-block"
    echo block > "$ap_scratch/may-block"
  fi
  ap_catch_up "after $(git rev-parse -q --verify HEAD 2>/dev/null)"
}

# Sets ap_h to HEAD's commit id, from the files git keeps (a process only for a packed ref).
ap_head_id() {
  IFS= read -r ap_h < "$ap_gitdir/HEAD" || return 1
  case $ap_h in
    'ref: '*)
      ap_ref=\${ap_h#ref: }
      if [ -f "$ap_common/$ap_ref" ]; then IFS= read -r ap_h < "$ap_common/$ap_ref" || return 1
      else ap_h=$(git rev-parse -q --verify HEAD 2>/dev/null) || return 1; fi ;;
  esac
}

# Whether an agent announced an edit it never reported done (its snapshot waits): Node records it if the file holds
# exactly the announced result. A glob, no process.
# Whether entries wait aside while a stash holds their files, and the stash list changed since (a pop, a drop) or one
# of this worktree's files did since Node last looked (an apply, a pop that conflicted): Node then brings them back,
# or drops them. A glob, and one cmp and a test per file only while entries wait; a file as old as the mark counts.
ap_stashed() {
  for ap_f in "$ap_state"/stashed/*/*.json; do [ -e "$ap_f" ] || return 1; break; done
  cmp -s "$ap_common/logs/refs/stash" "$ap_state/stashed/log" 2>/dev/null || return 0
  ap_a=$ap_state/stashed/main
  [ -f "$ap_gitdir/commondir" ] && ap_a=$ap_state/stashed/\${ap_gitdir##*/}
  [ -f "$ap_a/checked" ] && [ -f "$ap_a/paths" ] || return 1
  while IFS= read -r ap_l; do
    [ -n "$ap_l" ] || return 0
    [ -e "$ap_l" ] && [ ! "$ap_l" -ot "$ap_a/checked" ] && return 0
  done < "$ap_a/paths"
  return 1
}

ap_announced() {
  for ap_f in "$ap_state"/snapshots/*.json; do [ -e "$ap_f" ] && return 0; break; done
  return 1
}

# Whether the staged change removes or changes lines of a file HEAD's note covers (post-commit wrote which): a person's
# edit of a committed AI line makes it mixed. One git process, and only right after a commit with AI lines.
ap_edits_noted() {
  [ -s "$ap_scratch/noted-paths" ] && IFS= read -r ap_n < "$ap_scratch/noted" && ap_head_id || return 1
  # After commits that started no Node the noted commit is an ancestor of HEAD, and its AI lines may still be there.
  [ "$ap_n" = "$ap_h" ] || LC_ALL=C GIT_OPTIONAL_LOCKS=0 git merge-base --is-ancestor "$ap_n" "$ap_h" 2>/dev/null || return 1
  set --
  # An empty first line stands for any file.
  while IFS= read -r ap_l; do [ -n "$ap_l" ] || { set --; break; }; set -- "$@" "$ap_l"; done < "$ap_scratch/noted-paths"
  LC_ALL=C GIT_OPTIONAL_LOCKS=0 git --literal-pathspecs diff-index --cached --numstat HEAD -- "$@" 2>/dev/null | {
    while read -r ap_a ap_d ap_x; do [ "$ap_d" = 0 ] || exit 0; done
    exit 1
  }
}

ap_msg=\${1-}
# Markers count only when non-empty, so emptying them (a shell builtin) retires the last commit's precomputation.
ap_empty "$ap_scratch/done"
ap_empty "$ap_scratch/failed"
ap_empty "$ap_scratch/may-block"
ap_empty "$ap_scratch/merging"
# A merge commit gets no trailers; post-commit notes its resolution. With -m or -F git says \`message\`, not \`merge\`.
ap_merging=
[ -e "$ap_gitdir/MERGE_HEAD" ] && ap_merging=1
case \${2-}:\${1-} in merge:*MERGE_MSG) ap_merging=1 ;; esac
if [ -n "$ap_merging" ]; then
  # With nothing pending, only the parents' notes can make a line of the resolution AI (a person's edit makes it mixed).
  if [ ! -e "$ap_state/pending" ] && ap_has_notes; then
    [ -d "$ap_scratch" ] || mkdir -p "$ap_scratch"
    ap_plain "$ap_scratch/merging"
    echo merge > "$ap_scratch/merging"
  fi
  exit 0
fi
if ap_rebasing; then
  # Replayed messages keep their trailers; only a rebase squash/fixup recomputes them from the notes.
  [ -e "$ap_gitdir/rebase-merge/current-fixups" ] && ap_has_notes && ap_run "$@"
  exit 0
fi
# git brings in existing commits (a squash, a cherry-pick, a revert), whatever the message's source: their notes say
# which of the lines are AI.
ap_carry=
if [ -e "$ap_gitdir/SQUASH_MSG" ] || [ -e "$ap_gitdir/CHERRY_PICK_HEAD" ] || [ -e "$ap_gitdir/REVERT_HEAD" ] || [ -e "$ap_gitdir/MERGE_MSG" ]; then
  ap_has_notes && ap_carry=1
fi
ap_judge=
[ -e "$ap_state/pending" ] || ap_announced || ap_stashed || ap_edits_noted && ap_judge=1
# With no AI lines pending, only Node could find some (a lost after-event, an edit of a committed AI line): without
# Node the commit is a person's and goes through as it is, never marked unjudged.
[ -n "$ap_judge" ] && [ ! -e "$ap_state/pending" ] && ! ap_can_run && ap_judge=
if [ -e "$ap_state/pending" ] && ! ap_can_run; then
  ap_unjudged
elif [ -n "$ap_judge" ]; then
  # git computes what Node needs while Node starts, on another core: the staged diff (on Node's stdin) and the tree
  # this commit will have (for post-commit's check; only when prepare-commit-msg finished its precomputation).
  ap_plain "$ap_scratch.tree"
  LC_ALL=C GIT_OPTIONAL_LOCKS=0 git write-tree > "$ap_scratch.tree" 2>/dev/null &
  ap_wt=$!
  {
    LC_ALL=C GIT_OPTIONAL_LOCKS=0 git diff-index --cached ${DIFF_FLAGS.join(' ')} HEAD -- 2>/dev/null
    printf '\\n${PRECOMPUTED_END} %s\\n' "$?"
  } 2>/dev/null | { ap_precomputed=1; ap_run "$@"; }
  ap_rc=$?
  if wait "$ap_wt" && [ -s "$ap_scratch/done" ] && read -r ap_tree < "$ap_scratch.tree"; then
    echo "$ap_tree" > "$ap_scratch/tree"
  elif [ ! -s "$ap_scratch/done" ] && [ ! -s "$ap_scratch/failed" ]; then
    # Node ended without finishing or saying why (it crashed, or was killed).
    ap_why="the ai-provenance CLI exited with status $ap_rc"
    ap_unjudged
  fi
elif [ -n "$ap_carry" ]; then
  ap_run "$@" || ap_unjudged
# Only an amend of a commit that has a note has anything to carry.
elif { [ "\${2-}" != commit ] || [ "\${3-}" = HEAD ]; } && ap_is_amend && git notes --ref="$ap_notes" list HEAD >/dev/null 2>&1; then
  ap_run "$@" || ap_unjudged
elif ap_has_our_trailers "$1"; then
  # A reused message (-C, -F, a template) may carry our trailers from another commit: Node takes out what is not true here.
  ap_run "$@" || ap_unjudged
fi
exit 0
`;

/** Lines (lower-cased) holding one of our trailers, as an awk ERE without backslashes (awk -v would read those as escapes). */
const OURS_ERE = `^(${OWNED_TOKENS.map((t) => t.toLowerCase()).join('|')}):|^co-authored-by:.*@${NON_DELIVERABLE_DOMAIN.replace(/\./g, '[.]')}>`;

const COMMIT_MSG = `${OUR_LINE}
ap_ours='${OURS_ERE}'

# Succeeds when every violated block rule precomputed by prepare-commit-msg has a sign-off from an allowed reviewer other than the author.
ap_signed_off() {
  ap_author=$(git var GIT_AUTHOR_IDENT 2>/dev/null) || return 1
  ap_author=\${ap_author#*<}
  ap_author=$(printf '%s' "\${ap_author%%>*}" | tr 'A-Z' 'a-z')
  ap_reviews=$(git interpret-trailers --parse --no-divider < "$1" 2>/dev/null | tr 'A-Z' 'a-z' | sed -n -e 's/^ai-reviewed-by: *\\(.*<\\)\\{0,1\\}\\([^<> ]*@[^<> ]*\\)>\\{0,1\\} *$/\\2/p')
  [ -n "$ap_reviews" ] || return 1
  # The sign-offs are split into words, never expanded as file names: a sign-off such as <*@example.com> must not
  # turn into the name of a file that happens to match it.
  set -f
  while IFS= read -r ap_allowed; do
    ap_ok=
    for ap_r in $ap_reviews; do
      [ "$ap_r" = "$ap_author" ] && continue
      case " $ap_allowed " in *" * "*|*" $ap_r "*) ap_ok=1 ;; esac
    done
    [ -n "$ap_ok" ] || { set +f; return 1; }
  done < "$ap_scratch/reviewers"
  set +f
  return 0
}

# Whether any line of the message starts with an AI-Reviewed-by token (in any case); builtins only.
ap_mentions_review() {
  while IFS= read -r ap_l || [ -n "$ap_l" ]; do
    case $ap_l in [Aa][Ii]-[Rr][Ee][Vv][Ii][Ee][Ww][Ee][Dd]-[Bb][Yy]*) return 0 ;; esac
  done < "$1"
  return 1
}

# Sets ap_cc to the comment character git strips after this hook.
ap_comment_char() {
  # prepare-commit-msg wrote the comment char it found; a git process less on every commit.
  if [ -s "$ap_scratch/commentchar" ]; then
    IFS= read -r ap_cc < "$ap_scratch/commentchar" || ap_cc='#'
  else
    ap_cc=$(git config core.commentChar 2>/dev/null) || ap_cc='#'
  fi
  case $ap_cc in auto | '') ap_cc='#' ;; esac
}

# True when the message holds nothing but our trailers, comments and blank lines (up to git's scissors line).
# ap_comment_char has set ap_cc.
ap_only_ours() {
  while IFS= read -r ap_l || [ -n "$ap_l" ]; do
    case $ap_l in
      "$ap_cc ------------------------ >8 ------------------------"*) return 0 ;;
      "$ap_cc"*) continue ;;
      # A line of white space only (git strips it as blank).
      *[![:space:]]*) ;;
      *) continue ;;
    esac
    ap_our_line "$ap_l" || return 1
  done < "$1"
  return 0
}

# A sign-off appended at the end of the editor buffer lands below git's comments, which git puts after a blank line:
# once git strips them, it is a paragraph of its own and our trailers above stop being trailers. When the last
# paragraph is only AI-Reviewed-by lines and the one before it a trailer block with ours, the sign-off lines move up
# under that block. The blank and comment lines between follow them, so that nothing is lost where git keeps comments
# (--cleanup=whitespace or verbatim); the message's text lines keep their order. Anything else is left byte for byte.
ap_join_review() {
  # The joined message is written only where there is something to join: no file and no process otherwise.
  ap_plain "$1.ai-provenance"
  awk -v cc="$ap_cc" -v ours="$ap_ours" -v out="$1.ai-provenance" '
    # c: comment, b: blank, t: text.
    function kind(s) {
      if (substr(s, 1, length(cc)) == cc) return "c"
      if (s ~ /^[ \t\r]*$/) return "b"
      return "t"
    }
    { line[NR] = $0 }
    END {
      n = NR
      # git ignores everything from its scissors line on.
      m = n
      for (i = 1; i <= n; i++) if (index(line[i], cc " ------------------------ >8 ------------------------") == 1) { m = i - 1; break }
      e = m
      while (e > 0 && kind(line[e]) != "t") e--
      if (e == 0) exit 1
      for (i = e; i > 0 && kind(line[i]) != "b"; i--) if (kind(line[i]) == "t" && tolower(line[i]) !~ /^ai-reviewed-by[ \t]*:/) exit 1
      if (i == 0) exit 1
      while (i > 0 && kind(line[i]) != "t") i--
      te = i
      if (te == 0) exit 1
      # Every text line of the paragraph above is a trailer or folds one; the first is a trailer; one is ours.
      own = 0
      top = 0
      for (i = te; i > 0 && kind(line[i]) != "b"; i--) {
        if (kind(line[i]) != "t") continue
        l = tolower(line[i])
        if (l ~ ours) own = 1
        else if (l !~ /^[a-z0-9-]+[ \t]*:/ && l !~ /^[ \t]/) exit 1
        top = i
      }
      if (!own || line[top] ~ /^[ \t]/) exit 1
      # The subject is never a trailer block: some text must come before it.
      while (i > 0 && kind(line[i]) != "t") i--
      if (i == 0) exit 1
      for (i = 1; i <= te; i++) print line[i] > out
      for (i = te + 1; i <= e; i++) if (kind(line[i]) == "t") print line[i] > out
      for (i = te + 1; i <= e; i++) if (kind(line[i]) != "t") print line[i] > out
      for (i = e + 1; i <= n; i++) print line[i] > out
      close(out)
      exit 0
    }' "$1" && [ -f "$1.ai-provenance" ] && mv -f "$1.ai-provenance" "$1"
}

# An editor that rewrote the whole message (no comment line of git's is left in it) took our trailers with it: they
# go back. A person who deletes them in the editor leaves git's comments, and the message is left as it is.
ap_restore_ours() {
  [ -s "$ap_scratch/trailers" ] || return 0
  ap_content=
  while IFS= read -r ap_l || [ -n "$ap_l" ]; do
    case $ap_l in
      "$ap_cc"*) return 0 ;;
      *[![:space:]]*) ap_our_line "$ap_l" && return 0; ap_content=1 ;;
    esac
  done < "$1"
  [ -n "$ap_content" ] || return 0
  ap_f=$1
  set --
  while IFS= read -r ap_l; do set -- "$@" --trailer "$ap_l"; done < "$ap_scratch/trailers"
  git -c trailer.separators=: interpret-trailers --in-place --no-divider --if-exists add "$@" "$ap_f" 2>/dev/null
  return 0
}

# Without our trailers the user left the message empty: take them out so that git aborts as it would without us.
ap_drop_ours_if_empty() {
  ap_only_ours "$1" || return 1
  ap_plain "$1.ai-provenance"
  awk -v ours="$ap_ours" 'tolower($0) ~ ours { next } { print }' "$1" > "$1.ai-provenance" && mv -f "$1.ai-provenance" "$1"
  return 0
}

if [ -s "$ap_scratch/failed" ]; then
  # prepare-commit-msg could not judge the commit: refused where a block rule may apply, else post-commit says so.
  ap_comment_char
  ap_drop_ours_if_empty "$1" && exit 0
  [ -s "$ap_scratch/may-block" ] || exit 0
  IFS= read -r ap_why < "$ap_scratch/failed"
  ap_say "${unjudgedRefusal('$ap_why', '${ap_gitdir#"$PWD"/}/COMMIT_EDITMSG')}"
  exit 1
fi
if [ -s "$ap_scratch/done" ]; then
  ap_comment_char
  ap_restore_ours "$1"
  # A block rule wants a sign-off (prepare-commit-msg listed its reviewers): it may sit below git's comments.
  [ -f "$ap_scratch/reviewers" ] && ap_join_review "$1"
  ap_drop_ours_if_empty "$1" && exit 0
  [ -f "$ap_scratch/reviewers" ] || exit 0
  ap_signed_off "$1" && exit 0
  # No sign-off line at all: the refusal prepare-commit-msg wrote says it all, and Node starts once per commit.
  if [ -s "$ap_scratch/refusal" ] && ! ap_mentions_review "$1"; then
    while IFS= read -r ap_l || [ -n "$ap_l" ]; do printf '%s\n' "$ap_l"; done < "$ap_scratch/refusal" >&2
    exit 1
  fi
elif [ ! -e "$ap_state/pending" ]; then
  exit 0
fi
ap_run "$@"
ap_rc=$?
[ $ap_rc -eq ${BLOCK_EXIT} ] && exit 1
if [ $ap_rc -ne 0 ] && grep -q '"block"' ${shQuote(CONFIG_FILE)} 2>/dev/null; then
  # Node could not run, or ended without a verdict, where a block rule may apply.
  [ -n "$ap_why" ] || ap_why="the ai-provenance CLI exited with status $ap_rc"
  ap_say "${unjudgedRefusal('$ap_why', '${ap_gitdir#"$PWD"/}/COMMIT_EDITMSG')}"
  exit 1
fi
exit 0
`;

const POST_COMMIT = `
ap_unlock() { rm -f "$ap_state/lock"; }

# Names the commit whose note covers the files in noted-paths: the next commit checks its edits against them.
ap_noted() {
  ap_plain "$ap_scratch/noted"
  echo "$ap_head" > "$ap_scratch/noted"
}

# Writes the precomputed note under the new commit id and swaps in the advanced working-state entries.
ap_apply() {
  read -r ap_tree < "$ap_scratch/tree" || return 1
  ap_ids=$(git rev-parse HEAD HEAD^{tree} 2>/dev/null) || return 1
  ap_head=\${ap_ids%%"$ap_nl"*}
  [ "\${ap_ids#*"$ap_nl"}" = "$ap_tree" ] || return 1
  if [ -f "$ap_scratch/note.inline" ] && [ ! -f "$ap_scratch/written" ]; then
    # A short note (prepare-commit-msg said so) is read and finished by the shell itself: one process less than sed.
    ap_note=
    while IFS= read -r ap_l || [ -n "$ap_l" ]; do ap_note="$ap_note$ap_l$ap_nl"; done < "$ap_scratch/note.json"
    case $ap_note in *"${REVISION_PLACEHOLDER}"*) ;; *) return 1 ;; esac
    git notes --ref="$ap_notes" add -f -F - "$ap_head" >/dev/null 2>&1 <<AP_NOTE || return 1
\${ap_note%%"${REVISION_PLACEHOLDER}"*}$ap_head\${ap_note#*"${REVISION_PLACEHOLDER}"}
AP_NOTE
    ap_plain "$ap_scratch/written"
    echo "$ap_head" > "$ap_scratch/written"
    ap_noted
  elif [ -f "$ap_scratch/note.json" ] && [ ! -f "$ap_scratch/written" ]; then
    sed "s/${REVISION_PLACEHOLDER}/$ap_head/" "$ap_scratch/note.json" | git notes --ref="$ap_notes" add -f -F - "$ap_head" >/dev/null 2>&1 || return 1
    ap_plain "$ap_scratch/written"
    echo "$ap_head" > "$ap_scratch/written"
    ap_noted
  fi
  # Applied (nothing of this precomputation may be applied again) once the advance below is, or when there is none.
  [ -d "$ap_scratch/advance" ] || { : > "$ap_scratch/done"; return 0; }
  # Entries are swapped only into real folders of the working state, never through a symlink planted for one.
  [ -L "$ap_state" ] && return 1
  # The lock is a file only one writer can create (noclobber); taken in this shell, without a subshell's fork.
  ap_plain "$ap_state/lock"
  set -C
  { echo "$$ - sh" > "$ap_state/lock"; } 2>/dev/null
  ap_locked=$?
  set +C
  [ "$ap_locked" -eq 0 ] || return 1
  # Every writer of the working state rewrites generation after its change, under this lock: the same token as
  # prepare-commit-msg saw before it read any entry means no entry changed since; otherwise Node redoes the advance.
  ap_adv=$ap_scratch/advance
  IFS= read -r ap_want < "$ap_adv/generation" && IFS= read -r ap_gen < "$ap_state/generation" && [ "$ap_gen" = "$ap_want" ] || { ap_unlock; return 1; }
  # Every line of it: a repository path may hold a line break, and a first line alone would name another folder.
  ap_entries=
  while IFS= read -r ap_l; do ap_entries="\${ap_entries:+$ap_entries$ap_nl}$ap_l"; done < "$ap_scratch/entries"
  [ -n "$ap_entries" ] || { ap_unlock; return 1; }
  # Entries are swapped only into a real folder of the working state, never through a symlink planted for one.
  [ -L "$ap_entries" ] && { ap_unlock; return 1; }
  for ap_b in "$ap_adv"/after/*; do
    [ -e "$ap_b" ] || continue
    { [ -d "$ap_entries" ] || mkdir -p "$ap_entries"; } && mv -f "$ap_adv"/after/* "$ap_entries"/ || { ap_unlock; return 1; }
    break
  done
  # The entries to delete, one name (a hex digest) a line. A few go into the one rm below; a long list goes
  # through xargs, as appending to "$@" copies it each time.
  set --
  ap_n=0
  if [ -s "$ap_adv/deleted" ]; then
    while IFS= read -r ap_name && [ "$ap_n" -lt 64 ]; do
      ap_n=$((ap_n + 1))
      set -- "$@" "$ap_entries/$ap_name"
    done < "$ap_adv/deleted"
    if [ "$ap_n" -ge 64 ]; then
      set --
      (cd "$ap_entries" && exec xargs rm -f --) < "$ap_adv/deleted" || { ap_unlock; return 1; }
    fi
  fi
  # prepare-commit-msg found that no entry of any worktree is left after this advance (the token says still so).
  [ -e "$ap_adv/last" ] && set -- "$@" "$ap_state/pending"
  # One rm: the deleted entries, pending, the advance folder, then the lock (no writer adds an entry before pending is gone).
  rm -rf -- "$@" "$ap_adv" "$ap_state/lock"
  # Watchers re-read on this change, after the entries changed. It is also the token a later commit compares: it
  # names this commit, and written after the lock is released it can only make a token differ, never match.
  ap_plain "$ap_state/generation"
  echo "$$ $ap_head" > "$ap_state/generation"
  : > "$ap_scratch/done"
  return 0
}

# Node could not write this commit's note: the next hook that can writes it, from the working state kept as it is.
ap_notes_later() {
  [ -n "$ap_why" ] || ap_why="the ai-provenance CLI exited with status $1"
  ap_catch_up "commit $(git rev-parse -q --verify HEAD 2>/dev/null)"
  ap_say "${notesLaterLine('$ap_why')}"
}

if [ -s "$ap_scratch/failed" ]; then
  # prepare-commit-msg could not judge this commit (and marked it): the commit's one line is said here.
  IFS= read -r ap_why < "$ap_scratch/failed"
  ap_empty "$ap_scratch/failed"
  ap_say "${unjudgedLine('$ap_why')}"
  exit 0
fi
if [ -s "$ap_scratch/done" ]; then
  ap_apply || ap_run || ap_notes_later $?
  exit 0
fi
if [ -s "$ap_scratch/merging" ]; then
  ap_empty "$ap_scratch/merging"
  ap_run || ap_notes_later $?
  exit 0
fi
if ap_replaying; then
  # A cherry-pick carries the picked commit's note; rebased commits get theirs in post-rewrite.
  [ -e "$ap_gitdir/CHERRY_PICK_HEAD" ] && [ ! -d "$ap_gitdir/rebase-merge" ] && [ ! -d "$ap_gitdir/rebase-apply" ] && ap_has_notes && { ap_run || ap_notes_later $?; }
  exit 0
fi
[ -e "$ap_state/pending" ] && { ap_run || ap_notes_later $?; }
exit 0
`;

const POST_REWRITE = `
ap_has_notes || exit 0
ap_input=$(cat)
[ -n "$ap_input" ] || exit 0
if [ "\${1-}" = amend ]; then
  # post-commit already wrote this amend's note with the amended commit's note folded in.
  if [ -f "$ap_scratch/amended" ] && [ -f "$ap_scratch/written" ]; then
    read -r ap_w < "$ap_scratch/written"
    case $ap_input in *" $ap_w"*) exit 0 ;; esac
  fi
  git notes --ref="$ap_notes" list "\${ap_input%% *}" >/dev/null 2>&1 || exit 0
fi
if ap_can_run; then
  printf '%s\\n' "$ap_input" | ap_run "$@" && exit 0
  ap_why="the ai-provenance CLI exited with status $?"
fi
# Node could not carry the notes: the next hook that can carries them, from the old commits named here.
printf '%s\\n' "$ap_input" | while read -r ap_old ap_new ap_x; do ap_catch_up "rewrite $ap_old $ap_new"; done
ap_say "${notesLaterLine('$ap_why')}"
exit 0
`;

const PRE_PUSH = `
# The pushes of notes this hook starts run no hook of ours.
[ -z "\${${SYNCING_ENV}-}" ] || exit 0
ap_has_notes || exit 0
ap_input=$(cat)
# A push of notes refs alone (git push origin refs/notes/…) publishes nothing else.
ap_other=
while read -r ap_x ap_x ap_rref ap_x; do
  case $ap_rref in refs/notes/* | '') ;; *) ap_other=1 ;; esac
done <<AP_INPUT
$ap_input
AP_INPUT
[ -n "$ap_other" ] || exit 0
if ap_can_run; then
  printf '%s\\n' "$ap_input" | ap_run "$@"
else
  ap_say "ai-provenance: the notes were not pushed ($ap_why); your push goes on"
fi
exit 0
`;

const BODIES: Record<GitHookName, string> = {
  'pre-push': PRE_PUSH,
  'prepare-commit-msg': PREPARE,
  'commit-msg': COMMIT_MSG,
  'post-commit': POST_COMMIT,
  'post-rewrite': POST_REWRITE,
};

/** The POSIX sh body `install` places for hook `name`; `cliPath` is the bundled CLI (dist/cli.js) it falls back to. */
export function hookScript(name: string, cliPath: string): string {
  const body = BODIES[name as GitHookName];
  if (body === undefined) throw new Error(`no ai-provenance git hook named '${name}'`);
  return PRELUDE(name as GitHookName, cliPath) + body;
}
