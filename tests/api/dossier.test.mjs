// The dossier engine over real HTTP: intake, every transition allowed and
// forbidden, optimistic locking, agency scope, tracking, parallel intake.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, run } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';

const PASSWORD = 'mat-khau-ho-so-2021';
const BIRTH = '1.001193';		// Đăng ký khai sinh: commune, 1 working day
const BURIAL = '1.001731';		// commune → district (liên thông), 8 working days
// nnnn: at least four digits (a 10,000th dossier of a day gets five).
const CODE_RE = /^000\.\d\d\.\d\d\.H47-\d{6}-\d{4,}$/;

function addUser(srv, username, roles, agency) {
	const r = run(['user', 'add', '--db', srv.db, '--username', username, '--role', roles,
		'--agency', agency, '--full-name', `Cán bộ ${username}`], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, r.stderr);
}

async function signedIn(srv, username) {
	const c = new Client(srv.url);
	await c.signIn(username, PASSWORD);
	return c;
}

const applicant = { name: 'Nguyễn Thị Hoa', phone: '0905123456', id_number: '049123456789',
	address: 'Thôn Hòa Thạch, xã Đại Hiệp' };

async function json(res) {
	const text = await res.text();
	try { return JSON.parse(text); } catch { return text; }
}

for (const backend of backends()) {
	describe(`dossiers on ${backend}`, () => {
		let srv, dh, dl, other, postal;
		before(async () => {
			srv = await startServer({ backend });
			addUser(srv, 'dh', 'clerk,specialist,leader', 'xa-dai-hiep');
			addUser(srv, 'dl', 'clerk,specialist,leader', 'huyen-dai-loc');
			addUser(srv, 'other', 'clerk,specialist,leader', 'xa-dai-hoa');
			addUser(srv, 'post', 'postal', 'buu-dien-tinh');
			[dh, dl, other, postal] = await Promise.all(['dh', 'dl', 'other', 'post']
				.map((u) => signedIn(srv, u)));
		});
		after(async () => { await srv.stop(); });

		async function intake(client = dh, body = {}) {
			const r = await client.request('POST', '/api/v1/dossiers', { json: {
				procedure: BIRTH, applicant, fee_paid: 0, ...body } });
			const d = await json(r);
			assert.equal(r.status, 201, JSON.stringify(d));
			return d;
		}
		async function act(client, d, action, args = {}) {
			const code = encodeURIComponent(d.code ?? `#${d.id}`);
			const r = await client.request('POST', `/api/v1/dossiers/${code}/actions/${action}`,
				{ json: args });
			return { status: r.status, body: await json(r) };
		}

		test('counter intake: code, deadline, steps, receipt state', async () => {
			const d = await intake();
			assert.match(d.code, CODE_RE);
			assert.ok(d.code.startsWith('000.'));
			assert.equal(d.state, 'received');
			assert.equal(d.channel, 'counter');
			assert.ok(d.due_at && d.received_at);
			assert.ok(d.due_at > d.received_at);
			assert.equal(d.steps.length, 4);
			assert.equal(d.steps[d.steps.length - 1].due_at, d.due_at);
			assert.ok(d.calendar_version.startsWith('r1-'));
			assert.deepEqual(d.events.map((e) => e.action), ['submit', 'receive']);
			assert.ok(d.allowed.includes('assign'));
			assert.ok(!d.allowed.includes('approve'));
		});

		test('bad intake is refused naming the field', async () => {
			for (const [body, field] of [
				[{ applicant: { ...applicant, phone: '12345' } }, 'applicant_phone'],
				[{ applicant: { ...applicant, name: '' } }, 'applicant_name'],
				[{ applicant: { ...applicant, id_number: '12' } }, 'applicant_id'],
				[{ procedure: '9.999999' }, 'procedure'],
				[{ procedure: '2.000983' }, 'agency'],	// a district procedure at a commune
				[{ documents: [99] }, 'documents'],
			]) {
				const r = await dh.request('POST', '/api/v1/dossiers', { json: {
					procedure: BIRTH, applicant, ...body } });
				const b = await json(r);
				assert.ok([400, 404].includes(r.status), `${field}: ${r.status}`);
				assert.equal(b.error.field, field);
			}
		});

		test('the whole life: assign, claim, supplement once, resume, approve, ready, return', async () => {
			let d = await intake();
			let r = await act(dh, d, 'approve');
			assert.equal(r.status, 409);
			assert.match(r.body.error.message, /được phép lúc này: assign, claim, refuse, withdraw, apologize/);
			assert.equal(r.body.error.code, 'invalid_state');
			r = await act(dh, d, 'assign', { to: 'dh' });
			assert.equal(r.status, 200, JSON.stringify(r.body));
			assert.equal(r.body.state, 'processing');
			r = await act(dh, d, 'request_supplement', { reason: 'Thiếu giấy chứng sinh' });
			assert.equal(r.status, 400);
			assert.equal(r.body.error.field, 'documents');
			r = await act(dh, d, 'request_supplement', { documents: ['Giấy chứng sinh'], reason: 'Thiếu' });
			assert.equal(r.status, 200);
			assert.equal(r.body.state, 'awaiting_supplement');
			r = await act(dh, d, 'resume');
			assert.equal(r.body.state, 'processing');
			r = await act(dh, d, 'request_supplement', { documents: ['x'] });
			assert.equal(r.status, 409, 'only once while processing');
			r = await act(dh, d, 'approve');
			assert.equal(r.body.state, 'approved');
			r = await act(dh, d, 'mark_ready');
			assert.equal(r.body.state, 'result_ready');
			assert.ok(['early', 'on_time', 'late'].includes(r.body.outcome));
			r = await act(dh, d, 'return', { channel: 'postal' });
			assert.equal(r.status, 400);
			assert.equal(r.body.error.field, 'tracking');
			r = await act(dh, d, 'return', { channel: 'postal', tracking: 'RR123456789VN' });
			assert.equal(r.body.state, 'returned');
			assert.deepEqual(r.body.allowed, []);
			assert.deepEqual(r.body.events.map((e) => e.action), ['submit', 'receive', 'assign',
				'request_supplement', 'resume', 'approve', 'mark_ready', 'return']);
			assert.ok(r.body.steps.every((s) => s.finished_at));
			r = await act(dh, d, 'refuse', { reason: 'x' });
			assert.equal(r.status, 409);
			assert.match(r.body.error.message, /nothing|không còn/);
		});

		test('refuse, withdraw and apologize need their fields', async () => {
			let d = await intake();
			let r = await act(dh, d, 'refuse');
			assert.equal(r.status, 400);
			assert.equal(r.body.error.field, 'reason');
			r = await act(dh, d, 'apologize', { reason: 'Cần xác minh', new_date: '2020-01-01' });
			assert.equal(r.status, 400);
			assert.equal(r.body.error.field, 'new_date');
			r = await act(dh, d, 'refuse', { reason: 'Không thuộc thẩm quyền' });
			assert.equal(r.body.state, 'refused');
			d = await intake();
			r = await act(dh, d, 'withdraw', { reason: 'Người dân xin rút' });
			assert.equal(r.body.state, 'withdrawn');
		});

		test('an apology moves the promised date, never the legal deadline', async () => {
			const d = await intake();
			const due = d.due_at;
			const nd = new Date(Date.parse(due.slice(0, 10)) + 14 * 86400e3);
			while ([0, 6].includes(nd.getUTCDay()))
				nd.setUTCDate(nd.getUTCDate() + 1);
			const r = await act(dh, d, 'apologize', { reason: 'Cần xác minh thêm',
				new_date: nd.toISOString().slice(0, 10) });
			assert.equal(r.status, 200, JSON.stringify(r.body));
			assert.equal(r.body.due_at, due);
			assert.equal(r.body.promised_at.slice(0, 10), nd.toISOString().slice(0, 10));
			assert.equal(r.body.apologies.length, 1);
			assert.equal(r.body.apologies[0].before_deadline, true);
		});

		test('postal intake waits for acceptance; completion and rejection', async () => {
			let r = await postal.request('POST', '/api/v1/dossiers', { json: { procedure: BIRTH,
				channel: 'postal', agency: 'xa-dai-hiep', applicant } });
			assert.equal(r.status, 400);
			assert.equal((await json(r)).error.field, 'postal_tracking');
			const mk = async () => {
				const res = await postal.request('POST', '/api/v1/dossiers', { json: { procedure: BIRTH,
					channel: 'postal', agency: 'xa-dai-hiep', applicant, postal_tracking: 'EL1VN' } });
				assert.equal(res.status, 201);
				return json(res);
			};
			let d = await mk();
			assert.equal(d.state, 'submitted');
			assert.equal(d.code, null);
			assert.equal(d.due_at, null);
			r = await act(dh, d, 'accept');
			assert.equal(r.status, 200, JSON.stringify(r.body));
			assert.equal(r.body.state, 'received');
			assert.match(r.body.code, CODE_RE);
			assert.ok(r.body.due_at);
			d = await mk();
			r = await act(dh, d, 'request_completion', { documents: ['Tờ khai'] });
			assert.equal(r.body.state, 'incomplete');
			d = await mk();
			r = await act(dh, d, 'reject');
			assert.equal(r.status, 400);
			r = await act(dh, d, 'reject', { reason: 'Sai thẩm quyền' });
			assert.equal(r.body.state, 'rejected');
		});

		test('inter-agency: transfer to the district records the handover', async () => {
			const d = await intake(dh, { procedure: BURIAL });
			assert.equal(d.steps.length, 5);
			let r = await act(dh, d, 'claim');
			assert.equal(r.body.state, 'processing');
			r = await act(dh, d, 'transfer');
			assert.equal(r.status, 200, JSON.stringify(r.body));
			assert.equal(r.body.handling_agency.name, 'Ủy ban nhân dân huyện Đại Lộc');
			const tr = r.body.steps.find((s) => s.kind === 'transfer');
			assert.ok(tr.started_at);
			assert.ok(r.body.steps.filter((s) => s.seq < tr.seq).every((s) => s.finished_at && s.outcome));
			// The commune no longer handles it; the district does.
			r = await act(dh, d, 'approve');
			assert.equal(r.status, 403);
			r = await act(dl, d, 'claim');
			assert.equal(r.status, 200);
			r = await act(dl, d, 'approve');
			assert.equal(r.body.state, 'approved');
			r = await act(dh, d, 'mark_ready');
			assert.equal(r.body.state, 'result_ready');
		});

		test('optimistic locking: a stale version gets 409', async () => {
			const d = await intake();
			const [a, b] = await Promise.all([
				act(dh, d, 'assign', { version: d.version }),
				act(dh, d, 'claim', { version: d.version }),
			]);
			const statuses = [a.status, b.status].sort();
			assert.deepEqual(statuses, [200, 409]);
			const loser = a.status === 409 ? a : b;
			assert.match(loser.body.error.message, /someone else|người khác/);
		});

		test("a clerk of another agency cannot see or act on the dossier", async () => {
			const d = await intake();
			let r = await other.request('GET', `/api/v1/dossiers/${d.code}`);
			assert.equal(r.status, 404);
			r = await other.request('POST', `/api/v1/dossiers/${d.code}/actions/assign`, { json: {} });
			assert.equal(r.status, 404);
			const list = await json(await other.request('GET', `/api/v1/dossiers?q=${d.code}`));
			assert.equal(list.total, 0);
			const mine = await json(await dh.request('GET', `/api/v1/dossiers?q=${d.code}`));
			assert.equal(mine.total, 1);
			// The district above sees it.
			r = await dl.request('GET', `/api/v1/dossiers/${d.code}`);
			assert.equal(r.status, 200);
		});

		test('public tracking masks personal data; wrong code and wrong digits look alike', async () => {
			const d = await intake();
			let r = await fetch(`${srv.url}/api/v1/track/${d.code}?check=3456`);
			const t = await json(r);
			assert.equal(r.status, 200);
			assert.equal(t.code, d.code);
			assert.equal(t.status, 'đã tiếp nhận');
			const text = JSON.stringify(t);
			assert.ok(!text.includes('Nguyễn Thị Hoa'));
			assert.ok(!text.includes('0905123456'));
			assert.ok(!text.includes('049123456789'));
			assert.ok(!text.includes('Cán bộ'), 'no officer names');
			assert.equal(t.applicant, 'N***** T** H**');
			const wrongCheck = await fetch(`${srv.url}/api/v1/track/${d.code}?check=0000`);
			const wrongCode = await fetch(`${srv.url}/api/v1/track/000.00.99.H47-200101-9999?check=3456`);
			assert.equal(wrongCheck.status, 404);
			assert.equal(wrongCode.status, 404);
			assert.deepEqual(await wrongCheck.json(), await wrongCode.json());
		});

		test('queues and filters count what they list', async () => {
			const all = await json(await dh.request('GET', '/api/v1/dossiers?state=open&per_page=200'));
			assert.ok(all.total > 0);
			assert.ok(all.items.every((i) => !['returned', 'refused', 'withdrawn', 'rejected', 'result_ready'].includes(i.state)));
			const queue = await json(await dh.request('GET', '/api/v1/dossiers?queue=1'));
			assert.ok(queue.items.every((i) => i.state !== 'returned'));
			const bad = await dh.request('GET', '/api/v1/dossiers?due=tomorrow');
			assert.equal(bad.status, 400);
		});
	});
}

describe('parallel intake', () => {
	test('8 parallel clients take 10,000 dossiers with no duplicate code', async () => {
		const srv = await startServer({ backend: 'sqlite' });
		try {
			addUser(srv, 'pp', 'clerk', 'xa-dai-hiep');
			const clients = await Promise.all(Array.from({ length: 8 }, () => signedIn(srv, 'pp')));
			const codes = [];
			await Promise.all(clients.map(async (c) => {
				for (let i = 0; i < 1250; i++) {
					const r = await c.request('POST', '/api/v1/dossiers', { json: {
						procedure: BIRTH, applicant } });
					assert.equal(r.status, 201);
					codes.push((await r.json()).code);
				}
			}));
			assert.equal(codes.length, 10000);
			assert.equal(new Set(codes).size, 10000);
			assert.ok(codes.every((c) => CODE_RE.test(c)));
			const k = run(['kpi', 'rebuild', '--db', srv.db]);
			assert.equal(k.status, 0, k.stdout + k.stderr);
		} finally {
			await srv.stop();
		}
	});
});
