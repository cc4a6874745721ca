/*
 * test_counters_hw.c: where hardware counters exist, they count a known loop: at least one
 * instruction per iteration and some cycles. Where they do not (a VM without a virtual
 * PMU, perf_event_paranoid), the test says why and reports itself skipped.
 */
#include <math.h>

#include "counters.h"
#include "testutil.h"

int main(void) {
  mb_counters_t c;
  char err[256];
  CHECK_EQ_INT(mb_counters_parse("instructions,cycles", &c, err, sizeof err), 0);
  mb_counters_probe(&c);
  for (int i = 0; i < c.n; i++)
    if (!c.ev[i].available) {
      printf("SKIP: hardware counter %s unavailable: %s\n", c.ev[i].name, c.ev[i].why);
      return TEST_SKIP;
    }
  mb_counters_open(&c);
  const uint64_t n = 10 * 1000 * 1000;
  uint64_t i;
  mb_counters_start(&c);
  for (i = 0; i < n; i++) __asm__ volatile("" : "+r"(i));
  mb_counters_stop(&c);
  mb_counter_values_t v;
  mb_counters_read(&c, &v);
  fprintf(stderr, "%llu iterations: %.0f instructions, %.0f cycles\n", (unsigned long long)n, v.value[0], v.value[1]);
  CHECK(v.value[0] >= (double)n);
  CHECK(v.value[1] > 0);
  mb_counters_close(&c);
  return TEST_EXIT();
}
