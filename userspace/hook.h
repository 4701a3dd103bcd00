/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running the handset's hook programs: COMMIT_HOOK (slots.c, told of a
 * commit, a confirmation, a rollback) and SETTINGS_HOOK (boot.c, told that
 * the settings were applied). No hook may hold the agent forever: each runs
 * in a process group of its own, and when it has not ended within its time
 * bound (HOOK_TIMEOUT, docs/config.md) the group gets SIGTERM, and SIGKILL
 * RB_HOOK_KILL_GRACE seconds later. The hook then counts as failed.
 */
#ifndef RINGBOOT_HOOK_H
#define RINGBOOT_HOOK_H

#include <stddef.h>

#define RB_HOOK_TIMEOUT_DEFAULT 60	/* seconds; HOOK_TIMEOUT */
#define RB_HOOK_KILL_GRACE 2		/* seconds between SIGTERM and SIGKILL */
#define RB_HOOK_ENV_MAX 64		/* entries of a hook's environment, NULL included */

/*
 * Run argv[0] (a path) with arguments argv and exactly the environment envp,
 * standard input /dev/null, standard output and error our standard error,
 * within timeout seconds (<= 0: RB_HOOK_TIMEOUT_DEFAULT). Returns 0 when it
 * exited with status 0; -ECANCELED (another status, or a signal),
 * -ETIMEDOUT (killed at the time bound), or -errno (it could not be started,
 * or not waited for); why says which in words ("exit 3", "signal 9", "did
 * not end within 5 s: killed").
 */
int rb_hook_run(char *const argv[], char *const envp[], double timeout, char *why, size_t whylen);

/*
 * The part of the agent's environment a hook inherits: PATH and RINGBOOT_TOP
 * (the tests' checkout), nothing else. Fills envp[0..] with pointers into
 * environ, at most cap entries; returns how many. The caller appends its
 * RINGBOOT_* variables and the NULL.
 */
size_t rb_hook_env_base(char **envp, size_t cap);

#endif
