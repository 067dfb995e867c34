// Attack (wave 15): the form preview (GET /api/v1/dossiers/{code}/forms/
// mau-01.pdf, the counter page's "xem trước") and the reprint of a receipt
// take the procedure's *current* version (printing.c printing_form_render:
// store_procedures_list, which lists current = 1), while docs/api.md says "a
// dossier keeps the version in force at its intake". Once the province
// imports a new version of a procedure (a new fee, a longer legal time), the
// Mẫu 01 previewed or reprinted for a dossier received before shows the new
// fee and legal time beside the old appointment: a legal receipt that
// contradicts what the citizen was told and charged.
// Expected: the preview of an earlier dossier's Mẫu 01 reads the legal time
// and fee of the version it was received under.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE } from './lib/province-bundle.mjs';
import { ok } from './lib/steps.mjs';
import { startCounterOffice } from './lib/counter.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { waitFor } from './lib/printer.mjs';

let s;
let dir;
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'motcua-143-'));
  s = await startServer({ bundle: PROVINCE_BUNDLE });
});
after(async () => { await s?.stop(); s?.cleanup(); if (dir) rmSync(dir, { recursive: true, force: true }); });

const pdfText = async (who, p) => {
  const token = await s.login(who);
  const res = await fetch(s.base + p, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  const file = path.join(dir, `${Math.random()}.pdf`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  const r = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.replace(/\s+/g, ' ');
};

test('the preview of an earlier dossier\'s receipt keeps the procedure version it was received under', async () => {
  const p3 = PROVINCE_BUNDLE.procedures.find((p) => p.code === 'P3');
  assert.equal(p3.processing.amount, 3);
  const d = ok(await s.as('a.clerk', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received', applicant: { name: 'Hồ Thị Minh Nguyệt', id_number: '045191003344' },
    documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }] } })).dossier;
  assert.equal(d.procedure.version, 1);
  const before = await pdfText('a.clerk', `/api/v1/dossiers/${d.code}/forms/mau-01.pdf`);
  assert.match(before, /3 ngày làm việc/, before);
  // The province imports a new version: a fee and a longer legal time.
  ok(await s.as('admin', 'POST', '/api/v1/procedures', { body: {
    ...p3, processing: { unit: 'working_days', amount: 12 }, fee_vnd: 75000 } }));
  const [row] = s.sql(`SELECT count(*) AS n FROM procedures WHERE code = 'P3'`);
  assert.equal(row.n, 2, 'a second version');
  const after = await pdfText('a.clerk', `/api/v1/dossiers/${d.code}/forms/mau-01.pdf`);
  assert.ok(!/12 ngày làm việc/.test(after) && !/75[.,]?000/.test(after),
    `the receipt of a dossier received under version 1 now reads version 2's legal time or fee: ${after}`);
  assert.match(after, /3 ngày làm việc/, after);
});

test('the work sheet (Mẫu 06) of an earlier dossier names the partner agencies of its own version', async () => {
  const pi = PROVINCE_BUNDLE.procedures.find((p) => p.code === 'PI');
  assert.deepEqual(pi.partners, ['CA']);
  const d = ok(await s.as('a.clerk', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'PI', outcome: 'received', applicant: { name: 'Lê Văn Thành', id_number: '045191005566' },
    documents: [{ name: 'Giấy báo tử', kind: 'original', count: 1 }] } })).dossier;
  const sheet = `/api/v1/dossiers/${d.code}/forms/mau-06.pdf`;
  assert.match(await pdfText('a.clerk', sheet), /Cơ quan phối hợp giải quyết hồ sơ: CA\b/);
  // A new version names another partner.
  ok(await s.as('admin', 'POST', '/api/v1/procedures', { body: { ...pi, partners: ['BHXH'] } }));
  assert.equal(s.sql(`SELECT count(*) AS n FROM procedures WHERE code = 'PI'`)[0].n, 2, 'a second version');
  const after = await pdfText('a.clerk', sheet);
  assert.ok(!/BHXH/.test(after), `the earlier dossier's sheet names the new version's partner: ${after}`);
  assert.match(after, /Cơ quan phối hợp giải quyết hồ sơ: CA\b/, after);
});

test('GET /procedures?code=&version= gives a dossier\'s own version, current or not', async () => {
  // P3 has two versions by now (the first test).
  const v1 = ok(await s.as('a.clerk', 'GET', '/api/v1/procedures?code=P3&version=1'));
  assert.equal(v1.total, 1);
  assert.equal(v1.items[0].version, 1);
  assert.equal(v1.items[0].processing.amount, 3);
  const cur = ok(await s.as('a.clerk', 'GET', '/api/v1/procedures?code=P3'));
  assert.equal(cur.items[0].version, 2);
  assert.equal(cur.items[0].processing.amount, 12);
  const none = ok(await s.as('a.clerk', 'GET', '/api/v1/procedures?code=P3&version=9'));
  assert.deepEqual([none.total, none.items.length], [0, 0]);
  const bad = await s.as('a.clerk', 'GET', '/api/v1/procedures?code=P3&version=x');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'invalid_filter');
});

test('motcua-counter: a receipt printed again after a new version reads the legal time and fee of the dossier\'s own version', async () => {
  const office = await startCounterOffice({ printer: { name: 'quay-1', paper: 'a5' } });
  try {
    const { s: srv, printer, clerk } = office;
    const p3 = DOSSIER_BUNDLE.procedures.find((p) => p.code === 'P3');
    const d = ok(await srv.as('clerk1', 'POST', '/api/v1/dossiers', { body: {
      procedure: 'P3', outcome: 'received', applicant: { name: 'Hồ Thị Minh Nguyệt', id_number: '045191003344' },
      documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }] } })).dossier;
    ok(await srv.as('admin', 'POST', '/api/v1/procedures', { body: {
      ...p3, processing: { unit: 'working_days', amount: 12 }, fee_vnd: 75000 } }));
    assert.equal(srv.sql(`SELECT count(*) AS n FROM procedures WHERE code = 'P3'`)[0].n, 2, 'a second version');
    const opened = await clerk.run(['counter', 'open', '1']);
    assert.equal(opened.status, 0, opened.stderr);
    const r = await clerk.run(['print', d.code, 'mau-01']);
    assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
    const mine = () => printer.pdfs().filter((f) => printer.text(f).includes(d.code));
    await waitFor(() => mine().length === 1, 15000, 'the receipt reached the printer');
    const text = printer.text(mine()[0]).replace(/\s+/g, ' ');
    assert.ok(!/12 ngày làm việc/.test(text) && !/75[.,]?000/.test(text),
      `the receipt of a dossier received under version 1 reads version 2's legal time or fee: ${text}`);
    assert.match(text, /3 ngày làm việc/, text);
  } finally {
    await office.stop();
  }
});
