// A centre's own hours (docs/calendar.md, "A centre's own hours"): the
// national rules and the province's yearly notice hold everywhere, a centre
// may keep its own weekly pattern and sessions (a Saturday morning at Lao
// Bảo), "open now" and "today's sessions" answer per centre, and dossier
// due dates stay on the province's calendar.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';

// Every move of the clock ends the sessions: log in again afterwards, more
// often than a person could.
let s;
before(async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE, args: ['--test-clock', '--logins-per-minute', '1000'] });
});
after(async () => { await s.stop(); s.cleanup(); });

const at = (iso) => Math.floor(Date.parse(iso) / 1000);
async function clock(iso) {
  s.tokens = {};
  const r = await s.as('admin', 'PUT', '/api/v1/test/clock', { body: { now: at(iso) } });
  assert.equal(r.status, 200, r.text);
  s.tokens = {};
}
const config = (who, office) => s.as(who, 'GET', `/api/v1/calendar/config?office=${office}`);
async function openNow() {
  const r = await s.req('GET', '/api/v1/public/offices');
  assert.equal(r.status, 200, r.text);
  return Object.fromEntries(r.json.items.map((o) => [o.code, o.open_now]));
}
const due = async () => (await s.as('admin', 'GET',
  '/api/v1/calendar/due?from=2026-03-06T16:00%2B07:00&days=1')).json.due;
const rowsOf = () => s.sql("SELECT code, weekdays, sessions FROM offices ORDER BY id");

const SATURDAY_MORNING = {
  weekdays: [1, 2, 3, 4, 5, 6],
  sessions: [{ start: '13:30', end: '17:00', days: [1, 2, 3, 4, 5] }, { start: '07:30', end: '11:30' }],
};

test('a centre keeps its own Saturday morning; the other keeps the province\'s week', async () => {
  const dueBefore = await due();
  const put = await s.as('admin', 'PUT', `/api/v1/calendar/config?office=${CENTRE_B}`, { body: SATURDAY_MORNING });
  assert.equal(put.status, 200, put.text);
  assert.equal(put.json.office, CENTRE_B);
  assert.deepEqual(put.json.own, { weekdays: true, sessions: true });
  assert.deepEqual(put.json.weekdays, [1, 2, 3, 4, 5, 6]);
  assert.equal(s.sql("SELECT count(*) AS n FROM events WHERE action = 'calendar.centre_config_set'")[0].n, 1);

  // Saturday 7 March 2026, 09:00: Lao Bảo is open for its morning, Khe Sanh closed.
  await clock('2026-03-07T09:00:00+07:00');
  const b = await config('admin', CENTRE_B);
  assert.deepEqual(b.json.today, {
    office: CENTRE_B, date: '2026-03-07', weekday: 6, working_day: true, day_name: null,
    sessions: [{ start: '07:30', end: '11:30' }], open_now: true,
  });
  const a = await config('a.clerk', CENTRE_A);
  assert.equal(a.status, 200, a.text);
  assert.deepEqual(a.json.own, { weekdays: false, sessions: false });
  assert.deepEqual(a.json.weekdays, [1, 2, 3, 4, 5]);
  assert.equal(a.json.today.working_day, false);
  assert.deepEqual(a.json.today.sessions, []);
  assert.deepEqual(await openNow(), { [CENTRE_A]: false, [CENTRE_B]: true });
  const pub = (await s.req('GET', '/api/v1/public/offices')).json.items.find((o) => o.code === CENTRE_B);
  assert.deepEqual(pub.today.sessions, [{ start: '07:30', end: '11:30' }]);

  // Saturday afternoon: the afternoon session is Monday to Friday only.
  await clock('2026-03-07T14:00:00+07:00');
  assert.deepEqual(await openNow(), { [CENTRE_A]: false, [CENTRE_B]: false });
  // Monday afternoon: both open, Lao Bảo's two sessions in time order.
  await clock('2026-03-09T14:00:00+07:00');
  assert.deepEqual(await openNow(), { [CENTRE_A]: true, [CENTRE_B]: true });
  assert.deepEqual((await config('admin', CENTRE_B)).json.today.sessions,
    [{ start: '07:30', end: '11:30' }, { start: '13:30', end: '17:00' }]);
  // Lunch time: neither.
  await clock('2026-03-09T12:00:00+07:00');
  assert.deepEqual(await openNow(), { [CENTRE_A]: false, [CENTRE_B]: false });

  // The province's notice closes a Saturday at every centre.
  const off = await s.as('admin', 'PUT', '/api/v1/calendar/days/2026-03-14',
    { body: { kind: 'day_off', name: 'Nghỉ theo thông báo của tỉnh' } });
  assert.equal(off.status, 200, off.text);
  await clock('2026-03-14T09:00:00+07:00');
  const closed = (await config('admin', CENTRE_B)).json.today;
  assert.equal(closed.working_day, false);
  assert.equal(closed.day_name, 'Nghỉ theo thông báo của tỉnh');
  assert.deepEqual(await openNow(), { [CENTRE_A]: false, [CENTRE_B]: false });
  // A national holiday too (30/4).
  await clock('2026-04-30T09:00:00+07:00');
  assert.deepEqual(await openNow(), { [CENTRE_A]: false, [CENTRE_B]: false });

  // The centre's year: the province's named days with the centre's week.
  const yb = await s.as('admin', 'GET', `/api/v1/calendar/2026?office=${CENTRE_B}`);
  assert.equal(yb.status, 200, yb.text);
  assert.deepEqual([yb.json.office, yb.json.weekdays], [CENTRE_B, [1, 2, 3, 4, 5, 6]]);
  const yp = await s.as('admin', 'GET', '/api/v1/calendar/2026');
  assert.deepEqual(yb.json.days, yp.json.days);
  assert.ok(yp.json.days.some((d) => d.date === '2026-03-14' && d.source === 'override'));
  assert.equal((await s.as('a.clerk', 'GET', `/api/v1/calendar/2026?office=${CENTRE_B}`)).status, 404);

  // The province's week and due dates did not move.
  const prov = await s.as('admin', 'GET', '/api/v1/calendar/config');
  assert.deepEqual(prov.json.weekdays, [1, 2, 3, 4, 5]);
  assert.equal(await due(), dueBefore, 'a due date stays on the province\'s calendar');
  assert.equal(dueBefore, '2026-03-09T17:00:00+07:00', 'Friday after the cutoff: Monday, not Saturday');
});

test('centre hours: bad input and another centre change nothing', async () => {
  const rows = rowsOf();
  const events = s.sql('SELECT count(*) AS n FROM events')[0].n;
  const cases = [
    ['admin', CENTRE_B, { cutoff: '14:00' }, 400, 'unknown_field'],
    ['admin', CENTRE_B, { sessions: [{ start: '07:30', end: '11:30' }, { start: '11:00', end: '12:00', days: [6] }] }, 400, 'invalid_config'],
    ['admin', CENTRE_B, { weekdays: [7] }, 400, 'invalid_config'],
    ['admin', CENTRE_B, { sessions: [{ start: '07:30', end: '11:30', days: [] }] }, 400, 'invalid_config'],
    ['admin', 'UB-KS', { weekdays: [1, 2, 3, 4, 5, 6] }, 400, 'office_wrong_kind'],
    ['admin', 'NOPE', { weekdays: [1, 2, 3, 4, 5, 6] }, 404, 'office_not_found'],
  ];
  for (const [who, office, body, status, code] of cases) {
    const r = await s.as(who, 'PUT', `/api/v1/calendar/config?office=${office}`, { body });
    assert.equal(r.status, status, `${office} ${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.code, code);
  }
  // A clerk may not change hours (403) and does not see another centre's (404).
  assert.equal((await s.as('a.clerk', 'PUT', `/api/v1/calendar/config?office=${CENTRE_A}`,
    { body: { weekdays: [1, 2, 3, 4, 5, 6] } })).status, 403);
  const other = await config('a.clerk', CENTRE_B);
  assert.equal(other.status, 404);
  assert.equal(other.json.error.code, 'office_not_found');
  assert.equal((await config('b.clerk', CENTRE_B)).status, 200);
  // A bundle with a centre's overlapping sessions is refused whole.
  const r = await s.as('admin', 'POST', '/api/v1/import', { body: { offices: [
    { code: 'NEW-PT', name: 'Điểm tiếp nhận mới', kind: 'point', parent: CENTRE_A },
    { code: CENTRE_A, name: 'Trung tâm Phục vụ hành chính công xã Khe Sanh',
      sessions: [{ start: '07:00', end: '12:00' }, { start: '11:00', end: '13:00' }] }] } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'invalid_config');
  assert.match(r.json.error.message_en, /TT-KS/);
  assert.deepEqual(rowsOf(), rows);
  assert.equal(s.sql('SELECT count(*) AS n FROM events')[0].n, events);
});

test('a reception point takes its centre\'s hours; null goes back to the province\'s', async () => {
  let r = await s.as('admin', 'POST', '/api/v1/import', { body: { offices: [
    { code: 'PT-LB', name: 'Điểm tiếp nhận Tân Long', kind: 'point', parent: CENTRE_B }] } });
  assert.equal(r.status, 200, r.text);
  await clock('2026-03-07T09:00:00+07:00');
  assert.equal((await config('admin', 'PT-LB')).json.today.open_now, true);
  r = await s.as('admin', 'PUT', `/api/v1/calendar/config?office=${CENTRE_B}`,
    { body: { weekdays: null, sessions: null } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.own, { weekdays: false, sessions: false });
  assert.equal(r.json.today.open_now, false);
  const open = await openNow();
  assert.deepEqual(open, { [CENTRE_A]: false, [CENTRE_B]: false, 'PT-LB': false });
});
