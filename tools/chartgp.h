/*
 * chartgp.h: what the chart writers share (chartgp.c), and what chartgrid.c draws for charts.c
 * (charts.c: lines and the dispatch; chartgrid.c: heat maps, dots and bars). A result may come from anyone: what it says of a chart is data.
 * File names and figures must be of the kinds membench checks at start, places and scales come
 * from fixed lists, numbers are printed by us, and every text goes inside single quotes (where
 * gnuplot expands nothing) with its quotes doubled and its control characters blanked.
 */
#ifndef MB_CHARTGP_H
#define MB_CHARTGP_H

#include <jansson.h>
#include <stdio.h>

/* A chart's text, integer and number as the result gives them (NULL, 0, and 0 where it gives
 * none or a number that is not finite). */
const char *mb_gp_text(json_t *o, const char *key);
int mb_gp_integer(json_t *o, const char *key);
double mb_gp_number(json_t *o, const char *key);
/* 'text' for gnuplot, at most 200 bytes of it. */
void mb_gp_quoted(FILE *f, const char *s);
/* The chart's title (its "{largest}" said as `largest` bytes in MiB) and, unless it is one of
 * several panels' (panels), its axis labels; the scales, ranges, key, note and footer; the
 * loop over SVG and PNG at width x height, left open for the plot. */
void mb_gp_preamble(FILE *f, json_t *c, double largest, int panels, int width, int height);
/* The title, "{largest}" in it said as `largest` bytes in MiB, quoted. */
void mb_gp_title(FILE *f, const char *t, double largest);
/* "set key ..." as the chart says. */
void mb_gp_key(FILE *f, json_t *c);
/* 1 when the file exists and is not empty. */
int mb_gp_nonempty(const char *path);
/* The short names both writers use. */
#define text mb_gp_text
#define integer mb_gp_integer
#define number mb_gp_number
#define quoted mb_gp_quoted

/* The heat maps (kind "matrix") and the dots and bars ("dots", "bars") of chart c into DIR
 * (data and DIR/chart_F.gp). 1 when drawn, 0 when no series had a point, -1 on an error (in
 * err). */
int mb_chart_matrix(json_t *benches, json_t *c, const char *dir, char *err, size_t errlen);
/* Dots or bars of one result, or (nres > 1) a bar per result in each category, named by names[]. */
int mb_chart_categories(json_t *const *benches, const char *const *names, int nres, json_t *c, const char *dir, char *err, size_t errlen);

#endif
