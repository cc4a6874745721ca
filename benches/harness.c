/*
 * harness.c: what the harness itself costs, so every other number can be read against it.
 *
 * Names: harness/<variant>
 *   empty               an empty loop body: the per-iteration floor (the loop's own inc,
 *                       cmp, branch); the harness adds nothing per iteration on top
 *   clock_gettime       one clock_gettime(CLOCK_MONOTONIC) per iteration: the cost of
 *                       reading the timer that Google Benchmark's real time uses
 *   rdtsc               one RDTSCP per iteration (x86-64 only; skipped elsewhere)
 *   cntvct              AArch64's counterpart (registered there only): one ISB + read of the
 *                       virtual counter CNTVCT_EL0 per iteration (the ISB keeps the read in
 *                       program order, as RDTSCP waits for the instructions before it)
 *
 * Each kernel counts its iterations (a timer read counts when it returned a valid time that
 * did not go backwards); verify expects exactly one per iteration.
 */
#include <time.h>

#include "membench.h"

static uint64_t k_empty(uint64_t iters, void *data) {
  (void)data;
  uint64_t i;
  /* The asm says the loop counter may change, so the loop cannot be folded away. */
  const uint64_t m = MB_WORK(iters);
  for (i = 0; i < m; i++) __asm__ volatile("" : "+r"(i));
  return i;
}

static int v_count(mb_run_t *run, uint64_t result, uint64_t iters) {
  if (result != iters) return mb_fail(run, "loop ran %llu of %llu iterations", (unsigned long long)result,
                                      (unsigned long long)iters);
  return 0;
}

static uint64_t k_clock_gettime(uint64_t iters, void *data) {
  (void)data;
  uint64_t reads = 0;
  struct timespec ts, last = {0, 0};
  for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) {
    clock_gettime(CLOCK_MONOTONIC, &ts);
    /* Counts a read that returned a valid time no earlier than the last one. */
    reads += ts.tv_nsec < 1000000000 && (ts.tv_sec > last.tv_sec || (ts.tv_sec == last.tv_sec && ts.tv_nsec >= last.tv_nsec));
    last = ts;
  }
  return reads;
}

#if defined(__x86_64__)
static uint64_t k_rdtsc(uint64_t iters, void *data) {
  (void)data;
  uint64_t reads = 0, last = 0;
  for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) {
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    const uint64_t t = ((uint64_t)hi << 32) | lo;
    reads += t > last; /* the counter moved on: one more read happened */
    last = t;
  }
  return reads;
}
static int s_rdtsc(mb_run_t *run) { (void)run; return 0; }
#else
static uint64_t k_rdtsc(uint64_t iters, void *data) { (void)data; return iters; }
#if defined(__aarch64__)
static int s_rdtsc(mb_run_t *run) { return mb_skip(run, "RDTSCP is an x86-64 instruction (AArch64's counterpart: harness/cntvct)"); }
#else
static int s_rdtsc(mb_run_t *run) { return mb_skip(run, "RDTSCP is an x86-64 instruction"); }
#endif
#endif

#if defined(__aarch64__)
/* The counter ticks at CNTFRQ_EL0 (often 25 MHz to 1 GHz): back-to-back reads may be equal,
 * so a read counts when it did not go backwards. */
static uint64_t k_cntvct(uint64_t iters, void *data) {
  (void)data;
  uint64_t reads = 0, last = 0;
  for (uint64_t i = 0, m = MB_WORK(iters); i < m; i++) {
    uint64_t t;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(t) : : "memory");
    reads += t >= last;
    last = t;
  }
  return reads;
}
#endif

MB_FAMILY(.name = "harness", .title = "Harness floor", .doc = "What the harness and the clock cost: the floor under every figure.");
MB_BENCH(.family = "harness", .variant = "empty", .kernel = k_empty, .verify = v_count, .items_per_iter = 1, .doc = "per-iteration floor of an empty kernel");
MB_BENCH(.family = "harness", .variant = "clock_gettime", .kernel = k_clock_gettime, .verify = v_count, .items_per_iter = 1, .doc = "cost of one CLOCK_MONOTONIC read");
MB_BENCH(.family = "harness", .variant = "rdtsc", .kernel = k_rdtsc, .setup = s_rdtsc, .verify = v_count, .items_per_iter = 1, .doc = "cost of one RDTSCP");
#if defined(__aarch64__)
MB_BENCH(.family = "harness", .variant = "cntvct", .kernel = k_cntvct, .verify = v_count, .items_per_iter = 1, .doc = "cost of one ISB + CNTVCT_EL0 read");
#endif
