/*
 * stream.h: one pass of STREAM's operations over doubles, shared by the hierarchy family (one
 * thread) and the machine family (every thread on its own part), so that a single thread of
 * one measures exactly what the other does.
 *
 * Byte accounting is STREAM's: read 8 B per element, write 8, copy 16, triad 24 (the
 * write-allocate traffic of a store is not counted). Arrays hold a multiple of 64 doubles.
 * Read sums with eight vector accumulators of the machine's width (vec.h; an add takes ~3-4
 * cycles and two loads issue per cycle, so eight independent sums keep the loads streaming); the stores are the compiler's
 * vectorised loops unrolled 4x (as likwid-bench's kernels are), kept from becoming memset or
 * memcpy calls (glibc's, with their own non-temporal tricks): what is named is measured.
 */
#ifndef MB_STREAM_H
#define MB_STREAM_H

#include <stddef.h>

#include "arch.h"
#include "membench.h"
#include "vec.h"

#define MB_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

/* Eight vector accumulators of the machine's width (vec.h), a multiple of 64 doubles. */
static inline double mb_stream_read_(const double *p, size_t n) {
  mb_vd s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0}, s4 = {0}, s5 = {0}, s6 = {0}, s7 = {0};
  const mb_vd *a = (const mb_vd *)p;
  for (size_t i = 0, m = n / MB_VEC_N; i < m; i += 8) {
    s0 += a[i];
    s1 += a[i + 1];
    s2 += a[i + 2];
    s3 += a[i + 3];
    s4 += a[i + 4];
    s5 += a[i + 5];
    s6 += a[i + 6];
    s7 += a[i + 7];
  }
  return mb_vsum(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
}

/* The sum of n doubles (n a multiple of 64). Sabotaged (part): the first eighth eight times. */
static inline double mb_stream_read(const double *p, size_t n) {
  if (MB_SABOTAGED(MB_SAB_PART)) {
    double s = 0;
    for (int r = 0; r < 8; r++) s += mb_stream_read_(p, n / 8 & ~(size_t)63);
    return s;
  }
  return mb_stream_read_(p, n);
}

MB_NO_LIBCALL static inline void mb_stream_write(double *a, size_t n, double v) {
  _Pragma("GCC unroll 4")
  for (size_t i = 0; i < n; i++) a[i] = v;
}

MB_NO_LIBCALL static inline void mb_stream_copy(double *b, const double *a, size_t n) {
  _Pragma("GCC unroll 4")
  for (size_t i = 0; i < n; i++) b[i] = a[i];
}

MB_NO_LIBCALL static inline void mb_stream_triad(double *a, const double *b, const double *c, double s, size_t n) {
  _Pragma("GCC unroll 4")
  for (size_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
}

/* Non-temporal stores (arch.h: MOVNTPD on x86, STNP on AArch64): whole lines written without
 * reading them first (no write-allocate). Arrays aligned to the vector, n a multiple of 64.
 * MB_STREAM_NT is 0 where the build has none (MB_STREAM_NT_NONE says why). */
#if MB_STREAM_NT
static inline void mb_stream_write_nt(double *a, size_t n, double x) {
  const mb_nt_vec v = MB_NT_SET1(x);
  for (size_t i = 0; i < n; i += MB_NT_WIDTH) MB_NT_STORE(a + i, v);
  MB_NT_FENCE();
}
static inline void mb_stream_copy_nt(double *b, const double *a, size_t n) {
  for (size_t i = 0; i < n; i += MB_NT_WIDTH) MB_NT_STORE(b + i, MB_NT_LOAD(a + i));
  MB_NT_FENCE();
}
#endif

#endif /* MB_STREAM_H */
