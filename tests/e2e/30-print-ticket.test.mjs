// Kiosk tickets on a real IPP printer: a kiosk set to print hands out a ticket
// only once the printer confirms it; with the printer off it answers 503
// printer_unavailable at once and leaves no ghost in the queue; staff reprint
// a ticket byte for byte.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithPrinter, kioskPrinter, waitFor } from './lib/printer.mjs';

let office;
let s;
let printer;

before(async () => {
  office = await startWithPrinter((uri) => kioskPrinter(uri, [{ kind: 'kiosk', name: 'kiosk-nop', prints: true }]));
  ({ s, printer } = office);
});

after(async () => { await office?.stop(); });

test('a printing kiosk gets its ticket once the print is confirmed', async () => {
  const before = printer.pdfs().length;
  const r = await s.as('kiosk-p', 'POST', '/api/v1/tickets', {
    body: { group: 'HT', priority: 'elderly' }, headers: { 'Idempotency-Key': 'kp-1' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.ticket.label, 'B001');
  assert.equal(r.json.ticket.state, 'waiting');
  assert.equal(r.json.print.state, 'done');
  assert.equal(r.json.print.printer, 'kiosk-printer');
  const files = printer.pdfs();
  assert.equal(files.length, before + 1, 'one PDF reached the printer');
  const text = printer.text(files.at(-1));
  assert.match(text, /B001/);
  assert.match(text, /Hộ tịch/, 'group name with its diacritics');
  assert.match(text, /Bộ phận Một cửa thử nghiệm/, 'office name');
  assert.match(text, /Người cao tuổi/, 'priority class');

  // The same Idempotency-Key gives the same answer and prints nothing more.
  const again = await s.as('kiosk-p', 'POST', '/api/v1/tickets', {
    body: { group: 'HT', priority: 'elderly' }, headers: { 'Idempotency-Key': 'kp-1' },
  });
  assert.equal(again.status, 201);
  assert.equal(again.json.ticket.id, r.json.ticket.id);
  assert.equal(printer.pdfs().length, before + 1);

  // The job is in the spool, done, with its CUPS job id.
  const jobs = await s.as('clerk1', 'GET', `/api/v1/print-jobs?kind=ticket&ref=${r.json.ticket.id}`);
  assert.equal(jobs.status, 200);
  assert.equal(jobs.json.total, 1);
  const job = jobs.json.items[0];
  assert.equal(job.state, 'done');
  assert.equal(job.id, r.json.print.job);
  assert.ok(job.cups_job_id > 0);
  assert.equal(job.data, undefined, 'never the bytes');
});

test('a kiosk that does not print behaves as before', async () => {
  const r = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
  assert.equal(r.status, 201);
  assert.equal(r.json.print, undefined);
});

test('a printing kiosk without any printer gets 503 and no ticket', async () => {
  const count = s.sql('SELECT count(*) AS n FROM tickets')[0].n;
  const r = await s.as('kiosk-nop', 'POST', '/api/v1/tickets', { body: { group: 'HT' } });
  assert.equal(r.status, 503, r.text);
  assert.equal(r.json.error.code, 'printer_not_configured');
  assert.equal(s.sql('SELECT count(*) AS n FROM tickets')[0].n, count);
});

test('printer off: 503 printer_unavailable at once, no ghost, numbering gap-free', async () => {
  printer.off();
  try {
    const t0 = Date.now();
    const r = await s.as('kiosk-p', 'POST', '/api/v1/tickets', {
      body: { group: 'HT' }, headers: { 'Idempotency-Key': 'kp-2' },
    });
    const ms = Date.now() - t0;
    assert.equal(r.status, 503, r.text);
    assert.equal(r.json.error.code, 'printer_unavailable');
    assert.match(r.json.error.print.reasons, /offline/);
    assert.equal(r.json.error.print.state, 'failed');
    assert.ok(ms < 5000, `answered in ${ms} ms`);

    // The number was used, and voided: nobody waits for it.
    const rows = s.sql("SELECT label, state, outcome FROM tickets WHERE label = 'B002'");
    assert.deepEqual(rows, [{ label: 'B002', state: 'done', outcome: 'voided' }]);
    const q = await s.req('GET', '/api/v1/queue');
    const ht = q.json.groups.find((g) => g.code === 'HT');
    assert.equal(ht.waiting, 1, 'only B001 waits');
    assert.equal(s.sql("SELECT count(*) AS n FROM tickets WHERE state = 'waiting' AND group_id = (SELECT id FROM service_groups WHERE code = 'HT')")[0].n, 1);
    const job = (await s.as('sup', 'GET', `/api/v1/print-jobs/${r.json.error.print.job}`)).json.job;
    assert.equal(job.state, 'failed');
    assert.match(job.printer_reasons, /offline/);
    // A voided ticket is not printed later by anyone.
    const retry = await s.as('sup', 'POST', `/api/v1/print-jobs/${job.id}/retry`);
    assert.equal(retry.status, 409);
    assert.equal(retry.json.error.code, 'ticket_voided');

    // The failed answer is not remembered: the same key tries afresh.
    const again = await s.as('kiosk-p', 'POST', '/api/v1/tickets', {
      body: { group: 'HT' }, headers: { 'Idempotency-Key': 'kp-2' },
    });
    assert.equal(again.status, 503);
  } finally {
    printer.on();
  }
  const r = await s.as('kiosk-p', 'POST', '/api/v1/tickets', { body: { group: 'HT' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.ticket.label, 'B004', 'B002 and B003 were used and voided');
  const numbers = s.sql("SELECT number FROM tickets WHERE series_group_id = (SELECT id FROM service_groups WHERE code = 'HT') ORDER BY number").map((x) => x.number);
  assert.deepEqual(numbers, [1, 2, 3, 4]);
  // The voided numbers were never handed out: the day's indicators count
  // them apart from the tickets issued, alike from the figures and the scan.
  const day = s.sql("SELECT service_day FROM tickets WHERE label = 'B004'")[0].service_day;
  const issued = s.sql("SELECT count(*) AS n FROM tickets WHERE outcome IS NULL OR outcome <> 'voided'")[0].n;
  for (const src of ['figures', 'scan']) {
    const ind = await s.as('sup', 'GET', `/api/v1/indicators?from=${day}&to=${day}&source=${src}`);
    assert.equal(ind.status, 200, ind.text);
    assert.equal(ind.json.queue.tickets_voided, 2, src);
    assert.equal(ind.json.queue.tickets, issued, src);
  }
});

test('staff reprint a ticket job: byte-identical', async () => {
  const list = await s.as('clerk1', 'GET', '/api/v1/print-jobs?kind=ticket&state=done&limit=500');
  const first = list.json.items.find((j) => j.title === 'Phieu B001');
  assert.ok(first, 'the job of B001');
  // The printer names its files <job-id>-<title>.pdf; it was restarted
  // meanwhile, so job ids repeat: find them by title.
  const b001 = () => printer.pdfs().filter((f) => /-phieu_b001\.pdf$/i.test(f.name));
  assert.equal(b001().length, 1, `the file the printer kept for it: ${printer.pdfs().map((f) => f.name)}`);
  const originalFile = b001()[0];

  const r = await s.as('clerk1', 'POST', `/api/v1/print-jobs/${first.id}/reprint`);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.job.reprint_of, first.id);
  assert.equal(r.json.job.sha256, first.sha256);
  const done = await waitFor(async () => {
    const j = (await s.as('clerk1', 'GET', `/api/v1/print-jobs/${r.json.job.id}`)).json.job;
    return j.state === 'done' ? j : null;
  }, 20000, 'the reprint to complete');
  assert.ok(done.cups_job_id > 0);
  const file = b001().find((f) => f.path !== originalFile.path);
  assert.ok(file, 'the reprint reached the printer');
  assert.ok(printer.bytes(file).equals(printer.bytes(originalFile)), 'same bytes');

  // A specialist may look but not reprint.
  const spec = await s.as('spec', 'POST', `/api/v1/print-jobs/${first.id}/reprint`);
  assert.equal(spec.status, 403);
  const bad = await s.as('clerk1', 'POST', '/api/v1/print-jobs/999999/reprint');
  assert.equal(bad.status, 404);
  assert.equal(bad.json.error.code, 'print_job_not_found');
});
