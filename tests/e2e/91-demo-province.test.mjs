// The demo province (data/demo-bundle.json) as a newcomer gets it: Quảng
// Trị's provincial centre and four commune centres, each with its hall,
// staff of every role and devices, marked demo data; the catalogue's 42
// procedures with their level (a province procedure names a department's
// office, a commune one is decided at intake). init + import + simulate on
// a fresh database plays every centre: each has tickets and dossiers under
// its own agency code, some dossiers are received for another commune's or
// a department's authority (boundary-free), handed over there and returned
// at the centre the citizen chose; the audit chain verifies. (scripts/demo's
// printed kiosk and board addresses of every centre: 26-demo-script.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, SOURCE, ADMIN_PASSWORD, newDb } from './lib/harness.mjs';
import { runSql } from './lib/pg.mjs';

const BUNDLE = JSON.parse(readFileSync(path.join(SOURCE, 'data/demo-bundle.json'), 'utf8'));
const dir = mkdtempSync(path.join(tmpdir(), 'motcua-demo-province-'));
const db = newDb(dir, 'demo.db');
let simulated = '';
after(() => rmSync(dir, { recursive: true, force: true }));

const q = (sql) => runSql(db, sql, { readonly: true });
const one = (sql) => Object.values(q(sql)[0] ?? {})[0];

before(() => {
  let r = cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
  r = cli(['import', '--db', db, path.join(SOURCE, 'data/demo-bundle.json')]);
  assert.equal(r.status, 0, r.stderr);
  r = cli(['simulate', '--db', db, '--days', '12', '--seed', '2025']);
  assert.equal(r.status, 0, r.stderr);
  simulated = r.stdout;
});

const byCode = Object.fromEntries(BUNDLE.offices.map((o) => [o.code, o]));
// The authority an office belongs to (itself or the nearest above).
const authorityOf = (code) => {
  for (let o = byCode[code]; o; o = byCode[o.parent]) if (o.kind === 'authority') return o;
  return null;
};
const centres = BUNDLE.offices.filter((o) => o.kind === 'centre');

test('the province of 2025: a provincial centre and commune centres, each with its hall, staff and devices', () => {
  const root = BUNDLE.offices.filter((o) => o.kind === 'province');
  assert.equal(root.length, 1);
  assert.equal(root[0].name, 'Tỉnh Quảng Trị');
  assert.ok(centres.length >= 4, 'the provincial centre and three or four commune centres');
  const provincial = centres.filter((c) => byCode[c.parent].kind === 'province');
  assert.equal(provincial.length, 1);
  assert.match(provincial[0].locality, /Đồng Hới/);
  for (const name of ['Khe Sanh', 'Lao Bảo', 'Hướng Phùng', 'Tân Lập']) {
    const c = centres.find((x) => x.name.endsWith(`xã ${name}`));
    assert.ok(c, `the centre of ${name}`);
    const auth = byCode[c.parent];
    assert.equal(auth.kind, 'authority');
    assert.equal(auth.level, 'commune');
    assert.equal(auth.name, `UBND xã ${name}`);
    assert.ok(BUNDLE.offices.some((o) => o.kind === 'internal' && o.parent === auth.code), `${name}'s processing offices`);
  }
  const departments = BUNDLE.offices.filter((o) => o.kind === 'authority' && o.level === 'province');
  assert.ok(departments.length >= 2, 'provincial departments');
  for (const d of departments) {
    assert.match(d.name, /^Sở /);
    assert.ok(BUNDLE.offices.some((o) => o.kind === 'internal' && o.parent === d.code), `${d.name}'s processing office`);
  }
  assert.ok(BUNDLE.offices.some((o) => o.kind === 'partner'), 'partners');
  for (const c of centres) {
    const mine = (list) => BUNDLE[list].filter((x) => x.office === c.code);
    assert.ok(c.address && c.hours && c.phone, `${c.code}: address, hours, phone`);
    assert.ok(mine('service_groups').length >= 3, `${c.code}: groups`);
    assert.ok(mine('counters').length >= 3, `${c.code}: counters`);
    assert.deepEqual(mine('devices').map((d) => d.kind).sort(), ['display', 'kiosk'], `${c.code}: a kiosk and a board`);
    assert.equal(mine('printers').length, 1, `${c.code}: a printer`);
    assert.ok(mine('users').filter((u) => u.role === 'counter').length >= mine('counters').length, `${c.code}: a clerk a counter`);
    // The centre's commune (or the province) has a supervisor and specialists.
    const auth = authorityOf(c.code);
    const below = (u) => { for (let o = byCode[u.office]; o; o = byCode[o.parent]) if (o.code === (auth?.code ?? c.code)) return true; return false; };
    assert.ok(BUNDLE.users.some((u) => u.role === 'supervisor' && below(u)), `${c.code}: a supervisor`);
    // Someone approves each centre's feedback answers and reads its anonymous box.
    const heads = q(`SELECT u.username FROM users u JOIN office_paths p ON p.ancestor_id = u.office_id
      JOIN offices o ON o.id = p.office_id WHERE u.head = 1 AND u.active = 1 AND o.code = '${c.code}'`);
    assert.ok(heads.length > 0, `${c.code}: an office head`);
    if (auth) assert.ok(BUNDLE.users.some((u) => u.role === 'specialist' && below(u)), `${c.code}: specialists`);
  }
  assert.ok(BUNDLE.users.some((u) => u.role === 'supervisor' && byCode[u.office]?.kind === 'province'), 'a province supervisor');
  // Full Vietnamese names; everything that cannot be checked says so.
  for (const u of BUNDLE.users) assert.ok(u.full_name.trim().split(/\s+/).length >= 3, `${u.username}: ${u.full_name}`);
  for (const x of [...BUNDLE.offices, ...BUNDLE.users]) assert.equal(x.demo, true, `${x.code ?? x.username} is marked demo data`);
  assert.match(BUNDLE.comment, /^DEMO DATA/);
});

test('the 42 procedures: province ones name a department\'s office, commune ones are decided at intake', () => {
  assert.equal(BUNDLE.procedures.length, 42);
  assert.equal(new Set(BUNDLE.procedures.map((p) => p.code)).size, 42);
  for (const p of BUNDLE.procedures) {
    assert.ok(['commune', 'province'].includes(p.level), `${p.code}: ${p.level}`);
    if (p.level === 'province') {
      const auth = authorityOf(p.office);
      assert.equal(auth?.level, 'province', `${p.code} names a department's office (${p.office})`);
    } else {
      assert.equal(p.office, undefined, `${p.code}: the commune is chosen at intake`);
    }
    for (const s of p.steps ?? []) assert.ok(byCode[s.office], `${p.code}: step office ${s.office}`);
  }
  // The catalogue speaks of this province only.
  const text = JSON.stringify(BUNDLE.procedures);
  for (const other of ['Yên Bái', 'Hà Nội', 'Hồ Chí Minh', 'Đà Nẵng', 'Thừa Thiên Huế', 'Nghệ An', 'Quảng Nam']) {
    assert.ok(!text.includes(other), `${other} in the catalogue`);
  }
});

test('simulate plays every centre: tickets and dossiers under each centre\'s own code', () => {
  assert.match(simulated, new RegExp(`at ${centres.length} centres`), simulated);
  for (const c of centres) {
    const id = `(SELECT id FROM offices WHERE code = '${c.code}')`;
    assert.ok(one(`SELECT count(*) FROM tickets WHERE office_id = ${id}`) > 30, `tickets at ${c.code}`);
    // The same counter number and group prefix at several centres, each
    // with its own calls.
    assert.ok(one(`SELECT count(*) FROM tickets t JOIN counters k ON k.id = t.counter_id WHERE t.office_id = ${id} AND k.no = 1 AND k.office_id = ${id}`) > 0,
      `${c.code}'s counter 1 called its own numbers`);
    assert.equal(one(`SELECT count(*) FROM tickets t JOIN counters k ON k.id = t.counter_id WHERE t.office_id = ${id} AND k.office_id <> ${id}`), 0,
      `no counter of another centre called ${c.code}'s numbers`);
    assert.ok(one(`SELECT count(*) FROM dossiers WHERE intake_office_id = ${id}`) > 10, `dossiers received at ${c.code}`);
    assert.equal(one(`SELECT count(*) FROM dossiers WHERE intake_office_id = ${id} AND code NOT LIKE '${c.code}-%'`), 0, `${c.code}'s agency code`);
  }
  assert.ok(one("SELECT count(*) FROM dossiers WHERE status = 'returned'") > 0);
});

test('boundary-free: dossiers received at one centre for another commune or a department, handed over, returned where chosen', () => {
  // Received at a commune's centre, competent: another commune.
  const crossCommune = q(`SELECT d.code, i.code AS intake, a.code AS authority FROM dossiers d
    JOIN offices i ON i.id = d.intake_office_id JOIN offices a ON a.id = d.authority_id
    WHERE a.kind = 'authority' AND a.level = 'commune' AND i.parent_id <> a.id`);
  assert.ok(crossCommune.length > 0, 'a dossier received in one commune for another');
  for (const d of crossCommune.slice(0, 20)) assert.notEqual(authorityOf(d.intake)?.code, d.authority, d.code);
  // For a department, received at a commune's centre.
  assert.ok(one(`SELECT count(*) FROM dossiers d JOIN offices i ON i.id = d.intake_office_id
    JOIN offices a ON a.id = d.authority_id JOIN offices ip ON ip.id = i.parent_id
    WHERE a.level = 'province' AND ip.kind = 'authority'`) > 0, 'a department\'s dossier received at a commune centre');
  // The control sheet hands it to the competent authority's office.
  assert.ok(one(`SELECT count(DISTINCT d.id) FROM dossiers d JOIN offices i ON i.id = d.intake_office_id
    JOIN dossier_steps s ON s.dossier_id = d.id JOIN offices o ON o.code = s.office
    JOIN office_paths p ON p.office_id = o.id AND p.ancestor_id = d.authority_id
    WHERE i.parent_id IS DISTINCT FROM d.authority_id`) > 0, 'handed over to the other authority\'s office');
  // Collected where the citizen chose: some at the authority's own centre.
  assert.ok(one(`SELECT count(*) FROM dossiers d JOIN offices r ON r.id = d.return_office_id
    WHERE d.status = 'returned' AND d.return_office_id <> d.intake_office_id AND r.parent_id = d.authority_id`) > 0,
    'a result returned at the competent commune\'s centre');
});

test('the audit chain of the whole province verifies', () => {
  const r = cli(['audit-verify', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
});
