#!/usr/bin/env bash
# After a membench run that did not end well (make bench): what it measured and where it is.
# A run killed where no handler runs (the OOM killer, a CI job's timeout) leaves its last
# checkpoint, <stamp>.partial.json, beside the results; latest.json, the charts and
# REPORT.md are as they were.
# Says nothing when the run wrote its result (an exit of 1 for a failed check, say): membench
# has said what went wrong.
# Usage: tools/lost.sh RESULTS_DIR BUILD_DIR EXIT_STATUS START (seconds since the epoch)
set -u
dir=$1 build=$2 rc=$3 start=$4
set -f # MB_ARGS (make's ARGS, for --mb_machine) split at spaces, never globbed
machine=$("$build/membench" ${MB_ARGS:-} --mb_machine_name 2>/dev/null) || exit 0
set +f
how="exit status $rc"
if [ "$rc" -gt 128 ]; then
  sig=$(kill -l $((rc - 128)) 2>/dev/null || echo "?")
  how="killed by SIG$sig"
  [ "$sig" = KILL ] && how="$how: the OOM killer (see dmesg) or a timeout?"
fi
newest=$(ls -t "$dir/$machine"/*.partial.json 2>/dev/null | head -n 1)
[ -n "$newest" ] && [ "$(stat -c %Y "$newest")" -lt "$start" ] && newest="" # an earlier run's
if [ -n "$newest" ] && what=$("$build/mbextract" "$newest" --incomplete 2>/dev/null); then
  echo "membench: the run ended early ($how): its last checkpoint, $newest, holds $what; the rest is lost. latest.json, the charts and REPORT.md are as they were." >&2
elif [ "$rc" -gt 128 ]; then
  echo "membench: the run ended early ($how) before its first checkpoint: nothing measured was kept; latest.json, the charts and REPORT.md are as they were." >&2
fi
