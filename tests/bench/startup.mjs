// Start-up and idle memory at province scale (issue 14): "server start < 1 s
// on a 1.3 GB database; RSS < 64 MB idle with 100 centres".
//
// A province of CENTRES centres (tests/bench/province-bundle.mjs) whose
// history bench_province_fill writes (DOSSIERS dossiers, TICKETS tickets:
// about 1.3 GB with the defaults). Then `motcua-server serve` is started
// STARTS times; each start is timed from the exec to the first 200 of
// /healthz and to the first 200 of GET /api/v1/queue?office=<centre 1>
// (polled every 2 ms). The first start follows the eviction of the
// database's pages from the kernel's cache (posix_fadvise DONTNEED through
// `dd iflag=nocache`, this file only): a start after a reboot. The others
// find the file cached. On the last start the server's RSS is read
// (/proc/PID/status): just started; after each centre's screens were read
// once (its kiosk issues a ticket; its board and kiosk data, its public
// pages' data, its counter's dossier list, its supervisor's month of
// indicators), then 2 s idle; peak (VmHWM).
//
// Self-contained: a temporary folder, removed at the end; its own server on
// a loopback port. Prints figures against the goals; never fails on a slow
// figure; exits 1 only when it could not run.
//
// Usage: node tests/bench/startup.mjs BUILD_DIR
// Environment: BENCH_CENTRES (100), BENCH_COUNTERS (10), BENCH_DOSSIERS
// (1250000), BENCH_TICKETS (2500000), BENCH_STARTS (5), BENCH_DB (an
// existing province database to use instead, e.g. from an earlier run with
// BENCH_KEEP=1; it is copied, never changed).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { centreCode, kioskName, provinceBundle } from './province-bundle.mjs';
import { request } from '../e2e/lib/harness.mjs';

const [build = 'build'] = process.argv.slice(2);
const CENTRES = Number(process.env.BENCH_CENTRES ?? 100);
const COUNTERS = Number(process.env.BENCH_COUNTERS ?? 10);
const DOSSIERS = Number(process.env.BENCH_DOSSIERS ?? 1250000);
const TICKETS = Number(process.env.BENCH_TICKETS ?? 2500000);
const STARTS = Math.max(2, Number(process.env.BENCH_STARTS ?? 5));
const GOAL_START_MS = 1000;
const GOAL_RSS_MB = 64;
const ADMIN_PASSWORD = 'bench-admin-pass-1';

const bin = path.resolve(build, 'bin', 'motcua-server');
const fillBin = path.resolve(build, 'bench', 'bench_province_fill');

const say = (line) => console.log(line);
const note = (line) => console.error(`startup: ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 0) => x.toFixed(d);
const list = (xs, d = 0) => xs.map((x) => fmt(x, d)).join(', ');
const req = (base, method, p, opts = {}) => request(base, method, p, { timeout: 120000, ...opts });

function run(cmd, args, input = '') {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args[0]}: ${r.error ?? ''} ${r.stderr}`);
  return r.stdout;
}

// Writes the file's dirty pages out, then drops its pages from the kernel's
// cache (this file only; nothing else on the machine is touched).
function evict(file) {
  for (const f of [file, `${file}-wal`]) {
    try { statSync(f); } catch { continue; }
    run('dd', [`of=${f}`, 'oflag=nocache', 'conv=notrunc,fdatasync', 'count=0', 'status=none']);
    run('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none']);
  }
}

// kB figures of /proc/PID/status as MB.
function memory(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(text.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024, anon: kb('RssAnon') / 1024, file: kb('RssFile') / 1024, threads: kb('Threads') };
}

// Polls url every 2 ms until it answers 200; resolves the ms since t0.
async function firstOk(base, p, t0, limitMs = 120000) {
  for (;;) {
    try {
      const r = await request(base, 'GET', p, { timeout: limitMs });
      if (r.status === 200) return performance.now() - t0;
    } catch { /* not listening yet */ }
    if (performance.now() - t0 > limitMs) throw new Error(`no 200 on ${p} within ${limitMs} ms`);
    await sleep(2);
  }
}

// Starts the server on db with a fixed port (so /healthz can be polled from
// the exec on); resolves {pid, base, healthz, queue (ms), stop()}.
async function start(db, port) {
  const t0 = performance.now();
  const server = spawn(bin, ['serve', '--db', db, '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  server.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
  const died = new Promise((_, reject) => server.once('exit', (c) => reject(new Error(`server exited ${c}: ${err}`))));
  const base = `http://127.0.0.1:${port}`;
  const healthz = await Promise.race([firstOk(base, '/healthz', t0), died]);
  const queue = await Promise.race([firstOk(base, `/api/v1/queue?office=${centreCode(1)}`, t0), died]);
  died.catch(() => {});
  const stop = async () => {
    if (server.exitCode !== null) return;
    const gone = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([gone, sleep(20000)]);
  };
  return { pid: server.pid, base, healthz, queue, stop };
}

const freePort = () => Number(run('node', ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"]).trim());

const dir = mkdtempSync(path.join(tmpdir(), 'motcua-bench-startup-'));
const db = path.join(dir, 'province.db');
let srv = null;
try {
  const t0 = performance.now();
  let tokens;
  if (process.env.BENCH_DB) {
    copyFileSync(process.env.BENCH_DB, db);
    tokens = JSON.parse(readFileSync(`${process.env.BENCH_DB}.tokens.json`, 'utf8'));
  } else {
    run(bin, ['init', '--db', db, '--password-stdin'], `${ADMIN_PASSWORD}\n`);
    writeFileSync(path.join(dir, 'bundle.json'), JSON.stringify(provinceBundle({ centres: CENTRES, counters: COUNTERS })));
    const report = JSON.parse(run(bin, ['import', '--db', db, path.join(dir, 'bundle.json')]));
    tokens = Object.fromEntries(report.devices_created.map((d) => [d.name, d.token]));
    note(run(fillBin, [db, String(DOSSIERS), String(TICKETS)]).trim());
    if (process.env.BENCH_KEEP) writeFileSync(`${db}.tokens.json`, JSON.stringify(tokens));
  }
  const size = statSync(db).size;
  note(`database ${fmt(size / 1e9, 2)} GB (${CENTRES} centres) ready in ${fmt((performance.now() - t0) / 1000, 1)} s`);

  const port = freePort();
  const healthz = [], queue = [];
  for (let k = 0; k < STARTS; k++) {
    if (k === 0) evict(db);
    srv = await start(db, port);
    healthz.push(srv.healthz);
    queue.push(srv.queue);
    if (k < STARTS - 1) { await srv.stop(); srv = null; }
  }
  say(`startup_cold: exec to the first 200 of /healthz ${fmt(healthz[0], 1)} ms, of GET /api/v1/queue ${fmt(queue[0], 1)} ms (the database's pages evicted first, ${fmt(size / 1e9, 2)} GB); goal < ${GOAL_START_MS} ms, ratio ${fmt(queue[0] / GOAL_START_MS, 2)}`);
  say(`startup_warm: /healthz ${list(healthz.slice(1), 1)} ms, GET /api/v1/queue ${list(queue.slice(1), 1)} ms; goal < ${GOAL_START_MS} ms, ratio ${fmt(median(queue.slice(1)) / GOAL_START_MS, 2)} (median)`);

  // The last server stays up for the memory figures.
  const started = memory(srv.pid);
  const admin = (await req(srv.base, 'POST', '/api/v1/session', { body: { username: 'admin', password: ADMIN_PASSWORD } })).json?.token;
  if (!admin) throw new Error('admin login refused');
  const tally = {};
  const count = (what, r) => { const k = `${what} ${r.status}`; tally[k] = (tally[k] ?? 0) + 1; };
  for (const p of ['/board', '/kiosk', '/queue', '/status', '/public', '/supervisor'])
    count('page', await req(srv.base, 'GET', p));
  for (let i = 1; i <= CENTRES; i++) {
    const c = centreCode(i);
    count('issue', await req(srv.base, 'POST', '/api/v1/tickets', { token: tokens[kioskName(i)], body: { group: 'CT' } }));
    count('queue', await req(srv.base, 'GET', `/api/v1/queue?office=${c}`));
    count('transparency', await req(srv.base, 'GET', `/api/v1/public/transparency?office=${c}`));
    count('dossiers', await req(srv.base, 'GET', `/api/v1/dossiers?office=${c}&limit=20`, { token: admin }));
    count('indicators', await req(srv.base, 'GET', `/api/v1/indicators?from=2025-12-01&to=2025-12-31&by=office&office=${c}`, { token: admin }));
  }
  note(`screens read: ${Object.entries(tally).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  if (Object.keys(tally).some((k) => !/ 20[01]$/.test(k))) note('some screens were not read (THE FIGURE IS NOT VALID)');
  await sleep(2000);
  const idle = memory(srv.pid);
  note(`RSS idle: ${fmt(idle.anon, 1)} MB anonymous (heaps, SQLite's page caches, stacks), ${fmt(idle.file, 1)} MB of mapped files (the program and its libraries)`);
  say(`startup_rss: ${fmt(started.rss, 1)} MB just started; ${fmt(idle.rss, 1)} MB idle after every centre's screens were read once (peak ${fmt(idle.hwm, 1)} MB, ${idle.threads} threads, ${CENTRES} centres); goal < ${GOAL_RSS_MB} MB, ratio ${fmt(idle.rss / GOAL_RSS_MB, 2)}`);
} catch (e) {
  note(`could not run: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  await srv?.stop();
  if (process.env.BENCH_KEEP && !process.env.BENCH_DB) note(`kept ${db} (and ${db}.tokens.json)`);
  else rmSync(dir, { recursive: true, force: true });
}
