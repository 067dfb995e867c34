// A busy printer delays a kiosk's ticket, it does not refuse it. Two
// printing kiosks of two centres share one IPP printer (ippeveprinter, which
// answers a Create-Job with server-error-busy "Currently printing another
// job." while it holds a job) and are pressed at the same moment, round after
// round: every press gets its ticket, printed, within the kiosk's deadline;
// no press is answered 503 and no number is voided.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B, centrePrinters } from './lib/province-bundle.mjs';
import { TestPrinter, waitFor } from './lib/printer.mjs';

const ROUNDS = 10;

let s;
let pr;
before(async () => {
  pr = new TestPrinter();
  s = await startServer({
    bundle: {
      ...PROVINCE_BUNDLE,
      // Each centre's default printer is the same device.
      printers: centrePrinters('80mm', ['ks-sanh', pr.uri], ['lb-sanh', pr.uri]),
      devices: [
        ...PROVINCE_BUNDLE.devices,
        { office: CENTRE_A, kind: 'kiosk', name: 'a-kiosk-p', prints: true },
        { office: CENTRE_B, kind: 'kiosk', name: 'b-kiosk-p', prints: true },
      ],
    },
  });
});
after(async () => {
  await s?.stop();
  s?.cleanup();
  pr?.stop();
});

test('two kiosks pressed at once on one shared printer both get a printed ticket', async () => {
  const labels = { a: [], b: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const [a, b] = await Promise.all([
      s.as('a-kiosk-p', 'POST', '/api/v1/tickets', { body: { group: 'CT' } }),
      s.as('b-kiosk-p', 'POST', '/api/v1/tickets', { body: { group: 'CT' } }),
    ]);
    for (const [who, r, printer] of [['a', a, 'ks-sanh'], ['b', b, 'lb-sanh']]) {
      assert.equal(r.status, 201, `round ${round}, kiosk ${who}: ${r.text}`);
      assert.equal(r.json.print.state, 'done', `round ${round}, kiosk ${who}`);
      assert.equal(r.json.print.printer, printer);
      labels[who].push(r.json.ticket.label);
    }
  }
  // Each centre numbers its own tickets without a gap: nothing was voided.
  const want = Array.from({ length: ROUNDS }, (_, i) => `A${String(i + 1).padStart(3, '0')}`);
  assert.deepEqual(labels.a, want);
  assert.deepEqual(labels.b, want);
  const voided = s.sql("SELECT count(*) AS n FROM tickets WHERE outcome = 'voided'")[0].n;
  assert.equal(voided, 0);
  const jobs = s.sql("SELECT state, count(*) AS n FROM print_jobs WHERE kind = 'ticket' GROUP BY state");
  assert.deepEqual(jobs.map((j) => [j.state, j.n]), [['done', 2 * ROUNDS]]);
  // The printer received every ticket once.
  await waitFor(() => pr.pdfs().length === 2 * ROUNDS, 10000, 'every ticket on the printer');
  assert.doesNotMatch(s.stderr, /voided, print failed/);
});

test('staff prints spooled on the busy printer meanwhile are printed too, never shown offline', async () => {
  const before = pr.pdfs().length;
  const ROUNDS2 = 5;
  for (let round = 1; round <= ROUNDS2; round++) {
    const [a, b, t] = await Promise.all([
      s.as('a-kiosk-p', 'POST', '/api/v1/tickets', { body: { group: 'CT' } }),
      s.as('b-kiosk-p', 'POST', '/api/v1/tickets', { body: { group: 'CT' } }),
      s.as('admin', 'POST', '/api/v1/printers/lb-sanh/test'),
    ]);
    assert.equal(a.status, 201, `round ${round}, kiosk a: ${a.text}`);
    assert.equal(b.status, 201, `round ${round}, kiosk b: ${b.text}`);
    assert.equal(t.status, 202, t.text);
  }
  const tests = () => s.sql("SELECT state FROM print_jobs WHERE kind = 'test'");
  await waitFor(() => tests().length === ROUNDS2 && tests().every((j) => j.state === 'done'),
    20000, 'every test print done');
  // The printer answered busy: it was never taken (and logged) for one
  // switched off, by the spool or by a kiosk.
  assert.doesNotMatch(s.stderr, /offline-report/);
  assert.equal(s.sql("SELECT count(*) AS n FROM tickets WHERE outcome = 'voided'")[0].n, 0);
  await waitFor(() => pr.pdfs().length === before + 3 * ROUNDS2, 10000, 'every print on the printer');
});
