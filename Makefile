# kfpcache - one non-recursive Makefile.  Objects in build/, -MMD deps.
#   make            build/kfpcache
#   make check      build and run every test (ends with "N passed, N failed")
#   make demo       run the main job on the bundled samples
#   make asan | valgrind | fuzz | bench | install | format | golden-update

CC      ?= cc
BUILD   ?= build
WERROR  ?= 1
PREFIX  ?= /usr/local

PKGS     = libgit2 libcjson libcgraph libgvc yaml-0.1 libcrypto libmariadb
WARN     = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wold-style-definition -Wpointer-arith \
           -Wwrite-strings -Wvla -Wformat=2 -Wundef -Wcast-align -fno-common
ifeq ($(WERROR),1)
WARN    += -Werror
endif
OPT     ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L $(OPT) $(WARN) -Iinclude $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS  += $(PKG_LIBS) -lcsv -lm -lpthread $(EXTRA_LDLIBS)

# Layers, each using only those after it: analyzer/cmd (main.c and one file
# per command), reports/, analyzer/model, analyzer/load, analyzer/base.
LIB_SRC  := $(sort $(filter-out analyzer/cmd/main.c,$(wildcard analyzer/*/*.c)) $(wildcard reports/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/analyzer/cmd/main.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz-replay/%)

.PHONY: all check deps demo asan valgrind fuzz fuzz-lib fuzz-vars bench install format golden-update clean unit-bins

all: deps-quiet $(BUILD)/kfpcache

# Installs missing Debian packages when root, else prints the exact command.
deps:
	@sh tests/deps.sh
deps-quiet:
	@sh tests/deps.sh --quiet

$(BUILD)/kfpcache: $(LIB_OBJ) $(MAIN_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ) tests/unit/t.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(LIB_OBJ) $(LDLIBS)

# Each fuzz target also builds as a plain driver that replays its corpus.
$(BUILD)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay_main.c tests/fuzz/fuzz.h $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< tests/fuzz/replay_main.c $(LIB_OBJ) $(LDLIBS)

# For tests/fuzz/run-fuzz.sh: the library objects built with its flags, and
# the variables it links the libFuzzer binaries with.
fuzz-lib: $(LIB_OBJ)
fuzz-vars:
	@echo "LIB_OBJ='$(LIB_OBJ)'"; echo "CFLAGS='$(CFLAGS)'"; echo "LDLIBS='$(LDLIBS)'"

unit-bins: $(UNIT_BIN) $(FUZZ_REPLAY)

check: all unit-bins
	@BUILD=$(BUILD) sh tests/run.sh

demo: all
	@sh samples/demo.sh $(BUILD)

asan:
	$(MAKE) BUILD=build/asan OPT="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
		EXTRA_CFLAGS=-DKC_ARENA_DEBUG LDFLAGS="-fsanitize=address,undefined" check

valgrind: all unit-bins
	@BUILD=$(BUILD) KC_VALGRIND=1 sh tests/run.sh

fuzz:
	@sh tests/fuzz/run-fuzz.sh $(or $(FUZZ_SECONDS),60)

bench: all
	@sh tests/bench/run.sh $(BUILD)

golden-update: all
	@BUILD=$(BUILD) KC_GOLDEN_UPDATE=1 sh tests/run.sh

# The man page's option lists and the bash completion are generated from
# the binary's own help (reports/man/gen.sh), so they cannot drift.
$(BUILD)/man/kfpcache.1 $(BUILD)/man/kfpcache.bash: $(BUILD)/kfpcache reports/man/gen.sh reports/man/kfpcache.1.in
	sh reports/man/gen.sh $(BUILD)/kfpcache $(BUILD)/man

install: all $(BUILD)/man/kfpcache.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(BUILD)/kfpcache $(DESTDIR)$(PREFIX)/bin/kfpcache
	install -m 644 $(BUILD)/man/kfpcache.1 $(DESTDIR)$(PREFIX)/share/man/man1/kfpcache.1
	install -m 644 $(BUILD)/man/kfpcache.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/kfpcache

format:
	clang-format -i analyzer/*/*.c reports/*.c include/*/*.h

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
