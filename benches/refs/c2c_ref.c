/*
 * c2c_ref.c: an independent check of hierarchy/c2c_modified and c2c_clean (not a test: it
 * times things). Two threads, pinned to PUs A and B; each round A prepares 256 lines of a
 * random cycle (mode w: writes a stamp in each, modified in its cache; c: flushes them and
 * reads them back, clean; f: flushes them only, so B reads memory; s: nothing, B's own cache),
 * hands over through one flag, and B chases the cycle, timing its chases. Prints "MODE ns
 * per load". Written apart from membench's crew and chase code, x86-64 only (CLFLUSH).
 * Usage: c2c_ref A B w|c|f|s [ROUNDS]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#define N 256
#define LINE 64
static char *lines;
static int mode, pu[2];
static volatile int turn;
static double secs;
static long rounds = 20000;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void pin(int c) {
  cpu_set_t s;
  CPU_ZERO(&s);
  CPU_SET(c, &s);
  if (pthread_setaffinity_np(pthread_self(), sizeof s, &s)) fprintf(stderr, "c2c_ref: cannot pin to PU %d\n", c), exit(2);
}

static void *holder(void *unused) {
  (void)unused;
  pin(pu[0]);
  for (long r = 1; r <= rounds; r++) {
    while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 0) {
    }
    if (mode == 'w') {
      for (int i = 0; i < N; i++) *(volatile uint64_t *)(lines + i * LINE + 8) = (uint64_t)r;
    } else if (mode == 'c' || mode == 'f') {
      for (int i = 0; i < N; i++) _mm_clflush(lines + i * LINE);
      _mm_mfence();
      uint64_t s = 0;
      for (int i = 0; mode == 'c' && i < N; i++) s += *(volatile uint64_t *)(lines + i * LINE + 8);
      __asm__ volatile("" : : "r"(s));
    }
    __atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
  }
  return NULL;
}

static void *reader(void *unused) {
  (void)unused;
  pin(pu[1]);
  uint64_t sum = 0;
  for (long r = 1; r <= rounds; r++) {
    while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 1) {
    }
    double t0 = now();
    char *p = lines;
    for (int k = 0; k < N; k++) {
      p = *(char *volatile *)p;
      sum += *(volatile uint64_t *)(p + 8);
    }
    secs += now() - t0;
    if (p != lines) fprintf(stderr, "c2c_ref: the chase did not come back\n"), exit(1);
    __atomic_store_n(&turn, 0, __ATOMIC_RELEASE);
  }
  const uint64_t want = mode == 'w' ? (uint64_t)N * (uint64_t)(rounds * (rounds + 1) / 2) : 0;
  if (sum != want) fprintf(stderr, "c2c_ref: stamps %llu, expected %llu\n", (unsigned long long)sum, (unsigned long long)want), exit(1);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 4 || !strchr("wcfs", argv[3][0])) {
    fprintf(stderr, "usage: c2c_ref A B w|c|f|s [ROUNDS]\n");
    return 2;
  }
  pu[0] = atoi(argv[1]), pu[1] = atoi(argv[2]), mode = argv[3][0];
  if (argc > 4) rounds = atol(argv[4]);
  lines = aligned_alloc(4096, N * LINE);
  if (!lines) return 2;
  memset(lines, 0, N * LINE);
  uint32_t o[N]; /* a random cycle through the lines, line 0 first (a fixed seed) */
  for (int i = 0; i < N; i++) o[i] = (uint32_t)i;
  srand(7);
  for (int i = N - 1; i > 1; i--) {
    int j = 1 + rand() % i;
    uint32_t t = o[i];
    o[i] = o[j], o[j] = t;
  }
  for (int k = 0; k < N; k++) *(char **)(lines + o[k] * LINE) = lines + o[(k + 1) % N] * LINE;
  pthread_t a, b;
  turn = 0;
  pthread_create(&a, NULL, holder, NULL);
  pthread_create(&b, NULL, reader, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  printf("%c %.2f\n", mode, secs * 1e9 / ((double)rounds * N));
  return 0;
}
