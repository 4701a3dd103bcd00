// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The parameter store: names, origins, precedence (PROVISIONING.md), STATIC,
 * trust, persistence and the shell env file (sourced by a real shell).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "param_rules.h"
#include "params.h"

static char dir[] = "/tmp/rb-params-XXXXXX";
static struct rb_params *P;

static int setup(void **state)
{
	memcpy(dir + sizeof(dir) - 7, "XXXXXX", 6);
	P = rb_params_new();
	return mkdtemp(dir) && P ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[256];

	rb_params_free(P);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int set(const char *name, const char *value, enum rb_origin_kind kind)
{
	return rb_params_set_str(P, name, value, kind);
}

static void names_upper_cased_values_kept(void **state)
{
	struct rb_param_view v;

	assert_int_equal(set("httpSrvr", "Host.Example", RB_ORIGIN_DHCP), 1);
	assert_true(rb_params_at(P, 0, &v));
	assert_string_equal(v.name, "HTTPSRVR");
	assert_string_equal(rb_params_get(P, "HttpSrvr"), "Host.Example");
}

static void invalid_names_refused(void **state)
{
	static const char *const bad[] = {
		"", "A B", "-A", ".A", "A$B", "A=B", "A,B", "A#B", "A/B", "A\"B", "A:B", "A\tB",
		"A'B", "\xc3\xa9",
		"A2345678901234567890123456789012345678901234567890123456789012345",	/* 65 */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (set(bad[i], "x", RB_ORIGIN_DHCP) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
	assert_int_equal(set("3PCC_SERVER_MODE", "1", RB_ORIGIN_FILE), 1);
	assert_int_equal(rb_params_count(P), 1);
}

/*
 * Issue: a published 16xx/46xx settings file's SET SIP-Transport UDP was
 * refused and lost. '-' and '.' after the first character are name bytes.
 */
static void names_as_real_files_write_them(void **state)
{
	struct rb_param_view v;

	assert_int_equal(set("SIP-Transport", "UDP", RB_ORIGIN_FILE), 1);
	assert_int_equal(set("voIpProt.SIP.outboundProxy", "192.0.2.5", RB_ORIGIN_FILE), 1);
	assert_int_equal(set("_X-1.2", "y", RB_ORIGIN_FILE), 1);
	assert_true(rb_params_at(P, 0, &v));
	assert_string_equal(v.name, "SIP-TRANSPORT");
	assert_string_equal(rb_params_get(P, "sip-transport"), "UDP");
	assert_string_equal(rb_params_get(P, "VOIPPROT.SIP.OUTBOUNDPROXY"), "192.0.2.5");
	/* another name than SIP_TRANSPORT, which has no value */
	assert_null(rb_params_get(P, "SIP_TRANSPORT"));
	assert_int_equal(rb_params_count(P), 3);
}

static void value_with_nul_refused(void **state)
{
	struct rb_origin o = { .kind = RB_ORIGIN_FILE };

	assert_int_equal(rb_params_set(P, "A", 1, "a\0b", 3, &o), -EINVAL);
	assert_null(rb_params_get(P, "A"));
}

static void origin_file_and_line_kept(void **state)
{
	struct rb_origin o = { .kind = RB_ORIGIN_FILE, .file = "46xxsettings.txt", .line = 42 };
	struct rb_param_view v;

	assert_int_equal(rb_params_set(P, "SIPDOMAIN", 9, "x", 1, &o), 1);
	assert_true(rb_params_lookup(P, "SIPDOMAIN", &v));
	assert_int_equal(v.origin.kind, RB_ORIGIN_FILE);
	assert_string_equal(v.origin.file, "46xxsettings.txt");
	assert_int_equal(v.origin.line, 42);
}

static void site_specific_option_wins_over_standard(void **state)
{
	/* Order of arrival does not matter: 242 is processed last, wins (PROVISIONING.md). */
	assert_int_equal(set("TFTPSRVR", "from242", RB_ORIGIN_OPT242), 1);
	assert_int_equal(set("TFTPSRVR", "from66", RB_ORIGIN_DHCP), 0);
	assert_string_equal(rb_params_get(P, "TFTPSRVR"), "from242");
	assert_int_equal(set("HTTPSRVR", "from43", RB_ORIGIN_OPT43), 1);
	assert_int_equal(set("HTTPSRVR", "from176", RB_ORIGIN_OPT176), 1);
	assert_string_equal(rb_params_get(P, "HTTPSRVR"), "from176");
}

static void settings_file_wins_over_dhcp(void **state)
{
	set("HTTPSRVR", "dhcp", RB_ORIGIN_OPT242);
	assert_int_equal(set("HTTPSRVR", "file", RB_ORIGIN_FILE), 1);
	assert_string_equal(rb_params_get(P, "HTTPSRVR"), "file");
}

static void command_line_wins_over_all(void **state)
{
	set("X", "cmd", RB_ORIGIN_CMDLINE);
	assert_int_equal(set("X", "file", RB_ORIGIN_FILE), 0);
	assert_string_equal(rb_params_get(P, "X"), "cmd");
}

/*
 * Avaya J100 / 96x1 guides ("Precedence of administration methods"): what
 * LLDP sets (L2Q, L2QVLAN, L2QAUD, ...) outranks the settings file and DHCP;
 * the handset's command line still wins.
 */
static void lldp_above_files_and_dhcp_below_cmdline(void **state)
{
	set("L2QVLAN", "234", RB_ORIGIN_OPT242);
	set("L2QVLAN", "235", RB_ORIGIN_FILE);
	assert_int_equal(set("L2QVLAN", "233", RB_ORIGIN_LLDP), 1);
	assert_int_equal(set("L2QVLAN", "236", RB_ORIGIN_FILE), 0);
	assert_int_equal(set("L2QVLAN", "237", RB_ORIGIN_DHCP), 0);
	assert_string_equal(rb_params_get(P, "L2QVLAN"), "233");
	assert_int_equal(set("L2QVLAN", "99", RB_ORIGIN_CMDLINE), 1);
	assert_string_equal(rb_params_get(P, "L2QVLAN"), "99");
	rb_params_clear_kind(P, RB_ORIGIN_CMDLINE);
	assert_string_equal(rb_params_get(P, "L2QVLAN"), "233");
	rb_params_clear_kind(P, RB_ORIGIN_LLDP);
	assert_string_equal(rb_params_get(P, "L2QVLAN"), "236");
	assert_string_equal(rb_origin_name(RB_ORIGIN_LLDP), "lldp");
}

static void config_above_default_below_dhcp(void **state)
{
	set("HTTPPORT", "80", RB_ORIGIN_DEFAULT);
	assert_int_equal(set("HTTPPORT", "8080", RB_ORIGIN_CONFIG), 1);
	assert_int_equal(set("HTTPPORT", "81", RB_ORIGIN_DHCP), 1);
	assert_string_equal(rb_params_get(P, "HTTPPORT"), "81");
}

static void same_rank_later_wins(void **state)
{
	set("A", "1", RB_ORIGIN_FILE);
	assert_int_equal(set("A", "2", RB_ORIGIN_FILE), 1);
	assert_string_equal(rb_params_get(P, "A"), "2");
}

static void static_pins_configured_file_server(void **state)
{
	set("HTTPSRVR", "configured", RB_ORIGIN_CONFIG);
	set("MCIPADD", "configured-cm", RB_ORIGIN_CONFIG);
	set("HTTPSRVR", "dhcp", RB_ORIGIN_OPT242);
	set("MCIPADD", "dhcp-cm", RB_ORIGIN_OPT242);
	assert_string_equal(rb_params_get(P, "HTTPSRVR"), "dhcp");
	set("STATIC", "1", RB_ORIGIN_CONFIG);
	assert_string_equal(rb_params_get(P, "HTTPSRVR"), "configured");
	assert_string_equal(rb_params_get(P, "MCIPADD"), "dhcp-cm");
	set("STATIC", "3", RB_ORIGIN_FILE);
	assert_string_equal(rb_params_get(P, "MCIPADD"), "configured-cm");
	set("HTTPSRVR", "cmd", RB_ORIGIN_CMDLINE);
	assert_string_equal(rb_params_get(P, "HTTPSRVR"), "cmd");
}

static void clear_kind_reveals_lower_layer(void **state)
{
	set("DNSSRVR", "cfg", RB_ORIGIN_CONFIG);
	set("DNSSRVR", "lease1", RB_ORIGIN_DHCP);
	rb_params_clear_kind(P, RB_ORIGIN_DHCP);
	assert_string_equal(rb_params_get(P, "DNSSRVR"), "cfg");
}

/*
 * Iterate as every caller does (stop at the first false) and return the names
 * seen, comma-separated; check the contract on the way: every i below
 * rb_params_count() is a name with a value, the first index past it is not.
 */
static const char *iterate(void)
{
	static char seen[1024];
	struct rb_param_view v;
	size_t i, o = 0;

	seen[0] = '\0';
	for (i = 0; rb_params_at(P, i, &v); i++) {
		assert_non_null(v.value);
		assert_string_equal(rb_params_get(P, v.name), v.value);
		o += (size_t)snprintf(seen + o, sizeof(seen) - o, "%s%s", o ? "," : "", v.name);
	}
	assert_int_equal(i, rb_params_count(P));
	return seen;
}

/*
 * Leases and settings files that drop names in the middle of the store (a
 * new option 242 without TFTPSRVR, a settings file without one of its SETs):
 * every name that still has a value stays visible to the iteration.
 */
static void emptied_names_leave_no_hole(void **state)
{
	/* boot 1: configuration, lease (standard options and 242), settings */
	set("MODEL4", "J169", RB_ORIGIN_CONFIG);
	set("IPADD", "10.0.0.50", RB_ORIGIN_DHCP);
	set("HTTPSRVR", "10.0.0.1", RB_ORIGIN_OPT242);
	set("TFTPSRVR", "10.0.0.2", RB_ORIGIN_OPT242);
	set("HTTPDIR", "x", RB_ORIGIN_OPT242);
	set("TLSSRVR", "10.0.0.3", RB_ORIGIN_OPT242);
	set("SNTPSRVR", "10.0.0.9", RB_ORIGIN_FILE);
	set("LOGSRVR", "10.0.0.8", RB_ORIGIN_FILE);
	set("SIPDOMAIN", "example.com", RB_ORIGIN_FILE);
	assert_string_equal(iterate(), "MODEL4,IPADD,HTTPSRVR,TFTPSRVR,HTTPDIR,TLSSRVR,"
			    "SNTPSRVR,LOGSRVR,SIPDOMAIN");
	/* boot 2: the new option 242 no longer carries TFTPSRVR */
	rb_params_clear_kind(P, RB_ORIGIN_OPT242);
	set("HTTPSRVR", "10.0.0.1", RB_ORIGIN_OPT242);
	set("HTTPDIR", "x", RB_ORIGIN_OPT242);
	set("TLSSRVR", "10.0.0.3", RB_ORIGIN_OPT242);
	assert_null(rb_params_get(P, "TFTPSRVR"));
	assert_string_equal(iterate(), "MODEL4,IPADD,SNTPSRVR,LOGSRVR,SIPDOMAIN,HTTPSRVR,"
			    "HTTPDIR,TLSSRVR");
	/* boot 2's settings file no longer sets LOGSRVR */
	rb_params_clear_kind(P, RB_ORIGIN_FILE);
	set("SNTPSRVR", "10.0.0.9", RB_ORIGIN_FILE);
	set("SIPDOMAIN", "example.com", RB_ORIGIN_FILE);
	assert_string_equal(iterate(), "MODEL4,IPADD,HTTPSRVR,HTTPDIR,TLSSRVR,SNTPSRVR,SIPDOMAIN");
	/* boot 3: a lease without option 242 at all, then TFTPSRVR comes back */
	rb_params_clear_kind(P, RB_ORIGIN_DHCP);
	rb_params_clear_kind(P, RB_ORIGIN_OPT242);
	assert_string_equal(iterate(), "MODEL4,SNTPSRVR,SIPDOMAIN");
	set("TFTPSRVR", "10.0.0.2", RB_ORIGIN_OPT242);
	assert_string_equal(iterate(), "MODEL4,SNTPSRVR,SIPDOMAIN,TFTPSRVR");
	/* a name with a lower layer left stays where it was */
	set("SNTPSRVR", "10.0.0.7", RB_ORIGIN_DHCP);
	rb_params_clear_kind(P, RB_ORIGIN_FILE);
	assert_string_equal(iterate(), "MODEL4,SNTPSRVR,TFTPSRVR");
	assert_string_equal(rb_params_get(P, "SNTPSRVR"), "10.0.0.7");
	/* everything cleared: an empty store, still usable */
	rb_params_clear_kind(P, RB_ORIGIN_CONFIG);
	rb_params_clear_kind(P, RB_ORIGIN_DHCP);
	rb_params_clear_kind(P, RB_ORIGIN_OPT242);
	assert_string_equal(iterate(), "");
	set("A", "1", RB_ORIGIN_FILE);
	assert_string_equal(iterate(), "A");
	assert_string_equal(rb_params_get(P, "a"), "1");
}

static void trust_from_downloaded_file_not_acted_on(void **state)
{
	assert_true(rb_param_is_trust("trustcerts"));
	set("TRUSTCERTS", "evil.pem", RB_ORIGIN_FILE);
	assert_string_equal(rb_params_get(P, "TRUSTCERTS"), "evil.pem");	/* stored */
	assert_null(rb_params_get_trusted(P, "TRUSTCERTS"));			/* not acted on */
	set("TRUSTCERTS", "admin.pem", RB_ORIGIN_CONFIG);
	assert_string_equal(rb_params_get_trusted(P, "TRUSTCERTS"), "admin.pem");
	set("HTTPSRVR", "f", RB_ORIGIN_FILE);
	assert_string_equal(rb_params_get_trusted(P, "HTTPSRVR"), "f");
}

static void too_many_names_refused(void **state)
{
	char name[32];

	for (int i = 0; i < RB_PARAMS_MAX; i++) {
		snprintf(name, sizeof(name), "N%d", i);
		assert_true(set(name, "v", RB_ORIGIN_FILE) >= 0);
	}
	assert_int_equal(set("ONE_MORE", "v", RB_ORIGIN_FILE), -ENOSPC);
	assert_string_equal(rb_params_get(P, "N8191"), "v");
}

static void save_and_load_round_trip(void **state)
{
	static const char hostile[] = "a b%20'\"$(x)\n\t\x80\xff=-";
	struct rb_origin o = { .kind = RB_ORIGIN_FILE, .file = "my file.txt", .line = 7 };
	struct rb_params *q = rb_params_new();
	struct rb_param_view v;
	char path[256];

	snprintf(path, sizeof(path), "%s/params", dir);
	rb_params_set(P, "H", 1, hostile, sizeof(hostile) - 1, &o);
	set("H", "dhcp", RB_ORIGIN_DHCP);
	set("EMPTY", "", RB_ORIGIN_CONFIG);
	set("L2Q", "2", RB_ORIGIN_OPT242);
	set("L2Q", "1", RB_ORIGIN_LLDP);
	assert_int_equal(rb_params_save(P, path), 0);
	assert_int_equal(rb_params_load(q, path), 0);
	assert_true(rb_params_lookup(q, "H", &v));
	assert_int_equal(v.value_len, sizeof(hostile) - 1);
	assert_memory_equal(v.value, hostile, sizeof(hostile) - 1);
	assert_string_equal(v.origin.file, "my file.txt");
	assert_int_equal(v.origin.line, 7);
	rb_params_clear_kind(q, RB_ORIGIN_FILE);
	assert_string_equal(rb_params_get(q, "H"), "dhcp");	/* every layer saved */
	assert_string_equal(rb_params_get(q, "EMPTY"), "");
	assert_true(rb_params_lookup(q, "L2Q", &v));
	assert_int_equal(v.origin.kind, RB_ORIGIN_LLDP);
	rb_params_clear_kind(q, RB_ORIGIN_LLDP);
	assert_string_equal(rb_params_get(q, "L2Q"), "2");
	rb_params_free(q);
}

/* The new names go through the saved file; a file an older agent wrote still loads. */
static void names_with_dash_and_dot_saved_and_old_files_load(void **state)
{
	static const char old[] = "# ringboot parameters v1\n"
				  "HTTPSRVR option242 0 - =10.2.248.2\n"
				  "DISPLAY_NAME file 41 =46xxsettings.txt =Chef%20Telefon\n"
				  "3PCC_SERVER_MODE config 3 =ringboot.conf =0\n";
	struct rb_params *q = rb_params_new();
	char path[256];

	snprintf(path, sizeof(path), "%s/params", dir);
	set("SIP-Transport", "UDP", RB_ORIGIN_FILE);
	set("voIpProt.SIP.port", "5060", RB_ORIGIN_CONFIG);
	assert_int_equal(rb_params_save(P, path), 0);
	assert_int_equal(rb_params_load(q, path), 0);
	assert_string_equal(rb_params_get(q, "SIP-TRANSPORT"), "UDP");
	assert_string_equal(rb_params_get(q, "VOIPPROT.SIP.PORT"), "5060");
	rb_params_free(q);
	q = rb_params_new();
	assert_int_equal(rb_params_parse(q, old, sizeof(old) - 1), 0);
	assert_int_equal(rb_params_count(q), 3);
	assert_string_equal(rb_params_get(q, "DISPLAY_NAME"), "Chef Telefon");
	assert_string_equal(rb_params_get(q, "3PCC_SERVER_MODE"), "0");
	rb_params_free(q);
}

static void load_refuses_malformed_and_keeps_store(void **state)
{
	static const char *const bad[] = {
		"garbage\n",
		"# ringboot parameters v1\nA file 0 - =x",		/* torn last line */
		"# ringboot parameters v1\nA nosuch 0 - =x\n",
		"# ringboot parameters v1\nA file x - =x\n",
		"# ringboot parameters v1\nA file 0 - =%4\n",
		"# ringboot parameters v1\nA file 0 - =%00\n",
		"# ringboot parameters v1\n-AB file 0 - =x\n",
		"# ringboot parameters v1\nA$B file 0 - =x\n",
		"# ringboot parameters v1\nA file 0 - x\n",
		"# ringboot parameters v1\nA file 0 - =x extra\n",
	};
	char path[256];

	snprintf(path, sizeof(path), "%s/bad", dir);
	set("KEEP", "1", RB_ORIGIN_CONFIG);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(rb_atomic_write(path, bad[i], strlen(bad[i]), 0600), 0);
		assert_int_equal(rb_params_load(P, path), -EBADMSG);
		assert_int_equal(rb_params_count(P), 1);
	}
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(rb_params_load(P, path), -ENOENT);
}

/* Source the env file in a real shell; print RB_X; return what it printed. */
static char *shell_value(const char *envpath, const char *var)
{
	char cmd[1024], *out = malloc(4096);
	FILE *f;
	size_t n;

	snprintf(cmd, sizeof(cmd), "cd '%s' && sh -c '. \"$1\" && printf %%s \"$%s\"' sh '%s'",
		 dir, var, envpath);
	f = popen(cmd, "r");
	n = fread(out, 1, 4095, f);
	out[n] = '\0';
	assert_int_equal(pclose(f), 0);
	return out;
}

static void env_file_is_safe_to_source(void **state)
{
	static const char *const values[] = {
		"plain", "", "it's", "'; touch pwned; '", "$(touch pwned)", "`touch pwned`",
		"a\nb", "\\", "\"dq\"", "; touch pwned",
	};
	char envpath[256], pwned[256], *got;
	struct stat st;

	snprintf(envpath, sizeof(envpath), "%s/params.env", dir);
	snprintf(pwned, sizeof(pwned), "%s/pwned", dir);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		rb_params_free(P);
		P = rb_params_new();
		set("X", values[i], RB_ORIGIN_FILE);
		set("PATH", "/nonexistent", RB_ORIGIN_FILE);	/* must not become $PATH */
		assert_int_equal(rb_params_write_env(P, envpath, RB_ENV_NO_GROUP), 0);
		got = shell_value(envpath, "RB_X");
		assert_string_equal(got, values[i]);
		free(got);
		assert_int_equal(stat(pwned, &st), -1);
	}
	got = shell_value(envpath, "RB_PATH");
	assert_string_equal(got, "/nonexistent");
	free(got);
}

/*
 * A shell name holds no '-' or '.': they become '_', after a comment naming
 * the parameter; a variable that two parameters map onto is refused to the
 * mapped ones, the name written with '_' keeps it.
 */
static void env_names_mapped_collisions_refused(void **state)
{
	char envpath[256], *got, *text;
	size_t len;

	snprintf(envpath, sizeof(envpath), "%s/params.env", dir);
	set("SIP-Transport", "UDP", RB_ORIGIN_FILE);
	set("voIpProt.SIP.outboundProxy", "192.0.2.5", RB_ORIGIN_FILE);
	set("SIP-TLS-PORT", "it's", RB_ORIGIN_FILE);
	set("A.B", "dotted", RB_ORIGIN_FILE);		/* collides with A_B, which wins */
	set("A_B", "underscore", RB_ORIGIN_CONFIG);
	set("C-D", "one", RB_ORIGIN_FILE);		/* collides with C.D: neither */
	set("C.D", "two", RB_ORIGIN_FILE);
	assert_int_equal(rb_params_write_env(P, envpath, RB_ENV_NO_GROUP), 0);
	got = shell_value(envpath, "RB_SIP_TRANSPORT");
	assert_string_equal(got, "UDP");
	free(got);
	got = shell_value(envpath, "RB_VOIPPROT_SIP_OUTBOUNDPROXY");
	assert_string_equal(got, "192.0.2.5");
	free(got);
	got = shell_value(envpath, "RB_SIP_TLS_PORT");
	assert_string_equal(got, "it's");
	free(got);
	got = shell_value(envpath, "RB_A_B");
	assert_string_equal(got, "underscore");
	free(got);
	got = shell_value(envpath, "{RB_C_D-unset}");
	assert_string_equal(got, "unset");
	free(got);
	assert_int_equal(rb_read_file(envpath, 1 << 20, &text, &len), 0);
	assert_non_null(strstr(text, "# RB_SIP_TRANSPORT: SIP-TRANSPORT\nRB_SIP_TRANSPORT='UDP'\n"));
	assert_non_null(strstr(text, "# A.B not exported: RB_A_B stands for another parameter too\n"));
	assert_non_null(strstr(text, "# C-D not exported: RB_C_D stands for another parameter too\n"));
	assert_non_null(strstr(text, "# C.D not exported: RB_C_D stands for another parameter too\n"));
	assert_null(strstr(text, "'dotted'"));
	assert_null(strstr(text, "'one'"));
	assert_null(strstr(text, "'two'"));
	free(text);
}

/* Issue: SET AUTH 1 in the configuration, AUTH=0 in option 242 brought HTTP back. */
static void owner_security_raise_only(void **state)
{
	struct rb_param_view v;

	set("AUTH", "1", RB_ORIGIN_CONFIG);
	assert_int_equal(set("AUTH", "0", RB_ORIGIN_OPT242), 0);
	assert_string_equal(rb_params_get(P, "AUTH"), "1");
	assert_string_equal(rb_params_get_trusted(P, "AUTH"), "1");
	assert_true(rb_params_lookup(P, "AUTH", &v));
	assert_int_equal(v.origin.kind, RB_ORIGIN_CONFIG);
	/* the network value is stored all the same */
	assert_true(rb_params_layer_at(P, 0, rb_origin_rank(RB_ORIGIN_OPT242), &v));
	assert_string_equal(v.value, "0");
	/* neither a settings file nor any other network source lowers it */
	assert_int_equal(set("AUTH", "0", RB_ORIGIN_FILE), 0);
	set("AUTH", "0", RB_ORIGIN_DHCP);
	set("AUTH", "0", RB_ORIGIN_OPT43);
	assert_string_equal(rb_params_get(P, "AUTH"), "1");
	/* values that are not on the scale count as lower */
	static const char *const bad[] = { "", "01", "1 ", "2", "yes", "-1", "+1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		set("AUTH", bad[i], RB_ORIGIN_FILE);
		assert_string_equal(rb_params_get(P, "AUTH"), "1");
	}
	/* an equal value from the network is effective (and the same) */
	assert_int_equal(set("AUTH", "1", RB_ORIGIN_FILE), 1);
	/* the command line is the owner too: it still decides */
	set("AUTH", "0", RB_ORIGIN_CMDLINE);
	assert_string_equal(rb_params_get(P, "AUTH"), "0");
}

static void network_may_raise_what_the_owner_set(void **state)
{
	set("AUTH", "0", RB_ORIGIN_CONFIG);
	assert_int_equal(set("AUTH", "1", RB_ORIGIN_OPT242), 1);
	assert_string_equal(rb_params_get(P, "AUTH"), "1");
	/* a later, higher-ranked file going back down stops at the owner's value */
	set("AUTH", "0", RB_ORIGIN_FILE);
	assert_string_equal(rb_params_get(P, "AUTH"), "0");
	/* without an owner's value the network decides, as any parameter */
	set("TLSSRVRID", "0", RB_ORIGIN_OPT43);
	assert_string_equal(rb_params_get(P, "TLSSRVRID"), "0");
	set("TLSSRVRID", "1", RB_ORIGIN_CONFIG);
	assert_string_equal(rb_params_get(P, "TLSSRVRID"), "1");
	/* a scale that runs the other way: trusting public CAs is the weaker */
	set("ENABLE_PUBLIC_CA_CERTS", "0", RB_ORIGIN_CONFIG);
	set("ENABLE_PUBLIC_CA_CERTS", "1", RB_ORIGIN_OPT242);
	assert_string_equal(rb_params_get(P, "ENABLE_PUBLIC_CA_CERTS"), "0");
	set("OCSP_ENABLED", "1", RB_ORIGIN_CONFIG);
	set("OCSP_ENABLED", "0", RB_ORIGIN_OPT242);
	assert_string_equal(rb_params_get(P, "OCSP_ENABLED"), "1");
}

static void static_bits_never_cleared_by_network(void **state)
{
	set("HTTPSRVR", "configured", RB_ORIGIN_CONFIG);
	set("HTTPSRVR", "rogue", RB_ORIGIN_OPT242);
	set("STATIC", "1", RB_ORIGIN_CONFIG);
	set("STATIC", "0", RB_ORIGIN_OPT242);
	assert_string_equal(rb_params_get(P, "STATIC"), "1");
	assert_string_equal(rb_params_get(P, "HTTPSRVR"), "configured");
	set("STATIC", "2", RB_ORIGIN_FILE);	/* drops bit 0: refused */
	assert_string_equal(rb_params_get(P, "STATIC"), "1");
	assert_string_equal(rb_params_get(P, "HTTPSRVR"), "configured");
	set("STATIC", "3", RB_ORIGIN_FILE);	/* adds bit 1: fine */
	assert_string_equal(rb_params_get(P, "STATIC"), "3");
}

static void trust_anchors_of_the_owner_pinned(void **state)
{
	set("TRUSTCERTS", "site-ca.pem", RB_ORIGIN_CONFIG);
	set("TRUSTCERTS", "rogue.pem", RB_ORIGIN_OPT242);
	assert_string_equal(rb_params_get(P, "TRUSTCERTS"), "site-ca.pem");
	assert_string_equal(rb_params_get_trusted(P, "TRUSTCERTS"), "site-ca.pem");
	set("PROCPSWD", "4711", RB_ORIGIN_CONFIG);
	set("PROCPSWD", "", RB_ORIGIN_FILE);
	assert_string_equal(rb_params_get(P, "PROCPSWD"), "4711");
	/* not the owner's: the network's value, as before */
	set("MYCERTURL", "http://ca.example/scep", RB_ORIGIN_OPT242);
	assert_string_equal(rb_params_get(P, "MYCERTURL"), "http://ca.example/scep");
}

/* Issue: MODEL4=J129 in option 242 made a J169 act as a J129. */
static void identity_is_the_owners(void **state)
{
	struct rb_param_view v;

	set("MODEL4", "J169", RB_ORIGIN_CONFIG);
	set("MODEL4", "J129", RB_ORIGIN_OPT242);
	set("MODEL4", "J139", RB_ORIGIN_FILE);
	assert_string_equal(rb_params_get(P, "MODEL4"), "J169");
	assert_string_equal(rb_params_get_trusted(P, "MODEL4"), "J169");
	assert_true(rb_params_layer_at(P, 0, rb_origin_rank(RB_ORIGIN_OPT242), &v));
	assert_string_equal(v.value, "J129");	/* stored */
	/* the interface's MAC (a default) is the handset's too */
	set("MACADDR", "0a0b0c0d0e0f", RB_ORIGIN_DEFAULT);
	set("MACADDR", "112233445566", RB_ORIGIN_OPT242);
	assert_string_equal(rb_params_get(P, "MACADDR"), "0a0b0c0d0e0f");
	assert_string_equal(rb_params_get_trusted(P, "MACADDR"), "0a0b0c0d0e0f");
	/* what the owner never set: exported, never acted on */
	set("HWVERS", "3", RB_ORIGIN_OPT242);
	assert_string_equal(rb_params_get(P, "HWVERS"), "3");
	assert_null(rb_params_get_trusted(P, "HWVERS"));
	set("SERIALNO", "X1", RB_ORIGIN_FILE);
	assert_null(rb_params_get_trusted(P, "serialno"));
	/* the command line is the owner's */
	set("MODEL4", "J179", RB_ORIGIN_CMDLINE);
	assert_string_equal(rb_params_get_trusted(P, "MODEL4"), "J179");
	/* names of other kinds are untouched */
	set("SIG", "2", RB_ORIGIN_OPT242);
	assert_string_equal(rb_params_get_trusted(P, "SIG"), "2");
}

/* The J100 guide's table, and the project's rule for names it does not list. */
static void retained_on_missing_settings_file(void **state)
{
	static const char *const yes[] = {
		"AGCHAND", "agchead", "AGCSPKR", "AUTH", "BAKLIGHTOFF", "CNGLABEL",
		"DAYLIGHT_SAVING_SETTING_MODE", "LOG_CATEGORY",
		"TLSSRVRID", "STATIC", "TRUSTCERTS", "PROCPSWD",	/* the owner's floor */
	};
	static const char *const no[] = {
		"APPNAME", "AUDIOENV", "AUDIOSTHD", "AUDIOSTHS", "DHCPSTD", "HEADSYS",
		"HOMEIDLETIME", "LOGSRVR", "SNTPSRVR", "SIPDOMAIN", "MODEL4", "X",
	};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(rb_param_retained(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(rb_param_retained(no[i]));
}

static void clear_kind_except_keeps_what_it_is_asked_to(void **state)
{
	set("AGCHAND", "1", RB_ORIGIN_FILE);
	set("LOGSRVR", "10.0.0.8", RB_ORIGIN_FILE);
	set("LOGSRVR", "10.0.0.7", RB_ORIGIN_DHCP);
	set("SNTPSRVR", "10.0.0.9", RB_ORIGIN_FILE);
	set("AUTH", "1", RB_ORIGIN_FILE);
	set("IPADD", "10.0.0.50", RB_ORIGIN_DHCP);
	assert_int_equal(rb_params_clear_kind_except(P, RB_ORIGIN_FILE, rb_param_retained), 2);
	assert_string_equal(rb_params_get(P, "AGCHAND"), "1");
	assert_string_equal(rb_params_get(P, "AUTH"), "1");
	assert_string_equal(rb_params_get(P, "LOGSRVR"), "10.0.0.7");	/* the lease's, again */
	assert_null(rb_params_get(P, "SNTPSRVR"));
	assert_string_equal(iterate(), "AGCHAND,LOGSRVR,AUTH,IPADD");
	/* other kinds are not touched; without keep, everything of the kind goes */
	assert_int_equal(rb_params_clear_kind_except(P, RB_ORIGIN_FILE, NULL), 0);
	assert_string_equal(iterate(), "LOGSRVR,IPADD");
}

/* The floor holds through the saved file and in the exported env file. */
static void owner_floor_survives_save_and_export(void **state)
{
	struct rb_params *q = rb_params_new();
	char path[256], *got;

	set("AUTH", "1", RB_ORIGIN_CONFIG);
	set("AUTH", "0", RB_ORIGIN_OPT242);
	snprintf(path, sizeof(path), "%s/params", dir);
	assert_int_equal(rb_params_save(P, path), 0);
	assert_int_equal(rb_params_load(q, path), 0);
	assert_string_equal(rb_params_get(q, "AUTH"), "1");
	rb_params_free(q);
	snprintf(path, sizeof(path), "%s/params.env", dir);
	assert_int_equal(rb_params_write_env(P, path, RB_ENV_NO_GROUP), 0);
	got = shell_value(path, "RB_AUTH");
	assert_string_equal(got, "1");
	free(got);
}

/* Docs stay true: every name of the rule table is in docs/state.md. */
static void rules_documented(void **state)
{
	const char *top = getenv("RINGBOOT_TOP");
	const struct rb_param_rule *r;
	char path[4096], name[80], *doc;
	size_t len;

	snprintf(path, sizeof(path), "%s/docs/state.md", top ? top : ".");
	assert_int_equal(rb_read_file(path, 1 << 20, &doc, &len), 0);
	for (unsigned int i = 0; (r = rb_param_rule_at(i)); i++) {
		snprintf(name, sizeof(name), "`%s`", r->name);
		if (!strstr(doc, name))
			fail_msg("%s is not in docs/state.md", r->name);
		assert_true(rb_param_rule(r->name) == r);
	}
	free(doc);
}

static void secret_names(void **state)
{
	static const char *const yes[] = {
		"PROCPSWD", "SCEPPASSWORD", "SIP_PASSWORD", "ADMIN_PASSWORD", "EXCHANGE_PASSWD",
		"DOT1X_PASSPHRASE", "CLIENT_SECRET", "SNMPSTRING", "LOCK_PIN_CODE", "procpswd",
	};
	static const char *const no[] = { "HTTPSRVR", "AUTH", "SNMPADD", "PASS", "TRUSTCERTS" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(rb_param_is_secret(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(rb_param_is_secret(no[i]));
}

/* Issue: params.env was 0644 and holds PROCPSWD, SCEPPASSWORD, ... */
static void secrets_readable_by_root_and_group_only(void **state)
{
	/* root may give any group; anyone else their own */
	gid_t group = geteuid() == 0 ? 4711 : getegid();
	char path[512], sub[300];
	struct stat st;

	set("PROCPSWD", "4711", RB_ORIGIN_FILE);
	snprintf(path, sizeof(path), "%s/params.env", dir);
	/* an older agent's world-readable file is replaced, not reused */
	assert_int_equal(rb_atomic_write(path, "old\n", 4, 0644), 0);
	assert_int_equal(rb_params_write_env(P, path, RB_ENV_NO_GROUP), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* with a group: root and that group, and the group reaches the file */
	snprintf(sub, sizeof(sub), "%s/state", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/params.env", sub);
	assert_int_equal(rb_params_write_env(P, path, group), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_gid, group);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0710);	/* search, not list; others: nothing */
	assert_int_equal(st.st_gid, group);
	/* both files of the state directory */
	assert_int_equal(rb_params_persist(P, dir, RB_ENV_NO_GROUP), 0);
	snprintf(path, sizeof(path), "%s/params", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(path, sizeof(path), "%s/params.env", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
}

/* Views stay valid while other names are added (the table grows under them). */
static void views_survive_growth(void **state)
{
	struct rb_param_view v;
	char name[32];

	set("FIRST", "1", RB_ORIGIN_FILE);
	assert_true(rb_params_lookup(P, "FIRST", &v));
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "N%d", i);
		set(name, "x", RB_ORIGIN_FILE);
	}
	assert_string_equal(v.name, "FIRST");
	assert_string_equal(v.value, "1");
	/* A name taken from the store itself may be set again, at another rank. */
	assert_int_equal(rb_params_set(P, v.name, strlen(v.name), "2", 1,
				       &(struct rb_origin){ .kind = RB_ORIGIN_CMDLINE }), 1);
	assert_string_equal(rb_params_get(P, "FIRST"), "2");
}

static void origin_names_round_trip(void **state)
{
	for (int k = RB_ORIGIN_DEFAULT; k < RB_ORIGIN__COUNT; k++)
		assert_int_equal(rb_origin_parse(rb_origin_name(k)), k);
	assert_int_equal(rb_origin_rank(RB_ORIGIN_OPT176), rb_origin_rank(RB_ORIGIN_OPT242));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(names_upper_cased_values_kept),
		T(invalid_names_refused),
		T(names_as_real_files_write_them),
		T(value_with_nul_refused),
		T(origin_file_and_line_kept),
		T(site_specific_option_wins_over_standard),
		T(settings_file_wins_over_dhcp),
		T(command_line_wins_over_all),
		T(lldp_above_files_and_dhcp_below_cmdline),
		T(config_above_default_below_dhcp),
		T(same_rank_later_wins),
		T(static_pins_configured_file_server),
		T(clear_kind_reveals_lower_layer),
		T(emptied_names_leave_no_hole),
		T(trust_from_downloaded_file_not_acted_on),
		T(owner_security_raise_only),
		T(network_may_raise_what_the_owner_set),
		T(static_bits_never_cleared_by_network),
		T(trust_anchors_of_the_owner_pinned),
		T(owner_floor_survives_save_and_export),
		T(identity_is_the_owners),
		T(retained_on_missing_settings_file),
		T(clear_kind_except_keeps_what_it_is_asked_to),
		T(secrets_readable_by_root_and_group_only),
		T(secret_names),
		T(rules_documented),
		T(too_many_names_refused),
		T(save_and_load_round_trip),
		T(load_refuses_malformed_and_keeps_store),
		T(names_with_dash_and_dot_saved_and_old_files_load),
		T(env_file_is_safe_to_source),
		T(env_names_mapped_collisions_refused),
		T(views_survive_growth),
		T(origin_names_round_trip),
	};

	return cmocka_run_group_tests_name("params", tests, NULL, NULL);
}
