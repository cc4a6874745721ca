#!/usr/bin/env bash
# fuzz.sh OUTDIR [SECONDS]: fuzz the tools that read result files (mbcompare, mbextract,
# mbreport) with libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, SECONDS each
# (default 10), starting from tests/fuzz_corpus. Any crash, sanitizer report or hang fails,
# and the input that caused it is left in OUTDIR. Exit 77 (skipped) without clang.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=$1
secs=${2:-10}
command -v clang >/dev/null || { echo "SKIP: clang is not installed (Debian packages clang, libclang-rt-14-dev)"; exit 77; }
mkdir -p "$out"
cd "$out"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -DMB_FUZZING -Dmain=tool_main -I$src/tools -I$src/harness -I$src/harness/include -I$src/alloc/include $(pkg-config --cflags jansson hwloc)"
libs="$(pkg-config --libs jansson) -lm"
for tool in mbcompare mbextract mbreport; do
  up=$(echo "$tool" | tr '[:lower:]' '[:upper:]')
  # shellcheck disable=SC2086
  clang $flags -DFUZZ_$up "$src/tools/$tool.c" "$src/tests/fuzz_tool.c" $libs -o "fuzz_$tool"
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
