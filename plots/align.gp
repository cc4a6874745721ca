# families: align
# align.gp: misaligned access cost as a heatmap, one panel per operation and placement;
# `level` is "l1" or "dram". Colour: time per access relative to offset 0 of the same size.
load here."/common.gp"
set xlabel "offset in the cache line (bytes)"
set ylabel "access size (bytes)"
set xrange [-1:64]
set yrange [1.5:6.5]
set ytics ("4" 2, "8" 3, "16" 4, "32" 5, "64" 6)
set xtics 0, 8, 63
set format x "%g"
set mxtics 1
set key off
set logscale cb 2
set cbrange [0.5:16]
set cblabel "time / time at offset 0"
set palette defined (0 "#2c7bb6", 1 "#ffffbf", 2 "#fdae61", 3 "#d7191c")
set label 100 footer at screen 0.99, screen 0.01 right font ",8" tc rgb "#999999"
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 1100,800 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 1100,800 font "Sans,10" noenhanced; set output out.".png" }
  set multiplot layout 2,2 title sprintf("Misaligned loads and stores in %s: where the line (and page) splits cost", level eq "l1" ? "L1" : "memory")
  do for [op in "load store"] {
    do for [w in "line page"] {
      set title sprintf("%s, %s", op, w eq "line" ? "splitting a cache line" : "the last line of a page: splits cross the page")
      plot data."/ag_".op."_".level."_".w.".dat" u 1:2:3 w points pt 5 ps 2.2 palette
    }
  }
  unset multiplot
}
