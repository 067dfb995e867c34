// Who sees and touches a dossier in a province (docs/province.md, "Scopes"):
// a specialist only the dossiers held by its office, a clerk those its centre
// received, holds or returns. Another office's dossier answers 404 exactly as
// an unknown code, and nothing changes. Three leaks of the single-office
// version each have their check: a specialist read the applicant's name, ID
// number, phone and address of a dossier held by any office; ?q=<phone>
// searched every dossier; a specialist requested a supplement on a dossier
// handed to another office's specialist (200).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openCounter } from './lib/harness.mjs';
import { PROVINCE_BUNDLE } from './lib/province-bundle.mjs';

const B_APPLICANT = { name: 'Vỗ Thị Nhàn', id_number: '045166007788', address: 'Khóm Duy Tân, Lao Bảo', phone: '0978111222' };
const A_APPLICANT = { name: 'Trương Văn Quế', id_number: '045155009900', address: 'Khe Sanh', phone: '0978333444' };

let s;
after(async () => { await s?.stop(); s?.cleanup(); });

const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json; };
const intake = async (who, applicant, extra = {}) => ok(await s.as(who, 'POST', '/api/v1/dossiers', {
  body: { procedure: 'P3', applicant, outcome: 'received', confirm_duplicate: true, ...extra } }), 201).dossier;
const act = (who, code, action, extra = {}) => s.as(who, 'POST', `/api/v1/dossiers/${code}/actions`, { body: { action, ...extra } });
// Everything a change could touch, for "nothing changed".
const snapshot = (code) => ({
  dossier: s.sql(`SELECT * FROM dossiers WHERE code = '${code}'`),
  steps: s.sql(`SELECT * FROM dossier_steps WHERE dossier_id = (SELECT id FROM dossiers WHERE code = '${code}') ORDER BY id`),
  events: s.sql(`SELECT count(*) AS n FROM events WHERE entity = 'dossier' AND entity_id = '${code}'`),
  links: s.sql("SELECT count(*) AS n FROM rating_links"),
  jobs: s.sql('SELECT count(*) AS n FROM print_jobs'),
});
const leaks = (text, applicant) => Object.values(applicant).filter((v) => text.includes(v));

// Lao Bảo's dossier, handed over to Lao Bảo's processing office (b.spec).
let bCode;
before(async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE });
  const d = await intake('b.clerk', B_APPLICANT);
  bCode = d.code;
  ok(await act('b.clerk', bCode, 'handover', { to_office: 'TP-LB', to_person: 'b.spec' }));
});

test("a specialist of another office reads nothing of the dossier: 404 as an unknown code", async () => {
  const unknown = await s.as('a.spec', 'GET', '/api/v1/dossiers/TT-LB-260101-9999');
  for (const who of ['a.spec', 'so.spec']) {
    const r = await s.as(who, 'GET', `/api/v1/dossiers/${bCode}`);
    assert.equal(r.status, 404, `${who}: ${r.text}`);
    assert.equal(r.text, unknown.text, 'the same answer as a code that does not exist');
    const sheet = await s.as(who, 'GET', `/api/v1/dossiers/${bCode}/control-sheet`);
    assert.equal(sheet.status, 404);
    const list = await s.as(who, 'GET', '/api/v1/dossiers?limit=100');
    assert.equal(list.status, 200);
    assert.deepEqual(leaks(list.text, B_APPLICANT), [], `${who}'s list shows no personal field of Lao Bảo's dossier`);
  }
  // Its own office's specialist does read it.
  const mine = ok(await s.as('b.spec', 'GET', `/api/v1/dossiers/${bCode}`));
  assert.equal(mine.applicant.phone, B_APPLICANT.phone);
});

test('?q= finds a phone, an ID number or a code only inside the scope', async () => {
  await intake('a.clerk', A_APPLICANT);
  for (const q of [B_APPLICANT.phone, B_APPLICANT.id_number, bCode]) {
    const a = ok(await s.as('a.clerk', 'GET', `/api/v1/dossiers?q=${q}`));
    assert.deepEqual([a.total, a.items.length], [0, 0], `a.clerk searching ${q}`);
    assert.deepEqual(leaks(JSON.stringify(a), B_APPLICANT), []);
    const b = ok(await s.as('b.clerk', 'GET', `/api/v1/dossiers?q=${q}`));
    assert.deepEqual(b.items.map((d) => d.code), [bCode], `b.clerk searching ${q}`);
  }
  const prov = ok(await s.as('prov.sup', 'GET', `/api/v1/dossiers?q=${A_APPLICANT.phone}`));
  assert.equal(prov.total, 1, 'the province sees every centre');
});

test("another office's specialist or clerk: every action is 404 and nothing changes", async () => {
  const actions = [
    ['request_supplement', { items: [{ item: 'Giấy xác nhận tình trạng hôn nhân', reason: 'Thiếu' }] }],
    ['handover', { to_office: 'TP-KS' }],
    ['result_ready', {}],
    ['send_interagency', { partner: 'CA' }],
    ['await_payment', {}],
    ['return_ineligible', { reason: 'Không đủ điều kiện' }],
    ['withdraw', { reason: 'Rút' }],
    ['return_result', { collected_by: B_APPLICANT.name, id_checked: true }],
  ];
  const before = snapshot(bCode);
  for (const who of ['a.spec', 'so.spec', 'a.clerk', 'a.clerk2', 'a.sup']) {
    for (const [action, body] of actions) {
      const r = await act(who, bCode, action, body);
      assert.equal(r.status, 404, `${action} by ${who}: ${r.text}`);
      assert.equal(r.json.error.code, 'dossier_not_found');
    }
    for (const [p, body] of [[`/api/v1/dossiers/${bCode}/print`, { form: 'mau-01' }], [`/api/v1/dossiers/${bCode}/rating-link`, undefined]]) {
      const r = await s.as(who, 'POST', p, { body });
      assert.ok([403, 404].includes(r.status), `${p} by ${who}: ${r.status} ${r.text}`);
    }
  }
  assert.deepEqual(snapshot(bCode), before, 'the dossier, its steps, its events, links and print jobs are as they were');
  // The one who holds it may.
  const sup = ok(await act('b.spec', bCode, 'request_supplement', { items: [{ item: 'Giấy xác nhận tình trạng hôn nhân', reason: 'Thiếu' }] }));
  assert.equal(sup.dossier.status, 'supplement_requested');
  ok(await act('b.clerk', bCode, 'supplement_received'));
});

test('a hand-over to another office takes the dossier out of the giver\'s scope; a partner keeps it with the sender', async () => {
  const d = await intake('b.clerk', { ...B_APPLICANT, id_number: '045166007789' });
  ok(await act('b.clerk', d.code, 'handover', { to_office: 'TP-LB' }));
  // At a partner agency it stays with the office that sent it.
  ok(await act('b.spec', d.code, 'send_interagency', { partner: 'CA' }));
  ok(await s.as('b.spec', 'GET', `/api/v1/dossiers/${d.code}`));
  assert.equal((await s.as('a.spec', 'GET', `/api/v1/dossiers/${d.code}`)).status, 404);
  ok(await act('b.spec', d.code, 'partner_returned'));
  // Handed to the department's land office: the department sees it, Lao Bảo's specialist no more.
  const moved = ok(await act('b.spec', d.code, 'handover', { to_office: 'SO-TNMT-DD' }));
  assert.equal(moved.dossier.holder.office, 'SO-TNMT-DD');
  assert.equal((await s.as('b.spec', 'GET', `/api/v1/dossiers/${d.code}`)).status, 404);
  ok(await s.as('so.spec', 'GET', `/api/v1/dossiers/${d.code}`));
  // The centre that received it still follows it.
  ok(await s.as('b.clerk', 'GET', `/api/v1/dossiers/${d.code}`));
  ok(await s.as('b.centre.sup', 'GET', `/api/v1/dossiers/${d.code}`));
});

test("a queue visit's rating link is its centre's, and so is the rating", async () => {
  await openCounter(s, 'b.clerk', 1);
  const t = ok(await s.as('b-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } }), 201).ticket;
  ok(await s.as('b.clerk', 'POST', '/api/v1/counters/1/call'));
  ok(await s.as('b.clerk', 'POST', '/api/v1/counters/1/finish'));
  const links = s.sql('SELECT count(*) AS n FROM rating_links')[0].n;
  for (const who of ['a.clerk', 'a.sup']) {
    const r = await s.as(who, 'POST', `/api/v1/tickets/${t.id}/rating-link`);
    assert.equal(r.status, 404, `${who}: ${r.text}`);
    assert.equal(r.json.error.code, 'ticket_not_found');
  }
  assert.equal(s.sql('SELECT count(*) AS n FROM rating_links')[0].n, links, 'no link made');
  const { token } = ok(await s.as('b.clerk', 'POST', `/api/v1/tickets/${t.id}/rating-link`), 201);
  ok(await s.req('POST', '/api/v1/public/ratings', { body: { token, level: 'satisfied' } }), 201);
  const [r] = s.sql(`SELECT o.code FROM ratings r JOIN offices o ON o.id = r.office_id WHERE r.subject = 'ticket:${t.id}'`);
  assert.equal(r.code, 'TT-LB');
});

test('every order of the list keeps the scope, the province sees all', async () => {
  const all = ok(await s.as('prov.sup', 'GET', '/api/v1/dossiers?limit=100')).items.map((d) => d.code).sort();
  const mine = ok(await s.as('b.clerk', 'GET', '/api/v1/dossiers?limit=100')).items.map((d) => d.code).sort();
  assert.ok(mine.length >= 2 && all.length > mine.length, `${mine.length} of ${all.length}`);
  for (const sort of ['newest', 'due', 'overdue']) {
    const prov = ok(await s.as('prov.sup', 'GET', `/api/v1/dossiers?limit=100&sort=${sort}`));
    assert.deepEqual(prov.items.map((d) => d.code).sort(), all, `province, sort=${sort}`);
    const b = ok(await s.as('b.clerk', 'GET', `/api/v1/dossiers?limit=100&sort=${sort}`));
    assert.deepEqual(b.items.map((d) => d.code).sort(), mine, `b.clerk, sort=${sort}`);
  }
});
