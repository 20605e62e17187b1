# The pushes of notes this hook starts run no hook of ours.
[ -z "@@SYNCING@@" ] || exit 0
ap_has_notes || exit 0
ap_input=$(cat)
# A push of notes refs alone (git push origin refs/notes/…) publishes nothing else.
ap_other=
# shellcheck disable=SC2034 # ap_x takes the fields around the remote ref.
while read -r ap_x ap_x ap_rref ap_x; do
  case $ap_rref in refs/notes/* | '') ;; *) ap_other=1 ;; esac
done <<AP_INPUT
$ap_input
AP_INPUT
[ -n "$ap_other" ] || exit 0
if ap_can_run; then
  printf '%s\n' "$ap_input" | ap_run "$@"
else
  ap_say "ai-provenance: the notes were not pushed ($ap_why); your push goes on"
fi
exit 0
