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
  int print_pu;            /* --mb_print_pu: print the PU a run would take now (the quiet
                              check's choice) and exit */
  int help;                /* --help or --mb_help */
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

/* The --mb_* part of --help. */
extern const char mb_cli_help[];

#ifdef __cplusplus
}
#endif
#endif
