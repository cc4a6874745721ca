# membench: a thin driver over CMake (as neovim's Makefile is).
#   make              build (Release, -march=native)
#   make bench        the full suite; results/<machine>/<UTC>.json and latest.json
#   make bench-quick  the quick suite (under a minute)
#   make test         build and run the ctest programs
#   make bench-deterministic   instruction counts under callgrind (GRIND_ARGS='--filter=RE')
#   make compare BASE=a.json NEW=b.json   Google Benchmark's compare.py on two results
#   make deps         install the Debian packages membench needs (as root)
# Variables: BUILD (build dir), CMAKE_FLAGS (e.g. -DMB_WERROR=ON), ARGS (extra membench
# flags, e.g. ARGS='--benchmark_filter=harness --mb_cpu=1'), RESULTS (results dir).

BUILD ?= build
RESULTS ?= results
CMAKE_FLAGS ?=
ARGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# Debian 12 packages: build tools, the libraries membench links, and the tools around it.
DEBIAN_PACKAGES := cmake make gcc g++ pkg-config git \
	libbenchmark-dev libbenchmark-tools python3-scipy \
	libhwloc-dev hwloc libopenblas-dev libpfm4-dev libjansson-dev \
	libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev \
	gnuplot-nox valgrind

.PHONY: all deps build bench bench-quick bench-deterministic test compare clean

all: build

# Installs what is missing when run as root; otherwise prints the one line to run.
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "membench: installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else \
	    echo "membench: missing Debian packages; run:"; \
	    echo "  sudo apt-get install$$missing"; \
	    exit 1; \
	  fi; \
	fi

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

bench: build
	$(BUILD)/membench --mb_out_dir=$(RESULTS) $(ARGS)

bench-quick: build
	$(BUILD)/membench --mb_quick --mb_out_dir=$(RESULTS) $(ARGS)

# Instruction counts and simulated cache misses under callgrind: the same on every run, for
# regression gates where timings are too noisy. A portable build (valgrind has no AVX-512).
bench-deterministic: deps
	@cmake -S . -B $(BUILD)-portable -DMB_NATIVE=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)-portable -j $(JOBS)
	$(BUILD)-portable/mbgrind --out_dir=$(RESULTS) $(GRIND_ARGS) $(BUILD)-portable/membench

test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 600

# Side by side with Google Benchmark's own tool: Debian's python3 has scipy, the python3
# on PATH may not.
compare: deps
	@if [ -z "$(BASE)" ] || [ -z "$(NEW)" ]; then echo "usage: make compare BASE=a.json NEW=b.json" >&2; exit 2; fi
	/usr/bin/python3 /usr/share/benchmark/compare.py benchmarks $(BASE) $(NEW)

clean:
	rm -rf $(BUILD)
