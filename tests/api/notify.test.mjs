// Notifications through real gateways: Kannel with its fake SMS centre and
// an SMTP server.  A dossier received at the counter sends the applicant an
// SMS in Vietnamese (and an e-mail), the delivery receipt marks it
// delivered, a forged receipt changes nothing, a dead gateway only delays
// the SMS, and several senders on one database send each message once.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { backends, startServer, run, bin } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { sqlText } from '../lib/sql.mjs';
import { startKannel, freePort } from '../lib/kannel.mjs';
import { startSmtp } from '../lib/smtp.mjs';

const PASSWORD = 'mat-khau-thong-bao-2021';
const BIRTH = '1.001193';	// Đăng ký khai sinh, received at the commune
const CODE_RE = /000\.\d\d\.\d\d\.H47-\d{6}-\d{4,}/;
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

function addUser(db, username, roles, agency) {
	const r = run(['user', 'add', '--db', db, '--username', username, '--role', roles,
		'--agency', agency, '--full-name', `Cán bộ ${username}`], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, r.stderr);
}

const sql = sqlText;

async function startWith(backend, kannel, smtp, extra = []) {
	const port = await freePort();
	const srv = await startServer({ backend, args: ['--listen', `127.0.0.1:${port}`,
		'--public-url', `http://127.0.0.1:${port}`, ...kannel.cchcArgs, ...smtp.cchcArgs,
		'--notify-interval', '1', '--notify-backoff', '1', ...extra] });
	addUser(srv.db, 'dh', 'clerk,specialist,leader', 'xa-dai-hiep');
	const c = new Client(srv.url);
	await c.signIn('dh', PASSWORD);
	return { srv, c, port };
}

async function intake(c, phone, email = '') {
	const r = await c.request('POST', '/api/v1/dossiers', { json: { procedure: BIRTH,
		applicant: { name: 'Nguyễn Thị Hoa', phone, email }, fee_paid: 0 } });
	const d = await r.json();
	assert.equal(r.status, 201, JSON.stringify(d));
	return d;
}

async function messages(c, code) {
	const r = await c.request('GET', `/api/v1/dossiers/${encodeURIComponent(code)}/messages`);
	const body = await r.json();
	assert.equal(r.status, 200, JSON.stringify(body));
	return body.items;
}

// Runs `cchc ARGS…` without blocking this process (which may be serving the webhook).
function runAsync(args) {
	return new Promise((ok) => {
		const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '', stderr = '';
		p.stdout.on('data', (x) => { stdout += x; });
		p.stderr.on('data', (x) => { stderr += x; });
		p.on('exit', (status) => ok({ status, stdout, stderr }));
	});
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

for (const backend of backends()) {
	describe(`notifications on ${backend}`, () => {
		let kannel, smtp, srv, c;
		before(async () => {
			kannel = await startKannel();
			smtp = await startSmtp();
			({ srv, c } = await startWith(backend, kannel, smtp));
		});
		after(async () => {
			await srv?.stop();
			await kannel?.stop();
			await smtp?.stop();
		});

		test('counter receipt: SMS in Vietnamese, receipt marks it delivered; e-mail too', async () => {
			const d = await intake(c, '0905123456', 'hoa.nguyen@example.vn');
			const sms = await kannel.waitFor('0905123456', new RegExp(
				`^Hồ sơ (${CODE_RE.source}) đã được tiếp nhận, hẹn trả kết quả ngày ` +
				'(\\d\\d/\\d\\d/\\d{4})\\. Tra cứu: (\\S+)$'));
			assert.equal(sms.match[1], d.code);
			assert.equal(sms.match[3], `${srv.url}/tra-cuu?ma=${d.code}`);
			const mail = await smtp.waitFor('hoa.nguyen@example.vn', /Mã hồ sơ: (\S+)/);
			assert.equal(mail.subject, `Hồ sơ ${d.code} đã được tiếp nhận`);
			assert.equal(mail.match[1], d.code);
			assert.match(mail.raw, /^Subject: =\?UTF-8\?B\?/m);
			const list = await until('delivery', async () => {
				const l = await messages(c, d.code);
				return l.every((m) => m.state === 'delivered') && l;
			});
			const s = list.find((m) => m.channel === 'sms');
			assert.equal(s.template, 'dossier.received');
			assert.equal(s.recipient, '0905***456');
			assert.equal(s.encoding, 'ucs2');
			assert.equal(s.segments, sms.parts);
			assert.equal(s.attempts, 1);
			assert.ok(s.delivered_at);
			assert.equal(list.find((m) => m.channel === 'email').recipient, 'h***@example.vn');
			// The officer's page lists them.
			const page = await (await c.request('GET', `/ho-so/${encodeURIComponent(d.code)}`)).text();
			assert.match(page, /Tin nhắn gửi người nộp hồ sơ/);
			assert.match(page, /0905\*\*\*456/);
		});

		test('lifecycle events tell the applicant', async () => {
			const d = await intake(c, '0905765432');
			await kannel.waitFor('0905765432', /đã được tiếp nhận/);
			const act = async (action, args = {}) => {
				const r = await c.request('POST', `/api/v1/dossiers/${encodeURIComponent(d.code)}/actions/${action}`, { json: args });
				assert.equal(r.status, 200, await r.text());
			};
			await act('claim');
			await act('request_supplement', { documents: ['Giấy chứng sinh'], reason: 'thiếu giấy chứng sinh' });
			await kannel.waitFor('0905765432', new RegExp(`Hồ sơ ${d.code.replaceAll('.', '\\.')} cần bổ sung: thiếu giấy chứng sinh\\.`));
			await act('resume');
			await act('approve');
			await act('mark_ready');
			await kannel.waitFor('0905765432', /đã có kết quả/);
			await act('return', { channel: 'counter' });
			const back = await kannel.waitFor('0905765432', /đánh giá mức độ hài lòng: (\S+)$/);
			assert.equal(back.match[1], `${srv.url}/danh-gia/${d.code}`);
			const list = await messages(c, d.code);
			assert.deepEqual(list.map((m) => m.template), ['dossier.received',
				'dossier.supplement', 'dossier.result_ready', 'dossier.returned']);
		});

		test('an SMTP refusal fails the e-mail for good, a deferral retries it', async () => {
			const a = await intake(c, '0905444555', 'reject.me@example.vn');
			const b = await intake(c, '0905444556', 'later.me@example.vn');
			const failed = await until('the refusal', async () => {
				const l = await messages(c, a.code);
				const m = l.find((x) => x.channel === 'email');
				return m.state === 'failed' && m;
			});
			assert.match(failed.last_error, /SMTP 550/);
			assert.equal(failed.attempts, 1);
			const deferred = await until('the deferral', async () => {
				const l = await messages(c, b.code);
				const m = l.find((x) => x.channel === 'email');
				return m.state === 'temp_failed' && m;
			});
			assert.match(deferred.last_error, /SMTP 451/);
			// The SMS of both went out all the same.
			await kannel.waitFor('0905444555', /đã được tiếp nhận/);
			await kannel.waitFor('0905444556', /đã được tiếp nhận/);
		});

		test('a forged receipt changes nothing', async () => {
			const d = await intake(c, '0905000999');
			await kannel.waitFor('0905000999', /đã được tiếp nhận/);
			const [m] = await until('delivery', async () => {
				const l = await messages(c, d.code);
				return l[0]?.state === 'delivered' && l;
			});
			// Put it back in "sending", as if its receipt had not come yet.
			sql(srv.db, `UPDATE notify_message SET state = 'sending', delivered_at = NULL WHERE id = ${m.id}`);
			for (const token of ['0'.repeat(64), 'ab', '', 'x'.repeat(64)]) {
				const r = await fetch(`${srv.url}/api/v1/notify/dlr?id=${m.id}&token=${token}&status=2`);
				assert.equal(r.status, 403, token);
			}
			const r = await fetch(`${srv.url}/api/v1/notify/dlr?id=abc&token=00&status=1`);
			assert.equal(r.status, 400);
			const [after] = await messages(c, d.code);
			assert.equal(after.state, 'sending');
		});

		test('a dead gateway delays the SMS; it goes out when the gateway returns', async () => {
			await kannel.kill();
			const d = await intake(c, '0905111333');
			const [m] = await until('a failed attempt', async () => {
				const l = await messages(c, d.code);
				return l[0]?.attempts >= 1 && l[0].state === 'temp_failed' && l;
			});
			assert.match(m.last_error, /connect/i);
			assert.equal(kannel.count('0905111333'), 0);
			await kannel.restart();
			await kannel.waitFor('0905111333', new RegExp(d.code.replaceAll('.', '\\.')), 30000);
			const done = await until('delivery', async () => {
				const l = await messages(c, d.code);
				return l[0].state === 'delivered' && l;
			}, 30000);
			assert.ok(done[0].attempts >= 2);
			assert.equal(kannel.count('0905111333'), 1);
		});

		test('plan reminders go to the webhook once; without one they wait', async () => {
			const r = run(['plan', 'remind', '--db', srv.db, '--as-of', '2021-06-20']);
			assert.equal(r.status, 0, r.stderr);
			const queued = Number(sql(srv.db, "SELECT COUNT(*) FROM plan_reminder WHERE status = 'queued'"));
			assert.ok(queued > 0);
			let once = run(['notify', 'run', '--once', '--db', srv.db]);
			assert.equal(once.status, 0, once.stderr);
			assert.equal(Number(sql(srv.db, "SELECT COUNT(*) FROM plan_reminder WHERE status = 'queued'")), queued);
			const posts = [];
			const hook = createServer((req, res) => {
				let body = '';
				req.on('data', (x) => { body += x; });
				req.on('end', () => { posts.push(JSON.parse(body)); res.writeHead(204).end(); });
			});
			await new Promise((ok) => hook.listen(0, '127.0.0.1', ok));
			try {
				const url = `http://127.0.0.1:${hook.address().port}/hook`;
				once = await runAsync(['notify', 'run', '--once', '--db', srv.db,
					'--plan-reminder-webhook', url]);
				assert.equal(once.status, 0, once.stderr);
				await until('every reminder posted', () => posts.length >= queued);
				await sleep(500);
				assert.equal(posts.length, queued);
				assert.equal(sql(srv.db, "SELECT COUNT(*) FROM plan_reminder WHERE status <> 'sent'"), '0');
				for (const p of posts) {
					assert.equal(p.template, 'plan.reminder');
					assert.match(p.subject, /^Nhắc việc cải cách hành chính: /);
					assert.match(p.text, /Hạn: \d\d\/\d\d\/2021$/);
				}
				await until('delivered', () => sql(srv.db, "SELECT COUNT(*) FROM notify_message WHERE channel = 'webhook' AND state <> 'delivered'") === '0');
			} finally {
				hook.close();
			}
		});

		test('several senders on one database send each message once', async () => {
			// A second server that does not send: the dossiers wait in its outbox.
			const quiet = await startWith(backend, kannel, smtp, ['--notify-worker', '0']);
			try {
				const phones = [], codes = [];
				for (let i = 0; i < 50; i++) {
					const phone = `09060000${String(i).padStart(2, '0')}`;
					phones.push(phone);
					codes.push((await intake(quiet.c, phone)).code);
				}
				assert.equal((await messages(quiet.c, codes[0]))[0].state, 'created');
				const results = await Promise.all([0, 1, 2].map(() => runAsync(['notify', 'run',
					'--once', '--db', quiet.srv.db, '--public-url', quiet.srv.url, '--sms-ascii', '1',
					...kannel.cchcArgs])));
				for (const r of results)
					assert.equal(r.status, 0, r.stderr);
				const total = results.reduce((n, r) => n + Number(/(\d+) sent/.exec(r.stdout)[1]), 0);
				assert.equal(total, phones.length);
				// sms_ascii: the same text without diacritics, as GSM-7.
				for (const phone of phones)
					await kannel.waitFor(phone, /^Ho so \S+ da duoc tiep nhan, hen tra ket qua ngay /);
				await sleep(1000);
				for (const phone of phones)
					assert.equal(kannel.count(phone), 1, phone);
				const [m] = await messages(quiet.c, codes[0]);
				assert.equal(m.encoding, 'gsm7');
				assert.equal(m.segments, 1);
				assert.equal(m.attempts, 1);
			} finally {
				await quiet.srv.stop();
			}
		});
	});
}
