// The end-to-end harness: a real motcua-server on a free loopback port, on a
// fresh database (an SQLite file in a fresh temporary folder, or a PostgreSQL
// database: tests/e2e/lib/pg.mjs). Every test file starts its own.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { integrityCheck, isPostgres, newDb, ON_POSTGRES, runSql, tableNames } from './pg.mjs';

export { dbMade, isPostgres, newDb, ON_POSTGRES, sqliteOnly } from './pg.mjs';

export const BIN = path.join(process.env.MOTCUA_BIN ?? path.resolve('build/bin'), 'motcua-server');
export const SOURCE = process.env.MOTCUA_SOURCE ?? path.resolve('.');
export const ADMIN_PASSWORD = 'admin-pass-1';

// What a sanitizer prints when it finds something (ASan, LSan, UBSan, TSan).
// A build with MOTCUA_SANITIZE makes any of these fail the test that saw it.
export const SANITIZER_REPORT = /ERROR: (Address|Leak)Sanitizer|runtime error:|(WARNING|FATAL|ERROR): ThreadSanitizer/;

// How long `simulate` may take: a month's history under a sanitizer on a
// busy 2-core machine takes minutes on SQLite, and PostgreSQL answers each
// of its statements in a round trip (12 days of a province: about a minute
// on a quiet machine).
export const SIMULATE_MS = (ON_POSTGRES ? 15 : 5) * 60000;

// Runs motcua-server synchronously; returns {status, stdout, stderr}. Throws
// when a sanitizer reported anything.
// timeout: how long the command may take; SIMULATE_MS for `simulate`, a
// minute for any other.
export function cli(args, { input, timeout = args[0] === 'simulate' ? SIMULATE_MS : 60000 } = {}) {
  const r = spawnSync(BIN, args, { input: input ?? '', encoding: 'utf8', timeout });
  if (SANITIZER_REPORT.test(r.stderr ?? '')) {
    throw new Error(`sanitizer report from motcua-server ${args.join(' ')}:\n${r.stderr.slice(-4000)}`);
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Runs motcua-server without blocking the event loop (a test's writers go
// on meanwhile); resolves {status, stdout, stderr, timedOut}, status being
// the exit code or the signal. Killed after limitMs. env: added to the
// environment. Rejects when a sanitizer reported anything.
export function cliAsync(args, { env = {}, limitMs = 120000 } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    const t = setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, limitMs);
    p.on('exit', (code, signal) => {
      clearTimeout(t);
      if (SANITIZER_REPORT.test(stderr)) {
        reject(new Error(`sanitizer report from motcua-server ${args.join(' ')}:\n${stderr.slice(-4000)}`));
      } else {
        resolve({ status: code ?? signal, stdout, stderr, timedOut });
      }
    });
  });
}

// Runs SQL on the database db (an SQLite file with the sqlite3 shell, a
// PostgreSQL URI with psql), read/write (a fixture's load, a test's edit);
// returns the rows of the last statement (json) or [] (json false: the
// shell's plain output is dropped). Throws on any error of the engine.
export function sqlite(db, sql, { json = true } = {}) {
  return runSql(db, sql, { json });
}

// Rows per table of db, by table name (the engine's own tables left out).
export function tableCounts(db) {
  const out = {};
  for (const t of tableNames(db)) out[t] = Number(sqlite(db, `SELECT count(*) AS n FROM "${t}"`)[0].n);
  return out;
}

// A small office for tests: two groups served by counters 1-3, staff of each
// role, a kiosk and a display.
export const TEST_BUNDLE = {
  office: { code: '000.00.19.H47', name: 'Bộ phận Một cửa thử nghiệm', locality: 'Hướng Hóa' },
  settings: { priority_cap: 2, no_show_rejoin_minutes: 30 },
  service_groups: [
    { code: 'CT', prefix: 'A', name: 'Chứng thực', sort: 1 },
    { code: 'HT', prefix: 'B', name: 'Hộ tịch', sort: 2 },
    { code: 'TK', prefix: 'G', name: 'Trả kết quả', sort: 3 },
  ],
  counters: [
    { no: 1, name: 'Quầy 1', groups: ['CT'] },
    { no: 2, name: 'Quầy 2', groups: ['CT', 'HT'] },
    { no: 3, name: 'Quầy 3', groups: ['HT'] },
    { no: 4, name: 'Quầy 4', groups: ['TK'] },
  ],
  users: [
    // The office head (trưởng đơn vị): approves feedback answers (issue 16).
    { username: 'sup', full_name: 'Giám sát', role: 'supervisor', password: 'sup-pass-0001', head: true },
    { username: 'clerk1', full_name: 'Cán bộ một', title: 'Công chức Tư pháp - Hộ tịch', role: 'counter', password: 'clerk-pass-1' },
    { username: 'clerk2', full_name: 'Cán bộ hai', role: 'counter', password: 'clerk-pass-2' },
    { username: 'spec', full_name: 'Chuyên viên', role: 'specialist', password: 'spec-pass-0001' },
  ],
  devices: [
    { kind: 'kiosk', name: 'kiosk-1', prints: false },
    { kind: 'display', name: 'board-1' },
  ],
};

export const PASSWORDS = {
  admin: ADMIN_PASSWORD, sup: 'sup-pass-0001', clerk1: 'clerk-pass-1', clerk2: 'clerk-pass-2',
  spec: 'spec-pass-0001',
};

// One HTTP request; resolves {status, headers, text, json, ms}. rawPath sends
// p as the request target verbatim (not normalized as a URL); localAddress
// and signal go to http.request; with streamHeaders an event stream is
// answered by its status and headers, then closed; an answer silent for
// timeout ms fails.
export function request(base, method, p,
  { token, body, headers = {}, raw, agent, rawPath, localAddress, signal, streamHeaders, timeout = 30000 } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const url = new URL(p, base);
    const h = { ...headers };
    let data = null;
    if (raw !== undefined) data = Buffer.from(raw);
    else if (body !== undefined) { data = Buffer.from(JSON.stringify(body)); h['Content-Type'] = 'application/json'; }
    if (data) h['Content-Length'] = data.length;
    if (token) h.Authorization = `Bearer ${token}`;
    const opts = { method, headers: h, agent: agent ?? false, localAddress, signal };
    const target = rawPath ? [{ ...opts, host: url.hostname, port: url.port, path: p }] : [url, opts];
    const req = http.request(...target, (res) => {
      if (streamHeaders && /text\/event-stream/.test(res.headers['content-type'] ?? '')) {
        resolve({ status: res.statusCode, headers: res.headers, text: '', json: null, ms: performance.now() - t0 });
        req.destroy();
        return;
      }
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json, ms: performance.now() - t0 });
      });
    });
    req.on('error', reject);
    req.setTimeout(timeout, () => req.destroy(new Error(`timeout ${method} ${p}`)));
    if (data) req.write(data);
    req.end();
  });
}

export class Server {
  constructor(dir, db) { this.dir = dir; this.db = db; this.proc = null; this.tokens = {}; }

  // Starts serve on a free port; resolves when it prints its address.
  // env: variables added to the server's environment for this start.
  async start(extra = [], env = {}) {
    const args = ['serve', '--db', this.db, '--port', String(this.port ?? 0), ...(this.extraArgs ?? []), ...extra];
    this.proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.stderr = '';
    this.killed = false; // by kill9(), on purpose
    this.checked = false; // stop() has judged this process's exit
    this.proc.stderr.on('data', (d) => { this.stderr += d; });
    // On PostgreSQL, each statement the engine refused is echoed to the
    // test's output as it comes: a failure then names its SQL.
    if (isPostgres(this.db)) {
      let partial = '';
      let echo = false;
      this.proc.stderr.on('data', (d) => {
        const lines = (partial + d).split('\n');
        partial = lines.pop();
        for (const l of lines) {
          // The engine's message may span lines (DETAIL, then "[state] in:
          // <sql>"): those up to the next record, which starts with its time.
          if (/^\d{4}-\d\d-\d\dT/.test(l)) echo = l.includes('postgresql: ');
          if (echo) process.stderr.write(`server: ${l}\n`);
        }
      });
    }
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.exited = exited;
    const port = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start: ${this.stderr}`)), 20000);
      this.proc.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/listening on https?:\/\/127\.0\.0\.1:(\d+)/);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      });
      exited.then((code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${this.stderr}`)); });
    });
    this.port = port;
    this.base = `http://127.0.0.1:${port}`;
    return this;
  }

  // True while the server process runs.
  get running() { return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null; }

  // Stops the server with SIGTERM, as an operator would, and fails when it
  // did not stop cleanly, had already died (a crash, a sanitizer halting it
  // with exit status 66) or a sanitizer reported anything.
  async stop() {
    if (!this.proc || this.checked || this.killed) return;
    this.checked = true;
    const wasRunning = this.running;
    let t;
    if (wasRunning) {
      this.proc.kill('SIGTERM');
      t = setTimeout(() => this.proc.kill('SIGKILL'), 15000);
    }
    const code = await this.exited;
    clearTimeout(t);
    if (SANITIZER_REPORT.test(this.stderr)) {
      throw new Error(`sanitizer report from the server:\n${this.stderr.slice(-6000)}`);
    }
    const how = code ?? this.proc.signalCode;
    if (!wasRunning) throw new Error(`server died during the test (${how}): ${this.stderr.slice(-2000)}`);
    if (code !== 0) throw new Error(`server exited with ${how} after SIGTERM: ${this.stderr.slice(-2000)}`);
  }

  async kill9() {
    this.killed = true;
    this.proc.kill('SIGKILL');
    await this.exited;
    if (SANITIZER_REPORT.test(this.stderr)) {
      throw new Error(`sanitizer report from the server:\n${this.stderr.slice(-6000)}`);
    }
  }

  async restart() { await this.stop(); await this.start(); this.tokens = {}; }

  req(method, p, opts = {}) { return request(this.base, method, p, opts); }

  // A bearer token for a staff user (cached) or a device by name.
  async login(username) {
    if (this.tokens[username]) return this.tokens[username];
    const r = await this.req('POST', '/api/v1/session', { body: { username, password: PASSWORDS[username] } });
    if (r.status !== 201) throw new Error(`login ${username}: ${r.status} ${r.text}`);
    this.tokens[username] = r.json.token;
    return r.json.token;
  }

  // As `who` (a username, a device name, or null for anonymous).
  async as(who, method, p, opts = {}) {
    const token = who === null ? undefined : (this.devices[who] ?? await this.login(who));
    return this.req(method, p, { ...opts, token });
  }

  // Runs SQL read-only on the database (sqlite3 or psql); the rows of its
  // last statement, each an object by column name.
  sql(query) {
    // A busy minute's events are megabytes of JSON: the shell's output
    // may be large (runSql allows 512 MB).
    return runSql(this.db, query, { readonly: true });
  }

  // 'ok' when the database's structure is sound (SQLite's integrity_check,
  // PostgreSQL's amcheck), else what is wrong.
  integrity() { return integrityCheck(this.db); }

  cleanup() { rmSync(this.dir, { recursive: true, force: true }); }
}

// A fresh database with the test office, served. Options: bundle, args.
export async function startServer({ bundle = TEST_BUNDLE, args = [], env = {} } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-'));
  const db = newDb(dir, 'office.db');
  let r = cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
  if (r.status !== 0) throw new Error(`init: ${r.stderr}`);
  const bundlePath = path.join(dir, 'bundle.json');
  // Tests run at any hour on the real clock: the queue ignores working
  // hours unless the bundle says otherwise (tests/e2e/100-kiosk-hours).
  if (bundle.settings?.queue_any_hour === undefined) {
    bundle = { ...bundle, settings: { ...bundle.settings, queue_any_hour: 1 } };
  }
  writeFileSync(bundlePath, JSON.stringify(bundle));
  r = cli(['import', '--db', db, bundlePath]);
  if (r.status !== 0) throw new Error(`import: ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  const s = new Server(dir, db);
  s.extraArgs = args;
  s.devices = Object.fromEntries(report.devices_created.map((d) => [d.name, d.token]));
  await s.start([], env);
  return s;
}

// Opens the counter for `clerk` so it can call.
export async function openCounter(s, clerk, no) {
  const r = await s.as(clerk, 'POST', `/api/v1/counters/${no}/state`, { body: { state: 'open' } });
  if (r.status !== 200) throw new Error(`open counter ${no}: ${r.status} ${r.text}`);
}

// `clerk` serves one ticket of `group` at counter `no` (opened, called,
// finished as served), issued by the kiosk device `kiosk`: the visit that
// makes them the official last served there (a feedback naming the counter).
export async function serveOne(s, clerk, no, group, kiosk = 'kiosk-1') {
  const steps = [
    [clerk, `/api/v1/counters/${no}/state`, { state: 'open' }],
    [kiosk, '/api/v1/tickets', { group }],
    [clerk, `/api/v1/counters/${no}/call`, {}],
    [clerk, `/api/v1/counters/${no}/finish`, { outcome: 'served' }],
  ];
  for (const [who, url, body] of steps) {
    const r = await s.as(who, 'POST', url, { body });
    if (r.status !== 200 && r.status !== 201) throw new Error(`${url}: ${r.status} ${r.text}`);
  }
}

// Reads Server-Sent Events from /api/v1/events into `events` until closed.
export function subscribe(s, token, { lastEventId } = {}) {
  const events = [];
  const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${token}` };
  if (lastEventId !== undefined) headers['Last-Event-ID'] = String(lastEventId);
  let req;
  let buf = '';
  let comments = 0; // comment lines seen (the server's heartbeats)
  let status = null;
  const waiters = [];
  const ended = new Promise((resolve) => {
    req = http.request(new URL('/api/v1/events', s.base), { headers, agent: false }, (res) => {
      status = res.statusCode;
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev = { id: null, event: 'message', data: '' };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) ev.id = Number(line.slice(4));
            else if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) { ev.data += line.slice(6); hasData = true; }
          }
          if (!hasData) { // comments, retry
            if (block.startsWith(':')) { comments++; for (const w of waiters.splice(0)) w(); }
            continue;
          }
          ev.json = JSON.parse(ev.data);
          events.push(ev);
          for (const w of waiters.splice(0)) w();
        }
      });
      res.on('end', resolve);
      res.on('error', resolve);
    });
    req.on('error', resolve);
    req.end();
  });
  return {
    events,
    ended,
    get comments() { return comments; },
    get status() { return status; },
    close() { req.destroy(); },
    // Resolves when pred(events) holds, or rejects after ms.
    async until(pred, ms = 5000) {
      const deadline = Date.now() + ms;
      while (!pred(events)) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out; have ${events.map((e) => `${e.id}:${e.event}`).join(' ')}`);
        await new Promise((resolve) => { waiters.push(resolve); setTimeout(resolve, Math.min(left, 200)); });
      }
    },
  };
}
