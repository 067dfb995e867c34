// A database made by the single-office version (schema 7, commit 1045f42,
// with five days of simulated history: tests/fixtures/README.md) migrates to
// a province with one centre and loses nothing (docs/province.md,
// "Migration from a single-office database").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cli, PASSWORDS, Server, SOURCE, sqlite, tableCounts, sqliteOnly } from './lib/harness.mjs';

const FIXTURE = path.join(SOURCE, 'tests/fixtures/single-office-v7.sql.gz');
const AGENCY = '000.00.19.H47'; // the old office setting's code
Object.assign(PASSWORDS, { motcua1: 'motcua1-demo', chuyenvien1: 'chuyenvien1-demo' });

test('a single-office database of today migrates to a province with one centre',
  sqliteOnly('a schema 7 file (tests/fixtures/single-office-v7.sql.gz) upgraded'), async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-'));
  const db = path.join(dir, 'office.db');
  sqlite(db, gunzipSync(readFileSync(FIXTURE)).toString('utf8'), { json: false });
  assert.equal(sqlite(db, 'PRAGMA user_version')[0].user_version, 7, 'the fixture is schema 7');

  const before = tableCounts(db);
  const oldDossiers = sqlite(db, 'SELECT id, code, status FROM dossiers ORDER BY id');
  const oldTickets = sqlite(db, 'SELECT id, label, service_day, state FROM tickets ORDER BY id');
  assert.ok(oldDossiers.length > 100 && oldTickets.length > 100, 'the fixture has history');

  const s = new Server(dir, db);
  s.extraArgs = ['--test-clock'];
  s.devices = {};
  await s.start();
  t.after(async () => { await s.stop(); s.cleanup(); });

  // Every table keeps its rows; offices gains the root and the centre,
  // settings the first event id of the chain's hash version 2.
  const after = tableCounts(db);
  const gained = { offices: 2, settings: 1 };
  for (const [table, n] of Object.entries(before)) {
    assert.equal(after[table], n + (gained[table] ?? 0), `rows of ${table}`);
  }
  const [centre] = s.sql("SELECT o.id, o.code, o.name, p.kind AS parent_kind FROM offices o"
    + " JOIN offices p ON p.id = o.parent_id WHERE o.kind = 'centre'");
  assert.equal(centre.code, AGENCY, 'the office setting became the centre');
  assert.equal(centre.parent_kind, 'province');
  const pub = await s.req('GET', '/api/v1/public/offices');
  assert.deepEqual(pub.json.items.map(({ code, name, address, phone }) => ({ code, name, address, phone })), [{
    code: AGENCY, name: 'Bộ phận Tiếp nhận và Trả kết quả - UBND huyện Hướng Hóa',
    address: 'Thị trấn Khe Sanh, huyện Hướng Hóa, tỉnh Quảng Trị', phone: '0233 3880 000',
  }], 'the old office is the one centre, with its address and phone');

  // Every old dossier and ticket is there, unchanged, with its centre.
  const dossiers = s.sql('SELECT id, code, status, intake_office_id, return_office_id,'
    + ' authority_id FROM dossiers ORDER BY id');
  assert.deepEqual(dossiers.map(({ id, code, status }) => ({ id, code, status })), oldDossiers);
  for (const d of dossiers) {
    assert.equal(d.intake_office_id, centre.id, `${d.code} received by the centre`);
    assert.equal(d.return_office_id, centre.id, `${d.code} returned at the centre`);
    assert.ok(d.authority_id, `${d.code} has its authority`);
  }
  const tickets = s.sql('SELECT id, label, service_day, state, office_id FROM tickets ORDER BY id');
  assert.deepEqual(tickets.map(({ office_id, ...rest }) => rest), oldTickets);
  assert.ok(tickets.every((k) => k.office_id === centre.id), 'every ticket is the centre\'s');
  for (const table of ['service_groups', 'counters', 'devices', 'printers', 'print_jobs',
    'ratings', 'events']) {
    const [{ n }] = s.sql(`SELECT count(*) AS n FROM ${table} WHERE office_id IS NOT ${centre.id}`);
    assert.equal(n, 0, `every row of ${table} is the centre's`);
  }

  // The old administrator logs in and sees everything.
  const me = await s.as('admin', 'GET', '/api/v1/session');
  assert.equal(me.status, 200);
  const all = await s.as('admin', 'GET', '/api/v1/dossiers?limit=1');
  assert.equal(all.status, 200);
  assert.equal(all.json.total, oldDossiers.length, 'the administrator sees every dossier');
  const code = oldDossiers.at(-1).code;
  assert.equal((await s.as('admin', 'GET', `/api/v1/dossiers/${code}`)).json.code, code);

  // A clerk sees the centre's counters, each with its centre.
  const counters = await s.as('motcua1', 'GET', '/api/v1/counters?limit=100');
  assert.equal(counters.status, 200, counters.text);
  assert.equal(counters.json.total, before.counters);
  assert.ok(counters.json.items.every((c) => c.office === AGENCY), JSON.stringify(counters.json.items[0]));
  const mine = await s.as('motcua1', 'GET', '/api/v1/dossiers?limit=1');
  assert.equal(mine.json.total, oldDossiers.length, 'the clerk sees the centre\'s dossiers');

  // A new dossier on the last day of the history continues its numbering.
  const lastDay = sqlite(db, "SELECT max(day) AS day FROM dossier_numbers")[0].day;
  const [{ last }] = sqlite(db, `SELECT last FROM dossier_numbers WHERE day = '${lastDay}'`);
  const at = Math.floor(Date.parse(`${lastDay}T10:00:00+07:00`) / 1000);
  assert.equal((await s.as('admin', 'PUT', '/api/v1/test/clock', { body: { now: at } })).status, 200);
  s.tokens = {}; // a moved clock ends the sessions: log in again
  const created = await s.as('motcua1', 'POST', '/api/v1/dossiers', {
    body: {
      procedure: '1.001193',
      applicant: { name: 'Hồ Văn Thành', id_number: '045190009876', address: 'Khe Sanh', phone: '0912000111' },
      documents: [{ name: 'Tờ khai đăng ký khai sinh', kind: 'original', count: 1 }],
      sets: 1, outcome: 'received',
    },
  });
  assert.equal(created.status, 201, created.text);
  const yymmdd = lastDay.slice(2).replaceAll('-', '');
  assert.equal(created.json.dossier.code,
    `${AGENCY}-${yymmdd}-${String(last + 1).padStart(4, '0')}`, 'numbering goes on');

  await s.stop();
  const v = cli(['audit-verify', '--db', db]);
  assert.equal(v.status, 0, `audit-verify: ${v.stdout} ${v.stderr}`);
  assert.match(v.stdout, /hash chain intact/);
});
