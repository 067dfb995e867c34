// tsan: yes
// A busy office for MOTCUA_MIXED_LOAD_SECONDS (60 by default): monitoring,
// boards, citizens' pages and supervisors read everything while kiosks issue
// tickets, four counters call and finish, and clerks take in dossiers and move
// them to their return. No answer is ever a 5xx, the server never dies, stops
// cleanly on SIGTERM, and after a restart the file is intact, the audit chain
// verifies and every acknowledged write is there.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli } from './lib/harness.mjs';
import { LOAD_BUNDLE, runMixedLoad, metrics5xx, missingWrites, summary } from './lib/mixed-load.mjs';

const SECONDS = Number(process.env.MOTCUA_MIXED_LOAD_SECONDS ?? 60);

let s;
after(async () => { await s?.stop(); s?.cleanup(); });

test(`mixed load for ${SECONDS} s: no 5xx, no crash, nothing acknowledged is lost`, { timeout: (SECONDS + 240) * 1000 }, async () => {
  s = await startServer({ bundle: LOAD_BUNDLE });
  const stats = await runMixedLoad(s, { seconds: SECONDS });
  console.log(summary(stats));
  console.log(`sse: ${JSON.stringify(stats.sseStats)}; acknowledged: ${stats.acked.tickets.size} tickets, `
    + `${stats.acked.finished.size} finished, ${stats.acked.dossiers.size} dossiers`);

  assert.ok(s.running, `the server died under load: ${s.stderr.slice(-3000)}`);
  assert.deepEqual(stats.netErrors.slice(0, 10), [], 'requests that got no answer');
  assert.deepEqual(stats.fivexx, [], '5xx answers');
  const m = await s.req('GET', '/metrics');
  assert.equal(m.status, 200);
  assert.equal(metrics5xx(m.text), 0, '5xx counted in /metrics');

  // Every kind of request was really exercised, and answered as it should:
  // valid tokens stay valid (no 401), a counter with nobody waiting is a 409.
  const expected = { ticket_issue: [201], counter_call: [200, 409], counter_finish: [200], dossier_intake: [201],
    dossier_action: [200] };
  for (const k of ['healthz', 'metrics', 'queue', 'page_public', 'page_status', 'page_queue_ticket', 'transparency',
    'dossiers_list', 'indicators', 'dossier_get', 'ticket_issue', 'counter_call', 'counter_finish',
    'dossier_intake', 'dossier_action']) {
    const v = stats.kinds.get(k);
    assert.ok(v && v.count > 0, `no ${k} request was made`);
    const allowed = expected[k] ?? [200];
    const odd = Object.entries(v.status).filter(([st]) => !allowed.includes(Number(st)));
    assert.deepEqual(Object.fromEntries(odd), {}, `${k}: unexpected statuses (of ${v.count})`);
  }
  // Three boards reconnecting now and then stay well under the streams a
  // token may hold: each (re)connect gets at least its snapshot.
  assert.ok(stats.sseStats.connects >= 3 && stats.sseStats.refused === 0, JSON.stringify(stats.sseStats));
  assert.ok(stats.acked.tickets.size >= 10 && stats.acked.finished.size >= 5 && stats.acked.dossiers.size >= 3,
    'too little was written for the test to mean anything');

  // SIGTERM as an operator would: exit status 0 and no sanitizer report
  // (stop() throws otherwise).
  await s.stop();
  assert.equal(s.integrity(), 'ok');
  const verify = cli(['audit-verify', '--db', s.db]);
  assert.equal(verify.status, 0, verify.stderr);
  assert.deepEqual(missingWrites(s, stats.acked).slice(0, 20), [], 'acknowledged writes missing from the file');

  // The same file serves again and shows what was acknowledged.
  await s.start();
  s.tokens = {};
  const h = await s.req('GET', '/healthz');
  assert.equal(h.status, 200, h.text);
  const some = [...stats.acked.dossiers.keys()].slice(-3);
  for (const code of some) {
    const d = await s.as('sup', 'GET', `/api/v1/dossiers/${encodeURIComponent(code)}`);
    assert.equal(d.status, 200, d.text);
    const have = d.json.history.map((x) => x.action);
    for (const a of stats.acked.dossiers.get(code)) assert.ok(have.includes(a), `${code} lost ${a} after restart`);
  }
  const lastTicket = [...stats.acked.tickets.keys()].pop();
  const t = await s.req('GET', `/api/v1/public/tickets/${lastTicket}`);
  assert.equal(t.status, 200, t.text);
});
