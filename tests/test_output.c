/*
 * test_output.c: run the membench binary for real, with a tiny min time, and check what it
 * writes (as Google Benchmark's own tests do): results under <dir>/<machine>/, a new
 * timestamped file per run and latest.json, Google Benchmark JSON with membench's context,
 * the pinned PU in the context and in every benchmark, progress on stderr.
 * Usage: test_output path/to/membench
 */
#include <jansson.h>
#include <sched.h>

#include "testutil.h"

static const char *bin;

static json_t *bench_named(json_t *doc, const char *name) {
  size_t i;
  json_t *b;
  json_array_foreach(json_object_get(doc, "benchmarks"), i, b) if (!strcmp(json_string_value(json_object_get(b, "name")), name)) return b;
  return NULL;
}

/* The one timestamped result in dir (not latest.json), or "" */
static void find_stamp(const char *dir, char *out, size_t len) {
  DIR *d = opendir(dir);
  struct dirent *e;
  *out = 0;
  while (d && (e = readdir(d)))
    if (strstr(e->d_name, "Z.json")) snprintf(out, len, "%s/%s", dir, e->d_name);
  if (d) closedir(d);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  bin = argv[1];
  char dir[64], arg_dir[128], arg_cpu[32], mdir[160], stamp[512], latest[256];
  test_tmpdir(dir);
  snprintf(arg_dir, sizeof arg_dir, "--mb_out_dir=%s", dir);
  /* The highest CPU we may run on: PU 1 on the development machine. */
  cpu_set_t set;
  sched_getaffinity(0, sizeof set, &set);
  int cpu = 0;
  for (int i = 0; i < CPU_SETSIZE; i++)
    if (CPU_ISSET(i, &set)) cpu = i;
  snprintf(arg_cpu, sizeof arg_cpu, "--mb_cpu=%d", cpu);
  snprintf(mdir, sizeof mdir, "%s/test-machine", dir);
  snprintf(latest, sizeof latest, "%s/latest.json", mdir);

  test_proc_t *p = malloc(sizeof *p);
  char *run1[] = {(char *)bin, "--benchmark_filter=^harness/", "--benchmark_min_time=0.001", arg_dir,
                  "--mb_machine=test-machine", arg_cpu, NULL};
  CHECK_EQ_INT(test_run(p, run1, 0, 0), 0);
  CHECK_EQ_INT(p->status, 0);
  if (p->status) fprintf(stderr, "stderr:\n%s\n", p->err);
#if defined(__aarch64__)
  CHECK(strstr(p->err, "[1/4] family harness") != NULL); /* progress (AArch64 adds harness/cntvct) */
#else
  CHECK(strstr(p->err, "[1/3] family harness") != NULL); /* progress */
#endif
  CHECK(strstr(p->out, "harness/empty") != NULL);        /* the console table */
  CHECK_EQ_INT(test_count_dir(mdir), 2);
  find_stamp(mdir, stamp, sizeof stamp);
  CHECK(*stamp);

  json_error_t jerr;
  json_t *doc = json_load_file(stamp, 0, &jerr);
  CHECK(doc != NULL);
  if (!doc) return TEST_EXIT();
  json_t *ctx = json_object_get(doc, "context"), *m = json_object_get(ctx, "membench");
  CHECK(json_is_true(json_object_get(m, "pinned")));
  CHECK_EQ_INT(json_integer_value(json_object_get(m, "pu")), cpu);
  char cpus[16];
  snprintf(cpus, sizeof cpus, "%d", cpu);
  CHECK_STR(json_string_value(json_object_get(ctx, "mb_pu")), cpus);
  CHECK_STR(json_string_value(json_object_get(m, "machine")), "test-machine");
  CHECK(json_is_array(json_object_get(json_object_get(m, "topology"), "caches_hwloc")));
  CHECK(json_is_object(json_object_get(json_object_get(m, "counters"), "unavailable")));
  static const char *keys[] = {"mb_governor", "mb_thp_enabled", "mb_aslr", "mb_kernel", "mb_compiler", "mb_c_flags",
                               "mb_git_revision", "mb_lib_hwloc", "mb_cpu_model", "mb_topo_cores", NULL};
  for (int i = 0; keys[i]; i++) CHECK(json_is_string(json_object_get(ctx, keys[i])));
  CHECK(json_is_string(json_object_get(ctx, "date"))); /* Google Benchmark's own context stays */

  json_t *b = bench_named(doc, "harness/empty");
  CHECK(b != NULL);
  if (b) {
    CHECK(json_integer_value(json_object_get(b, "iterations")) > 0);
    CHECK(json_real_value(json_object_get(b, "items_per_second")) > 0);
    CHECK_EQ_INT((int)json_number_value(json_object_get(b, "mb_pu")), cpu);
    CHECK(json_object_get(b, "error_occurred") == NULL);
    json_t *mig = json_object_get(b, "cpu-migrations");
    if (mig) CHECK(json_number_value(mig) == 0);
    CHECK(json_object_get(b, "mb_migrated") == NULL);
    /* What the descriptor says, as fields: a client needs no name parsing. */
    CHECK_STR(json_string_value(json_object_get(b, "family")), "harness");
    CHECK_STR(json_string_value(json_object_get(b, "variant")), "empty");
    CHECK(json_is_object(json_object_get(b, "args")) && json_object_size(json_object_get(b, "args")) == 0);
    CHECK_STR(json_string_value(json_object_get(b, "primary")), "real_time");
    CHECK_STR(json_string_value(json_object_get(b, "unit")), "ns");
    CHECK_STR(json_string_value(json_object_get(b, "direction")), "smaller_is_better");
    CHECK_EQ_INT((int)json_integer_value(json_object_get(b, "method_version")), 1);
    CHECK(json_is_string(json_object_get(b, "doc")));
    /* A counter this machine cannot count is absent, not zero. */
    json_t *unavail = json_object_get(json_object_get(m, "counters"), "unavailable");
    const char *ev;
    json_t *why;
    json_object_foreach(unavail, ev, why) CHECK(json_object_get(b, ev) == NULL);
  }
  char *s1 = test_slurp(stamp), *l1 = test_slurp(latest);
  CHECK(s1 && l1 && !strcmp(s1, l1));
  json_decref(doc);

  /* A second run adds a result and moves latest; the first stays byte for byte. */
  char *run2[] = {(char *)bin, "--benchmark_filter=^harness/empty$", "--benchmark_min_time=0.001",
                  "--benchmark_repetitions=3", arg_dir, "--mb_machine=test-machine", NULL};
  CHECK_EQ_INT(test_run(p, run2, 0, 0), 0);
  CHECK_EQ_INT(p->status, 0);
  CHECK_EQ_INT(test_count_dir(mdir), 3);
  char *s1b = test_slurp(stamp), *l2 = test_slurp(latest);
  CHECK(s1b && !strcmp(s1, s1b));
  CHECK(l2 && strcmp(l1, l2));
  doc = json_load_file(latest, 0, &jerr);
  CHECK(bench_named(doc, "harness/empty_median") != NULL); /* aggregates for compare */
  /* The spread of repetitions is kept, but not as a series a tracker would follow. */
  CHECK(bench_named(doc, "harness/empty_stddev") == NULL && bench_named(doc, "harness/empty_cv") == NULL);
  json_t *spread = json_object_get(doc, "spread");
  CHECK(json_array_size(spread) == 2);
  CHECK_STR(json_string_value(json_object_get(json_array_get(spread, 0), "name")), "harness/empty_stddev");
  json_decref(doc);

  /* --benchmark_out: the user's path gets the same JSON, with membench's context. */
  char out[160], arg_out[200];
  snprintf(out, sizeof out, "%s/mine.json", dir);
  snprintf(arg_out, sizeof arg_out, "--benchmark_out=%s", out);
  char *run3[] = {(char *)bin, "--benchmark_filter=harness/empty", "--benchmark_min_time=0.001", arg_out, NULL};
  CHECK_EQ_INT(test_run(p, run3, 0, 0), 0);
  CHECK_EQ_INT(p->status, 0);
  doc = json_load_file(out, 0, &jerr);
  CHECK(doc && json_object_get(json_object_get(doc, "context"), "membench"));
  json_decref(doc);
  CHECK_EQ_INT(test_count_dir(dir), 2); /* test-machine/ and mine.json: no temporaries */

  /* Listing writes nothing and runs nothing. */
  char *run4[] = {(char *)bin, "--benchmark_list_tests", arg_dir, "--mb_machine=test-machine", NULL};
  CHECK_EQ_INT(test_run(p, run4, 0, 0), 0);
  CHECK_EQ_INT(p->status, 0);
  CHECK(strstr(p->out, "harness/empty\n") != NULL);
  CHECK_EQ_INT(test_count_dir(mdir), 3);

  free(s1), free(l1), free(s1b), free(l2), free(p);
  test_rmtree(dir);
  return TEST_EXIT();
}
