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
