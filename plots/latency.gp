# families: hierarchy
load here."/common.gp"
set title "Load latency vs working set (dependent loads)"
set xlabel "working set"
set ylabel "latency per load (ns; median of each run's five slices)"
set key outside top center horizontal
set logscale x 2
@bytes_axis
set logscale y 10
set format y "%g"
load data."/caches.gp"
load data."/lat_1g.gp"
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
d = dists("lat_random lat_huge lat_seq lat_1g", "$2") # disturbed points, as red rings
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/lat_random.dat" u 1:2 w lp ls 1 t "random chase, 4 KiB pages", \
       data."/lat_huge.dat" u 1:2 w lp ls 3 t "random chase, 2 MiB pages", \
       data."/lat_seq.dat" u 1:2 w lp ls 2 t "sequential chase (prefetched)" @g1 @d
}
