// The slips of a dossier (receipt, supplement request, refusal, apology,
// process control slip) and the tracking ledger, over real HTTP: a commune
// officer takes a dossier at the counter and moves it through its life;
// each slip is read back with `pdftotext -layout` and must carry the code,
// the applicant's full name, the dates and the form's title exactly.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends, startServer, run } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';

const PASSWORD = 'mat-khau-thu-nghiem-2021';
const AGENCY = 'xa-dai-hiep';		// Ủy ban nhân dân xã Đại Hiệp (huyện Đại Lộc)
const AGENCY_NAME = 'Ủy ban nhân dân xã Đại Hiệp';
const OTHER = 'phuong-an-my';		// a ward of Tam Kỳ: another agency's officers
const PROCEDURE = '1.001193';		// Đăng ký khai sinh (Hộ tịch), commune level
const NAME = 'Nguyễn Thị Hoa';
const APPLICANT = { name: NAME, phone: '0905123456', id_number: '049123456789',
	address: 'Thôn Phú Mỹ, xã Đại Hiệp, huyện Đại Lộc, tỉnh Quảng Nam' };
const TITLES_2018 = {
	receipt: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
	supplement: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
	refusal: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ',
	apology: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
	control: 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
	ledger: 'Sổ theo dõi hồ sơ',
};

const work = mkdtempSync(join(tmpdir(), 'cchc-slips-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
let files = 0;

function addUser(srv, username, roles, agency, fullName) {
	const r = run(['user', 'add', '--db', srv.db, '--username', username, '--role', roles,
		'--agency', agency, '--full-name', fullName], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, r.stderr);
}

// Writes bytes to a file of the work folder and returns its path.
function save(bytes, ext) {
	const path = join(work, `f${++files}.${ext}`);
	writeFileSync(path, bytes);
	return path;
}

// The text of a PDF as pdftotext lays it out, with runs of white space made
// one space so that a phrase wrapped over two lines still reads as one.
function pdfText(bytes) {
	assert.equal(Buffer.from(bytes.subarray(0, 5)).toString('latin1'), '%PDF-');
	const r = spawnSync('pdftotext', ['-layout', save(bytes, 'pdf'), '-'], { encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
	return r.stdout.replace(/\s+/g, ' ');
}

// "2021-01-15 09:30" → "15/01/2021"
const dmy = (t) => `${t.slice(8, 10)}/${t.slice(5, 7)}/${t.slice(0, 4)}`;
// "2021-01-15 09:30" → "ngày 15 tháng 01 năm 2021" (months 1 and 2 with a zero, others not)
function longDate(t) {
	const m = Number(t.slice(5, 7));
	return `ngày ${t.slice(8, 10)} tháng ${m <= 2 ? t.slice(5, 7) : m} năm ${t.slice(0, 4)}`;
}
// "2021-01-15 09:30" → "09 giờ 30 phút, ngày 15 tháng 01 năm 2021"
const longTime = (t) => `${t.slice(11, 13)} giờ ${t.slice(14, 16)} phút, ${longDate(t)}`;
// "2021-01-15 09:30" → "09 giờ 30 phút, ngày 15/01/2021"
const shortTime = (t) => `${t.slice(11, 13)} giờ ${t.slice(14, 16)} phút, ngày ${dmy(t)}`;

function assertHas(text, parts, what) {
	for (const p of parts)
		assert.ok(text.includes(p), `${what} should contain «${p}»; it reads:\n${text}`);
}

for (const backend of backends()) {
	describe(`slips on ${backend}`, () => {
		let srv, officer, stranger;

		before(async () => {
			srv = await startServer({ backend });
			addUser(srv, 'mc-dai-hiep', 'clerk,specialist,leader', AGENCY, 'Trần Văn Bình');
			addUser(srv, 'mc-an-my', 'clerk,specialist,leader', OTHER, 'Lê Thị Cúc');
			officer = new Client(srv.url);
			await officer.signIn('mc-dai-hiep', PASSWORD);
			stranger = new Client(srv.url);
			await stranger.signIn('mc-an-my', PASSWORD);
		});
		after(async () => { await srv.stop(); });

		async function intake(extra = {}) {
			const res = await officer.request('POST', '/api/v1/dossiers', { json: {
				procedure: PROCEDURE, applicant: APPLICANT, fee_paid: 0, ...extra } });
			const body = await res.json();
			assert.equal(res.status, 201, JSON.stringify(body));
			assert.ok(body.code, 'a dossier taken at the counter has its code');
			return body;
		}

		async function act(code, action, json = {}) {
			const res = await officer.request('POST',
				`/api/v1/dossiers/${encodeURIComponent(code)}/actions/${action}`, { json });
			const body = await res.json();
			assert.equal(res.status, 200, `${action}: ${JSON.stringify(body)}`);
			return body;
		}

		async function slip(client, code, name) {
			return client.request('GET', `/api/v1/dossiers/${encodeURIComponent(code)}/slips/${name}`);
		}

		async function slipText(code, kind) {
			const res = await slip(officer, code, `${kind}.pdf`);
			const bytes = new Uint8Array(await res.arrayBuffer());
			assert.equal(res.status, 200, Buffer.from(bytes).toString());
			assert.equal(res.headers.get('content-type'), 'application/pdf');
			return pdfText(bytes);
		}

		async function notFound(code, name, pattern) {
			const res = await slip(officer, code, name);
			const body = await res.json();
			assert.equal(res.status, 404, `${name}: ${JSON.stringify(body)}`);
			assert.equal(body.error.code, 'not_found');
			if (pattern)
				assert.match(body.error.message, pattern);
		}

		test('a dossier through its life, with every slip in exact Vietnamese', async () => {
			const d = await intake();
			const code = d.code;
			const common = [code, NAME, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
				'Độc lập - Tự do - Hạnh phúc', AGENCY_NAME];

			// Slips that do not apply yet are 404 saying why.
			await notFound(code, 'supplement.pdf', /bổ sung|requested/);
			await notFound(code, 'refusal.pdf');
			await notFound(code, 'apology.html');

			// Mẫu 01: the receipt.
			const receipt = await slipText(code, 'receipt');
			assertHas(receipt, [...common, TITLES_2018.receipt, 'Mẫu số 01',
				'Thông tư số 01/2018/TT-VPCP', 'Tờ khai đăng ký khai sinh theo mẫu', 'Bản chính',
				'Số lượng hồ sơ: 01 (bộ)', '1 ngày làm việc', 'Trần Văn Bình',
				`Thời gian nhận hồ sơ: ${longTime(d.received_at)}`,
				`Thời gian trả kết quả giải quyết hồ sơ: ${longTime(d.promised_at)}`,
				`http://127.0.0.1:8080/tra-cuu?ma=${code}`,
				'NGƯỜI NỘP HỒ SƠ', 'NGƯỜI TIẾP NHẬN HỒ SƠ'], 'the receipt');

			// The same receipt as a printable page, with the QR code as SVG.
			const page = await slip(officer, code, 'receipt.html');
			assert.equal(page.status, 200);
			assert.match(page.headers.get('content-type'), /^text\/html/);
			const html = await page.text();
			assertHas(html, [code, NAME, TITLES_2018.receipt, '<svg', 'Độc lập - Tự do - Hạnh phúc',
				`/tra-cuu?ma=${code}`, `${code}/slips/receipt.pdf`], 'the receipt page');

			// Mẫu 02: documents asked for while processing.
			await act(code, 'assign');
			await act(code, 'claim');
			const reason = 'Giấy chứng sinh bị nhòe, không đọc được họ tên người mẹ';
			const asked = await act(code, 'request_supplement', {
				documents: [1, 'Bản sao Giấy chứng nhận kết hôn của cha, mẹ'], reason });
			const askedAt = asked.events.at(-1).at;
			const supplement = await slipText(code, 'supplement');
			assertHas(supplement, [...common, TITLES_2018.supplement, 'Mẫu số 02',
				'Giấy chứng sinh; nếu không có thì văn bản của người làm chứng',
				'Bản sao Giấy chứng nhận kết hôn của cha, mẹ', `Lý do: ${reason}`,
				`Đại Hiệp, ${longDate(askedAt)}`, 'NGƯỜI HƯỚNG DẪN'], 'the supplement request');

			// Mẫu 04: late, an apology with a new date (the next working day that is accepted).
			const resumed = await act(code, 'resume');
			const before = resumed.promised_at;
			let apologized;
			for (let i = 1; i <= 10 && !apologized; i++) {
				const day = new Date(Date.parse(before.slice(0, 10) + 'T00:00:00Z') + i * 86400e3)
					.toISOString().slice(0, 10);
				const res = await officer.request('POST',
					`/api/v1/dossiers/${encodeURIComponent(code)}/actions/apologize`,
					{ json: { reason: 'Phải xác minh thông tin nơi sinh tại xã khác', new_date: day } });
				if (res.status === 200)
					apologized = { day, body: await res.json() };
				else
					await res.arrayBuffer();
			}
			assert.ok(apologized, 'an apology with a later working day is accepted');
			const newDay = apologized.day.split('-').reverse().join('/');
			const apology = await slipText(code, 'apology');
			assertHas(apology, [...common.slice(0, 4), TITLES_2018.apology, 'Mẫu số 04',
				'Phải xác minh thông tin nơi sinh tại xã khác',
				`Thời hạn trả kết quả giải quyết hồ sơ: ngày ${dmy(before)}`,
				`sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào ngày ${newDay}`,
				`Ngày ${dmy(d.received_at)}`, 'Kính gửi: Ông/Bà Nguyễn Thị Hoa'], 'the apology');

			// Finish: approve, result ready, returned at the counter.
			await act(code, 'approve');
			await act(code, 'mark_ready');
			const done = await act(code, 'return', { channel: 'counter' });

			// Mẫu 05: every handover with its time and outcome.
			const control = await slipText(code, 'control');
			assertHas(control, [...common, TITLES_2018.control, 'Mẫu số 05',
				'TÊN CƠ QUAN', 'Giao:', 'Nhận:', 'Tổ chức, cá nhân (Nguyễn Thị Hoa)',
				`ngày ${dmy(done.steps[1].started_at)}`,
				`Tiếp nhận hồ sơ: ${shortTime(d.received_at)}`,
				`Yêu cầu bổ sung, hoàn thiện hồ sơ: ${shortTime(askedAt)}`,
				`hẹn lại ngày trả kết quả: ${newDay}`,
				`Trả kết quả cho tổ chức, cá nhân: ${shortTime(done.returned_at)}`],
				'the process control slip');
			assert.match(control, /Trước hạn|Đúng hạn|Quá hạn/);

			// Another agency's officer cannot print it.
			const res = await slip(stranger, code, 'receipt.pdf');
			assert.equal(res.status, 404);
			assert.equal((await res.json()).error.code, 'not_found');
		});

		test('Mẫu 03: a refused dossier has its refusal slip', async () => {
			const d = await intake();
			await act(d.code, 'assign');
			await act(d.code, 'claim');
			const reason = 'Người yêu cầu không thuộc trường hợp đăng ký khai sinh tại xã';
			const refused = await act(d.code, 'refuse', { reason });
			const text = await slipText(d.code, 'refusal');
			assertHas(text, [d.code, NAME, TITLES_2018.refusal, 'Mẫu số 03',
				'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc',
				`từ chối tiếp nhận, giải quyết hồ sơ này với lý do: ${reason}`,
				`Đại Hiệp, ${longDate(refused.events.at(-1).at)}`], 'the refusal');
			await notFound(d.code, 'supplement.html');
		});

		test('unknown slips and formats are 404 with a clear message', async () => {
			const d = await intake();
			await notFound(d.code, 'ledger.pdf', /receipt, supplement, refusal, apology|biên nhận|receipt/);
			await notFound(d.code, 'receipt.txt');
			await notFound(d.code, 'receipt');
			await notFound('000.00.00.H47-000101-9999', 'receipt.pdf');
		});

		test('the ledger (sổ theo dõi) as XLSX, HTML, PDF and JSON', async () => {
			const d = await intake({ applicant: { ...APPLICANT, name: 'Phạm Văn Đức' } });
			const day = d.received_at.slice(0, 10);
			const q = `/api/v1/ledger?agency=${AGENCY}&from=${day}&to=${day}`;

			const x = await officer.request('GET', q + '&format=xlsx');
			assert.equal(x.status, 200);
			assert.equal(x.headers.get('content-type'),
				'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
			const bytes = Buffer.from(await x.arrayBuffer());
			assert.deepEqual([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04], 'a ZIP file');
			const u = spawnSync('unzip', ['-p', save(bytes, 'xlsx'), 'xl/sharedStrings.xml'],
				{ encoding: 'utf8' });
			assert.equal(u.status, 0, u.stderr);
			assertHas(u.stdout, [d.code, 'Phạm Văn Đức', TITLES_2018.ledger, 'Cơ quan chủ trì giải quyết',
				'Hẹn trả kết quả', `${dmy(d.received_at)} ${d.received_at.slice(11)}`], 'the XLSX ledger');

			const h = await officer.request('GET', q + '&format=html');
			assert.equal(h.status, 200);
			assert.match(h.headers.get('content-type'), /^text\/html/);
			assertHas(await h.text(), [d.code, 'Phạm Văn Đức', TITLES_2018.ledger, 'Mẫu số 06',
				'Đăng ký khai sinh', `Từ ngày ${dmy(day)} đến ngày ${dmy(day)}`], 'the HTML ledger');

			const p = await officer.request('GET', q + '&format=pdf');
			assert.equal(p.status, 200);
			const text = pdfText(new Uint8Array(await p.arrayBuffer()));
			assertHas(text, ['Phạm Văn Đức', TITLES_2018.ledger, 'STT', 'Ghi chú'], 'the PDF ledger');

			const j = await officer.request('GET', q);
			assert.equal(j.status, 200);
			const body = await j.json();
			const item = body.items.find((i) => i.code === d.code);
			assert.ok(item, 'the JSON ledger lists the dossier');
			assert.equal(item.applicant, 'Phạm Văn Đức');
			assert.equal(item.received_at, d.received_at);
			assert.equal(body.form.title, TITLES_2018.ledger);

			// Another period holds none of them; a district sees its communes.
			const empty = await (await officer.request('GET',
				`/api/v1/ledger?agency=${AGENCY}&from=2020-01-01&to=2020-01-31`)).json();
			assert.deepEqual(empty.items, []);
			addUser(srv, 'ld-dai-loc', 'leader', 'huyen-dai-loc', 'Võ Văn Em');
			const district = new Client(srv.url);
			await district.signIn('ld-dai-loc', PASSWORD);
			const all = await (await district.request('GET',
				`/api/v1/ledger?agency=huyen-dai-loc&from=${day}&to=${day}`)).json();
			assert.ok(all.items.some((i) => i.code === d.code), 'the district ledger includes its communes');
		});

		test('the ledger checks the agency and the period', async () => {
			const other = await stranger.request('GET', `/api/v1/ledger?agency=${AGENCY}`);
			assert.equal(other.status, 403);
			const bad = await officer.request('GET', '/api/v1/ledger?from=2021-13-01');
			assert.equal(bad.status, 400);
			assert.equal((await bad.json()).error.field, 'from');
			const reversed = await officer.request('GET', '/api/v1/ledger?from=2021-02-01&to=2021-01-01');
			assert.equal(reversed.status, 400);
			const format = await officer.request('GET', '/api/v1/ledger?format=doc');
			assert.equal(format.status, 400);
			assert.equal((await format.json()).error.field, 'format');
			const anon = await fetch(srv.url + '/api/v1/ledger');
			assert.equal(anon.status, 401);
		});
	});
}

// The 2025 form set, chosen by the setting slip_forms (when the program has it).
const configured = run(['help', 'config']).stdout?.includes('slip_forms');

describe('the form set of Circular 03/2025', () => {
	let srv, officer;

	before(async () => {
		if (!configured)
			return;
		srv = await startServer({ args: ['--slip-forms', 'tt03-2025',
			'--public-url', 'https://dichvucong.example.vn/'] });
		addUser(srv, 'mc-2025', 'clerk,specialist,leader', AGENCY, 'Trần Văn Bình');
		officer = new Client(srv.url);
		await officer.signIn('mc-2025', PASSWORD);
	});
	after(async () => { await srv?.stop(); });

	test('numbers and titles come from the configured set', { skip: !configured &&
		'the setting slip_forms is not registered yet' }, async () => {
		const res = await officer.request('POST', '/api/v1/dossiers', { json: {
			procedure: PROCEDURE, applicant: APPLICANT, fee_paid: 0 } });
		const d = await res.json();
		assert.equal(res.status, 201, JSON.stringify(d));
		const get = async (kind) => {
			const r = await officer.request('GET',
				`/api/v1/dossiers/${encodeURIComponent(d.code)}/slips/${kind}.pdf`);
			assert.equal(r.status, 200);
			return pdfText(new Uint8Array(await r.arrayBuffer()));
		};
		assertHas(await get('receipt'), [TITLES_2018.receipt, 'Mẫu số 01',
			'Thông tư số 03/2025/TT-VPCP', `https://dichvucong.example.vn/tra-cuu?ma=${d.code}`],
		'the 2025 receipt');
		assertHas(await get('control'), [TITLES_2018.control, 'Mẫu số 06'], 'the 2025 control slip');
		const ledger = await (await officer.request('GET', '/api/v1/ledger')).json();
		assert.equal(ledger.form.number, '07');
	});

	test('an unknown form set stops the server from starting', { skip: !configured &&
		'the setting slip_forms is not registered yet' }, async () => {
		await assert.rejects(startServer({ args: ['--slip-forms', 'tt99-2030'] }),
			/tt99-2030[\s\S]*tt01-2018/);
	});
});
