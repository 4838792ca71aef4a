// SIGTERM under load: requests in flight are finished, no connection is
// reset, and the server exits 0.  (make bench repeats this with wrk.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

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
