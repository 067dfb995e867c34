// What an operator reads about connection limits: an oversized
// --max-streams is lowered with a warning so ordinary requests still find a
// connection, and the log warns only about clients that began a request and
// stalled, not about the idle spare connections every browser opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { startServer } from './lib/harness.mjs';

// Resolves once the server closes sock (or after ms, with false).
function closedWithin(sock, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = () => { clearTimeout(timer); resolve(true); };
    sock.once('close', done);
    sock.on('error', () => {});
  });
}

// Polls until pred() holds or ms pass; returns its last value.
async function until(pred, ms) {
  const deadline = Date.now() + ms;
  let v = pred();
  while (!v && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    v = pred();
  }
  return v;
}

const closedLines = (srv) => srv.stderr.split('\n').filter((l) => /\bhttp: closed\b/.test(l) && / warn /.test(l));

test('idle connections close at the head deadline quietly; stalled requests are warned about', async () => {
  const srv = await startServer({ args: ['--head-timeout-ms', '600', '--body-timeout-ms', '600'] });
  try {
    // A browser's spare connection: connects, never sends a byte.
    const spare = net.connect(srv.port, '127.0.0.1');
    assert.ok(await closedWithin(spare, 10000), 'the spare connection is closed at the head deadline');
    // A kept-alive connection left idle after its answer.
    const kept = net.connect(srv.port, '127.0.0.1');
    let answer = '';
    kept.on('data', (d) => { answer += d; });
    kept.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.ok(await until(() => /^HTTP\/1\.1 200/.test(answer), 10000), `answered: ${answer}`);
    assert.ok(await closedWithin(kept, 10000), 'the idle kept-alive connection is closed at the head deadline');

    // A client that stops in the middle of its head.
    const stalled = net.connect(srv.port, '127.0.0.1');
    stalled.write('GET /healthz HTTP/1.1\r\nHo');
    assert.ok(await closedWithin(stalled, 10000), 'the stalled head is closed at its deadline');
    assert.ok(await until(() => closedLines(srv).length >= 1, 10000), `a warning: ${srv.stderr}`);
    // One line, counting the stalled client alone: the two idle ones were
    // routine and neither warned about nor counted with it.
    let lines = closedLines(srv);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /closed 1 connection\(s\) that stalled .*\(1 since start\)/);

    // A client that stops in the middle of its body.
    const body = net.connect(srv.port, '127.0.0.1');
    body.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      'Content-Length: 40\r\n\r\n{"user');
    assert.ok(await closedWithin(body, 10000), 'the stalled body is closed at its deadline');
    assert.ok(await until(() => closedLines(srv).length >= 2, 10000), `a second warning: ${srv.stderr}`);
    lines = closedLines(srv);
    assert.match(lines[1], /closed 1 connection\(s\) that stalled .*\(2 since start\)/);
  } finally {
    await srv.stop();
    srv.cleanup();
  }
});

test('--max-streams above what the connections allow is lowered with a warning; ordinary requests still pass', async () => {
  // One worker thread, so the 8 connections are one pool; three quarters
  // of them (6) may be streams.
  const srv = await startServer({
    args: ['--threads', '1', '--max-connections', '8', '--max-streams', '50000', '--streams-per-token', '50',
      '--heartbeat-ms', '300'],
  });
  const open = [];
  const stream = () => new Promise((resolve, reject) => {
    const req = http.get(`${srv.base}/api/v1/events?access_token=${srv.devices['board-1']}`, { agent: false }, (res) => {
      let text = '';
      if (res.statusCode === 200) { open.push(req); resolve({ status: 200 }); return; }
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
    });
    req.on('error', (e) => (e.code === 'ECONNRESET' ? null : reject(e)));
    req.setTimeout(5000, () => req.destroy(new Error('no answer')));
  });
  try {
    assert.match(srv.stderr, / warn --max-streams 50000 is over three quarters of the 8 connections .*lowered to 6/);
    for (let i = 0; i < 6; i++) assert.equal((await stream()).status, 200, `stream ${i + 1}`);
    const seventh = await stream();
    assert.equal(seventh.status, 429);
    assert.equal(seventh.json.error.code, 'too_many_streams');
    // With six streams held, an ordinary request still gets a connection.
    assert.equal((await srv.req('GET', '/api/v1/queue')).status, 200);
  } finally {
    for (const r of open) r.destroy();
    await srv.stop();
    srv.cleanup();
  }
});
