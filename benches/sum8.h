/*
 * sum8.h: sums whose additions are not the bottleneck, shared by the traversal and layout
 * families so that every order and layout is summed the same way.
 *
 *   double s = MB_SUM8(n, i, expr);      eight scalar accumulators; expr: the i-th term
 *   double s = mb_sum_rows(a, rows, n, stride);   contiguous rows of doubles, vectorised
 *
 * MB_SUM8 is for terms the hardware cannot load as a vector (a column, a field of a struct,
 * a value behind a pointer): one scalar load each and eight independent chains of adds. Left
 * alone, GCC packs the eight accumulators into one vector register, which is one chain again,
 * and reads the terms with gathers; an empty asm that takes each accumulator in its own
 * register after every eight terms forbids that, so the generated code has scalar loads and
 * eight adds into eight registers (objdump -d shows it).
 *
 * mb_sum_rows is for contiguous doubles (a row of a matrix, a flat array, one array of a
 * struct of arrays): eight vector accumulators (64 bytes each), as hierarchy/read has, so a
 * row-order sum in L1 runs at the speed of the loads. The accumulators persist across rows,
 * so a short row costs no reduction.
 *
 * Terms are small integers in every use: the sums are exact in any order, and checked for
 * equality.
 */
#ifndef MB_SUM8_H
#define MB_SUM8_H

#include <stddef.h>
#include <string.h>

#include "membench.h"

#if defined(__x86_64__) || defined(__i386__)
#define MB_FPREG "+x"
#elif defined(__aarch64__)
#define MB_FPREG "+w"
#else
#define MB_FPREG "+m"
#endif

#define MB_SUM8(n, i, expr)                                                                   \
  ({                                                                                          \
    double s0_ = 0, s1_ = 0, s2_ = 0, s3_ = 0, s4_ = 0, s5_ = 0, s6_ = 0, s7_ = 0;             \
    const size_t n_ = (n);                                                                    \
    size_t b_ = 0;                                                                            \
    for (; b_ + 8 <= n_; b_ += 8) {                                                           \
      { const size_t i = b_; s0_ += (expr); }                                                 \
      { const size_t i = b_ + 1; s1_ += (expr); }                                             \
      { const size_t i = b_ + 2; s2_ += (expr); }                                             \
      { const size_t i = b_ + 3; s3_ += (expr); }                                             \
      { const size_t i = b_ + 4; s4_ += (expr); }                                             \
      { const size_t i = b_ + 5; s5_ += (expr); }                                             \
      { const size_t i = b_ + 6; s6_ += (expr); }                                             \
      { const size_t i = b_ + 7; s7_ += (expr); }                                             \
      __asm__("" : MB_FPREG(s0_), MB_FPREG(s1_), MB_FPREG(s2_), MB_FPREG(s3_));               \
      __asm__("" : MB_FPREG(s4_), MB_FPREG(s5_), MB_FPREG(s6_), MB_FPREG(s7_));               \
    }                                                                                         \
    for (; b_ < n_; b_++) {                                                                   \
      const size_t i = b_;                                                                    \
      s0_ += (expr);                                                                          \
      __asm__("" : MB_FPREG(s0_)); /* the tail too: no gather */                              \
    }                                                                                         \
    ((s0_ + s1_) + (s2_ + s3_)) + ((s4_ + s5_) + (s6_ + s7_));                                \
  })

typedef double mb_v8d __attribute__((vector_size(64)));

/* Eight doubles from anywhere (a row of n % 8 != 0 doubles starts unaligned). A macro, not a
 * function: returning a 64-byte vector changes the ABI where AVX-512 is off. */
#define mb_load8(p) ({ mb_v8d v_; memcpy(&v_, (p), sizeof v_); v_; })

/* The sum of `rows` rows of n doubles, row r starting at a + r * stride. */
static inline double mb_sum_rows(const double *a, size_t rows, size_t n, size_t stride) {
  mb_v8d s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0}, s4 = {0}, s5 = {0}, s6 = {0}, s7 = {0};
  double tail = 0;
  for (size_t r = 0; r < rows; r++) {
    const double *p = a + r * stride;
    size_t j = 0;
    for (; j + 64 <= n; j += 64) {
      s0 += mb_load8(p + j), s1 += mb_load8(p + j + 8), s2 += mb_load8(p + j + 16), s3 += mb_load8(p + j + 24);
      s4 += mb_load8(p + j + 32), s5 += mb_load8(p + j + 40), s6 += mb_load8(p + j + 48), s7 += mb_load8(p + j + 56);
    }
    for (; j + 8 <= n; j += 8) s0 += mb_load8(p + j);
    for (; j < n; j++) tail += p[j];
  }
  mb_v8d s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  double sum = tail;
  for (int k = 0; k < 8; k++) sum += s[k];
  return sum;
}

/* The check every sum shares: the kernel's result against the exact sum of `iters` passes. */
static inline int mb_check_sum(mb_run_t *run, uint64_t result, uint64_t want) {
  if (result != want) return mb_fail(run, "sum %llu, expected %llu", (unsigned long long)result, (unsigned long long)want);
  return 0;
}

#endif /* MB_SUM8_H */
