// A real SMS gateway for tests: Kannel's bearerbox and smsbox (Debian
// package kannel) with the fake SMS centre of kannel-extras, each on a
// free loopback port, configured in a fresh temporary folder.
//
//   import { startKannel } from '../lib/kannel.mjs';
//   const k = await startKannel();
//   // give cchc: --sms-url k.sendsmsUrl --sms-user k.user --sms-password k.password
//   //            (or spread k.cchcArgs into the server's args)
//   const sms = await k.waitFor('0905123456', /mã hồ sơ (\S+)/);  // → { to, from, text, match }
//   // to is the number as cchc sent it (as entered: 0905123456); a one-time
//   // code (template citizen.otp): (await k.waitFor(phone, /Quảng Nam: (\d+)/)).match[1]
//   k.messages            // every SMS the fake centre received so far:
//                         //   [{ from, to, text, parts }] (long SMS reassembled,
//                         //   UCS-2 decoded, so text is the Vietnamese as sent)
//   k.count('0905123456') // how many SMS went to that phone
//   await k.kill();       // the gateway dies (SIGKILL): sendsms refuses connections
//   await k.restart();    // back on the same ports; messages seen so far are kept
//   await k.stop();       // ends it and removes the folder
//
// Delivery receipts: the fake centre reports every message delivered, so
// smsbox calls the dlr-url given with each message at once.  That URL is
// built on cchc's public_url: for messages to reach "delivered", start the
// server on a known port, e.g. port = await freePort() (exported here) and
// args --listen 127.0.0.1:PORT --public-url http://127.0.0.1:PORT (without
// it they are sent all the same and stay "sending").  The server's worker
// sends every notify_interval seconds: pass --notify-interval 1 in tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server.mjs';

const FAKESMSC = '/usr/lib/kannel/test/fakesmsc';

// Kept exported from here too: the notify tests and smtp.mjs take it here.
export { freePort };

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// The fake centre's URL encoding: '+' is a space, %XX a byte.
function decodeBytes(s) {
	const out = [];
	for (let i = 0; i < s.length; i++) {
		if (s[i] === '+') out.push(0x20);
		else if (s[i] === '%' && i + 2 < s.length) {
			out.push(parseInt(s.slice(i + 1, i + 3), 16));
			i += 2;
		} else out.push(s.charCodeAt(i) & 0xff);
	}
	return Buffer.from(out);
}

// UCS-2 (big-endian) when every high byte is a control value, as in
// Vietnamese text; otherwise the GSM text Kannel passed through.
function decodeText(buf) {
	let ucs2 = buf.length % 2 === 0 && buf.length > 0;
	for (let i = 0; ucs2 && i < buf.length; i += 2)
		if (buf[i] >= 0x20) ucs2 = false;
	if (!ucs2) return buf.toString('latin1');
	const le = Buffer.alloc(buf.length);
	for (let i = 0; i < buf.length; i += 2) {
		le[i] = buf[i + 1];
		le[i + 1] = buf[i];
	}
	return le.toString('utf16le');
}

export async function startKannel() {
	const dir = mkdtempSync(join(tmpdir(), 'cchc-kannel-'));
	const [admin, box, smsc, sendsms] = [await freePort(), await freePort(),
		await freePort(), await freePort()];
	const user = 'cchc', password = 'kannel-test-pw';
	const conf = join(dir, 'kannel.conf');
	writeFileSync(conf, `group = core
admin-port = ${admin}
admin-password = admin-test
admin-interface = 127.0.0.1
smsbox-port = ${box}
box-allow-ip = "127.0.0.1"
log-file = "${join(dir, 'bearerbox.log')}"
log-level = 1
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = ${smsc}
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = ${sendsms}
log-file = "${join(dir, 'smsbox.log')}"
log-level = 1

group = sendsms-user
username = ${user}
password = ${password}
default-sender = CCHC
max-messages = 10
concatenation = true

group = sms-service
keyword = default
text = "ok"
`);
	const messages = [];
	const partial = new Map();	// "to ref" → parts
	let procs = [];
	let waiters = [];

	function onLine(line) {
		const m = /Got message \d+: <(\S+) (\S+) (\S+) (.*)>$/.exec(line);
		if (!m) return;
		let [, from, to, type, rest] = m;
		let text, udh = null;
		if (type === 'udh') {
			const sp = rest.split(' ');
			udh = decodeBytes(sp[0]);
			rest = sp.slice(2).join(' ');
			text = decodeText(decodeBytes(rest));
		} else if (type === 'text') {
			text = rest;
		} else {
			text = decodeText(decodeBytes(rest));
		}
		if (udh && udh.length >= 6 && udh[1] === 0x00) {
			const key = `${to} ${udh[3]}`, total = udh[4], seq = udh[5];
			const parts = partial.get(key) || [];
			parts[seq - 1] = text;
			partial.set(key, parts);
			if (parts.filter((p) => p !== undefined).length < total) return;
			partial.delete(key);
			messages.push({ from, to, text: parts.join(''), parts: total });
		} else {
			messages.push({ from, to, text, parts: 1 });
		}
		for (const w of waiters) w();
	}

	function track(child) {
		let buf = '';
		const take = (chunk) => {
			buf += chunk;
			let i;
			while ((i = buf.indexOf('\n')) >= 0) {
				onLine(buf.slice(0, i));
				buf = buf.slice(i + 1);
			}
		};
		child.stdout?.on('data', take);
		child.stderr?.on('data', take);
		procs.push(child);
		return child;
	}

	async function waitPort(port, ms = 10000) {
		const end = Date.now() + ms;
		for (;;) {
			const ok = await new Promise((done) => {
				const s = createConnection(port, done);
				void s;
			});
			if (ok) return;
			if (Date.now() > end) throw new Error(`kannel: port ${port} did not open`);
			await sleep(100);
		}
	}

	async function start() {
		track(spawn('/usr/sbin/bearerbox', [conf], { stdio: ['ignore', 'ignore', 'ignore'] }));
		await waitPort(smsc);
		// stdin stays open and silent: fakesmsc sends no MO message.
		const fake = track(spawn(FAKESMSC, ['-H', '127.0.0.1', '-r', String(smsc), '-i', '0.01',
			'-m', '0'], { stdio: ['pipe', 'pipe', 'pipe'] }));
		fake.stdin.on('error', () => {});
		await waitPort(box);
		track(spawn('/usr/sbin/smsbox', [conf], { stdio: ['ignore', 'ignore', 'ignore'] }));
		await waitPort(sendsms);
	}

	async function kill() {
		const list = procs;
		procs = [];
		await Promise.all(list.map((p) => p.exitCode !== null || p.signalCode ? null
			: new Promise((ok) => { p.on('exit', ok); p.kill('SIGKILL'); })));
	}

	await start();
	const sendsmsUrl = `http://127.0.0.1:${sendsms}/cgi-bin/sendsms`;
	return {
		dir, sendsmsUrl, user, password, messages,
		cchcArgs: ['--sms-url', sendsmsUrl, '--sms-user', user, '--sms-password', password],
		count: (to) => messages.filter((m) => m.to === to).length,
		async waitFor(to, re, ms = 15000) {
			const end = Date.now() + ms;
			for (;;) {
				for (const m of messages) {
					const match = m.to === to && re.exec(m.text);
					if (match) return { ...m, match };
				}
				if (Date.now() > end)
					throw new Error(`no SMS to ${to} matching ${re} in ${ms} ms; got ` +
						JSON.stringify(messages));
				await new Promise((ok) => {
					const t = setTimeout(ok, 200);
					waiters.push(() => { clearTimeout(t); ok(); });
				});
				waiters = [];
			}
		},
		kill,
		async restart() {
			await kill();
			await start();
		},
		async stop() {
			await kill();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

function createConnection(port, done) {
	const s = netConnect(port, '127.0.0.1');
	s.on('connect', () => { s.destroy(); done(true); });
	s.on('error', () => done(false));
	return s;
}
