#!/usr/bin/env bash
# fuzz.sh OUTDIR [SECONDS]: fuzz the tools that read result files (mbcompare, mbextract,
# mbreport) with libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, SECONDS each
# (default 10), starting from tests/fuzz_corpus. Any crash, sanitizer report or hang fails,
# and the input that caused it is left in OUTDIR. Exit 77 (skipped) without clang.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=$1
secs=${2:-10}
command -v clang >/dev/null || { echo "SKIP: clang is not installed (Debian/Ubuntu: clang and its libclang-rt-N-dev)"; exit 77; }
mkdir -p "$out"
cd "$out"
# clang without its fuzzer runtime (libclang-rt-N-dev on Debian and Ubuntu) cannot link one.
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' > probe.c
clang -fsanitize=fuzzer,address probe.c -o probe > probe.log 2>&1 ||
  { echo "SKIP: clang cannot link a fuzzer here (its runtime, libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev on Debian/Ubuntu, is missing)"; exit 77; }
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -DMB_FUZZING -Dmain=tool_main -I$src/tools -I$src/harness -I$src/harness/include -I$src/alloc/include $(pkg-config --cflags jansson hwloc)"
libs="$(pkg-config --libs jansson) -lm"
for tool in mbcompare mbextract mbreport; do
  up=$(echo "$tool" | tr '[:lower:]' '[:upper:]')
  extra=""
  [ "$tool" = mbextract ] && extra="$src/tools/series.c $src/tools/charts.c $src/tools/chartgrid.c $src/tools/chartgp.c" # as CMakeLists.txt builds mbextract
  [ "$tool" = mbreport ] && extra="$src/tools/series.c" # likewise
  # shellcheck disable=SC2086
  clang $flags -DFUZZ_$up "$src/tools/$tool.c" $extra "$src/tests/fuzz_tool.c" $libs -o "fuzz_$tool"
  work=$(mktemp -d)
  if ! ASAN_OPTIONS=detect_leaks=0 "./fuzz_$tool" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      "$work" "$src/tests/fuzz_corpus" > "fuzz_$tool.log" 2>&1; then
    tail -40 "fuzz_$tool.log"
    echo "fuzz_$tool: FAILED; the input is in $out"
    exit 1
  fi
  echo "fuzz_$tool: $(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "fuzz_$tool.log" | tail -1)s, no crash or sanitizer report"
  rm -rf "$work"
done
