# default.gp: the chart of a family no script here draws (families: none of its own), from
# what the result says of it: mbextract --family wrote `file` (one block per variant, each
# under a title line, or "label value" lines) and draw.sh passes hasx, logx, logy, blocks,
# unit, title_text and xname, all reduced to plain characters.
load here."/common.gp"
set format x "%g"
set title title_text
set ylabel unit
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
if (logy) { set logscale y 10 }
if (hasx) {
  set xlabel xname
  if (logx) { set logscale x 2 }
  set key outside right top
} else {
  set style fill solid 0.6 border -1
  set boxwidth 0.6
  set xtics rotate by -30 left
  set yrange [0:*]
  unset key
  set bmargin 8
}
# Disturbed points (mbextract: family_F_disturbed.dat beside family_F.dat), as red rings.
dfile = file[1:strlen(file) - 4]."_disturbed.dat"
d = system(sprintf("test -s '%s' && echo y", dfile)) eq "y" ? sprintf(", '%s' u 1:2 w p ls 100 t '%s'", dfile, dist_title) : ""
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  if (hasx) {
    plot for [i=0:blocks-1] file index i u 1:2 w lp ls (i % 7 + 1) t columnheader(1) @d
  } else {
    plot file u 0:2:xtic(1) w boxes ls 1 @d
  }
}
