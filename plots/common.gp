# common.gp: shared look of every chart; each chart script sets `title_text` and calls
# `render` twice (SVG, then PNG) through the loop below.
set encoding utf8
set key top left box opaque font ",10" spacing 1.1
set grid xtics ytics mxtics mytics lc rgb "#dddddd" lw 1
set border lw 1
set tics font ",10"
set xlabel font ",11"
set ylabel font ",11"
set title font ",13"
set style line 1 lc rgb "#1f77b4" lw 2 pt 7 ps 0.6
set style line 2 lc rgb "#ff7f0e" lw 2 pt 5 ps 0.6
set style line 3 lc rgb "#2ca02c" lw 2 pt 9 ps 0.7
set style line 4 lc rgb "#d62728" lw 2 pt 11 ps 0.7
set style line 5 lc rgb "#9467bd" lw 2 pt 13 ps 0.7
set style line 6 lc rgb "#8c564b" lw 2 pt 3 ps 0.7
set style line 7 lc rgb "#7f7f7f" lw 2 pt 1 ps 0.7
# Bytes on a log2 axis, as the report writes them (16 B, 4 KiB, 1 MiB; gnuplot's %B would say
# "ki"): a chart with bytes on x runs @bytes_axis, with a tic every power of 4 (bytes_step 2)
# or of 2 (bytes_step 1).
bytes_label(x) = x >= 2.0**40 ? sprintf("%g TiB", x / 2.0**40) : x >= 2.0**30 ? sprintf("%g GiB", x / 2.0**30) : \
                 x >= 2.0**20 ? sprintf("%g MiB", x / 2.0**20) : x >= 2.0**10 ? sprintf("%g KiB", x / 2.0**10) : sprintf("%g B", x)
bytes_step = 2
bytes_axis = "set offsets graph 0.01, graph 0.01, 0, 0; set mxtics default; set xtics (); do for [e = 0:40:bytes_step] { set xtics add (bytes_label(2.0**e) 2.0**e) }"
footer = sprintf("membench · %s · %s", machine, stamp)
# Points measured while something else had the CPU (mbextract writes NAME_disturbed.dat beside
# NAME.dat: the points whose every repetition was disturbed), as red rings over their series:
# dist(NAME, YEXPR, TITLED) is a plot clause to append with @ (empty when there is none), e.g.
#   d = dist("lat_random", "$2", 1); plot data."/lat_random.dat" u 1:2 w lp @d
# TITLED: 1 for the first of a chart, so the key says it once.
set style line 100 lc rgb "#d62728" pt 6 ps 2.2 lw 2
dist_title = "disturbed: something else had the CPU"
dist_file(name) = sprintf("%s/%s_disturbed.dat", data, name)
dist(name, yexpr, titled) = system(sprintf("test -s '%s' && echo y", dist_file(name))) eq "y" ? \
  sprintf(", '%s' u 1:(%s) w p ls 100 t '%s'", dist_file(name), yexpr, titled ? dist_title : "") : ""
# The same for several series NAMES (a space-separated list), the key entry on the first
# that has any: d = dists("bw_read bw_write", "$2/1e9")
dists_(names, yexpr, i, titled) = i > words(names) ? "" : \
  (dist(word(names, i), yexpr, titled) eq "" ? dists_(names, yexpr, i + 1, titled) : \
   dist(word(names, i), yexpr, titled).dists_(names, yexpr, i + 1, 0))
dists(names, yexpr) = dists_(names, yexpr, 1, 1)
