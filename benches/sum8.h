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
 * struct of arrays): eight vector accumulators of the machine's width (vec.h), as
 * hierarchy/read has, so a
 * row-order sum in L1 runs at the speed of the loads. The accumulators persist across rows,
 * so a short row costs no reduction.
 *
 * Terms are small integers in every use: the sums are exact in any order, and checked for
 * equality. Data are position-dependent (mb_val), so a sum over the wrong elements fails.
 */
#ifndef MB_SUM8_H
#define MB_SUM8_H

#include <stddef.h>
#include <string.h>

#include "arch.h" /* MB_FPREG */
#include "membench.h"
#include "vec.h"

#define MB_SUM8(n, i, expr)                                                                   \
  ({                                                                                          \
    double s0_ = 0, s1_ = 0, s2_ = 0, s3_ = 0, s4_ = 0, s5_ = 0, s6_ = 0, s7_ = 0;             \
    const size_t n_ = (n);                                                                    \
    size_t b_ = 0;                                                                            \
    for (; b_ + 8 <= n_; b_ += 8) {                                                           \
      { const size_t i = MB_AT(b_, n_); s0_ += (expr); }                                      \
      { const size_t i = MB_AT(b_ + 1, n_); s1_ += (expr); }                                  \
      { const size_t i = MB_AT(b_ + 2, n_); s2_ += (expr); }                                  \
      { const size_t i = MB_AT(b_ + 3, n_); s3_ += (expr); }                                  \
      { const size_t i = MB_AT(b_ + 4, n_); s4_ += (expr); }                                  \
      { const size_t i = MB_AT(b_ + 5, n_); s5_ += (expr); }                                  \
      { const size_t i = MB_AT(b_ + 6, n_); s6_ += (expr); }                                  \
      { const size_t i = MB_AT(b_ + 7, n_); s7_ += (expr); }                                  \
      __asm__("" : MB_FPREG(s0_), MB_FPREG(s1_), MB_FPREG(s2_), MB_FPREG(s3_));               \
      __asm__("" : MB_FPREG(s4_), MB_FPREG(s5_), MB_FPREG(s6_), MB_FPREG(s7_));               \
    }                                                                                         \
    for (; b_ < n_; b_++) {                                                                   \
      const size_t i = MB_AT(b_, n_);                                                         \
      s0_ += (expr);                                                                          \
      __asm__("" : MB_FPREG(s0_)); /* the tail too: no gather */                              \
    }                                                                                         \
    ((s0_ + s1_) + (s2_ + s3_)) + ((s4_ + s5_) + (s6_ + s7_));                                \
  })

/* The sum of `rows` rows of n doubles, row r starting at a + r * stride. */
static inline double mb_sum_rows_(const double *a, size_t rows, size_t n, size_t stride) {
  mb_vd s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0}, s4 = {0}, s5 = {0}, s6 = {0}, s7 = {0};
  double tail = 0;
  enum { W = MB_VEC_N };
  for (size_t r = 0; r < rows; r++) {
    const double *p = a + r * stride;
    size_t j = 0;
    for (; j + 8 * W <= n; j += 8 * W) {
      s0 += mb_loadv(p + j), s1 += mb_loadv(p + j + W), s2 += mb_loadv(p + j + 2 * W), s3 += mb_loadv(p + j + 3 * W);
      s4 += mb_loadv(p + j + 4 * W), s5 += mb_loadv(p + j + 5 * W), s6 += mb_loadv(p + j + 6 * W), s7 += mb_loadv(p + j + 7 * W);
    }
    for (; j + W <= n; j += W) s0 += mb_loadv(p + j);
    for (; j < n; j++) tail += p[j];
  }
  return tail + mb_vsum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
}

/* Sabotaged (part): the first eighth of the rows (of one row's elements) eight times. */
static inline double mb_sum_rows(const double *a, size_t rows, size_t n, size_t stride) {
  if (MB_SABOTAGED(MB_SAB_PART)) {
    double s = 0;
    for (int r = 0; r < 8; r++) s += rows > 1 ? mb_sum_rows_(a, rows / 8, n, stride) : mb_sum_rows_(a, rows, n / 8, stride);
    return s;
  }
  return mb_sum_rows_(a, rows, n, stride);
}

/* The check every sum shares: the kernel's result against the exact sum of `iters` passes. */
static inline int mb_check_sum(mb_run_t *run, uint64_t result, uint64_t want) {
  if (result != want) return mb_fail(run, "sum %llu, expected %llu", (unsigned long long)result, (unsigned long long)want);
  return 0;
}

#endif /* MB_SUM8_H */
