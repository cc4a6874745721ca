/*
 * mbgrind: deterministic counts for noisy machines and CI (the method CodSpeed and
 * iai-callgrind use). Each selected benchmark runs once, with a fixed iteration count, under
 * valgrind's callgrind with its cache simulator and address-space randomisation off;
 * membench toggles collection around the kernel call only, so setup is not counted. The
 * instruction count and the simulated D1 and LL misses per iteration are the same from run
 * to run for the same build, and they go into Google Benchmark JSON like every other result.
 *
 * Usage: mbgrind [--filter=REGEX] [--iterations=N] [--out=PATH | --out_dir=DIR]
 *                [--machine=NAME] MEMBENCH
 *   --filter      which benchmarks (default: the CI subset, MB_GRIND_DEFAULT_FILTER)
 *   --iterations  iterations per benchmark (default 1000)
 *   --out         the JSON file to write (atomically)
 *   --out_dir     write DIR/<machine>/deterministic-<UTC>.json and deterministic-latest.json
 * The binary must be one valgrind can decode: valgrind 3.19 (Debian 12) has no AVX-512, so
 * use a portable build (cmake -DMB_NATIVE=OFF; `make bench-deterministic` does). The counts
 * belong to that build and a fixed simulated cache hierarchy, so they compare across
 * machines too. In the JSON, real_time and cpu_time hold instructions per iteration (time_unit "ns" is a
 * formality compare.py needs; context.mb_deterministic says so); the counters
 * instructions, D1_misses, LL_misses, data_refs are per iteration.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "env.h"
#include "results.h"
#include "tooldie.h"

/* Small, fast benchmarks from each family: the CI regression subset (benches/ci_subset.txt,
 * which make bench-ci reads too). */
#include "mb_ci_subset.h"
#define MB_GRIND_DEFAULT_FILTER MB_CI_SUBSET

/* A fixed simulated hierarchy, not the host's (a VM reports a 508 MB L3): the same counts
 * on every machine for the same binary. */
#define MB_GRIND_I1 "--I1=32768,8,64"
#define MB_GRIND_D1 "--D1=49152,12,64"
#define MB_GRIND_LL "--LL=8388608,16,64"


/* snprintf that refuses to truncate: a cut path would name the wrong file. */
static void fmt(char *buf, size_t len, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *buf, size_t len, const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  int w = vsnprintf(buf, len, f, ap);
  va_end(ap);
  if (w < 0 || (size_t)w >= len) die("a name or path is too long (%.60s...)", buf);
}

/* Run argv with stdout to `out_path` (NULL: /dev/null), stderr to /dev/null unless
 * keep_stderr; ASLR off. Returns the exit status, -1 if it did not exit. */
static int run(char *const argv[], const char *out_path, int keep_stderr) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int fd = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) dup2(fd, 1);
    if (!keep_stderr) {
      int nul = open("/dev/null", O_WRONLY);
      if (nul >= 0) dup2(nul, 2);
    }
    /* Same addresses every run: the cache simulator's set indices depend on them. */
    personality(ADDR_NO_RANDOMIZE);
    execvp(argv[0], argv);
    _exit(127);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Parse callgrind's "events:" and "summary:" lines into the counts we report. */
typedef struct counts {
  double ir, dr, dw, d1mr, d1mw, dlmr, dlmw;
} counts_t;

static int parse_callgrind(const char *path, counts_t *c) {
  FILE *f = fopen(path, "r");
  char line[4096], events[64][16];
  int nev = 0, got = 0;
  memset(c, 0, sizeof *c);
  if (!f) return -1;
  while (fgets(line, sizeof line, f)) {
    if (!strncmp(line, "events:", 7)) {
      nev = 0;
      for (char *tok = strtok(line + 7, " \n"); tok && nev < 64; tok = strtok(NULL, " \n"))
        snprintf(events[nev++], sizeof events[0], "%s", tok);
    } else if (!strncmp(line, "summary:", 8) || !strncmp(line, "totals:", 7)) {
      char *p = strchr(line, ':') + 1;
      for (int i = 0; i < nev; i++) {
        double v = strtod(p, &p);
        if (!strcmp(events[i], "Ir")) c->ir = v;
        else if (!strcmp(events[i], "Dr")) c->dr = v;
        else if (!strcmp(events[i], "Dw")) c->dw = v;
        else if (!strcmp(events[i], "D1mr")) c->d1mr = v;
        else if (!strcmp(events[i], "D1mw")) c->d1mw = v;
        else if (!strcmp(events[i], "DLmr")) c->dlmr = v;
        else if (!strcmp(events[i], "DLmw")) c->dlmw = v;
      }
      got = 1;
    }
  }
  fclose(f);
  return got ? 0 : -1;
}

static char *regex_quote(const char *s) {
  static char buf[512];
  size_t w = 0;
  for (; *s && w + 3 < sizeof buf; s++) {
    if (strchr(".[]()*+?{}|^$\\", *s)) buf[w++] = '\\';
    buf[w++] = *s;
  }
  buf[w] = 0;
  return buf;
}

typedef struct grind_opts {
  const char *filter, *out, *out_dir, *machine, *bin;
  long iterations;
} grind_opts_t;

static void parse_args(int argc, char **argv, grind_opts_t *o) {
  *o = (grind_opts_t){.filter = MB_GRIND_DEFAULT_FILTER, .iterations = 1000};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strncmp(a, "--filter=", 9)) o->filter = a + 9;
    else if (!strncmp(a, "--out=", 6)) o->out = a + 6;
    else if (!strncmp(a, "--out_dir=", 10)) o->out_dir = a + 10;
    else if (!strncmp(a, "--machine=", 10)) o->machine = a + 10;
    else if (!strncmp(a, "--iterations=", 13)) {
      char *end;
      o->iterations = strtol(a + 13, &end, 10);
      if (!a[13] || *end || o->iterations < 1 || o->iterations > 100000000) die("--iterations: '%s' is not a count from 1 to 1e8", a + 13);
    } else if (a[0] == '-') die("unknown flag '%s' (usage: mbgrind [--filter=RE] [--iterations=N] [--out=PATH|--out_dir=DIR] MEMBENCH)", a);
    else if (!o->bin) o->bin = a;
    else die("one membench binary, please ('%s' is a second)", a);
  }
  if (!o->bin) die("usage: mbgrind [--filter=RE] [--iterations=N] [--out=PATH|--out_dir=DIR] MEMBENCH");
  if (!o->out && !o->out_dir) die("say where the results go: --out=PATH or --out_dir=DIR");
  if (access(o->bin, X_OK)) die("%s: %s", o->bin, strerror(errno));
}

/* Where the result goes (final; latest beside it under --out_dir), checked before the slow
 * part: the name membench itself files results under (CPU model and cores, or --machine). */
static void name_output(const grind_opts_t *o, const char *tmpdir, char final[PATH_MAX], char latest[PATH_MAX]) {
  char err[512];
  *latest = 0;
  if (!o->out_dir) {
    snprintf(final, PATH_MAX, "%s", o->out);
    return;
  }
  char name[128] = "";
  if (o->machine) {
    if (!mb_machine_name_valid(o->machine)) die("machine name '%s' is not usable as a directory name", o->machine);
    fmt(name, sizeof name, "%s", o->machine);
  } else {
    char nfile[PATH_MAX];
    fmt(nfile, sizeof nfile, "%s/machine", tmpdir);
    char *nargv[] = {(char *)o->bin, "--mb_machine_name", NULL};
    if (run(nargv, nfile, 1) != 0 || mb_read_line(nfile, name, sizeof name) || !*name)
      die("%s --mb_machine_name did not name the machine", o->bin);
    unlink(nfile);
  }
  char dir[PATH_MAX];
  fmt(dir, sizeof dir, "%s/%s", o->out_dir, name);
  if (mb_mkdir_p(dir, err, sizeof err)) die("%s", err);
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H-%M-%SZ", &tm);
  fmt(final, PATH_MAX, "%s/deterministic-%s.json", dir, stamp);
  fmt(latest, PATH_MAX, "%s/deterministic-latest.json", dir);
}

/* The benchmarks the filter selects, as membench names them with fixed iterations. */
static int list_benchmarks(const grind_opts_t *o, const char *tmpdir, const char *itarg, char names[256][200]) {
  char list[PATH_MAX], farg[1024];
  snprintf(list, sizeof list, "%s/list", tmpdir);
  snprintf(farg, sizeof farg, "--benchmark_filter=%s", o->filter);
  char *lsargv[] = {(char *)o->bin, farg, (char *)itarg, "--benchmark_list_tests", NULL};
  if (run(lsargv, list, 1) != 0) die("listing the benchmarks failed (see above)");
  FILE *lf = fopen(list, "r");
  int n = 0;
  while (lf && n < 256 && fgets(names[n], 200, lf)) {
    names[n][strcspn(names[n], "\n")] = 0;
    if (names[n][0]) n++;
  }
  if (lf) fclose(lf);
  unlink(list);
  if (n == 0) die("no benchmark matches '%s'", o->filter);
  return n;
}

static json_t *grind_context(const grind_opts_t *o, const char *version) {
  json_t *ctx = json_object();
  time_t now = time(NULL);
  char date[64];
  strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  json_object_set_new(ctx, "date", json_string(date));
  json_object_set_new(ctx, "executable", json_string(o->bin));
  json_object_set_new(ctx, "mb_deterministic",
                      json_string("callgrind --cache-sim=yes, ASLR off; real_time and cpu_time are instructions per iteration"));
  json_object_set_new(ctx, "mb_valgrind", json_string(version));
  json_object_set_new(ctx, "mb_simulated_caches", json_string(MB_GRIND_I1 " " MB_GRIND_D1 " " MB_GRIND_LL));
  json_object_set_new(ctx, "mb_iterations", json_integer(o->iterations));
  json_object_set_new(ctx, "library_build_type", json_string("release"));
  return ctx;
}

/* One benchmark under callgrind: its entry, or NULL (said) when valgrind failed. */
static json_t *grind_one(const grind_opts_t *o, const char *tmpdir, const char *itarg, const char *name) {
  char cg[PATH_MAX], cgarg[PATH_MAX + 32], one[512];
  snprintf(cg, sizeof cg, "%s/cg.out", tmpdir);
  fmt(cgarg, sizeof cgarg, "--callgrind-out-file=%s", cg);
  /* The listed name carries "/iterations:N"; filter on the name without it. */
  char base[200];
  fmt(base, sizeof base, "%s", name);
  char *suffix = strstr(base, "/iterations:");
  if (suffix) *suffix = 0;
  fmt(one, sizeof one, "--benchmark_filter=^%s(/iterations:[0-9]+)?(/real_time)?$", regex_quote(base));
  char *vgargv[] = {"valgrind", "--tool=callgrind", "--collect-atstart=no", "--cache-sim=yes", MB_GRIND_I1, MB_GRIND_D1,
                    MB_GRIND_LL, cgarg,
                    (char *)o->bin, one, (char *)itarg, "--mb_counters=none", "--benchmark_repetitions=1",
                    /* counts, not times: a re-measuring pass (the machine looked busy) would
                     * count the kernel twice */
                    "--mb_quiet_check=off", NULL};
  counts_t c;
  if (run(vgargv, NULL, 0) != 0 || parse_callgrind(cg, &c) || c.ir <= 0) {
    fprintf(stderr, ": failed under valgrind\n");
    return NULL;
  }
  unlink(cg);
  double it = (double)o->iterations;
  fprintf(stderr, ": %.1f instructions/iteration\n", c.ir / it);
  json_t *b = json_object();
  json_object_set_new(b, "name", json_string(name));
  json_object_set_new(b, "run_name", json_string(name));
  json_object_set_new(b, "run_type", json_string("iteration"));
  json_object_set_new(b, "repetitions", json_integer(1));
  json_object_set_new(b, "repetition_index", json_integer(0));
  json_object_set_new(b, "threads", json_integer(1));
  json_object_set_new(b, "iterations", json_integer(o->iterations));
  json_object_set_new(b, "real_time", json_real(c.ir / it));
  json_object_set_new(b, "cpu_time", json_real(c.ir / it));
  json_object_set_new(b, "time_unit", json_string("ns"));
  json_object_set_new(b, "instructions", json_real(c.ir / it));
  json_object_set_new(b, "data_refs", json_real((c.dr + c.dw) / it));
  json_object_set_new(b, "D1_misses", json_real((c.d1mr + c.d1mw) / it));
  json_object_set_new(b, "LL_misses", json_real((c.dlmr + c.dlmw) / it));
  return b;
}

int main(int argc, char **argv) {
  mb_tool_name = "mbgrind";
  grind_opts_t o;
  parse_args(argc, argv, &o);
#if !MB_HAVE_CALLGRIND
  /* membench of this build has no callgrind toggles around its kernels: nothing to count. */
  die("this build has no deterministic mode: it was configured without valgrind's headers (valgrind/callgrind.h); "
      "install valgrind (Debian/Ubuntu) or valgrind-devel (Fedora) and build again");
#endif
  char *vg[] = {"valgrind", "--version", NULL};
  char tmpdir[] = "/tmp/mbgrind-XXXXXX";
  if (!mkdtemp(tmpdir)) die("mkdtemp: %s", strerror(errno));
  char vfile[PATH_MAX], version[64] = "unknown";
  snprintf(vfile, sizeof vfile, "%s/version", tmpdir);
  if (run(vg, vfile, 0) != 0) die("valgrind is not installed (Debian package valgrind)");
  mb_read_line(vfile, version, sizeof version);
  unlink(vfile);
  char final[PATH_MAX], latest[PATH_MAX], err[512], itarg[64];
  name_output(&o, tmpdir, final, latest);
  snprintf(itarg, sizeof itarg, "--mb_iterations=%ld", o.iterations);
  static char names[256][200];
  const int n = list_benchmarks(&o, tmpdir, itarg, names);

  json_t *doc = json_object(), *benches = json_array();
  int failed = 0;
  for (int i = 0; i < n; i++) {
    fprintf(stderr, "mbgrind: [%d/%d] %s", i + 1, n, names[i]);
    json_t *b = grind_one(&o, tmpdir, itarg, names[i]);
    if (b) json_array_append_new(benches, b);
    else failed++;
  }
  json_object_set_new(doc, "context", grind_context(&o, version));
  json_object_set_new(doc, "benchmarks", benches);

  char tmp[PATH_MAX];
  mb_results_guard();
  if (mb_results_tmp(tmp, sizeof tmp, final) || json_dump_file(doc, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
    die("cannot write beside %s: %s", final, strerror(errno));
  if (mb_results_install_json(tmp, NULL, final, sizeof final, o.out_dir != NULL, *latest ? latest : NULL, err, sizeof err))
    die("%s", err);
  json_decref(doc);
  rmdir(tmpdir);
  fprintf(stderr, "mbgrind: %d benchmarks, %d failed; results in %s\n", n - failed, failed, final);
  return failed ? 1 : 0;
}
