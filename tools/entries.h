/*
 * entries.h: reading the measured entries of a membench result, for the tools that turn one
 * into charts, reports and exports (mbextract, mbexport, mbreport).
 */
#ifndef MB_ENTRIES_H
#define MB_ENTRIES_H

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static inline int mb_by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The median of v[0..n) (sorted in place), NAN when n is 0. */
static inline double mb_median(double *v, int n) {
  if (n <= 0) return NAN;
  qsort(v, (size_t)n, sizeof *v, mb_by_value);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static inline int mb_is_iteration(json_t *b) {
  const char *rt = json_string_value(json_object_get(b, "run_type"));
  return !rt || !strcmp(rt, "iteration");
}

/* Entry b's value of `field` when b is an iteration entry of run `run_name` holding a
 * finite number there (times in ns when to_ns is set): 1 with *val, else 0. */
static inline int mb_entry_value(json_t *b, const char *run_name, const char *field, int to_ns, double *val) {
  const char *rn = json_string_value(json_object_get(b, "run_name"));
  json_t *x = json_object_get(b, field);
  if (!rn || strcmp(rn, run_name) || !mb_is_iteration(b) || !json_is_number(x)) return 0;
  *val = json_number_value(x);
  if (!isfinite(*val)) return 0;
  if (to_ns && (!strcmp(field, "real_time") || !strcmp(field, "cpu_time"))) {
    const char *u = json_string_value(json_object_get(b, "time_unit"));
    *val *= !u || !strcmp(u, "ns") ? 1 : !strcmp(u, "us") ? 1e3 : !strcmp(u, "ms") ? 1e6 : 1e9;
  }
  return 1;
}

/* The finite values of `field` over the repetitions of run `run_name` (iteration entries),
 * at most max into v; times (real_time, cpu_time) in ns when to_ns is set. How many. */
static inline int mb_run_values(json_t *benches, const char *run_name, const char *field, int to_ns, double *v, int max) {
  int n = 0;
  size_t i;
  json_t *b;
  double val;
  json_array_foreach(benches, i, b) if (n < max && mb_entry_value(b, run_name, field, to_ns, &val)) v[n++] = val;
  return n;
}

/* As mb_run_values, but a figure is what the clean repetitions say: the values of the
 * repetitions not marked mb_disturbed; when every one was disturbed, theirs, with
 * *disturbed set (else cleared). */
static inline int mb_run_values_clean(json_t *benches, const char *run_name, const char *field, int to_ns, double *v, int max, int *disturbed) {
  int n = 0, nd = 0;
  size_t i;
  json_t *b;
  double val, *d = (double *)malloc((size_t)(max > 0 ? max : 1) * sizeof *d);
  json_array_foreach(benches, i, b) {
    if (!mb_entry_value(b, run_name, field, to_ns, &val)) continue;
    if (json_is_true(json_object_get(b, "mb_disturbed"))) {
      if (d && nd < max) d[nd++] = val;
    } else if (n < max) {
      v[n++] = val;
    }
  }
  *disturbed = !n && nd;
  if (*disturbed) memcpy(v, d, (size_t)nd * sizeof *v), n = nd;
  free(d);
  return n;
}

/* Whether entry `at` is the first iteration entry of its run (one per benchmark, its
 * repetitions after it). */
static inline int mb_first_of_run(json_t *benches, size_t at) {
  json_t *b = json_array_get(benches, at);
  const char *rn = json_string_value(json_object_get(b, "run_name"));
  if (!rn || !mb_is_iteration(b)) return 0;
  for (size_t k = 0; k < at; k++) {
    json_t *e = json_array_get(benches, k);
    const char *r2 = json_string_value(json_object_get(e, "run_name"));
    if (r2 && !strcmp(r2, rn) && mb_is_iteration(e)) return 0;
  }
  return 1;
}

#endif
