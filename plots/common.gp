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
# Bytes on a log2 axis: 4 KiB, 1 MiB...
set format x "%.0b %BB"
footer = sprintf("membench · %s · %s", machine, stamp)
