# families: stack
load here."/common.gp"
set title "What a fresh 4 KiB page costs (512 pages mapped, touched, unmapped)"
set ylabel "time per page (µs)"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.6
set logscale y 10
set format y "%g"
set format x "%g"
set grid noxtics
set key off
set yrange [0.001:*]
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/pagefault.dat" u 2:xtic(1) lc rgb "#1f77b4"
}
