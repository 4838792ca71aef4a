// The catalogue in a real browser, as a citizen uses it: search without
// accents, open the procedure, read its fees; on a phone-sized screen too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launch, open } from '../lib/browser.mjs';

let srv, browser;
before(async () => {
	srv = await startServer();
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await srv?.stop();
});

test('search, open a procedure, see its fees', async () => {
	const context = await browser.newContext({ locale: 'vi-VN' });
	const page = await open(context);
	const res = await page.goto(srv.url + '/thu-tuc');
	assert.equal(res.status(), 200);
	assert.equal(await page.getAttribute('html', 'lang'), 'vi');
	assert.match(await page.locator('h1').innerText(), /Thủ tục hành chính/);

	await page.fill('input[name="q"]', 'dang ky khai sinh');
	await Promise.all([page.waitForURL(/\/thu-tuc\?q=dang/), page.press('input[name="q"]', 'Enter')]);
	const first = page.locator('ol.procedures > li > a').first();
	assert.equal(await first.innerText(), 'Đăng ký khai sinh');
	assert.match(await page.locator('#results-h').innerText(), /\d+ thủ tục/);
	// Facets show their counts and narrow the results.
	const commune = page.locator('.facet a', { hasText: 'Cấp xã' });
	assert.ok(await commune.count() > 0);
	assert.match(await page.locator('.facet').first().innerText(), /\(\d+\)/);

	await Promise.all([page.waitForURL(/\/thu-tuc\/1\.001193$/), first.click()]);
	assert.equal(await page.locator('h1').innerText(), 'Đăng ký khai sinh');
	assert.match(await page.title(), /^Đăng ký khai sinh — /);
	const fees = page.locator('table.fees');
	assert.equal(await fees.count(), 1);
	assert.match(await page.locator('h2#phi').innerText(), /Phí, lệ phí/);
	const amounts = await fees.locator('td.amount').allInnerTexts();
	assert.ok(amounts.length > 0);
	assert.ok(amounts.every((a) => /^(\d{1,3}(\.\d{3})* đồng|Miễn phí)$/.test(a)), amounts.join(' | '));
	assert.ok(amounts.some((a) => /đồng$/.test(a)), 'at least one fee in đồng');
	assert.ok(await page.locator('table.documents tbody tr').count() > 0);
	assert.match(await page.locator('dl.facts').innerText(), /ngày làm việc/);
	// Fully online: the button to file online.
	const button = page.locator('a.file-online');
	assert.equal(await button.getAttribute('href'), '/cong-dan/nop/1.001193');
	assert.equal(await button.innerText(), 'Nộp hồ sơ trực tuyến');
	assert.deepEqual(page.problems, []);
	await context.close();
});

test('on a phone the pages fit the screen and work without JavaScript', async () => {
	const context = await browser.newContext({ locale: 'vi-VN', javaScriptEnabled: false,
		viewport: { width: 360, height: 740 } });
	const page = await open(context);
	for (const path of ['/thu-tuc?q=chung+thuc', '/thu-tuc/1.001193']) {
		const res = await page.goto(srv.url + path);
		assert.equal(res.status(), 200, path);
		const overflow = await page.evaluate(() =>
			document.documentElement.scrollWidth - document.documentElement.clientWidth);
		assert.ok(overflow <= 0, `${path}: ${overflow}px wider than the screen`);
	}
	// The search is a plain GET form.
	await page.goto(srv.url + '/thu-tuc');
	await page.fill('input[name="q"]', 'Chứng thực');
	await Promise.all([page.waitForURL(/q=Ch/), page.click('form.search button')]);
	assert.ok(await page.locator('ol.procedures > li').count() > 0);
	assert.deepEqual(page.problems, []);
	await context.close();
});
