// SSE fan-out: N subscribers on /api/v1/events; for each of M calls, the time
// from the API call to the last subscriber receiving it. Prints p50/p99/max
// of that and the server's peak RSS. The server allows 8 streams per token
// and 64 per address: the subscribers use display devices made here (with
// the admin token) and loopback addresses 127.0.0.2 and up.
import http from 'node:http';
import { readFileSync } from 'node:fs';

// Usage: node sse-fanout.mjs BASE DISPLAY_TOKEN ADMIN_TOKEN SERVER_PID [N] [M]
const [base, token, staffToken, pid, nSubs = '1000', nCalls = '40'] = process.argv.slice(2);
const N = Number(nSubs);
const M = Number(nCalls);

const post = (path, body) => new Promise((resolve, reject) => {
  const data = Buffer.from(JSON.stringify(body ?? {}));
  const req = http.request(new URL(path, base), { method: 'POST', agent: false, headers: { Authorization: `Bearer ${staffToken}`, 'Content-Type': 'application/json', 'Content-Length': data.length } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
  req.on('error', reject);
  req.end(data);
});

// Display tokens: 8 subscribers each.
const tokens = [token];
for (let i = 1; i < Math.ceil(N / 8); i++) {
  const body = Buffer.from(JSON.stringify({ kind: 'display', name: `fanout-${process.pid}-${i}` }));
  const t = await new Promise((resolve, reject) => {
    const req = http.request(new URL('/api/v1/devices', base), { method: 'POST', agent: false, headers: { Authorization: `Bearer ${staffToken}`, 'Content-Type': 'application/json', 'Content-Length': body.length } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => (res.statusCode === 201 ? resolve(JSON.parse(text).devices_created[0].token) : reject(new Error(`device: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
  tokens.push(t);
}

const seen = new Map(); // event id -> count received
const firstSeen = new Map();
const lastSeen = new Map();
let connected = 0;
const subs = [];
await new Promise((resolve) => {
  for (let i = 0; i < N; i++) {
    const req = http.request(new URL('/api/v1/events', base), { agent: false, localAddress: `127.0.0.${2 + Math.floor(i / 64)}`, headers: { Authorization: `Bearer ${tokens[Math.floor(i / 8)]}` } }, (res) => {
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (c) => {
        buf += c;
        let k;
        while ((k = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, k);
          buf = buf.slice(k + 2);
          const m = block.match(/^id: (\d+)\nevent: ([^\n]+)/);
          if (!m) continue;
          if (m[2] === 'snapshot') { if (++connected === N) resolve(); continue; }
          const id = Number(m[1]);
          const n = (seen.get(id) ?? 0) + 1;
          seen.set(id, n);
          if (n === N) lastSeen.set(id, performance.now());
        }
      });
    });
    req.on('error', () => {});
    req.end();
    subs.push(req);
  }
});

const rss = () => {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { now: Number(s.match(/VmRSS:\s+(\d+)/)[1]) / 1024, peak: Number(s.match(/VmHWM:\s+(\d+)/)[1]) / 1024 };
};
const lat = [];
for (let i = 0; i < M; i++) {
  const before = Math.max(0, ...seen.keys());
  const t0 = performance.now();
  await post('/api/v1/tickets', { group: 'CT' });
  // Wait until every subscriber has an event newer than before.
  const deadline = t0 + 5000;
  let id;
  for (;;) {
    id = [...lastSeen.keys()].find((k) => k > before);
    if (id !== undefined || performance.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1));
  }
  lat.push(id === undefined ? Infinity : lastSeen.get(id) - t0);
}
lat.sort((a, b) => a - b);
const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
const mem = rss();
console.log(`sse_fanout: ${N} subscribers, ${M} events: to last subscriber p50 ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms, max ${lat.at(-1).toFixed(1)} ms; goal p99 < 100 ms, ratio ${(q(0.99) / 100).toFixed(2)}`);
console.log(`sse_fanout: server RSS now ${mem.now.toFixed(1)} MB, peak ${mem.peak.toFixed(1)} MB; goal < 64 MB, ratio ${(mem.peak / 64).toFixed(2)}`);
for (const r of subs) r.destroy();
process.exit(0);
