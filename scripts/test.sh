#!/bin/bash
# Runs every test suite and ends with one line: "N passed, N failed".
#
#   unit      Criterion tests under ASan+UBSan (build/asan/tests/*)
#   api       node:test over real HTTP against a real server, on SQLite and
#             on PostgreSQL (CCHC_TEST_PG, or a throwaway cluster started here)
#   browser   headless Debian Chromium driven by playwright-core
#
# `make test` builds first; this script only runs.
set -u
cd "$(dirname "$0")/.." || exit 1

passed=0
failed=0
failures=""
tmp=$(mktemp -d)
chmod 711 "$tmp"	# the PostgreSQL server runs as "postgres" when we are root
pg_dir=""

cleanup() {
	[ -n "$pg_dir" ] && scripts/pg.sh stop "$pg_dir" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

count() {	# suite, passed, failed
	passed=$((passed + $2))
	failed=$((failed + $3))
	[ "$3" -gt 0 ] && failures="$failures $1"
	printf '== %-28s %4d passed, %d failed\n' "$1" "$2" "$3"
}

# A real PostgreSQL for the "postgresql" halves of the suites.
if [ -z "${CCHC_TEST_PG:-}" ]; then
	pg_dir="$tmp/pg"
	if ! CCHC_TEST_PG=$(scripts/pg.sh start "$pg_dir"); then
		echo "error: cannot start a PostgreSQL server for the tests" >&2
		exit 1
	fi
	export CCHC_TEST_PG
fi
echo "PostgreSQL for tests: $CCHC_TEST_PG"

# Unit tests.  Criterion ends with
#   [====] Synthesis: Tested: N | Passing: N | Failing: N | Crashing: N
for t in build/asan/tests/test_*; do
	[ -x "$t" ] || continue
	name=unit/$(basename "$t")
	out="$tmp/$(basename "$t").log"
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		"$t" --jobs=2 >"$out" 2>&1
	rc=$?
	syn=$(grep 'Synthesis:' "$out" | tail -n 1)
	p=$(echo "$syn" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(echo "$syn" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
	c=$(echo "$syn" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
	p=${p:-0}; f=$(( ${f:-0} + ${c:-0} ))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	[ "$f" -gt 0 ] && cat "$out"
	count "$name" "$p" "$f"
done

# node:test suites print "# pass N" and "# fail N" with the TAP reporter.
run_node() {	# name, files...
	local name=$1 out="$tmp/node-$1.log" p f rc
	shift
	node --test --test-reporter=tap --test-concurrency=1 "$@" >"$out" 2>&1
	rc=$?
	p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -n 1)
	f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -n 1)
	p=${p:-0}; f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	[ "$f" -gt 0 ] && grep -v '^ *# Subtest' "$out" | grep -B2 -A30 '^not ok\|^ *not ok' | head -150
	count "$name" "$p" "$f"
}

# Every message of the source has its Vietnamese translation.
if scripts/po.sh check >"$tmp/po.log" 2>&1; then
	count i18n/vi.po 1 0
else
	cat "$tmp/po.log"
	count i18n/vi.po 0 1
fi

export CCHC_BIN=${CCHC_BIN:-$PWD/build/asan/cchc}
run_node api tests/api/*.test.mjs
run_node browser tests/browser/*.test.mjs

echo
[ -n "$failures" ] && echo "failed suites:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
