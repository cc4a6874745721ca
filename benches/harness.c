/*
 * harness.c: what the harness itself costs, so every other number can be read against it.
 *
 * Names: harness/<variant>
 *   empty               an empty loop body: the per-iteration floor (the loop's own inc,
 *                       cmp, branch); the harness adds nothing per iteration on top
 *   clock_gettime       one clock_gettime(CLOCK_MONOTONIC) per iteration: the cost of
 *                       reading the timer that Google Benchmark's real time uses
 *   rdtsc               one RDTSCP per iteration (x86-64 only; skipped elsewhere)
 *
 * Each kernel returns a value that depends on every iteration; verify checks it.
 */
#include <time.h>

#include "membench.h"

static uint64_t k_empty(uint64_t iters, void *data) {
  (void)data;
  uint64_t i;
  /* The asm says the loop counter may change, so the loop cannot be folded away. */
  for (i = 0; i < iters; i++) __asm__ volatile("" : "+r"(i));
  return i;
}

static int v_count(mb_run_t *run, uint64_t result, uint64_t iters) {
  if (result != iters) return mb_fail(run, "loop ran %llu of %llu iterations", (unsigned long long)result,
                                      (unsigned long long)iters);
  return 0;
}

static uint64_t k_clock_gettime(uint64_t iters, void *data) {
  (void)data;
  uint64_t acc = 0;
  struct timespec ts;
  for (uint64_t i = 0; i < iters; i++) {
    clock_gettime(CLOCK_MONOTONIC, &ts);
    acc += (uint64_t)ts.tv_nsec | 1; /* never zero: each call counts */
  }
  return acc;
}

static int v_nonzero(mb_run_t *run, uint64_t result, uint64_t iters) {
  if (iters && result < iters) return mb_fail(run, "timer reads did not all happen");
  return 0;
}

#if defined(__x86_64__)
static uint64_t k_rdtsc(uint64_t iters, void *data) {
  (void)data;
  uint64_t acc = 0;
  for (uint64_t i = 0; i < iters; i++) {
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    acc += (((uint64_t)hi << 32) | lo) | 1;
  }
  return acc;
}
static int s_rdtsc(mb_run_t *run) { (void)run; return 0; }
#else
static uint64_t k_rdtsc(uint64_t iters, void *data) { (void)data; return iters; }
static int s_rdtsc(mb_run_t *run) { return mb_skip(run, "RDTSCP is an x86-64 instruction"); }
#endif

MB_BENCH(.family = "harness", .variant = "empty", .kernel = k_empty, .verify = v_count, .items_per_iter = 1, .doc = "per-iteration floor of an empty kernel");
MB_BENCH(.family = "harness", .variant = "clock_gettime", .kernel = k_clock_gettime, .verify = v_nonzero, .items_per_iter = 1, .doc = "cost of one CLOCK_MONOTONIC read");
MB_BENCH(.family = "harness", .variant = "rdtsc", .kernel = k_rdtsc, .setup = s_rdtsc, .verify = v_nonzero, .items_per_iter = 1, .doc = "cost of one RDTSCP");
