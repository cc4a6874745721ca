#!/usr/bin/env bash
# test_docs.sh SRC BUILD: README.md and docs/*.md say what the files say. Every block copied
# from a result's report or printed by a tool matches its source now (tools/docs-sync.sh
# --check), every relative link names a file of the tree, the README stays a short front
# page, and docs-sync refuses what it must not run or cannot find.
src=$1 build=$2
. "$src/tests/lib.sh"
cd "$src" || exit 1
bash tools/docs-sync.sh --check "$build" || fail "a block of the docs no longer matches its source: run make docs"
for doc in README.md docs/*.md; do
  base=$(dirname "$doc")
  grep -o '](\([^)#]*\))' "$doc" | sed 's/^](//; s/)$//' | grep -v '^[a-z]*:' | sort -u |
    while read -r link; do
      [ -e "$base/$link" ] || echo "$doc: $link"
    done
done > "$dir/broken"
[ -s "$dir/broken" ] && fail "links to nothing: $(tr '\n' ' ' < "$dir/broken")"
lines=$(wc -l < README.md)
[ "$lines" -le 200 ] || fail "README.md has $lines lines (at most 200: the manual lives in docs/)"

# docs-sync on crafted documents, in a scratch tree: it runs only the project's mb* tools,
# names a missing heading, and leaves a document it cannot fill as it was.
mkdir -p "$dir/t/docs"
printf '# r\n\n## A\n\nx 1\n\n## B\n' > "$dir/t/r.md"
printf 'a\n<!-- from r.md: ## A -->\nold\n<!-- end -->\n' > "$dir/t/README.md"
(cd "$dir/t" && bash "$src/tools/docs-sync.sh" --check "$build" 2>/dev/null) && fail "--check passed a stale block"
(cd "$dir/t" && bash "$src/tools/docs-sync.sh" "$build" >/dev/null) || fail "docs-sync could not fill a block"
[ "$(sed -n 3p "$dir/t/README.md")" = "x 1" ] || fail "the block was not filled from its heading: $(cat "$dir/t/README.md")"
(cd "$dir/t" && bash "$src/tools/docs-sync.sh" --check "$build") || fail "--check failed a block just filled"
printf '<!-- from r.md: ## C -->\n<!-- end -->\n' > "$dir/t/docs/x.md"
(cd "$dir/t" && bash "$src/tools/docs-sync.sh" "$build" 2> "$dir/err"); rc=$?
[ $rc = 2 ] && grep -q 'no heading "## C"' "$dir/err" || fail "a missing heading: rc $rc, $(cat "$dir/err")"
printf '<!-- run: rm -rf /tmp/nothing -->\n<!-- end -->\n' > "$dir/t/docs/x.md"
(cd "$dir/t" && bash "$src/tools/docs-sync.sh" "$build" 2> "$dir/err"); rc=$?
[ $rc = 2 ] && grep -q 'only build/mb\* tools' "$dir/err" || fail "a command that is not a tool: rc $rc, $(cat "$dir/err")"
[ "$(cat "$dir/t/docs/x.md")" = "$(printf '<!-- run: rm -rf /tmp/nothing -->\n<!-- end -->')" ] || fail "a refused document was changed"
finish
