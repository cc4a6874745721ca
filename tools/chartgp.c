/*
 * chartgp.c: what the chart writers share (chartgp.h): a chart's fields as the result gives
 * them, text quoted for gnuplot, and the preamble every chart script opens with (the house
 * style of plots/common.gp).
 */
#define _GNU_SOURCE
#include "chartgp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "membench.h"

/* The key's places as the result records them (harness/context.cc), and what gnuplot is told. */
static const char *const key_names[] = {"top left", "top right", "top center", "bottom left", "bottom right", "center right", "outside top", "off", NULL};
static const char *const key_gnuplot[] = {"top left", "top right", "top center", "bottom left", "bottom right", "center right", "outside top center horizontal", "off"};

const char *mb_gp_text(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }
int mb_gp_integer(json_t *o, const char *key) { return (int)json_integer_value(json_object_get(o, key)); }
double mb_gp_number(json_t *o, const char *key) {
  double v = json_number_value(json_object_get(o, key));
  return isfinite(v) ? v : 0;
}

void mb_gp_quoted(FILE *f, const char *s) {
  fputc('\'', f);
  for (int n = 0; s && *s && n < 200; s++, n++) {
    unsigned char c = (unsigned char)*s;
    if (c == '\'') fputs("''", f);
    else fputc(c < 0x20 || c == 0x7f ? ' ' : c, f);
  }
  fputc('\'', f);
}

int mb_gp_nonempty(const char *path) {
  FILE *f = fopen(path, "r");
  int some = f && fgetc(f) != EOF;
  if (f) fclose(f);
  return some;
}

/* "set key" as the chart says, on a line of its own. */
void mb_gp_key(FILE *f, json_t *c) {
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
void mb_gp_title(FILE *f, const char *t, double largest) {
  const char *at = strstr(t, "{largest}");
  char said[400];
  if (at && largest > 0) snprintf(said, sizeof said, "%.*s%g MiB%s", (int)(at - t) < 200 ? (int)(at - t) : 200, t, largest / 1048576, at + 9);
  quoted(f, at && largest > 0 ? said : t);
}

void mb_gp_preamble(FILE *f, json_t *c, double largest, int panels, int width, int height) {
  fputs("load here.\"/common.gp\"\n", f);
  if (!panels) { /* several panels: the title is the multiplot's, the labels each panel's */
    fputs("set title ", f);
    mb_gp_title(f, text(c, "title"), largest);
    fputc('\n', f);
  }
  if (!panels || text(c, "kind")) { /* heat maps share their axes' labels */
    if (text(c, "xlabel")) fputs("set xlabel ", f), quoted(f, text(c, "xlabel")), fputc('\n', f);
    if (text(c, "ylabel")) fputs("set ylabel ", f), quoted(f, text(c, "ylabel")), fputc('\n', f);
  }
  int logx = integer(c, "logx"), logy = integer(c, "logy"), bytes = integer(c, "bytes");
  if (logx == 2 || logx == 10) fprintf(f, "set logscale x %d\n", logx);
  if (integer(c, "pow2")) fputs("set autoscale xfix\nset offsets graph 0.03, graph 0.03, 0, 0\n", f); /* x ends where the data do */
  else if (integer(c, "xpad")) fputs("set offsets 0, graph 0.06, graph 0.08, 0\n", f);
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
  mb_gp_key(f, c);
  if (integer(c, "caches")) fputs("load data.\"/caches.gp\"\n", f);
  if (text(c, "note")) {
    const char *at = text(c, "note_at");
    fputs("set label 101 ", f);
    quoted(f, text(c, "note"));
    fputs(at && !strcmp(at, "bottom left")    ? " at graph 0.02, graph 0.06 left"
          : at && !strcmp(at, "bottom right") ? " at graph 0.99, graph 0.04 right"
                                              : " at graph 0.5, graph 0.95 center",
          f);
    fputs(" font \",9\" tc rgb \"#666666\"\n", f);
  }
  fputs("set label 100 footer at screen 0.99, screen 0.015 right font \",8\" tc rgb \"#999999\"\n"
        "do for [t in \"svg png\"] {\n",
        f);
  fprintf(f,
          "  if (t eq \"svg\") { set terminal svg size %d,%d dynamic font \"Sans,11\" noenhanced; set output out.\".svg\" } \\\n"
          "  else { set terminal pngcairo size %d,%d font \"Sans,10\" noenhanced; set output out.\".png\" }\n",
          width, height, width, height);
}

