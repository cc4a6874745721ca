# families: hierarchy
load here."/common.gp"
set title "One 8-byte load every stride bytes over 64 MiB"
set xlabel "stride"
set ylabel "time per load (ns)"
set logscale x 2
bytes_step = 1
@bytes_axis
set key off
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
d = dists("stride", "$2") # disturbed points, as red rings
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/stride.dat" u 1:2 w lp ls 1 @d
}
