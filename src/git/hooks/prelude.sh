#!/bin/sh
# shellcheck disable=SC2317 # The prelude's functions serve all six hooks; each hook calls only some of them.
# ai-provenance @@HOOK@@ hook. A failure of its own prints one line per commit, keeps the recorded AI lines, and marks
# the commit for 'ai-provenance check'; it stops the commit only where a block rule may apply.
ap_hook=@@HOOK@@
ap_cli=@@CLI@@
[ -n "${AI_PROVENANCE_CLI-}" ] && ap_cli=$AI_PROVENANCE_CLI
ap_node=${AI_PROVENANCE_NODE:-node}
ap_nl='
'
ap_hint="@@GIT_DIR_HINT@@"
ap_gitdir=
case $ap_hint in */*) ap_gitdir=${ap_hint%/*} ;; esac
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
  ap_gitdir=${ap_dirs%%"$ap_nl"*}
  ap_common=${ap_dirs#*"$ap_nl"}
  # A path with a line break in it: one question at a time.
  case $ap_common in *"$ap_nl"*)
    ap_gitdir=$(git rev-parse --absolute-git-dir 2>/dev/null) || exit 0
    ap_common=$(git rev-parse --git-common-dir 2>/dev/null) || exit 0 ;;
  esac
  case $ap_common in /*) ;; *) ap_common=$PWD/$ap_common ;; esac
fi
# shellcheck disable=SC2034 # post-rewrite and pre-push never read the working state.
ap_state=$ap_common/ai-provenance
ap_scratch=$ap_gitdir/ai-provenance-commit
ap_notes=@@NOTES_REF@@
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
ap_say() { printf '%s\n' "$1" | LC_ALL=C tr '\000-\010\013-\037\177' '?' >&2; }
# Sets ap_h to HEAD's commit id, from the files git keeps (a process only for a packed ref).
ap_head_id() {
  IFS= read -r ap_h < "$ap_gitdir/HEAD" || return 1
  case $ap_h in
    'ref: '*)
      ap_ref=${ap_h#ref: }
      if [ -f "$ap_common/$ap_ref" ]; then IFS= read -r ap_h < "$ap_common/$ap_ref" || return 1
      else ap_h=$(git rev-parse -q --verify HEAD 2>/dev/null) || return 1; fi ;;
  esac
}

# Leaves a line for the next Node run that can catch up on what this hook could not do.
ap_catch_up() {
  ap_plain "$ap_gitdir/@@CATCH_UP_FILE@@"
  printf '%s\n' "$1" >> "$ap_gitdir/@@CATCH_UP_FILE@@"
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
  ap_ca=${NODE_EXTRA_CA_CERTS-}
  AI_PROVENANCE_EXTRA_CA_CERTS=$ap_ca NODE_EXTRA_CA_CERTS='' AI_PROVENANCE_GIT_DIR=$ap_gitdir AI_PROVENANCE_COMMON_DIR=$ap_common AI_PROVENANCE_HOOK_PROTOCOL=@@HOOK_PROTOCOL@@ AI_PROVENANCE_PRECOMPUTED=$ap_precomputed "$ap_node" "$ap_cli" _hook "$ap_hook" "$@"
}

ap_has_notes() {
  # A loose ref is a file (no process); a packed one git reads.
  [ -f "$ap_common/$ap_notes" ] || git rev-parse -q --verify "$ap_notes" >/dev/null 2>&1
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

# Whether notes of a remote were fetched (refs/notes/remotes/<remote>/ai-provenance): a teammate's AI lines to carry
# in a clone that has none of its own. Shell builtins: loose refs' files, then packed-refs up to where refs/notes
# would be (git sorts it by name).
ap_fetched_notes() {
  for ap_f in "$ap_common"/refs/notes/remotes/*/ai-provenance "$ap_common"/refs/notes/remotes/*/*/ai-provenance; do
    [ -f "$ap_f" ] && return 0
  done
  [ -f "$ap_common/packed-refs" ] || return 1
  while IFS= read -r ap_l; do
    case $ap_l in
      *' refs/notes/remotes/'*/ai-provenance) return 0 ;;
      *' refs/'[opqrstuvwxyz]* | *' refs/notes/'[stuvwxyz]*) return 1 ;;
    esac
  done < "$ap_common/packed-refs"
  return 1
}

# Whether commit $1 has a note, the clone's own or one fetched from a remote (a teammate's commit amended here). A
# process per notes ref, the fetched ones only when the clone's own has none.
ap_has_note() {
  git notes --ref="$ap_notes" list "$1" >/dev/null 2>&1 && return 0
  ap_fetched_notes || return 1
  git for-each-ref --format='%(refname)' refs/notes/remotes/ 2>/dev/null | {
    while IFS= read -r ap_r; do
      case $ap_r in */ai-provenance) git notes --ref="$ap_r" list "$1" >/dev/null 2>&1 && exit 0 ;; esac
    done
    exit 1
  }
}
