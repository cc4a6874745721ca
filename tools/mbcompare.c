/*
 * mbcompare: the regression gate. Pairs the benchmarks of two results (Google Benchmark
 * JSON) by name and, for each, reports the ratio of the medians over repetitions, the
 * Mann-Whitney U test's two-sided p-value, and a verdict. Exit status: 1 when any
 * benchmark is slower beyond its threshold AND the difference is significant, 0 when
 * none is, 2 for bad input (one line on stderr).
 *
 * Usage: mbcompare [--threshold=0.10] [--alpha=0.05] [--family_threshold=FAMILY=X]...
 *                  [--field=real_time|cpu_time] [--tolerance=0] BASE.json NEW.json
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
  int error; /* a run reported error_occurred */
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
  const char *key = set->deterministic ? "instructions" : field;
  size_t i;
  json_t *b;
  json_array_foreach(benches, i, b) {
    const char *name = json_string_value(json_object_get(b, "name"));
    const char *agg = json_string_value(json_object_get(b, "aggregate_name"));
    if (!name) die("%s: benchmark #%zu has no name (or a name that is not a string)", path, i);
    /* Every entry pairs by name, as compare.py pairs them (aggregates have names of their
     * own: NAME_mean, NAME_median...). */
    if (json_is_true(json_object_get(b, "error_occurred"))) {
      add(set, name, NULL, 0, 1);
      continue;
    }
    json_t *v = json_object_get(b, key);
    if (v && !json_is_number(v)) die("%s: benchmark '%s' has a %s that is not a number", path, name, key);
    if (!v) continue; /* complexity fits (_BigO, _RMS) have no time: compare.py skips them too */
    /* A time is finite and not negative; an error-free run of 0 is no measurement either. */
    if (!isfinite(json_number_value(v)) || json_number_value(v) < 0)
      die("%s: benchmark '%s' has an impossible %s (%g)", path, name, key, json_number_value(v));
    double scale = set->deterministic ? 1 : unit_ns(json_string_value(json_object_get(b, "time_unit")));
    if (scale < 0) die("%s: benchmark '%s' has an unknown time_unit", path, name);
    series_t *s = add(set, name, json_string_value(json_object_get(b, "time_unit")), json_number_value(v) * scale, 0);
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

int main(int argc, char **argv) {
  mb_tool_name = "mbcompare";
  double threshold = 0.10, alpha = 0.05, tolerance = 0;
  const char *field = "real_time", *files[2] = {NULL, NULL};
  struct {
    char name[64];
    double t;
  } fam[MAX_FAMILIES];
  int nfam = 0, nfiles = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    char *end;
    if (!strncmp(a, "--threshold=", 12)) {
      threshold = strtod(a + 12, &end);
      if (!a[12] || *end || threshold < 0) die("--threshold: '%s' is not a fraction (0.10 = 10%%)", a + 12);
    } else if (!strncmp(a, "--alpha=", 8)) {
      alpha = strtod(a + 8, &end);
      if (!a[8] || *end || alpha <= 0 || alpha >= 1) die("--alpha: '%s' is not a significance level between 0 and 1", a + 8);
    } else if (!strncmp(a, "--tolerance=", 12)) {
      tolerance = strtod(a + 12, &end);
      if (!a[12] || *end || tolerance < 0) die("--tolerance: '%s' is not a fraction", a + 12);
    } else if (!strncmp(a, "--field=", 8)) {
      field = a + 8;
      if (strcmp(field, "real_time") && strcmp(field, "cpu_time")) die("--field: '%s' is not real_time or cpu_time", field);
    } else if (!strncmp(a, "--family_threshold=", 19)) {
      const char *eq = strrchr(a + 19, '=');
      if (!eq || eq == a + 19 || nfam == MAX_FAMILIES || (size_t)(eq - (a + 19)) >= sizeof fam[0].name)
        die("--family_threshold: '%s' is not FAMILY=FRACTION", a + 19);
      snprintf(fam[nfam].name, sizeof fam[nfam].name, "%.*s", (int)(eq - (a + 19)), a + 19);
      fam[nfam].t = strtod(eq + 1, &end);
      if (!eq[1] || *end || fam[nfam].t < 0) die("--family_threshold: '%s' is not a fraction", eq + 1);
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

  int slower = 0, faster = 0, same = 0, only_base = 0, only_new = 0, errors = 0, few = 0;
  printf("%-56s %12s %12s %8s %9s  %s\n", "benchmark", base.deterministic ? "base instr" : "base ns",
         base.deterministic ? "new instr" : "new ns", "change", "p-value", "verdict");
  for (int i = 0; i < base.n; i++) {
    series_t *a = &base.s[i], *b = find(&cur, a->name);
    if (!b) {
      printf("%-56s %12s %12s %8s %9s  only in base\n", a->name, "", "", "", "");
      only_base++;
      continue;
    }
    if (a->error || b->error || !a->n || !b->n) {
      printf("%-56s %12s %12s %8s %9s  error or skipped in %s\n", a->name, "", "", "", "", a->error || !a->n ? "base" : "new");
      errors++;
      continue;
    }
    if (!base.deterministic && strcmp(a->unit, b->unit)) {
      /* As compare.py: runs in different time units are not paired. */
      printf("%-56s %12s %12s %8s %9s  different time units (%s, %s): not compared\n", a->name, "", "", "", "", a->unit, b->unit);
      errors++;
      continue;
    }
    double t = threshold;
    for (int f = 0; f < nfam; f++) {
      size_t l = strlen(fam[f].name);
      if (!strncmp(a->name, fam[f].name, l) && a->name[l] == '/') t = fam[f].t;
    }
    double m0 = median(a->v, a->n), m1 = median(b->v, b->n);
    if (a->spread) {
      printf("%-56s %12.4g %12.4g %8s %9s  spread, not gated\n", a->name, m0, m1, pct(m0, m1), "");
      continue;
    }
    double change = m0 == 0 ? (m1 == 0 ? 0 : 1) : m1 / m0 - 1;
    const char *verdict;
    char pbuf[32] = "";
    if (base.deterministic) {
      verdict = change > tolerance ? "MORE INSTRUCTIONS" : change < -tolerance ? "fewer instructions" : "same";
      if (change > tolerance) slower++;
      else if (change < -tolerance) faster++;
      else same++;
    } else if (a->aggregate && a->n == 1 && b->n == 1) {
      verdict = "aggregate: not tested (its repetitions are)";
      same++;
    } else if (a->n < 2 || b->n < 2) {
      verdict = "no U test (fewer than 2 repetitions)";
      few++;
      same++;
    } else {
      double p = mb_mwu_two_sided(a->v, a->n, b->v, b->n);
      snprintf(pbuf, sizeof pbuf, "%.4f", p);
      int sig = p < alpha;
      if (change > t && sig) {
        verdict = "SLOWER";
        slower++;
      } else if (change < -t && sig) {
        verdict = "faster";
        faster++;
      } else {
        verdict = sig ? "same (within threshold)" : "same (not significant)";
        same++;
      }
      if (a->n < 9 || b->n < 9) few++;
    }
    printf("%-56s %12.4g %12.4g %8s %9s  %s%s\n", a->name, m0, m1, pct(m0, m1), pbuf, verdict,
           !base.deterministic && a->n >= 2 && b->n >= 2 && (a->n < 9 || b->n < 9) ? " (fewer than 9 repetitions: not reliable)" : "");
  }
  for (int i = 0; i < cur.n; i++)
    if (!find(&base, cur.s[i].name)) {
      printf("%-56s %12s %12s %8s %9s  only in new\n", cur.s[i].name, "", "", "", "");
      only_new++;
    }
  printf("\n%d compared: %d %s, %d %s, %d same; %d only in base, %d only in new, %d not compared\n",
         slower + faster + same, slower, base.deterministic ? "with more instructions" : "slower", faster,
         base.deterministic ? "with fewer" : "faster", same, only_base, only_new, errors);
  if (few && !base.deterministic)
    printf("note: %d benchmarks have fewer than 9 repetitions; the U test needs 9 or more to be reliable\n", few);
  printf("%s\n", slower ? "REGRESSION" : "no regression");
  return slower ? 1 : 0;
}
