# families: stack
load here."/common.gp"
set title "What a fresh page costs (512 base pages mapped, touched, unmapped)"
set ylabel "time per page (µs, log scale)"
# A log axis has no zero for a bar to start from: each cost is a dot with its value.
set logscale y 10
set format y "%g"
set grid noxtics
set key off
set xrange [-0.6:3.6]
set offsets 0, 0, graph 0.1, graph 0.1
set xtics scale 0
set bmargin 4
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/pagefault.dat" u 0:2:xtic(1) w p pt 7 ps 1.8 lc rgb "#1f77b4", \
       data."/pagefault.dat" u 0:2:(sprintf("%.3g µs", $2)) w labels offset 0,1.4 font ",10"
}
