/*
 * xorshift.h: Marsaglia's xorshift64, the families' source of reproducible "random" orders
 * (shuffles, sizes, slots): the same sequence on every run and every machine.
 */
#ifndef MB_XORSHIFT_H
#define MB_XORSHIFT_H

#include <stdint.h>

/* The next value of the sequence in *state (which must not be 0). */
static inline uint64_t mb_xorshift(uint64_t *state) {
  uint64_t x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *state = x;
}

#endif /* MB_XORSHIFT_H */
