# The pushes of notes this hook starts run no hook of ours.
[ -z "@@SYNCING@@" ] || exit 0
# Each git push has a file of its own for its reference-transaction hook (named by its pid), so that pushes running at
# once in this worktree do not take each other's place.
# The git push is this shell's parent, or, under husky (its wrapper says so), the parent of that parent: Linux says
# which in /proc (BusyBox too; the fourth field, after the command name in parentheses), elsewhere ps does.
ap_push=$PPID
if [ "${ap_push_hops-}" = 2 ]; then
  ap_push=
  if [ -r "/proc/$PPID/stat" ] && IFS= read -r ap_x < "/proc/$PPID/stat"; then
    ap_x=${ap_x##*") "}
    ap_x=${ap_x#* }
    ap_push=${ap_x%% *}
  fi
  case $ap_push in
    '' | *[!0-9]*)
      ap_push=$(ps -o ppid= -p "$PPID" 2>/dev/null) || ap_push=
      ap_push=${ap_push##*[!0-9]} ;;
  esac
  # Unknown: as if no hook of ours ran after the push (1 is never used, below).
  [ -n "$ap_push" ] || ap_push=1
fi
ap_pending=$ap_gitdir/@@PUSH_PENDING_FILE@@.$ap_push
# What pushes that ended without their notes published left behind (the server refused them, the push was
# interrupted) goes: the file of a git push that is gone, and one named by this push's pid, which an earlier process
# with the same pid wrote (nothing of it is this push's). So does the single file hooks of an earlier version wrote.
for ap_f in "$ap_gitdir/@@PUSH_PENDING_FILE@@".* "$ap_gitdir/@@PUSH_PENDING_FILE@@"; do
  [ -f "$ap_f" ] || continue
  if [ "$ap_f" != "$ap_pending" ]; then
    case $ap_f in
      */@@PUSH_PENDING_FILE@@) ap_p=; read -r ap_p ap_x < "$ap_f" || : ;;
      *) ap_p=${ap_f##*.} ;;
    esac
    case $ap_p in '' | 0* | *[!0-9]*) continue ;; esac
    ! kill -0 "$ap_p" 2>/dev/null || continue
  fi
  rm -f -- "$ap_f"
done
ap_has_notes || exit 0
# The wrapper read stdin already (ap_stdin); a cat only where it did not.
ap_input=${ap_stdin-$(cat)}
# A push of notes refs alone (git push origin refs/notes/…) publishes nothing else.
ap_other=
ap_tips=
ap_branches_only=1
# shellcheck disable=SC2034 # ap_x takes the fields around the local id and the remote ref.
while read -r ap_x ap_lid ap_rref ap_x; do
  case $ap_rref in refs/notes/* | '') continue ;; esac
  ap_other=1
  case $ap_rref in refs/heads/*) ;; *) ap_branches_only= ;; esac
  # A deletion sends no commit.
  case $ap_lid in *[!0]*) ap_tips="$ap_tips$ap_lid $ap_rref$ap_nl" ;; esac
done <<AP_INPUT
$ap_input
AP_INPUT
[ -n "$ap_other" ] || exit 0

# Whether the reference-transaction hook of ours runs in this git push: the wrapper names it (earlier versions'
# wrappers do not), it is still there and ours (husky may have made its folder anew without it), and git is new
# enough to start it.
ap_after_push() {
  [ -n "${ap_after_push_hook-}" ] && [ -x "$ap_after_push_hook" ] || return 1
  { IFS= read -r ap_l && IFS= read -r ap_l; } < "$ap_after_push_hook" || return 1
  [ "$ap_l" = "@@MANAGED_MARKER@@" ] || return 1
  ap_v=$(git version 2>/dev/null) || return 1
  ap_v=${ap_v#git version }
  ap_major=${ap_v%%.*}
  ap_minor=${ap_v#*.}
  ap_minor=${ap_minor%%.*}
  case $ap_major$ap_minor in '' | *[!0-9]*) return 1 ;; esac
  [ "$ap_major" -gt @@AFTER_PUSH_GIT_MAJOR@@ ] || { [ "$ap_major" -eq @@AFTER_PUSH_GIT_MAJOR@@ ] && [ "$ap_minor" -ge @@AFTER_PUSH_GIT_MINOR@@ ]; }
}

# Whether git moves a remote-tracking branch for every branch it pushes to remote $1, which is what the
# reference-transaction hook waits for: the remote's fetch refspec maps all its branches (not a single-branch or
# narrowed clone). A push to any other ref (a tag, Gerrit's refs/for/…) moves none.
ap_tracks_branches() {
  [ -n "$ap_branches_only" ] || return 1
  ap_specs=$(git config --get-all "remote.$1.fetch" 2>/dev/null) || return 1
  while IFS= read -r ap_s; do
    case $ap_s in "+refs/heads/*:refs/remotes/$1/*" | "refs/heads/*:refs/remotes/$1/*") return 0 ;; esac
  done <<AP_SPECS
$ap_specs
AP_SPECS
  return 1
}

# The server may still refuse this push (a protected branch, a hook of its own, someone pushed first): the notes of
# its commits go only once git moved the remote-tracking branch, which it does after the server took them. For a
# named remote (git passes a URL twice) the reference-transaction hook of this same git push ($ap_push) does that.
# A parent id of 1 (a shell whose parent it cannot see, as on Git for Windows) would let every git process through
# that hook's filter: not used.
if [ "${1-}" != "${2-}" ] && [ "$ap_push" != 1 ] && ap_tracks_branches "$1" && ap_after_push; then
  [ -n "$ap_tips" ] || exit 0
  ap_plain "$ap_pending"
  printf '%s %s\n%s' "$ap_push" "$1" "$ap_tips" > "$ap_pending"
  exit 0
fi
# Without it, Node publishes the notes of commits the remote already has (those of earlier pushes).
if ap_can_run; then
  printf '%s\n' "$ap_input" | ap_run "$@"
else
  ap_say "ai-provenance: the notes were not pushed ($ap_why); your push goes on"
fi
exit 0
