# start.sh, sourced by draw.sh and machines.sh with $out set: without gnuplot there are no
# charts (one line, exit 0: make plots still writes the report); otherwise $here (this
# directory), $data (a scratch directory, removed on exit) and $out exist.
if ! command -v gnuplot >/dev/null; then
  echo "plots: gnuplot is not installed (Debian: gnuplot-nox): no charts drawn" >&2
  exit 0
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
mkdir -p "$out"
