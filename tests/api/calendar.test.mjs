// The working-day calendar over real HTTP (issue 4, items 3, 4 and 7): the
// official schedules of 2021–2026, a computed year, an admin's notice that
// becomes a new version (audited, with a new calendar version), errors that
// name the row and field, access, and due dates across Tết.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, run } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';

const PASSWORD = 'mat-khau-lich-2027-ok';
const VERSION = /^r\d+-[0-9a-f]{12}$/;

function addUser(srv, username, roles, agency) {
	const r = run(['user', 'add', '--db', srv.db, '--username', username, '--role', roles,
		'--agency', agency, '--full-name', `Cán bộ ${username}`], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, r.stderr);
}

async function getJson(url) {
	const r = await fetch(url);
	assert.equal(r.status, 200, url);
	return r.json();
}

// date → { kind, name, source } of a year's answer.
const byDate = (year) => Object.fromEntries(year.days.map((d) => [d.date, d]));

// The weekday (1 = Monday … 7 = Sunday) of an ISO date.
const weekday = (iso) => ((new Date(iso + 'T00:00:00Z').getUTCDay() + 6) % 7) + 1;

for (const backend of backends()) {
	describe(`calendar on ${backend}`, () => {
		let srv, boss, clerk, monitor;
		before(async () => {
			srv = await startServer({ backend });
			addUser(srv, 'boss', 'admin', 'ubnd-tinh');
			addUser(srv, 'vanthu', 'clerk', 'huyen-dai-loc');
			addUser(srv, 'giamsat', 'monitor', 'so-noi-vu');
			boss = new Client(srv.url);
			await boss.signIn('boss', PASSWORD);
			clerk = new Client(srv.url);
			await clerk.signIn('vanthu', PASSWORD);
			monitor = new Client(srv.url);
			await monitor.signIn('giamsat', PASSWORD);
		});
		after(async () => { await srv.stop(); });

		test('the official days of 2021–2026 come back as the notices set them', async () => {
			const expect = {
				2021: { off: ['2021-01-01', '2021-02-10', '2021-02-11', '2021-02-12', '2021-02-15',
					'2021-02-16', '2021-04-21', '2021-04-30', '2021-05-03', '2021-09-02', '2021-09-03'],
					work: [], notice: '4875/TB-LĐTBXH' },
				2022: { off: ['2022-01-03', '2022-01-31', '2022-02-01', '2022-02-02', '2022-02-03',
					'2022-02-04', '2022-04-11', '2022-05-02', '2022-05-03', '2022-09-01', '2022-09-02'],
					work: [], notice: '119/TB-LĐTBXH' },
				2023: { off: ['2023-01-02', '2023-01-20', '2023-01-23', '2023-01-24', '2023-01-25',
					'2023-01-26', '2023-05-01', '2023-05-02', '2023-05-03', '2023-09-01', '2023-09-04'],
					work: [], notice: '5034/TB-LĐTBXH' },
				2024: { off: ['2024-01-01', '2024-02-08', '2024-02-09', '2024-02-12', '2024-02-13',
					'2024-02-14', '2024-04-18', '2024-04-29', '2024-04-30', '2024-05-01', '2024-09-02',
					'2024-09-03'], work: ['2024-05-04'], notice: '1570/TB-LĐTBXH' },
				2025: { off: ['2025-01-01', '2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30',
					'2025-01-31', '2025-04-07', '2025-04-30', '2025-05-01', '2025-05-02', '2025-09-01',
					'2025-09-02'], work: ['2025-04-26'], notice: '6150/TB-BLĐTBXH' },
				2026: { off: ['2026-01-01', '2026-01-02', '2026-02-16', '2026-02-17', '2026-02-18',
					'2026-02-19', '2026-02-20', '2026-04-27', '2026-04-30', '2026-05-01', '2026-08-31',
					'2026-09-01', '2026-09-02', '2026-11-24'], work: ['2026-01-10', '2026-08-22'],
					notice: '9441/TB-BNV' },
			};
			for (const [year, want] of Object.entries(expect)) {
				const y = await getJson(`${srv.url}/api/v1/calendar/${year}`);
				assert.equal(y.year, Number(year));
				assert.equal(y.official, true, year);
				assert.equal(y.schedule.source, 'built-in', year);
				assert.match(y.version, VERSION);
				const weekdaysOff = y.days.filter((d) => d.kind === 'off' && weekday(d.date) <= 5)
					.map((d) => d.date);
				assert.deepEqual(weekdaysOff, want.off, `weekdays off of ${year}`);
				assert.deepEqual(y.days.filter((d) => d.kind === 'work').map((d) => d.date), want.work,
					`weekend days worked of ${year}`);
				assert.ok(y.days.some((d) => d.source === want.notice), `${year} cites ${want.notice}`);
				for (const d of y.days) {
					assert.ok(d.name.length > 0, d.date);
					assert.ok(d.source.length > 0, d.date);
				}
			}
			const y25 = byDate(await getJson(`${srv.url}/api/v1/calendar/2025`));
			assert.equal(y25['2025-01-29'].name, 'Tết Nguyên đán (mùng 1)');
			assert.equal(y25['2025-01-29'].source, '6150/TB-BLĐTBXH');
			assert.equal(y25['2025-04-26'].kind, 'work');
			assert.equal(y25['2025-02-03'], undefined, 'Monday 3/2/2025 is a working day');
			const y26 = byDate(await getJson(`${srv.url}/api/v1/calendar/2026`));
			assert.equal(y26['2026-08-31'].kind, 'off');
			assert.match(y26['2026-08-31'].name, /hoán đổi/);
		});

		test('office hours and the receipt cutoff come with the year', async () => {
			const y = await getJson(`${srv.url}/api/v1/calendar/2025`);
			assert.deepEqual(y.office_hours, [{ start: '07:00', end: '11:30' },
				{ start: '13:30', end: '17:00' }]);
			assert.equal(y.receipt_cutoff, '15:00');
		});

		test('a year with no notice is computed and flagged official: false', async () => {
			const y = await getJson(`${srv.url}/api/v1/calendar/2027`);
			assert.equal(y.official, false);
			assert.equal(y.schedule.source, 'computed');
			const off = y.days.filter((d) => d.kind === 'off' && weekday(d.date) <= 5);
			assert.equal(off.length, 11, 'eleven weekdays off by the Labour Code');
			const days = byDate(y);
			assert.equal(days['2027-02-08'].name, 'Tết Nguyên đán (mùng 3)');
			assert.equal(days['2027-02-08'].source, 'Bộ luật Lao động 2019, Điều 111, 112');
			assert.equal(y.days.filter((d) => d.kind === 'work').length, 0);
		});

		test('years outside 1900–2199 or not years are 404 naming the year', async () => {
			for (const bad of ['1899', '2200', 'abcd', '20270', '027']) {
				const r = await fetch(`${srv.url}/api/v1/calendar/${bad}`);
				assert.equal(r.status, 404, bad);
				assert.equal((await r.json()).error.field, 'year');
			}
		});

		test('an admin adds the 2027 notice: a new version, audited, in force at once', async () => {
			const before = await getJson(`${srv.url}/api/v1/calendar/2027`);
			const dueBefore = await getJson(`${srv.url}/api/v1/calendar/due?from=2027-02-01T10:00&n=5&unit=days`);
			assert.equal(dueBefore.due, '2027-02-15T17:00');
			assert.equal(dueBefore.version, before.version);

			// The computed days, plus a swap: Thursday 11/2 off for Saturday 20/2 worked.
			const rows = before.days.map(({ date, kind, name }) => ({ date, kind, name }));
			rows.push({ date: '2027-02-11', kind: 'off', name: 'Nghỉ hoán đổi (làm bù thứ Bảy 20/2/2027)' });
			rows.push({ date: '2027-02-20', kind: 'work', name: 'đổi lấy ngày nghỉ thứ Năm 11/2/2027' });
			let r = await boss.request('POST', '/api/v1/calendar/2027/notices',
				{ json: { notice: '1234/TB-BNV', rows } });
			assert.equal(r.status, 201, await r.clone().text());
			assert.equal(r.headers.get('location'), '/api/v1/calendar/2027');
			const saved = await r.json();
			assert.equal(saved.official, true);
			assert.equal(saved.schedule.source, 'notice');
			assert.equal(saved.schedule.revision, 1);
			assert.equal(saved.schedule.notice, '1234/TB-BNV');
			assert.notEqual(saved.version, before.version, 'the calendar version changes');
			assert.match(saved.version, VERSION);

			// Anyone sees it at once, and deadlines are computed on it.
			const after = await getJson(`${srv.url}/api/v1/calendar/2027`);
			assert.equal(after.version, saved.version);
			const days = byDate(after);
			assert.equal(days['2027-02-11'].kind, 'off');
			assert.equal(days['2027-02-11'].source, '1234/TB-BNV');
			assert.equal(days['2027-02-20'].kind, 'work');
			const due = await getJson(`${srv.url}/api/v1/calendar/due?from=2027-02-01T10:00&n=5&unit=days`);
			assert.equal(due.due, '2027-02-16T17:00', 'one more weekday off moves the due date');
			assert.equal(due.version, saved.version, 'the deadline says which calendar computed it');
			// Other years keep their schedules; the version is the whole calendar's.
			const y26 = await getJson(`${srv.url}/api/v1/calendar/2026`);
			assert.equal(y26.schedule.source, 'built-in');
			assert.equal(y26.version, saved.version);

			// The command line uses the database's notices when given --db.
			const cli = run(['calendar', 'holidays', '2027', '--db', srv.db]);
			assert.equal(cli.status, 0, cli.stderr);
			assert.match(cli.stdout, /^2027-02-11\tNghỉ hoán đổi \(làm bù thứ Bảy 20\/2\/2027\)$/m);
			assert.match(cli.stdout, /^2027-02-20\tLàm bù \(thứ Bảy làm việc\): đổi lấy ngày nghỉ thứ Năm 11\/2\/2027$/m);
			const cliDue = run(['calendar', 'due', '2027-02-01 10:00', '5', 'days', '--db', srv.db]);
			assert.equal(cliDue.stdout, '2027-02-16 17:00\n');
			const builtIn = run(['calendar', 'holidays', '2027']);
			assert.equal(builtIn.status, 0);
			assert.doesNotMatch(builtIn.stdout, /2027-02-11/);

			// The audit log has it, with what it replaced.
			const audit = await (await boss.request('GET', '/api/v1/audit?action=holiday.notice')).json();
			assert.equal(audit.items.length, 1);
			const e = audit.items[0];
			assert.equal(e.username, 'boss');
			assert.equal(e.object_type, 'calendar');
			assert.equal(e.object_id, '2027');
			assert.equal(e.before.source, 'computed');
			assert.equal(e.before.version, before.version);
			assert.equal(e.after.source, 'notice');
			assert.equal(e.after.revision, 1);
			assert.equal(e.after.notice, '1234/TB-BNV');
			assert.equal(e.after.version, saved.version);
			assert.equal(e.after.weekdays_off, 12);
			assert.equal(e.after.weekend_days_worked, 1);

			// A second notice is revision 2; the first stays in the history.
			rows.pop();
			rows.pop();
			r = await boss.request('POST', '/api/v1/calendar/2027/notices',
				{ json: { notice: '1300/TB-BNV', rows } });
			assert.equal(r.status, 201);
			const second = await r.json();
			assert.equal(second.schedule.revision, 2);
			assert.notEqual(second.version, saved.version);
			const list = await (await monitor.request('GET', '/api/v1/calendar/2027/notices')).json();
			assert.equal(list.year, 2027);
			assert.deepEqual(list.items.map((v) => [v.revision, v.notice, v.active]),
				[[2, '1300/TB-BNV', true], [1, '1234/TB-BNV', false]]);
			assert.equal(list.items[1].username, 'boss');
			assert.equal(list.items[1].calendar_version, saved.version);
			assert.ok(list.items[1].created_at > 1600000000);
			assert.equal(list.items[1].days.length, before.days.length + 2);
			assert.ok(list.items[1].days.some((d) => d.date === '2027-02-20' && d.kind === 'work'
				&& d.source === '1234/TB-BNV'));
			const dueNow = await getJson(`${srv.url}/api/v1/calendar/due?from=2027-02-01T10:00&n=5`);
			assert.equal(dueNow.due, '2027-02-15T17:00');
		});

		test('a built-in year lists its built-in version; a notice overrides it', async () => {
			let list = await (await boss.request('GET', '/api/v1/calendar/2025/notices')).json();
			assert.equal(list.items.length, 1);
			assert.equal(list.items[0].builtin, true);
			assert.equal(list.items[0].revision, 0);
			assert.equal(list.items[0].active, true);
			assert.match(list.items[0].notice, /6150\/TB-BLĐTBXH/);
			list = await (await boss.request('GET', '/api/v1/calendar/2030/notices')).json();
			assert.deepEqual(list.items, []);
		});

		test('a bad notice is 400 naming the row and field, and changes nothing', async () => {
			const base = (await getJson(`${srv.url}/api/v1/calendar/2028`));
			const rows = () => base.days.map(({ date, kind, name }) => ({ date, kind, name }));
			const cases = [
				[(r) => { r[3].date = '2028-02-30'; }, 'rows[3].date', /2028-02-30/],
				[(r) => { r[2].date = '28/02/2028'; }, 'rows[2].date', /28\/02\/2028/],
				[(r) => { r[0].date = '2027-12-31'; }, 'rows[0].date', /2027-12-31/],
				[(r) => { r[1].date = r[0].date; }, 'rows[1].date', /hai lần|twice/],
				[(r) => { r[4].kind = 'holiday'; }, 'rows[4].kind', /off/],
				[(r) => { r.push({ date: '2028-03-03', kind: 'work', name: 'Làm bù' }); },
					`rows[${base.days.length}].kind`, /2028-03-03/],
				[(r) => { r[5].name = ''; }, 'rows[5].name', /./],
				[(r) => { r[5].name = 'Tết\u0007'; }, 'rows[5].name', /./],
				[(r) => { delete r[6].date; }, 'rows[6].date', /./],
				[(r) => { r[1].date = 20280101; }, 'rows[1].date', /./],
			];
			for (const [change, field, message] of cases) {
				const r = rows();
				change(r);
				const res = await boss.request('POST', '/api/v1/calendar/2028/notices',
					{ json: { notice: '77/TB-BNV', rows: r } });
				assert.equal(res.status, 400, field);
				const { error } = await res.json();
				assert.equal(error.field, field);
				assert.match(error.message, message, field);
				assert.ok(error.message.startsWith(field.replace(/\.\w+$/, '') + ': '), error.message);
			}
			for (const [body, field] of [
				[{ rows: rows() }, 'notice'],
				[{ notice: '', rows: rows() }, 'notice'],
				[{ notice: 7, rows: rows() }, 'notice'],
				[{ notice: '77/TB-BNV' }, 'rows'],
				[{ notice: '77/TB-BNV', rows: [] }, 'rows'],
				[{ notice: '77/TB-BNV', rows: 'x' }, 'rows'],
				[{ notice: '77/TB-BNV', rows: [1] }, 'rows[0]'],
			]) {
				const res = await boss.request('POST', '/api/v1/calendar/2028/notices', { json: body });
				assert.equal(res.status, 400, JSON.stringify(body));
				assert.equal((await res.json()).error.field, field);
			}
			const too = Array.from({ length: 65 }, (_, i) => ({
				date: new Date(Date.UTC(2028, 0, 1 + i)).toISOString().slice(0, 10),
				kind: 'off', name: 'x' }));
			const res = await boss.request('POST', '/api/v1/calendar/2028/notices',
				{ json: { notice: '77/TB-BNV', rows: too } });
			assert.equal(res.status, 400);
			assert.equal((await res.json()).error.field, 'rows');

			const now = await getJson(`${srv.url}/api/v1/calendar/2028`);
			assert.equal(now.official, false);
			assert.equal(now.version, base.version);
			const list = await (await boss.request('GET', '/api/v1/calendar/2028/notices')).json();
			assert.deepEqual(list.items, []);
		});

		test('only admins add notices; admins and monitors see versions; nobody else', async () => {
			const body = { json: { notice: '1/TB', rows: [{ date: '2029-01-01', kind: 'off', name: 'Tết Dương lịch' }] } };
			let r = await clerk.request('POST', '/api/v1/calendar/2029/notices', body);
			assert.equal(r.status, 403);
			r = await monitor.request('POST', '/api/v1/calendar/2029/notices', body);
			assert.equal(r.status, 403);
			r = await new Client(srv.url).request('POST', '/api/v1/calendar/2029/notices', body);
			assert.equal(r.status, 401);
			r = await clerk.request('GET', '/api/v1/calendar/2029/notices');
			assert.equal(r.status, 403);
			r = await fetch(`${srv.url}/api/v1/calendar/2029/notices`);
			assert.equal(r.status, 401);
			r = await monitor.request('GET', '/api/v1/calendar/2029/notices');
			assert.equal(r.status, 200);
			const y = await getJson(`${srv.url}/api/v1/calendar/2029`);
			assert.equal(y.official, false, 'nothing was saved');
		});

		test('due dates cross Tết, the cutoff and the weekend', async () => {
			const cases = [
				['2024-02-05T10:00', 3, 'days', '2024-02-15T17:00'],
				['2025-01-24T10:00', 1, 'days', '2025-02-03T17:00'],
				['2024-02-07T15:01', 1, 'days', '2024-02-16T17:00'],
				['2024-02-07T15:00', 1, 'days', '2024-02-15T17:00'],
				['2024-03-08T14:00', 4, 'hours', '2024-03-11T08:00'],
				['2024-03-04T10:00', 5, 'calendar-days', '2024-03-11T17:00'],
				['2025-04-25T10:00', 1, 'days', '2025-04-26T17:00'],
				['2026-02-13 10:00', 1, 'days', '2026-02-23T17:00'],
			];
			for (const [from, n, unit, due] of cases) {
				const r = await getJson(`${srv.url}/api/v1/calendar/due?from=${encodeURIComponent(from)}&n=${n}&unit=${unit}`);
				assert.equal(r.due, due, `${from} + ${n} ${unit}`);
				assert.equal(r.n, n);
				assert.equal(r.unit, unit);
				assert.match(r.version, VERSION);
			}
			const tet = await getJson(`${srv.url}/api/v1/calendar/due?from=2024-02-10T09:00&n=0`);
			assert.equal(tet.receipt_day, '2024-02-15', 'received during Tết: counted from the first working day');
			for (const [q, field] of [
				['n=3', 'from'],
				['from=2024-02-30T10:00&n=3', 'from'],
				['from=2024-02-05&n=3', 'from'],
				['from=2024-02-05T10:00', 'n'],
				['from=2024-02-05T10:00&n=-1', 'n'],
				['from=2024-02-05T10:00&n=20001', 'n'],
				['from=2024-02-05T10:00&n=3&unit=weeks', 'unit'],
				['from=2199-12-30T10:00&n=30', 'from'],
			]) {
				const r = await fetch(`${srv.url}/api/v1/calendar/due?${q}`);
				assert.equal(r.status, 400, q);
				assert.equal((await r.json()).error.field, field, q);
			}
		});

		test('the page shows the year, and admins add a notice through its form', async () => {
			let r = await fetch(`${srv.url}/lich/2026`);
			assert.equal(r.status, 200);
			let html = await r.text();
			assert.match(html, /<td class="off" title="Tết Nguyên đán \(mùng 1\)"><time datetime="2026-02-17">17<\/time><br><small>[^<]+<\/small><\/td>/);
			assert.match(html, /<td class="work"[^>]*><time datetime="2026-08-22">/);
			assert.match(html, /9441\/TB-BNV/);
			assert.doesNotMatch(html, /name="rows"/, 'no form for the public');
			assert.equal((await fetch(`${srv.url}/lich`)).status, 200);
			assert.equal((await fetch(`${srv.url}/lich/3000`)).status, 404);

			r = await boss.request('GET', '/lich/2031');
			html = await r.text();
			assert.match(html, /<textarea id="f-rows" name="rows"/);
			assert.match(html, /2031-01-01 \| off \| Tết Dương lịch \| Bộ luật Lao động 2019, Điều 111, 112/);

			const lines = '2031-01-01 | off | Tết Dương lịch\n\n# a comment\n2031-01-32 | off | Sai ngày\n';
			r = await boss.request('POST', '/lich/2031', { form: { notice: '9/TB-BNV', rows: lines } });
			assert.equal(r.status, 400);
			html = await r.text();
			assert.match(html, /role="alert"/);
			assert.match(html, /(line|dòng) 4: /i, 'the error names the line');
			assert.match(html, /aria-invalid="true"/);
			assert.match(html, /2031-01-32 \| off \| Sai ngày/, 'the form keeps what was typed');

			r = await boss.request('POST', '/lich/2031', { form: { notice: '9/TB-BNV',
				rows: '2031-01-01\toff\tTết Dương lịch\n2031-01-04 | làm | Làm bù | 10/TB-BNV\n' } });
			assert.equal(r.status, 303);
			assert.equal(r.headers.get('location'), '/lich/2031?saved=1');
			const y = byDate(await getJson(`${srv.url}/api/v1/calendar/2031`));
			assert.equal(y['2031-01-01'].source, '9/TB-BNV');
			assert.equal(y['2031-01-04'].kind, 'work');
			assert.equal(y['2031-01-04'].source, '10/TB-BNV');
			html = await (await boss.request('GET', '/lich/2031?saved=1')).text();
			assert.match(html, /role="status"/);
			assert.match(html, /id="history"/);

			r = await clerk.request('POST', '/lich/2031', { form: { notice: 'x', rows: 'x' } });
			assert.equal(r.status, 403);
		});
	});
}
