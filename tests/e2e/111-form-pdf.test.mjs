// GET /api/v1/dossiers/{code}/forms/{form}.pdf: the counter page's preview
// of a form before printing. The same render as the print route (the PDF
// the spool holds reads the same), the applicant, the code and the
// appointment on Mẫu 01 (without the lookup secret), and the one answer of
// the server that its own pages may frame: a browser shows it in an iframe
// of /counter while it refuses to frame any other answer. Another centre's
// dossier is not found, as an unknown code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, PASSWORDS } from './lib/harness.mjs';
import { hexSql } from './lib/pg.mjs';
import { PROVINCE_BUNDLE, centrePrinters } from './lib/province-bundle.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { SKIP, launch, openPage } from './lib/browser.mjs';

// Monday 2 March 2026, 09:00 office time (UTC+7).
const MONDAY_9 = Date.UTC(2026, 2, 2, 2, 0, 0) / 1000;
const APPLICANT = { name: 'Hồ Thị Minh Nguyệt', id_number: '045191003344', address: 'Khóm 5, Khe Sanh', phone: '0915222333' };

let s;
let dir;
let aCode;
let bCode;
let due;
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'motcua-111-'));
  // Printers nobody answers: the print route only spools.
  const bundle = { ...PROVINCE_BUNDLE,
    printers: centrePrinters('a5', ['a5-ks', 'ipp://127.0.0.1:9/ipp/print'], ['a5-lb', 'ipp://127.0.0.1:9/ipp/print']) };
  s = await startServer({ bundle, args: ['--test-clock', '--logins-per-minute', '1000'] });
  await setClock(s, MONDAY_9);
  const a = ok(await s.as('a.clerk', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received', applicant: APPLICANT,
    documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }] } })).dossier;
  aCode = a.code;
  due = a.due_at;
  bCode = ok(await s.as('b.clerk', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received', applicant: { name: 'Nguyễn Văn Lộc', id_number: '045191005566' } } })).dossier.code;
});
after(async () => { await s?.stop(); s?.cleanup(); if (dir) rmSync(dir, { recursive: true, force: true }); });

// GET with a bearer token, the body kept as bytes.
async function getPdf(who, p) {
  const token = await s.login(who);
  const res = await fetch(s.base + p, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, headers: Object.fromEntries(res.headers), bytes: Buffer.from(await res.arrayBuffer()) };
}
const text = (bytes, name) => {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const r = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};
// HH:MM dd/mm/yyyy of epoch t in office time, as the forms print it.
const formTime = (t) => {
  const d = new Date((t + 7 * 3600) * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())} ${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
};

test('the preview of Mẫu 01 is the PDF the printer gets: applicant, code, appointment, no secret', async () => {
  const r = await getPdf('a.clerk', `/api/v1/dossiers/${aCode}/forms/mau-01.pdf`);
  assert.equal(r.status, 200, r.bytes.toString());
  assert.equal(r.headers['content-type'], 'application/pdf');
  assert.equal(r.headers['content-disposition'], `inline; filename="${aCode}-mau-01.pdf"`);
  assert.equal(r.bytes.subarray(0, 5).toString(), '%PDF-');
  const preview = text(r.bytes, 'preview.pdf');
  assert.ok(preview.includes(APPLICANT.name), preview);
  assert.ok(preview.includes(aCode), 'the code');
  assert.ok(preview.includes(formTime(due)), `the appointment ${formTime(due)}`);
  assert.ok(!/Mã tra cứu:/.test(preview), 'no lookup secret on a preview');
  assert.equal(s.sql('SELECT count(*) AS n FROM print_jobs')[0].n, 0, 'a preview spools nothing');

  // The print route's job holds the same form.
  const printed = ok(await s.as('a.clerk', 'POST', `/api/v1/dossiers/${aCode}/print`, { body: { form: 'mau-01', copies: 1 } }));
  const [row] = s.sql(`SELECT ${hexSql(s.db, 'data')} AS data FROM print_jobs WHERE id = ${printed.jobs[0]}`);
  assert.equal(text(Buffer.from(row.data, 'hex'), 'spooled.pdf'), preview, 'the same words, the same layout');

  // Another form of the same dossier: the control sheet.
  const sheet = await getPdf('a.clerk', `/api/v1/dossiers/${aCode}/forms/mau-06.pdf`);
  assert.equal(sheet.status, 200);
  assert.ok(text(sheet.bytes, 'sheet.pdf').includes(aCode));
});

test('only this answer may be framed, and only by the server itself', async () => {
  const r = await getPdf('a.clerk', `/api/v1/dossiers/${aCode}/forms/mau-01.pdf`);
  assert.equal(r.headers['x-frame-options'], 'SAMEORIGIN');
  assert.match(r.headers['content-security-policy'], /frame-ancestors 'self'$/);
  assert.match(r.headers['content-security-policy'], /^default-src 'self'; /, 'the rest of the policy stays');
  for (const p of [`/api/v1/dossiers/${aCode}`, '/counter', `/api/v1/dossiers/${bCode}/forms/mau-01.pdf`,
    `/api/v1/dossiers/${aCode}/forms/mau-09.pdf`]) {
    const o = await getPdf('a.clerk', p);
    assert.equal(o.headers['x-frame-options'], 'DENY', p);
    assert.match(o.headers['content-security-policy'], /frame-ancestors 'none'$/, p);
  }
});

test("another centre's dossier is not found, an unknown form is refused, a kiosk may not look", async () => {
  const unknown = await getPdf('a.clerk', '/api/v1/dossiers/TT-LB-260302-9999/forms/mau-01.pdf');
  assert.equal(unknown.status, 404);
  const other = await getPdf('a.clerk', `/api/v1/dossiers/${bCode}/forms/mau-01.pdf`);
  assert.equal(other.status, 404);
  assert.equal(other.bytes.toString(), unknown.bytes.toString(), 'the same answer as an unknown code');
  assert.equal(JSON.parse(other.bytes).error.code, 'dossier_not_found');
  assert.equal((await getPdf('b.clerk', `/api/v1/dossiers/${bCode}/forms/mau-01.pdf`)).status, 200, "its own centre's clerk sees it");
  for (const f of ['mau-09.pdf', 'mau-01.txt', 'mau-01', 'x.pdf']) {
    const bad = await getPdf('a.clerk', `/api/v1/dossiers/${aCode}/forms/${f}`);
    assert.equal(bad.status, 400, f);
    assert.equal(JSON.parse(bad.bytes).error.code, 'unknown_form', f);
  }
  const kiosk = await fetch(`${s.base}/api/v1/dossiers/${aCode}/forms/mau-01.pdf`, { headers: { Authorization: `Bearer ${s.devices['a-kiosk']}` } });
  assert.equal(kiosk.status, 403);
});

test('a page of the server frames the preview; any other answer is refused a frame', { skip: SKIP }, async () => {
  const browser = await launch();
  try {
    const page = await openPage(browser, `${s.base}/counter`);
    const login = await page.context().request.post(`${s.base}/api/v1/session`,
      { data: { username: 'a.clerk', password: PASSWORDS['a.clerk'] } });
    assert.equal(login.status(), 201);
    // Frames url in the page and resolves the URL its frame ended on (a
    // refused frame ends on Chromium's error page).
    const frame = async (url) => {
      const loaded = page.waitForResponse((res) => res.url() === url, { timeout: 15000 });
      await page.evaluate((u) => {
        const f = document.createElement('iframe');
        f.src = u;
        document.body.append(f);
      }, url);
      await loaded;
      const handle = await page.waitForSelector(`iframe[src="${url}"]`, { state: 'attached' });
      const deadline = Date.now() + 15000;
      for (;;) {
        const f = await handle.contentFrame();
        const u = f ? f.url() : '';
        if (u.startsWith('chrome-error:') || u === url) return u;
        assert.ok(Date.now() < deadline, `frame of ${url} ended on "${u}"`);
        await page.waitForTimeout(100);
      }
    };
    const pdf = `${s.base}/api/v1/dossiers/${aCode}/forms/mau-02.pdf`;
    assert.equal(await frame(pdf), pdf, 'the preview is shown in the frame');
    const json = `${s.base}/api/v1/dossiers/${aCode}`;
    assert.match(await frame(json), /^chrome-error:/, 'a JSON answer is refused a frame');
  } finally {
    await browser.close();
  }
});
