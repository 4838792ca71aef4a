# cchc — one non-recursive Makefile.  `make V=1` shows the commands.
#
#   make            build build/cchc
#   make run        install missing packages, build, create var/cchc.db, serve
#   make test       every test suite, ending with one summary line
#   make bench      wrk against a release build
#   make SANITIZE=address,undefined   build with sanitizers

PKGS := libmicrohttpd jansson sqlite3 libpq libsodium libcurl libqrencode xlsxwriter
CC ?= cc
CSTD := -std=c11 -D_GNU_SOURCE
WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wwrite-strings -Wno-unused-parameter
ifdef CI
WARN += -Werror
endif
OPT ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhpdf -lpthread -lm
CFLAGS_COMMON = $(CSTD) $(WARN) -Isrc $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
CFLAGS_ALL = $(CFLAGS_COMMON) $(OPT)

ifdef SANITIZE
CFLAGS_ALL += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=$(SANITIZE)
endif

ifneq ($(V),1)
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2);
else
msg =
endif

SRC := $(sort $(wildcard src/*.c src/*/*.c))
LIB_SRC := $(filter-out src/main.c,$(SRC))
ASSETS := $(sort $(shell find assets -type f 2>/dev/null))
PO := $(wildcard po/*.po)
MO := $(PO:po/%.po=build/mo/po/%.mo)

B := build
OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o) $(B)/obj/gen/embedded.o
MAIN_OBJ := $(B)/obj/src/main.o

# Unit tests: built with ASan+UBSan in their own tree.
T := build/asan
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(T)/tests/%)
T_OBJ := $(LIB_SRC:%.c=$(T)/obj/%.o) $(T)/obj/gen/embedded.o

.PHONY: all run test unit bench clean deps
all: $(B)/cchc

$(B)/cchc: $(OBJ) $(MAIN_OBJ)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/obj/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(CSTD) -O0 -Isrc -c -o $@ $<

build/gen/embedded.c: $(B)/tools/embed $(ASSETS) $(MO)
	@mkdir -p $(dir $@)
	$(call msg,EMBED,$@)
	$(Q)$(B)/tools/embed $@ assets:build/mo $(ASSETS) $(MO)

$(B)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) -O2 -o $@ $<

build/mo/po/%.mo: po/%.po
	@mkdir -p $(dir $@)
	$(call msg,MSGFMT,$<)
	$(Q)msgfmt --check -o $@ $<

$(T)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(CFLAGS_COMMON) -O1 -g $(SAN) -c -o $@ $<

$(T)/obj/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CSTD) -O0 -Isrc -c -o $@ $<

$(T)/tests/%: tests/unit/%.c $(T_OBJ)
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(CFLAGS_COMMON) -O1 -g $(SAN) -o $@ $< $(T_OBJ) $(PKG_LIBS) -lcriterion

$(T)/cchc: $(T_OBJ) $(T)/obj/src/main.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(SAN) -o $@ $^ $(PKG_LIBS)

unit: $(TEST_BIN) $(T)/cchc

deps:
	$(Q)scripts/deps.sh

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)mkdir -p var
	$(Q)test -f var/cchc.db || $(B)/cchc init --db sqlite:var/cchc.db --demo-dossiers 20000
	$(Q)$(B)/cchc serve --db sqlite:var/cchc.db --listen 127.0.0.1:8080

test:
	$(Q)scripts/deps.sh test
	$(Q)$(MAKE) --no-print-directory all unit
	$(Q)scripts/test.sh

bench:
	$(Q)scripts/deps.sh bench
	$(Q)scripts/bench.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
