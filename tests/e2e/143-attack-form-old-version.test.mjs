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
