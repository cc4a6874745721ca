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

#endif
