/* cold_ref.c: an independent cold-miss probe, sharing no code with membench, to cross-check
 * align/load_dram_line/size:8/offset:O. One 8-byte location in the middle line of each of
 * 32,768 pages (128 MiB, 4 KiB pages), visited in a random order; before every round every
 * location is written and its line flushed (clflush), then the loads (independent of each
 * other, summed) are timed. Usage: cold_ref CPU [OFFSET [ROUNDS]]; prints the median
 * "ns_per_access" over the rounds. x86-64 only. */
#define _GNU_SOURCE
#include <immintrin.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define PAGES 32768

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: cold_ref CPU [OFFSET [ROUNDS]]\n"); return 2; }
  int off = argc > 2 ? atoi(argv[2]) : 0, rounds = argc > 3 ? atoi(argv[3]) : 21;
  if (off < 0 || off > 56 || rounds < 1 || rounds > 1000) { fprintf(stderr, "cold_ref: bad offset or rounds\n"); return 2; }
  cpu_set_t set; CPU_ZERO(&set); CPU_SET(atoi(argv[1]), &set);
  if (sched_setaffinity(0, sizeof set, &set)) { perror("sched_setaffinity"); return 1; }
  size_t bytes = (size_t)PAGES * 4096;
  char *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) { perror("mmap"); return 1; }
  madvise(m, bytes, MADV_NOHUGEPAGE);
  memset(m, 0, bytes);
  uint64_t **loc = malloc(PAGES * sizeof *loc);
  for (size_t p = 0; p < PAGES; p++) loc[p] = (uint64_t *)(m + p * 4096 + 31 * 64 + off);
  uint64_t r = 88172645463325252ull;
  for (size_t p = PAGES - 1; p > 0; p--) {
    r ^= r << 13; r ^= r >> 7; r ^= r << 17;
    size_t j = r % (p + 1);
    uint64_t *t = loc[p]; loc[p] = loc[j]; loc[j] = t;
  }
  double *ns = malloc((size_t)rounds * sizeof *ns);
  uint64_t check = 0;
  for (int k = 0; k < rounds; k++) {
    for (size_t p = 0; p < PAGES; p++) { *loc[p] = p + (uint64_t)k; _mm_clflush(loc[p]); }
    _mm_mfence();
    double t0 = now();
    uint64_t s = 0;
    for (size_t p = 0; p < PAGES; p++) s += *(volatile uint64_t *)loc[p];
    double t1 = now();
    check += s;
    ns[k] = (t1 - t0) * 1e9 / PAGES;
  }
  qsort(ns, (size_t)rounds, sizeof *ns, cmp);
  printf("ns_per_access %.3f (median of %d rounds; checksum %llu)\n", ns[rounds / 2], rounds, (unsigned long long)check);
  return 0;
}
