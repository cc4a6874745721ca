/*
 * testutil.h: CHECK macros and a helper to run the membench binary, for the ctest
 * programs. A failed CHECK prints file:line and the expression and counts a failure; main
 * returns TEST_EXIT(), nonzero when anything failed. TEST_SKIP (77) is ctest's skip code
 * for these tests (SKIP_RETURN_CODE).
 */
#ifndef MB_TESTUTIL_H
#define MB_TESTUTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int test_failures, test_checks;

#define CHECK(cond)                                                        \
  do {                                                                     \
    test_checks++;                                                         \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      test_failures++;                                                     \
    }                                                                      \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                          \
  do {                                                                              \
    long long a_ = (long long)(a), b_ = (long long)(b);                             \
    test_checks++;                                                                  \
    if (a_ != b_) {                                                                 \
      fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != %lld)\n", __FILE__, __LINE__, #a, #b, a_, b_); \
      test_failures++;                                                              \
    }                                                                               \
  } while (0)

#define CHECK_STR(a, b)                                                              \
  do {                                                                               \
    const char *a_ = (a), *b_ = (b);                                                 \
    test_checks++;                                                                   \
    if (!a_ || !b_ || strcmp(a_, b_)) {                                              \
      fprintf(stderr, "%s:%d: CHECK failed: %s == %s ('%s' != '%s')\n", __FILE__, __LINE__, #a, #b, \
              a_ ? a_ : "(null)", b_ ? b_ : "(null)");                               \
      test_failures++;                                                               \
    }                                                                                \
  } while (0)

#define TEST_SKIP 77
#define TEST_EXIT()                                                                         \
  (fprintf(stderr, "%d checks, %d failed\n", test_checks, test_failures), test_failures ? 1 : 0)

/* The outcome of running a program. */
typedef struct test_proc {
  int exited, status, signaled, signal; /* from waitpid */
  char out[1 << 18], err[1 << 16];      /* captured stdout (what --mb_views prints: 74 KB) and stderr (truncated) */
} test_proc_t;

static inline void read_all(int fd, char *buf, size_t cap) {
  size_t n = 0;
  ssize_t r;
  while ((r = read(fd, buf + n, cap - 1 - n)) > 0) {
    n += (size_t)r;
    if (n == cap - 1) {
      char sink[4096];
      while (read(fd, sink, sizeof sink) > 0) {
      }
      break;
    }
  }
  buf[n] = 0;
}

/* Under qemu-user (make test-aarch64 sets MB_TEST_EMULATOR): what it cannot emulate is not
 * checked, and the test says which check it left out and why. */
static inline int test_emulated(const char *check, const char *why) {
  const char *emu = getenv("MB_TEST_EMULATOR");
  if (!emu || !*emu) return 0;
  printf("note: under %s, not checked: %s (%s)\n", emu, check, why);
  return 1;
}

/* If nonzero, the child's RLIMIT_STACK soft limit (bytes) for the next test_run. */
static size_t test_child_stack_limit;

/* Run argv (NULL-terminated); if kill_after_ms > 0, send kill_sig after that long. The
 * captured output is drained through temporary files so a chatty child never blocks. */
static inline int test_run(test_proc_t *p, char *const argv[], int kill_after_ms, int kill_sig) {
  memset(p, 0, sizeof *p);
  char of[] = "/tmp/mbtest-outXXXXXX", ef[] = "/tmp/mbtest-errXXXXXX";
  int ofd = mkstemp(of), efd = mkstemp(ef);
  if (ofd < 0 || efd < 0) return -1;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    dup2(ofd, 1);
    dup2(efd, 2);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (test_child_stack_limit) {
      struct rlimit rl;
      getrlimit(RLIMIT_STACK, &rl);
      rl.rlim_cur = test_child_stack_limit;
      setrlimit(RLIMIT_STACK, &rl);
    }
    execv(argv[0], argv);
    _exit(127);
  }
  if (kill_after_ms > 0) {
    struct timespec ts = {kill_after_ms / 1000, (long)(kill_after_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    kill(pid, kill_sig);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  p->exited = WIFEXITED(st);
  p->status = p->exited ? WEXITSTATUS(st) : -1;
  p->signaled = WIFSIGNALED(st);
  p->signal = p->signaled ? WTERMSIG(st) : 0;
  lseek(ofd, 0, SEEK_SET);
  lseek(efd, 0, SEEK_SET);
  read_all(ofd, p->out, sizeof p->out);
  read_all(efd, p->err, sizeof p->err);
  close(ofd);
  close(efd);
  unlink(of);
  unlink(ef);
  return 0;
}

/* Number of entries in a directory (not . and ..), -1 if it cannot be read. */
#include <dirent.h>
static inline int test_count_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

/* A fresh temporary directory under TMPDIR (else /tmp; callers' buffers hold 64 bytes, so
 * a TMPDIR over 40 characters is passed over for /tmp). */
static inline char *test_tmpdir(char *buf) {
  const char *t = getenv("TMPDIR");
  if (!t || *t != '/' || strlen(t) > 40) t = "/tmp";
  snprintf(buf, 64, "%s/mbtest-dirXXXXXX", t);
  return mkdtemp(buf);
}

/* Remove a test's temporary directory and everything in it. */
static inline void test_rmtree(const char *dir) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) fprintf(stderr, "cleanup of %s failed\n", dir);
}

/* Read a whole small file into a malloc'd string (NULL on error). */
static inline char *test_slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
    free(s);
    s = NULL;
  }
  if (s) s[n] = 0;
  fclose(f);
  return s;
}

/* Count lines in a string. */
static inline int test_lines(const char *s) {
  int n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

#endif
