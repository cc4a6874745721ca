/*
 * chase.h: the pointer-chase chain of the hierarchy and machine families. Header-only so the
 * tests can check the builder (one cycle, through every node) and the randomness test.
 */
#ifndef MB_CHASE_H
#define MB_CHASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "membench.h"

#define MB_CHASE_LINE 64 /* the line when the machine's is not known */

/* Link `nodes` lines of `line` bytes at base (one node per cache line) into one cycle: random
 * or sequential (each line to the next).
 * Fills order[k] with the node reached after k steps from node 0 (may be NULL). Returns
 * `nodes` when the chain is right (one cycle through every node, checked in memory), else
 * fewer; 0 when out of memory.
 * Random: node 0, then every other node in a uniformly random order (a Fisher-Yates shuffle of
 * nodes 1..n-1), each linked to the next: a uniformly random cycle, as Sattolo's algorithm
 * gives, whose visit order is known without walking it. The walk was the cost of a large chain
 * (at 400 ns a miss, 13 s for a 2 GiB one); here the shuffle's, the links' and the check's
 * accesses are independent of each other, so their misses overlap. The check reads every
 * node's link back against the order (a permutation by construction): one cycle. */
static inline size_t mb_chase_build(char *base, size_t nodes, size_t line, int random_order, uint32_t *order, uint64_t seed) {
  if (!nodes) return 0;
  uint32_t *ord = order ? order : malloc(nodes * sizeof *ord);
  if (!ord) return 0;
  size_t len = 0;
  if (random_order && !MB_SABOTAGED(MB_SAB_ORDER)) {
    for (size_t i = 0; i < nodes; i++) ord[i] = (uint32_t)i;
    mb_rng_t r = mb_rng_seed(seed);
    for (size_t i = nodes - 1; i > 1; i--) {
      size_t j = 1 + (size_t)(mb_rng_next(&r) % i); /* 1 <= j <= i: node 0 stays first */
      uint32_t t = ord[i];
      ord[i] = ord[j];
      ord[j] = t;
    }
    for (size_t k = 0; k < nodes; k++) *(void **)(base + (size_t)ord[k] * line) = base + (size_t)ord[k + 1 < nodes ? k + 1 : 0] * line;
    for (size_t k = 0; k < nodes; k++) len += *(char **)(base + (size_t)ord[k] * line) == base + (size_t)ord[k + 1 < nodes ? k + 1 : 0] * line;
  } else {
    /* Each line to the next; sabotaged (order), a random chain steps seven lines at a time, a
     * stride a prefetcher follows. Walked to find the order: a predictable walk is fast. */
    const size_t step = random_order ? 7 : 1;
    for (size_t i = 0; i < nodes; i++) *(void **)(base + i * line) = base + (i + step) % nodes * line;
    char *p = base;
    do {
      if (len < nodes) ord[len] = (uint32_t)((size_t)(p - base) / line);
      p = *(char **)p;
      len++;
    } while (p != base && len <= nodes);
  }
  if (!order) free(ord);
  return len;
}

/* Whether a visit order (order[k]: the node after k steps) is one no prefetcher can follow:
 * 0, or -1 with the reason in why. Two tests on the steps d_k = order[k+1] - order[k] (mod
 * nodes), each with a bound a uniformly random cycle exceeds with negligible probability:
 *   - a step equal to the one before (what a stride prefetcher learns): expected about once
 *     in a random cycle, allowed 8 + nodes/256 times;
 *   - a step of at most 8 lines either way (next-line and stream prefetchers, the same page):
 *     expected about 16 times, allowed 40 + nodes/64.
 * A sequential chain, a constant stride, or a chain that is random for only part of its
 * length fails. Orders of fewer than 64 nodes are not judged (too few steps to tell). */
static inline int mb_chase_unpredictable(const uint32_t *order, size_t nodes, char *why, size_t len) {
  if (nodes < 64) return 0;
  size_t repeats = 0, near = 0;
  uint64_t last = UINT64_MAX;
  for (size_t k = 0; k < nodes; k++) {
    const uint64_t d = ((uint64_t)order[(k + 1) % nodes] + nodes - order[k]) % nodes;
    repeats += d == last;
    near += d <= 8 || d >= nodes - 8;
    last = d;
  }
  if (repeats > 8 + nodes / 256) {
    snprintf(why, len, "%zu of %zu steps repeat the step before (a stride)", repeats, nodes);
    return -1;
  }
  if (near > 40 + nodes / 64) {
    snprintf(why, len, "%zu of %zu steps go at most 8 lines (a prefetcher follows them)", near, nodes);
    return -1;
  }
  return 0;
}

#endif
