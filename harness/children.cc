/*
 * children.cc: the benchmarks of a .process run together in a fresh membench (same PU, same
 * flags, the allocator LD_PRELOADed), its console passed through; its result, written by
 * the child as any result is, joins ours as data (mb_results_merge_doc).
 */
#include "adapter.h"

#include <sys/wait.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace mb {
namespace {

/* The child's argv: our Google Benchmark flags and our --mb_ choices, and where to write. */
std::vector<std::string> child_args(Harness &H, const char *child_out) {
  std::vector<std::string> args = {"/proc/self/exe"};
  for (auto &f : H.gb_flags) args.push_back(f);
  if (H.pu >= 0) args.push_back("--mb_cpu=" + std::to_string(H.pu));
  if (H.opt.quick) args.push_back("--mb_quick");
  if (H.opt.long_sweep) args.push_back("--mb_long");
  if (H.opt.counters) args.push_back(std::string("--mb_counters=") + H.opt.counters);
  if (H.opt.iterations) args.push_back("--mb_iterations=" + std::to_string(H.opt.iterations));
  if (H.opt.ws) args.push_back("--mb_ws=" + std::to_string(H.opt.ws));
  if (H.opt.threads) args.push_back("--mb_threads=" + std::to_string(H.opt.threads));
  if (!H.opt.quiet_check) args.push_back("--mb_quiet_check=off"); /* the children judged theirs anyway */
  if (planned_min_time > 0) args.push_back("--benchmark_min_time=" + std::to_string(planned_min_time)); /* the budget's choice */
  args.push_back(std::string("--mb_machine=") + H.machine);
  if (*child_out) {
    args.push_back(std::string("--benchmark_out=") + child_out);
    args.push_back("--benchmark_out_format=json");
  }
  return args;
}

/* How long a child may take: MB_CHILD_TIMEOUT seconds, else a generous bound from its
 * planned work (a minute, and per benchmark 10 s plus 20 times its minimum time over all
 * repetitions): a child that hangs (an allocator deadlocked in its own lock) is stopped
 * instead of waited on forever. */
double child_deadline(Harness &H, int count) {
  const char *env = getenv("MB_CHILD_TIMEOUT");
  char *end;
  if (env && *env) {
    double v = strtod(env, &end);
    if (*end || !(v > 0)) die("MB_CHILD_TIMEOUT: '%s' is not a number of seconds", env);
    return v;
  }
  double min_time = strtod(gb_flag(H, "--benchmark_min_time=", H.opt.quick ? "0.01" : "0.1").c_str(), &end);
  if (planned_min_time > 0) min_time = planned_min_time, end = (char *)"";
  if (*end == 'x' || !(min_time > 0)) min_time = 0.1; /* an iteration count: time unknown */
  double reps = strtod(gb_flag(H, "--benchmark_repetitions=", "1").c_str(), nullptr);
  return 60 + count * (10 + 20 * min_time * (reps >= 1 ? reps : 1));
}

/* Start the child and wait (at most `limit` s): its exit status as waitpid gives it, -1
 * when it could not run (*why says so), *timed_out when it was stopped at its deadline. */
int spawn_and_wait(Harness &H, const std::string &name, const char *preload, std::vector<std::string> args, const char *child_out,
                   double limit, int *timed_out, std::string *why) {
  std::vector<char *> cargv;
  for (auto &a : args) cargv.push_back(&a[0]);
  cargv.push_back(nullptr);
  /* Environment: ours, with MB_CHILD_PROCESS and exactly the preload asked for. */
  std::vector<std::string> envs;
  for (char **e = environ; *e; e++)
    if (strncmp(*e, "LD_PRELOAD=", 11) && strncmp(*e, "MB_CHILD_PROCESS=", 17) && strncmp(*e, "MB_AFFINITY=", 12)) envs.push_back(*e);
  envs.push_back("MB_CHILD_PROCESS=" + name);
  envs.push_back(std::string("MB_AFFINITY=") + H.summary.pu_list); /* the PUs the parent was given */
  if (preload) envs.push_back(std::string("LD_PRELOAD=") + preload);
  std::vector<char *> cenv;
  for (auto &e : envs) cenv.push_back(&e[0]);
  cenv.push_back(nullptr);
  /* A report on stdout that is not the console's (JSON, CSV) stays one document: the
   * child's console goes to stderr then. */
  bool console = gb_flag(H, "--benchmark_format=", "console") == "console";
  pid_t pid = mb_spawn_self(cargv.data(), cenv.data(), console ? -1 : 2, 1);
  *timed_out = 0;
  if (pid < 0) *why = std::string("could not start: ") + strerror(errno) + (errno == EAGAIN ? " (ulimit -u: too many processes)" : "");
  int st = pid < 0 ? -1 : mb_spawn_wait_for(pid, limit, timed_out);
  if (pid > 0 && *child_out) mb_results_discard_of(child_out, pid); /* a killed child's own temporaries */
  return st;
}

/* A child that failed: each of its selected benchmarks that left no entry gets one in
 * not_measured (status "error", the reason), and context.membench.child_failures says which
 * child, why and how many were lost. */
void record_child_failure(Harness &H, const std::string &name, const std::string &why) {
  std::set<std::string> seen;
  json_t *b;
  size_t i;
  for (const char *key : {"benchmarks", "not_measured"})
    json_array_foreach(json_object_get(H.doc, key), i, b) {
      const char *rn = json_string_value(json_object_get(b, "run_name"));
      if (rn) seen.insert(rn);
    }
  if (!json_is_array(json_object_get(H.doc, "not_measured"))) json_object_set_new(H.doc, "not_measured", json_array());
  int lost = 0;
  for (int k = 0; k < H.ninst; k++) {
    const mb_instance_t *inst = &H.insts[k];
    if (k >= (int)H.sel.size() || !H.sel[(size_t)k] || !inst->bench->process || name != inst->bench->process) continue;
    std::string gb = gb_name(H, inst);
    if (seen.count(gb)) continue;
    json_t *e = json_object();
    json_object_set_new(e, "name", json_string(gb.c_str()));
    json_object_set_new(e, "run_name", json_string(gb.c_str()));
    json_object_set_new(e, "status", json_string("error"));
    json_object_set_new(e, "reason", json_string(("child process '" + name + "' " + why).c_str()));
    describe(e, inst, gb_flag(H, "--benchmark_time_unit=", "ns").c_str()); /* as its entries would have said */
    json_array_append_new(json_object_get(H.doc, "not_measured"), e);
    lost++;
  }
  if (!H.child_failures) H.child_failures = json_array();
  json_t *f = json_object();
  json_object_set_new(f, "process", json_string(name.c_str()));
  json_object_set_new(f, "why", json_string(why.c_str()));
  json_object_set_new(f, "lost", json_integer(lost));
  json_array_append_new(H.child_failures, f);
}

/* The child's result joins H.doc; its counts and notes join ours. */
void merge_child(Harness &H, const std::string &name, const char *child_out) {
  char err[512];
  json_t *kid = mb_results_load(child_out, err, sizeof err);
  mb_results_discard(child_out);
  json_t *ctx = nullptr;
  if (kid) {
    if (!json_object_get(H.doc, "context")) /* we ran nothing ourselves: the child's context is the base */
      json_object_set(H.doc, "context", json_object_get(kid, "context"));
    ctx = mb_results_merge_doc(H.doc, kid);
    json_decref(kid);
  }
  if (!ctx) {
    fprintf(stderr, "membench: error: child '%s': %s; its results are left out\n", name.c_str(), kid ? "no benchmarks" : err);
    H.child_errors++;
    return;
  }
  H.child_skipped += (int)json_integer_value(json_object_get(ctx, "skipped"));
  H.child_failed += (int)json_integer_value(json_object_get(ctx, "failed"));
  H.child_migrated += (int)json_integer_value(json_object_get(ctx, "migrated"));
  json_t *fam = json_object_get(ctx, "families");
  if (json_is_object(fam)) {
    if (!H.child_families) H.child_families = json_object();
    json_object_update(H.child_families, fam);
  }
  json_decref(ctx);
}

}  // namespace

void run_child(Harness &H, const std::string &name, int count, bool collect) {
  const char *preload = nullptr;
  for (int i = 0; i < H.ninst; i++)
    if (H.insts[i].bench->process && name == H.insts[i].bench->process) preload = H.insts[i].bench->preload;
  fprintf(stderr, "membench: %d benchmarks of '%s' in a child process%s%s\n", count, name.c_str(),
          preload ? " with LD_PRELOAD=" : "", preload ? preload : "");
  char child_out[4096] = "";
  if (collect && mb_results_tmp(child_out, sizeof child_out, H.out_near.c_str())) {
    fprintf(stderr, "membench: error: cannot name a file for child '%s': %s\n", name.c_str(), strerror(errno));
    H.child_errors++;
    return;
  }
  int timed_out = 0;
  const double limit = child_deadline(H, count);
  std::string why;
  /* The child's checkpoint: ours to merge when it fails, removed if we are interrupted. */
  std::string part = *child_out ? partial_name(child_out) : "";
  if (!part.empty()) mb_results_track(part.c_str());
  int st = spawn_and_wait(H, name, preload, child_args(H, child_out), child_out, limit, &timed_out, &why);
  /* Exit 1 is a failed verification, which the child reported; anything else is an error. */
  if (!timed_out && st != -1 && WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == 1)) {
    if (!part.empty()) mb_results_discard(part.c_str());
    if (*child_out) merge_child(H, name, child_out);
    return;
  }
  char buf[200];
  if (timed_out) snprintf(buf, sizeof buf, "did not finish within %.0f s (its deadline from the planned work; MB_CHILD_TIMEOUT sets it) and was stopped", limit);
  else if (st != -1 && WIFSIGNALED(st)) snprintf(buf, sizeof buf, "was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
  else if (st != -1) snprintf(buf, sizeof buf, "exited with status %d", WEXITSTATUS(st));
  else snprintf(buf, sizeof buf, "%s", why.empty() ? "could not be waited on" : why.c_str());
  why = buf;
  H.child_errors++;
  if (*child_out) mb_results_discard(child_out);
  /* What it measured before: its last checkpoint, merged as a result of its own (and then
   * removed: merge_child discards what it read). */
  int kept = 0;
  if (!part.empty() && access(part.c_str(), R_OK) == 0) {
    size_t before = json_array_size(json_object_get(H.doc, "benchmarks"));
    merge_child(H, name, part.c_str());
    kept = (int)(json_array_size(json_object_get(H.doc, "benchmarks")) - before);
  }
  if (!part.empty()) mb_results_discard(part.c_str());
  record_child_failure(H, name, why);
  fprintf(stderr, "membench: error: child process '%s' %s; %s\n", name.c_str(), why.c_str(),
          kept ? (std::to_string(kept) + " entries from its last checkpoint are kept, the rest are in not_measured").c_str()
               : "its benchmarks are in not_measured with the reason");
}

}  // namespace mb
