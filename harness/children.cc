/*
 * children.cc: the benchmarks of a .process run together in a fresh membench (same PU, same
 * flags, the allocator LD_PRELOADed), its console passed through; its result, written by
 * the child as any result is, joins ours as data (mb_results_merge_doc).
 */
#include "adapter.h"

#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace mb {
namespace {

/* The child's argv: our Google Benchmark flags and our --mb_ choices, and where to write. */
std::vector<std::string> child_args(const char *child_out) {
  std::vector<std::string> args = {"/proc/self/exe"};
  for (auto &f : H.gb_flags) args.push_back(f);
  if (H.pu >= 0) args.push_back("--mb_cpu=" + std::to_string(H.pu));
  if (H.opt.quick) args.push_back("--mb_quick");
  if (H.opt.long_sweep) args.push_back("--mb_long");
  if (H.opt.counters) args.push_back(std::string("--mb_counters=") + H.opt.counters);
  if (H.opt.iterations) args.push_back("--mb_iterations=" + std::to_string(H.opt.iterations));
  args.push_back(std::string("--mb_machine=") + H.machine);
  if (*child_out) {
    args.push_back(std::string("--benchmark_out=") + child_out);
    args.push_back("--benchmark_out_format=json");
  }
  return args;
}

/* Start the child and wait: its exit status as waitpid gives it, -1 when it could not run. */
int spawn_and_wait(const std::string &name, const char *preload, std::vector<std::string> args, const char *child_out) {
  std::vector<char *> cargv;
  for (auto &a : args) cargv.push_back(&a[0]);
  cargv.push_back(nullptr);
  /* Environment: ours, with MB_CHILD_PROCESS and exactly the preload asked for. */
  std::vector<std::string> envs;
  for (char **e = environ; *e; e++)
    if (strncmp(*e, "LD_PRELOAD=", 11) && strncmp(*e, "MB_CHILD_PROCESS=", 17)) envs.push_back(*e);
  envs.push_back("MB_CHILD_PROCESS=" + name);
  if (preload) envs.push_back(std::string("LD_PRELOAD=") + preload);
  std::vector<char *> cenv;
  for (auto &e : envs) cenv.push_back(&e[0]);
  cenv.push_back(nullptr);
  /* A report on stdout that is not the console's (JSON, CSV) stays one document: the
   * child's console goes to stderr then. */
  bool console = gb_flag("--benchmark_format=", "console") == "console";
  pid_t pid = mb_spawn_self(cargv.data(), cenv.data(), console ? -1 : 2, 1);
  int st = pid < 0 ? -1 : mb_spawn_wait(pid);
  if (pid > 0 && *child_out) mb_results_discard_of(child_out, pid); /* a killed child's own temporaries */
  return st;
}

/* The child's result joins H.doc; its counts and notes join ours. */
void merge_child(const std::string &name, const char *child_out) {
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

void run_child(const std::string &name, int count, bool collect) {
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
  int st = spawn_and_wait(name, preload, child_args(child_out), child_out);
  /* Exit 1 is a failed verification, which the child reported; anything else is an error. */
  if (st == -1 || !WIFEXITED(st) || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 1)) {
    fprintf(stderr, "membench: error: child process '%s' %s %d; its results are left out\n", name.c_str(),
            st != -1 && WIFSIGNALED(st) ? "killed by signal" : "exited with", st == -1 ? -1 : WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    H.child_errors++;
    if (*child_out) mb_results_discard(child_out);
    return;
  }
  if (*child_out) merge_child(name, child_out);
}

}  // namespace mb
