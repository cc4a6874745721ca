# families: gemm
load here."/common.gp"
set title "Matrix multiply C = AB (n x n doubles): naive loop orders vs OpenBLAS dgemm"
set xlabel "n"
set ylabel "GFLOP/s (2 n^3 per product)"
set logscale x 2
set logscale y 10
set format x "%g"
set format y "%g"
set key top center maxrows 4 width -2
set yrange [0.05:1000]
set label 100 footer at screen 0.99, screen 0.015 right font ",8" tc rgb "#999999"
d = dists("gm_ijk gm_ikj gm_jki gm_blas_row gm_blas_col gm_blas_row_t gm_blas_row_threads", "$2/1e9") # disturbed points, as red rings
do for [t in "svg png"] {
  if (t eq "svg") { set terminal svg size 960,600 dynamic font "Sans,11" noenhanced; set output out.".svg" } \
  else { set terminal pngcairo size 960,600 font "Sans,10" noenhanced; set output out.".png" }
  plot data."/gm_ijk.dat" u 1:($2/1e9) w lp ls 4 t "naive ijk", \
       data."/gm_ikj.dat" u 1:($2/1e9) w lp ls 3 t "naive ikj", \
       data."/gm_jki.dat" u 1:($2/1e9) w lp ls 5 t "naive jki", \
       data."/gm_blas_row.dat" u 1:($2/1e9) w lp ls 1 t "OpenBLAS, row-major, 1 thread", \
       data."/gm_blas_col.dat" u 1:($2/1e9) w lp ls 2 dt 2 t "OpenBLAS, column-major, 1 thread", \
       data."/gm_blas_row_t.dat" u 1:($2/1e9) w lp ls 6 dt 3 t "OpenBLAS, row-major, A^T B^T, 1 thread", \
       data."/gm_blas_row_threads.dat" u 1:($2/1e9) w lp ls 7 t "OpenBLAS, row-major, every core" @d
}
