/*
 * merge.c: a child process's result joins the parent's as data (merge.h).
 */
#include "merge.h"

#include <stdio.h>

/* The largest family_index in `benches`, -1 when there is none. */
static json_int_t max_family_index(json_t *benches) {
  json_int_t m = -1;
  size_t i;
  json_t *b;
  json_array_foreach(benches, i, b) {
    json_t *fi = json_object_get(b, "family_index");
    if (json_is_integer(fi) && json_integer_value(fi) > m) m = json_integer_value(fi);
  }
  return m;
}

json_t *mb_results_merge_doc(json_t *doc, json_t *child) {
  json_t *mine = json_object_get(doc, "benchmarks"), *theirs = json_object_get(child, "benchmarks");
  if (!json_is_array(mine) || !json_is_array(theirs)) return NULL;
  /* The child numbered its families from 0: they follow ours, so that every
   * (family_index, per_family_instance_index) names one benchmark in the whole file. */
  json_int_t base = max_family_index(mine) + 1;
  size_t i;
  json_t *b;
  json_array_foreach(theirs, i, b) {
    json_t *fi = json_object_get(b, "family_index");
    if (json_is_integer(fi)) json_object_set_new(b, "family_index", json_integer(json_integer_value(fi) + base));
  }
  json_array_extend(mine, theirs);
  static const char *const lists[] = {"not_measured", "spread", NULL};
  for (int k = 0; lists[k]; k++) {
    json_t *add = json_object_get(child, lists[k]);
    if (!json_is_array(add)) continue;
    if (!json_is_array(json_object_get(doc, lists[k]))) json_object_set_new(doc, lists[k], json_array());
    json_array_extend(json_object_get(doc, lists[k]), add);
  }
  json_t *ctx = json_object_get(json_object_get(child, "context"), "membench");
  return ctx ? json_incref(ctx) : json_object();
}

json_t *mb_results_load(const char *path, char *err, size_t errlen) {
  json_error_t jerr;
  json_t *doc = json_load_file(path, 0, &jerr);
  if (!doc || !json_is_array(json_object_get(doc, "benchmarks"))) {
    snprintf(err, errlen, "%s: not complete JSON (%s)", path, doc ? "no benchmarks" : jerr.text);
    json_decref(doc);
    return NULL;
  }
  return doc;
}
