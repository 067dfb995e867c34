// tsan: yes
// The rating slip printed by the server (POST /api/v1/dossiers/{code}/rating-slip,
// POST /api/v1/tickets/{id}/rating-slip), as a citizen gets it from the
// counter's printer: the title, the centre, the dossier code, the code grouped
// for typing with its last day, and a QR code that opens /rate?t=<token> on
// this server, a link the rating page accepts. The link and its print are made
// together: a printer that is off delays the slip (spooled, printed once it is
// back), a centre with no printer at all gets 503 and no link, another centre's
// dossier is not found and nothing is spooled. An Idempotency-Key replay
// gives the same link; the job is listed with ?kind=slip and can be reprinted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';
import { TestPrinter, waitFor } from './lib/printer.mjs';

let s;
let pa;
before(async () => {
  pa = new TestPrinter();
  s = await startServer({
    bundle: {
      ...PROVINCE_BUNDLE,
      // Centre A: counter 1 has its own ticket printer, counter 3 a thermal
      // one on a raw queue, the hall a default (all the same test printer);
      // centre B has no printer at all.
      printers: [
        { office: CENTRE_A, name: 'ks-quay1', target: pa.uri, format: 'pdf', paper: '80mm' },
        { office: CENTRE_A, name: 'ks-sanh', target: pa.uri, format: 'pdf', paper: '80mm', default: true },
        { office: CENTRE_A, name: 'ks-nhiet', target: pa.uri, format: 'escpos', paper: '58mm' },
      ],
      counters: PROVINCE_BUNDLE.counters.map((c) => (c.office !== CENTRE_A ? c
        : c.no === 1 ? { ...c, printer: 'ks-quay1' } : c.no === 3 ? { ...c, printer: 'ks-nhiet' } : c)),
    },
  });
});
after(async () => {
  await s?.stop();
  s?.cleanup();
  pa?.stop();
});

const enc = encodeURIComponent;
let applicants = 0; // each dossier its own applicant: no duplicate warning
const intake = async (clerk, office) => {
  applicants += 1;
  const r = await s.as(clerk, 'POST', '/api/v1/dossiers', {
    body: {
      procedure: 'P3', office,
      applicant: { name: 'Lê Văn Sanh', id_number: `0451910088${String(applicants).padStart(2, '0')}`, address: 'Khe Sanh', phone: '0916888999' },
      documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }], sets: 1, outcome: 'received',
    },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.dossier.code;
};
const slip = (who, code, body, headers = {}) =>
  s.as(who, 'POST', `/api/v1/dossiers/${enc(code)}/rating-slip`, { body, headers });
const flat = (file) => pa.text(file).replace(/\s+/g, ' ');
// The printed slips of a link, found by their code (the printer numbers its
// files afresh when switched off and on).
const slipsOf = (token) => pa.pdfs().filter((f) => flat(f).includes(grouped(token)));
const slipOf = async (token, what) => (await waitFor(() => { const f = slipsOf(token); return f.length ? f : null; }, 20000, what))[0];
const qrOf = (file) => {
  const png = path.join(path.dirname(file.path), `${path.basename(file.path, '.pdf')}-qr`);
  assert.equal(spawnSync('pdftoppm', ['-png', '-r', '200', '-singlefile', file.path, png]).status, 0);
  return spawnSync('zbarimg', ['--raw', '-q', `${png}.png`], { encoding: 'utf8' }).stdout
    .split('\n').map((x) => x.trim()).find((x) => x.includes('/rate?')) ?? ''; // (the small feedback QR beside it)
};
const grouped = (t) => t.match(/.{1,4}/g).join('-');
// dd/mm/yyyy of an instant in office time (UTC+7).
const day = (epoch) => {
  const d = new Date((epoch + 7 * 3600) * 1000);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
};
const count = (sql) => s.sql(sql)[0].n;
const job = async (id) => (await s.as('a.clerk', 'GET', `/api/v1/print-jobs/${id}`)).json.job;

test('the slip reaches counter 1\'s printer: title, centre, code, grouped code, a QR code that opens /rate', async () => {
  const code = await intake('a.clerk', CENTRE_A);
  const before = pa.pdfs().length;
  const key = `slip-${code}`;
  const r = await slip('a.clerk', code, { counter: 1 }, { 'Idempotency-Key': key });
  assert.equal(r.status, 201, r.text);
  const { link, print } = r.json;
  assert.match(link.token, /^[A-Z2-9]{20}$/);
  assert.equal(link.url, `/rate?t=${link.token}`);
  assert.equal(print.printer, 'ks-quay1');
  assert.equal(print.jobs.length, 1);

  const file = await slipOf(link.token, 'the slip on the printer');
  const text = flat(file);
  assert.match(text, /PHIẾU ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG/);
  assert.match(text, /Trung tâm Phục vụ hành chính công xã Khe Sanh/);
  assert.ok(text.includes(code), `the dossier code ${code} in: ${text}`);
  assert.match(text, /Đăng ký kết hôn/);
  assert.ok(text.includes(grouped(link.token)), `the grouped code ${grouped(link.token)} in: ${text}`);
  assert.ok(text.includes(`Mã đánh giá (dùng đến ${day(link.expires_at)})`), `the last day in: ${text}`);
  // (pdftotext may break the line after "http://")
  assert.ok(text.replace(/\s/g, '').includes(`${s.base}/rate`), `the short address to type in: ${text}`);

  const url = new URL(qrOf(file));
  assert.equal(url.origin, s.base);
  assert.equal(url.pathname, '/rate');
  assert.equal(url.searchParams.get('t'), link.token);
  const info = await s.req('GET', `/api/v1/public/ratings/${url.searchParams.get('t')}`);
  assert.equal(info.status, 200, info.text);
  assert.equal(info.json.kind, 'dossier');
  assert.equal(info.json.what, 'Đăng ký kết hôn');
  assert.equal(info.json.rated, false);

  // A retry with the same key: the same link, nothing more made or printed.
  const again = await slip('a.clerk', code, { counter: 1 }, { 'Idempotency-Key': key });
  assert.equal(again.status, 201, again.text);
  assert.deepEqual(again.json, r.json);
  assert.equal(count(`SELECT count(*) AS n FROM rating_links WHERE subject = 'dossier:${code}'`), 1);
  assert.equal(count(`SELECT count(*) AS n FROM print_jobs WHERE kind = 'slip' AND ref = '${code}'`), 1);

  // Staff find it among the slips, and reprint it.
  const list = await s.as('a.clerk', 'GET', '/api/v1/print-jobs?kind=slip');
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.items.map((j) => [j.id, j.kind, j.ref]), [[print.jobs[0], 'slip', code]]);
  await waitFor(async () => (await job(print.jobs[0])).state === 'done', 20000, 'the slip done');
  const re = await s.as('a.clerk', 'POST', `/api/v1/print-jobs/${print.jobs[0]}/reprint`);
  assert.equal(re.status, 201, re.text);
  const both = await waitFor(() => { const f = slipsOf(link.token); return f.length === 2 ? f : null; }, 20000, 'the reprint');
  assert.ok(pa.bytes(both[0]).equals(pa.bytes(both[1])), 'the reprint is the same slip');
  assert.equal(pa.pdfs().length, before + 2);
});

test('a counter without a printer of its own prints on the centre\'s default', async () => {
  const code = await intake('a.clerk', CENTRE_A);
  const r = await slip('a.clerk', code, { counter: 2 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.print.printer, 'ks-sanh');
  await waitFor(async () => (await job(r.json.print.jobs[0])).state === 'done', 20000, 'the slip done');
  await slipOf(r.json.link.token, 'the slip on the default printer');
});

test('a thermal printer on a raw queue gets the slip as ESC/POS raster as wide as its 58 mm roll', async () => {
  const code = await intake('a.clerk', CENTRE_A);
  const raws = () => readdirSync(pa.spool).filter((f) => !/\.(pdf|png)$/.test(f));
  const before = raws();
  const r = await slip('a.clerk', code, { counter: 3 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.print.printer, 'ks-nhiet');
  await waitFor(async () => (await job(r.json.print.jobs[0])).state === 'done', 20000, 'the raw slip done');
  const name = await waitFor(() => raws().find((f) => !before.includes(f)), 10000, 'the raw file');
  const bytes = readFileSync(path.join(pa.spool, name));
  // ESC @, then GS v 0 with 48 bytes (384 dots) a row; a feed and a cut at the end.
  assert.deepEqual([...bytes.subarray(0, 8)], [0x1b, 0x40, 0x1d, 0x76, 0x30, 0x00, 48, 0x00], name);
  assert.deepEqual([...bytes.subarray(-4)], [0x1d, 0x56, 0x42, 0x00]);
  assert.ok(bytes.length > 48 * 400, `a slip's length of raster (${bytes.length} bytes)`);
});

test('printer off: the slip waits in the spool and prints once the printer is back, once', async () => {
  const code = await intake('a.clerk', CENTRE_A);
  const before = pa.pdfs().length;
  pa.off();
  let r;
  try {
    r = await slip('a.clerk', code, { counter: 1 });
    assert.equal(r.status, 201, r.text);
    const id = r.json.print.jobs[0];
    await waitFor(async () => {
      const j = await job(id);
      return j.state === 'queued' && j.attempts >= 1 && /offline/.test(j.printer_reasons ?? '');
    }, 20000, 'the slip to wait for the printer');
    assert.equal(pa.pdfs().length, before, 'nothing printed while off');
  } finally {
    pa.on();
  }
  const id = r.json.print.jobs[0];
  await waitFor(async () => (await job(id)).state === 'done', 60000, 'the slip printed after the printer came back');
  // (the printer numbers its files afresh after a restart: found by content)
  await waitFor(() => pa.pdfs().length === before + 1, 10000, 'the slip file');
  assert.equal(slipsOf(r.json.link.token).length, 1, 'printed once');
});

test('a centre with no printer at all: 503 printer_not_configured, no link made', async () => {
  const code = await intake('b.clerk', CENTRE_B);
  const links = count('SELECT count(*) AS n FROM rating_links');
  const jobs = count('SELECT count(*) AS n FROM print_jobs');
  const r = await slip('b.clerk', code, { counter: 1 });
  assert.equal(r.status, 503, r.text);
  assert.equal(r.json.error.code, 'printer_not_configured');
  assert.doesNotMatch(r.json.error.message, /printer|_/, 'a Vietnamese message');
  assert.equal(count('SELECT count(*) AS n FROM rating_links'), links, 'no rating link');
  assert.equal(count('SELECT count(*) AS n FROM print_jobs'), jobs, 'no job');
});

test('another centre\'s dossier is not found: 404, nothing spooled, no link', async () => {
  const code = await intake('b.clerk', CENTRE_B);
  const links = count('SELECT count(*) AS n FROM rating_links');
  const jobs = count('SELECT count(*) AS n FROM print_jobs');
  const r = await slip('a.clerk', code, { counter: 1 });
  assert.equal(r.status, 404, r.text);
  assert.equal(r.json.error.code, 'dossier_not_found');
  const unknown = await slip('a.clerk', 'TT-KS-000000-9999', {});
  assert.equal(unknown.status, 404, unknown.text);
  assert.equal(count('SELECT count(*) AS n FROM rating_links'), links);
  assert.equal(count('SELECT count(*) AS n FROM print_jobs'), jobs);
});

test('bad input changes nothing: a counter that is not a number, another field', async () => {
  const code = await intake('a.clerk', CENTRE_A);
  const jobs = count('SELECT count(*) AS n FROM print_jobs');
  for (const body of [{ counter: 'một' }, { counter: -1 }, { counter: 1.5 }, { counter: 1, printer: 'x' }]) {
    const r = await slip('a.clerk', code, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
  }
  assert.equal(count(`SELECT count(*) AS n FROM rating_links WHERE subject = 'dossier:${code}'`), 0);
  assert.equal(count('SELECT count(*) AS n FROM print_jobs'), jobs);
});

test('a dossier already rated: 409 already_rated, nothing printed', async () => {
  const code = await intake('a.clerk', CENTRE_A);
  const r = await slip('a.clerk', code, {});
  assert.equal(r.status, 201, r.text);
  const rated = await s.req('POST', '/api/v1/public/ratings', { body: { token: grouped(r.json.link.token).toLowerCase(), level: 'satisfied' } });
  assert.equal(rated.status, 201, rated.text);
  const jobs = count('SELECT count(*) AS n FROM print_jobs');
  const again = await slip('a.clerk', code, {});
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error.code, 'already_rated');
  assert.equal(count('SELECT count(*) AS n FROM print_jobs'), jobs);
});

test('a queue visit\'s slip: POST /api/v1/tickets/{id}/rating-slip names the number and the service', async () => {
  assert.equal((await s.as('a.clerk', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } })).status, 200);
  const t = await s.as('a-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
  assert.equal(t.status, 201, t.text);
  const id = t.json.ticket.id;
  // Not yet served: refused, nothing made.
  const early = await s.as('a.clerk', 'POST', `/api/v1/tickets/${id}/rating-slip`, { body: {} });
  assert.equal(early.status, 409, early.text);
  assert.equal(early.json.error.code, 'ticket_not_served');
  const call = await s.as('a.clerk', 'POST', '/api/v1/counters/1/call', { body: {} });
  assert.equal(call.status, 200, call.text);
  const before = pa.pdfs().length;
  const r = await s.as('a.clerk', 'POST', `/api/v1/tickets/${id}/rating-slip`, { body: { counter: 1 } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.print.printer, 'ks-quay1');
  const text = flat(await slipOf(r.json.link.token, 'the visit\'s slip'));
  assert.equal(pa.pdfs().length, before + 1);
  assert.match(text, new RegExp(`Số thứ tự: ${t.json.ticket.label}`));
  assert.match(text, /Chứng thực/);
  assert.ok(text.includes(grouped(r.json.link.token)));
  const info = await s.req('GET', `/api/v1/public/ratings/${r.json.link.token}`);
  assert.equal(info.status, 200, info.text);
  assert.equal(info.json.kind, 'ticket');
  // B's clerk cannot print a slip for A's visit.
  const other = await s.as('b.clerk', 'POST', `/api/v1/tickets/${id}/rating-slip`, { body: {} });
  assert.equal(other.status, 404, other.text);
});
