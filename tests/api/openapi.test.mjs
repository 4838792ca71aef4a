// docs/openapi.yaml against the route table (`cchc routes --json`): every
// json route must be described, with the same roles in `x-roles`, and every
// operation described must be a json route, so the document cannot drift
// from the code.  No YAML library: the `paths:` section is read line by
// line, relying on its layout (path keys indented 2 spaces, method keys 4,
// `x-roles: [a, b]` 6) and refusing any line there that it does not expect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { run } from '../lib/server.mjs';

const DOC = new URL('../../docs/openapi.yaml', import.meta.url);
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
// Path item members that are not operations.
const PATH_FIELDS = ['parameters', 'summary', 'description', 'servers', '$ref'];

// { 'GET /api/v1/me': { roles: ['admin', …] | null, line: 123 }, … }
function parsePaths(text) {
	const lines = text.split('\n');
	const ops = {};
	const problems = [];
	let inPaths = false, path = null, op = null;

	lines.forEach((raw, i) => {
		const line = raw.replace(/\s+$/, '');
		const n = i + 1;
		if (/^paths:$/.test(line)) {
			inPaths = true;
			return;
		}
		if (!inPaths || line === '' || /^\s*#/.test(line))
			return;
		if (/^\S/.test(line)) {	// the next top-level key ends paths
			inPaths = false;
			return;
		}
		let m;
		if (/^ {2}\S/.test(line)) {
			m = /^ {2}(['"]?)(\/[^'":\s]*)\1:$/.exec(line);
			if (!m) {
				problems.push(`line ${n}: not a path key: ${line.trim()}`);
				path = op = null;
				return;
			}
			path = m[2];
			op = null;
			return;
		}
		if (/^ {4}\S/.test(line)) {
			m = /^ {4}([$\w-]+):/.exec(line);
			if (!m || !path) {
				problems.push(`line ${n}: unexpected: ${line.trim()}`);
				op = null;
				return;
			}
			if (METHODS.includes(m[1])) {
				if (line !== `    ${m[1]}:`)
					problems.push(`line ${n}: write the operation as a block: ${line.trim()}`);
				op = `${m[1].toUpperCase()} ${path}`;
				if (ops[op])
					problems.push(`line ${n}: ${op} again (first at line ${ops[op].line})`);
				ops[op] = { roles: null, line: n };
			} else {
				if (!PATH_FIELDS.includes(m[1]))
					problems.push(`line ${n}: '${m[1]}' is not a method or path item field`);
				op = null;
			}
			return;
		}
		m = /^ {6}x-roles:(.*)$/.exec(line);
		if (m && op) {
			const list = /^\s*\[([^\]]*)\]$/.exec(m[1]);
			if (!list)
				problems.push(`line ${n}: write x-roles as [role, …] on one line`);
			else
				ops[op].roles = list[1].split(',').map((r) => r.trim()).filter(Boolean);
		}
	});
	return { ops, problems };
}

function routeTable() {
	const r = run(['routes', '--json']);
	assert.equal(r.status, 0, `cchc routes --json: ${r.stderr}`);
	return JSON.parse(r.stdout);
}

const sameRoles = (a, b) => [...a].sort().join(',') === [...b].sort().join(',');

test('docs/openapi.yaml matches the route table', async (t) => {
	const routes = routeTable();
	const json = routes.filter((r) => r.kind === 'json');
	const byKey = new Map(routes.map((r) => [`${r.method} ${r.pattern}`, r]));
	const { ops, problems } = parsePaths(readFileSync(DOC, 'utf8'));

	await t.test('the paths section is readable', () => {
		assert.deepEqual(problems, []);
		assert.ok(Object.keys(ops).length > 0, 'no operations found under paths:');
		assert.ok(json.length > 0, 'no json routes in the route table');
	});

	await t.test('every json route is described', () => {
		const missing = json.map((r) => `${r.method} ${r.pattern}`).filter((k) => !ops[k]);
		assert.deepEqual(missing, [], 'json routes missing from docs/openapi.yaml');
	});

	await t.test('every operation described is a json route', () => {
		const unknown = Object.keys(ops).filter((k) => !byKey.has(k));
		assert.deepEqual(unknown, [], 'operations in docs/openapi.yaml that no route serves');
		const html = Object.keys(ops).filter((k) => byKey.has(k) && byKey.get(k).kind !== 'json');
		assert.deepEqual(html, [], 'operations in docs/openapi.yaml that are HTML pages');
	});

	await t.test('x-roles of every operation are the route\'s roles', () => {
		const wrong = [];
		for (const [k, op] of Object.entries(ops)) {
			const r = byKey.get(k);
			if (!r)
				continue;
			const want = r.roles.split(',');
			if (!op.roles)
				wrong.push(`${k} (line ${op.line}): no x-roles; want [${want.join(', ')}]`);
			else if (!sameRoles(op.roles, want))
				wrong.push(`${k} (line ${op.line}): x-roles [${op.roles.join(', ')}]; want [${want.join(', ')}]`);
		}
		assert.deepEqual(wrong, []);
	});
});
