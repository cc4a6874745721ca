/*
 * place.cc: where the benchmarks run, and the quiet check around the run (quiet.h has the
 * rule and its evidence).
 *
 * Before: how busy each allowed PU was while we slept for a moment, and the load average;
 * one line when the machine is busy. Unpinned, the default PU (the first of the second core)
 * is kept unless it is busy with other work or another membench holds it; then the quietest
 * free PU of the same CPU kind is taken, and the result says why. Pinned (--mb_cpu), a PU
 * another membench holds is waited for. A lock per PU (quiet.h) is how one membench finds
 * another: two runs pinned to one PU measured each other (read 1 MiB: 56.8 GiB/s instead of
 * about 157).
 *
 * After: the benchmarks whose kept runs were disturbed run again, in passes of their own,
 * each after a short back-off and only while their PU is quiet (with something else running
 * there they would only be disturbed again); what stays disturbed is kept, marked.
 */
#include "adapter.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace mb {
namespace {

const double SAMPLE_S = 0.1;            /* the look at the PUs before the run */
const double BACKOFF_S[] = {0.25, 1.0}; /* before each re-measuring pass: the look at the PU */

std::string pct(double busy) {
  if (busy < 0) return "unknown";
  char b[16];
  snprintf(b, sizeof b, "%.0f%%", 100 * busy);
  return b;
}

struct Candidate {
  int pu;
  double busy;
};

/* The PUs this process may use, with how busy each was over SAMPLE_S. */
std::vector<Candidate> sample_pus(Harness &H) {
  int all[CPU_SETSIZE];
  int n = mb_topo_pus(H.topo, all, CPU_SETSIZE);
  std::vector<int> pus;
  for (int i = 0; i < n; i++)
    if (cpu_allowed(all[i])) pus.push_back(all[i]);
  std::vector<double> busy(pus.size(), -1);
  if (!pus.empty() && mb_pu_busy(pus.data(), (int)pus.size(), SAMPLE_S, busy.data())) std::fill(busy.begin(), busy.end(), -1);
  std::vector<Candidate> c;
  for (size_t i = 0; i < pus.size(); i++) c.push_back({pus[i], busy[i]});
  return c;
}

bool quiet(double busy) { return busy < 0 || busy <= MB_QUIET_BUSY; }

/* Take PU `pu`'s lock without waiting: true when held (or when no lock can be had here,
 * said once in the context); *holder is the other membench's pid when it is taken. */
bool try_lock(Harness &H, int pu, int *holder) {
  int fd = mb_pu_lock(pu, 0, holder);
  if (fd >= 0) {
    H.quiet_pu_lock = fd;
    return true;
  }
  if (errno == EWOULDBLOCK) return false;
  json_object_set_new(H.quiet, "lock", json_string(("none: " + std::string(strerror(errno))).c_str()));
  return true;
}

/* Wait for PU `pu`'s lock, saying so. */
void wait_lock(Harness &H, int pu, int holder) {
  fprintf(stderr, "membench: PU %d is in use by another membench (pid %d): waiting for it to finish "
                  "(--mb_cpu=N runs on another PU now)\n", pu, holder);
  int h;
  H.quiet_pu_lock = mb_pu_lock(pu, 1, &h);
  json_object_set_new(H.quiet, "waited_for_pid", json_integer(holder));
}

/* One line when the machine is busy; the load and each PU's share in the context. */
void say_load(Harness &H, const std::vector<Candidate> &pus) {
  double load = -1;
  int running = 0;
  bool la = mb_loadavg(&load, &running) == 0;
  json_t *busy = json_object();
  std::string busy_text;
  int busy_pus = 0;
  for (auto &c : pus) {
    json_object_set_new(busy, std::to_string(c.pu).c_str(), c.busy < 0 ? json_null() : json_real(c.busy));
    if (!quiet(c.busy)) busy_pus++, busy_text += ", PU " + std::to_string(c.pu) + " " + pct(c.busy) + " busy";
  }
  json_object_set_new(H.quiet, "pu_busy", busy);
  json_object_set_new(H.quiet, "sample_s", json_real(SAMPLE_S));
  if (la) {
    json_object_set_new(H.quiet, "loadavg_1min", json_real(load));
    json_object_set_new(H.quiet, "runnable", json_integer(running));
  }
  /* Runnable tasks besides us beyond the PUs, or a PU busy with others' work. */
  if (busy_pus || (la && running - 1 >= (int)pus.size())) {
    char line[512];
    snprintf(line, sizeof line, "the machine is busy (load %.2f on %zu PUs, %d runnable%s in %.1f s before the run)", load,
             pus.size(), running, busy_text.c_str(), SAMPLE_S);
    fprintf(stderr, "membench: warning: %s: figures taken while something else runs are re-measured or marked\n", line);
    json_object_set_new(H.quiet, "busy", json_string(line));
  }
}

/* The PU to run on, with the quiet check: see the top of the file. */
int choose_pu(Harness &H, int dflt) {
  std::vector<Candidate> pus = sample_pus(H);
  say_load(H, pus);
  int holder = 0;
  if (H.opt.cpu >= 0) { /* the user's choice: waited for, never changed */
    if (!try_lock(H, H.opt.cpu, &holder)) wait_lock(H, H.opt.cpu, holder);
    return H.opt.cpu;
  }
  double dbusy = -1;
  for (auto &c : pus)
    if (c.pu == dflt) dbusy = c.busy;
  if (quiet(dbusy) && try_lock(H, dflt, &holder)) return dflt;
  std::string why = holder ? "PU " + std::to_string(dflt) + " (the default) is held by another membench (pid " + std::to_string(holder) + ")"
                           : "PU " + std::to_string(dflt) + " (the default) was " + pct(dbusy) + " busy with other work";
  /* The quietest free PU of the default's kind. */
  std::vector<Candidate> same;
  for (auto &c : pus)
    if (c.pu != dflt && mb_topo_pu_kind(H.topo, c.pu) == mb_topo_pu_kind(H.topo, dflt) && quiet(c.busy)) same.push_back(c);
  std::stable_sort(same.begin(), same.end(), [](const Candidate &a, const Candidate &b) { return a.busy < b.busy; });
  for (auto &c : same) {
    int h = 0;
    if (!try_lock(H, c.pu, &h)) continue;
    why += "; PU " + std::to_string(c.pu) + " was " + pct(c.busy) + " busy and free: running there";
    fprintf(stderr, "membench: %s\n", why.c_str());
    json_object_set_new(H.quiet, "pu_choice", json_string(why.c_str()));
    return c.pu;
  }
  why += "; no other PU of its kind was quiet and free: running there all the same";
  fprintf(stderr, "membench: warning: %s\n", why.c_str());
  json_object_set_new(H.quiet, "pu_choice", json_string(why.c_str()));
  if (holder && !try_lock(H, dflt, &holder)) wait_lock(H, dflt, holder);
  return dflt;
}

}  // namespace

/* Whether this process may run on `cpu` (its affinity mask, as taskset or a cgroup set it). */
bool cpu_allowed(int cpu) {
  cpu_set_t set;
  return cpu >= 0 && cpu < CPU_SETSIZE && sched_getaffinity(0, sizeof set, &set) == 0 && CPU_ISSET(cpu, &set);
}

void choose_and_pin(Harness &H) {
  H.quiet = json_object();
  json_object_set_new(H.quiet, "check", json_string(H.opt.quiet_check ? "on" : "off"));
  if (!mb_topo_is_this_system(H.topo)) { /* HWLOC_XMLFILE, HWLOC_SYNTHETIC */
    H.pu = -1;
    H.pin_note = "the topology is imported (HWLOC_XMLFILE or HWLOC_SYNTHETIC): placement is computed on it, nothing is bound";
    fprintf(stderr, "membench: warning: %s; the results say unpinned\n", H.pin_note.c_str());
    return;
  }
  int dflt = mb_topo_default_pu(H.topo);
  if (H.opt.cpu < 0 && !cpu_allowed(dflt)) { /* the default outside our affinity: the first allowed PU */
    dflt = -1;
    for (int c = 0; c < CPU_SETSIZE && dflt < 0; c++)
      if (cpu_allowed(c) && mb_topo_has_pu(H.topo, c)) dflt = c;
  }
  /* A child process runs where its parent chose (its --mb_cpu), under the parent's lock. */
  if (H.opt.quiet_check && !H.child_name && (dflt >= 0 || H.opt.cpu >= 0)) H.pu = choose_pu(H, dflt);
  else H.pu = H.opt.cpu >= 0 ? H.opt.cpu : dflt;
  char why[256] = "";
  if (H.pu < 0 || mb_topo_bind_thread(H.topo, H.pu, &H.membind, why, sizeof why)) {
    H.pin_note = H.pu < 0 ? "no PU found in the topology" : why;
    fprintf(stderr, "membench: warning: cannot pin (%s); running unpinned, and the results say so\n", H.pin_note.c_str());
    H.pu = -1;
  }
}

/* The instances whose kept entries are disturbed, and those that read them (.reads), in the
 * selection's order. */
static std::vector<char> disturbed_selection(Harness &H, const std::vector<char> &sel, int *count) {
  std::set<std::string> names;
  json_t *b;
  size_t i;
  json_array_foreach(json_object_get(H.doc, "benchmarks"), i, b) if (json_is_true(json_object_get(b, "mb_disturbed"))) {
    const char *rn = json_string_value(json_object_get(b, "run_name"));
    if (rn) names.insert(rn);
  }
  std::vector<char> again((size_t)H.ninst, 0);
  *count = 0;
  for (int k = 0; k < H.ninst; k++) {
    const mb_instance_t *inst = &H.insts[k];
    if (!sel[(size_t)k] || !runs_here(H, inst)) continue;
    for (auto &n : names) /* a run name is the instance's name and Google Benchmark's suffixes */
      if (!n.compare(0, strlen(inst->name), inst->name) && (n.size() == strlen(inst->name) || n[strlen(inst->name)] == '/')) {
        again[(size_t)k] = 1, ++*count;
        break;
      }
  }
  for (int k = 0; k < H.ninst; k++) { /* readers of a re-measured variant run after it */
    const mb_bench_t *r = H.insts[k].bench;
    if (!sel[(size_t)k] || again[(size_t)k] || !r->reads || !runs_here(H, &H.insts[k])) continue;
    for (int j = 0; j < H.ninst; j++)
      if (again[(size_t)j] && !strcmp(H.insts[j].bench->family, r->family) && !strcmp(H.insts[j].bench->variant, r->reads)) {
        again[(size_t)k] = 1;
        break;
      }
  }
  return again;
}

/* One disturbed entry and why, for the line that says what is re-measured. */
static std::string example_reason(Harness &H) {
  json_t *b;
  size_t i;
  json_array_foreach(json_object_get(H.doc, "benchmarks"), i, b) if (json_is_true(json_object_get(b, "mb_disturbed"))) {
    const char *n = json_string_value(json_object_get(b, "name")), *r = json_string_value(json_object_get(b, "mb_disturbed_reason"));
    return std::string("e.g. ") + (n ? n : "?") + ": " + (r ? r : "?");
  }
  return "";
}
void remeasure(Harness &H, benchmark::BenchmarkReporter *collector, const std::vector<char> &sel) {
  if (!H.opt.quiet_check || H.opt.bm_list || H.opt.help) return;
  const int selected = H.selected;
  for (int pass = 2; pass <= 1 + (int)(sizeof BACKOFF_S / sizeof *BACKOFF_S); pass++) {
    int n = 0;
    std::vector<char> again = disturbed_selection(H, sel, &n);
    if (!n) break;
    double busy = -1;
    if (H.pu >= 0 && mb_pu_busy(&H.pu, 1, BACKOFF_S[pass - 2], &busy)) busy = -1;
    else if (H.pu < 0) usleep((useconds_t)(BACKOFF_S[pass - 2] * 1e6));
    if (!quiet(busy)) {
      fprintf(stderr, "membench: %d benchmarks were disturbed and PU %d is still busy (%s with other work): not re-measured; "
                      "their entries are marked\n", n, H.pu, pct(busy).c_str());
      break;
    }
    fprintf(stderr, "membench: re-measuring %d benchmarks whose runs were disturbed (pass %d; %s)\n", n, pass, example_reason(H).c_str());
    benchmark::ClearRegisteredBenchmarks();
    register_selected(H, again);
    H.pass = pass;
    H.last_seen = nullptr;
    H.family.clear();
    H.started = 0;
    H.selected = 0;
    for (char c : again) H.selected += c;
    collector_new_pass(collector);
    benchmark::RunSpecifiedBenchmarks(collector);
    warn_if_short(H);
    teardown_current(H);
  }
  H.selected = selected;
}

json_t *quiet_context(Harness &H) {
  json_t *q = H.quiet ? json_deep_copy(H.quiet) : json_object();
  if (!json_object_get(q, "check")) json_object_set_new(q, "check", json_string(H.opt.quiet_check ? "on" : "off"));
  json_t *rule = json_object();
  json_object_set_new(rule, "lost_share", json_real(MB_QUIET_LOST_SHARE));
  json_object_set_new(rule, "lost_min_s", json_real(MB_QUIET_LOST_MIN));
  json_object_set_new(rule, "steal_min_s", json_real(MB_QUIET_STEAL_MIN));
  json_object_set_new(rule, "busy_pu", json_real(MB_QUIET_BUSY));
  json_object_set_new(q, "rule", rule);
  return q;
}

}  // namespace mb
