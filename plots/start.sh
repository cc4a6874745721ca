# start.sh, sourced by draw.sh and machines.sh with $out set: without gnuplot there are no
# charts (one line, exit 0: make plots still writes the report); otherwise $here (this
# directory), $data (a scratch directory, removed on exit) and $out exist.
# Numbers cross awk, sort and gnuplot as text: under a decimal-comma locale (de_DE) awk read
# "1.52" as 1 and wrote "0,333", and the charts changed with nothing saying so. Every helper
# of the chart path runs in the C locale.
export LC_ALL=C
if ! command -v gnuplot >/dev/null; then
  echo "plots: gnuplot is not installed (Debian: gnuplot-nox): no charts drawn" >&2
  exit 0
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
mkdir -p "$out"
