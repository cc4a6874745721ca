/*
 * test_placement.c: the default PU, PU validation and the compact/scatter policies, on
 * synthetic topologies and on XML exports of real machines (tests/data), not only on the
 * machine that runs the test.
 */
#include <hwloc.h>

#include "testutil.h"
#include "topology.h"

static hwloc_topology_t load_xml(const char *file) {
  hwloc_topology_t t;
  char path[512];
  snprintf(path, sizeof path, "data/%s", file);
  if (hwloc_topology_init(&t) || hwloc_topology_set_xml(t, path) || hwloc_topology_load(t)) {
    fprintf(stderr, "cannot load %s\n", path);
    exit(1);
  }
  return t;
}

static hwloc_topology_t load_synthetic(const char *desc) {
  hwloc_topology_t t;
  if (hwloc_topology_init(&t) || hwloc_topology_set_synthetic(t, desc) || hwloc_topology_load(t)) {
    fprintf(stderr, "cannot load synthetic '%s'\n", desc);
    exit(1);
  }
  return t;
}

static hwloc_obj_t pu_obj(hwloc_topology_t t, int os) { return hwloc_get_pu_obj_by_os_index(t, (unsigned)os); }

/* Logical index of the ancestor of type `ty` of PU os, -1 if none. */
static int ancestor(hwloc_topology_t t, int os, hwloc_obj_type_t ty) {
  hwloc_obj_t a = hwloc_get_ancestor_obj_by_type(t, ty, pu_obj(t, os));
  return a ? (int)a->logical_index : -1;
}

/* The first NUMA node local to PU os. */
static int numa_of(hwloc_topology_t t, int os) { return hwloc_bitmap_first(pu_obj(t, os)->nodeset); }

static int all_distinct(hwloc_topology_t t, const int *pus, int n, hwloc_obj_type_t ty) {
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++)
      if (ancestor(t, pus[i], ty) == ancestor(t, pus[j], ty)) return 0;
  return 1;
}

static int all_same(hwloc_topology_t t, const int *pus, int n, hwloc_obj_type_t ty) {
  for (int i = 1; i < n; i++)
    if (ancestor(t, pus[i], ty) != ancestor(t, pus[0], ty)) return 0;
  return 1;
}

/* Properties every placement must have on every topology. */
static void check_invariants(const char *label, hwloc_topology_t t) {
  int npus = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
  int ncores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
  int npkg = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PACKAGE);
  int *pus = malloc((size_t)npus * sizeof *pus);
  int before = test_failures;
  for (int pol = 0; pol < 2; pol++) {
    for (int n = 1; n <= npus; n++) {
      CHECK_EQ_INT(mb_topo_place(t, (mb_policy_t)pol, n, pus), 0);
      for (int i = 0; i < n; i++) {
        CHECK(mb_topo_has_pu(t, pus[i]));
        for (int j = i + 1; j < n; j++) CHECK(pus[i] != pus[j]);
      }
      /* SMT-aware: no core gets a second thread while a core is idle. */
      if (n <= ncores) CHECK(all_distinct(t, pus, n, HWLOC_OBJ_CORE));
      /* Scatter reaches every package before doubling up on one. */
      if (pol == MB_SCATTER && n <= npkg) CHECK(all_distinct(t, pus, n, HWLOC_OBJ_PACKAGE));
      /* Compact stays in the first package while it has room. */
      if (pol == MB_COMPACT) {
        hwloc_obj_t pkg0 = hwloc_get_obj_by_type(t, HWLOC_OBJ_PACKAGE, 0);
        int cores0 = pkg0 ? hwloc_get_nbobjs_inside_cpuset_by_type(t, pkg0->cpuset, HWLOC_OBJ_CORE) : 0;
        if (pkg0 && n <= cores0) CHECK(all_same(t, pus, n, HWLOC_OBJ_PACKAGE));
      }
    }
    errno = 0;
    CHECK_EQ_INT(mb_topo_place(t, (mb_policy_t)pol, npus + 1, pus), -1);
    CHECK_EQ_INT(errno, EINVAL);
    CHECK_EQ_INT(mb_topo_place(t, (mb_policy_t)pol, 0, pus), -1);
  }
  int def = mb_topo_default_pu(t);
  CHECK(mb_topo_has_pu(t, def));
  /* Not core 0 (interrupts, housekeeping) when there is another. */
  if (ncores > 1) CHECK_EQ_INT(ancestor(t, def, HWLOC_OBJ_CORE), 1);
  CHECK(!mb_topo_has_pu(t, -1));
  CHECK(!mb_topo_has_pu(t, 100000));
  free(pus);
  fprintf(stderr, "%s: %d PUs, %d cores, %d packages: invariants %s\n", label, npus, ncores, npkg,
          test_failures == before ? "hold" : "FAIL");
}

static void expect(hwloc_topology_t t, mb_policy_t pol, int n, const int *want) {
  int got[64];
  CHECK_EQ_INT(mb_topo_place(t, pol, n, got), 0);
  for (int i = 0; i < n; i++) {
    if (got[i] != want[i]) {
      fprintf(stderr, "  %s(%d)[%d]: got P#%d, want P#%d\n", pol == MB_COMPACT ? "compact" : "scatter", n, i, got[i],
              want[i]);
    }
    CHECK_EQ_INT(got[i], want[i]);
  }
}

/* Groups, dies and shared caches placed compact and scatter, a one-PU machine, the policy names. */
static void shared_caches_and_policies(void) {
  hwloc_topology_t t;
  /* Groups, dies, L2 shared by pairs of cores, no SMT. */
  t = load_xml("96em64t-4n4d3ca2co-pci.xml");
  check_invariants("96em64t-4n4d3ca2co", t);
  {
    int p[4];
    mb_topo_place(t, MB_COMPACT, 2, p); /* two cores sharing one L2 */
    CHECK(all_same(t, p, 2, HWLOC_OBJ_L2CACHE));
    mb_topo_place(t, MB_SCATTER, 4, p); /* four groups = four NUMA nodes */
    for (int i = 0; i < 4; i++)
      for (int j = i + 1; j < 4; j++) CHECK(numa_of(t, p[i]) != numa_of(t, p[j]));
  }
  hwloc_topology_destroy(t);

  /* Synthetic: 2 packages x 2 NUMA x 2 L3 x 4 cores x 2 PUs. */
  t = load_synthetic("pack:2 numa:2 l3:2 core:4 pu:2");
  check_invariants("synthetic pack:2 numa:2 l3:2 core:4 pu:2", t);
  {
    int p[8];
    mb_topo_place(t, MB_SCATTER, 4, p); /* both packages, all four NUMA nodes */
    for (int i = 0; i < 4; i++)
      for (int j = i + 1; j < 4; j++) CHECK(numa_of(t, p[i]) != numa_of(t, p[j]));
    mb_topo_place(t, MB_SCATTER, 8, p); /* all eight L3s */
    CHECK(all_distinct(t, p, 8, HWLOC_OBJ_L3CACHE));
    mb_topo_place(t, MB_COMPACT, 4, p); /* one L3, four cores */
    CHECK(all_same(t, p, 4, HWLOC_OBJ_L3CACHE));
  }
  hwloc_topology_destroy(t);

  /* A machine with no SMT and one core: the only PU is the default. */
  t = load_synthetic("pack:1 core:1 pu:1");
  CHECK_EQ_INT(mb_topo_default_pu(t), 0);
  hwloc_topology_destroy(t);

  mb_policy_t pol;
  CHECK_EQ_INT(mb_policy_parse("compact", &pol), 0);
  CHECK_EQ_INT(pol, MB_COMPACT);
  CHECK_EQ_INT(mb_policy_parse("scatter", &pol), 0);
  CHECK_EQ_INT(pol, MB_SCATTER);
  CHECK_EQ_INT(mb_policy_parse("spread", &pol), -1);
}

int main(void) {
  /* 4 packages x 2 cores x 2 hyperthreads; OS indices interleave across packages. */
  hwloc_topology_t t = load_xml("16em64t-4s2c2t.xml");
  check_invariants("16em64t-4s2c2t", t);
  CHECK_EQ_INT(mb_topo_default_pu(t), 4); /* first PU of core L#1 */
  expect(t, MB_COMPACT, 4, (const int[]){0, 4, 1, 5});
  expect(t, MB_COMPACT, 9, (const int[]){0, 4, 1, 5, 2, 6, 3, 7, 8}); /* SMT sibling last */
  expect(t, MB_SCATTER, 4, (const int[]){0, 1, 2, 3});
  expect(t, MB_SCATTER, 8, (const int[]){0, 1, 2, 3, 4, 5, 6, 7});
  expect(t, MB_SCATTER, 16, (const int[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  {
    int p[2];
    mb_topo_place(t, MB_COMPACT, 2, p); /* share the package's L3, not a core */
    CHECK(all_same(t, p, 2, HWLOC_OBJ_L3CACHE));
    CHECK(all_distinct(t, p, 2, HWLOC_OBJ_CORE));
  }
  hwloc_topology_destroy(t);

  /* 2 NUMA nodes x 8 cores x 2 threads: scatter(2) lands on both nodes. */
  t = load_xml("32em64t-2n8c2t-pci-noio.xml");
  check_invariants("32em64t-2n8c2t", t);
  {
    int p[16];
    mb_topo_place(t, MB_SCATTER, 2, p);
    CHECK(numa_of(t, p[0]) != numa_of(t, p[1]));
    mb_topo_place(t, MB_COMPACT, 8, p);
    for (int i = 1; i < 8; i++) CHECK_EQ_INT(numa_of(t, p[i]), numa_of(t, p[0]));
  }
  /* The machine family's NUMA plan: the PUs of node i, one per core before any sibling. */
  for (int node = 0; node < 2; node++) {
    int p[64];
    CHECK_EQ_INT(mb_topo_node_pus(t, node, 64, p), 16);
    CHECK(all_distinct(t, p, 8, HWLOC_OBJ_CORE));
    for (int i = 0; i < 16; i++) CHECK_EQ_INT(numa_of(t, p[i]), node);
    for (int i = 8; i < 16; i++) CHECK(ancestor(t, p[i], HWLOC_OBJ_CORE) == ancestor(t, p[i - 8], HWLOC_OBJ_CORE));
    CHECK_EQ_INT(mb_topo_node_pus(t, node, 3, p), 3);
  }
  {
    int p[4];
    CHECK(mb_topo_node_pus(t, 2, 4, p) == -1 && errno == EINVAL); /* no node 2 */
    CHECK(mb_topo_node_pus(t, -1, 4, p) == -1);
  }
  /* An imported topology computes the plan but never claims a binding. */
  CHECK_EQ_INT(mb_topo_is_this_system(t), 0);
  mb_topo_set_current(t);
  CHECK_EQ_INT(mb_numa_nodes(), 2);
  errno = 0;
  CHECK(mb_alloc_on_node(4096, 1) == NULL && errno == ENOSYS);
  mb_topo_set_current(NULL);
  hwloc_topology_destroy(t);

  /* 24 NUMA nodes: every node's plan stays inside it. */
  t = load_xml("192em64t-24n8c2t.xml");
  for (int node = 0; node < 24; node++) {
    int p[64], got = mb_topo_node_pus(t, node, 64, p);
    CHECK_EQ_INT(got, 16);
    for (int i = 0; i < got; i++) CHECK_EQ_INT(numa_of(t, p[i]), node);
  }
  hwloc_topology_destroy(t);

  /* Restricted cpuset: only allowed PUs are ever chosen. */
  t = load_xml("16amd64-8n2c-cpusets.xml");
  check_invariants("16amd64-8n2c-cpusets", t);
  {
    int p[10];
    CHECK_EQ_INT(mb_topo_place(t, MB_SCATTER, 6, p), 0);
    CHECK(all_distinct(t, p, 6, HWLOC_OBJ_PACKAGE));
    CHECK(!mb_topo_has_pu(t, 4)); /* P#4 is outside the allowed cpuset */
  }
  hwloc_topology_destroy(t);

  /* Many NUMA nodes: scatter over 24 threads hits all 24. */
  t = load_xml("192em64t-24n8c2t.xml");
  check_invariants("192em64t-24n8c2t", t);
  {
    int p[24];
    mb_topo_place(t, MB_SCATTER, 24, p);
    for (int i = 0; i < 24; i++)
      for (int j = i + 1; j < 24; j++) CHECK(numa_of(t, p[i]) != numa_of(t, p[j]));
  }
  hwloc_topology_destroy(t);

  shared_caches_and_policies();
  return TEST_EXIT();
}
