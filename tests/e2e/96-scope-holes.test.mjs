// Holes in a province's isolation, each closed (docs/province.md): an event
// stream of a principal whose scope has no hall; an import that turns a
// centre with a hall into an office of another kind, or deactivates it; a
// role changed by import into one its office may not have; the office=
// filter of the printing lists; a default printer moved to a centre that
// has one. Each refused bundle is 400 naming the item, and changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, subscribe } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B, centrePrinters } from './lib/province-bundle.mjs';

const NOWHERE = 'ipp://127.0.0.1:9/ipp/print'; // nothing listens: jobs stay queued or fail
let s;
before(async () => {
  s = await startServer({
    bundle: {
      ...PROVINCE_BUNDLE,
      printers: centrePrinters('80mm', ['ks-sanh', NOWHERE], ['lb-sanh', NOWHERE]),
    },
  });
});
after(async () => { await s?.stop(); s?.cleanup(); });

// The set-up rows an import may change, to show a refused one changed nothing.
function setupRows() {
  const out = {};
  for (const t of ['offices', 'office_paths', 'service_groups', 'counters', 'users', 'devices', 'printers']) {
    out[t] = s.sql(`SELECT * FROM ${t} ORDER BY 1, 2`);
  }
  out.events = s.sql('SELECT count(*) AS n FROM events');
  return out;
}

async function refused(bundle, code, named) {
  const before = setupRows();
  const r = await s.as('admin', 'POST', '/api/v1/import', { body: bundle });
  assert.equal(r.status, 400, `${JSON.stringify(bundle)}: ${r.text}`);
  assert.equal(r.json.error.code, code, r.text);
  assert.match(r.json.error.message_en, named, `${code} names the item: ${r.text}`);
  assert.deepEqual(setupRows(), before, `${JSON.stringify(bundle)} changed nothing`);
}

test('a stream replays only its own centre; a principal with no hall in its scope gets 400, not the province', async () => {
  for (const kiosk of ['a-kiosk', 'b-kiosk']) {
    const r = await s.as(kiosk, 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
    assert.equal(r.status, 201, r.text);
  }
  const office = Object.fromEntries(s.sql('SELECT code, id FROM offices').map((o) => [o.code, o.id]));
  const ofEvent = new Map(s.sql('SELECT id, office_id FROM events WHERE stream = 1').map((e) => [e.id, e.office_id]));
  assert.ok([...ofEvent.values()].includes(office[CENTRE_B]), 'B issued a ticket');

  // Specialists of a commune and of a department: no hall is theirs.
  for (const who of ['a.spec', 'b.spec', 'so.spec']) {
    const sub = subscribe(s, await s.login(who), { lastEventId: 0 });
    // Refused, it ends; opened, it sends its snapshot first.
    await Promise.race([sub.ended, sub.until((e) => e.length > 0, 10000).catch(() => {})]);
    sub.close();
    assert.equal(sub.status, 400, `${who}'s stream: ${sub.events.map((e) => `${e.id}:${e.event}`).join(' ')}`);
    assert.equal(sub.events.length, 0, `${who} was sent nothing`);
    const named = await s.as(who, 'GET', `/api/v1/events?office=${CENTRE_B}`);
    assert.equal(named.status, 404, `${who} naming B: ${named.text}`);
    assert.equal(named.json.error.code, 'office_not_found');
  }

  // A's supervisor and clerk replay A's events only.
  for (const who of ['a.sup', 'a.clerk']) {
    const sub = subscribe(s, await s.login(who), { lastEventId: 0 });
    try {
      await sub.until((e) => e.some((x) => x.event === 'snapshot'));
      assert.equal(sub.status, 200);
      const snap = sub.events.find((x) => x.event === 'snapshot').json;
      assert.equal(snap.office.code, CENTRE_A, `${who}'s snapshot is A's`);
      const replayed = sub.events.filter((x) => x.event !== 'snapshot');
      assert.ok(replayed.length >= 1, `${who} replays A's ticket`);
      for (const e of replayed) assert.equal(ofEvent.get(e.id), office[CENTRE_A], `${who} got ${e.id}:${e.event}, not A's`);
    } finally {
      sub.close();
    }
  }
});

test('a centre with a hall or staff keeps a kind that may have them, and stays active', async () => {
  await refused({ offices: [{ code: CENTRE_A, name: 'Phòng A', kind: 'internal', parent: 'UB-KS' }] },
    'office_wrong_kind', new RegExp(CENTRE_A));
  await refused({ offices: [{ code: CENTRE_B, name: 'UBND B', kind: 'authority', level: 'commune', parent: 'QT' }] },
    'office_wrong_kind', new RegExp(CENTRE_B));
  await refused({ offices: [{ code: CENTRE_A, name: 'Trung tâm A', kind: 'centre', parent: 'UB-KS', active: false }] },
    'office_in_use', new RegExp(CENTRE_A));
  // An office with specialists cannot become a partner agency either.
  await refused({ offices: [{ code: 'TP-KS', name: 'Công an', kind: 'partner', parent: 'UB-KS' }] },
    'office_wrong_kind', /TP-KS|a\.spec/);
  // A centre with nothing in it may change.
  let r = await s.as('admin', 'POST', '/api/v1/import', {
    body: { offices: [{ code: 'TT-MOI', name: 'Trung tâm mới', kind: 'centre', parent: 'QT' }] },
  });
  assert.equal(r.status, 200, r.text);
  r = await s.as('admin', 'POST', '/api/v1/import', {
    body: { offices: [{ code: 'TT-MOI', name: 'Trung tâm mới', kind: 'centre', parent: 'QT', active: false }] },
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(s.sql(`SELECT kind, active FROM offices WHERE code = '${CENTRE_A}'`), [{ kind: 'centre', active: 1 }]);
});

test('a role changed by import must fit its office', async () => {
  await refused({ users: [{ username: 'a.spec', role: 'counter' }] }, 'office_wrong_kind', /a\.spec/);
  await refused({ users: [{ username: 'a.sup', role: 'counter' }] }, 'office_wrong_kind', /a\.sup/);
  await refused({ users: [{ username: 'a.clerk', role: 'admin' }] }, 'office_wrong_kind', /a\.clerk/);
  assert.deepEqual(s.sql("SELECT username, role FROM users WHERE username IN ('a.spec','a.sup','a.clerk') ORDER BY username"),
    [{ username: 'a.clerk', role: 'counter' }, { username: 'a.spec', role: 'specialist' }, { username: 'a.sup', role: 'supervisor' }]);
  // A role its office may have is taken.
  const r = await s.as('admin', 'POST', '/api/v1/import', { body: { users: [{ username: 'a.clerk2', role: 'specialist' }] } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(s.sql("SELECT role FROM users WHERE username = 'a.clerk2'"), [{ role: 'specialist' }]);
});

test('office= narrows the printer and print job lists within the scope; another or an unknown office is 404', async () => {
  for (const [who, printer] of [['a.sup', 'ks-sanh'], ['b.sup', 'lb-sanh']]) {
    const r = await s.as(who, 'POST', `/api/v1/printers/${printer}/test`);
    assert.equal(r.status, 202, r.text);
  }
  const names = (r) => r.json.items.map((p) => p.name).sort();
  const jobPrinters = (r) => [...new Set(r.json.items.map((j) => j.printer))].sort();

  let r = await s.as('admin', 'GET', `/api/v1/printers?office=${CENTRE_A}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(names(r), ['ks-sanh']);
  assert.equal(r.json.total, 1);
  r = await s.as('admin', 'GET', '/api/v1/printers?office=UB-LB');
  assert.deepEqual(names(r), ['lb-sanh'], 'an authority names its subtree');
  r = await s.as('admin', 'GET', '/api/v1/printers');
  assert.deepEqual(names(r), ['ks-sanh', 'lb-sanh']);
  r = await s.as('admin', 'GET', `/api/v1/print-jobs?office=${CENTRE_B}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(jobPrinters(r), ['lb-sanh']);
  assert.equal(r.json.total, r.json.items.length);
  r = await s.as('a.sup', 'GET', `/api/v1/print-jobs?office=${CENTRE_A}`);
  assert.deepEqual(jobPrinters(r), ['ks-sanh']);

  for (const [who, path] of [
    ['a.sup', `/api/v1/printers?office=${CENTRE_B}`], ['a.clerk', `/api/v1/printers?office=${CENTRE_B}`],
    ['admin', '/api/v1/printers?office=NOPE'], ['a.sup', `/api/v1/print-jobs?office=${CENTRE_B}`],
    ['a.clerk', '/api/v1/print-jobs?office=UB-LB'], ['admin', '/api/v1/print-jobs?office=NOPE'],
  ]) {
    r = await s.as(who, 'GET', path);
    assert.equal(r.status, 404, `${who} ${path}: ${r.text}`);
    assert.equal(r.json.error.code, 'office_not_found');
  }
});

test('a default printer moved to a centre that has one is refused by name; moved as the default it replaces it', async () => {
  await refused({ printers: [{ name: 'ks-sanh', office: CENTRE_B }] }, 'printer_default_taken', /ks-sanh/);
  const r = await s.as('admin', 'POST', '/api/v1/import', { body: { printers: [{ name: 'ks-sanh', office: CENTRE_B, default: true }] } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(s.sql('SELECT p.name, o.code, p.is_default FROM printers p JOIN offices o ON o.id = p.office_id ORDER BY p.name'),
    [{ name: 'ks-sanh', code: CENTRE_B, is_default: 1 }, { name: 'lb-sanh', code: CENTRE_B, is_default: 0 }]);
});
