/*
 * duo.h: two worker threads pinned to two PUs, started once in setup and released together
 * for every timed kernel call (the main thread waits). Used by the hierarchy family (core
 * to core round trips, false sharing) and the allocator family (producer/consumer).
 *
 *   duo_start(run, &d, pu0, pu1, fn, same_line, user) starts them and runs fn once untimed (both
 *   have pinned themselves by then); k_duo is the kernel; t_duo the teardown. fn(d, who,
 *   iters) does thread `who`'s share of `iters` iterations and stores its count in
 *   d->result[who]. d->user is the family's own data.
 */
#ifndef MB_DUO_H
#define MB_DUO_H

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "membench.h"


typedef struct duo duo_t;
typedef void (*duo_fn)(duo_t *d, int who, uint64_t iters);

struct duo {
  pthread_t t[2];
  int pu[2];
  int bound[2];
  pthread_mutex_t mu;
  pthread_cond_t go, done;
  uint64_t gen, iters;
  int finished, quit;
  duo_fn fn;
  uint64_t result[2];
  /* The shared data, each on its own line unless a benchmark wants them together. */
  _Alignas(128) volatile uint64_t flag;
  _Alignas(128) volatile uint64_t counter[2 * 128 / 8];
  int same_line;
  void *user; /* the family's own data */
};

typedef struct duo_arg {
  duo_t *d;
  int who;
} duo_arg_t;

static void *duo_main(void *arg) {
  duo_arg_t *a = arg;
  duo_t *d = a->d;
  int who = a->who;
  free(a);
  d->bound[who] = mb_bind_self(d->pu[who]) == 0;
  uint64_t seen = 0;
  pthread_mutex_lock(&d->mu);
  for (;;) {
    while (d->gen == seen && !d->quit) pthread_cond_wait(&d->go, &d->mu);
    if (d->quit) break;
    seen = d->gen;
    uint64_t iters = d->iters;
    pthread_mutex_unlock(&d->mu);
    d->fn(d, who, iters);
    pthread_mutex_lock(&d->mu);
    if (++d->finished == 2) pthread_cond_signal(&d->done);
  }
  pthread_mutex_unlock(&d->mu);
  return NULL;
}

static uint64_t k_duo(uint64_t iters, void *data) {
  duo_t *d = data;
  pthread_mutex_lock(&d->mu);
  d->iters = iters;
  d->finished = 0;
  d->flag = 0;
  d->counter[0] = d->counter[d->same_line ? 1 : 16] = 0;
  d->gen++;
  pthread_cond_broadcast(&d->go);
  while (d->finished < 2) pthread_cond_wait(&d->done, &d->mu);
  pthread_mutex_unlock(&d->mu);
  return d->result[0] + d->result[1];
}

static int duo_start(mb_run_t *run, duo_t **out, int pu0, int pu1, duo_fn fn, int same_line, void *user) {
  duo_t *d = aligned_alloc(128, (sizeof(duo_t) + 127) & ~(size_t)127);
  if (!d) return mb_skip(run, "out of memory");
  memset(d, 0, sizeof *d);
  *out = d;
  run->data = d;
  d->pu[0] = pu0;
  d->pu[1] = pu1;
  d->fn = fn;
  d->same_line = same_line;
  d->user = user;
  pthread_mutex_init(&d->mu, NULL);
  pthread_cond_init(&d->go, NULL);
  pthread_cond_init(&d->done, NULL);
  for (int i = 0; i < 2; i++) {
    duo_arg_t *a = malloc(sizeof *a);
    if (!a || pthread_create(&d->t[i], NULL, duo_main, (a->d = d, a->who = i, a))) {
      free(a);
      d->t[i] = 0;
      return mb_skip(run, "cannot start thread %d", i);
    }
  }
  /* Run once untimed: both threads have bound themselves by the end. */
  k_duo(16, d);
  if (!d->bound[0] || !d->bound[1]) return mb_skip(run, "cannot pin the threads to PUs %d and %d", pu0, pu1);
  /* The results say where the two working threads ran (mb_pu is the waiting main thread). */
  mb_counter(run, "thread0_pu", pu0, MB_COUNTER_VALUE);
  mb_counter(run, "thread1_pu", pu1, MB_COUNTER_VALUE);
  run->items_per_iter = 1;
  return 0;
}

static void t_duo(mb_run_t *run) {
  duo_t *d = run->data;
  if (!d) return;
  pthread_mutex_lock(&d->mu);
  d->quit = 1;
  pthread_cond_broadcast(&d->go);
  pthread_mutex_unlock(&d->mu);
  for (int i = 0; i < 2; i++)
    if (d->t[i]) pthread_join(d->t[i], NULL);
  free(d);
  run->data = NULL;
}

#endif /* MB_DUO_H */
