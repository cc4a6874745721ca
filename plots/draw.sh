#!/usr/bin/env bash
# draw.sh RESULT OUTDIR MBEXTRACT [VIEWS]: every chart of a membench result, as SVG and PNG.
# The charts the families declare (MB_CHART) come from the result (or from VIEWS, what
# `membench --mb_views` prints, for a result recorded before they were declared) through
# mbextract --charts; the scripts here draw the rest. The data come from the result through
# mbextract; a chart whose families are not in the result is skipped with a line saying so.
set -euo pipefail
result=$1 out=$2 ex=$3 views=${4:-}
. "$(dirname "$0")/start.sh"
x() { "$ex" "$result" "$@"; }
# Every series is one line of a spec ("NAME PREFIX FIELD [COMPONENT]"); mbextract --batch
# writes them all from one read of the result (a large result would take a minute a read).
spec=$data/spec
series() { echo "$*" >> "$spec"; }
batch() { x --batch "$spec" "$data" && : > "$spec"; }

# Series: file name, prefix, field.
cat >> "$spec" <<'LIST'
pf_untouched stack/heap_untouched real_time
pf_first stack/heap_first_touch real_time
pf_populate stack/heap_populate real_time
pf_huge stack/heap_hugepage real_time
LIST

for v in row_sum col_sum blocked_col_sum row_scale col_scale transpose_naive transpose_blocked; do
  series tr_$v traverse/$v real_time
done
for op in load store; do
  for w in l1_line l1_page dram_line dram_page; do
    for sz in 4 8 16 32 64; do series ag_raw_${op}_${w}_$sz align/${op}_$w/size:$sz items_per_second; done
  done
done
series py_retain python/retain retained_pct
series py_call python/call_recursive real_time
series py_loop python/sum_iterative real_time
series py_rec_pure python/recursion_pure depth
series py_rec_c python/recursion_via_c depth
series py_end_pure python/recursion_pure ending
series py_end_c python/recursion_via_c ending
py_sized="list3 list3_floats dict3 str16 float tuple3 ndarray_1m ndarray_view"
for w in $py_sized; do
  series py_sz_$w python/getsizeof_$w getsizeof_bytes
  series py_deep_$w python/getsizeof_$w deep_bytes
done
# The core-to-core matrix: per PU A, its pairs' round trips and the places in topology order.
for a in $(seq 0 255); do
  series c2c_t_$a hierarchy/c2c/a:$a real_time
  series c2c_ra_$a hierarchy/c2c/a:$a a_rank
  series c2c_rb_$a hierarchy/c2c/a:$a b_rank
done
for i in $(seq 0 63); do
  series mc_numa_latency_$i machine/numa_latency/from:$i latency_ns
  series mc_numa_bandwidth_$i machine/numa_bandwidth/from:$i bytes_per_second
done
batch
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

# Page-fault cost per base page at 512 pages, as dots with their values.
: > "$data/pagefault.dat"
for pf in "mapped, never touched:pf_untouched" "first touch of each page:pf_first" "MAP_POPULATE:pf_populate" \
  "in a 2 MiB huge page:pf_huge"; do
  awk -v l="${pf%%:*}" '$1 == 512 { printf "\"%s\" %.6g\n", l, $2 / 512 / 1000 }' "$data/${pf##*:}.dat" >> "$data/pagefault.dat"
done
# Traversal: each variant's time over the row-order sum's (or the blocked transpose's), by n.
paste "$data/tr_row_sum.dat" "$data/tr_col_sum.dat" "$data/tr_blocked_col_sum.dat" "$data/tr_row_scale.dat" \
  "$data/tr_col_scale.dat" "$data/tr_transpose_naive.dat" "$data/tr_transpose_blocked.dat" |
  awk 'NF == 14 && $1 == $3 && $1 == $13 { print $1, $4 / $2, $6 / $2, $10 / $8, $12 / $14 }' > "$data/tr_ratio.dat"
# Powers of two (the lines) apart from the sizes beside them (points only): a line from 1024
# to 1028 would draw a needle where conflict misses change the answer within 0.4% of n.
awk '{ n = $1; while (n > 1 && n % 2 == 0) n /= 2; print > (n == 1 ? pow2 : other) }' \
  pow2="$data/tr_ratio_pow2.dat" other="$data/tr_ratio_other.dat" "$data/tr_ratio.dat"
touch "$data/tr_ratio_pow2.dat" "$data/tr_ratio_other.dat"
# Misalignment: "offset log2(size) time/time-at-offset-0" per operation and placement.
for op in load store; do
  for w in l1_line l1_page dram_line dram_page; do
    : > "$data/ag_${op}_$w.dat"
    for sz in 4 8 16 32 64; do
      awk -v l="$(awk -v s=$sz 'BEGIN { print log(s) / log(2) }')" \
        'NR == 1 { base = $2 } base > 0 { print $1, l, base / $2 }' "$data/ag_raw_${op}_${w}_$sz.dat" >> "$data/ag_${op}_$w.dat"
    done
  done
done
# Python: "label shallow deep" per object measured; "label depth" per kind of recursion.
: > "$data/py_sizes.dat"
for w in $py_sized; do
  paste "$data/py_sz_$w.dat" "$data/py_deep_$w.dat" | awk -v l="$w" 'NF == 4 { print "\"" l "\"", $2, $4 }' >> "$data/py_sizes.dat"
done
: > "$data/py_depths.dat"
for r in "pure Python:pure" "via C (repr):c"; do
  paste "$data/py_rec_${r##*:}.dat" "$data/py_end_${r##*:}.dat" | awk -v l="${r%%:*}" 'NF == 4 {
    e = $4 == 1 ? "RecursionError" : $4 == 2 ? "MemoryError" : $4 == 3 ? "returned" : $4 == 4 ? "a signal" : "?"
    print "\"" l ": " e "\"", $2 }' >> "$data/py_depths.dat"
done
# NUMA matrices as "from to value".
for m in latency bandwidth; do
  : > "$data/mc_numa_$m.dat"
  for i in $(seq 0 63); do
    [ -s "$data/mc_numa_${m}_$i.dat" ] || break
    awk -v i="$i" '{ print i, $1, $2 }' "$data/mc_numa_${m}_$i.dat" >> "$data/mc_numa_$m.dat"
  done
done

# The core-to-core matrix as "place(A) place(B) ns", both ways, and the tics: each place
# labelled with its PU's OS index.
: > "$data/c2c.dat"
: > "$data/c2c_places"
for a in $(seq 0 255); do
  [ -s "$data/c2c_t_$a.dat" ] || continue
  ra=$(awk 'NR == 1 { print $2 }' "$data/c2c_ra_$a.dat")
  [ -n "$ra" ] || continue
  echo "$ra $a" >> "$data/c2c_places"
  join "$data/c2c_t_$a.dat" "$data/c2c_rb_$a.dat" | awk -v ra="$ra" -v a="$a" '{ print ra, $3, $2; print $3, ra, $2; print $3 " " $1 > "/dev/stderr" }' \
    >> "$data/c2c.dat" 2>> "$data/c2c_places"
done
if [ -s "$data/c2c.dat" ]; then
  n=$(sort -un "$data/c2c_places" | wc -l)
  sort -un "$data/c2c_places" | awk -v n="$n" '
    { tics = tics (NR > 1 ? ", " : "") sprintf("\"%d\" %d", $2, $1) }
    END { printf "set xtics (%s) rotate by 90 font \",%d\"\nset ytics (%s) font \",%d\"\n", tics, (n > 32 ? 6 : 9), tics, (n > 32 ? 6 : 9)
          printf "labels = %d\nsq = %g\n", (n <= 16), (n > 1 ? 40.0 / n : 4) }' > "$data/c2c_tics.gp"
fi

# Both reach gnuplot inside quotes: only the characters of a machine name pass (mbextract
# refuses any other name; a file name is reduced to them).
machine=$(x --machine) || exit 2
# The footer says when the run was (latest.json's date, not its file name).
stamp="run of $(x --date)"
need() { for f in "$@"; do [ -s "$data/$f.dat" ] || return 1; done; }
draw() {
  local chart=$1; shift
  if need "$@"; then
    gnuplot -e "here='$here'; data='$data'; out='$out/$chart'; machine='$machine'; stamp='$stamp'" "$here/$chart.gp"
    echo "plots: $final/$chart.svg and .png"
  else
    echo "plots: $chart skipped: its benchmarks are not in $result"
  fi
}
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
draw pagefault pagefault
draw traverse tr_ratio
if need py_retain py_sizes; then
  gnuplot -e "here='$here'; data='$data'; out='$out/python'; machine='$machine'; stamp='$stamp'; pyver='$(head -c 32 "$data/python_version")'" "$here/python.gp"
  echo "plots: $final/python.svg and .png"
else
  echo "plots: python skipped: the lesson's Python benchmarks are not in $result"
fi
draw c2c c2c
for m in latency bandwidth; do
  if need mc_numa_$m; then
    unit=$([ $m = latency ] && echo "ns per load" || echo "bytes/s")
    gnuplot -e "here='$here'; data='$data'; out='$out/numa_$m'; machine='$machine'; stamp='$stamp'; file='mc_numa_$m.dat'; title_text='NUMA $m: threads on node I, memory on node J'; unit='$unit'" "$here/numa.gp"
    echo "plots: $final/numa_$m.svg and .png"
  else
    echo "plots: numa_$m skipped: one NUMA node (or no machine family) in $result"
  fi
done
for level in l1 dram; do
  if need ag_load_${level}_line ag_store_${level}_page; then
    gnuplot -e "here='$here'; data='$data'; out='$out/align_$level'; machine='$machine'; stamp='$stamp'; level='$level'" "$here/align.gp"
    echo "plots: $final/align_$level.svg and .png"
  else
    echo "plots: align_$level skipped: its benchmarks are not in $result"
  fi
done

# Every family that declares no chart and that no script here draws (their first line:
# "# families: NAME...") gets the default chart, from what the result says of it (mbextract
# --family); nothing to edit here when a family is added.
# One read of the result for all of them (mbextract --family-charts).
drawn="$(sed -s -n '1s/^# families: //p' "$here"/*.gp | tr '\n' ' ')$declared"
# shellcheck disable=SC2086 # the drawn families are words
for fam in $(x --family-charts "$data" $drawn); do
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
