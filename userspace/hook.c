// SPDX-License-Identifier: GPL-2.0-or-later
/* Hook programs with a time bound (hook.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hook.h"

extern char **environ;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Wait for pid until the monotonic time end: true when it ended (*status
 * set). A pidfd wakes us when it exits (Linux 5.3); without one, waitpid is
 * polled every 10 ms.
 */
static bool wait_until(pid_t pid, int pidfd, double end, int *status, int *err)
{
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		double left;

		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR) {
			*err = -errno;
			return true;
		}
		left = end - now_s();
		if (left <= 0)
			return false;
		if (pidfd >= 0) {
			struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
			int ms = left > 3600 ? 3600000 : (int)(left * 1000) + 1;

			if (poll(&pfd, 1, ms) < 0 && errno != EINTR) {
				*err = -errno;
				return true;
			}
		} else {
			struct timespec ts = { 0, 10000000 };

			nanosleep(&ts, NULL);
		}
	}
}

int rb_hook_run(char *const argv[], char *const envp[], double timeout, char *why, size_t whylen)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int status = 0, err = 0, pidfd;
	pid_t pid;

	if (timeout <= 0)
		timeout = RB_HOOK_TIMEOUT_DEFAULT;
	/*
	 * A group of its own, so that the time bound reaches what the hook
	 * started; nothing to read (a hook waiting for input would only wait
	 * for its time bound); what it prints goes to our standard error, never
	 * into the report on standard output (--json).
	 */
	err = posix_spawnattr_init(&attr);
	if (!err && (err = posix_spawn_file_actions_init(&fa)))
		posix_spawnattr_destroy(&attr);
	if (err) {
		snprintf(why, whylen, "cannot run it: %s", strerror(err));
		return -err;
	}
	err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	if (!err)
		err = posix_spawnattr_setpgroup(&attr, 0);
	if (!err)
		err = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
	if (!err)
		err = posix_spawn(&pid, argv[0], &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (err) {
		snprintf(why, whylen, "cannot run it: %s", strerror(err));
		return -err;
	}
	pidfd = pidfd_open(pid, 0);
	if (!wait_until(pid, pidfd, now_s() + timeout, &status, &err)) {
		kill(-pid, SIGTERM);
		if (!wait_until(pid, pidfd, now_s() + RB_HOOK_KILL_GRACE, &status, &err)) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
		}
		/* What the hook left running in its group goes with it. */
		kill(-pid, SIGKILL);
		if (pidfd >= 0)
			close(pidfd);
		snprintf(why, whylen, "did not end within %g s: killed", timeout);
		return -ETIMEDOUT;
	}
	if (pidfd >= 0)
		close(pidfd);
	if (err) {
		snprintf(why, whylen, "waiting for it: %s", strerror(-err));
		return err;
	}
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	snprintf(why, whylen, "%s %d", WIFEXITED(status) ? "exit" : "signal",
		 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return -ECANCELED;
}

size_t rb_hook_env_base(char **envp, size_t cap)
{
	size_t n = 0;

	for (char **e = environ; *e && n < cap; e++)
		if (!strncmp(*e, "PATH=", 5) || !strncmp(*e, "RINGBOOT_TOP=", 13))
			envp[n++] = *e;
	return n;
}
