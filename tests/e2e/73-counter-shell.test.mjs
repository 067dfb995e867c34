// motcua-counter shell on a pseudo-terminal (script(1)): keys n, r, f, q;
// the status line for the counter's groups changes live when another counter
// calls (from the event stream), without a key being pressed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startServer, openCounter, PASSWORDS } from './lib/harness.mjs';
import { Clerk, COUNTER_BIN, lsan } from './lib/counter.mjs';

let s;
let clerk;

before(async () => {
  s = await startServer();
  clerk = new Clerk(s.base);
  for (const group of ['CT', 'CT', 'HT', 'HT']) {
    assert.equal((await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group } })).status, 201);
  }
  assert.equal((await clerk.login('clerk1', PASSWORDS.clerk1)).status, 0);
  assert.equal((await clerk.run(['counter', 'open', '2'])).status, 0); // CT and HT
  await openCounter(s, 'clerk2', 3); // HT
});

after(async () => {
  await s?.stop();
  s?.cleanup();
  clerk?.cleanup();
});

// The shell under script(1), so that it runs on a terminal.
function startShell() {
  const cmd = [COUNTER_BIN, '--config-dir', clerk.dir, 'shell'].join(' ');
  const p = spawn('script', ['-qfec', cmd, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: '', TERM: 'xterm', ...lsan() },
  });
  const sh = { p, out: '', exited: new Promise((resolve) => p.on('close', resolve)) };
  p.stdout.on('data', (d) => { sh.out += d; });
  p.stderr.on('data', (d) => { sh.out += d; });
  sh.send = (line) => p.stdin.write(`${line}\n`);
  // Waits until the output after position `from` matches re.
  sh.until = async (re, from = 0, ms = 10000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = sh.out.slice(from).match(re);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; output:\n${sh.out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return sh;
}

test('shell: next, recall, the live line, finish, quit', async () => {
  const sh = startShell();
  try {
    await sh.until(/Quầy 2 \(đang mở\) · đang phục vụ: — · Chứng thực: 2 người chờ \[A001 A002\] · Hộ tịch: 2 người chờ \[B001 B002\]/);
    let mark = sh.out.length;
    sh.send('n');
    await sh.until(/Mời số A001 đến quầy 2/, mark);
    await sh.until(/đang phục vụ: A001 · Chứng thực: 1 người chờ \[A002\] · Hộ tịch: 2 người chờ/, mark);

    mark = sh.out.length;
    sh.send('r');
    await sh.until(/Đã gọi lại số A001 đến quầy 2/, mark);

    // Counter 3 calls B001 through the API: the line changes by itself.
    mark = sh.out.length;
    const call = await s.as('clerk2', 'POST', '/api/v1/counters/3/call');
    assert.equal(call.status, 200, call.text);
    assert.equal(call.json.ticket.label, 'B001');
    await sh.until(/đang phục vụ: A001 · Chứng thực: 1 người chờ \[A002\] · Hộ tịch: 1 người chờ \[B002\] · vừa gọi: B001→quầy 3/, mark);

    mark = sh.out.length;
    sh.send('f');
    await sh.until(/Đã kết thúc số A001 \(đã phục vụ\)/, mark);
    await sh.until(/đang phục vụ: — · Chứng thực: 1 người chờ/, mark);

    mark = sh.out.length;
    sh.send('?');
    await sh.until(/n = gọi số tiếp theo · r = gọi lại · x = vắng mặt/, mark);

    sh.send('q');
    const code = await Promise.race([sh.exited, new Promise((r) => setTimeout(() => r('timeout'), 10000))]);
    assert.equal(code, 0, sh.out);
    assert.match(sh.out, /Tạm biệt/);
    assert.doesNotMatch(sh.out, /Sanitizer|runtime error/);
  } finally {
    sh.p.kill();
  }
  const rows = s.sql('SELECT label, state, outcome FROM tickets ORDER BY id');
  assert.deepEqual(rows.map((t) => `${t.label}:${t.state}:${t.outcome ?? ''}`),
    ['A001:done:served', 'A002:waiting:', 'B001:called:', 'B002:waiting:']);
});
