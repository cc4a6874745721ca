/*
 * topology.c: placement and binding on an hwloc topology.
 *
 * The placement order is computed over cores, not PUs, so that SMT siblings come last in
 * both policies: a second hyperthread shares the core's L1 and execution units and would
 * change what a two-thread benchmark measures.
 */
#define _GNU_SOURCE
#include "topology.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mb_topo_load(hwloc_topology_t *out) {
  hwloc_topology_t t;
  if (hwloc_topology_init(&t)) return -1;
  if (hwloc_topology_load(t)) {
    int e = errno;
    hwloc_topology_destroy(t);
    errno = e;
    return -1;
  }
  *out = t;
  return 0;
}

int mb_topo_restrict_to_affinity(hwloc_topology_t topo, const char *list) {
  if (!hwloc_topology_is_thissystem(topo)) return 0;
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  int r = 0;
  if (set && !(list ? hwloc_bitmap_list_sscanf(set, list) : hwloc_get_cpubind(topo, set, HWLOC_CPUBIND_PROCESS)) &&
      hwloc_bitmap_intersects(set, hwloc_topology_get_allowed_cpuset(topo)) &&
      !hwloc_bitmap_isincluded(hwloc_topology_get_allowed_cpuset(topo), set))
    r = !hwloc_topology_restrict(topo, set, 0);
  hwloc_bitmap_free(set);
  return r;
}

/* The objects that stand for cores: Core objects, or PUs where the topology has none. */
static hwloc_obj_type_t core_type(hwloc_topology_t topo) {
  return hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
}

int mb_topo_default_pu(hwloc_topology_t topo) {
  hwloc_obj_type_t ct = core_type(topo);
  int ncores = hwloc_get_nbobjs_by_type(topo, ct);
  if (ncores <= 0) {
    errno = ENODEV;
    return -1;
  }
  hwloc_obj_t core = hwloc_get_obj_by_type(topo, ct, ncores > 1 ? 1 : 0);
  hwloc_obj_t pu = hwloc_get_obj_inside_cpuset_by_type(topo, core->cpuset, HWLOC_OBJ_PU, 0);
  if (!pu) {
    errno = ENODEV;
    return -1;
  }
  return (int)pu->os_index;
}

int mb_topo_pus(hwloc_topology_t topo, int *out, int max) {
  int n = 0;
  hwloc_const_bitmap_t allowed = hwloc_topology_get_allowed_cpuset(topo);
  for (hwloc_obj_t pu = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, NULL); pu && n < max;
       pu = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, pu))
    if (hwloc_bitmap_isincluded(pu->cpuset, allowed)) out[n++] = (int)pu->os_index;
  return n;
}

int mb_topo_pu_kind(hwloc_topology_t topo, int os) {
  hwloc_obj_t pu = os < 0 ? NULL : hwloc_get_pu_obj_by_os_index(topo, (unsigned)os);
  if (!pu || hwloc_cpukinds_get_nr(topo, 0) < 2) return -1;
  return hwloc_cpukinds_get_by_cpuset(topo, pu->cpuset, 0);
}

int mb_topo_has_pu(hwloc_topology_t topo, int os) {
  if (os < 0) return 0;
  hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(topo, (unsigned)os);
  return pu && hwloc_bitmap_isincluded(pu->cpuset, hwloc_topology_get_allowed_cpuset(topo));
}

int mb_policy_parse(const char *s, mb_policy_t *out) {
  if (!strcmp(s, "compact")) *out = MB_COMPACT;
  else if (!strcmp(s, "scatter")) *out = MB_SCATTER;
  else {
    errno = EINVAL;
    return -1;
  }
  return 0;
}

/* Cores under `obj`, interleaved round-robin across its children, recursively: the first
 * core of each child, then the second of each, ... Returns the count written to out. */
static int interleave(hwloc_topology_t topo, hwloc_obj_t obj, hwloc_obj_type_t ct, hwloc_obj_t *out) {
  if (obj->type == ct) {
    out[0] = obj;
    return 1;
  }
  if (obj->arity == 0) return 0;
  int total = hwloc_get_nbobjs_inside_cpuset_by_type(topo, obj->cpuset, ct);
  if (total <= 0) return 0;
  hwloc_obj_t *buf = malloc((size_t)total * sizeof *buf);
  int *start = calloc(obj->arity, sizeof *start), *len = calloc(obj->arity, sizeof *len);
  int n = 0, w = 0;
  if (!buf || !start || !len) goto out;
  for (unsigned c = 0; c < obj->arity; c++) {
    start[c] = n;
    len[c] = interleave(topo, obj->children[c], ct, buf + n);
    n += len[c];
  }
  for (int round = 0; w < n; round++)
    for (unsigned c = 0; c < obj->arity; c++)
      if (round < len[c]) out[w++] = buf[start[c] + round];
out:
  free(buf);
  free(start);
  free(len);
  return w;
}

int mb_topo_place(hwloc_topology_t topo, mb_policy_t policy, int n, int *pus) {
  hwloc_obj_type_t ct = core_type(topo);
  int ncores = hwloc_get_nbobjs_by_type(topo, ct);
  int npus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
  if (n < 1 || n > npus || ncores <= 0) {
    errno = EINVAL;
    return -1;
  }
  hwloc_obj_t *cores = malloc((size_t)ncores * sizeof *cores);
  if (!cores) return -1;
  int got;
  if (policy == MB_SCATTER) {
    got = interleave(topo, hwloc_get_root_obj(topo), ct, cores);
  } else {
    for (got = 0; got < ncores; got++) cores[got] = hwloc_get_obj_by_type(topo, ct, (unsigned)got);
  }
  /* Pass k takes the k-th PU of every core: SMT siblings only after all cores. */
  int w = 0;
  for (int k = 0; w < n; k++) {
    int any = 0;
    for (int c = 0; c < got && w < n; c++) {
      hwloc_obj_t pu = hwloc_get_obj_inside_cpuset_by_type(topo, cores[c]->cpuset, HWLOC_OBJ_PU, (unsigned)k);
      if (pu) {
        pus[w++] = (int)pu->os_index;
        any = 1;
      }
    }
    if (!any) break;
  }
  free(cores);
  if (w < n) {
    errno = EINVAL;
    return -1;
  }
  return 0;
}

int mb_topo_bind_thread(hwloc_topology_t topo, int os, int *membind, char *why, size_t whylen) {
  *membind = 0;
  hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(topo, (unsigned)os);
  if (!pu) {
    snprintf(why, whylen, "no PU with OS index %d", os);
    errno = EINVAL;
    return -1;
  }
  if (hwloc_set_cpubind(topo, pu->cpuset, HWLOC_CPUBIND_THREAD | HWLOC_CPUBIND_STRICT)) {
    int e = errno;
    snprintf(why, whylen, "hwloc_set_cpubind(PU %d): %s", os, strerror(e));
    errno = e;
    return -1;
  }
  /* The kernel moves the thread at its next scheduling point; make that now, then check. */
  sched_yield();
  int cpu = sched_getcpu();
  if (cpu != os) {
    snprintf(why, whylen, "bound to PU %d but running on CPU %d", os, cpu);
    errno = EAGAIN;
    return -1;
  }
  if (pu->nodeset && !hwloc_bitmap_iszero(pu->nodeset) &&
      hwloc_set_membind(topo, pu->nodeset, HWLOC_MEMBIND_BIND,
                        HWLOC_MEMBIND_THREAD | HWLOC_MEMBIND_BYNODESET) == 0)
    *membind = 1;
  return 0;
}

void mb_topo_summarize(hwloc_topology_t topo, mb_topo_summary_t *s) {
  memset(s, 0, sizeof *s);
  s->packages = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
  s->numa_nodes = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
  s->cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
  s->pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
  if (s->cores <= 0) s->cores = s->pus;
  s->smt = s->cores > 0 ? s->pus / s->cores : 1;
  static const hwloc_obj_type_t level_type[5] = {HWLOC_OBJ_TYPE_MAX, HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE,
                                                  HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L4CACHE};
  for (int lvl = 1; lvl <= 4; lvl++) {
    /* L1CACHE objects are data or unified caches; instruction caches are L1ICACHE. */
    int cnt = hwloc_get_nbobjs_by_type(topo, level_type[lvl]);
    if (cnt <= 0) continue;
    hwloc_obj_t c = hwloc_get_obj_by_type(topo, level_type[lvl], 0);
    s->cache_size[lvl] = c->attr->cache.size;
    s->cache_count[lvl] = cnt;
    if (lvl == 1) s->cache_line = c->attr->cache.linesize;
  }
  hwloc_bitmap_list_snprintf(s->pu_list, sizeof s->pu_list, hwloc_topology_get_allowed_cpuset(topo));
  /* The CPU's name as hwloc read it (x86: CPUID's brand string; POWER, s390: /proc/cpuinfo),
   * on the first package, or on the root object of a machine without packages. */
  hwloc_obj_t pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
  const char *model = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
  if (!model) model = hwloc_obj_get_info_by_name(hwloc_get_root_obj(topo), "CPUModel");
  if (model) snprintf(s->cpu_model, sizeof s->cpu_model, "%s", model);
}

/* The topology the running harness loaded, for the public placement API. */
int mb_topo_node_pus(hwloc_topology_t topo, int node, int n, int *pus) {
  hwloc_obj_t nd = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, (unsigned)(node < 0 ? 0 : node));
  if (node < 0 || !nd || n < 1 || hwloc_bitmap_iszero(nd->cpuset)) {
    errno = EINVAL;
    return -1;
  }
  int got = 0;
  for (int k = 0; got < n; k++) { /* pass k: the k-th PU of every core of the node */
    int added = 0;
    hwloc_obj_t core = NULL;
    while (got < n && (core = hwloc_get_next_obj_inside_cpuset_by_type(topo, nd->cpuset, HWLOC_OBJ_CORE, core))) {
      hwloc_obj_t pu = hwloc_get_obj_inside_cpuset_by_type(topo, core->cpuset, HWLOC_OBJ_PU, (unsigned)k);
      if (pu && hwloc_bitmap_isset(nd->cpuset, pu->os_index)) pus[got++] = (int)pu->os_index, added = 1;
    }
    if (!added && k == 0) { /* no Core objects: the node's PUs themselves */
      hwloc_obj_t pu = NULL;
      while (got < n && (pu = hwloc_get_next_obj_inside_cpuset_by_type(topo, nd->cpuset, HWLOC_OBJ_PU, pu))) pus[got++] = (int)pu->os_index;
      break;
    }
    if (!added) break;
  }
  return got;
}

void *mb_topo_alloc_on_node(hwloc_topology_t topo, size_t len, int node) {
  hwloc_obj_t nd = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, (unsigned)(node < 0 ? 0 : node));
  if (node < 0 || !nd) {
    errno = EINVAL;
    return NULL;
  }
  return hwloc_alloc_membind(topo, len, nd->nodeset, HWLOC_MEMBIND_BIND, HWLOC_MEMBIND_BYNODESET | HWLOC_MEMBIND_STRICT);
}

void mb_topo_free(hwloc_topology_t topo, void *p, size_t len) {
  if (p) hwloc_free(topo, p, len);
}

int mb_topo_is_this_system(hwloc_topology_t topo) { return hwloc_topology_is_thissystem(topo); }

static hwloc_topology_t current;

void mb_topo_set_current(hwloc_topology_t topo) { current = topo; }

int mb_place(mb_policy_t policy, int n, int *pus) {
  if (!current) {
    errno = ENODEV;
    return -1;
  }
  return mb_topo_place(current, policy, n, pus);
}

int mb_numa_nodes(void) {
  if (!current) return 1;
  int n = hwloc_get_nbobjs_by_type(current, HWLOC_OBJ_NUMANODE);
  return n > 0 ? n : 1;
}

int mb_place_node(int node, int n, int *pus) {
  if (!current) {
    errno = ENODEV;
    return -1;
  }
  return mb_topo_node_pus(current, node, n, pus);
}

void *mb_alloc_on_node(size_t len, int node) {
  if (!current) {
    errno = ENODEV;
    return NULL;
  }
  if (!hwloc_topology_is_thissystem(current)) { /* an imported topology: binding would be a claim */
    errno = ENOSYS;
    return NULL;
  }
  return mb_topo_alloc_on_node(current, len, node);
}

void mb_free_on_node(void *p, size_t len) {
  if (current) mb_topo_free(current, p, len);
}

int mb_bind_self(int pu) {
  char why[256];
  int membind;
  if (!current) {
    errno = ENODEV;
    return -1;
  }
  if (!hwloc_topology_is_thissystem(current)) { /* binding on an imported topology binds nothing */
    errno = ENOSYS;
    return -1;
  }
  return mb_topo_bind_thread(current, pu, &membind, why, sizeof why);
}
