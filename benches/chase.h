/*
 * chase.h: the pointer-chase chain of the hierarchy family. Header-only so the tests can
 * check the builder: one cycle, through every node.
 */
#ifndef MB_CHASE_H
#define MB_CHASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "membench.h"

#define MB_CHASE_LINE 64 /* the line when the machine's is not known */

/* Link `nodes` lines of `line` bytes at base (one node per cache line) into one cycle: random
 * (Sattolo's algorithm: a uniformly random cyclic permutation, so a single cycle) or
 * sequential (each line to the next).
 * Fills order[k] with the node reached after k steps from node 0 (may be NULL). Returns
 * the length of the cycle through node 0, found by walking it: `nodes` when the chain is
 * right; 0 when out of memory. */
static inline size_t mb_chase_build(char *base, size_t nodes, size_t line, int random_order, uint32_t *order, uint64_t seed) {
  uint32_t *perm = malloc(nodes * sizeof *perm);
  if (!perm) return 0;
  for (size_t i = 0; i < nodes; i++) perm[i] = (uint32_t)i;
  if (random_order) {
    mb_rng_t r = mb_rng_seed(seed);
    for (size_t i = nodes - 1; i > 0; i--) {
      size_t j = (size_t)(mb_rng_next(&r) % i); /* j < i, never i: one cycle */
      uint32_t t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
  } else {
    for (size_t i = 0; i < nodes; i++) perm[i] = (uint32_t)((i + 1) % nodes);
  }
  for (size_t i = 0; i < nodes; i++) *(void **)(base + i * line) = base + (size_t)perm[i] * line;
  free(perm);
  size_t len = 0;
  char *p = base;
  do {
    if (order && len < nodes) order[len] = (uint32_t)((size_t)(p - base) / line);
    p = *(char **)p;
    len++;
  } while (p != base && len <= nodes);
  return len;
}

#endif
