// Every mutating route x every role: the right roles get through the role
// check, the others get 403 (401 without credentials), and refused calls
// change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); s.cleanup(); });

const ROLES = ['admin', 'sup', 'clerk1', 'spec', 'kiosk-1', 'board-1', null];
const QUEUE_STAFF = ['admin', 'sup', 'clerk1'];

// method, path, body, who may: the table in core/src/api/routes.c.
const ROUTES = [
  ['POST', '/api/v1/tickets', { group: 'CT' }, [...QUEUE_STAFF, 'kiosk-1']],
  ['POST', '/api/v1/tickets/1/rejoin', {}, QUEUE_STAFF],
  ['POST', '/api/v1/counters/2/state', { state: 'open' }, QUEUE_STAFF],
  ['POST', '/api/v1/counters/2/call', {}, QUEUE_STAFF],
  ['POST', '/api/v1/counters/2/recall', {}, QUEUE_STAFF],
  ['POST', '/api/v1/counters/2/no-show', {}, QUEUE_STAFF],
  ['POST', '/api/v1/counters/2/transfer', { group: 'HT' }, QUEUE_STAFF],
  ['POST', '/api/v1/counters/2/finish', {}, QUEUE_STAFF],
  ['POST', '/api/v1/import', { settings: { priority_cap: 3 } }, ['admin']],
  ['POST', '/api/v1/service-groups', { code: 'XX', prefix: 'X', name: 'Thử' }, ['admin']],
  ['PATCH', '/api/v1/service-groups/XX', { name: 'Thử lại' }, ['admin']],
  ['POST', '/api/v1/counters', { no: 9, groups: ['CT'] }, ['admin']],
  ['PATCH', '/api/v1/counters/9', { name: 'Quầy chín' }, ['admin']],
  ['POST', '/api/v1/users', { username: 'newbie', full_name: 'Người mới', role: 'counter', password: 'newbie-pass-1' }, ['admin']],
  ['PATCH', '/api/v1/users/newbie', { full_name: 'Người mới hơn' }, ['admin']],
  ['POST', '/api/v1/devices', { kind: 'display', name: 'board-2' }, ['admin']],
  ['PATCH', '/api/v1/devices/board-2', { active: true }, ['admin']],
  ['DELETE', '/api/v1/session', undefined, ['admin', 'sup', 'clerk1', 'spec']],
];

test('every mutating route refuses the roles it does not allow, and changes nothing', async () => {
  for (const [method, path, body, allowed] of ROUTES) {
    for (const who of ROLES) {
      if (allowed.includes(who)) continue;
      const before = s.sql('SELECT count(*) AS n FROM events')[0].n;
      const r = await s.as(who, method, path, { body });
      const want = who === null ? 401 : 403;
      assert.equal(r.status, want, `${method} ${path} as ${who}: ${r.status} ${r.text}`);
      assert.equal(r.json.error.code, who === null ? 'unauthorized' : 'forbidden');
      assert.equal(s.sql('SELECT count(*) AS n FROM events')[0].n, before, `${method} ${path} as ${who} changed something`);
    }
  }
});

test('every mutating route lets its roles through the role check', async () => {
  for (const [method, path, body, allowed] of ROUTES) {
    for (const who of allowed) {
      if (method === 'DELETE') continue; // logging out is checked below
      const r = await s.as(who, method, path, { body });
      // Past the role check the answer may still be a state conflict
      // (nothing to recall) or not found, never 401/403 for the role.
      assert.ok(![401, 403].includes(r.status) || r.json?.error?.code === 'counter_not_yours',
        `${method} ${path} as ${who}: ${r.status} ${r.text}`);
    }
  }
});

test('read routes: the queue is public, staff lists need staff, users need admin or supervisor', async () => {
  assert.equal((await s.as(null, 'GET', '/api/v1/queue')).status, 200);
  assert.equal((await s.as('board-1', 'GET', '/api/v1/counters')).status, 403);
  assert.equal((await s.as('clerk1', 'GET', '/api/v1/counters')).status, 200);
  assert.equal((await s.as('clerk1', 'GET', '/api/v1/users')).status, 403);
  const users = await s.as('sup', 'GET', '/api/v1/users?limit=2');
  assert.equal(users.status, 200);
  assert.equal(users.json.items.length, 2);
  assert.ok(users.json.total >= 5);
  assert.ok(users.json.items.every((u) => !('password' in u) && !('pw_hash' in u)));
  assert.equal((await s.as('sup', 'GET', '/api/v1/devices')).status, 403);
});

test('logging out ends the session', async () => {
  const token = await s.login('spec');
  const out = await s.req('DELETE', '/api/v1/session', { token });
  assert.equal(out.status, 200);
  const again = await s.req('GET', '/api/v1/session', { token });
  assert.equal(again.status, 401);
});

test('a deactivated account can no longer act', async () => {
  const token = await s.login('clerk2');
  const off = await s.as('admin', 'PATCH', '/api/v1/users/clerk2', { body: { active: false } });
  assert.equal(off.status, 200, off.text);
  const r = await s.req('POST', '/api/v1/tickets', { token, body: { group: 'CT' } });
  assert.equal(r.status, 401);
});
