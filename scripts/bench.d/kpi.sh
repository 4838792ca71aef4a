# Indicator scenarios (issue 9), sourced by scripts/bench.sh after
# dossier.sh, with $bin, $db, $url, $tmp, $server_pid, start_server and
# wrk_run.  The database holds BENCH_DOSSIERS (1,000,000) dossiers, cloned
# in SQL without history, so their counters are made here as a fixture:
#
#   - 1M: kpi_counter is built by SQL aggregation over the cloned dossiers
#     (the same classes as the dossier engine's counters: received by
#     channel on the day of receipt, finished by outcome on the day the
#     result was ready, returned by channel), then kpi_month from it.
#   - 10M: nine more copies of those counters, each shifted 660 days
#     further back (the 1M clones span about 655 days).  This is what
#     cloning 10,000,000 dossiers would give if the clones kept spreading
#     over new days: ten times the counter rows and ten times the history,
#     at the same daily volume.  Building real dossiers for that takes hours;
#     the indicators read only the counters, so the counters are what the
#     scenario must hold at 10M.
#
# Scenarios, signed in as a monitor (the whole province): the province
# dashboard (the HTML page of the year) and one indicator broken down by
# agency for the year (JSON), each at 1M and 10M, with the server's
# default settings (computed figures are kept kpi_cache_seconds, 10 s), and
# once more with the cache off (kpi_cache_seconds=0) and two connections, so
# that the cost of computing them every time shows too.

sqlite_path=${db#sqlite:}
kpi_year=$(date +%Y)
kpi_dash="/chi-so?period=$kpi_year"
kpi_break="/api/v1/kpi/breakdown?indicator=dossiers_on_time&by=children&period=$kpi_year"

kpi_triggers=$(sed -n '/^-- @sqlite$/,/^-- @postgresql$/p' assets/migrations/0010_kpi.sql | sed '1d;$d')

kpi_stop() {	# the fixtures write while no server runs
	if [ -n "$server_pid" ]; then
		kill "$server_pid" && wait "$server_pid" 2>/dev/null
		server_pid=""
	fi
}
kpi_rollup() {	# rebuilds kpi_month from kpi_counter, triggers off
	sqlite3 "$sqlite_path" <<SQL >/dev/null
.timeout 60000
PRAGMA synchronous = OFF;
DROP TRIGGER IF EXISTS kpi_counter_insert;
DROP TRIGGER IF EXISTS kpi_counter_update;
DROP TRIGGER IF EXISTS kpi_counter_delete;
DELETE FROM kpi_month;
INSERT INTO kpi_month (agency_id, month, metric, value)
SELECT CAST(substr(a.path, 2 + 9 * d.k, 8) AS INTEGER), substr(c.day, 1, 7), c.metric, SUM(c.value)
FROM kpi_counter c JOIN agency a ON a.id = c.agency_id
	JOIN kpi_depth d ON length(a.path) >= 10 + 9 * d.k
GROUP BY 1, 2, 3;
$kpi_triggers
ANALYZE;
SQL
}

kpi_stop
echo "bench: building the counters of $(sqlite3 "$sqlite_path" 'SELECT COUNT(*) FROM dossier') dossiers (SQL fixture)…" >&2
sqlite3 "$sqlite_path" <<'SQL' >/dev/null
.timeout 60000
PRAGMA synchronous = OFF;
DROP TRIGGER IF EXISTS kpi_counter_insert;
DROP TRIGGER IF EXISTS kpi_counter_update;
DROP TRIGGER IF EXISTS kpi_counter_delete;
DELETE FROM kpi_counter;
INSERT INTO kpi_counter (agency_id, procedure_code, day, metric, value)
SELECT agency_id, procedure_code, date(received_at + 25200, 'unixepoch'), 'received', COUNT(*)
FROM dossier WHERE received_at IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO kpi_counter (agency_id, procedure_code, day, metric, value)
SELECT agency_id, procedure_code, date(received_at + 25200, 'unixepoch'), 'received_' || channel,
	COUNT(*)
FROM dossier WHERE received_at IS NOT NULL AND channel IN ('online', 'postal') GROUP BY 1, 2, 3, 4;
INSERT INTO kpi_counter (agency_id, procedure_code, day, metric, value)
SELECT agency_id, procedure_code, date(finished_at + 25200, 'unixepoch'), 'finished', COUNT(*)
FROM dossier WHERE outcome IS NOT NULL AND finished_at IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO kpi_counter (agency_id, procedure_code, day, metric, value)
SELECT agency_id, procedure_code, date(finished_at + 25200, 'unixepoch'), 'finished_' || outcome,
	COUNT(*)
FROM dossier WHERE outcome IS NOT NULL AND finished_at IS NOT NULL GROUP BY 1, 2, 3, 4;
INSERT INTO kpi_counter (agency_id, procedure_code, day, metric, value)
SELECT agency_id, procedure_code, date(returned_at + 25200, 'unixepoch'), 'returned', COUNT(*)
FROM dossier WHERE returned_at IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO kpi_counter (agency_id, procedure_code, day, metric, value)
SELECT agency_id, procedure_code, date(returned_at + 25200, 'unixepoch'), 'returned_postal', COUNT(*)
FROM dossier WHERE returned_at IS NOT NULL AND return_channel = 'postal' GROUP BY 1, 2, 3;
SQL
kpi_rollup

printf 'bench-password-2\n' | $bin user add --db "$db" --username bench-monitor \
	--role monitor --agency ubnd-tinh >/dev/null 2>&1
kpi_signin() {
	curl -s -c "$tmp/kpi-cookies" -H 'content-type: application/json' \
		-d '{"username":"bench-monitor","password":"bench-password-2"}' "$url/api/v1/session" >/dev/null
	kpi_cookie=$(awk '$6 == "cchc_session" { print "cchc_session=" $7 }' "$tmp/kpi-cookies")
}
kpi_restart() {	# the server again, with the environment given
	kpi_stop
	# The fixtures were written with synchronous=OFF: have the kernel's
	# writeback done before measuring, not during (it ran into the
	# measurements right after the 10M fixture).
	sync
	start_server
	kpi_signin
}
kpi_p99() {	# the p99 in ms of the last result
	to_ms "$(echo "${results[${#results[@]} - 1]}" | cut -d'|' -f4)"
}
kpi_round() {	# name suffix [wrk args] → kpi_d, kpi_b: the two p99s
	local name=$1
	shift
	# Two unrecorded seconds each first: pages read into memory, figures
	# computed and cached, as on a server that has been running.
	wrk -t"$wthreads" -c"$conns" -d2s "$@" -H "Cookie: $kpi_cookie" "$url$kpi_dash" >/dev/null 2>&1 || true
	wrk -t"$wthreads" -c"$conns" -d2s "$@" -H "Cookie: $kpi_cookie" "$url$kpi_break" >/dev/null 2>&1 || true
	wrk_run "province dashboard $name" "$kpi_dash" -H "Cookie: $kpi_cookie" "$@"
	kpi_d=$(kpi_p99)
	wrk_run "breakdown by agency $name" "$kpi_break" -H "Cookie: $kpi_cookie" "$@"
	kpi_b=$(kpi_p99)
}

kpi_restart
kpi_round "(1M)"
d1=$kpi_d b1=$kpi_b
export CCHC_KPI_CACHE_SECONDS=0
kpi_restart
kpi_round "(1M, no cache)" -t1 -c2
d1n=$kpi_d b1n=$kpi_b
unset CCHC_KPI_CACHE_SECONDS
rows1=$(sqlite3 "$sqlite_path" 'SELECT COUNT(*) FROM kpi_counter')

kpi_stop
echo "bench: copying the counters to those of 10,000,000 dossiers (SQL fixture)…" >&2
sqlite3 "$sqlite_path" <<'SQL' >/dev/null
.timeout 60000
PRAGMA synchronous = OFF;
DROP TRIGGER IF EXISTS kpi_counter_insert;
DROP TRIGGER IF EXISTS kpi_counter_update;
DROP TRIGGER IF EXISTS kpi_counter_delete;
CREATE TEMP TABLE base AS SELECT * FROM kpi_counter;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 9)
INSERT INTO kpi_counter (agency_id, procedure_code, day, metric, value)
SELECT b.agency_id, b.procedure_code, date(b.day, '-' || (k.i * 660) || ' days'), b.metric, b.value
FROM base b JOIN k
WHERE true
ON CONFLICT (agency_id, procedure_code, day, metric) DO UPDATE SET value = value + excluded.value;
SQL
kpi_rollup
rows10=$(sqlite3 "$sqlite_path" 'SELECT COUNT(*) FROM kpi_counter')

kpi_restart
kpi_round "(10M)"
d10=$kpi_d b10=$kpi_b
export CCHC_KPI_CACHE_SECONDS=0
kpi_restart
kpi_round "(10M, no cache)" -t1 -c2
d10n=$kpi_d b10n=$kpi_b
unset CCHC_KPI_CACHE_SECONDS
kpi_restart

kpi_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
extra_lines+=("indicator counters: $rows1 rows (1M dossiers), $rows10 rows (10M)")
extra_lines+=("province dashboard p99: 1M $d1 ms, 10M $d10 ms, 10M/1M $(kpi_ratio "$d10" "$d1") (targets: < 50 ms, < 1.5)")
extra_lines+=("breakdown by agency p99: 1M $b1 ms, 10M $b10 ms, 10M/1M $(kpi_ratio "$b10" "$b1")")
extra_lines+=("the same computed every time (no cache, 2 connections): dashboard 1M $d1n ms, 10M $d10n ms ($(kpi_ratio "$d10n" "$d1n")); breakdown 1M $b1n ms, 10M $b10n ms ($(kpi_ratio "$b10n" "$b1n"))")
