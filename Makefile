# SPDX-License-Identifier: GPL-2.0-or-later
#
# ringboot: `make` builds the agent, `make module` the kernel module,
# `make check` runs every test suite, `make demo` shows it working.
#
# The build discovers its inputs, so adding a file never means editing this one:
#   userspace/*.c            -> build/ringboot (main.c) + build/libringboot.a (the rest)
#   tests/unit/test_*.c      -> build/tests/unit/test_*        (cmocka, TAP)
#   tests/fuzz/fuzz_*.c      -> build/fuzz/fuzz_*              (libFuzzer, clang)
#   tests/helpers/*.c        -> build/tests/helpers/*          (small test programs)
#   tests/helpers/preload/*.c -> build/tests/helpers/preload/*.so (LD_PRELOAD shims)
#   tests/selftests/*.c      -> build/tests/selftests/*        (kselftest style, KTAP)

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

# `make V=1` prints whole command lines.
ifeq ($(V),1)
Q :=
quiet := @true
else
Q := @
quiet := @echo
endif

CC      ?= gcc
CLANG   ?= clang
PKG_CONFIG ?= pkg-config
BUILD   ?= build

# wolfSSL: by default the build `make deps` made for this machine from Debian's
# own source package (Debian's options plus the CPU's crypto, static, in a cache:
# scripts/wolfssl-build, docs/packaging.md); WOLFSSL=system links Debian's
# libwolfssl instead. Only pkg-config's file of the chosen build is looked at
# (PKG_CONFIG_LIBDIR), so a missing cache never falls back to Debian's silently.
WOLFSSL ?= cpu
ifeq ($(WOLFSSL),system)
PKGS := liburing wolfssl libnl-3.0 libnl-genl-3.0 libnl-route-3.0 libcares
wolfssl_query =
else ifeq ($(WOLFSSL),cpu)
PKGS := liburing libnl-3.0 libnl-genl-3.0 libnl-route-3.0 libcares
WOLFSSL_DIR = $(eval WOLFSSL_DIR := $(shell scripts/wolfssl-build --print-dir 2>/dev/null))$(WOLFSSL_DIR)
wolfssl_query = $(if $(shell PKG_CONFIG_LIBDIR=$(WOLFSSL_DIR)/lib/pkgconfig $(PKG_CONFIG) --exists \
	wolfssl 2>/dev/null && echo yes),$(shell PKG_CONFIG_LIBDIR=$(WOLFSSL_DIR)/lib/pkgconfig \
	$(PKG_CONFIG) $(1) wolfssl),$(error the wolfSSL built for this machine is missing \
	($(or $(WOLFSSL_DIR),scripts/wolfssl-build --print-dir failed)); `make deps` (as root) \
	builds it, WOLFSSL=system uses Debian's: see README.md))
else
$(error WOLFSSL=$(WOLFSSL): cpu (the default, built for this machine) or system (Debian's))
endif
# pkg-config is asked when a recipe first needs the flags, not when this file is
# read: `make demo` on a fresh machine reads it before `deps` has installed the
# libraries. (Each variable replaces itself with its value on first use.) A
# library still missing then stops the build with the command that installs it.
# wolfSSL's flags come first: its -I must win over any other that could hold
# Debian's wolfssl/options.h.
pkg_query = $(call wolfssl_query,$(1)) $(if $(shell $(PKG_CONFIG) --exists $(PKGS) 2>/dev/null && \
	echo yes),$(shell $(PKG_CONFIG) $(1) $(PKGS)),$(error pkg-config cannot find all of: $(PKGS); \
	`make deps` (as root) installs them: see README.md))
PKG_CFLAGS = $(eval PKG_CFLAGS := $(call pkg_query,--cflags))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $(call pkg_query,--libs))$(PKG_LIBS)

# Never -march=native: the QEMU guest's CPU lacks instructions the host has.
WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter
CPPFLAGS += -D_GNU_SOURCE -DRINGBOOT_VERSION='"$(VERSION)"' -Iinclude -Iinclude/uapi -Iuserspace $(PKG_CFLAGS)
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 $(WARN) -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
LDFLAGS  += -pie -Wl,-z,relro,-z,now
LDLIBS   += $(PKG_LIBS) -lm -lpthread

SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

AGENT_SRCS := $(sort $(wildcard userspace/*.c))
LIB_SRCS   := $(filter-out userspace/main.c,$(AGENT_SRCS))
HDRS       := $(wildcard userspace/*.h include/uapi/linux/*.h)

OBJ      := $(BUILD)/obj
SAN_OBJ  := $(BUILD)/asan/obj
FUZZ_OBJ := $(BUILD)/fuzz/obj

LIB_OBJS      := $(LIB_SRCS:userspace/%.c=$(OBJ)/%.o)
SAN_LIB_OBJS  := $(LIB_SRCS:userspace/%.c=$(SAN_OBJ)/%.o)
FUZZ_LIB_OBJS := $(LIB_SRCS:userspace/%.c=$(FUZZ_OBJ)/%.o)

UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
SAN_UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/asan/tests/unit/%)
FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
HELPER_SRCS := $(sort $(wildcard tests/helpers/*.c))
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/tests/helpers/%)
PRELOAD_SRCS := $(sort $(wildcard tests/helpers/preload/*.c))
PRELOAD_LIBS := $(PRELOAD_SRCS:tests/helpers/preload/%.c=$(BUILD)/tests/helpers/preload/%.so)
SELFTEST_SRCS := $(sort $(wildcard tests/selftests/*.c))
SELFTEST_BINS := $(SELFTEST_SRCS:tests/selftests/%.c=$(BUILD)/tests/selftests/%)

# Kernel: the newest Debian kernel that has both headers (build/) and a bootable image.
KVER ?= $(shell scripts/kernel-version)
KDIR ?= /lib/modules/$(KVER)/build

.PHONY: FORCE all agent module module-clean deps check check-unit check-asan check-fuzz check-lab \
	check-vm fuzz fuzz-campaign demo clean tests helpers selftests install bench-tools

all: agent

# Everything compiled or linked against the libraries is rebuilt when their
# flags change (WOLFSSL=system after the default, a new wolfSSL build): the
# options in wolfSSL's headers change the layout of its structures, so objects
# made against one build must never be linked with another.
LIB_STAMP := $(BUILD)/libs.flags
$(LIB_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(PKG_CFLAGS) $(PKG_LIBS)' | cmp -s - $@ || echo '$(PKG_CFLAGS) $(PKG_LIBS)' > $@
FORCE:

agent: $(BUILD)/ringboot

$(BUILD)/ringboot: $(OBJ)/main.o $(BUILD)/libringboot.a
	$(quiet) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libringboot.a: $(LIB_OBJS)
	@mkdir -p $(@D)
	$(quiet) "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(OBJ)/%.o: userspace/%.c $(HDRS) Makefile $(LIB_STAMP)
	@mkdir -p $(@D)
	$(quiet) "  CC      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# --- sanitizer build (ASan + UBSan) of the library, used by the unit tests
$(BUILD)/asan/libringboot.a: $(SAN_LIB_OBJS)
	@mkdir -p $(@D)
	$(quiet) "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(SAN_OBJ)/%.o: userspace/%.c $(HDRS) Makefile $(LIB_STAMP)
	@mkdir -p $(@D)
	$(quiet) "  CC      $@"
	$(Q)$(CC) $(CPPFLAGS) -std=gnu11 $(WARN) -O1 -g $(SAN_FLAGS) -c -o $@ $<

# --- unit tests (cmocka)
$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libringboot.a $(HDRS) $(LIB_STAMP)
	@mkdir -p $(@D)
	$(quiet) "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libringboot.a -lcmocka $(LDLIBS)

$(BUILD)/asan/tests/unit/%: tests/unit/%.c $(BUILD)/asan/libringboot.a $(HDRS) $(LIB_STAMP)
	@mkdir -p $(@D)
	$(quiet) "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) -std=gnu11 $(WARN) -O1 -g $(SAN_FLAGS) -Itests/unit -o $@ $< \
		$(BUILD)/asan/libringboot.a -lcmocka $(LDLIBS)

# --- fuzz targets (libFuzzer needs clang)
$(FUZZ_OBJ)/%.o: userspace/%.c $(HDRS) Makefile $(LIB_STAMP)
	@mkdir -p $(@D)
	$(quiet) "  CLANG   $@"
	$(Q)$(CLANG) $(CPPFLAGS) -std=gnu11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

# An archive, as for the unit tests: a target pulls in only the objects it
# needs (the verbs' files need main.c's rb_common_opt, which fuzzers lack).
$(BUILD)/fuzz/libringboot.a: $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	$(quiet) "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/fuzz/libringboot.a $(HDRS) $(LIB_STAMP)
	@mkdir -p $(@D)
	$(quiet) "  LD      $@"
	$(Q)$(CLANG) $(CPPFLAGS) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< \
		$(BUILD)/fuzz/libringboot.a $(LDLIBS)

# --- test helper programs and selftests (the VM sees the host root, so dynamic linking is fine)
$(BUILD)/tests/helpers/%: tests/helpers/%.c $(BUILD)/libringboot.a $(HDRS) $(LIB_STAMP)
	@mkdir -p $(@D)
	$(quiet) "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libringboot.a $(LDLIBS)

# LD_PRELOAD shims: they sit below the agent and link none of it.
$(BUILD)/tests/helpers/preload/%.so: tests/helpers/preload/%.c Makefile
	@mkdir -p $(@D)
	$(quiet) "  LD      $@"
	$(Q)$(CC) -D_GNU_SOURCE -std=gnu11 $(WARN) -O2 -g -fPIC -shared -o $@ $< -ldl

$(BUILD)/tests/selftests/%: tests/selftests/%.c $(HDRS) tests/selftests/ktap.h $(LIB_STAMP)
	@mkdir -p $(@D)
	$(quiet) "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/selftests -o $@ $< $(PKG_LIBS) -lm -lpthread

# --- benchmark programs (bench/*.c, bench/*/*.c), against the same wolfSSL as the agent
BENCH_SRCS := $(wildcard bench/*.c bench/image/*.c)
BENCH_BINS := $(addprefix $(BUILD)/bench/,$(notdir $(BENCH_SRCS:.c=)))
$(BUILD)/bench/%: bench/%.c $(LIB_STAMP)
	@mkdir -p $(@D)
	$(quiet) "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDLIBS)
$(BUILD)/bench/%: bench/image/%.c $(LIB_STAMP)
	@mkdir -p $(@D)
	$(quiet) "  LD      $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDLIBS)
bench-tools: $(BENCH_BINS)

tests: $(UNIT_BINS) $(HELPER_BINS) $(PRELOAD_LIBS) $(SELFTEST_BINS) $(BUILD)/ringboot
helpers: $(HELPER_BINS) $(PRELOAD_LIBS)
selftests: $(SELFTEST_BINS)

# --- kernel module, through the top-level Kbuild
module:
	@test -d "$(KDIR)" || { echo "module: no kernel build tree at '$(KDIR)' (run make deps)"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

module-clean:
	@test -d "$(KDIR)" && $(MAKE) -C $(KDIR) M=$(CURDIR) clean || true

# `make check` and `make demo` run this once, in a make of its own, and then
# build in a new make that reads this file again (DEPS_DONE=1 tells it deps ran).
DEPS_SCRIPT ?= scripts/deps.sh
deps:
	@[ -n "$(DEPS_DONE)" ] || WOLFSSL=$(WOLFSSL) $(DEPS_SCRIPT)

# --- test suites
check-unit: deps $(UNIT_BINS) $(PRELOAD_LIBS) $(BUILD)/ringboot
	@tests/run-suite unit $(UNIT_BINS) $(sort $(wildcard tests/cli/*.t))

check-asan: deps $(SAN_UNIT_BINS)
	@tests/run-suite asan $(SAN_UNIT_BINS)

check-fuzz: deps $(FUZZ_BINS)
	@tests/run-suite fuzz tests/fuzz/run-short.t

check-lab: deps tests
	@tests/run-suite lab $(sort $(wildcard tests/lab/t/*.t))

check-vm: deps tests module
	@tests/run-suite vm tests/vm/suite.t

# What `make check` builds, and which suites it runs in order
# (`make check SUITES="unit lab"` runs two).
CHECK_BUILD ?= all tests module $(SAN_UNIT_BINS) $(FUZZ_BINS)
SUITES      ?= unit asan fuzz lab vm

check:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j$$(nproc) DEPS_DONE=1 $(CHECK_BUILD)
	@rm -rf $(BUILD)/results && mkdir -p $(BUILD)/results
	@rc=0; \
	 for s in $(SUITES); do \
		$(MAKE) --no-print-directory DEPS_DONE=1 check-$$s || rc=1; \
	 done; \
	 tests/summarize $(BUILD)/results || rc=1; \
	 exit $$rc

fuzz: $(FUZZ_BINS)
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-300} tests/fuzz/run-short.t

# Every target to 10 M inputs or FUZZ_CAMPAIGN_SECONDS (docs/testing.md); not in check.
fuzz-campaign: $(FUZZ_BINS)
	@tests/fuzz/campaign

# What `make demo` builds before it runs the demo.
DEMO_BUILD  ?= all tests module
DEMO_SCRIPT ?= scripts/demo

demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j$$(nproc) DEPS_DONE=1 $(DEMO_BUILD)
	@$(DEMO_SCRIPT)

# --- make install DESTDIR=... PREFIX=... (the installed tree: docs/packaging.md)
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
INCLUDEDIR ?= $(PREFIX)/include
DOCDIR     ?= $(PREFIX)/share/doc/ringboot
UNITDIR    ?= $(PREFIX)/lib/systemd/system
DKMSDIR    ?= $(PREFIX)/src/ringboot-$(VERSION)
INSTALL    ?= install

# The module's sources as DKMS builds them: the top-level Kbuild, module/ and the UAPI
# header it includes (no build products: *.mod.c is generated by Kbuild).
DKMS_SRCS := Kbuild VERSION include/uapi/linux/ringboot.h module/Kbuild \
	$(filter-out %.mod.c,$(wildcard module/*.c)) $(wildcard module/*.h)
# Units are templates: @SBINDIR@ becomes the installed binary's directory; a trailing .in goes.
UNIT_SRCS := $(wildcard $(addprefix packaging/systemd/*.,service service.in timer timer.in))

install: $(BUILD)/ringboot
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(INCLUDEDIR)/linux \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(DKMSDIR)
	$(INSTALL) -m 755 $(BUILD)/ringboot $(DESTDIR)$(SBINDIR)/ringboot
	$(INSTALL) -m 644 docs/ringboot.8 $(DESTDIR)$(MANDIR)/man8/ringboot.8
	$(INSTALL) -m 644 include/uapi/linux/ringboot.h $(DESTDIR)$(INCLUDEDIR)/linux/ringboot.h
	$(INSTALL) -m 644 etc/ringboot.conf $(DESTDIR)$(DOCDIR)/ringboot.conf.example
	@set -e; for f in $(UNIT_SRCS); do \
		u=$$(basename "$$f" .in); \
		echo "  UNIT    $(DESTDIR)$(UNITDIR)/$$u"; \
		sed -e 's|@SBINDIR@|$(SBINDIR)|g' "$$f" > "$(DESTDIR)$(UNITDIR)/$$u"; \
		chmod 644 "$(DESTDIR)$(UNITDIR)/$$u"; \
	done
	@set -e; for f in $(DKMS_SRCS); do \
		$(INSTALL) -D -m 644 "$$f" "$(DESTDIR)$(DKMSDIR)/$$f"; \
	done
	sed -e 's|@VERSION@|$(VERSION)|g' packaging/dkms.conf.in > $(DESTDIR)$(DKMSDIR)/dkms.conf
	chmod 644 $(DESTDIR)$(DKMSDIR)/dkms.conf

# Removes what install installed (same variables), and the directories that are ours.
.PHONY: uninstall
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/ringboot $(DESTDIR)$(MANDIR)/man8/ringboot.8 \
		$(DESTDIR)$(INCLUDEDIR)/linux/ringboot.h $(DESTDIR)$(DOCDIR)/ringboot.conf.example \
		$(addprefix $(DESTDIR)$(UNITDIR)/,$(notdir $(UNIT_SRCS:.in=)))
	rm -rf $(DESTDIR)$(DKMSDIR)
	rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null || true

clean: module-clean
	rm -rf $(BUILD)
