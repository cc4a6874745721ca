/*
 * charts.c: a declared chart (MB_CHART, recorded in the result) becomes the data of its series
 * and a gnuplot script in the house style of plots/common.gp: lines here, heat maps, dots and
 * bars in chartgrid.c (what both share and how they treat a result: chartgp.h).
 */
#define _GNU_SOURCE
#include "charts.h"
#include "chartgp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "membench.h"
#include "series.h"

static int file_name(const char *s) {
  size_t n = s ? strlen(s) : 0;
  return n > 0 && n <= 48 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

/* "X Y" lines of a series in a buffer (*buf, *len; free it), its disturbed points in *dbuf. */
static int series_text(json_t *benches, const char *bench, const char *figure, char **buf, size_t *len, char **dbuf, size_t *dlen) {
  FILE *o = open_memstream(buf, len), *d = open_memstream(dbuf, dlen);
  int rc = o && d ? mb_series(benches, bench, figure, NULL, o, d) : -1;
  if (o) fclose(o);
  if (d) fclose(d);
  if (!o) *buf = NULL;
  if (!d) *dbuf = NULL;
  return rc;
}

/* Whether "X ..." lines in `text` have one at x; its y in *y. */
static int y_at(const char *text, double x, double *y) {
  for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    double a, b;
    if (sscanf(l, "%lf %lf", &a, &b) == 2 && a == x) return *y = b, 1;
  }
  return 0;
}

/* A series over another at the same x ("X A/B"), a point disturbed when either was. */
static int ratio_data(json_t *benches, json_t *s, FILE *out, FILE *dout) {
  char *a = NULL, *da = NULL, *b = NULL, *db = NULL;
  size_t la, lda, lb, ldb;
  int rc = series_text(benches, text(s, "bench"), text(s, "figure"), &a, &la, &da, &lda);
  if (!rc) rc = series_text(benches, text(s, "over"), text(s, "figure"), &b, &lb, &db, &ldb);
  for (const char *l = rc ? NULL : a; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    double x, y, under, unused;
    if (sscanf(l, "%lf %lf", &x, &y) != 2 || !y_at(b, x, &under) || under == 0) continue;
    fprintf(out, "%.17g %.17g\n", x, y / under);
    if (y_at(da, x, &unused) || y_at(db, x, &unused)) fprintf(dout, "%.17g %.17g\n", x, y / under);
  }
  free(a), free(da), free(b), free(db);
  return rc;
}

static int is_pow2(double x) { return x >= 1 && x == ldexp(1, ilogb(x)); }

/* The points of file `path` whose x is no power of 2 moved to `other`. 0, or -1. */
static int split_pow2(const char *path, const char *other) {
  char *all = NULL, line[256];
  size_t len = 0;
  FILE *in = fopen(path, "r"), *keep = open_memstream(&all, &len), *rest = fopen(other, "w");
  int rc = in && keep && rest ? 0 : -1;
  while (!rc && fgets(line, sizeof line, in)) fputs(line, is_pow2(strtod(line, NULL)) ? keep : rest);
  if (in) fclose(in);
  if (keep) fclose(keep);
  if (rest && fclose(rest)) rc = -1;
  FILE *out = rc ? NULL : fopen(path, "w");
  if (out) fputs(all ? all : "", out);
  if (!out || fclose(out)) rc = -1;
  free(all);
  return rc;
}

/* The series' data files: DIR/chart_F_K.dat and _disturbed.dat (and _other.dat, the points
 * apart from the powers of 2, when the chart splits them). 1 when it has a point, 0 when
 * none, -1 on an error (in err). *largest: the value its .largest kept, if any. */
static int series_data(json_t *benches, json_t *c, json_t *s, const char *dir, int k, double *largest, char *err, size_t errlen) {
  const char *file = text(c, "file");
  char path[4096], dpath[4096], opath[4096];
  snprintf(path, sizeof path, "%s/chart_%s_%d.dat", dir, file, k);
  snprintf(dpath, sizeof dpath, "%s/chart_%s_%d_disturbed.dat", dir, file, k);
  snprintf(opath, sizeof opath, "%s/chart_%s_%d_other.dat", dir, file, k);
  FILE *out = fopen(path, "w"), *dout = fopen(dpath, "w");
  int got = -1;
  if (out && dout) {
    const char *x = text(s, "x"), *at = text(s, "largest");
    char with[96] = "";
    double most = at ? mb_series_largest_arg(benches, text(s, "bench"), at) : 0;
    if (most > 0) snprintf(with, sizeof with, "%s:%.0f", at, most), *largest = most;
    got = x                 ? mb_series_xy(benches, text(s, "bench"), x, text(s, "figure"), out, dout)
          : text(s, "over") ? ratio_data(benches, s, out, dout)
                            : mb_series(benches, text(s, "bench"), text(s, "figure"), *with ? with : NULL, out, dout);
    if (got < 0) snprintf(err, errlen, "out of memory");
    else got = ftell(out) > 0;
  } else {
    snprintf(err, errlen, "%s: cannot write", out ? dpath : path);
  }
  if (out && fclose(out) && got >= 0) got = -1, snprintf(err, errlen, "%s: cannot write", path);
  if (dout && fclose(dout) && got >= 0) got = -1, snprintf(err, errlen, "%s: cannot write", dpath);
  if (got > 0 && integer(c, "pow2") && split_pow2(path, opath)) got = -1, snprintf(err, errlen, "%s: cannot write", opath);
  return got;
}

/* A series' x and y as gnuplot's `using` says them, from its divisors. */
static void using(FILE *f, json_t *s) {
  double xdiv = number(s, "xdiv"), div = number(s, "div"), inv = number(s, "inv");
  if (xdiv != 0) fprintf(f, "($1/%.17g):", xdiv);
  else fputs("1:", f);
  double slope = number(s, "slope");
  if (slope != 0) fprintf(f, "($1*%.17g)", slope);
  else if (inv != 0) fprintf(f, "(%.17g/$2)", inv);
  else if (integer(s, "per_x")) fputs("($2/$1)", f);
  else if (div != 0) fprintf(f, "($2/%.17g)", div);
  else fputs("2", f);
}

/* One series' clause (and its labels'), after `plot` or a comma. */
static void clause(FILE *f, json_t *s, const char *file, int k, int place) {
  int style = integer(s, "style"), dash = integer(s, "dash");
  if (style < 1 || style > 7) style = 1 + place % 7;
  fprintf(f, "data.\"/chart_%s_%d.dat\" u ", file, k);
  using(f, s);
  fputs(integer(s, "line") ? " w l" : " w lp", f);
  if (integer(s, "wide")) fputs(" lc rgb \"#9ecae1\" lw 7 pt 6 ps 2.2", f);
  else fprintf(f, " ls %d", style);
  if (dash == 2 || dash == 3) fprintf(f, " dt %d", dash);
  if (text(s, "title")) fputs(" t ", f), quoted(f, text(s, "title"));
  else fputs(" notitle", f);
  const char *label = text(s, "label");
  if (label && text(s, "x")) { /* "ARG NOUN", the noun before a '|' when ARG is 1, after it otherwise */
    const char *bar = strchr(label, '|');
    int one = bar ? (int)(bar - label) : (int)strlen(label);
    fprintf(f, ", \\\n       data.\"/chart_%s_%d.dat\" u ", file, k);
    using(f, s);
    fputs(":(sprintf('%g ', $3).($3 == 1 ? ", f);
    char noun[64];
    snprintf(noun, sizeof noun, "%.*s", one < 63 ? one : 63, label);
    quoted(f, noun);
    fputs(" : ", f);
    quoted(f, bar ? bar + 1 : label);
    fputs(")) w labels offset 0,1 font \",9\" notitle", f);
  }
}

/* The series' data file names and whether each has points (has[k]); whether the chart
 * draws the points at powers of 2 apart (pow2) and a reference line at y = hline. */
typedef struct drawn {
  const char *dir, *file;
  int has[MB_CHART_SERIES], pow2;
  double hline;
} drawn_t;

/* `plot` with the clauses of the series in `panel` (-1: every one) that have points, then
 * their points measured while disturbed, ringed (common.gp). */
static void plot(FILE *f, json_t *series, const drawn_t *d, int panel) {
  int place = 0, rings = 0;
  size_t k;
  json_t *s;
  fputs("  plot ", f);
  json_array_foreach(series, k, s) {
    if (k >= MB_CHART_SERIES) break;
    if (!d->has[k] || (panel >= 0 && integer(s, "panel") != panel)) continue;
    if (place++) fputs(", \\\n       ", f);
    clause(f, s, d->file, (int)k, (int)k);
    char opath[4096];
    snprintf(opath, sizeof opath, "%s/chart_%s_%d_other.dat", d->dir, d->file, (int)k);
    if (!d->pow2 || !mb_gp_nonempty(opath)) continue;
    /* The points beside the powers of 2: alone, each style's point open (plots/common.gp). */
    static const int open_point[] = {6, 4, 8, 10, 12, 3, 1};
    int style = integer(s, "style");
    if (style < 1 || style > 7) style = 1 + (int)k % 7;
    fprintf(f, ", \\\n       data.\"/chart_%s_%d_other.dat\" u ", d->file, (int)k);
    using(f, s);
    fprintf(f, " w p ls %d pt %d ps 1.1 notitle", style, open_point[style - 1]);
  }
  if (d->hline != 0) fprintf(f, ", \\\n       %.17g w l lc rgb \"#888888\" dt 2 notitle", d->hline);
  json_array_foreach(series, k, s) {
    if (k >= MB_CHART_SERIES) break;
    if (!d->has[k] || (panel >= 0 && integer(s, "panel") != panel)) continue;
    char dpath[4096];
    snprintf(dpath, sizeof dpath, "%s/chart_%s_%d_disturbed.dat", d->dir, d->file, (int)k);
    if (!mb_gp_nonempty(dpath)) continue;
    fprintf(f, ", \\\n       data.\"/chart_%s_%d_disturbed.dat\" u ", d->file, (int)k);
    using(f, s);
    fprintf(f, " w p ls 100 t %s", rings++ ? "''" : "dist_title");
  }
  fputc('\n', f);
}

/* Two panels in one picture: the title over both, the key in the top one, the x label and
 * no footer under the bottom one (the footer is the picture's, drawn once). */
static void panels(FILE *f, json_t *c, json_t *series, const drawn_t *d, double largest) {
  json_t *titles = json_object_get(c, "panel_titles"), *ylabels = json_object_get(c, "panel_ylabels");
  fputs("  set multiplot layout 2,1 title ", f);
  mb_gp_title(f, text(c, "title"), largest);
  fputs(" font \",13\"\n", f);
  for (int p = 0; p < 2; p++) {
    fputs("  set title ", f);
    quoted(f, json_string_value(json_array_get(titles, (size_t)p)));
    fputs(" font \",11\"\n  set ylabel ", f);
    quoted(f, json_string_value(json_array_get(ylabels, (size_t)p)));
    if (p == 0) fputs("\n  unset xlabel\n  ", f), mb_gp_key(f, c); /* again each time: the bottom panel turned it off */
    else {
      fputs("\n  set xlabel ", f);
      quoted(f, text(c, "xlabel"));
      fputs("\n  set key off\n  unset label 100\n", f);
    }
    plot(f, series, d, p);
  }
  fputs("  unset multiplot\n"
        "  set label 100 footer at screen 0.99, screen 0.015 right font \",8\" tc rgb \"#999999\"\n",
        f);
}

/* A series membench could have declared: a benchmark's name and figures' names. */
static int series_valid(json_t *s) {
  static const char *const figures[] = {"x", "largest", "row_place", "col_place", "also", "tag"};
  if (!text(s, "bench") || !mb_chart_figure_valid(text(s, "figure"))) return 0;
  for (size_t k = 0; k < sizeof figures / sizeof *figures; k++)
    if (text(s, figures[k]) && !mb_chart_figure_valid(text(s, figures[k]))) return 0;
  return 1;
}

/* A chart of lines: its series' data (series k from benches[k]) and its script. 1 when drawn,
 * 0 when no series had a point, -1 on an error (in err). */
static int lines_chart(json_t *const *benches, json_t *c, json_t *series, const char *dir, char *err, size_t errlen) {
  const char *file = text(c, "file");
  json_t *s;
  drawn_t d = {dir, file, {0}, integer(c, "pow2"), number(c, "hline")};
  int any = 0;
  double largest = 0;
  size_t k;
  json_array_foreach(series, k, s) {
    if (k >= MB_CHART_SERIES) break;
    if (!series_valid(s)) continue;
    if ((d.has[k] = series_data(benches[k], c, s, dir, (int)k, &largest, err, errlen)) < 0) return -1;
    any |= d.has[k];
  }
  if (!any) return 0;
  char path[4096];
  snprintf(path, sizeof path, "%s/chart_%s.gp", dir, file);
  FILE *f = fopen(path, "w");
  if (!f) return snprintf(err, errlen, "%s: cannot write", path), -1;
  const int two = json_array_size(json_object_get(c, "panel_titles")) == 2 && json_array_size(json_object_get(c, "panel_ylabels")) == 2;
  mb_gp_preamble(f, c, largest, two, 960, two ? 760 : 600); /* two panels: taller */
  if (two) panels(f, c, series, &d, largest);
  else plot(f, series, &d, -1);
  fputs("}\n", f);
  if (fclose(f)) return snprintf(err, errlen, "%s: cannot write", path), -1;
  return 1;
}

/* Chart c of several results side by side as one chart of lines: each series once per result
 * (as many as MB_CHART_SERIES holds), in the result's colour, titled with its machine's name
 * (and the series' title, where the chart has several). */
static int machines_lines(json_t *const *docs, const char *const *names, int nres, json_t *c, const char *dir, char *err, size_t errlen) {
  json_t *series = json_object_get(c, "series"), *all = json_array(), *s;
  json_t *benches[MB_CHART_SERIES];
  size_t k, nseries = json_array_size(series);
  json_array_foreach(series, k, s) for (int r = 0; r < nres && json_array_size(all) < MB_CHART_SERIES; r++) {
      json_t *m = json_deep_copy(s);
      char t[256];
      snprintf(t, sizeof t, "%s%s%s", names[r], nseries > 1 && text(s, "title") ? " " : "", nseries > 1 && text(s, "title") ? text(s, "title") : "");
      json_object_set_new(m, "title", json_string(t));
      json_object_set_new(m, "style", json_integer(1 + r % 7));
      benches[json_array_size(all)] = json_object_get(docs[r], "benchmarks");
      json_array_append_new(all, m);
    }
  int rc = lines_chart(benches, c, all, dir, err, errlen);
  json_decref(all);
  return rc;
}

/* Whether chart c is one membench would declare: a plain file name, a title, valid series. */
static int chart_valid(json_t *c) {
  json_t *series = json_object_get(c, "series"), *s;
  size_t k;
  if (!file_name(text(c, "file")) || !text(c, "title") || !json_is_array(series)) return 0;
  json_array_foreach(series, k, s) if (!series_valid(s)) return 0;
  return 1;
}

/* Chart c's data and script from n results (docs, their machines' names); its line in `list`.
 * 0, or -1 on an error (in err). */
static int one_chart(json_t *const *docs, const char *const *names, int nres, json_t *c, const char *dir, FILE *list, char *err, size_t errlen) {
  const char *file = text(c, "file"), *kind = text(c, "kind");
  json_t *benches[MB_CHART_SERIES];
  if (!chart_valid(c) || nres < 1 || nres > MB_CHART_SERIES) return 0; /* not a chart membench would declare */
  for (int k = 0; k < MB_CHART_SERIES; k++) benches[k] = json_object_get(docs[k < nres ? k : 0], "benchmarks");
  int drawn = nres > 1 && !kind                ? machines_lines(docs, names, nres, c, dir, err, errlen)
              : !kind                          ? lines_chart(benches, c, json_object_get(c, "series"), dir, err, errlen)
              : nres > 1 && !strcmp(kind, "bars") ? mb_chart_categories(benches, names, nres, c, dir, err, errlen)
              : nres > 1                       ? 0
              : !strcmp(kind, "matrix")        ? mb_chart_matrix(benches[0], c, dir, err, errlen)
              : !strcmp(kind, "dots") || !strcmp(kind, "bars") ? mb_chart_categories(benches, names, 1, c, dir, err, errlen)
                                               : 0;
  if (drawn < 0) return -1;
  return fprintf(list, "%s %s\n", drawn ? "draw" : "skip", file) < 0 ? -1 : 0;
}

/* The charts of n results' families (the first result's presentation, else views'): with one
 * result those not for machines side by side, with several only those. */
static int charts_write(json_t *const *docs, const char *const *names, int nres, json_t *views, const char *dir, FILE *list, char *err, size_t errlen) {
  json_t *benches = json_object_get(docs[0], "benchmarks"), *seen = json_object(), *b;
  json_t *pres = json_object_get(json_object_get(json_object_get(docs[0], "context"), "membench"), "presentation");
  size_t i;
  int rc = 0;
  json_array_foreach(benches, i, b) {
    const char *fam = text(b, "family");
    if (!fam || json_object_get(seen, fam) || !file_name(fam)) continue;
    json_object_set_new(seen, fam, json_true());
    json_t *charts = json_object_get(json_object_get(pres, fam), "charts"), *c;
    json_t *more = json_object_get(json_object_get(views, fam), "charts");
    if (!json_is_array(charts)) charts = more, more = NULL;
    if (!json_is_array(charts) || !json_array_size(charts)) continue;
    if (nres == 1 && fprintf(list, "family %s\n", fam) < 0) rc = -1;
    size_t k;
    for (int from = 0; from < 2 && !rc; from++) /* the result's, then those of views it lacks (a chart for machines added since) */
      json_array_foreach(from ? more : charts, k, c) {
        if (rc || !json_is_object(c) || !!integer(c, "machines") != (nres > 1)) continue;
        int dup = 0;
        size_t j;
        json_t *o;
        json_array_foreach(from ? charts : NULL, j, o) dup |= text(o, "file") && text(c, "file") && !strcmp(text(o, "file"), text(c, "file"));
        if (!dup) rc = one_chart(docs, names, nres, c, dir, list, err, errlen);
      }
    if (rc) break;
  }
  json_decref(seen);
  return rc;
}

int mb_charts_write(json_t *doc, json_t *views, const char *dir, FILE *list, char *err, size_t errlen) {
  const char *none = "";
  return charts_write(&doc, &none, 1, views, dir, list, err, errlen);
}

int mb_charts_write_machines(json_t *const *docs, const char *const *names, int n, json_t *views, const char *dir, FILE *list, char *err, size_t errlen) {
  return charts_write(docs, names, n, views, dir, list, err, errlen);
}
