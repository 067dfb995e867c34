// The receipt (Mẫu 01) of a dossier received at a centre of a province, as
// the citizen gets it from the printer: one A5 page with the signatures on
// it, never the signatures and the note alone on a second page (a land
// procedure of the demo catalogue, its five documents and one more, a long
// address and an e-mail, the return centre in another commune), and the place where the result is collected
// composed as one sentence: "…xã Lao Bảo, xã Lao Bảo, tỉnh Quảng Trị", never
// a capitalised "Xã"/"Phường" in the middle of the line (the centre's address
// is written as a heading would: "Xã Lao Bảo, tỉnh Quảng Trị").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, SOURCE } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';
import { TestPrinter, waitFor } from './lib/printer.mjs';

const demo = JSON.parse(readFileSync(path.join(SOURCE, 'data/demo-bundle.json'), 'utf8'));
const PROC = demo.procedures.find((p) => p.code === '1.012753');

let s;
let printer;
before(async () => {
  printer = new TestPrinter();
  s = await startServer({
    bundle: {
      ...PROVINCE_BUNDLE,
      // Addresses as the demo province writes them: the commune first.
      offices: PROVINCE_BUNDLE.offices.map((o) => (o.code === CENTRE_A
        ? { ...o, address: 'Phường Đông Hà, tỉnh Quảng Trị' }
        : o.code === CENTRE_B ? { ...o, address: 'Xã Lao Bảo, tỉnh Quảng Trị' } : o)),
      printers: [{ office: CENTRE_A, name: 'ks-a5', target: printer.uri, format: 'pdf', paper: 'a5', default: true }],
      procedures: [...PROVINCE_BUNDLE.procedures, { ...PROC, demo: undefined }],
    },
  });
});
after(async () => {
  await s?.stop();
  s?.cleanup();
  printer?.stop();
});

const run = (cmd, file) => {
  const r = spawnSync(cmd, [file, ...(cmd === 'pdftotext' ? ['-'] : [])], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};

test('Mẫu 01 of a centre\'s dossier: one page with the signatures, the collecting place one sentence', async () => {
  const r = await s.as('a.clerk', 'POST', '/api/v1/dossiers', {
    body: {
      procedure: PROC.code,
      applicant: { name: 'Hồ Thị Thanh Xuân', id_number: '045187001234', phone: '0912345678', address: 'Số nhà 125, đường Lê Duẩn, khu phố 3, thôn Tân Hòa, xã Lao Bảo, tỉnh Quảng Trị', email: 'hothithanhxuan.1985@gmail.com' },
      outcome: 'received',
      documents: [...PROC.documents.map(({ name, kind, count }) => ({ name, kind, count })),
        { name: 'Văn bản ủy quyền có chứng thực (người nộp thay)', kind: 'copy', count: 1 }],
      authority: 'UB-LB',
      return_at: CENTRE_B,
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const { code } = r.json.dossier;
  const p = await s.as('a.clerk', 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/print`,
    { body: { form: 'mau-01', secret: r.json.secret } });
  assert.equal(p.status, 202, JSON.stringify(p.json));
  const [file] = await waitFor(() => (printer.pdfs().length === 1 ? printer.pdfs() : null), 15000, 'the receipt');

  const text = run('pdftotext', file.path);
  const flat = text.replace(/\s+/g, ' ');
  assert.match(run('pdfinfo', file.path), /^Pages:\s+1$/m, `one page:\n${text}`);
  assert.match(flat, /NGƯỜI NỘP HỒ SƠ/, 'the signature block is on it');
  assert.match(flat, /Hồ Thị Thanh Xuân/);
  assert.ok(flat.includes(code), 'the dossier code');
  assert.match(flat, /6\. Đăng ký nhận kết quả tại: Trung tâm Phục vụ hành chính công xã Lao Bảo, xã Lao Bảo, tỉnh Quảng Trị/,
    `where to collect, one sentence:\n${flat}`);
  // No unit word capitalised after a word or a comma (a heading's "Xã …"
  // at the start of a line or after a full stop is fine).
  const mid = flat.match(/(?:[,;]|\p{Ll}) (?:Xã|Phường|Tỉnh|Thị trấn|Đặc khu)\b/u);
  assert.equal(mid, null, `a capitalised unit word mid-sentence ("${mid?.[0]}"):\n${flat}`);
});
