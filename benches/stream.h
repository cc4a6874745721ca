/*
 * stream.h: one pass of STREAM's operations over doubles, shared by the hierarchy family (one
 * thread) and the machine family (every thread on its own part), so that a single thread of
 * one measures exactly what the other does.
 *
 * Byte accounting is STREAM's: read 8 B per element, write 8, copy 16, triad 24 (the
 * write-allocate traffic of a store is not counted). Arrays hold a multiple of 64 doubles.
 * Read sums with eight vector accumulators (an add takes ~4 cycles and two loads issue per
 * cycle, so eight independent sums keep the loads streaming); the stores are the compiler's
 * vectorised loops unrolled 4x (as likwid-bench's kernels are), kept from becoming memset or
 * memcpy calls (glibc's, with their own non-temporal tricks): what is named is measured.
 */
#ifndef MB_STREAM_H
#define MB_STREAM_H

#include <stddef.h>

#define MB_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

typedef double mb_stream_v8d __attribute__((vector_size(64)));

static inline double mb_stream_read(const double *p, size_t n) {
  mb_stream_v8d s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0}, s4 = {0}, s5 = {0}, s6 = {0}, s7 = {0};
  const mb_stream_v8d *a = (const mb_stream_v8d *)p;
  for (size_t i = 0, m = n / 8; i < m; i += 8) {
    s0 += a[i];
    s1 += a[i + 1];
    s2 += a[i + 2];
    s3 += a[i + 3];
    s4 += a[i + 4];
    s5 += a[i + 5];
    s6 += a[i + 6];
    s7 += a[i + 7];
  }
  mb_stream_v8d s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  double sum = 0;
  for (int k = 0; k < 8; k++) sum += s[k];
  return sum;
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

#endif /* MB_STREAM_H */
