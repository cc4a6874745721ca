/*
 * counters.h: perf_event_open counters around the timed loop.
 *
 * Events are named as perf names them (cycles, instructions, L1-dcache-load-misses,
 * LLC-load-misses, dTLB-load-misses, branch-misses, page-faults, context-switches,
 * cpu-migrations, task-clock, ...) or by a native name that libpfm4 knows for this CPU.
 * All events that open form one group on the calling thread, enabled only around the
 * kernel call. An event the machine cannot count (a VM without a virtual PMU,
 * perf_event_paranoid, no capability) is dropped with its reason: never reported as zero.
 * Where only user space may be counted (perf_event_paranoid 2, unprivileged), events count
 * user space only and say so (user_only); the scheduler's events (context-switches,
 * cpu-migrations) happen in the kernel and would always read 0 there: they are dropped, with
 * that reason.
 *
 * Functions return 0 on success, -1 with errno and a message on failure.
 */
#ifndef MB_COUNTERS_H
#define MB_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MB_MAX_EVENTS 16

/* The default set when --mb_counters is not given. */
#define MB_DEFAULT_COUNTERS \
  "cycles,instructions,L1-dcache-load-misses,LLC-load-misses,dTLB-load-misses,branch-misses," \
  "page-faults,context-switches,cpu-migrations,task-clock"

typedef struct mb_event {
  char name[64];      /* as the user wrote it */
  uint32_t type;      /* perf_event_attr.type */
  uint64_t config, config1, config2;
  int available;      /* opened on this machine at probe time */
  int user_only;      /* counts user space only (perf_event_paranoid >= 2 without CAP_PERFMON) */
  char why[128];      /* why not, if not */
} mb_event_t;

typedef struct mb_counters {
  int n;              /* events asked for */
  mb_event_t ev[MB_MAX_EVENTS];
  int fd[MB_MAX_EVENTS]; /* -1 where not open */
  int leader;         /* index of the group leader, -1 if none open */
  int is_leader[MB_MAX_EVENTS]; /* leads a group (or stands alone): ioctls go here */
  uint64_t base[MB_MAX_EVENTS][3]; /* value, time_enabled, time_running at start */
} mb_counters_t;

typedef struct mb_counter_values {
  double value[MB_MAX_EVENTS]; /* scaled counts; NaN where the event is not counted */
  int scaled[MB_MAX_EVENTS];   /* 1 where multiplexing scaled the count */
} mb_counter_values_t;

/* Resolve a comma-separated list ("none" or "" for no events). Unknown names are an error
 * (EINVAL, the name in err). */
int mb_counters_parse(const char *list, mb_counters_t *c, char *err, size_t errlen);

/* Try to open every event once on the calling thread; mark each available or not, with the
 * reason. Returns the number available. */
int mb_counters_probe(mb_counters_t *c);

/* Open the available events as one group on the calling thread, disabled. */
int mb_counters_open(mb_counters_t *c);
/* Enable the group / disable it: one ioctl per group. Counts are taken as differences from
 * the start, for the value and for the enabled/running times (RESET does not reset those). */
void mb_counters_start(mb_counters_t *c);
void mb_counters_stop(mb_counters_t *c);
/* Read the counts since the last start, scaled by time_enabled/time_running. */
void mb_counters_read(const mb_counters_t *c, mb_counter_values_t *v);
void mb_counters_close(mb_counters_t *c);

/* perf_event_paranoid, or -99 when it cannot be read. */
int mb_perf_paranoid(void);

#ifdef __cplusplus
}
#endif
#endif
