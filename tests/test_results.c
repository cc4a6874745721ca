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
  CHECK(strstr(err, "not a complete result") != NULL);
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

  /* Children's results join the parent's as data: their family_index numbers follow the
   * parent's, so that (family_index, per_family_instance_index) names one benchmark in the
   * whole file; their not_measured entries join too. An unreadable child is an error. */
  char kid[4200];
  snprintf(kid, sizeof kid, "%s/kid.json", dir);
  json_t *mdoc = json_loads("{\"benchmarks\": [{\"name\": \"p/a\", \"family_index\": 0}, {\"name\": \"p/b\", \"family_index\": 1}],"
                           " \"not_measured\": []}", 0, NULL);
  json_t *child = json_loads("{\"context\": {\"membench\": {\"skipped\": 2}}, \"benchmarks\": [{\"name\": \"c/a\", \"family_index\": 0},"
                             " {\"name\": \"c/b\", \"family_index\": 1}], \"not_measured\": [{\"name\": \"c/x\", \"status\": \"skipped\"}]}", 0, NULL);
  json_t *kctx = mb_results_merge_doc(mdoc, child);
  CHECK(kctx && json_integer_value(json_object_get(kctx, "skipped")) == 2);
  json_decref(kctx);
  json_t *all = json_object_get(mdoc, "benchmarks");
  CHECK_EQ_INT((int)json_array_size(all), 4);
  for (size_t k = 0; k < json_array_size(all); k++)
    CHECK_EQ_INT((int)json_integer_value(json_object_get(json_array_get(all, k), "family_index")), (int)k);
  CHECK_EQ_INT((int)json_array_size(json_object_get(mdoc, "not_measured")), 1);
  json_decref(child);
  child = json_loads("{\"context\": {}}", 0, NULL);
  CHECK(mb_results_merge_doc(mdoc, child) == NULL);
  json_decref(child);
  json_decref(mdoc);
  FILE *f = fopen(kid, "w");
  fputs("{\"benchmarks\": [", f);
  fclose(f);
  CHECK(mb_results_load(kid, err, sizeof err) == NULL && strstr(err, "not complete JSON"));
  test_rmtree(dir);
  return TEST_EXIT();
}
