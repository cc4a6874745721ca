# membench: a thin driver over CMake (as neovim's Makefile is).
#   make              build (Release, -march=native)
#   make bench        the full suite; results/<machine>/<UTC>.json and latest.json
#   make bench-quick  the quick suite (under a minute)
#   make test         build and run the ctest programs
#   make plots        charts of the newest result (or RESULT=file.json) into results/<machine>/charts
#   make bench-deterministic   instruction counts under callgrind (GRIND_ARGS='--filter=RE')
#   make compare BASE=a.json NEW=b.json   the regression gate on two results (tools/mbcompare)
#   make bench-ci BASE=<rev>   the paired timing gate: BASE and this tree interleaved here
#   make bench-ci     the CI subset against results/<machine>/baseline.json (bench-ci-baseline)
#   make deps         check (and as root install) what membench needs: tools/deps.sh
#   make test-aarch64 cross-build for 64-bit Arm and run the tests under qemu-user
#   make deb          the Debian packages (membench, libmballoc0, libmballoc-dev) into ..
#   make install      membench, its tools, chart scripts, man page and mballoc into PREFIX
#                     (default /usr/local; DESTDIR=... stages it); make uninstall removes
#                     what the last install wrote (the build's install_manifest.txt)
# Variables: BUILD (build dir), CMAKE_FLAGS (e.g. -DMB_WERROR=ON), ARGS (extra membench
# flags, e.g. ARGS='--benchmark_filter=harness --mb_cpu=1'), RESULTS (results dir).

BUILD ?= build
PREFIX ?= /usr/local
RESULTS ?= results
CMAKE_FLAGS ?=
ARGS ?=
# What the user typed reaches the commands as data, never as shell or make syntax: the raw
# text (no make expansion of a '$') in the environment, split at spaces with globbing off
# (ARGS='--benchmark_filter=^a|b$$' is one filter; quotes inside ARGS are not removed).
export MB_ARGS := $(value ARGS)
export MB_COMPARE_ARGS := $(value COMPARE_ARGS)
export MB_GRIND_ARGS := $(value GRIND_ARGS)
export MB_BASE := $(value BASE)
export MB_NEW := $(value NEW)
export MB_RESULT := $(value RESULT)
PARTIAL := $(findstring benchmark_filter,$(value ARGS))
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
comma := ,

# What membench needs, by purpose (build, charts, allocators, tests), is in tools/deps.sh: it
# installs what is missing as root where apt works, prints the line to run otherwise, and
# never stops the build (MB_SKIP_DEPS=1 skips it; CMake names a missing library the build
# needs; a missing optional part turns its feature off).

.PHONY: plots-side-by-side
.PHONY: install uninstall deb docs
.PHONY: all deps build bench bench-quick bench-deterministic bench-ci bench-ci-baseline test test-aarch64 compare plots clean

all: build

deps:
	@bash tools/deps.sh

# One build at a time in a build directory: two make plots (each builds first) at once
# collided in the linker ("cannot find ...mbgrind.c.o"). flock(1) is util-linux's.
LOCK = $(shell command -v flock >/dev/null 2>&1 && echo flock $(BUILD)/.make.lock)
build: deps
	@mkdir -p $(BUILD)
	@$(LOCK) cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@$(LOCK) cmake --build $(BUILD) -j $(JOBS)

# A run with a filter in ARGS is partial: it goes to $(RESULTS)/partial/<machine>/ and leaves
# the machine's latest.json, charts and REPORT.md as they were (make plots RESULT=its-file
# draws it).
bench: build
	@set -f; start=$$(date +%s); echo '$(BUILD)/membench --mb_out_dir="$(RESULTS)$(if $(PARTIAL),/partial)"' "$$MB_ARGS"; \
	$(BUILD)/membench --mb_out_dir="$(RESULTS)$(if $(PARTIAL),/partial)" $$MB_ARGS || \
	  { rc=$$?; bash tools/lost.sh "$(RESULTS)$(if $(PARTIAL),/partial)" $(BUILD) $$rc $$start; exit $$rc; }
	$(if $(PARTIAL),@echo "membench: a partial run (a filter in ARGS): its result is under $(RESULTS)/partial/; latest.json$(comma) the charts and REPORT.md are left as they were",@$(MAKE) --no-print-directory plots RESULT=)

# Charts (SVG and PNG) of a result into results/<machine>/charts/ and the report beside them,
# results/<machine>/REPORT.md: the newest result of this machine, or RESULT=path/to/result.json.
# Several results (RESULT="a.json b.json", the first the reference): machines side by side,
# each machine's curves on one chart per family and a side-by-side table, into
# results/side-by-side/<A>-vs-<B>[...]/ (charts/ and REPORT.md).
plots: build
	@set -f; set -- $$MB_RESULT; if [ $$# -gt 1 ]; then $(MAKE) --no-print-directory plots-side-by-side; exit $$?; fi; \
	result="$$MB_RESULT"; \
	if [ -z "$$result" ]; then result="$(RESULTS)/$$($(BUILD)/membench --mb_machine_name)/latest.json"; fi; \
	if [ ! -f "$$result" ]; then echo "membench: no result to draw ($$result): run make bench, or give RESULT=" >&2; exit 2; fi; \
	machine=$$($(BUILD)/mbextract "$$result" --machine) || exit 2; \
	dir="$(RESULTS)/$$machine"; \
	if [ "$$(realpath "$$result")" != "$$(realpath -m "$$dir/latest.json")" ]; then \
	  name=$$(basename "$$result" .json | tr -c 'A-Za-z0-9._\n-' '_'); dir="$$dir/runs/$$name"; \
	  echo "plots: $$result is not $$machine's latest.json: drawn into $$dir, the machine's REPORT.md and charts left as they were"; \
	fi; \
	MB_TOOLS_DIR=$(BUILD) MB_PLOTS_DIR=plots bash tools/membench-plots.sh "$$result" "$$dir" && \
	if [ "$(RESULTS)" = results ]; then bash tools/docs-sync.sh $(BUILD); fi

# The blocks of README.md and docs/ that quote a committed report or a tool's output, filled
# from them (make test fails when one no longer matches).
docs: build
	@bash tools/docs-sync.sh $(BUILD)

plots-side-by-side: build
	@set -f; set -- $$MB_RESULT; names=""; \
	for r in "$$@"; do [ -f "$$r" ] || { echo "membench: no result $$r" >&2; exit 2; }; \
	  m=$$($(BUILD)/mbextract "$$r" --machine) || exit 2; names="$${names:+$$names-vs-}$$m"; done; \
	dir="$(RESULTS)/side-by-side/$$names"; mkdir -p "$$dir" && \
	views=$$(mktemp) && trap 'rm -f "$$views"' EXIT && $(BUILD)/membench --mb_views > "$$views" && \
	bash plots/machines.sh "$$dir/charts" $(BUILD)/mbextract --views="$$views" "$$@" && \
	tmp=$$(mktemp --suffix=.tmp "$$dir/.REPORT.XXXXXX") && \
	{ $(BUILD)/mbside --charts="$$dir/charts" --views="$$views" "$$@" > "$$tmp" && chmod "$$(umask -S | tr -d x)" "$$tmp" && mv "$$tmp" "$$dir/REPORT.md" || { rm -f "$$tmp"; exit 2; }; } && \
	echo "plots: $$dir/REPORT.md"

bench-quick: build
	@set -f; start=$$(date +%s); echo '$(BUILD)/membench --mb_quick --mb_out_dir="$(RESULTS)"' "$$MB_ARGS"; \
	$(BUILD)/membench --mb_quick --mb_out_dir="$(RESULTS)" $$MB_ARGS || { rc=$$?; bash tools/lost.sh "$(RESULTS)" $(BUILD) $$rc $$start; exit $$rc; }

# Instruction counts and simulated cache misses under callgrind: the same on every run, for
# regression gates where timings are too noisy. A portable build (valgrind has no AVX-512).
bench-deterministic: deps
	@cmake -S . -B $(BUILD)-portable -DMB_NATIVE=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD)-portable -j $(JOBS)
	set -f; $(BUILD)-portable/mbgrind --out_dir="$(RESULTS)" $$MB_GRIND_ARGS $(BUILD)-portable/membench

test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 600

# The same tests, cross-built for aarch64 and run under qemu-user (tools/test-aarch64.sh
# installs the cross toolchain and arm64 libraries as root; it says what to do otherwise).
test-aarch64:
	bash tools/test-aarch64.sh $(BUILD)-aarch64

# The regression gate on two results: median ratio, Mann-Whitney U p-value, verdict; exit 1
# on a significant slowdown beyond the threshold. COMPARE_ARGS='--threshold=0.05
# --family_threshold=hierarchy=0.2' to tune.
compare: build
	@if [ -z "$$MB_BASE" ] || [ -z "$$MB_NEW" ]; then echo "usage: make compare BASE=a.json NEW=b.json" >&2; exit 2; fi
	@set -f; $(BUILD)/mbcompare $$MB_COMPARE_ARGS "$$MB_BASE" "$$MB_NEW"

# CI regression tracking on the CI subset (benches/ci_subset.txt, one pattern per line, read
# here, by tools/bench-ci.sh and by mbgrind, so they never drift apart):
#   make bench-ci BASE=<rev>   the paired gate: BASE built once (kept under $(BUILD)/gate/),
#                              then BASE and this tree run in interleaved rounds on one PU and
#                              are judged by the signed-rank test over the rounds; needs no
#                              baseline, so it works on any runner (tools/bench-ci.sh;
#                              MB_GATE_ROUNDS, MB_GATE_REPS, COMPARE_ARGS='--threshold=0.05')
#   make bench-ci              against the committed baseline of this machine,
#                              results/<machine>/baseline.json, refused when its fingerprint
#                              is another machine's (make bench-ci-baseline writes it)
# The gate's exit status: 0 no regression, 1 regression, 2 could not run or judge; make itself
# exits 2 on any failure and names the gate's status in its "Error N" line, so scripts that
# need the three apart call bash tools/bench-ci.sh BASE BUILD (or mbcompare) directly.
CI_FILTER ?= ^($(shell paste -sd'|' benches/ci_subset.txt))$$
CI_RUN = $(BUILD)/membench --mb_quick --benchmark_filter='$(CI_FILTER)' --benchmark_repetitions=9 --mb_counters=none

bench-ci: build
	@if [ -n "$$MB_BASE" ]; then bash tools/bench-ci.sh "$$MB_BASE" "$(BUILD)"; exit $$?; fi; \
	machine=$$($(BUILD)/membench --mb_machine_name) && base=$(RESULTS)/$$machine/baseline.json; \
	if [ ! -f "$$base" ]; then echo "membench: no baseline for this machine ($$base): make bench-ci BASE=<rev> compares two builds here and needs none; make bench-ci-baseline makes one" >&2; exit 2; fi; \
	out=$$(mktemp -d "$${TMPDIR:-/tmp}/membench-ci.XXXXXX") || { echo "membench: cannot make a temporary directory (TMPDIR=$$TMPDIR)" >&2; exit 2; }; \
	trap 'rm -rf "$$out"' EXIT; \
	$(CI_RUN) --benchmark_out="$$out/new.json" >/dev/null || exit 2; \
	set -f; $(BUILD)/mbcompare $$MB_COMPARE_ARGS "$$base" "$$out/new.json"

bench-ci-baseline: build
	@machine=$$($(BUILD)/membench --mb_machine_name) && mkdir -p $(RESULTS)/$$machine && \
	$(CI_RUN) --benchmark_out=$(RESULTS)/$$machine/baseline.json >/dev/null && \
	echo "membench: new baseline in $(RESULTS)/$$machine/baseline.json"

# The prefix is configured into the build (the man page and mballoc.pc name it) and given to
# cmake --install; DESTDIR stages the files under another root (packaging).
install: deps
	@mkdir -p $(BUILD)
	@$(LOCK) cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX="$(PREFIX)" $(CMAKE_FLAGS) >/dev/null
	@$(LOCK) cmake --build $(BUILD) -j $(JOBS)
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

# Debian packages, built offline from the distribution's build dependencies (debian/control);
# tools/deps.sh deb installs those and dpkg-buildpackage's tools as root.
deb:
	@bash tools/deps.sh deb
	dpkg-buildpackage -b -us -uc
	@echo "membench: the packages are in $$(cd .. && pwd): $$(cd .. && ls membench_*.deb libmballoc*.deb 2>/dev/null | tr '\n' ' ')"

uninstall:
	@if [ ! -f $(BUILD)/install_manifest.txt ]; then echo "membench: nothing to uninstall ($(BUILD)/install_manifest.txt: no install from this build)" >&2; exit 2; fi
	@while IFS= read -r f || [ -n "$$f" ]; do rm -f -- "$(DESTDIR)$$f" && echo "removed $(DESTDIR)$$f"; done < $(BUILD)/install_manifest.txt

clean:
	rm -rf $(BUILD)
