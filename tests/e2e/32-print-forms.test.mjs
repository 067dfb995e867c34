// The legal forms of a dossier printed through the spool on a real IPP
// printer: the PDF received carries the Vietnamese text, the code and the
// dates; with the printer off the jobs wait (and survive a restart) and print
// exactly once when it is back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { TestPrinter, waitFor } from './lib/printer.mjs';

const APPLICANT = { name: 'Nguyễn Thị Hường', address: 'Khối 3, thị trấn Khe Sanh', phone: '0912000111', id_number: '045199001122' };
let s;
let printer;

before(async () => {
  printer = new TestPrinter();
  s = await startServer({
    bundle: { ...DOSSIER_BUNDLE, printers: [{ name: 'a5', target: printer.uri, format: 'pdf', paper: 'a5', default: true }] },
  });
});
after(async () => { await s?.stop(); s?.cleanup(); printer?.stop(); });

const job = async (id) => (await s.as('sup', 'GET', `/api/v1/print-jobs/${id}`)).json.job;

// True once nothing for printer `name` is left in the spool to send or follow:
// every send is over when its job is recorded done or failed, so the printer
// then holds every file it will ever get from us.
const spoolIdle = async (name) => {
  for (const state of ['queued', 'sending', 'printing']) {
    const r = await s.as('sup', 'GET', `/api/v1/print-jobs?printer=${name}&state=${state}`);
    if (r.status !== 200 || r.json.total !== 0) return false;
  }
  return true;
};
const print = (code, form, extra = {}) => s.as('clerk1', 'POST', `/api/v1/dossiers/${code}/print`, { body: { form, ...extra } });
const intake = async (extra = {}) => (await s.as('clerk1', 'POST', '/api/v1/dossiers', {
  body: { procedure: 'PI', applicant: APPLICANT, outcome: 'received', confirm_duplicate: true, documents: [{ name: 'Giấy báo tử', kind: 'original', count: 1 }], ...extra } })).json.dossier;
const done = (ids) => waitFor(async () => {
  const states = await Promise.all(ids.map(async (id) => (await job(id)).state));
  return states.every((x) => x === 'done');
}, 20000, `jobs ${ids} done`);

test('Mẫu 01 in two copies: Vietnamese text, code and appointment in the PDF', async () => {
  const d = await intake();
  const before = printer.pdfs().length;
  const r = await print(d.code, 'mau-01', { copies: 2 });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.jobs.length, 2);
  assert.equal(r.json.printer, 'a5');
  await done(r.json.jobs);
  const files = printer.pdfs().slice(before);
  assert.equal(files.length, 2);
  const text = printer.text(files[0]);
  assert.ok(text.includes(d.code), 'the dossier code');
  assert.ok(text.includes('Nguyễn Thị Hường'), 'the applicant, diacritics intact');
  assert.ok(text.includes('Liên thông khai tử'), `the procedure in:\n${text}`);
  assert.ok(text.includes('Giấy báo tử'), 'the documents received');
  assert.match(text, /03\/2025\/TT-VPCP/, 'the circular it follows');
  const due = new Date((d.due_at + 7 * 3600) * 1000);
  const ddmmyyyy = `${String(due.getUTCDate()).padStart(2, '0')}/${String(due.getUTCMonth() + 1).padStart(2, '0')}/${due.getUTCFullYear()}`;
  assert.ok(text.includes(ddmmyyyy), `the appointment ${ddmmyyyy}`);
  assert.deepEqual(printer.bytes(files[0]), printer.bytes(files[1]), 'both copies byte-identical');
});

test('Mẫu 02 to 06 for a dossier in the matching state', async () => {
  const sup = await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P5', applicant: APPLICANT, confirm_duplicate: true, outcome: 'supplement', missing: [{ item: 'Sơ đồ thửa đất', reason: 'Còn thiếu' }] } });
  const refused = await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P5', applicant: APPLICANT, confirm_duplicate: true, outcome: 'refused', reason: 'Không thuộc thẩm quyền của huyện' } });
  const d = await intake();
  assert.equal((await s.as('clerk1', 'POST', `/api/v1/dossiers/${d.code}/actions`, { body: { action: 'handover', to_office: 'TP', to_person: 'spec' } })).status, 200);
  assert.equal((await s.as('sup', 'POST', `/api/v1/dossiers/${d.code}/actions`, { body: { action: 'apologize', reason: 'Chờ xác minh của Công an xã', new_due: '2099-01-05T10:00+07:00' } })).status, 200);
  const w = await intake();
  assert.equal((await s.as('clerk1', 'POST', `/api/v1/dossiers/${w.code}/actions`, { body: { action: 'withdraw', reason: 'Công dân xin rút để bổ sung giấy tờ' } })).status, 200);
  const cases = [
    [sup.json.dossier.code, 'mau-02', ['Sơ đồ thửa đất', 'Còn thiếu']],
    [refused.json.dossier.code, 'mau-03', ['Không thuộc thẩm quyền của huyện']],
    [d.code, 'mau-04', ['Chờ xác minh của Công an xã', '05/01/2099']],
    [w.code, 'mau-05', ['Công dân xin rút để bổ sung giấy tờ']],
    [d.code, 'mau-06', ['Phòng Tư pháp', 'Cán bộ một', 'Chuyên viên']], // people by name, never the login
  ];
  for (const [code, form, words] of cases) {
    const before = printer.pdfs().length;
    const r = await print(code, form);
    assert.equal(r.status, 202, `${form}: ${r.text}`);
    await done(r.json.jobs);
    const text = printer.text(printer.pdfs()[before]);
    assert.ok(text.includes(code), `${form} has the code`);
    for (const w2 of words) assert.ok(text.includes(w2), `${form} has "${w2}"`);
  }
});

test('bad requests change nothing', async () => {
  const d = await intake();
  const jobs = s.sql('SELECT count(*) AS n FROM print_jobs')[0].n;
  assert.equal((await print(d.code, 'mau-99')).json.error.code, 'unknown_form');
  assert.equal((await print(d.code, 'mau-01', { copies: 9 })).json.error.code, 'invalid_copies');
  assert.equal((await print('NO-SUCH', 'mau-01')).status, 404);
  assert.equal((await s.as('kiosk-1', 'POST', `/api/v1/dossiers/${d.code}/print`, { body: { form: 'mau-01' } })).status, 403);
  assert.equal(s.sql('SELECT count(*) AS n FROM print_jobs')[0].n, jobs);
});

test('printer off: the forms wait, survive a restart, and print exactly once', async () => {
  const d = await intake();
  printer.off();
  const before = printer.pdfs().length;
  const r = await print(d.code, 'mau-01');
  assert.equal(r.status, 202, 'the answer never waits for the printer');
  const id = r.json.jobs[0];
  const waiting = await waitFor(async () => {
    const j = await job(id);
    // An attempt is counted when sending starts; wait for its outcome.
    return j.state !== 'done' && (j.last_error || j.printer_reasons) ? j : null;
  }, 20000, 'a failed attempt with its reason');
  assert.match(`${waiting.last_error} ${waiting.printer_reasons}`, /offline|unreachable|connect/i);
  await s.restart();
  assert.notEqual((await job(id)).state, 'done');
  printer.on();
  await done([id]);
  await waitFor(() => spoolIdle('a5'), 15000, 'nothing left to send to the printer');
  assert.equal(printer.pdfs().length, before + 1, 'printed once');
});
