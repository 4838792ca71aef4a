# Dossier scenarios (issue 6), sourced by scripts/bench.sh with $bin, $db,
# $url, $tmp, wrk_run.  The database grows to BENCH_DOSSIERS (default
# 1,000,000) dossiers: a few thousand made through the domain functions
# (`cchc demo`), then cloned in SQL with fresh codes and dates — a bench
# fixture, not history.  Then:
#   - public tracking lookups (a Lua script cycles through 1,000 real codes);
#   - the agency queue (JSON list and the HTML page) of a signed-in officer;
#   - durable intake: POST /api/v1/dossiers, each answered after its commit,
#     compared with the rate of bare durable one-row commits that sqlite3
#     makes on the same disk with the same settings (WAL, synchronous=FULL).

bench_dossiers=${BENCH_DOSSIERS:-1000000}
sqlite_path=${db#sqlite:}

$bin demo --db "$db" --dossiers 3000 --from 2025-12-01 --to 2026-11-20 --seed 7 >/dev/null 2>&1 ||
	{ echo "error: cchc demo failed" >&2; exit 1; }
have=$(sqlite3 "$sqlite_path" "SELECT COUNT(*) FROM dossier")
clone=$((bench_dossiers - have))
if [ "$clone" -gt 0 ]; then
	echo "bench: cloning $clone dossiers (SQL fixture)…" >&2
	sqlite3 "$sqlite_path" <<SQL >/dev/null
PRAGMA synchronous = OFF;
CREATE TEMP TABLE tpl AS SELECT d.*, a.eid AS eid, ROW_NUMBER() OVER (ORDER BY d.id) - 1 AS rn
	FROM dossier d JOIN agency a ON a.id = d.agency_id WHERE d.code IS NOT NULL;
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $clone)
INSERT INTO dossier (code, procedure_version_id, procedure_code, procedure_name, agency_id,
	handling_agency_id, channel, state, applicant_name, applicant_id, applicant_phone,
	applicant_email, applicant_address, request, documents_json, fee_due, fee_paid,
	postal_tracking, time_value, time_unit, submitted_at, received_at, due_at, promised_at,
	calendar_version, supplements, assignee_id, current_step, finished_at, outcome,
	returned_at, return_channel, return_tracking, version, created_at, updated_at)
SELECT t.eid || '-' || strftime('%y%m%d', t.received_at - (seq.i % 300) * 86400 + 25200, 'unixepoch')
	|| '-9' || printf('%07d', seq.i),
	t.procedure_version_id, t.procedure_code, t.procedure_name, t.agency_id,
	t.handling_agency_id, t.channel, t.state, t.applicant_name, t.applicant_id,
	printf('09%08d', seq.i), t.applicant_email, t.applicant_address, t.request,
	t.documents_json, t.fee_due, t.fee_paid, t.postal_tracking, t.time_value, t.time_unit,
	t.submitted_at - (seq.i % 300) * 86400, t.received_at - (seq.i % 300) * 86400,
	t.due_at - (seq.i % 300) * 86400, t.promised_at - (seq.i % 300) * 86400,
	t.calendar_version, t.supplements, t.assignee_id, t.current_step,
	t.finished_at - (seq.i % 300) * 86400, t.outcome, t.returned_at, t.return_channel,
	t.return_tracking, 1, t.created_at, t.updated_at
FROM seq JOIN tpl t ON t.rn = seq.i % (SELECT COUNT(*) FROM tpl);
ANALYZE;
SQL
fi
sqlite3 "$sqlite_path" "SELECT code || '?check=' || substr(applicant_phone, 7, 4) FROM dossier
	WHERE code IS NOT NULL ORDER BY random() LIMIT 1000" >"$tmp/codes.txt"
# The requests are formatted once, at start: formatting each one in Lua
# cost wrk, on the same cores, CPU that the /healthz baseline does not pay.
cat >"$tmp/track.lua" <<'LUA'
local reqs = {}
for line in io.lines(os.getenv("CODES")) do
	reqs[#reqs + 1] = wrk.format("GET", "/api/v1/track/" .. line)
end
local i = 0
request = function()
	i = i % #reqs + 1
	return reqs[i]
end
LUA
CODES="$tmp/codes.txt" wrk_run "tracking lookup" "/api/v1/track" -s "$tmp/track.lua"

# A signed-in clerk of a busy commune for the queue and intake.
busy=$(sqlite3 "$sqlite_path" "SELECT a.key FROM dossier d JOIN agency a ON a.id = d.agency_id
	WHERE a.kind = 'commune' GROUP BY a.key ORDER BY COUNT(*) DESC LIMIT 1")
printf 'bench-password-1\n' | $bin user add --db "$db" --username bench-clerk \
	--role clerk,specialist,leader --agency "$busy" >/dev/null 2>&1
signin=$(curl -s -c "$tmp/cookies" -H 'content-type: application/json' \
	-d '{"username":"bench-clerk","password":"bench-password-1"}' "$url/api/v1/session")
csrf=$(echo "$signin" | sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p')
cookie=$(awk '$6 == "cchc_session" { print "cchc_session=" $7 }' "$tmp/cookies")
wrk_run "agency queue (JSON)" "/api/v1/dossiers?queue=1" -H "Cookie: $cookie"
if curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$url/ho-so?queue=1" | grep -q 200; then
	wrk_run "agency queue (page)" "/ho-so?queue=1" -H "Cookie: $cookie"
fi

# Bare durable commits: one-row transactions by sqlite3 on the same disk,
# measured just before and just after the intake run (this machine's disk
# gave anything from 1,600 to 3,500 a second over one day), and averaged.
{
	echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	echo "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);"
	for i in $(seq 3000); do echo "INSERT INTO t (v) VALUES ('row $i');"; done
} >"$tmp/commits.sql"
bare_commit_rate() {
	local t0 t1

	rm -f "$tmp/commits.db" "$tmp/commits.db-wal" "$tmp/commits.db-shm"
	# Nothing else writing back meanwhile (the fixture was written with
	# synchronous=OFF): that would make the disk look slower than it is.
	sync
	t0=$(date +%s.%N)
	sqlite3 "$tmp/commits.db" <"$tmp/commits.sql" >/dev/null
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", 3000 / (b - a) }'
}
bare_before=$(bare_commit_rate)

procedure=$(sqlite3 "$sqlite_path" "SELECT p.code FROM procedure p JOIN procedure_version v ON v.procedure_id = p.id
	WHERE p.status = 'published' AND v.agency_kind = 'commune' LIMIT 1" 2>/dev/null)
[ -n "$procedure" ] || procedure=1.001193
cat >"$tmp/intake.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "$cookie"
wrk.headers["X-CSRF-Token"] = "$csrf"
wrk.body = '{"procedure":"$procedure","applicant":{"name":"Nguyễn Văn Bench","phone":"0905000000"}}'
LUA
wrk_run "durable intake" "/api/v1/dossiers" -s "$tmp/intake.lua"
intake_rps=$(echo "${results[${#results[@]} - 1]}" | cut -d'|' -f3)
bare_after=$(bare_commit_rate)
bare_commits=$(( (bare_before + bare_after) / 2 ))
extra_lines+=("bare durable one-row commits (sqlite3, WAL, synchronous=FULL, same disk): $bare_commits/s (before intake $bare_before/s, after $bare_after/s)")
extra_lines+=("durable intake / bare commits: $(awk -v a="$intake_rps" -v b="$bare_commits" 'BEGIN { printf "%.0f%%", 100 * a / b }') (target ≥ 50%)")
extra_lines+=("dossiers in the database: $(sqlite3 "$sqlite_path" 'SELECT COUNT(*) FROM dossier')")
