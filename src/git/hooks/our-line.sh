# Whether line $1 is one of our trailers, as isOwnedTrailer (src/core/trailers.ts) reads it: our tokens in any letter
# case, or a Co-authored-by whose value ends in an address of ours (`<local@domain>`, the local part without white
# space, `<`, `>` or `@`) and only white space after it; a person's line that names such an address and goes on is
# theirs. Builtins only.
ap_our_line() {
  case $1 in
    @@OUR_TOKENS@@) return 0 ;;
    @@OUR_CO_AUTHOR@@*)
      # What follows the last address of ours, then the local part before it.
      case ${1##@@OUR_CO_AUTHOR@@} in *[![:space:]]*) return 1 ;; esac
      ap_x=${1%"@"@@OUR_DOMAIN@@">"*}
      case $ap_x in *"<"*) ;; *) return 1 ;; esac
      case ${ap_x##*"<"} in '' | *[[:space:]@]* | *">"*) return 1 ;; esac
      return 0 ;;
  esac
  return 1
}

# Whether a block rule may apply to a commit Node could not judge (mayBlock in src/git/hookFailures.ts): the shell
# reads no JSON, so any config that names one counts, and HEAD's too, which Node takes in place of a config it cannot
# read. A git process only on this rare path.
ap_may_block() {
  [ -f @@CONFIG_FILE@@ ] && { grep -q '"block"' @@CONFIG_FILE@@ 2>/dev/null || git cat-file -p "HEAD:"@@CONFIG_FILE@@ 2>/dev/null | grep -q '"block"'; }
}
