// The citizens' portal on a phone (375 × 812) in headless Chromium: from
// the catalogue's "Nộp trực tuyến", sign in with the code sent by SMS (read
// from the outbox), fill the form with an upload, send it, and find the
// dossier in "Hồ sơ của tôi".  No horizontal scrolling, every field
// labelled, errors linked to their fields, no console errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { launch, open } from '../lib/browser.mjs';
import { ensureOtpTemplate, lastCode, PDF, PNG } from '../lib/citizen.mjs';

const PROC = '1.001570';	// Tạm ngừng hoạt động hộ kinh doanh: fully online, one document
const PHONE = '0935123789';

let srv, browser, uploads;
before(async () => {
	uploads = mkdtempSync(join(tmpdir(), 'cchc-uploads-'));
	srv = await startServer({ args: ['--upload-dir', uploads] });
	ensureOtpTemplate(srv);
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await srv?.stop();
	rmSync(uploads, { recursive: true, force: true });
});

// Statuses the test causes on purpose show up as failed loads in the console.
function unexpected(problems) {
	return problems.filter((p) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(p));
}

// Fits the phone's width, every id once, every field labelled.
async function fitsAndLabelled(page, what) {
	const bad = await page.evaluate(() => {
		const out = [], seen = new Set();
		if (document.documentElement.scrollWidth > document.documentElement.clientWidth)
			out.push(`scrolls sideways: ${document.documentElement.scrollWidth}px`);
		for (const e of document.querySelectorAll('[id]')) {
			if (seen.has(e.id))
				out.push('duplicate id ' + e.id);
			seen.add(e.id);
		}
		for (const f of document.querySelectorAll('input:not([type="hidden"]), select, textarea'))
			if (!f.labels || !f.labels.length)
				out.push('no label for ' + (f.id || f.name));
		for (const e of document.querySelectorAll('[aria-describedby]'))
			for (const id of e.getAttribute('aria-describedby').split(' '))
				if (!document.getElementById(id))
					out.push(`aria-describedby ${id} of ${e.id} points nowhere`);
		return out;
	});
	assert.deepEqual(bad, [], what);
}

async function go(page, action) {
	const [res] = await Promise.all([page.waitForNavigation(), action()]);
	return res;
}

test('a citizen on a phone signs in, files online with an upload, and sees the dossier', async () => {
	const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 375, height: 812 },
		isMobile: true, hasTouch: true });
	const page = await open(context);

	// The catalogue offers online filing for this procedure.
	await page.goto(`${srv.url}/thu-tuc/${PROC}`);
	await fitsAndLabelled(page, 'procedure page');
	let res = await go(page, () => page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click());
	assert.equal(res.status(), 401);
	await fitsAndLabelled(page, 'sign-in needed');
	res = await go(page, () => page.getByRole('link', { name: 'Đăng nhập bằng số điện thoại di động' }).click());
	assert.equal(res.status(), 200);
	assert.match(page.url(), /\/cong-dan\?next=/);
	await fitsAndLabelled(page, 'phone form');

	// A wrong number: the error is next to the field and linked to it.
	await page.getByLabel('Số điện thoại di động').fill('12345');
	res = await go(page, () => page.getByRole('button', { name: 'Gửi mã cho tôi' }).click());
	assert.equal(res.status(), 400);
	const phoneInput = page.locator('#f-phone');
	assert.equal(await phoneInput.getAttribute('aria-invalid'), 'true');
	assert.match(await page.locator('#f-phone-error').innerText(), /10 chữ số/);
	await fitsAndLabelled(page, 'phone form with an error');

	await phoneInput.fill(PHONE);
	res = await go(page, () => page.getByRole('button', { name: 'Gửi mã cho tôi' }).click());
	assert.equal(res.status(), 200);
	await fitsAndLabelled(page, 'code form');
	const code = lastCode(srv, PHONE);
	assert.match(code, /^\d{6}$/);
	await page.getByLabel('Mã trong tin nhắn SMS').fill(code);
	res = await go(page, () => page.getByRole('button', { name: 'Đăng nhập' }).click());
	assert.equal(res.status(), 200);
	// Back to the form of the procedure it started from.
	assert.equal(new URL(page.url()).pathname, `/cong-dan/nop/${PROC}`);
	await fitsAndLabelled(page, 'filing form');
	assert.match(await page.locator('header').innerText(), new RegExp(PHONE));

	// Fill it in; a file that lies about its type is refused by name.
	await page.getByLabel('Cơ quan tiếp nhận').selectOption('huyen-dai-loc');
	await page.getByLabel('Họ và tên').fill('Hồ Thị Thu');
	const input = page.locator('#f-doc_0');
	await input.setInputFiles({ name: 'thong-bao.pdf', mimeType: 'application/pdf', buffer: PNG });
	res = await go(page, () => page.getByRole('button', { name: 'Gửi hồ sơ' }).click());
	assert.equal(res.status(), 400);
	assert.match(await page.locator('#f-doc_0-error').innerText(), /thong-bao\.pdf.*khai sai loại/);
	assert.match(await page.locator('[role="alert"] a').getAttribute('href'), /#f-doc_0/);
	await fitsAndLabelled(page, 'filing form with an error');
	// The draft kept what was typed.
	assert.equal(await page.getByLabel('Họ và tên').inputValue(), 'Hồ Thị Thu');

	await page.locator('#f-doc_0').setInputFiles({ name: 'thong-bao.pdf', mimeType: 'application/pdf', buffer: PDF });
	res = await go(page, () => page.getByRole('button', { name: 'Gửi hồ sơ' }).click());
	assert.equal(res.status(), 200);
	assert.match(page.url(), /\/cong-dan\/ho-so\/\d+\?moi=1$/);
	const text = await page.locator('main').innerText();
	assert.match(text, /Hồ sơ của bạn đã được gửi/);
	assert.match(text, /đã nộp, chờ tiếp nhận/);
	assert.match(text, /thong-bao\.pdf/);
	await fitsAndLabelled(page, 'the dossier');

	// My dossiers, from the navigation.
	res = await go(page, () => page.getByRole('link', { name: 'Hồ sơ của tôi' }).first().click());
	assert.equal(res.status(), 200);
	const mine = await page.locator('main').innerText();
	assert.match(mine, /Tạm ngừng hoạt động hộ kinh doanh/);
	assert.match(mine, /đã nộp, chờ tiếp nhận/);
	await fitsAndLabelled(page, 'my dossiers');

	// The dossier's page, and its file downloads.
	await go(page, () => page.locator('main ul.dossiers a').first().click());
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.locator('a', { hasText: 'thong-bao.pdf' }).click(),
	]);
	assert.equal(download.suggestedFilename(), 'thong-bao.pdf');

	// English on request.
	await page.goto(`${srv.url}/cong-dan/ho-so?lang=en`);
	assert.match(await page.locator('h1').innerText(), /My dossiers/);
	await fitsAndLabelled(page, 'my dossiers in English');

	// Keyboard focus is visible on the form's controls.
	await page.goto(`${srv.url}/cong-dan/tai-khoan`);
	await page.getByLabel('Full name').focus();
	const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
	assert.notEqual(outline, 'none');

	assert.deepEqual(unexpected(page.problems), []);
	await context.close();
});
