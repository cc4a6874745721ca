/*
 * quiet.c: the evidence of disturbance and its rule (quiet.h says why these thresholds), the
 * load of the machine's PUs, a lock per PU.
 *
 * The evidence is read with a handful of system calls per window, outside the kernel's
 * timed loop: the schedstat file stays open per thread (a thread-specific key closes it when
 * the thread ends), so a window costs two preads, two getrusage and four clock reads.
 */
#define _GNU_SOURCE
#include "quiet.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "env.h"

/* ---- One thread's window ---- */

static pthread_key_t fd_key;
static pthread_once_t fd_once = PTHREAD_ONCE_INIT;

static void fd_close(void *v) { /* stored as fd + 2, so that -1 (none) is not NULL */
  int fd = (int)(intptr_t)v - 2;
  if (fd >= 0) close(fd);
}
static void fd_key_make(void) { pthread_key_create(&fd_key, fd_close); }

/* This thread's /proc/thread-self/schedstat, opened once; -1 where the kernel has none. */
static int schedstat_fd(void) {
  pthread_once(&fd_once, fd_key_make);
  intptr_t v = (intptr_t)pthread_getspecific(fd_key);
  if (v) return (int)v - 2;
  int fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  pthread_setspecific(fd_key, (void *)(intptr_t)(fd + 2));
  return fd;
}

/* Seconds this thread waited runnable (schedstat's run_delay), -1 unknown. */
static double run_wait(void) {
  int fd = schedstat_fd();
  char buf[96];
  ssize_t n = fd < 0 ? -1 : pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return -1;
  buf[n] = 0;
  unsigned long long on_cpu, waited;
  return sscanf(buf, "%llu %llu", &on_cpu, &waited) == 2 ? 1e-9 * (double)waited : -1;
}

static double clock_s(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static long nivcsw(void) {
  struct rusage u;
  return getrusage(RUSAGE_THREAD, &u) ? -1 : u.ru_nivcsw;
}

static volatile sig_atomic_t conts; /* SIGCONTs seen */

static void on_cont(int sig) {
  (void)sig;
  conts = conts + 1;
}

void mb_quiet_watch_stops(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_cont;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCONT, &sa, NULL);
}

void mb_evidence_begin(mb_evidence_t *e) {
  memset(e, 0, sizeof *e);
  e->cpu0 = sched_getcpu();
  e->start_.conts = conts;
  e->start_.n = nivcsw();
  e->start_.w = run_wait();
  e->start_.c = clock_s(CLOCK_THREAD_CPUTIME_ID);
  e->start_.b = clock_s(CLOCK_BOOTTIME); /* beside the monotonic read: only a suspend parts them */
  e->start_.t = clock_s(CLOCK_MONOTONIC); /* last: closest to the work */
}

void mb_evidence_end(mb_evidence_t *e) {
  double t = clock_s(CLOCK_MONOTONIC), b = clock_s(CLOCK_BOOTTIME), c = clock_s(CLOCK_THREAD_CPUTIME_ID), w = run_wait();
  long n = nivcsw();
  e->cpu1 = sched_getcpu();
  e->stopped = conts != e->start_.conts;
  e->wall = t - e->start_.t;
  /* BOOTTIME counts a suspend, MONOTONIC does not; the reads are next to each other, but a
   * preemption between two of them is a suspend of no one: under MB_QUIET_SUSPEND_MIN. */
  e->suspended = (b - e->start_.b) - e->wall;
  if (e->suspended < MB_QUIET_SUSPEND_MIN) e->suspended = 0;
  e->cpu = c - e->start_.c;
  e->wait = w >= 0 && e->start_.w >= 0 ? w - e->start_.w : -1;
  e->nivcsw = n >= 0 && e->start_.n >= 0 ? n - e->start_.n : 0;
}

double mb_evidence_lost(const mb_evidence_t *e, int blocking) {
  if (!(e->wall > 0)) return 0;
  double off = blocking || !e->stopped ? 0 : e->wall - e->cpu, lost = e->wait > off ? e->wait : off;
  return lost > 0 ? lost / e->wall : 0;
}

static int lost_too_much(const mb_evidence_t *e, int blocking) {
  double share = mb_evidence_lost(e, blocking);
  return share > MB_QUIET_LOST_SHARE && share * e->wall > MB_QUIET_LOST_MIN;
}

/* ---- A run's workers ---- */

static pthread_mutex_t workers_mu = PTHREAD_MUTEX_INITIALIZER;

void mb_evidence_reset(mb_run_t *run) {
  pthread_mutex_lock(&workers_mu);
  memset(&run->workers, 0, sizeof run->workers);
  run->workers.worst_pu = -1;
  pthread_mutex_unlock(&workers_mu);
}

void mb_evidence_add(mb_run_t *run, const mb_evidence_t *e, int pu) {
  double lost = mb_evidence_lost(e, 0); /* a worker's share of the work never blocks by design */
  int moved = pu >= 0 && (e->cpu0 != pu || e->cpu1 != pu);
  pthread_mutex_lock(&workers_mu);
  run->workers.n++;
  if (lost_too_much(e, 0) || moved) run->workers.disturbed++;
  if (lost > run->workers.worst_lost) run->workers.worst_lost = lost, run->workers.worst_pu = e->cpu1;
  else if (moved && run->workers.worst_pu < 0) run->workers.worst_pu = e->cpu1;
  pthread_mutex_unlock(&workers_mu);
}

/* Append `sep` (when buf holds something already) and the formatted text to buf. */
static void vappend(char *buf, size_t len, const char *sep, const char *fmt, va_list ap) {
  size_t l = strlen(buf);
  if (l + strlen(sep) + 1 >= len) return;
  if (l) l += (size_t)snprintf(buf + l, len - l, "%s", sep);
  vsnprintf(buf + l, len - l, fmt, ap);
}

int mb_disturbed(mb_run_t *run, const char *fmt, ...) {
  if (!run->disturbed) run->disturbance[0] = 0;
  va_list ap;
  va_start(ap, fmt);
  vappend(run->disturbance, sizeof run->disturbance, "; ", fmt, ap); /* after the harness's own evidence */
  va_end(ap);
  run->disturbed = 1;
  return 0;
}

/* ---- The rule ---- */

/* Append ", text" (or "text" first) to buf. */
static void part(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void part(char *buf, size_t len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vappend(buf, len, ", ", fmt, ap);
  va_end(ap);
}

int mb_quiet_judge(const mb_quiet_input_t *in, char *why, size_t len) {
  const mb_evidence_t *e = &in->main;
  why[0] = 0;
  int d = 0;
  if (lost_too_much(e, in->blocking)) {
    d = 1;
    if (!in->blocking) part(why, len, "cpu/wall %.2f", e->wall > 0 ? e->cpu / e->wall : 0);
    if (e->wait >= 0) part(why, len, "run-queue wait %.0f%%", 100 * e->wait / e->wall);
    if (e->nivcsw) part(why, len, "%ld involuntary switches", e->nivcsw);
  }
  if (e->stopped) {
    d = 1;
    double off = in->blocking ? 0 : e->wall - e->cpu - (e->wait > 0 ? e->wait : 0);
    if (off > MB_QUIET_LOST_MIN) part(why, len, "stopped and continued (SIGCONT): %.3g s off the CPU", off);
    else part(why, len, "stopped and continued (SIGCONT)");
  }
  if (e->suspended > 0) {
    d = 1;
    part(why, len, "the machine was suspended for %.3g s", e->suspended);
  }
  if (in->steal >= MB_QUIET_STEAL_MIN && in->steal > MB_QUIET_LOST_SHARE * e->wall) {
    d = 1;
    part(why, len, "steal %.0f ms (%.0f%%)", 1e3 * in->steal, e->wall > 0 ? 100 * in->steal / e->wall : 100);
  }
  if (in->moved) {
    d = 1;
    part(why, len, "left its PU (cpu %d -> %d)", e->cpu0, e->cpu1);
  }
  if (in->workers.disturbed) {
    d = 1;
    part(why, len, "%d of %d workers disturbed (up to %.0f%% lost, on PU %d)", in->workers.disturbed, in->workers.n,
         100 * in->workers.worst_lost, in->workers.worst_pu);
  }
  return d;
}

/* ---- The machine's load ---- */

typedef struct ticks {
  unsigned long long total, idle;
  int seen;
} ticks_t;

/* Per-CPU ticks from /proc/stat for cpus[0..n). */
static int read_ticks(const int *pus, int n, ticks_t *t) {
  char *text = mb_read_file("/proc/stat", NULL);
  if (!text) return -1;
  memset(t, 0, (size_t)n * sizeof *t);
  for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    int cpu, k;
    unsigned long long v[8] = {0};
    if (strncmp(line, "cpu", 3) || sscanf(line + 3, "%d %llu %llu %llu %llu %llu %llu %llu %llu%n", &cpu, &v[0], &v[1], &v[2], &v[3],
                                           &v[4], &v[5], &v[6], &v[7], &k) < 9)
      continue;
    for (int i = 0; i < n; i++)
      if (pus[i] == cpu) {
        t[i].total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
        t[i].idle = v[3] + v[4]; /* idle, iowait */
        t[i].seen = 1;
      }
  }
  free(text);
  return 0;
}

int mb_pu_busy(const int *pus, int n, double seconds, double *busy) {
  ticks_t *a = calloc((size_t)n, sizeof *a), *b = calloc((size_t)n, sizeof *b);
  int rc = -1;
  if (!a || !b) goto out;
  if (read_ticks(pus, n, a)) goto out;
  struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
  while (nanosleep(&ts, &ts) && errno == EINTR) {}
  if (read_ticks(pus, n, b)) goto out;
  for (int i = 0; i < n; i++) {
    unsigned long long dt = b[i].total - a[i].total, di = b[i].idle - a[i].idle;
    busy[i] = a[i].seen && b[i].seen && dt > 0 && di <= dt ? (double)(dt - di) / (double)dt : -1;
  }
  rc = 0;
out:
  free(a);
  free(b);
  return rc;
}

int mb_loadavg(double *load1, int *running) {
  char line[256];
  int total;
  double l5, l15;
  if (mb_read_line("/proc/loadavg", line, sizeof line)) return -1;
  if (sscanf(line, "%lf %lf %lf %d/%d", load1, &l5, &l15, running, &total) != 5) {
    errno = EINVAL;
    return -1;
  }
  return 0;
}

/* ---- A lock per PU ---- */

int mb_pu_lock(int pu, int wait, int *holder) {
  const char *dir = getenv("MB_LOCK_DIR");
  char path[4096];
  *holder = 0;
  if (snprintf(path, sizeof path, "%s/membench-pu%d.lock", dir && *dir ? dir : "/tmp", pu) >= (int)sizeof path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  /* Not through a link someone left in /tmp; read-only where another user made the file
   * (flock needs no write access). */
  int writable = 1, fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EACCES) {
    writable = 0;
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  }
  if (fd < 0) return -1;
  while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB))) {
    if (errno == EINTR) continue;
    int e = errno;
    char buf[32] = "";
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n > 0) *holder = atoi(buf);
    close(fd);
    errno = e;
    return -1;
  }
  if (writable) {
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
    if (ftruncate(fd, 0) || pwrite(fd, buf, (size_t)n, 0) != n) { /* the pid is only for the message */ }
  }
  return fd;
}
