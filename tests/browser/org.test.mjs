// Sign-in, user management and sign-out in a real browser (issue 3): an
// admin signs in through the form, creates a clerk through the form, finds
// them in the list and in the audit log, signs out, and the session cookie
// of the signed-out session no longer opens anything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, run } from '../lib/server.mjs';
import { launch, open } from '../lib/browser.mjs';

const ADMIN = 'boss';
const ADMIN_PW = 'matkhau-bimat-123';
const CLERK = 'vanthu-tuphap';
const CLERK_PW = 'tiep-nhan-2021-ok';

let srv, browser;
before(async () => {
	srv = await startServer();
	const r = run(['user', 'add', '--username', ADMIN, '--role', 'admin', '--agency',
		'ubnd-tinh', '--full-name', 'Quản trị', '--db', srv.db], { input: ADMIN_PW + '\n' });
	assert.equal(r.status, 0, `cchc user add failed: ${r.stderr}`);
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await srv?.stop();
});

// Signs in through the form of /dang-nhap (optionally with ?next=).
async function signIn(page, username, password, next) {
	await page.goto(srv.url + '/dang-nhap' + (next ? '?next=' + encodeURIComponent(next) : ''));
	await page.getByLabel('Tên đăng nhập').fill(username);
	await page.getByLabel('Mật khẩu').fill(password);
	await Promise.all([
		page.waitForNavigation(),
		page.getByRole('button', { name: 'Đăng nhập' }).click(),
	]);
}

test('an admin signs in, creates a user, signs out, and the old session is refused', async () => {
	const context = await browser.newContext({ locale: 'vi-VN' });
	const page = await open(context);

	// Sign in: the form sends us on to where we were going.
	await signIn(page, ADMIN, ADMIN_PW, '/quan-tri/nguoi-dung');
	assert.equal(new URL(page.url()).pathname, '/quan-tri/nguoi-dung');
	assert.equal(await page.getAttribute('html', 'lang'), 'vi');
	assert.match(await page.title(), /^Người dùng — /);
	assert.equal(await page.locator('h1').textContent(), 'Người dùng');
	const cookie = (await context.cookies()).find((c) => c.name === 'cchc_session');
	assert.ok(cookie, 'the session cookie is set');
	assert.equal(cookie.httpOnly, true);
	assert.equal(cookie.sameSite, 'Lax');

	// Create a clerk of Sở Tư pháp through the form.
	const form = page.locator('form[action="/quan-tri/nguoi-dung"]');
	await form.getByLabel('Tên đăng nhập').fill(CLERK);
	await form.getByLabel('Họ và tên').fill('Trần Thị <Bình>');
	const agency = await form.locator('select[name="agency"] option', { hasText: 'Sở Tư pháp' })
		.getAttribute('value');
	await form.getByLabel('Cơ quan, đơn vị').selectOption(agency);
	await form.locator('#f-role-clerk').check();
	await form.getByLabel('Mật khẩu', { exact: true }).fill(CLERK_PW);
	await Promise.all([
		page.waitForNavigation(),
		form.getByRole('button', { name: 'Tạo người dùng' }).click(),
	]);
	assert.equal(new URL(page.url()).searchParams.get('created'), CLERK);
	assert.match(await page.getByRole('status').textContent(), new RegExp(CLERK));

	// The list shows the new user with their agency, escaped, and their role.
	const row = page.locator('tbody tr', { has: page.locator('th', { hasText: CLERK }) });
	assert.equal(await row.count(), 1);
	assert.match(await row.textContent(), /Trần Thị <Bình>/);
	assert.match(await row.textContent(), /Sở Tư pháp/);
	assert.equal(await row.locator('.tag.ok').count(), 1);

	// A mistake is shown with the form again, announced, and the form keeps its values.
	await form.getByLabel('Tên đăng nhập').fill(CLERK);
	await form.getByLabel('Họ và tên').fill('Người Trùng Tên');
	await form.getByLabel('Cơ quan, đơn vị').selectOption(agency);
	await form.locator('#f-role-clerk').check();
	await form.getByLabel('Mật khẩu', { exact: true }).fill(CLERK_PW);
	const [dup] = await Promise.all([
		page.waitForNavigation(),
		form.getByRole('button', { name: 'Tạo người dùng' }).click(),
	]);
	assert.equal(dup.status(), 409);
	assert.match(await page.getByRole('alert').textContent(), new RegExp(CLERK));
	assert.equal(await form.getByLabel('Tên đăng nhập').getAttribute('aria-invalid'), 'true');
	assert.equal(await form.getByLabel('Họ và tên').inputValue(), 'Người Trùng Tên');
	// Chromium reports the 409 document as a failed load: that one is expected.
	page.problems = page.problems.filter((p) => !/status of 409/.test(p));

	// The audit log has the creation, by whom.
	await page.goto(srv.url + '/quan-tri/nhat-ky?action=user.create&object_id=' + CLERK);
	assert.equal(await page.locator('h1').textContent(), 'Nhật ký hệ thống');
	const entries = page.locator('tbody tr');
	assert.equal(await entries.count(), 1);
	assert.match(await entries.first().textContent(), new RegExp(ADMIN));
	assert.match(await entries.first().textContent(), /\d\d\/\d\d\/\d{4} \d\d:\d\d/);

	// Sign out: back home, the cookie is gone.
	await page.goto(srv.url + '/dang-nhap');
	await Promise.all([
		page.waitForNavigation(),
		page.getByRole('banner').getByRole('button', { name: 'Đăng xuất' }).click(),
	]);
	assert.equal(new URL(page.url()).pathname, '/');
	assert.equal((await context.cookies()).find((c) => c.name === 'cchc_session'), undefined);
	const gone = await page.goto(srv.url + '/quan-tri/nguoi-dung');
	assert.equal(gone.status(), 401);
	page.problems = page.problems.filter((p) => !/status of 401/.test(p));
	assert.deepEqual(page.problems, []);
	await context.close();

	// The old session's cookie, replayed, is refused: no user list.
	const replay = await browser.newContext({ locale: 'vi-VN' });
	await replay.addCookies([{ name: 'cchc_session', value: cookie.value, url: srv.url }]);
	const thief = await open(replay);
	const res = await thief.goto(srv.url + '/quan-tri/nguoi-dung');
	assert.equal(res.status(), 401);
	assert.notEqual(await thief.locator('h1').textContent(), 'Người dùng');
	assert.equal(await thief.locator('tbody tr').count(), 0);
	await replay.close();
	const raw = await fetch(srv.url + '/quan-tri/nguoi-dung',
		{ headers: { cookie: 'cchc_session=' + cookie.value }, redirect: 'manual' });
	assert.equal(raw.status, 401);
	assert.doesNotMatch(await raw.text(), new RegExp(CLERK));
});

test('the new clerk signs in, may not manage users, and changes their password', async () => {
	const context = await browser.newContext({ locale: 'vi-VN' });
	const page = await open(context);

	// A wrong password: the form again, 401, the error announced.
	await page.goto(srv.url + '/dang-nhap');
	await page.getByLabel('Tên đăng nhập').fill(CLERK);
	await page.getByLabel('Mật khẩu').fill('sai-mat-khau-roi');
	const [wrong] = await Promise.all([
		page.waitForNavigation(),
		page.getByRole('button', { name: 'Đăng nhập' }).click(),
	]);
	assert.equal(wrong.status(), 401);
	assert.ok(await page.getByRole('alert').isVisible());
	assert.equal(await page.getByLabel('Tên đăng nhập').inputValue(), CLERK);

	// The right one; a next= to another site is ignored.
	await signIn(page, CLERK, CLERK_PW, '//example.com/');
	assert.equal(page.url(), srv.url + '/');
	const denied = await page.goto(srv.url + '/quan-tri/nguoi-dung');
	assert.equal(denied.status(), 403);

	// Change the password: the user stays signed in with a new session.
	await page.goto(srv.url + '/doi-mat-khau');
	assert.equal(await page.locator('h1').textContent(), 'Đổi mật khẩu');
	await page.getByLabel('Mật khẩu hiện tại').fill(CLERK_PW);
	await page.getByLabel('Mật khẩu mới', { exact: true }).fill('mat-khau-moi-2021');
	await page.getByLabel('Nhập lại mật khẩu mới').fill('mat-khau-moi-2021');
	await Promise.all([
		page.waitForNavigation(),
		page.getByRole('button', { name: 'Đổi mật khẩu' }).click(),
	]);
	assert.match(await page.getByRole('status').textContent(), /Mật khẩu của bạn đã được thay đổi/);
	const again = await page.goto(srv.url + '/doi-mat-khau');
	assert.equal(again.status(), 200);
	page.problems = page.problems.filter((p) => !/status of (401|403)/.test(p));
	assert.deepEqual(page.problems, []);
	await context.close();
});

test('the agency tree is public and nested', async () => {
	const context = await browser.newContext({ locale: 'vi-VN' });
	const page = await open(context);
	const res = await page.goto(srv.url + '/co-quan');
	assert.equal(res.status(), 200);
	assert.equal(await page.locator('h1').textContent(), 'Cơ quan, đơn vị');
	// Sở Nội vụ sits under the province's People's Committee, with its identifier.
	const noiVu = page.locator('main > ul > li > ul > li', { hasText: 'Sở Nội vụ' }).first();
	assert.match(await noiVu.textContent(), /\d{3}\.\d{2}\.\d{2}\.H47/);
	assert.deepEqual(page.problems, []);
	await context.close();
});
