// tsan: yes
// Staff accounts: a password policy worth the name (12+ characters, not a
// common password, not the username) wherever an account is made or its
// password changed; the last administrator cannot be demoted or disabled;
// a staff session ends after 30 idle minutes, a device token never idles.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, cli, newDb, ADMIN_PASSWORD, PASSWORDS } from './lib/harness.mjs';

let s;
before(async () => { s = await startServer({ args: ['--test-clock'] }); });
after(async () => { await s.stop(); s.cleanup(); });

const T0 = Date.UTC(2026, 2, 2, 1, 0) / 1000; // Monday 08:00 in the office
const setClock = async (t) => {
  delete s.tokens.admin; // the admin's own session idles too
  const r = await s.as('admin', 'PUT', '/api/v1/test/clock', { body: { now: t } });
  assert.equal(r.status, 200, r.text);
  delete s.tokens.admin;
};
const newUser = (username, password) => s.as('admin', 'POST', '/api/v1/users', {
  body: { username, full_name: 'Cán bộ mới', role: 'counter', password },
});
const userCount = async () => (await s.as('admin', 'GET', '/api/v1/users?limit=500')).json.total;

test('weak passwords are refused with weak_password and change nothing', async () => {
  const before = await userCount();
  for (const pw of ['clerk-pass1', 'password1234', 'Motcua@2026!', '123456789012', 'qwertyuiop12', 'Newbie@123456', 'aaaaaaaaaaaa']) {
    const r = await newUser('newbie', pw);
    assert.equal(r.status, 400, `${pw}: ${r.status} ${r.text}`);
    assert.equal(r.json.error.code, 'weak_password', pw);
  }
  assert.equal(await userCount(), before);
  const ok = await newUser('newbie', 'ngua-vang-chay-nhanh');
  assert.equal(ok.status, 201, ok.text);
  // A changed password meets the same policy; the old one keeps working.
  const patch = await s.as('admin', 'PATCH', '/api/v1/users/newbie', { body: { password: 'matkhau12345' } });
  assert.equal(patch.status, 400, patch.text);
  assert.equal(patch.json.error.code, 'weak_password');
  const login = await s.req('POST', '/api/v1/session', { body: { username: 'newbie', password: 'ngua-vang-chay-nhanh' } });
  assert.equal(login.status, 201, login.text);
  // The bundle import and the command line's init apply it too.
  const imp = await s.as('admin', 'POST', '/api/v1/import', { body: { users: [{ username: 'weak2', full_name: 'Yếu', role: 'counter', password: 'iloveyou2026' }] } });
  assert.equal(imp.status, 400, imp.text);
  assert.equal(imp.json.error.code, 'weak_password');
  const bundle = path.join(s.dir, 'weak.json');
  writeFileSync(bundle, JSON.stringify({ users: [{ username: 'weak3', full_name: 'Yếu', role: 'counter', password: 'short-pw' }] }));
  const cliImport = cli(['import', '--db', s.db, bundle]);
  assert.equal(cliImport.status, 1, cliImport.stderr);
  assert.match(cliImport.stderr, /weak_password/);
  const init = cli(['init', '--db', newDb(s.dir, 'other.db'), '--password', 'admin1234567']);
  assert.notEqual(init.status, 0);
  assert.match(init.stderr, /weak_password/);
  assert.equal(await userCount(), before + 1);
});

test('the last administrator cannot be demoted or disabled, not even by themselves', async () => {
  for (const body of [{ active: false }, { role: 'supervisor' }]) {
    const r = await s.as('admin', 'PATCH', '/api/v1/users/admin', { body });
    assert.equal(r.status, 409, `${JSON.stringify(body)}: ${r.status} ${r.text}`);
    assert.equal(r.json.error.code, 'last_admin');
  }
  const imp = await s.as('admin', 'POST', '/api/v1/import', { body: { users: [{ username: 'admin', active: false }] } });
  assert.equal(imp.status, 409, imp.text);
  assert.equal(imp.json.error.code, 'last_admin');
  // Still an administrator, still able to work.
  delete s.tokens.admin;
  const me = await s.as('admin', 'GET', '/api/v1/session');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.role, 'admin');
  // With a second administrator, the first may step down; the second is then
  // the last one.
  const second = await s.as('admin', 'POST', '/api/v1/users', { body: { username: 'admin2', full_name: 'Quản trị hai', role: 'admin', password: 'hai-quan-tri-vien' } });
  assert.equal(second.status, 201, second.text);
  const down = await s.as('admin', 'PATCH', '/api/v1/users/admin', { body: { role: 'supervisor' } });
  assert.equal(down.status, 200, down.text);
  const token = (await s.req('POST', '/api/v1/session', { body: { username: 'admin2', password: 'hai-quan-tri-vien' } })).json.token;
  const self = await s.req('PATCH', '/api/v1/users/admin2', { token, body: { active: false } });
  assert.equal(self.status, 409, self.text);
  assert.equal(self.json.error.code, 'last_admin');
  const back = await s.req('PATCH', '/api/v1/users/admin', { token, body: { role: 'admin' } });
  assert.equal(back.status, 200, back.text);
  delete s.tokens.admin;
});

test('a staff session ends after 30 idle minutes; use keeps it alive; devices never idle', async () => {
  await setClock(T0);
  const login = await s.req('POST', '/api/v1/session', { body: { username: 'clerk1', password: PASSWORDS.clerk1 } });
  assert.equal(login.status, 201, login.text);
  const token = login.json.token;
  const idleToken = (await s.req('POST', '/api/v1/session', { body: { username: 'sup', password: PASSWORDS.sup } })).json.token;
  const me = () => s.req('GET', '/api/v1/session', { token });
  // Used every 20 minutes for two hours: never logged out.
  for (let m = 20; m <= 120; m += 20) {
    await setClock(T0 + m * 60);
    const r = await me();
    assert.equal(r.status, 200, `after ${m} min: ${r.status} ${r.text}`);
  }
  // The supervisor's session, unused since T0, has ended.
  const idle = await s.req('GET', '/api/v1/session', { token: idleToken });
  assert.equal(idle.status, 401, idle.text);
  // 31 minutes without use end the clerk's too.
  await setClock(T0 + 151 * 60);
  assert.equal((await me()).status, 401);
  // The board's device token does not idle.
  const board = await s.as('board-1', 'GET', '/api/v1/queue');
  assert.equal(board.status, 200, board.text);
  // A GET costs no write while the session's end moves by under a minute.
  await setClock(T0 + 200 * 60);
  const fresh = (await s.req('POST', '/api/v1/session', { body: { username: 'clerk1', password: PASSWORDS.clerk1 } })).json.token;
  const end0 = s.sql('SELECT max(expires_at) AS e FROM sessions')[0].e;
  for (let i = 0; i < 5; i++) assert.equal((await s.req('GET', '/api/v1/session', { token: fresh })).status, 200);
  assert.equal(s.sql('SELECT max(expires_at) AS e FROM sessions')[0].e, end0);
});

test('a lowered idle time applies to open sessions at their next use', async () => {
  const T1 = T0 + 300 * 60;
  await setClock(T1);
  const token = (await s.req('POST', '/api/v1/session', { body: { username: 'clerk1', password: PASSWORDS.clerk1 } })).json.token;
  const set = async (minutes) => {
    const r = await s.as('admin', 'POST', '/api/v1/import', { body: { settings: { session_idle_minutes: minutes } } });
    assert.equal(r.status, 200, r.text);
  };
  await set(5);
  assert.equal((await s.req('GET', '/api/v1/session', { token })).status, 200);
  await setClock(T1 + 6 * 60);
  const r = await s.req('GET', '/api/v1/session', { token });
  assert.equal(r.status, 401, 'the session opened under 30 idle minutes ends after 5');
  await set(30);
});

test('the admin password of the harness meets the policy', () => {
  assert.ok(ADMIN_PASSWORD.length >= 12);
  for (const pw of Object.values(PASSWORDS)) assert.ok(pw.length >= 12, pw);
});
