// A real SMTP server for tests: aiosmtpd (Debian package python3-aiosmtpd)
// on a free loopback port, keeping every message it accepts.  aiosmtpd
// speaks full SMTP (EHLO, 8BITMIME, SMTPUTF8) and is a small Debian
// package with no daemon to configure, unlike a mail transfer agent.
//
//   import { startSmtp } from '../lib/smtp.mjs';
//   const s = await startSmtp();
//   // give cchc: --smtp-url s.url  (or spread s.cchcArgs into its args)
//   const m = await s.waitFor('an@example.vn', /mã hồ sơ (\S+)/);
//   //  → { from, to: [...], subject, body, raw, match }: subject and body
//   //    decoded (RFC 2047, base64, UTF-8), raw the message as received
//   s.messages       // every message so far, in that shape
//   Recipients starting with "reject" get 550 (permanent), "later" 451.
//   await s.stop();
import { spawn } from 'node:child_process';
import { freePort } from './kannel.mjs';

const SERVER = `
import asyncio, email, json, signal, sys
from email import policy
from aiosmtpd.controller import Controller

class Keep:
    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith('reject'):
            return '550 5.1.1 no such mailbox'
        if address.startswith('later'):
            return '451 4.3.0 try again later'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        part = msg.get_body(('plain',)) or msg
        print(json.dumps({'from': envelope.mail_from, 'to': envelope.rcpt_tos,
                          'subject': str(msg['subject'] or ''),
                          'body': part.get_content(),
                          'raw': envelope.content.decode('utf-8', 'replace')}), flush=True)
        return '250 Message accepted'

c = Controller(Keep(), hostname='127.0.0.1', port=int(sys.argv[1]))
c.start()
print('READY', flush=True)
signal.sigwait([signal.SIGTERM, signal.SIGINT])
c.stop()
`;

export async function startSmtp() {
	const port = await freePort();
	const child = spawn('/usr/bin/python3', ['-c', SERVER, String(port)],
		{ stdio: ['ignore', 'pipe', 'pipe'] });
	const messages = [];
	let buf = '', err = '';
	child.stderr.on('data', (c) => { err += c; });
	await new Promise((ok, fail) => {
		const timer = setTimeout(() => fail(new Error('smtp did not start: ' + err)), 10000);
		child.stdout.on('data', (chunk) => {
			buf += chunk;
			let i;
			while ((i = buf.indexOf('\n')) >= 0) {
				const line = buf.slice(0, i);
				buf = buf.slice(i + 1);
				if (line === 'READY') {
					clearTimeout(timer);
					ok();
				} else if (line.startsWith('{')) {
					messages.push(JSON.parse(line));
				}
			}
		});
		child.on('exit', (code) => fail(new Error(`smtp exited with ${code}: ${err}`)));
	});
	const url = `smtp://127.0.0.1:${port}`;
	return {
		url, port, messages,
		cchcArgs: ['--smtp-url', url],
		async waitFor(to, re, ms = 15000) {
			const end = Date.now() + ms;
			for (;;) {
				for (const m of messages) {
					const match = m.to.includes(to) && re.exec(m.subject + '\n' + m.body);
					if (match) return { ...m, match };
				}
				if (Date.now() > end)
					throw new Error(`no e-mail to ${to} matching ${re}; got ` +
						JSON.stringify(messages));
				await new Promise((ok) => setTimeout(ok, 100));
			}
		},
		async stop() {
			if (child.exitCode === null && !child.signalCode) {
				const done = new Promise((ok) => child.on('exit', ok));
				child.kill('SIGTERM');
				await done;
			}
		},
	};
}
