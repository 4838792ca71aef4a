// The citizens' portal over real HTTP: signing in with a code sent by SMS
// (read from the outbox), drafts, uploads checked by content, filing
// online, the desk's answer, completing a returned dossier, and who may
// read which file.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { backends, startServer, run } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { sql, lastCode, citizen, ensureOtpTemplate, formData, PDF, PNG, JPEG } from '../lib/citizen.mjs';

const PASSWORD = 'mat-khau-cong-dan-2021';
const PAUSE = '1.001570';	// Tạm ngừng hoạt động hộ kinh doanh: district, fully online, 1 document
const BUSINESS = '1.001612';	// Đăng ký thành lập hộ kinh doanh: district, fully online, 4 documents
const AGENCY = 'huyen-dai-loc';
const FILE_LIMIT = 4000;

async function json(res) {
	const text = await res.text();
	try { return JSON.parse(text); } catch { return text; }
}

function addUser(srv, username, roles, agency) {
	const r = run(['user', 'add', '--db', srv.db, '--username', username, '--role', roles,
		'--agency', agency], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, r.stderr);
}

async function officer(srv, username) {
	const c = new Client(srv.url);
	await c.signIn(username, PASSWORD);
	return c;
}

let phoneSeq = 0;
const newPhone = () => `0906${String(process.pid % 1000).padStart(3, '0')}${String(++phoneSeq).padStart(3, '0')}`;

for (const backend of backends()) {
	describe(`citizens' portal on ${backend}`, () => {
		let srv, uploads, clerk, clerkOther;
		before(async () => {
			uploads = mkdtempSync(join(tmpdir(), 'cchc-uploads-'));
			srv = await startServer({ backend, args: ['--upload-dir', uploads,
				'--upload-file-limit', String(FILE_LIMIT), '--upload-body-limit', '3000000',
				'--citizen-codes-per-address', '1000'] });
			ensureOtpTemplate(srv);
			addUser(srv, 'dl', 'clerk,specialist,leader', AGENCY);
			addUser(srv, 'nt', 'clerk,specialist,leader', 'huyen-nui-thanh');
			[clerk, clerkOther] = await Promise.all([officer(srv, 'dl'), officer(srv, 'nt')]);
		});
		after(async () => {
			await srv?.stop();
			rmSync(uploads, { recursive: true, force: true });
		});

		async function askCode(c, phone) {
			const r = await c.request('POST', '/api/v1/citizen/code', { json: { phone } });
			return { status: r.status, body: await json(r), retry: r.headers.get('retry-after') };
		}
		async function verify(c, phone, code) {
			const r = await c.request('POST', '/api/v1/citizen/session', { json: { phone, code } });
			return { status: r.status, body: await json(r) };
		}

		test('a code by SMS signs a citizen in; only its hash is stored', async () => {
			const phone = newPhone(), c = new Client(srv.url);
			const r = await askCode(c, phone);
			assert.equal(r.status, 202, JSON.stringify(r.body));
			assert.equal(r.body.expires_in, 300);
			const code = lastCode(srv, phone);
			assert.match(code, /^\d{6}$/);
			const sms = sql(srv, `SELECT channel || '|' || body FROM notify_message WHERE recipient = '${phone}'`);
			assert.match(sms, /^sms\|.*\d{6}.*5 ph[uú]t/);
			const stored = sql(srv, `SELECT code_hash FROM citizen_code WHERE phone = '${phone}'`);
			assert.match(stored, /^[0-9a-f]{64}$/);
			assert.ok(!stored.includes(code));
			const v = await verify(c, phone, code);
			assert.equal(v.status, 200, JSON.stringify(v.body));
			assert.equal(v.body.citizen.phone, phone);
			assert.ok(c.cookies.cchc_citizen, 'the citizen cookie is set');
			assert.ok(!c.cookies.cchc_session, 'no officer session');
			c.csrf = v.body.csrf;
			const me = await c.request('GET', '/api/v1/citizen/me');
			assert.equal(me.status, 200);
			assert.equal((await me.json()).citizen.phone, phone);
			// The cookie is HttpOnly and SameSite=Lax.
			const again = await askCode(new Client(srv.url), newPhone());
			assert.equal(again.status, 202);
			const res = await new Client(srv.url).request('POST', '/api/v1/citizen/session',
				{ json: { phone, code: '123456' } });
			await res.arrayBuffer();
			const set = (await fetch(srv.url + '/api/v1/citizen/session', { method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ phone: '0905000001', code: '000000' }) })).headers.getSetCookie();
			assert.deepEqual(set, [], 'no cookie for a failed sign-in');
			// Profile: optional name and e-mail.
			let p = await c.request('PATCH', '/api/v1/citizen/me', { json: { name: 'Lê Văn Tám', email: 'tam@example.vn' } });
			assert.equal(p.status, 200);
			p = await c.request('PATCH', '/api/v1/citizen/me', { json: { email: 'không phải thư' } });
			assert.equal(p.status, 400);
			assert.equal((await p.json()).error.field, 'email');
			// Signing out ends the session.
			const out = await c.request('DELETE', '/api/v1/citizen/session');
			assert.equal(out.status, 204);
			const after = await c.request('GET', '/api/v1/citizen/me');
			assert.equal(after.status, 401);
		});

		test('the cookie is HttpOnly, SameSite=Lax, apart from the officer session', async () => {
			const phone = newPhone();
			await askCode(new Client(srv.url), phone);
			const r = await fetch(srv.url + '/api/v1/citizen/session', { method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ phone, code: lastCode(srv, phone) }) });
			const cookie = r.headers.getSetCookie().find((s) => s.startsWith('cchc_citizen='));
			assert.ok(cookie);
			assert.match(cookie, /HttpOnly/);
			assert.match(cookie, /SameSite=Lax/);
		});

		test('a wrong phone number is refused', async () => {
			for (const phone of ['12345', '1905123456', '090512345a', '09051234567']) {
				const r = await askCode(new Client(srv.url), phone);
				assert.equal(r.status, 400, phone);
				assert.equal(r.body.error.field, 'phone');
			}
		});

		test('a code is used once', async () => {
			const phone = newPhone();
			await askCode(new Client(srv.url), phone);
			const code = lastCode(srv, phone);
			assert.equal((await verify(new Client(srv.url), phone, code)).status, 200);
			const again = await verify(new Client(srv.url), phone, code);
			assert.equal(again.status, 400);
			assert.equal(again.body.error.field, 'code');
			assert.match(again.body.error.message, /đã được dùng/);
		});

		test('a code expires', async () => {
			const phone = newPhone();
			await askCode(new Client(srv.url), phone);
			const code = lastCode(srv, phone);
			// Five minutes later (the server's clock is real: the code is aged instead).
			sql(srv, `UPDATE citizen_code SET expires_at = created_at - 1 WHERE phone = '${phone}'`);
			const r = await verify(new Client(srv.url), phone, code);
			assert.equal(r.status, 400);
			assert.match(r.body.error.message, /hết hạn/);
		});

		test('one code per minute and five per hour per number', async () => {
			const phone = newPhone();
			assert.equal((await askCode(new Client(srv.url), phone)).status, 202);
			const soon = await askCode(new Client(srv.url), phone);
			assert.equal(soon.status, 429);
			assert.ok(Number(soon.retry) > 0 && Number(soon.retry) <= 60, soon.retry);
			assert.match(soon.body.error.message, /một phút/);
			for (let i = 0; i < 4; i++) {
				sql(srv, `UPDATE citizen_code SET created_at = created_at - 61 WHERE phone = '${phone}'`);
				assert.equal((await askCode(new Client(srv.url), phone)).status, 202);
			}
			sql(srv, `UPDATE citizen_code SET created_at = created_at - 61 WHERE phone = '${phone}'`);
			const sixth = await askCode(new Client(srv.url), phone);
			assert.equal(sixth.status, 429);
			assert.match(sixth.body.error.message, /giờ qua/);
		});

		test('five wrong codes lock the number for a while', async () => {
			const phone = newPhone();
			await askCode(new Client(srv.url), phone);
			const code = lastCode(srv, phone);
			const wrong = code === '000000' ? '111111' : '000000';
			for (let i = 1; i <= 4; i++) {
				const r = await verify(new Client(srv.url), phone, wrong);
				assert.equal(r.status, 400, `attempt ${i}`);
			}
			const fifth = await verify(new Client(srv.url), phone, wrong);
			assert.equal(fifth.status, 429);
			assert.match(fifth.body.error.message, /khóa đến/);
			// Locked: even the right code, and no new code.
			assert.equal((await verify(new Client(srv.url), phone, code)).status, 429);
			assert.equal((await askCode(new Client(srv.url), phone)).status, 429);
			// Fifteen minutes later.
			sql(srv, `UPDATE citizen_lock SET until = 1 WHERE phone = '${phone}'`);
			sql(srv, `UPDATE citizen_code SET created_at = created_at - 120 WHERE phone = '${phone}'`);
			assert.equal((await verify(new Client(srv.url), phone, code)).status, 400,
				'the codes sent before the lock are void');
			assert.equal((await askCode(new Client(srv.url), phone)).status, 202);
			assert.equal((await verify(new Client(srv.url), phone, lastCode(srv, phone))).status, 200);
		});

		test('citizen requests need the CSRF token', async () => {
			const c = await citizen(srv, newPhone());
			const token = c.csrf;
			c.csrf = null;
			const r = await c.request('POST', '/api/v1/citizen/drafts', { json: { procedure: PAUSE } });
			assert.equal(r.status, 403);
			c.csrf = token;
			const ok = await c.request('POST', '/api/v1/citizen/drafts', { json: { procedure: PAUSE } });
			assert.equal(ok.status, 201);
		});

		async function draft(c, procedure = PAUSE, extra = {}) {
			const r = await c.request('POST', '/api/v1/citizen/drafts', { json: {
				procedure, agency: AGENCY, applicant_name: 'Trần Thị Mai', ...extra } });
			const body = await json(r);
			assert.equal(r.status, 201, JSON.stringify(body));
			return body;
		}
		async function upload(c, path, files, fields = { document: '0' }) {
			const r = await c.request('POST', path, { multipart: formData(fields, files) });
			return { status: r.status, body: await json(r) };
		}

		test('only procedures that allow it are filed online', async () => {
			const c = await citizen(srv, newPhone());
			const none = sql(srv, "SELECT p.code FROM procedure p JOIN procedure_version v ON v.procedure_id = p.id WHERE v.online = 'none' AND p.status = 'published' LIMIT 1");
			const r = await c.request('POST', '/api/v1/citizen/drafts', { json: { procedure: none } });
			assert.equal(r.status, 400);
			assert.equal((await r.json()).error.field, 'procedure');
		});

		test('draft → uploads → submit → the clerk sees it and accepts it', async () => {
			const c = await citizen(srv, newPhone());
			const d = await draft(c, PAUSE, { applicant_address: 'Ái Nghĩa' });
			assert.equal(d.documents.length, 1);
			assert.ok(d.agencies.some((a) => a.key === AGENCY));
			// Not without its document.
			let r = await c.request('POST', `/api/v1/citizen/drafts/${d.id}/submit`, { json: {} });
			let body = await json(r);
			assert.equal(r.status, 400);
			assert.equal(body.error.field, 'doc_0');
			assert.match(body.error.message, /Thông báo về việc tạm ngừng/);
			// Saved and finished later.
			r = await c.request('PATCH', `/api/v1/citizen/drafts/${d.id}`, { json: { request: 'Tạm ngừng 6 tháng' } });
			assert.equal(r.status, 200);
			const list = await (await c.request('GET', '/api/v1/citizen/drafts')).json();
			assert.ok(list.items.some((x) => x.id === d.id && x.request === 'Tạm ngừng 6 tháng'));
			const up = await upload(c, `/api/v1/citizen/drafts/${d.id}/files`,
				[['file', 'thong-bao.pdf', 'application/pdf', PDF]]);
			assert.equal(up.status, 201, JSON.stringify(up.body));
			assert.equal(up.body.files.length, 1);
			// Stored under its SHA-256.
			const hash = createHash('sha256').update(PDF).digest('hex');
			assert.ok(readdirSync(uploads).includes(hash));
			assert.deepEqual(readFileSync(join(uploads, hash)), PDF);
			r = await c.request('POST', `/api/v1/citizen/drafts/${d.id}/submit`, { json: {} });
			const filed = await json(r);
			assert.equal(r.status, 201, JSON.stringify(filed));
			assert.equal(filed.state, 'submitted');
			assert.equal(filed.files.length, 1);
			// The draft is gone from the drafts, the dossier in my dossiers.
			const after = await (await c.request('GET', '/api/v1/citizen/drafts')).json();
			assert.ok(!after.items.some((x) => x.id === d.id));
			const mine = await (await c.request('GET', '/api/v1/citizen/dossiers')).json();
			assert.equal(mine.items[0].id, filed.id);
			assert.equal(mine.items[0].state_label, 'đã nộp, chờ tiếp nhận');
			// The clerk's queue.
			const ref = encodeURIComponent(`#${filed.id}`);
			r = await clerk.request('GET', `/api/v1/dossiers/${ref}`);
			body = await json(r);
			assert.equal(r.status, 200, JSON.stringify(body));
			assert.equal(body.channel, 'online');
			assert.equal(body.state, 'submitted');
			const files = await (await clerk.request('GET', `/api/v1/dossiers/${ref}/files`)).json();
			assert.equal(files.items.length, 1);
			const dl = await clerk.request('GET', `/api/v1/dossiers/${ref}/files/${files.items[0].id}`);
			assert.equal(dl.status, 200);
			assert.equal(dl.headers.get('content-type'), 'application/pdf');
			assert.deepEqual(Buffer.from(await dl.arrayBuffer()), PDF);
			r = await clerk.request('POST', `/api/v1/dossiers/${ref}/actions/accept`, { json: {} });
			assert.equal(r.status, 200, JSON.stringify(await json(r)));
			const now = await (await c.request('GET', `/api/v1/citizen/dossiers/${filed.id}`)).json();
			assert.equal(now.state, 'received');
			assert.match(now.code, /^000\.\d\d\.\d\d\.H47-\d{6}-\d{4,}$/);
		});

		test('a returned dossier is completed and sent again', async () => {
			const c = await citizen(srv, newPhone());
			const d = await draft(c);
			await upload(c, `/api/v1/citizen/drafts/${d.id}/files`, [['file', 'a.jpg', 'image/jpeg', JPEG]]);
			const filed = await json(await c.request('POST', `/api/v1/citizen/drafts/${d.id}/submit`, { json: {} }));
			const ref = encodeURIComponent(`#${filed.id}`);
			// Not while it waits at the desk.
			let up = await upload(c, `/api/v1/citizen/dossiers/${filed.id}/files`, [['file', 'b.png', 'image/png', PNG]]);
			assert.equal(up.status, 409);
			let r = await clerk.request('POST', `/api/v1/dossiers/${ref}/actions/request_completion`,
				{ json: { documents: ['Thông báo về việc tạm ngừng kinh doanh'], note: 'Ảnh mờ' } });
			assert.equal(r.status, 200, JSON.stringify(await json(r)));
			let now = await (await c.request('GET', `/api/v1/citizen/dossiers/${filed.id}`)).json();
			assert.equal(now.state, 'incomplete');
			up = await upload(c, `/api/v1/citizen/dossiers/${filed.id}/files`, [['file', 'b.png', 'image/png', PNG]]);
			assert.equal(up.status, 201, JSON.stringify(up.body));
			assert.equal(up.body.files.length, 2);
			r = await c.request('POST', `/api/v1/citizen/dossiers/${filed.id}/resubmit`, { json: {} });
			now = await json(r);
			assert.equal(r.status, 200, JSON.stringify(now));
			assert.equal(now.state, 'submitted');
			r = await c.request('POST', `/api/v1/citizen/dossiers/${filed.id}/resubmit`, { json: {} });
			assert.equal(r.status, 409);
			r = await clerk.request('POST', `/api/v1/dossiers/${ref}/actions/accept`, { json: {} });
			assert.equal(r.status, 200);
			const full = await (await clerk.request('GET', `/api/v1/dossiers/${ref}`)).json();
			assert.ok(full.events.some((e) => e.action === 'complete'), 'the history records it');
		});

		test('uploads are refused by content, with the file and the reason', async () => {
			const c = await citizen(srv, newPhone());
			const d = await draft(c);
			const path = `/api/v1/citizen/drafts/${d.id}/files`;
			const cases = [
				[['file', 'anh.pdf', 'application/pdf', PNG], /anh\.pdf.*(không đúng|khác)/],
				[['file', 'giay.pdf', 'application/pdf', Buffer.from('chỉ là chữ, không phải PDF')], /giay\.pdf/],
				[['file', 'ghi-chu.txt', 'text/plain', Buffer.from('ghi chú')], /ghi-chu\.txt.*không phải giấy tờ/],
				[['file', 'anh.png', 'image/jpeg', PNG], /anh\.png/],
				[['file', 'lon.pdf', 'application/pdf', Buffer.concat([Buffer.from('%PDF-1.4\n'),
					Buffer.alloc(FILE_LIMIT), Buffer.from('\n%%EOF\n')])], /lon\.pdf.*quá lớn/],
				[['file', 'rong.pdf', 'application/pdf', Buffer.alloc(0)], /rong\.pdf/],
				// A PDF without its end is not a whole document.
				[['file', 'cut.pdf', 'application/pdf', Buffer.from('%PDF-1.4\n1 0 obj\n')], /cut\.pdf/],
			];
			for (const [file, re] of cases) {
				const r = await upload(c, path, [file]);
				assert.equal(r.status, 400, `${file[1]}: ${JSON.stringify(r.body)}`);
				assert.equal(r.body.error.field, 'file');
				assert.match(r.body.error.message, re);
			}
			const files = (await (await c.request('GET', `/api/v1/citizen/drafts/${d.id}`)).json()).files;
			assert.deepEqual(files, []);
			// A name that is not UTF-8 is shown cleaned, not refused.
			{
				const fd = new FormData();
				fd.append('csrf', c.csrf);
				fd.append('document', '0');
				fd.append('file', new Blob([PDF], { type: 'application/pdf' }), 'a\u0001b.pdf');
				const r = await c.request('POST', path, { multipart: fd });
				const body = await json(r);
				assert.equal(r.status, 201, JSON.stringify(body));
				assert.equal(body.files.at(-1).name, 'a_b.pdf');
				assert.equal((await c.request('DELETE', `/api/v1/citizen/files/${body.files.at(-1).id}`)).status, 204);
				// Bytes that are not UTF-8 in the name (a raw body: FormData cannot).
				const raw = Buffer.concat([Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="document"\r\n\r\n0\r\n'
					+ '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="h'),
				Buffer.from([0xff, 0xc3]), Buffer.from('.pdf"\r\nContent-Type: application/pdf\r\n\r\n'),
				PDF, Buffer.from('\r\n--XyZ--\r\n')]);
				const res = await fetch(srv.url + path, { method: 'POST', body: raw, headers: {
					cookie: c.cookieHeader(), 'x-csrf-token': c.csrf,
					'content-type': 'multipart/form-data; boundary=XyZ' } });
				const b2 = await json(res);
				assert.equal(res.status, 201, JSON.stringify(b2));
				assert.equal(b2.files.at(-1).name, 'h__.pdf');
				assert.equal((await c.request('DELETE', `/api/v1/citizen/files/${b2.files.at(-1).id}`)).status, 204);
			}
			// The right ones pass, whatever the name's case.
			for (const [name, type, bytes] of [['a.PDF', 'application/pdf', PDF], ['b.jpeg', 'image/jpeg', JPEG],
				['c.png', 'application/octet-stream', PNG]]) {
				const r = await upload(c, path, [['file', name, type, bytes]]);
				assert.equal(r.status, 201, `${name}: ${JSON.stringify(r.body)}`);
			}
			// Not a document of the procedure.
			const r = await upload(c, path, [['file', 'a.pdf', 'application/pdf', PDF]], { document: '7' });
			assert.equal(r.status, 400);
		});

		test('upload routes alone take large bodies', async () => {
			const c = await citizen(srv, newPhone());
			const d = await draft(c);
			const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1_500_000), Buffer.from('\n%%EOF\n')]);
			// Over the 1 MB body limit of other routes: 413 there.
			let r = await c.request('PATCH', `/api/v1/citizen/drafts/${d.id}`,
				{ json: { request: 'x'.repeat(1_500_000) } });
			assert.equal(r.status, 413);
			// The upload route reads it and says which file is too large.
			const up = await upload(c, `/api/v1/citizen/drafts/${d.id}/files`, [['file', 'to.pdf', 'application/pdf', big]]);
			assert.equal(up.status, 400);
			assert.match(up.body.error.message, /to\.pdf.*quá lớn/);
			// Over the upload body limit: 413.
			const huge = Buffer.alloc(3_100_000);
			r = await c.request('POST', `/api/v1/citizen/drafts/${d.id}/files`,
				{ multipart: formData({ document: '0' }, [['file', 'h.pdf', 'application/pdf', huge]]) });
			assert.equal(r.status, 413);
		});

		test('files are shown only to their citizen and to officers who see the dossier', async () => {
			const a = await citizen(srv, newPhone()), b = await citizen(srv, newPhone());
			const d = await draft(a);
			const up = await upload(a, `/api/v1/citizen/drafts/${d.id}/files`, [['file', 'x.pdf', 'application/pdf', PDF]]);
			const fileId = up.body.files[0].id;
			// In the draft: the citizen only (no officer sees drafts).
			assert.equal((await a.request('GET', `/api/v1/citizen/files/${fileId}`)).status, 200);
			assert.equal((await b.request('GET', `/api/v1/citizen/files/${fileId}`)).status, 404);
			assert.equal((await b.request('GET', `/api/v1/citizen/drafts/${d.id}`)).status, 404);
			assert.equal((await b.request('DELETE', `/api/v1/citizen/files/${fileId}`)).status, 404);
			assert.equal((await new Client(srv.url).request('GET', `/api/v1/citizen/files/${fileId}`)).status, 401);
			assert.equal((await clerk.request('GET', `/api/v1/citizen/files/${fileId}`)).status, 403);
			const filed = await json(await a.request('POST', `/api/v1/citizen/drafts/${d.id}/submit`, { json: {} }));
			const ref = encodeURIComponent(`#${filed.id}`);
			assert.equal((await a.request('GET', `/api/v1/citizen/files/${fileId}`)).status, 200);
			assert.equal((await b.request('GET', `/api/v1/citizen/files/${fileId}`)).status, 404);
			assert.equal((await b.request('GET', `/api/v1/citizen/dossiers/${filed.id}`)).status, 404);
			const mineB = await (await b.request('GET', '/api/v1/citizen/dossiers')).json();
			assert.deepEqual(mineB.items, []);
			assert.equal((await clerk.request('GET', `/api/v1/dossiers/${ref}/files/${fileId}`)).status, 200);
			// Another district's clerk: as if it did not exist.
			assert.equal((await clerkOther.request('GET', `/api/v1/dossiers/${ref}/files/${fileId}`)).status, 404);
			assert.equal((await clerkOther.request('GET', `/api/v1/dossiers/${ref}/files`)).status, 404);
			assert.equal((await clerkOther.request('GET', `/ho-so/${ref}/tep/${fileId}`)).status, 404);
			// A file of another dossier through this dossier's URL: no.
			const other = await draft(b);
			const upB = await upload(b, `/api/v1/citizen/drafts/${other.id}/files`, [['file', 'y.pdf', 'application/pdf', PDF]]);
			const filedB = await json(await b.request('POST', `/api/v1/citizen/drafts/${other.id}/submit`, { json: {} }));
			assert.equal(filedB.state, 'submitted');
			assert.equal((await clerk.request('GET', `/api/v1/dossiers/${ref}/files/${upB.body.files[0].id}`)).status, 404);
			assert.equal((await clerk.request('GET', `/api/v1/dossiers/${ref}/files/999999`)).status, 404);
		});

		test('the officer attaches the result; the applicant downloads it', async () => {
			const c = await citizen(srv, newPhone());
			const d = await draft(c);
			await upload(c, `/api/v1/citizen/drafts/${d.id}/files`, [['file', 'x.pdf', 'application/pdf', PDF]]);
			const filed = await json(await c.request('POST', `/api/v1/citizen/drafts/${d.id}/submit`, { json: {} }));
			const ref = encodeURIComponent(`#${filed.id}`);
			const result = Buffer.from('%PDF-1.7\nKết quả\n%%EOF');
			// Not by another district.
			let r = await clerkOther.request('POST', `/api/v1/dossiers/${ref}/result-files`,
				{ multipart: formData({}, [['file', 'ket-qua.pdf', 'application/pdf', result]]) });
			assert.equal(r.status, 404);
			r = await clerk.request('POST', `/api/v1/dossiers/${ref}/result-files`,
				{ multipart: formData({}, [['file', 'ket-qua.pdf', 'application/pdf', result]]) });
			const body = await json(r);
			assert.equal(r.status, 201, JSON.stringify(body));
			const res = body.items.find((f) => f.kind === 'result');
			assert.ok(res);
			assert.equal(sql(srv, `SELECT COUNT(*) FROM audit WHERE action = 'dossier.result_file' AND object_id = '${filed.id}'`), '1');
			const mine = await (await c.request('GET', `/api/v1/citizen/dossiers/${filed.id}`)).json();
			assert.ok(mine.files.some((f) => f.kind === 'result' && f.id === res.id));
			const dl = await c.request('GET', `/api/v1/citizen/files/${res.id}`);
			assert.equal(dl.status, 200);
			assert.match(dl.headers.get('content-disposition'), /attachment/);
			assert.deepEqual(Buffer.from(await dl.arrayBuffer()), result);
			// The citizen may not remove the agency's result.
			assert.equal((await c.request('DELETE', `/api/v1/citizen/files/${res.id}`)).status, 404);
		});

		test('the pages: sign in, file with uploads, see it in my dossiers', async () => {
			const phone = newPhone(), c = new Client(srv.url);
			let r = await c.request('GET', '/cong-dan');
			assert.equal(r.status, 200);
			assert.match(await r.text(), /name="phone"/);
			r = await c.request('POST', '/cong-dan/ma', { form: { phone: '123' } });
			let html = await r.text();
			assert.equal(r.status, 400);
			assert.match(html, /aria-invalid="true"/);
			assert.match(html, /aria-describedby="f-phone-error/);
			r = await c.request('POST', '/cong-dan/ma', { form: { phone } });
			assert.equal(r.status, 200);
			assert.match(await r.text(), /name="code"/);
			r = await c.request('POST', '/cong-dan/dang-nhap', { form: { phone, code: '000000' === lastCode(srv, phone) ? '111111' : '000000' } });
			assert.equal(r.status, 400);
			assert.match(await r.text(), /không đúng/);
			r = await c.request('POST', '/cong-dan/dang-nhap', { form: { phone, code: lastCode(srv, phone) } });
			assert.equal(r.status, 303);
			assert.equal(r.headers.get('location'), '/cong-dan/ho-so');
			// The session's CSRF token is in the forms now.
			r = await c.request('GET', `/cong-dan/nop/${PAUSE}`);
			html = await r.text();
			assert.equal(r.status, 200);
			c.csrf = /name="csrf" value="([^"]+)"/.exec(html)[1];
			assert.match(html, /enctype="multipart\/form-data"/);
			assert.match(html, /<input type="file" id="f-doc_0" name="doc_0"/);
			// A wrong e-mail before anything is saved: the form again, as typed.
			r = await c.request('POST', `/cong-dan/nop/${PAUSE}`, { multipart: formData({
				agency: AGENCY, applicant_name: 'Phan Văn Lộc', applicant_email: 'sai', action: 'save' }) });
			html = await r.text();
			assert.equal(r.status, 400);
			assert.match(html, /id="f-applicant_email-error"/);
			assert.match(html, /value="Phan Văn Lộc"/);
			assert.match(html, new RegExp(`action="/cong-dan/nop/${PAUSE.replace('.', '\\.')}"`));
			// Sending without the document: the form again, the error linked to the input.
			r = await c.request('POST', `/cong-dan/nop/${PAUSE}`, { multipart: formData({
				agency: AGENCY, applicant_name: 'Phan Văn Lộc', action: 'submit' }) });
			html = await r.text();
			assert.equal(r.status, 400, html);
			assert.match(html, /href="#f-doc_0"/);
			assert.match(html, /id="f-doc_0-error"/);
			const draftId = /action="\/cong-dan\/nhap\/(\d+)"/.exec(html)[1];
			// A lying file is refused with its name.
			r = await c.request('POST', `/cong-dan/nhap/${draftId}`, { multipart: formData(
				{ action: 'save' }, [['doc_0', 'anh.pdf', 'application/pdf', PNG]]) });
			html = await r.text();
			assert.equal(r.status, 400);
			assert.match(html, /anh\.pdf/);
			r = await c.request('POST', `/cong-dan/nhap/${draftId}`, { multipart: formData(
				{ action: 'submit', agency: AGENCY, applicant_name: 'Phan Văn Lộc' },
				[['doc_0', 'thong-bao.pdf', 'application/pdf', PDF]]) });
			assert.equal(r.status, 303, await r.text());
			const where = r.headers.get('location');
			assert.match(where, /^\/cong-dan\/ho-so\/\d+\?moi=1$/);
			html = await (await c.request('GET', where)).text();
			assert.match(html, /thong-bao\.pdf/);
			html = await (await c.request('GET', '/cong-dan/ho-so')).text();
			assert.match(html, /Tạm ngừng hoạt động hộ kinh doanh/);
			assert.match(html, /đã nộp, chờ tiếp nhận/);
			// The officer's dossier page lists the file.
			const id = /\/cong-dan\/ho-so\/(\d+)/.exec(where)[1];
			const page = await (await clerk.request('GET', `/ho-so/${encodeURIComponent('#' + id)}`)).text();
			assert.match(page, /thong-bao\.pdf/);
			// The officer attaches a result through the dossier page's form.
			const ref = encodeURIComponent('#' + id);
			r = await clerk.request('POST', `/ho-so/${ref}/ket-qua`, { multipart: formData({},
				[['file', 'giay-xac-nhan.pdf', 'application/pdf', PDF]]) });
			assert.equal(r.status, 303, await r.text());
			assert.equal(r.headers.get('location'), `/ho-so/${ref}`);
			html = await (await c.request('GET', where.replace(/\?.*/, ''))).text();
			assert.match(html, /giay-xac-nhan\.pdf/);
			// A draft saved, then deleted from its form.
			r = await c.request('POST', `/cong-dan/nop/${PAUSE}`, { multipart: formData({
				agency: AGENCY, applicant_name: 'Phan Văn Lộc', action: 'save' }) });
			assert.equal(r.status, 303);
			const saved = r.headers.get('location');
			assert.match(saved, /^\/cong-dan\/nhap\/\d+\?luu=1$/);
			html = await (await c.request('GET', saved)).text();
			assert.match(html, /Bản nháp đã được lưu/);
			assert.match(html, /value="Phan Văn Lộc"/);
			r = await c.request('POST', saved.replace(/\?.*/, ''), { form: { action: 'delete' } });
			assert.equal(r.status, 303);
			assert.equal((await c.request('GET', saved.replace(/\?.*/, ''))).status, 404);
			// The catalogue links to online filing.
			const cat = await (await new Client(srv.url).request('GET', `/thu-tuc/${PAUSE}`)).text();
			assert.match(cat, new RegExp(`href="/cong-dan/nop/${PAUSE.replace('.', '\\.')}"`));
		});
	});
}
