/*
 * merge.h: a child process's result joined to the parent's, as data (merge.c). A child
 * (a .process family, a re-measuring pass) writes a complete result like any other; the
 * parent reads it back and appends its entries.
 */
#ifndef MB_MERGE_H
#define MB_MERGE_H

#include <jansson.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A membench result read from `path` (a child process's), or NULL with a message in err. */
json_t *mb_results_load(const char *path, char *err, size_t errlen);

/* Append the entries of a child's result to `doc`, as data: benchmarks (their family_index
 * moved past ours), not_measured and spread. Returns the child's context.membench object (a
 * new reference; an empty object if it has none), or NULL when either has no benchmarks. */
json_t *mb_results_merge_doc(json_t *doc, json_t *child);

#ifdef __cplusplus
}
#endif
#endif
