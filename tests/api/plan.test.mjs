// The reform plan (issue 7) over real HTTP, on every backend: the seed's
// plan as `cchc init --demo` imports it, with all its tasks, areas and
// targets and the oddities of the real document reported; a second import
// that changes nothing; who may report on which task; overdue tasks; the
// periodic report agreeing with the task list; its PDF and XLSX; targets,
// submissions, reminders and corrections.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends, startServer, run } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';

const PASSWORD = 'mat-khau-ke-hoach-2021';
const SEED = new URL('../../assets/data/plan-2021.txt', import.meta.url).pathname;
const P = '/api/v1/plans/2021';

function addUser(srv, username, roles, agency) {
	const r = run(['user', 'add', '--db', srv.db, '--username', username, '--role', roles,
		'--agency', agency, '--full-name', `Cán bộ ${username}`], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, r.stderr);
}

async function json(res, status) {
	const body = await res.json();
	if (status !== undefined)
		assert.equal(res.status, status, JSON.stringify(body));
	return body;
}

// Counts by state of a task list's items, groups left out, as the list counts them.
function countItems(items) {
	const c = { not_started: 0, on_track: 0, due_soon: 0, overdue: 0, done_on_time: 0,
		done_late: 0, total: 0 };
	for (const t of items.filter((t) => !t.group)) {
		c[t.state]++;
		c.total++;
	}
	return c;
}

for (const backend of backends()) {
	describe(`plan on ${backend}`, () => {
		let srv, mon, dl, tttt, noivu, admin;
		before(async () => {
			srv = await startServer({ backend });
			addUser(srv, 'giam-sat', 'monitor', 'so-noi-vu');
			addUser(srv, 'bc-dai-loc', 'reporter', 'huyen-dai-loc');
			addUser(srv, 'bc-tttt', 'reporter', 'so-thong-tin-truyen-thong');
			addUser(srv, 'bc-noi-vu', 'reporter', 'so-noi-vu');
			addUser(srv, 'quan-tri', 'admin', 'ubnd-tinh');
			mon = new Client(srv.url);
			await mon.signIn('giam-sat', PASSWORD);
			dl = new Client(srv.url);
			await dl.signIn('bc-dai-loc', PASSWORD);
			tttt = new Client(srv.url);
			await tttt.signIn('bc-tttt', PASSWORD);
			noivu = new Client(srv.url);
			await noivu.signIn('bc-noi-vu', PASSWORD);
			admin = new Client(srv.url);
			await admin.signIn('quan-tri', PASSWORD);
		});
		after(async () => { await srv?.stop(); });

		test('the demo data has the seed plan: areas, tasks, targets, reporting duties', async () => {
			const list = await json(await mon.request('GET', '/api/v1/plans'), 200);
			assert.equal(list.items.length, 1);
			assert.equal(list.items[0].key, '2021');
			assert.equal(list.items[0].tasks, 51);
			assert.equal(list.items[0].targets, 23);
			const plan = await json(await mon.request('GET', P), 200);
			assert.equal(plan.title, 'Kế hoạch công tác cải cách hành chính năm 2021');
			assert.equal(plan.issuer.agency.key, 'ubnd-tinh');
			assert.equal(plan.signed_by, 'Hồ Quang Bửu');
			assert.equal(plan.decision.number, null, 'left blank in the document');
			assert.equal(plan.agency_plan_due, '2021-01-31');
			assert.equal(plan.remind_days, 14);
			assert.deepEqual(plan.areas.map((a) => a.code), ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII']);
			assert.equal(plan.areas[5].title, 'Xây dựng và phát triển Chính phủ điện tử');
			assert.deepEqual(plan.periods.map((p) => p.code), ['plan', 'Q1', 'H1', 'Q3', 'Y']);

			const tasks = await json(await mon.request('GET', `${P}/tasks`), 200);
			assert.equal(tasks.items.length, 51);
			assert.equal(tasks.counts.total, 50, 'the group VII.10 is not counted');
			const byRef = Object.fromEntries(tasks.items.map((t) => [t.ref, t]));
			assert.equal(byRef['VII.10'].group, true);
			assert.equal(byRef['VII.10.c'].parent, 'VII.10');
			assert.equal(byRef['III.3-2'].number, '3', 'kept as printed');
			assert.deepEqual(byRef['VII.12'].deadline.dates, ['2021-06-30', '2021-12-31']);
			assert.equal(byRef['VII.12'].deadline.kind, 'dates');
			assert.equal(byRef['VII.11'].deadline.starts, '2021-04-01');
			assert.equal(byRef['VI.1'].deadline.text, 'Quý I/ 2021');
			assert.equal(byRef['I.3'].deadline.kind, 'recurring');
			assert.equal(byRef['III.3'].deadline.kind, 'conditional');
			assert.deepEqual(byRef['IV.5'].lead.map((a) => a.key).sort(),
				['so-noi-vu', 'so-thong-tin-truyen-thong']);
			assert.equal(byRef['VI.9'].lead.length, 0);
			assert.equal(byRef['VI.9'].lead_text, 'Sửa đổi, bổ sung');
			assert.ok(byRef['I.4'].product.endsWith('thông tin điện tử của Sở Kế hoạch và Đầu tư.'));

			const one = await json(await mon.request('GET', `${P}/tasks/I.2`), 200);
			assert.equal(one.coordinating.length, 37, 'the Sở, Ban, ngành and the districts');
			assert.ok(one.coordinating.some((a) => a.key === 'huyen-dai-loc'
				&& a.via === 'UBND các huyện, thị xã, thành phố'));

			const targets = await json(await mon.request('GET', `${P}/targets`), 200);
			assert.equal(targets.items.length, 23);
			const levels = targets.items.find((t) => t.levels.length);
			assert.deepEqual(levels.levels.map((l) => [l.level, l.threshold]),
				[['province', 100], ['district', 80], ['commune', 60]]);
			const sat = targets.items.find((t) => t.indicator === 'satisfaction');
			assert.equal(sat.comparison, '>');
			assert.equal(sat.threshold, 85);
			assert.equal(targets.items.find((t) => t.indicator === 'dossiers_on_time').threshold, 98);
		});

		test('the oddities of the real document are reported, not hidden', async () => {
			const w = await json(await mon.request('GET', `${P}/warnings`), 200);
			const has = (kind, where) => w.items.some((x) => x.kind === kind && (!where || x.where === where));
			assert.ok(has('duplicate_number', 'III.3-2'), 'III numbered 1, 2, 3, 4, 3');
			assert.ok(has('shifted_columns', 'VI.9/lead'), 'VI.9 columns shifted');
			assert.ok(w.items.some((x) => x.kind === 'unknown_agency' && x.text === 'Đất đai'));
			assert.ok(has('continued_cell', 'I.4/product'), 'a cell over a page break');
			assert.ok(has('repeated_header', 'table'));
			assert.ok(has('blank_decision_number'));
			assert.ok(has('conditional_deadline', 'III.3/deadline'));
			assert.ok(has('vague_agencies', 'I.1/coordinating'));
			assert.ok(w.items.every((x) => x.message && x.where !== undefined && x.line > 0));
			// Reporters may not review them; admins may read them.
			assert.equal((await dl.request('GET', `${P}/warnings`)).status, 403);
			assert.equal((await admin.request('GET', `${P}/warnings`)).status, 200);
		});

		test('cchc plan import --dry-run --json prints the plan as read, without writing', () => {
			const r = run(['plan', 'import', '--db', srv.db, SEED, '--dry-run', '--json']);
			assert.equal(r.status, 0, r.stderr);
			const doc = JSON.parse(r.stdout);
			assert.equal(doc.plan.key, '2021');
			assert.equal(doc.areas.length, 7);
			const tasks = doc.areas.flatMap((a) => a.tasks);
			assert.equal(tasks.length + tasks.flatMap((t) => t.children).length, 51);
			const t = doc.areas[3].tasks[1];
			assert.equal(t.number, '2');
			assert.equal(t.deadline.text, 'Quý II/2021');
			assert.equal(t.deadline.kind, 'date');
			assert.deepEqual(t.deadline.dates, ['2021-06-30']);
			assert.deepEqual(t.lead, ['Sở Nội vụ']);
			assert.ok(t.coordinating.includes('Ủy ban nhân dân huyện Đại Lộc'));
			const vii10 = doc.areas[6].tasks.find((x) => x.number === '10');
			assert.deepEqual(vii10.children.map((c) => c.number), ['a', 'b', 'c']);
			assert.ok(doc.warnings.length >= 15);
			assert.ok(doc.warnings.every((w) => typeof w.where === 'string' && w.message));
			assert.equal(doc.targets.length, 23);
			assert.equal(doc.import.dry_run, true);
		});

		test('a second import changes nothing', async () => {
			const before = await json(await mon.request('GET', `${P}/tasks`), 200);
			const warnings = (await json(await mon.request('GET', `${P}/warnings`), 200)).items.length;
			let r = run(['plan', 'import', '--db', srv.db, SEED]);
			assert.equal(r.status, 0, r.stderr);
			assert.match(r.stdout, /nothing changed: 0 created, 0 updated/);
			// Through the API, with the text changed only by trailing blank lines.
			const text = readFileSync(SEED, 'utf8') + '\n\n';
			const res = await json(await admin.request('POST', '/api/v1/plans/import', { json: { text } }), 200);
			assert.equal(res.import.created, 0);
			assert.equal(res.import.updated, 0);
			assert.equal(res.import.warnings_new, 0);
			assert.equal(res.import.plan_created, false);
			const afterList = await json(await mon.request('GET', `${P}/tasks`), 200);
			assert.deepEqual(afterList.items.map((t) => t.ref), before.items.map((t) => t.ref));
			assert.equal((await json(await mon.request('GET', `${P}/warnings`), 200)).items.length, warnings);
			assert.equal((await json(await mon.request('GET', '/api/v1/plans'), 200)).items.length, 1);
			// A dry run of a document that is not a plan is refused, naming why.
			const bad = await json(await mon.request('POST', '/api/v1/plans/import',
				{ json: { text: 'không phải kế hoạch', dry_run: true } }), 400);
			assert.match(bad.error.message, /Phụ lục|appendix/);
		});

		test('a reporter reports on their agency\'s task, and only theirs', async () => {
			// Đại Lộc coordinates I.2 (one of "UBND các huyện, thị xã, thành phố").
			let r = await dl.request('POST', `${P}/tasks/I.2/reports`, { json: {
				status: 'in_progress', percent: 40, note: 'Đã rà soát 12 văn bản',
				evidence: 'Báo cáo số 45/BC-UBND', day: '2021-05-10' } });
			const t = await json(r, 201);
			assert.equal(t.history[0].agency.key, 'huyen-dai-loc');
			assert.equal(t.history[0].percent, 40);
			assert.equal(t.last_report.note, 'Đã rà soát 12 văn bản');
			// VI.4 is Sở Thông tin và Truyền thông's, with Sở Nội vụ and the Văn phòng.
			r = await dl.request('POST', `${P}/tasks/VI.4/reports`, { json: {
				status: 'done', note: 'không phải việc của huyện' } });
			assert.equal(r.status, 403);
			assert.equal((await dl.request('GET', `${P}/tasks/VI.4`)).status, 404,
				'nor may they see it');
			assert.equal((await mon.request('GET', `${P}/tasks/VI.4`)).status, 200);
			r = await tttt.request('POST', `${P}/tasks/VI.4/reports`, { json: {
				status: 'done', note: 'Đã ban hành hướng dẫn', day: '2021-06-20' } });
			assert.equal((await json(r, 201)).state, 'done_on_time');
			// Monitors do not report; groups take no reports; mistakes are 400 with the field.
			assert.equal((await mon.request('POST', `${P}/tasks/I.2/reports`, { json: {
				status: 'done', note: 'x' } })).status, 403);
			r = await dl.request('POST', `${P}/tasks/I.2/reports`, { json: {
				status: 'in_progress', percent: 40, note: 'x', day: '2099-01-01' } });
			assert.equal((await json(r, 400)).error.field, 'day');
			r = await dl.request('POST', `${P}/tasks/I.2/reports`, { json: { status: 'maybe', note: 'x' } });
			assert.equal((await json(r, 400)).error.field, 'status');
			r = await dl.request('POST', `${P}/tasks/I.2/reports`, { json: { status: 'in_progress' } });
			assert.equal((await json(r, 400)).error.field, 'note');
			r = await noivu.request('POST', `${P}/tasks/VII.10/reports`, { json: { status: 'done', note: 'x' } });
			assert.equal(r.status, 403, 'the group has no agency of its own');
			r = await noivu.request('POST', `${P}/tasks/VII.10.c/reports`, { json: {
				status: 'done', note: 'Đã tổ chức Hội thi', day: '2021-10-05' } });
			assert.equal((await json(r, 201)).state, 'done_late', 'Quý III ended on 30/09');
			// The audit log has it.
			const audit = await json(await admin.request('GET', '/api/v1/audit?action=plan.progress'), 200);
			assert.ok(audit.items.some((a) => a.object_id === '2021/I.2' && a.username === 'bc-dai-loc'));
		});

		test('a task past its deadline with no "done" report is overdue', async () => {
			// IV.3 is due in Quý II/2021 and nobody reports on it.
			let t = await json(await mon.request('GET', `${P}/tasks/IV.3?as_of=2021-06-01`), 200);
			assert.equal(t.state, 'not_started');
			t = await json(await mon.request('GET', `${P}/tasks/IV.3?as_of=2021-06-20`), 200);
			assert.equal(t.state, 'due_soon');
			t = await json(await mon.request('GET', `${P}/tasks/IV.3?as_of=2021-07-01`), 200);
			assert.equal(t.state, 'overdue');
			assert.equal(t.due, '2021-06-30');
			// Today (years later) it is still overdue.
			t = await json(await mon.request('GET', `${P}/tasks/IV.3`), 200);
			assert.equal(t.state, 'overdue');
			// In progress is not done: I.2 (Năm 2021) at 40 % is overdue after the year.
			t = await json(await mon.request('GET', `${P}/tasks/I.2?as_of=2022-01-05`), 200);
			assert.equal(t.state, 'overdue');
			t = await json(await mon.request('GET', `${P}/tasks/I.2?as_of=2021-05-20`), 200);
			assert.equal(t.state, 'on_track');
			// The filter finds it; conditional tasks are never overdue by themselves.
			const list = await json(await mon.request('GET', `${P}/tasks?state=overdue&as_of=2021-07-01`), 200);
			assert.ok(list.items.some((x) => x.ref === 'IV.3'));
			assert.ok(!list.items.some((x) => x.ref === 'III.3'));
			assert.ok(list.items.every((x) => x.state === 'overdue'));
			assert.equal((await mon.request('GET', `${P}/tasks?as_of=2021-13-01`)).status, 400);
			assert.equal((await mon.request('GET', `${P}/tasks?state=late`)).status, 400);
		});

		test('the quarterly report\'s counts are the task list\'s', async () => {
			for (const [period, asOf] of [['Q1', '2021-03-31'], ['Q2', '2021-06-30'], ['Y', '2021-12-31']]) {
				for (const [who, agency] of [[mon, null], [mon, 'huyen-dai-loc'], [dl, null], [mon, 'so-noi-vu']]) {
					const q = agency ? `?agency=${agency}` : '';
					const rep = await json(await who.request('GET', `${P}/reports/${period}${q}`), 200);
					assert.equal(rep.as_of, asOf);
					const list = await json(await who.request('GET',
						`${P}/tasks?as_of=${asOf}${agency ? `&agency=${agency}` : ''}`), 200);
					assert.deepEqual(rep.counts, list.counts, `${period} ${agency}`);
					assert.deepEqual(countItems(list.items), list.counts);
					for (const area of rep.areas) {
						const sub = list.items.filter((t) => t.area === area.code);
						assert.deepEqual(area.counts, countItems(sub), `${period} ${agency} area ${area.code}`);
					}
					assert.equal(rep.overdue.length, list.counts.overdue);
				}
			}
			const q2 = await json(await mon.request('GET', `${P}/reports/Q2`), 200);
			assert.ok(q2.reported.some((r) => r.ref === 'I.2' && r.note === 'Đã rà soát 12 văn bản'));
			assert.ok(!q2.overdue.some((t) => t.ref === 'IV.3'), 'due on the last day of Q2');
			const q3 = await json(await mon.request('GET', `${P}/reports/Q3`), 200);
			assert.ok(q3.overdue.some((t) => t.ref === 'IV.3' && t.lead === 'Sở Nội vụ'));
			assert.ok(!q3.reported.some((r) => r.ref === 'I.2'), 'reported in Q2, not Q3');
			assert.equal((await mon.request('GET', `${P}/reports/Q5`)).status, 400);
			// A reporter of one district does not get another district's report.
			assert.equal((await dl.request('GET', `${P}/reports/Q1?agency=huyen-nui-thanh`)).status, 404);
		});

		test('the report as PDF (Vietnamese exact) and XLSX', async () => {
			let res = await mon.request('GET', `${P}/reports/Q2?format=pdf&lang=vi`);
			assert.equal(res.status, 200);
			assert.equal(res.headers.get('content-type'), 'application/pdf');
			assert.match(res.headers.get('content-disposition'), /bao-cao-ke-hoach-2021-Q2\.pdf/);
			const pdf = Buffer.from(await res.arrayBuffer());
			assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
			const dir = mkdtempSync(join(tmpdir(), 'cchc-pdf-'));
			try {
				writeFileSync(join(dir, 'r.pdf'), pdf);
				const r = spawnSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
				if (r.status === 0) {
					const text = r.stdout.replace(/\s+/g, ' ');
					assert.ok(text.includes('Kế hoạch công tác cải cách hành chính năm 2021'), text.slice(0, 300));
					assert.ok(text.includes('XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH PHỦ ĐIỆN TỬ'));
					assert.ok(text.includes('Đã rà soát 12 văn bản'));
					assert.ok(text.includes('Ủy ban nhân dân huyện Đại Lộc'));
				}
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
			res = await mon.request('GET', `${P}/reports/Y?format=xlsx`);
			assert.equal(res.status, 200);
			assert.match(res.headers.get('content-type'), /spreadsheetml/);
			const xlsx = Buffer.from(await res.arrayBuffer());
			assert.equal(xlsx.subarray(0, 2).toString(), 'PK');
			res = await mon.request('GET', `${P}/reports/Y?format=csv`);
			assert.equal(res.status, 200);
			const csv = await res.text();
			assert.match(csv, /\r\nVI,XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH PHỦ ĐIỆN TỬ,9,/);
			assert.equal((await mon.request('GET', `${P}/reports/Y?format=doc`)).status, 400);
			// The HTML pages serve the same files.
			res = await mon.request('GET', '/ke-hoach/2021/bao-cao/Q1/pdf');
			assert.equal(res.headers.get('content-type'), 'application/pdf');
			await res.arrayBuffer();
		});

		test('agencies\' periodic reports: on time, late, missing', async () => {
			let r = await noivu.request('POST', `${P}/submissions`, { json: {
				period: 'Q1', reference: 'Báo cáo số 30/BC-SNV ngày 25/3/2021', day: '2021-03-25' } });
			let s = await json(r, 201);
			assert.equal(s.status, 'on_time');
			assert.equal(s.agency.key, 'so-noi-vu');
			r = await noivu.request('POST', `${P}/submissions`, { json: {
				period: 'Q1', reference: 'lần nữa' } });
			assert.equal(r.status, 409);
			r = await noivu.request('POST', `${P}/submissions`, { json: {
				period: 'Q1', agency: 'so-tu-phap', reference: 'hộ' } });
			assert.equal(r.status, 403, 'a reporter sends for their own agency only');
			r = await tttt.request('POST', `${P}/submissions`, { json: {
				period: 'H1', reference: 'Báo cáo số 90/BC-STTTT', day: '2021-07-15' } });
			assert.equal((await json(r, 201)).status, 'late');
			r = await mon.request('POST', `${P}/submissions`, { json: {
				period: 'plan', agency: 'so-tu-phap', reference: 'Kế hoạch số 5/KH-STP', day: '2021-01-20' } });
			assert.equal((await json(r, 201)).status, 'on_time', 'monitors record paper reports');
			assert.equal((await noivu.request('POST', `${P}/submissions`, { json: {
				period: 'Q2', reference: 'x' } })).status, 400, 'Q2 is no report period of its own');
			const list = await json(await mon.request('GET', `${P}/submissions?period=Q1`), 200);
			const st = Object.fromEntries(list.items.map((x) => [x.agency.key, x.status]));
			assert.equal(st['so-noi-vu'], 'on_time');
			assert.equal(st['so-tu-phap'], 'missing');
			assert.equal(st['huyen-dai-loc'], 'missing', 'districts lead tasks III.1–4');
			const early = await json(await mon.request('GET', `${P}/submissions?period=Q3&as_of=2021-08-01`), 200);
			assert.ok(early.items.every((x) => x.status === 'not_due'));
			// A reporter sees their own agency's only.
			const mine = await json(await dl.request('GET', `${P}/submissions`), 200);
			assert.ok(mine.items.length > 0);
			assert.ok(mine.items.every((x) => x.agency.key === 'huyen-dai-loc'));
			// The report of the period shows them.
			const q1 = await json(await mon.request('GET', `${P}/reports/Q1`), 200);
			assert.ok(q1.submissions.some((x) => x.agency.key === 'so-noi-vu' && x.status === 'on_time'));
			const h1 = await json(await mon.request('GET', `${P}/reports/Q2`), 200);
			assert.ok(h1.submissions.some((x) => x.agency.key === 'so-thong-tin-truyen-thong' && x.status === 'late'));
		});

		test('reminders: due soon and overdue, on the agency\'s page and queued once', async () => {
			const r = await json(await noivu.request('GET', `${P}/reminders?as_of=2021-06-20`), 200);
			const subjects = r.items.map((x) => `${x.kind} ${x.subject}`);
			assert.ok(subjects.includes('due_soon task:IV.3'), subjects.join('; '));
			assert.ok(subjects.includes('overdue task:VII.1'), 'due in Quý I');
			assert.ok(r.items.every((x) => x.agency.key === 'so-noi-vu'));
			assert.ok(r.items.some((x) => x.kind === 'report_due' && x.subject === 'period:H1'));
			const dlr = await json(await dl.request('GET', `${P}/reminders?as_of=2021-06-20`), 200);
			assert.ok(dlr.items.every((x) => x.agency.key === 'huyen-dai-loc'));
			let q = await json(await mon.request('POST', `${P}/reminders/queue`, { json: { as_of: '2021-06-20' } }), 200);
			assert.ok(q.queued > 10, `${q.queued} queued`);
			q = await json(await mon.request('POST', `${P}/reminders/queue`, { json: { as_of: '2021-06-20' } }), 200);
			assert.equal(q.queued, 0, 'each reminder is queued once');
			const cli = run(['plan', 'remind', '--db', srv.db, '--as-of', '2021-06-21']);
			assert.equal(cli.status, 0, cli.stderr);
			assert.match(cli.stdout, /plan 2021: \d+ reminders queued/);
			assert.equal((await dl.request('POST', `${P}/reminders/queue`, { json: {} })).status, 403);
			// The agency's own page lists them.
			const page = await (await noivu.request('GET', '/ke-hoach/cua-toi?as_of=2021-06-20')).text();
			assert.match(page, /IV\.3/);
		});

		test('targets get values per period, with evidence, held against thresholds', async () => {
			const t = (await json(await mon.request('GET', `${P}/targets`), 200)).items;
			const disb = t.find((x) => x.measure.includes('giải ngân'));
			assert.equal(disb.indicator, null, 'only people know it');
			assert.equal(disb.threshold, 90);
			let r = await mon.request('POST', `${P}/targets/${disb.seq}/values`, { json: {
				period: 'Y', value: 92.5, evidence: 'Báo cáo số 12/BC-SKHĐT' } });
			assert.equal((await json(r, 201)).latest.value, 92.5);
			const lv = t.find((x) => x.levels.length);
			r = await mon.request('POST', `${P}/targets/${lv.seq}/values`, { json: {
				period: 'Y', level: 'district', value: 75, evidence: 'Hệ thống QLVB' } });
			assert.equal(r.status, 201);
			r = await mon.request('POST', `${P}/targets/${disb.seq}/values`, { json: {
				period: 'Y', level: 'district', value: 1, evidence: 'x' } });
			assert.equal((await json(r, 400)).error.field, 'level');
			r = await mon.request('POST', `${P}/targets/${disb.seq}/values`, { json: { period: 'Y', value: 1 } });
			assert.equal((await json(r, 400)).error.field, 'evidence');
			assert.equal((await dl.request('POST', `${P}/targets/${disb.seq}/values`, { json: {
				period: 'Y', value: 1, evidence: 'x' } })).status, 403);
			const y = await json(await mon.request('GET', `${P}/reports/Y`), 200);
			const yd = y.targets.find((x) => x.seq === disb.seq);
			assert.equal(yd.value, 92.5);
			assert.equal(yd.verdict, 'met');
			const yl = y.targets.find((x) => x.seq === lv.seq);
			assert.equal(yl.levels.find((l) => l.level === 'district').verdict, 'not_met');
			assert.equal(yl.levels.find((l) => l.level === 'province').verdict, 'no_data');
		});

		test('monitors correct an oddity and mark its warning reviewed', async () => {
			let r = await mon.request('PATCH', `${P}/tasks/VI.9`, { json: { lead: ['so-khoa-hoc-cong-nghe'],
				coordinating: [] } });
			const t = await json(r, 200);
			assert.deepEqual(t.lead.map((a) => a.key), ['so-khoa-hoc-cong-nghe']);
			assert.equal(t.lead_text, 'Sửa đổi, bổ sung', 'the text as printed stays');
			r = await mon.request('PATCH', `${P}/tasks/III.3`, { json: { deadline: { kind: 'date', dates: ['2021-12-31'] } } });
			assert.equal((await json(r, 200)).deadline.kind, 'date');
			r = await mon.request('PATCH', `${P}/tasks/VI.9`, { json: { lead: ['khong-co'] } });
			assert.equal((await json(r, 400)).error.field, 'lead');
			assert.equal((await noivu.request('PATCH', `${P}/tasks/VI.9`, { json: { lead: [] } })).status, 403);
			// A re-import of the same document keeps the corrections.
			const cli = run(['plan', 'import', '--db', srv.db, SEED]);
			assert.equal(cli.status, 0, cli.stderr);
			assert.deepEqual((await json(await mon.request('GET', `${P}/tasks/VI.9`), 200)).lead.map((a) => a.key),
				['so-khoa-hoc-cong-nghe']);
			const w = (await json(await mon.request('GET', `${P}/warnings`), 200)).items
				.find((x) => x.kind === 'shifted_columns');
			r = await mon.request('POST', `${P}/warnings/${w.id}/resolve`, { json: {
				resolution: 'Cơ quan chủ trì là Sở Khoa học và Công nghệ' } });
			assert.equal(r.status, 200);
			r = await mon.request('POST', `${P}/warnings/${w.id}/resolve`, { json: { resolution: 'lại' } });
			assert.equal(r.status, 409);
			const after = (await json(await mon.request('GET', `${P}/warnings`), 200)).items.find((x) => x.id === w.id);
			assert.equal(after.resolved.by, 'giam-sat');
			const set = await json(await mon.request('PATCH', P, { json: { remind_days: 7 } }), 200);
			assert.equal(set.remind_days, 7);
			assert.equal((await mon.request('PATCH', P, { json: { remind_days: 400 } })).status, 400);
			await mon.request('PATCH', P, { json: { remind_days: 14 } });
		});

		test('pages: monitors see everything, agencies their own', async () => {
			for (const path of ['/ke-hoach', '/ke-hoach/2021', '/ke-hoach/2021/nhiem-vu?area=VI&state=overdue',
				'/ke-hoach/2021/nhiem-vu/VII.10', '/ke-hoach/2021/chi-tieu', '/ke-hoach/2021/canh-bao',
				'/ke-hoach/2021/bao-cao', '/ke-hoach/2021/bao-cao/Q2?agency=huyen-dai-loc', '/ke-hoach/cua-toi']) {
				const res = await mon.request('GET', path);
				assert.equal(res.status, 200, path);
				const html = await res.text();
				assert.match(html, /<h1>/, path);
			}
			let html = await (await mon.request('GET', '/ke-hoach/2021/nhiem-vu/VI.4')).text();
			assert.match(html, /Sở Thông tin và Truyền thông/);
			assert.equal((await dl.request('GET', '/ke-hoach/2021/nhiem-vu/VI.4')).status, 404);
			assert.equal((await dl.request('GET', '/ke-hoach/2021/canh-bao')).status, 403);
			html = await (await dl.request('GET', '/ke-hoach/2021/nhiem-vu/I.2')).text();
			assert.match(html, /id="bao-cao"/, 'the report form for a reporter of the agency');
			html = await (await mon.request('GET', '/ke-hoach/2021/nhiem-vu/I.2')).text();
			assert.doesNotMatch(html, /id="bao-cao"/);
			// The report form posts through the page, with CSRF.
			const res = await dl.request('POST', '/ke-hoach/2021/nhiem-vu/I.4', { form: {
				status: 'in_progress', percent: '10', day: '2021-05-02', note: 'Đăng tải <quy định> mới', evidence: '' } });
			assert.equal(res.status, 303);
			html = await (await dl.request('GET', '/ke-hoach/2021/nhiem-vu/I.4')).text();
			assert.match(html, /Đăng tải &lt;quy định&gt; mới/, 'escaped');
			const bad = await dl.request('POST', '/ke-hoach/2021/nhiem-vu/I.4', { form: {
				status: 'in_progress', percent: '150', note: 'x' } });
			assert.equal(bad.status, 400);
			assert.match(await bad.text(), /role="alert"/);
		});
	});
}
