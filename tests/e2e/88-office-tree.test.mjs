// The office tree's set-up and reading (docs/province.md): the tree listed
// a parent before its children, the public list of centres, set-up lists
// scoped to the caller's office, groups and counters keyed per centre, and
// a bundle refused whole (400, the item named, nothing applied) for each
// way a tree or a hall can be wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';

let s;
before(async () => { s = await startServer({ bundle: PROVINCE_BUNDLE }); });
after(async () => { await s.stop(); s.cleanup(); });

// Every row of the set-up tables and the audit chain, to show that a refused
// bundle changed nothing.
function snapshot() {
  const out = {};
  for (const [t, order] of [['offices', 'id'], ['office_paths', 'ancestor_id, office_id'],
    ['service_groups', 'id'], ['counters', 'id'], ['counter_groups', 'counter_id, group_id'],
    ['users', 'id'], ['devices', 'id'], ['settings', 'key']]) {
    out[t] = s.sql(`SELECT * FROM ${t} ORDER BY ${order}`);
  }
  out.events = s.sql('SELECT count(*) AS n, max(id) AS last FROM events');
  return out;
}

test('GET /api/v1/offices lists the tree, a parent before its children', async () => {
  const r = await s.as('a.clerk', 'GET', '/api/v1/offices?limit=500');
  assert.equal(r.status, 200, r.text);
  const items = r.json.items;
  assert.equal(r.json.total, PROVINCE_BUNDLE.offices.length);
  assert.equal(items.length, PROVINCE_BUNDLE.offices.length);
  assert.equal(items[0].code, 'QT');
  assert.equal(items[0].parent, null);
  const seen = new Set();
  for (const o of items) {
    if (o.parent !== null) assert.ok(seen.has(o.parent), `${o.code} after its parent ${o.parent}`);
    seen.add(o.code);
  }
  // Siblings by sort then name: below the root the department (Sở…), then
  // the communes (UBND xã Khe Sanh before UBND xã Lao Bảo), the partner (Công an…) first.
  const rootChildren = items.filter((o) => o.parent === 'QT').map((o) => o.code);
  assert.deepEqual(rootChildren, ['CA', 'SO-TNMT', 'UB-KS', 'UB-LB']);
  const a = items.find((o) => o.code === CENTRE_A);
  assert.deepEqual(
    { kind: a.kind, parent: a.parent, address: a.address, hours: a.hours, locality: a.locality, depth: a.depth },
    { kind: 'centre', parent: 'UB-KS', address: 'Khe Sanh, Quảng Trị',
      hours: 'Thứ Hai – Thứ Sáu, 7:30–11:30, 13:30–17:00', locality: 'Khe Sanh', depth: 2 });
  assert.equal(items.find((o) => o.code === 'UB-KS').level, 'commune');
  // A page of the same order; a subtree with office=.
  const page = await s.as('admin', 'GET', '/api/v1/offices?offset=2&limit=3');
  assert.deepEqual(page.json.items.map((o) => o.code), items.slice(2, 5).map((o) => o.code));
  const sub = await s.as('admin', 'GET', '/api/v1/offices?office=UB-LB');
  assert.deepEqual(sub.json.items.map((o) => o.code), ['UB-LB', CENTRE_B, 'TP-LB']);
  assert.equal((await s.as('admin', 'GET', '/api/v1/offices?office=NOPE')).status, 404);
  assert.equal((await s.req('GET', '/api/v1/offices')).status, 401);
});

test('GET /api/v1/public/offices lists the centres for citizens, without a login', async () => {
  const r = await s.req('GET', '/api/v1/public/offices');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((o) => o.code), [CENTRE_A, CENTRE_B]);
  assert.equal(r.json.total, 2);
  const { open_now: open, today, ...b } = r.json.items[1];
  assert.equal(typeof open, 'boolean');
  assert.ok(Array.isArray(today.sessions), 'today\'s sessions (docs/calendar.md)');
  assert.deepEqual(b, {
    code: CENTRE_B, name: 'Trung tâm Phục vụ hành chính công xã Lao Bảo', kind: 'centre',
    address: 'Lao Bảo, Quảng Trị', hours: 'Thứ Hai – Thứ Sáu, 7:30–11:30, 13:30–17:00',
    phone: null, parent: 'UB-LB', parent_name: 'UBND xã Lao Bảo',
  });
});

test('set-up lists show each item\'s office and only the caller\'s scope', async () => {
  const codes = (r) => r.json.items.map((i) => `${i.office}/${i.no ?? i.code ?? i.username ?? i.name}`);
  const all = await s.as('admin', 'GET', '/api/v1/counters');
  assert.equal(all.json.total, 6);
  assert.deepEqual(codes(all).sort(), [1, 2, 3].flatMap((n) => [`${CENTRE_A}/${n}`, `${CENTRE_B}/${n}`]).sort());

  const a = await s.as('a.clerk', 'GET', '/api/v1/counters');
  assert.equal(a.status, 200);
  assert.deepEqual(codes(a), [`${CENTRE_A}/1`, `${CENTRE_A}/2`, `${CENTRE_A}/3`]);
  assert.equal(a.json.total, 3);
  const bsup = await s.as('b.centre.sup', 'GET', '/api/v1/service-groups');
  assert.deepEqual(codes(bsup), [`${CENTRE_B}/CT`, `${CENTRE_B}/HT`]);
  const bySup = await s.as('a.sup', 'GET', '/api/v1/counters');
  assert.deepEqual(codes(bySup), [`${CENTRE_A}/1`, `${CENTRE_A}/2`, `${CENTRE_A}/3`]);
  // The commune supervisor's staff: its committee's subtree.
  const users = await s.as('a.sup', 'GET', '/api/v1/users');
  assert.deepEqual(users.json.items.map((u) => u.username).sort(), ['a.clerk', 'a.clerk2', 'a.spec', 'a.sup']);
  assert.equal(users.json.items.find((u) => u.username === 'a.spec').office, 'TP-KS');
  const provUsers = await s.as('prov.sup', 'GET', '/api/v1/users?limit=100');
  assert.equal(provUsers.json.total, PROVINCE_BUNDLE.users.length + 1, 'the province sees every account');

  // office= narrows; another centre's office is not found, as if it did not exist.
  const lb = await s.as('admin', 'GET', `/api/v1/counters?office=${CENTRE_B}`);
  assert.deepEqual(codes(lb), [`${CENTRE_B}/1`, `${CENTRE_B}/2`, `${CENTRE_B}/3`]);
  const devs = await s.as('admin', 'GET', `/api/v1/devices?office=${CENTRE_A}`);
  assert.deepEqual(codes(devs), [`${CENTRE_A}/a-kiosk`, `${CENTRE_A}/a-board`]);
  for (const [who, p] of [['a.clerk', `/api/v1/counters?office=${CENTRE_B}`],
    ['a.sup', '/api/v1/users?office=UB-LB'], ['a.clerk', '/api/v1/counters?office=NOPE']]) {
    const r = await s.as(who, 'GET', p);
    assert.equal(r.status, 404, `${who} ${p}`);
    assert.equal(r.json.error.code, 'office_not_found');
  }
  assert.equal((await s.as('a.clerk', 'GET', '/api/v1/devices')).status, 403, 'devices stay the admin\'s');
});

test('two centres both have counter 1 and prefix A; each is changed on its own', async () => {
  const groups = s.sql("SELECT o.code, g.code AS g, g.prefix FROM service_groups g"
    + " JOIN offices o ON o.id = g.office_id WHERE g.prefix = 'A' ORDER BY o.code");
  assert.deepEqual(groups, [{ code: CENTRE_A, g: 'CT', prefix: 'A' }, { code: CENTRE_B, g: 'CT', prefix: 'A' }]);
  const r = await s.as('admin', 'PATCH', '/api/v1/counters/1', { body: { office: CENTRE_B, name: 'Quầy một Lao Bảo' } });
  assert.equal(r.status, 200, r.text);
  const names = s.sql("SELECT o.code, c.name FROM counters c JOIN offices o ON o.id = c.office_id"
    + ' WHERE c.no = 1 ORDER BY o.code');
  assert.deepEqual(names, [{ code: CENTRE_A, name: 'Quầy 1' }, { code: CENTRE_B, name: 'Quầy một Lao Bảo' }]);
  // A new group with prefix A in a third place is refused only where A is taken.
  const dup = await s.as('admin', 'POST', '/api/v1/service-groups',
    { body: { office: CENTRE_A, code: 'DD', prefix: 'A', name: 'Đất đai' } });
  assert.equal(dup.status, 409, dup.text);
  assert.equal(dup.json.error.code, 'prefix_taken');
});

test('a wrong tree or hall is refused whole, the item named, nothing applied', async () => {
  const ok = { code: 'NEW-OK', name: 'Phòng mới', kind: 'internal', parent: 'UB-KS' };
  const clerk = (username) => ({ username, role: 'counter', full_name: 'Cán bộ mới', password: 'new-clerk-pass-1' });
  const cases = [
    ['office_cycle', /X[12]/, { offices: [ok,
      { code: 'X1', name: 'Một', kind: 'internal', parent: 'X2' },
      { code: 'X2', name: 'Hai', kind: 'internal', parent: 'X1' }] }],
    ['office_parent_not_found', /X3.*NOPE/, { offices: [ok, { code: 'X3', name: 'Ba', kind: 'internal', parent: 'NOPE' }] }],
    ['office_parent_kind', /X4/, { offices: [ok, { code: 'X4', name: 'Bốn', kind: 'centre', parent: 'TP-KS' }] }],
    ['office_second_root', /QT2/, { offices: [ok, { code: 'QT2', name: 'Tỉnh khác', kind: 'province' }] }],
    ['group_not_found', /counter 7.*DD/, {
      offices: [ok],
      service_groups: [{ office: CENTRE_B, code: 'DD', prefix: 'D', name: 'Đất đai' }],
      counters: [{ office: CENTRE_A, no: 7, groups: ['DD'] }],
    }],
    ['office_required', /x\.clerk/, { offices: [ok], users: [clerk('x.clerk')] }],
    ['office_not_found', /x-kiosk.*TT-XX/, { offices: [ok], devices: [{ office: 'TT-XX', kind: 'kiosk', name: 'x-kiosk' }] }],
    ['office_wrong_kind', /counter 8.*UB-KS/, { offices: [ok], counters: [{ office: 'UB-KS', no: 8 }] }],
    ['office_wrong_kind', /y\.clerk.*TP-KS/, { offices: [ok], users: [{ ...clerk('y.clerk'), office: 'TP-KS' }] }],
  ];
  const before = snapshot();
  for (const [code, named, bundle] of cases) {
    const r = await s.as('admin', 'POST', '/api/v1/import', { body: bundle });
    assert.equal(r.status, 400, `${code}: ${r.text}`);
    assert.equal(r.json.error.code, code, r.text);
    assert.match(r.json.error.message_en, named, `${code} names the item`);
    assert.deepEqual(snapshot(), before, `${code}: nothing applied`);
  }
  // The same valid part alone applies.
  const r = await s.as('admin', 'POST', '/api/v1/import', { body: { offices: [ok] } });
  assert.equal(r.status, 200, r.text);
  assert.equal(s.sql("SELECT count(*) AS n FROM office_paths p JOIN offices a ON a.id = p.ancestor_id"
    + " JOIN offices o ON o.id = p.office_id WHERE a.code = 'UB-KS' AND o.code = 'NEW-OK'")[0].n, 1);
});

test('the province\'s public address is a setting of its own, not the single office\'s', async () => {
  const bad = await s.as('admin', 'POST', '/api/v1/import',
    { body: { settings: { public_url: 'javascript:alert(1)' } } });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error.code, 'invalid_setting');
  assert.deepEqual(s.sql("SELECT value FROM settings WHERE key IN ('public_url', 'office')"), []);
  const r = await s.as('admin', 'POST', '/api/v1/import',
    { body: { settings: { public_url: 'https://dichvucong.quangtri.gov.vn' } } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(s.sql("SELECT key, value FROM settings WHERE key IN ('public_url', 'office')"),
    [{ key: 'public_url', value: 'https://dichvucong.quangtri.gov.vn' }]);
});

test('POST /api/v1/offices adds one office of the tree where it belongs', async () => {
  const before = snapshot();
  const bad = await s.as('admin', 'POST', '/api/v1/offices',
    { body: { code: 'PT-X', name: 'Điểm tiếp nhận X', kind: 'point', parent: 'UB-KS' } });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error.code, 'office_parent_kind');
  assert.deepEqual(snapshot(), before);
  assert.equal((await s.as('a.sup', 'POST', '/api/v1/offices',
    { body: { code: 'PT-X', name: 'Điểm tiếp nhận X', kind: 'point', parent: CENTRE_A } })).status, 403);
  const r = await s.as('admin', 'POST', '/api/v1/offices',
    { body: { code: 'PT-X', name: 'Điểm tiếp nhận X', kind: 'point', parent: CENTRE_A, hours: 'Sáng thứ Bảy' } });
  assert.equal(r.status, 201, r.text);
  const sub = await s.as('admin', 'GET', `/api/v1/offices?office=${CENTRE_A}`);
  assert.deepEqual(sub.json.items.map((o) => [o.code, o.parent, o.depth]), [[CENTRE_A, 'UB-KS', 2], ['PT-X', CENTRE_A, 3]]);
  // A reception point's hall: its counter and its clerk, seen by the centre's supervisor.
  const hall = await s.as('admin', 'POST', '/api/v1/import', { body: {
    service_groups: [{ office: 'PT-X', code: 'CT', prefix: 'A', name: 'Chứng thực' }],
    counters: [{ office: 'PT-X', no: 1, groups: ['CT'] }],
  } });
  assert.equal(hall.status, 200, hall.text);
  const seen = await s.as('a.sup', 'GET', `/api/v1/counters?office=${CENTRE_A}`);
  assert.deepEqual(seen.json.items.map((c) => `${c.office}/${c.no}`), [`${CENTRE_A}/1`, `${CENTRE_A}/2`, `${CENTRE_A}/3`, 'PT-X/1']);
  assert.equal((await s.as('b.centre.sup', 'GET', '/api/v1/counters?office=PT-X')).status, 404);
});
