# families: alloc
load here."/common.gp"
# Two panels sharing the x axis: peak RSS on top, bytes handed out below (in one panel the
# dashed lines of the second hid under the solid lines of the first).
set logscale x 2
bytes_step = 1
@bytes_axis
set format y "%g"
set yrange [0.8:*]
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,760 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,760 font "Sans,10" noenhanced; set output out.".png" }
  set multiplot layout 2,1 title "8 MiB requested in blocks of one size, in a fresh process" font ",13"
  set title "peak resident memory per byte requested" font ",11"
  set ylabel "bytes per byte requested"
  unset xlabel
  set key top right
  plot data."/al_rss_pool.dat" u 1:2 w lp ls 1 t "pool", \
       data."/al_rss_freelist.dat" u 1:2 w lp ls 2 t "free list", \
       data."/al_rss_bump.dat" u 1:2 w lp ls 3 t "bump region", \
       data."/al_rss_glibc.dat" u 1:2 w lp ls 4 t "glibc", \
       data."/al_rss_jemalloc.dat" u 1:2 w lp ls 5 t "jemalloc", \
       data."/al_rss_mimalloc.dat" u 1:2 w lp ls 6 t "mimalloc", \
       data."/al_rss_tcmalloc.dat" u 1:2 w lp ls 7 t "tcmalloc"
  set title "bytes handed out (the usable size of each block) per byte requested" font ",11"
  set xlabel "block size requested"
  set key off
  unset label 100
  plot data."/al_frag_pool.dat" u 1:2 w lp ls 1, \
       data."/al_frag_freelist.dat" u 1:2 w lp ls 2, \
       data."/al_frag_bump.dat" u 1:2 w lp ls 3, \
       data."/al_frag_glibc.dat" u 1:2 w lp ls 4, \
       data."/al_frag_jemalloc.dat" u 1:2 w lp ls 5, \
       data."/al_frag_mimalloc.dat" u 1:2 w lp ls 6, \
       data."/al_frag_tcmalloc.dat" u 1:2 w lp ls 7
  unset multiplot
  set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
}
