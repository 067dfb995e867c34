// motcua-counter in a province of two centres (docs/province.md,
// "Boundary-free intake"): at intake the clerk chooses the competent
// authority and the centre where the citizen collects the result, by code or
// name (flags) or from the list of the province's offices (at a terminal,
// the clerk's own by default); the confirmation says where to collect the
// result. Every printed form is headed by the centre that received the
// dossier, under the body it belongs to, with its place — never another
// centre's, whoever prints (the counter client or the server's spool).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, PROVINCE_PASSWORDS, CENTRE_A, CENTRE_B, centrePrinters } from './lib/province-bundle.mjs';
import { TestPrinter, waitFor } from './lib/printer.mjs';
import { Clerk } from './lib/counter.mjs';

const LB = 'Trung tâm Phục vụ hành chính công xã Lao Bảo';
const KS = 'Trung tâm Phục vụ hành chính công xã Khe Sanh';

let s;
let pa;
let pb;
const clerks = [];
before(async () => {
  pa = new TestPrinter();
  pb = new TestPrinter();
  s = await startServer({
    bundle: {
      ...PROVINCE_BUNDLE,
      printers: centrePrinters('a5', ['ks-a5', pa.uri], ['lb-a5', pb.uri]),
    },
  });
});
after(async () => {
  await s?.stop();
  s?.cleanup();
  pa?.stop();
  pb?.stop();
  for (const c of clerks) c.cleanup();
});

const ok = (r) => { assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout ?? r.out}\n${r.stderr ?? ''}`); return r; };
async function clerk(user) {
  const c = new Clerk(s.base);
  clerks.push(c);
  ok(await c.login(user, PROVINCE_PASSWORDS[user]));
  return c;
}
const flat = (printer, file) => printer.text(file).replace(/\s+/g, ' ');
const codeOf = (out) => out.match(/hồ sơ (TT-[A-Z]+-\d{6}-\d{4})/)[1];
const dossier = async (code) => {
  const r = await s.as('prov.sup', 'GET', `/api/v1/dossiers/${encodeURIComponent(code)}`);
  assert.equal(r.status, 200, r.text);
  return r.json.dossier ?? r.json;
};
const offices = (d) => [d.intake_office?.code, d.authority?.code, d.return_office?.code];
const count = async () => (await s.as('prov.sup', 'GET', '/api/v1/dossiers?limit=100')).json.total;
const applicant = (name, id) => ['--name', name, '--id-number', id, '--address', 'Lao Bảo', '--phone', '0905123456'];

test('a.clerk receives a dossier for Lao Bảo\'s authority, collected at Lao Bảo: flags by name or code, the receipt says where', async () => {
  const a = await clerk('a.clerk');
  const before = pa.pdfs().length;
  const r = ok(await a.run(['intake', '--procedure', 'P3', ...applicant('Hồ Thị Lan', '045190001122'),
    '--docs', 'all', '--authority', 'lao bao', '--return-at', CENTRE_B]));
  const code = codeOf(r.stdout);
  assert.match(code, /^TT-KS-/, 'Khe Sanh\'s agency code');
  assert.match(r.stdout, /Cơ quan giải quyết: UBND xã Lao Bảo\./);
  assert.match(r.stdout, new RegExp(`Nhận kết quả tại: ${LB}, Lao Bảo, Quảng Trị\\.`));
  assert.deepEqual(offices(await dossier(code)), [CENTRE_A, 'UB-LB', CENTRE_B]);
  // The receipt (two copies on Khe Sanh's printer): headed by the centre
  // that received it, under its commune, collected at Lao Bảo.
  const files = await waitFor(() => (pa.pdfs().length >= before + 2 ? pa.pdfs() : null), 15000, 'the receipts');
  const text = flat(pa, files[files.length - 1]);
  assert.match(text, /UBND xã Khe Sanh/, text);
  assert.match(text, /Khe Sanh, ngày \d\d tháng \d\d năm \d{4}/, 'Khe Sanh\'s place before the date');
  assert.match(text, /Trung tâm Phục vụ hành chính.*công xã Khe Sanh/, 'the receiving centre heads it');
  assert.doesNotMatch(text, /Bộ phận Tiếp nhận/, 'the centre is the unit itself');
  assert.ok(text.includes(LB), 'where to collect the result');
  assert.doesNotMatch(text, /UBND xã Lao Bảo/, 'the receipt is not headed by the other commune');
});

test('at a terminal the clerk picks the authority and the return centre from the list by name; Enter keeps the clerk\'s own', async () => {
  const a = await clerk('a.clerk');
  const tree = (await s.as('a.clerk', 'GET', '/api/v1/offices?limit=500')).json.items.filter((o) => o.active !== false);
  const authorities = tree.filter((o) => o.kind === 'authority');
  const centres = tree.filter((o) => o.kind === 'centre' || o.kind === 'point');
  const pick = (list, code) => String(list.findIndex((o) => o.code === code) + 1);
  const flags = ['intake', '--procedure', 'P3', '--email', 'lan@example.vn', '--docs', 'all', '--outcome', 'received', '--no-print'];

  const chosen = await a.onTerminal([...flags, ...applicant('Trần Văn Hải', '045190002233')],
    `${pick(authorities, 'UB-LB')}\n${pick(centres, CENTRE_B)}\n`);
  ok(chosen);
  assert.match(chosen.out, /Cơ quan có thẩm quyền giải quyết:/);
  assert.match(chosen.out, /UBND xã Khe Sanh \(mặc định\)/, 'the clerk\'s own commune is the default');
  assert.match(chosen.out, new RegExp(`${KS} \\(mặc định\\)`), 'the clerk\'s own centre is the default');
  assert.match(chosen.out, /Sở Nông nghiệp và Môi trường/, 'every authority of the province is offered');
  assert.doesNotMatch(chosen.out, /TT-LB —|UB-LB/, 'offices by name, not by code');
  assert.deepEqual(offices(await dossier(codeOf(chosen.out))), [CENTRE_A, 'UB-LB', CENTRE_B]);

  const own = await a.onTerminal([...flags, ...applicant('Lê Văn Sơn', '045188003344')], '\n\n');
  ok(own);
  assert.match(own.out, new RegExp(`Nhận kết quả tại: ${KS}`));
  assert.deepEqual(offices(await dossier(codeOf(own.out))), [CENTRE_A, 'UB-KS', CENTRE_A]);
});

test('an authority or return centre that is no such office is refused before anything is saved, naming the choices', async () => {
  const a = await clerk('a.clerk');
  const n = await count();
  const bad = await a.run(['intake', '--procedure', 'P3', ...applicant('Pả Kay', '045177005566'),
    '--docs', 'all', '--no-print', '--authority', CENTRE_B]);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /Cơ quan có thẩm quyền giải quyết: không có nơi nào tên 'TT-LB'/);
  assert.match(bad.stderr, /UB-LB — UBND xã Lao Bảo/);
  const two = await a.run(['intake', '--procedure', 'P3', ...applicant('Pả Kay', '045177005566'),
    '--docs', 'all', '--no-print', '--return-at', 'xa']);
  assert.equal(two.status, 2, two.stderr);
  assert.match(two.stderr, /khớp nhiều nơi/);
  assert.equal(await count(), n, 'nothing saved');
});

test('a receipt of a dossier received at Lao Bảo names Lao Bảo\'s centre and its commune, printed by its clerk or by the server', async () => {
  const b = await clerk('b.clerk');
  const before = pb.pdfs().length;
  const aBefore = pa.pdfs().length;
  const r = ok(await b.run(['intake', '--procedure', 'P3', ...applicant('Pả Kay', '045177005566'), '--docs', 'all', '--copies', '1']));
  const code = codeOf(r.stdout);
  assert.match(code, /^TT-LB-/);
  assert.deepEqual(offices(await dossier(code)), [CENTRE_B, 'UB-LB', CENTRE_B]);
  const files = await waitFor(() => (pb.pdfs().length >= before + 1 ? pb.pdfs() : null), 15000, 'the client\'s receipt');
  const checkLB = (text) => {
    assert.match(text, /UBND xã Lao Bảo/, text);
    assert.match(text, /Trung tâm Phục vụ hành chính.*công xã Lao Bảo/, 'Lao Bảo\'s centre heads it');
    assert.match(text, /Lao Bảo, ngày \d\d tháng \d\d năm \d{4}/, 'Lao Bảo\'s place before the date');
    assert.doesNotMatch(text, /Khe Sanh/, 'never the other centre or commune');
    assert.doesNotMatch(text, /Tỉnh Quảng Trị|Hướng Hóa/, 'never the province nor an old single office');
  };
  checkLB(flat(pb, files[files.length - 1]));

  // The server's spool: a province supervisor prints it (the dossier's
  // receiving centre's hall and printer), then its clerk.
  for (const who of ['prov.sup', 'b.clerk']) {
    const n = pb.pdfs().length;
    const p = await s.as(who, 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/print`, { body: { form: 'mau-01' } });
    assert.equal(p.status, 202, p.text);
    assert.equal(p.json.printer, 'lb-a5');
    const got = await waitFor(() => (pb.pdfs().length > n ? pb.pdfs() : null), 15000, `${who}'s print`);
    checkLB(flat(pb, got[got.length - 1]));
  }
  // Mẫu 06 too: the receiving centre heads it.
  const n = pb.pdfs().length;
  const p = await s.as('b.clerk', 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/print`, { body: { form: 'mau-06' } });
  assert.equal(p.status, 202, p.text);
  const got = await waitFor(() => (pb.pdfs().length > n ? pb.pdfs() : null), 15000, 'Mẫu 06');
  assert.match(flat(pb, got[got.length - 1]), /UBND xã Lao Bảo/);
  assert.equal(pa.pdfs().length, aBefore, 'nothing on Khe Sanh\'s printer');
});
