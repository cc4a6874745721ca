/*
 * test_sabotage.c: every check can fail. membench_sabotaged is membench built with
 * -DMB_SABOTAGE, where kernels do their work wrong in the way MB_SABOTAGE_MODE names
 * (membench.h):
 *   short  every kernel does an eighth of its work. Run over every family in quick mode, each
 *          benchmark must be reported failed ("failed: ..." from its verify) or skipped with
 *          its reason as in a normal run, none measured, and every family must have failures.
 *   part   the right amount of work over the wrong memory (the first eighth, eight times);
 *   order  "random" chase chains that step seven lines at a time;
 *   last   store kernels that do only their last pass:
 *          each run over the benchmarks whose checks the mode concerns (sums, chases, stores),
 *          every one of which must fail, except where the sabotage changes nothing (a run of
 *          one pass is its last pass) or it is skipped with its reason.
 * Usage: test_sabotage path/to/membench_sabotaged
 */
#include "testjson.h"

static const char *families[] = {"harness", "stack", "recursion", "hierarchy", "mlp", "alloc", "traverse", "gemm", "layout", "align", "machine", "python"};
#define NFAM (sizeof families / sizeof families[0])

/* The modes that do the right amount of work wrongly, and the benchmarks each concerns. */
static const struct mode {
  const char *name, *filter, *what;
} modes[] = {
    {"part", "^(hierarchy/read/|traverse/(row|col|blocked_col)_sum/|layout/|machine/(read_|loaded_latency/loaders:[1-9]|loaded_[^l])|python/list_floats_sum/)",
     "summed the first eighth of their data eight times"},
    {"order", "^(hierarchy/(latency_(random|huge)|c2c_modified|c2c_clean)/|machine/loaded_|mlp/)", "chased a chain of seven-line steps as random"},
    {"last", "^(hierarchy/(write|copy|triad|write_nt|copy_nt)/|traverse/(row_scale|col_scale|transpose_)|machine/(write|copy|triad)_|machine/loaded_[0-9])",
     "did only their last pass"},
};
#define NMODES (sizeof modes / sizeof modes[0])

static void wrong_pattern(family_test_t *ft, const char *bin, const struct mode *m) {
  char f[256], o[512];
  snprintf(f, sizeof f, "--benchmark_filter=%s", m->filter);
  snprintf(o, sizeof o, "--benchmark_out=%s", ft->out);
  char *av[] = {(char *)bin, "--mb_quick", f, o, NULL};
  setenv("MB_SABOTAGE_MODE", m->name, 1);
  CHECK_EQ_INT(test_run(ft->p, av, 0, 0), 0);
  unsetenv("MB_SABOTAGE_MODE");
  CHECK_EQ_INT(ft->p->status, 1);
  json_t *doc = json_load_file(ft->out, 0, NULL);
  CHECK(doc != NULL);
  if (!doc) return;
  int failed = 0, skipped = 0, one_pass = 0, measured = 0;
  size_t i;
  json_t *b;
  json_array_foreach(test_entries(doc), i, b) {
    const char *name = json_string_value(json_object_get(b, "name"));
    const char *msg = json_string_value(json_object_get(b, "error_message"));
    if (msg && !strncmp(msg, "failed: ", 8)) failed++;
    else if (msg && !strncmp(msg, "skipped: ", 9)) skipped++;
    else if (!strcmp(m->name, "last") && json_integer_value(json_object_get(b, "iterations")) == 1) one_pass++;
    else {
      fprintf(stderr, "%s passed its check although it %s\n", name, m->what);
      measured++;
    }
  }
  printf("%-6s %3d failed their check, %d skipped, %d ran one pass (unchanged)\n", m->name, failed, skipped, one_pass);
  CHECK(failed >= 10);
  CHECK_EQ_INT(measured, 0);
  json_decref(doc);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  family_test_t ft;
  family_test_begin(&ft);
  char o[512];
  snprintf(o, sizeof o, "--benchmark_out=%s", ft.out);
  char *av[] = {argv[1], "--mb_quick", "--benchmark_filter=.", o, NULL};
  CHECK_EQ_INT(test_run(ft.p, av, 0, 0), 0);
  CHECK_EQ_INT(ft.p->status, 1); /* verification failures, and nothing worse */
  json_t *doc = json_load_file(ft.out, 0, NULL);
  CHECK(doc != NULL);
  if (!doc) {
    fprintf(stderr, "%s\n", ft.p->err);
    family_test_end(&ft);
    return TEST_EXIT();
  }
  int failed[NFAM] = {0}, skipped[NFAM] = {0}, measured = 0;
  size_t i;
  json_t *b;
  json_array_foreach(test_entries(doc), i, b) {
    const char *name = json_string_value(json_object_get(b, "name"));
    const char *msg = json_string_value(json_object_get(b, "error_message"));
    size_t f = 0;
    while (f < NFAM && (strncmp(name, families[f], strlen(families[f])) || name[strlen(families[f])] != '/')) f++;
    CHECK(f < NFAM);
    if (f == NFAM) continue;
    if (msg && !strncmp(msg, "failed: ", 8)) failed[f]++;
    else if (msg && !strncmp(msg, "skipped: ", 9)) skipped[f]++;
    else {
      fprintf(stderr, "%s passed its check with an eighth of its work\n", name);
      measured++;
    }
  }
  for (size_t f = 0; f < NFAM; f++) {
    printf("%-10s %3d failed their check, %d skipped\n", families[f], failed[f], skipped[f]);
    CHECK(failed[f] > 0);
  }
  CHECK_EQ_INT(measured, 0);
  json_decref(doc);
  for (size_t m = 0; m < NMODES; m++) wrong_pattern(&ft, argv[1], &modes[m]);
  /* A mode it does not know: one line and exit 2, never a run that sabotaged nothing. */
  setenv("MB_SABOTAGE_MODE", "bogus", 1);
  char *bogus[] = {argv[1], "--mb_quick", "--benchmark_filter=^harness/empty$", NULL};
  CHECK_EQ_INT(test_run(ft.p, bogus, 0, 0), 0);
  CHECK_EQ_INT(ft.p->status, 2);
  CHECK(strstr(ft.p->err, "MB_SABOTAGE_MODE=bogus") != NULL);
  unsetenv("MB_SABOTAGE_MODE");
  family_test_end(&ft);
  return TEST_EXIT();
}
