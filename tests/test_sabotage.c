/*
 * test_sabotage.c: every check can fail. membench_sabotaged is membench built with
 * -DMB_SABOTAGE, where every kernel does an eighth of its work (MB_WORK in membench.h: an
 * eighth of its elements, loads, calls or iterations). Run over every family in quick mode,
 * each benchmark must be reported failed ("failed: ..." from its verify) or skipped with its
 * reason as in a normal run, none measured, and every family must have failures.
 * Usage: test_sabotage path/to/membench_sabotaged
 */
#include "testjson.h"

static const char *families[] = {"harness", "stack", "recursion", "hierarchy", "alloc", "traverse", "gemm", "layout", "align", "machine", "python"};
#define NFAM (sizeof families / sizeof families[0])

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
  family_test_end(&ft);
  return TEST_EXIT();
}
