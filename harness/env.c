/*
 * env.c: capture of the machine and build context for the results.
 *
 * Values are strings because Google Benchmark's context takes strings; the results writer
 * also stores typed copies of the topology numbers. A missing file is "unknown", never
 * a guess: in a VM most of /sys/devices/system/cpu/cpufreq is absent.
 */
#define _GNU_SOURCE
#include "env.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <gnu/libc-version.h>
#include <hwloc.h>
#include <jansson.h>
#include <perfmon/pfmlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "mb_build_info.h" /* generated: MB_GIT_REVISION, MB_COMPILER, MB_C_FLAGS... */

int mb_read_line(const char *path, char *buf, size_t len) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  if (!fgets(buf, (int)len, f)) {
    fclose(f);
    errno = EIO;
    return -1;
  }
  fclose(f);
  buf[strcspn(buf, "\n")] = 0;
  return 0;
}

char *mb_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0, r;
  char *buf = malloc(cap + 1);
  while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n < cap) continue;
    char *nb = realloc(buf, cap * 2 + 1);
    if (!nb) {
      free(buf);
      buf = NULL;
      errno = ENOMEM;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  int e = ferror(f) ? EIO : errno;
  fclose(f);
  if (!buf) return errno = e, NULL;
  buf[n] = 0;
  if (len) *len = n;
  return buf;
}

void mb_env_set(mb_env_t *env, const char *key, const char *fmt, ...) {
  int i;
  for (i = 0; i < env->n; i++)
    if (!strcmp(env->kv[i].key, key)) break;
  if (i == MB_ENV_MAX) return;
  if (i == env->n) env->n++;
  snprintf(env->kv[i].key, sizeof env->kv[i].key, "%s", key);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(env->kv[i].value, sizeof env->kv[i].value, fmt, ap);
  va_end(ap);
}

const char *mb_env_get(const mb_env_t *env, const char *key) {
  for (int i = 0; i < env->n; i++)
    if (!strcmp(env->kv[i].key, key)) return env->kv[i].value;
  return NULL;
}

static void warn(mb_env_t *env, const char *fmt, ...) {
  if (env->nwarn == MB_ENV_WARN_MAX) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(env->warn[env->nwarn++], sizeof env->warn[0], fmt, ap);
  va_end(ap);
}

/* A /sys or /proc value, or "unknown". */
static void set_file(mb_env_t *env, const char *key, const char *path) {
  char buf[256];
  if (mb_read_line(path, buf, sizeof buf)) snprintf(buf, sizeof buf, "unknown");
  mb_env_set(env, key, "%s", buf);
}

/* The bracketed choice in a sysfs list such as "always [madvise] never". */
static void set_bracketed(mb_env_t *env, const char *key, const char *path) {
  char buf[256], *l, *r;
  if (mb_read_line(path, buf, sizeof buf)) {
    mb_env_set(env, key, "unknown");
    return;
  }
  if ((l = strchr(buf, '[')) && (r = strchr(l, ']'))) {
    *r = 0;
    mb_env_set(env, key, "%s", l + 1);
  } else {
    mb_env_set(env, key, "%s", buf);
  }
}

double mb_steal_seconds(int cpu) {
  FILE *f = fopen("/proc/stat", "r");
  if (!f) return -1;
  char line[512], want[32];
  snprintf(want, sizeof want, "cpu%d ", cpu);
  double steal = -1;
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, want, strlen(want))) {
      unsigned long long v[8];
      if (sscanf(line + strlen(want), "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
                 &v[7]) == 8) {
        long hz = sysconf(_SC_CLK_TCK);
        steal = (double)v[7] / (double)(hz > 0 ? hz : 100);
      }
      break;
    }
  fclose(f);
  return steal;
}

/* Field `key` in kB of /proc/meminfo or a /proc/<pid>/status, in bytes; 0 when absent. */
static unsigned long long meminfo_of(const char *file, const char *key) {
  FILE *f = fopen(file, "r");
  char line[256], fmt[64];
  unsigned long long kb = 0;
  if (!f) return 0;
  snprintf(fmt, sizeof fmt, "%s: %%llu kB", key);
  while (fgets(line, sizeof line, f))
    if (sscanf(line, fmt, &kb) == 1) break;
  fclose(f);
  return kb * 1024ULL;
}
static unsigned long long meminfo(const char *key) { return meminfo_of("/proc/meminfo", key); }

unsigned long long mb_mem_available(void) { return meminfo("MemAvailable"); }

/* The first number in file `path` (a cgroup file: "max" reads as no limit): 1 with *v. */
static int read_u64(const char *path, unsigned long long *v) {
  char line[64], *end;
  if (mb_read_line(path, line, sizeof line)) return 0;
  errno = 0;
  *v = strtoull(line, &end, 10);
  return end != line && !errno;
}

/* Field `key` of a memory.stat ("key value" lines), 0 when absent. */
static unsigned long long stat_field(const char *path, const char *key) {
  FILE *f = fopen(path, "r");
  char line[256];
  unsigned long long v = 0, x;
  size_t kl = strlen(key);
  if (!f) return 0;
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, key, kl) && line[kl] == ' ' && sscanf(line + kl + 1, "%llu", &x) == 1) {
      v = x;
      break;
    }
  fclose(f);
  return v;
}

/* The group at dir (v2 when v2 is set) and its ancestors up to root: the least room left
 * under a limit, into m when less than what it holds. */
static void cgroup_room(mb_mem_limit_t *m, const char *root, const char *rel, int v2) {
  char dir[400], path[1024];
  snprintf(dir, sizeof dir, "%s", rel);
  for (;;) {
    unsigned long long lim = 0, l, used = 0, file = 0;
    const char *limits[] = {v2 ? "memory.max" : "memory.limit_in_bytes", v2 ? "memory.high" : NULL};
    char which[1024] = "";
    for (int k = 0; k < 2 && limits[k]; k++) {
      snprintf(path, sizeof path, "%s%s/%s", root, dir, limits[k]);
      /* v1 writes "no limit" as a page-rounded 2^63; v2 as "max" (not a number) */
      if (read_u64(path, &l) && l < (1ULL << 62) && (!lim || l < lim)) lim = l, snprintf(which, sizeof which, "%s", path);
    }
    if (lim) {
      snprintf(path, sizeof path, "%s%s/%s", root, dir, v2 ? "memory.current" : "memory.usage_in_bytes");
      read_u64(path, &used);
      snprintf(path, sizeof path, "%s%s/memory.stat", root, dir);
      file = stat_field(path, v2 ? "inactive_file" : "total_inactive_file");
      unsigned long long busy = used > file ? used - file : 0, room = lim > busy ? lim - busy : 1;
      if (!m->cgroup_available || room < m->cgroup_available) {
        m->cgroup_available = room;
        m->cgroup_limit = lim;
        snprintf(m->cgroup_file, sizeof m->cgroup_file, "%s", which);
      }
    }
    char *slash = strrchr(dir, '/');
    if (!slash || !dir[1]) break;
    slash == dir ? (void)(dir[1] = 0) : (void)(*slash = 0);
  }
}

void mb_mem_limit(mb_mem_limit_t *m, const char *proc_cgroup, const char *cgroup_root) {
  memset(m, 0, sizeof *m);
  m->mem_available = meminfo("MemAvailable");
  FILE *f = fopen(proc_cgroup, "r");
  char line[600], path[512];
  while (f && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2 || c2[1] != '/' || strstr(c2 + 1, "..")) continue;
    *c1 = *c2 = 0;
    const char *ctrl = c1 + 1, *rel = c2 + 1;
    if (!strcmp(line, "0") && !*ctrl) { /* v2: the root itself, or beside v1 at unified/ */
      snprintf(path, sizeof path, "%s/cgroup.controllers", cgroup_root);
      char base[400];
      snprintf(base, sizeof base, access(path, R_OK) ? "%s/unified" : "%s", cgroup_root);
      cgroup_room(m, base, rel, 1);
    } else {
      char list[200], *save, *tok;
      snprintf(list, sizeof list, "%s", ctrl);
      for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        if (!strcmp(tok, "memory")) {
          char base[400];
          snprintf(base, sizeof base, "%s/memory", cgroup_root);
          cgroup_room(m, base, rel, 0);
        }
    }
  }
  if (f) fclose(f);
  struct rlimit rl;
  if (!getrlimit(RLIMIT_AS, &rl) && rl.rlim_cur != RLIM_INFINITY) {
    unsigned long long vm = meminfo_of("/proc/self/status", "VmSize");
    m->rlimit_available = rl.rlim_cur > vm ? rl.rlim_cur - vm : 1;
  }
  m->bytes = m->mem_available, m->by = "MemAvailable";
  if (m->cgroup_available && (!m->bytes || m->cgroup_available < m->bytes)) m->bytes = m->cgroup_available, m->by = "cgroup";
  if (m->rlimit_available && (!m->bytes || m->rlimit_available < m->bytes)) m->bytes = m->rlimit_available, m->by = "RLIMIT_AS";
}
unsigned long long mb_mem_total(void) { return meminfo("MemTotal"); }

/* Arm's CPU implementer and part codes (/proc/cpuinfo on arm64), for a name that tells a
 * Graviton 2 from a Graviton 3 from an Ampere Altra: the parts membench has met or expects. */
static const char *arm_part(unsigned impl, unsigned part) {
  static const struct {
    unsigned impl, part;
    const char *name;
  } parts[] = {
      {0x41, 0xd03, "Cortex-A53"},   {0x41, 0xd07, "Cortex-A57"},     {0x41, 0xd08, "Cortex-A72"},
      {0x41, 0xd0b, "Cortex-A76"},   {0x41, 0xd0c, "Neoverse-N1"},    {0x41, 0xd40, "Neoverse-V1"},
      {0x41, 0xd49, "Neoverse-N2"},  {0x41, 0xd4f, "Neoverse-V2"},    {0x41, 0xd8e, "Neoverse-N3"},
      {0x41, 0xd84, "Neoverse-V3"},  {0x41, 0xd46, "Cortex-A510"},    {0x41, 0xd47, "Cortex-A710"},
      {0x41, 0xd4d, "Cortex-A715"},  {0x41, 0xd81, "Cortex-A720"},    {0x41, 0xd4b, "Cortex-A78C"},
      {0xc0, 0xac3, "AmpereOne"},    {0x48, 0xd01, "Kunpeng-920"},    {0x61, 0x022, "Apple-M1"},
      {0x61, 0x023, "Apple-M1"},     {0x61, 0x032, "Apple-M2"},       {0x61, 0x033, "Apple-M2"},
      {0x4e, 0x004, "NVIDIA-Carmel"}, {0x51, 0x001, "Qualcomm-Oryon"},
  };
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
    if (parts[i].impl == impl && parts[i].part == part) return parts[i].name;
  return NULL;
}

void mb_cpuinfo_parse(const char *text, mb_cpuinfo_t *ci) {
  memset(ci, 0, sizeof *ci);
  int impl = -1, part = -1;
  for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    const char *colon = strchr(line, ':'), *nl = strchr(line, '\n');
    if (!colon || (nl && colon > nl)) continue;
    const char *val = colon + 1;
    while (*val == ' ' || *val == '\t') val++;
    int vlen = (int)(nl ? nl - val : (long)strlen(val));
    /* The key before the colon, without its padding: "model" is not "model name". */
    int klen = (int)(colon - line);
    while (klen > 0 && (line[klen - 1] == ' ' || line[klen - 1] == '\t')) klen--;
#define KEY(k) (klen == (int)strlen(k) && !strncmp(line, k, (size_t)klen))
#define TAKE(field) snprintf(ci->field, sizeof ci->field, "%.*s", vlen, val)
    if (!ci->vendor[0] && (KEY("vendor_id") || KEY("CPU implementer"))) TAKE(vendor);
    else if (!ci->family[0] && (KEY("cpu family") || KEY("CPU architecture"))) TAKE(family);
    else if (!ci->model_number[0] && (KEY("model") || KEY("CPU part"))) TAKE(model_number);
    else if (!ci->stepping[0] && (KEY("stepping") || KEY("CPU variant"))) TAKE(stepping);
    else if (KEY("CPU revision") && !strchr(ci->stepping, 'r')) { /* arm64: variant and revision, "0x1 r1" */
      size_t l = strlen(ci->stepping);
      snprintf(ci->stepping + l, sizeof ci->stepping - l, "%sr%.*s", l ? " " : "", vlen, val);
    } else if (!ci->microcode[0] && KEY("microcode")) TAKE(microcode);
#undef KEY
#undef TAKE
    if (!ci->model[0] && !strncmp(line, "model name", 10)) snprintf(ci->model, sizeof ci->model, "%.*s", vlen, val);
    else if (!ci->mhz && !strncmp(line, "cpu MHz", 7)) ci->mhz = atof(val);
    else if (!ci->has_flags && (!strncmp(line, "flags", 5) || !strncmp(line, "Features", 8))) {
      ci->has_flags = !strncmp(line, "flags", 5); /* x86's: it carries the hypervisor bit */
      ci->hypervisor = ci->has_flags && memmem(val, (size_t)vlen, " hypervisor", 11) != NULL;
    } else if (impl < 0 && !strncmp(line, "CPU implementer", 15)) impl = (int)strtol(val, NULL, 0);
    else if (part < 0 && !strncmp(line, "CPU part", 8)) part = (int)strtol(val, NULL, 0);
  }
  if (!ci->model[0] && impl >= 0 && part >= 0) { /* arm64: no model name, implementer and part */
    const char *name = arm_part((unsigned)impl, (unsigned)part);
    if (name) snprintf(ci->model, sizeof ci->model, "ARM %s", name);
    else snprintf(ci->model, sizeof ci->model, "ARM implementer 0x%02x part 0x%03x", impl, part);
  }
}

void mb_cpu_model_pick(char *out, size_t len, const char *hwloc_model, const mb_cpuinfo_t *ci) {
  const char *m = hwloc_model && *hwloc_model ? hwloc_model : ci->model[0] ? ci->model : "unknown";
  snprintf(out, len, "%s", m);
}

/* The hypervisor's own name: x86's CPUID leaf 0x40000000 signature ("KVMKVMKVM",
 * "Microsoft Hv", "VMwareVMware", "XenVMMXenVMM"), else /sys/hypervisor/type, else DMI's
 * vendor; "" when none says. */
static void hypervisor_name(char *out, size_t len, int flagged) {
  out[0] = 0;
#if defined(__x86_64__) || defined(__i386__)
  if (flagged) {
    unsigned a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x40000000u), "c"(0));
    char sig[13];
    memcpy(sig, &b, 4), memcpy(sig + 4, &c, 4), memcpy(sig + 8, &d, 4);
    sig[12] = 0;
    size_t w = 0;
    for (size_t i = 0; sig[i] && w + 1 < len; i++)
      if (isprint((unsigned char)sig[i])) out[w++] = sig[i];
    out[w] = 0;
    if (w) return;
  }
#else
  (void)flagged;
#endif
  if (!mb_read_line("/sys/hypervisor/type", out, len) && out[0]) return;
  char vendor[128];
  if (flagged && !mb_read_line("/sys/class/dmi/id/sys_vendor", vendor, sizeof vendor)) snprintf(out, len, "%.40s", vendor);
}

static void cpuinfo(mb_env_t *env, const mb_topo_summary_t *t, char *flags_hypervisor) {
  char *text = mb_read_file("/proc/cpuinfo", NULL);
  mb_cpuinfo_t ci;
  mb_cpuinfo_parse(text ? text : "", &ci);
  free(text);
  env->cpuinfo = ci;
  mb_cpu_model_pick(env->cpu_model, sizeof env->cpu_model, t->cpu_model, &ci);
  env->mhz = ci.mhz;
  /* x86 says so in its flags; elsewhere the hypervisor may say so in /sys, or DMI may;
   * otherwise we do not know (2). */
  char hv[64] = "", vendor[128] = "";
  if (ci.has_flags) *flags_hypervisor = (char)(ci.hypervisor ? 1 : 0);
  else if (!mb_read_line("/sys/hypervisor/type", hv, sizeof hv) && hv[0]) *flags_hypervisor = 1;
  else if (!mb_read_line("/sys/class/dmi/id/sys_vendor", vendor, sizeof vendor) &&
           (strstr(vendor, "QEMU") || strstr(vendor, "KVM") || strstr(vendor, "VMware") || strstr(vendor, "Xen") ||
            strstr(vendor, "Microsoft")))
    *flags_hypervisor = 1;
  else *flags_hypervisor = 2;
  hypervisor_name(env->hypervisor, sizeof env->hypervisor, *flags_hypervisor == 1);
  if (!env->hypervisor[0]) snprintf(env->hypervisor, sizeof env->hypervisor, "%s", *flags_hypervisor == 0 ? "none" : *flags_hypervisor == 1 ? "yes, unnamed" : "unknown");
}

void mb_env_capture(mb_env_t *env, const mb_topo_summary_t *t) {
  memset(env, 0, sizeof *env);
  char hyp;
  cpuinfo(env, t, &hyp);
  mb_env_set(env, "mb_cpu_model", "%s", env->cpu_model);
  if (env->mhz > 0) mb_env_set(env, "mb_cpu_mhz", "%.0f", env->mhz);
  mb_env_set(env, "mb_virtualized", "%s", hyp == 1 ? "yes (hypervisor flag, /sys/hypervisor or DMI)" : hyp == 2 ? "unknown (no hypervisor flag on this architecture)" : "no");
  env->in_vm = hyp == 1;

  /* Whose malloc this process calls: a user's LD_PRELOAD (or /etc/ld.so.preload) makes every
   * malloc-using benchmark here measure that allocator (stack/malloc read 3.39 ns under
   * jemalloc instead of glibc's 6.62), so it is recorded, and said when it is not libc's.
   * (The alloc family's children set their own preload and check it.) */
  Dl_info info;
  void *m = dlsym(RTLD_DEFAULT, "malloc");
  const char *lib = m && dladdr(m, &info) && info.dli_fname ? info.dli_fname : "unknown";
  const char *pre = getenv("LD_PRELOAD");
  mb_env_set(env, "mb_malloc_library", "%s", lib);
  if (pre && *pre) mb_env_set(env, "mb_ld_preload", "%s", pre);
  if (!access("/etc/ld.so.preload", F_OK)) mb_env_set(env, "mb_ld_so_preload", "%s", "/etc/ld.so.preload exists");
  if (!getenv("MB_CHILD_PROCESS") && strcmp(lib, "unknown") && !strstr(lib, "libc.so") && !strstr(lib, "libc-"))
    warn(env, "malloc here is %s's%s%.60s%s, not the C library's: what allocates here (stack/malloc...) measures it",
         strrchr(lib, '/') ? strrchr(lib, '/') + 1 : lib, pre && *pre ? " (LD_PRELOAD=" : "", pre && *pre ? pre : "",
         pre && *pre ? ")" : "");

  /* Topology, as hwloc reports it (cache sizes may be wrong in a VM: see the hierarchy
   * family for what the latency curve shows). */
  mb_env_set(env, "mb_topo_packages", "%d", t->packages);
  mb_env_set(env, "mb_topo_numa_nodes", "%d", t->numa_nodes);
  mb_env_set(env, "mb_topo_cores", "%d", t->cores);
  mb_env_set(env, "mb_topo_pus", "%d", t->pus);
  mb_env_set(env, "mb_topo_pu_list", "%s", t->pu_list);
  for (int l = 1; l <= 4; l++) {
    char key[32];
    snprintf(key, sizeof key, "mb_topo_l%d_bytes", l);
    if (t->cache_size[l]) mb_env_set(env, key, "%llu", (unsigned long long)t->cache_size[l]);
    snprintf(key, sizeof key, "mb_topo_l%d_count", l);
    if (t->cache_size[l]) mb_env_set(env, key, "%d", t->cache_count[l]);
  }
  mb_env_set(env, "mb_topo_cache_line", "%u", t->cache_line);

  /* Frequency and noise sources. */
  set_file(env, "mb_governor", "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  char buf[256];
  if (!mb_read_line("/sys/devices/system/cpu/cpufreq/boost", buf, sizeof buf))
    mb_env_set(env, "mb_boost", "%s", !strcmp(buf, "1") ? "on" : "off");
  else if (!mb_read_line("/sys/devices/system/cpu/intel_pstate/no_turbo", buf, sizeof buf))
    mb_env_set(env, "mb_boost", "%s", !strcmp(buf, "0") ? "on" : "off");
  else
    mb_env_set(env, "mb_boost", "unknown");
  set_file(env, "mb_smt_active", "/sys/devices/system/cpu/smt/active");
  set_bracketed(env, "mb_thp_enabled", "/sys/kernel/mm/transparent_hugepage/enabled");
  set_bracketed(env, "mb_thp_defrag", "/sys/kernel/mm/transparent_hugepage/defrag");
  set_file(env, "mb_aslr", "/proc/sys/kernel/randomize_va_space");
  set_file(env, "mb_perf_event_paranoid", "/proc/sys/kernel/perf_event_paranoid");

  struct utsname u;
  if (!uname(&u)) mb_env_set(env, "mb_kernel", "%s %s %s", u.sysname, u.release, u.machine);

  /* Build. */
  mb_env_set(env, "mb_compiler", "%s", MB_COMPILER);
  mb_env_set(env, "mb_c_flags", "%s", MB_C_FLAGS);
  mb_env_set(env, "mb_build_type", "%s", MB_BUILD_TYPE);
  mb_env_set(env, "mb_native", "%s", MB_NATIVE_ON ? "on" : "off");
  mb_env_set(env, "mb_git_revision", "%s", MB_GIT_REVISION);

  /* Libraries. */
  unsigned hv = hwloc_get_api_version();
  mb_env_set(env, "mb_lib_hwloc", "%s (API %u.%u.%u)", HWLOC_VERSION, hv >> 16, (hv >> 8) & 0xff, hv & 0xff);
  mb_env_set(env, "mb_lib_benchmark", "%s", MB_BENCHMARK_VERSION);
  mb_env_set(env, "mb_lib_glibc", "%s", gnu_get_libc_version());
  mb_env_set(env, "mb_lib_jansson", "%s", jansson_version_str());
  int pv = pfm_get_version();
  mb_env_set(env, "mb_lib_pfm", "API %d.%d", PFM_MAJ_VERSION(pv), PFM_MIN_VERSION(pv));

  /* What makes numbers noisy: say so, do not refuse. */
  const char *gov = mb_env_get(env, "mb_governor");
  if (strcmp(gov, "performance") && strcmp(gov, "unknown"))
    warn(env, "CPU frequency governor is '%s', not 'performance': timings will vary", gov);
  if (!strcmp(mb_env_get(env, "mb_boost"), "on"))
    warn(env, "boost/turbo is on: the clock depends on temperature and load");
  if (hyp)
    warn(env, "running in a virtual machine: the hypervisor adds noise, and hwloc's cache sizes may be wrong");
}

void mb_print_version(FILE *f) {
  fprintf(f, "membench %s\ngit revision: %s\ncompiler: %s\nbuild type: %s (-march=native: %s)\nflags: %s\n"
             "Google Benchmark: %s\n",
          MB_VERSION, MB_GIT_REVISION, MB_COMPILER, MB_BUILD_TYPE, MB_NATIVE_ON ? "on" : "off", MB_C_FLAGS, MB_BENCHMARK_VERSION);
}

static void fp_str(json_t *f, const char *key, const char *v) { json_object_set_new(f, key, json_string(v && *v ? v : "unknown")); }

json_t *mb_fingerprint(const mb_env_t *env, const mb_topo_summary_t *t) {
  json_t *f = json_object();
  const mb_cpuinfo_t *ci = &env->cpuinfo;
#define STR(k, v) fp_str(f, k, v)
  STR("cpu_vendor", ci->vendor);
  STR("cpu_model", env->cpu_model);
  STR("cpu_family", ci->family);
  STR("cpu_model_number", ci->model_number);
  STR("cpu_stepping", ci->stepping);
  STR("microcode", ci->microcode);
  json_object_set_new(f, "packages", json_integer(t->packages));
  json_object_set_new(f, "cores", json_integer(t->cores));
  json_object_set_new(f, "pus", json_integer(t->pus));
  json_object_set_new(f, "numa_nodes", json_integer(t->numa_nodes));
  char caches[128] = "";
  size_t w = 0;
  for (int l = 1; l <= 4; l++)
    if (t->cache_size[l] && w < sizeof caches)
      w += (size_t)snprintf(caches + w, sizeof caches - w, "%sL%d %llu KiB x%d", w ? ", " : "", l, (unsigned long long)(t->cache_size[l] >> 10),
                            t->cache_count[l]);
  STR("caches", caches);
  /* GiB, rounded: the kernel's own reservations move MemTotal by a few MiB between kernels. */
  json_object_set_new(f, "memory_gib", json_integer((json_int_t)((mb_mem_total() + (1ull << 29)) >> 30)));
  struct utsname u;
  STR("kernel", uname(&u) ? "" : u.release);
  STR("thp", mb_env_get(env, "mb_thp_enabled"));
  STR("governor", mb_env_get(env, "mb_governor"));
  STR("boost", mb_env_get(env, "mb_boost"));
  STR("hypervisor", env->hypervisor);
#undef STR
  return f;
}

void mb_machine_name(char *buf, size_t len, const char *cpu_model, int cores) {
  size_t w = 0;
  int dash = 1; /* suppress leading and repeated dashes */
  static const char *drop[] = {"(r)", "(tm)", "processor", "cpu", NULL};
  char model[256];
  snprintf(model, sizeof model, "%s", cpu_model);
  for (char *p = model; *p; p++) *p = (char)tolower((unsigned char)*p);
  for (int i = 0; drop[i]; i++) {
    char *hit;
    while ((hit = strstr(model, drop[i]))) memset(hit, ' ', strlen(drop[i]));
  }
  /* "@ 2.10ghz" and after: the nominal clock is not part of the part's name. */
  char *at = strchr(model, '@');
  if (at) *at = 0;
  for (const char *p = model; *p && w + 1 < len; p++) {
    if (isalnum((unsigned char)*p)) {
      buf[w++] = *p;
      dash = 0;
    } else if (!dash) {
      buf[w++] = '-';
      dash = 1;
    }
  }
  while (w > 0 && buf[w - 1] == '-') w--;
  if (w == 0 && len > 8) w = (size_t)snprintf(buf, len, "unknown");
  snprintf(buf + w, len - w, "-%dc", cores);
}

