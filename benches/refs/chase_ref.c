/* chase_ref.c: an independent pointer chase, sharing no code with membench, to cross-check
 * hierarchy/latency_random. Usage: chase_ref CPU BYTES... ; prints "BYTES ns_per_load". */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: chase_ref CPU BYTES...\n"); return 2; }
  cpu_set_t set; CPU_ZERO(&set); CPU_SET(atoi(argv[1]), &set);
  if (sched_setaffinity(0, sizeof set, &set)) { perror("sched_setaffinity"); return 1; }
  for (int a = 2; a < argc; a++) {
    size_t bytes = strtoull(argv[a], NULL, 10), n = bytes / 64;
    char *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || n < 2) { fprintf(stderr, "cannot map %zu bytes\n", bytes); return 1; }
    madvise(m, bytes, MADV_NOHUGEPAGE);
    size_t *idx = malloc(n * sizeof *idx);                 /* random order of the lines */
    for (size_t i = 0; i < n; i++) idx[i] = i;
    srand48(12345);
    for (size_t i = n - 1; i > 0; i--) { size_t j = (size_t)(drand48() * (i + 1)); size_t t = idx[i]; idx[i] = idx[j]; idx[j] = t; }
    for (size_t i = 0; i < n; i++) *(void **)(m + idx[i] * 64) = m + idx[(i + 1) % n] * 64;  /* one cycle */
    free(idx);
    void **p = (void **)m;
    size_t loads = 20000000;
    for (size_t i = 0; i < n; i++) p = (void **)*p;          /* a warm lap */
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
      double t0 = now();
      for (size_t i = 0; i < loads; i++) p = (void **)*p;
      double ns = (now() - t0) * 1e9 / loads;
      if (ns < best) best = ns;
    }
    printf("%zu %.3f %p\n", bytes, best, (void *)p);
    munmap(m, bytes);
  }
  return 0;
}
