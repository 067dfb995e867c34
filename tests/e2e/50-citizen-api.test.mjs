// The citizen API: one-time rating links (dossier and queue visit), the
// anonymous rating (one per dossier or visit, bad input refused without
// using the link up, nothing about the citizen stored), and the public
// transparency figures on a hand-built month on the test clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli, openCounter } from './lib/harness.mjs';
import { columnNames } from './lib/pg.mjs';
import { setClock } from './lib/steps.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';

// Office time (UTC+7) to epoch seconds.
const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;

const APPLICANT = { name: 'Trần Văn Bình', id_number: '045187009999', address: 'Thôn 3, xã Hướng Tân',
  phone: '0987654321' };

// Every move of the clock ends the sessions (idle and absolute timeouts), so
// this file logs in again far more often than a person could.
const RELOGIN = ['--logins-per-minute', '1000'];
let s;
before(async () => { s = await startServer({ bundle: DOSSIER_BUNDLE, args: ['--test-clock', ...RELOGIN] }); });
after(async () => { await s.stop(); s.cleanup(); });

const clock = (t) => setClock(s, t);
const ok = (r, status) => {
  if (status) assert.equal(r.status, status, r.text);
  else assert.ok(r.status >= 200 && r.status < 300, `${r.status} ${r.text}`);
  return r.json;
};
const opened = []; // dossiers of the rating tests, withdrawn before the figures
const intake = async (procedure = 'P3') => {
  const r = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers',
    { body: { procedure, applicant: APPLICANT, outcome: 'received', confirm_duplicate: true } }), 201);
  opened.push(r.dossier.code);
  return r;
};
const act = async (who, code, action, extra = {}) => ok(await s.as(who, 'POST',
  `/api/v1/dossiers/${encodeURIComponent(code)}/actions`, { body: { action, ...extra } }));
const link = (who, code) => s.as(who, 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/rating-link`);
const rate = (body) => s.req('POST', '/api/v1/public/ratings', { body });

test('a dossier rating link: counter and supervisor only, one-time token, info for the page', async () => {
  await clock(at(2026, 2, 2, 9)); // Monday
  const { dossier, secret } = await intake();
  const r = ok(await link('clerk1', dossier.code), 201);
  assert.match(r.token, /^[A-HJ-NP-Z2-9]{20}$/);
  assert.equal(r.url, `/rate?t=${r.token}`);
  assert.equal(r.expires_at, at(2026, 2, 2, 9) + 30 * 86400);
  ok(await link('sup', dossier.code), 201);
  for (const [who, status] of [['spec', 403], ['admin', 403], ['kiosk-1', 403], ['board-1', 403], [null, 401]]) {
    const x = await link(who, dossier.code);
    assert.equal(x.status, status, `${who}: ${x.text}`);
  }
  const none = await link('clerk1', '000.00.19.H47-260202-9999');
  assert.equal(none.status, 404);
  assert.equal(none.json.error.code, 'dossier_not_found');
  // Only the hash is kept; the chain records the issue but not the token.
  const rows = s.sql('SELECT token_hash, subject, created_by FROM rating_links');
  assert.equal(rows.length, 2);
  assert.ok(rows.every((x) => /^[0-9a-f]{64}$/.test(x.token_hash) && x.subject === `dossier:${dossier.code}`));
  assert.equal(s.sql(`SELECT count(*) AS n FROM events WHERE details LIKE '%${r.token}%'`)[0].n, 0);

  const info = ok(await s.req('GET', `/api/v1/public/ratings/${r.token}`), 200);
  assert.equal(info.kind, 'dossier');
  assert.equal(info.what, 'Đăng ký kết hôn');
  assert.equal(info.rated, false);
  assert.deepEqual(info.levels.map((l) => l.level), ['very_satisfied', 'satisfied', 'neutral', 'not_satisfied']);
  assert.deepEqual(info.levels.map((l) => l.label), ['Rất hài lòng', 'Hài lòng', 'Bình thường', 'Không hài lòng']);
  const bad = await s.req('GET', '/api/v1/public/ratings/NOTATOKEN');
  assert.equal(bad.status, 404);
  assert.equal(bad.json.error.code, 'rating_link_not_found');
  assert.ok(!JSON.stringify(info).includes(APPLICANT.name), 'no personal data on the link');
  assert.ok(secret);
});

test('bad input is refused and leaves the link usable; then one rating, the second refused politely', async () => {
  const { dossier } = await intake();
  const { token } = ok(await link('clerk1', dossier.code), 201);
  const table = [
    [{ level: 'satisfied' }, 400, 'missing_field'],
    [{ token }, 400, 'missing_field'],
    [{ token, level: 'happy' }, 400, 'invalid_level'],
    [{ token, level: 'SATISFIED' }, 400, 'invalid_level'],
    [{ token, level: 3 }, 400, 'missing_field'],
    [{ token, level: 'satisfied', visits: 0 }, 400, 'invalid_field'],
    [{ token, level: 'satisfied', visits: 11 }, 400, 'invalid_field'],
    [{ token, level: 'satisfied', visits: '2' }, 400, 'invalid_field'],
    [{ token, level: 'satisfied', visits: 2.5 }, 400, 'invalid_field'],
    [{ token, level: 'satisfied', on_time: 'yes' }, 400, 'invalid_field'],
    [{ token, level: 'satisfied', courteous: 1 }, 400, 'invalid_field'],
    [{ token, level: 'satisfied', unofficial_payment_asked: 'no' }, 400, 'invalid_field'],
    [{ token, level: 'satisfied', comment: 'ý'.repeat(501) }, 400, 'invalid_field'],
    [{ token, level: 'satisfied', comment: 'a\u0001b' }, 400, 'invalid_field'],
    [{ token, level: 'satisfied', comment: 42 }, 400, 'invalid_field'],
    [{ token, level: 'satisfied', name: 'Trần Văn Bình' }, 400, 'unknown_field'],
    [{ token, level: 'satisfied', phone: '0987654321' }, 400, 'unknown_field'],
    [{ token: 'WRONGTOKENWRONGTOKEN', level: 'satisfied' }, 404, 'rating_link_not_found'],
    [{ token: '', level: 'satisfied' }, 404, 'rating_link_not_found'],
  ];
  for (const [body, status, code] of table) {
    const r = await rate(body);
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
    assert.equal(r.json.error.code, code, JSON.stringify(body).slice(0, 80));
  }
  const notObject = await s.req('POST', '/api/v1/public/ratings', { raw: '[1]', headers: { 'Content-Type': 'application/json' } });
  assert.equal(notObject.status, 400);
  assert.equal(s.sql('SELECT count(*) AS n FROM ratings')[0].n, 0, 'nothing stored by bad input');

  // 500 characters of Vietnamese (more than 500 bytes) is within bounds.
  const comment = 'ý'.repeat(500);
  const first = ok(await rate({ token, level: 'not_satisfied', on_time: false, courteous: true, visits: 3,
    unofficial_payment_asked: false, comment }), 201);
  assert.deepEqual(first, { rated: true, level: 'not_satisfied' });
  const again = await rate({ token, level: 'very_satisfied' });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'already_rated');
  assert.match(again.json.error.message, /đã được đánh giá.*cảm ơn/);
  // Another link for the same dossier cannot rate it twice, nor be issued.
  const other = await link('sup', dossier.code);
  assert.equal(other.status, 409);
  assert.equal(other.json.error.code, 'already_rated');
  const info = ok(await s.req('GET', `/api/v1/public/ratings/${token}`), 200);
  assert.equal(info.rated, true);
  const rows = s.sql('SELECT subject, kind, procedure_code, group_code, level, on_time, courteous, visits,'
    + ' unofficial_payment_asked, length(comment) AS comment_len FROM ratings');
  assert.deepEqual(rows, [{ subject: `dossier:${dossier.code}`, kind: 'dossier', procedure_code: 'P3', group_code: null,
    level: 'not_satisfied', on_time: 0, courteous: 1, visits: 3, unofficial_payment_asked: 0, comment_len: 500 }]);
});

test('anonymous by design: no actor, address or personal field in the ratings table or its event', async () => {
  const cols = columnNames(s.db, 'ratings');
  assert.deepEqual(cols, ['id', 'subject', 'kind', 'procedure_code', 'group_code', 'level', 'on_time', 'courteous',
    'visits', 'unofficial_payment_asked', 'comment', 'rated_at', 'office_id']);
  for (const c of cols) assert.doesNotMatch(c, /actor|ip|addr|user|by|name|phone|device|agent/i);
  const ev = s.sql("SELECT actor, entity, action, details FROM events WHERE entity = 'rating'");
  assert.equal(ev.length, 1);
  assert.equal(ev[0].actor, 'public');
  assert.equal(ev[0].action, 'rating.created');
  const details = JSON.parse(ev[0].details);
  assert.deepEqual(Object.keys(details).sort(),
    ['code', 'comment', 'courteous', 'kind', 'level', 'on_time', 'unofficial_payment_asked', 'visits']);
  assert.equal(details.comment, true, 'that there was a comment, not its words');
  const text = JSON.stringify(s.sql('SELECT * FROM ratings')) + ev[0].details;
  for (const bit of ['127.0.0.1', APPLICANT.name, APPLICANT.phone, APPLICANT.id_number, 'user:']) {
    assert.ok(!text.includes(bit), `rating data holds ${bit}`);
  }
});

test('a queue visit is rated once, and only after it was served', async () => {
  await clock(at(2026, 2, 3, 9)); // Tuesday 09:00
  await openCounter(s, 'clerk1', 1);
  const t = ok(await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } }), 201).ticket;
  const early = await s.as('clerk1', 'POST', `/api/v1/tickets/${t.id}/rating-link`);
  assert.equal(early.status, 409);
  assert.equal(early.json.error.code, 'ticket_not_served');
  ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/call'), 200);
  ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/finish'), 200);
  for (const id of ['999999', 'abc', '0']) {
    const r = await s.as('clerk1', 'POST', `/api/v1/tickets/${id}/rating-link`);
    assert.equal(r.status, 404, id);
    assert.equal(r.json.error.code, 'ticket_not_found');
  }
  const spec = await s.as('spec', 'POST', `/api/v1/tickets/${t.id}/rating-link`);
  assert.equal(spec.status, 403);
  const { token } = ok(await s.as('clerk1', 'POST', `/api/v1/tickets/${t.id}/rating-link`), 201);
  const info = ok(await s.req('GET', `/api/v1/public/ratings/${token}`), 200);
  assert.equal(info.kind, 'ticket');
  assert.equal(info.what, 'Chứng thực');
  ok(await rate({ token, level: 'very_satisfied', courteous: true }), 201);
  const again = await rate({ token, level: 'neutral' });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'already_rated');
  assert.deepEqual(s.sql(`SELECT kind, group_code, level FROM ratings WHERE subject = 'ticket:${t.id}'`),
    [{ kind: 'ticket', group_code: 'CT', level: 'very_satisfied' }]);
  const ev = JSON.parse(s.sql("SELECT details FROM events WHERE entity = 'rating' ORDER BY id DESC LIMIT 1")[0].details);
  assert.equal(ev.ticket_id, t.id);
  assert.equal(ev.code, undefined);
});

test('a link expires after 30 days', async () => {
  const { dossier } = await intake();
  const { token } = ok(await link('clerk1', dossier.code), 201);
  await clock(at(2026, 3, 6, 9)); // 31 days after 3 February
  const r = await rate({ token, level: 'satisfied' });
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'rating_link_not_found');
  // A fresh link works.
  const fresh = ok(await link('clerk1', dossier.code), 201);
  ok(await rate({ token: fresh.token, level: 'satisfied' }), 201);
});

test('transparency: on-time figures for today and the month, late dossiers by code only', async () => {
  // Before the month: the rating tests' dossiers leave; one is finished in
  // February, counted in neither period below.
  await clock(at(2026, 2, 23, 9));
  for (const code of opened.splice(0)) await act('clerk1', code, 'withdraw', { reason: 'Công dân rút hồ sơ' });
  const feb = (await intake()).dossier.code;
  await act('clerk1', feb, 'handover', { to_office: 'TP', to_person: 'spec' });
  await act('spec', feb, 'result_ready');

  await clock(at(2026, 3, 2, 10)); // Monday 2 March 10:00: P3 is due Thursday 5 March 10:00
  const A = (await intake()).dossier.code; // ready Tuesday: on time
  const B = (await intake()).dossier.code; // ready Friday: late, then returned
  const C = (await intake('P5')).dossier.code; // due Monday 9 March: open, not late
  const E = (await intake()).dossier.code; // apology before due, still open: late
  const F = (await intake()).dossier.code; // open past due, no apology: late
  const G = (await intake()).dossier.code; // paused for a supplement after the due instant: late
  const H = (await intake()).dossier.code; // paused before the due instant: not late
  for (const code of [A, B, E, F, G, H]) await act('clerk1', code, 'handover', { to_office: 'TP', to_person: 'spec' });

  await clock(at(2026, 3, 3, 9));
  await act('spec', A, 'result_ready');
  await act('spec', H, 'request_supplement', { items: [{ item: 'Giấy xác nhận tình trạng hôn nhân', reason: 'Thiếu' }] });
  await clock(at(2026, 3, 4, 9));
  await act('sup', E, 'apologize', { reason: 'Cần xác minh thêm', new_due: '2026-03-10T10:00+07:00' });

  await clock(at(2026, 3, 6, 9)); // Friday, after the due instant
  await act('spec', B, 'result_ready');
  await act('clerk1', B, 'return_result', { collected_by: APPLICANT.name, id_checked: true });
  await act('spec', G, 'request_supplement', { items: [{ item: 'Tờ khai', reason: 'Sai thông tin' }] });

  await clock(at(2026, 3, 6, 16));
  const r = await s.req('GET', '/api/v1/public/transparency');
  assert.equal(r.status, 200, r.text);
  const t = r.json;
  assert.equal(t.at, at(2026, 3, 6, 16));
  assert.deepEqual(t.on_time.today, { finished: 1, on_time: 0, rate: 0 });
  assert.deepEqual(t.on_time.month, { finished: 2, on_time: 1, rate: 0.5 });
  assert.deepEqual(t.late_now.map((d) => d.code).sort(), [E, F, G].sort());
  assert.equal(t.late_total, 3);
  for (const d of t.late_now) {
    assert.deepEqual(Object.keys(d).sort(), ['apology', 'code', 'due_at', 'new_appointment_at', 'office', 'procedure', 'procedure_code']);
    assert.equal(d.due_at, at(2026, 3, 5, 10));
    assert.equal(d.procedure, 'Đăng ký kết hôn');
  }
  const e = t.late_now.find((d) => d.code === E);
  assert.equal(e.apology, true);
  assert.equal(e.new_appointment_at, at(2026, 3, 10, 10));
  const f = t.late_now.find((d) => d.code === F);
  assert.equal(f.apology, false);
  assert.equal(f.new_appointment_at, null);
  assert.equal(t.procedures_posted, 4);
  for (const bit of [APPLICANT.name, APPLICANT.phone, APPLICANT.id_number, APPLICANT.address]) {
    assert.ok(!r.text.includes(bit), `transparency shows ${bit}`);
  }
  assert.ok(!r.text.includes(C) && !r.text.includes(H) && !r.text.includes(A));

  // The next day: nothing finished today yet; the month still counts both.
  await clock(at(2026, 3, 9, 8));
  const next = ok(await s.req('GET', '/api/v1/public/transparency'), 200);
  assert.deepEqual(next.on_time.today, { finished: 0, on_time: 0, rate: null });
  assert.deepEqual(next.on_time.month, { finished: 2, on_time: 1, rate: 0.5 });
  // April: a new month.
  await clock(at(2026, 4, 1, 8));
  const april = ok(await s.req('GET', '/api/v1/public/transparency'), 200);
  assert.deepEqual(april.on_time.month, { finished: 0, on_time: 0, rate: null });
});

test('audit-verify passes with ratings and rating links in the chain', async () => {
  const r = cli(['audit-verify', '--db', s.db]);
  assert.equal(r.status, 0, r.stderr);
});
