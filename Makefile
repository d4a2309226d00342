# Savant — build, test, demo, bench, asan, ubsan, fuzz.
#
#   make            build every binary into bin/ (objects under build/)
#   make test       install missing packages, build, start services, run all tests
#   TESTS=0012 make test      run the tests whose number or name starts with 0012
#   make asan | ubsan         build into build/asan | build/ubsan and run the tests there
#   make fuzz       run each fuzz target for FUZZ_SECONDS (default 60) under ASan+UBSan
#   make bench      every benchmark, short (BENCH_SECONDS); make bench-sweep: latency at
#                   BENCH_RATES constant input rates and memory per market (docs/performance.md)
#   make soak       the soak run (ops/soak) for SOAK_SECONDS (default 600), report and invariants
#   make docs       regenerate docs/configuration.md from the config table
#   make WERROR=    build without -Werror
.DEFAULT_GOAL := all
.SECONDARY:
SHELL := /bin/bash

BUILD ?= build
BIN ?= bin
WERROR ?= -Werror
OPT ?= -O2 -g
SAN ?=
CC ?= cc

PKGS := rdkafka libevent msgpack hiredis jansson libpq libcrypto
WARN := -std=c11 -Wall -Wextra $(WERROR) -Wstrict-prototypes -Wmissing-prototypes \
        -Wold-style-definition -Wpointer-arith -Wwrite-strings -Wvla -Wformat=2 -Wundef -fno-common
INCS := -Icommon -Ischemas -Iconfig -Iengine -Iconsumers -Iproducers
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# wslay (WebSocket framing) is linked by name: Debian's libwslay-dev ships no pkg-config file.
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lwslay
CPPFLAGS += -D_GNU_SOURCE $(INCS)
CFLAGS += $(WARN) $(OPT) $(SAN) $(PKG_CFLAGS) -MMD -MP
LDFLAGS += $(SAN)
LDLIBS += $(PKG_LIBS) -lm -lpthread

LIB_SRCS := $(wildcard common/*.c) $(wildcard schemas/*.c) $(wildcard config/*.c) \
            $(filter-out engine/main.c,$(wildcard engine/*.c engine/*/*.c)) \
            $(wildcard consumers/*.c) $(wildcard producers/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libsavant.a

BINS := $(patsubst ops/%.c,$(BIN)/%,$(wildcard ops/savant-*.c)) $(BIN)/savant-engine

TEST_SRCS := $(wildcard tests/*.c)
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/%.o)
RUNNER := $(BUILD)/tests/run-tests
GEN_CONFIG_DOC := $(BUILD)/gen-config-doc

.PHONY: all test check demo soak asan ubsan fuzz clean docs docs-check deps bench bench-sweep format-check
all: $(BINS) $(RUNNER) $(if $(wildcard config/gen/gen-config-doc.c),$(GEN_CONFIG_DOC))

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BIN)/savant-%: $(BUILD)/ops/savant-%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/savant-engine: $(BUILD)/engine/main.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(RUNNER): $(TEST_OBJS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(GEN_CONFIG_DOC): $(BUILD)/config/gen/gen-config-doc.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

deps:
	@ops/install-deps build test demo

# The runner is handed the binaries it tests through SAVANT_BIN_DIR; ops/services starts Redis
# and PostgreSQL on loopback around the whole run and removes them afterwards.
test: deps
	@$(MAKE) --no-print-directory all
	@SAVANT_BIN_DIR=$(abspath $(BIN)) SAVANT_ROOT=$(CURDIR) ops/services run -- $(RUNNER)
check: test

asan:
	@ops/install-deps build test
	@$(MAKE) --no-print-directory BUILD=build/asan BIN=build/asan/bin OPT="-O1 -g" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" test-here
ubsan:
	@ops/install-deps build test
	@$(MAKE) --no-print-directory BUILD=build/ubsan BIN=build/ubsan/bin OPT="-O1 -g" \
	    SAN="-fsanitize=undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" test-here

# Runs the tests of the build named by BUILD/BIN without installing anything (used by asan/ubsan).
.PHONY: test-here
test-here: all
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    SAVANT_BIN_DIR=$(abspath $(BIN)) SAVANT_ROOT=$(CURDIR) ops/services run -- $(RUNNER)

docs: $(GEN_CONFIG_DOC)
	$(GEN_CONFIG_DOC) > docs/configuration.md
	$(GEN_CONFIG_DOC) --conf > config/savant.conf

# Fuzzing: one libFuzzer binary per decoder, built with clang under ASan+UBSan.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(basename $(notdir $(wildcard tests/fuzz/fuzz-*.c)))
FUZZ_BUILD := build/fuzz
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1
fuzz:
	@ops/install-deps build fuzz
	@$(MAKE) --no-print-directory fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
	    $(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -dict=tests/fuzz/wire.dict -print_final_stats=1 \
	        $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$${t#fuzz-} 2>&1 | tail -n 12; \
	    test $${PIPESTATUS[0]} -eq 0 || { echo "fuzz: $$t found a crash"; exit 1; }; \
	done; echo "fuzz: all targets clean"
.PHONY: fuzz-build
fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD)/obj CC=clang OPT="" \
	    SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1" \
	    $(FUZZ_BUILD)/obj/libsavant.a
	@set -e; for t in $(FUZZ_TARGETS); do \
	    clang $(CPPFLAGS) $(WARN) $(FUZZ_FLAGS) $(PKG_CFLAGS) -o $(FUZZ_BUILD)/$$t tests/fuzz/$$t.c \
	        $(FUZZ_BUILD)/obj/libsavant.a $(PKG_LIBS) -lm -lpthread; \
	done

# The main job: broker, Redis, PostgreSQL, engine and the simulator, with a live view (ops/demo).
# DEMO_SECONDS=N stops it by itself after N seconds.
demo: deps
	@$(MAKE) --no-print-directory all
	@SAVANT_BIN_DIR=$(abspath $(BIN)) ops/demo

# The soak run (ops/soak): simulator, engine, Redis, PostgreSQL, push subscribers and clicks for
# SOAK_SECONDS (default 600; SOAK_RATE, SOAK_SUBSCRIBERS, SOAK_CLICK_RATE, SOAK_PARTITIONS), then a report and the
# invariants (non-zero exit when one fails). Not part of `make test`.
soak: deps
	@$(MAKE) --no-print-directory all
	@SAVANT_BIN_DIR=$(abspath $(BIN)) ops/soak

# Benchmarks: programs under tests/bench, measured here and recorded in docs/performance.md.
BENCHES := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(wildcard tests/bench/*.c))
$(BUILD)/bench/%: $(BUILD)/tests/bench/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
# bench-e2e starts bin/savant-broker and bin/savant-engine, found through SAVANT_BIN_DIR; the
# script tests/bench/bench-api loads the engine's REST API with wrk (ops/install-deps bench).
bench: deps
	@ops/install-deps bench
	@$(MAKE) --no-print-directory $(BENCHES) $(BINS)
	@set -e; for b in $(BENCHES); do echo "== $$b"; SAVANT_BIN_DIR=$(abspath $(BIN)) $$b $(BENCH_SECONDS); done
	@echo "== tests/bench/bench-api"; SAVANT_BIN_DIR=$(abspath $(BIN)) tests/bench/bench-api $(BENCH_SECONDS)
	@echo "== $(BUILD)/bench/bench-e2e --sweep (short: 2 rates)"; SAVANT_BIN_DIR=$(abspath $(BIN)) \
	    $(BUILD)/bench/bench-e2e --sweep 1000,10000 $(or $(BENCH_SECONDS),5)

# The full constant-rate latency sweep and the memory per market (docs/performance.md, "Latency
# at constant input rates"): BENCH_RATES events/s, BENCH_SWEEP_SECONDS each, then a fresh engine
# per count of BENCH_MEMORY_GAMES games (× 3 markets × 8 books). Not part of `make bench`.
BENCH_RATES ?= 1000,5000,10000,20000,40000
BENCH_SWEEP_SECONDS ?= 10
BENCH_MEMORY_GAMES ?= 1000,10000,50000
bench-sweep: deps
	@$(MAKE) --no-print-directory $(BUILD)/bench/bench-e2e $(BINS)
	@SAVANT_BIN_DIR=$(abspath $(BIN)) $(BUILD)/bench/bench-e2e --sweep $(BENCH_RATES) $(BENCH_SWEEP_SECONDS)
	@SAVANT_BIN_DIR=$(abspath $(BIN)) $(BUILD)/bench/bench-e2e --memory $(BENCH_MEMORY_GAMES)

format-check:
	clang-format --dry-run --Werror $(shell git ls-files '*.c' '*.h')

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
