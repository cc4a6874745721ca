#!/usr/bin/env bash
# machines.sh OUTDIR MBEXTRACT RESULT...: charts of several machines (or runs) side by side,
# each machine's curves on one chart per family: load latency, bandwidth (read and triad) and
# malloc + free of 64 bytes per allocator, as SVG and PNG in OUTDIR. The data come from each
# result through mbextract; a chart no result has data for is skipped with a line saying so.
set -euo pipefail
out=$1 ex=$2
shift 2
. "$(dirname "$0")/start.sh"
allocators="pool freelist bump glibc jemalloc mimalloc tcmalloc pymalloc"
names="" days="" latnames="" latnote="" k=0
for result in "$@"; do
  k=$((k + 1))
  mkdir -p "$data/$k"
  # Machine names reach gnuplot inside quotes: mbextract refuses any but plain names.
  m=$("$ex" "$result" --machine) || exit 2
  case " $names " in *" $m "*) m="$m#$k" ;; esac
  names="$names $m"
  days="$days $("$ex" "$result" --date)"
  {
    echo "lat hierarchy/latency_random sample_median_ns"
    echo "bw_read hierarchy/read bytes_per_second"
    echo "bw_triad hierarchy/triad bytes_per_second"
    for a in $allocators; do echo "al_$a alloc/$a/pair real_time"; done
  } > "$data/spec"
  "$ex" "$result" --batch "$data/spec" "$data/$k"
  # A result from before latency_random reported slice medians: its run's mean time per
  # load (an iteration is one load), marked as such on the chart.
  if [ ! -s "$data/$k/lat.dat" ]; then
    "$ex" "$result" hierarchy/latency_random real_time > "$data/$k/lat.dat"
    [ -s "$data/$k/lat.dat" ] && latnote="* an older result: the mean time per load of its run, not the median of five slices" && m="$m*"
  fi
  latnames="$latnames $m"
done
n=$k
# Allocators: one row per allocator measured at 64 bytes on some machine, one column per
# machine ("-" where that machine did not measure it).
: > "$data/alloc.dat"
for a in $allocators; do
  row="$a" some=0
  for k in $(seq 1 "$n"); do
    v=$(awk '$1 == 64 { print $2 }' "$data/$k/al_$a.dat" 2>/dev/null)
    [ -n "$v" ] && some=1
    row="$row ${v:--}"
  done
  [ $some = 1 ] && echo "$row" >> "$data/alloc.dat"
done
stamp="runs of$(echo "$days" | tr ' ' '\n' | sort -u | tr '\n' ' ' | sed 's/ *$//')"
draw() {
  local chart=$1 file=$2
  if [ -n "$(find "$data" -name "$file" -size +0)" ]; then
    gnuplot -e "here='$here'; data='$data'; out='$out/$chart'; n=$n; names='${names# }'; latnames='${latnames# }'; latnote='$latnote'; machine='$(echo $names | sed 's/ / vs /g')'; chart='$chart'; stamp='$stamp'" "$here/machines.gp"
    echo "plots: $final/$chart.svg and .png"
  else
    echo "plots: $chart skipped: no result has its benchmarks"
  fi
}
draw latency lat.dat
draw bandwidth bw_read.dat
draw alloc_pair alloc.dat
publish
