/*
 * probe.h: measurements that need a fresh process. The benchmark re-executes membench with
 * an environment variable set; a constructor in the family sees it, does the work before
 * main (no harness, no hwloc, nothing allocated yet), prints one line and exits. Used by the
 * stack family (what threads reserve) and the allocator family (peak RSS per allocator).
 */
#ifndef MB_PROBE_H
#define MB_PROBE_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A field of /proc/self/status in kB ("VmRSS", "VmHWM", "VmSize"), -1 when unknown. Reads
 * with read(2) into the stack: nothing allocated, so an allocator being measured is not. */
static inline long mb_status_kb(const char *field) {
  char buf[4096];
  int fd = open("/proc/self/status", O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  size_t fl = strlen(field);
  for (char *p = buf; (p = strstr(p, field)); p += fl)
    if ((p == buf || p[-1] == '\n') && p[fl] == ':') return strtol(p + fl + 1, NULL, 10);
  return -1;
}

/* Run membench again with env=spec (and the rest of our environment, LD_PRELOAD included),
 * its stdout into out (NUL-terminated). 0 when it exited 0, else -1. */
static inline int mb_probe_fresh(const char *env, const char *spec, char *out, size_t outlen) {
  int fd[2];
  out[0] = 0;
  if (pipe(fd)) return -1;
  pid_t pid = fork();
  if (pid < 0) {
    close(fd[0]);
    close(fd[1]);
    return -1;
  }
  if (pid == 0) {
    setenv(env, spec, 1);
    dup2(fd[1], 1);
    close(fd[0]);
    execl("/proc/self/exe", "membench", (char *)NULL);
    _exit(127);
  }
  close(fd[1]);
  size_t got = 0;
  ssize_t r;
  while (got + 1 < outlen && (r = read(fd[0], out + got, outlen - 1 - got)) > 0) got += (size_t)r;
  out[got] = 0;
  close(fd[0]);
  int st;
  if (waitpid(pid, &st, 0) < 0) return -1;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

#endif /* MB_PROBE_H */
