// The reform plan in a real browser (issue 7): a reporter of Đại Lộc signs
// in, finds their agency's tasks with its reminders, reports progress on a
// task through the form, sees it in the task's history and then in the
// quarterly report of their agency; no console errors on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, run } from '../lib/server.mjs';
import { launch, open } from '../lib/browser.mjs';

const REPORTER = 'bc-dai-loc';
const PASSWORD = 'bao-cao-tien-do-2021';
const NOTE = 'Đã rà soát 15 văn bản quy phạm pháp luật của huyện';

let srv, browser;
before(async () => {
	srv = await startServer();
	const r = run(['user', 'add', '--username', REPORTER, '--role', 'reporter', '--agency',
		'huyen-dai-loc', '--full-name', 'Nguyễn Thị Báo Cáo', '--db', srv.db],
	{ input: PASSWORD + '\n' });
	assert.equal(r.status, 0, `cchc user add failed: ${r.stderr}`);
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await srv?.stop();
});

test('a reporter reports progress on a task and sees it in the report', async () => {
	const context = await browser.newContext({ locale: 'vi-VN' });
	const page = await open(context);

	// Sign in, on to the agency's own page.
	await page.goto(srv.url + '/dang-nhap?next=' + encodeURIComponent('/ke-hoach/cua-toi'));
	await page.getByLabel('Tên đăng nhập').fill(REPORTER);
	await page.getByLabel('Mật khẩu').fill(PASSWORD);
	await Promise.all([
		page.waitForNavigation(),
		page.getByRole('button', { name: 'Đăng nhập' }).click(),
	]);
	assert.equal(new URL(page.url()).pathname, '/ke-hoach/cua-toi');
	assert.equal(await page.locator('h1').textContent(), 'Nhiệm vụ của cơ quan tôi');
	// Years after the plan, its tasks are overdue: the reminders say so.
	assert.ok(await page.locator('ul.reminders li').count() > 0);
	assert.match(await page.locator('ul.reminders').textContent(), /quá hạn|hết hạn/);

	// The task list links to each task; I.2 is one of the district's.
	const row = page.locator('table.tasks tbody tr', { has: page.locator('th', { hasText: /^I\.2$/ }) });
	assert.equal(await row.count(), 1);
	await Promise.all([
		page.waitForNavigation(),
		row.getByRole('link', { name: 'I.2', exact: true }).click(),
	]);
	assert.equal(await page.locator('h1').textContent(), 'Nhiệm vụ I.2');
	assert.match(await page.locator('main').textContent(), /Sở Tư pháp/);

	// The report form.
	const form = page.locator('form[action="/ke-hoach/2021/nhiem-vu/I.2"]');
	await form.getByLabel('Trạng thái').selectOption('in_progress');
	await form.getByLabel('Tỷ lệ hoàn thành (%)').fill('60');
	await form.getByLabel('Ngày báo cáo').fill('2021-05-20');
	await form.getByLabel('Nội dung đã thực hiện').fill(NOTE);
	await form.getByLabel('Minh chứng').fill('Báo cáo số 45/BC-UBND ngày 20/5/2021');
	await Promise.all([
		page.waitForNavigation(),
		form.getByRole('button', { name: 'Gửi báo cáo' }).click(),
	]);
	assert.equal(new URL(page.url()).searchParams.get('reported'), '1');
	assert.equal(await page.getByRole('status').textContent(), 'Báo cáo của bạn đã được ghi nhận.');
	const history = page.locator('table.history tbody tr');
	assert.equal(await history.count(), 1);
	assert.match(await history.first().textContent(), /20\/05\/2021/);
	assert.match(await history.first().textContent(), new RegExp(NOTE));
	assert.match(await history.first().textContent(), /Ủy ban nhân dân huyện Đại Lộc/);

	// A mistake comes back with the form, announced, the text kept.
	await form.getByLabel('Tỷ lệ hoàn thành (%)').fill('100');
	await form.getByLabel('Nội dung đã thực hiện').fill('Chưa xong');
	const [bad] = await Promise.all([
		page.waitForNavigation(),
		form.getByRole('button', { name: 'Gửi báo cáo' }).click(),
	]);
	assert.equal(bad.status(), 400);
	assert.match(await page.getByRole('alert').textContent(), /0 đến 99/);
	assert.equal(await form.getByLabel('Nội dung đã thực hiện').inputValue(), 'Chưa xong');
	page.problems = page.problems.filter((p) => !/status of 400/.test(p));

	// The second quarter's report of the agency, chosen on the reports page.
	await page.goto(srv.url + '/ke-hoach/2021/bao-cao');
	await page.getByLabel('Kỳ báo cáo').selectOption('Q2');
	await Promise.all([
		page.waitForNavigation(),
		page.getByRole('button', { name: 'Xem báo cáo' }).click(),
	]);
	assert.equal(new URL(page.url()).pathname, '/ke-hoach/2021/bao-cao/Q2');
	assert.match(await page.locator('h1').textContent(), /Quý II năm 2021/);
	const reported = page.locator('table.reported tbody tr', { has: page.locator('th', { hasText: /^I\.2$/ }) });
	assert.equal(await reported.count(), 1);
	assert.match(await reported.textContent(), new RegExp(NOTE));
	assert.match(await reported.textContent(), /Đúng tiến độ/);
	// The area's count of tasks on track includes it, and links to the list behind it.
	const area = page.locator('table.report tbody tr', { has: page.locator('th', { hasText: /^I\. / }) });
	const onTrack = area.locator('td[data-state="on_track"] a');
	assert.equal(await onTrack.textContent(), '1');
	await Promise.all([page.waitForNavigation(), onTrack.click()]);
	assert.equal(await page.locator('table.tasks tbody tr').count(), 1);
	assert.match(await page.locator('table.tasks tbody tr').textContent(), /I\.2/);
	// The PDF is there to download.
	await page.goBack();
	const href = await page.getByRole('link', { name: 'Tải về bản PDF' }).getAttribute('href');
	const pdf = await page.request.get(srv.url + href);
	assert.equal(pdf.headers()['content-type'], 'application/pdf');

	assert.deepEqual(page.problems, []);
	await context.close();
});
