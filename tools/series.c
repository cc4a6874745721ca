/*
 * series.c: a series of a result, as gnuplot reads it (mbextract's series and the declared
 * charts' data): one point per benchmark under a name, the median of its clean repetitions.
 */
#define _GNU_SOURCE
#include "series.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entries.h"

typedef struct point {
  double arg, *v, *dv; /* clean repetitions' values, disturbed ones' (every one of them) */
  int n, nd, cap, dcap;
} point_t;

/* Room in *a (of `size`-byte elements) for one more after n: doubled when full. 0, or -1 when
 * memory ran out (*a as it was). */
static int room(void *a, int n, int *cap, size_t size) {
  if (n < *cap) return 0;
  int c = *cap ? 2 * *cap : 16;
  void *grown = realloc(*(void **)a, (size_t)c * size);
  if (!grown) return -1;
  *(void **)a = grown, *cap = c;
  return 0;
}

static int push(double **v, int *n, int *cap, double x) {
  if (room(v, *n, cap, sizeof **v)) return -1;
  (*v)[(*n)++] = x;
  return 0;
}

static int by_arg(const void *a, const void *b) {
  double x = ((const point_t *)a)->arg, y = ((const point_t *)b)->arg;
  return (x > y) - (x < y);
}

/* Whether entry b is measured, under PREFIX/, with WITH (when given) a whole component of
 * its name after PREFIX. */
static const char *measured_under(json_t *b, const char *prefix, size_t pl, const char *with) {
  const char *name = json_string_value(json_object_get(b, "name"));
  const char *rt = json_string_value(json_object_get(b, "run_type"));
  if (!name || strncmp(name, prefix, pl) || name[pl] != '/') return NULL;
  if (with) {
    size_t wl = strlen(with);
    const char *w = name + pl;
    while ((w = strstr(w, with)) && (w[-1] != '/' || (w[wl] && w[wl] != '/'))) w++;
    if (!w) return NULL;
  }
  if ((rt && !strcmp(rt, "aggregate")) || json_is_true(json_object_get(b, "error_occurred"))) return NULL;
  return name;
}

int mb_series(json_t *benches, const char *prefix, const char *field, const char *with, FILE *out, FILE *dout) {
  size_t pl = strlen(prefix), i;
  json_t *b;
  point_t *pts = NULL;
  int np = 0, cap = 0, bad = 0;
  json_array_foreach(mb_entries_under(benches, prefix), i, b) {
    const char *name = measured_under(b, prefix, pl, with);
    double arg;
    if (!name || !mb_arg_after(name, pl, &arg)) continue;
    json_t *v = json_object_get(b, field);
    if (!json_is_number(v)) continue;
    double val = json_number_value(v);
    if (mb_is_time_field(field)) val *= mb_unit_ns(json_string_value(json_object_get(b, "time_unit")));
    int k;
    for (k = 0; k < np; k++)
      if (pts[k].arg == arg) break;
    if (k == np) {
      if ((bad = room(&pts, np, &cap, sizeof *pts))) break;
      memset(&pts[np], 0, sizeof pts[np]);
      pts[np].arg = arg;
      np++;
    }
    if (json_is_true(json_object_get(b, "mb_disturbed")) ? push(&pts[k].dv, &pts[k].nd, &pts[k].dcap, val) : push(&pts[k].v, &pts[k].n, &pts[k].cap, val)) {
      bad = 1;
      break;
    }
  }
  json_t *one = np || with || bad ? NULL : mb_first_named(benches, prefix);
  const char *one_name = one ? json_string_value(json_object_get(one, "name")) : NULL;
  if (one_name && !strcmp(one_name, prefix)) { /* a benchmark without arguments: one point at 0 */
    int n = 0, disturbed = 0;
    double *v = mb_run_values_clean_all(benches, json_string_value(json_object_get(one, "run_name")), field, mb_is_time_field(field), &n, &disturbed);
    if (n) {
      fprintf(out, "0 %.17g\n", mb_median(v, n));
      if (disturbed && dout) fprintf(dout, "0 %.17g\n", mb_median(v, n));
    }
    free(v);
  }
  if (np && !bad) qsort(pts, (size_t)np, sizeof *pts, by_arg); /* an empty series has no array at all */
  for (int k = 0; k < np && !bad; k++) {
    if (pts[k].n) {
      fprintf(out, "%.17g %.17g\n", pts[k].arg, mb_median(pts[k].v, pts[k].n));
      continue;
    }
    double y = mb_median(pts[k].dv, pts[k].nd);
    fprintf(out, "%.17g %.17g\n", pts[k].arg, y);
    if (dout) fprintf(dout, "%.17g %.17g\n", pts[k].arg, y);
  }
  for (int k = 0; k < np; k++) free(pts[k].v), free(pts[k].dv);
  free(pts);
  return bad ? -1 : 0;
}

typedef struct xy {
  double arg, x, y;
  int disturbed;
} xy_t;

static int by_xy_arg(const void *a, const void *b) {
  double x = ((const xy_t *)a)->arg, y = ((const xy_t *)b)->arg;
  return (x > y) - (x < y);
}

/* The median of `field` over run `run`'s clean repetitions (all when none is clean). */
static double run_median(json_t *benches, const char *run, const char *field, int *disturbed) {
  int n = 0;
  double *v = mb_run_values_clean_all(benches, run, field, mb_is_time_field(field), &n, disturbed);
  double m = mb_median(v, n);
  free(v);
  return m;
}

int mb_series_xy(json_t *benches, const char *prefix, const char *xfield, const char *yfield, FILE *out, FILE *dout) {
  size_t pl = strlen(prefix), i;
  json_t *b, *seen = json_object();
  xy_t *pts = NULL;
  int np = 0, cap = 0, bad = !seen;
  json_array_foreach(mb_entries_under(benches, prefix), i, b) {
    const char *name = bad ? NULL : measured_under(b, prefix, pl, NULL);
    const char *run = json_string_value(json_object_get(b, "run_name"));
    double arg;
    if (!name || !run || json_object_get(seen, run) || !mb_arg_after(name, pl, &arg)) continue;
    json_object_set_new(seen, run, json_true());
    int dx = 0, dy = 0;
    double x = run_median(benches, run, xfield, &dx), y = run_median(benches, run, yfield, &dy);
    if (!isfinite(x) || !isfinite(y)) continue;
    if ((bad = room(&pts, np, &cap, sizeof *pts))) break;
    pts[np++] = (xy_t){arg, x, y, dx || dy};
  }
  if (np && !bad) qsort(pts, (size_t)np, sizeof *pts, by_xy_arg);
  for (int k = 0; k < np && !bad; k++) {
    fprintf(out, "%.17g %.17g %.17g\n", pts[k].x, pts[k].y, pts[k].arg);
    if (pts[k].disturbed && dout) fprintf(dout, "%.17g %.17g\n", pts[k].x, pts[k].y);
  }
  free(pts);
  json_decref(seen);
  return bad ? -1 : np;
}

double mb_series_largest_arg(json_t *benches, const char *prefix, const char *arg) {
  size_t i, al = strlen(arg);
  json_t *b;
  double most = 0;
  json_array_foreach(mb_entries_under(benches, prefix), i, b) {
    const char *name = json_string_value(json_object_get(b, "name"));
    for (const char *p = name ? strchr(name, '/') : NULL; p; p = strchr(p + 1, '/'))
      if (!strncmp(p + 1, arg, al) && p[1 + al] == ':') {
        double v = strtod(p + 2 + al, NULL);
        if (isfinite(v) && v > most) most = v;
      }
  }
  return most;
}

/* The value of the second argument in `name` after PREFIX (PREFIX/a:V/b:W...): 1 with *arg. */
static int second_arg(const char *name, size_t pl, double *arg) {
  const char *slash = strchr(name + pl + 1, '/'), *colon = slash ? strchr(slash, ':') : NULL;
  if (!colon) return 0;
  char *end;
  *arg = strtod(colon + 1, &end);
  return end != colon + 1 && isfinite(*arg);
}

int mb_series_cells(json_t *benches, const char *prefix, const char *zfield, const char *row_place, const char *col_place, mb_cell_t **cells) {
  size_t pl = strlen(prefix), i;
  json_t *b, *seen = json_object();
  int n = 0, cap = 0, bad = !seen;
  *cells = NULL;
  json_array_foreach(mb_entries_under(benches, prefix), i, b) {
    const char *name = bad ? NULL : measured_under(b, prefix, pl, NULL);
    const char *run = json_string_value(json_object_get(b, "run_name"));
    double row, col;
    if (!name || !run || json_object_get(seen, run) || !mb_arg_after(name, pl, &row) || !isfinite(row) || !second_arg(name, pl, &col)) continue;
    json_object_set_new(seen, run, json_true());
    int d = 0, unused;
    double z = run_median(benches, run, zfield, &d);
    if (!isfinite(z)) continue;
    if ((bad = room(cells, n, &cap, sizeof **cells))) break;
    (*cells)[n++] = (mb_cell_t){row, col, z, row_place ? run_median(benches, run, row_place, &unused) : NAN,
                                col_place ? run_median(benches, run, col_place, &unused) : NAN, d};
  }
  json_decref(seen);
  if (bad) free(*cells), *cells = NULL;
  return bad ? -1 : n;
}

double mb_series_value(json_t *benches, const char *name, const char *field, int *disturbed) {
  json_t *b = mb_first_named(benches, name);
  const char *run = json_string_value(json_object_get(b, "run_name"));
  *disturbed = 0;
  return run ? run_median(benches, run, field, disturbed) : NAN;
}
