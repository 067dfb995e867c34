// A feedback's attachments (docs/api.md "Feedback"): up to three JPEG, PNG
// or PDF files of at most 1 MiB each, recognised by their first bytes rather
// than their names; each stored with the sha256 of its bytes; a refused file
// refuses the whole filing (no feedback row, no file row, no number). The
// files reach those who may read the sender, with their type, as a download,
// never the official the feedback is about.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer, serveOne } from './lib/harness.mjs';
import { hexSql } from './lib/pg.mjs';
import { ok } from './lib/steps.mjs';

// A real 1×1 PNG and a real one-page PDF.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from(`%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj
trailer << /Root 1 0 R >>
%%EOF
`);
const HTML = Buffer.from('<html><script>alert(document.cookie)</script></html>');
const SENDER = { name: 'Võ Thị Hồng Nhung', address: 'Thôn Xuân Phước, Hướng Hóa', email: 'nhung@example.vn' };
const sha = (b) => createHash('sha256').update(b).digest('hex');
const att = (name, type, bytes) => ({ name, type, data: bytes.toString('base64') });
// PNG's first bytes, then filler up to n bytes.
const bigPng = (n) => Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(n - 8, 7)]);

let s;
before(async () => { s = await startServer(); });
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const file = (body) => s.req('POST', '/api/v1/public/feedback', { body });
const footprint = () => JSON.stringify([s.sql('SELECT count(*) AS n FROM feedback'),
  s.sql('SELECT count(*) AS n FROM feedback_files'), s.sql('SELECT * FROM feedback_numbers')]);

test('a PNG and a PDF are kept with the sha256 of their bytes and served to the handler', async () => {
  const r = await file({ class: 'conduct', counter: 1, text: 'Ảnh chụp bảng phí và biên lai kèm theo.', sender: SENDER,
    attachments: [att('bang-phi.png', 'image/png', PNG), att('bien-lai.pdf', 'application/pdf', PDF)] });
  assert.equal(r.status, 201, r.text);
  const rows = s.sql(`SELECT n, name, mime, size, sha256, ${hexSql(s.db, 'data')} AS hex FROM feedback_files
    WHERE feedback_id = (SELECT id FROM feedback WHERE code = '${r.json.code}') ORDER BY n`);
  assert.deepEqual(rows.map((x) => [x.n, x.name, x.mime, x.size, x.sha256]), [
    [1, 'bang-phi.png', 'image/png', PNG.length, sha(PNG)],
    [2, 'bien-lai.pdf', 'application/pdf', PDF.length, sha(PDF)]]);
  assert.equal(rows[0].hex, PNG.toString('hex').toUpperCase());

  // The supervisor downloads them as they came.
  const png = await s.as('sup', 'GET', `/api/v1/feedback/${r.json.code}/files/1`);
  assert.equal(png.status, 200);
  assert.equal(png.headers['content-type'], 'image/png');
  assert.match(png.headers['content-disposition'], /^attachment; filename="PA-\d{6}-\d{4}-1\.png"$/);
  assert.equal(png.headers['x-content-type-options'], 'nosniff');
  for (const [n, bytes, type] of [[1, PNG, 'image/png'], [2, PDF, 'application/pdf']]) {
    const res = await fetch(`${s.base}/api/v1/feedback/${r.json.code}/files/${n}`,
      { headers: { Authorization: `Bearer ${await s.login('sup')}` } });
    assert.equal(res.headers.get('content-type'), type);
    assert.equal(sha(Buffer.from(await res.arrayBuffer())), sha(bytes));
  }
  const none = await s.as('sup', 'GET', `/api/v1/feedback/${r.json.code}/files/3`);
  assert.deepEqual([none.status, none.json.error.code], [404, 'file_not_found']);
  // Not a clerk or a specialist who does not handle it.
  assert.equal((await s.as('clerk2', 'GET', `/api/v1/feedback/${r.json.code}/files/1`)).status, 404);
  assert.equal((await s.as('spec', 'GET', `/api/v1/feedback/${r.json.code}/files/1`)).status, 404);
});

test('the official the report is about never gets its files', async () => {
  await serveOne(s, 'clerk1', 2, 'HT');
  const f = ok(await file({ class: 'conduct', counter: 2, text: 'Cán bộ quầy 2 thu thêm tiền.', sender: SENDER,
    attachments: [att('anh.png', 'image/png', PNG)] }));
  const users = ok(await s.as('admin', 'GET', '/api/v1/users?limit=50')).items;
  const clerk1 = users.find((u) => u.username === 'clerk1').id;
  assert.equal(s.sql(`SELECT subject_user_id FROM feedback WHERE code = '${f.code}'`)[0].subject_user_id, clerk1);
  assert.equal((await s.as('clerk1', 'GET', `/api/v1/feedback/${f.code}/files/1`)).status, 404);
  assert.equal((await s.as('admin', 'GET', `/api/v1/feedback/${f.code}/files/1`)).status, 200);
});

test('a file is judged by its bytes, its size and its count; a refused one stores nothing', async () => {
  const before0 = footprint();
  const refusals = [
    [[att('anh.png', 'image/png', HTML)], 'file_type_not_allowed'],
    [[att('anh.png', 'image/png', PNG), att('trang.pdf', 'application/pdf', HTML)], 'file_type_not_allowed'],
    [[att('lon.png', 'image/png', bigPng(1024 * 1024 + 1))], 'file_too_large'],
    [[att('a.png', 'image/png', PNG), att('b.png', 'image/png', PNG), att('c.png', 'image/png', PNG), att('d.png', 'image/png', PNG)], 'too_many_files'],
    [[{ name: 'x.png', type: 'image/png', data: '***not base64***' }], 'invalid_field'],
  ];
  for (const [attachments, code] of refusals) {
    const r = await file({ class: 'other', text: 'Kèm tệp.', sender: SENDER, attachments });
    assert.deepEqual([r.status, r.json?.error?.code], [400, code], attachments.map((a) => a.name).join());
  }
  assert.equal(footprint(), before0, 'a refused attachment left something behind');

  // The bounds themselves are allowed: three files of exactly 1 MiB (a
  // body of over 4 MiB, this route's alone).
  const mib = bigPng(1024 * 1024);
  const r = await file({ class: 'other', text: 'Ba ảnh chụp.', sender: SENDER,
    attachments: [att('1.png', 'image/png', mib), att('2.png', 'image/png', mib), att('3.png', 'image/png', mib)] });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(s.sql(`SELECT sum(size) AS total, count(*) AS n FROM feedback_files
    WHERE feedback_id = (SELECT id FROM feedback WHERE code = '${r.json.code}')`)[0], { total: 3 * 1024 * 1024, n: 3 });
  // Any other route keeps the ordinary body limit.
  const other = await s.req('POST', '/api/v1/public/ratings', { body: { token: 'x', level: 'satisfied', pad: 'x'.repeat(200000) } });
  assert.deepEqual([other.status, other.json.error.code], [413, 'body_too_large']);
});
