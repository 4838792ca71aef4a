// A citizen on a phone (375×812) pays a dossier's fee online through the
// built-in test provider, and rates a returned dossier (issue 8).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, run, freePort } from '../lib/server.mjs';
import { launch, open } from '../lib/browser.mjs';
import { Client } from '../lib/client.mjs';

const PASSWORD = 'mat-khau-thanh-toan-2021';
const BIRTH = '1.001193';
const applicant = { name: 'Hoàng Thị Lan', phone: '0935112233' };
const CHECK = '2233';

let srv, browser, clerk;
before(async () => {
	const port = await freePort();
	srv = await startServer({ args: ['--listen', `127.0.0.1:${port}`, '--public_url',
		`http://127.0.0.1:${port}`, '--payment_testpay', '1'] });
	const r = run(['user', 'add', '--db', srv.db, '--username', 'clerk', '--role',
		'clerk,specialist,leader', '--agency', 'xa-dai-hiep', '--full-name', 'Lê Văn Tiếp'],
	{ input: PASSWORD + '\n' });
	assert.equal(r.status, 0, r.stderr);
	clerk = new Client(srv.url);
	await clerk.signIn('clerk', PASSWORD);
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await srv?.stop();
});

async function intake() {
	const r = await clerk.request('POST', '/api/v1/dossiers', { json: { procedure: BIRTH, applicant } });
	const d = await r.json();
	assert.equal(r.status, 201, JSON.stringify(d));
	return d;
}
async function act(d, action) {
	const r = await clerk.request('POST', `/api/v1/dossiers/${encodeURIComponent(d.code)}/actions/${action}`,
		{ json: action === 'assign' ? { to: 'clerk' } : {} });
	assert.equal(r.status, 200, await r.text());
}
async function dossier(code) {
	const r = await clerk.request('GET', `/api/v1/dossiers/${encodeURIComponent(code)}`);
	return r.json();
}

async function submit(page, locator) {
	const [res] = await Promise.all([page.waitForNavigation(), locator.click()]);
	return res;
}

// Every id once, every field with its label, no sideways scrolling.
async function wellFormed(page) {
	const bad = await page.evaluate(() => {
		const seen = new Set(), out = [];
		for (const e of document.querySelectorAll('[id]')) {
			if (seen.has(e.id))
				out.push('duplicate id ' + e.id);
			seen.add(e.id);
		}
		for (const f of document.querySelectorAll('input:not([type="hidden"]), select, textarea'))
			if (!f.labels || !f.labels.length)
				out.push('no label for ' + (f.id || f.name));
		if (document.documentElement.scrollWidth > document.documentElement.clientWidth)
			out.push('sideways scrolling');
		return out;
	});
	assert.deepEqual(bad, [], page.url());
}

async function phonePage() {
	const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 375, height: 812 },
		isMobile: true, hasTouch: true });
	return { context, page: await open(context) };
}

async function track(page, code) {
	await page.goto(srv.url + '/tra-cuu');
	await page.locator('#f-ma').fill(code);
	await page.locator('#f-so').fill(CHECK);
	await submit(page, page.locator('form.track button[type="submit"]'));
	assert.equal(await page.locator('.track-result').count(), 1);
}

test('on a phone: look the dossier up, pay the fee with testpay, see it paid', async () => {
	const d = await intake();
	assert.ok(d.fee_due > 0);
	const { context, page } = await phonePage();
	await track(page, d.code);
	const fees = page.locator('section.payments');
	assert.match(await fees.textContent(), /16\.000/);
	await wellFormed(page);
	await submit(page, page.getByRole('button', { name: 'Thanh toán trực tuyến' }));
	assert.match(new URL(page.url()).pathname, /^\/thanh-toan\/thu-nghiem\/T[0-9a-f]+$/);
	assert.match(await page.locator('h1').textContent(), /Thanh toán thử nghiệm/);
	await wellFormed(page);
	await submit(page, page.getByRole('button', { name: 'Thanh toán', exact: true }));
	assert.equal(new URL(page.url()).pathname, '/thanh-toan/ket-qua');
	assert.match(await page.getByRole('status').textContent(), /đã được thanh toán/);
	await wellFormed(page);
	assert.equal((await dossier(d.code)).fee_paid, d.fee_due);
	// Back on tracking: paid in full, no button any more.
	await track(page, d.code);
	assert.equal(await page.getByRole('button', { name: 'Thanh toán trực tuyến' }).count(), 0);
	assert.deepEqual(page.problems, []);
	await context.close();
});

test('on a phone: rate a returned dossier from the tracking page, once', async () => {
	const d = await intake();
	for (const a of ['assign', 'approve', 'mark_ready', 'return'])
		await act(d, a);
	const { context, page } = await phonePage();
	await track(page, d.code);
	await submit(page, page.getByRole('link', { name: /mức độ hài lòng/ }));
	assert.equal(new URL(page.url()).pathname, `/danh-gia/${d.code}`);
	await wellFormed(page);
	const groups = page.locator('form.rating fieldset');
	assert.equal(await groups.count(), 5);
	const choice = { 'Tiếp cận dịch vụ': 5, 'Thủ tục hành chính': 4, 'Công chức trực tiếp giải quyết': 5,
		'Kết quả giải quyết': 4, 'Tiếp nhận, xử lý phản ánh, kiến nghị': 3 };
	for (const [legend, n] of Object.entries(choice)) {
		const group = page.getByRole('group', { name: legend });
		assert.equal(await group.getByRole('radio').count(), 5, legend);
		await group.getByRole('radio', { name: new RegExp(`^${n} — `) }).check();
	}
	await page.getByLabel('Ý kiến góp ý (không bắt buộc)').fill('Nhanh, đúng hẹn.');
	await submit(page, page.getByRole('button', { name: 'Gửi đánh giá' }));
	assert.match(await page.getByRole('status').textContent(), /đã được ghi nhận/);
	await track(page, d.code);
	assert.match(await page.locator('section.rating').textContent(), /Bạn đã đánh giá/);
	const k = run(['kpi', 'rebuild', '--db', srv.db]);
	assert.equal(k.status, 0, k.stdout);
	assert.deepEqual(page.problems, []);
	await context.close();
});
