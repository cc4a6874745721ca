/*
 * test_counters.c: event names resolve or fail clearly; software counters count what
 * happened (page faults for N fresh pages, no migrations when pinned); an event the
 * machine cannot count reads as absent (NaN), never as zero.
 */
#include <math.h>
#include <sched.h>
#include <sys/mman.h>

#include "counters.h"
#include "testutil.h"

int main(void) {
  mb_counters_t c;
  char err[256];
  CHECK_EQ_INT(mb_counters_parse(MB_DEFAULT_COUNTERS, &c, err, sizeof err), 0);
  CHECK_EQ_INT(c.n, 10);
  CHECK_EQ_INT(mb_counters_parse("none", &c, err, sizeof err), 0);
  CHECK_EQ_INT(c.n, 0);
  errno = 0;
  CHECK_EQ_INT(mb_counters_parse("page-faults,no-such-event-xyz", &c, err, sizeof err), -1);
  CHECK_EQ_INT(errno, EINVAL);
  CHECK(strstr(err, "no-such-event-xyz") != NULL);
  CHECK_EQ_INT(mb_counters_parse("page-faults,page-faults", &c, err, sizeof err), 0);
  CHECK_EQ_INT(c.n, 1); /* duplicates folded */

  /* Pin to the CPU we are on, so migrations must be zero. */
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(sched_getcpu(), &set);
  CHECK_EQ_INT(sched_setaffinity(0, sizeof set, &set), 0);

  CHECK_EQ_INT(mb_counters_parse("cycles,page-faults,cpu-migrations,task-clock", &c, err, sizeof err), 0);
  int avail = mb_counters_probe(&c);
  if (!c.ev[1].available) {
    printf("SKIP: software counters unavailable here: %s\n", c.ev[1].why);
    return TEST_SKIP;
  }
  CHECK(avail >= 3);
  for (int i = 0; i < c.n; i++)
    if (!c.ev[i].available) CHECK(c.ev[i].why[0] != 0); /* a reason for every absence */
  CHECK_EQ_INT(mb_counters_open(&c), 0);

  /* N fresh 4 KiB pages, huge pages off: N faults, within 2%. */
  const size_t npages = 512;
  char *p = mmap(NULL, npages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED);
  madvise(p, npages * 4096, MADV_NOHUGEPAGE);
  mb_counter_values_t v;
  mb_counters_start(&c);
  for (size_t i = 0; i < npages; i++) p[i * 4096] = 1;
  mb_counters_stop(&c);
  mb_counters_read(&c, &v);
  fprintf(stderr, "page-faults for %zu pages: %.0f; cpu-migrations: %.0f; task-clock: %.0f ns\n", npages, v.value[1],
          v.value[2], v.value[3]);
  CHECK(fabs(v.value[1] - (double)npages) <= 0.02 * (double)npages);
  CHECK(v.value[2] == 0);
  CHECK(v.value[3] > 0);
  munmap(p, npages * 4096);

  /* A second window starts from zero (reset on start). */
  mb_counters_start(&c);
  mb_counters_stop(&c);
  mb_counters_read(&c, &v);
  CHECK(v.value[1] < 2);

  /* Absent hardware: NaN, not 0. Present: a positive count. */
  if (c.ev[0].available) CHECK(v.value[0] >= 0 && !isnan(v.value[0]));
  else CHECK(isnan(v.value[0]));
  mb_counters_close(&c);
  return TEST_EXIT();
}
