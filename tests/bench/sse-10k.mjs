// 10,000 live screens on one server (issue 14): SUBS event streams
// (GET /api/v1/events) spread evenly over the CENTRES centres of a generated
// province (tests/bench/province-bundle.mjs, plus display tokens enough for
// the 8-streams-per-token limit), opened from loopback addresses 127.0.0.2
// and up at most 64 each (the per-address limit), with the server's default
// limits. Self-contained: starts its own server on a loopback port over a
// fresh database in a temporary folder, removes it at the end; every wait
// is bounded. Prints figures and their ratio against the goal; never fails
// on a slow figure; exits 1 only when it could not run.
//
// Phases, each with CALLS calls at centre 1 (POST /api/v1/counters/1/call,
// finishing the ticket before): the time from sending the call to the last
// stream of centre 1 receiving it, and the server's CPU time per call.
//   alone    only centre 1's streams are open (SUBS / CENTRES of them)
//   beside   all SUBS streams are open (the other centres' streams must not
//            cost anything: CPU per call beside / alone ~ 1, and none of
//            them may receive centre 1's call)
//   burst    one call at each of the CENTRES centres at once: the time to
//            the last of all SUBS streams
// During alone and beside a keep-alive client reads GET /api/v1/queue of
// centre 1 in a loop: its p99 (goal < 20 ms). Server RSS (VmRSS, VmHWM from
// /proc) before any stream, with centre 1's, with all (goal < 128 MB).
//
// Usage: node tests/bench/sse-10k.mjs BUILD_DIR [SUBS=10000] [CALLS=100]
// Environment: BENCH_CENTRES (100); BENCH_HEARTBEAT_MS (600000: heartbeats,
// each waking every stream, kept out of the CPU figures; 1000 measures them
// in the idle figure). The server's open-file limit must allow
// SUBS streams (ulimit -Hn; it raises its soft limit to the hard one), and
// this process needs as many sockets.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { centreCode, clerkName, clerkPassword, kioskName, boardName, provinceBundle } from './province-bundle.mjs';
import { request } from '../e2e/lib/harness.mjs';

const [build = 'build', subsArg = '10000', callsArg = '100'] = process.argv.slice(2);
const SUBS = Number(subsArg);
const CALLS = Number(callsArg);
const CENTRES = Number(process.env.BENCH_CENTRES ?? 100);
const HEARTBEAT_MS = String(process.env.BENCH_HEARTBEAT_MS ?? 600000);
const PER_TOKEN = 8; // the server's default streams per token
const PER_ADDRESS = 64; // and per client address
const GOAL_MS = 100;
const GOAL_RSS_MB = 128;
const GOAL_QUEUE_MS = 20;
const ADMIN_PASSWORD = 'bench-admin-pass-1';

const bin = path.resolve(build, 'bin', 'motcua-server');
const say = (line) => console.log(line);
const note = (line) => console.error(`sse_10k: ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : String(x));
const req = (base, method, p, opts = {}) => request(base, method, p, { timeout: 60000, ...opts });
const perCentre = Math.ceil(SUBS / CENTRES);
const tokensPerCentre = Math.ceil(perCentre / PER_TOKEN);
const extraBoard = (i, k) => `${boardName(i)}-${k}`;

function run(cmd, args, input = '') {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args[0]}: ${r.error ?? ''} ${r.stderr}`);
  return r.stdout;
}

// The server's memory and CPU from /proc.
function proc(pid) {
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return {
    rss: Number(st.match(/VmRSS:\s+(\d+)/)[1]) / 1024,
    hwm: Number(st.match(/VmHWM:\s+(\d+)/)[1]) / 1024,
    cpuMs: ((Number(stat[11]) + Number(stat[12])) * 1000) / 100, // utime + stime, USER_HZ 100
  };
}

// One event stream over a raw socket (lighter than http.request at 10,000):
// a chunked-encoding decoder and an SSE block splitter. onEvent(id, event)
// for every block with an id; resolves when the snapshot came, rejects on a
// refusal.
function stream(port, token, localAddress, onEvent) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port, localAddress });
    let head = '', body = '', raw = Buffer.alloc(0), inHead = true, ready = false;
    const fail = (e) => { if (!ready) { ready = true; reject(e); } sock.destroy(); };
    sock.setNoDelay(true);
    sock.on('connect', () => sock.write(`GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${token}\r\n\r\n`));
    sock.on('error', (e) => fail(e));
    sock.on('close', () => fail(new Error('closed')));
    sock.on('data', (d) => {
      if (inHead) {
        head += d.toString('latin1');
        const k = head.indexOf('\r\n\r\n');
        if (k < 0) return;
        if (!/^HTTP\/1\.1 200/.test(head)) return fail(new Error(head.split('\r\n')[0]));
        raw = Buffer.from(head.slice(k + 4), 'latin1');
        inHead = false;
      } else raw = raw.length ? Buffer.concat([raw, d]) : d;
      // Chunks: "<hex>\r\n<bytes>\r\n".
      for (;;) {
        const e = raw.indexOf('\r\n');
        if (e < 0) break;
        const n = parseInt(raw.subarray(0, e).toString('latin1'), 16);
        if (raw.length < e + 2 + n + 2) break;
        body += raw.subarray(e + 2, e + 2 + n).toString('utf8');
        raw = raw.subarray(e + 2 + n + 2);
      }
      let k;
      while ((k = body.indexOf('\n\n')) >= 0) {
        const block = body.slice(0, k);
        body = body.slice(k + 2);
        const m = block.match(/^id: (\d+)\nevent: ([^\n]+)/);
        if (!m) continue;
        if (m[2] === 'snapshot' && !ready) { ready = true; resolve(sock); continue; }
        onEvent(Number(m[1]), m[2]);
      }
    });
  });
}

// Runs fn over items, at most n at a time.
async function pool(n, items, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i], i); }
  }));
}

const dir = mkdtempSync(path.join(tmpdir(), 'motcua-bench-sse10k-'));
let server = null;
const sockets = [];
try {
  const db = path.join(dir, 'province.db');
  run(bin, ['init', '--db', db, '--password-stdin'], `${ADMIN_PASSWORD}\n`);
  const bundle = provinceBundle({ centres: CENTRES, counters: 3 });
  for (let i = 1; i <= CENTRES; i++)
    for (let k = 1; k < tokensPerCentre; k++) bundle.devices.push({ office: centreCode(i), kind: 'display', name: extraBoard(i, k) });
  // An import takes at most 1,000 devices: the rest in further bundles.
  const devices = bundle.devices;
  const tokens = {};
  for (let k = 0; k < devices.length; k += 1000) {
    writeFileSync(path.join(dir, 'bundle.json'), JSON.stringify(k === 0 ? { ...bundle, devices: devices.slice(0, 1000) } : { devices: devices.slice(k, k + 1000) }));
    const report = JSON.parse(run(bin, ['import', '--db', db, path.join(dir, 'bundle.json')]));
    for (const d of report.devices_created) tokens[d.name] = d.token;
  }
  const boardToken = (i, k) => tokens[k === 0 ? boardName(i) : extraBoard(i, k)];

  // The default limits; heartbeats out of the way of the CPU figures (each
  // wakes every stream: measured apart below).
  server = spawn(bin, ['serve', '--db', db, '--port', '0', '--heartbeat-ms', HEARTBEAT_MS], { stdio: ['ignore', 'pipe', 'pipe'] });
  let serr = '';
  server.stderr.on('data', (d) => { serr = (serr + d).slice(-4000); });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`server did not start: ${serr}`)), 20000);
    server.stdout.on('data', (d) => { out += d; const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/); if (m) { clearTimeout(t); resolve(m[1]); } });
    server.once('exit', (c) => reject(new Error(`server exited ${c}: ${serr}`)));
  });
  const port = Number(new URL(base).port);
  const pid = server.pid;
  const limit = spawnSync('sh', ['-c', `grep 'open files' /proc/${pid}/limits`], { encoding: 'utf8' }).stdout.trim().replace(/\s+/g, ' ');
  note(`server ${base} pid ${pid}: ${limit}`);

  // Each centre: its supervisor logs in (16 addresses: logins are limited
  // per address), opens counter 1; its kiosk issues enough tickets.
  const clerks = {};
  const need = CALLS + 4;
  const tally = {};
  const count = (k, r) => { const key = `${k} ${r.status}`; tally[key] = (tally[key] ?? 0) + 1; };
  await pool(8, Array.from({ length: CENTRES }, (_, k) => k + 1), async (i) => {
    const r = await req(base, 'POST', '/api/v1/session', { body: { username: clerkName(i), password: clerkPassword(i) }, localAddress: `127.0.0.${2 + (i % 16)}` });
    count('login', r);
    clerks[i] = r.json?.token;
    count('open', await req(base, 'POST', '/api/v1/counters/1/state', { token: clerks[i], body: { state: 'open' } }));
    for (let k = 0; k < (i === 1 ? need * 2 : 3); k++)
      count('issue', await req(base, 'POST', '/api/v1/tickets', { token: tokens[kioskName(i)], body: { group: 'CT' } }));
  });
  note(`set-up: ${Object.entries(tally).map(([k, v]) => `${k}: ${v}`).join(', ')}`);

  // Who got what: per event id, how many streams of each centre.
  const got = new Map(); // id -> {n: count by centre index, last: time the centre's count was complete}
  const open = new Array(CENTRES + 1).fill(0); // streams per centre
  let strays = 0; // events of centre 1 received by another centre's stream
  const centreOf = new Map(); // event id -> centre (set by the caller before it can arrive)
  const onEvent = (centre) => (id) => {
    let g = got.get(id);
    if (!g) { g = { n: new Array(CENTRES + 1).fill(0), at: new Array(CENTRES + 1).fill(0) }; got.set(id, g); }
    if (++g.n[centre] === open[centre]) g.at[centre] = performance.now();
  };
  const idsAfter = (before, centre) => [...got.keys()].filter((id) => id > before && got.get(id).n[centre] > 0);

  let addrSeq = 0; // streams opened so far: the client address is 127.0.x.y from it
  const address = () => { const a = 2 + Math.floor(addrSeq++ / PER_ADDRESS); return `127.0.${Math.floor(a / 250)}.${2 + (a % 250)}`; };
  let refused = 0, firstRefusal = '';
  const openStreams = async (centres) => {
    const jobs = [];
    for (const i of centres) for (let k = 0; k < perCentre && (i - 1) * perCentre + k < SUBS; k++) jobs.push([i, k]);
    const addrs = jobs.map(() => address());
    await pool(256, jobs, async ([i, k], j) => {
      try {
        sockets.push(await stream(port, boardToken(i, Math.floor(k / PER_TOKEN)), addrs[j], onEvent(i)));
        open[i]++;
      } catch (e) { refused++; firstRefusal ||= e.message; }
    });
  };

  // The GET /api/v1/queue reader: one keep-alive connection, in a loop
  // while `reading`.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let reading = false;
  const reader = async () => {
    const lat = [];
    let bad = 0;
    while (reading) {
      const r = await req(base, 'GET', `/api/v1/queue?office=${centreCode(1)}`, { agent });
      if (r.status !== 200) bad++;
      lat.push(r.ms);
      await sleep(2);
    }
    return { lat, bad };
  };

  // CALLS calls at centre 1: delay to its last stream, CPU per call.
  const calls = async () => {
    const lat = [];
    const c0 = proc(pid).cpuMs;
    for (let n = 0; n < CALLS; n++) {
      const before = Math.max(0, ...got.keys());
      const t0 = performance.now();
      const r = await req(base, 'POST', '/api/v1/counters/1/call', { token: clerks[1], body: { finish_current: 'served' } });
      if (r.status !== 200) { note(`call: ${r.status} ${r.text.slice(0, 200)}`); lat.push(Infinity); continue; }
      const deadline = t0 + 5000;
      let id;
      while (performance.now() < deadline) {
        id = idsAfter(before, 1).find((k) => got.get(k).at[1] > 0);
        if (id !== undefined) break;
        await sleep(1);
      }
      lat.push(id === undefined ? Infinity : got.get(id).at[1] - t0);
      for (const k of idsAfter(before, 1)) for (let c = 2; c <= CENTRES; c++) strays += got.get(k).n[c];
      // Let the server go idle between calls, as a hall does (and so that
      // the CPU figure is the call's own).
      await sleep(20);
    }
    return { lat, cpuPerCall: (proc(pid).cpuMs - c0) / CALLS };
  };
  const measure = async (what) => {
    reading = true;
    const rd = reader();
    const c = await calls();
    reading = false;
    const r = await rd;
    note(`${what}: ${r.lat.length} queue reads (${r.bad} not 200), streams open ${open.reduce((a, b) => a + b, 0)}`);
    return { ...c, queue: r };
  };

  const m0 = proc(pid);
  await openStreams([1]);
  const m1 = proc(pid);
  const alone = await measure('alone');
  const t0 = performance.now();
  const openCpu0 = proc(pid).cpuMs;
  await openStreams(Array.from({ length: CENTRES - 1 }, (_, k) => k + 2));
  const opened = sockets.length;
  const openSecs = (performance.now() - t0) / 1000;
  const openCpuUs = ((proc(pid).cpuMs - openCpu0) * 1000) / Math.max(1, opened - open[1]);
  note(`${opened} streams open in ${f1(openSecs)} s; refused ${refused}${firstRefusal ? ` (first: ${firstRefusal})` : ''}`);
  await sleep(1000);
  const m2 = proc(pid);
  // What the open streams cost when nothing happens (the bus's look for
  // gone clients each second, the connection sweeper): server CPU over 3 s.
  const idle0 = proc(pid).cpuMs;
  await sleep(3000);
  const idleCpu = (proc(pid).cpuMs - idle0) / 3;
  const beside = await measure('beside');

  // Every centre calls at once: the time to the last of all the streams.
  const burst = [], burstAfter = [], burstCpu = [];
  for (let round = 0; round < 3; round++) {
    const before = Math.max(0, ...got.keys());
    const cpu0 = proc(pid).cpuMs;
    const ts = performance.now();
    let answered = 0; // the last call's answer
    await Promise.all(Array.from({ length: CENTRES }, (_, k) => req(base, 'POST', '/api/v1/counters/1/call', { token: clerks[k + 1], body: { finish_current: 'served' } })
      .then(() => { answered = performance.now(); })));
    const deadline = ts + 10000;
    let done = false;
    while (!done && performance.now() < deadline) {
      done = true;
      for (let c = 1; c <= CENTRES && done; c++) if (open[c] && !idsAfter(before, c).some((id) => got.get(id).at[c] > 0)) done = false;
      if (!done) await sleep(2);
    }
    let last = 0;
    for (let c = 1; c <= CENTRES; c++) for (const id of idsAfter(before, c)) last = Math.max(last, got.get(id).at[c]);
    burst.push(done ? last - ts : Infinity);
    burstAfter.push(done ? Math.max(0, last - answered) : Infinity);
    burstCpu.push(proc(pid).cpuMs - cpu0);
    await sleep(200);
  }
  const m4 = proc(pid);

  const perStreamKb = ((m2.rss - m1.rss) * 1024) / Math.max(1, opened - open[1]);
  say(`sse_10k: ${opened} streams over ${CENTRES} centres (${open[1]} at centre 1), ${CALLS} calls at centre 1 alone: to its last stream p50 ${f1(q(alone.lat, 0.5))} ms, p99 ${f1(q(alone.lat, 0.99))} ms; goal p99 < ${GOAL_MS} ms, ratio ${(q(alone.lat, 0.99) / GOAL_MS).toFixed(2)}`);
  say(`sse_10k: beside ${opened - open[1]} streams of other centres: p50 ${f1(q(beside.lat, 0.5))} ms, p99 ${f1(q(beside.lat, 0.99))} ms; goal p99 < ${GOAL_MS} ms, ratio ${(q(beside.lat, 0.99) / GOAL_MS).toFixed(2)}`);
  say(`sse_10k: server CPU per call ${f1(alone.cpuPerCall)} ms alone, ${f1(beside.cpuPerCall)} ms beside the others (ratio ${(beside.cpuPerCall / Math.max(alone.cpuPerCall, 0.01)).toFixed(2)}; 10 ms clock ticks); centre 1's calls received by other centres' streams: ${strays} (must be 0); ${f1(idleCpu)} ms a second with ${opened} idle streams (heartbeat every ${HEARTBEAT_MS} ms); goal CPU per call beside ≈ alone (ratio ≈ 1), strays 0`);
  say(`sse_10k: all ${CENTRES} centres call at once, to the last of ${opened} streams: ${burst.map(f1).join(', ')} ms (the ${CENTRES} calls are ${CENTRES} commits; after the last call's answer: ${burstAfter.map(f1).join(', ')} ms; server CPU ${burstCpu.map((x) => x.toFixed(0)).join(', ')} ms); goal < ${GOAL_MS} ms, ratio ${(Math.max(...burstAfter) / GOAL_MS).toFixed(2)}`);
  say(`sse_10k: opening ${opened - open[1]} streams (256 at a time): ${f1(openSecs)} s, server CPU ${openCpuUs.toFixed(0)} µs a stream (request, token, snapshot, limits); no goal`);
  say(`sse_10k: server RSS ${f1(m0.rss)} MB before, ${f1(m1.rss)} with ${open[1]} streams, ${f1(m2.rss)} with ${opened} (${f1(perStreamKb)} KB a stream), ${f1(m4.rss)} after the calls, peak ${f1(m4.hwm)} MB; goal < ${GOAL_RSS_MB} MB, ratio ${(m4.hwm / GOAL_RSS_MB).toFixed(2)}`);
  say(`sse_10k: GET /api/v1/queue (keep-alive, centre 1) p50 ${f1(q(alone.queue.lat, 0.5))}/${f1(q(beside.queue.lat, 0.5))} ms, p99 ${f1(q(alone.queue.lat, 0.99))} ms beside ${open[1]} streams, ${f1(q(beside.queue.lat, 0.99))} ms beside ${opened}; goal p99 < ${GOAL_QUEUE_MS} ms, ratio ${(q(beside.queue.lat, 0.99) / GOAL_QUEUE_MS).toFixed(2)}`);
  if (refused || alone.queue.bad || beside.queue.bad) note(`${refused} streams refused, ${alone.queue.bad + beside.queue.bad} queue reads not 200 (THE FIGURE IS NOT VALID)`);
} catch (e) {
  console.error(`sse_10k: could not run: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  for (const s of sockets) s.destroy();
  if (server && server.exitCode === null) {
    const gone = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([gone, sleep(20000)]);
  }
  rmSync(dir, { recursive: true, force: true });
}
