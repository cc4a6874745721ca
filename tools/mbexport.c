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
 *   mbexport --to=jsonl|csv|openmetrics FILE   for fleets: one flat row per figure (the
 *       primary and every declared figure of each benchmark): its value (the median of the
 *       clean repetitions; times in ns), unit, better-direction, smallest and largest
 *       repetition, repetitions, the benchmark's family, variant and parameters (param_<name>
 *       columns), and the machine as tags: its name, the result's date and git revision, and
 *       its fingerprint (fp_<key>: CPU, cores, caches, memory, kernel... as mbcompare checks it).
 *       jsonl: one JSON object per line; csv: RFC 4180 with a header row (the columns are the
 *       union over the rows; a text cell starting with = + - @ gets a leading ' so that a
 *       spreadsheet never runs it as a formula); openmetrics: the OpenMetrics text format, one
 *       gauge family per figure in base units (ns as _seconds, KiB as _bytes), the columns as
 *       labels, ending in "# EOF".
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
#include <ctype.h>
#include <errno.h>
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


/* ---- Flat rows: jsonl, csv, openmetrics ---- */

typedef struct row {
  const char *benchmark, *family, *variant, *figure, *unit, *direction;
  char series[320];
  double value, lo, hi;
  int reps, disturbed;
  json_int_t version;
  json_t *params; /* the entry's "args" (an object of numbers), or NULL */
} row_t;

/* The tags every row carries: machine, date, git revision, fingerprint (fp_<key>): strings and
 * whole numbers only (a result is data: anything else in its fingerprint is left out). */
static json_t *tags_of(json_t *ctx) {
  json_t *t = json_object(), *mb = json_object_get(ctx, "membench");
  const char *keys[][2] = {{"machine", "mb_machine"}, {"date", "date"}, {"git_revision", "mb_git_revision"}};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    json_t *v = json_object_get(ctx, keys[i][1]);
    if (json_is_string(v)) json_object_set(t, keys[i][0], v);
  }
  const char *k;
  json_t *v;
  json_object_foreach(json_object_get(mb, "fingerprint"), k, v) {
    if (!json_is_string(v) && !json_is_integer(v)) continue;
    char key[96];
    snprintf(key, sizeof key, "fp_%s", k);
    json_object_set(t, key, v);
  }
  return t;
}

/* Every row of the result, in order, to emit(). */
static int each_row(json_t *benches, void (*emit)(const row_t *, void *), void *arg) {
  json_t *b;
  size_t i;
  int rows = 0;
  json_array_foreach(benches, i, b) {
    if (!mb_first_of_run(benches, i)) continue;
    const char *rn = json_string_value(json_object_get(b, "run_name"));
    const char *prim = json_string_value(json_object_get(b, "primary"));
    row_t r = {.benchmark = rn, .family = json_string_value(json_object_get(b, "family")),
               .variant = json_string_value(json_object_get(b, "variant")), .params = json_object_get(b, "args"),
               .version = json_integer_value(json_object_get(b, "method_version"))};
    if (r.version < 1) r.version = 1;
    if (!json_is_object(r.params)) r.params = NULL;
    /* The primary figure first, then the declared ones, each with its unit and direction. */
    json_t *figs = json_object_get(b, "figures");
    int nfig = 1 + (json_is_object(figs) ? (int)json_object_size(figs) : 0);
    void *it = json_is_object(figs) ? json_object_iter(figs) : NULL;
    int primary_left_out = 0;
    for (int k = 0; k < nfig; k++) {
      if (k == 0) {
        r.figure = prim ? prim : "real_time";
        r.unit = prim ? json_string_value(json_object_get(b, "unit")) : "ns";
        r.direction = prim ? json_string_value(json_object_get(b, "direction")) : "smaller_is_better";
      } else {
        json_t *fv = json_object_iter_value(it);
        r.figure = json_object_iter_key(it);
        r.unit = json_string_value(json_object_get(fv, "unit"));
        r.direction = json_string_value(json_object_get(fv, "direction"));
        it = json_object_iter_next(figs, it);
      }
      if (mb_is_time_field(r.figure)) r.unit = "ns"; /* collect() reads times in ns */
      fig_t f;
      collect(benches, rn, r.figure, &f);
      if (!f.n) continue;
      if (!exported(&f)) {
        primary_left_out |= k == 0;
        continue;
      }
      r.value = mb_median(f.v, f.n), r.lo = f.v[0], r.hi = f.v[f.n - 1], r.reps = f.n, r.disturbed = f.disturbed;
      series_name(r.series, sizeof r.series, b, 0);
      emit(&r, arg);
      rows++;
    }
    left_out += primary_left_out;
  }
  return rows;
}

static json_t *row_json(const row_t *r, json_t *tags) {
  json_t *o = json_deep_copy(tags);
  json_object_set_new(o, "benchmark", json_string(r->series));
  if (r->family) json_object_set_new(o, "family", json_string(r->family));
  if (r->variant) json_object_set_new(o, "variant", json_string(r->variant));
  const char *k;
  json_t *v;
  json_object_foreach(r->params, k, v) {
    if (!json_is_number(v)) continue;
    char key[96];
    snprintf(key, sizeof key, "param_%s", k);
    json_object_set(o, key, v);
  }
  json_object_set_new(o, "figure", json_string(r->figure));
  json_object_set_new(o, "value", json_real(r->value));
  json_object_set_new(o, "unit", json_string(r->unit ? r->unit : ""));
  json_object_set_new(o, "direction", json_string(r->direction ? r->direction : "smaller_is_better"));
  json_object_set_new(o, "min", json_real(r->lo));
  json_object_set_new(o, "max", json_real(r->hi));
  json_object_set_new(o, "repetitions", json_integer(r->reps));
  json_object_set_new(o, "disturbed", json_boolean(r->disturbed));
  json_object_set_new(o, "method_version", json_integer(r->version));
  return o;
}

typedef struct flat {
  json_t *tags, *rows; /* rows: every row as an object (csv: for the union of the columns) */
} flat_t;

static void keep_row(const row_t *r, void *arg) {
  flat_t *f = arg;
  json_t *o = row_json(r, f->tags);
  if (f->rows) json_array_append_new(f->rows, o);
  else {
    char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    if (!line) die("out of memory");
    puts(line);
    free(line);
    json_decref(o);
  }
}

/* One CSV cell: quoted when it holds a comma, a quote or a line break (RFC 4180); a text cell
 * a spreadsheet would read as a formula gets a leading '. */
static void csv_cell(json_t *v) {
  if (!v || json_is_null(v)) return;
  if (json_is_integer(v)) { printf("%lld", (long long)json_integer_value(v)); return; }
  if (json_is_real(v)) { printf("%.12g", json_real_value(v)); return; }
  if (json_is_boolean(v)) { fputs(json_is_true(v) ? "true" : "false", stdout); return; }
  const char *s = json_string_value(v);
  if (!s) return;
  int formula = strchr("=+-@\t\r", *s) && *s;
  if (!formula && !strpbrk(s, ",\"\r\n")) { fputs(s, stdout); return; }
  putchar('"');
  if (formula) putchar('\'');
  for (; *s; s++) {
    if (*s == '"') putchar('"');
    putchar(*s);
  }
  putchar('"');
}

static void csv_out(json_t *rows) {
  json_t *cols = json_object(), *o; /* the union of the columns, in first-seen order */
  size_t i;
  json_array_foreach(rows, i, o) {
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) if (!json_object_get(cols, k)) json_object_set_new(cols, k, json_true());
  }
  const char *k;
  json_t *v;
  int first = 1;
  json_object_foreach(cols, k, v) {
    if (!first) putchar(',');
    json_t *name = json_string(k);
    csv_cell(name);
    json_decref(name);
    first = 0;
  }
  putchar('\n');
  json_array_foreach(rows, i, o) {
    first = 1;
    json_object_foreach(cols, k, v) {
      if (!first) putchar(',');
      csv_cell(json_object_get(o, k));
      first = 0;
    }
    putchar('\n');
  }
  json_decref(cols);
}

/* OpenMetrics: a name or label name of [a-zA-Z0-9_] (others become '_', no leading digit). */
static void om_name(char *out, size_t len, const char *prefix, const char *s) {
  size_t w = (size_t)snprintf(out, len, "%s", prefix);
  if (!*prefix && isdigit((unsigned char)*s) && w + 1 < len) out[w++] = '_';
  for (; *s && w + 1 < len; s++) out[w++] = isalnum((unsigned char)*s) ? *s : '_';
  out[w] = 0;
}

static void om_value(const char *s) { /* a label value: \, " and newline escaped */
  for (; s && *s; s++) {
    if (*s == '\\') fputs("\\\\", stdout);
    else if (*s == '"') fputs("\\\"", stdout);
    else if (*s == '\n') fputs("\\n", stdout);
    else putchar(*s);
  }
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && !strcmp(s + a - b, suffix);
}

static void openmetrics_out(json_t *rows) {
  /* Families in first-seen order, each with its samples: {name: {"unit", "samples": [...]}} */
  json_t *fams = json_object(), *o;
  size_t i;
  json_array_foreach(rows, i, o) {
    const char *fig = json_string_value(json_object_get(o, "figure")), *unit = json_string_value(json_object_get(o, "unit"));
    double value = json_real_value(json_object_get(o, "value")), scale = 1;
    const char *base = "";
    char stem[160], name[200];
    om_name(stem, sizeof stem, "", fig);
    if (!strcmp(unit, "ns")) base = "seconds", scale = 1e-9;
    else if (!strcmp(unit, "B/s")) base = "bytes_per_second";
    else if (!strcmp(unit, "B")) base = "bytes";
    else if (!strcmp(unit, "KiB")) base = "bytes", scale = 1024;
    if (ends_with(stem, "_ns") && scale == 1e-9) stem[strlen(stem) - 3] = 0;
    if (*base && !ends_with(stem, base)) snprintf(name, sizeof name, "membench_%s_%s", stem, base);
    else snprintf(name, sizeof name, "membench_%s", stem);
    json_t *fam = json_object_get(fams, name);
    if (!fam) {
      fam = json_pack("{s:s, s:s, s:[]}", "unit", *base ? base : "", "figure", fig, "samples");
      json_object_set_new(fams, name, fam);
    }
    json_t *sample = json_deep_copy(o);
    json_object_set_new(sample, "om_value", json_real(value * scale));
    json_array_append_new(json_object_get(fam, "samples"), sample);
  }
  const char *name;
  json_t *fam;
  /* The date is left out: a label per run would make every run a new series. */
  static const char *not_labels[] = {"value", "min", "max", "unit", "direction", "repetitions", "om_value", "date", NULL};
  json_object_foreach(fams, name, fam) {
    const char *unit = json_string_value(json_object_get(fam, "unit"));
    printf("# TYPE %s gauge\n", name);
    if (*unit) printf("# UNIT %s %s\n", name, unit);
    printf("# HELP %s membench figure ", name);
    om_value(json_string_value(json_object_get(fam, "figure")));
    printf(" (median of the clean repetitions)\n");
    json_array_foreach(json_object_get(fam, "samples"), i, o) {
      printf("%s{", name);
      const char *k;
      json_t *v;
      int first = 1;
      json_object_foreach(o, k, v) {
        int skip = 0;
        for (int j = 0; not_labels[j]; j++) skip |= !strcmp(k, not_labels[j]);
        if (skip) continue;
        char label[100], text[64];
        om_name(label, sizeof label, "", k);
        const char *sv = json_string_value(v);
        if (json_is_integer(v)) snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v)), sv = text;
        else if (json_is_real(v)) snprintf(text, sizeof text, "%.12g", json_real_value(v)), sv = text;
        else if (json_is_boolean(v)) sv = json_is_true(v) ? "true" : "false";
        if (!sv) continue;
        printf("%s%s=\"", first ? "" : ",", label);
        om_value(sv);
        putchar('"');
        first = 0;
      }
      printf("} %.12g\n", json_real_value(json_object_get(o, "om_value")));
    }
  }
  puts("# EOF");
  json_decref(fams);
}

int main(int argc, char **argv) {
  mb_tool_name = "mbexport";
  if (argc == 4 && !strcmp(argv[1], "--include_disturbed")) include_disturbed = 1, argv++, argc--;
  if (argc != 3 || strncmp(argv[1], "--to=", 5))
    die("usage: mbexport [--include_disturbed] --to=bencher|github-action-benchmark|jsonl|csv|openmetrics RESULT.json");
  const char *to = argv[1] + 5;
  static const char *formats[] = {"bencher", "github-action-benchmark", "jsonl", "csv", "openmetrics", NULL};
  int known = 0;
  for (int i = 0; formats[i]; i++) known |= !strcmp(to, formats[i]);
  if (!known) die("--to=%s: the formats are bencher, github-action-benchmark, jsonl, csv and openmetrics", to);
  json_error_t e;
  json_t *doc = json_load_file(argv[2], 0, &e);
  if (!doc) die("%s: not valid JSON (line %d: %s)", argv[2], e.line, e.text);
  json_t *ctx = json_object_get(doc, "context"), *benches = json_object_get(doc, "benchmarks");
  if (!json_is_array(benches) || !json_is_string(json_object_get(ctx, "mb_machine"))) die("%s: not a membench result", argv[2]);
  size_t i;
  json_t *b;
  json_array_foreach(benches, i, b) if (!json_is_string(json_object_get(b, "run_name")) && !json_is_string(json_object_get(b, "name")))
      die("%s: benchmark #%zu has no name", argv[2], i);
  if (!strcmp(to, "jsonl") || !strcmp(to, "csv") || !strcmp(to, "openmetrics")) {
    flat_t f = {tags_of(ctx), strcmp(to, "jsonl") ? json_array() : NULL};
    each_row(benches, keep_row, &f);
    if (!strcmp(to, "csv")) csv_out(f.rows);
    else if (!strcmp(to, "openmetrics")) openmetrics_out(f.rows);
    json_decref(f.rows);
    json_decref(f.tags);
    if (fflush(stdout) || ferror(stdout)) die("cannot write the export: %s", strerror(errno));
    if (left_out)
      fprintf(stderr, "mbexport: %d benchmarks left out: every repetition was disturbed (something else had the CPU); "
                      "--include_disturbed exports them, flagged disturbed\n", left_out);
    json_decref(doc);
    return 0;
  }
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
