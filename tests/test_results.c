/*
 * test_results.c: result files are installed atomically: a timestamped result is never
 * replaced, latest.json is, truncated output never becomes a result, and an interrupted
 * writer leaves no temporary file and every earlier result intact.
 */
#include <sys/stat.h>

#include "results.h"
#include "testutil.h"

static const char good[] = "{\"context\": {\"date\": \"x\"}, \"benchmarks\": [{\"name\": \"a/b\", \"real_time\": 1}]}";

static void write_file(const char *path, const char *s) {
  FILE *f = fopen(path, "w");
  fputs(s, f);
  fclose(f);
}

int main(void) {
  char dir[64], err[512], final[4096], tmp[4096], latest[4096];
  test_tmpdir(dir);
  mb_results_guard();

  /* mkdir -p, and refusal of a path under a file. */
  char sub[256];
  snprintf(sub, sizeof sub, "%s/res/box", dir);
  CHECK_EQ_INT(mb_mkdir_p(sub, err, sizeof err), 0);
  snprintf(latest, sizeof latest, "%s/latest.json", sub);
  write_file(latest, "old");
  char under[4200];
  snprintf(under, sizeof under, "%s/sub", latest);
  CHECK_EQ_INT(mb_mkdir_p(under, err, sizeof err), -1);

  CHECK_EQ_INT(mb_results_stamp_path(final, sizeof final - 16, dir, "box"), 0);
  CHECK(strstr(final, "/box/") && strstr(final, "Z.json"));

  /* First install: result and latest, with the extra context merged in. */
  snprintf(final, sizeof final, "%s/r.json", sub);
  CHECK_EQ_INT(mb_results_tmp(tmp, sizeof tmp, final), 0);
  CHECK(strncmp(tmp, sub, strlen(sub)) == 0); /* same directory: rename is atomic */
  write_file(tmp, good);
  json_t *extra = json_pack("{s:{s:i}}", "membench", "pu", 1);
  CHECK_EQ_INT(mb_results_install_json(tmp, extra, final, sizeof final, 1, latest, err, sizeof err), 0);
  CHECK(access(tmp, F_OK) != 0);
  json_t *doc = json_load_file(final, 0, NULL);
  CHECK(doc && json_integer_value(json_object_get(json_object_get(json_object_get(doc, "context"), "membench"), "pu")) == 1);
  json_decref(doc);
  char *a = test_slurp(final), *b = test_slurp(latest);
  CHECK(a && b && !strcmp(a, b));

  /* Second install to the same name: the first stays, the second gets a suffix. */
  char final2[4096];
  snprintf(final2, sizeof final2, "%s/r.json", sub);
  mb_results_tmp(tmp, sizeof tmp, final2);
  write_file(tmp, "{\"context\": {}, \"benchmarks\": []}");
  CHECK_EQ_INT(mb_results_install_json(tmp, NULL, final2, sizeof final2, 1, latest, err, sizeof err), 0);
  CHECK(strstr(final2, "r-1.json") != NULL);
  char *a2 = test_slurp(final);
  CHECK(a2 && !strcmp(a, a2));
  free(a2);
  free(b);
  b = test_slurp(latest);
  CHECK(b && strstr(b, "\"benchmarks\": []"));

  /* Truncated output: an error, nothing installed, latest untouched, temporary gone. */
  char final3[4096];
  snprintf(final3, sizeof final3, "%s/t.json", sub);
  mb_results_tmp(tmp, sizeof tmp, final3);
  write_file(tmp, "{\"context\": {\"date\": \"x\"}, \"benchmarks\": [{\"name\": \"a/");
  CHECK_EQ_INT(mb_results_install_json(tmp, NULL, final3, sizeof final3, 1, latest, err, sizeof err), -1);
  CHECK(strstr(err, "not complete JSON") != NULL);
  CHECK(access(final3, F_OK) != 0);
  CHECK(access(tmp, F_OK) != 0);
  char *b2 = test_slurp(latest);
  CHECK(b2 && !strcmp(b, b2));
  free(b2);
  int entries = test_count_dir(sub);
  CHECK_EQ_INT(entries, 3); /* r.json, r-1.json, latest.json */

  /* A writer killed mid-write (SIGTERM, SIGSEGV) removes its temporary; results stay. */
  int sigs[] = {SIGTERM, SIGINT, SIGSEGV};
  for (int i = 0; i < 3; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      char t[4096];
      mb_results_guard();
      mb_results_tmp(t, sizeof t, final);
      write_file(t, "{\"context\": {");
      raise(sigs[i]);
      _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i]);
    CHECK_EQ_INT(test_count_dir(sub), 3);
  }
  /* A forked child of the writer that dies does not remove the writer's temporary. */
  mb_results_tmp(tmp, sizeof tmp, final);
  write_file(tmp, "partial");
  pid_t pid = fork();
  if (pid == 0) raise(SIGSEGV);
  int st;
  waitpid(pid, &st, 0);
  CHECK(access(tmp, F_OK) == 0);
  mb_results_discard(tmp);
  CHECK(access(tmp, F_OK) != 0);
  char *a3 = test_slurp(final);
  CHECK(a3 && !strcmp(a, a3));
  free(a);
  free(a3);
  free(b);
  json_decref(extra);

  /* Children's results join the parent's; a parent that ran nothing takes the first
   * child's document as its base; an unreadable child is an error, the base untouched. */
  char base[4200], kid[4200];
  snprintf(base, sizeof base, "%s/base.json", dir);
  snprintf(kid, sizeof kid, "%s/kid.json", dir);
  FILE *f = fopen(base, "w");
  fclose(f);
  f = fopen(kid, "w");
  fputs("{\"context\": {\"membench\": {\"skipped\": 2}}, \"benchmarks\": [{\"name\": \"a/x\", \"cv\": NaN}]}", f);
  fclose(f);
  json_t *kctx = mb_results_merge(base, kid, err, sizeof err);
  CHECK(kctx && json_integer_value(json_object_get(kctx, "skipped")) == 2);
  json_decref(kctx);
  kctx = mb_results_merge(base, kid, err, sizeof err);
  CHECK(kctx != NULL);
  json_decref(kctx);
  json_t *merged = json_load_file(base, 0, NULL);
  CHECK(merged && json_array_size(json_object_get(merged, "benchmarks")) == 2);
  CHECK(merged && json_is_object(json_object_get(merged, "context")));
  json_decref(merged);
  f = fopen(kid, "w");
  fputs("{\"benchmarks\": [", f);
  fclose(f);
  char *before = test_slurp(base);
  CHECK(mb_results_merge(base, kid, err, sizeof err) == NULL && strstr(err, "not complete JSON"));
  char *after = test_slurp(base);
  CHECK(before && after && !strcmp(before, after));
  free(before);
  free(after);
  test_rmtree(dir);
  return TEST_EXIT();
}
