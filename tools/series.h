/*
 * series.h: the series of a result that charts draw (series.c).
 */
#ifndef MB_SERIES_H
#define MB_SERIES_H

#include <jansson.h>
#include <stdio.h>

/* "ARG VALUE" lines into `out`, one per benchmark named PREFIX/argname:ARG[/...] (with WITH,
 * when given, as a whole component of its name after PREFIX), ordered by ARG: VALUE is FIELD
 * (times in ns), the median of the entry's clean repetitions (those not marked mb_disturbed),
 * or of every one when all were disturbed, and then into `dout` too (when given); skipped and
 * failed runs are left out; a benchmark named exactly PREFIX is one point at ARG 0. 0, or -1
 * when memory ran out (what was written is then incomplete). */
int mb_series(json_t *benches, const char *prefix, const char *field, const char *with, FILE *out, FILE *dout);

/* "X Y ARG" lines: for each benchmark named PREFIX/argname:ARG[/...], in the order of ARG,
 * its figures X and Y (each the median of the clean repetitions, as above); points whose
 * every repetition was disturbed go to `dout` too, as "X Y". Returns the number of points,
 * or -1 when memory ran out. */
int mb_series_xy(json_t *benches, const char *prefix, const char *xfield, const char *yfield, FILE *out, FILE *dout);

/* The largest value of argument `arg` (a name component arg:VALUE) among the entries under
 * PREFIX, 0 when none has it. */
double mb_series_largest_arg(json_t *benches, const char *prefix, const char *arg);

/* A heat map's cell: the entry PREFIX/r:ROW/c:COL's figure z (the median, as above) and the
 * figures that place its row and column (NAN where none is asked for or given). */
typedef struct mb_cell {
  double row, col, z, row_at, col_at;
  int disturbed;
} mb_cell_t;

/* The cells of every entry under PREFIX with two arguments, in the order of the result, into
 * *cells (free it). Their number, or -1 when memory ran out. */
int mb_series_cells(json_t *benches, const char *prefix, const char *zfield, const char *row_place, const char *col_place, mb_cell_t **cells);

/* Benchmark NAME's figure (the median of its first run's clean repetitions), *disturbed set
 * when every one was disturbed; NAN when the result has none. */
double mb_series_value(json_t *benches, const char *name, const char *field, int *disturbed);

#endif
