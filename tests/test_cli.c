/*
 * test_cli.c: --mb_* parsing: good values, strict rejection of bad ones, and argv left
 * with exactly the flags Google Benchmark should see.
 */
#include <stdarg.h>

#include "cli.h"
#include "testutil.h"

static int parse(mb_options_t *o, char *err, int n, ...) {
  static char *argv[32];
  va_list ap;
  va_start(ap, n);
  argv[0] = "membench";
  for (int i = 0; i < n; i++) argv[i + 1] = va_arg(ap, char *);
  va_end(ap);
  argv[n + 1] = NULL;
  int argc = n + 1;
  int rc = mb_cli_parse(&argc, argv, o, err, 256);
  return rc ? -1 : argc;
}


int main(void) {
  mb_options_t o;
  char err[256];
  unsetenv("MB_MACHINE");
  CHECK_EQ_INT(parse(&o, err, 0), 1);
  CHECK_EQ_INT(o.cpu, -1);
  CHECK(!o.quick && !o.long_sweep && !o.counters && !o.out_dir && !o.machine);

  int argc = parse(&o, err, 6, "--mb_cpu=1", "--mb_quick", "--benchmark_filter=harness", "--mb_counters=page-faults",
                   "--benchmark_out=x.json", "--benchmark_repetitions=3");
  CHECK_EQ_INT(argc, 3); /* membench, filter and repetitions stay for Google Benchmark */
  CHECK_EQ_INT(o.cpu, 1);
  CHECK_EQ_INT(o.quick, 1);
  CHECK_STR(o.counters, "page-faults");
  CHECK_STR(o.bm_out, "x.json");
  CHECK_STR(o.bm_filter, "harness");
  CHECK_EQ_INT(o.bm_repetitions_given, 1);

  CHECK_EQ_INT(parse(&o, err, 2, "--mb_out_dir=res", "--mb_machine=box-1"), 1);
  CHECK_STR(o.out_dir, "res");
  CHECK_STR(o.machine, "box-1");
  setenv("MB_MACHINE", "from-env", 1);
  CHECK_EQ_INT(parse(&o, err, 0), 1);
  CHECK_STR(o.machine, "from-env");
  unsetenv("MB_MACHINE");

  /* Bad input: one message naming the problem. */
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_cpus=1"), -1);
  CHECK(strstr(err, "unknown flag '--mb_cpus=1'") != NULL);
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_cpu=1x"), -1);
  CHECK(strstr(err, "--mb_cpu") != NULL);
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_cpu=-2"), -1);
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_cpu="), -1);
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_cpu=99999999999"), -1);
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_quick=maybe"), -1);
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_iterations=0"), -1);
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_iterations=ten"), -1);
  CHECK_EQ_INT(parse(&o, err, 2, "--mb_quick", "--mb_long"), -1);
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_out_dir="), -1);
  CHECK_EQ_INT(parse(&o, err, 1, "--benchmark_min_time=fast"), -1);
  CHECK_EQ_INT(parse(&o, err, 1, "--benchmark_min_time=-1"), -1);
  CHECK_EQ_INT(parse(&o, err, 1, "--benchmark_repetitions=0"), -1);
  CHECK_EQ_INT(parse(&o, err, 1, "--benchmark_out_format=xml"), -1);
  CHECK_EQ_INT(parse(&o, err, 1, "--benchmark_out="), -1);
  CHECK(strchr(err, '\n') == NULL);

  CHECK_EQ_INT(parse(&o, err, 1, "--mb_iterations=1000"), 1);
  CHECK_EQ_INT(o.iterations, 1000);
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_quick=false"), 1);
  CHECK_EQ_INT(o.quick, 0);
  CHECK_EQ_INT(parse(&o, err, 1, "--help"), 1); /* membench's own: Google Benchmark never sees it */
  CHECK_EQ_INT(o.help, 1);
  CHECK_EQ_INT(parse(&o, err, 1, "-h"), 1);
  CHECK_EQ_INT(o.help, 1);
  CHECK_EQ_INT(parse(&o, err, 1, "--version"), 1);
  CHECK(o.version && !o.help);
  /* The help text is the generated one (harness/help.txt): it names every --mb_ flag parsed here. */
  const char *flags[] = {"--mb_cpu=", "--mb_quick", "--mb_long", "--mb_counters=", "--mb_out_dir=", "--mb_testbed=",
                         "--mb_quiet_check=", "--mb_machine_name", "--mb_print_pu", "--mb_iterations=", "--mb_budget=",
                         "--mb_ws=", "--mb_threads=", "--version", "--help, -h"};
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
    if (!strstr(mb_cli_help, flags[i])) {
      fprintf(stderr, "the help does not name %s\n", flags[i]);
      CHECK(0);
    }

  /* Durations, sizes and thread counts for the one-off runs and the budget. */
  CHECK_EQ_INT(parse(&o, err, 3, "--mb_budget=4m", "--mb_ws=64MiB", "--mb_threads=2"), 1);
  CHECK(o.budget_s == 240 && o.ws == 64ull << 20 && o.threads == 2);
  CHECK(mb_parse_duration("90s") == 90 && mb_parse_duration("1h30m") == 5400 && mb_parse_duration("1.5h") == 5400 &&
        mb_parse_duration("250") == 250);
  CHECK(mb_parse_duration("") < 0 && mb_parse_duration("-5m") < 0 && mb_parse_duration("5 m") < 0 &&
        mb_parse_duration("500ms") < 0 && mb_parse_duration("2w") < 0 && mb_parse_duration("0s") < 0 && mb_parse_duration("8d") < 0);
  CHECK(mb_parse_size("64KiB") == 65536 && mb_parse_size("1GiB") == 1ull << 30 && mb_parse_size("4096") == 4096 &&
        mb_parse_size("1.5MiB") == 3ull << 19 && mb_parse_size("64k") == 65536);
  CHECK(!mb_parse_size("") && !mb_parse_size("-1") && !mb_parse_size("0") && !mb_parse_size("64 KiB") && !mb_parse_size("1.5") &&
        !mb_parse_size("12XB") && !mb_parse_size("1e30"));
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_budget=soon"), -1);
  CHECK(strstr(err, "--mb_budget: 'soon' is not a duration") != NULL);
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_ws=big"), -1);
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_ws=1000"), -1); /* not whole pages */
  CHECK(strstr(err, "--mb_ws") != NULL);
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_threads=0"), -1);
  CHECK_EQ_INT(parse(&o, err, 1, "--mb_threads=two"), -1);
  return TEST_EXIT();
}
