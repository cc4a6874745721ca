# families: traverse
load here."/common.gp"
set title "Column order vs row order on a row-major n x n matrix of doubles: time ratio to the row-order sum"
set xlabel "n (matrix is n x n doubles)"
set ylabel "time / time of the row-order sum"
set logscale x 2
set logscale y 10
set format x "%g"
set format y "%g"
set key top left
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/tr_ratio.dat" u 1:2 w lp ls 4 t "column-order sum", \
       data."/tr_ratio.dat" u 1:3 w lp ls 3 t "column order in strips of 8 rows", \
       data."/tr_ratio.dat" u 1:4 w lp ls 2 t "column-order scale (b = 2a) / row-order scale", \
       data."/tr_ratio.dat" u 1:5 w lp ls 5 t "naive transpose / blocked transpose", \
       1 w l lc rgb "#888888" dt 2 notitle
}
