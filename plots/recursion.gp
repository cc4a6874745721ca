# families: recursion
load here."/common.gp"
set title "Recursion depth at stack overflow (SIGSEGV), by locals per frame"
set xlabel "locals per frame"
set ylabel "depth reached (frames)"
set logscale x 2
bytes_step = 1
@bytes_axis
set logscale y 10
set format y "%.0s%c"
set key top right
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/rec_main.dat" u 1:2 w lp ls 1 t "main thread (RLIMIT_STACK)", \
       data."/rec_8192.dat" u 1:2 w lp ls 2 t "thread, 8 MiB stack", \
       data."/rec_2048.dat" u 1:2 w lp ls 3 t "thread, 2 MiB stack", \
       data."/rec_256.dat" u 1:2 w lp ls 4 t "thread, 256 KiB stack"
}
