# families: machine
load here."/common.gp"
set title "Memory bandwidth vs threads (working set ".wslabel.", STREAM byte accounting)"
set xlabel "threads"
set ylabel "bandwidth, all threads (GB/s, 1 GB = 10^9 bytes)"
set format x "%g"
set logscale x 2
set xtics 2
set yrange [0:*]
set key top left
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
d = dists("mc_read_compact mc_read_scatter mc_write_compact mc_write_scatter mc_copy_compact mc_copy_scatter mc_triad_compact mc_triad_scatter", "$2/1e9") # disturbed points, as red rings
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/mc_read_compact.dat" u 1:($2/1e9) w lp ls 1 t "read, compact", \
       data."/mc_read_scatter.dat" u 1:($2/1e9) w lp ls 1 dt 2 t "read, scatter", \
       data."/mc_write_compact.dat" u 1:($2/1e9) w lp ls 2 t "write, compact", \
       data."/mc_write_scatter.dat" u 1:($2/1e9) w lp ls 2 dt 2 t "write, scatter", \
       data."/mc_copy_compact.dat" u 1:($2/1e9) w lp ls 3 t "copy, compact", \
       data."/mc_copy_scatter.dat" u 1:($2/1e9) w lp ls 3 dt 2 t "copy, scatter", \
       data."/mc_triad_compact.dat" u 1:($2/1e9) w lp ls 4 t "triad, compact", \
       data."/mc_triad_scatter.dat" u 1:($2/1e9) w lp ls 4 dt 2 t "triad, scatter" @d
}
