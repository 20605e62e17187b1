# Reached only from the wrapper's first lines, for a committed transaction of the git push that wrote a pending
# file named by its pid ($PPID): it moved refs/remotes/* after the server took the push, and the notes of what
# arrived are published. Or of a `git pull` that named what to fetch (ap_named_pull): its fetch moved refs/remotes/*,
# and Node fetches the notes of that remote, which the configured refspecs would have brought. Or of one that moved
# the clone's notes ref from a value it checked: a git fetch does so through a user's +refs/notes/*:refs/notes/*
# refspec, and Node joins the notes it replaced back in from the reflog. Or of any state of one that deletes the
# notes ref: a pruning fetch does so through that refspec when the server has no such ref, and the ref is put back.
[ -z "@@SYNCING@@" ] || exit 0
# The wrapper read stdin already (ap_stdin); a cat only where it did not.
ap_input=${ap_stdin-$(cat)}
ap_moved=
ap_replaced=
ap_deleting=
ap_pending=$ap_gitdir/@@PUSH_PENDING_FILE@@.$PPID
# The remote-tracking branches moved matter to a push or a pull only: a fetch that overwrote the notes may move
# thousands, which are not copied line by line for nothing.
ap_tab='	'
ap_track=
if [ -f "$ap_pending" ] || [ "${ap_pull-1}" = 1 ]; then ap_track=1; fi
while read -r ap_x ap_new ap_ref; do
  case $ap_ref in
    refs/remotes/*) [ -z "$ap_track" ] || case $ap_new in *[!0]*) ap_moved="$ap_moved$ap_new $ap_ref$ap_nl" ;; esac ;;
    # git notes names no old value (all zeros); a fetch's forced update does. A deletion names no new one.
    "$ap_notes")
      case $ap_new in
        *[!0]*) case $ap_x in *[!0]*) ap_replaced="$ap_x $ap_new" ;; esac ;;
        *) ap_deleting=1 ;;
      esac ;;
  esac
done <<AP_INPUT
$ap_input
AP_INPUT

# Sets ap_id to the commit loose ref $1 of the common dir names (no process), or git's answer.
ap_ref_id() {
  ap_id=
  [ ! -f "$ap_common/$1" ] || IFS= read -r ap_id < "$ap_common/$1" || ap_id=
  case $ap_id in '' | *[!0-9a-f]*) ap_id=$(git rev-parse -q --verify "$1^{commit}" 2>/dev/null) || ap_id= ;; esac
}

# What a deletion of the notes ref leaves to its committed state (@@DELETED_NOTES_FILE@@, src/git/hooks/README.md):
# the value the ref holds now; `pruned` when a git fetch deletes it (it empties FETCH_HEAD when it starts and writes it
# when done, and prunes in between; no /proc or ps), else `deleted`; `packed` when this transaction does not hold the
# ref's own lock (git before 2.44 deletes a pruned ref from packed-refs first, then its loose file in a transaction
# of its own), else `whole`; and the git process. Where the ref is gone already (that first step removed its only
# copy), the value this same git process saved stays.
ap_deleted=$ap_state/@@DELETED_NOTES_FILE@@
ap_save_deleted() {
  ap_ref_id "$ap_notes"
  ap_v=$ap_id
  if [ -z "$ap_v" ]; then
    ap_p=
    [ -f "$ap_deleted" ] && read -r ap_v ap_k ap_s ap_p < "$ap_deleted" && [ "$ap_p" = "$PPID" ] || return 0
  fi
  ap_k=deleted
  if [ -f "$ap_gitdir/FETCH_HEAD" ] && [ ! -s "$ap_gitdir/FETCH_HEAD" ]; then ap_k=pruned; fi
  ap_s=packed
  if [ -f "$ap_common/$ap_notes.lock" ] || [ -d "$ap_common/reftable" ]; then ap_s=whole; fi
  ap_t=$ap_deleted.$$
  ap_plain "$ap_t"
  if ! { printf '%s %s %s %s\n' "$ap_v" "$ap_k" "$ap_s" "$PPID" > "$ap_t" && mv -f -- "$ap_t" "$ap_deleted"; }; then rm -f -- "$ap_t"; fi
}
# Once the deletion is committed (or aborted), the saved value is settled: a ref still there lost nothing; a step
# with more to come in this git process (the packed step above, or a transaction within one that still holds the
# ref's lock) leaves it; else a pruning fetch's deletion is undone (a new transaction, with the syncing flag: it goes
# no further than the wrapper, and no later step of this fetch names the ref again) and any other is said, with the
# value to have it back.
ap_settle_deleted() {
  [ -f "$ap_deleted" ] || return 0
  ap_v='' ap_k='' ap_s=''
  read -r ap_v ap_k ap_s ap_p < "$ap_deleted" || :
  if ap_has_notes; then
    rm -f -- "$ap_deleted"
    return 0
  fi
  [ "$ap_s" != packed ] && [ ! -f "$ap_common/$ap_notes.lock" ] || return 0
  rm -f -- "$ap_deleted"
  case $ap_v in '' | *[!0-9a-f]*) return 0 ;; esac
  if [ "$ap_k" = pruned ] && @@SYNCING_ENV@@=1 git update-ref -m "@@RESTORED_NOTES_MESSAGE@@" "$ap_notes" "$ap_v" '' 2>/dev/null; then
    ap_short=${ap_v%"${ap_v#????????????}"}
    ap_say "@@RESTORED_LINE@@"
  else
    ap_say "@@DELETED_LINE@@"
  fi
}
case ${1-} in
  prepared) [ -z "$ap_deleting" ] || ap_save_deleted; exit 0 ;;
  aborted) [ -z "$ap_deleting" ] || ap_settle_deleted; exit 0 ;;
  committed) [ -z "$ap_deleting" ] || ap_settle_deleted ;;
  *) exit 0 ;;
esac

# Whether a git fetch (git pull and git remote update start one) made this update: the entry it wrote last in the
# notes ref's reflog says so ("fetch -q: forced-update", "pull: forced-update"), as Node's join reads it. One tail,
# only for a transaction that replaced the notes ref; everywhere git keeps ref files (no /proc or ps needed).
ap_by_fetch() {
  ap_l=$(tail -n 1 "$ap_common/logs/$ap_notes" 2>/dev/null) || return 1
  case ${ap_l#*"$ap_tab"} in fetch* | pull*) return 0 ;; esac
  return 1
}
# Whether git alone settles what the fetch did to the clone's notes ref, sparing a Node start on most fetches: the
# fetched notes commit holds the replaced one (a fast-forward: nothing to join back), or the replaced one held the
# same notes tree (the clone's merge after a push, or its own notes commit the push built on, against the server's):
# the ref goes back to it, as Node's join would leave the same notes.
ap_notes_kept() {
  ap_old=${ap_replaced% *}
  ap_x=${ap_replaced#* }
  case $ap_x in *[!0]*) ;; *) return 1 ;; esac
  git merge-base --is-ancestor "$ap_old" "$ap_x" 2>/dev/null && return 0
  ap_t=$(git rev-parse "$ap_old^{tree}" "$ap_x^{tree}" 2>/dev/null) || return 1
  [ "${ap_t%"$ap_nl"*}" = "${ap_t#*"$ap_nl"}" ] || return 1
  @@SYNCING_ENV@@=1 git update-ref -m "@@REJOINED_MESSAGE@@" "$ap_notes" "$ap_old" "$ap_x" 2>/dev/null
}
if [ -n "$ap_replaced" ] && [ ! -f "$ap_pending" ] && ap_by_fetch && ! ap_notes_kept; then
  if ap_can_run; then
    printf '%s\n' "$ap_input" | ap_run fetch
  else
    ap_say "ai-provenance: the notes this fetch replaced on $ap_notes were not joined back ($ap_why); the next push or 'ai-provenance sync' does it"
  fi
fi
[ -n "$ap_moved" ] || exit 0

if [ ! -f "$ap_pending" ]; then
  # A pull: its notes come from the remote as with a plain git pull; 'ai-provenance sync' when Node cannot run. The
  # wrapper says whether it is one (one of an earlier version let no other transaction through).
  [ "${ap_pull-1}" = 1 ] || exit 0
  ap_can_run && printf '%s\n' "$ap_input" | ap_run pull
  exit 0
fi

# Sets ap_tree to notes tree $1 with the notes of $2 added (`<2 hex> <38 hex> <blob>` lines, in commit order) at git's
# 2/38 fan-out, as Node's treeWith places a new note: git ls-tree of the root and of each folder a note goes into, one
# git mktree --batch for those folders and one git mktree for the root. Never an index of every note (a read-tree
# and write-tree of 10,000 notes cost ten times as much), so the cost follows the new notes, not all of them.
ap_tree_with() {
  ap_root=$(git ls-tree "$1") || return 1
  ap_batch=
  ap_dirs=
  ap_last=
  while read -r ap_p ap_r ap_b; do
    [ -n "$ap_p" ] || continue
    if [ "$ap_p" != "$ap_last" ]; then
      # A folder's trees are separated by a blank line; it starts with what the remote's folder holds, if any.
      [ -z "$ap_last" ] || ap_batch="$ap_batch$ap_nl"
      case $ap_nl$ap_root$ap_nl in
        *"	$ap_p$ap_nl"*) ap_l=$(git ls-tree "$1:$ap_p") || return 1; [ -z "$ap_l" ] || ap_batch="$ap_batch$ap_l$ap_nl" ;;
      esac
      ap_dirs="$ap_dirs$ap_p$ap_nl"
      ap_last=$ap_p
    fi
    ap_batch="${ap_batch}100644 blob $ap_b	$ap_r$ap_nl"
  done <<AP_NEW
$2
AP_NEW
  ap_ids=$(printf '%s' "$ap_batch" | git mktree --batch) || return 1
  # The root without the folders made anew, then those folders.
  ap_new=
  while IFS= read -r ap_l; do
    [ -n "$ap_l" ] || continue
    case $ap_nl$ap_dirs in *"$ap_nl${ap_l#*	}$ap_nl"*) continue ;; esac
    ap_new="$ap_new$ap_l$ap_nl"
  done <<AP_ROOT
$ap_root
AP_ROOT
  while IFS= read -r ap_p && IFS= read -r ap_b <&3; do
    ap_new="${ap_new}040000 tree $ap_b	$ap_p$ap_nl"
  done 3<<AP_IDS <<AP_DIRS
$ap_ids
AP_IDS
$ap_dirs
AP_DIRS
  ap_tree=$(printf '%s' "$ap_new" | git mktree) && [ -n "$ap_tree" ]
}

# The usual push, done without Node: one branch went, the remote's notes are as this clone last fetched or pushed
# them (their tracking ref), and the clone's own notes only add notes of commits the remote now has, beside notes
# only the remote has (a teammate's, fetched and not yet joined into the clone's ref; this push joins it). Then a new
# notes commit goes, a fast-forward of the remote's, never forced: the server refuses it when its notes moved
# meanwhile. Its tree is the clone's when the remote has nothing the clone lacks, else the remote's with the clone's
# new notes added (ap_tree_with). Any note both have differently, anything else, or any
# failure, is Node's (notesSync.ts afterPush: fetch, join record by record, retry). Both refs end as after the first
# attempt of syncNotes with lastSeen.
ap_as_is() {
  ap_n=0
  ap_remote=
  ap_tip=
  while read -r ap_a ap_b; do
    ap_n=$((ap_n + 1))
    if [ "$ap_n" = 1 ]; then ap_remote=$ap_b; else ap_tip=$ap_a; fi
  done < "$ap_pending"
  [ "$ap_n" = 2 ] && [ -n "$ap_remote" ] || return 1
  case $ap_nl$ap_moved in *"$ap_nl$ap_tip refs/remotes/$ap_remote/"*) ;; *) return 1 ;; esac
  # A fetch that overwrote the clone's notes (a +refs/notes/*:refs/notes/* refspec) leaves some to join back.
  [ ! -e "$ap_common/reftable" ] || return 1
  [ ! -f "$ap_common/logs/$ap_notes" ] || ! grep -Eq "^0*[1-9a-f][0-9a-f]* [0-9a-f]+ [^	]*	(fetch|pull)" "$ap_common/logs/$ap_notes" || return 1
  ap_tracking=@@TRACKING_REF@@
  ap_ref_id "$ap_tracking"
  ap_theirs=$ap_id
  ap_ref_id "$ap_notes"
  ap_mine=$ap_id
  [ -n "$ap_theirs" ] && [ -n "$ap_mine" ] || return 1
  ap_diff=
  # No note since (a push of commits a person made): nothing to publish.
  [ "$ap_theirs" = "$ap_mine" ] || ap_diff=$(git diff-tree -r --no-renames --no-commit-id "$ap_theirs" "$ap_mine") || return 1
  ap_n=0
  ap_want=
  ap_entries=
  ap_gone=
  while IFS= read -r ap_l; do
    [ -n "$ap_l" ] || continue
    # Notes the remote has none of; their paths are the commit ids, split in fan-out folders. A note only the remote
    # has stays there.
    ap_p=${ap_l#*	}
    case $ap_l in
      ':000000 '*' A	'*) ap_a=1 ;;
      ':'[0-7]*' 000000 '*' D	'*) ap_a= ;;
      *) return 1 ;;
    esac
    ap_c=
    while :; do
      case $ap_p in
        */*) ap_c=$ap_c${ap_p%%/*}; ap_p=${ap_p#*/} ;;
        *) ap_c=$ap_c$ap_p; break ;;
      esac
    done
    case $ap_c in '' | *[!0-9a-f]*) return 1 ;; esac
    if [ -z "$ap_a" ]; then
      ap_gone="$ap_gone$ap_c$ap_nl"
      continue
    fi
    ap_want="$ap_want$ap_c^{commit}$ap_nl"
    # `:000000 100644 <zeros> <blob> A`: the blob is the fourth field; in the remote's tree at git's 2/38 fan-out.
    ap_x=${ap_l#* * * }
    ap_x=${ap_x%% *}
    ap_entries="$ap_entries${ap_c%"${ap_c#??}"} ${ap_c#??} $ap_x$ap_nl"
    ap_n=$((ap_n + 1))
  done <<AP_DIFF
$ap_diff
AP_DIFF
  if [ "$ap_n" = 0 ]; then
    rm -f -- "$ap_pending"
    return 0
  fi
  # A note both have at different fan-out paths (one commit removed and added): Node compares notes by commit.
  while IFS= read -r ap_l; do
    [ -n "$ap_l" ] || continue
    case $ap_nl$ap_want in *"$ap_nl$ap_l^{commit}$ap_nl"*) return 1 ;; esac
  done <<AP_GONE
$ap_gone
AP_GONE
  # Every one is a commit the remote now has (git refuses all when one is no commit or absent).
  ap_l=$(printf '%s' "$ap_want" | git rev-list --stdin --not "$ap_tip" "--remotes=$ap_remote" -- 2>/dev/null) && [ -z "$ap_l" ] || return 1
  ap_s=s
  [ "$ap_n" != 1 ] || ap_s=
  ap_msg="Notes of $ap_n commit$ap_s pushed to $ap_remote by 'ai-provenance'"
  # A new commit on the remote's notes with the clone's tree, never the clone's notes commit itself: its history
  # holds notes since removed or rewritten (an amended commit's, a note taken back), of commits the remote never got.
  ap_tree="$ap_mine^{tree}"
  if [ -n "$ap_gone" ]; then ap_tree_with "$ap_theirs" "$ap_entries" || return 1; fi
  ap_c=$(git commit-tree -p "$ap_theirs" -m "$ap_msg" "$ap_tree") || return 1
  [ -n "$ap_c" ] || return 1
  if ! @@SYNCING_ENV@@=1 git push --no-verify --porcelain --quiet --no-follow-tags --no-signed --end-of-options "$ap_remote" "$ap_c:$ap_notes" >/dev/null 2>&1; then
    # Node need not try the same again: it fetches first.
    @@NOTES_REFUSED_ENV@@=1
    export @@NOTES_REFUSED_ENV@@
    return 1
  fi
  rm -f -- "$ap_pending"
  # With nothing fetched to join, the clone's notes ref stays as it is (Node's recordPublished makes it a merge of
  # both): the next push compares trees, not history, and a later fetch's join finds the same notes on both sides. Two
  # git processes fewer. Else the remote's notes join it as Node's join does: a merge of both with the pushed tree
  # (where the ref moved meanwhile it is left for the next join; nothing is lost, readers join both refs).
  if [ -n "$ap_gone" ]; then
    if ap_m=$(git commit-tree -p "$ap_mine" -p "$ap_c" -m "$ap_msg" "$ap_tree"); then
      git update-ref -m "$ap_msg" "$ap_notes" "$ap_m" "$ap_mine" 2>/dev/null || :
    fi
  fi
  # git moves the tracking ref through the fetch refspec install added; without it (a remote added since), as Node does.
  ap_ref_id "$ap_tracking"
  [ "$ap_id" = "$ap_c" ] || git update-ref -m "pushed to $ap_remote" "$ap_tracking" "$ap_c" || :
  ap_say "@@PUSHED_LINE@@"
}
if ap_as_is; then exit 0; fi

# Node reads the file of this git push (hooks of an earlier version leave it to read their single file).
@@PUSH_PID_ENV@@=$PPID
export @@PUSH_PID_ENV@@
if ap_can_run; then
  printf '%s\n' "$ap_input" | ap_run "$@"
else
  ap_say "ai-provenance: the notes were not pushed ($ap_why); your push went through, 'ai-provenance sync' publishes them"
fi
exit 0
