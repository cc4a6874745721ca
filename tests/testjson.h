/*
 * testjson.h: running membench for a JSON result and reading numbers out of it, for the
 * tests that run families for real.
 */
#ifndef MB_TESTJSON_H
#define MB_TESTJSON_H

#include <jansson.h>
#include <math.h>

#include "testutil.h"

/* A number field of a benchmark entry, NaN when absent. */
static inline double num(json_t *b, const char *key) {
  json_t *v = json_object_get(b, key);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Every entry of a result, measured or not: the benchmarks, then one entry per skipped or
 * failed benchmark (from not_measured) in the form Google Benchmark gives an error
 * (error_occurred, error_message "skipped: ..." or "failed: ..."), so a test sees each
 * benchmark it asked for. The array belongs to doc. */
static inline json_t *test_entries(json_t *doc) {
  if (json_object_get(doc, "_test_entries")) return json_object_get(doc, "_test_entries");
  json_t *all = json_array(), *b;
  size_t i;
  json_array_extend(all, json_object_get(doc, "benchmarks"));
  json_array_foreach(json_object_get(doc, "not_measured"), i, b) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s: %s", json_string_value(json_object_get(b, "status")), json_string_value(json_object_get(b, "reason")));
    json_t *e = json_pack("{s:O, s:O, s:b, s:s}", "name", json_object_get(b, "name"), "run_name", json_object_get(b, "run_name"),
                          "error_occurred", 1, "error_message", msg);
    json_array_append_new(all, e);
  }
  json_object_set_new(doc, "_test_entries", all);
  return all;
}

/* Run `bin --mb_quick --benchmark_filter=filter --benchmark_out=out`; exit 0 is checked.
 * Returns the parsed result (NULL if there is none). */
static inline json_t *run_json(const char *bin, const char *filter, const char *out, test_proc_t *p) {
  char f[256], o[512];
  snprintf(f, sizeof f, "--benchmark_filter=%s", filter);
  snprintf(o, sizeof o, "--benchmark_out=%s", out);
  char *av[] = {(char *)bin, "--mb_quick", f, o, NULL};
  if (test_run(p, av, 0, 0)) return NULL;
  if (p->status != 0) fprintf(stderr, "membench exited %d:\n%s\n", p->status, p->err);
  CHECK_EQ_INT(p->status, 0);
  return json_load_file(out, 0, NULL);
}

/* A family test's scratch: a directory, the result path in it, a captured process. */
typedef struct family_test {
  char dir[64], out[128];
  test_proc_t *p;
} family_test_t;
static inline void family_test_begin(family_test_t *ft) {
  test_tmpdir(ft->dir);
  snprintf(ft->out, sizeof ft->out, "%s/r.json", ft->dir);
  ft->p = malloc(sizeof *ft->p);
}
/* Run the filter into the scratch result; NULL (a failed check said why) if there is none. */
static inline json_t *family_test_run(family_test_t *ft, const char *bin, const char *filter) {
  json_t *doc = run_json(bin, filter, ft->out, ft->p);
  CHECK(doc != NULL);
  return doc;
}
static inline void family_test_end(family_test_t *ft) {
  test_rmtree(ft->dir);
  free(ft->p);
}

/* The error message of an entry (skipped or failed), or NULL for a measured one. */
static inline const char *error_of(json_t *b) { return b ? json_string_value(json_object_get(b, "error_message")) : NULL; }

/* The benchmark entry named `name` (run_name, first repetition), or NULL. */
static inline json_t *find_bench(json_t *doc, const char *name) {
  size_t i;
  json_t *b;
  json_array_foreach(test_entries(doc), i, b) {
    const char *n = json_string_value(json_object_get(b, "run_name"));
    if (n && !strcmp(n, name)) return b;
  }
  return NULL;
}

#endif
