// A token says which office it belongs to: the screens choose their centre
// by it, and a province-wide account has none (docs/province.md, "Scopes").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE } from './lib/province-bundle.mjs';

let s;
before(async () => { s = await startServer({ bundle: PROVINCE_BUNDLE }); });
after(async () => { await s.stop(); s.cleanup(); });

test('each account and device sees its own office in GET /api/v1/session', async () => {
  const cases = [
    ['a.clerk', 'TT-KS', 'centre'], ['b.clerk', 'TT-LB', 'centre'], ['a.spec', 'TP-KS', 'internal'],
    ['b.sup', 'UB-LB', 'authority'], ['so.spec', 'SO-TNMT-DD', 'internal'],
  ];
  for (const [user, code, kind] of cases) {
    const r = await s.as(user, 'GET', '/api/v1/session');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.office?.code, code, user);
    assert.equal(r.json.office.kind, kind, user);
  }
  for (const user of ['admin', 'prov.sup']) {
    const r = await s.as(user, 'GET', '/api/v1/session');
    assert.equal(r.json.office, null, `${user} is the province's`);
  }
  const board = await s.req('GET', '/api/v1/session',
    { headers: { Authorization: `Bearer ${s.devices['b-board']}` } });
  assert.equal(board.status, 200, board.text);
  assert.equal(board.json.office.code, 'TT-LB');
  assert.equal(board.json.office.name, 'Trung tâm Phục vụ hành chính công xã Lao Bảo');
});

test('the login answer names the office too', async () => {
  const r = await s.req('POST', '/api/v1/session', { body: { username: 'a.clerk', password: 'a-clerk-pass-01' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.office.code, 'TT-KS');
});
