/*
 * smaps.h: how much of a mapping the kernel backed with transparent huge pages, from
 * /proc/self/smaps. Shared by the families that ask for MADV_HUGEPAGE and must report
 * whether they got it.
 */
#ifndef MB_SMAPS_H
#define MB_SMAPS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

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
