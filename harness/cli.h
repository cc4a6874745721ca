/*
 * cli.h: membench's own --mb_* flags, and the Google Benchmark flags membench must see
 * (output path and format, min time, filter). Everything is checked before anything runs
 * or is written: bad input is one line in err and a nonzero return.
 */
#ifndef MB_CLI_H
#define MB_CLI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mb_options {
  int cpu;                 /* --mb_cpu=N, OS index; -1: the default PU */
  int quick;               /* --mb_quick */
  int long_sweep;          /* --mb_long */
  const char *counters;    /* --mb_counters=LIST; NULL: the default set */
  const char *out_dir;     /* --mb_out_dir=DIR: results go to DIR/<machine>/<UTC>.json + latest.json */
  const char *machine;     /* --mb_testbed=NAME or --mb_machine=NAME (or $MB_TESTBED, $MB_MACHINE):
                              the name results are filed under; NULL: derived from the CPU */
  int quiet_check;         /* --mb_quiet_check=on|off (default on): look at the load before the
                              run, mark and re-measure disturbed runs */
  long iterations;         /* --mb_iterations=N: every benchmark runs exactly N iterations
                              (deterministic counts); 0: Google Benchmark chooses */
  int print_machine;       /* --mb_machine_name: print the machine name and exit */
  int print_views;         /* --mb_views: print the declared report sections (JSON) and exit */
  int print_pu;            /* --mb_print_pu: print the PU a run would take now (the quiet
                              check's choice) and exit */
  int help;                /* --help, -h or --mb_help: print the help, exit 0 */
  int version;             /* --version: print the version and build, exit 0 */
  double budget_s;         /* --mb_budget=DURATION: seconds the run should fit in; 0: none */
  unsigned long long ws;   /* --mb_ws=SIZE: the one working set of the families that sweep one; 0: their sweep */
  int threads;             /* --mb_threads=N: the one thread count of the families that sweep threads; 0: theirs */
  /* Google Benchmark flags membench reads (they stay in argv unless said otherwise). */
  const char *bm_out;      /* --benchmark_out=PATH (removed from argv: membench writes it) */
  const char *bm_out_format; /* --benchmark_out_format=FMT (removed from argv) */
  const char *bm_filter;   /* --benchmark_filter=RE */
  int bm_min_time_given;   /* --benchmark_min_time was given */
  int bm_list;             /* --benchmark_list_tests[=true] */
  int bm_repetitions_given;
} mb_options_t;

/* Parse and remove membench's flags from argv (and --benchmark_out[_format]). Unknown
 * --mb_* flags and malformed values fail. 0, or -1 with the message in err. */
int mb_cli_parse(int *argc, char **argv, mb_options_t *opt, char *err, size_t errlen);

/* What --help prints (harness/help.txt; the man page is made from the same text). */
extern const char *const mb_cli_help;

/* "90s", "4m", "1h30m", "1.5h", "250" (seconds): seconds, or -1 when it is none of these. */
double mb_parse_duration(const char *v);
/* "64KiB", "64MiB", "1GiB", "4096", "64k", "1M": bytes, or 0 when it is none of these. */
unsigned long long mb_parse_size(const char *v);

#ifdef __cplusplus
}
#endif
#endif
