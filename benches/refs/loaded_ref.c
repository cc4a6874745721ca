/* loaded_ref.c: an independent loaded-latency measurement, sharing no code with membench, to
 * cross-check machine/loaded_latency and machine/loaded_read/delay:0 (as Intel MLC's
 * --loaded_latency does it): a random chase over BYTES on CHASE_CPU, alone and then while a
 * thread on LOADER_CPU reads its own BYTES as fast as it can.
 * The chase is on 2 MiB pages (MADV_HUGEPAGE, as membench's and MLC's); the loader's array gets
 * the system's page policy, as membench's loaders', or 2 MiB pages with `huge` (on this VM,
 * THP madvise: 25-27 GB/s from one core on 4 KiB pages, 29-31 on 2 MiB).
 * Usage: loaded_ref CHASE_CPU LOADER_CPU BYTES [huge]
 * Prints "idle_ns loaded_ns loader_GBps" (GB: 10^9 bytes), the latencies each the median of
 * five rounds, the loader's bandwidth over all the time it loaded. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof set, &set);
}

static void *map(size_t bytes, int huge) {
  void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return NULL;
  if (huge) madvise(m, bytes, MADV_HUGEPAGE);
  return m;
}

static struct {
  int cpu;
  size_t n;          /* 64-bit words */
  uint64_t *a;
  atomic_int run;    /* 1 while the chase wants load */
  atomic_int ready;
  double bytes, secs; /* what it read while loading, and in how long */
  uint64_t sum;
} L;

static void *loader(void *unused) {
  (void)unused;
  if (pin(L.cpu)) return NULL;
  for (size_t i = 0; i < L.n; i++) L.a[i] = i; /* first touch on its own node */
  atomic_store(&L.ready, 1);
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  double t0 = now(), bytes = 0;
  const size_t chunk = 8192; /* words: 64 KiB between looks at the flag */
  for (size_t at = 0; atomic_load_explicit(&L.run, memory_order_relaxed); at = at + chunk < L.n ? at + chunk : 0) {
    const size_t end = at + chunk < L.n ? at + chunk : L.n;
    for (size_t i = at; i < end; i += 4) s0 += L.a[i], s1 += L.a[i + 1], s2 += L.a[i + 2], s3 += L.a[i + 3];
    bytes += (double)(end - at) * 8;
  }
  L.secs = now() - t0, L.bytes = bytes, L.sum = s0 + s1 + s2 + s3;
  return NULL;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* ns per load of the chase from *p, the median of five rounds of `loads` (the best would
 * pick a round the loader happened to leave alone). */
static double chase(void ***p, size_t loads) {
  double ns[5];
  for (int r = 0; r < 5; r++) {
    void **q = *p;
    double t0 = now();
    for (size_t i = 0; i < loads; i++) q = (void **)*q;
    ns[r] = (now() - t0) * 1e9 / (double)loads;
    *p = q;
  }
  qsort(ns, 5, sizeof *ns, by_value);
  return ns[2];
}

int main(int argc, char **argv) {
  if (argc < 4 || argc > 5 || (argc == 5 && strcmp(argv[4], "huge"))) {
    fprintf(stderr, "usage: loaded_ref CHASE_CPU LOADER_CPU BYTES [huge]\n");
    return 2;
  }
  const size_t bytes = strtoull(argv[3], NULL, 10), n = bytes / 64;
  if (pin(atoi(argv[1])) || n < 2) {
    fprintf(stderr, "loaded_ref: cannot pin to CPU %s, or BYTES below 128\n", argv[1]);
    return 2;
  }
  char *m = map(bytes, 1); /* the chase on 2 MiB pages, as membench's and MLC's */
  size_t *idx = malloc(n * sizeof *idx);
  if (!m || !idx) {
    fprintf(stderr, "loaded_ref: cannot map %zu bytes\n", bytes);
    return 1;
  }
  for (size_t i = 0; i < n; i++) idx[i] = i; /* the lines in a random order, one cycle */
  srand48(4242);
  for (size_t i = n - 1; i > 0; i--) {
    size_t j = (size_t)(drand48() * (double)(i + 1)), t = idx[i];
    idx[i] = idx[j], idx[j] = t;
  }
  for (size_t i = 0; i < n; i++) *(void **)(m + idx[i] * 64) = m + idx[(i + 1) % n] * 64;
  free(idx);
  void **p = (void **)m;
  for (size_t i = 0; i < n; i++) p = (void **)*p; /* a warm lap */
  const size_t loads = 2000000;
  double idle = chase(&p, loads);

  L.cpu = atoi(argv[2]), L.n = bytes / 8 & ~(size_t)3, L.a = map(L.n * 8, argc == 5);
  if (!L.a) return 1;
  atomic_store(&L.run, 1);
  pthread_t t;
  if (pthread_create(&t, NULL, loader, NULL)) return 1;
  while (!atomic_load(&L.ready)) sched_yield();
  struct timespec settle = {0, 200000000};
  nanosleep(&settle, NULL);
  double loaded = chase(&p, loads);
  atomic_store(&L.run, 0);
  pthread_join(t, NULL);
  if (L.secs <= 0) {
    fprintf(stderr, "loaded_ref: the loader could not run on CPU %d\n", L.cpu);
    return 1;
  }
  printf("%.1f %.1f %.2f %p %llu\n", idle, loaded, L.bytes / L.secs / 1e9, (void *)p, (unsigned long long)(L.sum & 1));
  return 0;
}
