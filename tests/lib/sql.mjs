// SQL on a test's database, with sqlite3 or psql, while its server runs.
// sqlite3 waits up to five seconds for a write lock the server holds (its
// notify worker takes one every second) instead of failing at once.
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';

function run(db, query) {
	const r = db.startsWith('sqlite:')
		? spawnSync('sqlite3', ['-cmd', '.timeout 5000', db.slice(7), query], { encoding: 'utf8' })
		: spawnSync('psql', [db, '-qAt', '-c', query], { encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
	return r.stdout.trim();
}

// The output as text: one line a row, columns separated by '|'.
export function sqlText(db, query) {
	return run(db, query);
}

// The rows as arrays of strings.
export function sqlRows(db, query) {
	const out = run(db, query);
	return out ? out.split('\n').map((l) => l.split('|')) : [];
}
