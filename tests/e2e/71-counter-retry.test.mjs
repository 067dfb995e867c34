// motcua-counter never does a thing twice: a proxy between it and the server
// lets the request through but cuts the connection instead of passing the
// answer back. The command retries with the same Idempotency-Key and the
// server, having done the action once, answers the first result again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, PASSWORDS } from './lib/harness.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { Clerk } from './lib/counter.mjs';

let s;
let proxy;
let clerk;

// A TCP proxy to the server that drops the answers to the first `drops`
// requests whose first line matches `match` (set per test).
function startProxy(port) {
  const p = { match: null, drops: 0, dropped: [], seen: [] };
  p.server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    let dropping = false;
    client.on('data', (d) => {
      const first = d.toString('latin1').split('\r\n')[0];
      if (/^[A-Z]+ \//.test(first)) {
        p.seen.push(first);
        if (p.match && p.match.test(first) && p.drops > 0) {
          p.drops -= 1;
          p.dropped.push(first);
          dropping = true;
        }
      }
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (dropping) { client.destroy(); upstream.destroy(); return; }
      client.write(d);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) => p.server.listen(0, '127.0.0.1', () => {
    p.base = `http://127.0.0.1:${p.server.address().port}`;
    resolve(p);
  }));
}

before(async () => {
  s = await startServer({ bundle: DOSSIER_BUNDLE });
  proxy = await startProxy(s.port);
  clerk = new Clerk(proxy.base);
  const r = await clerk.login('clerk1', PASSWORDS.clerk1);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await clerk.run(['counter', 'open', '1'])).status, 0);
});

after(async () => {
  proxy?.server.close();
  await s?.stop();
  s?.cleanup();
  clerk?.cleanup();
});

test('next: the answer is lost once; one ticket is called, not two', async () => {
  for (let i = 0; i < 3; i++) {
    assert.equal((await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).status, 201);
  }
  proxy.match = /^POST \/api\/v1\/counters\/1\/call /;
  proxy.drops = 1;
  proxy.seen = [];
  const r = await clerk.run(['next']);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /Mời số A001 đến quầy 1/);
  assert.equal(proxy.dropped.length, 1, 'one answer was dropped');
  assert.equal(proxy.seen.filter((l) => l.startsWith('POST /api/v1/counters/1/call')).length, 2, 'sent twice');
  const called = s.sql("SELECT label, state FROM tickets WHERE state <> 'waiting' ORDER BY id");
  assert.deepEqual(called, [{ label: 'A001', state: 'called' }], 'only one ticket left the queue');
  assert.equal(s.sql('SELECT count(*) AS n FROM visits')[0].n, 1, 'one visit');
});

test('next with a ticket at the counter: finished once, one more called', async () => {
  proxy.match = /^POST \/api\/v1\/counters\/1\/call /;
  proxy.drops = 1;
  const r = await clerk.run(['next']);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /Số A001 đã kết thúc/);
  assert.match(r.stdout, /Mời số A002/);
  const rows = s.sql('SELECT label, state FROM tickets ORDER BY id').map((t) => `${t.label}:${t.state}`);
  assert.deepEqual(rows, ['A001:done', 'A002:called', 'A003:waiting']);
});

test('intake: the answer is lost once; one dossier is received', async () => {
  proxy.match = /^POST \/api\/v1\/dossiers /;
  proxy.drops = 1;
  const before = s.sql('SELECT count(*) AS n FROM dossiers')[0].n;
  const r = await clerk.run(['intake', '--procedure', 'P3', '--name', 'Đỗ Văn Một', '--docs', 'all', '--no-print']);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.equal(proxy.dropped.length, 3);
  const code = r.stdout.match(/Đã tiếp nhận hồ sơ (\S+)\./)[1];
  assert.equal(s.sql('SELECT count(*) AS n FROM dossiers')[0].n, before + 1, 'one dossier');
  assert.deepEqual(s.sql('SELECT code FROM dossiers').map((d) => d.code), [code]);
});

test('every answer lost: exit 3 after 3 tries, and the action was still done once', async () => {
  proxy.match = /^POST \/api\/v1\/counters\/1\/recall /;
  proxy.drops = 3;
  const r = await clerk.run(['recall']);
  assert.equal(r.status, 3, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /Không kết nối được máy chủ/);
  assert.match(r.stderr, /motcua-counter status/);
  assert.deepEqual(s.sql('SELECT recalls FROM visits WHERE finished_at IS NULL'), [{ recalls: 1 }],
    'three tries with one key: recalled once');
});
