// Fees and payments over real HTTP (issue 8): counter payments; an online
// payment through the built-in test provider, whose pages call cchc back
// over HTTP; idempotent, verified callbacks (a repeat, a forged signature,
// a wrong amount, a replayed old timestamp, an unknown order); and
// reconciliation of a transaction whose callback was lost.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { backends, startServer, run, freePort } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { sqlRows } from '../lib/sql.mjs';

const PASSWORD = 'mat-khau-thu-phi-2021';
const BIRTH = '1.001193';	// Đăng ký khai sinh at a commune: fee items 0 + 8.000 + 8.000
const SECRET = 'bi-mat-thu-nghiem-cua-testpay';
const applicant = { name: 'Nguyễn Thị Hoa', phone: '0905123456' };
const CHECK = '3456';

const sql = sqlRows;
const one = (db, q) => sql(db, q)[0]?.[0];

function sign(body, secret = SECRET) {
	return createHmac('sha256', secret).update(body).digest('hex');
}

async function json(res) {
	const text = await res.text();
	try { return JSON.parse(text); } catch { return text; }
}

for (const backend of backends()) {
	describe(`payments on ${backend}`, () => {
		let srv, dh, other, spec, anon;
		const settings = ['--payment_testpay', '1', '--payment_testpay_secret', SECRET];

		before(async () => {
			const port = await freePort();
			srv = await startServer({ backend, args: ['--listen', `127.0.0.1:${port}`,
				'--public_url', `http://127.0.0.1:${port}`, ...settings] });
			for (const [u, roles, agency] of [['dh', 'clerk,specialist,leader', 'xa-dai-hiep'],
				['other', 'clerk', 'xa-dai-hoa'], ['spec', 'specialist', 'xa-dai-hiep']]) {
				const r = run(['user', 'add', '--db', srv.db, '--username', u, '--role', roles,
					'--agency', agency, '--full-name', `Cán bộ ${u}`], { input: PASSWORD + '\n' });
				assert.equal(r.status, 0, r.stderr);
			}
			[dh, other, spec] = [new Client(srv.url), new Client(srv.url), new Client(srv.url)];
			await dh.signIn('dh', PASSWORD);
			await other.signIn('other', PASSWORD);
			await spec.signIn('spec', PASSWORD);
			anon = new Client(srv.url);
		});
		after(async () => { await srv.stop(); });

		async function intake(body = {}) {
			const r = await dh.request('POST', '/api/v1/dossiers', { json: {
				procedure: BIRTH, applicant, fee_paid: 0, ...body } });
			const d = await json(r);
			assert.equal(r.status, 201, JSON.stringify(d));
			return d;
		}
		async function pay(client, code, body) {
			const r = await client.request('POST', `/api/v1/dossiers/${encodeURIComponent(code)}/payments`,
				{ json: body });
			return { status: r.status, body: await json(r) };
		}
		async function payments(code) {
			const r = await dh.request('GET', `/api/v1/dossiers/${encodeURIComponent(code)}/payments`);
			assert.equal(r.status, 200);
			return r.json();
		}
		async function start(code, check = CHECK) {
			const r = await anon.request('POST', `/api/v1/track/${encodeURIComponent(code)}/payments`,
				{ json: { check, provider: 'testpay' } });
			return { status: r.status, body: await json(r) };
		}
		async function callback(body, signature) {
			const text = JSON.stringify(body);
			const r = await fetch(`${srv.url}/api/v1/payments/callback/testpay`, { method: 'POST',
				headers: { 'content-type': 'application/json', 'x-signature': signature ?? sign(text) },
				body: text });
			return { status: r.status, body: await json(r) };
		}
		// The payer on testpay's page: GET it, then press a button.
		async function testpay(redirect, action) {
			const url = new URL(redirect);
			const page = await anon.request('GET', url.pathname + url.search);
			const html = await page.text();
			assert.equal(page.status, 200, html);
			assert.match(html, /Thanh toán thử nghiệm/);
			assert.match(html, />Thanh toán</);
			assert.match(html, />Hủy</);
			const q = url.searchParams;
			return anon.request('POST', url.pathname, { form: { amount: q.get('amount'),
				return: q.get('return'), sig: q.get('sig'), action } });
		}
		const kpi = (metric) => Number(one(srv.db,
			`SELECT COALESCE(SUM(value), 0) FROM kpi_counter WHERE metric = '${metric}'`));
		function rebuildAgrees() {
			const k = run(['kpi', 'rebuild', '--db', srv.db]);
			assert.equal(k.status, 0, k.stdout + k.stderr);
			assert.match(k.stdout, /^0 counter\(s\) differ/m);
		}

		test('fee items are recorded at intake; fee_required counts dossiers with a fee', async () => {
			const before = kpi('fee_required');
			const d = await intake();
			assert.ok(d.fee_due > 0);
			const p = await payments(d.code);
			assert.equal(p.fee_due, d.fee_due);
			assert.equal(p.fee_paid, 0);
			assert.equal(p.fees.reduce((s, f) => s + f.amount, 0), d.fee_due);
			assert.ok(p.fees.length >= 2);
			assert.deepEqual(p.payments, []);
			assert.equal(kpi('fee_required'), before + 1);
			// Fee taken at intake is the dossier's first (cash) payment.
			const d2 = await intake({ fee_paid: 8000 });
			const p2 = await payments(d2.code);
			assert.equal(p2.fee_paid, 8000);
			assert.deepEqual(p2.payments.map((x) => [x.method, x.amount, x.state]), [['cash', 8000, 'paid']]);
		});

		test('counter payments: cash, card with its reference, never more than is due', async () => {
			const d = await intake();
			let r = await pay(dh, d.code, { method: 'card', amount: 8000 });
			assert.equal(r.status, 400);
			assert.equal(r.body.error.field, 'reference');
			r = await pay(dh, d.code, { method: 'cheque', amount: 8000 });
			assert.equal(r.body.error.field, 'method');
			r = await pay(dh, d.code, { method: 'cash', amount: 0 });
			assert.equal(r.body.error.field, 'amount');
			r = await pay(dh, d.code, { method: 'cash', amount: d.fee_due + 1 });
			assert.equal(r.status, 400);
			assert.equal(r.body.error.field, 'amount');
			r = await pay(dh, d.code, { method: 'cash', amount: 'nhiều' });
			assert.equal(r.status, 400);
			// Not a clerk; a clerk of an agency that does not see the dossier.
			r = await pay(spec, d.code, { method: 'cash', amount: 1000 });
			assert.equal(r.status, 403);
			r = await pay(other, d.code, { method: 'cash', amount: 1000 });
			assert.equal(r.status, 404);
			r = await pay(dh, d.code, { method: 'cash', amount: 6000 });
			assert.equal(r.status, 201, JSON.stringify(r.body));
			assert.equal(r.body.state, 'paid');
			assert.equal(r.body.by, 'dh');
			r = await pay(dh, d.code, { method: 'card', amount: d.fee_due - 6000, reference: 'POS-778899' });
			assert.equal(r.status, 201);
			assert.equal(r.body.reference, 'POS-778899');
			r = await pay(dh, d.code, { method: 'cash', amount: 1 });
			assert.equal(r.status, 409);
			const p = await payments(d.code);
			assert.equal(p.fee_paid, d.fee_due);
			assert.equal(p.payments.length, 2);
			const sms = sql(srv.db, `SELECT recipient, body FROM notify_message m JOIN dossier d
				ON d.id = m.dossier_id WHERE d.code = '${d.code}' AND m.template_key = 'payment.received'`);
			assert.equal(sms.length, 2);
			assert.equal(sms[0][0], applicant.phone);
			assert.match(sms[0][1], new RegExp(d.code.replace(/\./g, '\\.')));
			assert.match(sms[0][1], /Đã nhận [0-9.]+ đồng phí, lệ phí/, 'the amount is written once, in đồng');
			// The officer's page shows them; the counter form takes a fee.
			const page = await (await dh.request('GET', `/ho-so/${encodeURIComponent(d.code)}`)).text();
			assert.match(page, /POS-778899/);
			assert.match(page, /Thẻ tại quầy/);
			rebuildAgrees();
		});

		test('the counter form on the dossier page records a payment', async () => {
			const d = await intake();
			const r = await dh.request('POST', `/thu-phi/${encodeURIComponent(d.code)}`,
				{ form: { method: 'cash', amount: '8.000' } });
			assert.equal(r.status, 303);
			assert.match(r.headers.get('location'), /#phi$/);
			assert.equal((await payments(d.code)).fee_paid, 8000);
			const bad = await dh.request('POST', `/thu-phi/${encodeURIComponent(d.code)}`,
				{ form: { method: 'card', amount: '1000' } });
			assert.equal(bad.status, 400);
		});

		test('online through testpay over real HTTP: start, pay, callback, return', async () => {
			const d = await intake();
			const paidOnline = kpi('paid_online');
			let r = await start(d.code, '0000');
			assert.equal(r.status, 404);
			r = await start(d.code);
			assert.equal(r.status, 201, JSON.stringify(r.body));
			assert.equal(r.body.amount, d.fee_due);
			assert.match(r.body.redirect_url, /\/thanh-toan\/thu-nghiem\/T[0-9a-f]{16}\?amount=\d+&return=.+&sig=[0-9a-f]{64}$/);
			let p = await payments(d.code);
			assert.deepEqual(p.payments.map((x) => x.state), ['pending']);
			// A tampered amount in the link is refused by the provider.
			const tampered = new URL(r.body.redirect_url);
			tampered.searchParams.set('amount', '1');
			const t = await anon.request('GET', tampered.pathname + tampered.search);
			assert.equal(t.status, 400);
			// The tracking page offers to pay.
			const track = await (await anon.request('GET',
				`/tra-cuu?ma=${encodeURIComponent(d.code)}&so=${CHECK}`)).text();
			assert.match(track, /Thanh toán trực tuyến/);
			const res = await testpay(r.body.redirect_url, 'pay');
			assert.equal(res.status, 303);
			const back = new URL(res.headers.get('location'));
			assert.equal(back.pathname, '/thanh-toan/ket-qua');
			assert.equal(back.searchParams.get('status'), 'paid');
			const done = await anon.request('GET', back.pathname + back.search);
			const html = await done.text();
			assert.equal(done.status, 200);
			assert.match(html, /đã được thanh toán/);
			// A forged return link is refused.
			const forged = await anon.request('GET', back.pathname + back.search.replace(/sig=[0-9a-f]{4}/, 'sig=0000'));
			assert.equal(forged.status, 400);
			p = await payments(d.code);
			assert.equal(p.fee_paid, d.fee_due);
			assert.equal(p.payments[0].state, 'paid');
			assert.match(p.payments[0].transaction_id, /^TP[0-9a-f]+$/);
			assert.equal(kpi('paid_online'), paidOnline + 1);
			assert.equal(one(srv.db, `SELECT COUNT(*) FROM payment_event WHERE order_id = '${r.body.order_id}' AND kind = 'paid'`), '1');
			assert.equal(one(srv.db, `SELECT COUNT(*) FROM notify_message m JOIN dossier d ON d.id = m.dossier_id
				WHERE d.code = '${d.code}' AND m.template_key = 'payment.received'`), '1');
			// Paying the link again does not pay twice.
			const again = await testpay(r.body.redirect_url, 'pay');
			assert.equal(again.status, 303);
			assert.equal((await payments(d.code)).fee_paid, d.fee_due);
			r = await start(d.code);
			assert.equal(r.status, 409, 'nothing left to pay');
			rebuildAgrees();
		});

		test('a callback repeated ten times records one payment', async () => {
			const d = await intake();
			const { body: s } = await start(d.code);
			const cb = { order_id: s.order_id, transaction_id: 'TP-REPEAT-1', amount: s.amount,
				status: 'paid', timestamp: Math.floor(Date.now() / 1000) };
			const answers = await Promise.all(Array.from({ length: 10 }, () => callback(cb)));
			assert.deepEqual(answers.map((a) => a.status), Array(10).fill(200));
			const results = answers.map((a) => a.body.result).sort();
			assert.deepEqual(results, ['duplicate', ...Array(8).fill('duplicate'), 'paid'].sort());
			const p = await payments(d.code);
			assert.equal(p.fee_paid, s.amount);
			assert.equal(p.payments.filter((x) => x.state === 'paid').length, 1);
			assert.equal(one(srv.db, `SELECT COUNT(*) FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id
				WHERE d.code = '${d.code}' AND e.action = 'pay'`), '1');
			// The same transaction presented for another order is refused.
			const d2 = await intake();
			const { body: s2 } = await start(d2.code);
			const r = await callback({ ...cb, order_id: s2.order_id, amount: s2.amount });
			assert.equal(r.status, 409);
			assert.equal((await payments(d2.code)).fee_paid, 0);
			rebuildAgrees();
		});

		test('forged, wrong-amount, replayed and unknown callbacks change nothing and are logged', async () => {
			const d = await intake();
			const { body: s } = await start(d.code);
			const now = Math.floor(Date.now() / 1000);
			const good = { order_id: s.order_id, transaction_id: 'TP-BAD-1', amount: s.amount,
				status: 'paid', timestamp: now };
			const cases = [
				[good, sign(JSON.stringify(good), 'not-the-secret'), 403, 'forged'],
				[good, 'deadbeef', 403, 'forged'],
				[{ ...good, amount: 1 }, undefined, 409, 'wrong_amount'],
				[{ ...good, timestamp: now - 3600 }, undefined, 400, 'stale'],
				[{ ...good, timestamp: now + 3600 }, undefined, 400, 'stale'],
				[{ ...good, order_id: 'T0000000000000000' }, undefined, 404, 'unknown_order'],
				[{ ...good, status: 'maybe' }, undefined, 400, 'malformed'],
			];
			for (const [body, sig, status, kind] of cases) {
				const r = await callback(body, sig);
				assert.equal(r.status, status, `${kind}: ${JSON.stringify(r.body)}`);
				assert.ok(r.body.error, kind);
			}
			const p = await payments(d.code);
			assert.equal(p.fee_paid, 0);
			assert.deepEqual(p.payments.map((x) => x.state), ['pending']);
			const kinds = sql(srv.db, `SELECT kind FROM payment_event WHERE order_id IN
				('${s.order_id}', 'T0000000000000000') ORDER BY id`).map((x) => x[0]);
			assert.deepEqual(kinds, cases.map((c) => c[3]));
			// Without a signature header at all.
			const r = await fetch(`${srv.url}/api/v1/payments/callback/testpay`, { method: 'POST',
				headers: { 'content-type': 'application/json' }, body: JSON.stringify(good) });
			assert.equal(r.status, 403);
			// An unknown provider.
			const u = await fetch(`${srv.url}/api/v1/payments/callback/nganluong`, { method: 'POST',
				headers: { 'content-type': 'application/json' }, body: '{}' });
			assert.equal(u.status, 404);
			// The genuine one still goes through.
			const ok = await callback(good);
			assert.equal(ok.status, 200);
			assert.equal(ok.body.result, 'paid');
		});

		test('a clerk may start an online payment for the applicant; only a clerk who sees it', async () => {
			const d = await intake();
			let r = await pay(dh, d.code, { method: 'online', provider: 'testpay' });
			assert.equal(r.status, 201, JSON.stringify(r.body));
			assert.equal(r.body.amount, d.fee_due);
			assert.match(r.body.redirect_url, /\/thanh-toan\/thu-nghiem\//);
			r = await pay(other, d.code, { method: 'online', provider: 'testpay' });
			assert.equal(r.status, 404);
			r = await pay(dh, d.code, { method: 'online', provider: 'vnpay' });
			assert.equal(r.status, 400);
			assert.equal(r.body.error.field, 'provider');
			const p = await payments(d.code);
			assert.deepEqual(p.payments.map((x) => [x.method, x.state, x.by]), [['online', 'pending', 'dh']]);
		});

		test('a failed payment is recorded as such and the fee can be paid again', async () => {
			const d = await intake();
			const { body: s } = await start(d.code);
			const res = await testpay(s.redirect_url, 'cancel');
			assert.equal(res.status, 303);
			assert.equal(new URL(res.headers.get('location')).searchParams.get('status'), 'cancelled');
			const p = await payments(d.code);
			assert.deepEqual(p.payments.map((x) => x.state), ['failed']);
			assert.equal(p.fee_paid, 0);
			assert.equal((await start(d.code)).status, 201);
		});

		test('reconcile finds a paid transaction whose callback was lost, and --fix records it', async () => {
			const d = await intake();
			const { body: s } = await start(d.code);
			// testpay's third button pays but never calls back: a lost callback.
			const res = await testpay(s.redirect_url, 'lose');
			assert.equal(res.status, 303);
			assert.equal((await payments(d.code)).fee_paid, 0);
			const back = new URL(res.headers.get('location'));
			const page = await (await anon.request('GET', back.pathname + back.search)).text();
			assert.match(page, /đang chờ/);
			let r = run(['payments', 'reconcile', '--db', srv.db, '--provider', 'testpay', ...settings]);
			assert.equal(r.status, 1, r.stdout + r.stderr);
			assert.match(r.stdout, new RegExp(`^missing\\t.*"order_id":"${s.order_id}"`, 'm'));
			// The callbacks the tests above signed themselves were never
			// payments at testpay: reconciliation says so.
			const crafted = sql(srv.db, `SELECT transaction_id FROM payment WHERE provider = 'testpay'
				AND state = 'paid' AND transaction_id NOT IN (SELECT transaction_id FROM testpay_transaction)
				ORDER BY id`).map((x) => x[0]);
			assert.deepEqual(crafted, ['TP-REPEAT-1', 'TP-BAD-1']);
			for (const txn of crafted)
				assert.match(r.stdout, new RegExp(`^mismatched\\t.*paid here, not paid at the provider.*"${txn}"`, 'm'));
			assert.match(r.stdout, /1 missing, 2 mismatched, 0 fixed/);
			assert.equal((await payments(d.code)).fee_paid, 0, 'a report changes nothing');
			r = run(['payments', 'reconcile', '--db', srv.db, '--fix', ...settings]);
			assert.equal(r.status, 1, 'the mismatches remain for a person to look at');
			assert.match(r.stdout, /1 missing, 2 mismatched, 1 fixed/);
			const p = await payments(d.code);
			assert.equal(p.fee_paid, s.amount);
			assert.equal(p.payments[0].state, 'paid');
			assert.equal(one(srv.db, `SELECT COUNT(*) FROM payment_event WHERE order_id = '${s.order_id}' AND kind = 'reconciled'`), '1');
			r = run(['payments', 'reconcile', '--db', srv.db, ...settings]);
			assert.match(r.stdout, /0 missing, 2 mismatched/);
			// The late callback, if it comes after all, is a repeat.
			const txn = one(srv.db, `SELECT transaction_id FROM testpay_transaction WHERE order_id = '${s.order_id}'`);
			const late = await callback({ order_id: s.order_id, transaction_id: txn, amount: s.amount,
				status: 'paid', timestamp: Math.floor(Date.now() / 1000) });
			assert.equal(late.body.result, 'duplicate');
			r = run(['payments', 'reconcile', '--help']);
			assert.equal(r.status, 0);
			rebuildAgrees();
		});

		test('the test provider is off unless the setting says so', async () => {
			const r = run(['payments', 'reconcile', '--db', srv.db, '--provider', 'testpay']);
			assert.equal(r.status, 1);
			assert.match(r.stderr, /testpay/);
		});
	});
}
