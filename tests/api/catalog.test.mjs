// The procedure catalogue over real HTTP: search (diacritics, facets,
// paging), one procedure, admin create/update/publish/retire with versions
// and field-level errors, access rules, import all-or-nothing through the
// command line, export round trips, figures and the public pages.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends, startServer, run } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';

const PASSWORD = 'mat-khau-danh-muc-2021';

function addUser(srv, username, roles, agency) {
	const r = run(['user', 'add', '--db', srv.db, '--username', username, '--role', roles,
		'--agency', agency], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, r.stderr);
}

// A valid procedure: 15 working days in four steps.
function procedure(code, over = {}) {
	return {
		code,
		name: 'Cấp giấy phép thử nghiệm',
		field: 'Thử nghiệm',
		levels: ['commune'],
		agency_kind: 'commune',
		time: { value: 15, unit: 'working_days' },
		steps: [
			{ name: 'Tiếp nhận hồ sơ', kind: 'reception', share: 0.5 },
			{ name: 'Thẩm định', kind: 'appraisal', share: 10 },
			{ name: 'Phê duyệt', kind: 'approval', share: 4 },
			{ name: 'Trả kết quả', kind: 'return', share: 0.5 },
		],
		fees: [{ name: 'Lệ phí cấp phép', amount: 50000, exempt: 'Hộ nghèo' }],
		documents: [{ name: 'Đơn đề nghị', kind: 'original', copies: 1, form: 'Mẫu 01' }],
		result: 'Giấy phép',
		legal_basis: ['Nghị định 61/2018/NĐ-CP'],
		online: 'partial',
		postal: { submit: true, return: true },
		status: 'published',
		note: '',
		...over,
	};
}

async function json(res) {
	const body = await res.json();
	return { status: res.status, body };
}

for (const backend of backends()) {
	describe(`catalogue on ${backend}`, () => {
		let srv, boss, clerk, district, dir;
		before(async () => {
			srv = await startServer({ backend });
			addUser(srv, 'boss', 'admin', 'ubnd-tinh');
			addUser(srv, 'clerk', 'clerk', 'ubnd-tinh');
			addUser(srv, 'dl-admin', 'admin', 'huyen-dai-loc');
			boss = new Client(srv.url);
			await boss.signIn('boss', PASSWORD);
			clerk = new Client(srv.url);
			await clerk.signIn('clerk', PASSWORD);
			district = new Client(srv.url);
			await district.signIn('dl-admin', PASSWORD);
			dir = mkdtempSync(join(tmpdir(), 'cchc-catalog-'));
		});
		after(async () => {
			await srv.stop();
			rmSync(dir, { recursive: true, force: true });
		});

		const get = (path) => fetch(srv.url + path).then(json);

		test('the demo catalogue: 60+ published procedures of every level', async () => {
			const { status, body } = await get('/api/v1/procedures?per_page=1');
			assert.equal(status, 200);
			assert.ok(body.total >= 60, `total ${body.total}`);
			const levels = Object.fromEntries(body.facets.level.map((f) => [f.value, f.count]));
			for (const l of ['commune', 'district', 'province'])
				assert.ok(levels[l] > 0, `level ${l}`);
			assert.ok(body.facets.online.some((f) => f.value === 'full'));
			assert.ok(body.facets.agency.some((f) => f.value === 'so-tu-phap'));
		});

		test('search with and without diacritics gives the same first result', async () => {
			const plain = await get('/api/v1/procedures?q=dang+ky+khai+sinh');
			const marked = await get('/api/v1/procedures?q=' + encodeURIComponent('Đăng ký khai sinh'));
			const upper = await get('/api/v1/procedures?q=' + encodeURIComponent('ĐĂNG KÝ KHAI SINH'));
			assert.equal(plain.status, 200);
			assert.ok(plain.body.items.length > 0);
			assert.equal(plain.body.items[0].name, 'Đăng ký khai sinh');
			assert.equal(marked.body.items[0].code, plain.body.items[0].code);
			assert.equal(upper.body.items[0].code, plain.body.items[0].code);
			assert.equal(marked.body.total, plain.body.total);
			const item = plain.body.items[0];
			assert.deepEqual(Object.keys(item).sort(),
				['agency', 'code', 'field', 'level', 'name', 'online', 'postal', 'status', 'time'].sort());
			assert.deepEqual(item.level, ['commune']);
			assert.equal(item.agency, 'commune');
			assert.equal(typeof item.time.value, 'number');
			assert.match(item.time.unit, /^(working_days|working_hours|calendar_days)$/);
			assert.equal(typeof item.postal.submit, 'boolean');
		});

		test('names rank above body text; facets count the matches; filters and pages', async () => {
			// Every "khai sinh" in a name comes before one only in the body.
			const all = await get('/api/v1/procedures?q=khai+sinh&per_page=100');
			const inName = all.body.items.map((i) => /khai sinh/i.test(i.name));
			const firstBody = inName.indexOf(false);
			if (firstBody >= 0)
				assert.ok(inName.slice(firstBody).every((x) => !x), 'a name match after a body match');
			const sum = all.body.facets.online.reduce((n, f) => n + f.count, 0);
			assert.equal(sum, all.body.total, 'online facet counts add up to the total');

			const district = await get('/api/v1/procedures?q=khai+sinh&level=district');
			const want = all.body.facets.level.find((f) => f.value === 'district').count;
			assert.equal(district.body.total, want);
			assert.ok(district.body.items.every((i) => i.level.includes('district')));

			const full = await get('/api/v1/procedures?online=full&per_page=5');
			assert.ok(full.body.items.every((i) => i.online === 'full'));
			const p1 = await get('/api/v1/procedures?per_page=5&page=1');
			const p2 = await get('/api/v1/procedures?per_page=5&page=2');
			assert.equal(p1.body.items.length, 5);
			assert.equal(p2.body.page, 2);
			assert.ok(!p2.body.items.some((i) => p1.body.items.find((j) => j.code === i.code)));

			const none = await get('/api/v1/procedures?q=xyzzy+khong+co');
			assert.equal(none.body.total, 0);
			assert.deepEqual(none.body.items, []);
			const bad = await get('/api/v1/procedures?page=0');
			assert.equal(bad.status, 400);
			assert.equal(bad.body.error.field, 'page');
			const drafts = await get('/api/v1/procedures?status=draft');
			assert.equal(drafts.status, 403);
		});

		test('one procedure: documents, fees, time; unknown code 404', async () => {
			const { status, body } = await get('/api/v1/procedures/1.001193');
			assert.equal(status, 200);
			assert.equal(body.name, 'Đăng ký khai sinh');
			assert.ok(body.documents.length > 0);
			assert.ok(Array.isArray(body.fees));
			assert.ok(body.steps.length > 0);
			const shares = body.steps.reduce((n, s) => n + s.share, 0);
			assert.ok(Math.abs(shares - body.time.value) < 0.01);
			assert.equal(typeof body.version_id, 'number');
			assert.equal(body.status, 'published');
			const missing = await get('/api/v1/procedures/9.999999');
			assert.equal(missing.status, 404);
			assert.equal(missing.body.error.code, 'not_found');
		});

		test('step shares that do not add up are refused, naming the difference', async () => {
			const p = procedure('9.100001');
			p.steps[2].share = 3.5;			// 14.5 of 15
			let r = await json(await boss.request('POST', '/api/v1/procedures', { json: p }));
			assert.equal(r.status, 400);
			assert.equal(r.body.error.field, 'steps');
			assert.match(r.body.error.message, /14[.,]5/);
			assert.match(r.body.error.message, /0[.,]5/);
			assert.match(r.body.error.message, /\b15\b/);

			const q = procedure('9.100001');
			q.steps[2].share = -1;
			r = await json(await boss.request('POST', '/api/v1/procedures', { json: q }));
			assert.equal(r.status, 400);
			assert.equal(r.body.error.field, 'steps[2].share');
			r = await json(await boss.request('POST', '/api/v1/procedures',
				{ json: procedure('9.100001', { time: { value: 15, unit: 'weeks' } }) }));
			assert.equal(r.body.error.field, 'time.unit');
			r = await json(await boss.request('POST', '/api/v1/procedures',
				{ json: procedure('9.100001', { agency_kind: 'so-khong-ton-tai' }) }));
			assert.equal(r.body.error.field, 'agency_kind');
			const missing = await get('/api/v1/procedures/9.100001');
			assert.equal(missing.status, 404, 'nothing was stored');
		});

		test('admin CRUD: a draft, published, changed into version 2, retired', async () => {
			const code = '9.100002';
			let r = await json(await boss.request('POST', '/api/v1/procedures', { json: procedure(code) }));
			assert.equal(r.status, 201);
			assert.equal(r.body.status, 'draft', 'created as a draft whatever the body says');
			assert.equal(r.body.version, 1);
			assert.equal((await get(`/api/v1/procedures/${code}`)).status, 404, 'drafts are not public');
			r = await json(await boss.request('GET', `/api/v1/procedures/${code}`));
			assert.equal(r.status, 200, 'admins see drafts');
			r = await json(await boss.request('POST', '/api/v1/procedures', { json: procedure(code) }));
			assert.equal(r.status, 409);
			assert.equal(r.body.error.field, 'code');

			// A draft changes in place.
			r = await json(await boss.request('PUT', `/api/v1/procedures/${code}`,
				{ json: procedure(code, { name: 'Cấp giấy phép thử nghiệm (sửa)' }) }));
			assert.equal(r.status, 200);
			assert.equal(r.body.new_version, false);
			assert.equal(r.body.version, 1);
			const v1 = r.body.version_id;

			r = await json(await boss.request('POST', `/api/v1/procedures/${code}/publish`));
			assert.equal(r.status, 200);
			assert.equal(r.body.status, 'published');
			r = await json(await boss.request('POST', `/api/v1/procedures/${code}/publish`));
			assert.equal(r.status, 409);
			let s = await get('/api/v1/procedures?q=' + encodeURIComponent('thử nghiệm sửa'));
			assert.ok(s.body.items.some((i) => i.code === code), 'published: found at once');

			// A published procedure changes into a new version; the old one stays.
			const changed = procedure(code, { name: 'Cấp giấy phép thử nghiệm (sửa)' });
			changed.fees[0].amount = 70000;
			delete changed.code;
			r = await json(await boss.request('PUT', `/api/v1/procedures/${code}`, { json: changed }));
			assert.equal(r.status, 200);
			assert.equal(r.body.new_version, true);
			assert.equal(r.body.version, 2);
			assert.notEqual(r.body.version_id, v1);
			assert.equal(r.body.fees[0].amount, 70000);
			r = await json(await boss.request('PUT', `/api/v1/procedures/${code}`, { json: changed }));
			assert.equal(r.body.new_version, false, 'the same content again');
			const old = await get(`/api/v1/procedures/${code}?version=1`);
			assert.equal(old.status, 200);
			assert.equal(old.body.version_id, v1);
			assert.equal(old.body.fees[0].amount, 50000);
			assert.equal(old.body.status, 'superseded');
			r = await json(await boss.request('PUT', `/api/v1/procedures/${code}`,
				{ json: procedure('9.999998') }));
			assert.equal(r.status, 400);
			assert.equal(r.body.error.field, 'code');

			r = await json(await boss.request('POST', `/api/v1/procedures/${code}/retire`));
			assert.equal(r.body.status, 'retired');
			s = await get('/api/v1/procedures?q=' + encodeURIComponent('thử nghiệm sửa'));
			assert.ok(!s.body.items.some((i) => i.code === code), 'retired: no longer found');
			const page = await fetch(`${srv.url}/thu-tuc/${code}`);
			assert.equal(page.status, 200, 'a retired procedure still has its page');

			const audit = await (await boss.request('GET', `/api/v1/audit?object_id=${code}`)).json();
			const actions = audit.items.map((a) => a.action).sort();
			assert.deepEqual(actions, ['procedure.create', 'procedure.new_version',
				'procedure.publish', 'procedure.retire', 'procedure.update']);
			assert.ok(audit.items.every((a) => a.username === 'boss'));
		});

		test('401 for nobody, 403 for non-admins and for other agencies', async () => {
			const p = procedure('9.100003');
			let res = await fetch(srv.url + '/api/v1/procedures', { method: 'POST', body: JSON.stringify(p) });
			assert.equal(res.status, 401);
			res = await fetch(srv.url + '/api/v1/procedures/1.001193/retire', { method: 'POST' });
			assert.equal(res.status, 401);
			res = await clerk.request('POST', '/api/v1/procedures', { json: p });
			assert.equal(res.status, 403);
			res = await clerk.request('PUT', '/api/v1/procedures/1.001193', { json: p });
			assert.equal(res.status, 403);
			res = await clerk.request('POST', '/api/v1/procedures/1.001193/retire');
			assert.equal(res.status, 403);
			// A district's admin manages the district's own procedures only.
			let r = await json(await district.request('POST', '/api/v1/procedures', { json: p }));
			assert.equal(r.status, 403);
			assert.equal(r.body.error.field, 'agency_kind');
			r = await json(await district.request('POST', '/api/v1/procedures/1.001193/retire'));
			assert.equal(r.status, 403);
			r = await json(await district.request('POST', '/api/v1/procedures',
				{ json: procedure('9.100003', { agency_kind: 'huyen-dai-loc', levels: ['district'] }) }));
			assert.equal(r.status, 201);
			r = await json(await district.request('POST', '/api/v1/procedures/9.100003/publish'));
			assert.equal(r.status, 200);
			assert.equal((await get('/api/v1/procedures/1.001193')).body.status, 'published');
		});

		test('an import with one bad row imports nothing and names the row', async () => {
			const rows = [procedure('9.200001'), procedure('9.200002'), procedure('9.200003')];
			rows[1].steps[1].share = 9;		// 14 of 15
			const file = join(dir, 'bad.json');
			writeFileSync(file, JSON.stringify(rows));
			let r = run(['catalog', 'import', file, '--db', srv.db]);
			assert.equal(r.status, 1);
			assert.match(r.stderr, /row 2|dòng 2/);
			assert.match(r.stderr, /9\.200002/);
			assert.match(r.stderr, /steps/);
			for (const code of ['9.200001', '9.200002', '9.200003'])
				assert.equal((await get(`/api/v1/procedures/${code}`)).status, 404, code);

			rows[1].steps[1].share = 10;
			writeFileSync(file, JSON.stringify(rows));
			r = run(['catalog', 'import', file, '--db', srv.db, '--dry-run']);
			assert.equal(r.status, 0, r.stderr);
			assert.match(r.stdout, /3 new/);
			assert.equal((await get('/api/v1/procedures/9.200001')).status, 404, 'a dry run saves nothing');
			r = run(['catalog', 'import', file, '--db', srv.db]);
			assert.equal(r.status, 0, r.stderr);
			assert.match(r.stdout, /3 procedures: 3 new/);
			// The running server reads the import at once; its search index
			// notices another process's change within a tenth of a second.
			assert.equal((await get('/api/v1/procedures/9.200002')).status, 200);
			await new Promise((ok) => setTimeout(ok, 150));
			const s = await get('/api/v1/procedures?q=9.200003');
			assert.equal(s.body.items[0]?.code, '9.200003');
			r = run(['catalog', 'import', file, '--db', srv.db]);
			assert.match(r.stdout, /0 new, 0 new versions, 0 changed, 3 unchanged/);

			// CSV: the header is row 1.
			const csv = 'code,name,field,levels,agency_kind,time_value,time_unit,steps,online\n' +
				'9.200004,Thủ tục CSV,Thử nghiệm,commune,commune,2,working_days,' +
				'"[{""name"":""Tiếp nhận"",""kind"":""reception"",""share"":2}]",none\n' +
				'9.200005,Thủ tục CSV hai,Thử nghiệm,commune,commune,2,fortnights,' +
				'"[{""name"":""Tiếp nhận"",""kind"":""reception"",""share"":2}]",none\n';
			writeFileSync(join(dir, 'bad.csv'), csv);
			r = run(['catalog', 'import', join(dir, 'bad.csv'), '--db', srv.db]);
			assert.equal(r.status, 1);
			assert.match(r.stderr, /(row|dòng) 3 \(9\.200005\), time\.unit/);
			assert.equal((await get('/api/v1/procedures/9.200004')).status, 404);
		});

		test('export then import changes nothing, in JSON and CSV', async () => {
			for (const format of ['json', 'csv']) {
				const out = run(['catalog', 'export', '--format', format, '--db', srv.db]);
				assert.equal(out.status, 0, out.stderr);
				const file = join(dir, `export.${format}`);
				writeFileSync(file, out.stdout);
				const r = run(['catalog', 'import', file, '--db', srv.db]);
				assert.equal(r.status, 0, r.stderr);
				assert.match(r.stdout, / 0 new, 0 new versions, 0 changed, \d+ unchanged/, format);
			}
		});

		test('catalogue figures per agency and level', async () => {
			const { status, body } = await get('/api/v1/procedures/stats');
			assert.equal(status, 200);
			const t = body.total;
			assert.ok(t.published >= 60);
			assert.ok(t.online_partial + t.online_full <= t.published);
			assert.ok(t.postal <= t.published);
			assert.ok(t.shares.published > 0 && t.shares.published <= 1);
			assert.ok(body.by_level.commune.published > 0);
			assert.ok(body.by_agency.district.catalogue > 0);
			assert.ok(body.by_agency['so-tu-phap'].published > 0);
		});

		test('the pages: search, facets, a procedure with its fees and the online button', async () => {
			let res = await fetch(srv.url + '/thu-tuc?q=dang+ky+khai+sinh');
			assert.equal(res.status, 200);
			let html = await res.text();
			assert.match(html, /<html lang="vi">/);
			assert.match(html, /href="\/thu-tuc\/1\.001193"/);
			assert.match(html, /level=commune/);
			assert.match(html, /<span class="count">\(\d+\)<\/span>/);
			assert.doesNotMatch(html, /<script>/);

			res = await fetch(srv.url + '/thu-tuc/1.001193');
			html = await res.text();
			assert.equal(res.status, 200);
			assert.match(html, /<h1>Đăng ký khai sinh<\/h1>/);
			assert.match(html, /href="\/cong-dan\/nop\/1\.001193"/);
			assert.match(html, /\d{1,3}(\.\d{3})* đồng|Miễn phí|Free/);

			// A procedure offered online with no fee, and one not online at all.
			let r = await json(await boss.request('POST', '/api/v1/procedures',
				{ json: procedure('9.300001', { online: 'none', fees: [{ name: 'Phí thẩm định', amount: 1250000 }] }) }));
			assert.equal(r.status, 201);
			await boss.request('POST', '/api/v1/procedures/9.300001/publish');
			html = await (await fetch(srv.url + '/thu-tuc/9.300001')).text();
			assert.match(html, /1\.250\.000 đồng/);
			assert.doesNotMatch(html, /cong-dan\/nop/);
			html = await (await fetch(srv.url + '/thu-tuc/9.300001?lang=en')).text();
			assert.match(html, /VND 1,250,000/);

			res = await fetch(srv.url + '/thu-tuc/9.999999');
			assert.equal(res.status, 404);
			res = await fetch(srv.url + '/thu-tuc?q=' + encodeURIComponent('<script>alert(1)</script>'));
			html = await res.text();
			assert.doesNotMatch(html, /<script>alert/);
			assert.match(html, /&lt;script&gt;/);
		});
	});
}
