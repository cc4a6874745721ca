#!/usr/bin/env bash
# machines.sh OUTDIR MBEXTRACT [--views=FILE] RESULT...: the charts the families declare for
# machines side by side (MB_CHART's .machines: each machine's curves on one chart, a bar per
# machine), as SVG and PNG in OUTDIR. Their data and scripts come from every result through
# mbextract --machines (VIEWS, what `membench --mb_views` prints, for results recorded before
# a chart was declared); a chart no result has data for is skipped with a line saying so.
set -euo pipefail
out=$1 ex=$2
shift 2
views=()
if [ "${1:-}" != "${1#--views=}" ]; then views=("$1"); shift; fi
. "$(dirname "$0")/start.sh"
names="" days=""
for result in "$@"; do
  # Machine names reach gnuplot inside quotes: mbextract refuses any but plain names.
  m=$("$ex" "$result" --machine) || exit 2
  names="$names $m"
  days="$days $("$ex" "$result" --date)"
done
first=$1
shift
"$ex" "$first" --machines "$data" "${views[@]}" "$@" > "$data/charts.list"
machine=$(echo $names | sed 's/ / vs /g')
stamp="runs of$(echo "$days" | tr ' ' '\n' | sort -u | tr '\n' ' ' | sed 's/ *$//')"
while read -r what name; do
  case $what in
    draw)
      gnuplot -e "here='$here'; data='$data'; out='$out/$name'; machine='$machine'; stamp='$stamp'" "$data/chart_$name.gp"
      echo "plots: $final/$name.svg and .png" ;;
    skip) echo "plots: $name skipped: no result has its benchmarks" ;;
  esac
done < "$data/charts.list"
publish
