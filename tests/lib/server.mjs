// Starts a real cchc server for a test: a fresh database (SQLite file, or a
// new PostgreSQL database on the server named by CCHC_TEST_PG), a free
// loopback port, and a stop() that sends SIGTERM and waits.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

const root = resolve(new URL('../..', import.meta.url).pathname);
export const bin = process.env.CCHC_BIN || join(root, 'build/cchc');

// The backends to test: sqlite always; postgresql when CI (or make test)
// gives a server in CCHC_TEST_PG.
export function backends() {
	const list = ['sqlite'];
	if (process.env.CCHC_TEST_PG)
		list.push('postgresql');
	return list;
}

function pgUrl(dbname) {
	const base = new URL(process.env.CCHC_TEST_PG);
	const admin = base.toString();
	const r = spawnSync('psql', [admin, '-qAtc', `CREATE DATABASE ${dbname}`],
		{ encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error(`cannot create database ${dbname}: ${r.stderr}`);
	base.pathname = '/' + dbname;
	return { url: base.toString(), drop: () => spawnSync('psql',
		[admin, '-qAtc', `DROP DATABASE IF EXISTS ${dbname} WITH (FORCE)`]) };
}

// Fresh database URL for backend, with a cleanup function.
// A free loopback port, for a server that must know its own URL before it
// starts (public_url, which a payment provider or an SMS centre calls back).
export function freePort() {
	return new Promise((ok, fail) => {
		const s = createServer();
		s.once('error', fail);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => ok(port));
		});
	});
}

export function freshDb(backend) {
	if (backend === 'postgresql')
		return pgUrl('cchc_t_' + randomBytes(6).toString('hex'));
	const dir = mkdtempSync(join(tmpdir(), 'cchc-test-'));
	return { url: 'sqlite:' + join(dir, 'cchc.db'),
		drop: () => rmSync(dir, { recursive: true, force: true }) };
}

// Runs `cchc ARGS…` to completion; returns { status, stdout, stderr }.
export function run(args, opts = {}) {
	return spawnSync(bin, args, { encoding: 'utf8', cwd: opts.cwd || root,
		env: { ...process.env, ...(opts.env || {}) }, input: opts.input });
}

export async function startServer({ backend = 'sqlite', init = ['--demo'],
		args = [], env = {} } = {}) {
	const db = freshDb(backend);
	const r = run(['init', '--db', db.url, ...init], { env });
	if (r.status !== 0)
		throw new Error(`cchc init failed (${r.status}): ${r.stderr}`);
	const child = spawn(bin, ['serve', '--db', db.url, '--listen', '127.0.0.1:0',
		'--shutdown-grace', '5', ...args],
		{ cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
	let log = '';
	const url = await new Promise((ok, fail) => {
		const timer = setTimeout(() => fail(new Error('server did not start:\n' + log)), 15000);
		child.stderr.on('data', (chunk) => {
			log += chunk;
			const m = /listening on (http:\/\/\S+)/.exec(log);
			if (m) {
				clearTimeout(timer);
				ok(m[1]);
			}
		});
		child.on('exit', (code) => fail(new Error(`server exited with ${code}:\n${log}`)));
	});
	return {
		url, db: db.url, child,
		log: () => log,
		async stop() {
			if (child.exitCode === null) {
				const done = new Promise((ok) => child.on('exit', ok));
				child.kill('SIGTERM');
				await done;
			}
			db.drop();
			return child.exitCode;
		},
	};
}
