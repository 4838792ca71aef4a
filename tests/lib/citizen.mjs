// Citizens of the portal in tests: the one-time code is read from the
// outbox (notify_message) of the test database, as the SMS gateway would
// send it; the end-to-end test with a real gateway is separate.
import assert from 'node:assert/strict';
import { Client } from './client.mjs';
import { sqlText } from './sql.mjs';

// Runs one SQL statement on the server's database; returns the rows as text.
export function sql(srv, statement) {
	return sqlText(srv.db, statement);
}

// The template of the code's SMS belongs to the notification module
// (migration 0007); a branch without it gets this stand-in, so the portal's
// tests run on either.  No-op when the real one is there.
export function ensureOtpTemplate(srv) {
	sql(srv, "INSERT INTO notify_template (key, channel, version, subject, body, created_at)"
		+ " SELECT 'citizen.otp', 'sms', 1, '', 'Ma xac thuc: {code}, hieu luc {minutes} phut.', 0"
		+ " WHERE NOT EXISTS (SELECT 1 FROM notify_template WHERE key = 'citizen.otp' AND channel = 'sms')");
}

// The code of the last SMS sent to phone, or null.
export function lastCode(srv, phone) {
	const body = sql(srv, `SELECT body FROM notify_message WHERE recipient = '${phone}'`
		+ ` AND template_key = 'citizen.otp' ORDER BY id DESC LIMIT 1`);
	const m = /\b(\d{6})\b/.exec(body);
	return m ? m[1] : null;
}

// A Client signed in as the citizen with that phone (asks for a code, reads it, verifies).
export async function citizen(srv, phone) {
	const c = new Client(srv.url);
	let r = await c.request('POST', '/api/v1/citizen/code', { json: { phone } });
	assert.equal(r.status, 202, await r.text());
	r = await c.request('POST', '/api/v1/citizen/session', { json: { phone, code: lastCode(srv, phone) } });
	const body = await r.json();
	assert.equal(r.status, 200, JSON.stringify(body));
	c.csrf = body.csrf;
	c.phone = phone;
	return c;
}

// Minimal valid documents, recognised by their content.
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
export const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(32)]);
export const JPEG = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(32)]);

// A FormData with fields and files: files is [[field, name, type, bytes]].
export function formData(fields = {}, files = []) {
	const fd = new FormData();
	for (const [k, v] of Object.entries(fields))
		fd.append(k, v);
	for (const [field, name, type, bytes] of files)
		fd.append(field, new Blob([bytes], { type }), name);
	return fd;
}
