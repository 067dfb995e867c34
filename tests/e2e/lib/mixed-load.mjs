// A working day compressed: public and staff reads of every kind, event-stream
// subscribers, ticket issuing, counters calling and finishing, dossier intake
// and actions, all at once against one server. Used by 09-mixed-load (60 s in
// the suite) and tests/bench/soak.mjs (30 min). Every acknowledged (2xx) write
// is recorded so the caller can check it survived a restart.
import http from 'node:http';
import { request, subscribe, openCounter, PASSWORDS } from './harness.mjs';
import { DOSSIER_BUNDLE } from './dossier-bundle.mjs';

// Two more clerks, so that every counter of the test office has its own.
export const LOAD_USERS = {
  clerk3: 'quay-ba-mat-khau-dai',
  clerk4: 'quay-bon-mat-khau-dai',
};
export const LOAD_BUNDLE = {
  ...DOSSIER_BUNDLE,
  users: [
    ...DOSSIER_BUNDLE.users,
    { username: 'clerk3', full_name: 'Cán bộ ba', role: 'counter', password: LOAD_USERS.clerk3 },
    { username: 'clerk4', full_name: 'Cán bộ bốn', role: 'counter', password: LOAD_USERS.clerk4 },
  ],
};

const APPLICANT = { name: 'Trần Văn Tải', id_number: '045187009999', address: 'Khối 3, thị trấn Khe Sanh',
  phone: '0912000111', email: 'tai@example.vn' };

// Latency samples per kind, kept bounded (reservoir) so a 30-minute soak does
// not grow without limit.
class Kind {
  constructor() { this.count = 0; this.status = {}; this.samples = []; this.errors = 0; }
  add(status, ms) {
    this.count++;
    this.status[status] = (this.status[status] ?? 0) + 1;
    if (this.samples.length < 20000) this.samples.push(ms);
    else { const i = Math.floor(Math.random() * this.count); if (i < 20000) this.samples[i] = ms; }
  }
  quantile(q) {
    if (!this.samples.length) return NaN;
    const a = [...this.samples].sort((x, y) => x - y);
    return a[Math.min(a.length - 1, Math.floor(q * a.length))];
  }
}

const pick = (a) => a[Math.floor(Math.random() * a.length)];

// Runs the load for `seconds` against the started server `s` (started with
// LOAD_BUNDLE). Options: readers, issuers, sse (subscribers), onTick(stats)
// called every tickMs. Resolves with the statistics and the acknowledged
// writes; never rejects on a failed request (those are counted).
export async function runMixedLoad(s, { seconds = 60, readers = 6, issuers = 2, dossierClerks = 2, sse = 3,
  tickMs = 10000, onTick } = {}) {
  const kinds = new Map();
  const kind = (k) => { if (!kinds.has(k)) kinds.set(k, new Kind()); return kinds.get(k); };
  const fivexx = []; // first few 5xx answers: [kind, status, body]
  const netErrors = []; // requests that got no answer at all
  const acked = { tickets: new Map(), called: new Set(), finished: new Set(), dossiers: new Map() };
  const deadline = Date.now() + seconds * 1000;
  let stopping = false;
  const live = () => !stopping && Date.now() < deadline && s.running;

  const tokens = {};
  for (const u of ['admin', 'sup', 'clerk1', 'clerk2', 'spec']) tokens[u] = await s.login(u);
  for (const [u, password] of Object.entries(LOAD_USERS)) {
    const r = await s.req('POST', '/api/v1/session', { body: { username: u, password } });
    if (r.status !== 201) throw new Error(`login ${u}: ${r.status} ${r.text}`);
    tokens[u] = r.json.token;
    s.tokens[u] = r.json.token;
  }
  tokens.kiosk = s.devices['kiosk-1'];
  tokens.board = s.devices['board-1'];
  const counters = [['clerk1', 1], ['clerk3', 2], ['clerk2', 3], ['clerk4', 4]];
  for (const [who, no] of counters) await openCounter(s, who, no);

  // One timed request; each worker keeps its own keep-alive connection.
  const call = async (agent, k, method, p, opts = {}) => {
    const t0 = performance.now();
    let r;
    try {
      r = await request(s.base, method, p, { ...opts, agent });
    } catch (e) {
      if (live()) netErrors.push(`${k}: ${e.message}`);
      kind(k).errors++;
      return null;
    }
    kind(k).add(r.status, performance.now() - t0);
    if (r.status >= 500 && fivexx.length < 20) fivexx.push([k, r.status, r.text.slice(0, 300)]);
    return r;
  };
  const agentOf = () => new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ticketIds = [];
  const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10); // office day, UTC+7
  const dossierCodes = [];

  const reads = [
    ['healthz', () => ['GET', '/healthz', {}]],
    ['metrics', () => ['GET', '/metrics', {}]],
    ['queue', () => ['GET', '/api/v1/queue', {}]],
    ['page_public', () => ['GET', '/public', {}]],
    ['page_status', () => ['GET', '/status', {}]],
    ['page_queue_ticket', () => ['GET', `/queue?t=${ticketIds.length ? pick(ticketIds) : 1}`, {}]],
    ['transparency', () => ['GET', '/api/v1/public/transparency', {}]],
    ['dossiers_list', () => ['GET', pick(['/api/v1/dossiers', '/api/v1/dossiers?limit=20&offset=20',
      '/api/v1/dossiers?procedure=P3', `/api/v1/dossiers?q=${APPLICANT.phone}&limit=5`]), { token: tokens.sup }]],
    ['indicators', () => ['GET', `/api/v1/indicators?from=${today}&to=${today}`, { token: tokens.sup }]],
    ['dossier_get', () => (dossierCodes.length
      ? ['GET', `/api/v1/dossiers/${encodeURIComponent(pick(dossierCodes))}`, { token: pick([tokens.sup, tokens.clerk2]) }]
      : ['GET', '/api/v1/dossiers?limit=1', { token: tokens.sup }])],
  ];
  const reader = async () => {
    const agent = agentOf();
    while (live()) {
      const [k, make] = pick(reads);
      const [method, p, opts] = make();
      await call(agent, k, method, p, opts);
    }
    agent.destroy();
  };

  const issuer = async () => {
    const agent = agentOf();
    while (live()) {
      const group = pick(['CT', 'CT', 'HT', 'TK']);
      const r = await call(agent, 'ticket_issue', 'POST', '/api/v1/tickets', { token: tokens.kiosk, body: { group } });
      if (r?.status === 201) { acked.tickets.set(r.json.ticket.id, r.json.ticket.label); ticketIds.push(r.json.ticket.id); }
      // A busy kiosk, not a flood: the counters must keep up with the line.
      if (acked.tickets.size - acked.finished.size > 200) await new Promise((res) => setTimeout(res, 50));
    }
    agent.destroy();
  };

  const counterWorker = async (who, no) => {
    const agent = agentOf();
    while (live()) {
      const c = await call(agent, 'counter_call', 'POST', `/api/v1/counters/${no}/call`, { token: tokens[who], body: {} });
      if (c?.status !== 200) { await new Promise((res) => setTimeout(res, 20)); continue; }
      acked.called.add(c.json.ticket.id);
      const f = await call(agent, 'counter_finish', 'POST', `/api/v1/counters/${no}/finish`, { token: tokens[who], body: {} });
      if (f?.status === 200) acked.finished.add(f.json.ticket.id);
    }
    agent.destroy();
  };

  const actOk = (r) => r && r.status >= 200 && r.status < 300;
  const dossierWorker = async (who) => {
    const agent = agentOf();
    while (live()) {
      const r = await call(agent, 'dossier_intake', 'POST', '/api/v1/dossiers',
        { token: tokens[who], body: { procedure: pick(['P3', 'P5', 'PS']), applicant: APPLICANT, outcome: 'received', confirm_duplicate: true } });
      if (!actOk(r)) continue;
      const code = r.json.dossier.code;
      const done = ['dossier.received'];
      acked.dossiers.set(code, done);
      dossierCodes.push(code);
      const steps = [
        [who, 'handover', { to_office: 'TP', to_person: 'spec' }],
        ['spec', 'result_ready', {}],
        [who, 'return_result', { collected_by: APPLICANT.name, id_checked: true }],
      ];
      for (const [actor, action, extra] of steps) {
        if (!live()) break;
        const a = await call(agent, 'dossier_action', 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/actions`,
          { token: tokens[actor], body: { action, ...extra } });
        if (!actOk(a)) break;
        done.push(`dossier.${action}`);
      }
    }
    agent.destroy();
  };

  // Board screens: each subscribes, reads for a while, drops and comes back
  // (the snapshot on every reconnect is part of the load).
  // refused: streams that ended or were closed without even their snapshot
  // (a 429 for too many streams of one token counts here).
  const sseStats = { connects: 0, events: 0, refused: 0 };
  const board = async () => {
    while (live()) {
      const sub = subscribe(s, tokens.board);
      sseStats.connects++;
      const until = Date.now() + 2000 + Math.random() * 3000;
      let ended = false;
      sub.ended.then(() => { ended = true; });
      while (live() && Date.now() < until && !ended) {
        await Promise.race([sub.ended, new Promise((res) => setTimeout(res, 250))]);
      }
      // A refused or dropped stream: wait as a board would before retrying.
      if (ended) await new Promise((res) => setTimeout(res, 1000));
      sseStats.events += sub.events.length;
      if (!sub.events.length) sseStats.refused++;
      sub.close();
      await sub.ended;
    }
  };

  const started = Date.now();
  let ticker;
  if (onTick) ticker = setInterval(() => onTick({ kinds, elapsed: (Date.now() - started) / 1000, acked, sseStats }), tickMs);
  const workers = [
    ...Array.from({ length: readers }, reader),
    ...Array.from({ length: issuers }, issuer),
    ...counters.map(([who, no]) => counterWorker(who, no)),
    ...['clerk1', 'sup', 'clerk3', 'clerk4'].slice(0, dossierClerks).map(dossierWorker),
    ...Array.from({ length: sse }, board),
  ];
  // Fail fast: a dead server ends every worker at once.
  const watchdog = setInterval(() => { if (!s.running) stopping = true; }, 200);
  await Promise.all(workers);
  clearInterval(watchdog);
  if (ticker) clearInterval(ticker);
  return { kinds, fivexx, netErrors, acked, sseStats, elapsed: (Date.now() - started) / 1000 };
}

// Sum of motcua_http_requests_total for 5xx codes in a /metrics text.
export function metrics5xx(text) {
  let n = 0;
  for (const m of text.matchAll(/^motcua_http_requests_total\{code="(5\d\d)"\} (\d+)/gm)) n += Number(m[2]);
  return n;
}

// Checks, on a stopped server's file then a restarted server, that every
// acknowledged write is there. Returns a list of what is missing (empty when
// all is well).
export function missingWrites(s, acked) {
  const missing = [];
  const tickets = new Map(s.sql('SELECT id, label, state FROM tickets').map((r) => [r.id, r]));
  for (const [id, label] of acked.tickets) {
    const t = tickets.get(id);
    if (!t) missing.push(`ticket ${id} ${label}`);
    else if (t.label !== label) missing.push(`ticket ${id} is ${t.label}, was acknowledged as ${label}`);
  }
  for (const id of acked.finished) {
    if (tickets.get(id)?.state !== 'done') missing.push(`ticket ${id} finished but ${tickets.get(id)?.state}`);
  }
  for (const id of acked.called) {
    if (!['called', 'done'].includes(tickets.get(id)?.state)) missing.push(`ticket ${id} called but ${tickets.get(id)?.state}`);
  }
  const events = new Map();
  for (const r of s.sql("SELECT entity_id, action FROM events WHERE entity = 'dossier' ORDER BY id")) {
    if (!events.has(r.entity_id)) events.set(r.entity_id, []);
    events.get(r.entity_id).push(r.action);
  }
  const dossiers = new Set(s.sql('SELECT code FROM dossiers').map((r) => r.code));
  for (const [code, actions] of acked.dossiers) {
    if (!dossiers.has(code)) { missing.push(`dossier ${code}`); continue; }
    const have = events.get(code) ?? [];
    for (const a of actions) if (!have.includes(a)) missing.push(`dossier ${code} ${a}`);
  }
  return missing;
}

// A one-line summary per kind: count, requests/s, p50/p99 ms, statuses.
export function summary(stats) {
  const lines = [];
  for (const [k, v] of [...stats.kinds].sort()) {
    lines.push(`${k.padEnd(18)} ${String(v.count).padStart(7)} ${(v.count / stats.elapsed).toFixed(1).padStart(8)}/s`
      + `  p50 ${v.quantile(0.5).toFixed(1).padStart(7)} ms  p99 ${v.quantile(0.99).toFixed(1).padStart(7)} ms`
      + `  ${JSON.stringify(v.status)}${v.errors ? ` errors ${v.errors}` : ''}`);
  }
  return lines.join('\n');
}

export { PASSWORDS };
