/*
 * cli.c: parsing of --mb_* flags. Values are checked strictly (whole string, in range):
 * "--mb_cpu=1x" is an error, not CPU 1.
 */
#define _GNU_SOURCE
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mb_help.h"

const char *const mb_cli_help = mb_help_text;

double mb_parse_duration(const char *v) {
  double total = 0;
  int parts = 0;
  const char *p = v;
  while (*p) {
    char *end;
    if (!isdigit((unsigned char)*p)) return -1; /* no sign, no space */
    errno = 0;
    double x = strtod(p, &end);
    if (errno || end == p) return -1;
    double unit = 1;
    if (*end == 'h') unit = 3600, end++;
    else if (*end == 'm' && end[1] != 's') unit = 60, end++;
    else if (*end == 's') end++;
    else if (*end) return -1;
    total += x * unit, parts++;
    p = end;
  }
  return parts && total > 0 && total <= 7 * 86400 ? total : -1;
}

unsigned long long mb_parse_size(const char *v) {
  char *end;
  if (!isdigit((unsigned char)*v)) return 0;
  errno = 0;
  double x = strtod(v, &end);
  if (errno || end == v || !(x > 0)) return 0;
  static const struct { const char *suffix; double mult; } units[] = {
      {"", 1}, {"B", 1}, {"k", 1024}, {"K", 1024}, {"KiB", 1024}, {"KB", 1024}, {"M", 1 << 20}, {"MiB", 1 << 20}, {"MB", 1 << 20},
      {"G", 1 << 30}, {"GiB", 1 << 30}, {"GB", 1 << 30}, {"T", 1099511627776.0}, {"TiB", 1099511627776.0}};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (!strcmp(end, units[i].suffix)) {
      double b = x * units[i].mult;
      if (b < 1 || b > 1e15 || b != (double)(unsigned long long)b) return 0; /* a whole number of bytes */
      return (unsigned long long)b;
    }
  return 0;
}

/* "--name" or "--name=value": returns the value ("" for a bare flag), NULL if not this flag. */
static const char *flag_value(const char *arg, const char *name) {
  size_t n = strlen(name);
  if (strncmp(arg, name, n)) return NULL;
  if (arg[n] == 0) return "";
  if (arg[n] == '=') return arg + n + 1;
  return NULL;
}

static int parse_bool(const char *v, int *out) {
  if (!*v || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes")) *out = 1;
  else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no")) *out = 0;
  else return -1;
  return 0;
}

static int parse_int(const char *v, long lo, long hi, int *out) {
  char *end;
  errno = 0;
  if (!isdigit((unsigned char)*v) && !(*v == '-' && isdigit((unsigned char)v[1]))) return -1; /* no ' 1', no '+1' */
  long x = strtol(v, &end, 10);
  if (!*v || *end || errno || x < lo || x > hi) return -1;
  *out = (int)x;
  return 0;
}

static int bad_bool(const char *a, char *err, size_t errlen) {
  snprintf(err, errlen, "%s: expected true or false", a);
  return -1;
}

/* One --mb_* flag into opt: 0, or -1 with the one line in err. */
static int parse_mb_flag(const char *a, mb_options_t *opt, char *err, size_t errlen) {
  const char *v;
  if ((v = flag_value(a, "--mb_cpu"))) {
    if (parse_int(v, 0, INT_MAX, &opt->cpu)) {
      snprintf(err, errlen, "--mb_cpu: '%s' is not a CPU number (an OS index, 0 or more)", v);
      return -1;
    }
  } else if ((v = flag_value(a, "--mb_quick"))) {
    if (parse_bool(v, &opt->quick))
      return bad_bool(a, err, errlen);
  } else if ((v = flag_value(a, "--mb_long"))) {
    if (parse_bool(v, &opt->long_sweep))
      return bad_bool(a, err, errlen);
  } else if ((v = flag_value(a, "--mb_counters"))) {
    if (!*v) {
      snprintf(err, errlen, "--mb_counters: an empty list (for no counters: --mb_counters=none)");
      return -1;
    }
    opt->counters = v;
  } else if ((v = flag_value(a, "--mb_out_dir"))) {
    if (!*v) {
      snprintf(err, errlen, "--mb_out_dir needs a directory: --mb_out_dir=DIR");
      return -1;
    }
    opt->out_dir = v;
  } else if ((v = flag_value(a, "--mb_machine_name"))) {
    opt->print_machine = 1;
  } else if ((v = flag_value(a, "--mb_views"))) {
    opt->print_views = 1;
  } else if ((v = flag_value(a, "--mb_print_pu"))) {
    opt->print_pu = 1;
  } else if ((v = flag_value(a, "--mb_machine")) || (v = flag_value(a, "--mb_testbed"))) {
    if (!*v) {
      int fl = (int)strcspn(a, "=");
      snprintf(err, errlen, "%.*s needs a name: %.*s=NAME", fl, a, fl, a);
      return -1;
    }
    opt->machine = v;
  } else if ((v = flag_value(a, "--mb_quiet_check"))) {
    if (!strcmp(v, "on"))
      opt->quiet_check = 1;
    else if (!strcmp(v, "off"))
      opt->quiet_check = 0;
    else if (parse_bool(v, &opt->quiet_check)) {
      snprintf(err, errlen, "--mb_quiet_check: '%s' is not on or off", v);
      return -1;
    }
  } else if ((v = flag_value(a, "--mb_iterations"))) {
    int it;
    if (parse_int(v, 1, INT_MAX, &it)) {
      snprintf(err, errlen, "--mb_iterations: '%s' is not a whole number of at least 1", v);
      return -1;
    }
    opt->iterations = it;
  } else if ((v = flag_value(a, "--mb_help"))) {
    opt->help = 1;
  } else if ((v = flag_value(a, "--mb_budget"))) {
    if ((opt->budget_s = mb_parse_duration(v)) <= 0) {
      snprintf(err, errlen, "--mb_budget: '%s' is not a duration (90s, 4m, 1h30m, or seconds; at most a week)", v);
      return -1;
    }
  } else if ((v = flag_value(a, "--mb_ws"))) {
    if (!(opt->ws = mb_parse_size(v)) || opt->ws % 4096) {
      snprintf(err, errlen, "--mb_ws: '%s' is not a size in whole 4 KiB pages (64KiB, 64MiB, 1GiB, or a number of bytes)", v);
      return -1;
    }
  } else if ((v = flag_value(a, "--mb_threads"))) {
    if (parse_int(v, 1, 4096, &opt->threads)) {
      snprintf(err, errlen, "--mb_threads: '%s' is not a thread count (1 to 4096)", v);
      return -1;
    }
  } else {
    snprintf(err, errlen, "unknown flag '%s' (see --help for the --mb_* flags)", a);
    return -1;
  }
  return 0;
}

/* One Google Benchmark flag that membench reads too: checked here, so bad input is one line
 * before anything runs; *keep = 0 for those membench handles itself (the output file). */
static int parse_gb_flag(const char *a, mb_options_t *opt, int *keep, char *err, size_t errlen) {
  const char *v;
  if ((v = flag_value(a, "--benchmark_out"))) {
    *keep = 0;
    if (!*v) {
      snprintf(err, errlen, "--benchmark_out needs a file name: --benchmark_out=PATH");
      return -1;
    }
    opt->bm_out = v;
  } else if ((v = flag_value(a, "--benchmark_out_format"))) {
    *keep = 0;
    if (strcmp(v, "json") && strcmp(v, "console") && strcmp(v, "csv")) {
      snprintf(err, errlen, "--benchmark_out_format: '%s' is not one of json, console, csv", v);
      return -1;
    }
    opt->bm_out_format = v;
  } else if ((v = flag_value(a, "--benchmark_format"))) {
    if (strcmp(v, "json") && strcmp(v, "console") && strcmp(v, "csv")) {
      snprintf(err, errlen, "--benchmark_format: '%s' is not one of json, console, csv", v);
      return -1;
    }
  } else if ((v = flag_value(a, "--benchmark_filter"))) {
    opt->bm_filter = v;
  } else if ((v = flag_value(a, "--benchmark_min_time"))) {
    char *end;
    errno = 0;
    double t = strtod(v, &end);
    if (!*v || *end || errno || !(t > 0) || !(t <= 86400)) {
      snprintf(err, errlen, "--benchmark_min_time: '%s' is not a number of seconds above 0, at most a day", v);
      return -1;
    }
    opt->bm_min_time_given = 1;
  } else if ((v = flag_value(a, "--benchmark_repetitions"))) {
    int r;
    if (parse_int(v, 1, 1000000, &r)) {
      snprintf(err, errlen, "--benchmark_repetitions: '%s' is not a whole number of at least 1", v);
      return -1;
    }
    opt->bm_repetitions_given = 1;
  } else if ((v = flag_value(a, "--benchmark_list_tests"))) {
    if (parse_bool(v, &opt->bm_list))
      return bad_bool(a, err, errlen);
  }
  return 0;
}

int mb_cli_parse(int *argc, char **argv, mb_options_t *opt, char *err, size_t errlen) {
  memset(opt, 0, sizeof *opt);
  opt->cpu = -1;
  opt->quiet_check = 1;
  opt->machine = getenv("MB_TESTBED");
  if (!opt->machine || !*opt->machine) opt->machine = getenv("MB_MACHINE");
  if (opt->machine && !*opt->machine) opt->machine = NULL;
  int w = 1;
  for (int i = 1; i < *argc; i++) {
    const char *a = argv[i];
    int keep = 1;
    if (!strncmp(a, "--mb_", 5)) {
      keep = 0;
      if (parse_mb_flag(a, opt, err, errlen)) return -1;
    } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      keep = 0;
      opt->help = 1;
    } else if (!strcmp(a, "--version")) {
      keep = 0;
      opt->version = 1;
    } else if (parse_gb_flag(a, opt, &keep, err, errlen)) {
      return -1;
    }
    if (keep) argv[w++] = argv[i];
  }
  *argc = w;
  argv[w] = NULL;
  if (opt->quick && opt->long_sweep) {
    snprintf(err, errlen, "--mb_quick and --mb_long contradict each other: choose one");
    return -1;
  }
  return 0;
}
