/*
 * mbexport: a membench result in the formats of the trackers users already run.
 *
 *   mbexport --to=bencher FILE                 Bencher Metric Format: {name: {measure:
 *       {"value", "lower_value", "upper_value"}}}: each benchmark's primary figure as the
 *       measure named by it (e.g. "real_time_ns", "bytes_per_second"), and its other
 *       declared figures beside it; value the median over repetitions, bounds the smallest
 *       and largest repetition.
 *   mbexport --to=github-action-benchmark FILE github-action-benchmark's customSmallerIsBetter
 *       array: one entry per benchmark (name, unit, value, range, extra), the median of its
 *       primary figure made smaller-is-better (a bigger-is-better figure becomes its
 *       inverse: "s/GB" for bandwidth, the unit says so).
 *
 * Only measured benchmarks: skipped and failed ones (not_measured) never reach a tracker as
 * a value; aggregates (mean, median...) are left out, the repetitions they summarise are in.
 * Repetitions marked mb_disturbed (something else had the CPU) are left out of a figure; a
 * benchmark whose every repetition was is left out, said on stderr, or with
 * --include_disturbed exported as a series of its own, "NAME (disturbed)", tagged in extra,
 * so that it never raises an alert against the clean series.
 * The method version travels with the name: "@vN" is appended when N > 1, so a changed
 * method starts a new series instead of raising an alert against the old one ("method vN"
 * is in github-action-benchmark's extra too).
 * Bad input: one line on stderr, exit 2.
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entries.h"
#include "tooldie.h"

typedef struct fig {
  double *v; /* every repetition's value (collect's buffer: valid until its next call) */
  int n;
  int disturbed; /* every repetition was disturbed: these are theirs */
} fig_t;

static int include_disturbed; /* --include_disturbed */
static int left_out;          /* benchmarks left out, every repetition disturbed */

/* The clean repetitions' values of `field` for run `run_name`, in ns when it is a time (or,
 * when every one was disturbed, theirs, flagged). */
static void collect(json_t *benches, const char *run_name, const char *field, fig_t *f) {
  static double *buf;
  static int cap;
  int need = mb_run_count(benches, run_name);
  if (need > cap) {
    double *grown = realloc(buf, (size_t)need * sizeof *buf);
    if (!grown) die("out of memory");
    buf = grown, cap = need;
  }
  f->v = buf;
  f->n = buf ? mb_run_values_clean(benches, run_name, field, 1, buf, cap, &f->disturbed) : (f->disturbed = 0);
}

/* Whether a benchmark's figure goes to the tracker: a disturbed one only when asked, and then
 * as a series of its own. */
static int exported(const fig_t *f) { return f->n && (!f->disturbed || include_disturbed); }

/* The series name a tracker sees: the run name, with the method version when it is not 1,
 * and " (disturbed)" for a figure measured only while something else had the CPU (its own
 * series: it never raises an alert against the clean ones). */
static void series_name(char *buf, size_t len, json_t *b, int disturbed) {
  json_int_t ver = json_integer_value(json_object_get(b, "method_version"));
  const char *rn = json_string_value(json_object_get(b, "run_name"));
  if (ver > 1) snprintf(buf, len, "%s@v%lld%s", rn, (long long)ver, disturbed ? " (disturbed)" : "");
  else snprintf(buf, len, "%s%s", rn, disturbed ? " (disturbed)" : "");
}

static json_t *measure(fig_t *f) {
  double m = mb_median(f->v, f->n);
  return json_pack("{s:f, s:f, s:f}", "value", m, "lower_value", f->v[0], "upper_value", f->v[f->n - 1]);
}

/* The measure's name: the figure, with "_ns" for a time (Bencher's own latency is ns). */
static void measure_name(char *buf, size_t len, const char *figure) {
  if (mb_is_time_field(figure)) snprintf(buf, len, "%s_ns", figure);
  else snprintf(buf, len, "%s", figure);
}

static json_t *bencher(json_t *benches) {
  json_t *out = json_object(), *b;
  size_t i;
  json_array_foreach(benches, i, b) {
    if (!mb_first_of_run(benches, i)) continue;
    const char *rn = json_string_value(json_object_get(b, "run_name"));
    const char *prim = json_string_value(json_object_get(b, "primary"));
    json_t *ms = json_object();
    fig_t f;
    char mname[80], name[320];
    collect(benches, rn, prim ? prim : "real_time", &f);
    const int disturbed = f.disturbed;
    if (f.n && disturbed && !include_disturbed) {
      left_out++;
      json_decref(ms);
      continue;
    }
    if (exported(&f)) {
      measure_name(mname, sizeof mname, prim ? prim : "real_time");
      json_object_set_new(ms, mname, measure(&f));
    }
    const char *k;
    json_t *fv;
    json_object_foreach(json_object_get(b, "figures"), k, fv) {
      collect(benches, rn, k, &f);
      measure_name(mname, sizeof mname, k);
      if (exported(&f)) json_object_set_new(ms, mname, measure(&f));
    }
    series_name(name, sizeof name, b, disturbed);
    if (json_object_size(ms)) json_object_set_new(out, name, ms);
    else json_decref(ms);
  }
  return out;
}

static json_t *gab(json_t *benches) {
  json_t *out = json_array(), *b;
  size_t i;
  json_array_foreach(benches, i, b) {
    if (!mb_first_of_run(benches, i)) continue;
    const char *rn = json_string_value(json_object_get(b, "run_name"));
    const char *prim = json_string_value(json_object_get(b, "primary")), *dir = json_string_value(json_object_get(b, "direction"));
    const char *unit = json_string_value(json_object_get(b, "unit"));
    if (!prim) prim = "real_time", unit = "ns";
    if (mb_is_time_field(prim)) unit = "ns"; /* collect() reads times in ns */
    fig_t f;
    collect(benches, rn, prim, &f);
    if (!f.n) continue;
    if (!exported(&f)) {
      left_out++;
      continue;
    }
    double m = mb_median(f.v, f.n), lo = f.v[0], hi = f.v[f.n - 1];
    char u[64], name[320], extra[512];
    snprintf(u, sizeof u, "%s", unit ? unit : "");
    if (dir && !strcmp(dir, "bigger_is_better")) { /* smaller is better: the inverse */
      if (m <= 0 || lo <= 0) continue;
      if (!strcmp(u, "B/s")) m = 1e9 / m, lo = 1e9 / lo, hi = 1e9 / hi, snprintf(u, sizeof u, "s/GB");
      else if (!strcmp(u, "FLOP/s")) m = 1e9 / m, lo = 1e9 / lo, hi = 1e9 / hi, snprintf(u, sizeof u, "s/GFLOP");
      else {
        m = 1 / m, lo = 1 / lo, hi = 1 / hi;
        char inv[64];
        snprintf(inv, sizeof inv, "1/(%s)", unit ? unit : "value");
        snprintf(u, sizeof u, "%s", inv);
      }
      double t = lo;
      lo = hi, hi = t;
    }
    series_name(name, sizeof name, b, f.disturbed);
    snprintf(extra, sizeof extra, "%s (%s, %s); %d %srepetitions; method v%lld%s", prim, unit ? unit : "", dir ? dir : "smaller_is_better", f.n,
             f.disturbed ? "" : "clean ",
             (long long)(json_integer_value(json_object_get(b, "method_version")) ? json_integer_value(json_object_get(b, "method_version")) : 1),
             f.disturbed ? "; DISTURBED: something else had the CPU in every repetition" : "");
    char range[64];
    snprintf(range, sizeof range, "%.6g..%.6g", lo, hi);
    json_array_append_new(out, json_pack("{s:s, s:s, s:f, s:s, s:s}", "name", name, "unit", u, "value", m, "range", range, "extra", extra));
  }
  return out;
}

int main(int argc, char **argv) {
  mb_tool_name = "mbexport";
  if (argc == 4 && !strcmp(argv[1], "--include_disturbed")) include_disturbed = 1, argv++, argc--;
  if (argc != 3 || strncmp(argv[1], "--to=", 5)) die("usage: mbexport [--include_disturbed] --to=bencher|github-action-benchmark RESULT.json");
  const char *to = argv[1] + 5;
  if (strcmp(to, "bencher") && strcmp(to, "github-action-benchmark"))
    die("--to=%s: the formats are bencher and github-action-benchmark", to);
  json_error_t e;
  json_t *doc = json_load_file(argv[2], 0, &e);
  if (!doc) die("%s: not valid JSON (line %d: %s)", argv[2], e.line, e.text);
  json_t *ctx = json_object_get(doc, "context"), *benches = json_object_get(doc, "benchmarks");
  if (!json_is_array(benches) || !json_is_string(json_object_get(ctx, "mb_machine"))) die("%s: not a membench result", argv[2]);
  size_t i;
  json_t *b;
  json_array_foreach(benches, i, b) if (!json_is_string(json_object_get(b, "run_name")) && !json_is_string(json_object_get(b, "name")))
      die("%s: benchmark #%zu has no name", argv[2], i);
  json_t *out = !strcmp(to, "bencher") ? bencher(benches) : gab(benches);
  char *text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (!text) die("out of memory");
  puts(text);
  free(text);
  if (left_out)
    fprintf(stderr, "mbexport: %d benchmarks left out: every repetition was disturbed (something else had the CPU); "
                    "--include_disturbed exports them as series of their own, named \"... (disturbed)\"\n", left_out);
  json_decref(out);
  json_decref(doc);
  return 0;
}
