/*
 * spawn.h: fresh membench processes, private to the harness. One way to start one (a
 * .process child, a probe) and the probe's side of the exchange.
 */
#ifndef MB_SPAWN_H
#define MB_SPAWN_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Start /proc/self/exe with argv (argv[0] is the name it sees) and envp (NULL: ours); in
 * the child, fd_from becomes fd_to first (fd_from < 0: nothing moved), and the child gets
 * SIGTERM when we die. The child's pid, or -1 with errno. */
pid_t mb_spawn_self(char *const argv[], char *const envp[], int fd_from, int fd_to);

/* Wait for pid: its waitpid status, or -1 with errno. EINTR is retried. */
int mb_spawn_wait(pid_t pid);
/* The same, for at most `seconds` (<= 0: no limit): a child still running then gets SIGTERM
 * and, 2 s later, SIGKILL; *timed_out says so. */
int mb_spawn_wait_for(pid_t pid, double seconds, int *timed_out);

/* Called first in main: when argv asks for a probe (--mb_probe=NAME VALUES...), runs it
 * and never returns; otherwise returns at once. */
void mb_probe_dispatch(int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif
