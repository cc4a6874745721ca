/*
 * adapter.cc: the only C++ in membench. It registers every C benchmark instance with
 * Google Benchmark, so all of its flags and reporters work, and it owns main(): flags,
 * pinning, counters, environment, progress and the result files.
 *
 * One run of an instance is one kernel call: KeepRunningBatch(n) with n = the iteration
 * count Google Benchmark chose starts the timer, the kernel loops n times, the second call
 * stops it. The harness adds two calls per run, nothing per iteration.
 */
#include <benchmark/benchmark.h>
#if MB_HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT /* no valgrind headers: no deterministic mode */
#endif
#include <sched.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

extern "C" {
#include "cli.h"
#include "counters.h"
#include "env.h"
#include "membench.h"
#include "registry.h"
#include "results.h"
#include "topology.h"
}

namespace {

struct Harness {
  mb_options_t opt{};
  hwloc_topology_t topo = nullptr;
  mb_topo_summary_t summary{};
  mb_env_t env{};
  mb_config_t config{};
  int pu = -1;             /* PU we are bound to, -1 when unpinned */
  int membind = 0;
  std::string pin_note;    /* why unpinned, if so */
  mb_counters_t counters{};
  char machine[128] = "";
  mb_instance_t *insts = nullptr;
  int ninst = 0;
  /* The instance whose setup is live (reused across calibration runs and repetitions). */
  const mb_instance_t *cur = nullptr;
  mb_run_t run{};
  bool cur_ok = false;
  /* Progress. */
  const mb_instance_t *last_seen = nullptr;
  int selected = 0, started = 0;
  std::string family;
  std::set<const mb_instance_t *> skipped, failed, migrated; /* distinct instances */
  /* The instance whose last run was too short to trust, to warn about once it is done. */
  const mb_instance_t *short_inst = nullptr;
  long long short_iters = 0;
  double short_seconds = 0;
  /* Child processes (descriptors with .process): the one we are, if any (MB_CHILD_PROCESS),
   * and, in the parent, how many benchmarks each child was asked to run. */
  const char *child_name = nullptr;
  std::vector<std::string> gb_flags; /* Google Benchmark's flags as given, for the children */
  int child_skipped = 0, child_failed = 0, child_migrated = 0, child_errors = 0;
  json_t *child_families = nullptr;
};

Harness H;

/* Events reported per run rather than per iteration: a count of rare events. */
bool per_run_event(const char *name) {
  return !strcmp(name, "cpu-migrations") || !strcmp(name, "context-switches");
}

void teardown_current() {
  if (H.cur && H.cur_ok && H.cur->bench->teardown) H.cur->bench->teardown(&H.run);
  H.cur = nullptr;
  H.cur_ok = false;
}

void progress(const mb_instance_t *inst) {
  if (inst == H.last_seen) return;
  H.last_seen = inst;
  H.started++;
  if (H.family != inst->bench->family) {
    H.family = inst->bench->family;
    fprintf(stderr, "membench: [%d/%d] family %s\n", H.started, H.selected, H.family.c_str());
  }
}

/* Setup for `inst`, or reuse the live one. False when the benchmark cannot run. */
bool prepare(const mb_instance_t *inst) {
  progress(inst);
  if (H.cur == inst && !inst->bench->fresh_setup) return H.cur_ok;
  teardown_current();
  H.cur = inst;
  mb_run_init(&H.run, inst, &H.config);
  H.cur_ok = !inst->bench->setup || inst->bench->setup(&H.run) == 0;
  return H.cur_ok;
}

void report_reason(benchmark::State &st, const mb_run_t &run) {
  std::string msg = std::string(run.failed ? "failed: " : "skipped: ") + run.reason;
  (run.failed ? H.failed : H.skipped).insert(H.cur);
  st.SkipWithError(msg.c_str());
}

/* A new stamp for every timed run: splitmix64 of a counter (a bijection, so never repeated). */
uint64_t next_stamp() {
  static uint64_t n;
  uint64_t z = ++n * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return z ? z : 1;
}

/* A final run this short is not to be trusted: the clock's resolution and the harness's own
 * calls around the kernel are then over a thousandth of it. Benchmarks that fix their own
 * iteration count (probes, the detector) are exempt: their figures are not times. */
const double MB_TRUSTED_SECONDS = 1e-3;

/* Warn once about the instance whose last run was too short (called when it is done). */
void warn_if_short() {
  if (H.short_inst && H.short_iters)
    fprintf(stderr, "membench: warning: %s ran %lld iterations in %.3g us: too short to trust "
                    "(its entry has mb_too_short=1; raise --benchmark_min_time)\n",
            H.short_inst->name, (long long)H.short_iters, H.short_seconds * 1e6);
  H.short_inst = nullptr;
  H.short_iters = 0;
}

void run_instance(benchmark::State &st, const mb_instance_t *inst) {
  if (H.short_inst && H.short_inst != inst) warn_if_short();
  if (!prepare(inst)) {
    report_reason(st, H.run);
    return;
  }
  mb_run_t &run = H.run;
  const benchmark::IterationCount n = st.max_iterations;
  uint64_t result = 0;
  run.stamp = next_stamp();
  if (inst->bench->arm) inst->bench->arm(&run);
  const int cpu_before = sched_getcpu();
  const double steal0 = H.pu >= 0 ? mb_steal_seconds(H.pu) : -1;
  mb_counters_start(&H.counters);
  struct timespec t0{}, t1{};
  while (st.KeepRunningBatch(n)) {
    /* Our own wall clock around exactly the kernel call: every rate of the entry is derived
     * from it (Google Benchmark's rates would use CPU time unless UseRealTime, which renames
     * every benchmark). Under callgrind (tools/mbgrind) events are collected for the kernel
     * call only; run natively the toggles are a few register rotations. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CALLGRIND_TOGGLE_COLLECT;
    result = inst->bench->kernel((uint64_t)n, run.data);
    CALLGRIND_TOGGLE_COLLECT;
    clock_gettime(CLOCK_MONOTONIC, &t1);
  }
  mb_counters_stop(&H.counters);
  run.seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  const int cpu_after = sched_getcpu();
  benchmark::DoNotOptimize(result);

  if (inst->bench->verify && inst->bench->verify(&run, result, (uint64_t)n)) {
    report_reason(st, run);
    if (inst->bench->fresh_setup) teardown_current();
    return;
  }
  /* Rates on the wall clock, as plain values (the names Google Benchmark's own rates use). */
  const double secs = run.seconds > 0 ? run.seconds : 1e-9;
  if (run.bytes_per_iter > 0) st.counters["bytes_per_second"] = benchmark::Counter(run.bytes_per_iter * (double)n / secs, benchmark::Counter::kDefaults, benchmark::Counter::kIs1024);
  if (run.items_per_iter > 0) st.counters["items_per_second"] = benchmark::Counter(run.items_per_iter * (double)n / secs);
  /* CPU time is Google Benchmark's cpu_time; the hypervisor's steal is its own field. */
  const double steal1 = steal0 >= 0 ? mb_steal_seconds(H.pu) : -1;
  if (steal0 >= 0 && steal1 >= steal0) st.counters["steal_s"] = steal1 - steal0;
  if (!H.opt.iterations && !inst->bench->iterations && run.seconds < MB_TRUSTED_SECONDS) {
    st.counters["mb_too_short"] = 1;
    H.short_inst = inst, H.short_iters = n, H.short_seconds = run.seconds;
  } else if (H.short_inst == inst) {
    H.short_inst = nullptr; /* a later, longer run of the same instance replaced it */
  }

  mb_counter_values_t v;
  mb_counters_read(&H.counters, &v);
  double migrations = 0;
  for (int i = 0; i < H.counters.n; i++) {
    if (std::isnan(v.value[i])) continue; /* not counted: no number, not a zero */
    const char *name = H.counters.ev[i].name;
    if (per_run_event(name))
      st.counters[name] = benchmark::Counter(v.value[i]);
    else
      st.counters[name] = benchmark::Counter(v.value[i], benchmark::Counter::kAvgIterations);
    if (v.scaled[i]) st.counters[std::string(name) + ".scaled"] = 1;
    if (!strcmp(name, "cpu-migrations")) migrations = v.value[i];
  }
  for (int i = 0; i < run.ncounters; i++) {
    benchmark::Counter::Flags f = benchmark::Counter::kDefaults;
    if (run.counters[i].kind == MB_COUNTER_PER_ITER) f = benchmark::Counter::kAvgIterations;
    double value = run.counters[i].value;
    if (run.counters[i].kind == MB_COUNTER_RATE) value /= secs; /* per second of wall time */
    st.counters[run.counters[i].name] = benchmark::Counter(value, f);
  }
  /* Pinning proof: where we ran, and whether we moved. */
  st.counters["mb_pu"] = cpu_after;
  bool moved = migrations > 0 || cpu_before != cpu_after || (H.pu >= 0 && cpu_after != H.pu);
  if (moved) {
    st.counters["mb_migrated"] = 1;
    H.migrated.insert(inst);
    fprintf(stderr, "membench: warning: %s migrated (cpu %d -> %d, %.0f migrations)\n", inst->name,
            cpu_before, cpu_after, migrations);
  }
  if (inst->bench->fresh_setup) teardown_current();
}

/* Whether this process runs `inst`: the parent runs those without .process, a child only
 * those of its own process. */
bool runs_here(const mb_instance_t *inst) {
  const char *p = inst->bench->process;
  return H.child_name ? p && !strcmp(p, H.child_name) : !p;
}

/* Google Benchmark's name for an instance, for counting what the filter selects. */
std::string gb_name(const mb_instance_t *inst) {
  std::string n = inst->name;
  if (H.opt.iterations) n += "/iterations:" + std::to_string(H.opt.iterations);
  else if (inst->bench->iterations) n += "/iterations:" + std::to_string(inst->bench->iterations);
  if (inst->bench->repetitions) n += "/repeats:" + std::to_string(inst->bench->repetitions);
  if (inst->bench->real_time) n += "/real_time";
  return n;
}

/* Which instances the filter selects (sel[i]), membench's own decision: a name matches when
 * the regex finds the plain name (family/variant/args) or Google Benchmark's (with its
 * /iterations:N, /repeats:N, /real_time suffixes), so an anchored filter works whatever the
 * flags add to the names. The grammar is Google Benchmark's (std::regex, POSIX extended);
 * only the selected instances are registered with it, and it is given the filter ".".
 * Returns how many run here (per child process, in *children, those a child would run), or
 * -1 with the engine's message in *why for a filter that is not a regular expression. */
int select_instances(const char *filter, std::vector<char> *sel, std::map<std::string, int> *children, std::string *why) {
  std::string spec = filter ? filter : "";
  if (spec.empty() || spec == "all") spec = ".";
  bool negative = spec[0] == '-';
  if (negative) spec = spec.substr(1);
  std::regex re;
  try {
    re = std::regex(spec, std::regex::extended);
  } catch (const std::regex_error &e) {
    *why = e.what();
    return -1;
  }
  int n = 0;
  sel->assign((size_t)H.ninst, 0);
  for (int i = 0; i < H.ninst; i++) {
    const mb_instance_t *inst = &H.insts[i];
    bool hit = std::regex_search(std::string(inst->name), re) || std::regex_search(gb_name(inst), re);
    if (hit == negative) continue;
    (*sel)[(size_t)i] = 1;
    if (runs_here(inst)) n++;
    else if (!H.child_name && children) (*children)[inst->bench->process]++;
  }
  return n;
}

/* Run the benchmarks of child process `name` in a fresh membench (same PU, same flags, the
 * allocator LD_PRELOADed), its console output passed through; with a JSON result its
 * benchmarks join ours in gb_tmp. */
void run_child(const std::string &name, int count, const char *gb_tmp) {
  const char *preload = nullptr;
  for (int i = 0; i < H.ninst; i++)
    if (H.insts[i].bench->process && name == H.insts[i].bench->process) preload = H.insts[i].bench->preload;
  fprintf(stderr, "membench: %d benchmarks of '%s' in a child process%s%s\n", count, name.c_str(),
          preload ? " with LD_PRELOAD=" : "", preload ? preload : "");
  char child_out[4096] = "";
  std::vector<std::string> args = {"/proc/self/exe"};
  for (auto &f : H.gb_flags) args.push_back(f);
  if (H.pu >= 0) args.push_back("--mb_cpu=" + std::to_string(H.pu));
  if (H.opt.quick) args.push_back("--mb_quick");
  if (H.opt.long_sweep) args.push_back("--mb_long");
  if (H.opt.counters) args.push_back(std::string("--mb_counters=") + H.opt.counters);
  if (H.opt.iterations) args.push_back("--mb_iterations=" + std::to_string(H.opt.iterations));
  args.push_back(std::string("--mb_machine=") + H.machine);
  if (*gb_tmp) {
    if (mb_results_tmp(child_out, sizeof child_out, gb_tmp)) {
      fprintf(stderr, "membench: error: cannot name a file for child '%s': %s\n", name.c_str(), strerror(errno));
      H.child_errors++;
      return;
    }
    args.push_back(std::string("--benchmark_out=") + child_out);
    args.push_back("--benchmark_out_format=json");
  }
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
  bool console = true;
  for (auto &f : H.gb_flags)
    if (!strncmp(f.c_str(), "--benchmark_format=", 19) && f != "--benchmark_format=console") console = false;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive an interrupted parent */
    if (!console) dup2(2, 1);
    execve("/proc/self/exe", cargv.data(), cenv.data());
    fprintf(stderr, "membench: cannot start a child process: %s\n", strerror(errno));
    _exit(127);
  }
  int st = 0;
  if (pid < 0 || waitpid(pid, &st, 0) < 0) st = -1;
  if (pid > 0 && *child_out) mb_results_discard_of(child_out, pid); /* a killed child's own temporaries */
  /* Exit 1 is a failed verification, which the child reported; anything else is an error. */
  if (st == -1 || !WIFEXITED(st) || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 1)) {
    fprintf(stderr, "membench: error: child process '%s' %s %d; its results are left out\n", name.c_str(),
            st != -1 && WIFSIGNALED(st) ? "killed by signal" : "exited with", st == -1 ? -1 : WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    H.child_errors++;
    if (*child_out) mb_results_discard(child_out);
    return;
  }
  if (!*child_out) return;
  char err[512];
  json_t *ctx = mb_results_merge(gb_tmp, child_out, err, sizeof err);
  mb_results_discard(child_out);
  if (!ctx) {
    fprintf(stderr, "membench: error: child '%s': %s; its results are left out\n", name.c_str(), err);
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

/* A second copy of a file: a hard link where it can be, else its bytes (another file
 * system, as TMPDIR may be for a device's temporary). 0, or -1. Never inlined, and a small
 * buffer: main's frame sits above every benchmark, and the recursion family measures how
 * deep the main stack goes below it. */
__attribute__((noinline)) int copy_file(const char *from, const char *to) {
  if (link(from, to) == 0) return 0;
  if (errno != EXDEV) return -1;
  FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : nullptr;
  char buf[8192];
  size_t n;
  int bad = !in || !out;
  while (!bad && (n = fread(buf, 1, sizeof buf, in)) > 0) bad = fwrite(buf, 1, n, out) != n;
  if (in) fclose(in);
  if (out && fclose(out)) bad = 1;
  return bad ? -1 : 0;
}

[[noreturn]] void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("membench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

/* Whether this process may run on `cpu` (its affinity mask, as taskset or a cgroup set it). */
bool cpu_allowed(int cpu) {
  cpu_set_t set;
  return cpu >= 0 && cpu < CPU_SETSIZE && sched_getaffinity(0, sizeof set, &set) == 0 && CPU_ISSET(cpu, &set);
}

void choose_and_pin() {
  if (!mb_topo_is_this_system(H.topo)) { /* HWLOC_XMLFILE, HWLOC_SYNTHETIC */
    H.pu = -1;
    H.pin_note = "the topology is imported (HWLOC_XMLFILE or HWLOC_SYNTHETIC): placement is computed on it, nothing is bound";
    fprintf(stderr, "membench: warning: %s; the results say unpinned\n", H.pin_note.c_str());
    return;
  }
  H.pu = H.opt.cpu >= 0 ? H.opt.cpu : mb_topo_default_pu(H.topo);
  if (H.opt.cpu < 0 && !cpu_allowed(H.pu)) { /* the default outside our affinity: the first allowed PU */
    H.pu = -1;
    for (int c = 0; c < CPU_SETSIZE && H.pu < 0; c++)
      if (cpu_allowed(c) && mb_topo_has_pu(H.topo, c)) H.pu = c;
  }
  char why[256] = "";
  if (H.pu < 0 || mb_topo_bind_thread(H.topo, H.pu, &H.membind, why, sizeof why)) {
    H.pin_note = H.pu < 0 ? "no PU found in the topology" : why;
    fprintf(stderr, "membench: warning: cannot pin (%s); running unpinned, and the results say so\n",
            H.pin_note.c_str());
    H.pu = -1;
  }
}

json_t *membench_context(int argc, char **argv) {
  json_t *m = json_object();
  json_object_set_new(m, "machine", json_string(H.machine));
  json_object_set_new(m, "cpu_model", json_string(H.env.cpu_model));
  json_object_set_new(m, "pinned", json_boolean(H.pu >= 0));
  json_object_set_new(m, "pu", json_integer(H.pu));
  if (!H.pin_note.empty()) json_object_set_new(m, "unpinned_reason", json_string(H.pin_note.c_str()));
  json_object_set_new(m, "membind", json_boolean(H.membind));
  json_object_set_new(m, "quick", json_boolean(H.opt.quick));
  json_object_set_new(m, "long", json_boolean(H.opt.long_sweep));
  json_t *topo = json_object();
  json_object_set_new(topo, "packages", json_integer(H.summary.packages));
  json_object_set_new(topo, "numa_nodes", json_integer(H.summary.numa_nodes));
  json_object_set_new(topo, "cores", json_integer(H.summary.cores));
  json_object_set_new(topo, "pus", json_integer(H.summary.pus));
  json_object_set_new(topo, "smt", json_integer(H.summary.smt));
  json_object_set_new(topo, "cache_line", json_integer(H.summary.cache_line));
  json_t *caches = json_array();
  for (int l = 1; l <= 4; l++) {
    if (!H.summary.cache_size[l]) continue;
    json_t *c = json_object();
    json_object_set_new(c, "level", json_integer(l));
    json_object_set_new(c, "bytes", json_integer((json_int_t)H.summary.cache_size[l]));
    json_object_set_new(c, "count", json_integer(H.summary.cache_count[l]));
    json_array_append_new(caches, c);
  }
  json_object_set_new(topo, "caches_hwloc", caches);
  json_object_set_new(m, "topology", topo);
  json_t *avail = json_array(), *unavail = json_object();
  for (int i = 0; i < H.counters.n; i++) {
    if (H.counters.ev[i].available) json_array_append_new(avail, json_string(H.counters.ev[i].name));
    else json_object_set_new(unavail, H.counters.ev[i].name, json_string(H.counters.ev[i].why));
  }
  json_t *ctr = json_object();
  json_object_set_new(ctr, "available", avail);
  json_object_set_new(ctr, "unavailable", unavail);
  json_object_set_new(m, "counters", ctr);
  json_t *warns = json_array();
  for (int i = 0; i < H.env.nwarn; i++) json_array_append_new(warns, json_string(H.env.warn[i]));
  json_object_set_new(m, "warnings", warns);
  json_object_set_new(m, "skipped", json_integer((json_int_t)H.skipped.size() + H.child_skipped));
  json_object_set_new(m, "failed", json_integer((json_int_t)H.failed.size() + H.child_failed));
  json_object_set_new(m, "migrated", json_integer((json_int_t)H.migrated.size() + H.child_migrated));
  json_t *args = json_array();
  for (int i = 0; i < argc; i++) json_array_append_new(args, json_string(argv[i]));
  json_object_set_new(m, "argv", args);
  /* What the families added (process layout...), typed as strings. */
  json_t *fam = json_object();
  for (int i = 0; i < mb_context_count(); i++) json_object_set_new(fam, mb_context_key(i), json_string(mb_context_value(i)));
  if (H.child_families) json_object_update_missing(fam, H.child_families);
  json_object_set_new(m, "families", fam);
  json_t *wrap = json_object();
  json_object_set_new(wrap, "membench", m);
  return wrap;
}

}  // namespace

int main(int argc, char **argv) {
  std::vector<char *> orig(argv, argv + argc);
  char err[512] = "";
  if (mb_cli_parse(&argc, argv, &H.opt, err, sizeof err)) die("%s", err);
  H.gb_flags.assign(argv + 1, argv + argc);
  if ((H.child_name = getenv("MB_CHILD_PROCESS")) && !*H.child_name) die("MB_CHILD_PROCESS is empty");
  if (H.opt.help) fputs(mb_cli_help, stdout);

  /* Everything that can be wrong with the request is checked before anything runs. */
  if (mb_counters_parse(H.opt.counters ? H.opt.counters : MB_DEFAULT_COUNTERS, &H.counters, err, sizeof err))
    die("%s", err);
  if (H.opt.machine && !mb_machine_name_valid(H.opt.machine))
    die("machine name '%s' is not usable as a directory name (letters, digits, '.', '_', '-')", H.opt.machine);
  if (H.opt.out_dir && H.opt.bm_out_format && strcmp(H.opt.bm_out_format, "json"))
    die("--mb_out_dir writes JSON; --benchmark_out_format=%s conflicts with it", H.opt.bm_out_format);
  /* An imported topology that hwloc cannot read would silently become this machine's. */
  if (const char *xml = getenv("HWLOC_XMLFILE"); xml && *xml && access(xml, R_OK))
    die("HWLOC_XMLFILE=%s: %s", xml, strerror(errno));
  if (const char *syn = getenv("HWLOC_SYNTHETIC"); syn && *syn) {
    hwloc_topology_t t;
    bool ok = !hwloc_topology_init(&t) && !hwloc_topology_set_synthetic(t, syn);
    hwloc_topology_destroy(t);
    if (!ok) die("HWLOC_SYNTHETIC='%s' is not a synthetic topology hwloc understands", syn);
  }
  if (mb_topo_load(&H.topo)) die("cannot load the hwloc topology: %s", strerror(errno));
  mb_topo_set_current(H.topo);
  mb_topo_summarize(H.topo, &H.summary);
  mb_env_capture(&H.env, &H.summary);
  if (H.opt.machine) snprintf(H.machine, sizeof H.machine, "%s", H.opt.machine);
  else mb_machine_name(H.machine, sizeof H.machine, H.env.cpu_model, H.summary.cores);
  if (H.opt.print_machine) {
    printf("%s\n", H.machine);
    return 0;
  }

  /* Output paths are named now (Google Benchmark needs the temporary's name), but nothing
   * is created until every check has passed. */
  char gb_tmp[4096] = "", stamp_path[4096] = "", latest[4096] = "", user_out[4096] = "";
  std::string out_dir_machine;
  const bool writes = !H.opt.bm_list && !H.opt.help && (H.opt.out_dir || H.opt.bm_out);
  if (writes) {
    mb_results_guard();
    if (H.opt.out_dir) {
      out_dir_machine = std::string(H.opt.out_dir) + "/" + H.machine;
      if (mb_results_stamp_path(stamp_path, sizeof stamp_path - 16, H.opt.out_dir, H.machine))
        die("results path too long");
      snprintf(latest, sizeof latest, "%s/latest.json", out_dir_machine.c_str());
    }
    if (H.opt.bm_out) snprintf(user_out, sizeof user_out, "%s", H.opt.bm_out);
    struct stat ost;
    if (*user_out && stat(user_out, &ost) == 0 && S_ISDIR(ost.st_mode))
      die("--benchmark_out=%s is a directory: name a file", user_out);
    if (mb_results_tmp(gb_tmp, sizeof gb_tmp, *stamp_path ? stamp_path : user_out))
      die("cannot name a temporary output file: %s", strerror(errno));
  }

  /* A chosen CPU must exist before anything else happens. */
  if (H.opt.cpu >= 0 && !mb_topo_has_pu(H.topo, H.opt.cpu))
    die("--mb_cpu=%d: no such CPU here (available PUs by OS index: %s)", H.opt.cpu, H.summary.pu_list);
  if (H.opt.cpu >= 0 && mb_topo_is_this_system(H.topo) && !cpu_allowed(H.opt.cpu))
    die("--mb_cpu=%d is outside the CPUs this process may run on (its affinity: taskset, a cgroup)", H.opt.cpu);

  H.config.quick = H.opt.quick;
  H.config.long_sweep = H.opt.long_sweep;
  H.config.mem_available = mb_mem_available();
  /* MB_MEM_AVAILABLE=BYTES caps working sets below what the machine has (a shared box, a
   * test): never above it. */
  if (const char *cap = getenv("MB_MEM_AVAILABLE")) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(cap, &end, 10);
    if (!isdigit((unsigned char)*cap) || *end || errno || v == 0) die("MB_MEM_AVAILABLE: '%s' is not a number of bytes", cap);
    if (!H.config.mem_available || v < H.config.mem_available) H.config.mem_available = v;
  }
  for (int l = 1; l <= 4; l++) H.config.cache_size[l] = H.summary.cache_size[l];
  H.config.cache_line = H.summary.cache_line ? H.summary.cache_line : 64;
  H.config.cores = H.summary.cores, H.config.pus = H.summary.pus;
  H.config.numa_nodes = H.summary.numa_nodes > 0 ? H.summary.numa_nodes : 1;
  mb_set_config(&H.config);

  H.ninst = mb_registry_expand(&H.config, &H.insts, err, sizeof err);
  if (H.ninst < 0) die("%s", err);
  std::map<std::string, int> children; /* child process -> benchmarks selected there */
  std::string why;
  std::vector<char> sel;
  H.selected = select_instances(H.opt.bm_filter, &sel, &children, &why);
  if (H.selected < 0) {
    if (*gb_tmp) mb_results_discard(gb_tmp);
    die("--benchmark_filter=%s is not a regular expression (%s)", H.opt.bm_filter, why.c_str());
  }
  for (int i = 0; i < H.ninst; i++) {
    const mb_instance_t *inst = &H.insts[i];
    if (!sel[(size_t)i]) continue;
    /* The list shows every benchmark, wherever it would run. */
    if (!runs_here(inst) && !(H.opt.bm_list && !H.child_name)) continue;
    auto *b = benchmark::RegisterBenchmark(inst->name, [inst](benchmark::State &st) { run_instance(st, inst); });
    if (H.opt.iterations) b->Iterations((benchmark::IterationCount)H.opt.iterations);
    else if (inst->bench->iterations) b->Iterations((benchmark::IterationCount)inst->bench->iterations);
    if (inst->bench->repetitions) b->Repetitions(inst->bench->repetitions);
    if (inst->bench->real_time) b->UseRealTime();
  }
  int child_selected = 0;
  for (auto &c : children) child_selected += c.second;

  /* Google Benchmark's argv: ours minus --mb_*, plus the output and default min time. */
  std::vector<std::string> extra;
  if (!H.opt.bm_min_time_given) extra.push_back(H.opt.quick ? "--benchmark_min_time=0.01" : "--benchmark_min_time=0.1");
  if (*gb_tmp) {
    extra.push_back(std::string("--benchmark_out=") + gb_tmp);
    /* Always JSON underneath: the children's runs merge into it as data, and a CSV or console
     * file is written from the merged whole at the end. */
    extra.push_back("--benchmark_out_format=json");
  }
  extra.push_back("--benchmark_filter=."); /* membench selected; Google Benchmark runs what it was given */
  std::vector<char *> gbargv;
  for (int i = 0; i < argc; i++)
    if (strncmp(argv[i], "--benchmark_filter=", 19)) gbargv.push_back(argv[i]);
  for (auto &e : extra) gbargv.push_back(&e[0]);
  gbargv.push_back(nullptr);
  int gbargc = (int)gbargv.size() - 1;
  benchmark::Initialize(&gbargc, gbargv.data());
  if (benchmark::ReportUnrecognizedArguments(gbargc, gbargv.data())) {
    if (*gb_tmp) mb_results_discard(gb_tmp);
    return 2;
  }
  for (int i = 0; i < H.env.n; i++) benchmark::AddCustomContext(H.env.kv[i].key, H.env.kv[i].value);
  benchmark::AddCustomContext("mb_machine", H.machine);
  for (int i = 0; i < mb_context_count(); i++) benchmark::AddCustomContext(mb_context_key(i), mb_context_value(i));

  if (!H.opt.bm_list && H.selected + child_selected == 0) {
    if (*gb_tmp) mb_results_discard(gb_tmp);
    die("no benchmark matches --benchmark_filter=%s (see --benchmark_list_tests)", H.opt.bm_filter ? H.opt.bm_filter : "");
  }
  if (writes) {
    if (!out_dir_machine.empty() && mb_mkdir_p(out_dir_machine.c_str(), err, sizeof err)) {
      mb_results_discard(gb_tmp);
      die("%s", err);
    }
    FILE *probe = fopen(gb_tmp, "w");
    if (!probe) {
      int e = errno;
      mb_results_discard(gb_tmp);
      die("cannot write beside %s: %s", *stamp_path ? stamp_path : user_out, strerror(e));
    }
    fclose(probe);
  }
  if (!H.opt.bm_list && !H.opt.help) {
    choose_and_pin();
    int avail = mb_counters_probe(&H.counters);
    std::string missing;
    for (int i = 0; i < H.counters.n; i++)
      if (!H.counters.ev[i].available)
        missing += std::string("\n  ") + H.counters.ev[i].name + ": " + H.counters.ev[i].why;
    if (!missing.empty() && !H.child_name) /* a child's parent has said it */
      fprintf(stderr, "membench: warning: %d of %d counters unavailable, reported as absent (not zero):%s\n",
              H.counters.n - avail, H.counters.n, missing.c_str());
    mb_counters_open(&H.counters);
    H.config.pu = H.pu;
    mb_set_config(&H.config);
    for (int i = 0; i < H.env.nwarn && !H.child_name; i++) fprintf(stderr, "membench: warning: %s\n", H.env.warn[i]);
  }

  if (!H.opt.bm_list && !H.opt.help && !H.opt.iterations) {
    /* Warm-up: 0.2 s of spinning on the pinned PU, so the first benchmark does not measure
     * a core whose clock is still rising (Google Benchmark 1.7.1 has no warm-up option; the
     * first harness/empty of a fresh process read 0.50 ns instead of 0.29 without it). */
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    uint64_t spins = 0;
    do {
      for (int k = 0; k < 1000; k++) benchmark::DoNotOptimize(++spins);
      clock_gettime(CLOCK_MONOTONIC, &b);
    } while ((double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec) < 0.2);
  }
  benchmark::AddCustomContext("mb_pu", std::to_string(H.pu));
  benchmark::AddCustomContext("mb_pinned", H.pu >= 0 ? "true" : "false");
  if (H.selected) benchmark::RunSpecifiedBenchmarks();
  warn_if_short();
  teardown_current();
  mb_counters_close(&H.counters);
  if (!H.opt.bm_list && !H.opt.help) {
    /* Children merge into a JSON result; with another format they report on the console. */
    for (auto &c : children) run_child(c.first, c.second, gb_tmp);
  }
  benchmark::Shutdown();

  int rc = H.failed.empty() && !H.child_failed && !H.child_errors ? 0 : 1;
  if (*gb_tmp) {
    const char *fmt = H.opt.bm_out_format ? H.opt.bm_out_format : "json";
    if (!strcmp(fmt, "json")) {
      json_t *extra_ctx = membench_context((int)orig.size(), orig.data());
      int bad = 0;
      if (*user_out) {
        char tmp2[4096];
        /* A second copy of Google Benchmark's output for the user's path. */
        if (*stamp_path) {
          if (mb_results_tmp(tmp2, sizeof tmp2, user_out) || copy_file(gb_tmp, tmp2)) bad = 1;
          else if (mb_results_install_json(tmp2, extra_ctx, user_out, sizeof user_out, 0, nullptr, err, sizeof err)) bad = 1;
        } else if (mb_results_install_json(gb_tmp, extra_ctx, user_out, sizeof user_out, 0, nullptr, err, sizeof err)) {
          bad = 1;
        }
        if (!bad && !H.child_name) fprintf(stderr, "membench: results in %s\n", user_out);
      }
      if (!bad && *stamp_path) {
        if (mb_results_install_json(gb_tmp, extra_ctx, stamp_path, sizeof stamp_path, 1, latest, err, sizeof err)) bad = 1;
        else fprintf(stderr, "membench: results in %s (and %s)\n", stamp_path, latest);
      }
      json_decref(extra_ctx);
      if (bad) {
        mb_results_discard(gb_tmp);
        fprintf(stderr, "membench: %s\n", err);
        rc = 2;
      }
    } else {
      char tmp2[4096];
      if (mb_results_tmp(tmp2, sizeof tmp2, user_out) || mb_results_convert(gb_tmp, fmt, tmp2, err, sizeof err) ||
          mb_results_install_raw(tmp2, user_out, err, sizeof err)) {
        if (!*err) snprintf(err, sizeof err, "cannot name a temporary file for %s", user_out);
        fprintf(stderr, "membench: %s\n", err);
        rc = 2;
      } else if (!H.child_name) {
        fprintf(stderr, "membench: results in %s\n", user_out);
      }
      mb_results_discard(gb_tmp);
    }
  }
  if (!H.opt.bm_list)
    fprintf(stderr, "membench: %d benchmarks selected, %d skipped, %d failed verification, %d migrated%s\n",
            H.selected + child_selected, (int)H.skipped.size() + H.child_skipped, (int)H.failed.size() + H.child_failed,
            (int)H.migrated.size() + H.child_migrated, H.child_errors ? ", some child processes failed" : "");
  free(H.insts);
  hwloc_topology_destroy(H.topo);
  return rc;
}
