/*
 * smaps.h: what /proc says about this process's memory: how much of a mapping the kernel
 * backed with transparent huge pages (/proc/self/smaps: the families that ask for
 * MADV_HUGEPAGE must report whether they got it), and a field of /proc/self/status (the
 * probes that measure what threads and allocators make resident).
 */
#ifndef MB_SMAPS_H
#define MB_SMAPS_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* AnonHugePages of the mapping that contains p, in kB; -1 when unknown. */
static inline long mb_anon_huge_kb(const void *p) {
  FILE *f = fopen("/proc/self/smaps", "r");
  char line[512];
  int in = 0;
  long kb = -1;
  if (!f) return -1;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    /* A mapping's first line is "lo-hi perms ..."; its fields are "Name: value". */
    if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
      in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
      continue;
    }
    if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1) break;
  }
  fclose(f);
  return kb;
}

#endif
