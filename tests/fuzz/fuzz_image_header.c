// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the image header parser and checker on hostile bytes.
 * Properties beyond "no crash": a header that parses is canonical (building
 * it again gives back the same signed bytes), and rb_img_check accepts only
 * what rb_img_parse accepts, and the version order is antisymmetric on the
 * header's version. The keyring holds the RFC 8032 test key, which
 * signed the seed in the corpus, so the signature path is reached too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rfc_pub_hex[] =
	"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rb_keyring kr;
	static const char *const names[] = { "9611G", "9611", "J179" };
	static const char *const versions[] = { "1.0", "2.1-rc1", "4.1.3.0.6", "0", "" };
	struct rb_img_hdr h, h2;
	uint8_t raw[RB_IMG_HDR_LEN];
	char why[256];
	int err;

	if (!kr.n) {
		if (rb_unhex(rfc_pub_hex, kr.key[0].pub, 32) || rb_key_id(kr.key[0].pub, kr.key[0].id))
			abort();
		kr.n = 1;
	}
	err = rb_img_parse(data, size, &h, why, sizeof(why));
	if (err) {
		if (!rb_img_check(data, size, &kr, &h2, why, sizeof(why)))
			abort();	/* check must refuse what parse refuses */
		return 0;
	}
	if (rb_img_build(&h, raw) || memcmp(raw, data, RB_IMG_HDR_LEN))
		abort();	/* one encoding per header */
	/* The version order is antisymmetric and reflexive on any version. */
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		enum rb_img_order o = rb_img_version_order(h.version, versions[i]);
		enum rb_img_order back = rb_img_version_order(versions[i], h.version);

		if (back != (o == RB_IMG_OLDER ? RB_IMG_NEWER : o == RB_IMG_NEWER ? RB_IMG_OLDER : o))
			abort();
	}
	if (rb_img_version_order(h.version, h.version) != RB_IMG_SAME)
		abort();
	rb_img_list_fits(h.models, names, 3);
	rb_img_list_fits(h.hw, names + 2, 1);
	rb_img_check(data, size, &kr, &h2, why, sizeof(why));
	return 0;
}
