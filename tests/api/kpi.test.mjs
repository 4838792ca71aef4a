// The evaluation over real HTTP: a random workload of dossiers goes
// through the engine (`cchc demo`, the functions officers use, with the
// clock set to each moment); the test then reads every dossier's raw
// history through the API and computes the figures itself, and they must
// equal cchc's indicators — for the year, for a range of days cutting
// months in two, and per agency.  Also: a late dossier stays late after
// an apology, the plan's targets have verdicts, entered values, the 766
// weights, exports, the links to the dossiers, and who may see what.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, run } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';

const PASSWORD = 'mat-khau-danh-gia-2026';
const YEAR = 2026;
const SEED = String(1 + Math.floor(Math.random() * 100000));

function addUser(srv, username, roles, agency) {
	const r = run(['user', 'add', '--db', srv.db, '--username', username, '--role', roles,
		'--agency', agency, '--full-name', `Cán bộ ${username}`], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, r.stderr);
}

async function signedIn(srv, username) {
	const c = new Client(srv.url);
	await c.signIn(username, PASSWORD);
	return c;
}

async function get(client, path, status = 200) {
	const r = await client.request('GET', path);
	const text = await r.text();
	assert.equal(r.status, status, `${path}: ${text.slice(0, 300)}`);
	try { return JSON.parse(text); } catch { return text; }
}

const METRICS = ['received', 'received_online', 'received_postal', 'finished', 'finished_early',
	'finished_on_time', 'finished_late', 'late_apology_before', 'returned', 'returned_postal',
	'apology_before', 'apology_after'];

// The figures of one dossier, from its own record and history: which
// metric it adds to on which local day ("YYYY-MM-DD HH:MM" is local time).
function contributions(d) {
	const out = [];
	const day = (t) => t.slice(0, 10);
	const receive = d.events.find((e) => e.action === 'receive');
	if (receive && d.received_at) {
		out.push(['received', day(d.received_at)]);
		if (d.channel !== 'counter')
			out.push([`received_${d.channel}`, day(d.received_at)]);
	}
	const ready = d.events.find((e) => e.action === 'mark_ready');
	if (ready) {
		// Classed against the legal deadline (moved only by supplements),
		// never against the date an apology promised.
		const at = ready.at;
		const outcome = at > d.due_at ? 'late' : day(at) < day(d.due_at) ? 'early' : 'on_time';
		assert.equal(outcome, d.outcome, `dossier ${d.code} classed ${d.outcome}, history says ${outcome}`);
		out.push(['finished', day(at)], [`finished_${outcome}`, day(at)]);
		if (outcome === 'late' && d.apologies.some((a) => a.before_deadline))
			out.push(['late_apology_before', day(at)]);
	}
	if (d.returned_at) {
		out.push(['returned', day(d.returned_at)]);
		if (d.return_channel === 'postal')
			out.push(['returned_postal', day(d.returned_at)]);
	}
	for (const a of d.apologies)
		out.push([a.before_deadline ? 'apology_before' : 'apology_after', day(a.issued_at)]);
	return out;
}

function zero() {
	return Object.fromEntries(METRICS.map((m) => [m, 0]));
}

for (const backend of backends()) {
	describe(`indicators on ${backend}`, () => {
		let srv, mon, clerk, reporter, anon, dossiers, agencies;
		before(async () => {
			srv = await startServer({ backend, env: { CCHC_KPI_CACHE_SECONDS: '0' } });
			const r = run(['demo', '--db', srv.db, '--dossiers', '160', '--from', `${YEAR}-01-05`,
				'--to', `${YEAR}-11-20`, '--seed', SEED]);
			assert.equal(r.status, 0, r.stderr);
			addUser(srv, 'mon', 'monitor', 'ubnd-tinh');
			addUser(srv, 'clerk', 'clerk,specialist,leader', 'xa-dai-hiep');
			addUser(srv, 'rep', 'reporter', 'huyen-dai-loc');
			[mon, clerk, reporter] = await Promise.all(['mon', 'clerk', 'rep'].map((u) => signedIn(srv, u)));
			anon = new Client(srv.url);
			agencies = new Map((await get(anon, '/api/v1/agencies')).items.map((a) => [a.id, a]));
			// Every dossier with its history, as the monitor sees them all.
			const codes = [];
			for (let page = 1; ; page++) {
				const l = await get(mon, `/api/v1/dossiers?per_page=200&page=${page}`);
				codes.push(...l.items.filter((d) => d.code).map((d) => d.code));
				if (l.items.length < 200)
					break;
			}
			dossiers = [];
			for (const code of codes)
				dossiers.push(await get(mon, `/api/v1/dossiers/${encodeURIComponent(code)}`));
		});
		after(async () => { await srv.stop(); });

		// The figures of the dossiers received by agencies under `top`, over [from, to].
		function expected(from, to, top = null) {
			const sums = zero();
			for (const d of dossiers) {
				if (top !== null && !under(d.agency.id, top))
					continue;
				for (const [m, day] of contributions(d))
					if (day >= from && day <= to)
						sums[m]++;
			}
			return sums;
		}
		function under(id, top) {
			for (let a = agencies.get(id); a; a = agencies.get(a.parent))
				if (a.id === top)
					return true;
			return false;
		}

		test(`the workload (seed ${SEED}) has dossiers of every kind`, () => {
			assert.ok(dossiers.length >= 100, `${dossiers.length} dossiers`);
			const all = expected('0000', '9999');
			for (const m of ['received', 'received_online', 'finished', 'finished_late', 'returned'])
				assert.ok(all[m] > 0, `no ${m} in the workload`);
		});

		test('the year: cchc equals the figures computed from the history', async () => {
			const v = await get(mon, `/api/v1/kpi/values?period=${YEAR}`);
			const want = expected(`${YEAR}-01-01`, `${YEAR}-12-31`);
			for (const m of METRICS)
				assert.equal(v.counters[m], want[m], m);
			const item = (c) => v.items.find((i) => i.code === c);
			const onTime = item('dossiers_on_time');
			assert.equal(onTime.num, want.finished_early + want.finished_on_time);
			assert.equal(onTime.den, want.finished);
			assert.equal(onTime.value, Math.round(10000 * onTime.num / onTime.den) / 100);
			assert.equal(onTime.verdict, onTime.value >= 98 ? 'met' : 'not_met');
			assert.equal(item('dossiers_online').num, want.received_online);
			assert.equal(item('dossiers_online').den, want.received);
			assert.equal(item('late_apology').num, want.late_apology_before);
			assert.equal(item('late_apology').den, want.finished_late);
			assert.equal(item('dossiers_postal_received').value, want.received_postal);
			assert.equal(item('dossiers_postal_returned').value, want.returned_postal);
			assert.equal(item('apologies').value, want.apology_before + want.apology_after);
			// No ratings or payments yet: no data, not zero.
			assert.equal(item('satisfaction').value, null);
			assert.equal(item('satisfaction').verdict, 'no_data');
			for (const i of v.items) {
				assert.ok(i.name_vi && i.name_en && i.definition && i.formula && i.unit, i.code);
				assert.equal(typeof i.higher_is_better, 'boolean');
			}
		});

		test('a range of days that cuts months in two, and quarters and months', async () => {
			for (const [q, from, to] of [
				[`from=${YEAR}-02-10&to=${YEAR}-05-20`, `${YEAR}-02-10`, `${YEAR}-05-20`],
				[`from=${YEAR}-03-03&to=${YEAR}-03-17`, `${YEAR}-03-03`, `${YEAR}-03-17`],
				[`period=${YEAR}-Q2`, `${YEAR}-04-01`, `${YEAR}-06-30`],
				[`period=${YEAR}-H2`, `${YEAR}-07-01`, `${YEAR}-12-31`],
				[`period=${YEAR}-08`, `${YEAR}-08-01`, `${YEAR}-08-31`],
			]) {
				const v = await get(mon, `/api/v1/kpi/values?${q}`);
				const want = expected(from, to);
				assert.equal(v.period.from, from);
				assert.equal(v.period.to, to);
				for (const m of METRICS)
					assert.equal(v.counters[m], want[m], `${q}: ${m}`);
			}
		});

		test('by agency, by level and by month: each equals the history', async () => {
			const b = await get(mon, `/api/v1/kpi/breakdown?indicator=dossiers_finished&by=children&period=${YEAR}`);
			let total = 0;
			for (const r of b.rows) {
				const want = expected(`${YEAR}-01-01`, `${YEAR}-12-31`, r.agency.id);
				assert.equal(r.num, want.finished, r.agency.key);
				total += r.num;
			}
			const root = [...agencies.values()].find((a) => a.parent === null);
			const own = dossiers.filter((d) => d.agency.id === root.id && d.events.some((e) => e.action === 'mark_ready')
				&& d.events.find((e) => e.action === 'mark_ready').at.startsWith(`${YEAR}`)).length;
			assert.equal(total + own, expected(`${YEAR}-01-01`, `${YEAR}-12-31`).finished);
			// Ranked: best share first.
			const ranked = await get(mon, `/api/v1/kpi/breakdown?indicator=dossiers_on_time&period=${YEAR}`);
			const vals = ranked.rows.map((r) => r.value).filter((v) => v !== null);
			assert.deepEqual(vals, [...vals].sort((a, c) => c - a));
			const months = await get(mon, `/api/v1/kpi/breakdown?indicator=dossiers_received&by=month&period=${YEAR}`);
			assert.equal(months.rows.length, 12);
			for (const r of months.rows) {
				const [y, m] = r.month.split('-');
				const last = new Date(Date.UTC(+y, +m, 0)).getUTCDate();
				assert.equal(r.num, expected(`${r.month}-01`, `${r.month}-${String(last).padStart(2, '0')}`).received, r.month);
			}
			const communes = await get(mon, `/api/v1/kpi/breakdown?indicator=dossiers_received&by=level:commune&period=${YEAR}`);
			assert.ok(communes.rows.every((r) => r.agency.level === 'commune'));
		});

		test('a late dossier stays late after an apology gave it a new date', async () => {
			const saved = dossiers.filter((d) => d.outcome === 'late' && d.finished_at <= d.promised_at
				&& d.apologies.some((a) => a.before_deadline));
			assert.ok(saved.length > 0, 'the workload has late dossiers finished by their apology date');
			for (const d of saved) {
				assert.ok(d.finished_at > d.due_at);
				const day = d.finished_at.slice(0, 10);
				const v = await get(mon, `/api/v1/kpi/values?agency=${d.agency.id}&from=${day}&to=${day}`);
				const want = expected(day, day, d.agency.id);
				assert.equal(v.counters.finished_late, want.finished_late);
				assert.ok(v.counters.finished_late >= 1);
				assert.ok(v.counters.late_apology_before >= 1);
			}
		});

		test('every number links to the dossiers behind it', async () => {
			const want = expected(`${YEAR}-01-01`, `${YEAR}-12-31`);
			for (const [q, m] of [['by=finished&outcome=late', 'finished_late'],
				['by=finished&outcome=early', 'finished_early'], ['by=received', 'received'],
				['by=received&channel=online', 'received_online'], ['by=finished', 'finished'],
				['by=returned&channel=postal', 'returned_postal']]) {
				const l = await get(mon, `/api/v1/dossiers?agency=ubnd-tinh&from=${YEAR}-01-01&to=${YEAR}-12-31&${q}`);
				assert.equal(l.total, want[m], q);
			}
			const page = await get(mon, `/chi-so?period=${YEAR}`);
			assert.match(page, /href="\/ho-so\?agency=ubnd-tinh&amp;from=2026-01-01&amp;to=2026-12-31&amp;by=finished&amp;outcome=late"/);
			assert.match(page, /<svg class="chart" role="img" aria-labelledby="c\d+-t c\d+-d"/);
			assert.match(page, /<table>\n<caption>/);
			// The backlog: the open dossiers received, by age.
			const b = await get(mon, '/api/v1/kpi/backlog');
			const open = dossiers.filter((d) => d.received_at && !d.finished_at);
			assert.equal(b.open, open.length);
			assert.equal(b.buckets.reduce((s, x) => s + x.count, 0), open.length);
			assert.equal(b.overdue, open.filter((d) => d.due_at < new Date(Date.now() + 7 * 3600e3)
				.toISOString().slice(0, 16).replace('T', ' ')).length);
			await get(mon, '/api/v1/dossiers?outcome=soon', 400);
			await get(mon, '/api/v1/dossiers?agency=khong-co', 400);
			await get(mon, '/api/v1/dossiers?from=2026-13-01&to=2026-12-01', 400);
		});

		test("the plan's targets show measured values and verdicts", async () => {
			const t = await get(mon, `/api/v1/kpi/targets?period=${YEAR}`);
			assert.ok(t.items.length >= 5);
			for (const i of t.items)
				assert.ok(['met', 'not_met', 'no_data'].includes(i.verdict), JSON.stringify(i));
			const onTime = t.items.find((i) => i.indicator === 'dossiers_on_time');
			const v = await get(mon, `/api/v1/kpi/values?period=${YEAR}`);
			const measured = v.items.find((i) => i.code === 'dossiers_on_time').value;
			assert.equal(onTime.value, measured);
			assert.equal(onTime.verdict, measured >= onTime.threshold ? 'met' : 'not_met');
			assert.equal(onTime.trend.length, 12);
			// A target no indicator measures has no data until a value is entered.
			assert.ok(t.items.some((i) => i.verdict === 'no_data'));
			const old = await get(mon, '/api/v1/kpi/targets?period=2021');
			assert.equal(old.items.find((i) => i.indicator === 'dossiers_on_time').verdict, 'no_data');
			const satis = t.items.find((i) => i.indicator === 'satisfaction');
			assert.equal(satis.verdict, 'no_data');
			// A per-level target is judged per level.
			const perLevel = t.items.find((i) => i.levels.length > 0);
			if (perLevel)
				for (const l of perLevel.levels)
					assert.ok(['met', 'not_met', 'no_data'].includes(l.verdict));
			const html = await get(mon, `/chi-so/chi-tieu?period=${YEAR}`);
			assert.match(html, /class="tag (ok|bad|warn)"/);
		});

		test('entered values: reporters for their agency, audited, counted', async () => {
			let r = await reporter.request('POST', '/api/v1/kpi/entries', { json: {
				indicator: 'public_investment_disbursed', period: `${YEAR}`, value: 91.5,
				evidence: 'Báo cáo số 12/BC-UBND' } });
			assert.equal(r.status, 201, await r.text());
			r = await reporter.request('POST', '/api/v1/kpi/entries', { json: {
				indicator: 'public_investment_disbursed', agency: 'so-noi-vu', period: `${YEAR}`,
				value: 50, evidence: 'x' } });
			assert.equal(r.status, 403);
			for (const bad of [{ value: 101 }, { period: '2026-Q5' }, { indicator: 'dossiers_on_time' },
				{ evidence: '' }]) {
				r = await reporter.request('POST', '/api/v1/kpi/entries', { json: {
					indicator: 'public_investment_disbursed', period: `${YEAR}`, value: 90,
					evidence: 'e', ...bad } });
				assert.equal(r.status, 400, JSON.stringify(bad));
				assert.ok((await r.json()).error.field);
			}
			r = await clerk.request('POST', '/api/v1/kpi/entries', { json: {} });
			assert.equal(r.status, 403);
			const v = await get(mon, `/api/v1/kpi/values?agency=huyen-dai-loc&period=${YEAR}-Q3`);
			const pi = v.items.find((i) => i.code === 'public_investment_disbursed');
			assert.equal(pi.value, 91.5);
			assert.equal(pi.verdict, 'met');
			const e = await get(mon, '/api/v1/kpi/entries');
			assert.equal(e.items[0].evidence, 'Báo cáo số 12/BC-UBND');
			const audit = await get(mon, '/api/v1/audit?action=kpi.entry');
			assert.ok(JSON.stringify(audit).includes('kpi.entry'));
		});

		test('the 766 index: six groups, value × weight, weights are settings', async () => {
			const idx = await get(mon, `/api/v1/kpi/index766?period=${YEAR}`);
			assert.deepEqual(idx.groups.map((g) => g.max), [18, 20, 12, 10, 18, 22]);
			const progress = idx.groups[1].items[0];
			const v = await get(mon, `/api/v1/kpi/values?period=${YEAR}`);
			const onTime = v.items.find((i) => i.code === 'dossiers_on_time').value;
			assert.equal(progress.value, onTime);
			assert.equal(progress.points, Math.round(onTime * 20) / 100);
			let r = await clerk.request('PUT', '/api/v1/kpi/settings/766.progress.dossiers_on_time',
				{ json: { value: 10 } });
			assert.equal(r.status, 403);
			r = await mon.request('PUT', '/api/v1/kpi/settings/766.progress.dossiers_on_time',
				{ json: { value: 10 } });
			assert.equal(r.status, 200, await r.text());
			r = await mon.request('PUT', '/api/v1/kpi/settings/766.nothing', { json: { value: 1 } });
			assert.equal(r.status, 400);
			const after = await get(mon, `/api/v1/kpi/index766?period=${YEAR}`);
			assert.equal(after.groups[1].items[0].weight, 10);
			assert.equal(after.groups[1].items[0].points, Math.round(onTime * 10) / 100);
			const sum = after.groups.reduce((s, g) => s + g.score, 0);
			assert.ok(Math.abs(after.score - sum) < 0.02);
		});

		test('exports: XLSX, PDF and CSV of the dashboard', async () => {
			for (const [fmt, magic, type] of [['xlsx', 'PK', /spreadsheetml/], ['pdf', '%PDF', /pdf/],
				['csv', '\ufeffcode', /text\/csv/]]) {
				const r = await mon.request('GET', `/chi-so/xuat/${fmt}?period=${YEAR}`);
				assert.equal(r.status, 200);
				assert.match(r.headers.get('content-type'), type);
				assert.match(r.headers.get('content-disposition'), /attachment/);
				const body = Buffer.from(await r.arrayBuffer());
				assert.ok(body.toString('utf8', 0, magic.length + 2).startsWith(magic), fmt);
			}
			assert.equal((await mon.request('GET', '/chi-so/xuat/doc')).status, 404);
		});

		test('who sees what: monitors all, others their subtree, statistics public', async () => {
			const own = await get(clerk, `/api/v1/kpi/values?period=${YEAR}`);
			assert.equal(own.agency.key, 'xa-dai-hiep');
			const want = expected(`${YEAR}-01-01`, `${YEAR}-12-31`, own.agency.id);
			assert.equal(own.counters.received, want.received);
			await get(clerk, `/api/v1/kpi/values?agency=ubnd-tinh`, 403);
			await get(clerk, `/api/v1/kpi/values?agency=xa-dai-hoa`, 403);
			await get(clerk, `/api/v1/kpi/breakdown?indicator=dossiers_received&agency=huyen-dai-loc`, 403);
			await get(reporter, `/api/v1/kpi/values?agency=xa-dai-hiep&period=${YEAR}`);
			await get(anon, '/api/v1/kpi/values', 401);
			await get(anon, '/chi-so', 401);
			await get(mon, '/api/v1/kpi/values?period=20x6', 400);
			await get(mon, '/api/v1/kpi/values?from=2026-05-01', 400);
			await get(mon, '/api/v1/kpi/values?from=2026-05-01&to=2026-04-01', 400);
			await get(mon, '/api/v1/kpi/breakdown?indicator=nope', 400);
			await get(mon, '/api/v1/kpi/breakdown?indicator=dossiers_received&by=everything', 400);
			// Public: every agency with dossiers, this month and this year.
			const s = await get(anon, '/api/v1/stats');
			const root = s.items.find((i) => i.depth === 0);
			assert.equal(root.year.received, expected(`${YEAR}-01-01`, `${YEAR}-12-31`).received);
			assert.equal(root.year.late, expected(`${YEAR}-01-01`, `${YEAR}-12-31`).finished_late);
			const html = await get(anon, '/thong-ke');
			assert.match(html, /<table class="stats">/);
			const defs = await get(anon, '/api/v1/kpi/indicators');
			assert.ok(defs.items.some((d) => d.code === 'dossiers_on_time' && d.target === 98));
		});
	});
}
