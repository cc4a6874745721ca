# families: alloc
load here."/common.gp"
set title "malloc + free: tight pairs (solid) and 10,000-block batches freed in random order (dashed)"
set xlabel "block size"
set ylabel "time per allocation + free (ns)"
set logscale x 2
bytes_step = 1
@bytes_axis
set logscale y 10
set format y "%g"
set key top left
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
set label 2 "pool: above 512 B it passes requests to glibc's malloc" at graph 0.5, graph 0.95 center font ",9" tc rgb "#666666"
d = dists("al_pair_pool al_pair_freelist al_pair_bump al_pair_glibc al_pair_jemalloc al_pair_mimalloc al_pair_tcmalloc", "$2") # disturbed points, as red rings
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/al_pair_pool.dat" u 1:2 w lp ls 1 t "pool (mballoc)", \
       data."/al_pair_freelist.dat" u 1:2 w lp ls 2 t "free list", \
       data."/al_pair_bump.dat" u 1:2 w lp ls 3 t "bump region", \
       data."/al_pair_glibc.dat" u 1:2 w lp ls 4 t "glibc", \
       data."/al_pair_jemalloc.dat" u 1:2 w lp ls 5 t "jemalloc", \
       data."/al_pair_mimalloc.dat" u 1:2 w lp ls 6 t "mimalloc", \
       data."/al_pair_tcmalloc.dat" u 1:2 w lp ls 7 t "tcmalloc", \
       data."/al_batch_pool.dat" u 1:(1e9/$2) w l ls 1 dt 2 notitle, \
       data."/al_batch_freelist.dat" u 1:(1e9/$2) w l ls 2 dt 2 notitle, \
       data."/al_batch_bump.dat" u 1:(1e9/$2) w l ls 3 dt 2 notitle, \
       data."/al_batch_glibc.dat" u 1:(1e9/$2) w l ls 4 dt 2 notitle, \
       data."/al_batch_jemalloc.dat" u 1:(1e9/$2) w l ls 5 dt 2 notitle, \
       data."/al_batch_mimalloc.dat" u 1:(1e9/$2) w l ls 6 dt 2 notitle, \
       data."/al_batch_tcmalloc.dat" u 1:(1e9/$2) w l ls 7 dt 2 notitle @d
}
