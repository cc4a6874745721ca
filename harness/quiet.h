/*
 * quiet.h: whether the machine is quiet enough to measure, and whether a measurement was
 * disturbed. Private to the harness; the evidence API benchmarks use is in membench.h.
 *
 * A figure taken while something else had the benchmark's CPU is wrong by what was taken:
 * with a busy loop on the benchmark's PU, every figure came out 1.8-2x too slow while the
 * thread's CPU time stayed as it was. The kernel keeps the evidence per thread, readable
 * without privilege: the thread's CPU time beside the wall clock, the time it waited on the
 * run queue (/proc/thread-self/schedstat, second field), its involuntary context switches
 * (getrusage RUSAGE_THREAD); per CPU the hypervisor's steal (/proc/stat).
 *
 * The rule (mb_quiet_judge): a timed run is disturbed when a thread of it lost more than
 * MB_QUIET_LOST_SHARE of its wall time, and more than MB_QUIET_LOST_MIN, where "lost" is the
 * larger of the time it waited runnable and, when the process was stopped and continued
 * (a SIGCONT arrived: SIGSTOP, Ctrl-Z), the wall time it did not spend on its CPU; or when
 * the steal on its PU passed the same share (at least MB_QUIET_STEAL_MIN, two of the
 * kernel's ticks); or when the machine was suspended (CLOCK_BOOTTIME ran ahead of
 * CLOCK_MONOTONIC); or when it left its PU. Wall time off the CPU without a stop and
 * without waiting is the kernel sleeping inside the benchmark's own work (a first touch of
 * 64 pages read cpu/wall 0.83 on a quiet machine, a huge-page chase 0.81: page faults and
 * compaction), so it marks nothing by itself. Measured on the 2-vCPU AMD EPYC VM this was tuned on (a C loop
 * reading 8 MiB, 10 ms / 100 ms / 1 ms windows, pinned to PU 1):
 *   quiet:   10 ms windows: cpu/wall >= 0.985, run-queue wait <= 0.75% (900 windows);
 *            100 ms: wait <= 1.2% (90); 1 ms: wait <= 4.5% (45 us, 6000 windows)
 *   a busy loop on the same PU: 100 ms windows cpu/wall 0.48-0.50, wait 50%, 12-13
 *            involuntary switches; 10 ms: wait 40-90%; 1 ms: 364 of 500 windows ran clean
 *            (one scheduler slice is ~3-4 ms), the others lost 10-99%.
 * 5% lies between the two with room on both sides, and below the 15% a re-measured figure
 * must come within; 50 us keeps the short fixed-iteration runs (probes, the detector) from
 * being marked for one interrupt.
 */
#ifndef MB_QUIET_H
#define MB_QUIET_H

#include <stddef.h>

#include "membench.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MB_QUIET_LOST_SHARE 0.05 /* of a thread's wall time taken from it */
#define MB_QUIET_LOST_MIN 50e-6  /* seconds: below this nothing is marked */
#define MB_QUIET_STEAL_MIN 0.02  /* seconds of steal: /proc/stat counts in 10 ms ticks */
#define MB_QUIET_BUSY 0.30       /* a PU busier than this with others' work is busy */
#define MB_QUIET_SUSPEND_MIN 0.01 /* seconds BOOTTIME must run ahead of MONOTONIC (a real
                                     suspend lasts seconds; two reads apart, 63 us was seen) */

/* What the harness knows of one timed run. */
typedef struct mb_quiet_input {
  mb_evidence_t main;            /* the timed thread */
  int blocking;                  /* it waits for work done elsewhere (the descriptor's real_time):
                                    its CPU share is no evidence, its run-queue wait is */
  double steal;                  /* steal seconds on its PU over the run, -1 unknown */
  int moved;                     /* it left its PU (or cpu-migrations counted one) */
  mb_run_workers_t workers;      /* its other threads */
} mb_quiet_input_t;

/* Count SIGCONTs from now on (once, before the first window): how a stop shows. */
void mb_quiet_watch_stops(void);

/* 1 with the evidence in `why` ("cpu/wall 0.51, run-queue wait 48%, 13 involuntary
 * switches"), or 0 when the run was clean. */
int mb_quiet_judge(const mb_quiet_input_t *in, char *why, size_t len);

/* The share of a thread's wall time taken from it (see the rule above). */
double mb_evidence_lost(const mb_evidence_t *e, int blocking);

/* Forget the run's workers' evidence (before each timed run). */
void mb_evidence_reset(mb_run_t *run);

/* The share of each PU's time spent on anything but idle over `seconds` while the caller
 * sleeps (/proc/stat; steal counts as busy): busy[i] for pus[i], -1 where unknown. 0, or -1
 * with errno when /proc/stat cannot be read. */
int mb_pu_busy(const int *pus, int n, double seconds, double *busy);

/* /proc/loadavg: the one-minute load and the tasks runnable now (the caller among them).
 * 0, or -1 with errno. */
int mb_loadavg(double *load1, int *running);

/* A lock per PU, so that a second membench finds the first: MB_LOCK_DIR (default /tmp)
 * /membench-pu<N>.lock, flock(2)ed for as long as the returned descriptor is open (close-on-
 * exec). Returns the descriptor, or -1 with errno: EWOULDBLOCK when another process holds it
 * (*holder: its pid, 0 unknown), anything else when no lock can be had here (a read-only
 * /tmp: then membench runs without one). wait != 0: block until it is free. */
int mb_pu_lock(int pu, int wait, int *holder);

#ifdef __cplusplus
}
#endif
#endif
