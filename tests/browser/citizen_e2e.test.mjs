// Issue 8 end to end, on a phone (375 × 812) in headless Chromium, against
// a real server and a real SMS gateway (Kannel with its fake SMS centre):
// a citizen signs up with the code read from the SMS, files a dossier
// online with two uploads, the officer accepts it (SMS), the citizen pays
// the fee with the test provider and follows the dossier, the officer takes
// it to the end (SMS at each step, in order; the gateway is killed midway
// and the waiting SMS goes out when it returns), the citizen downloads the
// result and rates the service once from the link in the last SMS.  On
// SQLite, and on PostgreSQL when CCHC_TEST_PG names a server.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { backends, startServer, run } from '../lib/server.mjs';
import { launch, open } from '../lib/browser.mjs';
import { Client } from '../lib/client.mjs';
import { startKannel, freePort } from '../lib/kannel.mjs';
import { formData } from '../lib/citizen.mjs';

// Đăng ký thay đổi nội dung đăng ký hộ kinh doanh: fully online, two
// documents, a fee of 50.000 đ, received by a district.
const PROC = '2.000720';
const AGENCY = 'huyen-dai-loc';
const PHONE = '0935246810';
const CHECK = PHONE.slice(-4);
const PASSWORD = 'mat-khau-dau-cuoi-2021';
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const quote = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// A small real PDF (one empty A4 page, with its cross-reference table).
function realPdf() {
	const objs = ['<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'];
	let body = '%PDF-1.4\n';
	const offsets = [];
	objs.forEach((o, i) => {
		offsets.push(body.length);
		body += `${i + 1} 0 obj\n${o}\nendobj\n`;
	});
	const xref = body.length;
	body += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
	for (const off of offsets)
		body += `${String(off).padStart(10, '0')} 00000 n \n`;
	body += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(body, 'latin1');
}

// A real 16 × 16 grey PNG, CRCs and all.
function realPng() {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (buf) => {
		let c = 0xffffffff;
		for (const b of buf)
			c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type, data) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
		const sum = Buffer.alloc(4);
		sum.writeUInt32BE(crc(td));
		return Buffer.concat([len, td, sum]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(16, 0);
	ihdr.writeUInt32BE(16, 4);
	ihdr[8] = 8;	// bit depth
	ihdr[9] = 0;	// greyscale
	const rows = Buffer.alloc(16 * 17, 0x80);
	for (let y = 0; y < 16; y++)
		rows[y * 17] = 0;	// filter: none
	return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

// One server, gateway and upload folder for the backend being tested (the
// helpers below use them); one browser for all.
let kannel, srv, browser, officer, uploads;
before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

async function setUp(backend) {
	uploads = mkdtempSync(join(tmpdir(), 'cchc-e2e-uploads-'));
	kannel = await startKannel();
	const port = await freePort();
	srv = await startServer({ backend, args: ['--listen', `127.0.0.1:${port}`,
		'--public-url', `http://127.0.0.1:${port}`, ...kannel.cchcArgs,
		'--notify-interval', '1', '--notify-backoff', '1',
		'--payment-testpay', '1', '--upload-dir', uploads] });
	const r = run(['user', 'add', '--db', srv.db, '--username', 'dl', '--role',
		'clerk,specialist,leader', '--agency', AGENCY, '--full-name', 'Trần Văn Xử'],
	{ input: PASSWORD + '\n' });
	assert.equal(r.status, 0, r.stderr);
	officer = new Client(srv.url);
	await officer.signIn('dl', PASSWORD);
}

async function tearDown() {
	await srv?.stop();
	await kannel?.stop();
	if (uploads)
		rmSync(uploads, { recursive: true, force: true });
	srv = kannel = uploads = undefined;
}

async function until(what, fn, ms = 20000) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await sleep(200);
	}
}

async function go(page, action) {
	const [res] = await Promise.all([page.waitForNavigation(), action()]);
	return res;
}

// Every id once, every field labelled, no sideways scrolling.
async function wellFormed(page, what) {
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
		return out;
	});
	assert.deepEqual(bad, [], what);
}

async function act(ref, action, args = {}) {
	const r = await officer.request('POST', `/api/v1/dossiers/${encodeURIComponent(ref)}/actions/${action}`,
		{ json: args });
	const body = await r.text();
	assert.equal(r.status, 200, `${action}: ${body}`);
	return JSON.parse(body);
}

async function messages(code) {
	const r = await officer.request('GET', `/api/v1/dossiers/${encodeURIComponent(code)}/messages`);
	const body = await r.json();
	assert.equal(r.status, 200, JSON.stringify(body));
	return body.items;
}

async function track(page, code) {
	await page.goto(`${srv.url}/tra-cuu`);
	await page.getByLabel(/Mã hồ sơ/).fill(code);
	await page.locator('#f-so').fill(CHECK);
	const res = await go(page, () => page.locator('form.track button[type="submit"]').click());
	assert.equal(res.status(), 200);
	assert.equal(await page.locator('.track-result').count(), 1);
	return page.locator('main').innerText();
}

for (const backend of backends()) {
	describe(`issue 8 end to end on ${backend}`, () => {
		before(() => setUp(backend));
		after(tearDown);

		test('a citizen on a phone: SMS sign-up, online filing, fee, tracking, SMS at each step, rating', async () => {
			const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 375, height: 812 },
				isMobile: true, hasTouch: true });
			const page = await open(context);

			// 1. Sign up with a phone number; the code comes by SMS through Kannel.
			await page.goto(`${srv.url}/cong-dan`);
			await wellFormed(page, 'phone form');
			await page.getByLabel('Số điện thoại di động').fill(PHONE);
			let res = await go(page, () => page.getByRole('button', { name: 'Gửi mã cho tôi' }).click());
			assert.equal(res.status(), 200);
			const otp = await kannel.waitFor(PHONE, /Quảng Nam: (\d{6}),/);
			assert.match(otp.text, /hiệu lực \d+ phút/);
			await page.getByLabel('Mã trong tin nhắn SMS').fill(otp.match[1]);
			res = await go(page, () => page.getByRole('button', { name: 'Đăng nhập' }).click());
			assert.equal(res.status(), 200);
			assert.match(await page.locator('header').innerText(), new RegExp(PHONE));

			// 2. File online from the catalogue, with a PDF and a PNG.
			await page.goto(`${srv.url}/thu-tuc/${PROC}`);
			res = await go(page, () => page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click());
			assert.equal(res.status(), 200);
			assert.equal(new URL(page.url()).pathname, `/cong-dan/nop/${PROC}`);
			await wellFormed(page, 'filing form');
			await page.getByLabel('Cơ quan tiếp nhận').selectOption(AGENCY);
			await page.getByLabel('Họ và tên').fill('Phan Thị Hạnh');
			assert.equal(await page.locator('input[type="file"]').count(), 2);
			await page.locator('#f-doc_0').setInputFiles({ name: 'thong-bao-thay-doi.pdf',
				mimeType: 'application/pdf', buffer: realPdf() });
			await page.locator('#f-doc_1').setInputFiles({ name: 'giay-to-lien-quan.png',
				mimeType: 'image/png', buffer: realPng() });
			res = await go(page, () => page.getByRole('button', { name: 'Gửi hồ sơ' }).click());
			assert.equal(res.status(), 200, await page.locator('main').innerText());
			const id = /\/cong-dan\/ho-so\/(\d+)\?moi=1$/.exec(page.url())?.[1];
			assert.ok(id, page.url());
			let text = await page.locator('main').innerText();
			assert.match(text, /Hồ sơ của bạn đã được gửi/);
			assert.match(text, /đã nộp, chờ tiếp nhận/);
			assert.match(text, /thong-bao-thay-doi\.pdf/);
			assert.match(text, /giay-to-lien-quan\.png/);
			await wellFormed(page, 'the new dossier');

			// 3. The officer sees it in the queue with both files and accepts it
			// on the dossier's page, in a browser of their own; the citizen is
			// told by SMS, with the dossier's code.
			const ref = `#${id}`;
			let d = await (await officer.request('GET', `/api/v1/dossiers/${encodeURIComponent(ref)}`)).json();
			assert.equal(d.channel, 'online');
			assert.equal(d.state, 'submitted');
			const files = await (await officer.request('GET', `/api/v1/dossiers/${encodeURIComponent(ref)}/files`)).json();
			assert.deepEqual(files.items.map((f) => f.name).sort(),
				['giay-to-lien-quan.png', 'thong-bao-thay-doi.pdf']);
			const desk = await browser.newContext({ locale: 'vi-VN' });
			const officerPage = await open(desk);
			await officerPage.goto(`${srv.url}/dang-nhap?next=${encodeURIComponent(`/ho-so/${encodeURIComponent(ref)}`)}`);
			await officerPage.getByLabel('Tên đăng nhập').fill('dl');
			await officerPage.getByLabel('Mật khẩu').fill(PASSWORD);
			res = await go(officerPage, () => officerPage.getByRole('button', { name: 'Đăng nhập' }).click());
			assert.equal(res.status(), 200);
			assert.equal(new URL(officerPage.url()).pathname, `/ho-so/${encodeURIComponent(ref)}`);
			for (const name of ['thong-bao-thay-doi.pdf', 'giay-to-lien-quan.png'])
				assert.equal(await officerPage.locator('main a', { hasText: name }).count(), 1, name);
			res = await go(officerPage, () => officerPage.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click());
			assert.ok(res.status() < 400, await officerPage.locator('main').innerText());
			assert.match(await officerPage.locator('main').innerText(), /đã tiếp nhận/);
			assert.deepEqual(officerPage.problems, []);
			await desk.close();
			d = await (await officer.request('GET', `/api/v1/dossiers/${encodeURIComponent(ref)}`)).json();
			const code = d.code;
			assert.match(code, /^000\.\d\d\.\d\d\.H47-\d{6}-\d{4,}$/);
			assert.equal(d.state, 'received');
			const accepted = await kannel.waitFor(PHONE, new RegExp(`nộp trực tuyến đã được tiếp nhận, mã hồ sơ (${quote(code)}),`));
			assert.match(accepted.text, /^Hồ sơ Đăng ký thay đổi nội dung đăng ký hộ kinh doanh/);
			assert.equal(d.fee_due, 50000, "the procedure's fee");

			// 4. Pay the fee with the test provider, from the citizen's own
			// dossier page (tracking offers the same button to those without
			// an account: tests/browser/payment.test.mjs).
			await page.goto(`${srv.url}/cong-dan/ho-so/${id}`);
			assert.match(await page.locator('section.payments').innerText(), /50\.000/);
			await wellFormed(page, 'my dossier with the fee');
			await go(page, () => page.getByRole('button', { name: 'Thanh toán trực tuyến' }).click());
			assert.match(new URL(page.url()).pathname, /^\/thanh-toan\/thu-nghiem\/T[0-9a-f]+$/);
			assert.match(await page.locator('h1').innerText(), /Thanh toán thử nghiệm/);
			await wellFormed(page, 'the test provider');
			await go(page, () => page.getByRole('button', { name: 'Thanh toán', exact: true }).click());
			assert.equal(new URL(page.url()).pathname, '/thanh-toan/ket-qua');
			assert.match(await page.getByRole('status').innerText(), /đã được thanh toán/);
			assert.equal((await (await officer.request('GET', `/api/v1/dossiers/${encodeURIComponent(code)}`)).json()).fee_paid,
				d.fee_due);
			const paid = await kannel.waitFor(PHONE, new RegExp(`^Đã nhận .* phí, lệ phí của hồ sơ ${quote(code)}\\.`));
			assert.match(paid.text, /50\.000/);

			// 5. Follow it: tracking and "my dossiers", in Vietnamese.
			text = await track(page, code);
			assert.match(await page.locator('.track-result').innerText(), /đã tiếp nhận/);
			assert.equal(await page.getByRole('button', { name: 'Thanh toán trực tuyến' }).count(), 0);
			await page.goto(`${srv.url}/cong-dan/ho-so`);
			text = await page.locator('main').innerText();
			assert.match(text, /Đăng ký thay đổi nội dung đăng ký hộ kinh doanh/);
			assert.match(text, new RegExp(quote(code)));
			assert.match(text, /đã tiếp nhận/);
			await wellFormed(page, 'my dossiers');

			// 6–7. The officer takes it to the end.  Before "result ready" the
			// gateway dies: that SMS waits, not lost, and goes out when it returns.
			await act(code, 'claim');
			await act(code, 'approve');
			// The result of a fully online procedure, for the applicant to download.
			const result = realPdf();
			const up = await officer.request('POST', `/api/v1/dossiers/${encodeURIComponent(code)}/result-files`,
				{ multipart: formData({}, [['file', 'giay-chung-nhan.pdf', 'application/pdf', result]]) });
			assert.equal(up.status, 201, await up.text());
			const before = kannel.count(PHONE);
			await kannel.kill();
			await act(code, 'mark_ready');
			const waiting = await until('a failed attempt at the result SMS', async () => {
				const m = (await messages(code)).find((x) => x.template === 'dossier.result_ready' && x.channel === 'sms');
				return m && m.attempts >= 1 && m.state === 'temp_failed' && m;
			});
			assert.notEqual(waiting.state, 'delivered');
			assert.equal(kannel.count(PHONE), before);
			// The officer's page shows it waiting too (read again if it came
			// between two attempts, in "sending").
			await until('the officer\'s page to show the retry', async () => {
				const html = await (await officer.request('GET', `/ho-so/${encodeURIComponent(code)}`)).text();
				assert.match(html, /Tin nhắn gửi người nộp hồ sơ/);
				assert.doesNotMatch(html, /dossier\.result_ready<\/td><td>đã đến người nhận/);
				return /dossier\.result_ready<\/td><td>lỗi, sẽ gửi lại/.test(html);
			}, 5000);
			assert.equal(kannel.count(PHONE), before);
			await kannel.restart();
			const ready = await kannel.waitFor(PHONE, new RegExp(`^Hồ sơ ${quote(code)} đã có kết quả\\.`), 30000);
			assert.match(ready.text, new RegExp(`Tra cứu: ${quote(srv.url)}/tra-cuu\\?ma=${quote(code)}$`));
			await until('the result SMS delivered', async () => {
				const m = (await messages(code)).find((x) => x.template === 'dossier.result_ready' && x.channel === 'sms');
				return m.state === 'delivered';
			});
			await track(page, code);
			assert.match(await page.locator('.track-result').innerText(), /đã có kết quả, chờ trả/);

			await act(code, 'return', { channel: 'online' });
			const back = await kannel.waitFor(PHONE, new RegExp(`^Hồ sơ ${quote(code)} đã trả kết quả\\. .*đánh giá mức độ hài lòng: (\\S+)$`));
			assert.equal(back.match[1], `${srv.url}/danh-gia/${code}`);
			// The SMS to this phone, in order.
			const order = kannel.messages.filter((m) => m.to === PHONE).map((m) => m.text);
			const at = (re) => order.findIndex((t) => re.test(t));
			const steps = [/Quảng Nam: \d{6}/, /nộp trực tuyến đã được tiếp nhận/, /^Đã nhận .* phí/,
				/đã có kết quả/, /đã trả kết quả/];
			const idx = steps.map(at);
			assert.ok(idx.every((i) => i >= 0), JSON.stringify(order));
			assert.deepEqual([...idx].sort((a, b) => a - b), idx, JSON.stringify(order));
			assert.equal(order.filter((t) => /đã có kết quả/.test(t)).length, 1, 'the result SMS once');
			const list = await messages(code);
			const sms = list.filter((m) => m.channel === 'sms').map((m) => m.template);
			assert.deepEqual(sms, ['dossier.accepted', 'payment.received', 'dossier.result_ready',
				'dossier.returned']);
			assert.equal(order.length, steps.length, 'no SMS twice: ' + JSON.stringify(order));
			// Every one ends delivered, by the receipts Kannel sent back.
			await until('every SMS delivered', async () =>
				(await messages(code)).every((m) => m.channel !== 'sms' || m.state === 'delivered'));

			// 8. Rate it from the SMS's link: the page asks for the phone's last 4
			// digits, then the five factors.  A second tab opened on the same form
			// stands for a second attempt.
			const rateForm = async (p) => {
				const r = await p.goto(back.match[1]);
				assert.equal(r.status(), 200);
				await p.getByLabel('4 số cuối điện thoại của bạn').fill(CHECK);
				const shown = await go(p, () => p.getByRole('button', { name: 'Tiếp tục' }).click());
				assert.equal(shown.status(), 200, await p.locator('main').innerText());
				assert.equal(await p.locator('form.rating fieldset').count(), 5);
				await wellFormed(p, 'the rating form');
			};
			const fill = async (p, choice) => {
				for (const [legend, n] of Object.entries(choice))
					await p.getByRole('group', { name: legend }).getByRole('radio', { name: new RegExp(`^${n} — `) }).check();
			};
			const choice = { 'Tiếp cận dịch vụ': 5, 'Thủ tục hành chính': 4, 'Công chức trực tiếp giải quyết': 5,
				'Kết quả giải quyết': 5, 'Tiếp nhận, xử lý phản ánh, kiến nghị': 4 };
			const page2 = await open(context);
			await rateForm(page);
			await rateForm(page2);
			await fill(page, choice);
			await page.getByLabel('Ý kiến góp ý (không bắt buộc)').fill('Nộp trên điện thoại, nhận tin nhắn từng bước.');
			res = await go(page, () => page.getByRole('button', { name: 'Gửi đánh giá' }).click());
			assert.equal(res.status(), 200, await page.locator('main').innerText());
			assert.match(await page.getByRole('status').innerText(), /đã được ghi nhận/);

			await track(page, code);
			assert.match(await page.locator('.track-result').innerText(), /đã trả kết quả/);
			assert.match(await page.locator('section.rating').innerText(), /Bạn đã đánh giá/);
			await page.goto(`${srv.url}/cong-dan/ho-so`);
			assert.match(await page.locator('main').innerText(), /đã trả kết quả/);
			// The result, downloaded from the dossier's page.
			await go(page, () => page.locator('main ul.dossiers a').first().click());
			assert.equal(new URL(page.url()).pathname, `/cong-dan/ho-so/${id}`);
			assert.equal(await page.getByRole('heading', { name: 'Kết quả', exact: true }).count(), 1);
			assert.match(await page.locator('section.rating').innerText(), /Bạn đã đánh giá/);
			assert.equal(await page.getByRole('button', { name: 'Thanh toán trực tuyến' }).count(), 0);
			await wellFormed(page, 'the returned dossier');
			const [download] = await Promise.all([page.waitForEvent('download'),
				page.locator('a', { hasText: 'giay-chung-nhan.pdf' }).click()]);
			assert.equal(download.suggestedFilename(), 'giay-chung-nhan.pdf');
			assert.deepEqual(readFileSync(await download.path()), result);

			// The second attempt is refused, saying why; the link says so too.
			await fill(page2, Object.fromEntries(Object.keys(choice).map((k) => [k, 1])));
			res = await go(page2, () => page2.getByRole('button', { name: 'Gửi đánh giá' }).click());
			assert.equal(res.status(), 409);
			const refused = await page2.locator('main').innerText();
			assert.match(refused, new RegExp(`hồ sơ ${quote(code)} đã được đánh giá: mỗi hồ sơ chỉ đánh giá một lần`), refused);
			res = await page2.goto(`${back.match[1]}?so=${CHECK}`);
			assert.equal(res.status(), 409);
			assert.match(await page2.getByRole('status').innerText(), /Bạn đã đánh giá/);
			assert.equal(await page2.locator('form.rating').count(), 0);

			for (const p of [page, page2])
				assert.deepEqual(p.problems.filter((x) => !/status of 4\d\d/.test(x)), []);
			await context.close();
		});
	});
}
