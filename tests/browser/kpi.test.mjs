// The evaluation in a real browser (issue 9): a monitor signs in, opens the
// province's dashboard, finds its charts with their tables, follows the
// number of late dossiers to the list of those dossiers (the same count),
// comes back and downloads the dashboard as XLSX; the public statistics
// open without signing in; no console errors on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, run } from '../lib/server.mjs';
import { launch, open } from '../lib/browser.mjs';

const MONITOR = 'giam-sat';
const PASSWORD = 'theo-doi-chi-so-2026';
const YEAR = 2026;

let srv, browser;
before(async () => {
	srv = await startServer({ env: { CCHC_KPI_CACHE_SECONDS: '0' } });
	let r = run(['demo', '--db', srv.db, '--dossiers', '80', '--from', `${YEAR}-01-05`,
		'--to', `${YEAR}-11-20`, '--seed', '11']);
	assert.equal(r.status, 0, r.stderr);
	r = run(['user', 'add', '--username', MONITOR, '--role', 'monitor', '--agency', 'ubnd-tinh',
		'--full-name', 'Trần Văn Giám Sát', '--db', srv.db], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, `cchc user add failed: ${r.stderr}`);
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await srv?.stop();
});

test('a monitor follows a number of the dashboard to its dossiers and downloads the XLSX', async () => {
	const context = await browser.newContext({ locale: 'vi-VN', acceptDownloads: true });
	const page = await open(context);

	await page.goto(srv.url + '/dang-nhap?next=' + encodeURIComponent(`/chi-so?period=${YEAR}`));
	await page.getByLabel('Tên đăng nhập').fill(MONITOR);
	await page.getByLabel('Mật khẩu').fill(PASSWORD);
	await Promise.all([
		page.waitForNavigation(),
		page.getByRole('button', { name: 'Đăng nhập' }).click(),
	]);
	assert.equal(new URL(page.url()).pathname, '/chi-so');
	assert.equal(await page.locator('h1').textContent(), 'Chỉ số của Ủy ban nhân dân tỉnh Quảng Nam');

	// Charts are images with a name, and their numbers are in tables.
	const charts = page.getByRole('img');
	assert.ok(await charts.count() >= 4);
	assert.ok(await page.locator('svg.chart title').first().textContent());
	assert.ok(await page.getByRole('table', { name: 'Hồ sơ theo tháng' }).count() === 1);

	// The definition is at hand.
	const late = page.locator('tr#i-dossiers_late');
	await late.locator('summary').click();
	assert.match(await late.locator('details').textContent(), /sau thời hạn/);

	// The number of late dossiers links to those dossiers.
	const link = late.locator('td a').first();
	const n = Number(await link.textContent());
	assert.ok(n > 0, 'the workload has late dossiers');
	await Promise.all([page.waitForNavigation(), link.click()]);
	const url = new URL(page.url());
	assert.equal(url.pathname, '/ho-so');
	assert.equal(url.searchParams.get('outcome'), 'late');
	assert.equal(url.searchParams.get('by'), 'finished');
	assert.match(await page.locator('p.notice').textContent(), /Hồ sơ theo chỉ số/);
	assert.equal(await page.locator('#list-h').textContent(), `${n} hồ sơ`);

	// Back to the dashboard, and its XLSX.
	await page.goBack();
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('link', { name: 'XLSX' }).click(),
	]);
	assert.match(download.suggestedFilename(), /^chi-so-ubnd-tinh-2026\.xlsx$/);
	const file = await download.path();
	assert.equal(readFileSync(file).subarray(0, 2).toString(), 'PK');
	assert.deepEqual(page.problems, []);
	await context.close();
});

test('the public statistics need no sign-in', async () => {
	const context = await browser.newContext({ locale: 'vi-VN' });
	const page = await open(context);
	await page.goto(srv.url + '/thong-ke');
	assert.equal(await page.locator('h1').textContent(), 'Thống kê giải quyết thủ tục hành chính');
	const first = page.locator('table.stats tbody tr').first();
	assert.match(await first.locator('th').textContent(), /Ủy ban nhân dân tỉnh Quảng Nam/);
	assert.ok(Number(await first.locator('td').nth(6).textContent()) > 0, 'received this year');
	assert.deepEqual(page.problems, []);
	await context.close();
});
