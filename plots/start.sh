# start.sh, sourced by draw.sh and machines.sh with $out set: without gnuplot there are no
# charts (one line, exit 0: make plots still writes the report); otherwise $here (this
# directory), $data (a scratch directory, removed on exit) and $out exist.
# Numbers cross awk, sort and gnuplot as text: under a decimal-comma locale (de_DE) awk read
# "1.52" as 1 and wrote "0,333", and the charts changed with nothing saying so. Every helper
# of the chart path runs in the C locale: C.UTF-8 where there is one (gnuplot's "set encoding
# utf8" then converts the degree sign without a warning), else C.
if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then export LC_ALL=C.UTF-8; else export LC_ALL=C; fi
if ! command -v gnuplot >/dev/null; then
  echo "plots: gnuplot is not installed (Debian: gnuplot-nox): no charts drawn" >&2
  exit 0
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data=$(mktemp -d) || { echo "plots: cannot make a temporary directory (TMPDIR=${TMPDIR:-})" >&2; exit 2; }
stage=""
trap 'rm -rf "$data" ${stage:+"$stage"}' EXIT
# Charts are drawn into a staging directory beside $out ($final) and replace the old ones
# only when every one is complete (publish): a full disk or a gnuplot error leaves the
# charts as they were, says so in one line and exits 2 (gnuplot exits 0 on a short write).
final=$out
mkdir -p "$final" 2>/dev/null && stage=$(mktemp -d "$final/.stage.XXXXXX" 2>/dev/null) ||
  { echo "plots: cannot write in $final (a full disk? no permission?): the charts are as they were" >&2; exit 2; }
out=$stage
# publish: every staged chart complete (an SVG ends with </svg>, a PNG with its IEND chunk),
# then each renamed into place.
publish() {
  local f bad=""
  for f in "$stage"/*; do
    [ -e "$f" ] || continue
    case $f in
      *.svg) tail -c 64 "$f" | grep -q '</svg>' || bad="$bad ${f##*/}" ;;
      *.png) [ "$(tail -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 49454e44ae426082 ] || bad="$bad ${f##*/}" ;;
    esac
  done
  if [ -n "$bad" ]; then
    set -f -- $bad
    local some="$1${2:+ $2}${3:+ $3}"
    [ $# -gt 3 ] && some="$some and $(($# - 3)) more"
    echo "plots: incomplete charts (a full disk?): $some: none replaced, the charts in $final are as they were" >&2
    exit 2
  fi
  local drawn=" "
  for f in "$stage"/*; do
    [ -e "$f" ] || continue
    drawn="$drawn${f##*/} "
    mv -f "$f" "$final/" || { echo "plots: cannot move ${f##*/} into $final: the rest are as they were" >&2; exit 2; }
  done
  # The directory holds this result's charts only: one an earlier result had and this one
  # does not (a family it lacks) would be shown beside them as if it were of this run.
  for f in "$final"/*.svg "$final"/*.png; do
    [ -e "$f" ] || continue
    case $drawn in *" ${f##*/} "*) ;; *) rm -f "$f" ;; esac
  done
}
# A gnuplot that fails (its error on stderr) ends the drawing the same way.
gnuplot() { command gnuplot "$@" || { echo "plots: gnuplot failed (exit $?): the charts in $final are as they were" >&2; exit 2; }; }
