#!/usr/bin/env bash
# test_c2c_pairs.sh BUILD SRC: which core-to-core pairs a run measures, on the hwloc exports of
# real machines in tests/data: every pair where there are at most 256 (16 in quick mode), all
# of them with --mb_long; beyond the budget a sample of exactly the budget that holds the
# first PU's row (as far as the budget goes), none twice, a < b always. (Listing every pair of
# the 384-PU export with --mb_long takes Google Benchmark minutes: it is listed only where
# there are at most 2,000.)
build=$1 src=$2
. "$src/tests/lib.sh"
command -v hwloc-calc > /dev/null || { echo "SKIP: no hwloc-calc (Debian: apt-get install hwloc)"; exit 77; }
list() { HWLOC_XMLFILE=$1 "$build/membench" --benchmark_list_tests --benchmark_filter='^hierarchy/c2c/' "${@:2}" 2>/dev/null |
  sed -n 's#^hierarchy/c2c/a:\([0-9]*\)/b:\([0-9]*\).*#\1 \2#p'; }
for xml in "$src"/tests/data/*.xml; do
  t=$(basename "$xml")
  n=$(hwloc-calc -i "$xml" --number-of pu all)
  all=$((n * (n - 1) / 2))
  list "$xml" > "$dir/def"
  list "$xml" --mb_quick > "$dir/quick"
  # Every pair of the PUs (by OS index), as --mb_long must list them.
  hwloc-calc -i "$xml" --po --intersect pu all | tr ',' '\n' | sort -n > "$dir/pus"
  awk 'NR == FNR { p[++k] = $1; next } END { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) print p[i], p[j] }' "$dir/pus" /dev/null > "$dir/all"
  [ "$(wc -l < "$dir/all")" = $all ] || fail "$t: hwloc-calc names $(wc -l < "$dir/pus") PUs, not $n"
  if [ $all -le 2000 ]; then
    list "$xml" --mb_long | sort > "$dir/long"
    sort "$dir/all" | cmp -s - "$dir/long" || fail "$t: --mb_long does not list every pair ($(wc -l < "$dir/long") of $all)"
  fi
  for mode in def quick; do
    budget=$([ $mode = def ] && echo 256 || echo 16)
    want=$((all < budget ? all : budget))
    got=$(wc -l < "$dir/$mode")
    [ "$got" = $want ] || fail "$t ($mode): $got pairs, expected $want"
    [ "$(sort -u "$dir/$mode" | wc -l)" = "$got" ] || fail "$t ($mode): a pair twice"
    awk '$1 >= $2 { bad = 1 } END { exit bad }' "$dir/$mode" || fail "$t ($mode): a pair with a >= b"
    grep -vxFf "$dir/all" "$dir/$mode" > "$dir/extra"
    [ -s "$dir/extra" ] && fail "$t ($mode): pairs that are not of two PUs here: $(head -2 "$dir/extra" | tr '\n' ' ')"
  done
  if [ $all -gt 256 ]; then
    # The first PU's row: one PU paired with every other.
    top=$(tr ' ' '\n' < "$dir/def" | sort -n | uniq -c | sort -rn | awk 'NR == 1 { print $1 }')
    row=$((n - 1 < 256 ? n - 1 : 256))
    [ "$top" = $row ] || fail "$t: no PU is paired with $row others in the sample (most: $top)"
  fi
done
finish
