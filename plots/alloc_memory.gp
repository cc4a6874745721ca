# families: alloc
load here."/common.gp"
set title "8 MiB requested in blocks of one size: peak RSS (solid) and bytes handed out (dashed)"
set xlabel "block size requested"
set ylabel "bytes per byte requested"
set logscale x 2
set format y "%g"
set format x "%g B"
set key top right
set yrange [0.8:*]
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/al_rss_pool.dat" u 1:2 w lp ls 1 t "pool", \
       data."/al_rss_freelist.dat" u 1:2 w lp ls 2 t "free list", \
       data."/al_rss_bump.dat" u 1:2 w lp ls 3 t "bump region", \
       data."/al_rss_glibc.dat" u 1:2 w lp ls 4 t "glibc", \
       data."/al_rss_jemalloc.dat" u 1:2 w lp ls 5 t "jemalloc", \
       data."/al_rss_mimalloc.dat" u 1:2 w lp ls 6 t "mimalloc", \
       data."/al_rss_tcmalloc.dat" u 1:2 w lp ls 7 t "tcmalloc", \
       data."/al_frag_pool.dat" u 1:2 w l ls 1 dt 2 notitle, \
       data."/al_frag_glibc.dat" u 1:2 w l ls 4 dt 2 notitle, \
       data."/al_frag_jemalloc.dat" u 1:2 w l ls 5 dt 2 notitle, \
       data."/al_frag_mimalloc.dat" u 1:2 w l ls 6 dt 2 notitle, \
       data."/al_frag_tcmalloc.dat" u 1:2 w l ls 7 dt 2 notitle
}
