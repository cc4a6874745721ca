#!/usr/bin/env bash
# draw.sh RESULT OUTDIR MBEXTRACT [VIEWS]: every chart of a membench result, as SVG and PNG.
# The charts the families declare (MB_CHART) come from the result (or from VIEWS, what
# `membench --mb_views` prints, for a result recorded before they were declared) through
# mbextract --charts; a family that declares none gets the default chart (default.gp). The
# data come from the result through mbextract; a chart whose benchmarks are not in the result
# is skipped with a line saying so.
set -euo pipefail
result=$1 out=$2 ex=$3 views=${4:-}
. "$(dirname "$0")/start.sh"
x() { "$ex" "$result" "$@"; }
# The declared charts' data and scripts, from one read.
if [ -n "$views" ]; then x --charts "$data" "$views" > "$data/charts.list"; else x --charts "$data" > "$data/charts.list"; fi

# Cache sizes as vertical lines: dashed for hwloc's claim, solid for what the curve showed;
# their names at the top, the detected one left of its line, hwloc's right of its own (the
# curves are low there at small working sets, and nowhere near the top at large ones).
x --caches | awk '
  $1 == "hwloc"    { printf "set arrow from %s, graph 0 to %s, graph 1 nohead dt 2 lw 1 lc rgb \"#888888\"\n", $3, $3;
                     printf "set label \"hwloc L%s\" at %s, graph 0.98 right rotate by 90 offset 1,0 font \",9\" tc rgb \"#666666\"\n", $2, $3 }
  $1 == "detected" { printf "set arrow from %s, graph 0 to %s, graph 1 nohead lw 1.5 lc rgb \"#cc3333\"\n", $3, $3;
                     printf "set label \"detected L%s\" at %s, graph 0.98 right rotate by 90 offset -0.4,0 font \",9\" tc rgb \"#cc3333\"\n", $2, $3 }' \
  > "$data/caches.gp"

# Both reach gnuplot inside quotes: only the characters of a machine name pass (mbextract
# refuses any other name; a file name is reduced to them).
machine=$(x --machine) || exit 2
# The footer says when the run was (latest.json's date, not its file name).
stamp="run of $(x --date)"
# The declared charts: each with its script from mbextract --charts (names it checked: plain
# file names); "family F" for each family that declares some (no default chart for it).
declared=""
while read -r what name; do
  case $what in
    family) declared="$declared $name" ;;
    draw)
      gnuplot -e "here='$here'; data='$data'; out='$out/$name'; machine='$machine'; stamp='$stamp'" "$data/chart_$name.gp"
      echo "plots: $final/$name.svg and .png" ;;
    skip) echo "plots: $name skipped: its benchmarks are not in $result" ;;
  esac
done < "$data/charts.list"
# Every family that declares no chart gets the default chart, from what the result says of it
# (mbextract --family-charts, one read of the result for all of them); nothing to edit here
# when a family is added.
# shellcheck disable=SC2086 # the declaring families are words
for fam in $(x --family-charts "$data" $declared); do
  { read -r xname logx logy blocks; read -r unit; read -r title; } < "$data/family_$fam.meta"
  if [ "${blocks:-0}" -gt 0 ]; then
    hasx=$([ "$xname" = - ] && echo 0 || echo 1)
    gnuplot -e "here='$here'; data='$data'; out='$out/family_$fam'; machine='$machine'; stamp='$stamp'; file='$data/family_$fam.dat'; hasx=$hasx; xname='$xname'; logx=$logx; logy=$logy; blocks=$blocks; unit='$unit'; title_text='$title'" "$here/default.gp"
    echo "plots: $final/family_$fam.svg and .png (the default chart)"
  else
    echo "plots: family_$fam skipped: no measured entry with a primary figure in $result"
  fi
done
publish
