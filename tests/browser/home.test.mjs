// The home page in a real browser: title, language, no console errors.
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

test('home page is in Vietnamese with a title and no console errors', async () => {
	const context = await browser.newContext({ locale: 'vi-VN' });
	const page = await open(context);
	const res = await page.goto(srv.url + '/');
	assert.equal(res.status(), 200);
	assert.match(await page.title(), /Trang chủ — Cải cách hành chính tỉnh Quảng Nam/);
	assert.equal(await page.getAttribute('html', 'lang'), 'vi');
	assert.equal(await page.locator('h1').count(), 1);
	// The stylesheet applied: the header has the brand colour.
	const bg = await page.locator('header.site').evaluate((e) => getComputedStyle(e).backgroundColor);
	assert.equal(bg, 'rgb(163, 21, 26)');
	assert.deepEqual(page.problems, []);
	await context.close();
});

test('the language switch gives English and remembers it', async () => {
	const context = await browser.newContext({ locale: 'vi-VN' });
	const page = await open(context);
	await page.goto(srv.url + '/');
	await page.click('a.lang');
	assert.equal(await page.getAttribute('html', 'lang'), 'en');
	assert.match(await page.title(), /^Home — /);
	await page.goto(srv.url + '/');
	assert.equal(await page.getAttribute('html', 'lang'), 'en');
	assert.deepEqual(page.problems, []);
	await context.close();
});
