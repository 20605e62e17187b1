# git passes no sign of --amend with -m: look for it on the command lines of our parent processes.
ap_is_amend() {
  ap_p=$PPID
  # shellcheck disable=SC2034 # Four generations up at most: git, a wrapper (an editor's, a GUI's), a shell.
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

# The commit cannot be judged (ap_why says why): the message gets an AI-Unjudged trailer for 'ai-provenance check',
# the working state stays as it is for the next hook that can run to catch up on, and commit-msg (refusing where a
# block rule may apply) or post-commit prints the one line.
ap_unjudged() {
  [ -n "$ap_why" ] || ap_why='the ai-provenance CLI failed'
  git interpret-trailers --in-place --trailer "@@UNJUDGED_TOKEN@@: $ap_why" "$ap_msg" 2>/dev/null
  # As git commit -s does on an empty message: line 1 stays free for the subject, a blank line before the trailer.
  { IFS= read -r ap_l1; IFS= read -r ap_l2; } < "$ap_msg"
  if [ -z "$ap_l1" ]; then
    case $ap_l2 in @@UNJUDGED_TOKEN@@:*)
      ap_plain "$ap_msg.ai-provenance"
      { echo; cat "$ap_msg"; } > "$ap_msg.ai-provenance" && mv -f "$ap_msg.ai-provenance" "$ap_msg" ;;
    esac
  fi
  [ -d "$ap_scratch" ] || mkdir -p "$ap_scratch"
  ap_plain "$ap_scratch/failed"
  printf '%s\n' "$ap_why" > "$ap_scratch/failed"
  if ap_may_block; then
    ap_plain "$ap_scratch/may-block"
    echo block > "$ap_scratch/may-block"
  fi
  ap_catch_up "after $(git rev-parse -q --verify HEAD 2>/dev/null)"
}

# Sets ap_a to this worktree's folder of entries kept aside while a stash holds their lines (stashed/<worktree id>,
# as src/git/stateStore.ts names it: `main`, or a linked worktree's git dir name).
ap_aside_dir() {
  ap_a=$ap_state/stashed/main
  if [ -f "$ap_gitdir/commondir" ]; then ap_a=$ap_state/stashed/${ap_gitdir##*/}; fi
}

# Whether entries wait aside while a stash holds their files, and the stash list changed since (a pop, a drop) or one
# of this worktree's files did since Node last looked (an apply, a pop that conflicted): Node then brings them back,
# or drops them. A glob, and one cmp and a test per file only while entries wait; a file as old as the mark counts.
ap_stashed() {
  for ap_f in "$ap_state"/stashed/*/*.json; do [ -e "$ap_f" ] || return 1; break; done
  cmp -s "$ap_common/logs/refs/stash" "$ap_state/stashed/log" 2>/dev/null || return 0
  ap_aside_dir
  [ -f "$ap_a/checked" ] && [ -f "$ap_a/paths" ] || return 1
  while IFS= read -r ap_l; do
    [ -n "$ap_l" ] || return 0
    # shellcheck disable=SC3013 # dash, bash, ksh, zsh and busybox sh have -nt; a test without it fails, which counts
    # as changed (Node looks)
    [ -e "$ap_l" ] && { [ "$ap_l" -nt "$ap_a/checked" ] || ! [ "$ap_a/checked" -nt "$ap_l" ]; } && return 0
  done < "$ap_a/paths"
  return 1
}

# Whether an agent announced an edit it never reported done (its snapshot waits): Node records it if the file holds
# exactly the announced result. A glob, no process.
ap_announced() {
  for ap_f in "$ap_state"/snapshots/*.json; do [ -e "$ap_f" ] && return 0; break; done
  return 1
}

# Whether file $1 may differ from what it held when noted-clean was written (then it held the noted commit's text):
# changed since, gone, or of the same time (a file system that keeps whole seconds). Builtins only.
ap_touched_since_clean() {
  [ -e "$1" ] || return 0
  # shellcheck disable=SC3013 # dash, bash, ksh, zsh and busybox sh have -nt; a test without it fails, which counts
  # as touched (a git process, never a missed edit).
  [ "$1" -nt "$ap_scratch/noted-clean" ] || ! [ "$ap_scratch/noted-clean" -nt "$1" ]
}

# Whether the staged change removes or changes lines of a file the noted commit's note covers (post-commit wrote
# which): a person's edit of a committed AI line makes it mixed. No process while none of those files changed on disk
# since the AI commit (noted-clean: none had unstaged changes then); else one git process.
ap_edits_noted() {
  [ -s "$ap_scratch/noted-paths" ] && IFS= read -r ap_n < "$ap_scratch/noted" && ap_head_id || return 1
  # post-commit moves noted along to each commit that was checked here; a commit made without that check (hooks
  # of an earlier version, a commit with none of ours) leaves it on an ancestor, whose AI lines may still be there.
  [ "$ap_n" = "$ap_h" ] || LC_ALL=C GIT_OPTIONAL_LOCKS=0 git merge-base --is-ancestor "$ap_n" "$ap_h" 2>/dev/null || return 1
  ap_changed=
  [ -e "$ap_scratch/noted-clean" ] || ap_changed=1
  set --
  # An empty first line stands for any file.
  while IFS= read -r ap_l; do
    [ -n "$ap_l" ] || { set --; ap_changed=1; break; }
    set -- "$@" "$ap_l"
    [ -n "$ap_changed" ] || ! ap_touched_since_clean "$ap_l" || ap_changed=1
  done < "$ap_scratch/noted-paths"
  if [ -n "$ap_changed" ]; then
    LC_ALL=C GIT_OPTIONAL_LOCKS=0 git --literal-pathspecs diff-index --cached --numstat HEAD -- "$@" 2>/dev/null | {
      # shellcheck disable=SC2034 # Only the count of deleted lines matters.
      while read -r ap_a ap_d ap_x; do [ "$ap_d" = 0 ] || exit 0; done
      exit 1
    } && return 0
  fi
  # The noted lines are all still there: post-commit names the commit this makes in noted.
  ap_plain "$ap_scratch/noted-next"
  echo yes > "$ap_scratch/noted-next"
  return 1
}

ap_msg=${1-}
# Markers count only when non-empty, so emptying them (a shell builtin) retires the last commit's precomputation.
ap_empty "$ap_scratch/done"
ap_empty "$ap_scratch/failed"
ap_empty "$ap_scratch/may-block"
ap_empty "$ap_scratch/merging"
ap_empty "$ap_scratch/noted-next"
# A merge commit gets no trailers; post-commit notes its resolution. With -m or -F git says `message`, not `merge`.
ap_merging=
[ -e "$ap_gitdir/MERGE_HEAD" ] && ap_merging=1
case ${2-}:${1-} in merge:*MERGE_MSG) ap_merging=1 ;; esac
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
    LC_ALL=C GIT_OPTIONAL_LOCKS=0 git diff-index --cached @@DIFF_FLAGS@@ HEAD -- 2>/dev/null
    printf '\n@@PRECOMPUTED_END@@ %s\n' "$?"
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
elif { [ "${2-}" != commit ] || [ "${3-}" = HEAD ]; } && ap_is_amend && ap_has_note HEAD; then
  ap_run "$@" || ap_unjudged
elif ap_has_our_trailers "$1"; then
  # A reused message (-C, -F, a template) may carry our trailers from another commit: Node takes out what is not true here.
  ap_run "$@" || ap_unjudged
fi
exit 0
