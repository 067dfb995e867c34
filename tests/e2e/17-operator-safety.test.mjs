// tsan: yes
// What an operator does beside a running server must not cost the office its
// day: a monitoring tool polling /healthz while someone runs audit-verify, a
// backup or the sqlite3 shell on the live file; a second `serve` started on
// the same file by mistake; other local users on the machine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { BIN, startServer, cli, sqliteOnly } from './lib/harness.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s?.stop(); s?.cleanup(); });

const ticket = async () => {
  const r = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
  assert.equal(r.status, 201, r.text);
  return r.json.ticket.id;
};

test('healthz, then operator commands on the live file: every acknowledged ticket survives kill -9',
  sqliteOnly('the sqlite3 shell, a backup and the WAL beside the live file'), async () => {
  const acked = [await ticket()];
  // healthz used to open() and close() the database file itself, which drops
  // every POSIX lock the server holds on it; the next process to close the
  // database then took itself for the last user and deleted the live WAL.
  const h = await s.req('GET', '/healthz');
  assert.equal(h.status, 200, h.text);
  assert.equal(cli(['audit-verify', '--db', s.db]).status, 0);
  const sq = spawnSync('sqlite3', [s.db, 'PRAGMA integrity_check'], { encoding: 'utf8' });
  assert.equal(sq.stdout.trim(), 'ok', sq.stderr);
  const gz = path.join(s.dir, 'live.db.gz');
  assert.equal(cli(['backup', '--db', s.db, gz]).status, 0);
  assert.ok(existsSync(`${s.db}-wal`), 'the live WAL is still on disk');
  acked.push(await ticket(), await ticket());
  assert.equal((await s.req('GET', '/healthz')).status, 200);
  await s.kill9();
  await s.start();
  const ids = new Set(s.sql('SELECT id FROM tickets').map((r) => r.id));
  assert.deepEqual(acked.filter((id) => !ids.has(id)), [], 'acknowledged tickets lost');
  assert.equal(s.integrity(), 'ok');
  const verify = cli(['audit-verify', '--db', s.db]);
  assert.equal(verify.status, 0, verify.stderr);
});

test('a second server on the same file is refused and the first goes on',
  sqliteOnly('its lock beside the file; two servers on one PostgreSQL database are allowed (e2e 251)'), async () => {
  const second = spawn(BIN, ['serve', '--db', s.db, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  second.stderr.on('data', (d) => { stderr += d; });
  const timer = setTimeout(() => second.kill('SIGKILL'), 20000);
  const code = await new Promise((resolve) => second.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  assert.equal(code, 1, `the second serve exits at once with status 1: ${stderr}`);
  assert.match(stderr, /db_in_use|another motcua-server/);
  await ticket();
  assert.equal((await s.req('GET', '/healthz')).status, 200);
});

test('the database, its WAL and backups are for the server user only',
  sqliteOnly('the modes of the file, its WAL and its backup'), async () => {
  const gz = path.join(s.dir, 'private.db.gz');
  assert.equal(cli(['backup', '--db', s.db, gz]).status, 0);
  for (const f of [s.db, `${s.db}-wal`, `${s.db}-shm`, gz]) {
    const mode = statSync(f).mode & 0o777;
    assert.equal(mode & 0o077, 0, `${path.basename(f)} is ${mode.toString(8)}`);
  }
});
