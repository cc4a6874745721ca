/*
 * spawn.c: fresh membench processes (a .process child, a probe) and the probes themselves:
 * registered by name, dispatched from main, answering through a pipe on a descriptor of
 * their own with fixed-size binary records (no text to parse, nothing allocated).
 */
#define _GNU_SOURCE
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <pthread.h>
#include <unistd.h>

#include "membench.h"

#define PROBE_FLAG "--mb_probe="
#define REPLY_FD 3 /* the probe's end of the pipe, in the probe process */
#define REPLY_MAGIC 0x6d627270u /* "mbrp" */

typedef struct reply {
  uint32_t magic;
  int32_t n;
  int64_t v[MB_PROBE_MAX];
} reply_t;

pid_t mb_spawn_self(char *const argv[], char *const envp[], int fd_from, int fd_to) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid != 0) return pid; /* the parent, or -1 with errno */
  prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive an interrupted parent */
  /* dup2 onto itself would keep close-on-exec: cleared by hand then. */
  if (fd_from >= 0 && (fd_from == fd_to ? fcntl(fd_to, F_SETFD, 0) : dup2(fd_from, fd_to)) < 0) _exit(127);
  execve("/proc/self/exe", argv, envp ? envp : environ);
  fprintf(stderr, "membench: cannot start a child process: %s\n", strerror(errno));
  _exit(127);
}

int mb_spawn_wait(pid_t pid) {
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  return st;
}

static double mono_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* waitpid(pid) until `until` (CLOCK_MONOTONIC seconds): 1 with *st when it ended, 0 when
 * the time came first, -1 on error. Sleeps in sigtimedwait for SIGCHLD: no polling while
 * the child measures on our PU. */
static int wait_until(pid_t pid, double until, int *st) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  for (;;) {
    pid_t r = waitpid(pid, st, WNOHANG);
    if (r == pid) return 1;
    if (r < 0 && errno != EINTR) return -1;
    double left = until - mono_s();
    if (left <= 0) return 0;
    if (left > 1) left = 1; /* a SIGCHLD taken by someone else costs at most a second */
    struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
    sigtimedwait(&chld, NULL, &ts);
  }
}

int mb_spawn_wait_for(pid_t pid, double seconds, int *timed_out) {
  *timed_out = 0;
  if (seconds <= 0) return mb_spawn_wait(pid);
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  pthread_sigmask(SIG_BLOCK, &chld, &old);
  int st = -1, r = wait_until(pid, mono_s() + seconds, &st);
  if (r == 0) { /* past its deadline: SIGTERM (its handler keeps its checkpoint), then SIGKILL */
    *timed_out = 1;
    kill(pid, SIGTERM);
    if (wait_until(pid, mono_s() + 2, &st) == 0) {
      kill(pid, SIGKILL);
      st = mb_spawn_wait(pid);
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return r < 0 ? -1 : st;
}

/* ---- Probes ---- */

static const mb_probe_def_t *probes[32];
static int nprobes;

void mb_register_probe(const mb_probe_def_t *probe) {
  if (nprobes < (int)(sizeof probes / sizeof *probes)) probes[nprobes++] = probe;
}

static const mb_probe_def_t *probe_find(const char *name) {
  for (int i = 0; i < nprobes; i++)
    if (!strcmp(probes[i]->name, name)) return probes[i];
  return NULL;
}

void mb_probe_reply(const int64_t *values, int n) {
  reply_t r;
  memset(&r, 0, sizeof r);
  r.magic = REPLY_MAGIC;
  r.n = n < 0 ? 0 : n > MB_PROBE_MAX ? MB_PROBE_MAX : n;
  for (int i = 0; i < r.n; i++) r.v[i] = values[i];
  /* One write of less than PIPE_BUF bytes: atomic, never half a record. */
  ssize_t w;
  do w = write(REPLY_FD, &r, sizeof r);
  while (w < 0 && errno == EINTR);
}

void mb_probe_dispatch(int argc, char **argv) {
  if (argc < 2 || strncmp(argv[1], PROBE_FLAG, strlen(PROBE_FLAG))) return;
  const char *name = argv[1] + strlen(PROBE_FLAG);
  const mb_probe_def_t *p = probe_find(name);
  if (!p) {
    fprintf(stderr, "membench: --mb_probe=%s: no such probe\n", name);
    _exit(2);
  }
  int64_t spec[MB_PROBE_MAX];
  int n = 0;
  for (int i = 2; i < argc; i++) {
    char *end;
    errno = 0;
    long long v = strtoll(argv[i], &end, 10);
    if (n == MB_PROBE_MAX || !*argv[i] || *end || errno) {
      fprintf(stderr, "membench: --mb_probe=%s: '%s' is not a value of its spec (at most %d integers)\n", name, argv[i], MB_PROBE_MAX);
      _exit(2);
    }
    spec[n++] = v;
  }
  int rc = p->fn(spec, n);
  fflush(stdout);
  fflush(stderr);
  _exit(rc);
}

int mb_probe(const char *name, const int64_t *spec, int nspec, mb_probe_result_t *r) {
  memset(r, 0, sizeof *r);
  if (nspec < 0 || nspec > MB_PROBE_MAX || strlen(name) > 64) {
    errno = EINVAL;
    return -1;
  }
  char flag[96], vals[MB_PROBE_MAX][24];
  char *argv[MB_PROBE_MAX + 3];
  snprintf(flag, sizeof flag, PROBE_FLAG "%s", name);
  argv[0] = "membench";
  argv[1] = flag;
  for (int i = 0; i < nspec; i++) {
    snprintf(vals[i], sizeof vals[i], "%lld", (long long)spec[i]);
    argv[2 + i] = vals[i];
  }
  argv[2 + nspec] = NULL;
  int fd[2];
  if (pipe2(fd, O_CLOEXEC)) return -1;
  pid_t pid = mb_spawn_self(argv, NULL, fd[1], REPLY_FD);
  int e = errno;
  close(fd[1]);
  if (pid < 0) {
    close(fd[0]);
    errno = e;
    return -1;
  }
  /* Every record until the probe ends; the last whole one is the answer. */
  reply_t rec;
  size_t got = 0;
  ssize_t k;
  while ((k = read(fd[0], (char *)&rec + got, sizeof rec - got)) != 0) {
    if (k < 0) {
      if (errno == EINTR) continue;
      break;
    }
    got += (size_t)k;
    if (got == sizeof rec) {
      if (rec.magic == REPLY_MAGIC && rec.n >= 0 && rec.n <= MB_PROBE_MAX) {
        r->n = rec.n;
        memcpy(r->v, rec.v, sizeof r->v);
      }
      got = 0;
    }
  }
  close(fd[0]);
  int st = mb_spawn_wait(pid);
  r->exited = st != -1 && WIFEXITED(st);
  r->status = r->exited ? WEXITSTATUS(st) : -1;
  r->sig = st != -1 && WIFSIGNALED(st) ? WTERMSIG(st) : 0;
  return 0;
}

const char *mb_probe_ending(const mb_probe_result_t *r, char *buf, size_t len) {
  if (r->exited) snprintf(buf, len, "exit status %d", r->status);
  else if (r->sig) snprintf(buf, len, "signal %d (%s)", r->sig, strsignal(r->sig));
  else snprintf(buf, len, "an unknown end");
  return buf;
}
