/*
 * vec.h: the machine's own vector of doubles, for the kernels whose speed is that of their
 * loads (stream.h's read, sum8.h's row sums).
 *
 * A GNU vector wider than the machine's registers is legal C, but GCC lowers it piecewise and
 * keeps it in memory: with 64-byte vectors on an AVX2 machine (no AVX-512), eight
 * accumulators lived on the stack and every add went through a store and a reload (objdump -d
 * showed vpinsrq and stack operands in the read loop). So the width is the widest the build
 * targets: 64 bytes with AVX-512, 32 with AVX, 16 otherwise (SSE2, Arm's NEON), and the
 * kernels keep eight of them, which the registers hold (16 or 32 of them).
 */
#ifndef MB_VEC_H
#define MB_VEC_H

#include <string.h>

#include "arch.h" /* MB_VEC_BYTES */

#define MB_VEC_N (MB_VEC_BYTES / 8) /* doubles per vector */

typedef double mb_vd __attribute__((vector_size(MB_VEC_BYTES)));

/* A vector of doubles from anywhere (a row of n % 8 != 0 doubles starts unaligned). A macro,
 * not a function: returning a vector wider than 16 bytes changes the ABI between builds. */
#define mb_loadv(p) ({ mb_vd v_; memcpy(&v_, (p), sizeof v_); v_; })

/* The sum of a vector's doubles. */
static inline double mb_vsum(mb_vd v) {
  double s = 0;
  for (int k = 0; k < MB_VEC_N; k++) s += v[k];
  return s;
}

#endif /* MB_VEC_H */
