#!/usr/bin/env bash
# deps.sh: what membench needs, by purpose, checked and (as root, where apt works) installed.
# Never stops the build: a missing optional part turns its feature off (CMake and the tests
# say so); a missing library the build needs is reported by CMake. MB_SKIP_DEPS=1 skips it.
#   build        cmake, a C/C++ compiler, pkg-config, Google Benchmark, hwloc, OpenBLAS,
#                libpfm4, jansson
#   charts       gnuplot
#   allocators   jemalloc, mimalloc, tcmalloc (gperftools), CPython's libpython3.11
#   tests        valgrind (also the deterministic mode), clang and its fuzzer runtime,
#                compare.py (libbenchmark-tools, python3-scipy), prometheus_client's
#                OpenMetrics parser (python3-prometheus-client), man -l (man-db)
#   lesson       NumPy for the Python lesson's getsizeof rows (python3-numpy)
set -u
[ "${MB_SKIP_DEPS:-0}" = 1 ] && exit 0
. /etc/os-release 2>/dev/null || true
id_like="${ID:-} ${ID_LIKE:-}"

# Fedora and its kind: one dnf line, printed; nothing checked by package name.
case "$id_like" in
*fedora* | *rhel* | *centos*)
  if ! pkg-config --exists hwloc jansson 2>/dev/null; then
    echo "membench: to build here: sudo dnf install cmake gcc gcc-c++ pkgconf google-benchmark-devel hwloc-devel" \
      "openblas-devel libpfm-devel jansson-devel gnuplot jemalloc-devel mimalloc-devel gperftools-devel python3-libs" \
      "valgrind-devel clang compiler-rt (or MB_SKIP_DEPS=1 to silence this)"
  fi
  exit 0
  ;;
esac
if ! dpkg-query -W -f='${Status}' dpkg >/dev/null 2>&1; then
  echo "membench: no dpkg here: packages are not checked; CMake says what is missing (MB_SKIP_DEPS=1 silences this)"
  exit 0
fi

# Debian and Ubuntu names, per release where they differ.
rt=14
case "${ID:-}:${VERSION_ID:-}" in
ubuntu:24.04) rt=18 ;;
ubuntu:22.04 | debian:12) rt=14 ;;
*) command -v clang >/dev/null && rt=$(clang -dumpversion | cut -d. -f1) ;;
esac
py=libpython3.11
case "${ID:-}:${VERSION_ID:-}" in
ubuntu:24.04) py=libpython3.12 ;;
ubuntu:22.04) py=libpython3.10 ;;
esac
# deps.sh deb: what make deb needs (dpkg-buildpackage, debhelper, lintian) as well.
packaging=""
[ "${1:-}" = deb ] && packaging="dpkg-dev debhelper fakeroot lintian"
build="cmake make gcc g++ pkg-config libbenchmark-dev libhwloc-dev hwloc libopenblas-dev libpfm4-dev libjansson-dev"
optional="gnuplot-nox libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev $py valgrind clang libclang-rt-$rt-dev libbenchmark-tools python3-scipy python3-numpy python3-prometheus-client man-db"
missing=""
for p in $build $optional $packaging; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "membench: installing$missing"
  # One package at a time where the whole line fails (a name this release lacks): the rest
  # still comes.
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing; } >/dev/null 2>&1; then
    for p in $missing; do
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 ||
        echo "membench: could not install $p; its feature stays off"
    done
  fi
else
  echo "membench: missing packages (what needs them stays off); to install:"
  echo "  sudo apt-get install$missing"
fi
exit 0
