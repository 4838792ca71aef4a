#!/bin/bash
# make bench: a release build under wrk on loopback.  Every scenario is
# reported as requests/s and p99 latency, and as a ratio to the /healthz
# baseline measured in the same run, so figures from different machines
# can be compared.
#
#   BENCH_SECONDS=10 BENCH_CONNECTIONS=64 BENCH_THREADS=2 scripts/bench.sh
set -eu
cd "$(dirname "$0")/.."

secs=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-64}
wthreads=${BENCH_THREADS:-2}
tmp=$(mktemp -d)
server_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

make --no-print-directory -s all OPT="-O2 -DNDEBUG"
bin=build/cchc
db="sqlite:$tmp/bench.db"
$bin init --db "$db" --demo >/dev/null

start_server() {
	: >"$tmp/server.log"
	# Public lookups are rate-limited per address; wrk is one address.
	$bin serve --db "$db" --listen 127.0.0.1:0 --track-rate-limit 0 2>"$tmp/server.log" &
	server_pid=$!
	for _ in $(seq 100); do
		url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$tmp/server.log")
		[ -n "$url" ] && return 0
		sleep 0.1
	done
	echo "error: the server did not start" >&2
	cat "$tmp/server.log" >&2
	exit 1
}

# wrk_run NAME PATH [WRK ARGS…] → appends "NAME|PATH|req/s|p99" to the results
results=()
extra_lines=()
wrk_run() {
	local name=$1 path=$2 out rps p99
	shift 2
	out=$(wrk -t"$wthreads" -c"$conns" -d"${secs}s" --latency "$@" "$url$path")
	rps=$(echo "$out" | awk '/^Requests\/sec:/ {print $2}')
	p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
	if echo "$out" | grep -q 'Non-2xx or 3xx responses\|Socket errors'; then
		echo "error: $name answered with errors:" >&2
		echo "$out" >&2
		exit 1
	fi
	results+=("$name|$path|$rps|$p99")
}

to_ms() {	# wrk prints 1.23ms, 456.00us or 1.02s
	case $1 in
	*ms) echo "${1%ms}" ;;
	*us) awk -v v="${1%us}" 'BEGIN { printf "%.3f", v / 1000 }' ;;
	*s) awk -v v="${1%s}" 'BEGIN { printf "%.3f", v * 1000 }' ;;
	*) echo "$1" ;;
	esac
}

start_server
css=$(curl -s "$url/" | sed -n 's/.*href="\(\/static\/cchc.css?v=[0-9a-f]*\)".*/\1/p' | head -n 1)
[ -n "$css" ] || css=/static/cchc.css

wrk_run "healthz (baseline)" /healthz
wrk_run "static asset" "$css"
# Each feature adds its scenarios as a file in scripts/bench.d/.
for scenario in scripts/bench.d/*.sh; do
	[ -f "$scenario" ] || continue
	# shellcheck disable=SC1090
	. "$scenario"
done

# Graceful shutdown under load: SIGTERM half-way through a wrk run; no
# request may be answered with a reset (wrk's "read" errors).
wrk -t"$wthreads" -c"$conns" -d4s "$url/healthz" >"$tmp/term.out" 2>&1 &
wrk_pid=$!
sleep 2
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""
wait "$wrk_pid" || true
resets=$(sed -n "s/.*read \([0-9]*\).*/\1/p" "$tmp/term.out" | tail -n 1)
resets=${resets:-0}

base_rps=$(echo "${results[0]}" | cut -d'|' -f3)
printf '\nmachine: %s, %s cores; wrk -t%s -c%s -d%ss on loopback\n\n' \
	"$(uname -m)" "$(nproc)" "$wthreads" "$conns" "$secs"
printf '%-28s %12s %10s %10s\n' scenario "requests/s" "p99 ms" "vs healthz"
for r in "${results[@]}"; do
	IFS='|' read -r name path rps p99 <<<"$r"
	printf '%-28s %12.0f %10s %9.0f%%\n' "$name" "$rps" "$(to_ms "$p99")" \
		"$(awk -v a="$rps" -v b="$base_rps" 'BEGIN { print 100 * a / b }')"
done
for line in "${extra_lines[@]}"; do
	printf '%s\n' "$line"
done
printf '\nSIGTERM during load: %s connections reset (must be 0)\n' "$resets"
[ "$resets" -eq 0 ]
