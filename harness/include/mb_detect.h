/*
 * mb_detect.h: cache levels found from a latency-vs-working-set curve (a random pointer
 * chase), not read from hwloc. The one detector of membench: hierarchy/boundaries runs it on
 * the curve it has just measured, tools/mbdetect on a curve from a file (another machine,
 * another tool), the tests on synthetic curves with known answers.
 *
 * What it assumes of a chase curve, and nothing more:
 *  - a cache shows as a plateau: a run of working sets over which latency stays nearly flat
 *    (it may creep up: TLB misses, a VM's two-level page walks);
 *  - between two levels latency rises steeply (sharply, or as a ramp over a few points when
 *    the replacement policy or the TLB blurs the edge);
 *  - adjacent levels differ by at least 1.5x (L1 -> L2 -> L3 -> DRAM are 2-10x apart on
 *    every machine we know); a smaller step is a TLB level or noise, not a cache;
 *  - DRAM is at least 20x slower than the first level the curve starts on (4-5 cycles for an
 *    L1 hit, over 130 cycles for DRAM on any machine), and the memory plateau spans at least
 *    a doubling of the working set. A last plateau that fails either is not called memory:
 *    the sweep may have ended inside the last cache ("memory unknown").
 * No absolute latency threshold: a 45 ns DRAM is memory and a 70 ns L3 is a cache when the
 * curve says so.
 *
 * A step of the TLB (a working set beyond what the TLB maps on 4 KiB pages: 256 KiB for 64
 * L1 DTLB entries) looks like a cache's, 1.2-2x, inside L2: one curve cannot tell them
 * apart. Given the same chase on huge pages (mb_detect_levels_tlb), a step of the 4 KiB curve
 * that the huge-page curve does not show is a TLB step: its two plateaus are one cache, and
 * the step is reported as a TLB level (what Intel MLC avoids by measuring on huge pages).
 *
 * Steps:
 *  1. Noise: the median of the points' relative spreads (half the range of the repeated
 *     measurements of each point, over their median) when given, else estimated from the
 *     curve's own roughness; the tolerance is max(10%, 3 x noise).
 *  2. Isolated spikes and dips (a point beyond both neighbours, in the same direction, by
 *     more than the tolerance) are mended to the geometric mean of their neighbours: one
 *     disturbed point can create no level and renumber none.
 *  3. A segment between consecutive points rises when latency grows by more than the
 *     tolerance and faster than sqrt(working set) (slope > 0.5 in log-log): a slow creep
 *     stays inside a plateau, a step or a ramp does not.
 *  4. Plateaus: runs of at least two points joined by segments that do not rise. Adjacent
 *     plateaus less than 1.5x apart (or descending) are merged, closest pair first; a
 *     plateau then still spanning less than 1.5x of working set (close points that agree
 *     inside a ramp) is part of the ramp, not a level.
 *  5. Each plateau but the last is a cache; its latency is the median of its points and its
 *     size the working set just before the next plateau begins: the last point of the
 *     plateau for a sharp edge, the last point of the ramp for a gradual one (within one
 *     sweep step of where the curve settles). The last plateau is memory if it passes the
 *     test above.
 */
#ifndef MB_DETECT_H
#define MB_DETECT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MB_DETECT_MAX 8      /* cache levels reported at most */
#define MB_DETECT_POINTS 512 /* curve points read at most */

typedef struct mb_level {
  uint64_t bytes; /* the cache's size: the largest working set it still serves */
  double ns;      /* median latency of its plateau */
} mb_level_t;

typedef struct mb_detect {
  int ncaches;                      /* cache levels found */
  mb_level_t cache[MB_DETECT_MAX];  /* L1, L2, ... */
  int memory_known;                 /* 1: the last plateau is memory; 0: "memory unknown" */
  double memory_ns;                 /* its median latency (when known) */
  double noise;                     /* relative noise the decision used */
  int despiked;                     /* points mended as isolated spikes or dips */
  int ntlb;                         /* TLB steps found (with a huge-page curve only) */
  mb_level_t tlb[MB_DETECT_MAX];    /* each: the last working set before the step, the
                                       latency after it */
} mb_detect_t;

/* ws[] strictly ascending working sets in bytes, ns[] the latency at each (> 0), spread[]
 * each point's relative spread (NULL when unknown). 0 on success, -1 with errno EINVAL when
 * n is out of 1..MB_DETECT_POINTS, the working sets do not ascend or a latency is not a
 * positive finite number. */
int mb_detect_levels(const uint64_t *ws, const double *ns, const double *spread, int n, mb_detect_t *out);

/* The same, with the chase's curve on huge pages beside it (hws[] ascending, hns[] > 0, hn
 * points; hn 0: none, as mb_detect_levels). A rise between two plateaus of the first curve is
 * a TLB step when the huge-page curve covers its span and rises over it by less than the
 * tolerance and less than a third of the first curve's rise: the plateaus merge, the step goes
 * to tlb[]. Every other rise is a cache's, as without the second curve. */
int mb_detect_levels_tlb(const uint64_t *ws, const double *ns, const double *spread, int n, const uint64_t *hws, const double *hns, int hn,
                         mb_detect_t *out);

/* Read a curve as lines "bytes ns" ('#' starts a comment, blank lines allowed; a third
 * column, when present, is the point's relative spread). Points are sorted by working set.
 * Returns the number of points, or -1 with a message in err (the line number and what is
 * wrong with it). */
int mb_detect_parse(const char *text, uint64_t *ws, double *ns, double *spread, int max, char *err, int errlen);
/* The same, where a line may end in the word "disturbed" (measured while something else had
 * the CPU): such a point is not returned but its working set goes to left_out[*nleft] (at
 * most max), so that no level is named from it and the caller can say which were left out.
 * mb_detect_parse refuses such a line. */
int mb_detect_parse_marked(const char *text, uint64_t *ws, double *ns, double *spread, int max, uint64_t *left_out, int *nleft, char *err,
                           int errlen);

#ifdef __cplusplus
}
#endif
#endif /* MB_DETECT_H */
