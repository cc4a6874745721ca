/*
 * mbextract: one series of a result, as two columns for gnuplot. No hand-edited data: every
 * chart is drawn from what this prints.
 *
 *   mbextract FILE PREFIX FIELD [COMPONENT]   "ARG VALUE" per benchmark named
 *                                 PREFIX/argname:ARG[/...] (and having COMPONENT, e.g.
 *                                 ws:1073741824, as a whole component of its name),
 *                                 ordered by ARG; VALUE is FIELD (real_time in ns,
 *                                 bytes_per_second, items_per_second or any counter), the
 *                                 median when there are repetitions (of the clean ones:
 *                                 those not marked mb_disturbed, unless every one was);
 *                                 skipped and failed runs are left out; a benchmark
 *                                 named exactly PREFIX (no argument) is one point, ARG 0
 *   mbextract FILE --batch SPEC DIR   many series in one read: SPEC lines "NAME PREFIX FIELD
 *                                 [COMPONENT]", each into DIR/NAME.dat (make plots uses it),
 *                                 its points measured only while disturbed also into
 *                                 DIR/NAME_disturbed.dat (the charts draw them apart);
 *                                 and DIR/python_version, as --python-version prints it
 *   mbextract FILE --caches       "hwloc LEVEL BYTES" and "detected LEVEL BYTES" lines
 *   mbextract FILE --machine      the machine name the result was filed under
 *   mbextract FILE --date         the day of the run (YYYY-MM-DD), "undated" if not known
 *   mbextract FILE --python-version   the CPython version the python family ran, "unknown"
 *   mbextract FILE --incomplete   of a checkpoint (context.membench.incomplete): one line
 *                                 saying how much of the run it holds; exit 1 when the
 *                                 result is complete
 *   mbextract FILE --families     the families in the result, one per line
 *   mbextract FILE --family F DIR the default chart's data of family F, from what the result
 *                                 says of it (MB_FAMILY: x argument, log scales, title; each
 *                                 entry's primary figure and unit): DIR/family_F.dat holds one
 *                                 block per variant ("x value" lines under a title line) or,
 *                                 with no x argument, one "label value" line per benchmark;
 *                                 printed: "X LOGX LOGY BLOCKS" (X the argument, "-" for
 *                                 none), the unit, the title
 *   mbextract FILE --charts DIR [VIEWS]  every chart the result's families declare (MB_CHART;
 *                                 from VIEWS, what `membench --mb_views` prints, for a family
 *                                 whose result records none): DIR/chart_F.gp and its data;
 *                                 printed: "draw F" or "skip F" (no point) a chart, and
 *                                 "family NAME" for each family that declares charts
 *   mbextract FILE --machines DIR [--views=FILE] OTHER...  the charts families declare for
 *                                 machines side by side (MB_CHART's .machines), of FILE and
 *                                 the OTHER results: DIR/chart_F.gp and its data; printed:
 *                                 "draw F" or "skip F"
 *   mbextract FILE --family-charts DIR [SKIP...]  the same for every family of the result but
 *                                 those named, in one read: DIR/family_F.dat and, what --family
 *                                 prints, DIR/family_F.meta; printed: the families, one a line
 * Bad input: one line on stderr, exit 2. A series with no point prints nothing, exit 0.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h" /* mb_machine_name_valid */
#include "entries.h"
#include "escape.h"
#include "charts.h"
#include "series.h"
#include "tooldie.h"

/* The CPython version the python family ran (its context), for a chart's title: digits, dots
 * and letters only (it reaches gnuplot), "unknown" otherwise. */
static const char *python_version(json_t *ctx) {
  const char *v = json_string_value(json_object_get(json_object_get(json_object_get(ctx, "membench"), "families"), "python_version"));
  int ok = v && *v && strlen(v) <= 24;
  for (const char *c = v; ok && *c; c++) ok = isalnum((unsigned char)*c) || *c == '.';
  return ok ? v : "unknown";
}

/* Many series from one read of the result (a large result is parsed once, not once per
 * series): SPEC has lines "NAME PREFIX FIELD [COMPONENT]", each written to DIR/NAME.dat; and
 * DIR/python_version, what --python-version prints. */
static void batch(json_t *ctx, json_t *benches, const char *spec, const char *dir) {
  FILE *f = fopen(spec, "r");
  if (!f) die("%s: cannot read", spec);
  char line[1024];
  while (fgets(line, sizeof line, f)) {
    char name[128], prefix[512], field[128], with[128] = "";
    int n = sscanf(line, "%127s %511s %127s %127s", name, prefix, field, with);
    if (n < 3) continue;
    for (const char *c = name; *c; c++)
      if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-') die("%s: series name '%s' is not a file name", spec, name);
    char path[4096], dpath[4096];
    snprintf(path, sizeof path, "%s/%s.dat", dir, name);
    snprintf(dpath, sizeof dpath, "%s/%s_disturbed.dat", dir, name);
    FILE *out = fopen(path, "w"), *dout = fopen(dpath, "w");
    if (!out || !dout) die("%s: cannot write", out ? dpath : path);
    if (mb_series(benches, prefix, field, n == 4 ? with : NULL, out, dout)) die("out of memory");
    if (fclose(out)) die("%s: cannot write", path);
    if (fclose(dout)) die("%s: cannot write", dpath);
  }
  fclose(f);
  char path[4096];
  snprintf(path, sizeof path, "%s/python_version", dir);
  FILE *pv = fopen(path, "w");
  if (!pv || fprintf(pv, "%s\n", python_version(ctx)) < 0 || fclose(pv)) die("%s: cannot write", path);
}

/* Text from a result on its way into a chart: letters, digits and a few marks only. */
static void clean(char *out, size_t len, const char *in) {
  size_t w = 0;
  for (; in && *in && w + 1 < len; in++)
    out[w++] = isalnum((unsigned char)*in) || strchr(" ._:/()+-", *in) ? *in : '_';
  out[w] = 0;
}


/* The families of the result's entries, in file order (names only: each is a file name). */
static json_t *families(json_t *benches) {
  json_t *seen = json_object(), *list = json_array(), *b;
  size_t i;
  json_array_foreach(benches, i, b) {
    const char *f = json_string_value(json_object_get(b, "family"));
    if (!mb_machine_name_valid(f) || json_object_get(seen, f)) continue;
    json_object_set_new(seen, f, json_true());
    json_array_append_new(list, json_string(f));
  }
  json_decref(seen);
  return list;
}

/* One entry per run name of family `fam`, in file order (the first repetition stands for all). */
static int first_of_run(json_t *benches, size_t at, const char *fam) {
  const char *f = json_string_value(json_object_get(json_array_get(benches, at), "family"));
  return f && !strcmp(f, fam) && mb_first_of_run(benches, at);
}

static void family_chart(json_t *doc, const char *fam, const char *dir, FILE *meta) {
  json_t *benches = json_object_get(doc, "benchmarks");
  if (!mb_machine_name_valid(fam)) die("family '%s' is not a name (letters, digits, '_', '-')", fam);
  json_t *p = json_object_get(json_object_get(json_object_get(json_object_get(doc, "context"), "membench"), "presentation"), fam);
  const char *x = json_string_value(json_object_get(p, "x"));
  if (x && !mb_machine_name_valid(x)) x = NULL; /* an argument name that is not a name: bars */
  char path[4096], dpath[4096], unit[32] = "", title[128];
  snprintf(path, sizeof path, "%s/family_%s.dat", dir, fam);
  snprintf(dpath, sizeof dpath, "%s/family_%s_disturbed.dat", dir, fam); /* "x value" (or "index value") of disturbed points */
  FILE *out = fopen(path, "w"), *dout = fopen(dpath, "w");
  if (!out || !dout) die("%s: cannot write", out ? dpath : path);
  int index = 0;
  /* One pass: the family's benchmarks (first entry of each run) by variant, the variants
   * in order, for one block each. */
  json_t *variants = json_array(), *by_variant = json_object(), *b;
  size_t i, j;
  json_array_foreach(benches, i, b) {
    const char *v = json_string_value(json_object_get(b, "variant"));
    if (!v || !first_of_run(benches, i, fam)) continue;
    json_t *l = json_object_get(by_variant, v);
    if (!l) {
      json_object_set_new(by_variant, v, l = json_array());
      json_array_append_new(variants, json_string(v));
    }
    json_array_append(l, b);
  }
  int blocks = 0;
  json_t *var;
  json_array_foreach(variants, j, var) {
    int rows = 0;
    json_array_foreach(json_object_get(by_variant, json_string_value(var)), i, b) {
      const char *pr = json_string_value(json_object_get(b, "primary"));
      if (!pr) continue;
      int disturbed, nv;
      double *vals = mb_run_values_clean_all(benches, json_string_value(json_object_get(b, "run_name")), pr, 0, &nv, &disturbed);
      double y = mb_median(vals, nv);
      free(vals);
      json_t *xa = x ? json_object_get(json_object_get(b, "args"), x) : NULL;
      if (!*unit) clean(unit, sizeof unit, json_string_value(json_object_get(b, "unit")));
      char label[160];
      clean(label, sizeof label, x ? json_string_value(var) : json_string_value(json_object_get(b, "run_name")));
      if (x && !json_is_number(xa)) continue;
      if (x && !rows) fprintf(out, "\"%s\" \"%s\"\n", label, unit);
      if (x) fprintf(out, "%.17g %.17g\n", json_number_value(xa), y);
      else fprintf(out, "\"%s\" %.17g\n", label, y);
      if (disturbed) fprintf(dout, "%.17g %.17g\n", x ? json_number_value(xa) : (double)index, y);
      index++;
      rows++;
    }
    if (x && rows) fprintf(out, "\n\n"), blocks++;
    else if (rows) blocks = 1;
  }
  json_decref(variants);
  json_decref(by_variant);
  if (fclose(out)) die("%s: cannot write", path);
  if (fclose(dout)) die("%s: cannot write", dpath);
  clean(title, sizeof title, json_string_value(json_object_get(p, "title")) ? json_string_value(json_object_get(p, "title")) : fam);
  fprintf(meta, "%s %d %d %d\n%s\n%s\n", x ? x : "-", json_is_true(json_object_get(p, "logx")), json_is_true(json_object_get(p, "logy")), blocks,
         *unit ? unit : "value", title);
}

/* mbextract FIRST --machines DIR [--views=FILE] OTHER...: the charts for machines side by
 * side (mb_charts_write_machines), each result named by its machine ("NAME#K" for the K-th
 * result of a machine already named). */
static void machines_charts(json_t *first, int argc, char **argv) {
  enum { MAX = 16 };
  json_t *docs[MAX] = {first}, *views = NULL;
  char names[MAX][72];
  const char *name_of[MAX];
  int n = 1;
  json_error_t e;
  for (int k = 4; k < argc; k++) {
    if (!strncmp(argv[k], "--views=", 8)) {
      if (!(views = json_load_file(argv[k] + 8, 0, &e))) die("%s: not valid JSON (line %d: %s)", argv[k] + 8, e.line, e.text);
      continue;
    }
    if (n == MAX) die("more than %d results side by side", MAX);
    if (!(docs[n] = json_load_file(argv[k], 0, &e))) die("%s: not valid JSON (line %d: %s)", argv[k], e.line, e.text);
    if (!json_is_array(json_object_get(docs[n], "benchmarks"))) die("%s: not a Google Benchmark result", argv[k]);
    n++;
  }
  if (n < 2) die("--machines: name at least one more result");
  for (int k = 0; k < n; k++) {
    const char *m = json_string_value(json_object_get(json_object_get(docs[k], "context"), "mb_machine"));
    if (!m || !mb_machine_name_valid(m)) die("result %d: no machine name usable in a chart (letters, digits, '.', '_', '-')", k + 1);
    snprintf(names[k], sizeof names[k], "%.64s", m);
    for (int j = 0; j < k; j++)
      if (!strcmp(name_of[j], m)) snprintf(names[k], sizeof names[k], "%.64s#%d", m, k + 1);
    name_of[k] = names[k];
  }
  char err[512];
  if (mb_charts_write_machines(docs, name_of, n, views, argv[3], stdout, err, sizeof err)) die("%s", err);
  for (int k = 0; k < n; k++) json_decref(docs[k]);
  json_decref(views);
}

int main(int argc, char **argv) {
  mb_tool_name = "mbextract";
  if (argc < 3) die("usage: mbextract FILE PREFIX FIELD | FILE --caches | FILE --machine");
  json_error_t e;
  json_t *doc = json_load_file(argv[1], 0, &e);
  if (!doc) die("%s: not valid JSON (line %d: %s)", argv[1], e.line, e.text);
  json_t *ctx = json_object_get(doc, "context"), *benches = json_object_get(doc, "benchmarks");
  if (!json_is_object(ctx) || !json_is_array(benches)) die("%s: not a Google Benchmark result", argv[1]);
  size_t i;
  json_t *b;
  if (!strcmp(argv[2], "--machine")) {
    const char *m = json_string_value(json_object_get(ctx, "mb_machine"));
    if (!m) die("%s: no mb_machine in the context: not a membench result", argv[1]);
    /* It becomes a directory name and reaches gnuplot: data, never a path or code. */
    if (!mb_machine_name_valid(m)) die("%s: machine name is not usable as a directory name (letters, digits, '.', '_', '-')", argv[1]);
    printf("%s\n", m);
    return 0;
  }
  if (!strcmp(argv[2], "--incomplete")) {
    json_t *inc = json_object_get(json_object_get(ctx, "membench"), "incomplete");
    if (!json_is_object(inc)) return 1;
    const char *last = json_string_value(json_object_get(inc, "last"));
    const char *shown = last ? mb_term(last) : ""; /* a name is data: no control characters reach the terminal */
    printf("%lld of %lld benchmarks measured or skipped%s%s%s\n", (long long)json_integer_value(json_object_get(inc, "done")),
           (long long)json_integer_value(json_object_get(inc, "selected")), *shown ? " (the last: " : "", shown, *shown ? ")" : "");
    return 0;
  }
  if (!strcmp(argv[2], "--date")) {
    /* The day of the run, for a chart's footer: YYYY-MM-DD from the context's date, or
     * "undated" (it reaches gnuplot: digits and dashes only). */
    const char *d = json_string_value(json_object_get(ctx, "date"));
    int ok = d && strlen(d) >= 10;
    for (int k = 0; ok && k < 10; k++) ok = k == 4 || k == 7 ? d[k] == '-' : isdigit((unsigned char)d[k]);
    printf("%.10s\n", ok ? d : "undated");
    return 0;
  }
  if (!strcmp(argv[2], "--python-version")) {
    printf("%s\n", python_version(ctx));
    return 0;
  }
  if (!strcmp(argv[2], "--caches")) {
    json_t *c;
    json_array_foreach(json_object_get(json_object_get(json_object_get(ctx, "membench"), "topology"), "caches_hwloc"), i, c)
        printf("hwloc %lld %lld\n", (long long)json_integer_value(json_object_get(c, "level")),
               (long long)json_integer_value(json_object_get(c, "bytes")));
    json_array_foreach(benches, i, b) { /* the levels the latency curve showed: the first entry that says L1_bytes */
      const char *rt = json_string_value(json_object_get(b, "run_type"));
      if ((rt && !strcmp(rt, "aggregate")) || json_is_true(json_object_get(b, "error_occurred")) || !json_is_number(json_object_get(b, "L1_bytes")))
        continue;
      for (int l = 1; l <= 8; l++) {
        char key[32];
        snprintf(key, sizeof key, "L%d_bytes", l);
        json_t *v = json_object_get(b, key);
        if (json_is_number(v)) printf("detected %d %.0f\n", l, json_number_value(v));
      }
      break;
    }
    return 0;
  }
  if (!strcmp(argv[2], "--families") || (argc >= 4 && !strcmp(argv[2], "--family-charts"))) {
    json_t *fams = families(benches), *f;
    size_t i;
    json_array_foreach(fams, i, f) {
      const char *name = json_string_value(f);
      int skip = 0;
      for (int k = 4; k < argc; k++) skip |= !strcmp(argv[k], name);
      if (skip) continue;
      if (argc >= 4) { /* --family-charts */
        char path[4096];
        snprintf(path, sizeof path, "%s/family_%s.meta", argv[3], name);
        FILE *meta = fopen(path, "w");
        if (!meta) die("%s: cannot write", path);
        family_chart(doc, name, argv[3], meta);
        if (fclose(meta)) die("%s: cannot write", path);
      }
      printf("%s\n", name);
    }
    json_decref(fams);
    json_decref(doc);
    return 0;
  }
  if (argc == 5 && !strcmp(argv[2], "--family")) {
    family_chart(doc, argv[3], argv[4], stdout);
    json_decref(doc);
    return 0;
  }
  if ((argc == 4 || argc == 5) && !strcmp(argv[2], "--charts")) {
    json_t *views = NULL;
    if (argc == 5 && !(views = json_load_file(argv[4], 0, &e))) die("%s: not valid JSON (line %d: %s)", argv[4], e.line, e.text);
    char err[512];
    if (mb_charts_write(doc, views, argv[3], stdout, err, sizeof err)) die("%s", err);
    json_decref(views);
    json_decref(doc);
    return 0;
  }
  if (argc >= 4 && !strcmp(argv[2], "--machines")) {
    machines_charts(doc, argc, argv);
    return 0;
  }
  if (argc == 5 && !strcmp(argv[2], "--batch")) {
    batch(ctx, benches, argv[3], argv[4]);
    json_decref(doc);
    return 0;
  }
  if (argc < 4 || argc > 5) die("usage: mbextract FILE PREFIX FIELD [COMPONENT]");
  if (mb_series(benches, argv[2], argv[3], argc == 5 ? argv[4] : NULL, stdout, NULL)) die("out of memory");
  json_decref(doc);
  return 0;
}
