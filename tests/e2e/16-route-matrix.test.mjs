// tsan: yes
// timeout: 1200
// Derived from the route table, not a hand list: `motcua-server routes --json`
// gives every route with its roles; docs/api.md gives one example request per
// route (its "routes" block). Every route x every role x the example and
// malformed variants of it (bad JSON, wrong types, missing fields, absurd path
// parameters, bad query values): the status is what the route's roles say,
// never a 5xx, every 4xx has the error shape with a stable code, and refused
// calls change nothing in the database. Also: docs/api.md documents exactly the
// routes of the table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cli, request, SOURCE, PASSWORDS, isPostgres, ON_POSTGRES } from './lib/harness.mjs';
import { tableNames } from './lib/pg.mjs';
import { startServer } from './lib/harness.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';

// The table, from the server itself.
const table = cli(['routes', '--json']);
if (table.status !== 0) throw new Error(`motcua-server routes: ${table.stderr}`);
const ROUTES = JSON.parse(table.stdout);

// Who plays each role: a user or device of the test bundle; null: anonymous.
const ACTORS = {
  admin: 'admin', supervisor: 'sup', counter: 'clerk1', specialist: 'spec',
  kiosk: 'kiosk-1', display: 'board-1', anonymous: null,
};

const METHOD = '(GET|POST|PUT|PATCH|DELETE)';
const patternRe = (pattern) => new RegExp(`^${pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\}/g, '[^/]+')}$`);
const routeOf = (method, p) => ROUTES.findIndex((r) => r.method === method && patternRe(r.pattern).test(p));

// docs/api.md: the ```routes block, one "METHOD PATH [JSON]" per line.
const DOCS = readFileSync(path.join(SOURCE, 'docs/api.md'), 'utf8');
const block = DOCS.match(/```routes\n([\s\S]*?)```/);
const EXAMPLES = (block ? block[1] : '').split('\n').filter((l) => l.trim()).map((line) => {
  const m = line.match(new RegExp(`^${METHOD} (\\S+)(?: (.+))?$`));
  if (!m) return { line, bad: true };
  const [pathPart, query] = m[2].split('?');
  const shape = pathPart.replace(/\{[a-z]+\}/g, 'X');
  return { line, method: m[1], path: pathPart, query: query ?? null, body: m[3] ?? null, route: routeOf(m[1], shape) };
});

test('docs/api.md documents exactly the routes of the table', () => {
  assert.ok(block, 'docs/api.md has a ```routes block of examples');
  assert.deepEqual(EXAMPLES.filter((e) => e.bad).map((e) => e.line), [], 'example lines not "METHOD PATH [JSON]"');
  assert.deepEqual(EXAMPLES.filter((e) => e.route < 0).map((e) => e.line), [], 'examples of routes the server does not have');
  for (const e of EXAMPLES) if (e.body) assert.doesNotThrow(() => JSON.parse(e.body), `example body is JSON: ${e.line}`);
  const missing = ROUTES.filter((r, i) => !EXAMPLES.some((e) => e.route === i)).map((r) => `${r.method} ${r.pattern}`);
  assert.deepEqual(missing, [], 'routes of the table with no example in docs/api.md');
  const twice = ROUTES.filter((r, i) => EXAMPLES.filter((e) => e.route === i).length > 1).map((r) => `${r.method} ${r.pattern}`);
  assert.deepEqual(twice, [], 'routes with more than one example');
  // Elsewhere in the text: every "METHOD /path" named is a route of the table
  // (an optional query in brackets, "/path[?office=…]", is not the path).
  const named = new Set();
  for (const m of DOCS.matchAll(new RegExp(`(?:^|[\`\\s(])${METHOD} (/[^\\s\`?,)\\[]*)`, 'gm'))) {
    named.add(`${m[1]} ${m[2].replace(/\{[^}/]*\}|…/g, 'X')}`);
  }
  const unknown = [...named].filter((n) => { const [mm, p] = n.split(' '); return routeOf(mm, p) < 0; });
  assert.deepEqual(unknown, [], 'docs/api.md names routes the server does not have');
});

let s;
const state = {};
before(async () => {
  s = await startServer({ bundle: DOSSIER_BUNDLE });
  for (const who of Object.values(ACTORS)) if (who && !s.devices[who]) await login(who);
  s.login = async (u) => s.tokens[u] ?? login(u); // s.as() waits out a 429 too
  // Tokens for logging out, taken before the matrix's login attempts count
  // against this address.
  for (const who of Object.values(ACTORS)) if (who && !s.devices[who]) state[`spare:${who}`] = await login(who, true);
  // The things the examples name: a served ticket, a dossier and its secret,
  // a print job, a rating link.
  const ok = (r) => { assert.ok(r.status >= 200 && r.status < 300, `${r.status} ${r.text}`); return r.json; };
  ok(await s.as('admin', 'POST', '/api/v1/printers', { body: { name: 'sanh', target: 'ipp://127.0.0.1:9/ipp/print', format: 'pdf', paper: '80mm', default: true } }));
  ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } }));
  state.ticket = String(ok(await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).ticket.id);
  ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/call', { body: {} }));
  ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/finish', { body: { outcome: 'served' } }));
  const d = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: JSON.parse(EXAMPLES.find((e) => e.method === 'POST' && e.path === '/api/v1/dossiers').body) }));
  state.dossier = d.dossier.code;
  state.secret = d.secret;
  state.job = String(ok(await s.as('admin', 'POST', '/api/v1/printers/sanh/test', {})).job.id);
  state.rating = ok(await s.as('clerk1', 'POST', `/api/v1/dossiers/${encodeURIComponent(state.dossier)}/rating-link`, {})).token;
});
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

// Logs in (waiting out a 429 or 503 within a bounded time); returns a fresh token,
// kept as the user's token unless `spare` (a token about to be logged out).
async function login(username, spare = false) {
  const deadline = Date.now() + 120000;
  for (;;) {
    const r = await s.req('POST', '/api/v1/session', { body: { username, password: PASSWORDS[username] } });
    if (r.status === 201) { if (!spare) s.tokens[username] = r.json.token; return r.json.token; }
    assert.ok([429, 503].includes(r.status) && Date.now() < deadline, `login ${username}: ${r.status} ${r.text}`);
    await new Promise((res) => setTimeout(res, 1000 * Number(r.headers['retry-after'] ?? 1)));
  }
}

// Everything a change could touch: the rows of every table but sessions (a
// login is a change) and the print spool (its worker retries in the
// background), whose rows are counted instead; events the server writes by
// itself (actor system:…, e.g. the print worker) are left out.
function fingerprint() {
  if (isPostgres(s.db)) return fingerprintPg();
  const r = spawnSync('sqlite3', ['-readonly', s.db, '.dump'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  const h = createHash('sha256');
  const counts = {};
  for (const line of r.stdout.split('\n')) {
    const m = line.match(/^INSERT INTO "?(sessions|print_jobs|printers)"?/);
    if (m) { counts[m[1]] = (counts[m[1]] ?? 0) + 1; continue; }
    if (line.startsWith('INSERT INTO events') && line.includes("'system:")) continue;
    h.update(line);
    h.update('\n');
  }
  return { rows: h.digest('hex'), print_jobs: counts.print_jobs ?? 0, printers: counts.printers ?? 0 };
}

// The same on PostgreSQL, in one query: a digest of each table's rows as
// text, in order, or their count.
let pgTables;
function fingerprintPg() {
  pgTables ??= tableNames(s.db);
  const parts = pgTables.map((t) => (['sessions', 'print_jobs', 'printers'].includes(t)
    ? `SELECT '${t}' AS t, count(*)::text AS v FROM "${t}"`
    : `SELECT '${t}' AS t, md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) AS v FROM "${t}" x`
      + (t === 'events' ? " WHERE actor NOT LIKE 'system:%'" : '')));
  const v = Object.fromEntries(s.sql(parts.join(' UNION ALL ')).map((r) => [r.t, r.v]));
  const h = createHash('sha256');
  for (const t of pgTables) if (!['sessions', 'print_jobs', 'printers'].includes(t)) h.update(`${t} ${v[t]}\n`);
  return { rows: h.digest('hex'), print_jobs: Number(v.print_jobs ?? 0), printers: Number(v.printers ?? 0) };
}

// One request, its path sent as written; resolves {status, headers, text,
// json}. An event stream is answered by its status and headers, then closed.
const send = (method, p, { token, raw } = {}) => request(s.base, method, p, {
  token, raw, rawPath: true, streamHeaders: true,
  headers: raw !== undefined ? { 'Content-Type': 'application/json' } : {},
});

const fill = (text) => text.replace(/\{(ticket|dossier|secret|job|rating)\}/g, (_, k) => encodeURIComponent(state[k]));

// A value of another JSON type than v.
const wrongType = (v) => (typeof v === 'string' ? 12345 : typeof v === 'number' ? 'x' : typeof v === 'boolean' ? 'yes' : Array.isArray(v) ? { a: 1 } : v === null ? [] : 'x');

// Absurd values for one path segment; `matches`: the decoded path still has
// the route's shape (no '/', no NUL), so the role check must answer first.
const ABSURD_SEGMENTS = [
  ['999999999', true], ['-1', true], ['0', true], ['99999999999999999999999', true],
  ['..%2F..%2Fetc%2Fpasswd', false], ['..', true], ['x'.repeat(3000), true],
  ['%FF%FE', true], ['%C0%AE%C0%AE', true], ['%E1%BB', true], ['%00', false], ['%25', true],
];
const BAD_QUERY = 'limit=abc&offset=-1&from=2026-02-30&to=zz&by=%FF&date=99999-01-01&q=%FF%FE'
  + '&state=nope&secret=&t=%00&days=1e400&hours=-1&status=%C0%AE&late=maybe&last_event_id=x'
  + '&office=%C0%AE%FF&holder=%FF&source=%FF';

// The malformed variants of one example: [name, path, raw body, path keeps the route's shape].
function variants(e, route) {
  const out = [];
  const p = fill(e.path);
  const q = e.query ? `?${fill(e.query)}` : '';
  const hasBody = e.body !== null || ['POST', 'PUT', 'PATCH'].includes(e.method);
  if (hasBody) {
    out.push(['bad JSON', p + q, '{"a":', true]);
    out.push(['not an object', p + q, '[1,2,3]', true]);
    out.push(['missing fields', p + q, '{}', true]);
    out.push(['invalid UTF-8', p + q, Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), true]);
    if (e.body) {
      const body = JSON.parse(fill(e.body));
      const wrong = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, wrongType(v)]));
      out.push(['wrong types', p + q, JSON.stringify(wrong), true]);
      const huge = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? 'ư'.repeat(1500) : typeof v === 'number' ? 1e308 : v]));
      out.push(['absurd values', p + q, JSON.stringify(huge), true]);
    }
  }
  const segs = p.split('/');
  const patSegs = route.pattern.split('/');
  patSegs.forEach((ps, i) => {
    if (ps !== '{}') return;
    for (const [bad, matches] of ABSURD_SEGMENTS) {
      const copy = [...segs];
      copy[i] = bad;
      out.push([`path segment ${i} = ${bad.slice(0, 20)}`, copy.join('/') + q, e.body ? fill(e.body) : undefined, matches]);
    }
  });
  out.push(['bad query values', `${p}?${BAD_QUERY}`, e.body ? fill(e.body) : undefined, true]);
  return out;
}

const is5xx = (r) => r.status >= 500;
// Every 4xx: {"error":{"code","message"}} with a stable snake_case code.
function assertErrorShape(r, what) {
  if (r.status < 400) return;
  assert.ok(r.json && typeof r.json.error === 'object', `${what}: ${r.status} without the error shape: ${r.text.slice(0, 200)}`);
  assert.match(String(r.json.error.code), /^[a-z][a-z0-9_]*$/, `${what}: error code`);
  assert.equal(typeof r.json.error.message, 'string', `${what}: error message`);
}

test('every route x every role x valid and malformed requests: the roles hold, no 5xx, refusals change nothing', async () => {
  const failures = [];
  const check = (cond, msg) => { if (!cond) failures.push(msg); };
  let calls = 0;
  for (const [i, route] of ROUTES.entries()) {
    const e = EXAMPLES.find((x) => x.route === i);
    if (!e) continue; // reported by the docs test
    const allowed = (role) => route.roles.length === 0 || route.roles.includes(role);
    const tokenOf = async (role) => {
      const who = ACTORS[role];
      if (who === null) return undefined;
      if (s.devices[who]) return s.devices[who];
      // Logging out ends the session used: a fresh one for each call.
      if (route.method === 'DELETE' && route.pattern === '/api/v1/session' && allowed(role)) return state[`spare:${who}`] ?? login(who, true);
      return s.tokens[who];
    };
    const valid = { name: 'the documented example', path: fill(e.path) + (e.query ? `?${fill(e.query)}` : ''), raw: e.body ? fill(e.body) : undefined, matches: true };
    const all = [valid, ...variants(e, route).map(([name, p, raw, matches]) => ({ name, path: p, raw, matches }))];
    const label = (role, v) => `${route.method} ${route.pattern} as ${role}, ${v.name} (${v.path.slice(0, 80)})`;

    // Refused: every role the route does not allow, every variant.
    const refusedRoles = Object.keys(ACTORS).filter((role) => !allowed(role));
    if (refusedRoles.length) {
      const fp0 = fingerprint();
      for (const role of refusedRoles) {
        for (const v of all) {
          const r = await send(route.method, v.path, { token: await tokenOf(role), raw: v.raw });
          calls++;
          const what = label(role, v);
          check(!is5xx(r), `${what}: ${r.status} ${r.text.slice(0, 200)}`);
          if (v.matches) {
            const want = role === 'anonymous' ? 401 : 403;
            check(r.status === want, `${what}: want ${want}, got ${r.status} ${r.text.slice(0, 200)}`);
          } else {
            check([401, 403, 404].includes(r.status), `${what}: want 401/403/404, got ${r.status}`);
          }
          try { assertErrorShape(r, what); } catch (err) { failures.push(err.message); }
        }
      }
      const fp1 = fingerprint();
      check(JSON.stringify(fp0) === JSON.stringify(fp1), `${route.method} ${route.pattern}: refused calls changed the database`);
    }

    // Allowed: malformed first (each 4xx changes nothing), then the example.
    // On PostgreSQL a digest (psql over every table) after each call would
    // take the file past its timeout: there the role's malformed calls are
    // judged together, when all of them were refused (SQLite judges each).
    for (const role of Object.keys(ACTORS).filter(allowed)) {
      let fp = fingerprint();
      const start = fp;
      let allRefused = true;
      for (const v of all.slice(1)) {
        if (route.method === 'DELETE' && route.pattern === '/api/v1/session') continue;
        const r = await send(route.method, v.path, { token: await tokenOf(role), raw: v.raw });
        calls++;
        const what = label(role, v);
        check(!is5xx(r), `${what}: ${r.status} ${r.text.slice(0, 200)}`);
        if (v.matches) check(![401].includes(r.status), `${what}: ${r.status} for a role the route allows`);
        try { assertErrorShape(r, what); } catch (err) { failures.push(err.message); }
        allRefused &&= r.status >= 400;
        if (ON_POSTGRES) continue;
        const now = fingerprint();
        if (r.status >= 400) check(JSON.stringify(now) === JSON.stringify(fp), `${what}: refused with ${r.status} (${r.json?.error?.code}) but changed the database`);
        fp = now;
      }
      if (ON_POSTGRES && allRefused) {
        check(JSON.stringify(fingerprint()) === JSON.stringify(start), `${route.method} ${route.pattern} as ${role}: malformed calls, all refused, changed the database`);
      }
      const r = await send(route.method, valid.path, { token: await tokenOf(role), raw: valid.raw });
      calls++;
      const what = label(role, valid);
      check(!is5xx(r), `${what}: ${r.status} ${r.text.slice(0, 200)}`);
      check(![401, 403].includes(r.status), `${what}: ${r.status} ${r.text.slice(0, 200)} for a role the route allows`);
      try { assertErrorShape(r, what); } catch (err) { failures.push(err.message); }
      // A page of a list holds what its total says is there.
      const j = r.json;
      if (r.status === 200 && j && Array.isArray(j.items) && Number.isInteger(j.total)) {
        const want = Math.max(0, Math.min(j.total - (j.offset ?? 0), j.limit ?? 50));
        check(j.items.length === want, `${what}: ${j.items.length} items on a page of a total of ${j.total}`);
      }
    }
  }
  assert.ok(calls > ROUTES.length * 7, `only ${calls} calls`);
  assert.deepEqual(failures, [], `${failures.length} failures of ${calls} calls`);
});
