# Whether line $1 is one of our trailers (our tokens in any letter case, or a Co-authored-by of ours); builtins only.
ap_our_line() {
  case $1 in
    @@OUR_TOKENS@@) return 0 ;;
    @@OUR_CO_AUTHOR@@) return 0 ;;
  esac
  return 1
}
