/*
 * test_quiet.c: busy machines. The rule that marks a disturbed run, on injected evidence with
 * known answers (no timing in any assertion); the PU lock; and end to end on real competitors:
 * a busy loop on the benchmark's PU, a process stopped again and again, two runs pinned to
 * one PU. What is asserted there is the path, not a speed: every timed entry is judged,
 * entries whose runs were taken from are marked with the evidence, the summary line counts
 * what the file holds, a stopped run never comes out clean, and of two runs on one PU one
 * waits for the other.
 * Usage: test_quiet path/to/membench
 */
#include <jansson.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>

#include "quiet.h"
#include "testutil.h"

static mb_evidence_t ev(double wall, double cpu, double wait, long niv) {
  mb_evidence_t e;
  memset(&e, 0, sizeof e);
  e.wall = wall, e.cpu = cpu, e.wait = wait, e.nivcsw = niv;
  return e;
}

static int judged(mb_quiet_input_t in, char *why) { return mb_quiet_judge(&in, why, 200); }

static void rule(void) {
  char why[200];
  mb_quiet_input_t in = {.main = ev(0.1, 0.0999, 0.0001, 1), .steal = -1};
  CHECK_EQ_INT(judged(in, why), 0); /* quiet: 0.1% waited */
  in.main = ev(0.1, 0.05, 0.05, 13); /* a busy loop on the PU: half the time on the run queue */
  CHECK_EQ_INT(judged(in, why), 1);
  CHECK(strstr(why, "cpu/wall 0.50") && strstr(why, "run-queue wait 50%") && strstr(why, "13 involuntary switches"));
  in.main = ev(0.1, 0.097, 0.003, 1); /* 3%: under the 5% share */
  CHECK_EQ_INT(judged(in, why), 0);
  in.main = ev(0.0005, 0.00046, 0.00004, 1); /* 8% of a short run, but 40 us: under the floor */
  CHECK_EQ_INT(judged(in, why), 0);
  /* Off the CPU without waiting: the kernel sleeping in the benchmark's own page faults, not
   * a disturbance; with a SIGCONT seen, a stop. */
  in.main = ev(0.1, 0.08, 0, 0);
  CHECK_EQ_INT(judged(in, why), 0);
  in.main.stopped = 1;
  CHECK_EQ_INT(judged(in, why), 1);
  CHECK(strstr(why, "stopped and continued (SIGCONT)") && strstr(why, "0.02 s off the CPU"));
  /* A thread that waits for work done elsewhere (real_time): its CPU share is no evidence,
   * its run-queue wait is. */
  in = (mb_quiet_input_t){.main = ev(0.1, 0.001, 0, 0), .blocking = 1, .steal = -1};
  CHECK_EQ_INT(judged(in, why), 0);
  in.main.wait = 0.02;
  CHECK_EQ_INT(judged(in, why), 1);
  CHECK(strstr(why, "run-queue wait 20%") && !strstr(why, "cpu/wall"));
  /* Steal: 30 ms of 100 is; 10 ms (one tick) is not. */
  in = (mb_quiet_input_t){.main = ev(0.1, 0.1, 0, 0), .steal = 0.03};
  CHECK_EQ_INT(judged(in, why), 1);
  CHECK(strstr(why, "steal 30 ms (30%)"));
  in.steal = 0.01;
  CHECK_EQ_INT(judged(in, why), 0);
  /* A suspend, a move off the PU, a disturbed worker. */
  in = (mb_quiet_input_t){.main = ev(0.1, 0.1, 0, 0), .steal = -1};
  in.main.suspended = 2.5;
  CHECK_EQ_INT(judged(in, why), 1);
  CHECK(strstr(why, "suspended for 2.5 s"));
  in.main.suspended = 0, in.main.cpu0 = 1, in.main.cpu1 = 0, in.moved = 1;
  CHECK_EQ_INT(judged(in, why), 1);
  CHECK(strstr(why, "left its PU (cpu 1 -> 0)"));
  /* Workers: each adds its evidence; one preempted half its share disturbs the run. */
  mb_run_t run;
  memset(&run, 0, sizeof run);
  mb_evidence_reset(&run);
  mb_evidence_t w0 = ev(0.1, 0.1, 0, 0), w1 = ev(0.1, 0.05, 0.05, 12);
  w0.cpu0 = w0.cpu1 = 2, w1.cpu0 = w1.cpu1 = 3;
  mb_evidence_add(&run, &w0, 2);
  mb_evidence_add(&run, &w1, 3);
  CHECK(run.workers.n == 2 && run.workers.disturbed == 1 && run.workers.worst_pu == 3 && fabs(run.workers.worst_lost - 0.5) < 1e-9);
  in = (mb_quiet_input_t){.main = ev(0.1, 0.001, 0, 0), .blocking = 1, .steal = -1, .workers = run.workers};
  CHECK_EQ_INT(judged(in, why), 1);
  CHECK(strstr(why, "1 of 2 workers disturbed (up to 50% lost, on PU 3)"));
  mb_evidence_t off = ev(0.1, 0.1, 0, 0); /* a worker found off its PU */
  off.cpu0 = 2, off.cpu1 = 5;
  mb_evidence_reset(&run);
  mb_evidence_add(&run, &off, 2);
  CHECK_EQ_INT(run.workers.disturbed, 1);
  /* A benchmark marks its own figure, after the harness's evidence. */
  memset(&run, 0, sizeof run);
  run.disturbed = 1;
  snprintf(run.disturbance, sizeof run.disturbance, "run-queue wait 9%%");
  mb_disturbed(&run, "%d of %d curve points left out", 2, 40);
  CHECK_STR(run.disturbance, "run-queue wait 9%; 2 of 40 curve points left out");
  /* A real window on this thread: quiet or not, its numbers are consistent. */
  mb_evidence_t e;
  mb_evidence_begin(&e);
  volatile double x = 0;
  for (int i = 0; i < 3000000; i++) x += i;
  mb_evidence_end(&e);
  CHECK(e.wall > 0 && e.cpu > 0 && e.cpu <= e.wall * 1.05 + 1e-4 && (e.wait == -1 || e.wait >= 0) && e.nivcsw >= 0 && !e.stopped);
}

static void lock(void) {
  char dir[64];
  test_tmpdir(dir);
  setenv("MB_LOCK_DIR", dir, 1);
  int holder = -1, h2 = -1;
  int fd = mb_pu_lock(7, 0, &holder);
  CHECK(fd >= 0);
  int again = mb_pu_lock(7, 0, &h2); /* a second open file: what another membench would do */
  CHECK(again < 0 && errno == EWOULDBLOCK && h2 == (int)getpid());
  int other = mb_pu_lock(8, 0, &h2); /* another PU is free */
  CHECK(other >= 0);
  close(fd);
  fd = mb_pu_lock(7, 0, &h2); /* released with its descriptor */
  CHECK(fd >= 0);
  close(fd);
  close(other);
  /* A link left where the lock goes is not followed. */
  char link[128], target[128];
  snprintf(link, sizeof link, "%s/membench-pu9.lock", dir);
  snprintf(target, sizeof target, "%s/target", dir);
  CHECK(symlink(target, link) == 0);
  CHECK(mb_pu_lock(9, 0, &h2) < 0 && access(target, F_OK) != 0);
  double busy = 2;
  int pu = 0;
  CHECK(mb_pu_busy(&pu, 1, 0.02, &busy) == 0 && (busy == -1 || (busy >= 0 && busy <= 1)));
  test_rmtree(dir);
}

/* The PU the end-to-end runs use: the last this process may use (not PU 0 where there are more). */
static int last_pu(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set)) return 0;
  int pu = 0;
  for (int c = 0; c < CPU_SETSIZE; c++)
    if (CPU_ISSET(c, &set)) pu = c;
  return pu;
}

static pid_t spawn(char *const argv[], const char *out, const char *err) {
  pid_t pid = fork();
  if (pid == 0) {
    int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || e < 0) _exit(127);
    dup2(o, 1), dup2(e, 2);
    execv(argv[0], argv);
    _exit(127);
  }
  return pid;
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Entries: how many timed ones, how many judged, how many marked with a reason matching
 * `reason` (NULL: any); the distinct disturbed benchmarks. */
typedef struct tally {
  int entries, judged, marked, with_reason, distinct; /* repetitions */
  int aggregates, aggregates_marked;                  /* mean, median...: marked when a repetition is */
} tally_t;

static tally_t tally(const char *path, const char *reason) {
  tally_t t = {0};
  json_t *doc = json_load_file(path, 0, NULL), *b;
  size_t i;
  json_t *seen = json_object();
  json_array_foreach(json_object_get(doc, "benchmarks"), i, b) {
    json_t *d = json_object_get(b, "mb_disturbed");
    const char *rt = json_string_value(json_object_get(b, "run_type"));
    if (rt && !strcmp(rt, "aggregate")) {
      t.aggregates++;
      const char *why = json_string_value(json_object_get(b, "mb_disturbed_reason"));
      t.aggregates_marked += json_is_true(d) && why && strstr(why, "repetitions disturbed");
      continue;
    }
    t.entries++;
    t.judged += json_is_boolean(d);
    if (!json_is_true(d)) continue;
    t.marked++;
    const char *why = json_string_value(json_object_get(b, "mb_disturbed_reason"));
    t.with_reason += why && (!reason || strstr(why, reason));
    json_object_set_new(seen, json_string_value(json_object_get(b, "run_name")), json_true());
  }
  t.distinct = (int)json_object_size(seen);
  json_decref(seen);
  json_decref(doc);
  return t;
}

/* A spawned run's stdout and stderr files, dir/<tag>.out and dir/<tag>.err (160 bytes each). */
static void run_files(const char *dir, const char *tag, char *out, char *err) {
  snprintf(out, 160, "%s/%s.out", dir, tag);
  snprintf(err, 160, "%s/%s.err", dir, tag);
}

static void busy_loop(const char *membench, const char *dir) {
  int pu = last_pu();
  char cpu[32], out[160], log[160], res[160], err[160];
  snprintf(cpu, sizeof cpu, "--mb_cpu=%d", pu);
  snprintf(res, sizeof res, "--benchmark_out=%s/busy.json", dir);
  run_files(dir, "busy", out, log);
  pid_t loop = fork();
  if (loop == 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(pu, &set);
    sched_setaffinity(0, sizeof set, &set);
    for (;;) {
    }
  }
  sleep_ms(100);
  char *av[] = {(char *)membench, cpu, "--mb_quick", "--mb_counters=none", "--benchmark_filter=^(hierarchy/read/ws:32768|stack/malloc/size:16)$",
                "--benchmark_repetitions=2", res, NULL};
  pid_t m = spawn(av, out, log);
  int st;
  waitpid(m, &st, 0);
  kill(loop, SIGKILL);
  waitpid(loop, NULL, 0);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  snprintf(err, sizeof err, "%s/busy.json", dir);
  tally_t t = tally(err, "run-queue wait");
  printf("busy loop on PU %d: %d entries, %d judged, %d marked (%d benchmarks)\n", pu, t.entries, t.judged, t.marked, t.distinct);
  CHECK(t.entries > 0 && t.judged == t.entries); /* every timed entry says whether it was disturbed */
  CHECK(t.marked >= 1 && t.with_reason == t.marked); /* runs of 10 ms and more shared the PU: marked, with the wait */
  CHECK(t.aggregates > 0 && t.aggregates_marked >= 1);  /* a mean of marked repetitions is marked */
  char *e = test_slurp(log), want[96];
  snprintf(want, sizeof want, ", %d disturbed (marked)", t.distinct);
  CHECK(e && strstr(e, "the machine is busy") && strstr(e, want));
  if (e && !strstr(e, want)) fprintf(stderr, "summary: %s\n", e);
  free(e);
  json_t *doc = json_load_file(err, 0, NULL);
  json_t *q = json_object_get(json_object_get(json_object_get(doc, "context"), "membench"), "quiet");
  char key[16];
  snprintf(key, sizeof key, "%d", pu);
  json_t *busy = json_object_get(json_object_get(q, "pu_busy"), key);
  CHECK(json_is_string(json_object_get(q, "busy")) && json_is_number(busy) && json_number_value(busy) > MB_QUIET_BUSY);
  json_decref(doc);
  /* --mb_quiet_check=off: the old behaviour, nothing judged, and the result says so; in the
   * child processes too (glibc's malloc runs in one: they had judged theirs anyway). */
  char *offv[] = {(char *)membench, cpu, "--mb_quick", "--mb_counters=none", "--benchmark_filter=^(hierarchy/read/ws:32768|alloc/glibc/pair/size:32)$",
                  "--mb_quiet_check=off", res, NULL};
  m = spawn(offv, out, log);
  waitpid(m, &st, 0);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  t = tally(err, NULL);
  CHECK(t.entries >= 2 && t.judged == 0);
  doc = json_load_file(err, 0, NULL);
  q = json_object_get(json_object_get(json_object_get(doc, "context"), "membench"), "quiet");
  CHECK(json_is_string(json_object_get(q, "check")) && !strcmp(json_string_value(json_object_get(q, "check")), "off"));
  json_decref(doc);
}

/* Index pairs (family_index, per_family_instance_index) that name two run names: 0 when
 * every pair names one benchmark, as trackers need. */
static int index_pairs_reused(const char *path) {
  json_t *doc = json_load_file(path, 0, NULL), *b, *seen = json_object();
  int reused = 0;
  size_t i;
  json_array_foreach(json_object_get(doc, "benchmarks"), i, b) {
    char key[64];
    snprintf(key, sizeof key, "%lld/%lld", (long long)json_integer_value(json_object_get(b, "family_index")),
             (long long)json_integer_value(json_object_get(b, "per_family_instance_index")));
    const char *rn = json_string_value(json_object_get(b, "run_name")), *had = json_string_value(json_object_get(seen, key));
    if (!rn) continue;
    if (had && strcmp(had, rn)) reused++;
    if (!had) json_object_set_new(seen, key, json_string(rn));
  }
  json_decref(seen);
  json_decref(doc);
  return reused;
}

/* harness/empty runs first, undisturbed; then, once hierarchy's family has started, the
 * process is stopped every 100 ms for 40 ms until it ends: no run of half a second is ever
 * clean. Only the second benchmark is re-measured, and its entries keep the numbers the
 * first pass gave them (a pass registers only what it re-measures). */
static void stops(const char *membench, const char *dir) {
  char cpu[32], out[160], log[160], res[160], path[160];
  snprintf(cpu, sizeof cpu, "--mb_cpu=%d", last_pu());
  snprintf(res, sizeof res, "--benchmark_out=%s/stop.json", dir);
  run_files(dir, "stop", out, log);
  char *av[] = {(char *)membench, cpu, "--mb_counters=none", "--benchmark_filter=^(harness/empty|hierarchy/read/ws:32768)$",
                "--benchmark_min_time=0.5", res, NULL};
  pid_t m = spawn(av, out, log);
  int st = 0, ended = 0;
  for (;;) { /* the second family's progress line */
    sleep_ms(20);
    if (waitpid(m, &st, WNOHANG) == m) {
      ended = 1;
      break;
    }
    char *e = test_slurp(log);
    int second = e && strstr(e, "family hierarchy");
    free(e);
    if (second) break;
  }
  CHECK(!ended);
  while (!ended) {
    sleep_ms(60);
    if (waitpid(m, &st, WNOHANG) == m) break;
    kill(m, SIGSTOP);
    sleep_ms(40);
    kill(m, SIGCONT);
  }
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  snprintf(path, sizeof path, "%s/stop.json", dir);
  tally_t t = tally(path, "stopped and continued (SIGCONT)");
  printf("stopped every 100 ms: %d entries, %d marked as stopped\n", t.entries, t.with_reason);
  CHECK(t.entries == 2 && t.marked >= 1 && t.with_reason >= 1);
  CHECK_EQ_INT(index_pairs_reused(path), 0);
  char *e = test_slurp(log);
  /* Re-measured, or (the PU busy with other work, e.g. ctest -j) said why not. */
  CHECK(e && (strstr(e, "re-measuring 1 benchmarks") || strstr(e, "re-measuring 2 benchmarks") ||
              strstr(e, "benchmarks were disturbed and PU")));
  free(e);
}

/* Two membench pinned to one PU: one of them finds the other's lock, says so and waits; both
 * finish. (Which one waits depends on which took the lock first: either says it.) */
static void two_on_one_pu(const char *membench, const char *dir) {
  char cpu[32], o1[160], e1[160], o2[160], e2[160];
  snprintf(cpu, sizeof cpu, "--mb_cpu=%d", last_pu());
  run_files(dir, "two1", o1, e1);
  run_files(dir, "two2", o2, e2);
  char *av[] = {(char *)membench, cpu, "--mb_counters=none", "--benchmark_filter=^hierarchy/read/ws:32768$", "--benchmark_min_time=0.3", NULL};
  pid_t a = spawn(av, o1, e1);
  sleep_ms(300);
  pid_t b = spawn(av, o2, e2);
  int sa, sb;
  waitpid(a, &sa, 0);
  waitpid(b, &sb, 0);
  CHECK(WIFEXITED(sa) && WEXITSTATUS(sa) == 0 && WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
  char *t1 = test_slurp(e1), *t2 = test_slurp(e2);
  int waited = (t1 && strstr(t1, "is in use by another membench")) + (t2 && strstr(t2, "is in use by another membench"));
  CHECK_EQ_INT(waited, 1);
  free(t1);
  free(t2);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  rule();
  lock();
  char dir[64];
  test_tmpdir(dir);
  setenv("MB_LOCK_DIR", dir, 1); /* the end-to-end runs: a lock of their own */
  busy_loop(argv[1], dir);
  stops(argv[1], dir);
  two_on_one_pu(argv[1], dir);
  test_rmtree(dir);
  return TEST_EXIT();
}
