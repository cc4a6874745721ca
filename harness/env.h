/*
 * env.h: what the results must say about the machine and the build, and warnings about
 * settings that make numbers noisy. Everything is read from /proc, /sys, uname and the
 * libraries at start-up; nothing here changes a setting.
 */
#ifndef MB_ENV_H
#define MB_ENV_H

#include <stddef.h>
#include <stdio.h>

#include "topology.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MB_ENV_MAX 64
#define MB_ENV_WARN_MAX 8

/* What /proc/cpuinfo says of the CPU: x86's "model name", or on arm64 (which has none) a
 * model made from "CPU implementer" and "CPU part" ("ARM Neoverse-N1"), so that different
 * ARM machines get different names. */
typedef struct mb_cpuinfo {
  char model[128];
  double mhz;
  int has_flags;  /* x86's "flags" line (it carries the hypervisor bit) */
  int hypervisor;
  /* The part's identity, as the fingerprint keeps it ("" where the line is absent): x86's
   * vendor_id, cpu family, model, stepping, microcode; arm64's CPU implementer, CPU
   * architecture, CPU part, CPU variant/revision. */
  char vendor[32], family[16], model_number[16], stepping[32], microcode[32];
} mb_cpuinfo_t;
typedef struct mb_env {
  int n;
  struct {
    char key[48];   /* mb_* context key */
    char value[512];
  } kv[MB_ENV_MAX];
  int nwarn;
  char warn[MB_ENV_WARN_MAX][200]; /* settings that make numbers noisy */
  char cpu_model[128];
  mb_cpuinfo_t cpuinfo; /* what /proc/cpuinfo said of the first CPU */
  char hypervisor[48];  /* the hypervisor's name (CPUID's signature, /sys/hypervisor, DMI), "none", or "unknown" */
  int in_vm;
  double mhz;        /* 'cpu MHz' of the first CPU in /proc/cpuinfo, 0 if absent */
} mb_env_t;

/* Capture the environment: CPU model, governor, boost, SMT, THP, ASLR, kernel, compiler
 * and flags, library versions, git revision, topology summary. */
void mb_env_capture(mb_env_t *env, const mb_topo_summary_t *topo);

/* Add or replace one key. */
void mb_env_set(mb_env_t *env, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The value of key, or NULL. */
const char *mb_env_get(const mb_env_t *env, const char *key);

/* A stable machine name from the CPU model and core count: lower case, [a-z0-9-] only,
 * e.g. "amd-epyc-2c". Writes into buf (at least 64 bytes). */
/* What --version prints: the version, then how this binary was built (git revision,
 * compiler, build type, flags, Google Benchmark's version). */
void mb_print_version(FILE *f);
void mb_machine_name(char *buf, size_t len, const char *cpu_model, int cores);

void mb_cpuinfo_parse(const char *text, mb_cpuinfo_t *ci);

/* The CPU model a machine is named by: hwloc's CPUModel, else /proc/cpuinfo's (model name, or
 * arm64's implementer and part), else "unknown". */
void mb_cpu_model_pick(char *out, size_t len, const char *hwloc_model, const mb_cpuinfo_t *ci);

/* 1 if name is usable as a directory name ([A-Za-z0-9._-], not starting with '.'). */
static inline int mb_machine_name_valid(const char *name) {
  size_t n = 0;
  if (!*name || *name == '.') return 0;
  for (const char *p = name; *p; p++, n++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
      return 0;
  return n <= 100;
}

/* The machine's fingerprint, for the gate's committed-baseline mode: what makes two
 * results of one machine comparable, from fields that do not change between runs (not the
 * clock, the load or the name): CPU vendor, model string, family/model/stepping, microcode;
 * packages, cores, PUs, NUMA nodes; cache sizes (hwloc's); memory (GiB); kernel release; THP
 * mode; governor and boost; hypervisor. A JSON object of strings and integers (jansson),
 * new reference. */
struct json_t;
struct json_t *mb_fingerprint(const mb_env_t *env, const mb_topo_summary_t *t);

/* MemTotal and MemAvailable from /proc/meminfo in bytes, 0 when unknown. */
unsigned long long mb_mem_total(void);
unsigned long long mb_mem_available(void);

/* The memory this process may still take, from every limit that applies: MemAvailable, its
 * memory cgroups (v2 memory.max and memory.high, v1 memory.limit_in_bytes, of its group and
 * every ancestor: the limit less what the group uses, reclaimable file pages not counted) and
 * RLIMIT_AS (less the address space in use). proc_cgroup and cgroup_root name
 * /proc/self/cgroup and /sys/fs/cgroup (tests give a tree of their own). */
typedef struct mb_mem_limit {
  unsigned long long bytes;            /* the smallest, 0 when none is known */
  const char *by;                      /* which: "MemAvailable", "cgroup", "RLIMIT_AS" */
  unsigned long long mem_available;    /* MemAvailable, 0 unknown */
  unsigned long long cgroup_available; /* the memory cgroups', 0 when none limits */
  unsigned long long cgroup_limit;     /* the limit of the group that binds */
  char cgroup_file[1024];              /* its file, "" none */
  unsigned long long rlimit_available; /* RLIMIT_AS less the address space in use, 0 none */
} mb_mem_limit_t;
void mb_mem_limit(mb_mem_limit_t *m, const char *proc_cgroup, const char *cgroup_root);

/* Time the hypervisor gave CPU `cpu` to others (steal, /proc/stat) since boot, in seconds, at
 * the kernel's tick resolution (10 ms); -1 when unknown. */
double mb_steal_seconds(int cpu);

/* Read the first line of a file into buf without the newline; 0, or -1 with errno. */
int mb_read_line(const char *path, char *buf, size_t len);

/* A whole file in a malloc'd buffer, NUL-terminated (*len: its bytes, without the NUL); NULL
 * with errno. */
char *mb_read_file(const char *path, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
