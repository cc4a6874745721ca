/*
 * crew.h: n worker threads, each pinned to its own PU (and its memory to that PU's node),
 * started once in setup and released together for every timed kernel call: they wait on a
 * barrier so that all start at once, and the calling thread waits until all are done. Used
 * by the machine family (bandwidth with every core, loaded latency, NUMA), the hierarchy
 * family (two threads: core-to-core round trips, false sharing) and the allocator family
 * (producer/consumer). What the workers share and count is the caller's (c->user).
 *
 *   crew_start(run, &c, n, pus, user)  starts and pins them (skips the benchmark if it cannot)
 *   crew_run(c, fn, iters)             fn(c, who, iters) on every worker; returns when all did
 *   crew_sync(c)                       inside fn: a barrier between steps of a share
 *   crew_stop(c)                       joins them
 *   crew_report_pus(run, c)            counters thread<i>_pu: where each worker ran
 * Each worker records the CPU it was on when its share began and ended (cpu0, cpu1) and how
 * long its share took (secs): a worker found off its PU counts in crew_migrated(). Each also
 * takes the evidence of disturbance over its share (mb_evidence_begin/end) and hands it to the
 * run (mb_evidence_add): another task on any worker's PU marks the run, not only on the
 * waiting main thread's.
 */
#ifndef MB_CREW_H
#define MB_CREW_H

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "membench.h"

#define MB_CREW_MAX 256

typedef struct crew crew_t;
typedef void (*crew_fn)(crew_t *c, int who, uint64_t iters);

struct crew {
  int n;
  pthread_t t[MB_CREW_MAX];
  int pu[MB_CREW_MAX], bound[MB_CREW_MAX];
  int cpu0[MB_CREW_MAX], cpu1[MB_CREW_MAX]; /* where each worker's last share began and ended */
  double secs[MB_CREW_MAX];                 /* each worker's own time for its last share */
  pthread_mutex_t mu;
  pthread_cond_t go, done;
  pthread_barrier_t start;
  uint64_t gen, iters;
  int finished, quit;
  crew_fn fn;
  void *user; /* the family's own data */
  mb_run_t *run; /* whose timed runs the workers' evidence of disturbance joins */
  /* crew_sync(): a spinning barrier for steps inside a share (every worker has its own PU,
   * so spinning costs nobody; a futex barrier takes tens of microseconds to wake 16). */
  int sync_count;
  unsigned sync_gen;
};

/* Every worker waits here until all have arrived. */
static inline void crew_sync(crew_t *c) {
  const unsigned gen = __atomic_load_n(&c->sync_gen, __ATOMIC_ACQUIRE);
  if (__atomic_add_fetch(&c->sync_count, 1, __ATOMIC_ACQ_REL) == c->n) {
    __atomic_store_n(&c->sync_count, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&c->sync_gen, gen + 1, __ATOMIC_RELEASE);
  } else {
    while (__atomic_load_n(&c->sync_gen, __ATOMIC_ACQUIRE) == gen) mb_cpu_relax();
  }
}

typedef struct crew_arg {
  crew_t *c;
  int who;
} crew_arg_t;

static inline double crew_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void *crew_main(void *arg) {
  crew_arg_t *a = arg;
  crew_t *c = a->c;
  const int who = a->who;
  free(a);
  c->bound[who] = mb_bind_self(c->pu[who]) == 0;
  uint64_t seen = 0;
  pthread_mutex_lock(&c->mu);
  for (;;) {
    while (c->gen == seen && !c->quit) pthread_cond_wait(&c->go, &c->mu);
    if (c->quit) break;
    seen = c->gen;
    const uint64_t iters = c->iters;
    const crew_fn fn = c->fn;
    pthread_mutex_unlock(&c->mu);
    pthread_barrier_wait(&c->start);
    mb_evidence_t ev;
    mb_evidence_begin(&ev);
    c->cpu0[who] = sched_getcpu();
    const double t0 = crew_now();
    fn(c, who, iters);
    c->secs[who] = crew_now() - t0;
    c->cpu1[who] = sched_getcpu();
    mb_evidence_end(&ev);
    mb_evidence_add(c->run, &ev, c->pu[who]); /* something else on a worker's PU disturbs the run */
    pthread_mutex_lock(&c->mu);
    if (++c->finished == c->n) pthread_cond_signal(&c->done);
  }
  pthread_mutex_unlock(&c->mu);
  return NULL;
}

static inline void crew_run(crew_t *c, crew_fn fn, uint64_t iters) {
  pthread_mutex_lock(&c->mu);
  c->fn = fn;
  c->iters = iters;
  c->finished = 0;
  c->gen++;
  pthread_cond_broadcast(&c->go);
  while (c->finished < c->n) pthread_cond_wait(&c->done, &c->mu);
  pthread_mutex_unlock(&c->mu);
}

static void crew_nothing(crew_t *c, int who, uint64_t iters) { (void)c, (void)who, (void)iters; }

/* Workers that were not on their PU when their last share began or ended. */
static inline int crew_migrated(const crew_t *c) {
  int moved = 0;
  for (int i = 0; i < c->n; i++) moved += c->cpu0[i] != c->pu[i] || c->cpu1[i] != c->pu[i];
  return moved;
}

static inline void crew_stop(crew_t *c) {
  if (!c) return;
  pthread_mutex_lock(&c->mu);
  c->quit = 1;
  pthread_cond_broadcast(&c->go);
  pthread_mutex_unlock(&c->mu);
  for (int i = 0; i < c->n; i++)
    if (c->t[i]) pthread_join(c->t[i], NULL);
  pthread_barrier_destroy(&c->start);
  free(c);
}

/* The PU of each worker as counters thread0_pu, thread1_pu... (for crews of a few threads:
 * the waiting main thread is mb_pu). */
static inline void crew_report_pus(mb_run_t *run, const crew_t *c) {
  for (int i = 0; i < c->n; i++) {
    char name[32];
    snprintf(name, sizeof name, "thread%d_pu", i);
    mb_counter(run, name, c->pu[i], MB_COUNTER_VALUE);
  }
}

/* Start n workers on pus[0..n), pinned; 0, or the value of mb_skip() (the workers that did
 * start are stopped and *out is NULL). */
static inline int crew_start(mb_run_t *run, crew_t **out, int n, const int *pus, void *user) {
  *out = NULL;
  if (n < 1 || n > MB_CREW_MAX) return mb_skip(run, "%d threads: 1 to %d supported", n, MB_CREW_MAX);
  crew_t *c = calloc(1, sizeof *c);
  if (!c) return mb_skip(run, "out of memory");
  c->n = n;
  c->user = user;
  c->run = run;
  memcpy(c->pu, pus, (size_t)n * sizeof *pus);
  pthread_mutex_init(&c->mu, NULL);
  pthread_cond_init(&c->go, NULL);
  pthread_cond_init(&c->done, NULL);
  pthread_barrier_init(&c->start, NULL, (unsigned)n);
  for (int i = 0; i < n; i++) {
    crew_arg_t *a = malloc(sizeof *a);
    int err = a ? pthread_create(&c->t[i], NULL, crew_main, (a->c = c, a->who = i, a)) : ENOMEM;
    if (err) {
      free(a);
      /* The barrier needs all n: release the ones that started without it. */
      c->n = i;
      crew_stop(c);
      return mb_skip(run, "cannot start thread %d of %d: %s%s", i + 1, n, strerror(err),
                     err == EAGAIN ? " (a limit on processes or threads: ulimit -u, kernel.threads-max, a cgroup's pids.max)" : "");
    }
  }
  crew_run(c, crew_nothing, 0); /* every worker has bound itself by the end */
  for (int i = 0; i < n; i++)
    if (!c->bound[i]) {
      int pu = c->pu[i];
      crew_stop(c);
      return mb_skip(run, "cannot pin a thread to PU %d", pu);
    }
  *out = c;
  return 0;
}

#endif /* MB_CREW_H */
