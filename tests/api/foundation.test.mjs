// The foundation over real HTTP: health, errors, static files, language,
// configuration and the command line, on each backend.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends, startServer, run, freshDb } from '../lib/server.mjs';

for (const backend of backends()) {
	describe(`foundation on ${backend}`, () => {
		let srv;
		before(async () => { srv = await startServer({ backend }); });
		after(async () => { await srv.stop(); });

		test('GET /healthz names the backend and version', async () => {
			const r = await fetch(srv.url + '/healthz');
			assert.equal(r.status, 200);
			assert.match(r.headers.get('content-type'), /^application\/json/);
			const body = await r.json();
			assert.equal(body.status, 'ok');
			assert.equal(body.db, backend);
			assert.match(body.version, /^\d+\.\d+\.\d+/);
		});

		test('unknown API route is a JSON 404 in the one error shape', async () => {
			const r = await fetch(srv.url + '/api/v1/no-such-thing');
			assert.equal(r.status, 404);
			const body = await r.json();
			assert.deepEqual(Object.keys(body), ['error']);
			assert.equal(body.error.code, 'not_found');
			assert.ok(body.error.message.length > 0);
			assert.ok('field' in body.error);
		});

		test('unknown page is an HTML 404 page in Vietnamese', async () => {
			const r = await fetch(srv.url + '/khong-co-trang-nay');
			assert.equal(r.status, 404);
			assert.match(r.headers.get('content-type'), /^text\/html/);
			const html = await r.text();
			assert.match(html, /<html lang="vi">/);
			assert.match(html, /Không tìm thấy trang/);
		});

		test('wrong method is 405 with Allow', async () => {
			const r = await fetch(srv.url + '/healthz', { method: 'DELETE' });
			assert.equal(r.status, 405);
			assert.equal(r.headers.get('allow'), 'GET, HEAD');
			const body = await r.json();
			assert.equal(body.error.code, 'method_not_allowed');
		});

		test('HEAD is answered like GET without a body', async () => {
			const r = await fetch(srv.url + '/healthz', { method: 'HEAD' });
			assert.equal(r.status, 200);
			assert.equal(await r.text(), '');
		});

		test('a body over the limit is refused with 413', async () => {
			const big = 'x'.repeat(2 * 1024 * 1024);
			const r = await fetch(srv.url + '/api/v1/session', { method: 'POST',
				headers: { 'content-type': 'application/json' }, body: big });
			assert.equal(r.status, 413);
			const body = await r.json();
			assert.equal(body.error.code, 'too_large');
		});

		test('static files are embedded with cache headers', async () => {
			const home = await (await fetch(srv.url + '/')).text();
			const m = /href="(\/static\/cchc\.css\?v=([0-9a-f]+))"/.exec(home);
			assert.ok(m, 'the layout links the stylesheet with its version');
			let r = await fetch(srv.url + m[1]);
			assert.equal(r.status, 200);
			assert.match(r.headers.get('content-type'), /^text\/css/);
			assert.match(r.headers.get('cache-control'), /immutable/);
			const etag = r.headers.get('etag');
			assert.equal(etag, `"${m[2]}"`);
			assert.match(await r.text(), /--brand/);
			r = await fetch(srv.url + '/static/cchc.css');
			assert.match(r.headers.get('cache-control'), /max-age=3600/);
			r = await fetch(srv.url + '/static/cchc.css', { headers: { 'if-none-match': etag } });
			assert.equal(r.status, 304);
			r = await fetch(srv.url + '/static/..%2Fmigrations%2F0001_base.sql');
			assert.equal(r.status, 404);
		});

		test('pages are Vietnamese by default and English on request', async () => {
			let r = await fetch(srv.url + '/');
			let html = await r.text();
			assert.match(html, /<html lang="vi">/);
			assert.match(html, /Thủ tục hành chính/);
			r = await fetch(srv.url + '/?lang=en');
			html = await r.text();
			assert.match(html, /<html lang="en">/);
			assert.match(r.headers.get('set-cookie'), /lang=en; Path=\/; HttpOnly; SameSite=Lax/);
			r = await fetch(srv.url + '/', { headers: { cookie: 'lang=en' } });
			assert.match(await r.text(), /<html lang="en">/);
			r = await fetch(srv.url + '/', { headers: { 'accept-language': 'en-US,en;q=0.9,vi;q=0.5' } });
			assert.match(await r.text(), /<html lang="en">/);
			r = await fetch(srv.url + '/', { headers: { 'accept-language': 'fr, vi;q=0.8, en;q=0.5' } });
			assert.match(await r.text(), /<html lang="vi">/);
		});

		test('HTML pages escape what they are given', async () => {
			const r = await fetch(srv.url + '/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
			assert.equal(r.status, 404);
			const html = await r.text();
			assert.ok(!html.includes('<script>alert(1)</script>'));
			assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
		});
	});
}

describe('command line', () => {
	test('unknown command prints usage to stderr and exits 2', () => {
		const r = run(['frobnicate']);
		assert.equal(r.status, 2);
		assert.match(r.stderr, /unknown command 'frobnicate'/);
		assert.match(r.stderr, /usage: cchc COMMAND/);
	});

	test('bad flag exits 2 naming it', () => {
		const r = run(['serve', '--no-such-flag', 'x']);
		assert.equal(r.status, 2);
		assert.match(r.stderr, /unknown option '--no-such-flag'/);
	});

	test('init refuses a count of demo dossiers that is not a number, naming it', () => {
		for (const bad of ['abc', '', '-3', '99999999999']) {
			const r = run(['init', '--db', 'sqlite:/nonexistent/dir/x.db', '--demo-dossiers', bad]);
			assert.equal(r.status, 2, bad);
			assert.match(r.stderr, /--demo-dossiers needs a number from 0 to 10,000,000/, bad);
		}
		assert.match(run(['init', '--help']).stdout, /--demo-dossiers N/);
	});

	test('serve refuses a pool of more than 1024 threads, naming the setting', () => {
		const db = freshDb('sqlite');
		try {
			assert.equal(run(['init', '--db', db.url]).status, 0);
			const r = run(['serve', '--db', db.url, '--listen', '127.0.0.1:0',
				'--pool-threads', '5000']);
			assert.equal(r.status, 2);
			assert.match(r.stderr, /setting 'pool_threads' must be at most 1024, not 5000/);
		} finally {
			db.drop();
		}
	});

	test('every command has --help', () => {
		for (const cmd of ['serve', 'init', 'migrate', 'version', 'help', 'calendar']) {
			const r = run([cmd, '--help']);
			assert.equal(r.status, 0, cmd);
			assert.match(r.stdout, /usage: cchc/, cmd);
		}
	});

	test('a database that cannot be opened is one line naming it, exit 1', () => {
		const r = run(['serve', '--db', 'sqlite:/nonexistent/dir/x.db']);
		assert.equal(r.status, 1);
		assert.match(r.stderr, /sqlite:\/nonexistent\/dir\/x\.db/);
		assert.equal(r.stderr.trim().split('\n').length, 1);
		const bad = run(['migrate', '--db', 'mysql://x']);
		assert.equal(bad.status, 1);
		assert.match(bad.stderr, /mysql:\/\/x/);
	});

	test('a database written by a newer cchc is refused', () => {
		const db = freshDb('sqlite');
		try {
			assert.equal(run(['init', '--db', db.url]).status, 0);
			const path = db.url.slice('sqlite:'.length);
			const sql = spawnSqlite(path,
				"INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, 'future', 0)");
			assert.equal(sql.status, 0, sql.stderr);
			const r = run(['serve', '--db', db.url, '--listen', '127.0.0.1:0']);
			assert.equal(r.status, 1);
			assert.match(r.stderr, /9999/);
			assert.match(r.stderr, /upgrade cchc/);
		} finally {
			db.drop();
		}
	});

	test('cchc.conf documents every setting with its default', () => {
		const r = run(['help', 'config']);
		assert.equal(r.status, 0);
		assert.equal(readFileSync(new URL('../../cchc.conf', import.meta.url), 'utf8'), r.stdout);
	});

	test('flags win over the config file, which wins over the environment', () => {
		const dir = mkdtempSync(join(tmpdir(), 'cchc-conf-'));
		const conf = join(dir, 'test.conf');
		writeFileSync(conf, 'db = sqlite:/from/file/x.db\n');
		let r = run(['migrate', '--config', conf], { env: { CCHC_DB: 'sqlite:/from/env/x.db' } });
		assert.match(r.stderr, /\/from\/file\//);
		r = run(['migrate', '--config', conf, '--db', 'sqlite:/from/flag/x.db'],
			{ env: { CCHC_DB: 'sqlite:/from/env/x.db' } });
		assert.match(r.stderr, /\/from\/flag\//);
		r = run(['migrate'], { env: { CCHC_DB: 'sqlite:/from/env/x.db' }, cwd: dir });
		assert.match(r.stderr, /\/from\/env\//);
		writeFileSync(conf, 'no_such_key = 1\n');
		r = run(['migrate', '--config', conf]);
		assert.equal(r.status, 2);
		assert.match(r.stderr, /test\.conf:1: unknown setting 'no_such_key'/);
	});
});

import { spawnSync } from 'node:child_process';
function spawnSqlite(path, sql) {
	return spawnSync('sqlite3', [path, sql], { encoding: 'utf8' });
}
