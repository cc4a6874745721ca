# families: hierarchy
# The core-to-core matrix: a cache line's round trip between PUs A and B (hierarchy/c2c), both
# axes in topology order (compact: SMT siblings, then cores sharing a cache), OS indices as
# tic labels; pairs a sampled run did not measure stay blank.
load here."/common.gp"
set title "Core to core: a cache line's round trip between two PUs"
set xlabel "PU (OS index), topology order"
set ylabel "PU (OS index), topology order"
unset grid
unset key
set size square
set offsets 0.5, 0.5, 0.5, 0.5
set cblabel "ns per round trip"
set palette defined (0 "#f7fbff", 1 "#6baed6", 2 "#08306b")
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
load data."/c2c_tics.gp"
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 700,640 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 700,640 font "Sans,10" noenhanced; set output out.".png" }
  if (labels) {
    plot data."/c2c.dat" u 1:2:3 w points pt 5 ps sq palette notitle, data."/c2c.dat" u 1:2:(sprintf("%.3g", $3)) w labels font ",8" tc rgb "#d62728" notitle
  } else {
    plot data."/c2c.dat" u 1:2:3 w points pt 5 ps sq palette notitle
  }
}
