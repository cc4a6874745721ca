/*
 * test_interrupt.c: a run stopped by Ctrl-C (SIGINT), SIGTERM, a crash (SIGSEGV), a closed
 * pipe (SIGPIPE), SIGUSR1 or SIGALRM during its first benchmark (before any checkpoint) leaves no new file, no temporary, and every earlier
 * result exactly as it was; --benchmark_out's file likewise. A child process killed by
 * SIGKILL leaves no temporary either.
 * Usage: test_interrupt path/to/membench
 */
#include <dirent.h>

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
  int sigs[] = {SIGINT, SIGTERM, SIGSEGV, SIGPIPE, SIGUSR1, SIGALRM};
  const int nsigs = (int)(sizeof sigs / sizeof sigs[0]);
  test_proc_t *p = malloc(sizeof *p);
  for (int s = 0; s < nsigs; s++) {
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

  /* A child process killed by SIGKILL (as the OOM killer does): the run goes on, says so, and
   * no temporary of the child's stays in the results directory. */
  pid_t me = getpid(), killer = fork();
  if (killer == 0) {
    for (int tries = 0; tries < 100; tries++) { /* find membench's membench child, kill it */
      usleep(100 * 1000);
      DIR *d = opendir("/proc");
      struct dirent *e;
      while (d && (e = readdir(d))) {
        char path[300], buf[512];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        int pid = 0, ppid = 0;
        char comm[64] = "", state;
        if (fgets(buf, sizeof buf, f) && sscanf(buf, "%d (%63[^)]) %c %d", &pid, comm, &state, &ppid) == 4 &&
            (!strcmp(comm, "membench") || !strcmp(comm, "exe"))) { /* a child re-execs /proc/self/exe */
          char ppath[64], pbuf[512];
          snprintf(ppath, sizeof ppath, "/proc/%d/stat", ppid);
          FILE *pf = fopen(ppath, "r");
          int gp = 0, pp = 0;
          char pcomm[64] = "", pst;
          if (pf && fgets(pbuf, sizeof pbuf, pf) && sscanf(pbuf, "%d (%63[^)]) %c %d", &pp, pcomm, &pst, &gp) == 4 &&
              !strcmp(pcomm, "membench") && gp == me) {
            usleep(500 * 1000); /* let it start measuring */
            kill(pid, SIGKILL);
            _exit(0);
          }
          if (pf) fclose(pf);
        }
        fclose(f);
      }
      if (d) closedir(d);
    }
    _exit(1);
  }
  char *cv[] = {argv[1], "--benchmark_filter=^alloc/glibc/pair/size:32$", "--benchmark_min_time=30", arg_dir,
                "--mb_machine=test-machine", NULL};
  CHECK_EQ_INT(test_run(p, cv, 0, 0), 0);
  int kst = 0;
  waitpid(killer, &kst, 0);
  CHECK(WIFEXITED(kst) && WEXITSTATUS(kst) == 0); /* the child was found and killed */
  CHECK(strstr(p->err, "killed by signal 9") != NULL);
  DIR *d = opendir(mdir);
  struct dirent *e;
  int tmps = 0;
  while (d && (e = readdir(d))) tmps += strstr(e->d_name, ".tmp") != NULL;
  if (d) closedir(d);
  CHECK_EQ_INT(tmps, 0);
  free(p);
  test_rmtree(dir);
  return TEST_EXIT();
}
