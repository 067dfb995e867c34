// Printing in a province: each centre has its own default printer. A
// printing kiosk with no printer of its own prints on its centre's default,
// never on another centre's; the printed ticket names its centre; the job
// is the centre's (print_jobs.office_id), so only that centre's staff see
// it, retry it or reprint it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B, centrePrinters } from './lib/province-bundle.mjs';
import { TestPrinter, waitFor } from './lib/printer.mjs';

let s;
let pa;
let pb;
before(async () => {
  pa = new TestPrinter();
  pb = new TestPrinter();
  s = await startServer({
    bundle: {
      ...PROVINCE_BUNDLE,
      printers: centrePrinters('80mm', ['ks-sanh', pa.uri], ['lb-sanh', pb.uri]),
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
  pa?.stop();
  pb?.stop();
});

test('each printing kiosk prints on its own centre\'s default printer, headed by its centre', async () => {
  const a = await s.as('a-kiosk-p', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.print.printer, 'ks-sanh');
  const b = await s.as('b-kiosk-p', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.json.print.printer, 'lb-sanh');
  assert.deepEqual([a.json.ticket.label, b.json.ticket.label], ['A001', 'A001']);
  const [fa] = await waitFor(() => (pa.pdfs().length === 1 ? pa.pdfs() : null), 10000, 'A\'s ticket');
  const [fb] = await waitFor(() => (pb.pdfs().length === 1 ? pb.pdfs() : null), 10000, 'B\'s ticket');
  const ta = pa.text(fa).replace(/\s+/g, ' ');
  const tb = pb.text(fb).replace(/\s+/g, ' ');
  assert.match(ta, /Khe Sanh/);
  assert.doesNotMatch(ta, /Lao Bảo/);
  assert.match(tb, /Lao Bảo/);
  assert.doesNotMatch(tb, /Khe Sanh/);
  const jobs = s.sql('SELECT j.id, o.code, p.name FROM print_jobs j JOIN offices o ON o.id = j.office_id JOIN printers p ON p.id = j.printer_id ORDER BY j.id');
  assert.deepEqual(jobs.map((j) => [j.code, j.name]), [[CENTRE_A, 'ks-sanh'], [CENTRE_B, 'lb-sanh']]);
});

test('a centre\'s staff see and reprint its jobs only', async () => {
  const jobs = s.sql('SELECT j.id, o.code FROM print_jobs j JOIN offices o ON o.id = j.office_id ORDER BY j.id');
  const aJob = jobs.find((j) => j.code === CENTRE_A).id;
  const bJob = jobs.find((j) => j.code === CENTRE_B).id;
  const list = await s.as('a.clerk', 'GET', '/api/v1/print-jobs');
  assert.deepEqual(list.json.items.map((j) => j.id), [aJob]);
  assert.equal(list.json.items[0].office, CENTRE_A);
  const before = s.sql('SELECT count(*) AS n FROM print_jobs')[0].n;
  assert.equal((await s.as('a.clerk', 'POST', `/api/v1/print-jobs/${bJob}/reprint`)).status, 404);
  assert.equal(s.sql('SELECT count(*) AS n FROM print_jobs')[0].n, before);
  const r = await s.as('a.clerk', 'POST', `/api/v1/print-jobs/${aJob}/reprint`);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.job.office, CENTRE_A);
  await waitFor(() => pa.pdfs().length === 2, 10000, 'A\'s reprint');
  assert.equal(pb.pdfs().length, 1, 'nothing more on B\'s printer');
  // The printers list of a centre's staff is its own.
  const printers = await s.as('b.clerk', 'GET', '/api/v1/printers');
  assert.deepEqual(printers.json.items.map((p) => [p.name, p.office]), [['lb-sanh', CENTRE_B]]);
});
