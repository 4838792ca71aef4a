// SIGTERM under load: requests in flight are finished, no connection is
// reset, and the server exits 0.  (make bench repeats this with wrk.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, run } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { sqlText } from '../lib/sql.mjs';

test('SIGTERM during load answers every request it accepted', async () => {
	const srv = await startServer({ init: [] });
	let ok = 0, refused = 0;
	const bad = [];
	let stop = false;
	const worker = async () => {
		while (!stop) {
			try {
				const r = await fetch(srv.url + '/healthz');
				assert.equal(r.status, 200);
				await r.json();
				ok++;
			} catch (e) {
				const code = e.cause?.code || e.code || e.message;
				if (code === 'ECONNREFUSED')
					refused++;
				else
					bad.push(String(code));
				return;
			}
		}
	};
	const workers = Array.from({ length: 32 }, worker);
	await new Promise((r) => setTimeout(r, 500));
	const before = ok;
	srv.child.kill('SIGTERM');
	const exited = new Promise((r) => srv.child.on('exit', r));
	setTimeout(() => { stop = true; }, 3000);
	await Promise.all(workers);
	const code = await exited;
	await srv.stop();
	assert.ok(before > 50, `requests before the signal: ${before}`);
	assert.deepEqual(bad, [], 'no request may fail other than by a refused connection');
	assert.equal(code, 0);
	assert.match(srv.log(), /SIGTERM received/);
	assert.match(srv.log(), /stopped/);
});

// Changes run on the server's pool with their connection suspended.  A
// signal while many wait there for their shared commit: each one the server
// accepted is answered, and what it answered 201 is in the database, no
// more and no less.
test('SIGTERM while intakes wait on the pool answers and keeps every one', async () => {
	const srv = await startServer();
	try {
		await intakesUnderSignal(srv);
	} finally {
		await srv.stop();
	}
});

async function intakesUnderSignal(srv) {
	const r = run(['user', 'add', '--db', srv.db, '--username', 'ca-truc', '--role', 'clerk',
		'--agency', 'xa-dai-hiep'], { input: 'quay-tiep-nhan-2021\n' });
	assert.equal(r.status, 0, r.stderr);
	const clerk = new Client(srv.url);
	await clerk.signIn('ca-truc', 'quay-tiep-nhan-2021');
	const codes = [];
	const bad = [];
	let stop = false;
	const worker = async () => {
		while (!stop) {
			try {
				const res = await clerk.request('POST', '/api/v1/dossiers', { json: {
					procedure: '1.001193', fee_paid: 0,
					applicant: { name: 'Trần Văn Dũng', phone: '0905111222' } } });
				const d = await res.json();
				if (res.status !== 201) {
					bad.push(`${res.status} ${JSON.stringify(d)}`);
					return;
				}
				codes.push(d.code);
			} catch (e) {
				const code = e.cause?.code || e.code || e.message;
				if (code !== 'ECONNREFUSED')
					bad.push(String(code));
				return;
			}
		}
	};
	const workers = Array.from({ length: 32 }, worker);
	await new Promise((ok) => setTimeout(ok, 700));
	const before = codes.length;
	const exited = new Promise((ok) => srv.child.on('exit', ok));
	srv.child.kill('SIGTERM');
	setTimeout(() => { stop = true; }, 3000);
	await Promise.all(workers);
	const code = await exited;
	const kept = sqlText(srv.db, "SELECT code FROM dossier d JOIN app_user u ON u.id = d.created_by" +
		" WHERE u.username = 'ca-truc' ORDER BY code").split('\n').filter(Boolean);
	assert.ok(before > 5, `intakes before the signal: ${before}`);
	assert.deepEqual(bad, [], 'no intake may fail other than by a refused connection');
	assert.equal(code, 0);
	assert.deepEqual(kept, [...codes].sort(), 'the database holds exactly the dossiers answered');
}

// The access log is buffered per thread: a line appears within about a
// second while the server runs, and every line is written by the time it
// has stopped.
test('access-log lines are written within a second and all by shutdown', async () => {
	const srv = await startServer({ init: [] });
	const r = await fetch(srv.url + '/healthz?first');
	assert.equal(r.status, 200);
	await r.text();
	const deadline = Date.now() + 3000;
	while (!/GET \/healthz 200 \d+us/.test(srv.log()) && Date.now() < deadline)
		await new Promise((ok) => setTimeout(ok, 100));
	assert.match(srv.log(), /GET \/healthz 200 \d+us/, 'the line came out while running');
	let n = 0;
	for (let i = 0; i < 200; i++) {
		const res = await fetch(srv.url + '/no-such-page-' + i);
		await res.text();
		n += res.status === 404;
	}
	assert.equal(n, 200);
	await srv.stop();
	const lines = srv.log().split('\n').filter((l) => /GET \/no-such-page-\d+ 404 \d+us$/.test(l));
	assert.equal(lines.length, 200, 'every request has its whole line');
});
