// tsan: yes
// Group commit (store.c): several callers' tickets share one durable COMMIT.
// The server is killed (MOTCUA_FAULT) right before or right after the COMMIT
// of a batch of two or more, when nobody of that batch has been answered:
// every acknowledged ticket survives (an answer given before its commit was
// durable would be lost by the kill before it); after the kill after the
// commit, the batch's unanswered tickets are on disk and a client retrying
// with its Idempotency-Key gets the first answer, not a second ticket;
// numbering stays gap-free; events follow commit order; the chain verifies.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli, subscribe } from './lib/harness.mjs';

const servers = [];
after(async () => { for (const s of servers) { await s.stop(); s.cleanup(); } });

const issue = (s, who, key) => s.as(who, 'POST', '/api/v1/tickets',
  { body: { group: 'CT' }, headers: { 'Idempotency-Key': key } });

// Eight clients issue tickets until the fault kills the server; returns the
// server, what was acknowledged (key -> ticket id) and what was cut.
async function burstUntilKilled(fault) {
  const s = await startServer({ env: { MOTCUA_FAULT: fault } });
  servers.push(s);
  for (const u of ['clerk1', 'sup', 'admin']) await s.login(u);
  const acked = new Map();
  const unanswered = [];
  const worker = async (who, w) => {
    for (let n = 0; ; n++) {
      const key = `w${w}-${n}`;
      let r;
      try { r = await issue(s, who, key); } catch { unanswered.push([who, key]); return; }
      assert.equal(r.status, 201, r.text);
      acked.set(key, r.json.ticket.id);
    }
  };
  const who = ['kiosk-1', 'clerk1', 'sup', 'admin'];
  const workers = Array.from({ length: 8 }, (_, w) => worker(who[w % 4], w));
  let timer;
  const code = await Promise.race([s.exited, new Promise((r) => { timer = setTimeout(() => r('alive'), 60000); })]);
  clearTimeout(timer);
  assert.notEqual(code, 'alive', 'no batch of two or more transactions formed in 60 s');
  s.killed = true;
  await Promise.all(workers);
  assert.equal(s.proc.signalCode, 'SIGKILL');
  assert.ok(acked.size >= 10, `only ${acked.size} acknowledged`);
  assert.equal(s.integrity(), 'ok');
  const onDisk = new Set(s.sql('SELECT id FROM tickets').map((r) => r.id));
  assert.deepEqual([...acked.values()].filter((id) => !onDisk.has(id)), [], 'acknowledged tickets lost');
  const verify = cli(['audit-verify', '--db', s.db]);
  assert.equal(verify.status, 0, verify.stderr);
  return { s, acked, unanswered, onDisk };
}

// Restarts s, retries every unanswered request with its key, and checks the
// day's tickets: one per key, numbered 1..n, events in commit order.
async function retryAndCheck({ s, acked, unanswered }) {
  await s.start();
  s.tokens = {};
  for (const [who, key] of unanswered) {
    const r = await issue(s, who, key);
    assert.equal(r.status, 201, r.text);
    acked.set(key, r.json.ticket.id);
  }
  const tickets = s.sql("SELECT id, number FROM tickets WHERE label LIKE 'A%' ORDER BY number");
  assert.equal(tickets.length, acked.size, 'a retried request made a second ticket, or one is missing');
  assert.deepEqual(tickets.map((t) => t.number), tickets.map((_, i) => i + 1), 'numbering has a gap');
  assert.deepEqual(new Set(acked.values()), new Set(tickets.map((t) => t.id)));
  const issued = s.sql("SELECT details FROM events WHERE action = 'ticket.issued' ORDER BY id");
  assert.deepEqual(issued.map((e) => JSON.parse(e.details).ticket.number), tickets.map((t) => t.number), 'events out of commit order');
  assert.equal(cli(['audit-verify', '--db', s.db]).status, 0);
}

test('killed after a batch commit, before any answer: the batch is kept, retries get the first answers', async () => {
  const run = await burstUntilKilled('after_batch_commit:20');
  // The killed batch held two or more tickets nobody was told about.
  assert.ok(run.onDisk.size >= run.acked.size + 2,
    `${run.onDisk.size} tickets on disk, ${run.acked.size} acknowledged: the kill did not fall after a batch's commit`);
  await retryAndCheck(run);
});

test('killed before a batch commit: nothing of the batch was acknowledged, retries issue it once', async () => {
  const run = await burstUntilKilled('before_batch_commit:20');
  await retryAndCheck(run);
});

test('a board resuming with Last-Event-ID across batches gets every call-out once, in commit order', async () => {
  const s = await startServer();
  servers.push(s);
  for (const u of ['clerk1', 'sup', 'admin']) await s.login(u);
  const board = s.devices['board-1'];
  const issued = (evs) => evs.filter((e) => e.event === 'ticket.issued');
  const a = subscribe(s, board);
  await a.until((e) => e.some((x) => x.event === 'snapshot'));
  // 8 clients, 150 tickets: the server groups them into batches.
  const who = ['kiosk-1', 'clerk1', 'sup', 'admin'];
  let left = 150;
  const burst = Promise.all(Array.from({ length: 8 }, async (_, w) => {
    while (left-- > 0) {
      const r = await s.as(who[w % 4], 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
      assert.equal(r.status, 201, r.text);
    }
  }));
  await a.until((e) => issued(e).length >= 40, 30000);
  a.close();
  const seen = issued(a.events);
  await burst;
  const b = subscribe(s, board, { lastEventId: seen.at(-1).id });
  await b.until((e) => issued(seen).length + issued(e).length >= 150, 30000);
  b.close();
  const all = [...seen, ...issued(b.events)];
  const ids = all.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'an event came twice');
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'events out of id order');
  assert.deepEqual(all.map((e) => e.json.ticket.number), Array.from({ length: 150 }, (_, i) => i + 1),
    'call-outs out of commit order, or one missing');
  const m = (await s.req('GET', '/metrics')).text;
  const metric = (name) => Number(m.match(new RegExp(`^${name} (\\d+)$`, 'm'))[1]);
  assert.ok(metric('motcua_store_batches_total') < metric('motcua_store_commits_total'),
    'no two changes shared a commit');
});

// A client's retries racing its first request (the same Idempotency-Key sent
// three times at once): a retry that finds the first answer in the open
// batch must not be answered before that batch's COMMIT. The server is
// killed right before a COMMIT; every 201 anyone got, replays included, is
// on disk.
test('a retry that finds its first answer in the open batch waits for that batch to be durable', async () => {
  for (let trial = 0; trial < 3; trial++) {
    const s = await startServer({ env: { MOTCUA_FAULT: `before_batch_commit:${4 + trial}` } });
    servers.push(s);
    for (const u of ['clerk1', 'sup', 'admin']) await s.login(u);
    const acked = new Set();
    let dead = false;
    s.exited.then(() => { dead = true; });
    const who = ['kiosk-1', 'clerk1', 'sup', 'admin'];
    const timer = setTimeout(() => { dead = true; }, 60000);
    await Promise.all(Array.from({ length: 6 }, async (_, w) => {
      for (let n = 0; !dead; n++) {
        const send = () => issue(s, who[w % 4], `r${w}-${n}`).catch(() => null);
        for (const r of await Promise.all([send(), send(), send()]))
          if (r?.status === 201) acked.add(r.json.ticket.id);
      }
    }));
    clearTimeout(timer);
    assert.equal(s.proc.signalCode, 'SIGKILL', 'no batch of two or more formed in 60 s');
    s.killed = true;
    const onDisk = new Set(s.sql('SELECT id FROM tickets').map((r) => r.id));
    assert.deepEqual([...acked].filter((id) => !onDisk.has(id)), [],
      'a replayed answer was given before the COMMIT holding the change, which the kill lost');
  }
});
