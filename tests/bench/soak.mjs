// The soak: the scenario of tests/e2e/09-mixed-load for a long time (30 min by
// default), printing figures as it goes: requests/s and p50/p99 latency per
// kind, the server's RSS at start, middle and end, acknowledged writes against
// those found on the file after a SIGTERM and a restart. Not a test: it prints
// and exits 1 only when something was lost, a 5xx was answered or the server
// died.
//
// Usage: MOTCUA_BIN=build/bin node tests/bench/soak.mjs [SECONDS]
//   (or MOTCUA_SOAK_SECONDS); MOTCUA_SOAK_READERS, MOTCUA_SOAK_SSE to widen it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
process.env.MOTCUA_SOURCE ??= path.resolve(here, '../..');
process.env.MOTCUA_BIN ??= path.resolve(here, '../../build/bin');
const { startServer, cli } = await import('../e2e/lib/harness.mjs');
const { LOAD_BUNDLE, runMixedLoad, metrics5xx, missingWrites, summary } = await import('../e2e/lib/mixed-load.mjs');

const seconds = Number(process.argv[2] ?? process.env.MOTCUA_SOAK_SECONDS ?? 1800);
const readers = Number(process.env.MOTCUA_SOAK_READERS ?? 6);
const sse = Number(process.env.MOTCUA_SOAK_SSE ?? 3);

// Resident set of a process in MiB, from /proc.
const rss = (pid) => {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return m ? Number(m[1]) / 1024 : NaN;
  } catch { return NaN; }
};

const s = await startServer({ bundle: LOAD_BUNDLE });
const pid = s.proc.pid;
const rssAt = { start: rss(pid) };
console.log(`soak: ${seconds} s, ${readers} readers, ${sse} SSE boards, server pid ${pid}, RSS ${rssAt.start.toFixed(1)} MiB`);
let middleTaken = false;
const stats = await runMixedLoad(s, {
  seconds, readers, sse, tickMs: Math.min(60000, Math.max(5000, seconds * 1000 / 10)),
  onTick: ({ kinds, elapsed, acked }) => {
    let n = 0;
    for (const v of kinds.values()) n += v.count;
    const r = rss(pid);
    if (!middleTaken && elapsed >= seconds / 2) { rssAt.middle = r; middleTaken = true; }
    console.log(`t=${elapsed.toFixed(0)}s requests ${n} (${(n / elapsed).toFixed(0)}/s) RSS ${r.toFixed(1)} MiB `
      + `tickets ${acked.tickets.size} dossiers ${acked.dossiers.size}`);
  },
});
rssAt.end = rss(pid);
let total = 0;
for (const v of stats.kinds.values()) total += v.count;
console.log(`\n== per kind (count, per second, latency, statuses) over ${stats.elapsed.toFixed(0)} s`);
console.log(summary(stats));
console.log(`total ${total} requests, ${(total / stats.elapsed).toFixed(0)}/s; SSE ${JSON.stringify(stats.sseStats)}`);
console.log(`RSS MiB: start ${rssAt.start.toFixed(1)}, middle ${(rssAt.middle ?? NaN).toFixed(1)}, end ${rssAt.end.toFixed(1)}`);

const problems = [];
if (!s.running) problems.push(`server died: ${s.stderr.slice(-2000)}`);
if (stats.fivexx.length) problems.push(`5xx: ${JSON.stringify(stats.fivexx.slice(0, 5))}`);
if (stats.netErrors.length) problems.push(`no answer: ${stats.netErrors.slice(0, 5).join('; ')}`);
if (s.running) {
  const m = await s.req('GET', '/metrics');
  const n = metrics5xx(m.text);
  if (n) problems.push(`/metrics counts ${n} 5xx`);
}
try { await s.stop(); } catch (e) { problems.push(e.message); }
const integrity = s.sql('PRAGMA integrity_check')[0].integrity_check;
if (integrity !== 'ok') problems.push(`integrity_check: ${integrity}`);
const verify = cli(['audit-verify', '--db', s.db]);
if (verify.status !== 0) problems.push(`audit-verify: ${verify.stderr}`);
const missing = missingWrites(s, stats.acked);
const a = stats.acked;
let actions = 0;
for (const v of a.dossiers.values()) actions += v.length;
console.log(`acknowledged: ${a.tickets.size} tickets, ${a.called.size} called, ${a.finished.size} finished, `
  + `${a.dossiers.size} dossiers with ${actions} actions; missing after SIGTERM: ${missing.length}`);
if (missing.length) problems.push(`missing: ${missing.slice(0, 10).join('; ')}`);
await s.start();
const h = await s.req('GET', '/healthz');
if (h.status !== 200) problems.push(`healthz after restart: ${h.status}`);
try { await s.stop(); } catch (e) { problems.push(e.message); }
s.cleanup();
console.log(problems.length ? `PROBLEMS:\n${problems.join('\n')}` : 'integrity ok, audit-verify ok, nothing lost, no 5xx, clean exit');
process.exit(problems.length ? 1 : 0);
