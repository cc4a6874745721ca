# families: machine
load here."/common.gp"
# mixes, mixd, loadedd: which traffic mixes have points and rings (draw.sh).
load data."/mc_mix.gp"
mix_title(m) = m eq "read" ? "reads" : m eq "3r1w" ? "3 reads, 1 write" : m eq "2r1w" ? "2 reads, 1 write" : \
               m eq "1r1w" ? "1 read, 1 write" : m eq "2r1w_nt" ? "2 reads, 1 non-temporal write" : m
# Plot clauses for what there is (gnuplot walks an empty `for` once).
curves = words(mixes) == 0 ? "" : \
  ', for [i = 1:words(mixes)] data."/mc_mix_".word(mixes, i).".dat" u ($2/1e9):3 w lp ls (i + 1) t "every other core: ".mix_title(word(mixes, i)).", by delay"'
rings = (words(mixd) == 0 ? "" : ', for [i = 1:words(mixd)] data."/mc_mix_".word(mixd, i)."_d.dat" u ($1/1e9):2 w p ls 100 t (i == 1 ? dist_title : "")') . \
        (loadedd == 0 ? "" : sprintf(', data."/mc_loaded_d.dat" u ($1/1e9):2 w p ls 100 t "%s"', words(mixd) == 0 ? dist_title : ""))
set title "Loaded latency: a random chase while other cores load memory"
set xlabel "loaders' total bandwidth (GB/s)"
set ylabel "chase latency (ns per load)"
set format x "%g"
set xrange [0:*]
set yrange [0:*]
set key bottom right opaque box
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/mc_loaded.dat" u ($2/1e9):3 w lp ls 1 t "K cores streaming reads", \
       data."/mc_loaded.dat" u ($2/1e9):3:(sprintf("%d loader%s", $1, $1 == 1 ? "" : "s")) w labels offset 0,1 font ",9" notitle @curves @rings
}
