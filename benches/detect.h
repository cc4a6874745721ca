/*
 * detect.h: cache levels found from a latency-vs-working-set curve, not read from hwloc.
 * Header-only so the tests can run it on synthetic curves.
 *
 * The curve is walked from the smallest working set. A plateau's level is the median of
 * its points; the plateau ends at the last point within `rise` (e.g. 1.25 = 25%) of that
 * level. The transition after it lasts while each point is more than `settle` (e.g. 1.10)
 * above the previous one; the next plateau starts where the curve flattens. The level's
 * size is placed at the steepest segment of the transition (largest d log latency / d log
 * working set), where misses grow fastest: at its left end when that point is still on the
 * plateau (within 10%: a sharp edge, as L1's), else at its right end (a cache whose hit rate
 * already falls before it is full, as a random chase sees in L2). The last plateau is
 * memory: it has no size.
 *
 * Past the last cache, DRAM latency keeps climbing with the working set (TLB misses, and
 * two-level page walks in a VM), which would read as more "levels". No cache takes
 * `memory_ns` (60 ns) or more, so every point from the first one at or above it is memory:
 * one level, whose latency is the median of those points.
 */
#ifndef MB_DETECT_H
#define MB_DETECT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MB_DETECT_MAX 8

typedef struct mb_level {
  uint64_t bytes; /* largest working set on the plateau; 0 for the last (memory) */
  double ns;      /* median latency of the plateau */
} mb_level_t;

static int mb_detect_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double mb_detect_median(const double *v, int n) {
  double tmp[256];
  if (n > 256) n = 256;
  memcpy(tmp, v, (size_t)n * sizeof *tmp);
  qsort(tmp, (size_t)n, sizeof *tmp, mb_detect_cmp);
  return n % 2 ? tmp[n / 2] : 0.5 * (tmp[n / 2 - 1] + tmp[n / 2]);
}

#define MB_DETECT_MEMORY_NS 60.0

/* ws[] ascending, ns[] the latency at each. Writes up to MB_DETECT_MAX levels; returns the
 * count (0 when n < 2). A flat curve is one level: memory, with no boundary. */
static int mb_detect_levels(const uint64_t *ws, const double *ns, int n, double rise, double settle, mb_level_t *out) {
  int nl = 0, start = 0;
  if (n < 2) return 0;
  /* Keep the first memory point (it ends the last cache's transition); the rest only
   * set memory's latency. */
  int mem = 0;
  while (mem < n && ns[mem] < MB_DETECT_MEMORY_NS) mem++;
  int full = n;
  if (mem < n) n = mem + 1;
  while (start < n && nl < MB_DETECT_MAX) {
    /* Grow the plateau while points stay within `rise` of its median so far. */
    int end = start;
    double level = ns[start];
    while (end + 1 < n && ns[end + 1] <= level * rise) {
      end++;
      level = mb_detect_median(ns + start, end - start + 1);
    }
    if (end + 1 >= n) { /* ran to the end: the last level, memory */
      if (mem < full && start >= mem) level = mb_detect_median(ns + mem, full - mem);
      out[nl++] = (mb_level_t){0, level};
      break;
    }
    /* The transition: points still climbing by more than `settle` each. */
    int next = end + 1;
    while (next + 1 < n && ns[next + 1] > ns[next] * settle) next++;
    int steep = end;
    double best = -1;
    for (int k = end; k < next && k + 1 < n; k++) {
      double slope = log(ns[k + 1] / ns[k]) / log((double)ws[k + 1] / (double)ws[k]);
      if (slope > best) {
        best = slope;
        steep = k;
      }
    }
    uint64_t size = ns[steep] <= level * 1.10 ? ws[steep] : ws[steep + 1];
    out[nl++] = (mb_level_t){size, level};
    start = next;
  }
  return nl;
}

#endif
