/*
 * counters.c: perf_event_open groups, with libpfm4 for native event names.
 *
 * Why our own: Debian's Google Benchmark is built without libpfm, so its
 * --benchmark_perf_counters does nothing there. Each event is read on its own fd with
 * TOTAL_TIME_ENABLED/RUNNING, so a count that was multiplexed can be scaled and marked.
 */
#define _GNU_SOURCE
#include "counters.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <math.h>
#include <perfmon/pfmlib_perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HWC(id, op, res) \
  ((uint64_t)PERF_COUNT_HW_CACHE_##id | ((uint64_t)PERF_COUNT_HW_CACHE_OP_##op << 8) | \
   ((uint64_t)PERF_COUNT_HW_CACHE_RESULT_##res << 16))

static const struct {
  const char *name;
  uint32_t type;
  uint64_t config;
} generic[] = {
    {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
    {"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
    {"branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS},
    {"branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES},
    {"cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES},
    {"cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
    {"stalled-cycles-backend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND},
    {"L1-dcache-loads", PERF_TYPE_HW_CACHE, HWC(L1D, READ, ACCESS)},
    {"L1-dcache-load-misses", PERF_TYPE_HW_CACHE, HWC(L1D, READ, MISS)},
    {"LLC-loads", PERF_TYPE_HW_CACHE, HWC(LL, READ, ACCESS)},
    {"LLC-load-misses", PERF_TYPE_HW_CACHE, HWC(LL, READ, MISS)},
    {"dTLB-loads", PERF_TYPE_HW_CACHE, HWC(DTLB, READ, ACCESS)},
    {"dTLB-load-misses", PERF_TYPE_HW_CACHE, HWC(DTLB, READ, MISS)},
    {"page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS},
    {"minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN},
    {"major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ},
    {"context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES},
    {"cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS},
    {"task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK},
};

int mb_perf_paranoid(void) {
  FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
  int v = -99;
  if (f) {
    if (fscanf(f, "%d", &v) != 1) v = -99;
    fclose(f);
  }
  return v;
}

/* A native event name through libpfm4; 0 on success. */
static int resolve_pfm(const char *name, mb_event_t *e) {
  static int pfm_ready = -1;
  if (pfm_ready < 0) pfm_ready = pfm_initialize() == PFM_SUCCESS;
  if (!pfm_ready) return -1;
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  pfm_perf_encode_arg_t arg;
  memset(&arg, 0, sizeof arg);
  arg.attr = &attr;
  arg.size = sizeof arg;
  if (pfm_get_os_event_encoding(name, PFM_PLM3, PFM_OS_PERF_EVENT, &arg) != PFM_SUCCESS) return -1;
  e->type = attr.type;
  e->config = attr.config;
  e->config1 = attr.config1;
  e->config2 = attr.config2;
  return 0;
}

int mb_counters_parse(const char *list, mb_counters_t *c, char *err, size_t errlen) {
  memset(c, 0, sizeof *c);
  c->leader = -1;
  for (int i = 0; i < MB_MAX_EVENTS; i++) c->fd[i] = -1;
  if (!list || !*list || !strcmp(list, "none")) return 0;
  char *copy = strdup(list), *save = NULL;
  if (!copy) return -1;
  int rc = 0;
  for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    if (c->n == MB_MAX_EVENTS) {
      snprintf(err, errlen, "--mb_counters: more than %d events", MB_MAX_EVENTS);
      rc = -1;
      break;
    }
    mb_event_t *e = &c->ev[c->n];
    int dup = 0;
    for (int i = 0; i < c->n; i++) dup |= !strcmp(c->ev[i].name, tok);
    if (dup) continue;
    if (strlen(tok) >= sizeof e->name) {
      snprintf(err, errlen, "--mb_counters: event name too long: %.40s...", tok);
      rc = -1;
      break;
    }
    snprintf(e->name, sizeof e->name, "%s", tok);
    size_t g;
    for (g = 0; g < sizeof generic / sizeof generic[0]; g++)
      if (!strcmp(generic[g].name, tok)) break;
    if (g < sizeof generic / sizeof generic[0]) {
      e->type = generic[g].type;
      e->config = generic[g].config;
    } else if (resolve_pfm(tok, e)) {
      snprintf(err, errlen, "--mb_counters: unknown event '%s' (not a perf name, and libpfm4 does not know it on this CPU)", tok);
      rc = -1;
      break;
    }
    c->n++;
  }
  free(copy);
  if (rc) errno = EINVAL;
  return rc;
}

/* Events the kernel counts in its own context: with exclude_kernel they never count. */
static int kernel_side(const mb_event_t *e) {
  return e->type == PERF_TYPE_SOFTWARE && (e->config == PERF_COUNT_SW_CONTEXT_SWITCHES || e->config == PERF_COUNT_SW_CPU_MIGRATIONS);
}

/* Open e on the calling thread; *user_only says whether only user space is counted. */
static int open_event(const mb_event_t *e, int group_fd, int *user_only) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = e->type;
  attr.config = e->config;
  attr.config1 = e->config1;
  attr.config2 = e->config2;
  attr.disabled = group_fd < 0;
  attr.exclude_kernel = 0;
  attr.exclude_hv = 1;
  attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
  int fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
  *user_only = 0;
  if (fd < 0 && (errno == EACCES || errno == EPERM)) {
    /* Counting user space only needs less privilege. */
    attr.exclude_kernel = 1;
    fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
    *user_only = fd >= 0;
  }
  return fd;
}

static void explain(mb_event_t *e, int err) {
  switch (err) {
  case ENOENT:
  case EOPNOTSUPP:
  case ENODEV:
    snprintf(e->why, sizeof e->why, "not supported here (%s; a VM without a virtual PMU?)", strerror(err));
    break;
  case EACCES:
  case EPERM:
    snprintf(e->why, sizeof e->why, "not permitted (perf_event_paranoid=%d, no CAP_PERFMON)", mb_perf_paranoid());
    break;
  case ENOSYS:
    snprintf(e->why, sizeof e->why, "perf_event_open is not available in this kernel");
    break;
  default:
    snprintf(e->why, sizeof e->why, "%s", strerror(err));
  }
}

int mb_counters_probe(mb_counters_t *c) {
  int n = 0;
  for (int i = 0; i < c->n; i++) {
    mb_event_t *e = &c->ev[i];
    int fd = open_event(e, -1, &e->user_only);
    e->available = fd >= 0;
    if (fd >= 0) close(fd);
    if (fd >= 0 && e->user_only && kernel_side(e)) {
      e->available = 0;
      snprintf(e->why, sizeof e->why, "only user space may be counted here (perf_event_paranoid=%d), and this event happens in the kernel: it would read 0",
               mb_perf_paranoid());
    } else if (fd >= 0) {
      e->why[0] = 0;
      n++;
    } else {
      explain(e, errno);
    }
  }
  return n;
}

int mb_counters_open(mb_counters_t *c) {
  /* Hardware events form one group, so their counts cover the same cycles and ratios
   * (misses per instruction) hold. Software events are never multiplexed: each stands
   * alone, which also keeps their time fields simple. */
  c->leader = -1;
  for (int i = 0; i < c->n; i++) {
    c->fd[i] = -1;
    c->is_leader[i] = 0;
    if (!c->ev[i].available) continue;
    int grouped = c->ev[i].type != PERF_TYPE_SOFTWARE && c->leader >= 0;
    int fd = open_event(&c->ev[i], grouped ? c->fd[c->leader] : -1, &c->ev[i].user_only);
    if (fd < 0 && grouped) {
      /* Some events cannot share a group (another PMU); count them on their own. */
      fd = open_event(&c->ev[i], -1, &c->ev[i].user_only);
      grouped = 0;
    }
    if (fd < 0) {
      c->ev[i].available = 0;
      explain(&c->ev[i], errno);
      continue;
    }
    c->fd[i] = fd;
    c->is_leader[i] = !grouped;
    if (c->leader < 0 && c->ev[i].type != PERF_TYPE_SOFTWARE) c->leader = i;
  }
  return 0;
}

static int read3(int fd, uint64_t out[3]) {
  return read(fd, out, 3 * sizeof(uint64_t)) == (ssize_t)(3 * sizeof(uint64_t)) ? 0 : -1;
}

static void group_ioctl(mb_counters_t *c, unsigned long req) {
  for (int i = 0; i < c->n; i++)
    if (c->fd[i] >= 0 && c->is_leader[i]) ioctl(c->fd[i], req, PERF_IOC_FLAG_GROUP);
}

void mb_counters_start(mb_counters_t *c) {
  for (int i = 0; i < c->n; i++)
    if (c->fd[i] < 0 || read3(c->fd[i], c->base[i])) memset(c->base[i], 0, sizeof c->base[i]);
  group_ioctl(c, PERF_EVENT_IOC_ENABLE);
}

void mb_counters_stop(mb_counters_t *c) { group_ioctl(c, PERF_EVENT_IOC_DISABLE); }

void mb_counters_read(const mb_counters_t *c, mb_counter_values_t *v) {
  for (int i = 0; i < MB_MAX_EVENTS; i++) {
    v->value[i] = NAN;
    v->scaled[i] = 0;
  }
  for (int i = 0; i < c->n; i++) {
    uint64_t now[3];
    if (c->fd[i] < 0 || read3(c->fd[i], now)) continue;
    uint64_t val = now[0] - c->base[i][0], ena = now[1] - c->base[i][1], run = now[2] - c->base[i][2];
    if (run == 0) continue; /* never ran: no count, not a zero */
    double x = (double)val;
    /* Scale only when the kernel multiplexed the event out for a noticeable share. */
    if (c->ev[i].type != PERF_TYPE_SOFTWARE && run < ena && (double)(ena - run) > 0.001 * (double)ena) {
      x *= (double)ena / (double)run;
      v->scaled[i] = 1;
    }
    v->value[i] = x;
  }
}

void mb_counters_close(mb_counters_t *c) {
  for (int i = 0; i < c->n; i++) {
    if (c->fd[i] >= 0) close(c->fd[i]);
    c->fd[i] = -1;
  }
  c->leader = -1;
}
