/*
 * test_env.c: machine names are stable and usable as directory names; the captured
 * environment has every key the results promise.
 */
#include "env.h"
#include "testutil.h"

int main(void) {
  char name[128];
  mb_machine_name(name, sizeof name, "AMD EPYC", 2);
  CHECK_STR(name, "amd-epyc-2c");
  mb_machine_name(name, sizeof name, "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", 28);
  CHECK_STR(name, "intel-xeon-e5-2680-v4-28c");
  mb_machine_name(name, sizeof name, "AMD Ryzen 9 7950X 16-Core Processor", 16);
  CHECK_STR(name, "amd-ryzen-9-7950x-16-core-16c");
  mb_machine_name(name, sizeof name, "", 4);
  CHECK_STR(name, "unknown-4c");
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
