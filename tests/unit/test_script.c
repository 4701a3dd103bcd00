// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The provisioning language, one test per rule of PROVISIONING.md and of
 * docs/script-language.md (ringboot rules where the guides are silent).
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
#include <sys/mman.h>
#include <unistd.h>

#include "script.h"

/* A tiny file server for GET: name -> contents; NULL contents = missing. */
struct fake {
	const char *names[16];
	const char *bodies[16];
	int n;
	int gets, ok, puts;
	char asked[16][64];
};

static int fake_get(void *arg, const char *name, struct rb_script_file *f)
{
	struct fake *fk = arg;

	snprintf(fk->asked[fk->gets % 16], sizeof(fk->asked[0]), "%s", name);
	fk->gets++;
	for (int i = 0; i < fk->n; i++) {
		if (!strcmp(fk->names[i], name)) {
			f->data = fk->bodies[i];
			f->len = strlen(fk->bodies[i]);
			f->cookie = fk;
			fk->ok++;
			return 0;
		}
	}
	return -ENOENT;
}

static void fake_put(void *arg, struct rb_script_file *f)
{
	struct fake *fk = arg;

	assert_ptr_equal(f->cookie, fk);
	fk->puts++;
}

static const struct rb_script_ops fake_ops = { .get = fake_get, .put = fake_put };

static struct fake fk;
static struct rb_script S;
static struct rb_params *vars;

static int setup(void **state)
{
	memset(&fk, 0, sizeof(fk));
	vars = rb_params_new();
	assert_non_null(vars);
	assert_int_equal(rb_script_init(&S), 0);
	S.ops = &fake_ops;
	S.arg = &fk;
	S.vars = vars;
	return 0;
}

static int teardown(void **state)
{
	rb_script_free(&S);
	rb_params_free(vars);
	assert_int_equal(fk.ok, fk.puts);	/* every fetched file released */
	return 0;
}

static void var(const char *name, const char *value)
{
	assert_true(rb_params_set_str(vars, name, value, RB_ORIGIN_CMDLINE) >= 0);
}

static void serve(const char *name, const char *body)
{
	fk.names[fk.n] = name;
	fk.bodies[fk.n++] = body;
}

static void run(const char *text)
{
	assert_int_equal(rb_script_run(&S, "top.txt", text, strlen(text)), 0);
}

static const char *get(const char *name)
{
	return rb_params_get(S.sets, name);
}

/* A warning at file:line whose message contains needle. */
static bool warned(const char *file, unsigned int line, const char *needle)
{
	for (size_t i = 0; i < S.nwarnings; i++)
		if (!strcmp(S.warnings[i].file, file) && S.warnings[i].line == line &&
		    strstr(S.warnings[i].message, needle))
			return true;
	return false;
}

static void set_assigns(void **state)
{
	run("SET HTTPSRVR 10.0.0.5\n");
	assert_string_equal(get("HTTPSRVR"), "10.0.0.5");
	assert_int_equal(S.nwarnings, 0);
}

static void set_records_file_and_line(void **state)
{
	struct rb_param_view v;

	run("## c\n\nSET X 1\n");
	assert_true(rb_params_lookup(S.sets, "X", &v));
	assert_string_equal(v.origin.file, "top.txt");
	assert_int_equal(v.origin.line, 3);
}

static void keyword_must_be_in_column_1(void **state)
{
	run(" SET A 1\n\tSET B 2\nSET C 3\n");
	assert_null(get("A"));
	assert_null(get("B"));
	assert_string_equal(get("C"), "3");
	assert_int_equal(S.nwarnings, 0);
}

static void keyword_needs_blank_or_tab(void **state)
{
	run("SET\tA 1\nSETB 2\nSET_X 3\nGOTO\nSET C 4\n");
	assert_string_equal(get("A"), "1");
	assert_null(get("B"));
	assert_null(get("SETB"));
	assert_null(get("_X"));
	assert_string_equal(get("C"), "4");
}

static void keywords_are_case_insensitive(void **state)
{
	var("MODEL4", "9620");
	run("set A 1\nif $MODEL4 seq 9620 goto there\nSET B 2\n# there\nSeT C 3\n");
	assert_string_equal(get("A"), "1");
	assert_null(get("B"));
	assert_string_equal(get("C"), "3");
}

static void names_are_case_insensitive(void **state)
{
	var("model4", "J129");
	run("SET httpsrvr a\nSET HttpSrvr b\nIF $Model4 SEQ J129 GOTO t\nSET NO 1\n# t\n");
	assert_string_equal(get("HTTPSRVR"), "b");
	assert_int_equal(rb_params_count(S.sets), 1);
}

static void tags_are_case_insensitive(void **state)
{
	run("GOTO end\nSET A 1\n# END\nSET B 2\n");
	assert_null(get("A"));
	assert_string_equal(get("B"), "2");
}

static void crlf_line_ends(void **state)
{
	run("SET A 1\r\nGOTO T\r\nSET B 2\r\n# T\r\nSET C x y\r\n");
	assert_string_equal(get("A"), "1");
	assert_null(get("B"));
	assert_string_equal(get("C"), "x y");
}

static void last_line_without_newline(void **state)
{
	run("SET A 1\nSET B 2");
	assert_string_equal(get("B"), "2");
}

static void runs_of_blanks_and_tabs(void **state)
{
	var("MODEL4", "9608");
	run("SET  \t NAME \t  v1\nIF \t$MODEL4   SEQ\t9608 \t GOTO\t\tT\nSET NO 1\n# T\n");
	assert_string_equal(get("NAME"), "v1");
	assert_null(get("NO"));
}

static void value_is_right_trimmed(void **state)
{
	run("SET A v  \t \nSET B \"q\"  \r\n");
	assert_string_equal(get("A"), "v");
	assert_string_equal(get("B"), "q");
}

static void tag_is_right_trimmed(void **state)
{
	run("GOTO BACKUPAPP96XX\nSET A 1\n# BACKUPAPP96XX  \t\r\nSET B 2\n");
	assert_null(get("A"));
	assert_string_equal(get("B"), "2");
}

static void quoted_value_keeps_blanks_and_commas(void **state)
{
	run("SET SIP_CONTROLLER_LIST \"10.2.248.2:5060;transport=udp, b c\"\n");
	assert_string_equal(get("SIP_CONTROLLER_LIST"), "10.2.248.2:5060;transport=udp, b c");
}

static void quoted_empty_value(void **state)
{
	run("SET PHNOL \"\"\n");
	assert_string_equal(get("PHNOL"), "");
}

static void text_after_closing_quote_ignored(void **state)
{
	run("SET A \"x\" trailing ## words\n");
	assert_string_equal(get("A"), "x");
	assert_int_equal(S.nwarnings, 0);
}

static void quoted_value_has_no_escapes(void **state)
{
	run("SET A \"a\\\"b\"\n");
	assert_string_equal(get("A"), "a\\");
}

static void unterminated_quote_is_ignored_with_warning(void **state)
{
	run("SET A old\nSET A \"never closed\n");
	assert_string_equal(get("A"), "old");
	assert_true(warned("top.txt", 2, "unterminated quote"));
}

static void unquoted_value_cut_at_blank_hashhash(void **state)
{
	run("SET SNTPSRVR 10.0.1.20   ## NTP server\nSET B x\t## tab\n");
	assert_string_equal(get("SNTPSRVR"), "10.0.1.20");
	assert_string_equal(get("B"), "x");
}

static void unquoted_hashhash_inside_token_kept(void **state)
{
	run("SET DIALPLAN xx##yy\nSET C a#b # c\n");
	assert_string_equal(get("DIALPLAN"), "xx##yy");
	assert_string_equal(get("C"), "a#b # c");
}

static void unquoted_value_is_rest_of_line(void **state)
{
	run("SET LANGUAGE_IN_USE Latin American Spanish\n");
	assert_string_equal(get("LANGUAGE_IN_USE"), "Latin American Spanish");
}

static void set_without_value_is_ignored(void **state)
{
	/* rguerra sample: the value wrapped onto the next line, which is a comment. */
	run("SET OBSCURE_PREFERENCES \n\"ESMENABLED,ESMSRVR\"\nSET X ##\n");
	assert_null(get("OBSCURE_PREFERENCES"));
	assert_null(get("X"));
	assert_true(warned("top.txt", 1, "without a value"));
	assert_int_equal(rb_params_count(S.sets), 0);
}

static void comments_of_every_kind(void **state)
{
	run("##SET A 1\n#x\n#\n\n   \nSET_X 1\nHTTPSRVR 1\n#  TAG\n\"SET B 2\"\n");
	assert_int_equal(rb_params_count(S.sets), 0);
	assert_int_equal(S.nwarnings, 0);
}

static void tag_needs_exactly_one_space(void **state)
{
	run("GOTO T\n#  T\n#T\nSET A 1\n# T\nSET B 2\n");
	assert_null(get("A"));
	assert_string_equal(get("B"), "2");
}

static void tag_with_blank_inside_is_a_comment(void **state)
{
	run("GOTO A\n# A B\nSET X 1\n# A\nSET Y 2\n");
	assert_null(get("X"));
	assert_string_equal(get("Y"), "2");
}

static void goto_searches_forward_only(void **state)
{
	run("# UP\nSET A 1\nGOTO UP\nSET B 2\n");
	assert_string_equal(get("A"), "1");
	assert_null(get("B"));
	assert_true(warned("top.txt", 3, "no such tag"));
}

static void goto_missing_tag_ends_the_file(void **state)
{
	serve("next.txt", "SET N 1\n");
	run("GOTO NOWHERE\nSET A 1\nGET next.txt\n");
	assert_null(get("A"));
	assert_null(get("N"));
	assert_int_equal(fk.gets, 0);
}

static void goto_first_tag_below_wins(void **state)
{
	run("GOTO T\n# T\nSET A 1\n# T\nSET B 2\n");
	assert_string_equal(get("A"), "1");
	assert_string_equal(get("B"), "2");
}

static void if_equal_jumps(void **state)
{
	var("MODEL4", "J129");
	run("IF $MODEL4 SEQ J129 GOTO J129_SW\nSET APPNAME other\n# J129_SW\nSET APPNAME j129\n");
	assert_string_equal(rb_script_appname(&S), "j129");
}

static void if_not_equal_falls_through(void **state)
{
	var("MODEL4", "9608");
	run("IF $MODEL4 SEQ J129 GOTO T\nSET A 1\n# T\n");
	assert_string_equal(get("A"), "1");
}

/* Issue: a downloaded file must not change the identity IF $MODEL4 sees. */
static void downloaded_set_of_identity_not_seen_by_if(void **state)
{
	var("MODEL4", "J169");
	S.identity_from_vars = true;
	serve("46xxsettings.txt", "SET MODEL4 J129\nSET MACADDR 112233445566\n"
	      "IF $MODEL4 SEQ J129 GOTO J129\nSET BRANCH J169\nGOTO END\n# J129\n"
	      "SET BRANCH J129\n# END\nIF $MACADDR SEQ 112233445566 GOTO T\nSET MAC own\n# T\n"
	      "IF $SIG SEQ 2 GOTO U\nSET SIG 2\nIF $SIG SEQ 2 GOTO U\nSET NOT 1\n# U\n");
	run("GET 46xxsettings.txt\n");
	assert_string_equal(get("BRANCH"), "J169");
	assert_string_equal(get("MAC"), "own");	/* MACADDR unknown to vars: IF ignored */
	assert_string_equal(get("MODEL4"), "J129");	/* the SET itself is kept */
	assert_null(get("NOT"));	/* other names: a SET is seen by the IFs after it */
}

/* The configuration is the owner's: its own SET MODEL4 is what its IF tests. */
static void configuration_set_of_identity_seen_by_if(void **state)
{
	run("SET MODEL4 J129\nIF $MODEL4 SEQ J129 GOTO J129\nSET BRANCH other\n# J129\n");
	assert_null(get("BRANCH"));
}

static void if_unknown_variable_ignores_line(void **state)
{
	run("IF $BOOTNAME SEQ hb.bin GOTO T\nSET A 1\n# T\n");
	assert_string_equal(get("A"), "1");
	assert_int_equal(S.nwarnings, 0);
}

static void if_sees_earlier_set(void **state)
{
	run("SET SIG 2\nIF $SIG SEQ 2 GOTO T\nSET A 1\n# T\n");
	assert_null(get("A"));
}

static void seq_ignores_case(void **state)
{
	var("MODEL4", "ACA");
	run("IF $MODEL4 SEQ aca GOTO T\nSET A 1\n# T\n");
	assert_null(get("A"));
}

static void seq_exact_option(void **state)
{
	S.seq_exact = true;
	var("MODEL4", "ACA");
	run("IF $MODEL4 SEQ aca GOTO T\nSET A 1\n# T\nIF $MODEL4 SEQ ACA GOTO U\nSET B 1\n# U\n");
	assert_string_equal(get("A"), "1");
	assert_null(get("B"));
}

static void if_other_operator_is_invalid(void **state)
{
	var("MODEL4", "9608");
	run("IF $MODEL4 SNE 1 GOTO T\nSET A 1\n# T\n");
	assert_string_equal(get("A"), "1");
	assert_true(warned("top.txt", 1, "unknown operator"));
}

static void if_malformed_is_invalid(void **state)
{
	var("MODEL4", "9608");
	run("IF MODEL4 SEQ 9608 GOTO T\nIF $MODEL4 SEQ 9608\nIF $MODEL4 SEQ 9608 JUMP T\nSET A 1\n# T\n");
	assert_string_equal(get("A"), "1");
	assert_true(warned("top.txt", 1, "$NAME"));
	assert_true(warned("top.txt", 2, "expected"));
	assert_true(warned("top.txt", 3, "GOTO"));
}

static void group_defaults_to_zero(void **state)
{
	run("IF $GROUP SEQ 0 GOTO T\nSET A 1\n# T\n");
	assert_null(get("A"));
}

static void appname_variable_is_the_running_image(void **state)
{
	/* SET APPNAME names the target; IF $APPNAME still tests the running image. */
	var("APPNAME", "running.bin");
	run("SET APPNAME target.bin\nIF $APPNAME SEQ target.bin GOTO T\nSET A 1\n"
	    "IF $APPNAME SEQ running.bin GOTO U\nSET B 1\n# U\n# T\n");
	assert_string_equal(get("A"), "1");
	assert_null(get("B"));
	assert_string_equal(rb_script_appname(&S), "target.bin");
}

static void appname_from_vars_is_not_a_set(void **state)
{
	var("APPNAME", "running.bin");
	run("SET X 1\n");
	assert_null(rb_script_appname(&S));
	assert_null(get("APPNAME"));
}

static void get_fetches_and_never_returns(void **state)
{
	serve("46xxsettings.txt", "SET IN_SETTINGS 1\n");
	run("SET A 1\nGET 46xxsettings.txt\nSET AFTER 1\n");
	assert_string_equal(get("IN_SETTINGS"), "1");
	assert_null(get("AFTER"));
	assert_int_equal(S.nfiles, 2);
	assert_string_equal(S.files[0], "top.txt");
	assert_string_equal(S.files[1], "46xxsettings.txt");
	assert_int_equal(fk.puts, 1);
}

static void get_failure_continues(void **state)
{
	serve("46xxsettings.txt", "SET FROM_TXT 1\n");
	/* 4600 scripts: 46xxsettings.scr first, .txt only when it is missing. */
	run("GET 46xxsettings.scr\nGET 46xxsettings.txt\n");
	assert_string_equal(get("FROM_TXT"), "1");
	assert_true(warned("top.txt", 1, "46xxsettings.scr"));
	assert_int_equal(S.nfiles, 2);
}

static void get_uses_first_token(void **state)
{
	serve("a.txt", "SET A 1\n");
	run("GET a.txt trailing words\n");
	assert_string_equal(fk.asked[0], "a.txt");
	assert_string_equal(get("A"), "1");
}

static void get_line_numbers_restart_per_file(void **state)
{
	serve("b.txt", "\n\nSET B\n");
	run("GET b.txt\n");
	assert_true(warned("b.txt", 3, "without a value"));
}

static void get_disabled_without_callback(void **state)
{
	static const struct rb_script_ops none = { 0 };

	S.ops = &none;
	run("GET a.txt\nSET A 1\n");
	assert_string_equal(get("A"), "1");
	assert_true(warned("top.txt", 1, "not allowed"));
}

static void substitution_in_get_and_set(void **state)
{
	var("MACADDR", "c81fea9b67c0");
	var("SERIALNO", "ab12cd");
	serve("c81fea9b67c0.txt", "SET M $MACADDR_UPPER-$macaddr\nSET S $SERIALNO/$SERIALNO_UPPER\n");
	run("GET $MACADDR.txt\n");
	assert_string_equal(fk.asked[0], "c81fea9b67c0.txt");
	assert_string_equal(get("M"), "C81FEA9B67C0-c81fea9b67c0");
	assert_string_equal(get("S"), "ab12cd/AB12CD");
}

/* HTTPDIR, TLSDIR, TFTPDIR keep the text: the boot expands it, MAC in capitals (boot.md). */
static void directory_parameters_keep_their_variables(void **state)
{
	var("MACADDR", "c81fea9b67c0");
	run("SET HTTPDIR $MACADDR\nSET tlsdir /p/$MODEL4dir\nSET TFTPDIR $SERIALNO\n"
	    "SET FILE $MACADDR.jpg\n");
	assert_string_equal(get("HTTPDIR"), "$MACADDR");
	assert_string_equal(get("TLSDIR"), "/p/$MODEL4dir");
	assert_string_equal(get("TFTPDIR"), "$SERIALNO");
	assert_string_equal(get("FILE"), "c81fea9b67c0.jpg");
	assert_int_equal(S.nwarnings, 0);	/* no "$SERIALNO is unknown" either */
}

static void substitution_of_unknown_identity_left_as_is(void **state)
{
	run("SET M x$MACADDR.y\nSET P $PATH\n");
	assert_string_equal(get("M"), "x$MACADDR.y");
	assert_string_equal(get("P"), "$PATH");
	assert_true(warned("top.txt", 1, "MACADDR"));
}

static void chain_holds_at_most_8_files(void **state)
{
	static char bodies[9][32], names[9][16];

	for (int i = 1; i <= 8; i++) {
		snprintf(names[i], sizeof(names[i]), "f%d", i);
		snprintf(bodies[i], sizeof(bodies[i]), "SET F%d 1\nGET f%d\n", i, i + 1);
		serve(names[i], bodies[i]);
	}
	run("GET f1\n");
	assert_int_equal(S.nfiles, 8);	/* top.txt + f1..f7 */
	assert_string_equal(get("F7"), "1");
	assert_null(get("F8"));
	assert_true(warned("f7", 2, "chain"));
}

static void chain_never_fetches_a_file_twice(void **state)
{
	serve("a.txt", "SET A 1\nGET TOP.TXT\nGET a.txt\nSET A2 1\n");
	run("GET a.txt\n");
	assert_int_equal(fk.gets, 1);
	assert_string_equal(get("A2"), "1");
	assert_true(warned("a.txt", 2, "already"));
	assert_true(warned("a.txt", 3, "already"));
}

static void invalid_name_is_a_warning(void **state)
{
	run("SET BAD$NAME 1\nSET OK 1\nSET -X 1\nSET A=B 1\n");
	assert_null(get("BAD$NAME"));
	assert_string_equal(get("OK"), "1");
	assert_true(warned("top.txt", 1, "invalid name"));
	assert_true(warned("top.txt", 3, "invalid name"));
	assert_true(warned("top.txt", 4, "invalid name"));
}

/* Issue: SET SIP-Transport UDP of a published 16xx/46xx settings file was lost. */
static void names_with_dash_and_dot_kept(void **state)
{
	run("SET SIP-Transport UDP\nSET voIpProt.SIP.outboundProxy 192.0.2.5\n"
	    "IF $sip-transport SEQ udp GOTO T\nSET MISSED 1\n# T\n");
	assert_string_equal(get("SIP-TRANSPORT"), "UDP");
	assert_string_equal(get("VOIPPROT.SIP.OUTBOUNDPROXY"), "192.0.2.5");
	assert_null(get("MISSED"));
	assert_int_equal(S.nwarnings, 0);
}

static void nul_byte_in_value_is_a_warning(void **state)
{
	static const char text[] = "SET A x\0y\nSET B 1\n";

	assert_int_equal(rb_script_run(&S, "top.txt", text, sizeof(text) - 1), 0);
	assert_null(get("A"));
	assert_string_equal(get("B"), "1");
	assert_true(warned("top.txt", 1, "NUL"));
}

static void long_lines_accepted(void **state)
{
	size_t n = 20000;
	char *text = malloc(n + 32);

	memcpy(text, "SET LONG ", 9);
	memset(text + 9, 'v', n);
	memcpy(text + 9 + n, "\nSET B 1\n", 10);
	run(text);
	assert_int_equal(strlen(get("LONG")), n);
	assert_string_equal(get("B"), "1");
	free(text);
}

static void non_utf8_comment_bytes(void **state)
{
	run("## caf\xe9 \x92\x96\xff\nSET A \xe9t\xe9\n");
	assert_string_equal(get("A"), "\xe9t\xe9");
}

static void warnings_are_capped(void **state)
{
	size_t n = RB_SCRIPT_MAX_WARNINGS + 50;
	char *text = malloc(n * 6 + 1), *p = text;

	for (size_t i = 0; i < n; i++, p += 6)
		memcpy(p, "GOTO \n", 6);
	*p = '\0';
	run(text);
	assert_int_equal(S.nwarnings, RB_SCRIPT_MAX_WARNINGS);
	assert_int_equal(S.warnings_dropped, 50);
	free(text);
}

static void empty_file(void **state)
{
	assert_int_equal(rb_script_run(&S, "top.txt", "", 0), 0);
	assert_int_equal(S.nfiles, 1);
	assert_int_equal(rb_params_count(S.sets), 0);
}

static void unknown_names_are_kept(void **state)
{
	run("SET SOME_FUTURE_PARAMETER whatever\nSET 3PCC_SERVER_MODE 1\n");
	assert_string_equal(get("SOME_FUTURE_PARAMETER"), "whatever");
	assert_string_equal(get("3PCC_SERVER_MODE"), "1");
}

/* Input placed right before an unmapped page: nothing past the end is read. */
static void reads_nothing_past_the_end(void **state)
{
	static const char *const tails[] = {
		"SET A 1", "SET A \"x", "# T", "#", "GOTO", "GOTO T", "IF $MODEL4 SEQ", "SET A x ##",
		"GET $MACADDR", "SET A $MACADDR_UPP", "SET A $", "S", "",
	};
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(m != MAP_FAILED);
	assert_int_equal(mprotect(m + pg, (size_t)pg, PROT_NONE), 0);
	var("MODEL4", "J129");
	var("MACADDR", "c81fea9b67c0");
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		size_t n = strlen(tails[i]);

		memcpy(m + pg - n, tails[i], n);
		assert_int_equal(rb_script_run(&S, "t", m + pg - n, n), 0);
		rb_script_free(&S);
		assert_int_equal(rb_script_init(&S), 0);
		S.ops = &fake_ops;
		S.arg = &fk;
		S.vars = vars;
	}
	munmap(m, (size_t)pg * 2);
}

/*
 * One pass: however a file jumps, each line is read once (GOTO scans forward
 * and resumes at the tag). Checked by counting lines, not by timing.
 */
static void each_line_read_once(void **state)
{
	size_t groups = 20000, cap = groups * 80, n = 0;
	char *text = malloc(cap);

	var("MODEL4", "J129");
	for (size_t i = 0; i < groups; i++)
		n += (size_t)snprintf(text + n, cap - n,
				      "IF $MODEL4 SEQ J129 GOTO L%zu\nSET SKIPPED 1\n# L%zu\nSET V %zu\n",
				      i, i, i);
	assert_true(n > 1000000);	/* a settings file of about 1 MiB */
	run(text);
	assert_int_equal(S.lines, groups * 4);
	assert_null(get("SKIPPED"));
	assert_string_equal(get("V"), "19999");
	free(text);
}

static void missing_tag_reads_rest_once(void **state)
{
	run("GOTO NOWHERE\nSET A 1\n# ELSEWHERE\nSET B 1\n");
	assert_int_equal(S.lines, 4);
	assert_int_equal(rb_params_count(S.sets), 0);
}

static void apply_copies_with_origin(void **state)
{
	struct rb_params *p = rb_params_new();
	struct rb_param_view v;

	run("\nSET HTTPSRVR h\n");
	assert_int_equal(rb_script_apply(&S, p, RB_ORIGIN_FILE), 0);
	assert_true(rb_params_lookup(p, "HTTPSRVR", &v));
	assert_int_equal(v.origin.kind, RB_ORIGIN_FILE);
	assert_string_equal(v.origin.file, "top.txt");
	assert_int_equal(v.origin.line, 2);
	rb_params_free(p);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(set_assigns),
		T(set_records_file_and_line),
		T(keyword_must_be_in_column_1),
		T(keyword_needs_blank_or_tab),
		T(keywords_are_case_insensitive),
		T(names_are_case_insensitive),
		T(tags_are_case_insensitive),
		T(crlf_line_ends),
		T(last_line_without_newline),
		T(runs_of_blanks_and_tabs),
		T(value_is_right_trimmed),
		T(tag_is_right_trimmed),
		T(quoted_value_keeps_blanks_and_commas),
		T(quoted_empty_value),
		T(text_after_closing_quote_ignored),
		T(quoted_value_has_no_escapes),
		T(unterminated_quote_is_ignored_with_warning),
		T(unquoted_value_cut_at_blank_hashhash),
		T(unquoted_hashhash_inside_token_kept),
		T(unquoted_value_is_rest_of_line),
		T(set_without_value_is_ignored),
		T(comments_of_every_kind),
		T(tag_needs_exactly_one_space),
		T(tag_with_blank_inside_is_a_comment),
		T(goto_searches_forward_only),
		T(goto_missing_tag_ends_the_file),
		T(goto_first_tag_below_wins),
		T(if_equal_jumps),
		T(if_not_equal_falls_through),
		T(if_unknown_variable_ignores_line),
		T(downloaded_set_of_identity_not_seen_by_if),
		T(configuration_set_of_identity_seen_by_if),
		T(if_sees_earlier_set),
		T(seq_ignores_case),
		T(seq_exact_option),
		T(if_other_operator_is_invalid),
		T(if_malformed_is_invalid),
		T(group_defaults_to_zero),
		T(appname_variable_is_the_running_image),
		T(appname_from_vars_is_not_a_set),
		T(get_fetches_and_never_returns),
		T(get_failure_continues),
		T(get_uses_first_token),
		T(get_line_numbers_restart_per_file),
		T(get_disabled_without_callback),
		T(substitution_in_get_and_set),
		T(directory_parameters_keep_their_variables),
		T(substitution_of_unknown_identity_left_as_is),
		T(chain_holds_at_most_8_files),
		T(chain_never_fetches_a_file_twice),
		T(invalid_name_is_a_warning),
		T(names_with_dash_and_dot_kept),
		T(nul_byte_in_value_is_a_warning),
		T(long_lines_accepted),
		T(non_utf8_comment_bytes),
		T(warnings_are_capped),
		T(empty_file),
		T(unknown_names_are_kept),
		T(reads_nothing_past_the_end),
		T(each_line_read_once),
		T(missing_tag_reads_rest_once),
		T(apply_copies_with_origin),
	};

	return cmocka_run_group_tests_name("script", tests, NULL, NULL);
}
