# families: python
load here."/common.gp"
# The lesson's Python half in four panels: what survivors keep resident after del; a call
# against a loop step by depth (log x); sys.getsizeof against the deep size (log y); how deep
# recursion went, pure Python against through C (log y).
set label 100 footer at screen 0.99, screen 0.975 right font ",8" tc rgb "#999999"
set style fill solid 0.8 border -1
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 1100,860 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 1100,860 font "Sans,10" noenhanced; set output out.".png" }
  set multiplot layout 2,2 title "CPython ".pyver.": what the lesson says, measured" font ",13" margins 0.07, 0.98, 0.1, 0.9 spacing 0.08, 0.14

  set title "after del of 3 x 10^6 floats: resident memory kept" font ",11"
  set xlabel "floats kept of every 64 (evenly spread)"
  set ylabel "% of the list's memory still resident"
  unset logscale
  set xrange [-2:66]
  set yrange [0:110]
  set xtics (0, 8, 16, 32, 48, 64)
  set key bottom right
  plot data."/py_retain.dat" u 1:2 w lp ls 1 t "kept resident", \
       data."/py_retain.dat" u 1:($1 / 64.0 * 100) w l ls 7 dt 2 t "the survivors' own share"

  set title "sum of 1..n: time per term" font ",11"
  set xlabel "n (recursion depth)"
  set ylabel "ns per term"
  set xrange [*:*]
  set yrange [0:*]
  set logscale x 10
  set xtics auto
  set key top left
  plot data."/py_call.dat" u 1:($2 / $1) w lp ls 2 t "recursive call", \
       data."/py_loop.dat" u 1:($2 / $1) w lp ls 1 t "loop step"

  set title "sys.getsizeof (shallow) against the deep size" font ",11"
  unset xlabel
  set ylabel "bytes"
  unset logscale
  set logscale y 10
  set yrange [10:*]
  set format y "%.0s%c"
  set style data histogram
  set style histogram clustered gap 1
  set boxwidth 0.9
  set xtics rotate by -30 font ",9"
  set key top left
  plot data."/py_sizes.dat" u 2:xtic(1) ls 1 t "sys.getsizeof", '' u 3 ls 2 t "deep (gc.get_referents)"

  set title "recursion at sys.setrecursionlimit(10^6): depth reached" font ",11"
  set ylabel "levels"
  set yrange [1000:*]
  set xtics norotate font ",9"
  set key off
  plot data."/py_depths.dat" u 2:xtic(1) ls 3
  unset multiplot
  set format y "%g"
  unset style data
}
