/*
 * duo.h: two worker threads pinned to two PUs, started once in setup and released together
 * for every timed kernel call (the main thread waits). It knows threads and iterations
 * only; what the two threads share is the caller's (d->user). Used by the hierarchy family
 * (core to core round trips, false sharing) and the allocator family (producer/consumer).
 *
 *   duo_start(run, &d, pu0, pu1, fn, user) starts them and runs fn once untimed (both have
 *   pinned themselves by then); duo_run(d, iters) releases them for one kernel call and
 *   returns the sum of their counts; duo_stop(d) ends them. fn(d, who, iters) does thread
 *   `who`'s share of `iters` iterations and returns its count.
 */
#ifndef MB_DUO_H
#define MB_DUO_H

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "membench.h"

typedef struct duo duo_t;
typedef uint64_t (*duo_fn)(duo_t *d, int who, uint64_t iters);

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
  void *user; /* the caller's shared data */
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
    uint64_t n = d->fn(d, who, iters);
    pthread_mutex_lock(&d->mu);
    d->result[who] = n;
    if (++d->finished == 2) pthread_cond_signal(&d->done);
  }
  pthread_mutex_unlock(&d->mu);
  return NULL;
}

/* Both threads do `iters` iterations; returns the sum of what their fn returned. */
static uint64_t duo_run(duo_t *d, uint64_t iters) {
  pthread_mutex_lock(&d->mu);
  d->iters = iters;
  d->finished = 0;
  d->gen++;
  pthread_cond_broadcast(&d->go);
  while (d->finished < 2) pthread_cond_wait(&d->done, &d->mu);
  pthread_mutex_unlock(&d->mu);
  return d->result[0] + d->result[1];
}

/* Ends the threads and frees the duo (NULL: nothing). */
static void duo_stop(duo_t *d) {
  if (!d) return;
  pthread_mutex_lock(&d->mu);
  d->quit = 1;
  pthread_cond_broadcast(&d->go);
  pthread_mutex_unlock(&d->mu);
  for (int i = 0; i < 2; i++)
    if (d->t[i]) pthread_join(d->t[i], NULL);
  free(d);
}

/* *out is the duo whenever one was made (the caller's teardown stops it, even after a
 * skip); returns 0, or mb_skip's value. The threads run fn once, untimed, from the state
 * `user` is in (both have pinned themselves by then): the caller's kernel puts its shared
 * data back in that state before every duo_run. */
static int duo_start(mb_run_t *run, duo_t **out, int pu0, int pu1, duo_fn fn, void *user) {
  duo_t *d = *out = calloc(1, sizeof *d);
  if (!d) return mb_skip(run, "out of memory");
  d->pu[0] = pu0;
  d->pu[1] = pu1;
  d->fn = fn;
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
  duo_run(d, 16);
  if (!d->bound[0] || !d->bound[1]) return mb_skip(run, "cannot pin the threads to PUs %d and %d", pu0, pu1);
  /* The results say where the two working threads ran (mb_pu is the waiting main thread). */
  mb_counter(run, "thread0_pu", pu0, MB_COUNTER_VALUE);
  mb_counter(run, "thread1_pu", pu1, MB_COUNTER_VALUE);
  return 0;
}

#endif /* MB_DUO_H */
