/*
 * fuzz_tool.c: libFuzzer driver for the tools that read result files (mbcompare,
 * mbextract, mbreport). The tool's source is compiled with its main renamed to tool_main
 * (-Dmain=tool_main) and MB_FUZZING, so its die() returns here instead of exiting. Each
 * input is written to a file and handed to the tool the ways `make` uses it. Run by
 * tests/fuzz.sh for a bounded time.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

int tool_main(int argc, char **argv);
jmp_buf mb_fuzz_exit;

static char path[4096], dir[4096];

/* The input, and the charts' scratch directory (flat: the files mbextract --charts wrote). */
static void remove_input(void) {
  unlink(path);
  DIR *d = *dir ? opendir(dir) : NULL;
  for (struct dirent *e; d && (e = readdir(d));) {
    char f[8192];
    snprintf(f, sizeof f, "%s/%s", dir, e->d_name);
    if (*e->d_name != '.') unlink(f);
  }
  if (d) closedir(d), rmdir(dir);
}

/* The input's file: in TMPDIR (else /tmp), removed when the fuzzer exits. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  const char *t = getenv("TMPDIR");
  snprintf(path, sizeof path, "%s/mbfuzz-%d.json", t && *t == '/' ? t : "/tmp", (int)getpid());
  snprintf(dir, sizeof dir, "%s/mbfuzz-%d.d", t && *t == '/' ? t : "/tmp", (int)getpid());
  if (mkdir(dir, 0700)) *dir = 0;
  atexit(remove_input);
  /* The tools print tables: keep the fuzzer's output readable. */
  if (!freopen("/dev/null", "w", stdout)) return 1;
  return 0;
}

static void run(int argc, char **argv) {
  if (setjmp(mb_fuzz_exit) == 0) tool_main(argc, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  char *p = path;
#if defined(FUZZ_MBCOMPARE)
  char *a1[] = {"mbcompare", p, p, NULL};
  run(3, a1);
  char *a2[] = {"mbcompare", "--field=cpu_time", "--family_threshold=fam=0.2", "--any_machine", p, p, NULL};
  run(6, a2);
  char *a3[] = {"mbcompare", "--paired", "--any_machine", p, p, p, p, NULL};
  run(6, a3);
#elif defined(FUZZ_MBEXTRACT)
  char *a1[] = {"mbextract", p, "hierarchy/latency_random", "real_time", NULL};
  run(4, a1);
  char *a2[] = {"mbextract", p, "--caches", NULL};
  run(3, a2);
  char *a3[] = {"mbextract", p, "--machine", NULL};
  run(3, a3);
  char *a4[] = {"mbextract", p, "--charts", dir, NULL}; /* the declared charts, into a scratch directory */
  if (*dir) run(4, a4);
#elif defined(FUZZ_MBREPORT)
  char *a1[] = {"mbreport", p, "charts", NULL};
  run(3, a1);
#endif
  return 0;
}
