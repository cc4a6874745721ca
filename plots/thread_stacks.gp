# families: stack
load here."/common.gp"
set title "Thread stacks: reserved (VmSize) vs resident (VmRSS) memory per thread"
set xlabel "threads alive"
set ylabel "KiB per thread"
set logscale x 2
set logscale y 10
set format x "%g"
set format y "%g"
set key center right
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/thr_vm_8192.dat" u 1:2 w lp ls 1 t "reserved, 8 MiB stacks", \
       data."/thr_vm_2048.dat" u 1:2 w lp ls 2 t "reserved, 2 MiB stacks", \
       data."/thr_rss_8192.dat" u 1:2 w lp ls 1 dt 2 t "resident, 8 MiB stacks", \
       data."/thr_rss_2048.dat" u 1:2 w lp ls 2 dt 2 t "resident, 2 MiB stacks"
}
