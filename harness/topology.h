/*
 * topology.h: the machine as hwloc sees it, where benchmarks run, and binding.
 *
 * Every function takes the topology it works on, so that placement can be computed (and
 * tested) on imported topologies: HWLOC_XMLFILE=file.xml or HWLOC_SYNTHETIC="pack:2 core:4
 * pu:2" in the environment, or hwloc_topology_set_xml() before loading. Binding only works
 * on the topology of this system.
 *
 * CPUs are named by OS index (P#), as taskset, /proc/cpuinfo and --mb_cpu do.
 *
 * Placement policies for n threads (SMT-aware: SMT siblings are used only after every
 * core already has a thread, in both policies):
 *   compact  cores in topology order, so consecutive threads share the closest cache that
 *            distinct cores share (L2 or L3), then the same package, and so on;
 *   scatter  cores interleaved round-robin at every level of the tree, so threads spread
 *            over the highest distinct level first (packages, then NUMA nodes/dies/L3
 *            groups within each, then L2 groups...).
 *
 * Functions return 0 (or a count) on success and -1 with errno set on failure.
 */
#ifndef MB_TOPOLOGY_H
#define MB_TOPOLOGY_H

#include <hwloc.h>
#include <stddef.h>
#include <stdint.h>

#include "membench.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mb_topo_summary {
  int packages, numa_nodes, cores, pus; /* counts in the allowed part of the machine */
  int smt;                              /* PUs per core (1: no SMT) */
  uint64_t cache_size[5];               /* data or unified cache, per level 1..4; 0: none */
  int cache_count[5];                   /* how many caches of that level */
  unsigned cache_line;                  /* L1d line size, 0 unknown */
  char pu_list[128];                    /* allowed PUs by OS index, e.g. "0-1" */
  char cpu_model[128];                  /* hwloc's CPUModel of the first package ("" unknown) */
} mb_topo_summary_t;

/* Load the topology of this system (or of HWLOC_XMLFILE / HWLOC_SYNTHETIC). */
int mb_topo_load(hwloc_topology_t *out);
/* The live topology restricted to the PUs this process may run on (its affinity: taskset,
 * numactl, a cgroup's cpuset; or `list`, e.g. "0,2-3", when not NULL: a child process is
 * pinned to its parent's PU and is given the parent's mask) when that is fewer than hwloc
 * allows, so that every placement, core count and thread count stays inside it. 1 when it
 * restricted. */
int mb_topo_restrict_to_affinity(hwloc_topology_t topo, const char *list);

/* The default PU: the first PU of the second core when there is more than one core (core
 * 0 takes most interrupts and housekeeping), else the first PU. OS index, or -1 with
 * ENODEV when the topology has no PU. */
int mb_topo_default_pu(hwloc_topology_t topo);

/* The allowed PUs by OS index, at most max of them into out: how many. */
int mb_topo_pus(hwloc_topology_t topo, int *out, int max);

/* The CPU kind of PU `os` (hwloc's cpukinds: performance and efficiency cores of a hybrid
 * CPU differ), as an index; -1 when hwloc knows no kinds here (every PU is of one kind). */
int mb_topo_pu_kind(hwloc_topology_t topo, int os);

/* Is `os` the OS index of an allowed PU? 1 yes, 0 no. */
int mb_topo_has_pu(hwloc_topology_t topo, int os);

/* Fill pus[0..n) with OS indices for n threads under `policy`. -1 with EINVAL when n < 1
 * or n is larger than the number of PUs. */
int mb_topo_place(hwloc_topology_t topo, mb_policy_t policy, int n, int *pus);

/* Parse "compact" or "scatter". -1 with EINVAL otherwise. */
int mb_policy_parse(const char *s, mb_policy_t *out);

/* Bind the calling thread to PU `os` (THREAD|STRICT) and its memory to that PU's local
 * NUMA node(s). Returns 0 when the CPU binding held (*membind says whether memory binding
 * did), -1 with errno and a reason in why when it did not. */
int mb_topo_bind_thread(hwloc_topology_t topo, int os, int *membind, char *why, size_t whylen);

/* The PUs of NUMA node `node` (logical index 0..nodes-1) for up to n threads: one per core
 * first (cores in topology order), SMT siblings after. Returns how many were written (at
 * most n), or -1 with EINVAL when there is no such node or it has no PU. */
int mb_topo_node_pus(hwloc_topology_t topo, int node, int n, int *pus);

/* Allocate `len` bytes bound to NUMA node `node` (hwloc_alloc_membind, BIND, by nodeset);
 * NULL with errno when the node does not exist or binding memory is not supported. Free with
 * mb_topo_free(). */
void *mb_topo_alloc_on_node(hwloc_topology_t topo, size_t len, int node);
void mb_topo_free(hwloc_topology_t topo, void *p, size_t len);

/* Whether this topology is the running system's (binding means something) rather than an
 * imported one (HWLOC_XMLFILE, HWLOC_SYNTHETIC): 1 or 0. */
int mb_topo_is_this_system(hwloc_topology_t topo);

/* Make `topo` the one mb_place() and mb_bind_self() use. */
void mb_topo_set_current(hwloc_topology_t topo);

/* Summarise the topology for the results context. */
void mb_topo_summarize(hwloc_topology_t topo, mb_topo_summary_t *s);

#ifdef __cplusplus
}
#endif
#endif
