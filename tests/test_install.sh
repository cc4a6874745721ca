#!/usr/bin/env bash
# test_install.sh SOURCE BUILD CMAKE: what a new user of an installed membench does, in a
# scratch prefix (cmake --install --prefix, and again under DESTDIR): a 10-line C program
# built with pkg-config's flags for mballoc and one built with find_package(mballoc) both run;
# the installed membench prints its version and help (exit 0) and its man page renders; the
# installed membench-plots finds its chart scripts and tools with the source tree out of reach.
set -u
src=$(cd "$1" && pwd) build=$(cd "$2" && pwd) cmake=$3
. "$(dirname "$0")/lib.sh"
work=$dir
"$cmake" --install "$build" --prefix "$work/prefix" > "$work/install.log" 2>&1 || { cat "$work/install.log"; echo "FAIL: cmake --install"; exit 1; }
p=$work/prefix
for f in bin/membench bin/membench-plots bin/mbreport bin/mbexport share/man/man1/membench.1 include/mballoc.h; do
  [ -e "$p/$f" ] || fail "not installed: $f"
done
pcdir=$(dirname "$(find "$p" -name mballoc.pc | head -n 1)")
[ -f "$pcdir/mballoc.pc" ] || fail "no mballoc.pc"

# The 10-line program, both ways.
cat > "$work/demo.c" <<'C'
#include <mballoc.h>
#include <stdio.h>
int main(void) {
  mbp_pool_t pool;
  if (mbp_pool_init(&pool, 0)) return 1;
  int *v = mbp_alloc(&pool, 10 * sizeof *v);
  for (int i = 0; i < 10; i++) v[i] = i * i;
  printf("mballoc %d\n", v[9]);
  mbp_free(&pool, v);
  mbp_pool_destroy(&pool);
  return 0;
}
C
if command -v pkg-config >/dev/null; then
  flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs mballoc) || fail "pkg-config --cflags --libs mballoc"
  cc "$work/demo.c" $flags -Wl,-rpath,"$p/lib" -L"$(dirname "$(find "$p" -name 'libmballoc.so' | head -n 1)")" -o "$work/demo_pc" 2> "$work/pc.log" ||
    { cat "$work/pc.log"; fail "a program built with pkg-config's flags"; }
  out=$(LD_LIBRARY_PATH=$(dirname "$(find "$p" -name 'libmballoc.so.0' | head -n 1)") "$work/demo_pc") && [ "$out" = "mballoc 81" ] ||
    fail "the pkg-config program ran: '$out'"
  echo "pkg-config: $flags: built and ran"
else
  fail "pkg-config is not installed (tools/deps.sh installs it)"
fi
mkdir -p "$work/user"
cp "$work/demo.c" "$work/user/demo.c"
printf 'cmake_minimum_required(VERSION 3.18)\nproject(demo C)\nfind_package(mballoc 0.1 REQUIRED)\nadd_executable(demo demo.c)\ntarget_link_libraries(demo PRIVATE mballoc::mballoc)\nadd_executable(demo_static demo.c)\ntarget_link_libraries(demo_static PRIVATE mballoc::mballoc_static)\n' > "$work/user/CMakeLists.txt"
if "$cmake" -S "$work/user" -B "$work/user/b" -DCMAKE_PREFIX_PATH="$p" > "$work/fp.log" 2>&1 && "$cmake" --build "$work/user/b" >> "$work/fp.log" 2>&1; then
  for t in demo demo_static; do
    out=$("$work/user/b/$t") && [ "$out" = "mballoc 81" ] || fail "find_package program $t ran: '$out'"
  done
  echo "find_package(mballoc): mballoc::mballoc and mballoc::mballoc_static built and ran"
else
  cat "$work/fp.log"; fail "a program built with find_package(mballoc)"
fi

# The installed membench, with the source and build trees out of its way.
cd "$work" || exit 1
"$p/bin/membench" --version | grep -q "^membench [0-9]" || fail "membench --version"
"$p/bin/membench" --help > "$work/help" || fail "membench --help exit status"
"$p/bin/membench" -h > /dev/null || fail "membench -h exit status"
grep -q -- "--mb_budget=DURATION" "$work/help" || fail "the help lacks --mb_budget"
grep -q '^\.TH MEMBENCH 1' "$p/share/man/man1/membench.1" || fail "the man page has no .TH line"
if command -v man >/dev/null; then
  MANWIDTH=80 man -l "$p/share/man/man1/membench.1" 2> "$work/man.err" > "$work/man.txt" || fail "man -l"
  grep -q "mb_budget=DURATION" "$work/man.txt" || fail "the rendered page lacks --mb_budget"
  [ -s "$work/man.err" ] && { cat "$work/man.err"; fail "man -l warned"; }
  echo "man -l: $(wc -l < "$work/man.txt") lines"
fi
# Every flag of the help is in the page: one text.
for flag in $(grep -o -- '--mb_[a-z_]*' "$work/help" | sort -u); do
  grep -q -- "$(printf '%s' "$flag" | sed 's/-/\\\\-/g')" "$p/share/man/man1/membench.1" || fail "the man page lacks $flag"
done
"$p/bin/membench" --mb_quick --mb_counters=none --mb_quiet_check=off --benchmark_filter='^harness/empty$' --mb_out_dir="$work/r" --mb_machine=inst \
  > /dev/null 2> "$work/run.err" || { cat "$work/run.err"; fail "the installed membench ran"; }
grep -q "about .* (a guess: no earlier quick run of inst" "$work/run.err" || fail "no estimate before the run: $(head -3 "$work/run.err")"
if command -v gnuplot >/dev/null; then
  env -u MB_TOOLS_DIR -u MB_PLOTS_DIR PATH=/usr/bin:/bin "$p/bin/membench-plots" "$work/r/inst/latest.json" > "$work/plots.out" 2>&1 ||
    { cat "$work/plots.out"; fail "membench-plots"; }
  [ -s "$work/r/inst/REPORT.md" ] && ls "$work/r/inst/charts/"*.svg > /dev/null 2>&1 || fail "membench-plots drew no report or charts"
fi
"$p/bin/membench-plots" > /dev/null 2>&1; [ $? -eq 2 ] || fail "membench-plots without arguments: not exit 2"

# DESTDIR: the files under it, the prefix in them the real one.
DESTDIR=$work/stage "$cmake" --install "$build" --prefix /opt/membench-test > /dev/null 2>&1 || fail "cmake --install with DESTDIR"
[ -x "$work/stage/opt/membench-test/bin/membench" ] || fail "DESTDIR: no membench under it"
grep -q "/opt/membench-test/share/membench/plots" "$work/stage/opt/membench-test/share/man/man1/membench.1" ||
  echo "note: the man page names the configured data directory, not --prefix's (configure with -DCMAKE_INSTALL_PREFIX to change it)"
finish
