# Sourced by the shell tests that count their failures: a scratch directory ($dir, removed on
# exit), Debian's python3 where there is one ($py), fail MESSAGE (counted, the test goes on)
# and finish (the count, and the exit status).
dir=$(mktemp -d "${TMPDIR:-/tmp}/mbtest.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
py=/usr/bin/python3
[ -x $py ] || py=python3
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
finish() {
  echo "$fails failed"
  [ $fails -eq 0 ]
}
