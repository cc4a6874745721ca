# families: traverse
load here."/common.gp"
set title "Cache-unfriendly over cache-friendly order on a row-major n x n matrix of doubles"
set xlabel "n (matrix is n x n doubles)"
set ylabel "time ratio: the order named first over the second"
set logscale x 2
set logscale y 10
set format x "%g"
set format y "%g"
set key bottom left
# The x axis ends where the data do (a little margin each side), never at the next power of 2.
stats data."/tr_ratio.dat" u 1 nooutput
set xrange [STATS_min / 1.12 : STATS_max * 1.12]
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
set label 101 "lines: n = 2^k;  open symbols: n next to 2^k" at graph 0.99, graph 0.04 right font ",9" tc rgb "#555555"
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/tr_ratio_pow2.dat" u 1:2 w lp ls 4 t "column-order sum / row-order sum", \
       data."/tr_ratio_pow2.dat" u 1:3 w lp ls 3 t "column order in strips of 8 rows / row-order sum", \
       data."/tr_ratio_pow2.dat" u 1:4 w lp ls 2 t "column-order scale (b = 2a) / row-order scale", \
       data."/tr_ratio_pow2.dat" u 1:5 w lp ls 5 t "naive transpose / blocked transpose", \
       data."/tr_ratio_other.dat" u 1:2 w p lc rgb "#d62728" pt 10 ps 1.1 notitle, \
       data."/tr_ratio_other.dat" u 1:3 w p lc rgb "#2ca02c" pt 8 ps 1.1 notitle, \
       data."/tr_ratio_other.dat" u 1:4 w p lc rgb "#ff7f0e" pt 4 ps 1.1 notitle, \
       data."/tr_ratio_other.dat" u 1:5 w p lc rgb "#9467bd" pt 12 ps 1.1 notitle, \
       1 w l lc rgb "#888888" dt 2 notitle
}
