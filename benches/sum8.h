/*
 * sum8.h: a sum with eight independent accumulators, so that a loop of floating-point adds
 * is bound by the memory it reads, not by the latency of one chain of adds (C's strict
 * order of additions keeps the compiler from doing this itself). Shared by the traversal
 * and layout families, so that every order and layout is summed the same way.
 *
 *   double s = MB_SUM8(n, i, expr);   expr: the i-th term, with i a size_t from 0 to n-1
 */
#ifndef MB_SUM8_H
#define MB_SUM8_H

#include <stddef.h>

#define MB_SUM8(n, i, expr)                                                            \
  ({                                                                                   \
    double s_[8] = {0};                                                                \
    const size_t n_ = (n);                                                             \
    size_t b_ = 0;                                                                     \
    for (; b_ + 8 <= n_; b_ += 8) {                                                    \
      double t0_, t1_, t2_, t3_, t4_, t5_, t6_, t7_;                                   \
      { const size_t i = b_; t0_ = (expr); }                                           \
      { const size_t i = b_ + 1; t1_ = (expr); }                                       \
      { const size_t i = b_ + 2; t2_ = (expr); }                                       \
      { const size_t i = b_ + 3; t3_ = (expr); }                                       \
      { const size_t i = b_ + 4; t4_ = (expr); }                                       \
      { const size_t i = b_ + 5; t5_ = (expr); }                                       \
      { const size_t i = b_ + 6; t6_ = (expr); }                                       \
      { const size_t i = b_ + 7; t7_ = (expr); }                                       \
      s_[0] += t0_, s_[1] += t1_, s_[2] += t2_, s_[3] += t3_;                          \
      s_[4] += t4_, s_[5] += t5_, s_[6] += t6_, s_[7] += t7_;                          \
    }                                                                                  \
    for (; b_ < n_; b_++) {                                                            \
      const size_t i = b_;                                                             \
      s_[0] += (expr);                                                                 \
    }                                                                                  \
    ((s_[0] + s_[1]) + (s_[2] + s_[3])) + ((s_[4] + s_[5]) + (s_[6] + s_[7]));         \
  })

#endif /* MB_SUM8_H */
