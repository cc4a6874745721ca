/*
 * test_bad_input.c: bad command lines end with one clear line on stderr and a nonzero exit,
 * before anything runs, and no result file is touched.
 * Usage: test_bad_input path/to/membench
 */
#include "testutil.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  char dir[64], arg_dir[128], mdir[160], earlier[256], latest[256];
  test_tmpdir(dir);
  snprintf(arg_dir, sizeof arg_dir, "--mb_out_dir=%s", dir);
  snprintf(mdir, sizeof mdir, "%s/test-machine", dir);
  snprintf(earlier, sizeof earlier, "%s/2020-01-01T00-00-00Z.json", mdir);
  snprintf(latest, sizeof latest, "%s/latest.json", mdir);
  if (mkdir(mdir, 0755)) return 2;
  FILE *f = fopen(earlier, "w");
  fputs("{\"context\": {}, \"benchmarks\": []}\n", f);
  fclose(f);
  f = fopen(latest, "w");
  fputs("{\"context\": {}, \"benchmarks\": []}\n", f);
  fclose(f);
  char *before_e = test_slurp(earlier), *before_l = test_slurp(latest);

  struct {
    const char *arg;
    const char *says; /* a word the message must contain */
  } cases[] = {
      {"--mb_bogus=1", "unknown flag"},
      {"--mb_cpu=9999", "no such CPU"},
      {"--mb_cpu=one", "--mb_cpu"},
      {"--mb_cpu=-1", "--mb_cpu"},
      {"--mb_counters=not-an-event", "not-an-event"},
      {"--benchmark_min_time=soon", "min_time"},
      {"--benchmark_repetitions=0", "repetitions"},
      {"--mb_machine=../escape", "machine name"},
      {"--benchmark_filter=^no_such_benchmark$", "no benchmark matches"},
      {"--benchmark_bogus_flag=1", "unrecognized"},
      {"--mb_quick=perhaps", "true or false"},
      {"--benchmark_out_format=yaml", "out_format"},
      /* Loose values that used to pass (issue 15, item 9). */
      {"--mb_cpu= 1", "--mb_cpu"},
      {"--mb_cpu=+1", "--mb_cpu"},
      {"--benchmark_min_time=inf", "min_time"},
      {"--benchmark_min_time=1e999", "min_time"},
      {"--mb_counters=", "empty list"},
      {"--benchmark_format=xml", "--benchmark_format"},
      {"--benchmark_filter=harness/(empty", "not a regular expression"},
      {"ENV MB_MEM_AVAILABLE=-5", "MB_MEM_AVAILABLE"},
      {"ENV MB_MEM_AVAILABLE=99999999999999999999999", "MB_MEM_AVAILABLE"},
      {"ENV MB_CACHE_LINE=96", "MB_CACHE_LINE"},
      {"ENV MB_CACHE_LINE=64k", "MB_CACHE_LINE"},
      {"ENV HWLOC_XMLFILE=/nonexistent/topology.xml", "HWLOC_XMLFILE"},
      {"ENV HWLOC_SYNTHETIC=garbage stuff", "HWLOC_SYNTHETIC"},
  };
  test_proc_t *p = malloc(sizeof *p);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *av[] = {argv[1], "--benchmark_min_time=0.001", arg_dir, "--mb_machine=test-machine", (char *)cases[i].arg,
                  NULL};
    if (!strncmp(cases[i].arg, "--mb_machine", 12)) av[3] = (char *)cases[i].arg, av[4] = NULL;
    char name[64] = "";
    if (!strncmp(cases[i].arg, "ENV ", 4)) { /* an environment variable, not a flag */
      const char *eq = strchr(cases[i].arg, '=');
      snprintf(name, sizeof name, "%.*s", (int)(eq - cases[i].arg - 4), cases[i].arg + 4);
      setenv(name, eq + 1, 1);
      av[4] = "--benchmark_filter=^harness/empty$";
    }
    CHECK_EQ_INT(test_run(p, av, 0, 0), 0);
    if (*name) unsetenv(name);
    int ok = p->exited && p->status != 0 && test_lines(p->err) == 1 && strstr(p->err, cases[i].says) &&
             p->out[0] == 0;
    if (!ok)
      fprintf(stderr, "case %s: exit %d, stdout '%.200s', stderr (%d lines):\n%s\n", cases[i].arg, p->status, p->out,
              test_lines(p->err), p->err);
    CHECK(ok);
    CHECK_EQ_INT(test_count_dir(mdir), 2);
    CHECK_EQ_INT(test_count_dir(dir), 1);
  }
  /* A probe's process (--mb_probe=NAME VALUES..., what mb_probe starts) refuses a name or a
   * spec it does not know in one line, and runs nothing else. */
  static const struct {
    const char *flag, *value, *says;
  } probes[] = {{"--mb_probe=no_such_probe", NULL, "no such probe"},
                {"--mb_probe=stack_threads", "12x", "not a value of its spec"},
                {"--mb_probe=stack_threads", "99999999999999999999", "not a value of its spec"}};
  for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
    char *av[] = {argv[1], (char *)probes[i].flag, (char *)probes[i].value, NULL};
    CHECK_EQ_INT(test_run(p, av, 0, 0), 0);
    int ok = p->exited && p->status == 2 && test_lines(p->err) == 1 && strstr(p->err, probes[i].says) && p->out[0] == 0;
    if (!ok) fprintf(stderr, "probe case %s %s: exit %d, stderr:\n%s\n", probes[i].flag, probes[i].value ? probes[i].value : "", p->status, p->err);
    CHECK(ok);
  }
  char *after_e = test_slurp(earlier), *after_l = test_slurp(latest);
  CHECK(after_e && !strcmp(before_e, after_e));
  CHECK(after_l && !strcmp(before_l, after_l));
  free(before_e), free(before_l), free(after_e), free(after_l), free(p);
  test_rmtree(dir);
  return TEST_EXIT();
}
