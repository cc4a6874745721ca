/*
 * registry.h: the list of registered benchmarks, expanded into named instances.
 *
 * An instance is one descriptor with one tuple of argument values; its name is
 * family/variant[/argname:value...]. Expansion happens once, after the configuration is
 * known (quick/long mode and computed argument lists depend on it).
 */
#ifndef MB_REGISTRY_H
#define MB_REGISTRY_H

#include "membench.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mb_instance {
  const mb_bench_t *bench;
  int64_t arg[MB_MAX_ARGS];
  char name[160];
} mb_instance_t;

/* Expand every registered descriptor under `config`. Returns the number of instances and
 * sets *out (owned by the registry), or -1 with errno (ENOMEM; EINVAL for a descriptor
 * that is malformed, with a message in err). Descriptors come out sorted by family, then
 * in registration order within a family. */
int mb_registry_expand(const mb_config_t *config, mb_instance_t **out, char *err, size_t errlen);

/* Families declared with MB_FAMILY: by name (NULL when not declared), count, by index. */
const mb_family_t *mb_family_find(const char *name);
/* The report sections declared with MB_VIEW; mb_views_check: 0, or -1 with the first name
 * that is no registered benchmark (or family) in err. */
int mb_view_count(void);
const mb_bench_t *mb_bench_named(const char *name);
const mb_view_t *mb_view_at(int i);
int mb_view_check(const mb_view_t *view, char *err, size_t errlen);
int mb_views_check(char *err, size_t errlen); /* the views, the claims and the charts */
/* The charts declared with MB_CHART; mb_chart_check: 0, or -1 saying what is wrong in err. */
int mb_chart_count(void);
const mb_chart_t *mb_chart_at(int i);
int mb_chart_check(const mb_chart_t *chart, char *err, size_t errlen);
int mb_claim_count(void);
const mb_claim_t *mb_claim_at(int i);
int mb_claim_check(const mb_claim_t *claim, char *err, size_t errlen);
/* The lines of the report declared with MB_TEXT. */
int mb_text_count(void);
const mb_text_t *mb_text_at(int i);
int mb_text_check(const mb_text_t *text, char *err, size_t errlen);
int mb_family_count(void);
const mb_family_t *mb_family_at(int i);

/* A descriptor's primary figure, its default filled in. */
mb_figure_t mb_primary_of(const mb_bench_t *b);

/* Whether a figure is a time or a rate (real_time, cpu_time, a unit of ns/us/ms/s or per
 * second): one that something else taking the CPU makes wrong. A depth, a size or a count is
 * not. 1 or 0. */
int mb_figure_timed(mb_figure_t f);
/* Whether any figure a descriptor declares (its primary one or another) is timed. */
int mb_bench_timed(const mb_bench_t *b);

/* Number of registered descriptors. */
int mb_registry_count(void);

/* Context entries families added with mb_context_add(): count, and key/value by index. */
int mb_context_count(void);
const char *mb_context_key(int i);
const char *mb_context_value(int i);

/* Set the configuration mb_get_config() returns. */
void mb_set_config(const mb_config_t *config);

/* Clear a run for an instance: arguments, per-iteration accounting, no counters. */
void mb_run_init(mb_run_t *run, const mb_instance_t *inst, const mb_config_t *config);

/* Format a name from its parts into buf; returns 0, or -1 with ENAMETOOLONG. */
int mb_format_name(char *buf, size_t len, const mb_bench_t *b, const int64_t *args);

#ifdef __cplusplus
}
#endif
#endif
