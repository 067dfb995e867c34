// Bad input of every kind gets a 4xx with the JSON error shape and changes
// nothing in the database; nothing a client sends yields a 500.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './lib/harness.mjs';

let s;
let admin;
before(async () => {
  s = await startServer();
  admin = await s.login('admin');
  await s.login('clerk1');
});
after(async () => { await s.stop(); s.cleanup(); });

// Everything a change could touch.
const fingerprint = () => s.sql(
  "SELECT (SELECT count(*) FROM events) AS events, (SELECT coalesce(max(id),0) FROM events) AS last,"
  + ' (SELECT count(*) FROM tickets) AS tickets, (SELECT count(*) FROM users) AS users,'
  + ' (SELECT count(*) FROM service_groups) AS groups, (SELECT count(*) FROM counters) AS counters,'
  + ' (SELECT count(*) FROM idempotency) AS idem, (SELECT count(*) FROM settings) AS settings,'
  + ' (SELECT count(*) FROM offices) AS offices')[0];

// Sends raw bytes on a fresh connection; resolves the whole answer text.
function rawHttp(port, payload) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let out = '';
    sock.on('data', (d) => { out += d; });
    sock.on('end', () => resolve(out));
    sock.on('error', (e) => (out ? resolve(out) : reject(e)));
    sock.setTimeout(10000, () => { sock.destroy(); resolve(out); });
    sock.end(payload); // half-close: the server sees the request is all there is
  });
}

const CASES = [
  // [name, who, method, path, options, status, code]
  ['malformed JSON', 'kiosk-1', 'POST', '/api/v1/tickets', { raw: '{"group":' }, 400, 'invalid_json'],
  ['duplicate keys', 'kiosk-1', 'POST', '/api/v1/tickets', { raw: '{"group":"CT","group":"HT"}' }, 400, 'invalid_json'],
  ['invalid UTF-8', 'kiosk-1', 'POST', '/api/v1/tickets', { raw: Buffer.from([0x7b, 0x22, 0x67, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]) }, 400, 'invalid_json'],
  ['NUL in a string', 'kiosk-1', 'POST', '/api/v1/tickets', { raw: '{"group":"C\\u0000T"}' }, 400, 'invalid_json'],
  ['deep nesting', 'kiosk-1', 'POST', '/api/v1/tickets', { raw: '['.repeat(5000) }, 400, 'invalid_json'],
  ['an array, not an object', 'kiosk-1', 'POST', '/api/v1/tickets', { body: ['CT'] }, 400, 'expected_object'],
  ['empty body', 'kiosk-1', 'POST', '/api/v1/tickets', { raw: '' }, 400, 'empty_body'],
  ['group of the wrong type', 'kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 5 } }, 400, 'invalid_field'],
  ['priority of the wrong type', 'kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT', priority: true } }, 400, 'invalid_field'],
  ['group code too long', 'kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'C'.repeat(1000) } }, 400, 'invalid_field'],
  ['unknown group', 'kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'QQ' } }, 404, 'group_not_found'],
  ['unknown counter', 'admin', 'POST', '/api/v1/counters/99/call', {}, 404, 'counter_not_found'],
  ['counter number 0', 'admin', 'POST', '/api/v1/counters/0/call', {}, 400, 'invalid_counter_no'],
  ['counter not a number', 'admin', 'POST', '/api/v1/counters/abc/call', {}, 400, 'invalid_counter_no'],
  ['counter number overflow', 'admin', 'POST', '/api/v1/counters/99999999999999999999999/call', {}, 400, 'invalid_counter_no'],
  ['unknown ticket', 'admin', 'POST', '/api/v1/tickets/999999/rejoin', {}, 404, 'ticket_not_found'],
  ['ticket id negative', 'admin', 'POST', '/api/v1/tickets/-1/rejoin', {}, 400, 'invalid_ticket_id'],
  ['counter state of the wrong type', 'clerk1', 'POST', '/api/v1/counters/1/state', { body: { state: true } }, 400, 'invalid_counter_state'],
  ['unknown counter state', 'clerk1', 'POST', '/api/v1/counters/1/state', { body: { state: 'asleep' } }, 400, 'invalid_counter_state'],
  ['transfer to a counter given as text', 'admin', 'POST', '/api/v1/counters/1/transfer', { body: { counter: '3' } }, 400, 'invalid_field'],
  ['finish with an unknown outcome', 'admin', 'POST', '/api/v1/counters/1/finish', { body: { outcome: 'great' } }, 400, 'invalid_outcome'],
  ['import of a non-object', 'admin', 'POST', '/api/v1/import', { body: { service_groups: 'CT' } }, 400, 'invalid_field'],
  ['import with an unknown field', 'admin', 'POST', '/api/v1/import', { body: { dragons: 1 } }, 400, 'unknown_field'],
  ['import half good, half bad', 'admin', 'POST', '/api/v1/import', { body: { service_groups: [{ code: 'NEW', prefix: 'N', name: 'Mới' }], counters: [{ no: 5, groups: ['NOPE'] }] } }, 400, 'group_not_found'],
  ['a user with an unknown role', 'admin', 'POST', '/api/v1/users', { body: { username: 'king', full_name: 'Vua', role: 'king', password: 'longenough' } }, 400, 'invalid_role'],
  ['a user with a short password', 'admin', 'POST', '/api/v1/users', { body: { username: 'shorty', full_name: 'Ngắn', role: 'counter', password: 'short' } }, 400, 'weak_password'],
  ['a duplicate group prefix', 'admin', 'POST', '/api/v1/service-groups', { body: { code: 'DUP', prefix: 'A', name: 'Trùng' } }, 409, 'prefix_taken'],
  ['patching someone absent', 'admin', 'PATCH', '/api/v1/users/nobody', { body: { full_name: 'Không ai' } }, 404, 'not_found'],
  ['patch key disagreeing with the path', 'admin', 'PATCH', '/api/v1/counters/1', { body: { no: 2 } }, 400, 'key_mismatch'],
  ['a setting out of range', 'admin', 'POST', '/api/v1/import', { body: { settings: { priority_cap: -1 } } }, 400, 'invalid_setting'],
  ['bad page', 'admin', 'GET', '/api/v1/users?limit=abc', {}, 400, 'invalid_page'],
  ['page too large', 'admin', 'GET', '/api/v1/users?limit=100000', {}, 400, 'invalid_page'],
  // A NUL in a query value would cut it silently (C strings): refused whole.
  ['a NUL in a query value', 'admin', 'GET', '/api/v1/dossiers?q=abc%00def', {}, 400, 'invalid_query'],
  ['a NUL in a page argument', 'admin', 'GET', '/api/v1/users?limit=5%00abc', {}, 400, 'invalid_query'],
  ['bad Last-Event-ID', 'admin', 'GET', '/api/v1/events', { headers: { 'Last-Event-ID': 'xyz' } }, 400, 'invalid_last_event_id'],
  ['an invalid Idempotency-Key', 'kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' }, headers: { 'Idempotency-Key': 'k'.repeat(500) } }, 400, 'invalid_idempotency_key'],
  // office= names a centre (docs/province.md): an unknown one is not found,
  // an empty or oversized one is not a code.
  ['a counter of an unknown centre', 'admin', 'POST', '/api/v1/counters/1/call?office=NOPE', {}, 404, 'office_not_found'],
  ['a centre code of bad bytes', 'admin', 'POST', '/api/v1/counters/1/call?office=%FF%FE', {}, 404, 'office_not_found'],
  ['an empty centre code', 'clerk1', 'POST', '/api/v1/counters/1/state?office=', { body: { state: 'open' } }, 400, 'invalid_office'],
  ['a centre code of 3000 bytes', 'admin', 'POST', `/api/v1/counters/1/finish?office=${'x'.repeat(3000)}`, {}, 400, 'invalid_office'],
  ['a ticket at an unknown centre', 'kiosk-1', 'POST', '/api/v1/tickets?office=NOPE', { body: { group: 'CT' } }, 404, 'office_not_found'],
  ['dossiers of an unknown office', 'admin', 'GET', '/api/v1/dossiers?office=NOPE', {}, 404, 'office_not_found'],
  ['indicators of an unknown office', 'admin', 'GET', '/api/v1/indicators?from=2026-01-01&to=2026-01-31&office=NOPE', {}, 404, 'office_not_found'],
  ['indicators from an unknown source', 'admin', 'GET', '/api/v1/indicators?from=2026-01-01&to=2026-01-31&source=foo', {}, 400, 'invalid_source'],
  ['the stream of an unknown centre', 'admin', 'GET', '/api/v1/events?office=NOPE', {}, 404, 'office_not_found'],
  ['an office tree with a cycle', 'admin', 'POST', '/api/v1/import', { body: { offices: [
    { code: 'X1', name: 'Một', kind: 'internal', parent: 'X2' }, { code: 'X2', name: 'Hai', kind: 'internal', parent: 'X1' }] } }, 400, 'office_cycle'],
  ['unknown route', 'admin', 'GET', '/api/v1/nothing-here', {}, 404, 'not_found'],
  ['wrong method', 'admin', 'PUT', '/api/v1/tickets', { body: {} }, 405, 'method_not_allowed'],
  ['login with wrong types', null, 'POST', '/api/v1/session', { body: { username: 1, password: [] } }, 400, 'invalid_credentials_format'],
  ['a bad token', null, 'POST', '/api/v1/tickets', { body: { group: 'CT' }, headers: { Authorization: 'Bearer nope' } }, 401, 'unauthorized'],
];

test('bad input: a 4xx with the JSON error shape, and no change', async () => {
  for (const [name, who, method, path, opts, status, code] of CASES) {
    const before = fingerprint();
    const r = await s.as(who, method, path, opts);
    assert.equal(r.status, status, `${name}: ${r.status} ${r.text}`);
    assert.equal(typeof r.json?.error?.message, 'string', `${name}: ${r.text}`);
    assert.equal(r.json.error.code, code, name);
    assert.deepEqual(fingerprint(), before, `${name} changed the database`);
  }
});

test('a 10 MB body is refused with 413 at once', async () => {
  const before = fingerprint();
  // The answer comes from the Content-Length alone, before the body is read:
  // send the headers and the first bytes only.
  const out = await new Promise((resolve, reject) => {
    const sock = net.connect(s.port, '127.0.0.1');
    let text = '';
    sock.on('data', (d) => { text += d; if (text.includes('}}')) { sock.destroy(); resolve(text); } });
    sock.on('error', reject);
    sock.setTimeout(5000, () => { sock.destroy(); resolve(text); });
    sock.write(`POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.devices['kiosk-1']}\r\n`
      + `Content-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n{"group":"CT","pad":"xxxx`);
  });
  assert.match(out, /^HTTP\/1\.1 413/);
  assert.match(out, /"code":"body_too_large"/);
  assert.deepEqual(fingerprint(), before);
});

test('a chunked body over the limit is refused with 413', async () => {
  const before = fingerprint();
  const chunk = 'x'.repeat(32 * 1024);
  let payload = `POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.devices['kiosk-1']}\r\n`
    + 'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n';
  for (let i = 0; i < 8; i++) payload += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
  payload += '0\r\n\r\n';
  const out = await rawHttp(s.port, payload);
  assert.match(out, /^HTTP\/1\.1 413/);
  assert.match(out, /"code":"body_too_large"/);
  assert.deepEqual(fingerprint(), before);
});

test('a huge header gets 431 with the JSON error shape', async () => {
  const r = await s.as('admin', 'GET', '/api/v1/queue', { headers: { 'X-Huge': 'h'.repeat(30 * 1024) } });
  assert.equal(r.status, 431);
  assert.equal(r.json.error.code, 'headers_too_large');
});

test('garbage on the socket does not bring the server down', async () => {
  await rawHttp(s.port, 'GARBAGE\r\n\r\n\0\0\0');
  await rawHttp(s.port, 'POST /api/v1/tickets HTTP/1.1\r\nContent-Length: 5\r\n\r\n{');
  const h = await s.req('GET', '/healthz');
  assert.equal(h.status, 200);
  const m = await s.req('GET', '/metrics');
  assert.doesNotMatch(m.text, /code="5\d\d"/, 'no 5xx was ever answered');
});
