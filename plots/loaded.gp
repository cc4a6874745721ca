# families: machine
load here."/common.gp"
set title "Loaded latency: a random chase while other cores stream reads"
set xlabel "loaders' total read bandwidth (GB/s)"
set ylabel "chase latency (ns per load)"
set format x "%g"
set xrange [0:*]
set yrange [0:*]
set key top left
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/mc_loaded.dat" u ($2/1e9):3 w lp ls 1 t "chase latency", \
       data."/mc_loaded.dat" u ($2/1e9):3:(sprintf("%d loaders", $1)) w labels offset 0,1 font ",9" notitle
}
