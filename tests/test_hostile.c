/*
 * test_hostile.c: what a hostile but fair user tries must not hurt (issue 15's items 1, 2, 3
 * and 13):
 *  - an output path that is not a regular file is written through, never replaced: a device
 *    node (made with mknod as root, in a scratch directory), a FIFO with a reader, a symlink
 *    to a file; a FIFO nobody reads and a directory are refused with one line, exit 2; no
 *    temporary file is left in the output's directory or in TMPDIR;
 *  - a result whose machine name is crafted (quotes and a command for gnuplot, "..", empty,
 *    a space) is refused by mbextract and `make plots` with exit 2: no command runs, nothing
 *    is written outside the results directory;
 *  - an invalid --benchmark_filter regex is refused before anything runs (exit 2, one line,
 *    no child process, no results directory);
 *  - placement claims only what happened (item 5): an imported topology (HWLOC_XMLFILE)
 *    binds nothing and the result says unpinned, with the reason, and no helper thread claims
 *    a PU; under an affinity of CPU 0, --mb_cpu=1 is refused and the default is CPU 0;
 *  - impossible values in a result are refused by the gate and the report (item 8);
 *  - make's variables are data: a ';command' in NEW runs nothing, ARGS keeps '(', '|', '$'
 *    (item 11);
 *  - CSV and console output files hold the children's benchmarks too (item 4);
 *  - a full disk is named "No space left on device" (item 7);
 *  - `make bench ARGS=<a filter>` puts its result under partial/ and leaves the machine's
 *    latest.json (and the charts and report) as they were.
 * Usage: test_hostile membench mbextract SOURCE_DIR BUILD_DIR MAKE
 */
#include <sched.h>
#include <sys/sysmacros.h>

#include "testjson.h"

static const char *make_prog = "make"; /* the build's make (argv[5]) */

static int entries(const char *dir) { return test_count_dir(dir); }

static void run_out(test_proc_t *p, const char *bin, const char *out) {
  char o[512];
  snprintf(o, sizeof o, "--benchmark_out=%s", out);
  char *av[] = {(char *)bin, "--mb_quick", "--benchmark_filter=^harness/empty$", o, NULL};
  CHECK_EQ_INT(test_run(p, av, 0, 0), 0);
}

static void output_paths(test_proc_t *p, const char *bin) {
  char dir[64], tmpdir[64], path[256], target[256];
  test_tmpdir(dir);
  test_tmpdir(tmpdir);
  setenv("TMPDIR", tmpdir, 1);
  struct stat st;
  /* A device node: written through, still a device afterwards. */
  snprintf(path, sizeof path, "%s/null", dir);
  if (geteuid() == 0 && mknod(path, S_IFCHR | 0666, makedev(1, 3)) == 0 && access(path, W_OK) == 0) {
    int fd = open(path, O_WRONLY);
    if (fd >= 0) {
      close(fd);
      run_out(p, bin, path);
      CHECK_EQ_INT(p->status, 0);
      CHECK(lstat(path, &st) == 0 && S_ISCHR(st.st_mode));
    } else {
      printf("device node part skipped: %s cannot open device nodes (nodev)\n", dir);
    }
    unlink(path);
  } else {
    printf("device node part skipped: needs root and mknod\n");
  }
  /* A symlink to a file: the file gets the result, replaced (a new inode: never truncated
   * and written through), the link stays a link; a relative link that dangles names the
   * file to create, in the link's directory. */
  snprintf(target, sizeof target, "%s/target.json", dir);
  snprintf(path, sizeof path, "%s/link.json", dir);
  FILE *f = fopen(target, "w");
  fputs("old", f);
  fclose(f);
  struct stat before;
  CHECK(stat(target, &before) == 0);
  CHECK(symlink(target, path) == 0);
  run_out(p, bin, path);
  CHECK_EQ_INT(p->status, 0);
  CHECK(lstat(path, &st) == 0 && S_ISLNK(st.st_mode));
  CHECK(stat(target, &st) == 0 && st.st_ino != before.st_ino);
  json_t *doc = json_load_file(target, 0, NULL);
  CHECK(doc && find_bench(doc, "harness/empty"));
  json_decref(doc);
  snprintf(path, sizeof path, "%s/dangling.json", dir);
  CHECK(symlink("made-by-link.json", path) == 0);
  run_out(p, bin, path);
  CHECK_EQ_INT(p->status, 0);
  CHECK(lstat(path, &st) == 0 && S_ISLNK(st.st_mode));
  snprintf(target, sizeof target, "%s/made-by-link.json", dir);
  doc = json_load_file(target, 0, NULL);
  CHECK(doc && find_bench(doc, "harness/empty"));
  json_decref(doc);
  /* A FIFO with a reader gets the whole document; without one, one line and exit 2. */
  snprintf(path, sizeof path, "%s/fifo", dir);
  CHECK(mkfifo(path, 0600) == 0);
  char got[256];
  snprintf(got, sizeof got, "%s/from_fifo.json", dir);
  pid_t reader = fork();
  if (reader == 0) {
    alarm(60); /* never outlive a broken run */
    int in = open(path, O_RDONLY), out = open(got, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char buf[4096];
    ssize_t n;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
      if (write(out, buf, (size_t)n) != n) break;
    _exit(0);
  }
  usleep(100 * 1000);
  run_out(p, bin, path);
  CHECK_EQ_INT(p->status, 0);
  waitpid(reader, NULL, 0);
  doc = json_load_file(got, 0, NULL);
  CHECK(doc && find_bench(doc, "harness/empty"));
  json_decref(doc);
  CHECK(lstat(path, &st) == 0 && S_ISFIFO(st.st_mode));
  run_out(p, bin, path); /* nobody reads now */
  CHECK(p->status == 2 && strstr(p->err, "a FIFO with no reader"));
  /* A directory: refused before anything runs. */
  run_out(p, bin, dir);
  CHECK(p->status == 2 && test_lines(p->err) == 1 && strstr(p->err, "is a directory") && !strstr(p->err, "family"));
  /* Nothing left behind: target, link, dangling, made-by-link, fifo, from_fifo.json; TMPDIR empty. */
  CHECK_EQ_INT(entries(dir), 6);
  CHECK_EQ_INT(entries(tmpdir), 0);
  unsetenv("TMPDIR");
  test_rmtree(dir);
  test_rmtree(tmpdir);
}

static void crafted_machine(test_proc_t *p, const char *mbextract, const char *src, const char *build) {
  char dir[64], results[128], path[256], marker[128];
  test_tmpdir(dir);
  snprintf(results, sizeof results, "%s/results", dir);
  snprintf(marker, sizeof marker, "%s/PWNED", dir);
  char *orig = test_slurp("fuzz_corpus/membench_small.json");
  CHECK(orig != NULL);
  if (!orig) return;
  char evil[4][200];
  snprintf(evil[0], sizeof evil[0], "x';system('touch %s');y='", marker);
  snprintf(evil[1], sizeof evil[1], "../../../%s/evil", dir + 1);
  snprintf(evil[2], sizeof evil[2], "%s", "");
  snprintf(evil[3], sizeof evil[3], "x y");
  for (int k = 0; k < 4; k++) {
    json_t *doc = json_loads(orig, 0, NULL);
    CHECK(doc != NULL);
    if (!doc) break;
    json_object_set_new(json_object_get(doc, "context"), "mb_machine", json_string(evil[k]));
    snprintf(path, sizeof path, "%s/evil%d.json", dir, k);
    CHECK(json_dump_file(doc, path, 0) == 0);
    json_decref(doc);
    char *av[] = {(char *)mbextract, path, "--machine", NULL};
    CHECK_EQ_INT(test_run(p, av, 0, 0), 0);
    CHECK(p->status == 2 && test_lines(p->err) == 1 && !*p->out);
    char r[300], rs[200], b[300];
    snprintf(r, sizeof r, "RESULT=%s", path);
    snprintf(rs, sizeof rs, "RESULTS=%s", results);
    snprintf(b, sizeof b, "BUILD=%s", build);
    char *mv[] = {(char *)make_prog, "--no-print-directory", "-s", "-C", (char *)src, "plots", r, rs, b, NULL};
    CHECK_EQ_INT(test_run(p, mv, 0, 0), 0);
    CHECK(p->status == 2 && strstr(p->err, "mbextract: ")); /* refused by mbextract, nothing else */
  }
  struct stat st;
  CHECK(stat(marker, &st) != 0);     /* no command ran */
  CHECK(stat(results, &st) != 0);    /* nothing was written, inside or outside */
  CHECK_EQ_INT(entries(dir), 4);     /* the four crafted files only */
  free(orig);
  test_rmtree(dir);
}

static void bad_filter_and_partial_runs(test_proc_t *p, const char *bin, const char *src, const char *build) {
  char dir[64], o[128], latest[256];
  test_tmpdir(dir);
  snprintf(o, sizeof o, "--mb_out_dir=%s", dir);
  char *av[] = {(char *)bin, "--mb_quick", "--benchmark_filter=harness/(empty", o, NULL};
  CHECK_EQ_INT(test_run(p, av, 0, 0), 0);
  CHECK(p->status == 2 && test_lines(p->err) == 1 && strstr(p->err, "not a regular expression"));
  CHECK(!strstr(p->err, "child process"));
  CHECK_EQ_INT(entries(dir), 0);
  /* An anchored filter still matches when a flag adds a suffix to the names (item 9). */
  char *iv[] = {(char *)bin, "--mb_quick", "--mb_iterations=5", "--benchmark_filter=^harness/empty$", NULL};
  CHECK_EQ_INT(test_run(p, iv, 0, 0), 0);
  CHECK(p->status == 0 && strstr(p->err, "1 benchmarks selected") && strstr(p->out, "harness/empty/iterations:5"));
  /* make bench with a filter in ARGS: the result goes under partial/, the machine's
   * latest.json (committed, in a real checkout) is not touched. */
  char rs[200], b[300];
  snprintf(rs, sizeof rs, "RESULTS=%s", dir);
  snprintf(b, sizeof b, "BUILD=%s", build);
  char *mv[] = {(char *)make_prog, "--no-print-directory", "-s", "-C", (char *)src, "bench", rs, b,
                "ARGS=--mb_quick --mb_machine=m --benchmark_filter=^harness/empty$", NULL};
  CHECK_EQ_INT(test_run(p, mv, 0, 0), 0);
  CHECK_EQ_INT(p->status, 0);
  snprintf(latest, sizeof latest, "%s/m/latest.json", dir);
  struct stat st;
  CHECK(stat(latest, &st) != 0);
  CHECK_EQ_INT(entries(dir), 1); /* partial/ only */
  snprintf(latest, sizeof latest, "%s/partial/m/latest.json", dir);
  CHECK(stat(latest, &st) == 0);
  CHECK(strstr(p->out, "a partial run") != NULL);
  test_rmtree(dir);
}

/* Placement claims only what happened: an imported topology binds nothing and says so; a
 * CPU outside the process's affinity is refused; the default stays inside it. */
static void placement_claims(test_proc_t *p, const char *bin) {
  char dir[64], out[128], o[160];
  test_tmpdir(dir);
  snprintf(out, sizeof out, "%s/r.json", dir);
  snprintf(o, sizeof o, "--benchmark_out=%s", out);
  setenv("HWLOC_XMLFILE", "data/16em64t-4s2c2t.xml", 1);
  char *av[] = {(char *)bin, "--mb_quick", "--benchmark_filter=^(harness/empty|hierarchy/false_sharing/same_line:1/scatter:0/real_time)$", o, NULL};
  CHECK_EQ_INT(test_run(p, av, 0, 0), 0);
  unsetenv("HWLOC_XMLFILE");
  CHECK_EQ_INT(p->status, 0);
  json_t *doc = json_load_file(out, 0, NULL);
  json_t *m = json_object_get(json_object_get(doc, "context"), "membench");
  CHECK(m && json_is_false(json_object_get(m, "pinned")) && json_is_false(json_object_get(m, "membind")));
  const char *why = json_string_value(json_object_get(m, "unpinned_reason"));
  CHECK(why && strstr(why, "imported"));
  json_t *fs = find_bench(doc, "hierarchy/false_sharing/same_line:1/scatter:0/real_time");
  const char *msg = fs ? json_string_value(json_object_get(fs, "error_message")) : NULL;
  CHECK(msg && strstr(msg, "skipped: cannot pin")); /* no thread claims a PU it was not bound to */
  json_decref(doc);
  /* Under an affinity of CPU 0 alone (as taskset -c 0 sets it). */
  cpu_set_t saved, only0;
  sched_getaffinity(0, sizeof saved, &saved);
  CPU_ZERO(&only0);
  CPU_SET(0, &only0);
  if (CPU_ISSET(0, &saved) && CPU_COUNT(&saved) > 1 && sched_setaffinity(0, sizeof only0, &only0) == 0) {
    char *bad[] = {(char *)bin, "--mb_quick", "--mb_cpu=1", "--benchmark_filter=^harness/empty$", NULL};
    CHECK_EQ_INT(test_run(p, bad, 0, 0), 0);
    CHECK(p->status == 2 && test_lines(p->err) == 1 && strstr(p->err, "outside the CPUs"));
    char *def[] = {(char *)bin, "--mb_quick", "--benchmark_filter=^harness/empty$", o, NULL};
    CHECK_EQ_INT(test_run(p, def, 0, 0), 0);
    CHECK_EQ_INT(p->status, 0);
    doc = json_load_file(out, 0, NULL);
    m = json_object_get(json_object_get(doc, "context"), "membench");
    CHECK(m && json_is_true(json_object_get(m, "pinned")) && json_integer_value(json_object_get(m, "pu")) == 0);
    json_decref(doc);
    /* Threads stay inside the mask: no worker bound to a PU it does not hold (the
     * two-thread read bound its worker to PU 1), and the context says why there are fewer. */
    char *mt[] = {(char *)bin, "--mb_quick", "--mb_counters=none", "--benchmark_filter=^machine/read_compact/", o, NULL};
    CHECK_EQ_INT(test_run(p, mt, 0, 0), 0);
    CHECK_EQ_INT(p->status, 0);
    doc = json_load_file(out, 0, NULL);
    m = json_object_get(json_object_get(doc, "context"), "membench");
    const char *aff = json_string_value(json_object_get(m, "affinity"));
    CHECK(aff && strstr(aff, "PUs 0 of"));
    int outside = 0, entries_seen = 0;
    size_t k;
    json_t *b;
    json_array_foreach(json_object_get(doc, "benchmarks"), k, b) {
      entries_seen++;
      for (int t = 0; t < 64; t++) {
        char key[32];
        snprintf(key, sizeof key, "thread%d_pu", t);
        json_t *pu = json_object_get(b, key);
        if (pu && json_number_value(pu) != 0) outside++;
      }
    }
    CHECK(entries_seen > 0);
    CHECK_EQ_INT(outside, 0);
    json_decref(doc);
    sched_setaffinity(0, sizeof saved, &saved);
  } else {
    printf("affinity part skipped: needs CPU 0 and another CPU\n");
  }
  test_rmtree(dir);
}

/* A full disk is named as such (item 7): a 1 MiB tmpfs, filled, in a mount namespace of its
 * own (root only), and nothing is left on it. */
static void full_disk(test_proc_t *p, const char *bin) {
  if (geteuid() != 0 || access("/usr/bin/unshare", X_OK)) {
    printf("full disk part skipped: needs root and unshare\n");
    return;
  }
  char dir[64], script[1024];
  test_tmpdir(dir);
  snprintf(script, sizeof script,
           "mount -t tmpfs -o size=1m none '%s' || exit 77; dd if=/dev/zero of='%s/fill' bs=4k count=1000 2>/dev/null; "
           "'%s' --mb_quick --benchmark_filter='^harness/empty$' --mb_machine=m --mb_out_dir='%s'; rc=$?; "
           "n=$(find '%s' -name '*.tmp' -o -name '*.json' | wc -l); echo \"files $n\"; exit $rc",
           dir, dir, bin, dir, dir);
  char *av[] = {"/usr/bin/unshare", "-m", "/bin/sh", "-c", script, NULL};
  CHECK_EQ_INT(test_run(p, av, 0, 0), 0);
  if (p->status == 77) {
    printf("full disk part skipped: cannot mount a tmpfs here\n");
  } else {
    CHECK_EQ_INT(p->status, 2);
    CHECK(strstr(p->err, "No space left on device") != NULL);
    CHECK(strstr(p->out, "files 0") != NULL);
  }
  /* --benchmark_out through a symlink to an earlier result on the full disk: that result is
   * byte for byte as it was (it was truncated to 8 KiB of partial JSON, written through). */
  char link[128];
  snprintf(link, sizeof link, "%s-link.json", dir);
  snprintf(script, sizeof script,
           "mount -t tmpfs -o size=1m none '%s' || exit 77; printf '{\"context\": {}, \"benchmarks\": []}\\n' > '%s/old.json'; "
           "before=$(cksum < '%s/old.json'); ln -sf '%s/old.json' '%s'; dd if=/dev/zero of='%s/fill' bs=4k count=1000 2>/dev/null; "
           "'%s' --mb_quick --benchmark_filter='^harness/empty$' --benchmark_out='%s'; rc=$?; "
           "[ \"$(cksum < '%s/old.json')\" = \"$before\" ] && echo 'old intact'; exit $rc",
           dir, dir, dir, dir, link, dir, bin, link, dir);
  CHECK_EQ_INT(test_run(p, av, 0, 0), 0);
  if (p->status != 77) {
    CHECK_EQ_INT(p->status, 2);
    CHECK(strstr(p->err, "No space left on device") != NULL);
    CHECK(strstr(p->out, "old intact") != NULL);
  }
  unlink(link);
  char part[160];
  snprintf(part, sizeof part, "%s-link.partial.json", dir); /* its checkpoint, beside the link */
  unlink(part);
  test_rmtree(dir);
}

/* Impossible values in a result (item 8): a negative or string time, a name that is not a
 * string are refused by the gate and the report (exit 2, one line); a change from 0 and a
 * huge one print as "n/a" and in three digits. */
static void impossible_values(test_proc_t *p, const char *src, const char *build) {
  char dir[64], path[256], base[256], mbcompare[300], mbreport[300];
  test_tmpdir(dir);
  snprintf(mbcompare, sizeof mbcompare, "%s/mbcompare", build);
  snprintf(mbreport, sizeof mbreport, "%s/mbreport", build);
  (void)src;
  char *orig = test_slurp("fuzz_corpus/membench_small.json");
  CHECK(orig != NULL);
  if (!orig) return;
  snprintf(base, sizeof base, "%s/base.json", dir);
  FILE *f = fopen(base, "w");
  fputs(orig, f);
  fclose(f);
  for (int k = 0; k < 3; k++) {
    json_t *doc = json_loads(orig, 0, NULL);
    json_t *b = json_array_get(json_object_get(doc, "benchmarks"), 0);
    if (k == 0) json_object_set_new(b, "real_time", json_real(-5));
    if (k == 1) json_object_set_new(b, "real_time", json_string("fast"));
    if (k == 2) json_object_set_new(b, "name", json_integer(42));
    snprintf(path, sizeof path, "%s/bad%d.json", dir, k);
    json_dump_file(doc, path, 0);
    json_decref(doc);
    char *cv[] = {mbcompare, base, path, NULL}, *rv[] = {mbreport, path, NULL};
    CHECK_EQ_INT(test_run(p, cv, 0, 0), 0);
    CHECK(p->status == 2 && test_lines(p->err) == 1);
    CHECK_EQ_INT(test_run(p, rv, 0, 0), 0);
    CHECK(p->status == 2 && test_lines(p->err) == 1 && !*p->out);
  }
  /* 0 -> x, and x -> 10^300 x. */
  json_t *doc = json_loads(orig, 0, NULL), *b0 = json_array_get(json_object_get(doc, "benchmarks"), 0);
  const char *name = json_string_value(json_object_get(b0, "name"));
  char want[200];
  snprintf(want, sizeof want, "%s ", name);
  json_object_set_new(b0, "real_time", json_real(0));
  snprintf(path, sizeof path, "%s/zero.json", dir);
  json_dump_file(doc, path, 0);
  json_object_set_new(b0, "real_time", json_real(1e300));
  char huge[256];
  snprintf(huge, sizeof huge, "%s/huge.json", dir);
  json_dump_file(doc, huge, 0);
  json_decref(doc);
  char *zv[] = {mbcompare, "--any_machine", path, base, NULL}; /* the corpus predates fingerprints */
  CHECK_EQ_INT(test_run(p, zv, 0, 0), 0);
  const char *l = strstr(p->out, want);
  CHECK(l && strstr(l, "n/a") && strstr(l, "n/a") < strchr(l, '\n'));
  char *hv[] = {mbcompare, "--any_machine", base, huge, NULL};
  CHECK_EQ_INT(test_run(p, hv, 0, 0), 0);
  l = strstr(p->out, want);
  const char *end = l ? strchr(l, '\n') : NULL;
  CHECK(l && end && end - l < 160 && (strstr(l, "e+") && strstr(l, "e+") < end)); /* three digits, no 300 */
  free(orig);
  test_rmtree(dir);
}

/* What is typed into make's variables is data (item 11): a ';command' in NEW runs nothing and a
 * path with a space stays one path; ARGS with '(', '|' and '$' reaches membench as typed. */
static void make_quoting(test_proc_t *p, const char *src, const char *build) {
  char dir[64], marker[128], base[200], newv[300], b[300], rs[200];
  test_tmpdir(dir);
  snprintf(marker, sizeof marker, "%s/INJECTED", dir);
  snprintf(base, sizeof base, "BASE=%s/a b.json", dir);
  snprintf(newv, sizeof newv, "NEW=x.json;touch %s", marker);
  snprintf(b, sizeof b, "BUILD=%s", build);
  char *cv[] = {(char *)make_prog, "--no-print-directory", "-s", "-C", (char *)src, "compare", base, newv, b, NULL};
  CHECK_EQ_INT(test_run(p, cv, 0, 0), 0);
  struct stat st;
  CHECK(p->status != 0 && stat(marker, &st) != 0);
  CHECK(strstr(p->err, "a b.json") != NULL); /* one path, named whole */
  snprintf(rs, sizeof rs, "RESULTS=%s", dir);
  char *qv[] = {(char *)make_prog, "--no-print-directory", "-s", "-C", (char *)src, "bench-quick", rs, b,
                "ARGS=--mb_machine=q --benchmark_filter=^harness/(empty|rdtsc)$", NULL};
  CHECK_EQ_INT(test_run(p, qv, 0, 0), 0);
  CHECK_EQ_INT(p->status, 0);
  CHECK(strstr(p->err, "2 benchmarks selected") != NULL);
  test_rmtree(dir);
}

/* CSV and console output files hold every benchmark, the children's too (item 4). */
static void other_formats(test_proc_t *p, const char *bin) {
  char dir[64], out[128], o[160];
  test_tmpdir(dir);
  static const char *const fmts[] = {"csv", "console"};
  for (int k = 0; k < 2; k++) {
    char f[64];
    snprintf(out, sizeof out, "%s/o.%s", dir, fmts[k]);
    snprintf(o, sizeof o, "--benchmark_out=%s", out);
    snprintf(f, sizeof f, "--benchmark_out_format=%s", fmts[k]);
    char *av[] = {(char *)bin, "--mb_quick", "--benchmark_filter=^(alloc/glibc/pair/size:32|harness/empty)$", o, f, NULL};
    CHECK_EQ_INT(test_run(p, av, 0, 0), 0);
    CHECK_EQ_INT(p->status, 0);
    char *text = test_slurp(out);
    CHECK(text && strstr(text, "harness/empty") && strstr(text, "alloc/glibc/pair/size:32"));
    if (text && k == 0) CHECK(!strncmp(text, "name,iterations,real_time", 25) && test_lines(text) == 3);
    free(text);
  }
  CHECK_EQ_INT(entries(dir), 2);
  test_rmtree(dir);
}

int main(int argc, char **argv) {
  if (argc < 6) return 2;
  make_prog = argv[5];
  test_proc_t *p = malloc(sizeof *p);
  output_paths(p, argv[1]);
  crafted_machine(p, argv[2], argv[3], argv[4]);
  bad_filter_and_partial_runs(p, argv[1], argv[3], argv[4]);
  placement_claims(p, argv[1]);
  full_disk(p, argv[1]);
  impossible_values(p, argv[3], argv[4]);
  make_quoting(p, argv[3], argv[4]);
  other_formats(p, argv[1]);
  free(p);
  return TEST_EXIT();
}
