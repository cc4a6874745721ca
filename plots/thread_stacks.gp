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
# Resident memory need not depend on the stack size reserved: where the two resident lines
# meet, the 8 MiB one is drawn wide and light beneath the other, and the chart says so.
set label 101 "resident: the wide light line (8 MiB stacks) lies beneath the 2 MiB one wherever they meet" at graph 0.02, graph 0.06 left font ",9" tc rgb "#555555"
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/thr_vm_8192.dat" u 1:2 w lp ls 1 t "reserved, 8 MiB stacks", \
       data."/thr_vm_2048.dat" u 1:2 w lp ls 2 t "reserved, 2 MiB stacks", \
       data."/thr_rss_8192.dat" u 1:2 w lp lc rgb "#9ecae1" lw 7 pt 6 ps 2.2 t "resident, 8 MiB stacks (wide)", \
       data."/thr_rss_2048.dat" u 1:2 w lp ls 2 dt 2 t "resident, 2 MiB stacks"
}
