# machines.gp: one chart of several machines (machines.sh): `chart` is latency, bandwidth or
# alloc_pair; `n` results, their names in `names` (plain names: machines.sh checked them),
# each result's series under data/K/ and the allocators' table in data/alloc.dat.
load here."/common.gp"
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
set datafile missing "-"
if (chart eq "latency") {
  set title "Load latency vs working set (dependent loads, random order), by machine"
  set xlabel "working set"
  set ylabel "latency per load (ns)"
  set logscale x 2
  @bytes_axis
  set logscale y 10
  set format y "%g"
  set key top left
  if (strlen(latnote) > 0) { set label 101 latnote at graph 0.99, graph 0.96 right font ",9" tc rgb "#666666" }
}
if (chart eq "bandwidth") {
  set title "Bandwidth vs working set, by machine (solid: read, dashed: triad)"
  set xlabel "working set"
  set ylabel "GB/s (10^9 bytes per second)"
  set logscale x 2
  @bytes_axis
  set format y "%g"
  set yrange [0:*]
  set key top right
}
if (chart eq "alloc_pair") {
  set title "malloc + free of 64 bytes, by allocator and machine (smaller is better)"
  set ylabel "ns per pair"
  set format x "%g"
  set style data histograms
  set style histogram clustered gap 1
  set style fill solid 0.7 border -1
  set boxwidth 0.9
  set yrange [0:*]
  set key top left
  set bmargin 4
}
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  if (chart eq "latency") {
    plot for [k=1:n] data."/".k."/lat.dat" u 1:2 w lp ls k t word(latnames, k)
  }
  if (chart eq "bandwidth") {
    plot for [k=1:n] data."/".k."/bw_read.dat" u 1:($2/1e9) w lp ls k t word(names, k)." read", \
         for [k=1:n] data."/".k."/bw_triad.dat" u 1:($2/1e9) w lp ls k dt 2 t word(names, k)." triad"
  }
  if (chart eq "alloc_pair") {
    plot for [k=1:n] data."/alloc.dat" u (column(k+1)):xtic(1) ls k t word(names, k)
  }
}
