/*
 * adapter.cc: main. The only C++ in membench is here and in the files adapter.h lists: every
 * C benchmark instance is registered with Google Benchmark, so its flags and console work;
 * membench owns the request's checks, pinning, counters, environment and the result file.
 *
 * main, in order: everything that can be wrong with the request is checked before anything
 * runs or is written; the machine is configured (pinned, counters opened, warmed up); Google
 * Benchmark runs this process's benchmarks through the collector (report.cc); the children
 * run theirs; the result is written once.
 */
#include "adapter.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace mb {

void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("membench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

namespace {

/* Where the result goes: a timestamped file and latest.json under --mb_out_dir, and/or the
 * path --benchmark_out names. Named before anything runs; created only at the end. */
struct Outputs {
  char stamp_path[4096] = "", latest[4096] = "", user_out[4096] = "";
  std::string dir_machine;
  bool writes = false;
  /* Checkpoints: the result so far, marked incomplete, beside each output as
   * <name>.partial.json, so that a run killed where no handler runs (the OOM killer, a CI
   * job's timeout) keeps what it measured. The final result replaces none of them: it is
   * written, then they are removed. */
  std::vector<std::string> partials;
  std::vector<std::string> argv;
  double last = -1e9, cost = 0;
  int selected = 0; /* here and in child processes */
};
Outputs *checkpoint_to = nullptr;



/* The flags, the counters, the machine name and an imported topology: checked, and the
 * topology loaded. Returns false when the request was only to print the machine name. */
/* Descriptors enough for the counters, /proc and /sys and the result: with 7 (ulimit -n 7) a
 * run ended 0 with steal_s, num_cpus, caches and MHz silently gone. The soft limit is raised
 * toward the hard one when it is low; a hard limit under MIN_FDS ends the run, saying so. */
void check_descriptors() {
  const rlim_t MIN_FDS = 64;
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= MIN_FDS) return;
  if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= MIN_FDS) {
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 1024 ? 1024 : rl.rlim_max;
    if (!setrlimit(RLIMIT_NOFILE, &rl)) return;
  }
  die("only %llu file descriptors may be open (ulimit -n): membench needs %llu (perf counters, /proc and /sys, the "
      "result); raise the limit (ulimit -n 1024)", (unsigned long long)rl.rlim_max, (unsigned long long)MIN_FDS);
}

bool check_request(Harness &H, int *argc, char **argv) {
  char err[512] = "";
  check_descriptors();
  if (mb_cli_parse(argc, argv, &H.opt, err, sizeof err)) die("%s", err);
  if (H.opt.help || H.opt.version) { /* nothing else: no topology, no machine, exit 0 */
    if (H.opt.help) fputs(mb_cli_help, stdout);
    else mb_print_version(stdout);
    return false;
  }
  if (mb_views_check(err, sizeof err)) die("%s", err); /* a view naming no benchmark is a bug, said at once */
  if (H.opt.print_views) {
    json_t *p = presentation_json();
    if (json_dumpf(p, stdout, JSON_INDENT(1) | JSON_SORT_KEYS) || fputc('\n', stdout) == EOF || fflush(stdout))
      die("cannot write the views: %s", strerror(errno));
    json_decref(p);
    return false;
  }
  H.gb_flags.assign(argv + 1, argv + *argc);
  if ((H.child_name = getenv("MB_CHILD_PROCESS")) && !*H.child_name) die("MB_CHILD_PROCESS is empty");
  if (mb_counters_parse(H.opt.counters ? H.opt.counters : MB_DEFAULT_COUNTERS, &H.counters, err, sizeof err))
    die("%s", err);
  if (H.opt.machine && !mb_machine_name_valid(H.opt.machine))
    die("machine name '%s' is not usable as a directory name (letters, digits, '.', '_', '-')", H.opt.machine);
  if (H.opt.out_dir && H.opt.bm_out_format && strcmp(H.opt.bm_out_format, "json"))
    die("--mb_out_dir writes JSON; --benchmark_out_format=%s conflicts with it", H.opt.bm_out_format);
  if (H.opt.bm_out_format && strcmp(H.opt.bm_out_format, "json") && strcmp(H.opt.bm_out_format, "csv") &&
      strcmp(H.opt.bm_out_format, "console"))
    die("--benchmark_out_format=%s: the formats are json, csv and console", H.opt.bm_out_format);
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
    return false;
  }
  if (H.opt.cpu >= 0 && !mb_topo_has_pu(H.topo, H.opt.cpu))
    die("--mb_cpu=%d: no such CPU here (available PUs by OS index: %s)", H.opt.cpu, H.summary.pu_list);
  if (H.opt.cpu >= 0 && mb_topo_is_this_system(H.topo) && !cpu_allowed(H.opt.cpu))
    die("--mb_cpu=%d is outside the CPUs this process may run on (its affinity: taskset, a cgroup)", H.opt.cpu);
  /* The machine is named from all of it; the run uses what it was given. */
  char all[sizeof H.summary.pu_list];
  snprintf(all, sizeof all, "%s", H.summary.pu_list);
  /* A child is pinned to its parent's PU: the parent's mask is the one to keep inside. */
  const char *given = H.child_name ? getenv("MB_AFFINITY") : nullptr;
  if ((!H.child_name || given) && mb_topo_restrict_to_affinity(H.topo, given)) {
    mb_topo_summarize(H.topo, &H.summary);
    H.affinity_note = std::string("the process may run on PUs ") + H.summary.pu_list + " of " + all +
                      " (its affinity: taskset, numactl, a cgroup): placements, cores and threads stay inside them";
  }
  return true;
}

void name_outputs(Harness &H, Outputs *o) {
  o->writes = !H.opt.bm_list && !H.opt.help && (H.opt.out_dir || H.opt.bm_out);
  if (!o->writes) return;
  mb_results_guard();
  if (H.opt.out_dir) {
    o->dir_machine = std::string(H.opt.out_dir) + "/" + H.machine;
    if (mb_results_stamp_path(o->stamp_path, sizeof o->stamp_path - 16, H.opt.out_dir, H.machine))
      die("results path too long");
    snprintf(o->latest, sizeof o->latest, "%s/latest.json", o->dir_machine.c_str());
  }
  if (H.opt.bm_out) snprintf(o->user_out, sizeof o->user_out, "%s", H.opt.bm_out);
  struct stat ost;
  if (*o->user_out && stat(o->user_out, &ost) == 0 && S_ISDIR(ost.st_mode))
    die("--benchmark_out=%s is a directory: name a file", o->user_out);
  H.out_near = *o->stamp_path ? o->stamp_path : o->user_out;
  /* A child's checkpoint (of its --benchmark_out) is what its parent keeps of it when it is
   * killed. */
  if (*o->stamp_path) o->partials.push_back(partial_name(o->stamp_path));
  if (*o->user_out && !mb_results_special(o->user_out)) o->partials.push_back(partial_name(o->user_out));
}

/* The result's directory exists and a file can be made beside it: found out now, not after
 * an hour of benchmarks. */
void check_writable(Harness &H, const Outputs &o) {
  if (!o.writes) return;
  char err[512], probe[4096];
  if (!o.dir_machine.empty() && mb_mkdir_p(o.dir_machine.c_str(), err, sizeof err)) die("%s", err);
  if (mb_results_tmp(probe, sizeof probe, H.out_near.c_str())) die("cannot name a temporary output file: %s", strerror(errno));
  FILE *f = fopen(probe, "w");
  int e = errno;
  if (f) fclose(f);
  mb_results_discard(probe);
  if (!f) die("cannot write beside %s: %s", H.out_near.c_str(), strerror(e));
}

/* Environment variable `name` as a count of bytes accepted by ok(): false when unset; a value
 * that is not one ends the run with one line saying what was wanted. */
bool env_bytes(const char *name, bool (*ok)(unsigned long long), const char *wanted, unsigned long long *out) {
  const char *s = getenv(name);
  if (!s) return false;
  char *end;
  errno = 0;
  *out = strtoull(s, &end, 10);
  if (!isdigit((unsigned char)*s) || *end || errno || !ok(*out)) die("%s: '%s' is not %s", name, s, wanted);
  return true;
}

/* The cache line benchmarks lay data out by: hwloc's L1d line, else sysconf's, else 64 bytes
 * (a power of two from 16 to 256: anything else is a misreport). MB_CACHE_LINE=BYTES sets it
 * (a machine whose firmware misreports it; the tests, for a 128-byte line on a 64-byte one). */
unsigned line_size(unsigned hwloc_line, const char **from) {
  auto sane = [](unsigned long long v) { return v >= 16 && v <= 256 && !(v & (v - 1)); };
  unsigned long long v;
  if (env_bytes("MB_CACHE_LINE", sane, "a power of two from 16 to 256 (bytes)", &v)) return *from = "MB_CACHE_LINE", (unsigned)v;
  if (sane(hwloc_line)) return *from = "hwloc", hwloc_line;
  long sc = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
  if (sc > 0 && sane((unsigned long long)sc)) return *from = "sysconf(_SC_LEVEL1_DCACHE_LINESIZE)", (unsigned)sc;
  *from = "64 bytes, assumed: neither hwloc nor sysconf reported a line size (qemu-user, some VMs and containers)";
  return 64;
}

void configure(Harness &H) {
  H.config.quick = H.opt.quick;
  H.config.long_sweep = H.opt.long_sweep;
  /* Sized from the smallest limit that applies: a container's or a CI job's memory cgroup
   * kills at its limit, whatever MemAvailable says. */
  mb_mem_limit(&H.mem, "/proc/self/cgroup", "/sys/fs/cgroup");
  H.config.mem_available = H.mem.bytes;
  H.config.mem_limited_by = !strcmp(H.mem.by, "cgroup") ? "the memory cgroup's limit" : !strcmp(H.mem.by, "RLIMIT_AS") ? "the address-space limit, ulimit -v" : "MemAvailable";
  /* MB_MEM_AVAILABLE=BYTES caps working sets below what the machine has (a shared box, a
   * test): never above it. */
  unsigned long long cap;
  if (env_bytes("MB_MEM_AVAILABLE", [](unsigned long long v) { return v > 0; }, "a number of bytes", &cap) &&
      (!H.config.mem_available || cap < H.config.mem_available))
    H.config.mem_available = cap, H.config.mem_limited_by = "MemAvailable", H.mem.by = "MB_MEM_AVAILABLE";
  for (int l = 1; l <= 4; l++) H.config.cache_size[l] = H.summary.cache_size[l];
  H.config.cache_line = line_size(H.summary.cache_line, &H.cache_line_from);
  H.config.cores = H.summary.cores, H.config.pus = H.summary.pus;
  H.config.numa_nodes = H.summary.numa_nodes > 0 ? H.summary.numa_nodes : 1;
  H.config.thp = mb_env_get(&H.env, "mb_thp_enabled");
  H.config.only_ws = H.opt.ws, H.config.only_threads = H.opt.threads;
  mb_set_config(&H.config);
}

/* Google Benchmark's argv: ours minus the filter (membench selected), plus the default min
 * time; it writes no file (the collector keeps the runs). Exits 2 on a flag it rejects. */
void initialize_gb(Harness &H, int argc, char **argv) {
  std::vector<std::string> extra;
  if (planned_min_time > 0) extra.push_back("--benchmark_min_time=" + std::to_string(planned_min_time));
  else if (!H.opt.bm_min_time_given) extra.push_back(H.opt.quick ? "--benchmark_min_time=0.01" : "--benchmark_min_time=0.1");
  extra.push_back("--benchmark_filter=.");
  std::vector<char *> gbargv;
  for (int i = 0; i < argc; i++)
    if (strncmp(argv[i], "--benchmark_filter=", 19)) gbargv.push_back(argv[i]);
  for (auto &e : extra) gbargv.push_back(&e[0]);
  gbargv.push_back(nullptr);
  int gbargc = (int)gbargv.size() - 1;
  benchmark::Initialize(&gbargc, gbargv.data());
  if (benchmark::ReportUnrecognizedArguments(gbargc, gbargv.data())) exit(2);
}

/* Pin, open the counters, say what is missing; then 0.2 s of spinning on the pinned PU, so
 * the first benchmark does not measure a core whose clock is still rising (Google Benchmark
 * 1.7.1 has no warm-up option; the first harness/empty of a fresh process read 0.50 ns
 * instead of 0.29 without it). */
void prepare_machine(Harness &H) {
  if (H.opt.quiet_check) mb_quiet_watch_stops();
  choose_and_pin(H);
  int avail = mb_counters_probe(&H.counters);
  std::string missing;
  for (int i = 0; i < H.counters.n; i++)
    if (!H.counters.ev[i].available) missing += std::string("\n  ") + H.counters.ev[i].name + ": " + H.counters.ev[i].why;
  if (!missing.empty() && !H.child_name) /* a child's parent has said it */
    fprintf(stderr, "membench: warning: %d of %d counters unavailable, reported as absent (not zero):%s\n",
            H.counters.n - avail, H.counters.n, missing.c_str());
  std::string user;
  for (int i = 0; i < H.counters.n; i++)
    if (H.counters.ev[i].available && H.counters.ev[i].user_only) user += std::string(user.empty() ? "" : ", ") + H.counters.ev[i].name;
  if (!user.empty() && !H.child_name)
    fprintf(stderr, "membench: warning: these counters count user space only here (perf_event_paranoid=%d): %s\n", mb_perf_paranoid(),
            user.c_str());
  mb_counters_open(&H.counters);
  H.config.pu = H.pu;
  mb_set_config(&H.config);
  for (int i = 0; i < H.env.nwarn && !H.child_name; i++) fprintf(stderr, "membench: warning: %s\n", H.env.warn[i]);
  if (H.opt.iterations) return;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  uint64_t spins = 0;
  do {
    for (int k = 0; k < 1000; k++) benchmark::DoNotOptimize(++spins);
    clock_gettime(CLOCK_MONOTONIC, &b);
  } while ((double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec) < 0.2);
}

/* The context's strings (sorted, as Google Benchmark writes its custom context) and
 * membench's own object. */
void finish_context(Harness &H, int argc, char **argv) {
  if (!json_object_get(H.doc, "context")) json_object_set_new(H.doc, "context", json_object());
  json_t *ctx = json_object_get(H.doc, "context");
  std::vector<std::pair<std::string, std::string>> custom; /* environment, build, machine, families' notes */
  for (int i = 0; i < H.env.n; i++) custom.emplace_back(H.env.kv[i].key, H.env.kv[i].value);
  custom.emplace_back("mb_machine", H.machine);
  custom.emplace_back("mb_pu", std::to_string(H.pu));
  custom.emplace_back("mb_pinned", H.pu >= 0 ? "true" : "false");
  for (int i = 0; i < mb_context_count(); i++) custom.emplace_back(mb_context_key(i), mb_context_value(i));
  std::stable_sort(custom.begin(), custom.end(), [](auto &x, auto &y) { return x.first < y.first; });
  for (auto &kv : custom) json_object_set_new(ctx, kv.first.c_str(), json_string(kv.second.c_str()));
  json_t *m = membench_context(H, argc, argv);
  json_object_update(ctx, m);
  json_decref(m);
}

}  // namespace

std::string partial_name(const char *path) {
  std::string p = path;
  if (p.size() > 5 && !p.compare(p.size() - 5, 5, ".json")) p.resize(p.size() - 5);
  return p + ".partial.json";
}

/* A checkpoint, at most every 2 s and never more than 5% of the run's time: H.doc with its
 * context as it stands and context.membench.incomplete. A failure to write one is said
 * once and the run goes on (the final write says what is wrong). */
void checkpoint(Harness &H, bool force) {
  Outputs *o = checkpoint_to;
  if (!o || o->partials.empty()) return;
  double t0 = now_s();
  if (!force && t0 - o->last < std::max(2.0, 20 * o->cost)) return;
  json_t *whole = H.doc, *snap = json_deep_copy(H.doc);
  if (!snap) return;
  H.doc = snap;
  std::vector<char *> av;
  for (auto &a : o->argv) av.push_back(&a[0]);
  finish_context(H, (int)av.size(), av.data());
  H.doc = whole;
  json_t *inc = json_object();
  json_object_set_new(inc, "why", json_string("a checkpoint: the run had not finished when this was written; a run that "
                                              "ended here was killed (the OOM killer, a timeout, SIGKILL)"));
  /* How much of the run it holds: benchmarks with entries or a reason, of those selected. */
  json_t *names = json_object(), *b;
  const char *last = "";
  size_t i;
  for (const char *key : {"benchmarks", "not_measured"})
    json_array_foreach(json_object_get(snap, key), i, b) {
      const char *rn = json_string_value(json_object_get(b, "run_name"));
      if (!rn) rn = json_string_value(json_object_get(b, "name"));
      if (rn) json_object_set_new(names, rn, json_true()), last = *key == 'b' ? rn : last;
    }
  json_object_set_new(inc, "selected", json_integer(o->selected));
  json_object_set_new(inc, "done", json_integer((json_int_t)json_object_size(names)));
  json_object_set_new(inc, "last", json_string(last));
  json_object_set_new(inc, "pass", json_integer(H.pass));
  json_decref(names);
  json_object_set_new(json_object_get(json_object_get(snap, "context"), "membench"), "incomplete", inc);
  static bool said;
  for (auto &p : o->partials) {
    char err[512], path[4096];
    snprintf(path, sizeof path, "%s", p.c_str());
    if (mb_results_install_doc(snap, path, sizeof path, 0, nullptr, err, sizeof err) && !said) {
      fprintf(stderr, "membench: warning: no checkpoint: %s\n", err);
      said = true;
    }
  }
  json_decref(snap);
  o->last = now_s();
  o->cost = o->last - t0;
}

namespace {

/* After a failed final write: where the last checkpoint kept what was measured. */
int kept_in_checkpoints(const Outputs *o) {
  for (auto &p : o->partials)
    if (access(p.c_str(), R_OK) == 0) fprintf(stderr, "membench: what was measured up to the last checkpoint is kept in %s\n", p.c_str());
  return 2;
}

/* The result, once: JSON at the user's path and/or the timestamped one with latest.json, or
 * Google Benchmark's other formats at the user's path. 0, or 2 with the reason said. */
int write_outputs(Harness &H, Outputs *o) {
  char err[512] = "";
  const char *fmt = H.opt.bm_out_format ? H.opt.bm_out_format : "json";
  if (*o->user_out && strcmp(fmt, "json")) {
    char tmp[4096];
    if (mb_results_tmp(tmp, sizeof tmp, o->user_out) || mb_results_convert(H.doc, fmt, tmp, err, sizeof err) ||
        mb_results_install_raw(tmp, o->user_out, err, sizeof err)) {
      if (!*err) snprintf(err, sizeof err, "cannot name a temporary file for %s", o->user_out);
      fprintf(stderr, "membench: %s\n", err);
      return kept_in_checkpoints(o);
    }
  } else if (*o->user_out) {
    if (mb_results_install_doc(H.doc, o->user_out, sizeof o->user_out, 0, nullptr, err, sizeof err)) {
      fprintf(stderr, "membench: %s\n", err);
      return kept_in_checkpoints(o);
    }
  }
  if (*o->user_out && !H.child_name) fprintf(stderr, "membench: results in %s\n", o->user_out);
  if (*o->stamp_path) {
    if (mb_results_install_doc(H.doc, o->stamp_path, sizeof o->stamp_path, 1, o->latest, err, sizeof err)) {
      fprintf(stderr, "membench: %s\n", err);
      return kept_in_checkpoints(o);
    }
    fprintf(stderr, "membench: results in %s (and %s)\n", o->stamp_path, o->latest);
  }
  for (auto &p : o->partials) unlink(p.c_str()); /* the whole result is in place */
  return 0;
}

}  // namespace
}  // namespace mb

using namespace mb;

int main(int argc, char **argv) {
  mb_probe_dispatch(argc, argv); /* a probe's process runs its probe and nothing else */
  Harness H; /* the run's state, handed to what reads or changes it */
  std::vector<char *> orig(argv, argv + argc);
  if (!check_request(H, &argc, argv)) return 0;
  if (H.opt.print_pu) { /* where the quiet check would run it now (the gate pins both builds there) */
    choose_and_pin(H);
    printf("%d\n", H.pu);
    return 0;
  }
  Outputs out;
  name_outputs(H, &out);
  out.argv.assign(orig.begin(), orig.end());
  configure(H);
  char err[512] = "";
  H.ninst = mb_registry_expand(&H.config, &H.insts, err, sizeof err);
  if (H.ninst < 0) die("%s", err);
  std::map<std::string, int> children; /* child process -> benchmarks selected there */
  std::string why;
  std::vector<char> sel;
  H.selected = select_instances(H, H.opt.bm_filter, &sel, &children, &why);
  H.sel = sel;
  if (H.selected < 0) die("--benchmark_filter=%s is not a regular expression (%s)", H.opt.bm_filter, why.c_str());
  register_selected(H, sel);
  int child_selected = 0;
  for (auto &c : children) child_selected += c.second;
  if (!H.opt.bm_list && H.selected + child_selected == 0)
    die("no benchmark matches --benchmark_filter=%s (see --benchmark_list_tests)", H.opt.bm_filter ? H.opt.bm_filter : "");
  std::string estimate = plan_run(H, sel); /* the min time for --mb_budget, before Google Benchmark reads its flags */
  initialize_gb(H, argc, argv);
  benchmark::BenchmarkReporter *display = make_display(H, &why);
  if (!display) die("%s", why.c_str());
  check_writable(H, out);
  fputs(estimate.c_str(), stderr); /* only once every flag and the output place are accepted */
  if (!H.opt.bm_list && !H.opt.help) {
    prepare_machine(H);
    describe_families(H, sel);
  }

  H.doc = new_doc();
  if (out.writes) checkpoint_to = &out, out.selected = H.selected + child_selected;
  benchmark::BenchmarkReporter *collector = make_collector(H, display);
  timing_start();
  if (H.selected) {
    benchmark::RunSpecifiedBenchmarks(collector);
    warn_if_short(H);
    teardown_current(H);
    remeasure(H, collector, sel);
  }
  mb_counters_close(&H.counters);
  if (!H.opt.bm_list && !H.opt.help && !children.empty()) {
    checkpoint(H, true); /* all measured here is kept before the children run */
    for (auto &c : children) {
      std::map<std::string, int> per_family; /* where the child's time goes */
      for (int i = 0; i < H.ninst; i++)
        if (sel[(size_t)i] && H.insts[i].bench->process && c.first == H.insts[i].bench->process) per_family[H.insts[i].bench->family]++;
      timing_add(nullptr, 0);
      run_child(H, c.first, c.second, out.writes);
      timing_add_child(per_family);
      checkpoint(H, true);
    }
  }
  benchmark::Shutdown();

  int remeasured = 0, disturbed = count_disturbed(H.doc, &remeasured);
  int rc = H.failed.empty() && !H.child_failed && !H.child_errors ? 0 : 1;
  checkpoint_to = nullptr;
  if (out.writes) {
    finish_context(H, (int)orig.size(), orig.data());
    if (int w = write_outputs(H, &out)) rc = w;
  }
  if (!H.opt.bm_list)
    fprintf(stderr, "membench: %d benchmarks selected, %d skipped, %d failed verification, %d migrated, %d disturbed (marked), "
                    "%d re-measured clean%s\n",
            H.selected + child_selected, (int)H.skipped.size() + H.child_skipped, (int)H.failed.size() + H.child_failed,
            (int)H.migrated.size() + H.child_migrated, disturbed, remeasured, H.child_errors ? ", some child processes failed" : "");
  json_decref(H.doc);
  delete collector;
  delete display;
  free(H.insts);
  hwloc_topology_destroy(H.topo);
  return rc;
}
