# families: hierarchy
load here."/common.gp"
set title "Bandwidth vs working set (STREAM byte accounting)"
set xlabel "working set (all arrays)"
set ylabel "bandwidth (GB/s, 1 GB = 10^9 bytes)"
set logscale x 2
@bytes_axis
set logscale y 10
set format y "%g"
set key top right
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
d = dists("bw_read bw_write bw_copy bw_triad bw_write_nt bw_copy_nt", "$2/1e9") # disturbed points, as red rings
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/bw_read.dat" u 1:($2/1e9) w lp ls 1 t "read", \
       data."/bw_write.dat" u 1:($2/1e9) w lp ls 2 t "write", \
       data."/bw_copy.dat" u 1:($2/1e9) w lp ls 3 t "copy", \
       data."/bw_triad.dat" u 1:($2/1e9) w lp ls 4 t "triad", \
       data."/bw_write_nt.dat" u 1:($2/1e9) w lp ls 5 dt 2 t "write, non-temporal", \
       data."/bw_copy_nt.dat" u 1:($2/1e9) w lp ls 6 dt 2 t "copy, non-temporal" @d
}
