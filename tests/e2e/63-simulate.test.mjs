// motcua-server simulate: a realistic, reproducible history through the
// server's own operations, which the audit accepts and the indicators read,
// at every centre of the demo province (data/demo-bundle.json), and still
// for a province of one centre (tests/fixtures/demo-office-bundle.json).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, SOURCE, ADMIN_PASSWORD, newDb, ON_POSTGRES, sqlite } from './lib/harness.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'motcua-sim-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const fresh = (name, bundle = 'data/demo-bundle.json') => {
  const db = newDb(dir, name);
  assert.equal(cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` }).status, 0);
  const r = cli(['import', '--db', db, path.join(SOURCE, bundle)]);
  assert.equal(r.status, 0, r.stderr);
  return db;
};
// The first column of sql's rows on db, one a line (as the sqlite3 shell prints it).
const q = (db, sql) => sqlite(db, sql).map((r) => Object.values(r)[0]).join('\n');

test('ten days of history at every centre: tickets, dossiers in every state, an intact chain', () => {
  const db = fresh('a.db');
  const r = cli(['simulate', '--db', db, '--days', '10', '--seed', '42']);
  assert.equal(r.status, 0, r.stderr);
  const m = r.stdout.match(/simulated (\d+) working days: (\d+) tickets, (\d+) dossiers/);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[1]) >= 5 && Number(m[2]) > 200 && Number(m[3]) > 100, r.stdout);
  assert.equal(Number(q(db, 'SELECT count(*) FROM tickets')), Number(m[2]));
  // Every centre of the province plays its day: its own numbers, its own
  // dossiers (each with its agency code), some for another unit's authority.
  const centres = q(db, "SELECT code FROM offices WHERE kind = 'centre' ORDER BY code").split('\n');
  assert.equal(centres.length, 5, centres.join());
  assert.match(r.stdout, /at 5 centres, (\d+) dossiers received for another unit/);
  for (const c of centres) {
    const id = `(SELECT id FROM offices WHERE code = '${c}')`;
    assert.ok(Number(q(db, `SELECT count(*) FROM tickets WHERE office_id = ${id}`)) > 20, `tickets at ${c}`);
    assert.ok(Number(q(db, `SELECT count(*) FROM dossiers WHERE intake_office_id = ${id} AND code LIKE '${c}-%'`)) > 10, `dossiers received at ${c}`);
    assert.equal(Number(q(db, `SELECT count(*) FROM dossiers WHERE intake_office_id = ${id} AND code NOT LIKE '${c}-%'`)), 0, `${c}'s codes`);
  }
  const other = Number(r.stdout.match(/(\d+) dossiers received for another unit/)[1]);
  assert.ok(other > 10, r.stdout);
  // The commune's centre received a dossier another commune or a department
  // is competent for: it went to that authority's office, and the citizen
  // collected some at the centre chosen at intake.
  const crossed = Number(q(db, `SELECT count(*) FROM dossiers d JOIN offices i ON i.id = d.intake_office_id
    WHERE i.parent_id IS DISTINCT FROM d.authority_id`));
  assert.equal(crossed, other, 'the report counts the dossiers whose authority is not the receiving centre\'s');
  assert.ok(Number(q(db, `SELECT count(*) FROM dossiers d JOIN dossier_steps s ON s.dossier_id = d.id
    JOIN offices o ON o.code = s.office JOIN office_paths p ON p.office_id = o.id AND p.ancestor_id = d.authority_id
    JOIN offices i ON i.id = d.intake_office_id WHERE i.parent_id IS DISTINCT FROM d.authority_id`)) > 0, 'handed over to the other authority');
  assert.ok(Number(q(db, `SELECT count(*) FROM dossiers WHERE status = 'returned' AND return_office_id <> intake_office_id`)) > 0,
    'some results returned at another centre than the one that received them');
  const statuses = q(db, 'SELECT DISTINCT status FROM dossiers').split('\n');
  for (const s of ['returned', 'result_ready', 'in_process', 'rejected_at_intake']) assert.ok(statuses.includes(s), `no ${s} in ${statuses}`);
  assert.ok(Number(q(db, "SELECT count(*) FROM dossiers WHERE timing = 'late'")) > 0, 'some late files');
  assert.ok(Number(q(db, 'SELECT count(*) FROM dossiers WHERE apology_at IS NOT NULL')) > 0, 'some apologies');
  // Arrivals peak after opening and after lunch (office time, UTC+7).
  const between = (from, to) => `SELECT count(*) FROM tickets WHERE (issued_at + 25200) % 86400 BETWEEN ${from} AND ${to}`;
  const hm = (h, m) => h * 3600 + m * 60;
  const morning = Number(q(db, between(hm(7, 25), hm(8, 30))));
  const late = Number(q(db, between(hm(9, 30), hm(10, 35))));
  assert.ok(morning > 2 * late, `morning ${morning} vs mid-morning ${late}`);
  // Citizens rate about a third of the returned dossiers and served visits,
  // mostly satisfied: the satisfaction section of a demo is not empty.
  const rated = Number(r.stdout.match(/(\d+) ratings/)?.[1]);
  assert.equal(Number(q(db, 'SELECT count(*) FROM ratings')), rated);
  const share = (kind, done) => Number(q(db, `SELECT count(*) FROM ratings WHERE kind = '${kind}'`)) / Number(q(db, done));
  const dossierShare = share('dossier', "SELECT count(*) FROM dossiers WHERE status = 'returned'");
  const ticketShare = share('ticket', "SELECT count(*) FROM tickets WHERE state = 'done'");
  assert.ok(dossierShare > 0.2 && dossierShare < 0.5, `returned dossiers rated: ${dossierShare}`);
  assert.ok(ticketShare > 0.2 && ticketShare < 0.5, `served tickets rated: ${ticketShare}`);
  const satisfied = Number(q(db, "SELECT avg(CASE WHEN level IN ('very_satisfied', 'satisfied') THEN 1.0 ELSE 0 END) FROM ratings"));
  assert.ok(satisfied > 0.6 && satisfied < 0.98, `satisfied share ${satisfied}`);
  assert.ok(Number(q(db, "SELECT count(*) FROM ratings WHERE level = 'not_satisfied'")) > 0, 'a few unhappy');
  const v = cli(['audit-verify', '--db', db]);
  assert.equal(v.status, 0, v.stderr);
});

test('the same seed plays the same history', () => {
  const a = fresh('b.db');
  const b = fresh('c.db');
  const ra = cli(['simulate', '--db', a, '--days', '5', '--seed', '7']);
  const rb = cli(['simulate', '--db', b, '--days', '5', '--seed', '7']);
  assert.equal(ra.stdout, rb.stdout);
  const shape = (db) => sqlite(db, 'SELECT label, state, issued_at FROM tickets ORDER BY id');
  assert.deepEqual(shape(a), shape(b));
});

test('a province of one centre still plays its day', () => {
  const db = fresh('one.db', 'tests/fixtures/demo-office-bundle.json');
  const r = cli(['simulate', '--db', db, '--days', '5', '--seed', '3']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /at 1 centre, 0 dossiers received for another unit/);
  assert.ok(Number(q(db, 'SELECT count(*) FROM tickets')) > 50);
  assert.ok(Number(q(db, "SELECT count(*) FROM dossiers WHERE status = 'returned'")) > 0);
});

test('bad arguments', () => {
  // A database that does not exist: a usage error for a file (2), a failed
  // connection on PostgreSQL (1, as for serve: e2e 08).
  const none = cli(['simulate', '--db', newDb(dir, 'none.db', { create: false })]);
  assert.equal(none.status, ON_POSTGRES ? 1 : 2, none.stderr);
  assert.match(none.stderr, /does not exist/);
  assert.equal(cli(['simulate', '--db', newDb(dir, 'zero.db', { create: false }), '--days', '0']).status, 2);
  writeFileSync(path.join(dir, 'empty.json'), '{}');
  const db = newDb(dir, 'e.db');
  cli(['init', '--db', db, '--password', 'long-enough-1']);
  const r = cli(['simulate', '--db', db, '--days', '3']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /office_incomplete/);
});
