// The calendar page in a real browser (issue 4, item 7): the year's months
// with Tết and the swapped days marked in words as well as colour, the list
// of days with their notices, and an admin adding next year's notice
// through the form, mistakes first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, run } from '../lib/server.mjs';
import { launch, open } from '../lib/browser.mjs';

const ADMIN = 'quantri-lich';
const ADMIN_PW = 'lich-lam-viec-2027';

let srv, browser;
before(async () => {
	srv = await startServer();
	const r = run(['user', 'add', '--username', ADMIN, '--role', 'admin', '--agency',
		'ubnd-tinh', '--full-name', 'Quản trị lịch', '--db', srv.db], { input: ADMIN_PW + '\n' });
	assert.equal(r.status, 0, `cchc user add failed: ${r.stderr}`);
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await srv?.stop();
});

// The cell of a date in the months' tables.
const cell = (page, iso) => page.locator('.calendar td', { has: page.locator(`time[datetime="${iso}"]`) });

test('2026 shows Tết and the swapped days, marked not by colour alone', async () => {
	const context = await browser.newContext({ locale: 'vi-VN' });
	const page = await open(context);
	const res = await page.goto(srv.url + '/lich/2026');
	assert.equal(res.status(), 200);
	assert.equal(await page.getAttribute('html', 'lang'), 'vi');
	assert.match(await page.locator('h1').textContent(), /2026/);
	assert.equal(await page.locator('.calendar table').count(), 12);
	assert.equal(await page.locator('.calendar caption').first().textContent() !== '', true);

	// Tết Bính Ngọ: 27 tháng Chạp to mùng 6, Saturday 14/2 to Sunday 22/2.
	let mark = null;
	for (let d = 14; d <= 22; d++) {
		const c = cell(page, `2026-02-${d}`);
		assert.equal(await c.count(), 1);
		assert.equal(await c.getAttribute('class'), 'off', `2026-02-${d}`);
		assert.match(await c.getAttribute('title'), /^Tết Nguyên đán/);
		// A word besides the number tells it is off.
		const text = (await c.innerText()).replace(/\s+/g, ' ').trim();
		assert.notEqual(text, String(d), `2026-02-${d} has a text mark`);
		mark ??= text.replace(String(d), '').trim();
		assert.equal(text.replace(String(d), '').trim(), mark);
	}
	const bg = await cell(page, '2026-02-17').evaluate((e) => getComputedStyle(e).backgroundColor);
	assert.equal(bg, 'rgb(251, 227, 228)', 'the stylesheet marks days off');
	assert.equal(await cell(page, '2026-02-23').getAttribute('class'), null, 'Monday 23/2 is worked');
	assert.equal(await cell(page, '2026-03-07').getAttribute('class'), 'weekend');
	// The swaps: Saturday 22/8 worked for Monday 31/8.
	assert.equal(await cell(page, '2026-08-22').getAttribute('class'), 'work');
	assert.notEqual((await cell(page, '2026-08-22').innerText()).trim(), '22');
	assert.equal(await cell(page, '2026-08-31').getAttribute('class'), 'off');

	// The list names each day and the notice that set it.
	const row = page.locator('#days tbody tr', { hasText: 'Tết Nguyên đán (mùng 1)' });
	assert.equal(await row.count(), 1);
	assert.match(await row.innerText(), /17\/02\/2026/);
	assert.match(await row.innerText(), /9441\/TB-BNV/);
	const swap = page.locator('#days tbody tr', { has: page.locator('time[datetime="2026-08-22"]') });
	assert.match(await swap.innerText(), /9441\/TB-BNV/);
	assert.equal(await page.locator('#f-rows').count(), 0, 'no form for the public');

	// The next year has no notice: it says so.
	await Promise.all([page.waitForNavigation(), page.locator('a[rel="next"]').click()]);
	assert.equal(new URL(page.url()).pathname, '/lich/2027');
	assert.equal(await page.locator('#schedule-source').getAttribute('class'), 'notice');
	assert.deepEqual(page.problems, []);
	await context.close();
});

test('an admin adds the 2027 notice through the form', async () => {
	const context = await browser.newContext({ locale: 'vi-VN' });
	const page = await open(context);
	await page.goto(srv.url + '/dang-nhap?next=' + encodeURIComponent('/lich/2027'));
	await page.getByLabel('Tên đăng nhập').fill(ADMIN);
	await page.getByLabel('Mật khẩu').fill(ADMIN_PW);
	await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
	assert.equal(new URL(page.url()).pathname, '/lich/2027');

	// The form starts from the computed schedule.
	const start = await page.locator('#f-rows').inputValue();
	assert.match(start, /^2027-01-01 \| off \| Tết Dương lịch \| /);
	assert.equal(await cell(page, '2027-02-20').getAttribute('class'), 'weekend');

	// A mistake: a worked Friday.  The form comes back with the error, announced.
	await page.locator('#f-notice').fill('1234/TB-BNV');
	await page.locator('#f-rows').fill(start + '2027-02-12 | work | Sai: thứ Sáu\n');
	const line = start.trim().split('\n').length + 1;
	await Promise.all([page.waitForNavigation(), page.locator('form[action="/lich/2027"] button[type="submit"]').click()]);
	const alert = page.getByRole('alert');
	assert.match(await alert.innerText(), new RegExp(`${line}: .*2027-02-12`));
	assert.equal(await page.locator('#f-rows').getAttribute('aria-invalid'), 'true');
	assert.equal(await page.locator('#f-notice').inputValue(), '1234/TB-BNV');
	// The refused form is answered with 400, which the browser logs.
	page.problems = page.problems.filter((p) => !/status of 400/.test(p));

	// Corrected: Thursday 11/2 off, Saturday 20/2 worked.
	await page.locator('#f-rows').fill(start +
		'2027-02-11 | off | Nghỉ hoán đổi (làm bù thứ Bảy 20/2/2027)\n' +
		'2027-02-20 | work | đổi lấy ngày nghỉ thứ Năm 11/2/2027\n');
	await Promise.all([page.waitForNavigation(), page.locator('form[action="/lich/2027"] button[type="submit"]').click()]);
	assert.equal(new URL(page.url()).pathname, '/lich/2027');
	assert.ok(await page.getByRole('status').isVisible());
	assert.equal(await cell(page, '2027-02-20').getAttribute('class'), 'work');
	assert.equal(await cell(page, '2027-02-11').getAttribute('class'), 'off');
	assert.equal(await page.locator('#schedule-source').getAttribute('class'), null);
	assert.match(await page.locator('#schedule-source').innerText(), /1234\/TB-BNV/);
	const history = page.locator('#history + table tbody tr');
	assert.equal(await history.count(), 1);
	assert.match(await history.first().innerText(), new RegExp(ADMIN));
	assert.deepEqual(page.problems, []);
	await context.close();
});
