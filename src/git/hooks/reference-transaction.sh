# Reached only from the wrapper's first lines, for a committed transaction of the git push that wrote the pending
# file ($PPID): it moved refs/remotes/* after the server took the push, and Node publishes the notes of what arrived.
# Or of a `git pull` that named what to fetch (ap_named_pull): its fetch moved refs/remotes/*, and Node fetches the
# notes of that remote, which the configured refspecs would have brought.
[ -z "@@SYNCING@@" ] || exit 0
[ "${1-}" = committed ] || exit 0
ap_input=$(cat)
ap_moved=
# shellcheck disable=SC2034 # ap_x takes the old id.
while read -r ap_x ap_new ap_ref; do
  case $ap_ref in refs/remotes/*) case $ap_new in *[!0]*) ap_moved=1 ;; esac ;; esac
done <<AP_INPUT
$ap_input
AP_INPUT
[ -n "$ap_moved" ] || exit 0
if [ "${ap_pid-}" != "$PPID" ]; then
  # A pull: its notes come from the remote as with a plain git pull; 'ai-provenance sync' when Node cannot run.
  ap_can_run && printf '%s\n' "$ap_input" | ap_run pull
elif ap_can_run; then
  printf '%s\n' "$ap_input" | ap_run "$@"
else
  ap_say "ai-provenance: the notes were not pushed ($ap_why); your push went through, 'ai-provenance sync' publishes them"
fi
exit 0
