# families: layout
load here."/common.gp"
set title "Summing one field (solid) or every field (dashed) of N records, by layout"
set xlabel "records"
set ylabel "time per record (ns)"
set logscale x 10
set logscale y 10
set format x "%g"
set format y "%g"
set key bottom right
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
d = dists("ly_padded_one ly_reordered_one ly_packed_one ly_soa_one ly_padded_all ly_reordered_all ly_packed_all ly_soa_all", "$2/$1") # disturbed points, as red rings
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/ly_padded_one.dat" u 1:($2/$1) w lp ls 4 t "{char a; int b; char c; double d;} 24 B", \
       data."/ly_reordered_one.dat" u 1:($2/$1) w lp ls 1 t "{double d; int b; char a; char c;} 16 B", \
       data."/ly_packed_one.dat" u 1:($2/$1) w lp ls 2 t "packed, 14 B", \
       data."/ly_soa_one.dat" u 1:($2/$1) w lp ls 3 t "struct of arrays", \
       data."/ly_padded_all.dat" u 1:($2/$1) w l ls 4 dt 2 notitle, \
       data."/ly_reordered_all.dat" u 1:($2/$1) w l ls 1 dt 2 notitle, \
       data."/ly_packed_all.dat" u 1:($2/$1) w l ls 2 dt 2 notitle, \
       data."/ly_soa_all.dat" u 1:($2/$1) w l ls 3 dt 2 notitle @d
}
