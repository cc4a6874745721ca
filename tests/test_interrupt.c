/*
 * test_interrupt.c: a run stopped by Ctrl-C (SIGINT), SIGTERM or a crash (SIGSEGV) leaves no
 * new file, no temporary, and every earlier result exactly as it was; --benchmark_out's
 * file likewise.
 * Usage: test_interrupt path/to/membench
 */
#include "testutil.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  char dir[64], arg_dir[128], mdir[160], earlier[256], latest[256], mine[256], arg_out[300];
  test_tmpdir(dir);
  snprintf(arg_dir, sizeof arg_dir, "--mb_out_dir=%s", dir);
  snprintf(mdir, sizeof mdir, "%s/test-machine", dir);
  snprintf(earlier, sizeof earlier, "%s/2020-01-01T00-00-00Z.json", mdir);
  snprintf(latest, sizeof latest, "%s/latest.json", mdir);
  snprintf(mine, sizeof mine, "%s/mine.json", dir);
  snprintf(arg_out, sizeof arg_out, "--benchmark_out=%s", mine);
  if (mkdir(mdir, 0755)) return 2;
  const char *files[] = {earlier, latest, mine};
  char *before[3];
  for (int i = 0; i < 3; i++) {
    FILE *f = fopen(files[i], "w");
    fprintf(f, "{\"context\": {\"n\": %d}, \"benchmarks\": []}\n", i);
    fclose(f);
    before[i] = test_slurp(files[i]);
  }
  int sigs[] = {SIGINT, SIGTERM, SIGSEGV};
  test_proc_t *p = malloc(sizeof *p);
  for (int s = 0; s < 3; s++) {
    /* A long min time on a 25 ns kernel keeps it measuring when the signal comes (Google
     * Benchmark stops at 1e9 iterations, so the empty kernel would finish too soon). */
    char *av[] = {argv[1], "--benchmark_filter=^harness/clock_gettime$", "--benchmark_min_time=30", arg_dir,
                  "--mb_machine=test-machine", arg_out, NULL};
    CHECK_EQ_INT(test_run(p, av, 1500, sigs[s]), 0);
    CHECK(p->signaled && p->signal == sigs[s]);
    CHECK_EQ_INT(test_count_dir(mdir), 2);
    CHECK_EQ_INT(test_count_dir(dir), 2);
    for (int i = 0; i < 3; i++) {
      char *now = test_slurp(files[i]);
      CHECK(now && !strcmp(now, before[i]));
      free(now);
    }
  }
  for (int i = 0; i < 3; i++) free(before[i]);
  free(p);
  test_rmtree(dir);
  return TEST_EXIT();
}
