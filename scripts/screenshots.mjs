// Retakes these screenshots in docs/screenshots/ (README.md shows them):
// the home page, the province dashboard as a monitor and the public
// statistics on a desktop; a citizen's dossiers, a tracked dossier with its
// fee, the test payment page and the rating page on a phone.  The older
// ones (catalogue, dossier, calendar, plan, agencies) were taken by hand.
//
//   make all && node scripts/screenshots.mjs
//
// Needs what `make test` installs: chromium, sqlite3, and playwright-core
// in tests/node_modules (scripts/deps.sh test).
//
// It creates its own SQLite database in a temporary directory (`cchc init
// --demo --demo-dossiers 3000`, half a minute in all), adds a monitor, serves
// it on a free loopback port with the test payment provider on, drives
// headless /usr/bin/chromium (playwright-core from tests/node_modules;
// CHROMIUM= to use another) and stops the server.  Nothing else is
// touched.  Desktop shots are 1200×760 like the older ones, phone shots
// 375×812.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '../tests/lib/client.mjs';
import { launch } from '../tests/lib/browser.mjs';

const root = resolve(new URL('..', import.meta.url).pathname);
const bin = process.env.CCHC_BIN || join(root, 'build/cchc');
const outDir = join(root, 'docs/screenshots');
const MONITOR = 'giam-sat-tinh';
const MONITOR_PASSWORD = 'giam-sat-chi-so-2026';
const CLERK = 'demo-xa-dai-hiep';		// a demo officer of `cchc init --demo`
const CLERK_PASSWORD = 'demo-cchc-2021';
const BIRTH = '1.001193';			// birth registration: has a fee
const applicant = { name: 'Nguyễn Thị Hoa', phone: '0905111222' };
const DESKTOP = { width: 1200, height: 760 };
const PHONE = { width: 375, height: 812 };

function cchc(args, input) {
	const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8', input });
	if (r.status !== 0)
		throw new Error(`cchc ${args[0]} failed (${r.status}): ${r.stderr}`);
	return r.stdout;
}

function sqlite(path, statement) {
	const r = spawnSync('sqlite3', [path, statement], { encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error(`sqlite3 failed: ${r.stderr}`);
	return r.stdout.trim();
}

// Starts `cchc serve` on listen with the test payment provider and
// public_url; resolves to { url, stop() }.
async function serve(db, listen, publicUrl) {
	const args = ['serve', '--db', db, '--listen', listen, '--payment-testpay', '1',
		'--notify-worker', '0', '--access-log', '0'];
	if (publicUrl)
		args.push('--public-url', publicUrl);
	const child = spawn(bin, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
	let log = '';
	const url = await new Promise((ok, fail) => {
		child.stderr.on('data', (chunk) => {
			log += chunk;
			const m = /listening on (http:\/\/\S+)/.exec(log);
			if (m)
				ok(m[1]);
		});
		child.on('exit', (code) => fail(new Error(`cchc serve exited with ${code}:\n${log}`)));
	});
	return {
		url,
		async stop() {
			if (child.exitCode === null) {
				const done = new Promise((ok) => child.on('exit', ok));
				child.kill('SIGTERM');
				await done;
			}
		},
	};
}

async function submit(page, locator) {
	await Promise.all([page.waitForNavigation(), locator.click()]);
}

async function shot(page, name) {
	await page.screenshot({ path: join(outDir, name) });
	console.log('docs/screenshots/' + name);
}

async function main() {
	const dir = mkdtempSync(join(tmpdir(), 'cchc-shots-'));
	const file = join(dir, 'cchc.db');
	const db = 'sqlite:' + file;
	let srv, browser;
	try {
		cchc(['init', '--db', db, '--demo', '--demo-dossiers', '3000']);
		cchc(['user', 'add', '--db', db, '--username', MONITOR, '--role', 'monitor',
			'--agency', 'ubnd-tinh', '--full-name', 'Trần Văn Giám Sát'], MONITOR_PASSWORD + '\n');
		// serve's public_url must be its own address (testpay calls back
		// through it), known only once it listens: a first start finds a
		// free port, the second uses it.
		srv = await serve(db, '127.0.0.1:0');
		const port = new URL(srv.url).port;
		await srv.stop();
		srv = await serve(db, `127.0.0.1:${port}`, `http://127.0.0.1:${port}`);
		const base = srv.url;

		// Two dossiers at a commune's counter: one to pay, one returned to rate.
		const clerk = new Client(base);
		await clerk.signIn(CLERK, CLERK_PASSWORD);
		const intake = async () => {
			const r = await clerk.request('POST', '/api/v1/dossiers',
				{ json: { procedure: BIRTH, applicant } });
			const d = await r.json();
			if (r.status !== 201)
				throw new Error('intake: ' + JSON.stringify(d));
			return d;
		};
		const toPay = await intake();
		const toRate = await intake();
		for (const a of ['assign', 'approve', 'mark_ready', 'return']) {
			const r = await clerk.request('POST',
				`/api/v1/dossiers/${encodeURIComponent(toRate.code)}/actions/${a}`,
				{ json: a === 'assign' ? { to: CLERK } : {} });
			if (r.status !== 200)
				throw new Error(`${a}: ${await r.text()}`);
		}

		browser = await launch();
		const year = new Date().getUTCFullYear();

		// The province's dashboard, as a monitor.
		let context = await browser.newContext({ locale: 'vi-VN', viewport: DESKTOP });
		let page = await context.newPage();
		await page.goto(base + '/dang-nhap?next=' + encodeURIComponent(`/chi-so?period=${year}`));
		await page.getByLabel('Tên đăng nhập').fill(MONITOR);
		await page.getByLabel('Mật khẩu').fill(MONITOR_PASSWORD);
		await submit(page, page.getByRole('button', { name: 'Đăng nhập' }));
		await shot(page, 'kpi-dashboard.png');
		await context.close();

		// The home page and the public statistics, signed out.
		context = await browser.newContext({ locale: 'vi-VN', viewport: DESKTOP });
		page = await context.newPage();
		await page.goto(base + '/');
		await shot(page, 'home.png');
		await page.goto(base + '/thong-ke');
		await shot(page, 'statistics.png');
		await context.close();

		const phone = () => browser.newContext({ locale: 'vi-VN', viewport: PHONE,
			isMobile: true, hasTouch: true });
		const track = async (page, code) => {
			await page.goto(base + '/tra-cuu');
			await page.locator('#f-ma').fill(code);
			await page.locator('#f-so').fill(applicant.phone.slice(-4));
			await submit(page, page.locator('form.track button[type="submit"]'));
		};

		// The citizen's dossiers: signed in with the code the SMS would carry.
		const citizen = new Client(base);
		let r = await citizen.request('POST', '/api/v1/citizen/code',
			{ json: { phone: applicant.phone } });
		if (r.status !== 202)
			throw new Error('citizen code: ' + await r.text());
		const body = sqlite(file, "SELECT body FROM notify_message WHERE template_key = 'citizen.otp'"
			+ ` AND recipient = '${applicant.phone}' ORDER BY id DESC LIMIT 1`);
		const code = /\b(\d{6})\b/.exec(body)[1];
		r = await citizen.request('POST', '/api/v1/citizen/session',
			{ json: { phone: applicant.phone, code } });
		if (r.status !== 200)
			throw new Error('citizen sign-in: ' + await r.text());
		context = await phone();
		await context.addCookies(Object.entries(citizen.cookies).map(([name, value]) =>
			({ name, value, url: base })));
		page = await context.newPage();
		await page.goto(base + '/cong-dan/ho-so');
		await shot(page, 'portal.png');
		await context.close();

		// Paying the fee with testpay, on a phone.
		context = await phone();
		page = await context.newPage();
		await track(page, toPay.code);
		await shot(page, 'tracking-fee.png');
		await submit(page, page.getByRole('button', { name: 'Thanh toán trực tuyến' }));
		await shot(page, 'payment.png');
		await context.close();

		// Rating the returned dossier, on a phone.
		context = await phone();
		page = await context.newPage();
		await track(page, toRate.code);
		await submit(page, page.getByRole('link', { name: /mức độ hài lòng/ }));
		await shot(page, 'rating.png');
		await context.close();
	} finally {
		await browser?.close();
		await srv?.stop();
		rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
