// The dossier pages over real HTTP (issue 6, items 5 and 6): the counter
// form creates a dossier, the dossier page offers only the actions allowed
// now and refuses a stale form with 409, queues and search find it, and
// public tracking shows the status with a masked name — a wrong code and
// wrong digits look the same, and lookups are rate-limited.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { backends, startServer, run } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';

const PASSWORD = 'mat-khau-trang-ho-so-2021';
const BIRTH = '1.001193';		// Đăng ký khai sinh: commune, 4 documents, 1 working day
const CODE_RE = /^000\.\d\d\.\d\d\.H47-\d{6}-\d{4}$/;
const EN = { 'accept-language': 'en' };
const person = {
	applicant_name: 'Nguyễn Thị Hoa',
	applicant_id: '049123456789',
	applicant_phone: '0905123456',
	applicant_email: 'hoa@example.vn',
	applicant_address: 'Thôn Hòa Thạch, xã Đại Hiệp',
};

function addUser(srv, username, roles, agency) {
	const r = run(['user', 'add', '--db', srv.db, '--username', username, '--role', roles,
		'--agency', agency, '--full-name', `Cán bộ ${username}`], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, r.stderr);
}

// The action forms of a dossier page: { action: version }.
function actionForms(html) {
	const forms = {};
	for (const m of html.matchAll(/<form class="action[^"]*" method="post" action="\/ho-so\/[^/"]+\/([a-z_]+)"[\s\S]*?name="version" value="(\d+)"/g))
		forms[m[1]] = Number(m[2]);
	return forms;
}

// The text of the role="alert" block of a page, tags removed.
function alertText(html) {
	const m = /<div role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(html);
	return m ? m[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() : null;
}

for (const backend of backends()) {
	describe(`dossier pages on ${backend}`, () => {
		let srv, clerk, far;
		before(async () => {
			srv = await startServer({ backend });
			addUser(srv, 'quay', 'clerk,specialist,leader', 'xa-dai-hiep');
			addUser(srv, 'xa-khac', 'clerk,specialist,leader', 'xa-dai-hoa');
			clerk = new Client(srv.url);
			await clerk.signIn('quay', PASSWORD);
			far = new Client(srv.url);
			await far.signIn('xa-khac', PASSWORD);
		});
		after(async () => { await srv.stop(); });

		// Takes a dossier through the counter form; returns its code.
		async function counter(fields = {}) {
			const r = await clerk.request('POST', `/mot-cua/${BIRTH}`, { form: {
				channel: 'counter', ...person, 'doc-0': '1', 'doc-2': '1',
				fee_paid: '8.000', ...fields } });
			assert.equal(r.status, 303, await r.text());
			const loc = new URL(r.headers.get('location'), srv.url);
			assert.equal(loc.searchParams.get('moi'), '1');
			const code = decodeURIComponent(loc.pathname.replace(/^\/ho-so\//, ''));
			assert.match(code, CODE_RE);
			return code;
		}
		async function page(client, path, headers = {}) {
			const r = await client.request('GET', path, { headers });
			return { status: r.status, html: await r.text(), headers: r.headers };
		}
		async function act(client, code, action, form, headers = {}) {
			const r = await client.request('POST', `/ho-so/${encodeURIComponent(code)}/${action}`,
				{ form, headers });
			return { status: r.status, html: await r.text(), location: r.headers.get('location') };
		}
		async function api(code) {
			const r = await clerk.request('GET', `/api/v1/dossiers/${encodeURIComponent(code)}`);
			assert.equal(r.status, 200);
			return r.json();
		}

		test('the counter finds the procedure and builds its form', async () => {
			let p = await page(clerk, '/mot-cua?q=' + encodeURIComponent('khai sinh'));
			assert.equal(p.status, 200);
			assert.match(p.html, new RegExp(`href="/mot-cua/${BIRTH.replace('.', '\\.')}"`));
			p = await page(clerk, `/mot-cua/${BIRTH}`);
			assert.equal(p.status, 200);
			for (const name of ['csrf', 'applicant_name', 'applicant_id', 'applicant_phone',
				'applicant_email', 'applicant_address', 'request', 'fee_paid',
				'postal_tracking', 'doc-0', 'doc-3'])
				assert.match(p.html, new RegExp(`name="${name}"`), name);
			assert.doesNotMatch(p.html, /name="doc-4"/);
			assert.match(p.html, /8[.,]000/, 'the fee due is shown');
			assert.equal((await page(clerk, '/mot-cua/9.999999')).status, 404);
			// Only officers who take dossiers in see the counter.
			assert.equal((await page(new Client(srv.url), '/mot-cua')).status, 401);
		});

		test('the counter form creates a dossier and its page shows the code', async () => {
			const code = await counter();
			const p = await page(clerk, `/ho-so/${encodeURIComponent(code)}?moi=1`);
			assert.equal(p.status, 200);
			assert.match(p.html, new RegExp(code.replace(/\./g, '\\.')));
			assert.match(p.html, /role="status"/);
			assert.match(p.html, /Nguyễn Thị Hoa/);
			assert.match(p.html, new RegExp(`href="/api/v1/dossiers/${code.replace(/\./g, '\\.')}/slips/receipt\\.pdf"`));
			assert.match(p.html, /\/slips\/receipt\.html"/);
			const d = await api(code);
			assert.equal(d.state, 'received');
			assert.equal(d.channel, 'counter');
			assert.deepEqual(d.documents, [0, 2]);
			assert.equal(d.fee_paid, 8000);
			assert.equal(d.applicant.email, 'hoa@example.vn');
			assert.equal(d.request, 'Đăng ký khai sinh');
		});

		test('a mistake at the counter shows the form again, announced, with what was typed', async () => {
			const r = await clerk.request('POST', `/mot-cua/${BIRTH}`, { headers: EN, form: {
				...person, applicant_phone: '12345', applicant_name: 'Trần <Văn> Bình' } });
			const html = await r.text();
			assert.equal(r.status, 400);
			assert.match(alertText(html), /phone/);
			assert.match(html, /<input id="f-applicant_phone"[^>]*aria-invalid="true"/);
			assert.match(html, /value="Trần &lt;Văn&gt; Bình"/);
			assert.doesNotMatch(html, /<Văn>/);
			const bad = await clerk.request('POST', `/mot-cua/${BIRTH}`, { headers: EN, form: {
				...person, fee_paid: 'tám nghìn' } });
			assert.equal(bad.status, 400);
			assert.match(await bad.text(), /<input id="f-fee_paid"[^>]*aria-invalid="true"/);
		});

		test('the page offers only the actions allowed now', async () => {
			const code = await counter();
			const d = await api(code);
			const p = await page(clerk, `/ho-so/${encodeURIComponent(code)}`);
			const forms = actionForms(p.html);
			assert.deepEqual(Object.keys(forms).sort(), [...d.allowed].sort());
			for (const v of Object.values(forms))
				assert.equal(v, d.version);
			// Another commune's officer does not see it at all.
			assert.equal((await page(far, `/ho-so/${encodeURIComponent(code)}`)).status, 404);
			const r = await act(far, code, 'claim', { version: String(d.version) });
			assert.equal(r.status, 404);
		});

		test('an action form with a stale version gives 409 with the message', async () => {
			const code = await counter();
			const seen = actionForms((await page(clerk, `/ho-so/${encodeURIComponent(code)}`)).html);
			let r = await act(clerk, code, 'assign', { version: String(seen.assign), to: '' });
			assert.equal(r.status, 303, r.html);
			assert.equal(new URL(r.location, srv.url).searchParams.get('xong'), 'assign');
			assert.equal((await api(code)).state, 'processing');
			// The same page, submitted again: someone changed the dossier since.
			r = await act(clerk, code, 'claim', { version: String(seen.claim) }, EN);
			assert.equal(r.status, 409);
			assert.match(alertText(r.html), /changed by someone else/);
			// The page is shown again as it is now, with the new version in its forms.
			const now = await api(code);
			assert.equal(now.state, 'processing');
			assert.equal(actionForms(r.html).claim, now.version);
			// A forbidden transition is refused the same way, naming what is allowed.
			r = await act(clerk, code, 'return', { version: String(now.version), channel: 'counter' }, EN);
			assert.equal(r.status, 409);
			assert.match(alertText(r.html), /allowed now/);
			// A missing reason is the officer's mistake: 400, the field marked.
			r = await act(clerk, code, 'refuse', { version: String(now.version), reason: '' }, EN);
			assert.equal(r.status, 400);
			assert.match(r.html, /<textarea rows="3" id="f-refuse-reason"[^>]*aria-invalid="true"/);
			assert.equal((await api(code)).version, now.version, 'nothing changed');
		});

		test('the whole life through the forms, with a supplement and an apology', async () => {
			const code = await counter();
			const step = async (action, form = {}) => {
				const v = (await api(code)).version;
				const r = await act(clerk, code, action, { version: String(v), ...form });
				assert.equal(r.status, 303, `${action}: ${r.status} ${alertText(r.html)}`);
				return api(code);
			};
			let d = await step('assign', { to: 'quay' });
			assert.equal(d.assignee, 'Cán bộ quay');
			d = await step('request_supplement', { 'doc-1': '1',
				documents: 'Giấy chứng sinh bản chính\r\n  \r\nSổ hộ khẩu', reason: 'Thiếu giấy' });
			assert.equal(d.state, 'awaiting_supplement');
			const ev = d.events.at(-1);
			assert.equal(ev.data.documents.length, 3);
			assert.deepEqual(ev.data.documents.slice(1), ['Giấy chứng sinh bản chính', 'Sổ hộ khẩu']);
			d = await step('resume');
			assert.equal(d.state, 'processing');
			// An apology letter: the promised date moves to a later working day.
			const due = new Date(d.due_at.slice(0, 10) + 'T00:00:00Z');
			let apology;
			for (let k = 7; k < 21 && apology?.status !== 303; k++) {
				const day = new Date(due.getTime() + k * 86400000).toISOString().slice(0, 10);
				apology = await act(clerk, code, 'apologize', { version: String(d.version),
					reason: 'Chờ xác minh', new_date: day });
			}
			assert.equal(apology.status, 303, alertText(apology.html));
			d = await api(code);
			assert.equal(d.apologies.length, 1);
			assert.ok(d.promised_at > d.due_at);
			d = await step('approve');
			assert.equal(d.state, 'approved');
			d = await step('mark_ready');
			assert.equal(d.state, 'result_ready');
			d = await step('return', { channel: 'postal', tracking: 'RR123456789VN' });
			assert.equal(d.state, 'returned');
			assert.equal(d.return_channel, 'postal');
			const p = await page(clerk, `/ho-so/${encodeURIComponent(code)}`);
			assert.deepEqual(actionForms(p.html), {}, 'nothing left to do');
			assert.match(p.html, /RR123456789VN/);
			assert.match(p.html, /Sổ hộ khẩu/);
			assert.match(p.html, /<ul class="apologies">[\s\S]*Chờ xác minh/);
			assert.equal((p.html.match(/<ol class="timeline"[\s\S]*?<\/ol>/)[0].match(/<li>/g) || []).length,
				d.events.length);
		});

		test('by post: recorded by postal staff, accepted by the clerk under #id', async () => {
			addUser(srv, 'buu-ta', 'postal', 'buu-dien-tinh');
			const post = new Client(srv.url);
			await post.signIn('buu-ta', PASSWORD);
			let p = await page(post, `/mot-cua/${BIRTH}`);
			assert.equal(p.status, 200);
			assert.doesNotMatch(p.html, /name="channel"/, 'postal staff only record what came by post');
			assert.match(p.html, /<select id="f-agency" name="agency">\n<option value="">/);
			assert.match(p.html, /<option value="xa-dai-hiep">/);
			let r = await post.request('POST', `/mot-cua/${BIRTH}`, { headers: EN, form: {
				...person, agency: 'xa-dai-hiep', applicant_phone: '0912000333' } });
			assert.equal(r.status, 400);
			assert.match(await r.text(), /<input id="f-postal_tracking"[^>]*aria-invalid="true"/);
			r = await post.request('POST', `/mot-cua/${BIRTH}`, { form: {
				...person, agency: 'xa-dai-hiep', applicant_phone: '0912000333',
				postal_tracking: 'EL123456789VN' } });
			assert.equal(r.status, 303);
			// Not received yet: the page of what the officer recorded is under #id.
			const loc = new URL(r.headers.get('location'), srv.url);
			assert.match(loc.pathname, /^\/ho-so\/%23\d+$/);
			const id = loc.pathname.slice('/ho-so/%23'.length);
			p = await page(post, loc.pathname + loc.search);
			assert.equal(p.status, 200);
			assert.match(p.html, /<p class="notice" role="status">/);
			assert.deepEqual(actionForms(p.html), {}, 'postal staff do not accept it');
			// The clerk finds it waiting, under #id, and accepts it.
			p = await page(clerk, '/ho-so?state=submitted');
			assert.match(p.html, new RegExp(`href="/ho-so/%23${id}">#${id}</a>`));
			p = await page(clerk, `/ho-so/%23${id}`);
			assert.equal(p.status, 200);
			assert.doesNotMatch(p.html, /slips\/receipt/, 'no receipt before it is received');
			const forms = actionForms(p.html);
			assert.ok('accept' in forms);
			assert.match(p.html, /action="\/ho-so\/%23\d+\/accept"/);
			r = await act(clerk, `#${id}`, 'accept', { version: String(forms.accept) });
			assert.equal(r.status, 303, alertText(r.html));
			const code = decodeURIComponent(new URL(r.location, srv.url).pathname.slice('/ho-so/'.length));
			assert.match(code, CODE_RE);
			const d = await api(code);
			assert.equal(d.state, 'received');
			assert.equal(d.channel, 'postal');
			assert.equal(d.postal_tracking, 'EL123456789VN');
		});

		test('queues, filters, counts and search by code, name, phone or ID', async () => {
			const mine = await counter({ applicant_phone: '0912000111', applicant_id: '049000000111' });
			const queued = await counter({ applicant_phone: '0912000222', applicant_id: '049000000222' });
			const v = (await api(mine)).version;
			assert.equal((await act(clerk, mine, 'assign', { version: String(v), to: 'quay' })).status, 303);
			const has = (html, code) => html.includes(`>${code}</a>`);
			let p = await page(clerk, '/ho-so?mine=1');
			assert.equal(p.status, 200);
			assert.ok(has(p.html, mine) && !has(p.html, queued));
			assert.match(p.html, /href="\/ho-so\?mine=1" aria-current="page"/);
			p = await page(clerk, '/ho-so?queue=1');
			assert.ok(has(p.html, queued) && !has(p.html, mine));
			p = await page(clerk, '/ho-so?q=0912000222');
			assert.ok(has(p.html, queued) && !has(p.html, mine));
			p = await page(clerk, '/ho-so?q=049000000111');
			assert.ok(has(p.html, mine) && !has(p.html, queued));
			p = await page(clerk, '/ho-so?q=' + encodeURIComponent(mine));
			assert.equal((p.html.match(/<tr><th scope="row">/g) || []).length, 1);
			p = await page(clerk, '/ho-so?q=' + encodeURIComponent('Nguyễn Thị Hoa') + '&state=received');
			assert.ok(has(p.html, queued) && !has(p.html, mine));
			// Counts per state, each a link that keeps the tab.
			p = await page(clerk, '/ho-so?mine=1');
			const counts = (await (await clerk.request('GET', '/api/v1/dossiers?mine=1')).json()).counts;
			assert.match(p.html, new RegExp(`href="/ho-so\\?mine=1&amp;state=processing"[^>]*>[^<]*</a> <span class="count">${counts.processing}</span>`));
			p = await page(clerk, '/ho-so?due=late');
			assert.equal(p.status, 200);
			assert.equal((await page(clerk, '/ho-so?due=tomorrow')).status, 400);
			// The other commune's officer finds none of them.
			p = await page(far, '/ho-so?q=0912000222');
			assert.ok(!has(p.html, queued));
		});

		test('tracking shows the status with a masked name, never the personal data', async () => {
			const code = await counter();
			const d = await api(code);
			const anon = new Client(srv.url);
			let p = await page(anon, '/tra-cuu?ma=' + encodeURIComponent(code));
			assert.equal(p.status, 200);
			assert.match(p.html, new RegExp(`id="f-ma"[^>]*value="${code.replace(/\./g, '\\.')}"`));
			assert.doesNotMatch(p.html, /class="track-result"/);
			p = await page(anon, `/tra-cuu?ma=${encodeURIComponent(code)}&so=3456`);
			assert.equal(p.status, 200);
			assert.match(p.html, /class="track-result"/);
			assert.ok(p.html.includes(d.state_label), 'the status in plain words');
			assert.match(p.html, /N\*\*\*\*\* T\*\* H\*\*/);
			for (const secret of ['Nguyễn Thị Hoa', '0905123456', '049123456789', 'hoa@example.vn',
				'Hòa Thạch', 'Cán bộ quay', 'quay'])
				assert.ok(!p.html.includes(secret), `shows ${secret}`);
			assert.equal(p.headers.get('cache-control'), 'no-store');
			// Wrong digits and a wrong code: the same answer.
			const wrongDigits = await page(anon, `/tra-cuu?ma=${encodeURIComponent(code)}&so=0000`, EN);
			const wrongCode = await page(anon, '/tra-cuu?ma=000.06.32.H47-200101-9999&so=3456', EN);
			assert.equal(wrongDigits.status, 404);
			assert.equal(wrongCode.status, wrongDigits.status);
			assert.ok(alertText(wrongDigits.html));
			assert.equal(alertText(wrongCode.html), alertText(wrongDigits.html));
			const strip = (h) => h.replace(/value="[^"]*"/g, '');
			assert.equal(strip(wrongCode.html), strip(wrongDigits.html));
			assert.doesNotMatch(wrongDigits.html, /class="track-result"/);
			// The form sent without the digits asks for them.
			p = await page(anon, `/tra-cuu?ma=${encodeURIComponent(code)}&so=`);
			assert.equal(p.status, 400);
			assert.match(p.html, /<input id="f-so"[^>]*aria-invalid="true"/);
		});

		test('tracking is rate-limited per address, with Retry-After', async () => {
			const anon = new Client(srv.url);
			let last;
			for (let i = 0; i < 80; i++) {
				last = await anon.request('GET', '/tra-cuu?ma=000.06.32.H47-200101-9999&so=1234');
				if (last.status === 429)
					break;
				await last.arrayBuffer();
			}
			assert.equal(last.status, 429);
			assert.ok(Number(last.headers.get('retry-after')) > 0);
			const html = await last.text();
			assert.ok(alertText(html));
			assert.match(html, /<form class="stack track"/, 'the form stays');
			// The blank form is no lookup: it is still shown.
			assert.equal((await page(anon, '/tra-cuu')).status, 200);
		});
	});
}
