// The isolation matrix of a province (docs/province.md, "Scopes"): every
// route x every principal of centre A (Khe Sanh) against the objects of
// centre B (Lao Bảo): B's tickets, counters, dossier, print job, printer,
// ratings and events.
//
// How the matrix is derived: the routes come from the server itself
// (`motcua-server routes --json`, with the roles each allows); the roles of
// A's principals from GET /api/v1/session. PLAN below says, for every route
// of that table, how to aim it at B: "cells" (requests naming a B object:
// the answer must be 404 when the principal's role may use the route, 403
// when it may not, never 200 or 5xx), "lists" (lists and searches: 403, or
// an answer holding none of B's objects, while an admin's holds them), or
// "exempt" with the reason (public pages, the caller's own session, the
// province's catalogue and calendar). A route of the table missing from
// PLAN fails the first test by name, so a new route cannot slip through
// unlisted; so does a PLAN entry the server no longer has.
//
// Nothing changed: after every cell the rows of tickets, visits, counters,
// dossiers, dossier_steps, print_jobs, ratings, rating_links (and the groups
// and printers) are read again with sqlite3 and compared with the rows
// before, with the count of events; a failure names the cell (route x
// principal x variant), the status got and the tables that changed.
//
// Not marked for TSan: it runs several hundred requests one after another,
// which the concurrency tests cover already.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, startServer, subscribe } from './lib/harness.mjs';
import { rowsText } from './lib/pg.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';
import { TestPrinter, waitFor } from './lib/printer.mjs';

const table = cli(['routes', '--json']);
if (table.status !== 0) throw new Error(`motcua-server routes: ${table.stderr}`);
const ROUTES = JSON.parse(table.stdout);
const key = (r) => `${r.method} ${r.pattern}`;

// Centre A's principals: staff by username, devices by name.
const ACTORS = ['a.clerk', 'a.clerk2', 'a.spec', 'a.sup', 'a-kiosk', 'a-board'];

// The shared two-centre province, with a few things only B has, so that a
// lookup that forgets the centre finds B's object instead of nothing: a
// group TK (prefix G), a counter 7 serving it, a printer of its own.
function bundle(printerUri) {
  return {
    ...PROVINCE_BUNDLE,
    printers: [{ office: CENTRE_B, name: 'lb-sanh', target: printerUri, format: 'pdf', paper: '80mm', default: true }],
    service_groups: [...PROVINCE_BUNDLE.service_groups,
      { office: CENTRE_B, code: 'TK', prefix: 'G', name: 'Trả kết quả', sort: 3 }],
    counters: [...PROVINCE_BUNDLE.counters, { office: CENTRE_B, no: 7, name: 'Quầy 7', groups: ['TK'] }],
    // Appointments at B only (its booking below).
    appointments: { slots: [{ office: CENTRE_B, group: 'CT', minutes: 30, capacity: 5 }] },
    // Messages by SMS through a gateway nobody listens on: B's message is
    // dead at its first try.
    notifications: { sms: { url: 'http://127.0.0.1:9/api/send', timeout_s: 2 }, max_attempts: 1 },
  };
}

const B_APPLICANT = { name: 'Hồ Thị Lao', id_number: '045190007777', address: 'Lao Bảo, Quảng Trị', phone: '0915777888',
  notify: { channels: ['sms'], any_hour: true } };
// An intake at A's counter, with more (a centre, a ticket) to aim it at B.
const intake = (more) => ({
  procedure: 'P3', applicant: { name: 'Lê Văn Sanh', id_number: '045191008888', address: 'Khe Sanh', phone: '0916888999' },
  documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }], sets: 1, outcome: 'received', ...more });
const enc = encodeURIComponent;

// B's objects, filled in by before(); b.missing[name] says why one could
// not be made (its cells then fail by name rather than the whole file).
const b = { missing: {} };
const need = (name) => {
  if (b[name] === undefined) throw new Error(`no B ${name} (setup: ${b.missing[name]?.slice(0, 60) ?? 'not made'})`);
  return b[name];
};

// How each route of the table is aimed at B.
// A cell: {name, path(), body?(), roles?, actors?}. roles: the allowed roles
// the variant is meant for (an action of the dossier's actions table); a
// role refused the route is tested with every variant anyway. actors: only
// these principals (those who may act at A's counter 1).
// A list: {name, path(), leaked(r), control?(), office?, noHall?}. leaked:
// the B objects found in an answer; control: the path an admin reads to
// find them (default path); office: the path names B's office, so 404 is
// right too; noHall: roles whose scope has no hall, for which 400
// office_required is right.
const counterCells = (action, body) => [
  { name: "B's counter 1 (office=TT-LB)", path: () => `/api/v1/counters/1/${action}?office=${CENTRE_B}`, body: () => body },
  { name: "B's counter 7 (A has none)", path: () => `/api/v1/counters/7/${action}`, body: () => body },
];
const adminOnly = (path, body) => ({ cells: [{ name: 'set-up aimed at B', path: () => path, body: () => body }] });
const dossierPath = (tail = '') => () => `/api/v1/dossiers/${enc(need('dossier'))}${tail}`;
const dossierCodes = (text) => (b.dossier && text.includes(b.dossier) ? [b.dossier] : []);
const period = () => `from=${need('day').slice(0, 8)}01&to=${need('day')}`;

const PLAN = {
  'GET /healthz': { exempt: 'liveness, no office data' },
  'GET /metrics': { exempt: 'process counters, no office data' },
  'POST /api/v1/session': { exempt: 'logging in' },
  'GET /api/v1/session': { exempt: "the caller's own session" },
  'DELETE /api/v1/session': { exempt: "the caller's own session" },
  'POST /api/v1/tickets': { cells: [
    { name: "B's group CT (office=TT-LB)", path: () => `/api/v1/tickets?office=${CENTRE_B}`, body: () => ({ group: 'CT' }) },
    { name: "B's group TK (A has none)", path: () => '/api/v1/tickets', body: () => ({ group: 'TK' }) },
  ] },
  'POST /api/v1/tickets/{}/rejoin': { cells: [
    { name: "B's no-show ticket by id", path: () => `/api/v1/tickets/${need('noShow').id}/rejoin`, body: () => ({}) },
    { name: "B's no-show ticket by number", path: () => `/api/v1/tickets/${need('noShow').label}/rejoin`, body: () => ({}) },
    { name: "B's no-show ticket by number (office=TT-LB)", path: () => `/api/v1/tickets/${need('noShow').label}/rejoin?office=${CENTRE_B}`, body: () => ({}) },
  ] },
  'POST /api/v1/counters/{}/call': { cells: counterCells('call', {}) },
  'POST /api/v1/counters/{}/recall': { cells: counterCells('recall', {}) },
  'POST /api/v1/counters/{}/no-show': { cells: counterCells('no-show', {}) },
  'POST /api/v1/counters/{}/transfer': { cells: [...counterCells('transfer', { group: 'HT' }),
    // From A's own counter 1, serving A's ticket, to a line or counter of B.
    { name: "A's ticket to B's group TK", path: () => '/api/v1/counters/1/transfer', body: () => ({ group: 'TK' }), actors: ['a.clerk', 'a.sup'] },
    { name: "A's ticket to B's counter 7", path: () => '/api/v1/counters/1/transfer', body: () => ({ counter: 7 }), actors: ['a.clerk', 'a.sup'] },
  ] },
  'POST /api/v1/counters/{}/finish': { cells: counterCells('finish', { outcome: 'served' }) },
  'POST /api/v1/counters/{}/state': { cells: counterCells('state', { state: 'paused' }) },
  // Public (any centre's queue is on /public), but a principal that names
  // no centre gets the one of its scope; a specialist's scope (TP-KS) has
  // no hall, so it must name one (400 office_required).
  'GET /api/v1/queue': { lists: [
    { name: "the caller's own queue", path: () => '/api/v1/queue', control: () => `/api/v1/queue?office=${CENTRE_B}`,
      noHall: ['specialist'],
      leaked: (r) => [...(r.json.office?.code === CENTRE_A ? [] : [`queue of office ${r.json.office?.code}`]),
        ...r.json.counters.filter((c) => c.no === 7).map(() => 'counter 7'),
        ...r.json.groups.filter((g) => g.code === 'TK').map(() => 'group TK')] },
  ] },
  'GET /api/v1/public/tickets/{}': { exempt: "public: the ticket holder's view" },
  'GET /queue': { exempt: 'public page' },
  'GET /favicon.ico': { exempt: 'asset' },
  // The stream itself: the last test below (a board of A while B calls).
  'GET /api/v1/events': { cells: [{ name: "B's stream (office=TT-LB)", path: () => `/api/v1/events?office=${CENTRE_B}` }] },
  'POST /api/v1/import': adminOnly('/api/v1/import', { counters: [{ office: CENTRE_B, no: 1, name: 'Quầy 1', groups: ['HT'] }] }),
  'GET /api/v1/service-groups': { lists: [
    { name: 'groups', path: () => '/api/v1/service-groups',
      leaked: (r) => r.json.items.filter((g) => g.code === 'TK' || g.office === CENTRE_B || g.office?.code === CENTRE_B).map((g) => `group ${g.code}`)
        .concat(r.json.total > 2 ? [`total ${r.json.total} (A has 2 groups)`] : []) },
    { name: 'office=TT-LB', path: () => `/api/v1/service-groups?office=${CENTRE_B}`, office: true,
      leaked: (r) => (r.json.items.length ? [`${r.json.items.length} groups of TT-LB`] : []) },
  ] },
  'POST /api/v1/service-groups': adminOnly('/api/v1/service-groups', { office: CENTRE_B, code: 'XX', prefix: 'X', name: 'Thử' }),
  'PATCH /api/v1/service-groups/{}': { cells: [
    { name: "B's group TK", path: () => '/api/v1/service-groups/TK', body: () => ({ name: 'Đổi tên' }) },
    { name: "B's group CT (office=TT-LB)", path: () => `/api/v1/service-groups/CT?office=${CENTRE_B}`, body: () => ({ name: 'Đổi tên' }) },
  ] },
  'GET /api/v1/counters': { lists: [
    { name: 'counters', path: () => '/api/v1/counters',
      leaked: (r) => r.json.items.filter((c) => c.no === 7 || c.office === CENTRE_B || c.office?.code === CENTRE_B).map((c) => `counter ${c.no}`)
        .concat(r.json.items.length > 3 ? [`${r.json.items.length} counters (A has 3)`] : []) },
    { name: 'office=TT-LB', path: () => `/api/v1/counters?office=${CENTRE_B}`, office: true,
      leaked: (r) => (r.json.items.length ? [`${r.json.items.length} counters of TT-LB`] : []) },
  ] },
  'POST /api/v1/counters': adminOnly('/api/v1/counters', { office: CENTRE_B, no: 9, name: 'Quầy 9', groups: ['CT'] }),
  'PATCH /api/v1/counters/{}': { cells: [{ name: "B's counter 7", path: () => '/api/v1/counters/7', body: () => ({ name: 'Quầy bảy' }) }] },
  'GET /api/v1/users': { lists: [
    { name: 'users', path: () => '/api/v1/users?limit=200',
      leaked: (r) => r.json.items.map((u) => u.username).filter((u) => u.startsWith('b.')) },
    { name: 'office=TT-LB', path: () => `/api/v1/users?limit=200&office=${CENTRE_B}`, office: true,
      leaked: (r) => r.json.items.map((u) => u.username).filter((u) => u.startsWith('b.')) },
  ] },
  'POST /api/v1/users': adminOnly('/api/v1/users', { office: CENTRE_B, username: 'newbie', full_name: 'Người mới', role: 'counter', password: 'newbie-pass-1' }),
  'PATCH /api/v1/users/{}': { cells: [{ name: "B's clerk", path: () => '/api/v1/users/b.clerk', body: () => ({ full_name: 'Đổi tên' }) }] },
  'GET /api/v1/devices': { lists: [
    { name: 'devices', path: () => '/api/v1/devices', leaked: (r) => r.json.items.map((d) => d.name).filter((n) => n.startsWith('b-')) },
  ] },
  'POST /api/v1/devices': adminOnly('/api/v1/devices', { office: CENTRE_B, kind: 'display', name: 'b-board-2' }),
  'PATCH /api/v1/devices/{}': { cells: [{ name: "B's kiosk", path: () => '/api/v1/devices/b-kiosk', body: () => ({ active: false }) }] },
  'PUT /api/v1/test/clock': adminOnly('/api/v1/test/clock', { now: 1800000000 }),
  'GET /api/v1/calendar/due': { exempt: "the province's calendar arithmetic" },
  'GET /api/v1/calendar/config': { exempt: "the province's calendar" },
  'PUT /api/v1/calendar/config': adminOnly('/api/v1/calendar/config', { cutoff: '15:00' }),
  'GET /api/v1/calendar/{}': { exempt: "the province's calendar of a year" },
  'PUT /api/v1/calendar/days/{}': adminOnly('/api/v1/calendar/days/2026-01-10', { kind: 'workday', name: 'Làm bù' }),
  'DELETE /api/v1/calendar/days/{}': adminOnly('/api/v1/calendar/days/2026-01-10'),
  'GET /board': { exempt: 'public page (its data comes from the stream)' },
  'GET /kiosk': { exempt: 'public page' },
  'GET /static/{}': { exempt: 'asset' },
  'GET /static/{}/{}': { exempt: 'asset' },
  // Receiving for any authority of the province is boundary-free intake (its
  // own test); receiving as if at B's centre, or linking B's ticket, is not.
  'POST /api/v1/dossiers': { cells: [
    { name: 'received at TT-LB', path: () => '/api/v1/dossiers', body: () => intake({ office: CENTRE_B }) },
    { name: "linked to B's ticket", path: () => '/api/v1/dossiers', body: () => intake({ ticket_id: need('called').id }) },
  ] },
  'GET /api/v1/dossiers': { lists: [
    { name: 'list', path: () => '/api/v1/dossiers?limit=200', leaked: (r) => dossierCodes(r.text) },
    { name: "search by B's phone", path: () => `/api/v1/dossiers?q=${B_APPLICANT.phone}`, leaked: (r) => dossierCodes(r.text) },
    { name: "search by B's ID number", path: () => `/api/v1/dossiers?q=${B_APPLICANT.id_number}`, leaked: (r) => dossierCodes(r.text) },
    { name: "search by B's code", path: () => `/api/v1/dossiers?q=${enc(need('dossier'))}`, leaked: (r) => dossierCodes(r.text) },
    { name: 'office=TT-LB', path: () => `/api/v1/dossiers?office=${CENTRE_B}`, leaked: (r) => dossierCodes(r.text), office: true },
    { name: 'office=UB-LB', path: () => '/api/v1/dossiers?office=UB-LB', leaked: (r) => dossierCodes(r.text), office: true },
  ] },
  // The intake's checks: as the intake, B's centre and B's ticket are not A's.
  'POST /api/v1/dossiers/check': { cells: [
    { name: 'checked at TT-LB', path: () => '/api/v1/dossiers/check', body: () => intake({ office: CENTRE_B }) },
    { name: "linked to B's ticket", path: () => '/api/v1/dossiers/check', body: () => intake({ ticket_id: need('called').id }) },
  ] },
  'GET /api/v1/dossiers/{}': { cells: [{ name: "B's dossier", path: dossierPath() }] },
  'GET /api/v1/dossiers/{}/forms/{}': { cells: [{ name: "B's dossier's Mẫu 01", path: dossierPath('/forms/mau-01.pdf') }] },
  'POST /api/v1/dossiers/{}/actions': { cells: [
    { name: 'handover', path: dossierPath('/actions'), body: () => ({ action: 'handover', to_office: 'TP-KS' }) },
    { name: 'request_supplement', path: dossierPath('/actions'), roles: ['specialist', 'supervisor'],
      body: () => ({ action: 'request_supplement', items: [{ item: 'Giấy xác nhận tình trạng hôn nhân', reason: 'Thiếu' }] }) },
    { name: 'result_ready', path: dossierPath('/actions'), roles: ['specialist', 'supervisor'], body: () => ({ action: 'result_ready' }) },
    { name: 'withdraw', path: dossierPath('/actions'), roles: ['counter', 'supervisor'], body: () => ({ action: 'withdraw', reason: 'Công dân rút hồ sơ' }) },
  ] },
  'GET /api/v1/dossiers/{}/control-sheet': { cells: [{ name: "B's dossier", path: dossierPath('/control-sheet') }] },
  'POST /api/v1/dossiers/{}/print': { cells: [{ name: "B's dossier", path: dossierPath('/print'), body: () => ({ form: 'mau-01', copies: 1 }) }] },
  'GET /api/v1/ledger.csv': { lists: [
    { name: 'ledger', path: () => '/api/v1/ledger.csv?from=2026-01-01&to=2030-12-31', leaked: (r) => dossierCodes(r.text) },
    { name: 'ledger office=TT-LB', path: () => `/api/v1/ledger.csv?from=2026-01-01&to=2030-12-31&office=${CENTRE_B}`, leaked: (r) => dossierCodes(r.text), office: true },
  ] },
  'GET /api/v1/public/dossiers/{}': { exempt: "public: the citizen's lookup with the dossier's secret" },
  'GET /api/v1/procedures': { exempt: "the province's catalogue: any centre receives any procedure" },
  'GET /api/v1/public/procedures': { exempt: 'public catalogue' },
  'GET /api/v1/public/offices': { exempt: "public: the province's centres, for citizens" },
  'GET /api/v1/offices': { exempt: 'the office tree: a clerk chooses any authority at intake' },
  'POST /api/v1/procedures': adminOnly('/api/v1/procedures', { code: 'P9', name: 'Thử', field: 'Hộ tịch', level: 'commune', office: 'TP-LB', processing: { unit: 'working_days', amount: 1 } }),
  'POST /api/v1/offices': adminOnly('/api/v1/offices', { code: 'TC-LB', name: 'Phòng thử', kind: 'internal', parent: 'UB-LB' }),
  'GET /api/v1/print-jobs': { lists: [
    { name: 'jobs', path: () => '/api/v1/print-jobs?limit=200', leaked: (r) => r.json.items.map((j) => j.id).filter((id) => need('jobs').includes(id)) },
    { name: 'jobs done', path: () => '/api/v1/print-jobs?state=done&limit=200', leaked: (r) => r.json.items.map((j) => j.id).filter((id) => need('jobs').includes(id)) },
    { name: "B's printer", path: () => '/api/v1/print-jobs?printer=lb-sanh&limit=200', leaked: (r) => r.json.items.map((j) => j.id).filter((id) => need('jobs').includes(id)) },
    { name: "B's dossier's forms", path: () => `/api/v1/print-jobs?kind=form&ref=${enc(need('dossier'))}`, leaked: (r) => r.json.items.map((j) => j.id).filter((id) => need('jobs').includes(id)) },
    { name: 'office=TT-LB', path: () => `/api/v1/print-jobs?limit=200&office=${CENTRE_B}`, office: true,
      leaked: (r) => r.json.items.map((j) => j.id).filter((id) => need('jobs').includes(id)) },
  ] },
  'GET /api/v1/print-jobs/{}': { cells: [{ name: "B's job", path: () => `/api/v1/print-jobs/${need('job')}` }] },
  'POST /api/v1/print-jobs/{}/retry': { cells: [{ name: "B's job", path: () => `/api/v1/print-jobs/${need('job')}/retry`, body: () => ({}) }] },
  'POST /api/v1/print-jobs/{}/reprint': { cells: [{ name: "B's job", path: () => `/api/v1/print-jobs/${need('job')}/reprint`, body: () => ({}) }] },
  'GET /api/v1/printers': { lists: [
    { name: 'printers', path: () => '/api/v1/printers', leaked: (r) => r.json.items.map((p) => p.name).filter((n) => n === 'lb-sanh') },
    { name: 'office=TT-LB', path: () => `/api/v1/printers?office=${CENTRE_B}`, office: true,
      leaked: (r) => r.json.items.map((p) => p.name).filter((n) => n === 'lb-sanh') },
  ] },
  'POST /api/v1/printers': adminOnly('/api/v1/printers', { office: CENTRE_B, name: 'lb-2', target: 'ipp://127.0.0.1:9/ipp/print', format: 'pdf', paper: '80mm' }),
  'PATCH /api/v1/printers/{}': { cells: [{ name: "B's printer", path: () => '/api/v1/printers/lb-sanh', body: () => ({ paper: 'a5' }) }] },
  'POST /api/v1/printers/{}/test': { cells: [{ name: "B's printer", path: () => '/api/v1/printers/lb-sanh/test', body: () => ({}) }] },
  'POST /api/v1/dossiers/{}/rating-link': { cells: [{ name: "B's dossier", path: dossierPath('/rating-link'), body: () => ({}) }] },
  'POST /api/v1/tickets/{}/rating-link': { cells: [
    { name: "B's served ticket", path: () => `/api/v1/tickets/${need('served').id}/rating-link`, body: () => ({}) },
    { name: "B's called ticket", path: () => `/api/v1/tickets/${need('called').id}/rating-link`, body: () => ({}) },
  ] },
  'POST /api/v1/dossiers/{}/rating-slip': { cells: [{ name: "B's dossier", path: dossierPath('/rating-slip'), body: () => ({}) }] },
  'POST /api/v1/tickets/{}/rating-slip': { cells: [
    { name: "B's served ticket", path: () => `/api/v1/tickets/${need('served').id}/rating-slip`, body: () => ({}) },
  ] },
  'GET /api/v1/public/ratings/{}': { exempt: "public: the citizen's one-time rating link" },
  'POST /api/v1/public/ratings': { exempt: "public: the citizen's one-time rating link" },
  'GET /api/v1/public/transparency': { exempt: 'public' },
  // Feedback handling: B's PAKN (filed on B's behalf in before()).
  'GET /api/v1/feedback': { lists: [
    { name: 'feedback', path: () => '/api/v1/feedback', leaked: (r) => r.json.items.map((f) => f.code).filter((c) => c === need('feedback')) },
    { name: 'office=TT-LB', path: () => `/api/v1/feedback?office=${CENTRE_B}`, office: true,
      leaked: (r) => r.json.items.map((f) => f.code).filter((c) => c === need('feedback')) },
  ] },
  // Office heads only (prov.sup reads it as the control; a.sup is A's head).
  'GET /api/v1/feedback/conduct': { cells: [
    { name: 'office=TT-LB', path: () => `/api/v1/feedback/conduct?office=${CENTRE_B}` },
  ] },
  'GET /api/v1/feedback/{}': { cells: [{ name: "B's feedback", path: () => `/api/v1/feedback/${need('feedback')}` }] },
  'POST /api/v1/feedback/{}/actions': { cells: [
    { name: "B's feedback", path: () => `/api/v1/feedback/${need('feedback')}/actions`, body: () => ({ action: 'classify', decision: 'accept' }) },
  ] },
  'GET /api/v1/public/feedback-answers': { exempt: "public: every centre's published answers, without personal data" },
  // Feedback intake: staff enter it for a centre of their scope only.
  'POST /api/v1/feedback': { cells: [
    { name: "B's centre (office=TT-LB)", path: () => '/api/v1/feedback', body: () => ({
      office: CENTRE_B, channel: 'hotline', class: 'procedure', text: 'Phản ánh qua điện thoại.',
      sender: { name: 'Lê Thị Gọi', address: 'Lao Bảo', phone: '0915333444' } }) },
  ] },
  'GET /api/v1/feedback/{}/files/{}': { cells: [{ name: "B's feedback's photo", path: () => `/api/v1/feedback/${need('feedback')}/files/1` }] },
  'POST /api/v1/public/feedback': { exempt: 'public: a citizen files with any centre' },
  'GET /api/v1/public/feedback/{}': { exempt: "public: the sender's view with the code's secret" },
  'POST /api/v1/public/feedback/{}/reply': { exempt: "public: the sender's reply with the code's secret" },
  'POST /api/v1/public/feedback/{}/reaction': { exempt: "public: the sender's reaction with the code's secret" },
  'GET /gop-y': { exempt: 'public page' },
  'GET /feedback': { exempt: 'public page' },
  'GET /gop-y/qr.svg': { exempt: "public: the feedback page's QR code" },
  'GET /status': { exempt: 'public page' },
  'GET /rate': { exempt: 'public page' },
  'GET /public': { exempt: 'public page' },
  'GET /api/v1/indicators': {
    cells: [{ name: 'office=TT-LB', path: () => `/api/v1/indicators?${period()}&office=${CENTRE_B}` },
      { name: 'office=UB-LB', path: () => `/api/v1/indicators?${period()}&office=UB-LB` }],
    lists: [{ name: 'by office', path: () => `/api/v1/indicators?${period()}&by=office`,
      leaked: (r) => ['TT-LB', 'UB-LB', 'TP-LB'].filter((c) => r.text.includes(`"${c}"`)) }],
  },
  'GET /api/v1/indicators/staffing': { cells: [
    { name: 'office=TT-LB', path: () => `/api/v1/indicators/staffing?date=${need('day')}&office=${CENTRE_B}` },
  ] },
  'GET /api/v1/reports/{}': { cells: [
    { name: 'office=TT-LB', path: () => `/api/v1/reports/${need('day').slice(0, 7)}.csv?office=${CENTRE_B}` },
    { name: 'office=UB-LB', path: () => `/api/v1/reports/${need('day').slice(0, 7)}.csv?office=UB-LB` },
  ] },
  // Appointments: B's booking (made by b.clerk in before()).
  'GET /dat-lich': { exempt: 'public page' },
  'GET /booking': { exempt: 'public page' },
  'GET /dat-lich/qr.svg': { exempt: "public: the QR of the caller's own booking code" },
  'GET /api/v1/public/booking/options': { exempt: "public: every centre's bookable groups" },
  'GET /api/v1/public/booking/slots': { exempt: "public: any centre's free slots" },
  'POST /api/v1/public/bookings': { exempt: 'public: a citizen books at any centre' },
  'GET /api/v1/public/bookings/{}': { exempt: "public: the holder's view with the code" },
  'POST /api/v1/public/bookings/{}/cancel': { exempt: 'public: the holder cancels with the code' },
  'GET /api/v1/bookings': {
    cells: [{ name: 'office=TT-LB', path: () => `/api/v1/bookings?office=${CENTRE_B}&day=${need('booking').day}` }],
    lists: [{ name: "the day's bookings", path: () => `/api/v1/bookings?day=${need('booking').day}`,
      leaked: (r) => r.json.items.map((x) => x.code).filter((c) => c === need('booking').code) }],
  },
  'POST /api/v1/bookings': { cells: [
    { name: "B's centre (office=TT-LB)", path: () => '/api/v1/bookings', body: () => ({
      office: CENTRE_B, group: 'CT', start: need('booking').start, name: 'Lê Văn Hẹn', phone: '0915999000' }) },
  ] },
  'GET /api/v1/bookings/{}': { cells: [{ name: "B's booking", path: () => `/api/v1/bookings/${need('booking').code}` }] },
  'POST /api/v1/bookings/{}/cancel': { cells: [
    { name: "B's booking", path: () => `/api/v1/bookings/${need('booking').code}/cancel`, body: () => ({}) },
  ] },
  // Messages to citizens: B's dossier's SMS (dead at once: the gateway
  // of the bundle is unreachable and max_attempts 1, so the worker changes
  // nothing while the matrix runs).
  'GET /api/v1/notifications': { lists: [
    { name: 'messages', path: () => '/api/v1/notifications?limit=200', leaked: (r) => r.json.items.map((x) => x.id).filter((id) => need('notifications').includes(id)) },
    { name: 'dead messages', path: () => '/api/v1/notifications?state=dead&limit=200', leaked: (r) => r.json.items.map((x) => x.id).filter((id) => need('notifications').includes(id)) },
    { name: "B's dossier's messages", path: () => `/api/v1/notifications?ref=${enc(need('dossier'))}`, leaked: (r) => r.json.items.map((x) => x.id).filter((id) => need('notifications').includes(id)) },
    { name: 'office=TT-LB', path: () => `/api/v1/notifications?office=${CENTRE_B}&limit=200`, office: true,
      control: () => `/api/v1/notifications?office=${CENTRE_B}&limit=200`,
      leaked: (r) => r.json.items.map((x) => x.id).filter((id) => need('notifications').includes(id)) },
  ] },
  'GET /api/v1/notifications/templates': { exempt: "the templates with an example in the caller's own centre; no message" },
  'POST /api/v1/notifications/test': { exempt: "admin only: a test message from the caller's own office to the address given" },
  'GET /api/v1/notifications/{}': { cells: [{ name: "B's message", path: () => `/api/v1/notifications/${need('notifications')[0]}` }] },
  'POST /api/v1/notifications/{}/resend': { cells: [
    { name: "B's message", path: () => `/api/v1/notifications/${need('notifications')[0]}/resend`, body: () => ({}) },
  ] },
  'GET /supervisor': { exempt: 'page (its data comes from the indicators)' },
  'GET /counter': { exempt: 'page (its data comes from the routes above)' },
};

let s;
let printer;
const roleOf = {}; // A's principal -> its role, as the server says
const setupFailures = []; // what before() could not do in A's own hall
const aTickets = new Set(); // A's own tickets

before(async () => {
  printer = new TestPrinter();
  s = await startServer({ bundle: bundle(printer.uri) });
  const ok = (what, r, codes = [200, 201, 202]) => {
    if (!codes.includes(r.status)) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
    return r.json;
  };
  for (const who of ACTORS) {
    const me = ok(`session of ${who}`, await s.as(who, 'GET', '/api/v1/session'));
    roleOf[who] = me.role;
  }
  // Made by B's staff: four tickets at B's kiosk (one served, one a no-show
  // that may rejoin, one called at B's counter 1, one waiting).
  ok('B opens counter 1', await s.as('b.clerk', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } }));
  const tickets = [];
  for (let i = 0; i < 4; i++) tickets.push(ok('B issues', await s.as('b-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).ticket);
  b.day = tickets[0].service_day;
  ok('B calls', await s.as('b.clerk', 'POST', '/api/v1/counters/1/call', { body: {} }));
  ok('B serves', await s.as('b.clerk', 'POST', '/api/v1/counters/1/finish', { body: { outcome: 'served' } }));
  ok('B calls', await s.as('b.clerk', 'POST', '/api/v1/counters/1/call', { body: {} }));
  ok('B no-show', await s.as('b.clerk', 'POST', '/api/v1/counters/1/no-show', { body: {} }));
  ok('B calls', await s.as('b.clerk', 'POST', '/api/v1/counters/1/call', { body: {} }));
  [b.served, b.noShow, b.called, b.waiting] = tickets;
  // A rating of B's served visit, and a link for the dossier below.
  const link = ok('B rating link', await s.as('b.clerk', 'POST', `/api/v1/tickets/${b.served.id}/rating-link`, { body: {} }));
  ok('B rated', await s.req('POST', '/api/v1/public/ratings', { body: { token: link.token, level: 'satisfied' } }));
  // A dossier received at B for B's commune, held by B's processing office,
  // with its receipt printed.
  b.jobs = [];
  const d = await s.as('b.clerk', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', office: CENTRE_B, authority: 'UB-LB', return_at: CENTRE_B, applicant: B_APPLICANT,
    documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }], sets: 1, outcome: 'received' } });
  if (d.status === 201) {
    b.dossier = d.json.dossier.code;
    // Its SMS, dead before the matrix runs.
    b.notifications = s.sql(`SELECT n.id FROM notifications n JOIN dossiers x ON n.ref_kind = 'dossier'
      AND n.ref_id = x.id WHERE x.code = '${b.dossier}'`).map((x) => x.id);
    if (b.notifications.length === 0) { b.missing.notifications = 'no message planned for B\'s dossier'; delete b.notifications; }
    else await waitFor(() => s.sql("SELECT count(*) AS n FROM notifications WHERE state IN ('queued','sending')")[0].n === 0,
      30000, "B's message dead");
    if (d.json.dossier.holder?.office !== 'TP-LB') {
      const h = await s.as('b.clerk', 'POST', `/api/v1/dossiers/${enc(b.dossier)}/actions`, { body: { action: 'handover', to_office: 'TP-LB', to_person: 'b.spec' } });
      if (h.status !== 200) b.missing.dossier = `handover to TP-LB: ${h.status} ${h.text.slice(0, 200)}`;
    }
    const held = await s.as('b.spec', 'GET', `/api/v1/dossiers/${enc(b.dossier)}`);
    if (held.json?.holder?.office !== 'TP-LB') b.missing.dossier = `not held by TP-LB: ${held.status} ${held.text.slice(0, 200)}`;
    const l = await s.as('b.clerk', 'POST', `/api/v1/dossiers/${enc(b.dossier)}/rating-link`, { body: {} });
    if (l.status !== 201) b.missing.dossier = `rating link: ${l.status} ${l.text.slice(0, 200)}`;
    const p = await s.as('b.clerk', 'POST', `/api/v1/dossiers/${enc(b.dossier)}/print`, { body: { form: 'mau-01', copies: 1 } });
    if (p.status === 202) b.jobs.push(...p.json.jobs);
    else b.missing.dossier = `print: ${p.status} ${p.text.slice(0, 200)}`;
    if (b.missing.dossier) delete b.dossier;
  } else {
    b.missing.dossier = `intake at TT-LB: ${d.status} ${d.text.slice(0, 200)}`;
  }
  // A PAKN about B's counter 1, filed by a citizen at B.
  const f = await s.req('POST', '/api/v1/public/feedback', { body: {
    office: CENTRE_B, class: 'conduct', counter: 1, text: 'Cán bộ quầy 1 hướng dẫn chưa rõ.',
    sender: { name: 'Hồ Văn Góp', address: 'Lao Bảo, Quảng Trị', phone: '0915111222' },
    attachments: [{ name: 'anh-quay.png', type: 'image/png',
      data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==' }] } });
  if (f.status === 201) b.feedback = f.json.code;
  else b.missing.feedback = `feedback at TT-LB: ${f.status} ${f.text.slice(0, 200)}`;
  // A booking at B, for a caller on the phone, in B's first free slot.
  const sl = await s.req('GET', `/api/v1/public/booking/slots?office=${CENTRE_B}&group=CT`);
  const first = sl.json?.days?.flatMap((d) => d.slots.map((x) => ({ ...x, day: d.date })))[0];
  const bk = first && await s.as('b.clerk', 'POST', '/api/v1/bookings', { body: {
    office: CENTRE_B, group: 'CT', start: first.start, name: 'Hồ Văn Hẹn', phone: '0915222333' } });
  if (bk?.status === 201) b.booking = { code: bk.json.booking.code, day: first.day, start: first.start };
  else b.missing.booking = `booking at TT-LB: ${sl.status} ${bk?.status} ${bk?.text.slice(0, 200)}`;
  // A print job of B, on B's printer; every job done before the matrix, so
  // that the print worker changes no row while it runs.
  const t = await s.as('b.sup', 'POST', '/api/v1/printers/lb-sanh/test', { body: {} });
  if (t.status === 202) b.jobs.push(b.job = t.json.job.id);
  else b.missing.job = `test print by b.sup: ${t.status} ${t.text.slice(0, 200)}`;
  await waitFor(() => s.sql("SELECT count(*) AS n FROM print_jobs WHERE state NOT IN ('done','failed')")[0].n === 0,
    30000, 'every print job finished');
  // A's own hall is in use too: a.clerk has A's counter 1 open.
  const open = await s.as('a.clerk', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } });
  if (open.status !== 200) setupFailures.push(`a.clerk opens A's counter 1: ${open.status} ${open.text.slice(0, 200)}`);
  // and serves A's own ticket there.
  const mine = await s.as('a-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
  const served = await s.as('a.clerk', 'POST', '/api/v1/counters/1/call', { body: {} });
  if (mine.status !== 201 || served.status !== 200) setupFailures.push(`A's ticket at A's counter 1: ${mine.status}, ${served.status} ${served.text.slice(0, 200)}`);
  else aTickets.add(mine.json.ticket.id);
});

after(async () => {
  if (s) { await s.stop(); s.cleanup(); }
  if (printer) printer.stop();
});

// The rows a refused call must leave alone, table by table, and the count
// of events (those the server writes by itself, actor system:…, aside).
const SNAPSHOT_TABLES = ['tickets', 'visits', 'counters', 'counter_groups', 'service_groups', 'dossiers',
  'dossier_steps', 'print_jobs', 'printers', 'ratings', 'rating_links', 'feedback', 'feedback_notes',
  'bookings', 'booking_slots', 'notifications'];
async function snapshot() {
  // A print job made by a call that should have been refused is sent by
  // the worker afterwards: wait for the spool to settle, so that its rows
  // are blamed on that call and not on the next.
  await waitFor(() => s.sql("SELECT count(*) AS n FROM print_jobs WHERE state NOT IN ('done','failed')")[0].n === 0,
    30000, 'the print spool settled');
  const queries = {};
  for (const t of SNAPSHOT_TABLES) {
    const cols = t === 'print_jobs' ? 'id, office_id, printer_id, kind, ref, state, attempts, reprint_of, created_by, done_at' : '*';
    queries[t] = `SELECT ${cols} FROM ${t} ORDER BY 1`;
  }
  queries.events = "SELECT count(*) FROM events WHERE actor NOT LIKE 'system:%'";
  return rowsText(s.db, queries);
}
const changed = (x, y) => Object.keys(x).filter((t) => x[t] !== y[t]);

// One request as a principal of A; never throws on a status.
// An event stream is answered by its status and headers, then closed.
async function call(who, method, path, body) {
  const opts = body === undefined ? { streamHeaders: true } : { body, streamHeaders: true };
  return s.as(who, method, path, opts);
}

test('the matrix knows every route of the table', () => {
  const known = new Set(ROUTES.map(key));
  const unplanned = ROUTES.map(key).filter((k) => !PLAN[k]);
  assert.deepEqual(unplanned, [], 'routes of the table the isolation matrix does not know how to aim at centre B: add them to PLAN');
  assert.deepEqual(Object.keys(PLAN).filter((k) => !known.has(k)), [], 'PLAN names routes the server no longer has');
  for (const [k, p] of Object.entries(PLAN)) {
    assert.ok(p.exempt || p.cells || p.lists, `${k}: cells, lists or an exemption`);
    if (p.exempt) assert.ok(!p.cells && !p.lists && p.exempt.length > 3, `${k}: an exemption says why`);
  }
  // A route with a path parameter that staff or devices use is aimed at B
  // unless it is the province's calendar.
  const skipped = ROUTES.filter((r) => r.pattern.includes('{}') && r.roles.length > 0 && PLAN[key(r)]?.exempt
    && key(r) !== 'GET /api/v1/calendar/{}').map(key);
  assert.deepEqual(skipped, [], 'routes on an object exempted from the matrix');
});

test("every route x every principal of centre A against centre B's objects: 404 or 403, nothing changed", async () => {
  const failures = [...setupFailures, ...Object.entries(b.missing).map(([k, why]) => `setup: no B ${k}: ${why}`)];
  let cells = 0;
  let before0 = await snapshot();
  for (const route of ROUTES) {
    const plan = PLAN[key(route)];
    if (!plan?.cells) continue;
    // The control of a read: the object is there, an admin reads it (the
    // province supervisor, for a route an admin may not use).
    if (route.method === 'GET') {
      const control = route.roles.length === 0 || route.roles.includes('admin') ? 'admin' : 'prov.sup';
      for (const cell of plan.cells) {
        let path;
        try { path = cell.path(); } catch { continue; } // reported below
        const r = await call(control, 'GET', path);
        if (r.status !== 200) failures.push(`${key(route)} [${cell.name}] as ${control}: want 200, got ${r.status} ${r.text.slice(0, 80)}`);
      }
    }
    for (const who of ACTORS) {
      const role = roleOf[who];
      const mayUse = route.roles.length === 0 || route.roles.includes(role);
      for (const cell of plan.cells) {
        if (mayUse && cell.roles && !cell.roles.includes(role)) continue;
        if (cell.actors && !cell.actors.includes(who)) continue;
        const label = `${route.method} ${route.pattern} [${cell.name}] as ${who} (${role})`;
        let path;
        let body;
        try { path = cell.path(); body = cell.body?.(); } catch (e) { failures.push(`${label}: ${e.message}`); continue; }
        const r = await call(who, route.method, path, body);
        cells++;
        const after0 = await snapshot();
        const moved = changed(before0, after0);
        const want = mayUse ? 404 : 403;
        if (r.status !== want || moved.length) {
          failures.push(`${label}: want ${want}, got ${r.status} ${r.json?.error?.code ?? r.text.slice(0, 80)}`
            + `${moved.length ? `; changed: ${moved.join(', ')}` : ''}`);
        }
        before0 = after0;
      }
    }
  }
  assert.ok(cells > 100, `only ${cells} cells`);
  assert.deepEqual(failures, [], `${failures.length} of ${cells} cells failed`);
});

test("A's lists and searches never hold B's objects; an admin's do", async () => {
  const failures = [];
  let lists = 0;
  let before0 = await snapshot();
  for (const route of ROUTES) {
    const plan = PLAN[key(route)];
    if (!plan?.lists) continue;
    for (const list of plan.lists) {
      let path;
      try { path = list.path(); } catch (e) { failures.push(`${key(route)} [${list.name}]: ${e.message}`); continue; }
      // The control: the object is there to be found.
      const all = await s.as('admin', 'GET', list.control?.() ?? path);
      if (all.status !== 200 || list.leaked(all).length === 0) {
        failures.push(`${key(route)} [${list.name}] as admin: B's objects not found (${all.status} ${all.text.slice(0, 100)})`);
      }
      for (const who of ACTORS) {
        const role = roleOf[who];
        const mayUse = route.roles.length === 0 || route.roles.includes(role);
        const label = `${route.method} ${path} [${list.name}] as ${who} (${role})`;
        const r = await call(who, 'GET', path);
        lists++;
        const after0 = await snapshot();
        const moved = changed(before0, after0);
        before0 = after0;
        if (moved.length) failures.push(`${label}: changed ${moved.join(', ')}`);
        if (!mayUse) {
          if (r.status !== 403) failures.push(`${label}: want 403, got ${r.status}`);
        } else if (list.office && r.status === 404) {
          // Naming B's office is naming something outside the scope.
        } else if (list.noHall?.includes(role) && r.status === 400 && r.json?.error?.code === 'office_required') {
          // No centre in the caller's scope to mean.
        } else if (r.status !== 200) {
          failures.push(`${label}: want 200${list.office ? ' or 404' : ''}, got ${r.status} ${r.text.slice(0, 120)}`);
        } else {
          const leaked = list.leaked(r);
          if (leaked.length) failures.push(`${label}: holds B's ${leaked.join(', ')}`);
        }
      }
    }
  }
  assert.ok(lists > 30, `only ${lists} list calls`);
  assert.deepEqual(failures, [], `${failures.length} of ${lists} list calls failed`);
});

// docs/province.md, "Scopes": the province supervisor sees everything.
// Every read cell aimed at B answers it 200, and reading changes nothing.
// (Its changes are not tested: a single office's supervisor is the
// province's too, and acts at any counter.)
test('the province supervisor reads every object of B the cells aim at', async () => {
  const failures = [];
  let cells = 0;
  let before0 = await snapshot();
  for (const route of ROUTES) {
    const plan = PLAN[key(route)];
    if (!plan?.cells) continue;
    if (route.method !== 'GET' || route.flags.includes('mutates')) continue;
    const want = route.roles.includes('supervisor') ? 200 : 403;
    for (const cell of plan.cells) {
      if (cell.actors) continue; // aimed from A's counter: not the province's
      const label = `${route.method} ${route.pattern} [${cell.name}] as prov.sup`;
      let path;
      let body;
      try { path = cell.path(); body = cell.body?.(); } catch (e) { failures.push(`${label}: ${e.message}`); continue; }
      const r = await call('prov.sup', route.method, path, body);
      cells++;
      const after0 = await snapshot();
      const moved = changed(before0, after0);
      if (r.status !== want || moved.length) {
        failures.push(`${label}: want ${want}, got ${r.status} ${r.json?.error?.code ?? r.text.slice(0, 80)}`
          + `${moved.length ? `; changed: ${moved.join(', ')}` : ''}`);
      }
      before0 = after0;
    }
  }
  assert.ok(cells >= 8, `only ${cells} cells`);
  assert.deepEqual(failures, [], `${failures.length} of ${cells} cells failed`);
});

test("a board of A gets none of B's events while B calls 20 numbers, and gets A's own call", async () => {
  const aBoard = subscribe(s, s.devices['a-board']);
  const bBoard = subscribe(s, s.devices['b-board']);
  try {
    await aBoard.until((e) => e.some((x) => x.event === 'snapshot'), 10000);
    await bBoard.until((e) => e.some((x) => x.event === 'snapshot'), 10000);
    const problems = [];
    const snap = aBoard.events.find((x) => x.event === 'snapshot').json;
    if (snap.office?.code !== CENTRE_A) problems.push(`A's board snapshot is of office ${snap.office?.code}`);
    if (snap.counters.some((c) => c.no === 7)) problems.push("A's board snapshot shows B's counter 7");
    if (snap.groups.some((g) => g.code === 'TK')) problems.push("A's board snapshot shows B's group TK");

    // Each centre's counter 1 open by its own clerk (again: a failed cell
    // above may have paused it).
    for (const who of ['b.clerk', 'a.clerk']) {
      const r = await s.as(who, 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } });
      assert.equal(r.status, 200, `${who} opens counter 1: ${r.text}`);
    }
    // B: twenty numbers issued, then called back to back at counter 1.
    const bTickets = new Set([b.served, b.noShow, b.called, b.waiting].map((t) => t.id));
    for (let i = 0; i < 20; i++) {
      const r = await s.as('b-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
      assert.equal(r.status, 201, r.text);
      bTickets.add(r.json.ticket.id);
    }
    const bCalls = [];
    for (let i = 0; i < 20; i++) {
      const r = await s.as('b.clerk', 'POST', '/api/v1/counters/1/call', { body: { finish_current: 'served' } });
      assert.equal(r.status, 200, r.text);
      bCalls.push(r.json.ticket.id);
    }
    // A: one number, called at A's counter 1.
    const mine = await s.as('a-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
    assert.equal(mine.status, 201, mine.text);
    aTickets.add(mine.json.ticket.id);
    const aCall = await s.as('a.clerk', 'POST', '/api/v1/counters/1/call', { body: { finish_current: 'served' } });
    assert.equal(aCall.status, 200, aCall.text);
    assert.equal(aCall.json.ticket.id, mine.json.ticket.id);

    // Events are delivered in order: once A's call is on A's board, any of
    // B's twenty calls before it would have been delivered already.
    const calledIds = (evs) => evs.filter((x) => x.event === 'ticket.called').map((x) => x.json.ticket.id);
    await aBoard.until((e) => calledIds(e).includes(mine.json.ticket.id), 10000);
    await bBoard.until((e) => bCalls.every((id) => calledIds(e).includes(id)), 10000);
    if (calledIds(bBoard.events).includes(mine.json.ticket.id)) problems.push("B's board got A's call");

    const bOffice = s.sql(`SELECT id FROM offices WHERE code = '${CENTRE_B}'`)[0].id;
    const bEvents = new Set(s.sql(`SELECT id FROM events WHERE office_id = ${bOffice}`).map((r) => r.id));
    const leaked = aBoard.events.filter((x) => x.event !== 'snapshot'
      && (bEvents.has(x.id) || bTickets.has(x.json.ticket?.id)));
    if (leaked.length) problems.push(`B's events on A's board: ${leaked.map((x) => `${x.id}:${x.event} ${x.json.ticket?.label ?? ''}`).join(', ')}`);
    // Every delta A's board got is A's own.
    const foreign = aBoard.events.filter((x) => x.event !== 'snapshot' && x.event.startsWith('ticket.')
      && !aTickets.has(x.json.ticket.id));
    if (foreign.length) problems.push(`events on A's board that are not A's: ${foreign.map((x) => `${x.id}:${x.event}`).join(', ')}`);
    assert.deepEqual(problems, []);
  } finally {
    aBoard.close();
    bBoard.close();
  }
});
