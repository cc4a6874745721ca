/*
 * results.h: result files, written so that nothing is ever half there.
 *
 * The result is built in memory (harness/report.cc: Google Benchmark's runs through its
 * reporter interface, the children's results merged as data) and written once: a temporary
 * file beside the destination, fsynced, then linked into place. A timestamped result is never replaced (link fails on an existing name, and the
 * next free name is taken); latest.json is replaced by rename, atomically. If the process is
 * interrupted (SIGINT, SIGTERM, SIGHUP) or crashes (SIGSEGV, SIGBUS, SIGABRT, SIGFPE), the
 * temporary files are removed and earlier results are untouched.
 *
 * Functions return 0 on success and -1 with errno and a message in err on failure. A child's
 * result joins the parent's in merge.h; the CSV and console formats are convert.h's.
 */
#ifndef MB_RESULTS_H
#define MB_RESULTS_H

#include <jansson.h>
#include <stddef.h>

#include "convert.h"
#include "merge.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Install the signal handlers that remove registered temporary files (once). */
void mb_results_guard(void);

/* Make a temporary path beside `final_path` (same directory, so rename is atomic) and
 * register it for removal on interruption. */
int mb_results_tmp(char *buf, size_t len, const char *final_path);
/* Register `path` (a file another process writes for us: a child's checkpoint) for removal
 * on interruption; mb_results_discard removes it and the registration. 0, or -1 with errno. */
int mb_results_track(const char *path);

/* 1 when `path` exists and is not a regular file (a device, a FIFO, a symlink, a directory):
 * such a path is written through (devices, FIFOs, what a symlink leads to) or refused
 * (directories), never replaced by rename, and its temporary lives in TMPDIR. */
int mb_results_special(const char *path);

/* Remove the temporaries process `pid` named for `final_path` (mb_results_tmp's names): what
 * a child killed by SIGKILL (the OOM killer) could not clean up itself. */
void mb_results_discard_of(const char *final_path, long pid);

/* Remove a registered temporary file and forget it. */
void mb_results_discard(const char *tmp);

/* Create dir and its parents (mode 0755). */
int mb_mkdir_p(const char *dir, char *err, size_t errlen);

/* "<dir>/<machine>/<UTC timestamp>.json" for now. */
int mb_results_stamp_path(char *buf, size_t len, const char *dir, const char *machine);

/* Install the result `doc` as `final_path`: without replacing an existing file when
 * noreplace is set (a "-1", "-2"... suffix is added instead; the name used is written back
 * into final_path, which must have room for 16 more bytes). When `latest` is not NULL the
 * same content is also installed there, replacing it; the two appear together or not at
 * all. A path that is not a regular file (a FIFO, a device) is written through. */
int mb_results_install_doc(json_t *doc, char *final_path, size_t final_len, int noreplace, const char *latest,
                           char *err, size_t errlen);

/* The same from a JSON file `tmp` (a tool's temporary output), with `extra`'s keys added to
 * its context (borrowed). `tmp` is removed in every case. */
int mb_results_install_json(const char *tmp, json_t *extra, char *final_path, size_t final_len,
                            int noreplace, const char *latest, char *err, size_t errlen);

/* Install a non-JSON output (console or csv format) as final_path, replacing it. */
int mb_results_install_raw(const char *tmp, const char *final_path, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
