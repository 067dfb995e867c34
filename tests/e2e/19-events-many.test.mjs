// tsan: yes
// Many live screens on one server (issue 14): hundreds of event streams over
// two centres each get their own centre's calls and never the other's, and
// the stream limits are the serve flags docs/api.md names, so a province
// can hold more than the former 1,024 streams in all.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';

const PER_TOKEN = 8; // the defaults docs/api.md gives
const PER_ADDRESS = 64;
const PER_CENTRE = 150;
const TOKENS = Math.ceil(PER_CENTRE / PER_TOKEN);
const board = (centre, k) => `${centre === CENTRE_A ? 'a' : 'b'}-wall-${k}`;

const servers = [];
const streams = [];
after(async () => {
  for (const st of streams) st.close();
  for (const s of servers) { await s.stop(); s.cleanup(); }
});

const until = async (pred, what, ms = 30000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

// An event stream over a raw socket from localAddress (Linux routes all of
// 127/8 to lo): resolves {status, events, close} once the snapshot came (or
// at once with the refusal's status and body). events: [{id, event, data}]
// after the snapshot, kept as they arrive.
function stream(s, token, localAddress) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port: s.port, localAddress });
    let head = null, text = '', raw = Buffer.alloc(0), body = '', done = false;
    const out = { status: 0, events: [], close: () => sock.destroy() };
    const finish = (v) => { if (!done) { done = true; resolve(v); } };
    sock.on('connect', () => sock.write(`GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`));
    sock.on('error', (e) => { if (!done) { done = true; reject(e); } });
    sock.on('close', () => finish(out));
    sock.on('data', (d) => {
      if (head === null) {
        text += d.toString('latin1');
        const k = text.indexOf('\r\n\r\n');
        if (k < 0) return;
        head = text.slice(0, k);
        out.status = Number(head.split(' ')[1]);
        raw = Buffer.from(text.slice(k + 4), 'latin1');
      } else raw = Buffer.concat([raw, d]);
      if (out.status !== 200) { // a refusal: its JSON body, then the socket is closed here
        const length = Number(head.match(/content-length: *(\d+)/i)?.[1] ?? 0);
        if (raw.length >= length) { out.body = raw.toString('utf8'); finish(out); sock.destroy(); }
        return;
      }
      for (;;) { // chunked transfer coding
        const e = raw.indexOf('\r\n');
        if (e < 0) break;
        const n = parseInt(raw.subarray(0, e).toString('latin1'), 16);
        if (raw.length < e + 4 + n) break;
        body += raw.subarray(e + 2, e + 2 + n).toString('utf8');
        raw = raw.subarray(e + 4 + n);
      }
      let k;
      while ((k = body.indexOf('\n\n')) >= 0) {
        const block = body.slice(0, k);
        body = body.slice(k + 2);
        const m = block.match(/^id: (\d+)\nevent: ([^\n]+)\ndata: (.*)$/s);
        if (!m) continue;
        if (m[2] === 'snapshot') { finish(out); continue; }
        out.events.push({ id: Number(m[1]), event: m[2], data: JSON.parse(m[3]) });
      }
    });
  });
}

// Opens n streams, at most 64 at a time; fails on any refusal.
async function openAll(s, n, tokenOf, addressOf) {
  const got = [];
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < n) {
      const i = next++;
      const st = await stream(s, tokenOf(i), addressOf(i));
      streams.push(st);
      assert.equal(st.status, 200, `stream ${i}: ${st.status} ${st.body ?? ''}`);
      got.push(st);
    }
  }));
  return got;
}

test('150 screens of each of two centres: each gets its own centre\'s calls, none the other\'s', async () => {
  const devices = [];
  for (const centre of [CENTRE_A, CENTRE_B])
    for (let k = 0; k < TOKENS; k++) devices.push({ office: centre, kind: 'display', name: board(centre, k) });
  const s = await startServer({ bundle: { ...PROVINCE_BUNDLE, devices: [...PROVINCE_BUNDLE.devices, ...devices] } });
  servers.push(s);
  // The defaults: 8 streams a token, 64 an address (here 5 addresses).
  const open = (centre, base) => openAll(s, PER_CENTRE, (i) => s.devices[board(centre, Math.floor(i / PER_TOKEN))],
    (i) => `127.0.0.${base + Math.floor(i / PER_ADDRESS)}`);
  const a = await open(CENTRE_A, 2);
  const b = await open(CENTRE_B, 10);

  for (const [clerk, kiosk] of [['a.clerk', 'a-kiosk'], ['b.clerk', 'b-kiosk']]) {
    assert.equal((await s.as(clerk, 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } })).status, 200);
    assert.equal((await s.as(kiosk, 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).status, 201);
  }
  const callA = await s.as('a.clerk', 'POST', '/api/v1/counters/1/call');
  assert.equal(callA.status, 200, callA.text);
  const called = (st, id) => st.events.some((e) => e.event === 'ticket.called' && e.data.ticket.id === id);
  await until(() => a.every((st) => called(st, callA.json.ticket.id)), `all ${PER_CENTRE} streams of A getting A's call`);

  // B's own call comes after A's: once every B stream has it, A's would
  // have come before it, had it been sent.
  const callB = await s.as('b.clerk', 'POST', '/api/v1/counters/1/call');
  assert.equal(callB.status, 200, callB.text);
  await until(() => b.every((st) => called(st, callB.json.ticket.id)), `all ${PER_CENTRE} streams of B getting B's call`);
  assert.equal(b.filter((st) => called(st, callA.json.ticket.id)).length, 0, 'a stream of B got A\'s call');
  assert.equal(a.filter((st) => called(st, callB.json.ticket.id)).length, 0, 'a stream of A got B\'s call');
  // Nothing of A at all on B's screens (both centres number from A001: ids
  // tell the tickets apart, labels would not).
  const issuedA = callA.json.ticket.id;
  assert.ok(b.every((st) => st.events.every((e) => e.data.ticket?.id !== issuedA)));
  for (const st of [...a, ...b]) st.close();
});

test('with the flags, one token from one address holds 1,100 streams; the next is 429', async () => {
  const s = await startServer({ bundle: PROVINCE_BUNDLE,
    args: ['--streams-per-token', '1100', '--streams-per-address', '1200', '--per-address-connections', '1300'] });
  servers.push(s);
  const token = s.devices['a-board'];
  const many = await openAll(s, 1100, () => token, () => '127.0.0.20');
  assert.equal(many.length, 1100);
  assert.equal((await s.req('GET', '/healthz')).json.subscribers, 1100);
  const over = await stream(s, token, '127.0.0.20');
  streams.push(over);
  assert.equal(over.status, 429);
  assert.match(over.body, /too_many_streams/);
  // Another token from the same address is still below its own limit.
  const other = await stream(s, s.devices['b-board'], '127.0.0.20');
  streams.push(other);
  assert.equal(other.status, 200);
  // A call still reaches every one of them.
  assert.equal((await s.as('a.clerk', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } })).status, 200);
  assert.equal((await s.as('a-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).status, 201);
  const call = await s.as('a.clerk', 'POST', '/api/v1/counters/1/call');
  assert.equal(call.status, 200, call.text);
  await until(() => many.every((st) => st.events.some((e) => e.event === 'ticket.called' && e.data.ticket.id === call.json.ticket.id)),
    'the call on all 1,100 streams');
});
