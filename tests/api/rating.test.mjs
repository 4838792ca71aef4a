// Ratings (issue 8): the applicant rates a returned dossier once, with the
// code and the last four digits of the phone, through the API and the
// page; the counters equal a rebuild from the history.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, run } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { sqlRows } from '../lib/sql.mjs';

const PASSWORD = 'mat-khau-danh-gia-2021';
const BIRTH = '1.001193';
const applicant = { name: 'Trần Văn Nam', phone: '0914777888' };
const CHECK = '7888';
const FACTORS = ['access', 'procedure', 'officers', 'result', 'feedback'];

const sql = sqlRows;

async function json(res) {
	const text = await res.text();
	try { return JSON.parse(text); } catch { return text; }
}

for (const backend of backends()) {
	describe(`ratings on ${backend}`, () => {
		let srv, dh, anon;
		before(async () => {
			srv = await startServer({ backend });
			const r = run(['user', 'add', '--db', srv.db, '--username', 'dh', '--role',
				'clerk,specialist,leader', '--agency', 'xa-dai-hiep', '--full-name', 'Cán bộ'],
			{ input: PASSWORD + '\n' });
			assert.equal(r.status, 0, r.stderr);
			dh = new Client(srv.url);
			await dh.signIn('dh', PASSWORD);
			anon = new Client(srv.url);
		});
		after(async () => { await srv.stop(); });

		async function intake() {
			const r = await dh.request('POST', '/api/v1/dossiers', { json: { procedure: BIRTH, applicant } });
			const d = await json(r);
			assert.equal(r.status, 201, JSON.stringify(d));
			return d;
		}
		async function act(d, action, args = {}) {
			const r = await dh.request('POST', `/api/v1/dossiers/${encodeURIComponent(d.code)}/actions/${action}`,
				{ json: args });
			const b = await json(r);
			assert.equal(r.status, 200, `${action}: ${JSON.stringify(b)}`);
			return b;
		}
		async function returned() {
			const d = await intake();
			await act(d, 'assign', { to: 'dh' });
			await act(d, 'approve');
			await act(d, 'mark_ready');
			const b = await act(d, 'return');
			assert.equal(b.state, 'returned');
			return d;
		}
		async function rate(code, scores, body = {}) {
			const r = await anon.request('POST', `/api/v1/track/${encodeURIComponent(code)}/rating`,
				{ json: { check: CHECK, scores, ...body } });
			return { status: r.status, body: await json(r) };
		}
		const all = (n) => Object.fromEntries(FACTORS.map((f) => [f, n]));
		const counters = () => Object.fromEntries(sql(srv.db,
			`SELECT metric, SUM(value) FROM kpi_counter WHERE metric = 'rated' OR metric LIKE 'score_%'
			 OR metric LIKE 'satisfied_%' GROUP BY metric`).map(([m, v]) => [m, Number(v)]));
		function rebuildAgrees() {
			const k = run(['kpi', 'rebuild', '--db', srv.db]);
			assert.equal(k.status, 0, k.stdout + k.stderr);
			assert.match(k.stdout, /^0 counter\(s\) differ/m);
		}

		test('only once the result is returned, naming the state', async () => {
			const d = await intake();
			const r = await rate(d.code, all(5));
			assert.equal(r.status, 409);
			assert.match(r.body.error.message, /Đã tiếp nhận|tiếp nhận/i);
			assert.match(r.body.error.message, /trả kết quả/);
			assert.equal(sql(srv.db, 'SELECT COUNT(*) FROM dossier_rating')[0][0], '0');
		});

		test('the code and the phone digits authorise, alike when wrong', async () => {
			const d = await returned();
			const wrong = await rate(d.code, all(5), { check: '0000' });
			assert.equal(wrong.status, 404);
			const nocode = await rate('000.00.00.H47-260101-9999', all(5));
			assert.equal(nocode.status, 404);
			assert.equal(wrong.body.error.message, nocode.body.error.message);
		});

		test('scores 1 to 5 for every factor; once; counters as a rebuild', async () => {
			const d = await returned();
			const before = counters();
			let r = await rate(d.code, { ...all(4), officers: 6 });
			assert.equal(r.status, 400);
			assert.equal(r.body.error.field, 'officers');
			r = await rate(d.code, { access: 5, procedure: 4 });
			assert.equal(r.status, 400);
			assert.equal(r.body.error.field, 'officers');
			r = await rate(d.code, all(3), { comment: 42 });
			assert.equal(r.status, 400);
			assert.equal(r.body.error.field, 'comment');
			const scores = { access: 5, procedure: 4, officers: 3, result: 5, feedback: 2 };
			r = await rate(d.code, scores, { comment: 'Cán bộ nhiệt tình <b>tốt</b>' });
			assert.equal(r.status, 201, JSON.stringify(r.body));
			r = await rate(d.code, all(1));
			assert.equal(r.status, 409);
			assert.match(r.body.error.message, /đã được đánh giá/);
			const after = counters();
			const delta = (m) => (after[m] ?? 0) - (before[m] ?? 0);
			assert.equal(delta('rated'), 1);
			for (const f of FACTORS) {
				assert.equal(delta(`score_${f}`), scores[f], f);
				assert.equal(delta(`satisfied_${f}`), scores[f] >= 4 ? 1 : 0, f);
			}
			const row = sql(srv.db, `SELECT r.score_access, r.score_feedback, r.comment, r.procedure_code
				FROM dossier_rating r JOIN dossier d ON d.id = r.dossier_id WHERE d.code = '${d.code}'`);
			assert.deepEqual(row, [['5', '2', 'Cán bộ nhiệt tình <b>tốt</b>', BIRTH]]);
			// The history has it; tracking says it was rated.
			const t = await json(await anon.request('GET',
				`/api/v1/track/${encodeURIComponent(d.code)}?check=${CHECK}`));
			assert.equal(t.rated, true);
			rebuildAgrees();
		});

		test('the page: fieldsets with legends and radio buttons, then thanks, then 409', async () => {
			const d = await returned();
			const code = encodeURIComponent(d.code);
			// From tracking: a link to rate.
			const track = await (await anon.request('GET', `/tra-cuu?ma=${code}&so=${CHECK}`)).text();
			assert.match(track, new RegExp(`href="/danh-gia/${code.replace(/\./g, '\\.')}\\?so=${CHECK}"`));
			// From the SMS link: the digits first.
			let page = await anon.request('GET', `/danh-gia/${code}`);
			let html = await page.text();
			assert.equal(page.status, 200);
			assert.match(html, /name="so"/);
			assert.doesNotMatch(html, /type="radio"/);
			page = await anon.request('GET', `/danh-gia/${code}?so=0000`);
			assert.equal(page.status, 404);
			page = await anon.request('GET', `/danh-gia/${code}?so=${CHECK}`);
			html = await page.text();
			assert.equal(page.status, 200);
			assert.equal((html.match(/<fieldset/g) || []).length, 5);
			assert.equal((html.match(/<legend>/g) || []).length, 5);
			assert.equal((html.match(/type="radio"/g) || []).length, 25);
			assert.match(html, /Tiếp cận dịch vụ/);
			assert.match(html, /Tiếp nhận, xử lý phản ánh, kiến nghị/);
			// A factor left out: the form again, with the error.
			page = await anon.request('POST', `/danh-gia/${code}`, { form: { so: CHECK, access: '5' } });
			html = await page.text();
			assert.equal(page.status, 400);
			assert.match(html, /role="alert"/);
			assert.match(html, /type="radio"/);
			page = await anon.request('POST', `/danh-gia/${code}`, { form: { so: CHECK,
				access: '5', procedure: '5', officers: '4', result: '4', feedback: '3', comment: 'Tốt' } });
			html = await page.text();
			assert.equal(page.status, 200, html);
			assert.match(html, /đã được ghi nhận/);
			page = await anon.request('POST', `/danh-gia/${code}`, { form: { so: CHECK, ...all('5') } });
			assert.equal(page.status, 409);
			assert.match(await page.text(), /đã được đánh giá/);
			page = await anon.request('GET', `/danh-gia/${code}?so=${CHECK}`);
			assert.equal(page.status, 409);
			// Without the form's CSRF token: refused.
			const r = await fetch(`${srv.url}/danh-gia/${code}`, { method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `so=${CHECK}` });
			assert.equal(r.status, 403);
			rebuildAgrees();
		});
	});
}
