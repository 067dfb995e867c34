// A client address that keeps being refused a booking (a full slot hammered,
// a limit reached) is itself limited: every refused attempt counts against
// the address (a larger allowance than bookings made), so within a bounded
// number of tries it is answered 429 too_many_bookings_address with
// Retry-After, before any work; another address still books; and a refused
// booking is decided on the reader, so the counters beside the hammering
// keep their pace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock } from './lib/steps.mjs';
import { bookingBundle, CENTRE_A, MONDAY_8AM, at, booking } from './lib/booking-province.mjs';

let s;
before(async () => {
  s = await startServer({
    bundle: bookingBundle({ slots: [{ office: CENTRE_A, group: 'CT', minutes: 30, capacity: 1 }] }),
    args: ['--test-clock', '--logins-per-minute', '1000'],
  });
  await setClock(s, MONDAY_8AM);
});
after(async () => { await s?.stop(); s?.cleanup(); });

const HAMMER = '127.0.0.217';
const book = (body, localAddress) => s.req('POST', '/api/v1/public/bookings', { body, localAddress });

test('an address hammering a full slot is answered 429 within a bounded number of tries; the counter keeps its pace', async () => {
  const full = at('2026-12-08', '09:00');
  assert.equal((await book(booking(full, { phone: '0912000001' }), '127.0.0.2')).status, 201);
  assert.equal(s.sql("SELECT count(*) AS n FROM bookings")[0].n, 1);

  // The counter meanwhile: a ticket, a call, a finish, each timed.
  assert.equal((await s.as('a.clerk', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } })).status, 200);
  let hammering = true;
  const times = [];
  const counter = (async () => {
    while (hammering) {
      const t = performance.now();
      assert.equal((await s.as('a-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).status, 201);
      assert.equal((await s.as('a.clerk', 'POST', '/api/v1/counters/1/call', { body: {} })).status, 200);
      assert.equal((await s.as('a.clerk', 'POST', '/api/v1/counters/1/finish', { body: { outcome: 'served' } })).status, 200);
      times.push(performance.now() - t);
    }
  })();

  const seen = {};
  let limited = null;
  let tries = 0;
  // Four connections at once, at most 300 attempts in all.
  const one = async () => {
    while (!limited && tries < 300) {
      const n = tries++;
      const r = await book(booking(full, { phone: `0913${String(100000 + n)}` }), HAMMER);
      const k = `${r.status} ${r.json?.error?.code}`;
      seen[k] = (seen[k] ?? 0) + 1;
      if (r.status === 429) limited ??= r;
      else assert.equal(r.status, 409, r.text);
    }
  };
  await Promise.all([one(), one(), one(), one()]);
  hammering = false;
  await counter;
  assert.ok(limited, `no 429 in ${tries} refused attempts: ${JSON.stringify(seen)}`);
  assert.equal(limited.json.error.code, 'too_many_bookings_address');
  assert.ok(Number(limited.headers['retry-after']) >= 1, JSON.stringify(limited.headers));
  assert.ok(seen['409 slot_full'] >= 50, `a citizen trying a few full slots is not limited: ${JSON.stringify(seen)}`);

  // The address stays limited, even for a free slot; nothing was saved.
  const again = await book(booking(at('2026-12-08', '10:00'), { phone: '0914000001' }), HAMMER);
  assert.equal(again.status, 429, again.text);
  assert.equal(s.sql("SELECT count(*) AS n FROM bookings")[0].n, 1);
  // Another address books the free slot at once.
  const other = await book(booking(at('2026-12-08', '10:00'), { phone: '0914000002' }), '127.0.0.3');
  assert.equal(other.status, 201, other.text);

  // The counter's ticket, call and finish stayed quick meanwhile.
  assert.ok(times.length > 0);
  times.sort((a, b) => a - b);
  assert.ok(times[times.length >> 1] < 1000, `counter p50 ${Math.round(times[times.length >> 1])} ms`);
});

test('refusals counted: a phone at its daily limit retried from one address ends in 429 for the address', async () => {
  const addr = '127.0.0.218';
  const phone = '0915000001';
  for (const hhmm of ['13:30', '14:00']) {
    const r = await book(booking(at('2026-12-09', hhmm), { phone }), addr);
    assert.equal(r.status, 201, r.text);
  }
  let r;
  let n = 0;
  do {
    r = await book(booking(at('2026-12-09', '15:00'), { phone }), addr);
    n++;
  } while (r.status === 409 && n < 300);
  assert.equal(r.status, 429, `${n} tries: ${r.text}`);
  assert.equal(r.json.error.code, 'too_many_bookings_address');
  assert.equal(s.sql(`SELECT count(*) AS n FROM bookings WHERE phone = '${phone}'`)[0].n, 2);
});
