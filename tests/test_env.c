/*
 * test_env.c: machine names are stable and usable as directory names; the captured
 * environment has every key the results promise.
 */
#include <stdarg.h>

#include "env.h"
#include "testutil.h"

/* Write printf's text to dir/rel, making the directories on the way. */
static void put(const char *dir, const char *rel, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(const char *dir, const char *rel, const char *fmt, ...) {
  char path[512], cmd[700], text[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", path);
  CHECK(system(cmd) == 0);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) fputs(text, f), fclose(f);
}

/* Memory limits from synthetic cgroup trees with known answers: the smallest room under any
 * limit of the group or an ancestor wins; "max" and v1's 2^63 are no limit; reclaimable
 * file pages are room. */
static void memory_limits(void) {
  char dir[64], proc[128], root[128];
  test_tmpdir(dir);
  snprintf(proc, sizeof proc, "%s/cgroup", dir);
  snprintf(root, sizeof root, "%s/sys", dir);
  mb_mem_limit_t m;
  unsigned long long MiB = 1 << 20;
  /* v2 alone: the job's group has none, its parent 300 MiB with 100 used (40 of it inactive file) */
  put(dir, "sys/cgroup.controllers", "cpu memory\n");
  put(dir, "cgroup", "0::/ci/job\n");
  put(dir, "sys/ci/job/memory.max", "max\n");
  put(dir, "sys/ci/job/memory.current", "1000\n");
  put(dir, "sys/ci/memory.max", "%llu\n", 300 * MiB);
  put(dir, "sys/ci/memory.current", "%llu\n", 100 * MiB);
  put(dir, "sys/ci/memory.stat", "anon 1\ninactive_file %llu\nactive_file 7\n", 40 * MiB);
  mb_mem_limit(&m, proc, root);
  CHECK_EQ_INT((long long)(m.cgroup_available / MiB), 240);
  CHECK_EQ_INT((long long)(m.cgroup_limit / MiB), 300);
  CHECK(strstr(m.cgroup_file, "sys/ci/memory.max") != NULL);
  if (m.mem_available > 240 * MiB) {
    CHECK_STR(m.by, "cgroup");
    CHECK_EQ_INT((long long)(m.bytes / MiB), 240);
  }
  /* memory.high below max binds */
  put(dir, "sys/ci/job/memory.high", "%llu\n", 150 * MiB);
  mb_mem_limit(&m, proc, root);
  CHECK_EQ_INT((long long)(m.cgroup_available / MiB), 149); /* 150 MiB less 1000 bytes */
  CHECK(strstr(m.cgroup_file, "job/memory.high") != NULL);
  /* v1 hybrid, as Docker on cgroup v1 or this VM: the memory controller's line names it;
   * v2's unified tree beside it has no limit */
  test_rmtree(dir);
  test_tmpdir(dir);
  snprintf(proc, sizeof proc, "%s/cgroup", dir);
  snprintf(root, sizeof root, "%s/sys", dir);
  put(dir, "cgroup", "9:name=systemd:/\n4:cpu,memory:/docker/abc\n0::/\n");
  put(dir, "sys/unified/cgroup.procs", "%s", "");
  put(dir, "sys/memory/memory.limit_in_bytes", "9223372036854771712\n");
  put(dir, "sys/memory/docker/abc/memory.limit_in_bytes", "%llu\n", 512 * MiB);
  put(dir, "sys/memory/docker/abc/memory.usage_in_bytes", "%llu\n", 12 * MiB);
  put(dir, "sys/memory/docker/abc/memory.stat", "cache 5\ntotal_inactive_file 2097152\n");
  mb_mem_limit(&m, proc, root);
  CHECK_EQ_INT((long long)(m.cgroup_available / MiB), 502);
  /* no limit anywhere: MemAvailable decides */
  put(dir, "sys/memory/docker/abc/memory.limit_in_bytes", "9223372036854771712\n");
  mb_mem_limit(&m, proc, root);
  CHECK_EQ_INT((long long)m.cgroup_available, 0);
  CHECK(m.bytes == m.mem_available);
  /* a crafted path does not leave the tree */
  put(dir, "cgroup", "4:memory:/../../etc\n");
  mb_mem_limit(&m, proc, root);
  CHECK_EQ_INT((long long)m.cgroup_available, 0);
  test_rmtree(dir);
}

int main(void) {
  memory_limits();
  char name[128];
  mb_machine_name(name, sizeof name, "AMD EPYC", 2);
  CHECK_STR(name, "amd-epyc-2c");
  mb_machine_name(name, sizeof name, "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", 28);
  CHECK_STR(name, "intel-xeon-e5-2680-v4-28c");
  mb_machine_name(name, sizeof name, "AMD Ryzen 9 7950X 16-Core Processor", 16);
  CHECK_STR(name, "amd-ryzen-9-7950x-16-core-16c");
  mb_machine_name(name, sizeof name, "", 4);
  CHECK_STR(name, "unknown-4c");
  /* arm64's /proc/cpuinfo has no model name: implementer and part make one, so a Graviton 2
   * (Neoverse-N1) and a Graviton 3 (Neoverse-V1) of 64 cores get different names. */
  static const struct {
    const char *file, *model, *name;
  } arm[] = {{"data/cpuinfo/arm-neoverse-n1.txt", "ARM Neoverse-N1", "arm-neoverse-n1-64c"},
             {"data/cpuinfo/arm-neoverse-v1.txt", "ARM Neoverse-V1", "arm-neoverse-v1-64c"}};
  for (int k = 0; k < 2; k++) {
    char *text = test_slurp(arm[k].file);
    CHECK(text != NULL);
    if (!text) continue;
    mb_cpuinfo_t ci;
    mb_cpuinfo_parse(text, &ci);
    CHECK_STR(ci.model, arm[k].model);
    CHECK(!ci.has_flags); /* no x86 flags: the VM question is asked elsewhere */
    mb_machine_name(name, sizeof name, ci.model, 64);
    printf("%s -> %s\n", arm[k].file, name);
    CHECK_STR(name, arm[k].name);
    free(text);
  }
  mb_cpuinfo_t ci;
  /* The fingerprint's part identity: x86's vendor, family, model, stepping, microcode ("model"
   * is not "model name"); arm64's implementer, architecture, part, variant and revision. */
  mb_cpuinfo_parse("vendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\nmodel name\t: Intel(R) Xeon(R) Platinum 8481C\n"
                   "stepping\t: 8\nmicrocode\t: 0xffffffff\n", &ci);
  CHECK_STR(ci.vendor, "GenuineIntel");
  CHECK_STR(ci.family, "6");
  CHECK_STR(ci.model_number, "143");
  CHECK_STR(ci.stepping, "8");
  CHECK_STR(ci.microcode, "0xffffffff");
  CHECK_STR(ci.model, "Intel(R) Xeon(R) Platinum 8481C");
  mb_cpuinfo_parse("CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x3\nCPU part\t: 0xd0c\nCPU revision\t: 1\n", &ci);
  CHECK_STR(ci.vendor, "0x41");
  CHECK_STR(ci.family, "8");
  CHECK_STR(ci.model_number, "0xd0c");
  CHECK_STR(ci.stepping, "0x3 r1");
  mb_cpuinfo_parse("CPU implementer\t: 0x41\nCPU part\t: 0xfff\n", &ci); /* a part not in the table */
  CHECK_STR(ci.model, "ARM implementer 0x41 part 0xfff");
  mb_cpuinfo_parse("model name\t: AMD EPYC\nflags\t\t: fpu sse2 hypervisor lahf_lm\ncpu MHz\t\t: 2596.000\n", &ci);
  CHECK_STR(ci.model, "AMD EPYC");
  CHECK(ci.has_flags && ci.hypervisor && ci.mhz == 2596.0);
  /* The model comes from hwloc first (CPUModel), then /proc/cpuinfo, then "unknown". */
  char model[128];
  mb_cpu_model_pick(model, sizeof model, "AMD EPYC 9R45", &ci);
  CHECK_STR(model, "AMD EPYC 9R45");
  mb_cpu_model_pick(model, sizeof model, "", &ci);
  CHECK_STR(model, "AMD EPYC");
  mb_cpuinfo_parse("CPU implementer\t: 0x41\nCPU part\t: 0xd0c\n", &ci); /* arm64: hwloc has no CPUModel */
  mb_cpu_model_pick(model, sizeof model, NULL, &ci);
  CHECK_STR(model, "ARM Neoverse-N1");
  mb_cpuinfo_parse("", &ci);
  mb_cpu_model_pick(model, sizeof model, "", &ci);
  CHECK_STR(model, "unknown");
  /* hwloc's CPUModel in real machines' exports (tests/data): a 4-socket Xeon E5-4640. */
  static const struct {
    const char *xml, *name;
  } xml[] = {{"data/192em64t-24n8c2t.xml", "intel-xeon-e5-4640-0-192c"}, {"data/32em64t-2n8c2t-pci-noio.xml", "intel-xeon-e5-2650-0-16c"}};
  for (int k = 0; k < 2; k++) {
    hwloc_topology_t x;
    mb_topo_summary_t xs;
    if (hwloc_topology_init(&x) || hwloc_topology_set_xml(x, xml[k].xml) || hwloc_topology_load(x)) {
      CHECK(!"cannot load the XML topology");
      continue;
    }
    mb_topo_summarize(x, &xs);
    mb_cpu_model_pick(model, sizeof model, xs.cpu_model, &ci);
    mb_machine_name(name, sizeof name, model, xs.cores);
    printf("%s -> %s\n", xml[k].xml, name);
    CHECK_STR(name, xml[k].name);
    hwloc_topology_destroy(x);
  }
  CHECK(mb_machine_name_valid("amd-epyc-2c"));
  CHECK(mb_machine_name_valid("ci_box.1"));
  CHECK(!mb_machine_name_valid("../etc"));
  CHECK(!mb_machine_name_valid("a/b"));
  CHECK(!mb_machine_name_valid(".hidden"));
  CHECK(!mb_machine_name_valid(""));

  hwloc_topology_t t;
  CHECK_EQ_INT(mb_topo_load(&t), 0);
  mb_topo_summary_t s;
  mb_topo_summarize(t, &s);
  CHECK(s.pus >= 1 && s.cores >= 1 && s.cores <= s.pus);
  CHECK(s.pu_list[0] != 0);
  mb_env_t *env = calloc(1, sizeof *env);
  mb_env_capture(env, &s);
  static const char *keys[] = {"mb_cpu_model", "mb_virtualized", "mb_topo_cores", "mb_topo_pus", "mb_topo_numa_nodes",
                               "mb_governor", "mb_boost", "mb_smt_active", "mb_thp_enabled", "mb_aslr", "mb_kernel",
                               "mb_compiler", "mb_c_flags", "mb_git_revision", "mb_lib_hwloc", "mb_lib_benchmark",
                               "mb_lib_glibc", "mb_lib_jansson", "mb_lib_pfm", NULL};
  for (int i = 0; keys[i]; i++) {
    const char *v = mb_env_get(env, keys[i]);
    if (!v || !*v) fprintf(stderr, "missing context key %s\n", keys[i]);
    CHECK(v && *v);
  }
  /* THP mode is the bracketed choice, not the whole list. */
  CHECK(strchr(mb_env_get(env, "mb_thp_enabled"), '[') == NULL);
  /* A VM is said once as a warning, and never stops the run. */
  if (env->in_vm) {
    int said = 0;
    for (int i = 0; i < env->nwarn; i++) said |= strstr(env->warn[i], "virtual machine") != NULL;
    CHECK(said);
  }
  CHECK(mb_mem_available() > 0);
  free(env);
  hwloc_topology_destroy(t);
  return TEST_EXIT();
}
