// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hook programs (userspace/hook.c): the exit status, the environment given
 * and nothing else, stdin empty and stdout kept out of the agent's report,
 * and the time bound: a hook that hangs, one that ignores SIGTERM and the
 * processes a hook leaves running are killed, and the hook counts as failed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hook.h"

static char dir[] = "/tmp/rb-hook-XXXXXX";
static char why[128];

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[64];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) ? -1 : 0;
}

/* Run `sh -c script` as a hook with environment env (NULL-terminated). */
static int sh(const char *script, char **env, double timeout)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	char *none[] = { NULL };

	why[0] = '\0';
	return rb_hook_run(argv, env ? env : none, timeout, why, sizeof(why));
}

static char *slurp(const char *name)
{
	static char buf[4096];
	char path[128];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void exit_status(void **state)
{
	char *argv[] = { "/nonexistent/hook", NULL }, *env[] = { NULL };

	(void)state;
	assert_int_equal(sh("exit 0", NULL, 5), 0);
	assert_int_equal(sh("exit 3", NULL, 5), -ECANCELED);
	assert_string_equal(why, "exit 3");
	assert_int_equal(sh("kill -KILL $$", NULL, 5), -ECANCELED);
	assert_string_equal(why, "signal 9");
	assert_int_equal(rb_hook_run(argv, env, 5, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "cannot run it"));
}

static void environment_and_streams(void **state)
{
	char script[512], *env[] = { "RINGBOOT_EVENT=settings", "A=b c", NULL }, *got;
	int saved = dup(STDERR_FILENO), fd;
	char path[128];

	(void)state;
	snprintf(script, sizeof(script),
		 "env | sort > %s/env; if read x; then echo got input; fi > %s/in; echo to-stdout",
		 dir, dir);
	/* Our stderr into a file: the hook's stdout must arrive there. */
	snprintf(path, sizeof(path), "%s/stderr", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	dup2(fd, STDERR_FILENO);
	close(fd);
	assert_int_equal(sh(script, env, 5), 0);
	dup2(saved, STDERR_FILENO);
	close(saved);
	got = slurp("env");
	assert_non_null(got);
	/* exactly what was given (sh adds PWD, SHLVL and _ of its own) */
	assert_non_null(strstr(got, "A=b c\n"));
	assert_non_null(strstr(got, "RINGBOOT_EVENT=settings\n"));
	assert_null(strstr(got, "HOME="));
	assert_null(strstr(got, "PATH=/"));
	assert_string_equal(slurp("in"), "");	/* stdin is /dev/null */
	assert_string_equal(slurp("stderr"), "to-stdout\n");
}

/* PATH and RINGBOOT_TOP of ours, nothing else. */
static void environment_base(void **state)
{
	char *envp[RB_HOOK_ENV_MAX];
	size_t n;

	(void)state;
	setenv("PATH", "/usr/bin:/bin", 1);
	setenv("RINGBOOT_TOP", "/src", 1);
	setenv("LD_PRELOAD", "/evil.so", 1);
	n = rb_hook_env_base(envp, RB_HOOK_ENV_MAX);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		assert_true(!strcmp(envp[i], "PATH=/usr/bin:/bin") ||
			    !strcmp(envp[i], "RINGBOOT_TOP=/src"));
	unsetenv("LD_PRELOAD");
	assert_int_equal(rb_hook_env_base(envp, 1), 1);
}

/* Gone, or a zombie waiting for its new parent to reap it: not running. */
static int not_running(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	if (kill(pid, 0) && errno == ESRCH)
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

/* A hook that hangs is killed at its time bound, with what it started. */
static void hung_hook_is_killed(void **state)
{
	char script[256], *pid, *end;
	long child;

	(void)state;
	snprintf(script, sizeof(script), "sleep 600 & echo $! > %s/child; wait", dir);
	assert_int_equal(sh(script, NULL, 0.5), -ETIMEDOUT);
	assert_string_equal(why, "did not end within 0.5 s: killed");
	pid = slurp("child");
	assert_non_null(pid);
	child = strtol(pid, &end, 10);
	assert_true(child > 1 && *end == '\n');
	/* The background child went with the hook's process group: SIGKILL is
	 * sent when the hook returns, and takes effect a moment later. */
	for (int i = 0; i < 500 && !not_running((pid_t)child); i++)
		usleep(10000);
	assert_true(not_running((pid_t)child));
}

/* SIGTERM ignored: SIGKILL follows RB_HOOK_KILL_GRACE seconds later. */
static void sigterm_ignored_then_killed(void **state)
{
	(void)state;
	assert_int_equal(sh("trap '' TERM; while :; do sleep 1; done", NULL, 0.3), -ETIMEDOUT);
	assert_non_null(strstr(why, "killed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exit_status),
		cmocka_unit_test(environment_and_streams),
		cmocka_unit_test(environment_base),
		cmocka_unit_test(hung_hook_is_killed),
		cmocka_unit_test(sigterm_ignored_then_killed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
