# mxdane - DANE for SMTP, end to end.
#
#   make            build build/mxdane (and its man pages)
#   make test       install what is missing, then every test, twice: a plain
#                   build and an AddressSanitizer + UBSan build
#   make demo       install what is missing, bring the lab up, check a few
#                   of its domains, bring the lab down
#   make install    binary and man pages under $(PREFIX)
#
# Every source file in a module folder is part of the library; every
# tests/unit/test_*.c is one cmocka program. Adding a file needs no edit here.

VERSION		:= 0.1.0
PREFIX		?= /usr/local
DESTDIR		?=
BUILD		?= build
SAN		?= 0
CC		?= cc
CFLAGS		?= -O2 -g

# libldns: DNS wire format, DNSSEC signature checks, TSIG and RFC 2136
# UPDATE for the direct authoritative queries and publish. Its pkg-config
# name is "ldns" on Debian 12 and "libldns" elsewhere; plain -lldns if
# neither is known.
LDNS_PKG	:= $(shell pkg-config --exists libldns 2>/dev/null && echo libldns \
		   || (pkg-config --exists ldns 2>/dev/null && echo ldns))
LDNS_LIBS	:= $(if $(LDNS_PKG),,-lldns)
PKGS		:= openssl libunbound libevent libevent_openssl jansson libidn2 \
		   $(LDNS_PKG)
TEST_PKGS	:= cmocka

WARN		:= -Wall -Wextra -Werror -Wshadow -Wpointer-arith \
		   -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
		   -Wno-format-nonliteral -Wundef -Wvla
XCFLAGS		:= -std=c17 -D_GNU_SOURCE -DMXD_VERSION='"$(VERSION)"' \
		   -I. -I$(BUILD)/gen $(WARN)
ifeq ($(SAN),1)
XCFLAGS		+= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
XLDFLAGS	+= -fsanitize=address,undefined
endif

PKG_CFLAGS	= $(shell pkg-config --cflags $(PKGS))
PKG_LIBS	= $(shell pkg-config --libs $(PKGS)) $(LDNS_LIBS)
TEST_CFLAGS	= $(shell pkg-config --cflags $(TEST_PKGS))
TEST_LIBS	= $(shell pkg-config --libs $(TEST_PKGS))

LIB_DIRS	:= common tlsa dns smtp dane engine report
LIB_SRCS	:= $(wildcard $(addsuffix /*.c,$(LIB_DIRS)))
CLI_SRCS	:= $(wildcard cli/*.c)
UNIT_SRCS	:= $(wildcard tests/unit/test_*.c)
TOOL_SRCS	:= $(wildcard tests/tools/*.c)
SCD		:= $(wildcard docs/*.scd)

LIB_OBJS	:= $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS	:= $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_BINS	:= $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_BINS	:= $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)
MANS		:= $(SCD:docs/%.scd=$(BUILD)/man/%)
HELPS		:= $(patsubst docs/mxdane-%.1.scd,$(BUILD)/gen/help_%.h,\
		   $(filter docs/mxdane-%.1.scd,$(SCD)))
LIB		:= $(BUILD)/libmxdane.a
BIN		:= $(BUILD)/mxdane

.SECONDARY:

.PHONY: all deps test tests unit-tests demo install clean lint doc \
	lab-up lab-down

all: $(BIN) $(MANS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(XCFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/cli/%.o: cli/%.c $(HELPS)
	@mkdir -p $(@D)
	$(CC) $(XCFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# Named here as well: make does not chain through a pattern rule whose
# prerequisite does not exist yet: it would use the generic rule instead
# and compile before help_NAME.h is made.
$(CLI_OBJS): $(HELPS)

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(XCFLAGS) $(PKG_CFLAGS) $(TEST_CFLAGS) $(CFLAGS) -MMD -MP \
	    -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	$(CC) $(XLDFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(PKG_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(XLDFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS) $(TEST_LIBS)

$(BUILD)/tools/%: $(BUILD)/obj/tests/tools/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(XLDFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

# One scdoc page per subcommand: the man page, and the --help text.
$(BUILD)/man/%: docs/%.scd
	@mkdir -p $(@D)
	scdoc < $< > $@

$(BUILD)/gen/help_%.h: docs/mxdane-%.1.scd scripts/scd2help
	@mkdir -p $(@D)
	scripts/scd2help $* < $< > $@

tests: $(BIN) $(UNIT_BINS) $(TOOL_BINS)

# The README's test command. Installs what is missing, runs every suite on
# a plain build, then again under AddressSanitizer and UBSan.
test: deps
	scripts/lint
	$(MAKE) tests
	MXD_VALGRIND=1 tests/run $(BUILD)
	$(MAKE) BUILD=build-san SAN=1 CC=clang tests
	MXD_SANITIZED=1 tests/run build-san

deps:
	scripts/deps

demo: deps
	$(MAKE) all
	scripts/demo $(BUILD)

lint:
	scripts/lint

# The lab (lab/README.md): MXD_LAB_NS and MXD_LAB_VAR choose the instance.
lab-up: deps
	$(MAKE) tests
	MXD_BUILD=$(BUILD) lab/up

lab-down:
	lab/down

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/mxdane
	install -m 0644 $(MANS) $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build build-san

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
