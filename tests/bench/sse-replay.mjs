// SSE replay: many event streams reconnecting with last_event_id=0 to an
// office with a long day behind it. Prints the server's RSS before, with the
// streams open, and after they closed, and the ticket write rate alone and
// beside the streams. Self-contained: starts its own server on a loopback
// port over a fresh database and stops it at the end; bounded in count.
//
// Usage: node tests/bench/sse-replay.mjs BUILD_DIR [STREAMS=500] [EVENTS=10000]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import path from 'node:path';

const [build = 'build', nStreams = '500', nEvents = '10000'] = process.argv.slice(2);
const STREAMS = Number(nStreams);
const EVENTS = Number(nEvents);
const bin = path.resolve(build, 'bin', 'motcua-server');
const TOKENS = 64; // streams are spread over 64 display tokens and 8 addresses
const ADDRESSES = 8;

const dir = mkdtempSync(path.join(tmpdir(), 'motcua-bench-sse-'));
const db = path.join(dir, 'office.db');
const run = (args, input = '') => {
  const r = spawnSync(bin, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args[0]}: ${r.stderr}`);
  return r.stdout;
};
run(['init', '--db', db, '--password-stdin'], 'bench-admin-pass-1\n');
const bundle = {
  settings: { queue_any_hour: 1 }, // a bench runs at any hour
  service_groups: [{ code: 'CT', prefix: 'A', name: 'Chứng thực', sort: 1 }],
  counters: [{ no: 1, name: 'Quầy 1', groups: ['CT'] }],
  devices: [{ kind: 'kiosk', name: 'kiosk', prints: false },
    ...Array.from({ length: TOKENS }, (_, i) => ({ kind: 'display', name: `board-${i}` }))],
};
writeFileSync(path.join(dir, 'bundle.json'), JSON.stringify(bundle));
const report = JSON.parse(run(['import', '--db', db, path.join(dir, 'bundle.json')]));
const kiosk = report.devices_created.find((d) => d.name === 'kiosk').token;
const boards = report.devices_created.filter((d) => d.kind === 'display').map((d) => d.token);

const server = spawn(bin, ['serve', '--db', db, '--port', '0', '--heartbeat-ms', '1000'], { stdio: ['ignore', 'pipe', 'pipe'] });
const base = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => { out += d; const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/); if (m) resolve(m[1]); });
  server.once('exit', (c) => reject(new Error(`server exited ${c}`)));
});
const stop = () => { server.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); };

const rss = () => Number(readFileSync(`/proc/${server.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
const get = (p) => new Promise((resolve, reject) => {
  http.get(new URL(p, base), { agent: false }, (res) => { let t = ''; res.on('data', (c) => { t += c; }); res.on('end', () => resolve(JSON.parse(t))); }).on('error', reject);
});
// Issues n tickets, 8 at a time, from a process of its own (this one is
// busy reading the streams); returns tickets per second.
const ISSUER = `
const http = require('node:http');
const [base, token, n] = process.argv.slice(1);
const post = () => new Promise((resolve, reject) => {
  const data = Buffer.from('{"group":"CT"}');
  const req = http.request(new URL('/api/v1/tickets', base), { method: 'POST', agent: false, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json', 'Content-Length': data.length } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
  req.on('error', reject);
  req.end(data);
});
(async () => {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < Number(n)) { next++; const st = await post(); if (st !== 201) throw new Error('ticket: ' + st); }
  }));
  console.log(Number(n) / ((performance.now() - t0) / 1000));
})();
`;
function issue(n) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ISSUER, base, kiosk, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.once('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`issuer exited ${code}`))));
  });
}
const settle = async (pred, ms) => {
  const deadline = Date.now() + ms;
  while (!(await pred()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
};

try {
  const fill = await issue(EVENTS);
  console.error(`sse_replay: ${EVENTS} events written (${fill.toFixed(0)} tickets/s)`);
  const alone = await issue(500);
  console.error(`sse_replay: opening ${STREAMS} streams`);
  const before = rss();
  // Streams that read what they are sent, like a board's EventSource.
  const streams = [];
  let opened = 0, refused = 0, replayed = 0;
  await Promise.all(Array.from({ length: STREAMS }, (_, i) => new Promise((resolve) => {
    const req = http.request(new URL('/api/v1/events?last_event_id=0', base), {
      agent: false, localAddress: `127.0.0.${2 + (i % ADDRESSES)}`,
      headers: { Authorization: `Bearer ${boards[i % TOKENS]}` },
    }, (res) => {
      if (res.statusCode !== 200) { refused++; res.resume(); resolve(); return; }
      let tail = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        if (tail === null) return;
        replayed += (c.match(/\nevent: ticket\./g) ?? []).length;
        tail = (tail + c).slice(-64 * 1024);
        if (/event: snapshot\n/.test(tail)) { tail = null; opened++; resolve(); }
      });
      res.on('error', () => {});
    });
    req.on('error', () => { refused++; resolve(); });
    req.end();
    streams.push(req);
  })));
  console.error(`sse_replay: ${opened} streams open, ${refused} refused`);
  const during = rss();
  const beside = await issue(500);
  const peak = Number(readFileSync(`/proc/${server.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/)[1]) / 1024;
  for (const r of streams) r.destroy();
  await settle(async () => (await get('/healthz')).subscribers === 0, 30000);
  // Freed memory goes back at the next heartbeats (1 s here): the lowest
  // RSS within 5 s.
  let after = rss();
  for (const end = Date.now() + 5000; Date.now() < end;) {
    await new Promise((r) => setTimeout(r, 250));
    after = Math.min(after, rss());
  }
  console.log(`sse_replay: ${STREAMS} streams with last_event_id=0 on ${EVENTS} events: ${opened} opened (${replayed} events replayed, ${(replayed / Math.max(1, opened)).toFixed(0)} per stream), ${refused} refused`);
  console.log(`sse_replay: server RSS before ${before.toFixed(1)} MB, with the streams ${during.toFixed(1)} MB (peak ${peak.toFixed(1)} MB), after they closed ${after.toFixed(1)} MB (lowest in 5 s); goal after − before < 16 MB, after − before ${(after - before).toFixed(1)} MB, ratio ${(Math.max(0, after - before) / 16).toFixed(2)} (a fall counts as 0)`);
  console.log(`sse_replay_tickets: ticket issuing ${alone.toFixed(0)}/s alone, ${beside.toFixed(0)}/s beside the reconnecting streams, ratio ${(beside / alone).toFixed(2)}; no goal (the machine sets most of it: compare runs)`);
} finally {
  stop();
}
process.exit(0);
