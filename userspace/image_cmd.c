// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `ringboot image keygen|pack|verify|show|install` (docs/cli.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "atomicfile.h"
#include "image.h"
#include "image_sink.h"
#include "json.h"
#include "log.h"
#include "ringboot.h"
#include "slots.h"
#include "verbs_decl.h"

#define IO_CHUNK (1u << 20)

static const char image_usage[] =
	"Usage: ringboot image SUBCOMMAND ...\n"
	"  keygen --out KEY [--force]        new Ed25519 key pair: KEY (0600) and KEY.pub\n"
	"  pack --key KEY --name APPNAME --version V --models M1,M2 [--hw H1,H2]\n"
	"       PAYLOAD -o OUT               sign PAYLOAD into image OUT\n"
	"  verify --keys DIR [--model M]... [--hw H] FILE\n"
	"                                    exit 0 only when FILE is valid and trusted\n"
	"  show [--keys DIR] FILE            print the header (--json)\n"
	"  install [--keys DIR] [--model M]... [--hw H] [--name APPNAME] [--read-back]\n"
	"          [--insecure-unsigned] [--allow-downgrade] [--chunk BYTES] [slot options] FILE\n"
	"                                    stream FILE into the inactive slot and commit it;\n"
	"                                    --allow-downgrade: also when older than the floor\n"
	"Slot options: --slot-a DEV --slot-b DEV --hook PROG --max-tries N (docs/commit.md)\n";

static int usage_err(void)
{
	fputs(image_usage, stderr);
	return RB_EXIT_USAGE;
}

static int read_full(int fd, void *buf, size_t len, size_t *got)
{
	size_t have = 0;

	while (have < len) {
		ssize_t n = read(fd, (char *)buf + have, len - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		have += (size_t)n;
	}
	*got = have;
	return 0;
}

static int keygen(struct rb_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		RB_COMMON_LONGOPTS,
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t seed[RB_KEY_PRIV_LEN], pub[RB_KEY_PUB_LEN], id[RB_IMG_KEYID_LEN];
	char pem[256], pubpath[4096], idhex[2 * RB_IMG_KEYID_LEN + 1];
	const char *out = NULL;
	bool force = false;
	int c, n, err;

	while ((c = getopt_long(argc, argv, "o:f", opts, NULL)) != -1) {
		if (rb_common_opt(ctx, c, optarg))
			continue;
		if (c == 'o')
			out = optarg;
		else if (c == 'f')
			force = true;
		else
			return usage_err();
	}
	if (!out || optind != argc)
		return usage_err();
	if ((size_t)snprintf(pubpath, sizeof(pubpath), "%s.pub", out) >= sizeof(pubpath))
		return usage_err();
	if (!force && (!access(out, F_OK) || !access(pubpath, F_OK))) {
		rb_err("image keygen: '%s' or '%s' exists (use --force to replace)", out, pubpath);
		return RB_EXIT_FAIL;
	}
	if (rb_key_generate(seed, pub) || rb_key_id(pub, id)) {
		rb_err("image keygen: key generation failed");
		return RB_EXIT_FAIL;
	}
	n = rb_key_format_priv_pem(seed, pem, sizeof(pem));
	err = n < 0 ? n : rb_atomic_write(out, pem, (size_t)n, 0600);
	memset(seed, 0, sizeof(seed));
	memset(pem, 0, sizeof(pem));
	if (!err) {
		n = rb_key_format_pub_pem(pub, pem, sizeof(pem));
		err = n < 0 ? n : rb_atomic_write(pubpath, pem, (size_t)n, 0644);
	}
	if (err) {
		rb_err("image keygen: cannot write '%s': %s", out, strerror(-err));
		return RB_EXIT_FAIL;
	}
	rb_hex(id, sizeof(id), idhex);
	if (ctx->json) {
		struct rb_json j;

		rb_json_init(&j, stdout, false);
		rb_json_obj_begin(&j);
		rb_json_key(&j, "private_key");
		rb_json_str(&j, out);
		rb_json_key(&j, "public_key");
		rb_json_str(&j, pubpath);
		rb_json_key(&j, "key_id");
		rb_json_str(&j, idhex);
		rb_json_obj_end(&j);
		rb_json_end(&j);
	} else {
		printf("private key %s\npublic key  %s\nkey id      %s\n", out, pubpath, idhex);
	}
	return RB_EXIT_OK;
}

static int load_seed(const char *path, uint8_t seed[RB_KEY_PRIV_LEN])
{
	char *pem;
	size_t len;
	int err = rb_read_file(path, 4096, &pem, &len);

	if (err) {
		rb_err("cannot read key '%s': %s", path, strerror(-err));
		return err;
	}
	err = rb_key_parse_priv_pem(pem, len, seed);
	memset(pem, 0, len);
	free(pem);
	if (err)
		rb_err("'%s' is not an Ed25519 private key in PEM (PKCS#8) form", path);
	return err;
}

static int pack(struct rb_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		RB_COMMON_LONGOPTS,
		{ "key", required_argument, NULL, 'k' },
		{ "name", required_argument, NULL, 'n' },
		{ "version", required_argument, NULL, 'V' },
		{ "models", required_argument, NULL, 'm' },
		{ "hw", required_argument, NULL, 'w' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = NULL, *name = NULL, *version = NULL, *models = NULL, *hw = "";
	const char *out = NULL;
	uint8_t seed[RB_KEY_PRIV_LEN], pub[RB_KEY_PUB_LEN], raw[RB_IMG_HDR_LEN];
	struct rb_img_hdr h = { 0 };
	struct rb_atomic a = { .fd = -1 };
	wc_Sha256 sha;
	uint8_t *buf = NULL;
	int c, fd = -1, ret = RB_EXIT_FAIL, err;

	while ((c = getopt_long(argc, argv, "k:n:V:m:w:o:", opts, NULL)) != -1) {
		if (rb_common_opt(ctx, c, optarg))
			continue;
		switch (c) {
		case 'k': key = optarg; break;
		case 'n': name = optarg; break;
		case 'V': version = optarg; break;
		case 'm': models = optarg; break;
		case 'w': hw = optarg; break;
		case 'o': out = optarg; break;
		default: return usage_err();
		}
	}
	if (!key || !name || !version || !models || !out || optind + 1 != argc)
		return usage_err();
	if (strlen(name) >= RB_IMG_NAME_LEN || !*name || !rb_img_field_ok(name, false) ||
	    strlen(version) >= RB_IMG_VERSION_LEN || !*version || !rb_img_field_ok(version, false) ||
	    strlen(models) >= RB_IMG_MODELS_LEN || !*models || !rb_img_field_ok(models, true) ||
	    strlen(hw) >= RB_IMG_HW_LEN || !rb_img_field_ok(hw, true)) {
		rb_err("image pack: name, version, models or hw too long or not printable ASCII "
		       "without blanks (limits %d, %d, %d, %d bytes)", RB_IMG_NAME_LEN - 1,
		       RB_IMG_VERSION_LEN - 1, RB_IMG_MODELS_LEN - 1, RB_IMG_HW_LEN - 1);
		return RB_EXIT_USAGE;
	}
	if (load_seed(key, seed) || rb_key_public_of(seed, pub) || rb_key_id(pub, h.keyid))
		goto out;
	fd = open(argv[optind], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rb_err("image pack: cannot open '%s': %s", argv[optind], strerror(errno));
		goto out;
	}
	buf = malloc(IO_CHUNK);
	err = buf ? rb_atomic_open(&a, out, 0644) : -ENOMEM;
	if (err) {
		rb_err("image pack: cannot create '%s': %s", out, strerror(-err));
		goto out;
	}
	/* One pass: reserve the header, copy and hash the payload, then fill the header in. */
	memset(raw, 0, sizeof(raw));
	err = rb_write_all(a.fd, raw, sizeof(raw));
	wc_InitSha256(&sha);
	while (!err) {
		size_t got;

		err = read_full(fd, buf, IO_CHUNK, &got);
		if (err || !got)
			break;
		wc_Sha256Update(&sha, buf, (word32)got);
		h.payload_len += got;
		err = rb_write_all(a.fd, buf, got);
	}
	wc_Sha256Final(&sha, h.digest);
	wc_Sha256Free(&sha);
	if (!err && !h.payload_len) {
		rb_err("image pack: '%s' is empty", argv[optind]);
		goto out;
	}
	memcpy(h.name, name, strlen(name) + 1);
	memcpy(h.version, version, strlen(version) + 1);
	memcpy(h.models, models, strlen(models) + 1);
	memcpy(h.hw, hw, strlen(hw) + 1);
	if (!err)
		err = rb_img_build(&h, raw);
	if (!err)
		err = rb_img_sign(raw, seed);
	if (!err && pwrite(a.fd, raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		err = -EIO;
	if (!err)
		err = rb_atomic_commit(&a);
	else
		rb_atomic_abort(&a);
	a.fd = -1;
	if (err) {
		rb_err("image pack: cannot write '%s': %s", out, strerror(-err));
		goto out;
	}
	ret = RB_EXIT_OK;
	if (!ctx->json)
		printf("%s: %s %s, %llu payload bytes\n", out, name, version,
		       (unsigned long long)h.payload_len);
out:
	if (a.fd >= 0)
		rb_atomic_abort(&a);
	memset(seed, 0, sizeof(seed));
	free(buf);
	if (fd >= 0)
		close(fd);
	return ret;
}

static void json_header(struct rb_json *j, const struct rb_img_hdr *h)
{
	char hex[2 * RB_IMG_DIGEST_LEN + 1];

	rb_json_key(j, "format");
	rb_json_uint(j, h->format);
	rb_json_key(j, "name");
	rb_json_str(j, h->name);
	rb_json_key(j, "version");
	rb_json_str(j, h->version);
	rb_json_key(j, "models");
	rb_json_str(j, h->models);
	rb_json_key(j, "hw");
	rb_json_str(j, h->hw);
	rb_json_key(j, "payload_offset");
	rb_json_uint(j, h->payload_off);
	rb_json_key(j, "payload_length");
	rb_json_uint(j, h->payload_len);
	rb_hex(h->digest, sizeof(h->digest), hex);
	rb_json_key(j, "sha256");
	rb_json_str(j, hex);
	rb_hex(h->keyid, sizeof(h->keyid), hex);
	rb_json_key(j, "key_id");
	rb_json_str(j, hex);
}

static void text_header(const struct rb_img_hdr *h)
{
	char hex[2 * RB_IMG_DIGEST_LEN + 1];

	printf("name     %s\nversion  %s\nmodels   %s\nhw       %s\n", h->name, h->version,
	       h->models, h->hw[0] ? h->hw : "(any)");
	printf("payload  %llu bytes at offset %llu\n", (unsigned long long)h->payload_len,
	       (unsigned long long)h->payload_off);
	rb_hex(h->digest, sizeof(h->digest), hex);
	printf("sha256   %s\n", hex);
	rb_hex(h->keyid, sizeof(h->keyid), hex);
	printf("key id   %s\n", hex);
}

/* Check FILE completely: header, key, signature, fit, payload length and digest. */
static int verify_file(const char *path, const struct rb_keyring *kr, const struct rb_slot_opts *o,
		       struct rb_img_hdr *h, char *why, size_t whylen)
{
	uint8_t raw[RB_IMG_HDR_LEN], digest[RB_IMG_DIGEST_LEN], *buf;
	uint64_t have = 0;
	wc_Sha256 sha;
	size_t got;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "cannot open: %s", strerror(errno));
		return -errno;
	}
	buf = malloc(IO_CHUNK);
	err = buf ? read_full(fd, raw, sizeof(raw), &got) : -ENOMEM;
	if (!err && kr)
		err = rb_img_check(raw, got, kr, h, why, whylen);
	else if (!err)
		err = rb_img_parse(raw, got, h, why, whylen);
	if (!err && o->nmodels && !rb_img_list_fits(h->models, o->models, o->nmodels)) {
		snprintf(why, whylen, "image is for models %s, not %s", h->models, o->models[0]);
		err = -EMEDIUMTYPE;
	}
	if (!err && o->hw && !rb_img_list_fits(h->hw, &o->hw, 1)) {
		snprintf(why, whylen, "image is for hardware %s, not %s", h->hw, o->hw);
		err = -EMEDIUMTYPE;
	}
	if (err) {
		free(buf);
		close(fd);
		return err;
	}
	wc_InitSha256(&sha);
	while (!(err = read_full(fd, buf, IO_CHUNK, &got)) && got) {
		uint64_t use = got;

		if (have + got > h->payload_len)
			use = have < h->payload_len ? h->payload_len - have : 0;
		wc_Sha256Update(&sha, buf, (word32)use);
		have += got;
	}
	wc_Sha256Final(&sha, digest);
	wc_Sha256Free(&sha);
	free(buf);
	close(fd);
	if (err)
		snprintf(why, whylen, "read error: %s", strerror(-err));
	else if (have < h->payload_len)
		snprintf(why, whylen, "truncated payload: %llu of %llu bytes",
			 (unsigned long long)have, (unsigned long long)h->payload_len), err = -ENODATA;
	else if (have > h->payload_len)
		snprintf(why, whylen, "%llu bytes of trailing data after the payload",
			 (unsigned long long)(have - h->payload_len)), err = -EMSGSIZE;
	else if (memcmp(digest, h->digest, sizeof(digest)))
		snprintf(why, whylen, "payload digest mismatch"), err = -EBADMSG;
	return err;
}

static int parse_file_cmd(struct rb_ctx *ctx, int argc, char **argv, struct rb_slot_opts *o,
			  bool *keys_given, long *chunk)
{
	static const struct option opts[] = {
		RB_COMMON_LONGOPTS, RB_SLOT_LONGOPTS,
		{ "chunk", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	/* The caller frees o in every case. */
	rb_slot_opts_init(o, ctx);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (rb_common_opt(ctx, c, optarg))
			continue;
		r = rb_slot_opt(o, c, optarg);
		if (r < 0)
			return RB_EXIT_USAGE;
		if (r)
			continue;
		if (c == 'c' && chunk) {
			char *end;

			*chunk = strtol(optarg, &end, 10);
			if (*end || *chunk < 1 || *chunk > (1 << 24)) {
				rb_err("--chunk '%s': expected 1..16777216", optarg);
				return RB_EXIT_USAGE;
			}
			continue;
		}
		return usage_err();
	}
	if (optind + 1 != argc)
		return usage_err();
	*keys_given = o->keys_given;
	return rb_slot_opts_finish(o, ctx) ? RB_EXIT_FAIL : -1;
}

static int verify_or_show_file(struct rb_ctx *ctx, char **argv, bool show,
			       struct rb_slot_opts *op, bool keys_given);

static int verify_or_show(struct rb_ctx *ctx, int argc, char **argv, bool show)
{
	struct rb_slot_opts o;
	bool keys_given = false;
	int ret;

	ret = parse_file_cmd(ctx, argc, argv, &o, &keys_given, NULL);
	if (ret < 0)
		ret = verify_or_show_file(ctx, argv, show, &o, keys_given);
	rb_slot_opts_free(&o);
	return ret;
}

static int verify_or_show_file(struct rb_ctx *ctx, char **argv, bool show,
			       struct rb_slot_opts *op, bool keys_given)
{
	const struct rb_slot_opts o = *op;
	struct rb_keyring *kr = NULL;
	struct rb_img_hdr h = { 0 };
	char why[512] = "";
	int err;
	if (!show || keys_given) {
		kr = calloc(1, sizeof(*kr));
		if (!kr)
			return RB_EXIT_FAIL;
		err = rb_keyring_load_dir(kr, o.keys_dir, why, sizeof(why));
		if (err) {
			rb_err("image %s: %s", argv[0], why);
			free(kr);
			return RB_EXIT_FAIL;
		}
	}
	err = verify_file(argv[optind], kr, &o, &h, why, sizeof(why));
	free(kr);
	if (ctx->json) {
		struct rb_json j;

		rb_json_init(&j, stdout, false);
		rb_json_obj_begin(&j);
		rb_json_key(&j, "file");
		rb_json_str(&j, argv[optind]);
		rb_json_key(&j, "valid");
		rb_json_bool(&j, !err);
		rb_json_key(&j, "signature_checked");
		rb_json_bool(&j, !show || keys_given);
		if (err) {
			rb_json_key(&j, "error");
			rb_json_str(&j, why);
		}
		if (h.format) {
			rb_json_key(&j, "header");
			rb_json_obj_begin(&j);
			json_header(&j, &h);
			rb_json_obj_end(&j);
		}
		rb_json_obj_end(&j);
		rb_json_end(&j);
	} else {
		if (show && h.format)
			text_header(&h);
		if (err)
			rb_err("%s: %s", argv[optind], why);
		else if (!show)
			printf("%s: valid (%s %s, key %02x%02x%02x%02x%02x%02x%02x%02x)\n",
			       argv[optind], h.name, h.version, h.keyid[0], h.keyid[1], h.keyid[2],
			       h.keyid[3], h.keyid[4], h.keyid[5], h.keyid[6], h.keyid[7]);
		else if (!keys_given)
			printf("signature not checked (give --keys DIR)\n");
		else
			printf("signature valid, payload intact\n");
	}
	return err ? RB_EXIT_FAIL : RB_EXIT_OK;
}

/* Stream FILE through the image sink, as a transport would. */
static int stream_file(struct rb_image_sink *is, int fd, long chunk)
{
	struct stat st;
	uint8_t *buf = malloc((size_t)chunk);
	int err;

	if (!buf)
		return -ENOMEM;
	err = fstat(fd, &st) < 0 ? -errno : 0;
	if (!err)
		err = rb_sink_open(&is->sink, S_ISREG(st.st_mode) ? (uint64_t)st.st_size
								  : RB_SINK_SIZE_UNKNOWN);
	while (!err) {
		size_t got;

		err = read_full(fd, buf, (size_t)chunk, &got);
		if (err || !got)
			break;
		err = rb_sink_write(&is->sink, buf, got);
	}
	if (!err)
		err = rb_sink_commit(&is->sink);
	if (err)
		rb_sink_abort(&is->sink);
	free(buf);
	return err;
}

static int install_file(struct rb_ctx *ctx, char **argv, struct rb_slot_opts *op, long chunk);

static int install(struct rb_ctx *ctx, int argc, char **argv)
{
	struct rb_slot_opts o;
	bool keys_given = false;
	long chunk = 64 * 1024;
	int ret;

	ret = parse_file_cmd(ctx, argc, argv, &o, &keys_given, &chunk);
	if (ret < 0)
		ret = install_file(ctx, argv, &o, chunk);
	rb_slot_opts_free(&o);
	return ret;
}

static int install_file(struct rb_ctx *ctx, char **argv, struct rb_slot_opts *op, long chunk)
{
	const struct rb_slot_opts o = *op;
	struct rb_image_policy pol = { 0 };
	struct rb_keyring *kr = NULL;
	struct rb_image_sink is;
	struct rb_slots s;
	char why[512];
	int ret, err, fd;
	if (!o.insecure) {
		kr = calloc(1, sizeof(*kr));
		if (!kr || rb_keyring_load_dir(kr, o.keys_dir, why, sizeof(why))) {
			rb_err("image install: %s", kr ? why : "out of memory");
			free(kr);
			return RB_EXIT_FAIL;
		}
	} else if (!o.name) {
		rb_err("image install: --insecure-unsigned needs --name APPNAME");
		return RB_EXIT_USAGE;
	}
	pol.keys = kr;
	pol.models = o.models;
	pol.nmodels = o.nmodels;
	pol.hw = o.hw;
	pol.expect_name = o.insecure ? NULL : o.name;
	pol.raw_name = o.name;
	pol.insecure_unsigned = o.insecure;
	pol.readback = o.readback;
	pol.allow_downgrade = o.allow_downgrade;
	fd = open(argv[optind], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rb_err("image install: cannot open '%s': %s", argv[optind], strerror(errno));
		free(kr);
		return RB_EXIT_FAIL;
	}
	/* The update lock, the record (read once), an owed hook event first. */
	if (rb_slots_init(&s, &o.cfg) || rb_slots_lock(&s, false) || rb_slots_load(&s) ||
	    rb_slots_settle(&s, NULL)) {
		rb_err("image install: %s", s.why);
		rb_slots_unlock(&s);
		close(fd);
		free(kr);
		return RB_EXIT_FAIL;
	}
	err = rb_image_sink_init(&is, &s, &pol);
	if (!err)
		err = stream_file(&is, fd, chunk);
	close(fd);
	rb_slots_unlock(&s);
	ret = RB_EXIT_OK;
	if (err && err != -EALREADY) {
		rb_err("image install: %s: %s", argv[optind], is.why[0] ? is.why : strerror(-err));
		ret = RB_EXIT_FAIL;
	} else if (ctx->json) {
		struct rb_json j;
		char letter[2] = { rb_slot_letter(s.rec.active), 0 };

		rb_json_init(&j, stdout, false);
		rb_json_obj_begin(&j);
		rb_json_key(&j, "installed");
		rb_json_str(&j, s.rec.slot[s.rec.active].name);
		rb_json_key(&j, "slot");
		rb_json_str(&j, letter);
		rb_json_key(&j, "already_active");
		rb_json_bool(&j, err == -EALREADY);
		rb_json_key(&j, "insecure");
		rb_json_bool(&j, s.rec.slot[s.rec.active].insecure);
		rb_json_obj_end(&j);
		rb_json_end(&j);
	} else if (err == -EALREADY) {
		printf("%s: %s\n", argv[optind], is.why);
	} else {
		printf("%s: installed %s %s into slot %c (awaiting mark-good)\n", argv[optind],
		       s.rec.slot[s.rec.active].name, s.rec.slot[s.rec.active].version,
		       rb_slot_letter(s.rec.active));
	}
	rb_image_sink_free(&is);
	free(kr);
	return ret;
}

int cmd_image(struct rb_ctx *ctx, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub || !strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		fputs(image_usage, sub ? stdout : stderr);
		return sub ? RB_EXIT_OK : RB_EXIT_USAGE;
	}
	/* Sub-verb argv starts at the sub-verb, like a verb's. */
	argc--;
	argv++;
	optind = 0;
	if (!strcmp(sub, "keygen"))
		return keygen(ctx, argc, argv);
	if (!strcmp(sub, "pack"))
		return pack(ctx, argc, argv);
	if (!strcmp(sub, "verify"))
		return verify_or_show(ctx, argc, argv, false);
	if (!strcmp(sub, "show"))
		return verify_or_show(ctx, argc, argv, true);
	if (!strcmp(sub, "install"))
		return install(ctx, argc, argv);
	rb_err("image: unknown subcommand '%s'", sub);
	return usage_err();
}
