// A printer that answers one byte at a time and never finishes (the
// fixture tests/fixtures/trickle-printer.mjs) is bounded like a silent one:
// every read gets a byte before it would wait long, so only a deadline on the
// whole exchange stops it. doctor ends within its 3 s printer check with a
// fail line; a printing kiosk's ticket is answered 503 printer_unavailable
// within the documented 4 s (docs/api.md); SIGTERM stops the server at once,
// exit 0, though prints to that printer were under way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { BIN, SOURCE, TEST_BUNDLE, cliAsync, startServer } from './lib/harness.mjs';
import { kioskPrinter } from './lib/printer.mjs';

const { startTricklePrinter } = await import(path.join(SOURCE, 'tests/fixtures/trickle-printer.mjs'));

let printer;
before(async () => { printer = await startTricklePrinter({ everyMs: 200 }); });
after(async () => { await printer?.stop(); });

test('doctor: the trickling printer is a fail line within a few seconds', async () => {
  const t0 = Date.now();
  const r = await cliAsync(['doctor', '--printer', printer.uri, '--port', '1'], { limitMs: 30000 });
  const ms = Date.now() - t0;
  assert.equal(r.timedOut, false, `doctor still running after 30 s:\n${r.stdout}${r.stderr}`);
  assert.ok(ms < 8000, `doctor took ${ms} ms`);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^fail +printer +--printer \(ipp:\/\/127\.0\.0\.1:\d+\/ipp\/print\): timeout: .*no answer in time$/m);
  assert.ok(printer.connections >= 1, 'doctor did talk to it');
  assert.ok(BIN);
});

test('a printing kiosk: 503 printer_unavailable within 4 s; SIGTERM stops the server at once', async () => {
  const s = await startServer({ bundle: { ...TEST_BUNDLE, ...kioskPrinter(printer.uri) }, args: ['--logins-per-minute', '1000'] });
  try {
    const before = printer.connections;
    const t0 = Date.now();
    const answers = await Promise.all([0, 1, 2].map((i) => s.as('kiosk-p', 'POST', '/api/v1/tickets', {
      body: { group: 'HT' }, headers: { 'Idempotency-Key': `trickle-${i}` }, timeout: 20000,
    }).then((r) => ({ r, ms: Date.now() - t0 }))));
    for (const { r, ms } of answers) {
      assert.equal(r.status, 503, r.text);
      assert.equal(r.json.error.code, 'printer_unavailable');
      assert.ok(ms < 6000, `answered after ${ms} ms (at most 4 s, documented)`);
    }
    assert.ok(printer.connections > before, 'the prints reached the printer');
    const waiting = s.sql("SELECT count(*) AS n FROM tickets WHERE outcome IS NULL OR outcome <> 'voided'")[0].n;
    assert.equal(waiting, 0, 'no ticket left waiting');

    // A print under way, then SIGTERM: the server is gone within a few seconds, exit 0.
    const pending = s.as('kiosk-p', 'POST', '/api/v1/tickets', {
      body: { group: 'HT' }, headers: { 'Idempotency-Key': 'trickle-term' }, timeout: 20000,
    }).catch((e) => e);
    await new Promise((r) => setTimeout(r, 500));
    const t1 = Date.now();
    await s.stop();
    const ms = Date.now() - t1;
    assert.ok(ms < 6000, `SIGTERM took ${ms} ms`);
    await pending;
  } finally {
    await s.stop().catch(() => {});
    s.cleanup();
  }
});
