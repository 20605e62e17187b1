ap_fetched_notes || ap_has_notes || exit 0
# The wrapper read stdin already (ap_stdin); a cat only where it did not.
ap_input=${ap_stdin-$(cat)}
[ -n "$ap_input" ] || exit 0
if [ "${1-}" = amend ]; then
  # post-commit already wrote this amend's note with the amended commit's note folded in, unless git copied the
  # amended commit's note over it or next to it (notes.rewriteRef naming our ref): a record naming another commit.
  if [ -f "$ap_scratch/amended" ] && [ -f "$ap_scratch/written" ]; then
    read -r ap_w < "$ap_scratch/written"
    case $ap_input in *" $ap_w"*)
      ap_n=$(git notes --ref="$ap_notes" show "$ap_w" 2>/dev/null) || exit 0
      ap_mine="\"revision\": \"$ap_w\""
      while :; do case $ap_n in *"$ap_mine"*) ap_n=${ap_n%%"$ap_mine"*}${ap_n#*"$ap_mine"} ;; *) break ;; esac; done
      case $ap_n in *'"revision"'*) ;; *) exit 0 ;; esac ;;
    esac
  fi
  ap_has_note "${ap_input%% *}" || exit 0
fi
if ap_can_run; then
  printf '%s\n' "$ap_input" | ap_run "$@" && exit 0
  ap_why="the ai-provenance CLI exited with status $?"
fi
# Node could not carry the notes: the next hook that can carries them, from the old commits named here.
# shellcheck disable=SC2034 # ap_x takes what may follow the two ids.
printf '%s\n' "$ap_input" | while read -r ap_old ap_new ap_x; do ap_catch_up "rewrite $ap_old $ap_new"; done
ap_say "@@NOTES_LATER_LINE@@"
exit 0
