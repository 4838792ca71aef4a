// The access matrix, generated from the route table (`cchc routes --json`):
// for every route, every role and nobody, on an object of the user's own
// agency and of another agency, the answer must be the expected allow or
// deny.  A route added without an access rule, or without a fixture here
// saying how to call it, makes this test fail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, run } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';

const PASSWORD = 'mat-khau-ma-tran-2021';
const ROLES = ['admin', 'clerk', 'specialist', 'leader', 'monitor', 'reporter', 'postal'];
// Users of every role work at OWN; OTHER is an agency outside it.
const OWN = 'huyen-dai-loc';
const OTHER = 'huyen-nui-thanh';

let seq = 0;
const uniq = (p) => `${p}${++seq}`;

// How to call each route: params for own/other objects, a body, and
// whether the object belongs to an agency (scoped: the other agency's must
// be refused to everyone but monitors).  "fresh": needs its own session.
const fixtures = {
	'GET /': {},
	'GET /healthz': {},
	'GET /static/{name}': { params: { name: 'cchc.css' } },
	'POST /api/v1/session': { fresh: true, json: () => ({ username: 'probe', password: PASSWORD }) },
	'DELETE /api/v1/session': { fresh: true },
	'GET /api/v1/me': {},
	'POST /api/v1/me/password': { json: () => ({ current: 'sai', password: 'mat-khau-moi-123' }) },
	'GET /api/v1/agencies': {},
	'GET /api/v1/agencies/{ref}': { params: { ref: OWN } },
	'PATCH /api/v1/agencies/{ref}': { scoped: true,
		own: { ref: 'xa-dai-hiep' }, other: { ref: 'tp-tam-ky' },
		json: () => ({ short_name: 'Đại Hiệp', name: 'Ủy ban nhân dân xã Đại Hiệp' }) },
	'POST /api/v1/agencies/{ref}/merge': { scoped: true,
		own: { ref: 'xa-dai-hoa' }, other: { ref: 'tp-hoi-an' },
		json: () => ({ into: 'xa-dai-hiep' }) },
	'POST /api/v1/agencies/{ref}/retire': { scoped: true,
		own: { ref: 'xa-dai-hong' }, other: { ref: 'tp-tam-ky' } },
	'GET /api/v1/users': {},
	'POST /api/v1/users': { scoped: true,
		json: (scope) => ({ username: uniq('new'), full_name: 'Người mới', roles: 'clerk',
			agency: scope === 'own' ? OWN : OTHER, password: PASSWORD }) },
	'GET /api/v1/users/{username}': { scoped: true,
		own: { username: 'target-own' }, other: { username: 'target-other' } },
	'POST /api/v1/users/{username}/disable': { scoped: true,
		own: { username: 'target-own' }, other: { username: 'target-other' } },
	'POST /api/v1/users/{username}/enable': { scoped: true,
		own: { username: 'target-own' }, other: { username: 'target-other' } },
	'POST /api/v1/users/{username}/reset-password': { scoped: true,
		own: { username: 'target-own' }, other: { username: 'target-other' } },
	'GET /api/v1/tokens': {},
	'POST /api/v1/tokens': { scoped: true,
		json: (scope) => ({ name: uniq('tok'), username: scope === 'own' ? 'target-own' : 'target-other' }) },
	'DELETE /api/v1/tokens/{id}': { scoped: true,
		own: async (ctx) => ({ id: await ctx.token('target-own') }),
		other: async (ctx) => ({ id: await ctx.token('target-other') }) },
	'GET /api/v1/audit': {},
	'GET /dang-nhap': {},
	'POST /dang-nhap': { fresh: true, form: () => ({ username: 'probe', password: PASSWORD }) },
	'POST /dang-xuat': { fresh: true },
	'GET /doi-mat-khau': {},
	'POST /doi-mat-khau': { form: () => ({ current: 'sai', password: 'mat-khau-moi-123',
		confirm: 'mat-khau-moi-123' }) },
	'GET /quan-tri/nguoi-dung': {},
	'POST /quan-tri/nguoi-dung': { scoped: true,
		form: (scope) => ({ username: uniq('form'), full_name: 'Người mới', role_clerk: 'on',
			agency: scope === 'own' ? OWN : OTHER, password: PASSWORD }) },
	'POST /quan-tri/nguoi-dung/{username}/khoa': { scoped: true,
		own: { username: 'target-own' }, other: { username: 'target-other' } },
	'POST /quan-tri/nguoi-dung/{username}/mo-khoa': { scoped: true,
		own: { username: 'target-own' }, other: { username: 'target-other' } },
	'POST /quan-tri/nguoi-dung/{username}/dat-lai-mat-khau': { scoped: true,
		own: { username: 'target-own' }, other: { username: 'target-other' } },
	'GET /co-quan': {},
	'GET /quan-tri/nhat-ky': {},
};

let srv, routes, boss;
const clients = {};

function addUser(username, roles, agency) {
	const r = run(['user', 'add', '--db', srv.db, '--username', username, '--role', roles,
		'--agency', agency], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, r.stderr);
}

async function signedIn(username) {
	const c = new Client(srv.url);
	await c.signIn(username, PASSWORD);
	return c;
}

before(async () => {
	srv = await startServer();
	const r = run(['routes', '--json']);
	assert.equal(r.status, 0, r.stderr);
	routes = JSON.parse(r.stdout);
	addUser('boss', 'admin', 'ubnd-tinh');
	addUser('probe', 'clerk', OWN);
	addUser('target-own', 'clerk', 'xa-dai-hiep');
	addUser('target-other', 'clerk', OTHER);
	for (const role of ROLES) {
		addUser(`as-${role}`, role, OWN);
		clients[role] = await signedIn(`as-${role}`);
	}
	boss = await signedIn('boss');
});
after(async () => { await srv?.stop(); });

const ctx = {
	async token(username) {
		const r = await boss.request('POST', '/api/v1/tokens', { json: { name: uniq('t'), username } });
		assert.equal(r.status, 201);
		return (await r.json()).id;
	},
};

async function fill(pattern, params) {
	let path = pattern;
	for (const [k, v] of Object.entries(params || {}))
		path = path.replace(`{${k}}`, encodeURIComponent(v));
	assert.doesNotMatch(path, /\{/, `no value for a parameter of ${pattern}`);
	return path;
}

async function call(client, route, fx, scope) {
	let params = fx[scope] ?? fx.params;
	if (typeof params === 'function')
		params = await params(ctx);
	const path = await fill(route.pattern, params);
	const opts = {};
	if (fx.json)
		opts.json = fx.json(scope);
	else if (fx.form)
		opts.form = fx.form(scope);
	else if (route.method !== 'GET' && route.kind === 'json')
		opts.json = {};
	else if (route.method !== 'GET')
		opts.form = {};
	const res = await client.request(route.method, path, opts);
	await res.arrayBuffer();
	return res.status;
}

test('every route has an access rule and a fixture', () => {
	const missing = routes.filter((r) => !fixtures[`${r.method} ${r.pattern}`]);
	assert.deepEqual(missing.map((r) => `${r.method} ${r.pattern}`), []);
	const ruleless = routes.filter((r) => !r.roles);
	assert.deepEqual(ruleless, []);
	for (const r of routes)
		for (const role of r.roles.split(','))
			assert.ok(role === 'public' || ROLES.includes(role), `${r.pattern}: role ${role}`);
});

test('the access matrix holds for every route, role and agency', async () => {
	const failures = [];
	for (const route of routes) {
		const key = `${route.method} ${route.pattern}`;
		const fx = fixtures[key];
		if (!fx)
			continue;
		const allowed = route.roles.split(',');
		const isPublic = allowed.includes('public');
		// Nobody signed in.
		const anon = await call(new Client(srv.url), route, fx, 'own');
		if (isPublic ? [401, 403].includes(anon) : anon !== 401)
			failures.push(`${key} anonymous → ${anon}`);
		for (const role of ROLES) {
			const client = fx.fresh ? await signedIn(`as-${role}`) : clients[role];
			const may = isPublic || allowed.includes(role);
			const own = await call(client, route, fx, 'own');
			if (may && [401, 403, 404].includes(own))
				failures.push(`${key} as ${role}, own agency → ${own} (expected allowed)`);
			if (!may && own !== 403)
				failures.push(`${key} as ${role} → ${own} (expected 403)`);
			if (fx.scoped && may) {
				const c = fx.fresh ? await signedIn(`as-${role}`) : client;
				const other = await call(c, route, fx, 'other');
				const denied = [403, 404].includes(other);
				if (role === 'monitor' ? [401, 403].includes(other) : !denied)
					failures.push(`${key} as ${role}, other agency → ${other} (expected ${role === 'monitor' ? 'allowed' : 'denied'})`);
			}
		}
	}
	assert.deepEqual(failures, []);
});
