/*
 * charts.h: the charts families declare (MB_CHART), turned into data and gnuplot scripts
 * (charts.c; mbextract --charts, which plots/draw.sh runs).
 */
#ifndef MB_CHARTS_H
#define MB_CHARTS_H

#include <jansson.h>
#include <stdio.h>

/* For every chart declared by a family of the result (its context.membench.presentation, else
 * `views`, a presentation object as `membench --mb_views` prints it, for a result recorded
 * before the family declared its charts; NULL: none): the series' data as DIR/chart_F_K.dat
 * (and _disturbed.dat) and the script DIR/chart_F.gp, which plots/common.gp's caller runs with
 * here, data, out, machine and stamp set. Writes to `list` one line per chart: "draw F" when
 * it has a point, "skip F" when none of its series has one; and "family NAME" for each family
 * of the result that declares a chart (its default chart is not drawn). A declared chart whose
 * file name or series is not of the kinds membench checks (a crafted result) is left out, and
 * every text reaches gnuplot inside single quotes, its quotes doubled and control characters
 * blanked. 0, or -1 with the reason in err (a file that cannot be written, no memory). */
int mb_charts_write(json_t *doc, json_t *views, const char *dir, FILE *list, char *err, size_t errlen);

/* The same for n results side by side (2..16; names: their machines', plain names): the charts
 * declared with .machines (the first result's, and those of `views` it lacks), each series
 * once per result in the result's colour and named by its machine; "draw F" or "skip F" a
 * chart. 0, or -1 with the reason in err. */
int mb_charts_write_machines(json_t *const *docs, const char *const *names, int n, json_t *views, const char *dir, FILE *list, char *err, size_t errlen);

#endif
