// tsan: yes
// The HTTP layer against hostile clients and RFC 9112 edge cases: request
// framing that could smuggle a second request, heads that never end, pages
// framed by other sites, changes sent from another origin with the session
// cookie, staff tokens in URLs. Every raw case sends the exact bytes and
// expects its status line within a bounded time, the connection closed, and
// nothing else done.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { startServer, BIN, PASSWORDS, ADMIN_PASSWORD, cli, newDb } from './lib/harness.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';

let s;
before(async () => { s = await startServer({ bundle: DOSSIER_BUNDLE }); });
after(async () => { await s.stop(); s.cleanup(); });

const tickets = () => s.sql('SELECT count(*) AS n FROM tickets')[0].n;
const dossiers = () => s.sql('SELECT count(*) AS n FROM dossiers')[0].n;

// Sends payload on a fresh connection and collects what comes back until the
// server closes it or `ms` pass. Resolves {text, closed}.
function exchange(port, payload, { ms = 5000, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    let text = '';
    let done = false;
    const finish = (closed) => { if (!done) { done = true; sock.destroy(); resolve({ text, closed }); } };
    sock.on('data', (d) => { text += d; });
    sock.on('close', () => finish(true));
    sock.on('error', (e) => (text ? finish(true) : reject(e)));
    sock.setTimeout(ms, () => finish(false));
    sock.write(payload);
  });
}

const statusOf = (text) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
const bodyOf = (text) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));

const ticketBody = '{"group":"CT"}';
const postTicket = (extra) => `POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.devices['kiosk-1']}\r\n`
  + `Content-Type: application/json\r\n${extra}`;

test('two Content-Length headers that disagree: 400, closed, no ticket', async () => {
  const before = tickets();
  const r = await exchange(s.port, postTicket(`Content-Length: ${ticketBody.length}\r\nContent-Length: 3\r\n\r\n${ticketBody}`));
  assert.equal(statusOf(r.text), 400, r.text);
  assert.equal(bodyOf(r.text).error.code, 'conflicting_content_length');
  assert.ok(r.closed, 'the connection is closed');
  assert.equal(tickets(), before);
});

test('Content-Length with Transfer-Encoding: 400, closed, the smuggled request never runs', async () => {
  const before = tickets();
  const smuggled = postTicket(`Content-Length: ${ticketBody.length}\r\n\r\n${ticketBody}`);
  const r = await exchange(s.port, postTicket(`Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n`
    + `${ticketBody.length.toString(16)}\r\n${ticketBody}\r\n0\r\n\r\n${smuggled}`));
  assert.equal(statusOf(r.text), 400, r.text);
  assert.equal(bodyOf(r.text).error.code, 'ambiguous_length');
  assert.equal((r.text.match(/HTTP\/1\.1/g) ?? []).length, 1, 'one answer only');
  assert.ok(r.closed);
  assert.equal(tickets(), before, 'neither the first nor the smuggled ticket was made');
});

test('a transfer-coding other than chunked: 501 at once, closed', async () => {
  const before = tickets();
  const r = await exchange(s.port, postTicket(`Transfer-Encoding: xchunked\r\n\r\n${ticketBody}`));
  assert.equal(statusOf(r.text), 501, r.text);
  assert.equal(bodyOf(r.text).error.code, 'unsupported_transfer_encoding');
  assert.ok(r.closed);
  assert.equal(tickets(), before);
});

test('a second Transfer-Encoding header (chunked, then identity): 501 at once, closed, nothing runs', async () => {
  const before = tickets();
  const smuggled = postTicket(`Content-Length: ${ticketBody.length}\r\n\r\n${ticketBody}`);
  const r = await exchange(s.port, postTicket('Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n'
    + `${ticketBody.length.toString(16)}\r\n${ticketBody}\r\n0\r\n\r\n${smuggled}`));
  assert.equal(statusOf(r.text), 501, r.text);
  assert.equal(bodyOf(r.text).error.code, 'unsupported_transfer_encoding');
  assert.equal((r.text.match(/HTTP\/1\.1/g) ?? []).length, 1, 'one answer only');
  assert.ok(r.closed, 'the connection is closed');
  assert.equal(tickets(), before);
});

test('a TE header naming chunked: 400, closed, the bytes after it never run', async () => {
  const before = tickets();
  const smuggled = postTicket(`Content-Length: ${ticketBody.length}\r\n\r\n${ticketBody}`);
  for (const te of ['Chunked', 'trailers, chunked']) {
    const r = await exchange(s.port, postTicket(`TE: ${te}\r\n\r\n${smuggled}`));
    assert.equal(statusOf(r.text), 400, r.text);
    assert.equal(bodyOf(r.text).error.code, 'invalid_te');
    assert.equal((r.text.match(/HTTP\/1\.1/g) ?? []).length, 1, 'one answer only');
    assert.ok(r.closed, `TE: ${te}: the connection is closed`);
  }
  assert.equal(tickets(), before);
  // TE: trailers alone is an ordinary header.
  const ok = await exchange(s.port, 'GET /api/v1/queue HTTP/1.1\r\nHost: x\r\nTE: trailers\r\nConnection: close\r\n\r\n');
  assert.equal(statusOf(ok.text), 200, ok.text);
});

test('HTTP/1.1 without Host: 400; HTTP/1.0 without Host is fine', async () => {
  const r = await exchange(s.port, 'GET /api/v1/queue HTTP/1.1\r\n\r\n');
  assert.equal(statusOf(r.text), 400, r.text);
  assert.equal(bodyOf(r.text).error.code, 'missing_host');
  assert.ok(r.closed);
  const old = await exchange(s.port, 'GET /api/v1/queue HTTP/1.0\r\n\r\n');
  assert.match(old.text, /^HTTP\/1\.[01] 200/);
  const two = await exchange(s.port, 'GET /api/v1/queue HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
  assert.equal(statusOf(two.text), 400, two.text);
  assert.equal(bodyOf(two.text).error.code, 'duplicate_host');
  assert.ok(two.closed);
});

test('~500 query arguments: 414 with the error shape, not a hang', async () => {
  const query = Array.from({ length: 500 }, (_, i) => `a${i}=1`).join('&');
  const r = await exchange(s.port, `GET /api/v1/queue?${query} HTTP/1.1\r\nHost: x\r\n\r\n`);
  assert.equal(statusOf(r.text), 414, r.text);
  assert.equal(bodyOf(r.text).error.code, 'uri_too_long');
  // A handful of arguments is still an ordinary request.
  const ok = await s.req('GET', '/api/v1/public/procedures?q=ket&limit=5&offset=0');
  assert.equal(ok.status, 200);
});

test('HEAD is answered like GET, without a body, on a kept-alive connection', async () => {
  const text = await new Promise((resolve, reject) => {
    const sock = net.connect(s.port, '127.0.0.1');
    let out = '';
    sock.on('data', (d) => {
      out += d;
      // The HEAD answer's head, then straight the GET's: no body between.
      if (/\r\n\r\nHTTP\/1\.1 200[^]*\r\n\r\n\{"status"/.test(out)) { sock.destroy(); resolve(out); }
    });
    sock.on('error', reject);
    sock.setTimeout(5000, () => { sock.destroy(); reject(new Error(`no answers: ${out}`)); });
    sock.write('HEAD /api/v1/queue HTTP/1.1\r\nHost: x\r\n\r\n');
    sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  });
  assert.match(text, /^HTTP\/1\.1 200/);
  const [head, rest] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)];
  assert.match(head, /Content-Type: application\/json/i);
  assert.match(rest, /^HTTP\/1\.1 200/, 'the next bytes are the next answer');
  // A page too.
  const page = await s.req('HEAD', '/kiosk');
  assert.equal(page.status, 200);
  assert.equal(page.text, '');
});

test('a 405 says which methods the resource has', async () => {
  const r = await s.req('PUT', '/api/v1/tickets', { body: {} });
  assert.equal(r.status, 405);
  assert.equal(r.json.error.code, 'method_not_allowed');
  assert.equal(r.headers.allow, 'POST');
  const q = await s.req('DELETE', '/api/v1/queue');
  assert.equal(q.status, 405);
  assert.equal(q.headers.allow, 'GET, HEAD');
});

test('pages and the API forbid framing and foreign scripts', async () => {
  for (const p of ['/kiosk', '/supervisor', '/board', '/api/v1/queue', '/api/v1/nothing']) {
    const r = await s.req('GET', p);
    assert.match(r.headers['content-security-policy'] ?? '', /frame-ancestors 'none'/, p);
    assert.match(r.headers['content-security-policy'], /default-src 'self'/, p);
    assert.equal(r.headers['x-frame-options'], 'DENY', p);
    assert.equal(r.headers['referrer-policy'], 'no-referrer', p);
    assert.equal(r.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP');
  }
});

// Logs in with a password; returns the session cookie.
async function cookieOf(user) {
  const r = await s.req('POST', '/api/v1/session', { body: { username: user, password: PASSWORDS[user] } });
  assert.equal(r.status, 201, r.text);
  return r.headers['set-cookie'][0].split(';')[0];
}

const intakeBody = JSON.stringify({
  procedure: 'P3', outcome: 'received', confirm_duplicate: true,
  applicant: { name: 'Trần Văn Bình', id_number: '045187009999', address: 'Khe Sanh', phone: '0912345678' },
});

test('cookie changes from another origin are refused; JSON from our own origin works', async () => {
  const cookie = await cookieOf('clerk1');
  const own = `http://127.0.0.1:${s.port}`;
  const send = (headers) => s.req('POST', '/api/v1/dossiers', { raw: intakeBody, headers: { Cookie: cookie, ...headers } });
  const before = dossiers();

  const foreign = await send({ 'Content-Type': 'application/json', Origin: `http://127.0.0.1:${s.port + 1}` });
  assert.equal(foreign.status, 403, foreign.text);
  assert.equal(foreign.json.error.code, 'cross_origin');
  const noOrigin = await send({ 'Content-Type': 'application/json' });
  assert.equal(noOrigin.status, 403, 'neither Origin nor Referer');
  const badReferer = await send({ 'Content-Type': 'application/json', Referer: `http://127.0.0.1:${s.port}.evil.example/x` });
  assert.equal(badReferer.status, 403);
  const form = await send({ 'Content-Type': 'text/plain', Origin: own });
  assert.equal(form.status, 415, form.text);
  assert.equal(form.json.error.code, 'unsupported_media_type');
  assert.equal(dossiers(), before, 'nothing was created');

  const mine = await send({ 'Content-Type': 'application/json; charset=utf-8', Origin: own });
  assert.equal(mine.status, 201, mine.text);
  const viaReferer = await send({ 'Content-Type': 'application/json', Referer: `${own}/supervisor` });
  assert.equal(viaReferer.status, 201, viaReferer.text);
  assert.equal(dossiers(), before + 2);
  // Bearer clients (the counter program, kiosks) send no Origin and need none.
  const bearer = await s.as('clerk1', 'POST', '/api/v1/dossiers', { raw: intakeBody, headers: { 'Content-Type': 'application/json' } });
  assert.equal(bearer.status, 201, bearer.text);
});

test('a staff token is not taken from ?access_token=; a board token is', async () => {
  const clerk = await s.login('clerk1');
  const r = await s.req('GET', `/api/v1/dossiers?access_token=${clerk}`);
  assert.equal(r.status, 401, r.text);
  const who = await s.req('GET', `/api/v1/session?access_token=${clerk}`);
  assert.equal(who.status, 401);
  // The same token in the Authorization header still works.
  assert.equal((await s.as('clerk1', 'GET', '/api/v1/dossiers')).status, 200);
  // A board's EventSource cannot send headers: its token in the query is fine.
  const board = s.devices['board-1'];
  const status = await new Promise((resolve, reject) => {
    const req = http.get(`${s.base}/api/v1/events?access_token=${board}`, { agent: false }, (res) => {
      resolve({ code: res.statusCode, type: res.headers['content-type'] });
      req.destroy();
    });
    req.on('error', (e) => (e.code === 'ECONNRESET' ? null : reject(e)));
    req.setTimeout(5000, () => req.destroy(new Error('no answer')));
  });
  assert.equal(status.code, 200);
  assert.match(status.type, /^text\/event-stream/);
});

// Starts a server on a database of its own (the harness's is served
// already, and one file takes one server) with extra flags; resolves
// {proc, port, stderr()} once it prints its address.
let spawned = 0;
function spawnServer(args) {
  const db = newDb(s.dir, `extra-${++spawned}.db`);
  const init = cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
  if (init.status !== 0) return Promise.reject(new Error(`init: ${init.stderr}`));
  return new Promise((resolve, reject) => {
    const proc = spawn(BIN, ['serve', '--db', db, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stderr.on('data', (d) => { err += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on https?:\/\/[\d.]+:(\d+)/);
      if (m) resolve({ proc, port: Number(m[1]), stderr: () => err });
    });
    proc.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    setTimeout(() => reject(new Error(`did not start: ${err}`)), 20000).unref();
  });
}

async function stopServer(proc) {
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  const t = setTimeout(() => proc.kill('SIGKILL'), 15000);
  const code = await exited;
  clearTimeout(t);
  return code;
}

test('listening beyond loopback without TLS prints a warning', async () => {
  const srv = await spawnServer(['--listen', '0.0.0.0']);
  try {
    const deadline = Date.now() + 5000;
    while (!/warning: listening on 0\.0\.0\.0 without TLS/.test(srv.stderr()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(srv.stderr(), /warning: listening on 0\.0\.0\.0 without TLS/);
  } finally {
    assert.equal(await stopServer(srv.proc), 0);
  }
  const quiet = await spawnServer([]);
  assert.equal(await stopServer(quiet.proc), 0);
  assert.doesNotMatch(quiet.stderr(), /without TLS/);
});

test('slow clients: capped per address, closed at the head deadline, others still served', async () => {
  // 300 connection slots, 256 per address: 270 trickling heads from
  // 127.0.0.1 take 256 of them; 127.0.0.2 is another address.
  const srv = await startServer({ args: ['--max-connections', '300', '--head-timeout-ms', '1500'] });
  const SLOW = 270;
  const socks = [];
  const closed = [];
  try {
    await Promise.all(Array.from({ length: SLOW }, (_, i) => new Promise((resolve) => {
      const sock = net.connect({ port: srv.port, host: '127.0.0.1' });
      const rec = { sock, closedAt: null, answered: '' };
      socks.push(rec);
      sock.on('data', (d) => { rec.answered += d; });
      sock.on('error', () => {});
      sock.on('close', () => { rec.closedAt = Date.now(); closed.push(i); resolve(); });
      sock.on('connect', () => {
        sock.write('GET /api/v1/queue HTTP/1.1\r\nHost: x\r\nX-Slow: ');
        // One more header byte every 200 ms, for at most 15 s.
        let n = 0;
        const timer = setInterval(() => {
          if (sock.destroyed || ++n > 75) { clearInterval(timer); return; }
          sock.write('a');
        }, 200);
        timer.unref();
        resolve();
      });
    })));
    // Those over the per-address limit are refused at once.
    const over = async () => socks.filter((x) => x.closedAt !== null).length;
    const refusedBy = Date.now() + 5000;
    while (await over() < SLOW - 256 && Date.now() < refusedBy) await new Promise((r) => setTimeout(r, 20));
    assert.ok(await over() >= SLOW - 256, `refused over the per-address limit: ${await over()}`);
    const heldWhileServing = SLOW - (await over());
    // Another address is served while they are held.
    const r = await new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: srv.port, path: '/api/v1/queue', localAddress: '127.0.0.2', agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({ status: res.statusCode, body, stillHeld: socks.filter((x) => x.closedAt === null).length }));
      });
      req.on('error', reject);
      req.setTimeout(5000, () => req.destroy(new Error('no answer while slow clients held connections')));
    });
    assert.equal(r.status, 200);
    assert.ok(r.stillHeld > 0, 'answered while the slow heads were still held');
    assert.ok(heldWhileServing <= 256);
    // The head deadline closes every slow connection, trickle or not.
    const deadline = Date.now() + 15000;
    while (closed.length < SLOW && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    assert.equal(closed.length, SLOW, `closed by the head deadline: ${closed.length} of ${SLOW}`);
    assert.ok(socks.every((x) => !/HTTP\/1\.1 200/.test(x.answered)), 'no slow head was ever answered');
    // And the server serves the first address again.
    const again = await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: srv.port, path: '/healthz', agent: false }, (res) => { res.resume(); resolve(res.statusCode); })
        .on('error', reject);
    });
    assert.equal(again, 200);
  } finally {
    for (const x of socks) x.sock.destroy();
    await srv.stop();
    srv.cleanup();
  }
});

test('slow heads from many addresses up to the connection cap: another address is still answered at once, repeatedly', async () => {
  // 200 connection slots, 64 per address: 4 addresses trickling heads would
  // take 256, more than all of them. The head deadline (10 s) is far off.
  const srv = await startServer({ args: ['--max-connections', '200', '--per-address-connections', '64'] });
  const socks = [];
  let stop = false;
  try {
    // Each slow address keeps its 64 connections open, opening a new one
    // 100 ms after one is closed (at most 5,000 openings in all).
    let opened = 0;
    const open = (from) => {
      if (stop || opened >= 5000) return;
      opened++;
      const sock = net.connect({ port: srv.port, host: '127.0.0.1', localAddress: from });
      socks.push(sock);
      sock.on('error', () => {});
      sock.on('close', () => { clearInterval(timer); if (!stop) setTimeout(() => open(from), 100).unref(); });
      sock.write('GET /api/v1/queue HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      const timer = setInterval(() => { if (!sock.destroyed) sock.write('a'); }, 300);
      timer.unref();
    };
    for (let a = 0; a < 4; a++) for (let k = 0; k < 64; k++) open(`127.0.0.${20 + a}`);
    // Wait until the server holds at least the cap's worth of slow heads
    // (or has started closing them).
    const deadline = Date.now() + 10000;
    while (opened < 256 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const times = [];
    for (let i = 0; i < 8; i++) {
      const t0 = performance.now();
      const status = await new Promise((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port: srv.port, path: '/api/v1/queue', localAddress: '127.0.0.2', agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        });
        req.on('error', reject);
        req.setTimeout(5000, () => req.destroy(new Error(`probe ${i + 1}: no answer within 5 s while slow heads hold the connections`)));
      });
      times.push(performance.now() - t0);
      assert.equal(status, 200);
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(`GET /api/v1/queue beside slow heads from 4 addresses (${opened} opened): ${times.map((x) => x.toFixed(0)).join(', ')} ms`);
    for (const ms of times) assert.ok(ms < 2000, `answered after ${ms.toFixed(0)} ms`);
    assert.ok(opened < 5000, 'the slow clients were still at it during every probe');
  } finally {
    stop = true;
    for (const x of socks) x.destroy();
    await srv.stop();
    srv.cleanup();
  }
});

test('heads flooded from one address cost that address its own connections, not a slow client elsewhere', async () => {
  // 100 connections, so at most 50 may wait for their head. A phone on a
  // poor line starts its request first and sends the rest 1.5 s later;
  // meanwhile one address opens 60 connections that never send a head.
  // The cull takes from the address holding the most heads, so the phone,
  // though its head is the oldest, is answered.
  const srv = await startServer({ args: ['--max-connections', '100', '--per-address-connections', '64'] });
  const socks = [];
  try {
    const phone = net.connect({ port: srv.port, host: '127.0.0.1', localAddress: '127.0.0.3' });
    let answer = '';
    const closed = new Promise((resolve) => phone.on('close', resolve));
    phone.on('data', (d) => { answer += d; });
    phone.on('error', () => {});
    await new Promise((r) => phone.once('connect', r));
    phone.write('GET /api/v1/queue HTTP/1.1\r\nHost: x\r\n');
    await new Promise((r) => setTimeout(r, 200));
    let culled = 0;
    for (let k = 0; k < 60; k++) {
      const sock = net.connect({ port: srv.port, host: '127.0.0.1', localAddress: '127.0.0.30' });
      sock.on('error', () => {});
      sock.on('close', () => { culled++; });
      sock.write('GET /api/v1/queue HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      socks.push(sock);
    }
    const until = Date.now() + 5000;
    while (culled < 10 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.ok(culled >= 10, `the flooding address lost ${culled} of its 60 heads`);
    phone.write('Connection: close\r\n\r\n');
    await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
    assert.match(answer, /^HTTP\/1\.1 200/, `the phone's request: ${JSON.stringify(answer.slice(0, 80))}`);
  } finally {
    for (const x of socks) x.destroy();
    await srv.stop();
    srv.cleanup();
  }
});

test('a body trickled past its deadline is cut; nothing is created', async () => {
  const srv = await startServer({ args: ['--body-timeout-ms', '1500'] });
  try {
    const before = srv.sql('SELECT count(*) AS n FROM tickets')[0].n;
    const closed = await new Promise((resolve, reject) => {
      const sock = net.connect(srv.port, '127.0.0.1');
      let out = '';
      sock.on('data', (d) => { out += d; });
      sock.on('error', () => {});
      sock.on('close', () => { clearInterval(timer); resolve(out); });
      sock.write(`POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${srv.devices['kiosk-1']}\r\n`
        + 'Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{"group":"CT"');
      // One byte every 200 ms would take 40 s to finish the body.
      const timer = setInterval(() => sock.write(' '), 200);
      setTimeout(() => { clearInterval(timer); sock.destroy(); reject(new Error('not cut within 15 s')); }, 15000).unref();
    });
    assert.doesNotMatch(closed, /HTTP\/1\.1 2\d\d/);
    assert.equal(srv.sql('SELECT count(*) AS n FROM tickets')[0].n, before);
  } finally {
    await srv.stop();
    srv.cleanup();
  }
});

test('event streams take at most their share of connections; ordinary requests still pass', async () => {
  // A stream's end is seen at its next write: heartbeats every 300 ms.
  const srv = await startServer({ args: ['--max-streams', '2', '--heartbeat-ms', '300'] });
  const open = [];
  const stream = () => new Promise((resolve, reject) => {
    const req = http.get(`${srv.base}/api/v1/events?access_token=${srv.devices['board-1']}`, { agent: false }, (res) => {
      let text = '';
      if (res.statusCode === 200) { open.push(req); resolve({ status: 200 }); return; }
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, json: JSON.parse(text) }));
    });
    req.on('error', (e) => (e.code === 'ECONNRESET' ? null : reject(e)));
    req.setTimeout(5000, () => req.destroy(new Error('no answer')));
  });
  try {
    assert.equal((await stream()).status, 200);
    assert.equal((await stream()).status, 200);
    const third = await stream();
    assert.equal(third.status, 429);
    assert.equal(third.json.error.code, 'too_many_streams');
    assert.ok(Number(third.headers['retry-after']) >= 1);
    assert.equal((await srv.req('GET', '/api/v1/queue')).status, 200);
    // A stream that ends gives its slot back.
    open.shift().destroy();
    const deadline = Date.now() + 10000;
    let again;
    do {
      again = await stream();
      if (again.status !== 200) await new Promise((r) => setTimeout(r, 100));
    } while (again.status !== 200 && Date.now() < deadline);
    assert.equal(again.status, 200);
  } finally {
    for (const r of open) r.destroy();
    await srv.stop();
    srv.cleanup();
  }
});

test('under TLS every answer carries Strict-Transport-Security', async () => {
  const key = path.join(s.dir, 'key.pem');
  const cert = path.join(s.dir, 'cert.pem');
  const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', '/CN=127.0.0.1'], { encoding: 'utf8' });
  assert.equal(gen.status, 0, gen.stderr);
  const srv = await startServer({ args: ['--tls-cert', cert, '--tls-key', key] });
  try {
    for (const p of ['/healthz', '/kiosk']) {
      const headers = await new Promise((resolve, reject) => {
        https.get({ host: '127.0.0.1', port: srv.port, path: p, rejectUnauthorized: false, agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers));
        }).on('error', reject);
      });
      assert.match(headers['strict-transport-security'] ?? '', /^max-age=\d{7,}/, p);
      assert.equal(headers['x-frame-options'], 'DENY', p);
    }
  } finally {
    await srv.stop();
    srv.cleanup();
  }
});
