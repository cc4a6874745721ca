#!/usr/bin/env bash
# test-aarch64.sh [BUILD]: cross-build membench for 64-bit Arm (aarch64-linux-gnu-gcc and the
# arm64 libraries, multiarch) into BUILD (default build-aarch64) and run its test suite under
# qemu-user. As root where apt works, it installs what is missing (dpkg --add-architecture
# arm64, then the packages below) and registers qemu's binfmt handler, so that the programs
# the tests start run too; elsewhere it prints what to do. `make test-aarch64` runs it.
# What qemu-user cannot emulate, the tests skip with the reason (MB_TEST_EMULATOR is set).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-aarch64}
say() { echo "test-aarch64: $*"; }
arch_pkgs="libbenchmark-dev libhwloc-dev libopenblas-dev libpfm4-dev libjansson-dev libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev libasan8 libubsan1"
host_pkgs="gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user-static"
py=$(/usr/bin/python3 -c 'import sys; print("libpython%d.%d" % sys.version_info[:2])' 2>/dev/null || echo libpython3.11)
want="$host_pkgs"
for p in $arch_pkgs $py; do want="$want $p:arm64"; done

installed() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed'; }
missing=""
if command -v dpkg-query >/dev/null; then
  for p in $want; do installed "$p" || missing="$missing $p"; done
elif ! command -v aarch64-linux-gnu-gcc >/dev/null; then
  say "no dpkg and no aarch64-linux-gnu-gcc: install a cross toolchain, the arm64 libraries and qemu-user, then run again"
  exit 2
fi
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    say "missing:$missing"
    say "to install: sudo dpkg --add-architecture arm64 && sudo apt-get update && sudo apt-get install$missing"
    exit 2
  fi
  say "installing$missing"
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The kernel runs aarch64 programs through qemu when binfmt_misc has its handler: the tests
# start membench and the tools as programs of their own, so ctest's emulator alone is not enough.
bf=/proc/sys/fs/binfmt_misc
if [ ! -e "$bf/qemu-aarch64" ]; then
  conf=/usr/lib/binfmt.d/qemu-aarch64.conf
  if [ "$(id -u)" = 0 ] && [ -f "$conf" ]; then
    [ -e "$bf/register" ] || mount -t binfmt_misc binfmt_misc "$bf" 2>/dev/null || true
    [ -e "$bf/register" ] && cat "$conf" > "$bf/register" 2>/dev/null || true
  fi
  if [ ! -e "$bf/qemu-aarch64" ]; then
    say "the kernel cannot run aarch64 programs (no qemu-aarch64 binfmt handler): as root, 'systemctl restart systemd-binfmt' (qemu-user-static), then run again"
    exit 2
  fi
fi

start=$(date +%s)
cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DMB_NATIVE=OFF -DMB_WERROR=ON >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
built=$(date +%s)
say "built in $((built - start)) s for $(readelf -h "$build/membench" | sed -n "s/^ *Machine: *//p")"
(cd "$build" && ctest --output-on-failure --timeout 600)
say "tests under qemu-user in $(($(date +%s) - built)) s"
