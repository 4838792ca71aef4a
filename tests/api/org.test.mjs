// Agencies, users, sign-in and the audit log over real HTTP.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, run } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';

export const PASSWORD = 'mat-khau-thu-nghiem-2021';

// Adds a user through the command line (password on standard input).
export function addUser(srv, username, roles, agency) {
	const r = run(['user', 'add', '--db', srv.db, '--username', username, '--role', roles,
		'--agency', agency, '--full-name', `Cán bộ ${username}`], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, r.stderr);
}

for (const backend of backends()) {
	describe(`org on ${backend}`, () => {
		let srv, boss;
		before(async () => {
			srv = await startServer({ backend });
			addUser(srv, 'boss', 'admin', 'ubnd-tinh');
			boss = new Client(srv.url);
			await boss.signIn('boss', PASSWORD);
		});
		after(async () => { await srv.stop(); });

		test('the demo registry has the province, 18 districts and communes', async () => {
			const r = await fetch(srv.url + '/api/v1/agencies');
			const { items } = await r.json();
			const districts = items.filter((a) => a.kind === 'district');
			assert.equal(districts.length, 18);
			assert.ok(items.some((a) => a.name === 'Sở Nội vụ'));
			assert.ok(items.some((a) => a.name === 'Báo Quảng Nam'));
			assert.ok(items.some((a) => a.kind === 'centre'));
			const tamky = items.find((a) => a.key === 'tp-tam-ky');
			assert.ok(tamky, 'Tam Kỳ');
			assert.ok(items.filter((a) => a.parent === tamky.id && a.level === 'commune').length >= 10);
			const root = items.find((a) => a.parent === null);
			assert.equal(root.eid, '000.00.00.H47');
		});

		test('sign-in: cookie HttpOnly SameSite=Lax, /me, wrong password 401', async () => {
			const res = await fetch(srv.url + '/api/v1/session', { method: 'POST',
				body: JSON.stringify({ username: 'boss', password: PASSWORD }) });
			assert.equal(res.status, 200);
			const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cchc_session='));
			assert.match(cookie, /HttpOnly/);
			assert.match(cookie, /SameSite=Lax/);
			assert.doesNotMatch(cookie, /Secure/);
			const me = await boss.request('GET', '/api/v1/me');
			assert.equal((await me.json()).user.username, 'boss');
			const bad = await fetch(srv.url + '/api/v1/session', { method: 'POST',
				body: JSON.stringify({ username: 'boss', password: 'sai' }) });
			assert.equal(bad.status, 401);
			const body = await bad.json();
			assert.equal(body.error.code, 'unauthorized');
		});

		test('malformed JSON is 400 naming the position', async () => {
			const res = await fetch(srv.url + '/api/v1/session', { method: 'POST',
				body: '{"username": "boss", "password": }' });
			assert.equal(res.status, 400);
			const body = await res.json();
			assert.match(body.error.message, /dòng 1, cột \d+/);
		});

		test('a signed-out session cookie is refused', async () => {
			const c = new Client(srv.url);
			await c.signIn('boss', PASSWORD);
			const cookie = c.cookies.cchc_session;
			assert.equal((await c.request('GET', '/api/v1/me')).status, 200);
			assert.equal((await c.request('DELETE', '/api/v1/session')).status, 204);
			const res = await fetch(srv.url + '/api/v1/me', { headers: { cookie: `cchc_session=${cookie}` } });
			assert.equal(res.status, 401);
		});

		test('state-changing requests need the CSRF token', async () => {
			const res = await fetch(srv.url + '/api/v1/users', { method: 'POST',
				headers: { cookie: `cchc_session=${boss.cookies.cchc_session}` },
				body: JSON.stringify({ username: 'x1', full_name: 'X', roles: 'clerk',
					agency: 'huyen-dai-loc', password: PASSWORD }) });
			assert.equal(res.status, 403);
			assert.equal((await res.json()).error.field, 'csrf');
		});

		test('admins create users with field errors; scope is their agency', async () => {
			let r = await boss.request('POST', '/api/v1/users', { json: { username: 'dl-admin',
				full_name: 'Quản trị Đại Lộc', roles: 'admin', agency: 'huyen-dai-loc', password: PASSWORD } });
			assert.equal(r.status, 201);
			r = await boss.request('POST', '/api/v1/users', { json: { username: 'dl-admin',
				full_name: 'X', roles: 'clerk', agency: 'huyen-dai-loc', password: PASSWORD } });
			assert.equal(r.status, 409);
			assert.equal((await r.json()).error.field, 'username');
			r = await boss.request('POST', '/api/v1/users', { json: { username: 'y',
				full_name: 'Y', roles: 'chief', agency: 'huyen-dai-loc', password: PASSWORD } });
			assert.equal(r.status, 400);
			assert.equal((await r.json()).error.field, 'username');
			r = await boss.request('POST', '/api/v1/users', { json: { username: 'yy',
				full_name: 'Y', roles: 'chief', agency: 'huyen-dai-loc', password: PASSWORD } });
			assert.equal((await r.json()).error.field, 'roles');
			r = await boss.request('POST', '/api/v1/users', { json: { username: 'yy',
				full_name: 'Y', roles: 'clerk', agency: 'huyen-dai-loc', password: 'short' } });
			assert.equal((await r.json()).error.field, 'password');

			const dl = new Client(srv.url);
			await dl.signIn('dl-admin', PASSWORD);
			r = await dl.request('POST', '/api/v1/users', { json: { username: 'dl-clerk',
				full_name: 'Văn thư', roles: 'clerk', agency: 'xa-dai-hiep', password: PASSWORD } });
			assert.equal(r.status, 201);
			r = await dl.request('POST', '/api/v1/users', { json: { username: 'nt-clerk',
				full_name: 'X', roles: 'clerk', agency: 'huyen-nui-thanh', password: PASSWORD } });
			assert.equal(r.status, 403);
			const list = await (await dl.request('GET', '/api/v1/users')).json();
			const names = list.items.map((u) => u.username);
			assert.ok(names.includes('dl-clerk'));
			assert.ok(!names.includes('boss'), 'a district admin does not see the province');
		});

		test('disabling a user ends their sessions; audit records who did it', async () => {
			addUser(srv, 'temp', 'clerk', 'huyen-dai-loc');
			const t = new Client(srv.url);
			await t.signIn('temp', PASSWORD);
			let r = await boss.request('POST', '/api/v1/users/temp/disable');
			assert.equal(r.status, 200);
			assert.equal((await r.json()).disabled, true);
			assert.equal((await t.request('GET', '/api/v1/me')).status, 401);
			r = await fetch(srv.url + '/api/v1/session', { method: 'POST',
				body: JSON.stringify({ username: 'temp', password: PASSWORD }) });
			assert.equal(r.status, 401);
			const audit = await (await boss.request('GET', '/api/v1/audit?object_id=temp')).json();
			const e = audit.items.find((a) => a.action === 'user.disable');
			assert.ok(e, 'audit entry');
			assert.equal(e.username, 'boss');
			assert.equal(e.ip, '127.0.0.1');
			assert.equal(e.before.disabled, false);
			assert.equal(e.after.disabled, true);
		});

		test('one-time password from reset must be changed; change works', async () => {
			addUser(srv, 'forgetful', 'specialist', 'huyen-dai-loc');
			const r = await boss.request('POST', '/api/v1/users/forgetful/reset-password');
			const { one_time_password: otp } = await r.json();
			assert.match(otp, /^[A-Za-z0-9]{16}$/);
			const c = new Client(srv.url);
			const s = await c.signIn('forgetful', otp);
			assert.equal(s.user.must_change_password, true);
			let ch = await c.request('POST', '/api/v1/me/password', { json: { current: 'nope', password: 'mot-mat-khau-moi-1' } });
			assert.equal(ch.status, 400);
			assert.equal((await ch.json()).error.field, 'current');
			ch = await c.request('POST', '/api/v1/me/password', { json: { current: otp, password: 'mot-mat-khau-moi-1' } });
			assert.equal(ch.status, 204);
			const again = new Client(srv.url);
			const s2 = await again.signIn('forgetful', 'mot-mat-khau-moi-1');
			assert.equal(s2.user.must_change_password, false);
		});

		test('API tokens: shown once, work as Bearer, revocable', async () => {
			addUser(srv, 'integration', 'monitor', 'ubnd-tinh');
			let r = await boss.request('POST', '/api/v1/tokens', { json: { name: 'cổng DVC', username: 'integration' } });
			assert.equal(r.status, 201);
			const { id, token } = await r.json();
			r = await fetch(srv.url + '/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
			assert.equal(r.status, 200);
			assert.equal((await r.json()).user.username, 'integration');
			const list = await (await boss.request('GET', '/api/v1/tokens')).json();
			assert.ok(list.items.some((t) => t.id === id && !('token' in t)));
			r = await boss.request('DELETE', `/api/v1/tokens/${id}`);
			assert.equal(r.status, 204);
			r = await fetch(srv.url + '/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
			assert.equal(r.status, 401);
		});

		test('renaming an agency keeps history and is audited; merge and retire', async () => {
			let r = await boss.request('PATCH', '/api/v1/agencies/xa-dai-hung', { json: { name: 'Ủy ban nhân dân xã Đại Hưng (mới)' } });
			assert.equal(r.status, 200);
			assert.equal((await r.json()).name, 'Ủy ban nhân dân xã Đại Hưng (mới)');
			r = await boss.request('POST', '/api/v1/agencies/xa-dai-hung/merge', { json: { into: 'xa-dai-lanh' } });
			assert.equal(r.status, 200);
			const merged = await r.json();
			assert.equal(merged.status, 'merged');
			r = await boss.request('POST', '/api/v1/agencies/xa-dai-hung/retire');
			assert.equal(r.status, 409);
			const audit = await (await boss.request('GET', '/api/v1/audit?object_type=agency&object_id=xa-dai-hung')).json();
			assert.deepEqual(audit.items.map((a) => a.action), ['agency.merge', 'agency.rename', 'agency.create']);
		});

		// Last: it locks the whole address (127.0.0.1) for a minute.
		test('five failed sign-ins within a minute give 429 with Retry-After', async () => {
			addUser(srv, 'victim', 'clerk', 'huyen-dai-loc');
			let last;
			for (let i = 0; i < 6; i++)
				last = await fetch(srv.url + '/api/v1/session', { method: 'POST',
					body: JSON.stringify({ username: 'victim', password: 'doan-sai-' + i }) });
			assert.equal(last.status, 429);
			const ra = Number(last.headers.get('retry-after'));
			assert.ok(ra >= 1 && ra <= 60, `Retry-After ${ra}`);
			// Even the right password waits now.
			const right = await fetch(srv.url + '/api/v1/session', { method: 'POST',
				body: JSON.stringify({ username: 'victim', password: PASSWORD }) });
			assert.equal(right.status, 429);
		});
	});
}
