// tsan: yes
// The store under concurrency and faults: a monitoring tool polling the public
// /healthz while clerks issue tickets (this once crashed the server and
// destroyed the file: healthz read the writer connection without its lock),
// and /healthz telling the truth when the database file is broken.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { openSync, writeSync, closeSync, ftruncateSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { startServer, cli, sqliteOnly } from './lib/harness.mjs';

const servers = [];
after(async () => {
  for (const s of servers) { await s.stop(); s.cleanup(); }
});

const HEALTH_CLIENTS = 8;
const HEALTH_EACH = Number(process.env.MOTCUA_HEALTHZ_EACH ?? 2000);

test('healthz polled hard while clerks issue tickets: no crash, nothing lost, file intact', async () => {
  const s = await startServer();
  servers.push(s);
  const writers = ['clerk1', 'clerk2', 'sup', 'kiosk-1'];
  for (const w of writers) if (!s.devices[w]) await s.login(w);

  const acked = [];
  const failures = [];
  let healthDone = false;
  let healthOk = 0;
  let healthBad = 0;

  const issue = async (who) => {
    // Each writer goes on until the pollers are done (bounded by their count).
    while (!healthDone) {
      let r;
      try {
        r = await s.as(who, 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
      } catch (e) { failures.push(`${who}: ${e.message}`); return; }
      if (r.status === 201) acked.push(r.json.ticket.id);
      else { failures.push(`${who}: ${r.status} ${r.text}`); return; }
    }
  };
  const poll = async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < HEALTH_EACH; i++) {
        let r;
        try {
          r = await s.req('GET', '/healthz', { agent });
        } catch (e) { failures.push(`healthz: ${e.message}`); return; }
        if (r.status === 200 && r.json?.status === 'ok') healthOk++;
        else { healthBad++; if (healthBad < 5) failures.push(`healthz: ${r.status} ${r.text}`); }
      }
    } finally { agent.destroy(); }
  };

  const issuing = writers.map(issue);
  await Promise.all(Array.from({ length: HEALTH_CLIENTS }, poll));
  healthDone = true;
  await Promise.all(issuing);

  assert.ok(s.running, `the server died (${s.proc.exitCode ?? s.proc.signalCode}): ${s.stderr.slice(-2000)}`);
  assert.deepEqual(failures, []);
  assert.equal(healthOk, HEALTH_CLIENTS * HEALTH_EACH);
  assert.ok(acked.length > 0, 'no ticket was issued');

  await s.stop();
  assert.equal(s.integrity(), 'ok');
  const ids = new Set(s.sql('SELECT id FROM tickets').map((r) => r.id));
  assert.deepEqual(acked.filter((id) => !ids.has(id)), [], 'acknowledged tickets lost');
  const verify = cli(['audit-verify', '--db', s.db]);
  assert.equal(verify.status, 0, verify.stderr);
});

test('healthz answers 503 when the database file is corrupted, truncated or replaced',
  sqliteOnly('its pages overwritten, the file truncated, replaced'), async () => {
  const s = await startServer();
  servers.push(s);
  const ok = await s.req('GET', '/healthz');
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'ok');
  assert.ok(ok.json.schema >= 1);

  const unavailable = async (code) => {
    const r = await s.req('GET', '/healthz');
    assert.equal(r.status, 503, r.text);
    assert.equal(r.json.status, 'unavailable');
    assert.equal(r.json.error.code, code);
    assert.ok(r.json.error.message && r.json.error.message_en);
    assert.ok(s.running, `the server died (${s.proc.exitCode ?? s.proc.signalCode}): ${s.stderr.slice(-2000)}`);
  };

  // Page 1 overwritten behind the server's back.
  const fd = openSync(s.db, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 0);
  closeSync(fd);
  await unavailable('db_corrupt');
  // Other requests may fail, but never bring the server down.
  await s.req('GET', '/api/v1/public/procedures');
  await unavailable('db_corrupt');

  // Truncated to nothing.
  const fd2 = openSync(s.db, 'r+');
  ftruncateSync(fd2, 0);
  closeSync(fd2);
  await unavailable('db_corrupt');

  // Replaced by another file.
  const other = path.join(s.dir, 'other.db');
  writeFileSync(other, 'not a database');
  renameSync(other, s.db);
  await unavailable('db_replaced');
  assert.ok(s.running);
});
