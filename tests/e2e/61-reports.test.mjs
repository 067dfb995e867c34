// The periodic report to the Home Affairs office: the CSV carries exactly the
// API's figures (and a byte order mark, for Excel), and the PDF read back with
// pdftotext shows the same ones in Vietnamese conventions (93,3 %, counts
// without ".0") inside the administrative frame: Quốc hiệu and Tiêu ngữ, the
// agency, the number, place and date, the signer block.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
const SKIP = spawnSync('pdftotext', ['-v']).error ? 'pdftotext is missing (apt-get install poppler-utils)' : false;

let s;
const BUNDLE = { ...DOSSIER_BUNDLE,
  office: { ...DOSSIER_BUNDLE.office, name: 'Bộ phận Tiếp nhận và Trả kết quả - UBND huyện Hướng Hóa',
    parent: 'UBND huyện Hướng Hóa', locality: 'Hướng Hóa' } };
before(async () => { s = await startServer({ bundle: BUNDLE, args: ['--test-clock'] }); });
after(async () => { await s.stop(); s.cleanup(); });

const clock = (t) => setClock(s, t);
const intake = async (p) => ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: p, applicant: { name: 'Lê Thị Lan' }, outcome: 'received' } })).dossier.code;
const act = async (code, action, extra = {}) => ok(await s.as('sup', 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/actions`, { body: { action, ...extra } }));

test('2026-Q1 as CSV and PDF: the same figures as GET /indicators', { skip: SKIP }, async () => {
  await clock(at(2026, 2, 2, 9));
  const a = await intake('P3'); const b = await intake('P3'); const c = await intake('P5');
  await clock(at(2026, 2, 3, 9));
  await act(a, 'result_ready');
  await clock(at(2026, 2, 10, 9));
  await act(b, 'result_ready'); // late: due Thu 5/2 09:00
  await clock(at(2026, 4, 2, 9));
  const api = ok(await s.as('sup', 'GET', '/api/v1/indicators?from=2026-01-01&to=2026-03-31&by=office'));
  assert.equal(api.dossiers.total.received, 3);

  const csv = await s.as('sup', 'GET', '/api/v1/reports/2026-Q1.csv');
  assert.equal(csv.status, 200);
  assert.match(csv.headers['content-type'], /text\/csv/);
  assert.ok(csv.text.startsWith('\uFEFF'), 'the CSV starts with the UTF-8 byte order mark');
  const rows = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((x) => x.replace(/,$/, '').replace(/^"|"$/g, '')));
  // Vietnamese columns for a reader, then the machine's: the API's value and the keys.
  assert.deepEqual(rows[0].slice(0, 8), ['Phần', 'Nhóm', 'Chỉ tiêu', 'Giá trị', 'Giá trị (dạng máy: dấu chấm thập phân; tỷ lệ 0-1)', 'Mã phần', 'Mã nhóm', 'Mã chỉ tiêu']);
  const row = (section, group, metric) => rows.find((r) => r[5] === section && r[6] === group && r[7] === metric);
  const val = (section, group, metric) => row(section, group, metric)?.[4];
  assert.equal(row('period', '', 'label')[3], 'Quý I năm 2026');
  assert.equal(val('dossiers', 'total', 'received'), String(api.dossiers.total.received));
  assert.equal(val('dossiers', 'total', 'finished.late'), String(api.dossiers.total.finished.late));
  assert.equal(Number(val('dossiers', 'total', 'on_time_rate')), api.dossiers.total.on_time_rate);
  assert.equal(Number(val('dossiers', 'TP', 'on_time_rate')), api.dossiers.groups.find((g) => g.key === 'TP').on_time_rate);
  assert.equal(Number(val('score_766', 'processing_on_time', 'points')), api.score_766.parts[0].points);
  // The reader's columns: Vietnamese words, offices by name, the value as
  // printed (a decimal comma and a space before %).
  assert.deepEqual(row('dossiers', 'TP', 'on_time_rate').slice(0, 3), ['Hồ sơ', 'Phòng Tư pháp', 'Tỷ lệ đúng hạn']);
  assert.deepEqual(row('dossiers', 'total', 'received').slice(0, 3), ['Hồ sơ', 'Tổng', 'Tiếp nhận mới']);
  const shown = (section, group, metric) => row(section, group, metric)?.[3];
  assert.equal(shown('dossiers', 'total', 'on_time_rate'), `${(api.dossiers.total.on_time_rate * 100).toFixed(1).replace('.', ',')} %`);
  assert.equal(shown('dossiers', 'total', 'received'), String(api.dossiers.total.received));
  assert.match(shown('score_766', 'processing_on_time', 'points'), /^\d+,\d\d$/, 'points with two decimals');
  for (const r of rows.slice(1)) {
    assert.doesNotMatch(r.slice(0, 4).join(' '), /\b(dossiers|queue|satisfaction|score_766|total|finished|on_time)\b/, `no machine word for the reader: ${r}`);
  }

  const pdf = await s.as('sup', 'GET', '/api/v1/reports/2026-Q1.pdf');
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  const raw = await new Promise((resolve, reject) => {
    import('node:http').then(({ default: http }) => {
      const req = http.get(`${s.base}/api/v1/reports/2026-Q1.pdf`, { headers: { Authorization: `Bearer ${s.tokens.sup}` } }, (res) => {
        const chunks = []; res.on('data', (d) => chunks.push(d)); res.on('end', () => resolve(Buffer.concat(chunks)));
      });
      req.on('error', reject);
    });
  });
  const file = path.join(s.dir, 'q1.pdf');
  writeFileSync(file, raw);
  if (process.env.MOTCUA_BUILD) writeFileSync(path.join(process.env.MOTCUA_BUILD, 'report-2026-Q1.pdf'), raw);
  const t = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stderr);
  const text = t.stdout;
  assert.match(text, /BÁO CÁO TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH/);
  assert.match(text, /Quý I năm 2026/);
  // The frame: national name and motto, the agency under its parent, the
  // number, place and date of today (the test clock: 02/4/2026), the signer.
  assert.match(text, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
  assert.match(text, /Độc lập - Tự do - Hạnh phúc/);
  assert.match(text, /UBND HUYỆN HƯỚNG HÓA/);
  assert.match(text, /BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ/);
  assert.match(text, /Số:\s+\/BC-/);
  assert.match(text, /Hướng Hóa, ngày 02 tháng 4 năm 2026/);
  assert.match(text, /Kính gửi: Phòng Nội vụ/);
  assert.match(text, /NGƯỜI LẬP BÁO CÁO/);
  assert.match(text, /\(Ký, ghi rõ họ tên\)/);
  assert.match(text, /Nơi nhận:/);
  assert.match(text, /từ 01\/01\/2026 đến 31\/03\/2026/);
  // Vietnamese numbers: no decimal point anywhere among the figures, no
  // count with ".0".
  assert.doesNotMatch(text, /\d\.\d+ ?%/, 'percentages take a decimal comma');
  assert.doesNotMatch(text, /\b\d+\.0\b/, 'counts have no ".0"');
  const line = (label) => text.split('\n').find((l) => l.includes(label)) ?? '';
  const tot = api.dossiers.total;
  assert.match(line('Tiếp nhận mới'), new RegExp(`\\b${tot.received}\\b`));
  assert.match(line('Trước hạn'), new RegExp(`\\b${tot.finished.early}\\b`));
  assert.match(line('Quá hạn'), new RegExp(`\\b${tot.finished.late}\\b`));
  const vi = (x, d) => x.toFixed(d).replace('.', ',');
  assert.ok(line('Tỷ lệ đúng hạn').includes(`${vi(tot.on_time_rate * 100, 1)} %`), line('Tỷ lệ đúng hạn'));
  assert.ok(line('Phòng Tư pháp').includes('Phòng Tư pháp'));
  const pts = api.score_766.parts[0].points;
  assert.ok(line('Tiến độ giải quyết').includes(vi(pts, 2)), line('Tiến độ giải quyết'));
  // The 766 total as on the screen; one rule per column of figures.
  assert.match(line('Cộng'), new RegExp(`Cộng\\s+${vi(api.score_766.points, 2)}\\s+${api.score_766.maximum}(?![,\\d])`), line('Cộng'));
  assert.ok(line('Trung vị (ngày làm việc)').trim().split(/\s{2,}/).slice(1).every((x) => /^(\d+,\d\d|—)$/.test(x)), line('Trung vị (ngày làm việc)'));
  // Every page: the office by name, "Trang n/N"; never the software's name.
  const pages = text.split('\f').filter((p) => p.trim());
  pages.forEach((p, i) => assert.match(p, new RegExp(`Bộ phận Tiếp nhận và Trả kết quả · Báo cáo gửi Phòng Nội vụ · Quý I năm 2026 — Trang ${i + 1}/${pages.length}`)));
  assert.doesNotMatch(text, /motcua/);
  // Section 2 says what it lists (offices, by default).
  assert.match(text, /2\. Theo cơ quan, đơn vị giải quyết/);
  assert.doesNotMatch(text, /thủ tục hoặc lĩnh vực/);
  assert.match(text, /Phòng Tài nguyên và Môi trường/);
});

test('every period form; roles', async () => {
  for (const p of ['2026', '2026-H1', '2026-H2', '2026-9M', '2026-Q4', '2026-03']) {
    const r = await s.as('sup', 'GET', `/api/v1/reports/${p}.csv`);
    assert.equal(r.status, 200, p);
  }
  for (const p of ['2026-13', '2026-Q0', '2026-H3', '26-Q1', '2026-10M']) {
    const r = await s.as('sup', 'GET', `/api/v1/reports/${p}.csv`);
    assert.equal(r.status, 400, p);
  }
  assert.equal((await s.as('clerk1', 'GET', '/api/v1/reports/2026-Q1.pdf')).status, 403);
});
