// motcua-counter never leaves the clerk guessing: the server away, a wrong
// password, an expired session, a forbidden action, a refusal with its reason,
// bad usage — one clear line each, Vietnamese or English, and its exit code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, PASSWORDS } from './lib/harness.mjs';
import { Clerk, runCounter } from './lib/counter.mjs';

let s;
const clerks = [];
const clerk = (base = s.base) => { const c = new Clerk(base); clerks.push(c); return c; };

before(async () => { s = await startServer({ args: ['--test-clock'] }); });
after(async () => {
  await s?.stop();
  s?.cleanup();
  for (const c of clerks) c.cleanup();
});

const oneLine = (r) => assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);

test('server unreachable: exit 3, after retrying, saying what to do', async () => {
  // A port nobody listens on: bind one, then close it.
  const port = await new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
  });
  const c = clerk(`http://127.0.0.1:${port}`);
  const t0 = Date.now();
  let r = await c.login('clerk1', PASSWORDS.clerk1);
  assert.equal(r.status, 3, r.stderr);
  assert.ok(Date.now() - t0 >= 1900, 'tried three times, a second apart');
  assert.match(r.stderr, new RegExp(`Không kết nối được máy chủ http://127\\.0\\.0\\.1:${port}`));
  oneLine(r);
  r = await c.run(['--lang', 'en', 'login', '--user', 'clerk1', '--password-stdin'], { input: 'x\n' });
  assert.equal(r.status, 3);
  assert.match(r.stderr, /Cannot reach the server/);
});

test('wrong password: exit 4; not logged in: exit 4', async () => {
  const c = clerk();
  let r = await c.login('clerk1', 'not-the-password');
  assert.equal(r.status, 4, r.stderr);
  assert.match(r.stderr, /Sai tên đăng nhập hoặc mật khẩu/);
  oneLine(r);
  r = await c.run(['next']);
  assert.equal(r.status, 4);
  assert.match(r.stderr, /Chưa đăng nhập\. Hãy đăng nhập: motcua-counter login/);
  r = await c.run(['status'], { env: { LANG: 'en_US.UTF-8' } });
  assert.equal(r.status, 4);
  assert.match(r.stderr, /Not logged in/, 'English from the locale');
});

test('forbidden: another clerk\'s counter is 403 counter_not_yours, exit 5', async () => {
  const c2 = clerk();
  assert.equal((await c2.login('clerk2', PASSWORDS.clerk2)).status, 0);
  assert.equal((await c2.run(['counter', 'open', '3'])).status, 0);
  const c1 = clerk();
  assert.equal((await c1.login('clerk1', PASSWORDS.clerk1)).status, 0);
  let r = await c1.run(['counter', 'open', '3']);
  assert.equal(r.status, 5, r.stderr);
  assert.match(r.stderr, /Không được phép: /);
  assert.doesNotMatch(r.stderr, /counter_not_yours/, 'no machine code in Vietnamese');
  oneLine(r);
  r = await c1.run(['--verbose', 'counter', 'open', '3']);
  assert.match(r.stderr, /Không được phép: .*\(counter_not_yours\)/, '--verbose adds the code');
  r = await c1.run(['--lang', 'en', 'counter', 'open', '3']);
  assert.equal(r.status, 5);
  assert.match(r.stderr, /^Forbidden: .*\(counter_not_yours\)/);
});

test('refused by the server: exit 6 with its reason, nothing changed', async () => {
  const c = clerk();
  assert.equal((await c.login('clerk1', PASSWORDS.clerk1)).status, 0);
  let r = await c.run(['counter', 'open', '1']);
  assert.equal(r.status, 0, r.stderr);
  r = await c.run(['recall']);
  assert.equal(r.status, 6, r.stderr);
  assert.match(r.stderr, /Máy chủ từ chối: .*[^)]\. Không có gì thay đổi\./);
  assert.doesNotMatch(r.stderr, /no_ticket_at_counter/);
  oneLine(r);
  r = await c.run(['--verbose', 'next']);
  assert.equal(r.status, 6);
  assert.match(r.stderr, /\(queue_empty\)/);
  r = await c.run(['--json', 'status']);
  assert.equal(r.status, 0);
  const j = JSON.parse(r.stdout);
  assert.equal(j.counter, 1);
  assert.equal(j.queue.counters.find((x) => x.no === 1).state, 'open');
});

test('usage: exit 2, and --help everywhere exits 0', async () => {
  const c = clerk();
  let r = await c.run(['counter', 'sideways', '1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Cách dùng: motcua-counter counter open\|pause\|close/);
  r = await c.run(['frobnicate']);
  assert.equal(r.status, 2);
  r = await runCounter([]);
  assert.equal(r.status, 2);
  for (const cmd of ['login', 'logout', 'counter', 'status', 'next', 'recall', 'no-show', 'transfer',
    'finish', 'intake', 'return', 'lookup', 'print', 'reprint', 'printers', 'shell']) {
    r = await c.run([cmd, '--help']);
    assert.equal(r.status, 0, cmd);
    assert.match(r.stdout, new RegExp(`motcua-counter ${cmd}`));
    assert.match(r.stdout, /7 đã lưu nhưng chưa in/, 'exit codes in every --help');
  }
  r = await c.run(['--lang', 'en', '--help']);
  assert.match(r.stdout, /Exit codes: 0 ok; 2 usage; 3 server unreachable/);
});

test('session expired (the server\'s clock moved past it): exit 4, log in again', async () => {
  const c = clerk();
  assert.equal((await c.login('clerk1', PASSWORDS.clerk1)).status, 0);
  assert.equal((await c.run(['status'])).status, 0);
  const health = await s.req('GET', '/healthz');
  const r0 = await s.as('admin', 'PUT', '/api/v1/test/clock', { body: { now: health.json.now + 13 * 3600 } });
  assert.equal(r0.status, 200, r0.text);
  s.tokens = {};
  let r = await c.run(['status']);
  assert.equal(r.status, 4, r.stderr);
  assert.match(r.stderr, /Phiên đăng nhập đã hết hạn .* motcua-counter login/);
  oneLine(r);
  r = await c.run(['--lang', 'en', 'counter', 'open', '2']);
  assert.equal(r.status, 4);
  assert.match(r.stderr, /The session has expired/);
  assert.equal((await c.login('clerk1', PASSWORDS.clerk1)).status, 0);
  assert.equal((await c.run(['status'])).status, 0);
});
