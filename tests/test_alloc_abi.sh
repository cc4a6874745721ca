#!/usr/bin/env bash
# test_alloc_abi.sh CC INCLUDE_DIR BUILD_DIR: a program compiled without MB_ALLOC_DEBUG does not
# link against the debug allocator library (nor one compiled with it against the release
# library): the inline fast paths would silently skip the debug checks. Both right pairs link.
set -u
cc=$1 inc=$2 build=$3
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
printf '#include "mballoc.h"\nint main(void) { mbp_pool_t p; if (mbp_pool_init(&p, 0)) return 1; mbp_pool_destroy(&p); return 0; }\n' > "$work/t.c"
try() { "$cc" -I"$inc" "$work/t.c" "$@" -o "$work/t" -lpthread > "$work/log" 2>&1; }
fails=0
try "$build/libmballoc.a" || { echo "FAIL: release header + release library did not link"; fails=$((fails + 1)); }
try -DMB_ALLOC_DEBUG "$build/libmballoc_debug.a" || { echo "FAIL: debug header + debug library did not link"; fails=$((fails + 1)); }
if try "$build/libmballoc_debug.a"; then echo "FAIL: release header + debug library linked"; fails=$((fails + 1)); fi
grep -q "mb_alloc_abi_release" "$work/log" || { echo "FAIL: the link error does not name the mismatch"; fails=$((fails + 1)); }
if try -DMB_ALLOC_DEBUG "$build/libmballoc.a"; then echo "FAIL: debug header + release library linked"; fails=$((fails + 1)); fi
echo "$((5 - fails)) passed, $fails failed"
[ $fails -eq 0 ]
