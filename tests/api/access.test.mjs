// The access matrix, generated from the route table (`cchc routes --json`):
// for every route, every role and nobody, on an object of the user's own
// agency and of another agency, the answer must be the expected allow or
// deny.  A route added without an access rule, or without a fixture here
// saying how to call it, makes this test fail.
import { test, before, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { startServer, run } from '../lib/server.mjs';
import { Client } from '../lib/client.mjs';
import { citizen, ensureOtpTemplate, formData, PDF } from '../lib/citizen.mjs';

const PASSWORD = 'mat-khau-ma-tran-2021';
const ROLES = ['admin', 'clerk', 'specialist', 'leader', 'monitor', 'reporter', 'postal'];
// Users of every role work at OWN; OTHER is an agency outside it.
const OWN = 'huyen-dai-loc';
const OTHER = 'huyen-nui-thanh';

let seq = 0;
const uniq = (p) => `${p}${++seq}`;

// A procedure carried out by one agency (its owner, for the access rules).
function procedure(agency) {
	return {
		code: `9.${800000 + ++seq}`, name: 'Thủ tục thử quyền', field: 'Thử nghiệm',
		levels: ['district'], agency_kind: agency, time: { value: 2, unit: 'working_days' },
		steps: [{ name: 'Tiếp nhận', kind: 'reception', share: 0.5 },
			{ name: 'Giải quyết', kind: 'approval', share: 1.5 }],
		fees: [], documents: [], result: 'Kết quả', legal_basis: [], online: 'none',
		postal: { submit: false, return: false }, status: 'draft', note: '',
	};
}

// How to call each route: params for own/other objects, a body, and
// whether the object belongs to an agency (scoped: the other agency's must
// be refused to everyone but monitors).  "fresh": needs its own session.
// "citizenScoped": the object belongs to a citizen; another citizen's
// ("other") must be refused (404) to the citizen.
const fixtures = {
	'GET /': {},
	'GET /healthz': {},
	'GET /static/{name}': { params: { name: 'cchc.css' } },
	'POST /api/v1/session': { fresh: true, json: () => ({ username: 'probe', password: PASSWORD }) },
	'DELETE /api/v1/session': { fresh: true },
	'GET /api/v1/me': {},
	'POST /api/v1/me/password': { json: () => ({ current: 'sai', password: 'mat-khau-moi-123' }) },
	'GET /api/v1/agencies': {},
	'GET /api/v1/agencies/{ref}': { params: { ref: OWN } },
	'PATCH /api/v1/agencies/{ref}': { scoped: true,
		own: { ref: 'xa-dai-hiep' }, other: { ref: 'tp-tam-ky' },
		json: () => ({ short_name: 'Đại Hiệp', name: 'Ủy ban nhân dân xã Đại Hiệp' }) },
	'POST /api/v1/agencies/{ref}/merge': { scoped: true,
		own: { ref: 'xa-dai-hoa' }, other: { ref: 'tp-hoi-an' },
		json: () => ({ into: 'xa-dai-hiep' }) },
	'POST /api/v1/agencies/{ref}/retire': { scoped: true,
		own: { ref: 'xa-dai-hong' }, other: { ref: 'tp-tam-ky' } },
	'GET /api/v1/users': {},
	'POST /api/v1/users': { scoped: true,
		json: (scope) => ({ username: uniq('new'), full_name: 'Người mới', roles: 'clerk',
			agency: scope === 'own' ? OWN : OTHER, password: PASSWORD }) },
	'GET /api/v1/users/{username}': { scoped: true,
		own: { username: 'target-own' }, other: { username: 'target-other' } },
	'POST /api/v1/users/{username}/disable': { scoped: true,
		own: { username: 'target-own' }, other: { username: 'target-other' } },
	'POST /api/v1/users/{username}/enable': { scoped: true,
		own: { username: 'target-own' }, other: { username: 'target-other' } },
	'POST /api/v1/users/{username}/reset-password': { scoped: true,
		own: { username: 'target-own' }, other: { username: 'target-other' } },
	'GET /api/v1/tokens': {},
	'POST /api/v1/tokens': { scoped: true,
		json: (scope) => ({ name: uniq('tok'), username: scope === 'own' ? 'target-own' : 'target-other' }) },
	'DELETE /api/v1/tokens/{id}': { scoped: true,
		own: async (ctx) => ({ id: await ctx.token('target-own') }),
		other: async (ctx) => ({ id: await ctx.token('target-other') }) },
	'GET /api/v1/audit': {},
	'GET /dang-nhap': {},
	'POST /dang-nhap': { fresh: true, form: () => ({ username: 'probe', password: PASSWORD }) },
	'POST /dang-xuat': { fresh: true },
	'GET /doi-mat-khau': {},
	'POST /doi-mat-khau': { form: () => ({ current: 'sai', password: 'mat-khau-moi-123',
		confirm: 'mat-khau-moi-123' }) },
	'GET /quan-tri/nguoi-dung': {},
	'POST /quan-tri/nguoi-dung': { scoped: true,
		form: (scope) => ({ username: uniq('form'), full_name: 'Người mới', role_clerk: 'on',
			agency: scope === 'own' ? OWN : OTHER, password: PASSWORD }) },
	'POST /quan-tri/nguoi-dung/{username}/khoa': { scoped: true,
		own: { username: 'target-own' }, other: { username: 'target-other' } },
	'POST /quan-tri/nguoi-dung/{username}/mo-khoa': { scoped: true,
		own: { username: 'target-own' }, other: { username: 'target-other' } },
	'POST /quan-tri/nguoi-dung/{username}/dat-lai-mat-khau': { scoped: true,
		own: { username: 'target-own' }, other: { username: 'target-other' } },
	'GET /co-quan': {},
	'GET /mot-cua': {},
	'GET /mot-cua/{code}': { params: { code: '1.001193' } },
	'POST /mot-cua/{code}': { params: { code: '1.001193' },
		form: () => ({ agency: 'xa-dai-hiep', channel: 'counter', applicant_name: 'Nguyễn Văn An',
			applicant_phone: '0905123456', postal_tracking: 'EL123456789VN' }) },
	'GET /ho-so': {},
	'GET /ho-so/{code}': { scoped: true,
		own: async (ctx) => ({ code: await ctx.dossier('own') }),
		other: async (ctx) => ({ code: await ctx.dossier('other') }) },
	// "return" on a received dossier: 409 wherever it is seen, 404 elsewhere.
	'POST /ho-so/{code}/{action}': { scoped: true,
		own: async (ctx) => ({ code: await ctx.dossier('own'), action: 'return' }),
		other: async (ctx) => ({ code: await ctx.dossier('other'), action: 'return' }),
		form: () => ({ channel: 'counter' }) },
	'GET /tra-cuu': {},
	// By post (both clerks and postal staff may record those, for any agency);
	// the counter's own-agency rule is tested in dossier.test.mjs.
	'POST /api/v1/dossiers': { json: () => ({ procedure: '1.001612', agency: OWN,
		channel: 'postal', postal_tracking: 'EL1VN',
		applicant: { name: 'Lê Thị Cúc', phone: '0905222333' } }) },
	'GET /api/v1/dossiers': {},
	'GET /api/v1/dossiers/{code}': { scoped: true,
		own: async (ctx) => ({ code: await ctx.dossier('own') }),
		other: async (ctx) => ({ code: await ctx.dossier('other') }) },
	'POST /api/v1/dossiers/{code}/actions/{action}': { scoped: true,
		own: async (ctx) => ({ code: await ctx.dossier('own'), action: 'return' }),
		other: async (ctx) => ({ code: await ctx.dossier('other'), action: 'return' }) },
	// A code that does not exist: allowed, and not found.
	'GET /api/v1/track/{code}': { params: { code: '000.00.00.H47-260101-0001' }, notFound: true },
	'GET /api/v1/dossiers/{code}/slips/{slip}': { scoped: true,
		own: async (ctx) => ({ code: await ctx.dossier('own'), slip: 'receipt.pdf' }),
		other: async (ctx) => ({ code: await ctx.dossier('other'), slip: 'receipt.pdf' }) },
	'GET /api/v1/dossiers/{code}/messages': { scoped: true,
		own: async (ctx) => ({ code: await ctx.dossier('own') }),
		other: async (ctx) => ({ code: await ctx.dossier('other') }) },
	// Without its query: allowed to anyone, and refused as malformed (400).
	'GET /api/v1/notify/dlr': {},
	'GET /api/v1/ledger': {},
	'GET /api/v1/plans': {},
	'POST /api/v1/plans/import': { json: () => ({ text: 'không phải kế hoạch', dry_run: true }) },
	'GET /api/v1/plans/{plan}': { params: { plan: '2021' } },
	'PATCH /api/v1/plans/{plan}': { params: { plan: '2021' }, json: () => ({ remind_days: 14 }) },
	'GET /api/v1/plans/{plan}/tasks': { params: { plan: '2021' } },
	'GET /api/v1/plans/{plan}/tasks/{task}': { scoped: true,
		own: { plan: '2021', task: 'I.2' }, other: { plan: '2021', task: 'VI.4' } },
	'PATCH /api/v1/plans/{plan}/tasks/{task}': { params: { plan: '2021', task: 'III.3' },
		json: () => ({ deadline: { kind: 'conditional' } }) },
	'POST /api/v1/plans/{plan}/tasks/{task}/reports': { scoped: true,
		own: { plan: '2021', task: 'I.2' }, other: { plan: '2021', task: 'VI.4' },
		json: () => ({ status: 'in_progress', percent: 10, note: 'Đang thực hiện', day: '2021-05-10' }) },
	'GET /api/v1/plans/{plan}/targets': { params: { plan: '2021' } },
	'POST /api/v1/plans/{plan}/targets/{seq}/values': { params: { plan: '2021', seq: '17' },
		json: () => ({ period: 'Y', value: 91, evidence: 'Báo cáo giải ngân' }) },
	'GET /api/v1/plans/{plan}/warnings': { params: { plan: '2021' } },
	'POST /api/v1/plans/{plan}/warnings/{id}/resolve': { params: { plan: '2021', id: '1' },
		json: () => ({ resolution: 'Đã xem xét' }) },
	'GET /api/v1/plans/{plan}/reports/{period}': { params: { plan: '2021', period: 'Q1' } },
	'GET /api/v1/plans/{plan}/submissions': { params: { plan: '2021' } },
	'POST /api/v1/plans/{plan}/submissions': { scoped: true, params: { plan: '2021' },
		json: (scope) => ({ period: 'Q1', agency: scope === 'own' ? OWN : OTHER,
			reference: 'Báo cáo số 1/BC' }) },
	'GET /api/v1/plans/{plan}/reminders': { params: { plan: '2021' } },
	'POST /api/v1/plans/{plan}/reminders/queue': { params: { plan: '2021' },
		json: () => ({ as_of: '2021-06-20' }) },
	'GET /ke-hoach': {},
	'GET /ke-hoach/cua-toi': {},
	'GET /ke-hoach/{plan}': { params: { plan: '2021' } },
	'GET /ke-hoach/{plan}/nhiem-vu': { params: { plan: '2021' } },
	'GET /ke-hoach/{plan}/nhiem-vu/{task}': { scoped: true,
		own: { plan: '2021', task: 'I.2' }, other: { plan: '2021', task: 'VI.4' } },
	'POST /ke-hoach/{plan}/nhiem-vu/{task}': { scoped: true,
		own: { plan: '2021', task: 'I.2' }, other: { plan: '2021', task: 'VI.4' },
		form: () => ({ status: 'in_progress', percent: '10', day: '2021-05-11', note: 'Đang thực hiện' }) },
	'GET /ke-hoach/{plan}/chi-tieu': { params: { plan: '2021' } },
	'POST /ke-hoach/{plan}/chi-tieu/{seq}': { params: { plan: '2021', seq: '17' },
		form: () => ({ period: 'Y', value: '91,5', evidence: 'Báo cáo giải ngân' }) },
	'GET /ke-hoach/{plan}/canh-bao': { params: { plan: '2021' } },
	'POST /ke-hoach/{plan}/canh-bao/{id}': { params: { plan: '2021', id: '2' },
		form: () => ({ resolution: 'Đã xem xét' }) },
	'GET /ke-hoach/{plan}/bao-cao': { params: { plan: '2021' } },
	'POST /ke-hoach/{plan}/bao-cao-dinh-ky': { scoped: true, params: { plan: '2021' },
		form: (scope) => ({ period: 'H1', agency: scope === 'own' ? OWN : OTHER,
			reference: 'Báo cáo số 2/BC' }) },
	'GET /ke-hoach/{plan}/bao-cao/{period}': { params: { plan: '2021', period: 'Q1' } },
	'GET /ke-hoach/{plan}/bao-cao/{period}/pdf': { params: { plan: '2021', period: 'Q1' } },
	'GET /ke-hoach/{plan}/bao-cao/{period}/xlsx': { params: { plan: '2021', period: 'Q1' } },
	'GET /api/v1/procedures': {},
	'GET /api/v1/procedures/stats': {},
	'POST /api/v1/procedures': { scoped: true,
		json: (scope) => procedure(scope === 'own' ? OWN : OTHER) },
	'GET /api/v1/procedures/{code}': { params: { code: '1.001193' } },
	'PUT /api/v1/procedures/{code}': { scoped: true,
		own: async (ctx) => ({ code: await ctx.procedure('own') }),
		other: async (ctx) => ({ code: await ctx.procedure('other') }),
		json: (scope) => { const p = procedure(scope === 'own' ? OWN : OTHER); delete p.code; return p; } },
	'POST /api/v1/procedures/{code}/publish': { scoped: true,
		own: async (ctx) => ({ code: await ctx.procedure('own') }),
		other: async (ctx) => ({ code: await ctx.procedure('other') }) },
	'POST /api/v1/procedures/{code}/retire': { scoped: true,
		own: async (ctx) => ({ code: await ctx.procedure('own') }),
		other: async (ctx) => ({ code: await ctx.procedure('other') }) },
	'GET /thu-tuc': {},
	'GET /thu-tuc/{code}': { params: { code: '1.001193' } },
	'GET /api/v1/calendar/due': {},
	'GET /api/v1/calendar/{year}': { params: { year: '2026' } },
	'GET /api/v1/calendar/{year}/notices': { params: { year: '2026' } },
	'POST /api/v1/calendar/{year}/notices': { params: { year: '2030' },
		json: () => ({ notice: '1/TB-BNV', rows: [{ date: '2030-01-01', kind: 'off', name: 'Tết Dương lịch' }] }) },
	'GET /lich': {},
	'GET /lich/{year}': { params: { year: '2026' } },
	'POST /lich/{year}': { params: { year: '2030' },
		form: () => ({ notice: '1/TB-BNV', rows: '2030-01-01 | off | Tết Dương lịch' }) },
	'GET /quan-tri/nhat-ky': {},
	// Payments: a counter payment of 1 đồng on the scope's dossier (or 409
	// when its fee is paid); the public routes on a code that does not
	// exist, with the test provider off (as in production).
	'POST /api/v1/dossiers/{code}/payments': { scoped: true,
		own: async (ctx) => ({ code: await ctx.dossier('own') }),
		other: async (ctx) => ({ code: await ctx.dossier('other') }),
		json: () => ({ method: 'cash', amount: 1 }) },
	'GET /api/v1/dossiers/{code}/payments': { scoped: true,
		own: async (ctx) => ({ code: await ctx.dossier('own') }),
		other: async (ctx) => ({ code: await ctx.dossier('other') }) },
	'POST /api/v1/track/{code}/payments': { params: { code: '000.00.00.H47-260101-0001' },
		notFound: true, json: () => ({ check: '0000', provider: 'testpay' }) },
	'POST /api/v1/payments/callback/{provider}': { params: { provider: 'testpay' },
		notFound: true, json: () => ({ order_id: 'T0' }) },
	'POST /thu-phi/{code}': { scoped: true,
		own: async (ctx) => ({ code: await ctx.dossier('own') }),
		other: async (ctx) => ({ code: await ctx.dossier('other') }),
		form: () => ({ method: 'cash', amount: '1' }) },
	'POST /thanh-toan/{code}': { params: { code: '000.00.00.H47-260101-0001' },
		notFound: true, form: () => ({ so: '0000', provider: 'testpay' }) },
	'GET /thanh-toan/ket-qua': { notFound: true },
	'GET /thanh-toan/thu-nghiem/{order}': { params: { order: 'T0' }, notFound: true },
	'POST /thanh-toan/thu-nghiem/{order}': { params: { order: 'T0' }, notFound: true,
		form: () => ({ action: 'pay' }) },
	// Ratings: public, by code and phone digits.
	'POST /api/v1/track/{code}/rating': { params: { code: '000.00.00.H47-260101-0001' },
		notFound: true, json: () => ({ check: '0000', scores: { access: 5, procedure: 5,
			officers: 5, result: 5, feedback: 5 } }) },
	'GET /danh-gia/{code}': { params: { code: '000.00.00.H47-260101-0001' } },
	'POST /danh-gia/{code}': { params: { code: '000.00.00.H47-260101-0001' },
		notFound: true, form: () => ({ so: '0000' }) },
	// The citizens' portal.  Citizen-only routes refuse officers and nobody.
	'POST /api/v1/citizen/code': { json: () => ({ phone: '12345' }) },
	'POST /api/v1/citizen/session': { json: () => ({ phone: '0905000999', code: '000000' }) },
	'DELETE /api/v1/citizen/session': { fresh: true },
	'GET /api/v1/citizen/me': {},
	'PATCH /api/v1/citizen/me': { json: () => ({ name: 'Công Dân Thử' }) },
	'GET /api/v1/citizen/dossiers': {},
	'GET /api/v1/citizen/dossiers/{id}': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.citizenDossier('own') }),
		other: async (ctx) => ({ id: await ctx.citizenDossier('other') }) },
	// A submitted dossier takes no files: 409 for its applicant, 404 for others.
	'POST /api/v1/citizen/dossiers/{id}/files': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.citizenDossier('own') }),
		other: async (ctx) => ({ id: await ctx.citizenDossier('other') }) },
	'POST /api/v1/citizen/dossiers/{id}/resubmit': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.citizenDossier('own') }),
		other: async (ctx) => ({ id: await ctx.citizenDossier('other') }) },
	'GET /api/v1/citizen/drafts': {},
	'POST /api/v1/citizen/drafts': { json: () => ({ procedure: '1.001570', agency: OWN }) },
	'GET /api/v1/citizen/drafts/{id}': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.draft('own') }),
		other: async (ctx) => ({ id: await ctx.draft('other') }) },
	'PATCH /api/v1/citizen/drafts/{id}': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.draft('own') }),
		other: async (ctx) => ({ id: await ctx.draft('other') }),
		json: () => ({ applicant_address: 'Đại Lộc' }) },
	'DELETE /api/v1/citizen/drafts/{id}': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.draft('own-deleted') }),
		other: async (ctx) => ({ id: await ctx.draft('other') }) },
	'POST /api/v1/citizen/drafts/{id}/files': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.draft('own') }),
		other: async (ctx) => ({ id: await ctx.draft('other') }) },
	// Without its files a draft is not sent: 400 for its owner.
	'POST /api/v1/citizen/drafts/{id}/submit': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.draft('own-empty') }),
		other: async (ctx) => ({ id: await ctx.draft('other') }) },
	'GET /api/v1/citizen/files/{id}': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.citizenFile('own') }),
		other: async (ctx) => ({ id: await ctx.citizenFile('other') }) },
	'DELETE /api/v1/citizen/files/{id}': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.citizenFile('own-deleted') }),
		other: async (ctx) => ({ id: await ctx.citizenFile('other') }) },
	'GET /api/v1/dossiers/{code}/files': { scoped: true,
		own: async (ctx) => ({ code: await ctx.dossier('own') }),
		other: async (ctx) => ({ code: await ctx.dossier('other') }) },
	'GET /api/v1/dossiers/{code}/files/{id}': { scoped: true,
		own: async (ctx) => ({ code: await ctx.dossier('own'), id: await ctx.resultFile('own') }),
		other: async (ctx) => ({ code: await ctx.dossier('other'), id: await ctx.resultFile('other') }) },
	'POST /api/v1/dossiers/{code}/result-files': { scoped: true,
		own: async (ctx) => ({ code: await ctx.dossier('own') }),
		other: async (ctx) => ({ code: await ctx.dossier('other') }) },
	'GET /cong-dan': {},
	'POST /cong-dan/ma': { form: () => ({ phone: '12345' }) },
	'POST /cong-dan/dang-nhap': { form: () => ({ phone: '0905000998', code: '000000' }) },
	'POST /cong-dan/dang-xuat': { fresh: true },
	'GET /cong-dan/ho-so': {},
	'GET /cong-dan/ho-so/{id}': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.citizenDossier('own') }),
		other: async (ctx) => ({ id: await ctx.citizenDossier('other') }) },
	'POST /cong-dan/ho-so/{id}': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.citizenDossier('own') }),
		other: async (ctx) => ({ id: await ctx.citizenDossier('other') }),
		form: () => ({ action: 'resubmit' }) },
	'GET /cong-dan/nop/{code}': { params: { code: '1.001570' } },
	'POST /cong-dan/nop/{code}': { params: { code: '1.001570' }, form: () => ({ agency: OWN, action: 'save' }) },
	'GET /cong-dan/nhap/{id}': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.draft('own') }),
		other: async (ctx) => ({ id: await ctx.draft('other') }) },
	'POST /cong-dan/nhap/{id}': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.draft('own') }),
		other: async (ctx) => ({ id: await ctx.draft('other') }),
		form: () => ({ action: 'save', applicant_name: 'Công Dân Thử' }) },
	'GET /cong-dan/tai-khoan': {},
	'POST /cong-dan/tai-khoan': { form: () => ({ name: 'Công Dân Thử', email: '' }) },
	'GET /cong-dan/tep/{id}': { citizenScoped: true,
		own: async (ctx) => ({ id: await ctx.citizenFile('own') }),
		other: async (ctx) => ({ id: await ctx.citizenFile('other') }) },
	'GET /ho-so/{code}/tep/{id}': { scoped: true,
		own: async (ctx) => ({ code: await ctx.dossier('own'), id: await ctx.resultFile('own') }),
		other: async (ctx) => ({ code: await ctx.dossier('other'), id: await ctx.resultFile('other') }) },
	'POST /ho-so/{code}/ket-qua': { scoped: true,
		own: async (ctx) => ({ code: await ctx.dossier('own') }),
		other: async (ctx) => ({ code: await ctx.dossier('other') }) },
	'GET /api/v1/kpi/indicators': {},
	'GET /api/v1/kpi/values': {},
	'GET /api/v1/kpi/breakdown': {},
	'GET /api/v1/kpi/targets': {},
	'GET /api/v1/kpi/index766': {},
	'GET /api/v1/kpi/dashboard': {},
	'GET /api/v1/kpi/backlog': {},
	'GET /api/v1/kpi/entries': {},
	'POST /api/v1/kpi/entries': { json: () => ({ indicator: 'public_investment_disbursed',
		period: '2026', value: 90, evidence: 'Báo cáo giải ngân' }) },
	'GET /api/v1/kpi/settings': {},
	'PUT /api/v1/kpi/settings/{key}': { params: { key: '766.progress.dossiers_on_time' },
		json: () => ({ value: 20 }) },
	'GET /api/v1/stats': {},
	'GET /chi-so': {},
	'GET /chi-so/dinh-nghia': {},
	'GET /chi-so/chi-tieu': {},
	'GET /chi-so/nhap': {},
	'POST /chi-so/nhap': { form: () => ({ indicator: 'public_investment_disbursed',
		period: '2026', value: '90,5', evidence: 'Báo cáo giải ngân' }) },
	'GET /chi-so/xuat/{format}': { params: { format: 'csv' } },
	'GET /thong-ke': {},
};

// Citizens are not a role of users: they sign in with their phone.
const CITIZEN_PHONE = { own: '0905700001', other: '0905700002' };

let srv, routes, boss;
const clients = {};
const citizens = {};
let phoneSeq = 0;

function addUser(username, roles, agency) {
	const r = run(['user', 'add', '--db', srv.db, '--username', username, '--role', roles,
		'--agency', agency], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, r.stderr);
}

async function signedIn(username) {
	const c = new Client(srv.url);
	await c.signIn(username, PASSWORD);
	return c;
}

let uploads;
before(async () => {
	uploads = mkdtempSync(join(tmpdir(), 'cchc-uploads-'));
	srv = await startServer({ args: ['--upload-dir', uploads] });
	const r = run(['routes', '--json']);
	assert.equal(r.status, 0, r.stderr);
	routes = JSON.parse(r.stdout);
	ensureOtpTemplate(srv);
	addUser('boss', 'admin', 'ubnd-tinh');
	addUser('probe', 'clerk', OWN);
	addUser('target-own', 'clerk', 'xa-dai-hiep');
	addUser('target-other', 'clerk', OTHER);
	addUser('clerk-other', 'clerk', OTHER);
	for (const role of ROLES) {
		addUser(`as-${role}`, role, OWN);
		clients[role] = await signedIn(`as-${role}`);
	}
	boss = await signedIn('boss');
	citizens.own = await citizen(srv, CITIZEN_PHONE.own);
	citizens.other = await citizen(srv, CITIZEN_PHONE.other);
});
after(async () => {
	await srv?.stop();
	rmSync(uploads, { recursive: true, force: true });
});

const ctx = {
	// A draft procedure of OWN or of OTHER, made by the province's admin.
	async procedure(scope) {
		const p = procedure(scope === 'own' ? OWN : OTHER);
		const r = await boss.request('POST', '/api/v1/procedures', { json: p });
		assert.equal(r.status, 201, await r.text());
		return p.code;
	},
	// One received dossier per scope, taken in through the API by a district
	// clerk of OWN or of OTHER (a district procedure: Đăng ký thành lập hộ kinh doanh).
	dossierCodes: {},
	async dossier(scope) {
		if (!this.dossierCodes[scope]) {
			const c = scope === 'own' ? clients.clerk : await signedIn('clerk-other');
			const r = await c.request('POST', '/api/v1/dossiers', { json: { procedure: '1.001612',
				applicant: { name: 'Trần Văn Bình', phone: '0905000111' } } });
			const body = await r.json();
			assert.equal(r.status, 201, JSON.stringify(body));
			this.dossierCodes[scope] = body.code;
		}
		return this.dossierCodes[scope];
	},
	// A draft of the citizen own or other (a separate one per purpose).
	drafts: {},
	async draft(purpose) {
		if (!this.drafts[purpose]) {
			const who = purpose.startsWith('other') ? citizens.other : citizens.own;
			const r = await who.request('POST', '/api/v1/citizen/drafts',
				{ json: { procedure: '1.001570', agency: OWN, applicant_name: 'Công Dân Thử' } });
			const body = await r.json();
			assert.equal(r.status, 201, JSON.stringify(body));
			this.drafts[purpose] = body.id;
		}
		return this.drafts[purpose];
	},
	// A file uploaded to a draft of the citizen.
	files: {},
	async citizenFile(purpose) {
		if (!this.files[purpose]) {
			const who = purpose.startsWith('other') ? citizens.other : citizens.own;
			const draft = await this.draft(`${purpose}-files`);
			const r = await who.request('POST', `/api/v1/citizen/drafts/${draft}/files`,
				{ multipart: formData({ document: '0' }, [['file', 'thong-bao.pdf', 'application/pdf', PDF]]) });
			const body = await r.json();
			assert.equal(r.status, 201, JSON.stringify(body));
			this.files[purpose] = body.files.at(-1).id;
		}
		return this.files[purpose];
	},
	// A dossier filed online by the citizen (submitted, waiting at the desk).
	citizenDossiers: {},
	async citizenDossier(scope) {
		if (!this.citizenDossiers[scope]) {
			const who = citizens[scope];
			const draft = await this.draft(`${scope}-filed`);
			let r = await who.request('POST', `/api/v1/citizen/drafts/${draft}/files`,
				{ multipart: formData({ document: '0' }, [['file', 'thong-bao.pdf', 'application/pdf', PDF]]) });
			assert.equal(r.status, 201, JSON.stringify(await r.json()));
			r = await who.request('POST', `/api/v1/citizen/drafts/${draft}/submit`, { json: {} });
			const body = await r.json();
			assert.equal(r.status, 201, JSON.stringify(body));
			this.citizenDossiers[scope] = body.id;
		}
		return this.citizenDossiers[scope];
	},
	// A result file attached by a clerk of the dossier's agency.
	resultFiles: {},
	async resultFile(scope) {
		if (!this.resultFiles[scope]) {
			const c = scope === 'own' ? clients.clerk : await signedIn('clerk-other');
			const code = await this.dossier(scope);
			const r = await c.request('POST', `/api/v1/dossiers/${encodeURIComponent(code)}/result-files`,
				{ multipart: formData({}, [['file', 'ket-qua.pdf', 'application/pdf', PDF]]) });
			const body = await r.json();
			assert.equal(r.status, 201, JSON.stringify(body));
			this.resultFiles[scope] = body.items.at(-1).id;
		}
		return this.resultFiles[scope];
	},
	async token(username) {
		const r = await boss.request('POST', '/api/v1/tokens', { json: { name: uniq('t'), username } });
		assert.equal(r.status, 201);
		return (await r.json()).id;
	},
};

async function fill(pattern, params) {
	let path = pattern;
	for (const [k, v] of Object.entries(params || {}))
		path = path.replace(`{${k}}`, encodeURIComponent(v));
	assert.doesNotMatch(path, /\{/, `no value for a parameter of ${pattern}`);
	return path;
}

async function call(client, route, fx, scope) {
	let params = fx[scope] ?? fx.params;
	if (typeof params === 'function')
		params = await params(ctx);
	const path = await fill(route.pattern, params);
	const opts = {};
	if (fx.json)
		opts.json = fx.json(scope);
	else if (fx.form)
		opts.form = fx.form(scope);
	else if (route.method !== 'GET' && route.kind === 'json')
		opts.json = {};
	else if (route.method !== 'GET')
		opts.form = {};
	const res = await client.request(route.method, path, opts);
	await res.arrayBuffer();
	return res.status;
}

test('every route has an access rule and a fixture', () => {
	const missing = routes.filter((r) => !fixtures[`${r.method} ${r.pattern}`]);
	assert.deepEqual(missing.map((r) => `${r.method} ${r.pattern}`), []);
	const ruleless = routes.filter((r) => !r.roles);
	assert.deepEqual(ruleless, []);
	for (const r of routes)
		for (const role of r.roles.split(','))
			assert.ok(role === 'public' || role === 'citizen' || ROLES.includes(role),
				`${r.pattern}: role ${role}`);
});

test('the access matrix holds for every route, role and agency', async () => {
	const failures = [];
	for (const route of routes) {
		const key = `${route.method} ${route.pattern}`;
		const fx = fixtures[key];
		if (!fx)
			continue;
		const allowed = route.roles.split(',');
		const isPublic = allowed.includes('public');
		// Nobody signed in.
		const anon = await call(new Client(srv.url), route, fx, 'own');
		if (isPublic ? [401, 403].includes(anon) : anon !== 401)
			failures.push(`${key} anonymous → ${anon}`);
		for (const role of ROLES) {
			const client = fx.fresh ? await signedIn(`as-${role}`) : clients[role];
			const may = isPublic || allowed.includes(role);
			const own = await call(client, route, fx, 'own');
			if (may && [401, 403, ...(fx.notFound ? [] : [404])].includes(own))
				failures.push(`${key} as ${role}, own agency → ${own} (expected allowed)`);
			if (!may && own !== 403)
				failures.push(`${key} as ${role} → ${own} (expected 403)`);
			if (fx.scoped && may) {
				const c = fx.fresh ? await signedIn(`as-${role}`) : client;
				const other = await call(c, route, fx, 'other');
				const denied = [403, 404].includes(other);
				if (role === 'monitor' ? [401, 403].includes(other) : !denied)
					failures.push(`${key} as ${role}, other agency → ${other} (expected ${role === 'monitor' ? 'allowed' : 'denied'})`);
			}
		}
		// A citizen: public routes and citizen routes only; never another citizen's things.
		{
			const may = isPublic || allowed.includes('citizen');
			const client = fx.fresh ? await citizen(srv, `09058${String(++phoneSeq).padStart(5, '0')}`)
				: citizens.own;
			const own = await call(client, route, fx, 'own');
			if (may && [401, 403, ...(fx.notFound ? [] : [404])].includes(own))
				failures.push(`${key} as citizen → ${own} (expected allowed)`);
			if (!may && own !== 403)
				failures.push(`${key} as citizen → ${own} (expected 403)`);
			if (fx.citizenScoped && may) {
				const other = await call(citizens.own, route, fx, 'other');
				if (other !== 404)
					failures.push(`${key} as citizen, another citizen's → ${other} (expected 404)`);
			}
		}
	}
	assert.deepEqual(failures, []);
});
