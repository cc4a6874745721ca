/*
 * mbcompare: the regression gate. Pairs the benchmarks of two results (Google Benchmark
 * JSON) by name and, for each, reports the ratio of the medians over repetitions, the
 * Mann-Whitney U test's two-sided p-value, and a verdict. Each benchmark is compared on its
 * primary figure in its own direction (less bandwidth is worse, as more time is), or on
 * --field. The gate fails closed. Exit status: 1 when any benchmark is worse beyond its
 * threshold AND the difference is significant, or failed, or was measured in BASE and not
 * in NEW (skipped, failed, vanished: --allow_missing lets it pass); 2 for bad input (one
 * line on stderr): a file that is not a membench result, a threshold that is not a finite
 * fraction, or nothing compared at all; 0 otherwise. Benchmarks whose method version
 * differs are not compared ("method changed").
 *
 * Usage: mbcompare [--threshold=0.10] [--alpha=0.05] [--family_threshold=FAMILY=X]...
 *                  [--field=primary|real_time|cpu_time] [--tolerance=0] [--allow_missing]
 *                  BASE.json NEW.json
 *
 * The U test follows scipy 1.10's mannwhitneyu(alternative='two-sided'), which Google
 * Benchmark's compare.py calls: exact when one sample has at most 8 values and there are
 * no ties, else the normal approximation with tie and continuity corrections; so the
 * p-values agree with compare.py's. Fewer than 2 repetitions: no test, no significance,
 * no failure (said per benchmark); fewer than 9: said, as compare.py says it.
 *
 * Deterministic results (tools/mbgrind; context.mb_deterministic in both files) are
 * compared by instruction count instead: a benchmark fails when its count rises by more
 * than --tolerance (default 0: any increase).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mwu.h"
#include "tooldie.h"

#define MAX_FAMILIES 32

typedef struct series {
  char *name;
  char unit[8]; /* time_unit of the first run */
  double *v;
  int n, cap;
  int error; /* a run reported error_occurred, or the benchmark is in not_measured */
  int failed; /* its check failed (not_measured status "failed"), not a skip */
  int bigger; /* bigger is better (the primary figure's direction) */
  int version; /* method_version, 0 when the file has none */
  char figure[48]; /* what was compared */
  int spread; /* a _stddev or _cv aggregate: shown, never gated (not a timing) */
  int aggregate; /* any aggregate (one value by nature): shown, not tested */
} series_t;

typedef struct set {
  series_t *s;
  int n, cap;
  const char *machine;
  int deterministic;
  int *slot;     /* a hash of names: index + 1 into s, 0 empty; hcap a power of two */
  size_t hcap;
} set_t;

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

static series_t *find(set_t *set, const char *name) {
  if (!set->hcap) return NULL;
  int k = set->slot[slot_of(set, name)];
  return k ? &set->s[k - 1] : NULL;
}

static series_t *add(set_t *set, const char *name, const char *unit, double v, int error) {
  series_t *s = find(set, name);
  if (!s) {
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
  }
  if (error) {
    s->error = 1;
    return s;
  }
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->v = realloc(s->v, (size_t)s->cap * sizeof *s->v);
    if (!s->v) die("out of memory");
  }
  s->v[s->n++] = v;
  return s;
}

/* Read one result file; every way it can be wrong is one line and exit 2. */
static json_t *load(const char *path, set_t *set, const char *field) {
  json_error_t e;
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
  if (!m && !set->deterministic)
    die("%s: no mb_machine in its context: a Google Benchmark file, but not membench's", path);
  size_t i;
  json_t *b;
  json_array_foreach(json_object_get(doc, "not_measured"), i, b) {
    const char *name = json_string_value(json_object_get(b, "name"));
    if (!name) die("%s: not_measured #%zu has no name", path, i);
    series_t *s = add(set, name, NULL, 0, 1);
    const char *st = json_string_value(json_object_get(b, "status"));
    s->failed |= st && !strcmp(st, "failed");
  }
  json_array_foreach(benches, i, b) {
    const char *name = json_string_value(json_object_get(b, "name"));
    const char *agg = json_string_value(json_object_get(b, "aggregate_name"));
    if (!name) die("%s: benchmark #%zu has no name (or a name that is not a string)", path, i);
    /* Every entry pairs by name, as compare.py pairs them (aggregates have names of their
     * own: NAME_mean, NAME_median...). */
    if (json_is_true(json_object_get(b, "error_occurred"))) { /* a result of before not_measured */
      series_t *s = add(set, name, NULL, 0, 1);
      const char *msg = json_string_value(json_object_get(b, "error_message"));
      s->failed |= msg && !strncmp(msg, "failed", 6);
      continue;
    }
    /* The figure: the entry's primary one in its direction, unless --field names one. */
    const char *key = set->deterministic ? "instructions" : field;
    const char *prim = json_string_value(json_object_get(b, "primary"));
    int bigger = 0;
    if (!set->deterministic && !strcmp(field, "primary")) {
      key = prim && strlen(prim) < 48 ? prim : "real_time";
      const char *dir = json_string_value(json_object_get(b, "direction"));
      bigger = prim && dir && !strcmp(dir, "bigger_is_better");
    }
    json_t *v = json_object_get(b, key);
    if (v && !json_is_number(v)) die("%s: benchmark '%s' has a %s that is not a number", path, name, key);
    if (!v) continue; /* complexity fits (_BigO, _RMS) have no time: compare.py skips them too */
    /* A time is finite and not negative; an error-free run of 0 is no measurement either. */
    if (!isfinite(json_number_value(v)) || json_number_value(v) < 0)
      die("%s: benchmark '%s' has an impossible %s (%g)", path, name, key, json_number_value(v));
    int is_time = !strcmp(key, "real_time") || !strcmp(key, "cpu_time");
    double scale = set->deterministic || !is_time ? 1 : unit_ns(json_string_value(json_object_get(b, "time_unit")));
    if (scale < 0) die("%s: benchmark '%s' has an unknown time_unit", path, name);
    series_t *s = add(set, name, is_time ? json_string_value(json_object_get(b, "time_unit")) : "-", json_number_value(v) * scale, 0);
    s->bigger = bigger;
    snprintf(s->figure, sizeof s->figure, "%s", key);
    json_t *mv = json_object_get(b, "method_version");
    if (json_is_integer(mv)) s->version = (int)json_integer_value(mv);
    if (agg && (!strcmp(agg, "stddev") || !strcmp(agg, "cv"))) s->spread = 1;
    const char *rt = json_string_value(json_object_get(b, "run_type"));
    if (rt && !strcmp(rt, "aggregate")) s->aggregate = 1;
  }
  return doc;
}

/* The change from m0 to m1 as a short percentage: "n/a" from 0, one decimal, three
 * significant digits past 100,000%. */
static const char *pct(double m0, double m1) {
  static char buf[4][32];
  static int k;
  char *b = buf[k++ % 4];
  if (m0 == 0) snprintf(b, 32, m1 == 0 ? "+0%%" : "n/a");
  else if (fabs(m1 / m0 - 1) < 1000) snprintf(b, 32, "%+.1f%%", 100 * (m1 / m0 - 1));
  else snprintf(b, 32, "%+.3g%%", 100 * (m1 / m0 - 1)); /* no 300-digit percentages */
  return b;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(const double *v, int n) {
  double *t = malloc((size_t)n * sizeof *t);
  if (!t) die("out of memory");
  memcpy(t, v, (size_t)n * sizeof *t);
  qsort(t, (size_t)n, sizeof *t, cmp_d);
  double m = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
  free(t);
  return m;
}

typedef struct fam {
  char name[64];
  double t;
} fam_t;

typedef struct tally {
  int worse, better, same, only_base, only_new, errors, few, failed, missing, changed, min_n;
} tally_t;

static double threshold_of(const char *name, double t, const fam_t *fam, int nfam) {
  for (int f = 0; f < nfam; f++) {
    size_t l = strlen(fam[f].name);
    if (!strncmp(name, fam[f].name, l) && name[l] == '/') t = fam[f].t;
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

/* One benchmark of BASE against NEW (b NULL when NEW has no entry of its name). */
static void compare_one(series_t *a, series_t *b, const set_t *base, double t, double alpha, double tolerance, tally_t *c) {
  const char *blank = "";
  if (!b || ((b->error || !b->n) && a->n)) { /* measured before, not now */
    int failed = b && b->failed;
    printf("%-56s %12s %12s %8s %9s  %s\n", a->name, blank, blank, blank, blank,
           !b ? "only in base: missing from new" : failed ? "FAILED in new" : "skipped in new (measured in base)");
    if (!b) c->only_base++;
    if (failed) c->failed++;
    else if (!a->spread && !a->aggregate) c->missing++;
    return;
  }
  if (a->error || !a->n) {
    printf("%-56s %12s %12s %8s %9s  not measured in base: not compared\n", a->name, blank, blank, blank, blank);
    c->errors++;
    return;
  }
  if (a->version && b->version && a->version != b->version) {
    printf("%-56s %12s %12s %8s %9s  method changed (version %d -> %d): not compared\n", a->name, blank, blank, blank, blank, a->version, b->version);
    c->changed++;
    return;
  }
  if (!base->deterministic && (strcmp(a->unit, b->unit) || strcmp(a->figure, b->figure))) {
    /* As compare.py: runs in different time units (or of different figures) are not paired. */
    printf("%-56s %12s %12s %8s %9s  different units or figures (%s %s, %s %s): not compared\n", a->name, blank, blank, blank, blank,
           a->figure, a->unit, b->figure, b->unit);
    c->errors++;
    return;
  }
  double m0 = median(a->v, a->n), m1 = median(b->v, b->n);
  if (a->spread) {
    printf("%-56s %12.4g %12.4g %8s %9s  spread, not gated\n", a->name, m0, m1, pct(m0, m1), blank);
    return;
  }
  /* How much worse: more time, or less of a bigger-is-better figure. */
  double change = a->bigger ? (m1 == 0 ? (m0 == 0 ? 0 : INFINITY) : m0 / m1 - 1) : (m0 == 0 ? (m1 == 0 ? 0 : 1) : m1 / m0 - 1);
  const char *verdict;
  char pbuf[32] = "";
  if (base->deterministic) {
    verdict = change > tolerance ? "MORE INSTRUCTIONS" : change < -tolerance ? "fewer instructions" : "same";
    if (change > tolerance) c->worse++;
    else if (change < -tolerance) c->better++;
    else c->same++;
  } else if (a->aggregate && a->n == 1 && b->n == 1) {
    verdict = "aggregate: not tested (its repetitions are)";
    c->same++;
  } else if (a->n < 2 || b->n < 2) {
    verdict = "no U test (fewer than 2 repetitions)";
    c->few++;
    c->same++;
    if (!c->min_n || (a->n < b->n ? a->n : b->n) < c->min_n) c->min_n = a->n < b->n ? a->n : b->n;
  } else {
    double p = mb_mwu_two_sided(a->v, a->n, b->v, b->n);
    snprintf(pbuf, sizeof pbuf, "%.4f", p);
    int sig = p < alpha;
    if (change > t && sig) {
      verdict = a->bigger ? "WORSE" : "SLOWER";
      c->worse++;
    } else if (change < -t && sig) {
      verdict = a->bigger ? "better" : "faster";
      c->better++;
    } else {
      verdict = sig ? "same (within threshold)" : "same (not significant)";
      c->same++;
    }
    if (a->n < 9 || b->n < 9) c->few++;
    int n = a->n < b->n ? a->n : b->n;
    if (!c->min_n || n < c->min_n) c->min_n = n;
  }
  printf("%-56s %12.4g %12.4g %8s %9s  %s%s\n", a->name, m0, m1, pct(m0, m1), pbuf, verdict,
         !base->deterministic && a->n >= 2 && b->n >= 2 && (a->n < 9 || b->n < 9) ? " (fewer than 9 repetitions: not reliable)" : "");
}

/* The summary and the exit status: the gate fails closed. */
static int verdict(const tally_t *c, const set_t *base, int allow_missing, double alpha) {
  int compared = c->worse + c->better + c->same;
  printf("\n%d compared: %d %s, %d %s, %d same; %d only in base, %d only in new, %d not compared, %d method changed; "
         "%d failed and %d not measured in new\n",
         compared, c->worse, base->deterministic ? "with more instructions" : "worse", c->better,
         base->deterministic ? "with fewer" : "better", c->same, c->only_base, c->only_new, c->errors, c->changed, c->failed, c->missing);
  if (c->few && !base->deterministic)
    printf("note: %d benchmarks have fewer than 9 repetitions; the U test needs 9 or more to be reliable\n", c->few);
  int need = reps_needed(alpha);
  if (!base->deterministic && c->min_n && c->min_n < need)
    fprintf(stderr, "mbcompare: warning: with %d repetitions per side the U test can never reach p < %g, so nothing can be "
                    "found slower: run at least %d (--benchmark_repetitions=%d; 9 for a reliable test)\n", c->min_n, alpha, need, need);
  if (c->changed) fprintf(stderr, "mbcompare: warning: %d benchmarks changed method since the base: make a new baseline\n", c->changed);
  if (!compared) {
    fprintf(stderr, "mbcompare: nothing was compared (no benchmark measured in both files): no verdict\n");
    return 2;
  }
  int bad = c->worse || c->failed || (!allow_missing && c->missing);
  if (!c->worse && bad)
    printf("FAILED: %d benchmarks failed, %d measured in base are not measured in new%s\n", c->failed, c->missing,
           allow_missing ? "" : " (--allow_missing lets a missing one pass)");
  printf("%s\n", c->worse ? "REGRESSION" : bad ? "no regression in what was compared, but the gate fails" : "no regression");
  return bad ? 1 : 0;
}

int main(int argc, char **argv) {
  mb_tool_name = "mbcompare";
  double threshold = 0.10, alpha = 0.05, tolerance = 0;
  const char *field = "primary", *files[2] = {NULL, NULL};
  int allow_missing = 0;
  fam_t fam[MAX_FAMILIES];
  int nfam = 0, nfiles = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    char *end;
    if (!strncmp(a, "--threshold=", 12)) {
      threshold = strtod(a + 12, &end);
      if (!a[12] || *end || !isfinite(threshold) || threshold < 0) die("--threshold: '%s' is not a fraction (0.10 = 10%%)", a + 12);
    } else if (!strncmp(a, "--alpha=", 8)) {
      alpha = strtod(a + 8, &end);
      if (!a[8] || *end || !isfinite(alpha) || alpha <= 0 || alpha >= 1) die("--alpha: '%s' is not a significance level between 0 and 1", a + 8);
    } else if (!strncmp(a, "--tolerance=", 12)) {
      tolerance = strtod(a + 12, &end);
      if (!a[12] || *end || !isfinite(tolerance) || tolerance < 0) die("--tolerance: '%s' is not a fraction", a + 12);
    } else if (!strncmp(a, "--field=", 8)) {
      field = a + 8;
      if (strcmp(field, "primary") && strcmp(field, "real_time") && strcmp(field, "cpu_time"))
        die("--field: '%s' is not primary, real_time or cpu_time", field);
    } else if (!strcmp(a, "--allow_missing")) {
      allow_missing = 1;
    } else if (!strncmp(a, "--family_threshold=", 19)) {
      const char *eq = strrchr(a + 19, '=');
      if (!eq || eq == a + 19 || nfam == MAX_FAMILIES || (size_t)(eq - (a + 19)) >= sizeof fam[0].name)
        die("--family_threshold: '%s' is not FAMILY=FRACTION", a + 19);
      snprintf(fam[nfam].name, sizeof fam[nfam].name, "%.*s", (int)(eq - (a + 19)), a + 19);
      fam[nfam].t = strtod(eq + 1, &end);
      if (!eq[1] || *end || !isfinite(fam[nfam].t) || fam[nfam].t < 0) die("--family_threshold: '%s' is not a fraction", eq + 1);
      nfam++;
    } else if (a[0] == '-' && a[1]) {
      die("unknown flag '%s' (usage: mbcompare [--threshold=X] [--alpha=X] [--family_threshold=F=X] BASE.json NEW.json)", a);
    } else if (nfiles < 2) {
      files[nfiles++] = a;
    } else {
      die("two result files, please: BASE.json NEW.json");
    }
  }
  if (nfiles != 2) die("usage: mbcompare [--threshold=X] [--alpha=X] [--family_threshold=F=X] BASE.json NEW.json");

  set_t base = {0}, cur = {0};
  /* One document in memory at a time: what is kept is names and numbers (a 50 MB result's
   * tree takes six times its size). */
  json_decref(load(files[0], &base, field));
  json_decref(load(files[1], &cur, field));
  if (base.deterministic != cur.deterministic)
    die("one file holds deterministic counts and the other timings: they do not compare");
  if (base.machine && cur.machine && strcmp(base.machine, cur.machine))
    fprintf(stderr, "mbcompare: warning: comparing results of different machines (%s vs %s): rarely meaningful\n",
            base.machine, cur.machine);

  tally_t t = {0};
  printf("%-56s %12s %12s %8s %9s  %s\n", "benchmark", base.deterministic ? "base instr" : "base", base.deterministic ? "new instr" : "new",
         "change", "p-value", "verdict");
  for (int i = 0; i < base.n; i++) compare_one(&base.s[i], find(&cur, base.s[i].name), &base, threshold_of(base.s[i].name, threshold, fam, nfam), alpha, tolerance, &t);
  for (int i = 0; i < cur.n; i++)
    if (!find(&base, cur.s[i].name)) {
      printf("%-56s %12s %12s %8s %9s  only in new\n", cur.s[i].name, "", "", "", "");
      t.only_new++;
    }
  return verdict(&t, &base, allow_missing, alpha);
}
