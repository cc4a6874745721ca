/*
 * mbcompare: the regression gate, in two modes.
 *
 *   mbcompare [OPTIONS] BASE.json NEW.json
 *     Two results of one machine (a committed baseline and a new run): per benchmark the
 *     ratio of the medians over repetitions, the Mann-Whitney U test's two-sided p-value (as
 *     scipy 1.10's mannwhitneyu, which Google Benchmark's compare.py calls), a verdict.
 *
 *   mbcompare --paired [OPTIONS] BASE1.json HEAD1.json BASE2.json HEAD2.json ...
 *     Rounds of two builds run interleaved on one machine (make bench-ci BASE=<rev>): per
 *     benchmark and round the log ratio of HEAD's median to BASE's, then over the rounds the
 *     exact Wilcoxon signed-rank test (one-sided, each way) with Holm's correction over the
 *     benchmarks judged, and the Hodges-Lehmann estimate of the ratio with its 95% interval.
 *     Drift between runs minutes apart (up to 2x here) cancels within a round; the same binary
 *     failed the two-file gate 2 times in 5.
 *
 * Each benchmark is compared on one figure in its own direction (less bandwidth is worse, as
 * more time is): NEW's declared primary figure, read from BASE under the same name (an older
 * BASE without the declaration still has the field), or --field. Times are converted to ns
 * whatever their unit. A repetition marked mb_disturbed (something else took the CPU) is
 * never a measurement here: the clean ones are judged, and a benchmark without enough of them
 * is "disturbed: not judged".
 *
 * The gate fails closed. Exit status: 1 when a benchmark is worse beyond its threshold and the
 * difference is significant, and only then; 2 when the gate could not judge (one line on
 * stderr says why): bad input, results of different machines (their fingerprints differ, the
 * fields are named; --any_machine compares anyway), aggregates only, too few repetitions or
 * rounds, a figure missing from one side, a benchmark failed or vanished in NEW
 * (--allow_missing lets a vanished one pass), or fewer benchmarks judged than --coverage of
 * those measured; 0 otherwise. Benchmarks whose method version differs are not compared.
 *
 * Options: --threshold=F (two-file default 0.10, paired 0.05) --family_threshold=FAMILY=F
 *          --alpha=F (two-file 0.05, paired 0.01 family-wise) --coverage=F (0.9)
 *          --field=primary|real_time|cpu_time
 *          --tolerance=F (deterministic) --allow_missing --any_machine
 *
 * Deterministic results (tools/mbgrind; context.mb_deterministic in both files) are compared
 * by instruction count: a benchmark fails when its count rises by more than --tolerance
 * (default 0: any increase).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "mwu.h"
#include "signrank.h"
#include "tooldie.h"

#define MAX_FAMILIES 32
#define MAX_ROUNDS MB_SR_MAX

typedef struct series {
  char *name;
  char unit[8]; /* time_unit of the first run, as written */
  double *v;    /* the figure per repetition (times in ns) */
  char *dist;   /* per repetition: marked mb_disturbed */
  int n, cap;
  int error; /* a run reported error_occurred, or the benchmark is in not_measured */
  int failed; /* its check failed (not_measured status "failed"), not a skip */
  int bigger; /* bigger is better (the figure's direction) */
  int version; /* method_version, 0 when the file has none */
  char figure[48]; /* what was compared */
  int no_figure; /* an entry lacked that figure */
  int spread; /* a _stddev or _cv aggregate: shown, never gated (not a timing) */
  int aggregate; /* any aggregate (one value by nature): shown, not tested */
} series_t;

typedef struct set {
  series_t *s;
  int n, cap;
  const char *path;
  const char *machine;
  int deterministic;
  json_t *fingerprint; /* context.membench.fingerprint, or NULL */
  int iterations, aggregates; /* entries of each kind */
  int *slot;     /* a hash of names: index + 1 into s, 0 empty; hcap a power of two */
  size_t hcap;
} set_t;

typedef struct options {
  double threshold, alpha, tolerance, coverage;
  int threshold_given, alpha_given, allow_missing, any_machine, paired;
  const char *field;
  struct {
    char name[64];
    double t;
  } fam[MAX_FAMILIES];
  int nfam;
} options_t;

/* ---- Reading ---- */

static size_t name_hash(const char *k) {
  size_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *k; k++) h = (h ^ (unsigned char)*k) * 1099511628211ull;
  return h;
}

/* Slot of `name` in the hash: where it is, or the empty one where it would go. */
static size_t slot_of(const set_t *set, const char *name) {
  size_t i = name_hash(name) & (set->hcap - 1);
  while (set->slot[i] && strcmp(set->s[set->slot[i] - 1].name, name)) i = (i + 1) & (set->hcap - 1);
  return i;
}

static void rehash(set_t *set) {
  free(set->slot);
  set->hcap = set->hcap ? set->hcap * 2 : 256;
  if (!(set->slot = calloc(set->hcap, sizeof *set->slot))) die("out of memory");
  for (int k = 0; k < set->n; k++) set->slot[slot_of(set, set->s[k].name)] = k + 1;
}

static double unit_ns(const char *u) {
  if (!u || !strcmp(u, "ns")) return 1;
  if (!strcmp(u, "us")) return 1e3;
  if (!strcmp(u, "ms")) return 1e6;
  if (!strcmp(u, "s")) return 1e9;
  return -1;
}

static series_t *find(const set_t *set, const char *name) {
  if (!set || !set->hcap) return NULL;
  int k = set->slot[slot_of(set, name)];
  return k ? &set->s[k - 1] : NULL;
}

static series_t *series_of(set_t *set, const char *name, const char *unit) {
  series_t *s = find(set, name);
  if (s) return s;
  if (set->n == set->cap) {
    set->cap = set->cap ? set->cap * 2 : 64;
    set->s = realloc(set->s, (size_t)set->cap * sizeof *set->s);
    if (!set->s) die("out of memory");
  }
  s = &set->s[set->n++];
  memset(s, 0, sizeof *s);
  s->name = strdup(name);
  if (!s->name) die("out of memory");
  if ((size_t)set->n * 2 > set->hcap) rehash(set); /* at most half full */
  else set->slot[slot_of(set, name)] = set->n;
  snprintf(s->unit, sizeof s->unit, "%s", unit ? unit : "ns");
  return s;
}

static void add_value(series_t *s, double v, int disturbed) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->v = realloc(s->v, (size_t)s->cap * sizeof *s->v);
    s->dist = realloc(s->dist, (size_t)s->cap);
    if (!s->v || !s->dist) die("out of memory");
  }
  s->dist[s->n] = (char)disturbed;
  s->v[s->n++] = v;
}

/* The figure entry b is judged on, and its direction: --field, or the primary figure the
 * other (newer) file declares for this name, or the entry's own, or real_time. */
static const char *figure_of(const set_t *set, json_t *b, const char *name, const char *field, const set_t *ref, int *bigger) {
  *bigger = 0;
  if (set->deterministic) return "instructions";
  if (strcmp(field, "primary")) return field;
  const series_t *r = find(ref, name);
  if (r && r->figure[0]) {
    *bigger = r->bigger;
    return r->figure;
  }
  const char *prim = json_string_value(json_object_get(b, "primary"));
  const char *dir = json_string_value(json_object_get(b, "direction"));
  *bigger = prim && dir && !strcmp(dir, "bigger_is_better");
  return prim && strlen(prim) < 48 ? prim : "real_time";
}

static void load_not_measured(json_t *doc, set_t *set) {
  size_t i;
  json_t *b;
  json_array_foreach(json_object_get(doc, "not_measured"), i, b) {
    const char *name = json_string_value(json_object_get(b, "name"));
    if (!name) die("%s: not_measured #%zu has no name", set->path, i);
    series_t *s = series_of(set, name, NULL);
    s->error = 1;
    const char *st = json_string_value(json_object_get(b, "status"));
    s->failed |= st && !strcmp(st, "failed");
  }
}

/* One entry of benchmarks[] into its series. */
static void load_entry(set_t *set, json_t *b, size_t i, const char *field, const set_t *ref) {
  const char *name = json_string_value(json_object_get(b, "name"));
  const char *agg = json_string_value(json_object_get(b, "aggregate_name"));
  const char *rt = json_string_value(json_object_get(b, "run_type"));
  if (!name) die("%s: benchmark #%zu has no name (or a name that is not a string)", set->path, i);
  const int is_agg = rt && !strcmp(rt, "aggregate");
  if (is_agg) set->aggregates++;
  else set->iterations++;
  /* Every entry pairs by name, as compare.py pairs them (aggregates have names of their
   * own: NAME_mean, NAME_median...). */
  if (json_is_true(json_object_get(b, "error_occurred"))) { /* a result of before not_measured */
    series_t *s = series_of(set, name, NULL);
    const char *msg = json_string_value(json_object_get(b, "error_message"));
    s->error = 1;
    s->failed |= msg && !strncmp(msg, "failed", 6);
    return;
  }
  int bigger;
  const char *key = figure_of(set, b, name, field, ref, &bigger);
  json_t *v = json_object_get(b, key);
  if (v && !json_is_number(v)) die("%s: benchmark '%s' has a %s that is not a number", set->path, mb_term(name), key);
  const char *unit = json_string_value(json_object_get(b, "time_unit"));
  int is_time = !strcmp(key, "real_time") || !strcmp(key, "cpu_time");
  series_t *s = series_of(set, name, is_time ? unit : "-");
  s->bigger = bigger;
  snprintf(s->figure, sizeof s->figure, "%s", key);
  if (agg && (!strcmp(agg, "stddev") || !strcmp(agg, "cv"))) s->spread = 1;
  if (is_agg) s->aggregate = 1;
  json_t *mv = json_object_get(b, "method_version");
  if (json_is_integer(mv)) s->version = (int)json_integer_value(mv);
  if (!v) { /* complexity fits (_BigO, _RMS) have no time: compare.py skips them too */
    if (!is_agg) s->no_figure = 1;
    return;
  }
  /* A time is finite and not negative; an error-free run of 0 is no measurement either. */
  if (!isfinite(json_number_value(v)) || json_number_value(v) < 0)
    die("%s: benchmark '%s' has an impossible %s (%g)", set->path, mb_term(name), key, json_number_value(v));
  double scale = set->deterministic || !is_time ? 1 : unit_ns(unit);
  if (scale < 0) die("%s: benchmark '%s' has an unknown time_unit '%s'", set->path, mb_term(name), mb_term(unit ? unit : ""));
  add_value(s, json_number_value(v) * scale, json_is_true(json_object_get(b, "mb_disturbed")));
}

/* Read one result file; every way it can be wrong is one line and exit 2. Figures as `ref`
 * (the newer file, read first) declares them. */
static void load(const char *path, set_t *set, const char *field, const set_t *ref) {
  json_error_t e;
  memset(set, 0, sizeof *set);
  set->path = path;
  json_t *doc = json_load_file(path, 0, &e);
  if (!doc) {
    if (e.line <= 0 && errno == ENOENT) die("%s: no such file", path);
    die("%s: not valid JSON (line %d: %s): truncated or not a result", path, e.line, e.text);
  }
  json_t *ctx = json_object_get(doc, "context"), *benches = json_object_get(doc, "benchmarks");
  if (!json_is_object(ctx) || !json_is_array(benches))
    die("%s: no context object or benchmarks array: not a Google Benchmark result", path);
  const char *m = json_string_value(json_object_get(ctx, "mb_machine"));
  set->machine = m ? strdup(m) : NULL; /* the document is released after reading */
  set->deterministic = json_object_get(ctx, "mb_deterministic") != NULL;
  if (!m && !set->deterministic) die("%s: no mb_machine in its context: a Google Benchmark file, but not membench's", path);
  json_t *fp = json_object_get(json_object_get(ctx, "membench"), "fingerprint");
  if (json_is_object(fp)) set->fingerprint = json_deep_copy(fp);
  load_not_measured(doc, set);
  size_t i;
  json_t *b;
  json_array_foreach(benches, i, b) load_entry(set, b, i, field, ref);
  if (!set->iterations && set->aggregates)
    die("%s: aggregates only (--benchmark_report_aggregates_only): the gate needs every repetition", path);
  json_decref(doc); /* one document in memory at a time: a 50 MB result's tree is six times its size */
}

/* Results of one machine, or exit 2 naming what differs. */
static void same_machine(const set_t *a, const set_t *b, int any_machine) {
  if (any_machine || (a->deterministic && b->deterministic)) return;
  if (!a->fingerprint || !b->fingerprint) {
    const set_t *old = a->fingerprint ? b : a;
    if (a->machine && b->machine && strcmp(a->machine, b->machine))
      die("%s and %s are results of different machines (%s, %s): they do not compare (--any_machine to compare anyway)", a->path,
          b->path, a->machine, b->machine);
    die("%s has no machine fingerprint (written before membench recorded one): it cannot be checked to come from this "
        "machine; make a new baseline (make bench-ci-baseline), use make bench-ci BASE=<rev>, or --any_machine",
        old->path);
  }
  char diff[1024] = "";
  size_t w = 0;
  const char *k;
  json_t *v;
  json_object_foreach(a->fingerprint, k, v) {
    json_t *o = json_object_get(b->fingerprint, k);
    if (o && json_equal(v, o)) continue;
    char *x = json_dumps(v, JSON_ENCODE_ANY), *y = o ? json_dumps(o, JSON_ENCODE_ANY) : strdup("absent");
    if (w < sizeof diff) w += (size_t)snprintf(diff + w, sizeof diff - w, "%s%s %.60s vs %.60s", w ? ", " : "", k, x, y);
    free(x);
    free(y);
  }
  if (w)
    die("%s and %s come from different machines (fingerprint: %s): make a baseline on this machine (make bench-ci-baseline) or "
        "compare builds here (make bench-ci BASE=<rev>); --any_machine to compare anyway",
        a->path, b->path, diff);
}

/* ---- Shared ---- */

static const char *pct(double r) { /* a ratio as a change: "+12.3%", "n/a" */
  static char buf[4][32];
  static int k;
  char *b = buf[k++ % 4];
  if (!isfinite(r)) snprintf(b, 32, "n/a");
  else if (fabs(r - 1) < 1000) snprintf(b, 32, "%+.1f%%", 100 * (r - 1));
  else snprintf(b, 32, "%+.3g%%", 100 * (r - 1)); /* no 300-digit percentages */
  return b;
}

static double ratio(double m0, double m1) { return m0 == 0 ? (m1 == 0 ? 1 : NAN) : m1 / m0; }

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(const double *v, int n) {
  if (n <= 0) return NAN;
  double *t = malloc((size_t)n * sizeof *t);
  if (!t) die("out of memory");
  memcpy(t, v, (size_t)n * sizeof *t);
  qsort(t, (size_t)n, sizeof *t, cmp_d);
  double m = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
  free(t);
  return m;
}

/* The clean (not disturbed) values of s into out (s->n at most); how many. */
static int clean(const series_t *s, double *out) {
  int k = 0;
  for (int i = 0; i < s->n; i++)
    if (!s->dist[i]) out[k++] = s->v[i];
  return k;
}

/* Whether a series is judged at all: not a spread, not a lone aggregate value (its
 * repetitions are judged). */
static int gated(const series_t *s) { return !s->spread && !(s->aggregate && s->n <= 1); }

static double threshold_of(const char *name, const options_t *o) {
  double t = o->threshold;
  for (int f = 0; f < o->nfam; f++) {
    size_t l = strlen(o->fam[f].name);
    if (!strncmp(name, o->fam[f].name, l) && name[l] == '/') t = o->fam[f].t;
  }
  return t;
}

/* The repetitions per side the exact U test needs to reach p < alpha at all: its smallest
 * two-sided p with n values each is 2 / C(2n, n) (0.1 at n = 3). */
static int reps_needed(double alpha) {
  for (int n = 2; n < 64; n++) {
    double c = 1;
    for (int k = 1; k <= n; k++) c = c * (n + k) / k;
    if (2 / c < alpha) return n;
  }
  return 64;
}

/* What could not be judged, counted by cause; the verdicts. */
typedef struct tally {
  int worse, better, same;                    /* judged */
  int changed, disturbed, no_figure, too_few; /* measured, not judged */
  int only_base, only_new, not_in_base, failed, missing;
  int candidates; /* benchmarks measured (not aggregates) in either file */
} tally_t;

static const char *blank = "";

static void row(const char *name, const char *b, const char *n, const char *ch, const char *p, const char *verdict) {
  printf("%-56s %12s %12s %8s %9s  %s\n", mb_term(name), b, n, ch, p, mb_term(verdict));
}

/* The summary, the reasons for a 2, and the exit status. */
static int finish(const tally_t *c, const options_t *o, int deterministic, const char *unit_of_work) {
  int judged = c->worse + c->better + c->same;
  printf("\n%d of %d benchmarks judged (%s): %d %s, %d %s, %d same; not judged: %d disturbed, %d method changed, %d figure missing, "
         "%d too few %s; %d only in base, %d only in new; %d failed and %d not measured in new\n",
         judged, c->candidates, unit_of_work, c->worse, deterministic ? "with more instructions" : "worse", c->better,
         deterministic ? "with fewer" : "better", c->same, c->disturbed, c->changed, c->no_figure, c->too_few, unit_of_work,
         c->only_base, c->only_new, c->failed, c->missing);
  if (c->changed) fprintf(stderr, "mbcompare: warning: %d benchmarks changed method since the base: make a new baseline\n", c->changed);
  if (c->too_few && !deterministic && !strcmp(unit_of_work, "repetitions"))
    printf("note: the U test needs %d repetitions per side to reach p < %g at all (9 or more to be reliable): "
           "--benchmark_repetitions=9\n", reps_needed(o->alpha), o->alpha);
  if (!judged) {
    fprintf(stderr, "mbcompare: nothing was compared (no benchmark judged in both): no verdict\n");
    return 2;
  }
  if (c->worse) {
    printf("REGRESSION\n");
    return 1;
  }
  char why[512] = "";
  size_t w = 0;
#define WHY(cond, ...) \
  if (cond && w < sizeof why) w += (size_t)snprintf(why + w, sizeof why - w, __VA_ARGS__)
  WHY(c->failed, "%s%d failed their check in new", w ? "; " : "", c->failed);
  WHY(c->missing && !o->allow_missing, "%s%d measured in base are not measured in new (--allow_missing lets them pass)", w ? "; " : "",
      c->missing);
  WHY(c->no_figure, "%s%d lack their figure on one side", w ? "; " : "", c->no_figure);
  WHY(c->too_few, "%s%d have too few %s to judge", w ? "; " : "", c->too_few, unit_of_work);
  WHY(c->candidates && (double)judged < o->coverage * c->candidates, "%sonly %d of %d benchmarks judged (%.0f%%, under --coverage=%g)",
      w ? "; " : "", judged, c->candidates, 100.0 * judged / c->candidates, o->coverage);
#undef WHY
  if (w) {
    printf("NOT JUDGED: no regression in what was judged, but %s\n", why);
    fprintf(stderr, "mbcompare: could not judge: %s\n", why);
    return 2;
  }
  printf("no regression\n");
  return 0;
}

/* ---- Two results ---- */

/* A benchmark of BASE with no comparable entry in NEW, or not measured on one side: 1 when
 * it was handled (a row printed). */
static int unmatched(series_t *a, series_t *b, tally_t *c) {
  if (!b || ((b->error || !b->n) && a->n)) { /* measured before, not now */
    int failed = b && b->failed;
    row(a->name, blank, blank, blank, blank, !b ? "only in base: missing from new" : failed ? "FAILED in new" : "skipped in new (measured in base)");
    if (!b) c->only_base++;
    if (failed) c->failed++;
    else if (!a->spread && !a->aggregate) c->missing++;
    return 1;
  }
  if (a->error || !a->n) {
    row(a->name, blank, blank, blank, blank, "not measured in base: not compared");
    c->not_in_base++;
    return 1;
  }
  if (a->version && b->version && a->version != b->version) {
    char v[96];
    snprintf(v, sizeof v, "method changed (version %d -> %d): not compared", a->version, b->version);
    row(a->name, blank, blank, blank, blank, v);
    c->changed++;
    return 1;
  }
  if (a->no_figure || b->no_figure || strcmp(a->figure, b->figure)) {
    char v[160];
    snprintf(v, sizeof v, "figure %s missing in %s: not judged", b->figure, a->no_figure ? "base" : "new");
    row(a->name, blank, blank, blank, blank, v);
    c->no_figure++;
    return 1;
  }
  return 0;
}

static void compare_two(series_t *a, series_t *b, const set_t *base, const options_t *o, tally_t *c) {
  if (unmatched(a, b, c)) return;
  double *va = malloc((size_t)a->n * sizeof *va), *vb = malloc((size_t)b->n * sizeof *vb);
  if (!va || !vb) die("out of memory");
  int na = clean(a, va), nb = clean(b, vb);
  double m0 = median(va, na), m1 = median(vb, nb), r = ratio(m0, m1);
  char s0[32], s1[32], pbuf[32] = "", verdict[160];
  snprintf(s0, sizeof s0, "%.4g", m0);
  snprintf(s1, sizeof s1, "%.4g", m1);
  /* How much worse: more time, or less of a bigger-is-better figure. */
  double change = a->bigger ? (m1 == 0 ? (m0 == 0 ? 0 : INFINITY) : m0 / m1 - 1) : (m0 == 0 ? (m1 == 0 ? 0 : 1) : m1 / m0 - 1);
  const double t = threshold_of(a->name, o);
  const int need = reps_needed(o->alpha);
  if (a->spread) {
    row(a->name, s0, s1, pct(r), blank, "spread, not gated");
    goto out;
  }
  if (base->deterministic) {
    snprintf(verdict, sizeof verdict, "%s", change > o->tolerance ? "MORE INSTRUCTIONS" : change < -o->tolerance ? "fewer instructions" : "same");
    if (change > o->tolerance) c->worse++;
    else if (change < -o->tolerance) c->better++;
    else c->same++;
  } else if (a->aggregate && a->n == 1 && b->n == 1) {
    snprintf(verdict, sizeof verdict, "aggregate: not tested (its repetitions are)");
  } else if ((na < a->n || nb < b->n) && (na < need || nb < need)) {
    snprintf(verdict, sizeof verdict, "disturbed: not judged (%d of %d repetitions in base, %d of %d in new)", a->n - na, a->n, b->n - nb, b->n);
    c->disturbed++;
  } else if (na < need || nb < need) {
    /* The p-value all the same where there is one (compare.py prints it), never a verdict. */
    if (na >= 2 && nb >= 2) snprintf(pbuf, sizeof pbuf, "%.4f", mb_mwu_two_sided(va, na, vb, nb));
    snprintf(verdict, sizeof verdict, "too few repetitions to judge (%d, %d; needs %d)", na, nb, need);
    c->too_few++;
  } else {
    double p = mb_mwu_two_sided(va, na, vb, nb);
    snprintf(pbuf, sizeof pbuf, "%.4f", p);
    int sig = p < o->alpha;
    const char *v = change > t && sig ? (a->bigger ? "WORSE" : "SLOWER")
                  : change < -t && sig ? (a->bigger ? "better" : "faster")
                  : sig ? "same (within threshold)" : "same (not significant)";
    if (change > t && sig) c->worse++;
    else if (change < -t && sig) c->better++;
    else c->same++;
    snprintf(verdict, sizeof verdict, "%s%s%s", v, na < 9 || nb < 9 ? " (fewer than 9 repetitions: not reliable)" : "",
             na < a->n || nb < b->n ? " (disturbed repetitions left out)" : "");
  }
  row(a->name, s0, s1, pct(r), pbuf, verdict);
out:
  free(va);
  free(vb);
}

/* A file that cannot be opened is named before any is read (BASE first, as given). */
static void openable(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) die("%s: %s", path, errno == ENOENT ? "no such file" : strerror(errno));
  fclose(f);
}

static int two_files(const char *bpath, const char *npath, const options_t *o) {
  set_t base, cur;
  openable(bpath);
  openable(npath);
  load(npath, &cur, o->field, NULL); /* first: its declared figures are the ones compared */
  load(bpath, &base, o->field, &cur);
  if (base.deterministic != cur.deterministic) die("one file holds deterministic counts and the other timings: they do not compare");
  same_machine(&base, &cur, o->any_machine);
  tally_t t = {0};
  row("benchmark", base.deterministic ? "base instr" : "base", base.deterministic ? "new instr" : "new", "change", "p-value", "verdict");
  for (int i = 0; i < base.n; i++) {
    series_t *a = &base.s[i];
    if (gated(a) && (a->n || find(&cur, a->name))) t.candidates++;
    compare_two(a, find(&cur, a->name), &base, o, &t);
  }
  for (int i = 0; i < cur.n; i++)
    if (!find(&base, cur.s[i].name)) {
      row(cur.s[i].name, blank, blank, blank, blank, "only in new");
      t.only_new++;
      if (gated(&cur.s[i]) && cur.s[i].n) t.candidates++;
    }
  return finish(&t, o, base.deterministic, "repetitions");
}

/* ---- Rounds of two builds ---- */

typedef struct pairs {
  double d[MAX_ROUNDS];        /* log(head / base), round by round */
  double bv[MAX_ROUNDS], hv[MAX_ROUNDS];
  int n, disturbed, absent;    /* pairs used; left out as disturbed; rounds lacking it */
  int bigger, changed, no_figure, failed, skipped;
} pairs_t;

/* One benchmark's value per round on each side: the median of its clean repetitions. */
static void pairs_of(const char *name, const set_t *b, const set_t *h, int rounds, pairs_t *p) {
  memset(p, 0, sizeof *p);
  for (int r = 0; r < rounds; r++) {
    series_t *x = find(&b[r], name), *y = find(&h[r], name);
    if (!x || !y || !x->n || !y->n) {
      p->absent++;
      p->failed |= y && y->failed;
      p->skipped |= y && y->error && !y->failed;
      continue;
    }
    if (x->version && y->version && x->version != y->version) p->changed = 1;
    if (x->no_figure || y->no_figure || strcmp(x->figure, y->figure)) p->no_figure = 1;
    p->bigger = y->bigger;
    double *vx = malloc((size_t)x->n * sizeof *vx), *vy = malloc((size_t)y->n * sizeof *vy);
    if (!vx || !vy) die("out of memory");
    int nx = clean(x, vx), ny = clean(y, vy);
    double mx = median(vx, nx), my = median(vy, ny);
    free(vx);
    free(vy);
    if (!nx || !ny) {
      p->disturbed++;
      continue;
    }
    if (!(mx > 0) || !(my > 0)) continue; /* no ratio of a zero */
    p->bv[p->n] = mx, p->hv[p->n] = my;
    p->d[p->n++] = log(my / mx);
  }
}

typedef struct judged {
  const char *name;
  pairs_t pr;
  double hl, lo, hi, p_worse, p_better;
  int state; /* 0 judged, 1 not judged (why in note) */
  char note[96];
} judged_t;

/* The smallest number of pairs whose best one-sided p (2^-n) passes Holm's first step. */
static int pairs_needed(double alpha, int m) {
  int n = 1;
  while (n < MAX_ROUNDS && ldexp(1.0, -n) > alpha / (m > 0 ? m : 1)) n++;
  return n;
}

static void judge_pairs(judged_t *j, int rounds, int need, tally_t *c) {
  pairs_t *p = &j->pr;
  j->state = 1;
  if (p->failed) snprintf(j->note, sizeof j->note, "FAILED in head"), c->failed++;
  else if (p->absent == rounds) snprintf(j->note, sizeof j->note, "not measured in head%s", p->skipped ? " (skipped)" : ""), c->missing++;
  else if (p->changed) snprintf(j->note, sizeof j->note, "method changed: not compared"), c->changed++;
  else if (p->no_figure) snprintf(j->note, sizeof j->note, "figure missing on one side: not judged"), c->no_figure++;
  else if (p->n < need && p->disturbed)
    snprintf(j->note, sizeof j->note, "disturbed: not judged (%d of %d rounds disturbed)", p->disturbed, rounds), c->disturbed++;
  else if (p->n < need) snprintf(j->note, sizeof j->note, "too few rounds to judge (%d; %d needed)", p->n, need), c->too_few++;
  else j->state = 0;
  if (j->state) return;
  double pw, pb, d[MAX_ROUNDS];
  for (int i = 0; i < p->n; i++) d[i] = p->bigger ? -p->d[i] : p->d[i]; /* positive: worse */
  mb_signrank(d, p->n, &pw, &pb);
  j->p_worse = pw, j->p_better = pb;
  j->hl = mb_hodges_lehmann(p->d, p->n, 0.05, &j->lo, &j->hi);
}

static void print_pairs(const judged_t *j, int sig_w, int sig_b, const options_t *o, tally_t *c) {
  const pairs_t *p = &j->pr;
  if (j->state) {
    row(j->name, blank, blank, blank, blank, j->note);
    return;
  }
  double r = exp(j->hl), worse = p->bigger ? 1 / r - 1 : r - 1, t = threshold_of(j->name, o);
  const char *v;
  if (sig_w && worse > t) v = p->bigger ? "WORSE" : "SLOWER", c->worse++;
  else if (sig_b && -worse > t) v = p->bigger ? "better" : "faster", c->better++;
  else v = sig_w || sig_b ? "same (within threshold)" : "same (not significant)", c->same++;
  char s0[32], s1[32], pbuf[32], verdict[200];
  snprintf(s0, sizeof s0, "%.4g", median(p->bv, p->n));
  snprintf(s1, sizeof s1, "%.4g", median(p->hv, p->n));
  snprintf(pbuf, sizeof pbuf, "%.4f", j->p_worse);
  snprintf(verdict, sizeof verdict, "%s [%s, %s], %d rounds%s", v, pct(exp(j->lo)), pct(exp(j->hi)), p->n,
           p->disturbed ? " (disturbed rounds left out)" : "");
  row(j->name, s0, s1, pct(r), pbuf, verdict);
}

static int paired(char **files, int nfiles, const options_t *o) {
  if (nfiles < 4 || nfiles % 2) die("--paired takes rounds of BASE HEAD result files: at least two rounds, in pairs");
  int rounds = nfiles / 2;
  if (rounds > MAX_ROUNDS) die("--paired: %d rounds, at most %d", rounds, MAX_ROUNDS);
  set_t *b = calloc((size_t)rounds, sizeof *b), *h = calloc((size_t)rounds, sizeof *h);
  if (!b || !h) die("out of memory");
  for (int r = 0; r < rounds; r++) {
    load(files[2 * r + 1], &h[r], o->field, NULL);
    load(files[2 * r], &b[r], o->field, &h[r]);
    if (b[r].deterministic || h[r].deterministic) die("--paired compares timings; deterministic counts compare as two files");
    /* The rounds were run together on one machine; an older base build records no
     * fingerprint, and where both files have one they must agree. */
    if (h[0].fingerprint && h[r].fingerprint) same_machine(&h[0], &h[r], o->any_machine);
    if (h[0].fingerprint && b[r].fingerprint) same_machine(&h[0], &b[r], o->any_machine);
  }
  /* The benchmarks: every repetition series of the first base, then those only in heads. */
  judged_t *j = calloc((size_t)(b[0].n + h[0].n) + 1, sizeof *j);
  int m = 0;
  tally_t t = {0};
  for (int i = 0; i < b[0].n; i++)
    if (gated(&b[0].s[i]) && b[0].s[i].n) j[m++].name = b[0].s[i].name;
  for (int i = 0; i < h[0].n; i++)
    if (gated(&h[0].s[i]) && h[0].s[i].n && !find(&b[0], h[0].s[i].name)) t.only_new++;
  t.candidates = m;
  for (int k = 0; k < m; k++) pairs_of(j[k].name, b, h, rounds, &j[k].pr);
  /* Holm's family: every benchmark that has the pairs to be judged at all. */
  int need = pairs_needed(o->alpha, m);
  for (int k = 0; k < m; k++) judge_pairs(&j[k], rounds, need, &t);
  double *pw = calloc((size_t)m + 1, sizeof *pw), *pb = calloc((size_t)m + 1, sizeof *pb);
  int *sw = calloc((size_t)m + 1, sizeof *sw), *sb = calloc((size_t)m + 1, sizeof *sb);
  if (!pw || !pb || !sw || !sb) die("out of memory");
  int q = 0;
  for (int k = 0; k < m; k++)
    if (!j[k].state) pw[q] = j[k].p_worse, pb[q] = j[k].p_better, q++;
  mb_holm(pw, q, o->alpha, sw);
  mb_holm(pb, q, o->alpha, sb);
  printf("%d rounds of base and head, interleaved; per benchmark: median per round of its clean repetitions; change: the\n"
         "Hodges-Lehmann estimate of head/base [95%% interval]; p: exact one-sided signed-rank p that head is worse (Holm over %d\n"
         "at %g family-wise; a verdict also needs a change beyond %g%%)\n\n",
         rounds, q, o->alpha, 100 * o->threshold);
  row("benchmark", "base", "head", "change", "p-worse", "verdict");
  for (int k = 0, s = 0; k < m; k++) {
    int w = 0, bt = 0;
    if (!j[k].state) w = sw[s], bt = sb[s], s++;
    print_pairs(&j[k], w, bt, o, &t);
  }
  free(pw), free(pb), free(sw), free(sb), free(j);
  return finish(&t, o, 0, "rounds");
}

/* ---- Command line ---- */

static double fraction(const char *flag, const char *v, double lo, double hi) {
  char *end;
  double x = strtod(v, &end);
  if (!*v || *end || !isfinite(x) || x < lo || x > hi) die("%s: '%s' is not a fraction from %g to %g", flag, v, lo, hi);
  return x;
}

static void parse_family(options_t *o, const char *spec) {
  const char *eq = strrchr(spec, '=');
  if (!eq || eq == spec || o->nfam == MAX_FAMILIES || (size_t)(eq - spec) >= sizeof o->fam[0].name)
    die("--family_threshold: '%s' is not FAMILY=FRACTION", spec);
  snprintf(o->fam[o->nfam].name, sizeof o->fam[0].name, "%.*s", (int)(eq - spec), spec);
  o->fam[o->nfam++].t = fraction("--family_threshold", eq + 1, 0, 1e9);
}

int main(int argc, char **argv) {
  mb_tool_name = "mbcompare";
  options_t o = {.threshold = 0.10, .alpha = 0.05, .coverage = 0.9, .field = "primary"};
  char **files = calloc((size_t)argc + 1, sizeof *files);
  int nfiles = 0;
  if (!files) die("out of memory");
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strncmp(a, "--threshold=", 12)) o.threshold = fraction("--threshold", a + 12, 0, 1e9), o.threshold_given = 1;
    else if (!strncmp(a, "--alpha=", 8)) {
      o.alpha = fraction("--alpha", a + 8, 0, 1), o.alpha_given = 1;
      if (o.alpha <= 0 || o.alpha >= 1) die("--alpha: '%s' is not a significance level between 0 and 1", a + 8);
    } else if (!strncmp(a, "--tolerance=", 12)) o.tolerance = fraction("--tolerance", a + 12, 0, 1e9);
    else if (!strncmp(a, "--coverage=", 11)) o.coverage = fraction("--coverage", a + 11, 0, 1);
    else if (!strncmp(a, "--field=", 8)) {
      o.field = a + 8;
      if (strcmp(o.field, "primary") && strcmp(o.field, "real_time") && strcmp(o.field, "cpu_time"))
        die("--field: '%s' is not primary, real_time or cpu_time", o.field);
    } else if (!strcmp(a, "--allow_missing")) o.allow_missing = 1;
    else if (!strcmp(a, "--any_machine")) o.any_machine = 1;
    else if (!strcmp(a, "--paired")) o.paired = 1;
    else if (!strncmp(a, "--family_threshold=", 19)) parse_family(&o, a + 19);
    else if (a[0] == '-' && a[1])
      die("unknown flag '%s' (usage: mbcompare [--threshold=X] [--alpha=X] [--family_threshold=F=X] [--paired] BASE.json NEW.json...)", a);
    else files[nfiles++] = argv[i];
  }
  if (o.paired) {
    /* The paired gate's defaults: a 5% minimum effect, and a family-wise 1% per direction (at
     * 5%, 1 of 20 A/A gates here called a benchmark faster, as 5% would have it). */
    if (!o.threshold_given) o.threshold = 0.05;
    if (!o.alpha_given) o.alpha = 0.01;
    return paired(files, nfiles, &o);
  }
  if (nfiles != 2) die("usage: mbcompare [--threshold=X] [--alpha=X] [--family_threshold=F=X] BASE.json NEW.json");
  return two_files(files[0], files[1], &o);
}
