/*
 * arch.h: what the kernels do differently on x86-64 and AArch64, in one place. The families
 * and the shared kernel headers (vec.h, stream.h, sum8.h) use these names, never an
 * architecture's own: a port adds its lines here.
 *
 *   MB_VEC_BYTES        the widest vector of doubles the build targets (vec.h says why)
 *   MB_FPREG            the asm constraint of a floating-point register (sum8.h)
 *   MB_STREAM_NT        1 where the build has non-temporal vector stores: mb_nt_vec,
 *                       MB_NT_WIDTH, MB_NT_SET1, MB_NT_LOAD, MB_NT_STORE, MB_NT_FENCE; else 0,
 *                       and MB_STREAM_NT_NONE says why
 *   mb_flush_lines      every line of a range out of every cache level (0, or -1 where the
 *                       architecture has no instruction for it), mb_flush_done after it
 *
 * Also per architecture, in membench.h because benchmarks call them: mb_cpu_relax (PAUSE,
 * YIELD) and mb_sink_double; and the timers of the harness family (RDTSCP, CNTVCT_EL0),
 * which are benchmarks of their own.
 */
#ifndef MB_ARCH_H
#define MB_ARCH_H

#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

/* ---- Vector width ---- */
#if defined(__AVX512F__)
#define MB_VEC_BYTES 64
#elif defined(__AVX__)
#define MB_VEC_BYTES 32
#else
#define MB_VEC_BYTES 16
#endif

/* ---- A floating-point register, for an asm operand that keeps a sum in one ---- */
#if defined(__x86_64__) || defined(__i386__)
#define MB_FPREG "+x"
#elif defined(__aarch64__)
#define MB_FPREG "+w"
#else
#define MB_FPREG "+m"
#endif

/* ---- Non-temporal stores: x86's streaming stores (MOVNTPD, then SFENCE), AArch64's STNP
 * (store pair with the non-temporal hint, two 16-byte registers, then DMB). They write whole
 * lines without reading them first (no write-allocate). Addresses aligned to the vector. ---- */
#if defined(__AVX512F__)
#define MB_STREAM_NT 1
#define MB_NT_WIDTH 8
#define MB_NT_STORE(p, v) _mm512_stream_pd((p), (v))
#define MB_NT_SET1(x) _mm512_set1_pd(x)
#define MB_NT_LOAD(p) _mm512_load_pd(p)
#define MB_NT_FENCE() _mm_sfence()
typedef __m512d mb_nt_vec;
#elif defined(__AVX__)
#define MB_STREAM_NT 1
#define MB_NT_WIDTH 4
#define MB_NT_STORE(p, v) _mm256_stream_pd((p), (v))
#define MB_NT_SET1(x) _mm256_set1_pd(x)
#define MB_NT_LOAD(p) _mm256_load_pd(p)
#define MB_NT_FENCE() _mm_sfence()
typedef __m256d mb_nt_vec;
#elif defined(__aarch64__)
#define MB_STREAM_NT 1
#define MB_NT_WIDTH 4
typedef struct {
  float64x2_t lo, hi;
} mb_nt_vec;
#define MB_NT_SET1(x) ((mb_nt_vec){vdupq_n_f64(x), vdupq_n_f64(x)})
#define MB_NT_LOAD(p) ((mb_nt_vec){vld1q_f64(p), vld1q_f64((p) + 2)})
static inline void mb_nt_store(double *p, mb_nt_vec v) { __asm__ volatile("stnp %q1, %q2, [%0]" : : "r"(p), "w"(v.lo), "w"(v.hi) : "memory"); }
#define MB_NT_STORE(p, v) mb_nt_store((p), (v))
#define MB_NT_FENCE() __asm__ volatile("dmb ish" : : : "memory")
#else
#define MB_STREAM_NT 0
#define MB_STREAM_NT_NONE "built without AVX (x86) and not for AArch64: no non-temporal vector stores"
#endif

/* ---- Cache-line flush: CLFLUSH and MFENCE (x86), DC CIVAC and DSB (AArch64) ---- */
static inline int mb_flush_lines(const char *p, int len, uintptr_t line) {
#if defined(__x86_64__) || defined(__i386__)
  for (uintptr_t l = (uintptr_t)p & ~(line - 1); l < (uintptr_t)p + (uintptr_t)len; l += line) _mm_clflush((const void *)l);
  return 0;
#elif defined(__aarch64__)
  for (uintptr_t l = (uintptr_t)p & ~(line - 1); l < (uintptr_t)p + (uintptr_t)len; l += line)
    __asm__ volatile("dc civac, %0" : : "r"(l) : "memory");
  return 0;
#else
  (void)p, (void)len, (void)line;
  return -1;
#endif
}
static inline void mb_flush_done(void) {
#if defined(__x86_64__) || defined(__i386__)
  _mm_mfence();
#elif defined(__aarch64__)
  __asm__ volatile("dsb ish" : : : "memory");
#endif
}

#endif /* MB_ARCH_H */
