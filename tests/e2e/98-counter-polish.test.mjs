// What a newcomer met using motcua-counter as the clerks and specialists of a
// province of two centres: groups and offices are named, never coded ("nhóm
// Hộ tịch", not "nhóm HT"); a clerk works at one counter at a time (opening
// another closes the one they had, so no board shows it open and idle; one
// still serving a ticket is never left); a specialist has no counter; after
// result-ready the specialist is told who hands the result over and where
// (the return centre by name); an office's name matches its words in order,
// and only the real matches are listed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, PROVINCE_PASSWORDS } from './lib/province-bundle.mjs';
import { Clerk } from './lib/counter.mjs';

const KS = 'Trung tâm Phục vụ hành chính công xã Khe Sanh';
const LB = 'Trung tâm Phục vụ hành chính công xã Lao Bảo';
// A group or office code where its name belongs (a dossier's code, which
// begins with its centre's agency code, is the citizen's number).
const CODES = /\b(CT|HT|TT-KS|TT-LB|UB-KS|UB-LB|TP-KS|TP-LB)\b(?!-\d)/;

let s;
const clerks = [];
before(async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE });
});
after(async () => {
  await s?.stop();
  s?.cleanup();
  for (const c of clerks) c.cleanup();
});

const ok = (r) => { assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`); return r; };
async function login(user, extra = [], into = null) {
  const c = into ?? new Clerk(s.base);
  if (!into) clerks.push(c);
  const r = ok(await c.login(user, PROVINCE_PASSWORDS[user], extra));
  return { c, r };
}
const issue = async (who, group) => {
  const r = await s.as(who, 'POST', '/api/v1/tickets', { body: { group } });
  assert.equal(r.status, 201, r.text);
  return r.json.ticket;
};
// Counter states of a centre as its board reads them (the public queue).
const states = async (office) => {
  const r = await s.req('GET', `/api/v1/queue?office=${office}`);
  assert.equal(r.status, 200, r.text);
  return Object.fromEntries(r.json.counters.map((c) => [c.no, c.state]));
};
let applicants = 0; // each dossier its own applicant (no probable duplicate)
const intake = async (who, extra = {}) => {
  const id = `04519000${String(1000 + ++applicants)}`;
  const r = await s.as(who, 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', outcome: 'received',
    applicant: { name: 'Hồ Thị Lan', id_number: id, phone: '0905123456' }, ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.json.dossier.code;
};

test('next, rejoin and status name the group, never its code', async () => {
  const { c } = await login('a.clerk');
  ok(await c.run(['counter', 'open', '3'])); // Hộ tịch
  await issue('a.clerk', 'HT');
  let r = ok(await c.run(['next']));
  assert.match(r.stdout, /Mời số B001 đến quầy 3 \(nhóm Hộ tịch\)/);
  assert.doesNotMatch(r.stdout, CODES);
  ok(await c.run(['no-show']));
  r = ok(await c.run(['rejoin', 'B001']));
  assert.match(r.stdout, /Số B001 đã được xếp lại cuối hàng nhóm Hộ tịch/);
  assert.doesNotMatch(r.stdout, CODES);
  r = ok(await c.run(['status']));
  assert.match(r.stdout, /Quầy 3 \(đang mở\) · đang phục vụ: — · Hộ tịch: 1 người chờ \[B001\]/);
  assert.match(r.stdout, new RegExp(`cán bộ một cửa\\) · ${KS}`), 'the clerk\'s centre by name');
  assert.doesNotMatch(r.stdout, CODES);
  r = ok(await c.run(['next']));
  assert.match(r.stdout, /Mời số B001 đến quầy 3 \(nhóm Hộ tịch\)/);
  ok(await c.run(['finish']));
  ok(await c.run(['counter', 'close', '3']));
});

test('a clerk works at one counter at a time: opening another closes the old one, never one still serving', async () => {
  const { c } = await login('a.clerk');
  const { c: other } = await login('a.clerk2');
  ok(await other.run(['counter', 'open', '2']));
  ok(await c.run(['counter', 'open', '1']));
  assert.deepEqual(await states('TT-KS'), { 1: 'open', 2: 'open', 3: 'closed' });

  let r = ok(await c.run(['counter', 'open', '3']));
  assert.match(r.stdout, /Quầy 3 đã mở\./);
  assert.match(r.stdout, /Quầy 1 đã đóng: mỗi cán bộ làm việc tại một quầy\./);
  assert.deepEqual(await states('TT-KS'), { 1: 'closed', 2: 'open', 3: 'open' }, 'the board shows counter 1 closed, not idle; the other clerk\'s stays open');
  assert.deepEqual(await states('TT-LB'), { 1: 'closed', 2: 'closed', 3: 'closed' }, 'nothing of the other centre');

  // Counter 3 serving a ticket: moving to counter 1 is refused, nothing changes.
  await issue('a.clerk', 'HT');
  assert.match(ok(await c.run(['next'])).stdout, /Mời số B00\d đến quầy 3/);
  r = await c.run(['counter', 'open', '1']);
  assert.equal(r.status, 6, r.stderr);
  assert.match(r.stderr, /Quầy 3 của bạn đang phục vụ số B00\d: kết thúc số đó trước khi sang quầy khác/);
  assert.deepEqual(await states('TT-KS'), { 1: 'closed', 2: 'open', 3: 'open' });
  assert.equal(c.config().counter, 3, 'this computer still works at counter 3');

  // Finished: the move is made, and the server's answer says so.
  ok(await c.run(['finish']));
  r = ok(await c.run(['--json', 'counter', 'open', '1']));
  assert.deepEqual(JSON.parse(r.stdout).counter, { no: 1, state: 'open', closed: [3] });
  assert.deepEqual(await states('TT-KS'), { 1: 'open', 2: 'open', 3: 'closed' });
  // A supervisor opening counters for the day keeps them all.
  const sup = await s.as('a.sup', 'POST', '/api/v1/counters/3/state?office=TT-KS', { body: { state: 'open' } });
  assert.equal(sup.status, 200, sup.text);
  assert.equal(sup.json.counter.closed, undefined);
  assert.deepEqual(await states('TT-KS'), { 1: 'open', 2: 'open', 3: 'open' });
  for (const [who, no] of [[c, 1], [other, 2]]) ok(await who.run(['counter', 'close', String(no)]));
  const shut = await s.as('a.sup', 'POST', '/api/v1/counters/3/state?office=TT-KS', { body: { state: 'closed' } });
  assert.equal(shut.status, 200, shut.text);
});

test('a specialist has no counter: login and status show the office, not "Quầy"', async () => {
  // The same computer, used by a clerk at counter 2 before.
  const { c } = await login('b.clerk', ['--counter', '2']);
  let { r } = await login('b.spec', [], c);
  assert.match(r.stdout, /Đã đăng nhập b\.spec \(chuyên viên phòng chuyên môn\)/);
  assert.match(r.stdout, /Đơn vị: Văn phòng HĐND và UBND xã Lao Bảo\./);
  assert.doesNotMatch(r.stdout, /Quầy/);
  r = ok(await c.run(['status']));
  assert.match(r.stdout, /chuyên viên phòng chuyên môn\) · Văn phòng HĐND và UBND xã Lao Bảo/);
  assert.doesNotMatch(r.stdout, /Quầy|quầy/);
  // The clerk logging in again finds the counter.
  ({ r } = await login('b.clerk', [], c));
  assert.match(r.stdout, /Quầy: 2\./);
});

test('after result-ready the specialist is told who returns the result and where: the return centre by name', async () => {
  const { c: spec } = await login('b.spec');
  // Received at Khe Sanh for Lao Bảo, collected at Lao Bảo: handed to TP-LB at intake.
  const far = await intake('a.clerk', { authority: 'UB-LB', return_at: 'TT-LB' });
  let r = ok(await spec.run(['result-ready', far]));
  assert.match(r.stdout, new RegExp(`Cán bộ một cửa của ${LB} trả kết quả cho người dân tại đó`));
  assert.doesNotMatch(r.stdout, CODES);
  // Received at Lao Bảo for Lao Bảo, collected at Khe Sanh.
  const back = await intake('b.clerk', { return_at: 'TT-KS' });
  const { c: clerk } = await login('b.clerk');
  ok(await clerk.run(['handover', back, 'van phong lao bao']));
  r = ok(await spec.run(['result-ready', back]));
  assert.match(r.stdout, new RegExp(`Cán bộ một cửa của ${KS} trả kết quả`));
  assert.doesNotMatch(r.stdout, new RegExp(LB));
});

test('handover: an office\'s name matches its words in order, accents optional; only the real matches are listed', async () => {
  const { c } = await login('a.clerk');
  const code = await intake('a.clerk');
  let r = await c.run(['handover', code, 'Văn phòng']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /'Văn phòng' khớp nhiều phòng/);
  assert.match(r.stderr, /Văn phòng HĐND và UBND xã Khe Sanh/);
  assert.match(r.stderr, /Văn phòng HĐND và UBND xã Lao Bảo/);
  assert.doesNotMatch(r.stderr, /Phòng Đất đai/, 'not a match');
  // Words out of order, or a word's middle: no office.
  for (const q of ['phong van', 'an phong']) {
    r = await c.run(['handover', code, q]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`Không có phòng nào tên '${q}'`));
  }
  const d = async () => (await s.as('a.clerk', 'GET', `/api/v1/dossiers/${code}`)).json;
  assert.equal(((await d()).dossier ?? await d()).status, 'received', 'nothing handed over');
  // Words in order, without accents, skipping some.
  r = ok(await c.run(['handover', code, 'van phong khe sanh']));
  assert.match(r.stdout, /Đã chuyển cho Văn phòng HĐND và UBND xã Khe Sanh\./);
  const got = (await d()).dossier ?? await d();
  assert.equal(got.status, 'in_process');
  // Transfer and intake follow the same rule.
  r = await c.run(['intake', '--procedure', 'P3', '--name', 'Pả Kay', '--id-number', '045177005566',
    '--address', 'Lao Bảo', '--phone', '0905123456', '--docs', 'all', '--no-print', '--authority', 'bao lao']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /không có nơi nào tên 'bao lao'/);
});
