# Shared by the pipeline CLI tests (source it after setting BIN):
#   WORK         a fresh temporary folder, removed on exit
#   fail MSG     print FAIL: MSG and exit 1
#   expect_error PATTERN ARGS...   "$BIN" ARGS must exit with 2 and print one line
#                                  containing PATTERN (moezoo's bad-input contract)
#   check_verb_help VERBS...       --help lists reproduce, each verb's --help shows --config
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect_error() {
  local pattern="$1"; shift
  local out rc
  out=$("$BIN" "$@" 2>&1); rc=$?
  [[ $rc -eq 2 ]] || fail "'$*': exit code $rc, expected 2: $out"
  grep -q -- "$pattern" <<<"$out" || fail "'$*': message lacks '$pattern': $out"
  [[ $(wc -l <<<"$out") -eq 1 ]] || fail "'$*': message is not one line: $out"
}
check_verb_help() {
  "$BIN" --help | grep -q "reproduce" || fail "--help does not list reproduce"
  local verb
  for verb in "$@"; do
    "$BIN" "$verb" --help | grep -q -- "--config" || fail "$verb --help does not show --config"
  done
}
