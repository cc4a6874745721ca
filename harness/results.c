/*
 * results.c: atomic installation of result files.
 *
 * The signal handler only calls async-signal-safe functions (unlink, signal, raise,
 * getpid) on paths stored in fixed arrays. Benchmarks that fork (overflow probes) inherit
 * the handler: the pid check keeps a child that dies by design from deleting the parent's
 * files.
 */
#define _GNU_SOURCE
#include "results.h"
#include "env.h" /* mb_read_file */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MB_TMP_SLOTS 8
static char tmp_paths[MB_TMP_SLOTS][4096];
static volatile sig_atomic_t tmp_used[MB_TMP_SLOTS];
static pid_t owner_pid;

static void on_signal(int sig) {
  if (getpid() == owner_pid)
    for (int i = 0; i < MB_TMP_SLOTS; i++)
      if (tmp_used[i]) unlink(tmp_paths[i]);
  signal(sig, SIG_DFL);
  raise(sig);
}

void mb_results_guard(void) {
  /* Once per process: a process that forks and then writes results of its own calls this
   * again and becomes the owner of its own temporaries. */
  if (owner_pid == getpid()) return;
  owner_pid = getpid();
  /* Every signal whose default action ends the process: a closed pipe (| head), a timer,
   * a user signal or a resource limit must not leave a temporary behind either. */
  static const int sigs[] = {SIGINT,  SIGTERM, SIGHUP,    SIGQUIT, SIGSEGV, SIGBUS,  SIGABRT, SIGFPE,
                             SIGPIPE, SIGUSR1, SIGUSR2,   SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ};
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* SA_ONSTACK: a stack overflow in the harness itself still reaches the handler when
     * an alternate stack is installed. */
    sa.sa_flags = SA_ONSTACK;
    sigaction(sigs[i], &sa, NULL);
  }
}

/* Where a result at `path` goes: the end of its chain of symlinks (relative ones read from
 * their own directory; a dangling one names the file to create), so that the file behind a
 * link is replaced atomically like any other, never truncated and written through (a full
 * disk then left 8 KiB of partial JSON where the earlier result was). `path` itself when it
 * is no link, under /dev or /proc (a terminal, a pipe: written through), or a loop. */
static const char *link_target(const char *path, char *buf, size_t len) {
  char cur[4096], t[4096], d[4096];
  struct stat st;
  if (!strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6)) return path;
  snprintf(cur, sizeof cur, "%s", path);
  for (int hop = 0; hop < 40; hop++) {
    if (lstat(cur, &st) || !S_ISLNK(st.st_mode)) {
      if (!hop) return path;
      snprintf(buf, len, "%s", cur);
      return buf;
    }
    ssize_t n = readlink(cur, t, sizeof t - 1);
    if (n < 0) return path;
    t[n] = 0;
    snprintf(d, sizeof d, "%s", cur);
    if (t[0] == '/') snprintf(cur, sizeof cur, "%s", t);
    else if (snprintf(cur, sizeof cur, "%s/%s", dirname(d), t) >= (int)sizeof cur) return path;
  }
  return path;
}

int mb_results_special(const char *path) {
  struct stat st;
  char buf[4096];
  const char *p = link_target(path, buf, sizeof buf);
  /* a link (under /dev or /proc, or a loop) is written through; so is a device or a FIFO */
  return lstat(p, &st) == 0 && !S_ISREG(st.st_mode);
}

int mb_results_tmp(char *buf, size_t len, const char *final_path) {
  char copy[4096], target[4096];
  final_path = link_target(final_path, target, sizeof target); /* beside the file, not the link */
  snprintf(copy, sizeof copy, "%s", final_path);
  char *base = basename(copy);
  char dcopy[4096];
  snprintf(dcopy, sizeof dcopy, "%s", final_path);
  char *dir = dirname(dcopy);
  /* A device or FIFO (or a link to one) is written through, never replaced: its temporary
   * lives in TMPDIR, not beside it (in /dev, say). */
  if (mb_results_special(final_path)) {
    const char *t = getenv("TMPDIR");
    dir = t && *t == '/' ? (char *)t : (char *)"/tmp";
  }
  static unsigned seq;
  int w = snprintf(buf, len, "%s/.%s.%d.%u.tmp", dir, base, (int)getpid(), seq++);
  if (w < 0 || (size_t)w >= len) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return mb_results_track(buf);
}

int mb_results_track(const char *path) {
  size_t l = strlen(path);
  if (l >= sizeof tmp_paths[0]) return errno = ENAMETOOLONG, -1;
  for (int i = 0; i < MB_TMP_SLOTS; i++)
    if (!tmp_used[i]) {
      memcpy(tmp_paths[i], path, l + 1);
      tmp_used[i] = 1;
      return 0;
    }
  return errno = EMFILE, -1;
}

void mb_results_discard_of(const char *final_path, long pid) {
  char copy[4096], dcopy[4096], prefix[4200];
  snprintf(copy, sizeof copy, "%s", final_path);
  snprintf(dcopy, sizeof dcopy, "%s", final_path);
  const char *dir = dirname(dcopy);
  int pl = snprintf(prefix, sizeof prefix, ".%s.%ld.", basename(copy), pid);
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (!strncmp(e->d_name, prefix, (size_t)pl) && l > 4 && !strcmp(e->d_name + l - 4, ".tmp")) {
      char path[8300];
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      unlink(path);
    }
  }
  closedir(d);
}

void mb_results_discard(const char *tmp) {
  unlink(tmp);
  for (int i = 0; i < MB_TMP_SLOTS; i++)
    if (tmp_used[i] && !strcmp(tmp_paths[i], tmp)) tmp_used[i] = 0;
}

int mb_mkdir_p(const char *dir, char *err, size_t errlen) {
  char buf[4096];
  int w = snprintf(buf, sizeof buf, "%s", dir);
  if (w <= 0 || (size_t)w >= sizeof buf) {
    snprintf(err, errlen, "directory name too long");
    errno = ENAMETOOLONG;
    return -1;
  }
  for (char *p = buf + 1;; p++) {
    if (*p == '/' || *p == 0) {
      char c = *p;
      *p = 0;
      if (mkdir(buf, 0755) && errno != EEXIST) {
        int e = errno;
        snprintf(err, errlen, "cannot create directory %s: %s", buf, strerror(e));
        errno = e;
        return -1;
      }
      *p = c;
      if (!c) break;
    }
  }
  struct stat st;
  if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "%s is not a directory", dir);
    errno = ENOTDIR;
    return -1;
  }
  if (access(dir, W_OK)) {
    int e = errno;
    snprintf(err, errlen, "cannot write in %s: %s", dir, strerror(e));
    errno = e;
    return -1;
  }
  return 0;
}

int mb_results_stamp_path(char *buf, size_t len, const char *dir, const char *machine) {
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H-%M-%SZ", &tm);
  int w = snprintf(buf, len, "%s/%s/%s.json", dir, machine, stamp);
  if (w < 0 || (size_t)w >= len) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return 0;
}

/* Write json to a new temporary beside `near`, fsync it. */
static int write_tmp_json(json_t *doc, const char *near, char *tmp, size_t tmplen, char *err, size_t errlen) {
  if (mb_results_tmp(tmp, tmplen, near)) {
    snprintf(err, errlen, "cannot name a temporary file for %s: %s", near, strerror(errno));
    return -1;
  }
  char *text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
  if (!text) {
    errno = ENOMEM;
    goto fail;
  }
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    free(text);
    goto fail;
  }
  /* Our own writes, so a full disk is named as such (ENOSPC), not as a generic I/O error. */
  size_t len = strlen(text);
  text[len] = 0;
  for (size_t done = 0; done <= len;) {
    ssize_t w = done < len ? write(fd, text + done, len - done) : write(fd, "\n", 1);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int e = w < 0 ? errno : EIO;
      free(text);
      close(fd);
      errno = e;
      goto fail;
    }
    done += (size_t)w;
  }
  free(text);
  if (fsync(fd)) {
    int e = errno;
    close(fd);
    errno = e;
    goto fail;
  }
  if (close(fd)) goto fail;
  return 0;
fail:;
  int e = errno;
  snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(e));
  mb_results_discard(tmp);
  errno = e;
  return -1;
}

static void sync_dir_of(const char *path) {
  char copy[4096];
  snprintf(copy, sizeof copy, "%s", path);
  int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

static json_t *load_doc(const char *path, json_error_t *jerr) { return json_load_file(path, 0, jerr); }

/* Write `len` bytes of `data` into `path` as it is (device, FIFO, symlink): opened without
 * creating or replacing it, without blocking on a FIFO nobody reads, truncated only when it
 * leads to a regular file. 0, or -1 with the reason in err. */
static int write_through(const char *path, const char *data, size_t len, char *err, size_t errlen) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "cannot write the result to %s: it is a directory", path);
    return errno = EISDIR, -1;
  }
  int fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    snprintf(err, errlen, "cannot write the result to %s: %s", path, e == ENXIO ? "a FIFO with no reader" : strerror(e));
    return errno = e, -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(fd, 0)) {
    int e = errno;
    close(fd);
    snprintf(err, errlen, "cannot truncate %s: %s", path, strerror(e));
    return errno = e, -1;
  }
  for (size_t done = 0; done < len;) {
    ssize_t w = write(fd, data + done, len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int e = w < 0 ? errno : EIO;
      close(fd);
      snprintf(err, errlen, "cannot write the result to %s: %s", path, strerror(e));
      return errno = e, -1;
    }
    done += (size_t)w;
  }
  if (close(fd) && errno != EINTR) {
    int e = errno;
    snprintf(err, errlen, "cannot write the result to %s: %s", path, strerror(e));
    return errno = e, -1;
  }
  return 0;
}

int mb_results_install_json(const char *tmp, json_t *extra, char *final_path, size_t final_len,
                            int noreplace, const char *latest, char *err, size_t errlen) {
  json_error_t jerr;
  json_t *doc = load_doc(tmp, &jerr);
  int rc = -1;
  if (!doc || !json_is_object(json_object_get(doc, "context")) || !json_is_array(json_object_get(doc, "benchmarks"))) {
    snprintf(err, errlen, "%s is not a complete result (%s at line %d): no result written", tmp,
             doc ? "no context or benchmarks" : jerr.text, jerr.line);
    errno = EINVAL;
  } else {
    if (extra) json_object_update(json_object_get(doc, "context"), extra);
    rc = mb_results_install_doc(doc, final_path, final_len, noreplace, latest, err, errlen);
  }
  json_decref(doc);
  mb_results_discard(tmp);
  return rc;
}

int mb_results_install_doc(json_t *doc, char *final_path, size_t final_len, int noreplace, const char *latest,
                           char *err, size_t errlen) {
  char tmp2[4096] = "", tmp3[4096] = "", target[4096] = "";
  int rc = -1;
  if (!noreplace && mb_results_special(final_path)) {
    char *text = json_dumps(doc, JSON_INDENT(1));
    if (!text) {
      snprintf(err, errlen, "out of memory");
      goto out;
    }
    int w = write_through(final_path, text, strlen(text), err, errlen);
    free(text);
    if (!w) rc = 0;
    goto out;
  }
  if (write_tmp_json(doc, final_path, tmp2, sizeof tmp2, err, errlen)) goto out;
  if (latest && write_tmp_json(doc, latest, tmp3, sizeof tmp3, err, errlen)) goto out;
  /* The result and latest.json are installed together: a Ctrl-C between the two would leave
   * a new result beside a stale latest.json. Signals wait until both are in place. */
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  if (noreplace) {
    /* link() never replaces: an earlier result with the same name stays as it was. */
    char base[4096];
    size_t bl = strlen(final_path);
    if (bl < 5 || strcmp(final_path + bl - 5, ".json")) {
      snprintf(err, errlen, "%s: result names end in .json", final_path);
      errno = EINVAL;
      goto unblock;
    }
    snprintf(base, sizeof base, "%.*s", (int)(bl - 5), final_path);
    for (int k = 0;; k++) {
      if (k) snprintf(final_path, final_len, "%s-%d.json", base, k);
      if (link(tmp2, final_path) == 0) break;
      if (errno != EEXIST || k == 99) {
        int e = errno;
        snprintf(err, errlen, "cannot install %s: %s", final_path, strerror(e));
        errno = e;
        goto unblock;
      }
    }
  } else if (rename(tmp2, link_target(final_path, target, sizeof target))) {
    int e = errno;
    snprintf(err, errlen, "cannot install %s: %s", target[0] ? target : final_path, strerror(e));
    errno = e;
    goto unblock;
  }
  sync_dir_of(link_target(final_path, target, sizeof target));
  if (latest) {
    if (rename(tmp3, latest)) {
      int e = errno;
      snprintf(err, errlen, "cannot install %s: %s", latest, strerror(e));
      errno = e;
      goto unblock;
    }
    sync_dir_of(latest);
  }
  rc = 0;
unblock:
  sigprocmask(SIG_SETMASK, &old, NULL);
out:
  if (*tmp2) mb_results_discard(tmp2);
  if (*tmp3) mb_results_discard(tmp3);
  return rc;
}

int mb_results_install_raw(const char *tmp, const char *final_path, char *err, size_t errlen) {
  int rc = 0;
  if (mb_results_special(final_path)) {
    size_t len = 0;
    char *data = mb_read_file(tmp, &len);
    rc = data ? write_through(final_path, data, len, err, errlen) : (snprintf(err, errlen, "cannot read %s: %s", tmp, strerror(errno)), -1);
    free(data);
  } else {
    char target[4096];
    const char *to = link_target(final_path, target, sizeof target);
    if (rename(tmp, to)) {
      int e = errno;
      snprintf(err, errlen, "cannot install %s: %s", to, strerror(e));
      errno = e;
      rc = -1;
    } else {
      sync_dir_of(to);
    }
  }
  mb_results_discard(tmp);
  return rc;
}
