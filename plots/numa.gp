# families: machine
load here."/common.gp"
set title title_text
set xlabel "memory on node"
set ylabel "threads on node"
set format x "%g"
set format y "%g"
unset grid
unset key
set autoscale xfix
set autoscale yfix
set offsets 0.5, 0.5, 0.5, 0.5
set xtics 1
set ytics 1
set cblabel unit
set palette defined (0 "#f7fbff", 1 "#6baed6", 2 "#08306b")
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 700,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 700,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/".file u 2:1:3 w image notitle, data."/".file u 2:1:(sprintf("%.3g", $3)) w labels font ",10" tc rgb "#d62728" notitle
}
