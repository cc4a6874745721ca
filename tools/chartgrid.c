/*
 * chartgrid.c: the declared charts that are no lines: heat maps (a figure of the entries
 * PREFIX/r:ROW/c:COL, rows by their first argument, columns by their second: the core-to-core
 * matrix, NUMA's, misalignment's) and dots or bars, one per benchmark (what a page fault
 * costs, what sys.getsizeof says). What a result says of a chart is data (chartgp.h).
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chartgp.h"
#include "membench.h"
#include "series.h"


static int by_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The distinct values among n, sorted, into v (room for n): how many. */
static int distinct(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, by_double);
  int m = 0;
  for (int i = 0; i < n; i++)
    if (!m || v[m - 1] != v[i]) v[m++] = v[i];
  return m;
}

static int index_of(const double *v, int n, double x) {
  for (int i = 0; i < n; i++)
    if (v[i] == x) return i;
  return -1;
}

/* A heat map's axis: the distinct argument values and the place each is drawn at. */
typedef struct axis {
  double *value, *place;
  int n;
} axis_t;

/* Axis of the rows (rows 1) or columns (0) of the cells: each value placed where its place
 * figure says (the first cell that gives one), else at the value itself (at_value), else in
 * order. 0, or -1 when memory ran out. */
static int axis_of(axis_t *a, const mb_cell_t *cells, int n, int rows, int at_value) {
  a->value = malloc((size_t)(n ? n : 1) * sizeof *a->value);
  a->place = malloc((size_t)(n ? n : 1) * sizeof *a->place);
  if (!a->value || !a->place) return -1;
  for (int i = 0; i < n; i++) a->value[i] = rows ? cells[i].row : cells[i].col;
  a->n = distinct(a->value, n);
  for (int i = 0; i < a->n; i++) a->place[i] = at_value ? a->value[i] : i;
  for (int i = n - 1; i >= 0; i--) { /* the first cell's place wins */
    double at = rows ? cells[i].row_at : cells[i].col_at;
    if (isfinite(at)) a->place[index_of(a->value, a->n, rows ? cells[i].row : cells[i].col)] = at;
  }
  return 0;
}

/* Axis `into` with the values of `from` it lacks, and their places. 0, or -1 when memory ran
 * out. */
static int merge(const axis_t *from, axis_t *into) {
  double *v = realloc(into->value, (size_t)(into->n + from->n) * sizeof *v);
  if (v) into->value = v;
  double *p = v ? realloc(into->place, (size_t)(into->n + from->n) * sizeof *p) : NULL;
  if (!p) return -1;
  into->place = p;
  for (int i = 0; i < from->n; i++)
    if (index_of(into->value, into->n, from->value[i]) < 0) into->value[into->n] = from->value[i], into->place[into->n++] = from->place[i];
  return 0;
}

/* "set xtics (...)" (or y) labelling each place with its value; every step-th one when step
 * is above 1. */
static void tics(FILE *f, char axis, const axis_t *a, int step) {
  fprintf(f, "  set %ctics (", axis);
  for (int i = 0, n = 0; i < a->n; i++)
    if (step <= 1 || i % step == 0) fprintf(f, "%s\"%g\" %.17g", n++ ? ", " : "", a->value[i], a->place[i]);
  fprintf(f, ")%s font \",%d\"\n", axis == 'x' && a->n > 16 ? " rotate by 90" : "", a->n > 32 ? 6 : 9);
}

/* The rows' first columns' values (the cell at the smallest column of each row), for .rel. */
static double row_first(const mb_cell_t *cells, int n, double row) {
  double col = INFINITY, z = NAN;
  for (int i = 0; i < n; i++)
    if (cells[i].row == row && cells[i].col < col) col = cells[i].col, z = cells[i].z;
  return z;
}

/* One heat map's data (DIR/chart_F_K.dat: "x y z", _disturbed.dat: "x y") and its plot into
 * the script: 1 when it has a cell, 0 when none, -1 on an error. */
static int one_matrix(FILE *f, json_t *benches, json_t *c, json_t *s, int k, const char *dir, char *err, size_t errlen) {
  const char *file = text(c, "file"), *rel = text(s, "rel");
  mb_cell_t *cells;
  int n = mb_series_cells(benches, text(s, "bench"), text(s, "figure"), text(s, "row_place"), text(s, "col_place"), &cells);
  if (n < 0) return snprintf(err, errlen, "out of memory"), -1;
  if (n == 0) return free(cells), 0;
  const int both = integer(c, "both_ways");
  axis_t rows = {0}, cols = {0};
  char path[4096], dpath[4096];
  snprintf(path, sizeof path, "%s/chart_%s_%d.dat", dir, file, k);
  snprintf(dpath, sizeof dpath, "%s/chart_%s_%d_disturbed.dat", dir, file, k);
  FILE *out = NULL, *dout = NULL;
  int rc = axis_of(&rows, cells, n, 1, 0) || axis_of(&cols, cells, n, 0, integer(c, "cols_at_value")) ? -1 : 1;
  if (rc < 0) snprintf(err, errlen, "out of memory");
  else if (!(out = fopen(path, "w")) || !(dout = fopen(dpath, "w"))) rc = -1, snprintf(err, errlen, "%s: cannot write", out ? dpath : path);
  for (int i = 0; rc > 0 && i < n; i++) {
    double z = cells[i].z, z0 = rel ? row_first(cells, n, cells[i].row) : NAN;
    if (rel && !strcmp(rel, "first_over")) z = z0 / z;
    else if (rel && !strcmp(rel, "over_first")) z = z / z0;
    if (!isfinite(z)) continue;
    double x = cols.place[index_of(cols.value, cols.n, cells[i].col)], y = rows.place[index_of(rows.value, rows.n, cells[i].row)];
    fprintf(out, "%.17g %.17g %.17g\n", x, y, z);
    if (both) fprintf(out, "%.17g %.17g %.17g\n", y, x, z);
    if (cells[i].disturbed) {
      fprintf(dout, "%.17g %.17g\n", x, y);
      if (both) fprintf(dout, "%.17g %.17g\n", y, x);
    }
  }
  if (out && fclose(out) && rc > 0) rc = -1, snprintf(err, errlen, "%s: cannot write", path);
  if (dout && fclose(dout) && rc > 0) rc = -1, snprintf(err, errlen, "%s: cannot write", dpath);
  if (rc > 0 && both && merge(&rows, &cols)) rc = -1, snprintf(err, errlen, "out of memory");
  if (rc > 0) {
    /* Both ways: the rows' and columns' places are the same PUs; their union labels both. */
    axis_t *xa = &cols, *ya = both ? &cols : &rows;
    int step = integer(c, "xstep");
    tics(f, 'x', xa, integer(c, "cols_at_value") ? 0 : step);
    if (integer(c, "cols_at_value") && step > 0 && step <= 1000) fprintf(f, "  set xtics %d\n", step);
    tics(f, 'y', ya, 0);
    fputs("  set title ", f);
    quoted(f, text(s, "title") ? text(s, "title") : text(c, "title"));
    /* A cell fills its place; columns at their values (sparse) leave a gap between rows. */
    fprintf(f, "\n  plot data.\"/chart_%s_%d.dat\" u 1:2:(0.5):(%s):3 w boxxyerror fs solid 1.0 noborder fc palette notitle", file, k,
            integer(c, "cols_at_value") ? "0.3" : "0.5");
    int labels = integer(c, "cell_labels");
    if (labels > 0 && cols.n <= labels)
      fprintf(f, ", \\\n       data.\"/chart_%s_%d.dat\" u 1:2:(sprintf(\"%%.3g\", $3)) w labels font \",8\" tc rgb \"#d62728\" notitle", file, k);
    if (mb_gp_nonempty(dpath)) fprintf(f, ", \\\n       data.\"/chart_%s_%d_disturbed.dat\" u 1:2 w p ls 100 t dist_title", file, k);
    fputc('\n', f);
  }
  free(rows.value), free(rows.place), free(cols.value), free(cols.place), free(cells);
  return rc;
}

int mb_chart_matrix(json_t *benches, json_t *c, const char *dir, char *err, size_t errlen) {
  const char *file = text(c, "file"), *zr = text(c, "zrange");
  json_t *series = json_object_get(c, "series"), *s;
  size_t np = json_array_size(series) < 4 ? json_array_size(series) : 4, k;
  char path[4096];
  snprintf(path, sizeof path, "%s/chart_%s.gp", dir, file);
  FILE *f = fopen(path, "w");
  if (!f) return snprintf(err, errlen, "%s: cannot write", path), -1;
  const int both = integer(c, "both_ways");
  mb_gp_preamble(f, c, 0, np > 1, np > 1 ? 1100 : 700, np > 1 ? 800 : both ? 640 : 600);
  fputs("  unset grid\n  set key off\n  set autoscale fix\n  set offsets 0.5, 0.5, 0.5, 0.5\n", f);
  if (both) fputs("  set size square\n", f);
  if (text(c, "zlabel")) fputs("  set cblabel ", f), quoted(f, text(c, "zlabel")), fputc('\n', f);
  int logz = integer(c, "logz");
  if (logz == 2 || logz == 10) fprintf(f, "  set logscale cb %d\n", logz);
  if (zr && mb_chart_range_valid(zr)) fprintf(f, "  set cbrange [%s]\n", zr);
  fputs(integer(c, "diverging") ? "  set palette defined (0 \"#2c7bb6\", 1 \"#ffffbf\", 2 \"#fdae61\", 3 \"#d7191c\")\n"
                                : "  set palette defined (0 \"#f7fbff\", 1 \"#6baed6\", 2 \"#08306b\")\n",
        f);
  if (np > 1) {
    fprintf(f, "  set multiplot layout %d,2 title ", np > 2 ? 2 : 1);
    quoted(f, text(c, "title"));
    fputs(" font \",13\"\n", f);
  }
  int any = 0;
  json_array_foreach(series, k, s) {
    if (k >= np) break;
    int got = one_matrix(f, benches, c, s, (int)k, dir, err, errlen);
    if (got < 0) return fclose(f), -1;
    any |= got;
  }
  fputs(np > 1 ? "  unset multiplot\n}\n" : "}\n", f);
  if (fclose(f)) return snprintf(err, errlen, "%s: cannot write", path), -1;
  return any;
}

/* A category's label on x: its title, then ": TAG" where the series names its point by a
 * figure (the chart's tags), then " (disturbed)" where every repetition was; in a data file
 * between double quotes (a double quote in it becomes a single one). */
static void category_label(FILE *out, json_t *c, json_t *s, double tag, int disturbed) {
  char label[256];
  const char *t = text(s, "title") ? text(s, "title") : text(s, "bench");
  json_t *tags = json_object_get(c, "tags");
  if (text(s, "tag")) {
    const char *name = isfinite(tag) && tag >= 0 && tag < (double)json_array_size(tags) ? json_string_value(json_array_get(tags, (size_t)tag)) : NULL;
    snprintf(label, sizeof label, "%.120s: %.60s%s", t, name ? name : "?", disturbed ? " (disturbed)" : "");
  } else {
    snprintf(label, sizeof label, "%.180s%s", t, disturbed ? " (disturbed)" : "");
  }
  fputc('"', out);
  for (const char *p = label; *p; p++) fputc(*p == '"' ? '\'' : (unsigned char)*p < 0x20 ? ' ' : *p, out);
  fputc('"', out);
}

/* One dot (or bar, and a second with .also) per series: DIR/chart_F.dat, "LABEL Y [Y2]"; with
 * n results side by side, "LABEL Y1 ... Yn" ("-" where a result has none). How many, or -1
 * on an error. */
static int category_data(json_t *const *benches, int nres, json_t *c, const char *path, int *also, char *err, size_t errlen) {
  FILE *out = fopen(path, "w");
  if (!out) return snprintf(err, errlen, "%s: cannot write", path), -1;
  json_t *series = json_object_get(c, "series"), *s;
  size_t k;
  int n = 0;
  *also = 0;
  json_array_foreach(series, k, s) {
    if (k >= MB_CHART_SERIES) break;
    int d = 0, d2 = 0, unused, some = 0;
    double div = number(s, "div") != 0 ? number(s, "div") : 1, y[MB_CHART_SERIES];
    for (int r = 0; r < nres; r++) {
      int dr = 0;
      y[r] = mb_series_value(benches[r], text(s, "bench"), text(s, "figure"), &dr) / div;
      some |= isfinite(y[r]), d |= dr;
    }
    double y2 = nres == 1 && text(s, "also") ? mb_series_value(benches[0], text(s, "bench"), text(s, "also"), &d2) / div : NAN;
    double tag = text(s, "tag") ? mb_series_value(benches[0], text(s, "bench"), text(s, "tag"), &unused) : NAN;
    if (!some) continue;
    category_label(out, c, s, tag, d || d2);
    for (int r = 0; r < nres; r++)
      if (isfinite(y[r]) || nres == 1) fprintf(out, " %.17g", y[r]);
      else fputs(" -", out);
    if (nres == 1 && text(s, "also")) fprintf(out, " %.17g", isfinite(y2) ? y2 : NAN), *also = 1;
    fputc('\n', out);
    n++;
  }
  if (fclose(out)) return snprintf(err, errlen, "%s: cannot write", path), -1;
  return n;
}

int mb_chart_categories(json_t *const *benches, const char *const *names, int nres, json_t *c, const char *dir, char *err, size_t errlen) {
  const char *file = text(c, "file"), *unit = text(c, "value_unit");
  char path[4096], dpath[4096];
  snprintf(dpath, sizeof dpath, "%s/chart_%s.dat", dir, file);
  int also, n = category_data(benches, nres, c, dpath, &also, err, errlen);
  if (n <= 0) return n;
  snprintf(path, sizeof path, "%s/chart_%s.gp", dir, file);
  FILE *f = fopen(path, "w");
  if (!f) return snprintf(err, errlen, "%s: cannot write", path), -1;
  mb_gp_preamble(f, c, 0, 0, 960, 600);
  fputs("  set grid noxtics\n  set xtics scale 0\n  set bmargin 4\n", f);
  if (!strcmp(text(c, "kind"), "dots")) {
    fprintf(f, "  set key off\n  set xrange [-0.6:%d.4]\n  set offsets 0, 0, graph 0.1, graph 0.1\n", n - 1);
    fprintf(f, "  plot data.\"/chart_%s.dat\" u 0:2:xtic(1) w p pt 7 ps 1.8 lc rgb \"#1f77b4\" notitle", file);
    fprintf(f, ", \\\n       data.\"/chart_%s.dat\" u 0:2:(sprintf(\"%%.3g \", $2).", file);
    quoted(f, unit ? unit : "");
    fputs(") w labels offset 0,1.4 font \",10\" notitle\n", f);
  } else {
    json_t *bt = json_object_get(c, "bar_titles");
    fputs("  set style data histogram\n  set style histogram clustered gap 1\n  set style fill solid 0.8 border -1\n  set boxwidth 0.9\n", f);
    if (n > 5) fputs("  set xtics rotate by -30 font \",9\"\n", f);
    if (nres > 1) { /* a bar per result, in its colour, named by its machine */
      fputs("  set datafile missing \"-\"\n  plot ", f);
      for (int r = 0; r < nres; r++) {
        fprintf(f, "%sdata.\"/chart_%s.dat\" u %d%s ls %d t ", r ? ", \\\n       " : "", file, r + 2, r ? "" : ":xtic(1)", 1 + r % 7);
        quoted(f, names[r]);
      }
      fputc('\n', f);
    } else {
      fprintf(f, "  plot data.\"/chart_%s.dat\" u 2:xtic(1) ls %d t ", file, also ? 1 : 3);
      quoted(f, also ? json_string_value(json_array_get(bt, 0)) : "");
      if (also) fprintf(f, ", '' u 3 ls 2 t "), quoted(f, json_string_value(json_array_get(bt, 1)));
      fputc('\n', f);
    }
  }
  fputs("}\n", f);
  if (fclose(f)) return snprintf(err, errlen, "%s: cannot write", path), -1;
  return 1;
}
