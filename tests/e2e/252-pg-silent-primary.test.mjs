// tsan: yes
// A PostgreSQL primary that goes silent: its processes stopped (SIGSTOP),
// so the kernel still answers TCP and no connection breaks, but nothing
// comes back. The server must not wait for it: each request that needs the
// database is answered 503 db_failover with Retry-After within seconds, the
// screens that need no database keep being served, and once the primary
// answers again the same Idempotency-Key issues the ticket once, numbers
// without a gap and the audit chain verifies. Skipped without PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PG_MISSING, PgCluster, auditVerify, officeServer } from './lib/pg-cluster.mjs';

const DB = 'silent';
// A request that needs the database is answered within this long of a
// silent primary: the quiet spell, the probe's connect_timeout, slack for a
// loaded machine; under the 10 s the server gives a waiting request head.
const ANSWER_MS = 8000;
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

let pg;
let s;
let dir;

before(async () => {
  if (PG_MISSING) return;
  dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-pgsilent-'));
  pg = await PgCluster.start();
  s = officeServer(pg, DB, dir);
  await s.start();
}, { timeout: 180000 });

after(async () => {
  try {
    if (pg) pg.thaw();
    if (s) await s.stop();
  } finally {
    if (pg) pg.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

// req() with its time: {status, json, text, headers, ms} or {error, ms}.
async function timed(send) {
  const t0 = Date.now();
  try {
    return { ...(await send()), ms: Date.now() - t0 };
  } catch (e) {
    return { error: e.message, ms: Date.now() - t0 };
  }
}

const ticket = (key) => s.as('kiosk-1', 'POST', '/api/v1/tickets',
  { headers: { 'Idempotency-Key': key }, body: { group: 'TK' }, timeout: 30000 });

// A ticket under key, sent again after each 503's Retry-After (the kiosk's
// way) for up to a minute; the last answer.
async function ticketRetried(key) {
  const until = Date.now() + 60000;
  for (;;) {
    const r = await ticket(key);
    if (r.status !== 503 || Date.now() > until) return r;
    await sleep(Number(r.headers['retry-after']) * 1000);
  }
}

test('a silent primary: 503 within seconds, screens served, nothing lost or doubled once it answers', { skip: PG_MISSING, timeout: 240000 }, async (t) => {
  await s.login('clerk1');
  const first = await ticket('before');
  assert.equal(first.status, 201, `a ticket before the primary goes silent: ${first.text}`);

  const stopped = pg.freeze('primary');
  t.diagnostic(`primary stopped: ${stopped} processes`);
  // Four tickets and two reads at once (more than the server's HTTP
  // workers), then the screens that need no database.
  const dbRequests = [
    ...[1, 2, 3, 4].map((n) => timed(() => ticket(`frozen-${n}`))),
    timed(() => s.as('clerk1', 'GET', '/api/v1/queue', { timeout: 30000 })),
    timed(() => s.as('clerk1', 'GET', '/api/v1/dossiers?limit=5', { timeout: 30000 })),
  ];
  await sleep(300);
  const screens = [
    timed(() => s.req('GET', '/board', { timeout: 30000 })),
    timed(() => s.req('GET', '/favicon.ico', { timeout: 30000 })),
  ];
  const answers = await Promise.all(dbRequests);
  const pages = await Promise.all(screens);
  // And a request after the finding: answered at once, the server known down.
  const later = await timed(() => ticket('frozen-5'));
  t.diagnostic(`while silent: ${JSON.stringify([...answers, ...pages, later].map((a) => `${a.status ?? a.error} ${a.json?.error?.code ?? ''} ${a.ms} ms`))}`);

  for (const a of [...answers, later]) {
    assert.ok(!a.error, `answered, not cut or timed out: ${a.error} after ${a.ms} ms`);
    assert.equal(a.status, 503, `503 while the primary is silent: ${a.status} ${a.text?.slice(0, 200)}`);
    assert.equal(a.json?.error?.code, 'db_failover', a.text);
    assert.ok(Number(a.headers['retry-after']) >= 1, `Retry-After: ${JSON.stringify(a.headers)}`);
    assert.ok(a.ms < ANSWER_MS, `answered within ${ANSWER_MS} ms, not ${a.ms}`);
  }
  for (const p of pages) {
    assert.ok(!p.error, `a screen is served while the database is silent: ${p.error} after ${p.ms} ms`);
    assert.equal(p.status, 200);
    assert.ok(p.ms < ANSWER_MS, `a screen within ${ANSWER_MS} ms, not ${p.ms}`);
  }
  assert.match(s.stderr, /gave no answer for \d+ ms and takes no new connection/, 'the log says why');

  // The primary answers again: the server connects again by itself and the
  // same keys issue their tickets, once each.
  pg.thaw();
  const thawed = Date.now();
  const keys = ['frozen-1', 'frozen-2', 'frozen-3', 'frozen-4', 'frozen-5'];
  const issued = [];
  for (const key of keys) {
    const r = await ticketRetried(key);
    assert.equal(r.status, 201, `ticket ${key} once the primary answers: ${r.status} ${r.text}`);
    issued.push(r.json.ticket);
  }
  t.diagnostic(`every key issued ${Date.now() - thawed} ms after the primary answers again`);
  const again = await ticketRetried('frozen-1');
  assert.equal(again.json?.ticket?.id, issued[0].id, 'a key sent again is answered from its first answer');

  assert.equal(s.running, true, 'the server kept running');
  const rows = pg.rows('primary', DB, 'SELECT id, number FROM tickets ORDER BY number');
  assert.deepEqual(rows.map((r) => Number(r.number)), [1, 2, 3, 4, 5, 6],
    'the ticket before and one per key, numbered without a gap: nothing sent while silent was kept');
  const audit = auditVerify(pg, pg.uriOf(DB), 'primary', DB);
  assert.ok(audit.ok, audit.how);
});
