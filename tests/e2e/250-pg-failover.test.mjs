// PostgreSQL failover under load: a primary and a synchronous standby
// (tests/pg/cluster start DIR --standby), one `serve` on a URI naming both
// hosts (target_session_attrs=read-write). Four clients issue tickets (and
// receive dossiers) with an Idempotency-Key each, retrying on 503 (after its
// Retry-After) and on connection errors with the same key. Mid-way the
// primary's postmaster is killed (kill -9) and the standby promoted; the
// server reconnects by itself. Afterwards, on the new primary: every answer
// 2xx is in the database, numbers per group and day are 1..N, no key did its
// work twice, and the audit chain verifies. Skipped without PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PG_MISSING, PgCluster, auditVerify, officeServer, pgErrors } from './lib/pg-cluster.mjs';

const DB = 'failover';
const CLIENTS = ['kiosk-1', 'clerk1', 'clerk2', 'sup'];
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

let pg;
let s;
let dir;
const outage = {}; // the figures of the run, for the report

before(async () => {
  if (PG_MISSING) return;
  dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-pgfo-'));
  pg = await PgCluster.start({ standby: true });
  s = officeServer(pg, DB, dir);
  s.extraArgs = ['--idempotency-key-file', path.join(dir, 'idem-key')];
  await s.start();
}, { timeout: 180000 });

after(async () => {
  try {
    if (s) await s.stop();
  } finally {
    if (pg) pg.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

// One operation under its key: sent again with the same key after a 503
// (waiting its Retry-After) or a connection error, until another answer.
async function withRetries(send, stats) {
  const t0 = Date.now();
  for (;;) {
    const sent = Date.now();
    let r;
    try {
      r = await send();
    } catch (e) {
      stats.connErrors++;
      stats.failures.push(Date.now());
      if (Date.now() - t0 > 120000) throw e;
      await sleep(250);
      continue;
    }
    if (r.status === 503) {
      stats.unavailable++;
      stats.failures.push(Date.now());
      const retryAfter = Number(r.headers['retry-after']);
      assert.ok(retryAfter >= 1, `a 503 says when to retry: ${JSON.stringify(r.headers)} ${r.text}`);
      stats.codes[r.json?.error?.code] = (stats.codes[r.json?.error?.code] ?? 0) + 1;
      if (Date.now() - t0 > 120000) throw new Error(`still 503 after 2 minutes: ${r.text}`);
      await sleep(retryAfter * 1000);
      continue;
    }
    return { ...r, sent };
  }
}

const applicant = (n) => ({
  name: `Nguyễn Văn Thử ${n}`, id_number: `0451${String(n).padStart(8, '0')}`,
  address: 'Khối 2, thị trấn Khe Sanh', phone: '0912345678',
});

test('a failover under load: nothing acknowledged is lost, nothing is done twice', { skip: PG_MISSING, timeout: 300000 }, async (t) => {
  for (const who of CLIENTS) if (!s.devices[who]) await s.login(who);
  // Tickets must work on PostgreSQL for this test to mean anything.
  const ticket = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { headers: { 'Idempotency-Key': 'probe-ticket' }, body: { group: 'TK' } });
  assert.equal(ticket.status, 201, `POST /api/v1/tickets fails on PostgreSQL: ${ticket.text}\n${pgErrors(s.stderr)}`);
  // And intake: the clients receive dossiers as well.
  const probe = await s.as('clerk1', 'POST', '/api/v1/dossiers', {
    headers: { 'Idempotency-Key': 'probe-intake' },
    body: { procedure: 'P3', applicant: applicant(0), outcome: 'received', confirm_duplicate: true },
  });
  assert.equal(probe.status, 201, `POST /api/v1/dossiers fails on PostgreSQL: ${probe.text.slice(0, 300)}\n${pgErrors(s.stderr)}`);

  const stats = { unavailable: 0, connErrors: 0, failures: [], codes: {} };
  const ops = []; // {key, kind, who, status, json, sent, at}
  let killedAt = null;
  let promotedAt = null;
  let stop = false;
  const okAfterPromotion = new Map(CLIENTS.map((c) => [c, 0]));

  const client = async (who, i) => {
    for (let n = 0; !stop; n++) {
      const intake = who !== 'kiosk-1' && n % 3 === 2;
      const key = `fo-${i}-${n}`;
      const body = intake
        ? { procedure: 'P3', applicant: applicant(i * 10000 + n), outcome: 'received', confirm_duplicate: true }
        : { group: n % 2 ? 'HT' : 'CT' };
      const url = intake ? '/api/v1/dossiers' : '/api/v1/tickets';
      const r = await withRetries(() => s.as(who, 'POST', url, { headers: { 'Idempotency-Key': key }, body, timeout: 20000 }), stats);
      ops.push({ key, kind: intake ? 'intake' : 'ticket', who, status: r.status, json: r.json, text: r.text, sent: r.sent, at: Date.now() });
      if (r.status > 299) await sleep(100); // a refusal: the check below reports it
      if (promotedAt && r.sent > promotedAt && r.status >= 200 && r.status < 300) okAfterPromotion.set(who, okAfterPromotion.get(who) + 1);
    }
  };
  const running = CLIENTS.map(client);

  // Some load first, then the primary dies; the standby is promoted a
  // second later (a failover manager's detection), while clients retry.
  const deadline = Date.now() + 60000;
  while (ops.filter((o) => o.status < 300).length < 60 && Date.now() < deadline) await sleep(50);
  const before = ops.length;
  killedAt = Date.now();
  pg.killPrimary();
  await sleep(1000);
  const promoteMs = await pg.promote();
  promotedAt = Date.now();
  const until = Date.now() + 90000;
  while ([...okAfterPromotion.values()].some((k) => k < 10) && Date.now() < until) await sleep(100);
  stop = true;
  await Promise.all(running);

  const firstOk = ops.filter((o) => o.sent >= killedAt && o.status < 300).sort((a, b) => a.at - b.at)[0];
  Object.assign(outage, {
    operations: ops.length, before_kill: before, unavailable_503: stats.unavailable,
    connection_errors: stats.connErrors, codes_503: stats.codes, promote_ms: Math.round(promoteMs),
    killed_to_promoted_ms: promotedAt - killedAt,
    outage_ms: firstOk ? firstOk.at - killedAt : null,
    last_503_after_promotion_ms: stats.failures.length ? Math.max(...stats.failures) - promotedAt : null,
  });
  t.diagnostic(`failover figures: ${JSON.stringify(outage)}`);
  const answers = {};
  for (const o of ops) answers[`${o.status} ${o.json?.error?.code ?? ''}`] = (answers[`${o.status} ${o.json?.error?.code ?? ''}`] ?? 0) + 1;
  t.diagnostic(`answers: ${JSON.stringify(answers)}`);
  if (ops.some((o) => o.status > 299)) t.diagnostic(`PostgreSQL errors: ${pgErrors(s.stderr)}`);

  assert.equal(s.running, true, 'the server kept running (no restart)');
  assert.match(s.stderr, /postgresql: connected again/, 'the server connected to the new primary by itself');
  assert.ok(firstOk, 'requests succeed again after the promotion');
  assert.ok(stats.unavailable + stats.connErrors > 0, 'the outage was seen (503 db_failover)');
  const refused = ops.filter((o) => o.status < 200 || o.status > 299);
  assert.deepEqual(refused.map((o) => `${o.key} ${o.status} ${o.text.slice(0, 200)}`), [],
    'every operation ends 2xx once retried with its key');

  // On the new primary (the promoted standby).
  const rows = pg.rows('standby', DB, 'SELECT id, label, number, service_day, series_group_id FROM tickets ORDER BY id');
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  const tickets = ops.filter((o) => o.kind === 'ticket');
  for (const o of tickets) {
    const row = byId.get(Number(o.json.ticket.id));
    assert.ok(row, `ticket ${o.json.ticket.label} (key ${o.key}) was acknowledged but is not in the database`);
    assert.equal(row.label, o.json.ticket.label, `key ${o.key}`);
  }
  assert.equal(new Set(tickets.map((o) => o.json.ticket.id)).size, tickets.length, 'each key its own ticket');
  assert.equal(rows.length, tickets.length + 1, 'no ticket beyond those acknowledged (and the probe): nothing done twice');
  const series = new Map();
  for (const r of rows) {
    const k = `${r.service_day}/${r.series_group_id}`;
    series.set(k, [...(series.get(k) ?? []), Number(r.number)]);
  }
  for (const [k, nums] of series) {
    nums.sort((a, b) => a - b);
    assert.deepEqual(nums, nums.map((_, i) => i + 1), `numbers of ${k} are 1..${nums.length} without a gap`);
  }

  const idem = pg.rows('standby', DB, "SELECT key, count(*) AS n FROM idempotency WHERE key LIKE 'fo-%' GROUP BY key");
  assert.equal(idem.length, ops.length, 'one stored answer per key');
  assert.ok(idem.every((r) => Number(r.n) === 1));

  const intakes = ops.filter((o) => o.kind === 'intake');
  if (intakes.length) {
    const codes = pg.rows('standby', DB, 'SELECT code FROM dossiers').map((r) => r.code);
    for (const o of intakes) assert.ok(codes.includes(o.json.dossier.code), `dossier ${o.json.dossier.code} (key ${o.key})`);
    assert.equal(codes.length, intakes.length + 1, 'no dossier beyond those acknowledged (and the probe)');
    assert.equal(new Set(intakes.map((o) => o.json.dossier.code)).size, intakes.length);
  }
  const issued = pg.rows('standby', DB, "SELECT count(*) AS n FROM events WHERE action = 'ticket.issued'")[0].n;
  assert.equal(Number(issued), tickets.length + 1, 'one ticket.issued event per ticket');

  const audit = auditVerify(pg, pg.uriOf(DB), 'standby', DB);
  t.diagnostic(`audit chain: ${audit.how}`);
  assert.ok(audit.ok, audit.how);
});
