// Printing never runs inside a write transaction (issue 14: render first,
// then commit): the form prints, the printer test and a printing kiosk's
// ticket, each also under an Idempotency-Key (whose record is written in a
// transaction of its own), and several prints at once beside tickets being
// issued. The server checks the rule before every render and every call to a
// printer and stops at once when it is broken (ENFORCE): a print that ran
// inside a transaction would kill it, and this test with it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { TestPrinter, waitFor } from './lib/printer.mjs';

const APPLICANT = { name: 'Trần Văn Bình', address: 'Khối 2, thị trấn Khe Sanh', phone: '0912000222', id_number: '045199003344' };
let s;
let printer;

before(async () => {
  printer = new TestPrinter();
  s = await startServer({
    bundle: {
      ...DOSSIER_BUNDLE,
      printers: [
        { name: 'a5', target: printer.uri, format: 'pdf', paper: 'a5', default: true },
        { name: 'kiosk-printer', target: printer.uri, format: 'pdf', paper: '80mm' },
      ],
      devices: [...DOSSIER_BUNDLE.devices, { kind: 'kiosk', name: 'kiosk-p', prints: true, printer: 'kiosk-printer' }],
    },
  });
});
after(async () => { await s?.stop(); s?.cleanup(); printer?.stop(); });

const intake = async () => {
  const r = await s.as('clerk1', 'POST', '/api/v1/dossiers', {
    body: { procedure: 'PI', applicant: APPLICANT, outcome: 'received', confirm_duplicate: true, documents: [{ name: 'Giấy báo tử', kind: 'original', count: 1 }] },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const jobCount = () => s.sql('SELECT count(*) AS n FROM print_jobs')[0].n;
const jobDone = (id) => waitFor(async () => (await s.as('sup', 'GET', `/api/v1/print-jobs/${id}`)).json.job.state === 'done', 20000, `job ${id} done`);

test('Mẫu 01 under an Idempotency-Key: printed once, a retry answers the same jobs', async () => {
  const { dossier, secret } = await intake();
  const headers = { 'Idempotency-Key': `receipt-${dossier.code}` };
  const before = jobCount();
  const first = await s.as('clerk1', 'POST', `/api/v1/dossiers/${dossier.code}/print`, { body: { form: 'mau-01', copies: 2, secret }, headers });
  assert.equal(first.status, 202, first.text);
  assert.equal(first.json.jobs.length, 2);
  const again = await s.as('clerk1', 'POST', `/api/v1/dossiers/${dossier.code}/print`, { body: { form: 'mau-01', copies: 2, secret }, headers });
  assert.equal(again.status, 202, again.text);
  assert.deepEqual(again.json.jobs, first.json.jobs, 'the first answer, not two more jobs');
  assert.equal(jobCount(), before + 2);
  for (const id of first.json.jobs) await jobDone(id);
  assert.ok(s.running, 'the server is still up');
});

test('the printer test and a printing kiosk under an Idempotency-Key', async () => {
  const t = await s.as('admin', 'POST', '/api/v1/printers/a5/test', { headers: { 'Idempotency-Key': 'test-a5-1' } });
  assert.equal(t.status, 202, t.text);
  await jobDone(t.json.job.id);
  const k = await s.as('kiosk-p', 'POST', '/api/v1/tickets', { body: { group: 'CT' }, headers: { 'Idempotency-Key': 'kiosk-p-press-1' } });
  assert.equal(k.status, 201, k.text);
  assert.equal(k.json.print.state, 'done');
  assert.ok(s.running, 'the server is still up');
});

test('four prints at once beside tickets being issued: every answer, no print lost', async () => {
  const dossiers = await Promise.all([1, 2, 3, 4].map(() => intake()));
  const before = jobCount();
  const prints = dossiers.flatMap(({ dossier, secret }) => [1, 2, 3].map(() =>
    s.as('clerk1', 'POST', `/api/v1/dossiers/${dossier.code}/print`, { body: { form: 'mau-01', secret } })));
  const tickets = Array.from({ length: 12 }, () => s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } }));
  const answers = await Promise.all([...prints, ...tickets]);
  const printed = answers.slice(0, prints.length);
  for (const r of printed) assert.equal(r.status, 202, r.text);
  for (const r of answers.slice(prints.length)) assert.equal(r.status, 201, r.text);
  const ids = printed.flatMap((r) => r.json.jobs);
  assert.equal(new Set(ids).size, 12, 'twelve distinct jobs');
  assert.equal(jobCount(), before + 12);
  for (const id of ids) await jobDone(id);
  assert.ok(s.running, 'the server is still up');
});
