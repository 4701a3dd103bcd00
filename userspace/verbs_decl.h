/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Prototypes of every verb function listed in verbs.h. */
#ifndef RINGBOOT_VERBS_DECL_H
#define RINGBOOT_VERBS_DECL_H

#include "ringboot.h"

#define RB_VERB(name, fn, summary) int fn(struct rb_ctx *ctx, int argc, char **argv);
#include "verbs.h"
#undef RB_VERB

#endif
