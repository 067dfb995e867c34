// The working-time calendar over HTTP and on the command line: the year's
// days off, the administrator's overrides (the yearly notice) and due dates,
// roles, bad input, and `calendar … --db` reading the same database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli, newDb } from './lib/harness.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); s.cleanup(); });

const day = (year, date) => year.days.find((d) => d.date === date);
const calendarEvents = () => s.sql("SELECT count(*) AS n FROM events WHERE entity = 'calendar'")[0].n;
const due = async (query) => {
  const r = await s.as('clerk1', 'GET', `/api/v1/calendar/due?${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};

test('GET /calendar/2026 lists Tết, Giỗ Tổ and the working hours', async () => {
  const r = await s.as('clerk1', 'GET', '/api/v1/calendar/2026');
  assert.equal(r.status, 200, r.text);
  const y = r.json;
  assert.equal(y.year, 2026);
  assert.deepEqual(y.weekdays, [1, 2, 3, 4, 5]);
  assert.deepEqual(y.sessions, [{ start: '07:30', end: '11:30' }, { start: '13:30', end: '17:00' }]);
  assert.equal(y.cutoff, '15:00');
  assert.equal(y.utc_offset, '+07:00');
  for (const d of ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']) {
    assert.deepEqual(day(y, d), { date: d, kind: 'off', name: 'Tết Nguyên đán', source: 'rule' });
  }
  assert.equal(day(y, '2026-02-15'), undefined);
  assert.equal(day(y, '2026-04-26').name, 'Giỗ Tổ Hùng Vương');
  assert.equal(day(y, '2026-04-27').name, 'Nghỉ bù Giỗ Tổ Hùng Vương');
  assert.deepEqual(y.overrides, []);
  for (const who of ['admin', 'sup', 'spec']) {
    assert.equal((await s.as(who, 'GET', '/api/v1/calendar/2026')).status, 200, who);
  }
});

test('due dates: days, hours, same-day, default rules', async () => {
  let r = await due('from=2026-02-13T10:00&days=1');
  assert.equal(r.due, '2026-02-23T10:00:00+07:00');
  assert.equal(r.from, '2026-02-13T10:00:00+07:00');
  assert.equal(r.days, 1);
  assert.equal(r.due_epoch, Date.parse('2026-02-23T10:00:00+07:00') / 1000);
  assert.equal(r.from_epoch, Date.parse('2026-02-13T10:00:00+07:00') / 1000);
  r = await due('from=2026-03-02T10:00:00%2B07:00&hours=1.5');
  assert.equal(r.due, '2026-03-02T11:30:00+07:00');
  assert.equal(r.hours, 1.5);
  // An unencoded + arrives as a space; it is still read as the offset.
  r = await due('from=2026-03-02T03:00Z&days=3');
  assert.equal(r.due, '2026-03-05T10:00:00+07:00');
  r = await due('from=2026-03-02T10:00+07:00&days=3');
  assert.equal(r.due, '2026-03-05T10:00:00+07:00');
  r = await due('from=2026-03-02T15:30&same_day=1');
  assert.equal(r.due, '2026-03-03T17:00:00+07:00');
  assert.equal(r.same_day, true);
  r = await due('days=0.5');
  assert.match(r.from, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);
});

test('an administrator enters the notice: a make-up Saturday and a day off', async () => {
  const before = calendarEvents();
  let r = await s.as('admin', 'PUT', '/api/v1/calendar/days/2026-02-21',
    { body: { kind: 'workday', name: 'Làm bù cho ngày 13/02' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.date, '2026-02-21');
  assert.equal(r.json.kind, 'workday');
  assert.equal(r.json.name, 'Làm bù cho ngày 13/02');
  assert.match(r.json.set_by, /^user:\d+$/);
  r = await s.as('admin', 'PUT', '/api/v1/calendar/days/2026-03-02',
    { body: { kind: 'day_off', name: 'Nghỉ theo thông báo của UBND tỉnh' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(calendarEvents(), before + 2);
  const ev = s.sql("SELECT actor, action, entity_id, details FROM events WHERE entity = 'calendar' ORDER BY id");
  assert.deepEqual(ev.map((e) => [e.action, e.entity_id]), [
    ['calendar.day_set', '2026-02-21'], ['calendar.day_set', '2026-03-02']]);
  assert.equal(JSON.parse(ev[0].details).kind, 'workday');

  const y = (await s.as('clerk1', 'GET', '/api/v1/calendar/2026')).json;
  assert.deepEqual(day(y, '2026-02-21'),
    { date: '2026-02-21', kind: 'work', name: 'Làm bù cho ngày 13/02', source: 'override' });
  assert.deepEqual(day(y, '2026-03-02'),
    { date: '2026-03-02', kind: 'off', name: 'Nghỉ theo thông báo của UBND tỉnh', source: 'override' });
  assert.deepEqual(y.overrides.map((o) => [o.date, o.kind]), [['2026-02-21', 'workday'], ['2026-03-02', 'day_off']]);

  // The make-up Saturday is worked; Monday 2 March is not.
  assert.equal((await due('from=2026-02-13T10:00&days=1')).due, '2026-02-21T10:00:00+07:00');
  assert.equal((await due('from=2026-02-27T10:00&days=1')).due, '2026-03-03T10:00:00+07:00');
});

test('PUT with an Idempotency-Key replays its answer and changes nothing more', async () => {
  const before = calendarEvents();
  const opts = { body: { kind: 'rename', name: 'Ngày Giải phóng miền Nam' }, headers: { 'Idempotency-Key': 'cal-30-4' } };
  const a = await s.as('admin', 'PUT', '/api/v1/calendar/days/2026-04-30', opts);
  assert.equal(a.status, 200, a.text);
  const b = await s.as('admin', 'PUT', '/api/v1/calendar/days/2026-04-30', opts);
  assert.equal(b.status, 200);
  assert.equal(b.text, a.text);
  assert.equal(calendarEvents(), before + 1);
  const y = (await s.as('admin', 'GET', '/api/v1/calendar/2026')).json;
  assert.equal(day(y, '2026-04-30').name, 'Ngày Giải phóng miền Nam');
  assert.equal(day(y, '2026-04-30').kind, 'off');
});

test('remove: a computed day is dropped and the date is worked again', async () => {
  let r = await s.as('admin', 'PUT', '/api/v1/calendar/days/2026-04-27', { body: { kind: 'remove' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, null);
  const y = (await s.as('admin', 'GET', '/api/v1/calendar/2026')).json;
  assert.equal(day(y, '2026-04-27'), undefined);
  assert.equal((await due('from=2026-04-24T10:00&days=1')).due, '2026-04-27T10:00:00+07:00');
  // Nothing to remove on an ordinary day.
  r = await s.as('admin', 'PUT', '/api/v1/calendar/days/2026-03-04', { body: { kind: 'remove' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'no_named_day');
  r = await s.as('admin', 'DELETE', '/api/v1/calendar/days/2026-04-27');
  assert.equal(r.status, 200, r.text);
  assert.equal((await due('from=2026-04-24T10:00&days=1')).due, '2026-04-28T10:00:00+07:00');
});

test('the CLI reads the same calendar with --db', () => {
  let r = cli(['calendar', 'holidays', '--year', '2026', '--db', s.db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^2026-02-21\twork\tLàm bù cho ngày 13\/02\toverride$/m);
  assert.match(r.stdout, /^2026-03-02\toff\tNghỉ theo thông báo của UBND tỉnh\toverride$/m);
  assert.match(r.stdout, /^2026-02-16\toff\tTết Nguyên đán\trule$/m);
  r = cli(['calendar', 'due', '--from', '2026-02-27T10:00', '--days', '1']);
  assert.equal(r.stdout.trim(), '2026-03-02T10:00:00+07:00');
  r = cli(['calendar', 'due', '--from', '2026-02-27T10:00', '--days', '1', '--db', s.db]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '2026-03-03T10:00:00+07:00');
  r = cli(['calendar', 'between', '--from', '2026-02-20T10:00', '--to', '2026-02-23T10:00', '--db', s.db]);
  assert.equal(r.stdout.trim(), 'hours=10.00 days=1.33'); // Sat 7.5 h + Mon 07:30-10:00
  r = cli(['calendar', 'holidays', '--year', '2026', '--db', newDb(s.dir, 'missing.db', { create: false })]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
});

test('DELETE restores the rules; a second DELETE is 404', async () => {
  let r = await s.as('admin', 'DELETE', '/api/v1/calendar/days/2026-02-21');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { date: '2026-02-21', deleted: true });
  assert.equal(day((await s.as('admin', 'GET', '/api/v1/calendar/2026')).json, '2026-02-21'), undefined);
  assert.equal((await due('from=2026-02-13T10:00&days=1')).due, '2026-02-23T10:00:00+07:00');
  r = await s.as('admin', 'DELETE', '/api/v1/calendar/days/2026-02-21');
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'calendar_day_not_found');
  const ev = s.sql("SELECT action FROM events WHERE entity = 'calendar' AND entity_id = '2026-02-21' ORDER BY id");
  assert.deepEqual(ev.map((e) => e.action), ['calendar.day_set', 'calendar.day_deleted']);
});

test('only an administrator changes the calendar; devices and strangers cannot read it', async () => {
  const before = calendarEvents();
  for (const who of ['clerk1', 'sup', 'spec', 'kiosk-1', 'board-1', null]) {
    const want = who === null ? 401 : 403;
    let r = await s.as(who, 'PUT', '/api/v1/calendar/days/2026-05-04', { body: { kind: 'day_off' } });
    assert.equal(r.status, want, `PUT as ${who}: ${r.text}`);
    assert.ok(r.json.error.code);
    r = await s.as(who, 'DELETE', '/api/v1/calendar/days/2026-03-02');
    assert.equal(r.status, want, `DELETE as ${who}`);
    r = await s.as(who, 'PUT', '/api/v1/calendar/config', { body: { cutoff: '14:00' } });
    assert.equal(r.status, want, `PUT config as ${who}`);
  }
  for (const who of ['kiosk-1', 'board-1', null]) {
    const want = who === null ? 401 : 403;
    assert.equal((await s.as(who, 'GET', '/api/v1/calendar/2026')).status, want);
    assert.equal((await s.as(who, 'GET', '/api/v1/calendar/due?days=1')).status, want);
  }
  assert.equal(calendarEvents(), before);
  assert.equal(s.sql('SELECT count(*) AS n FROM calendar_overrides')[0].n, 2);
});

test('bad input gets 400 with the error shape and changes nothing', async () => {
  const before = calendarEvents();
  const cases = [
    ['PUT', '/api/v1/calendar/days/2026-02-30', { kind: 'day_off' }, 'invalid_date'],
    ['PUT', '/api/v1/calendar/days/abc', { kind: 'day_off' }, 'invalid_date'],
    ['PUT', '/api/v1/calendar/days/2026-2-3', { kind: 'day_off' }, 'invalid_date'],
    ['PUT', '/api/v1/calendar/days/2101-01-01', { kind: 'day_off' }, 'invalid_date'],
    ['PUT', '/api/v1/calendar/days/2026-05-04', { kind: 'holiday' }, 'invalid_kind'],
    ['PUT', '/api/v1/calendar/days/2026-05-04', { kind: 7 }, 'invalid_kind'],
    ['PUT', '/api/v1/calendar/days/2026-05-04', {}, 'invalid_kind'],
    ['PUT', '/api/v1/calendar/days/2026-05-04', { kind: 'day_off', name: 5 }, 'invalid_name'],
    ['PUT', '/api/v1/calendar/days/2026-05-04', { kind: 'day_off', name: '' }, 'invalid_name'],
    ['PUT', '/api/v1/calendar/days/2026-05-04', { kind: 'day_off', name: 'x'.repeat(80) }, 'invalid_name'],
    ['PUT', '/api/v1/calendar/days/2026-05-04', { kind: 'day_off', name: 'a\nb' }, 'invalid_name'],
    ['PUT', '/api/v1/calendar/days/2026-05-01', { kind: 'rename' }, 'missing_name'],
    ['PUT', '/api/v1/calendar/days/2026-05-04', { kind: 'day_off', color: 'red' }, 'unknown_field'],
    ['PUT', '/api/v1/calendar/days/2026-05-04', { kind: 'day_off', date: '2026-05-05' }, 'key_mismatch'],
    ['DELETE', '/api/v1/calendar/days/2026-02-30', undefined, 'invalid_date'],
    ['GET', '/api/v1/calendar/abc', undefined, 'invalid_year'],
    ['GET', '/api/v1/calendar/1899', undefined, 'invalid_year'],
    ['GET', '/api/v1/calendar/20260', undefined, 'invalid_year'],
    ['GET', '/api/v1/calendar/due?from=2026-02-13T10:00', undefined, 'invalid_limit'],
    ['GET', '/api/v1/calendar/due?from=2026-02-13T10:00&days=1&hours=2', undefined, 'invalid_limit'],
    ['GET', '/api/v1/calendar/due?from=2026-02-13T10:00&days=-1', undefined, 'invalid_limit'],
    ['GET', '/api/v1/calendar/due?from=2026-02-13T10:00&days=abc', undefined, 'invalid_limit'],
    ['GET', '/api/v1/calendar/due?from=2026-02-13T10:00&days=1001', undefined, 'invalid_limit'],
    ['GET', '/api/v1/calendar/due?from=2026-02-13T10:00&days=1.0001', undefined, 'invalid_limit'],
    ['GET', '/api/v1/calendar/due?from=2026-02-13T10:00&days=', undefined, 'invalid_limit'],
    ['GET', '/api/v1/calendar/due?from=2026-02-13T10:00&same_day=2', undefined, 'invalid_same_day'],
    ['GET', '/api/v1/calendar/due?from=2026-02-30T10:00&days=1', undefined, 'invalid_from'],
    ['GET', '/api/v1/calendar/due?from=abc&days=1', undefined, 'invalid_from'],
    ['GET', '/api/v1/calendar/due?from=2026-02-13T25:00&days=1', undefined, 'invalid_from'],
    ['GET', '/api/v1/calendar/due?from=2101-01-05T10:00&days=1', undefined, 'invalid_from'],
    ['GET', '/api/v1/calendar/due?from=1899-12-31T10:00&days=1', undefined, 'invalid_from'],
    ['GET', '/api/v1/calendar/due?from=2100-12-20T10:00&days=1000', undefined, 'due_out_of_range'],
    ['PUT', '/api/v1/calendar/config', { weekdays: [1, 9] }, 'invalid_config'],
    ['PUT', '/api/v1/calendar/config', { sessions: [{ start: '13:00', end: '12:00' }] }, 'invalid_config'],
    ['PUT', '/api/v1/calendar/config', { lunch: true }, 'unknown_field'],
  ];
  for (const [method, path, body, code] of cases) {
    const r = await s.as('admin', method, path, { body });
    assert.equal(r.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${r.status} ${r.text}`);
    assert.equal(r.json?.error?.code, code, `${method} ${path}: ${r.text}`);
    assert.equal(typeof r.json.error.message, 'string');
  }
  let r = await s.as('admin', 'PUT', '/api/v1/calendar/days/2026-05-04', { raw: '{"kind":' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'invalid_json');
  r = await s.as('admin', 'PUT', '/api/v1/calendar/days/2026-05-04', { raw: '["day_off"]' });
  assert.equal(r.status, 400);
  assert.equal(calendarEvents(), before);
  assert.equal(s.sql('SELECT count(*) AS n FROM calendar_overrides')[0].n, 2);
});

test('the office working hours: read by staff, set by the administrator', async () => {
  let r = await s.as('clerk1', 'GET', '/api/v1/calendar/config');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.cutoff, '15:00');
  r = await s.as('admin', 'PUT', '/api/v1/calendar/config', { body: { cutoff: '14:00' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.cutoff, '14:00');
  assert.deepEqual(r.json.weekdays, [1, 2, 3, 4, 5]);
  // 14:30 is now after the cutoff: the count starts the next working day.
  assert.equal((await due('from=2026-03-04T14:30&days=1')).due, '2026-03-05T17:00:00+07:00');
  r = cli(['calendar', 'due', '--from', '2026-03-04T14:30', '--days', '1', '--db', s.db]);
  assert.equal(r.stdout.trim(), '2026-03-05T17:00:00+07:00');
  r = await s.as('admin', 'PUT', '/api/v1/calendar/config', { body: { cutoff: '15:00' } });
  assert.equal(r.status, 200, r.text);
  assert.equal((await due('from=2026-03-04T14:30&days=1')).due, '2026-03-05T14:30:00+07:00');
});
