# Takes the working state's lock as its Node writers do (src/git/stateStore.ts): a file only one writer can create
# (noclobber), taken in this shell without a subshell's fork. "<pid> - sh" names no host, so Node never takes this
# process for dead: it breaks the lock only once it is stale by its age (STALE_LOCK_MS).
ap_lock() {
  ap_plain "$ap_state/lock"
  set -C
  ap_locked=0
  { echo "$$ - sh" > "$ap_state/lock"; } 2>/dev/null || ap_locked=1
  set +C
  [ "$ap_locked" -eq 0 ]
}
ap_unlock() { rm -f "$ap_state/lock"; }

# Names the commit whose note covers the files in noted-paths: the next commit checks its edits against them.
ap_noted() {
  ap_plain "$ap_scratch/noted"
  echo "$ap_head" > "$ap_scratch/noted"
}

# Writes the precomputed note under the new commit id and swaps in the advanced working-state entries. Node built the
# note in prepare-commit-msg, before git made the commit: only the id is left to put in (see README.md), here, without
# a second Node start.
ap_apply() {
  read -r ap_tree < "$ap_scratch/tree" || return 1
  ap_ids=$(git rev-parse HEAD 'HEAD^{tree}' 2>/dev/null) || return 1
  ap_head=${ap_ids%%"$ap_nl"*}
  [ "${ap_ids#*"$ap_nl"}" = "$ap_tree" ] || return 1
  if [ -f "$ap_scratch/note.inline" ] && [ ! -f "$ap_scratch/written" ]; then
    # A short note (prepare-commit-msg said so) is read and finished by the shell itself: one process less than sed.
    ap_note=
    while IFS= read -r ap_l || [ -n "$ap_l" ]; do ap_note="$ap_note$ap_l$ap_nl"; done < "$ap_scratch/note.json"
    case $ap_note in *"@@REVISION_PLACEHOLDER@@"*) ;; *) return 1 ;; esac
    git notes --ref="$ap_notes" add -f -F - "$ap_head" >/dev/null 2>&1 <<AP_NOTE || return 1
${ap_note%%"@@REVISION_PLACEHOLDER@@"*}$ap_head${ap_note#*"@@REVISION_PLACEHOLDER@@"}
AP_NOTE
    ap_plain "$ap_scratch/written"
    echo "$ap_head" > "$ap_scratch/written"
    ap_noted
  elif [ -f "$ap_scratch/note.json" ] && [ ! -f "$ap_scratch/written" ]; then
    sed "s/@@REVISION_PLACEHOLDER@@/$ap_head/" "$ap_scratch/note.json" | git notes --ref="$ap_notes" add -f -F - "$ap_head" >/dev/null 2>&1 || return 1
    ap_plain "$ap_scratch/written"
    echo "$ap_head" > "$ap_scratch/written"
    ap_noted
  fi
  # Applied (nothing of this precomputation may be applied again) once the advance below is, or when there is none.
  [ -d "$ap_scratch/advance" ] || { : > "$ap_scratch/done"; return 0; }
  # Entries are swapped only into real folders of the working state, never through a symlink planted for one.
  [ -L "$ap_state" ] && return 1
  ap_lock || return 1
  # Every writer of the working state rewrites generation after its change, under this lock: the same token as
  # prepare-commit-msg saw before it read any entry means no entry changed since; otherwise Node redoes the advance.
  ap_adv=$ap_scratch/advance
  # shellcheck disable=SC2015 # Any of the three failing means the same: unlock and let Node redo it.
  IFS= read -r ap_want < "$ap_adv/generation" && IFS= read -r ap_gen < "$ap_state/generation" && [ "$ap_gen" = "$ap_want" ] || { ap_unlock; return 1; }
  # Every line of it: a repository path may hold a line break, and a first line alone would name another folder.
  ap_entries=
  while IFS= read -r ap_l; do ap_entries="${ap_entries:+$ap_entries$ap_nl}$ap_l"; done < "$ap_scratch/entries"
  [ -n "$ap_entries" ] || { ap_unlock; return 1; }
  # Entries are swapped only into a real folder of the working state, never through a symlink planted for one.
  [ -L "$ap_entries" ] && { ap_unlock; return 1; }
  for ap_b in "$ap_adv"/after/*; do
    [ -e "$ap_b" ] || continue
    # shellcheck disable=SC2015 # A folder that cannot be made or a move that fails alike: unlock and let Node redo it.
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
  ap_say "@@NOTES_LATER_LINE@@"
}

# prepare-commit-msg found the noted AI lines untouched by this commit, which started no Node: noted moves along to
# it, so that the next commit needs no git process to know the noted commit is its ancestor.
if [ -s "$ap_scratch/noted-next" ]; then
  ap_empty "$ap_scratch/noted-next"
  if ap_head_id; then
    ap_plain "$ap_scratch/noted"
    echo "$ap_h" > "$ap_scratch/noted"
  fi
fi
if [ -s "$ap_scratch/failed" ]; then
  # prepare-commit-msg could not judge this commit (and marked it): the commit's one line is said here.
  IFS= read -r ap_why < "$ap_scratch/failed"
  ap_empty "$ap_scratch/failed"
  ap_say "@@UNJUDGED_LINE@@"
  exit 0
fi
if [ -s "$ap_scratch/done" ]; then
  ap_apply || ap_run "$@" || ap_notes_later $?
  exit 0
fi
if [ -s "$ap_scratch/merging" ]; then
  ap_empty "$ap_scratch/merging"
  ap_run "$@" || ap_notes_later $?
  exit 0
fi
if ap_replaying; then
  # A cherry-pick carries the picked commit's note; rebased commits get theirs in post-rewrite.
  [ -e "$ap_gitdir/CHERRY_PICK_HEAD" ] && [ ! -d "$ap_gitdir/rebase-merge" ] && [ ! -d "$ap_gitdir/rebase-apply" ] && ap_has_notes && { ap_run "$@" || ap_notes_later $?; }
  exit 0
fi
[ -e "$ap_state/pending" ] && { ap_run "$@" || ap_notes_later $?; }
exit 0
