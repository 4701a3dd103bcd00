// SPDX-License-Identifier: GPL-2.0-or-later
/* The handset configuration: same language, GET refused, agent keys kept out
 * of the parameter store, typed values checked, upgrade script per family. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "config.h"

static char path[] = "/tmp/rb-config-XXXXXX";
static struct rb_config C;

static void load(const char *text)
{
	int fd;

	memcpy(path + sizeof(path) - 7, "XXXXXX", 6);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(rb_write_all(fd, text, strlen(text)), 0);
	close(fd);
	assert_int_equal(rb_config_load(&C, path), 0);
}

static int teardown(void **state)
{
	rb_config_free(&C);
	unlink(path);
	return 0;
}

static bool warned(const char *needle)
{
	for (size_t i = 0; i < C.run.nwarnings; i++)
		if (strstr(C.run.warnings[i].message, needle))
			return true;
	return false;
}

static void example_file_loads_cleanly(void **state)
{
	const char *top = getenv("RINGBOOT_TOP");
	char p[4096];

	snprintf(p, sizeof(p), "%s/etc/ringboot.conf", top ? top : ".");
	assert_int_equal(rb_config_load(&C, p), 0);
	assert_int_equal(C.run.nwarnings, 0);
	assert_string_equal(rb_config_get(&C, "MODEL4"), "9608");
	assert_string_equal(rb_config_get(&C, "FASTPATH"), "auto");
	assert_int_equal(rb_config_int(&C, "RETRY_MAX"), 5);
}

static void defaults_without_file(void **state)
{
	assert_int_equal(rb_config_init(&C), 0);
	assert_string_equal(rb_config_get(&C, "CA_FILE"), "/etc/ringboot/ca.pem");
	assert_string_equal(rb_config_get(&C, "GROUP"), "0");
	assert_null(rb_config_get(&C, "MODEL4"));
	assert_int_equal(rb_config_int(&C, "RETRY_MAX_MS"), 30000);
}

static void missing_file_is_an_error(void **state)
{
	assert_int_equal(rb_config_load(&C, "/nonexistent/ringboot.conf"), -ENOENT);
}

static void get_is_refused(void **state)
{
	load("GET other.conf\nSET MODEL4 J129\n");
	assert_true(warned("not allowed"));
	assert_string_equal(rb_config_get(&C, "MODEL4"), "J129");
}

static void if_works_in_config(void **state)
{
	load("SET MODEL4 J129\nIF $MODEL4 SEQ j129 GOTO J\nSET SIG 1\n# J\n");
	assert_null(rb_config_get(&C, "SIG"));
}

static void bad_typed_values_warn_and_use_default(void **state)
{
	load("SET RETRY_MAX lots\nSET FASTPATH turbo\nSET SIG 7\nSET MACADDR zz\n");
	assert_int_equal(rb_config_int(&C, "RETRY_MAX"), 5);
	assert_string_equal(rb_config_get(&C, "FASTPATH"), "auto");
	assert_null(rb_config_get(&C, "SIG"));
	assert_null(rb_config_get(&C, "MACADDR"));
	assert_int_equal(C.run.nwarnings, 4);
	assert_int_equal(C.run.warnings[0].line, 1);
}

static void apply_keeps_agent_keys_out(void **state)
{
	struct rb_params *p = rb_params_new();
	struct rb_param_view v;

	load("SET CA_FILE /x.pem\nSET MODEL4 9608\nSET HTTPSRVR 192.0.2.1\nSET MACADDR 00:1B:4F:AA:bb:0c\n");
	assert_int_equal(rb_config_apply(&C, p), 0);
	assert_null(rb_params_get(p, "CA_FILE"));
	assert_string_equal(rb_params_get(p, "MACADDR"), "001b4faabb0c");
	assert_true(rb_params_lookup(p, "HTTPSRVR", &v));
	assert_int_equal(v.origin.kind, RB_ORIGIN_CONFIG);
	assert_int_equal(v.origin.line, 3);
	assert_true(rb_config_is_agent_key("ca_file"));
	assert_false(rb_config_is_agent_key("HTTPSRVR"));
	rb_params_free(p);
}

static void mac_normalisation(void **state)
{
	char m[13];

	assert_int_equal(rb_config_norm_mac("C8:1F:EA:9B:67:C0", m), 0);
	assert_string_equal(m, "c81fea9b67c0");
	assert_int_equal(rb_config_norm_mac("c8-1f-ea-9b-67-c0", m), 0);
	assert_int_equal(rb_config_norm_mac("c81fea9b67c", m), -EINVAL);
	assert_int_equal(rb_config_norm_mac("c81fea9b67c0aa", m), -EINVAL);
	assert_int_equal(rb_config_norm_mac("g81fea9b67c0", m), -EINVAL);
}

static void upgrade_script_by_family(void **state)
{
	assert_int_equal(rb_config_init(&C), 0);
	assert_string_equal(rb_config_upgrade_script(&C, "4610", NULL), "46xxupgrade.scr");
	assert_string_equal(rb_config_upgrade_script(&C, "1603", NULL), "16xxupgrade.txt");
	assert_string_equal(rb_config_upgrade_script(&C, "9620", "2"), "96xxupgrade.txt");
	assert_string_equal(rb_config_upgrade_script(&C, "9608", "2"), "96x1Supgrade.txt");
	assert_string_equal(rb_config_upgrade_script(&C, "9641", "1"), "96x1Hupgrade.txt");
	assert_string_equal(rb_config_upgrade_script(&C, "J129", "2"), "J100Supgrade.txt");
	assert_null(rb_config_upgrade_script(&C, "X100", NULL));
}

static void upgrade_script_override(void **state)
{
	load("SET UPGRADE_SCRIPT lab.txt\nSET UPGRADE_J100 J.txt\n");
	assert_string_equal(rb_config_upgrade_script(&C, "J129", "2"), "lab.txt");
}

/* ENV_GROUP: who besides root may read params.env; an agent key, never a parameter. */
static void env_group_by_name_or_number(void **state)
{
	gid_t g = 0;

	assert_int_equal(rb_config_init(&C), 0);
	assert_int_equal(rb_config_env_group(&C, &g), 0);
	assert_true(g == RB_ENV_NO_GROUP);
	rb_config_free(&C);
	load("SET ENV_GROUP root\n");
	assert_int_equal(rb_config_env_group(&C, &g), 0);
	assert_int_equal(g, 0);
	assert_true(rb_config_is_agent_key("env_group"));
	rb_config_free(&C);
	load("SET ENV_GROUP 4711\n");
	assert_int_equal(rb_config_env_group(&C, &g), 0);
	assert_int_equal(g, 4711);
	rb_config_free(&C);
	load("SET ENV_GROUP rb-no-such-group-x\n");
	assert_int_equal(rb_config_env_group(&C, &g), -ENOENT);
	assert_true(g == RB_ENV_NO_GROUP);
}

/* LLDP_ENABLED is a checked provisioning parameter, LLDP_WAIT_MS an agent key. */
static void lldp_keys(void **state)
{
	struct rb_params *p = rb_params_new();

	load("SET LLDP_ENABLED 3\nSET LLDP_WAIT_MS 90000\n");
	assert_int_equal(C.run.nwarnings, 2);
	assert_int_equal(rb_config_int(&C, "LLDP_WAIT_MS"), 3000);
	rb_config_free(&C);
	unlink(path);
	load("SET LLDP_ENABLED 1\nSET LLDP_WAIT_MS 500\n");
	assert_int_equal(C.run.nwarnings, 0);
	assert_int_equal(rb_config_int(&C, "LLDP_WAIT_MS"), 500);
	assert_int_equal(rb_config_apply(&C, p), 0);
	assert_string_equal(rb_params_get(p, "LLDP_ENABLED"), "1");
	assert_null(rb_params_get(p, "LLDP_WAIT_MS"));
	rb_params_free(p);
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(example_file_loads_cleanly),
		T(defaults_without_file),
		T(missing_file_is_an_error),
		T(get_is_refused),
		T(if_works_in_config),
		T(bad_typed_values_warn_and_use_default),
		T(apply_keeps_agent_keys_out),
		T(mac_normalisation),
		T(upgrade_script_by_family),
		T(upgrade_script_override),
		T(env_group_by_name_or_number),
		T(lldp_keys),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
