/*
 * charts.c: a declared chart (MB_CHART, recorded in the result) becomes the data of its series
 * and a gnuplot script in the house style of plots/common.gp. A result may come from anyone:
 * what it says of a chart is data. File names and figures must be of the kinds membench
 * checks at start, places and scales come from fixed lists, numbers are printed by us, and
 * every text goes inside single quotes (where gnuplot expands nothing) with its quotes
 * doubled and its control characters blanked.
 */
#define _GNU_SOURCE
#include "charts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "membench.h"
#include "series.h"

/* The key's places as the result records them (harness/context.cc), and what gnuplot is told. */
static const char *const key_names[] = {"top left", "top right", "top center", "bottom left", "bottom right", "center right", "outside top", "off", NULL};
static const char *const key_gnuplot[] = {"top left", "top right", "top center", "bottom left", "bottom right", "center right", "outside top center horizontal", "off"};

static const char *text(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }
static int integer(json_t *o, const char *key) { return (int)json_integer_value(json_object_get(o, key)); }
/* A number the result gives, 0 where it gives none or one that is not finite. */
static double number(json_t *o, const char *key) {
  double v = json_number_value(json_object_get(o, key));
  return isfinite(v) ? v : 0;
}

/* Text for gnuplot: 'text', at most 200 bytes of it. */
static void quoted(FILE *f, const char *s) {
  fputc('\'', f);
  for (int n = 0; s && *s && n < 200; s++, n++) {
    unsigned char c = (unsigned char)*s;
    if (c == '\'') fputs("''", f);
    else fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
  }
  fputc('\'', f);
}

static int file_name(const char *s) {
  size_t n = s ? strlen(s) : 0;
  return n > 0 && n <= 48 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

/* The series' data files: DIR/chart_F_K.dat and _disturbed.dat. 1 when it has a point, 0
 * when none, -1 on an error (in err). *largest: the value its .largest kept, if any. */
static int series_data(json_t *benches, json_t *s, const char *dir, const char *file, int k, double *largest, char *err, size_t errlen) {
  char path[4096], dpath[4096];
  snprintf(path, sizeof path, "%s/chart_%s_%d.dat", dir, file, k);
  snprintf(dpath, sizeof dpath, "%s/chart_%s_%d_disturbed.dat", dir, file, k);
  FILE *out = fopen(path, "w"), *dout = fopen(dpath, "w");
  int got = -1;
  if (out && dout) {
    const char *x = text(s, "x"), *at = text(s, "largest");
    char with[96] = "";
    double most = at ? mb_series_largest_arg(benches, text(s, "bench"), at) : 0;
    if (most > 0) snprintf(with, sizeof with, "%s:%.0f", at, most), *largest = most;
    got = x ? mb_series_xy(benches, text(s, "bench"), x, text(s, "figure"), out, dout)
            : mb_series(benches, text(s, "bench"), text(s, "figure"), *with ? with : NULL, out, dout);
    if (got < 0) snprintf(err, errlen, "out of memory");
    else got = ftell(out) > 0;
  } else {
    snprintf(err, errlen, "%s: cannot write", out ? dpath : path);
  }
  if (out && fclose(out) && got >= 0) got = -1, snprintf(err, errlen, "%s: cannot write", path);
  if (dout && fclose(dout) && got >= 0) got = -1, snprintf(err, errlen, "%s: cannot write", dpath);
  return got;
}

/* A series' x and y as gnuplot's `using` says them, from its divisors. */
static void using(FILE *f, json_t *s) {
  double xdiv = number(s, "xdiv"), div = number(s, "div"), inv = number(s, "inv");
  if (xdiv != 0) fprintf(f, "($1/%.17g):", xdiv);
  else fputs("1:", f);
  if (inv != 0) fprintf(f, "(%.17g/$2)", inv);
  else if (integer(s, "per_x")) fputs("($2/$1)", f);
  else if (div != 0) fprintf(f, "($2/%.17g)", div);
  else fputs("2", f);
}

/* "set key" as the chart says, on a line of its own. */
static void key(FILE *f, json_t *c) {
  const char *k = text(c, "key");
  int at = 0;
  for (int i = 0; k && key_names[i]; i++)
    if (!strcmp(k, key_names[i])) at = i;
  int rows = integer(c, "key_rows");
  fprintf(f, "set key %s", key_gnuplot[at]);
  if (rows > 0 && rows <= 16) fprintf(f, " maxrows %d width -2", rows);
  fputc('\n', f);
}

/* The title, "{largest}" in it said as the value a series' .largest kept (in MiB). */
static void title(FILE *f, const char *t, double largest) {
  const char *at = strstr(t, "{largest}");
  char said[400];
  if (at && largest > 0) snprintf(said, sizeof said, "%.*s%g MiB%s", (int)(at - t) < 200 ? (int)(at - t) : 200, t, largest / 1048576, at + 9);
  quoted(f, at && largest > 0 ? said : t);
}

/* The axes, the key, the note and the footer: everything before `plot`. */
static void preamble(FILE *f, json_t *c, double largest, int panels) {
  fputs("load here.\"/common.gp\"\n", f);
  if (!panels) { /* two panels: the title is the multiplot's, the labels each panel's */
    fputs("set title ", f);
    title(f, text(c, "title"), largest);
    if (text(c, "xlabel")) fputs("\nset xlabel ", f), quoted(f, text(c, "xlabel"));
    if (text(c, "ylabel")) fputs("\nset ylabel ", f), quoted(f, text(c, "ylabel"));
    fputc('\n', f);
  }
  int logx = integer(c, "logx"), logy = integer(c, "logy"), bytes = integer(c, "bytes");
  if (logx == 2 || logx == 10) fprintf(f, "set logscale x %d\n", logx);
  if (bytes == 1 || bytes == 2) fprintf(f, "bytes_step = %d\n@bytes_axis\n", bytes == 2 ? 1 : 2);
  else fputs("set format x \"%g\"\n", f);
  int xstep = integer(c, "xstep");
  if (xstep > 0 && xstep <= 1000) fprintf(f, "set xtics %d\n", xstep);
  if (logy == 2 || logy == 10) fprintf(f, "set logscale y %d\n", logy);
  if (integer(c, "si")) fputs("set format y \"%.0s%c\"\n", f);
  else if (logy == 2 || logy == 10 || integer(c, "plain_y")) fputs("set format y \"%g\"\n", f);
  const char *xr = text(c, "xrange"), *yr = text(c, "yrange");
  if (xr && mb_chart_range_valid(xr)) fprintf(f, "set xrange [%s]\n", xr);
  if (yr && mb_chart_range_valid(yr)) fprintf(f, "set yrange [%s]\n", yr);
  key(f, c);
  if (integer(c, "caches")) fputs("load data.\"/caches.gp\"\n", f);
  if (text(c, "note")) {
    const char *at = text(c, "note_at");
    fputs("set label 101 ", f);
    quoted(f, text(c, "note"));
    fputs(at && !strcmp(at, "bottom left") ? " at graph 0.02, graph 0.06 left" : " at graph 0.5, graph 0.95 center", f);
    fputs(" font \",9\" tc rgb \"#666666\"\n", f);
  }
  fputs("set label 100 footer at screen 0.99, screen 0.015 right font \",8\" tc rgb \"#999999\"\n"
        "do for [t in \"svg png\"] {\n",
        f);
  const int height = panels ? 760 : 600; /* two panels: taller */
  fprintf(f,
          "  if (t eq \"svg\") { set terminal svg size 960,%d dynamic font \"Sans,11\" noenhanced; set output out.\".svg\" } \\\n"
          "  else { set terminal pngcairo size 960,%d font \"Sans,10\" noenhanced; set output out.\".png\" }\n",
          height, height);
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

/* Chart c's data and script; its line in `list`. 0, or -1 on an error (in err). */
/* The series' data file names and whether each has points (has[k]). */
typedef struct drawn {
  const char *dir, *file;
  int has[MB_CHART_SERIES];
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
  }
  json_array_foreach(series, k, s) {
    if (k >= MB_CHART_SERIES) break;
    if (!d->has[k] || (panel >= 0 && integer(s, "panel") != panel)) continue;
    char dpath[4096];
    snprintf(dpath, sizeof dpath, "%s/chart_%s_%d_disturbed.dat", d->dir, d->file, (int)k);
    FILE *df = fopen(dpath, "r");
    int some = df && fgetc(df) != EOF;
    if (df) fclose(df);
    if (!some) continue;
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
  title(f, text(c, "title"), largest);
  fputs(" font \",13\"\n", f);
  for (int p = 0; p < 2; p++) {
    fputs("  set title ", f);
    quoted(f, json_string_value(json_array_get(titles, (size_t)p)));
    fputs(" font \",11\"\n  set ylabel ", f);
    quoted(f, json_string_value(json_array_get(ylabels, (size_t)p)));
    if (p == 0) fputs("\n  unset xlabel\n  ", f), key(f, c); /* again each time: the bottom panel turned it off */
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

static int one_chart(json_t *benches, json_t *c, const char *dir, FILE *list, char *err, size_t errlen) {
  const char *file = text(c, "file");
  json_t *series = json_object_get(c, "series"), *s;
  if (!file_name(file) || !text(c, "title") || !json_is_array(series)) return 0; /* not a chart membench would declare */
  drawn_t d = {dir, file, {0}};
  int any = 0;
  double largest = 0;
  size_t k;
  json_array_foreach(series, k, s) {
    if (k >= MB_CHART_SERIES) break;
    const char *x = text(s, "x");
    const char *at = text(s, "largest");
    if (!text(s, "bench") || !mb_chart_figure_valid(text(s, "figure")) || (x && !mb_chart_figure_valid(x)) || (at && !mb_chart_figure_valid(at))) continue;
    if ((d.has[k] = series_data(benches, s, dir, file, (int)k, &largest, err, errlen)) < 0) return -1;
    any |= d.has[k];
  }
  if (!any) return fprintf(list, "skip %s\n", file) < 0 ? -1 : 0;
  char path[4096];
  snprintf(path, sizeof path, "%s/chart_%s.gp", dir, file);
  FILE *f = fopen(path, "w");
  if (!f) return snprintf(err, errlen, "%s: cannot write", path), -1;
  const int two = json_array_size(json_object_get(c, "panel_titles")) == 2 && json_array_size(json_object_get(c, "panel_ylabels")) == 2;
  preamble(f, c, largest, two);
  if (two) panels(f, c, series, &d, largest);
  else plot(f, series, &d, -1);
  fputs("}\n", f);
  if (fclose(f)) return snprintf(err, errlen, "%s: cannot write", path), -1;
  return fprintf(list, "draw %s\n", file) < 0 ? -1 : 0;
}

int mb_charts_write(json_t *doc, json_t *views, const char *dir, FILE *list, char *err, size_t errlen) {
  json_t *benches = json_object_get(doc, "benchmarks"), *seen = json_object(), *b;
  json_t *pres = json_object_get(json_object_get(json_object_get(doc, "context"), "membench"), "presentation");
  size_t i;
  int rc = 0;
  json_array_foreach(benches, i, b) {
    const char *fam = text(b, "family");
    if (!fam || json_object_get(seen, fam) || !file_name(fam)) continue;
    json_object_set_new(seen, fam, json_true());
    json_t *charts = json_object_get(json_object_get(pres, fam), "charts"), *c;
    if (!json_is_array(charts)) charts = json_object_get(json_object_get(views, fam), "charts");
    if (!json_is_array(charts) || !json_array_size(charts)) continue;
    if (fprintf(list, "family %s\n", fam) < 0) rc = -1;
    size_t k;
    json_array_foreach(charts, k, c) if (!rc && json_is_object(c)) rc = one_chart(benches, c, dir, list, err, errlen);
    if (rc) break;
  }
  json_decref(seen);
  return rc;
}
