// motcua-server simulate: a realistic, reproducible history through the
// server's own operations, which the audit accepts and the indicators read.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, SOURCE, ADMIN_PASSWORD } from './lib/harness.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'motcua-sim-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const fresh = (name) => {
  const db = path.join(dir, name);
  assert.equal(cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` }).status, 0);
  const r = cli(['import', '--db', db, path.join(SOURCE, 'data/demo-bundle.json')]);
  assert.equal(r.status, 0, r.stderr);
  return db;
};
const q = (db, sql) => spawnSync('sqlite3', [db, sql], { encoding: 'utf8' }).stdout.trim();

test('ten days of history: tickets, dossiers in every state, an intact chain', () => {
  const db = fresh('a.db');
  const r = cli(['simulate', '--db', db, '--days', '10', '--seed', '42']);
  assert.equal(r.status, 0, r.stderr);
  const m = r.stdout.match(/simulated (\d+) working days: (\d+) tickets, (\d+) dossiers/);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[1]) >= 5 && Number(m[2]) > 200 && Number(m[3]) > 100, r.stdout);
  assert.equal(Number(q(db, 'SELECT count(*) FROM tickets')), Number(m[2]));
  const statuses = q(db, 'SELECT DISTINCT status FROM dossiers').split('\n');
  for (const s of ['returned', 'result_ready', 'in_process', 'rejected_at_intake']) assert.ok(statuses.includes(s), `no ${s} in ${statuses}`);
  assert.ok(Number(q(db, "SELECT count(*) FROM dossiers WHERE timing = 'late'")) > 0, 'some late files');
  assert.ok(Number(q(db, 'SELECT count(*) FROM dossiers WHERE apology_at IS NOT NULL')) > 0, 'some apologies');
  // Arrivals peak after opening and after lunch.
  const morning = Number(q(db, "SELECT count(*) FROM tickets WHERE time(issued_at + 25200, 'unixepoch') BETWEEN '07:25' AND '08:30'"));
  const late = Number(q(db, "SELECT count(*) FROM tickets WHERE time(issued_at + 25200, 'unixepoch') BETWEEN '09:30' AND '10:35'"));
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
  const satisfied = Number(q(db, "SELECT avg(level IN ('very_satisfied', 'satisfied')) FROM ratings"));
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
  const shape = (db) => q(db, 'SELECT group_concat(label || status || issued_at, ",") FROM (SELECT label, state AS status, issued_at FROM tickets ORDER BY id)');
  assert.equal(shape(a), shape(b));
});

test('bad arguments', () => {
  assert.equal(cli(['simulate', '--db', path.join(dir, 'none.db')]).status, 2);
  assert.equal(cli(['simulate', '--db', path.join(dir, 'a.db'), '--days', '0']).status, 2);
  writeFileSync(path.join(dir, 'empty.json'), '{}');
  const db = path.join(dir, 'e.db');
  cli(['init', '--db', db, '--password', 'long-enough-1']);
  const r = cli(['simulate', '--db', db, '--days', '3']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /office_incomplete/);
});
