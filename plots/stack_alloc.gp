# families: stack
load here."/common.gp"
set title "Cost of one allocation + release, by size (solid: untouched; dashed: every line stored to)"
set xlabel "size"
set ylabel "time per allocation (ns)"
set logscale x 2
@bytes_axis
set logscale y 10
set format y "%g"
set key top left
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
d = dists("st_vla st_alloca st_array st_malloc st_calloc st_memset st_vla_t st_malloc_t st_calloc_t", "$2") # disturbed points, as red rings
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/st_vla.dat" u 1:2 w lp ls 1 t "VLA in the loop", \
       data."/st_alloca.dat" u 1:2 w lp ls 2 t "alloca (in a call)", \
       data."/st_array.dat" u 1:2 w lp ls 3 t "fixed array (in a call)", \
       data."/st_malloc.dat" u 1:2 w lp ls 4 t "malloc + free", \
       data."/st_calloc.dat" u 1:2 w lp ls 5 t "calloc + free", \
       data."/st_memset.dat" u 1:2 w lp ls 6 t "malloc + memset + free", \
       data."/st_vla_t.dat" u 1:2 w l ls 1 dt 2 notitle, \
       data."/st_malloc_t.dat" u 1:2 w l ls 4 dt 2 notitle, \
       data."/st_calloc_t.dat" u 1:2 w l ls 5 dt 2 notitle @d
}
