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

/* Whether `field` is a time Google Benchmark writes in the entry's time_unit. */
static inline int mb_is_time_field(const char *field) {
  return field && (!strcmp(field, "real_time") || !strcmp(field, "cpu_time"));
}

/* Nanoseconds per time_unit: "ns" (or none) 1, "us" 1e3, "ms" 1e6, else ("s") 1e9. */
static inline double mb_unit_ns(const char *u) {
  return !u || !strcmp(u, "ns") ? 1 : !strcmp(u, "us") ? 1e3 : !strcmp(u, "ms") ? 1e6 : 1e9;
}

/* Entry b's value of `field` when b is an iteration entry of run `run_name` holding a
 * finite number there (times in ns when to_ns is set): 1 with *val, else 0. */
static inline int mb_entry_value(json_t *b, const char *run_name, const char *field, int to_ns, double *val) {
  const char *rn = json_string_value(json_object_get(b, "run_name"));
  json_t *x = json_object_get(b, field);
  if (!rn || strcmp(rn, run_name) || !mb_is_iteration(b) || !json_is_number(x) || json_is_true(json_object_get(b, "error_occurred")))
    return 0;
  *val = json_number_value(x);
  if (!isfinite(*val)) return 0;
  if (to_ns && mb_is_time_field(field)) *val *= mb_unit_ns(json_string_value(json_object_get(b, "time_unit")));
  return 1;
}

/* An index of one benchmarks array, so that every tool reads a result in linear time (at
 * 17k entries mbexport took 42 s and mbextract --family-charts 259 s, one scan per lookup):
 * for each run_name its iteration entries in order, and (built when first asked for) for
 * each name and each '/'-prefix of it the first entry that is neither an aggregate nor an
 * error. A few arrays are kept (mbside reads several results in turn); an index holds a
 * reference to its array, so that no other array can take its address while it is kept, and
 * is rebuilt when its array has grown. */
typedef struct mb_index {
  json_t *arr, *runs, *prefix, *under;
  size_t size;
} mb_index_t;

/* Keyed by the '/'-prefixes of each entry's name. lists: for each proper prefix P, every
 * entry named P/... in order (x->under); else for each prefix and the whole name, the first
 * entry that is neither an aggregate nor an error (x->prefix). */
static inline void mb_index_build_prefixes(mb_index_t *x, int lists) {
  size_t i;
  json_t *b, *map = json_object();
  if (lists) x->under = map;
  else x->prefix = map;
  json_array_foreach(x->arr, i, b) {
    const char *n = json_string_value(json_object_get(b, "name"));
    if (!n || (!lists && (!mb_is_iteration(b) || json_is_true(json_object_get(b, "error_occurred"))))) continue;
    size_t l = strlen(n);
    char *key = (char *)malloc(l + 1);
    if (!key) continue;
    for (size_t k = 1; k <= l; k++) {
      if (k == l ? lists : n[k] != '/') continue;
      memcpy(key, n, k);
      key[k] = 0;
      json_t *have = json_object_get(map, key);
      if (!lists && !have) json_object_set(map, key, b);
      if (lists && !have) json_object_set_new(map, key, have = json_array());
      if (lists) json_array_append(have, b);
    }
    free(key);
  }
}

static inline mb_index_t *mb_index_of(json_t *benches) {
  enum { KEPT = 8 };
  static mb_index_t kept[KEPT];
  static unsigned next;
  for (int k = 0; k < KEPT; k++)
    if (kept[k].arr == benches && kept[k].size == json_array_size(benches)) return &kept[k];
  mb_index_t *x = &kept[next++ % KEPT];
  json_decref(x->arr);
  json_decref(x->runs);
  json_decref(x->prefix);
  json_decref(x->under);
  x->under = NULL;
  x->arr = json_incref(benches);
  x->size = json_array_size(benches);
  x->runs = json_object();
  x->prefix = NULL;
  size_t i;
  json_t *b;
  json_array_foreach(benches, i, b) {
    const char *rn = json_string_value(json_object_get(b, "run_name"));
    if (!rn || !mb_is_iteration(b)) continue;
    json_t *l = json_object_get(x->runs, rn);
    if (!l) json_object_set_new(x->runs, rn, l = json_array());
    json_array_append(l, b);
  }
  return x;
}

/* The first argument's value after PREFIX (pl characters) in `name` (PREFIX/argname:VALUE[/...]):
 * 1 with *arg, else 0. */
static inline int mb_arg_after(const char *name, size_t pl, double *arg) {
  const char *colon = strchr(name + pl + 1, ':');
  if (!colon) return 0;
  char *end;
  *arg = strtod(colon + 1, &end);
  return end != colon + 1;
}

/* The iteration entries of run `run_name`, in order (an empty array when none; borrowed). */
static inline json_t *mb_run_entries(json_t *benches, const char *run_name) {
  static json_t *none;
  json_t *l = run_name ? json_object_get(mb_index_of(benches)->runs, run_name) : NULL;
  return l ? l : none ? none : (none = json_array());
}

/* Every entry (of any kind) named `prefix/...`, in order (an empty array when none; borrowed). */
static inline json_t *mb_entries_under(json_t *benches, const char *prefix) {
  static json_t *none;
  mb_index_t *x = mb_index_of(benches);
  if (!x->under) mb_index_build_prefixes(x, 1);
  json_t *l = prefix ? json_object_get(x->under, prefix) : NULL;
  return l ? l : none ? none : (none = json_array());
}

/* How many iteration entries (repetitions) run `run_name` has. */
static inline int mb_run_count(json_t *benches, const char *run_name) {
  return (int)json_array_size(mb_run_entries(benches, run_name));
}

/* The first entry named `name` or `name/...` that is neither an aggregate nor an error,
 * or NULL (borrowed). */
static inline json_t *mb_first_named(json_t *benches, const char *name) {
  mb_index_t *x = mb_index_of(benches);
  if (!x->prefix) mb_index_build_prefixes(x, 0);
  return name ? json_object_get(x->prefix, name) : NULL;
}

/* The finite values of `field` over the repetitions of run `run_name` (iteration entries),
 * at most max into v (mb_run_count says how many there are); times (real_time, cpu_time) in
 * ns when to_ns is set. How many. */
static inline int mb_run_values(json_t *benches, const char *run_name, const char *field, int to_ns, double *v, int max) {
  int n = 0;
  size_t i;
  json_t *b;
  double val;
  json_array_foreach(mb_run_entries(benches, run_name), i, b) if (n < max && mb_entry_value(b, run_name, field, to_ns, &val)) v[n++] = val;
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
  json_array_foreach(mb_run_entries(benches, run_name), i, b) {
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

/* The same into a new array of every repetition's value (free it): *n values. */
static inline double *mb_run_values_clean_all(json_t *benches, const char *run_name, const char *field, int to_ns, int *n, int *disturbed) {
  int cap = mb_run_count(benches, run_name);
  double *v = (double *)malloc((size_t)(cap > 0 ? cap : 1) * sizeof *v);
  *n = v ? mb_run_values_clean(benches, run_name, field, to_ns, v, cap, disturbed) : 0;
  if (!v) *disturbed = 0;
  return v;
}

/* Whether entry `at` is the first iteration entry of its run (one per benchmark, its
 * repetitions after it). */
static inline int mb_first_of_run(json_t *benches, size_t at) {
  json_t *b = json_array_get(benches, at);
  const char *rn = json_string_value(json_object_get(b, "run_name"));
  return rn && mb_is_iteration(b) && json_array_get(mb_run_entries(benches, rn), 0) == b;
}

#endif
