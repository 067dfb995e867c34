// Province benchmarks (docs/province.md, issue 13): a generated province of
// CENTRES centres with COUNTERS open counters each (tests/bench/
// province-bundle.mjs). Self-contained: each part starts its own server on a
// loopback port over a fresh database in a temporary folder and removes it
// at the end; every load is bounded in time (wrk -d) and count. Prints
// figures with their ratio against a limit measured in the same run, or
// against the goal the issue sets. Never fails on a slow figure; exits 1
// only when a part could not run.
//
//   queue       GET /api/v1/queue?office=<centre 1> against nginx serving
//               the same bytes as a static file, same wrk load; goal >= 1.0x;
//               then the same read beside other centres issuing tickets
//   tickets     POST /api/v1/tickets at one centre alone, beside the other
//               99 centres' kiosks issuing paced, beside them flat out (each
//               at a fresh centre, in alternating rounds); goal >= 0.8x
//   indicators  GET /api/v1/indicators?by=office over DOSSIERS dossiers and
//               TICKETS tickets in every centre (written by
//               bench_province_fill): a quarter by centre against the
//               100 ms goal, one centre's month against 20 ms; the same
//               counted by scans (source=scan), and whether they agree
//
// Usage: node tests/bench/province.mjs BUILD_DIR [queue,tickets,indicators]
// Environment: BENCH_CENTRES (100), BENCH_COUNTERS (10), BENCH_DOSSIERS
// (1000000), BENCH_TICKETS (3000000), BENCH_PACE_MS (1000: each other
// centre's kiosk issues one ticket per this many ms in the paced load),
// BENCH_ROUNDS (2: rounds of alone, paced, flat out).
// On PostgreSQL (MOTCUA_TEST_ENGINE=postgres MOTCUA_TEST_PG=<cluster URI>, as
// the e2e tests: tests/bench/run --engine postgres sets them) each server's
// database is a new database of that cluster; the indicators' history is
// filled into an SQLite file as on SQLite, then copied with migrate-to.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { centreCode, clerkName, clerkPassword, kioskName, provinceBundle } from './province-bundle.mjs';
import { request } from '../e2e/lib/harness.mjs';
import { ON_POSTGRES, newDb, runSql } from '../e2e/lib/pg.mjs';

const [build = 'build', parts = 'queue,tickets,indicators'] = process.argv.slice(2);
const CENTRES = Number(process.env.BENCH_CENTRES ?? 100);
const COUNTERS = Number(process.env.BENCH_COUNTERS ?? 10);
const DOSSIERS = Number(process.env.BENCH_DOSSIERS ?? 1000000);
const TICKETS = Number(process.env.BENCH_TICKETS ?? 3000000);
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const TICKETS_PER_CENTRE = 3 * COUNTERS; // set-up of the queue: a busy morning
const GOAL_QUEUE = 1.0;
const GOAL_TICKETS = 0.8;
const GOAL_QUARTER_MS = 100; // a quarter's indicators by centre (issue 14)
const GOAL_MONTH_MS = 20; // one centre's month
const ADMIN_PASSWORD = 'bench-admin-pass-1';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(build, 'bin', 'motcua-server');
const fillBin = path.resolve(build, 'bench', 'bench_province_fill');
const CENTRE1 = centreCode(1);

const say = (line) => console.log(line);
const note = (line) => console.error(`province: ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 0) => x.toFixed(d);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const list = (xs) => xs.map((x) => fmt(x)).join(', ');

function run(cmd, args, input = '') {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args[0]}: ${r.error ?? ''} ${r.stderr}`);
  return r.stdout;
}

// Runs a command to its end without blocking the event loop; resolves its
// stdout.
function runAsync(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

// One HTTP request (the e2e harness's), allowed two minutes: the province's
// first answers read a large database cold. Resolves {status, text, json, ms}.
const req = (base, method, p, opts = {}) => request(base, method, p, { timeout: 120000, ...opts });

// Runs fn over items, at most n at a time.
async function pool(n, items, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i], i); }
  }));
}

// A fresh database with the generated province; resolves {dir, db, tokens}
// (device name -> token). The engine's (an SQLite file in dir, or a new
// PostgreSQL database), or with sqlite true always a file in dir.
function province(tag, { sqlite = false } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), `motcua-bench-${tag}-`));
  const db = sqlite ? path.join(dir, 'province.db') : newDb(dir, 'province.db');
  try {
    run(bin, ['init', '--db', db, '--password-stdin'], `${ADMIN_PASSWORD}\n`);
    writeFileSync(path.join(dir, 'bundle.json'), JSON.stringify(provinceBundle({ centres: CENTRES, counters: COUNTERS })));
    const report = JSON.parse(run(bin, ['import', '--db', db, path.join(dir, 'bundle.json')]));
    const tokens = Object.fromEntries(report.devices_created.map((d) => [d.name, d.token]));
    return { dir, db, tokens };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

// Starts motcua-server on db; resolves {base, pid, stop()}: stop ends it and
// removes dir. When it does not start, dir is removed and it rejects.
async function serve(db, dir) {
  // PostgreSQL: no database file to keep the Idempotency-Key key beside.
  const keyFile = ON_POSTGRES ? ['--idempotency-key-file', path.join(dir, 'idem-key')] : [];
  const server = spawn(bin, ['serve', '--db', db, '--port', '0', ...keyFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  server.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => { out += d; const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/); if (m) resolve(m[1]); });
    server.once('exit', (c) => reject(new Error(`server exited ${c}: ${err}`)));
  }).catch((e) => { rmSync(dir, { recursive: true, force: true }); throw e; });
  const stop = async () => {
    if (server.exitCode === null) {
      const gone = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([gone, sleep(20000)]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { base, pid: server.pid, stop };
}

// Logins are limited per client address (30 a minute): the clerks log in
// from 16 loopback addresses, as from the centres' own machines.
async function login(base, username, password, i = 0) {
  const r = await req(base, 'POST', '/api/v1/session',
    { body: { username, password }, localAddress: `127.0.0.${2 + (i % 16)}` });
  if (r.status !== 201 && r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
  return r.json.token;
}

// wrk's figures: requests/s, and the answers that were not 2xx/3xx.
function wrkFigures(out) {
  const rps = Number(out.match(/Requests\/sec:\s+([0-9.]+)/)?.[1] ?? NaN);
  const bad = Number(out.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0);
  const errors = out.match(/Socket errors:[^\n]*/)?.[0] ?? '';
  return { rps, bad, errors };
}
const wrk = async (args, env) => wrkFigures(await runAsync('wrk', args, env));
// A load whose answers were not all 2xx measured something else: say so.
const wrkNote = (what, f) => { if (f.bad || f.errors) note(`${what}: ${f.bad} answers not 2xx/3xx ${f.errors} (THE FIGURE IS NOT VALID)`); };

// Centre i's morning: its staff member (a centre supervisor, who may keep
// several counters open) opens every counter, its kiosk issues
// TICKETS_PER_CENTRE tickets over the three groups, the clerk calls one
// ticket to each counter. Counts answers by step in tally.
async function morning(base, tokens, i, tally) {
  const count = (step, r) => {
    const k = `${step} ${r.status}`;
    tally[k] = (tally[k] ?? 0) + 1;
    if (r.status >= 300 && !tally[`first ${step}`]) tally[`first ${step}`] = r.text.slice(0, 200);
  };
  const clerk = await login(base, clerkName(i), clerkPassword(i), i);
  for (let no = 1; no <= COUNTERS; no++)
    count('open', await req(base, 'POST', `/api/v1/counters/${no}/state`, { token: clerk, body: { state: 'open' } }));
  const groups = ['CT', 'HT', 'DD'];
  for (let k = 0; k < TICKETS_PER_CENTRE; k++)
    count('issue', await req(base, 'POST', '/api/v1/tickets', { token: tokens[kioskName(i)], body: { group: groups[k % 3] } }));
  for (let no = 1; no <= COUNTERS; no++)
    count('call', await req(base, 'POST', `/api/v1/counters/${no}/call`, { token: clerk }));
}

async function queueAndTickets(which) {
  const t0 = performance.now();
  const p = province('queue');
  const srv = await serve(p.db, p.dir);
  const pids = [];
  try {
    const tally = {};
    const centres = Array.from({ length: CENTRES }, (_, k) => k + 1);
    await pool(8, centres, (i) => morning(srv.base, p.tokens, i, tally));
    const counts = Object.entries(tally).filter(([k]) => !k.startsWith('first ')).map(([k, v]) => `${k}: ${v}`).join(', ');
    note(`set-up: ${CENTRES} centres, ${COUNTERS} counters each opened and called, ${TICKETS_PER_CENTRE} tickets each, in ${fmt((performance.now() - t0) / 1000, 1)} s (answers ${counts})`);
    for (const [k, v] of Object.entries(tally)) if (k.startsWith('first ')) note(`first refusal of ${k.slice(6)}: ${v}`);

    // The ticket figures are taken at centres 1..measured (see below).
    const measured = 3 * ROUNDS + 1;
    if (CENTRES < measured + 2) throw new Error(`the benchmarks need at least ${measured + 2} centres`);
    const url = `${srv.base}/api/v1/tickets`;
    const one = (i) => wrk(['-t2', '-c8', '-d4s', '-s', path.join(here, 'post-ticket.lua'), url],
      { MOTCUA_TOKEN: p.tokens[kioskName(i)] });
    // fg() measured in the middle of 8 s of ticket issuing at the centres
    // listed (one kiosk, one connection each; one ticket per delay ms each,
    // or as fast as they can with 0).
    const issuing = async (centres, delay, fg) => {
      const tokens = centres.map((k) => p.tokens[kioskName(k)]).join(',');
      const bg = wrk(['-t1', `-c${centres.length}`, '-d8s', '-s', path.join(here, 'post-ticket-many.lua'), url],
        { MOTCUA_TOKENS: tokens, MOTCUA_DELAY_MS: String(delay) });
      await sleep(2000);
      const f = await fg();
      return { fg: f, bg: await bg };
    };
    const all = Array.from({ length: CENTRES }, (_, k) => k + 1);
    const beside = (i, delay) => issuing(all.filter((k) => k !== i), delay, () => one(i));
    if (which.has('queue')) {
      const q = `/api/v1/queue?office=${CENTRE1}`;
      const answer = await req(srv.base, 'GET', q);
      if (answer.status !== 200) throw new Error(`GET ${q}: ${answer.status} ${answer.text}`);
      // nginx's workers run as an unprivileged user: they must be able to
      // read the file (mkdtemp makes the folder 0700).
      const www = path.join(p.dir, 'www');
      mkdirSync(www, { mode: 0o755 });
      chmodSync(p.dir, 0o755);
      writeFileSync(path.join(www, 'queue.json'), answer.text);
      const size = Buffer.byteLength(answer.text);
      const snap = answer.json;
      const counters = snap.counters ?? [];
      const open = counters.filter((c) => c.state === 'open').length;
      const waiting = (snap.groups ?? []).reduce((n, g) => n + (g.waiting ?? 0), 0);
      note(`GET ${q}: ${size} bytes, office ${snap.office?.code}, ${counters.length} counters (${open} open), ${waiting} waiting`);
      if (snap.office?.code !== CENTRE1 || counters.length !== COUNTERS)
        note(`the answer is not ${CENTRE1}'s hall alone (office= not honoured?): the figure is not the one the issue asks for`);
      const nport = await new Promise((resolve) => { const s = http.createServer().listen(0, '127.0.0.1', () => { const n = s.address().port; s.close(() => resolve(n)); }); });
      writeFileSync(path.join(p.dir, 'nginx.conf'), `daemon off;
worker_processes 2;
pid ${p.dir}/nginx.pid;
error_log ${p.dir}/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 100000;
  server { listen 127.0.0.1:${nport}; root ${www}; default_type application/json; }
}
`);
      const nginx = spawn('nginx', ['-c', path.join(p.dir, 'nginx.conf')], { stdio: 'ignore' });
      nginx.once('error', (e) => note(`nginx: ${e.message}`)); // then it serves nothing: stops below
      pids.push(nginx);
      const nurl = `http://127.0.0.1:${nport}/queue.json`;
      let same = null;
      for (const end = Date.now() + 10000; Date.now() < end && same?.status !== 200; await sleep(100))
        same = await req(nurl, 'GET', '/queue.json').catch(() => null);
      if (same?.text !== answer.text) throw new Error(`nginx does not serve the same bytes: ${same?.status} ${same?.text.slice(0, 200)}`);
      // Alternated ROUNDS times, so that the shared machine's drift falls
      // on both alike.
      const oursAll = [], theirsAll = [];
      for (let k = 0; k < ROUNDS; k++) {
        oursAll.push(await wrk(['-t2', '-c50', '-d4s', `${srv.base}${q}`]));
        theirsAll.push(await wrk(['-t2', '-c50', '-d4s', nurl]));
      }
      oursAll.forEach((f) => wrkNote('motcua queue', f));
      theirsAll.forEach((f) => wrkNote('nginx', f));
      nginx.kill('SIGTERM');
      const ours = { rps: mean(oursAll.map((f) => f.rps)) };
      const theirs = { rps: mean(theirsAll.map((f) => f.rps)) };
      say(`province_queue_get: ${CENTRES} centres × ${COUNTERS} open counters, GET /api/v1/queue?office=${CENTRE1}: motcua ${fmt(ours.rps)} req/s (${list(oursAll.map((f) => f.rps))}), nginx ${fmt(theirs.rps)} req/s (${list(theirsAll.map((f) => f.rps))}) (${size} bytes); goal >= ${fmt(GOAL_QUEUE, 1)}x, ratio ${fmt(ours.rps / theirs.rps, 2)}`);
      // The same read while the centres not measured below issue paced
      // (any commit in the province makes the next read rebuild).
      const writers = all.filter((k) => k > measured);
      const busy = await issuing(writers, PACE_MS, () => wrk(['-t2', '-c50', '-d4s', `${srv.base}${q}`]));
      wrkNote('motcua queue beside writes', busy.fg);
      wrkNote('writers', busy.bg);
      say(`province_queue_get_beside_writes: the same beside ${writers.length} centres each issuing one ticket per ${PACE_MS} ms (${fmt(busy.bg.rps)} tickets/s together): motcua ${fmt(busy.fg.rps)} req/s, ${fmt(busy.fg.rps / theirs.rps, 2)}x nginx's figure above; no goal (a busy morning's board read)`);
    }

    if (which.has('tickets')) {
      // Issuing gets slower as a line grows (thousands wait at the end of
      // a 4 s load), and the shared machine drifts: each figure is taken at
      // a centre of its own (1..measured), all alike after the morning, in
      // ROUNDS rounds of (alone, beside the others paced, beside them flat
      // out) and a last alone, so that drift falls on all three alike.
      const alone = [], paced = [], flat = [];
      let next = 1;
      for (let k = 0; k < ROUNDS; k++) {
        alone.push(await one(next++));
        paced.push(await beside(next++, PACE_MS));
        flat.push(await beside(next++, 0));
      }
      alone.push(await one(next++));
      alone.forEach((f, k) => wrkNote(`alone ${k + 1}`, f));
      paced.forEach((f, k) => { wrkNote(`paced ${k + 1}`, f.fg); wrkNote(`others paced ${k + 1}`, f.bg); });
      flat.forEach((f, k) => { wrkNote(`flat out ${k + 1}`, f.fg); wrkNote(`others flat out ${k + 1}`, f.bg); });
      const a = mean(alone.map((f) => f.rps));
      const pf = paced.map((f) => f.fg.rps), pb = paced.map((f) => f.bg.rps);
      const ff = flat.map((f) => f.fg.rps), fb = flat.map((f) => f.bg.rps);
      say(`province_ticket_issue: one centre alone ${fmt(a)} tickets/s (${list(alone.map((f) => f.rps))}); beside ${CENTRES - 1} centres each issuing one per ${PACE_MS} ms (${fmt(mean(pb))} tickets/s together) ${fmt(mean(pf))} tickets/s (${list(pf)}); goal >= ${fmt(GOAL_TICKETS, 1)}x, ratio ${fmt(mean(pf) / a, 2)}`);
      say(`province_ticket_issue_flat_out: one centre (8 connections) beside ${CENTRES - 1} centres issuing as fast as they can (${CENTRES - 1} connections, ${fmt(mean(fb))} tickets/s together): ${fmt(mean(ff))} tickets/s (${list(ff)}), ratio ${fmt(mean(ff) / a, 2)}; all together ${fmt(mean(ff) + mean(fb))} tickets/s, ${fmt((mean(ff) + mean(fb)) / a, 2)}x of one centre alone; no goal (one durable writer: the centre gets about its share of the connections)`);
      // A centre's numbering never depends on another's load: today's
      // numbers at the measured centres run from 1 without a gap in every
      // group.
      const codes = Array.from({ length: measured }, (_, k) => `'${centreCode(k + 1)}'`).join(', ');
      const rows = runSql(p.db,
        `SELECT o.code AS centre, g.code AS grp, count(*) AS n, min(t.number) AS lo, max(t.number) AS hi
         FROM tickets t JOIN service_groups g ON g.id = t.series_group_id JOIN offices o ON o.id = t.office_id
         WHERE o.code IN (${codes}) AND t.service_day = (SELECT max(service_day) FROM tickets)
         GROUP BY o.code, g.code ORDER BY o.code, g.code`, { readonly: true });
      const gaps = rows.filter((r) => r.lo !== 1 || r.hi !== r.n);
      if (!rows.length) note(`no ticket of the measured centres today carries its office`);
      say(`province_ticket_numbering: ${rows.filter((r) => r.grp === 'CT').map((r) => `${r.centre} CT 1..${r.hi} (${r.n} tickets)`).join(', ')}; ${gaps.length ? `GAPS in ${gaps.map((r) => `${r.centre} ${r.grp}`).join(', ')}` : `no gap in any of their ${rows.length} lines`}; a check, not a figure: expected no gap`);
    }
  } finally {
    for (const c of pids) if (c.exitCode === null) c.kill('SIGTERM');
    await srv.stop();
  }
}

async function indicators() {
  const t0 = performance.now();
  const p = province('ind', { sqlite: true });
  let srv = null;
  try {
    note((await runAsync(fillBin, [p.db, String(DOSSIERS), String(TICKETS)])).trim());
    const size = statSync(p.db).size;
    let db = p.db;
    if (ON_POSTGRES) {
      const t = performance.now();
      db = newDb(p.dir, 'province-ind.db');
      // The fill writes rows without their events: the check after the
      // copy finds dossiers without a chain to agree with (exit 1 once the
      // copy is committed). The copy is what is timed.
      await runAsync(bin, ['migrate-to', '--db', p.db, db]).catch((e) => {
        if (!/committed but does not verify/.test(e.message)) throw e;
        note(`migrate-to: the copy is committed; its check: ${[...e.message.matchAll(/\(([a-z_]+)\)/g)].at(-1)?.[1] ?? 'failed'}, as expected of a fill without events`);
      });
      // The fill ends with ANALYZE; migrate-to ends with VACUUM (ANALYZE).
      rmSync(p.db, { force: true });
      note(`copied to PostgreSQL by migrate-to and analyzed in ${fmt((performance.now() - t) / 1000, 1)} s`);
    }
    srv = await serve(db, p.dir);
    note(`database ${fmt(size / 1e6, 1)} MB; set-up, fill and server start in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    const admin = await login(srv.base, 'admin', ADMIN_PASSWORD);
    const time = async (q) => {
      const ms = [];
      let last;
      for (let k = 0; k < 5; k++) {
        last = await req(srv.base, 'GET', q, { token: admin });
        if (last.status !== 200) throw new Error(`GET ${q}: ${last.status} ${last.text.slice(0, 300)}`);
        ms.push(last.ms);
      }
      return { ms: median(ms), json: last.json };
    };
    // The maintained figures, then the scans they replace (the reference:
    // the two answers must be the same JSON).
    const line = async (what, q, goal) => {
      const r = await time(q);
      const scan = await time(`${q}&source=scan`);
      const d = r.json.dossiers ?? {};
      const groups = d.groups ?? [];
      const same = JSON.stringify(r.json) === JSON.stringify(scan.json);
      say(`province_indicators ${what}: ${fmt(r.ms, 1)} ms (median of 5; ${groups.length} groups, ${d.total?.received ?? '?'} received, ${r.json.queue?.visits ?? '?'} visits); goal ${goal} ms, ratio ${fmt(r.ms / goal, 2)}; by scans ${fmt(scan.ms, 1)} ms; ${same ? 'same figures' : 'FIGURES DIFFER from the scans'}`);
    };
    await line('2025-Q4 by=office', '/api/v1/indicators?from=2025-10-01&to=2025-12-31&by=office', GOAL_QUARTER_MS);
    await line('2024-Q2 by=office', '/api/v1/indicators?from=2024-04-01&to=2024-06-30&by=office', GOAL_QUARTER_MS);
    await line(`2025-Q4 office=${CENTRE1}`, `/api/v1/indicators?from=2025-10-01&to=2025-12-31&by=office&office=${CENTRE1}`, GOAL_QUARTER_MS);
    await line(`2025-11 office=${CENTRE1}`, `/api/v1/indicators?from=2025-11-01&to=2025-11-30&by=office&office=${CENTRE1}`, GOAL_MONTH_MS);
    await line(`2025-11 office=${CENTRE1} by=procedure`, `/api/v1/indicators?from=2025-11-01&to=2025-11-30&by=procedure&office=${CENTRE1}`, GOAL_MONTH_MS);
  } finally {
    if (srv) await srv.stop();
    else rmSync(p.dir, { recursive: true, force: true });
  }
}

const which = new Set(parts.split(','));
try {
  if (which.has('queue') || which.has('tickets')) await queueAndTickets(which);
  if (which.has('indicators')) await indicators();
} catch (e) {
  console.error(`province: ${e.stack ?? e}`);
  process.exit(1);
}
process.exit(0);
