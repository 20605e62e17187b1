ap_ours='@@OURS_ERE@@'

# Succeeds when every violated block rule precomputed by prepare-commit-msg has a sign-off from an allowed reviewer other than the author.
ap_signed_off() {
  ap_author=$(git var GIT_AUTHOR_IDENT 2>/dev/null) || return 1
  ap_author=${ap_author#*<}
  # shellcheck disable=SC2018,SC2019 # ASCII letters only, as everywhere e-mail addresses are compared: whatever the user's locale.
  ap_author=$(printf '%s' "${ap_author%%>*}" | tr 'A-Z' 'a-z')
  # shellcheck disable=SC2018,SC2019 # As above.
  ap_reviews=$(git interpret-trailers --parse --no-divider < "$1" 2>/dev/null | tr 'A-Z' 'a-z' | sed -n -e 's/^ai-reviewed-by: *\(.*<\)\{0,1\}\([^<> ]*@[^<> ]*\)>\{0,1\} *$/\2/p')
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
  ap_say "@@UNJUDGED_REFUSAL@@"
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
[ $ap_rc -eq @@BLOCK_EXIT@@ ] && exit 1
if [ $ap_rc -ne 0 ] && ap_may_block; then
  # Node could not run, or ended without a verdict, where a block rule may apply.
  [ -n "$ap_why" ] || ap_why="the ai-provenance CLI exited with status $ap_rc"
  ap_say "@@UNJUDGED_REFUSAL@@"
  exit 1
fi
exit 0
