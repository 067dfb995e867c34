// Ticket issuing beside printing (issue 14): a kiosk issues tickets with
// `wrk -t2 -c8` (POST /api/v1/tickets, each a durable commit) alone, then
// while PRINTERS clerks each print a dossier's receipt (Mẫu 01, POST
// /api/v1/dossiers/{code}/print) in a loop: every print renders a PDF and
// adds a spool job, which the spool worker sends to a real IPP printer
// (ippeveprinter, tests/fixtures/ipp-printer, as the e2e tests print). Goal:
// issuing beside the printers >= 0.8x issuing alone, in the same run.
//
// Self-contained: its own server on a loopback port over a fresh database,
// its own printer, both stopped and removed at the end; every load is
// bounded in time. Alternating rounds (alone, beside, alone, ...) since
// the machine drifts; the ratio is mean against mean, each figure listed.
// Prints figures; never fails on a slow figure; exits 1 only when it could
// not run.
//
// Usage: node tests/bench/print-beside.mjs BUILD_DIR
// Environment: BENCH_PRINTERS (4), BENCH_ROUNDS (2), BENCH_SECONDS (4),
// BENCH_NICE_CLIENTS (1; 0: the printing clients and the printer at the
// server's priority).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [build = 'build'] = process.argv.slice(2);
const PRINTERS = Number(process.env.BENCH_PRINTERS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const GOAL = 0.8;
const NICE = process.env.BENCH_NICE_CLIENTS !== '0';

const here = path.dirname(fileURLToPath(import.meta.url));
// The e2e harness finds the server and the fixtures through these.
process.env.MOTCUA_BIN = path.resolve(build, 'bin');
process.env.MOTCUA_SOURCE ??= path.resolve(here, '../..');
const { startServer } = await import('../e2e/lib/harness.mjs');
const { DOSSIER_BUNDLE } = await import('../e2e/lib/dossier-bundle.mjs');
const { TestPrinter } = await import('../e2e/lib/printer.mjs');

const say = (line) => console.log(line);
const note = (line) => console.error(`print-beside: ${line}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x, d = 0) => x.toFixed(d);
const list = (xs) => xs.map((x) => fmt(x)).join(', ');

// Runs wrk (or cmd, e.g. nice, with wrk's arguments after its own) to its
// end without blocking the event loop, so that two loads can overlap;
// resolves its figures: requests/s, p99 ms, answers not 2xx/3xx.
function wrk(args, env, cmd = 'wrk') {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}: ${err}`));
      const ms = (v, unit) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 }[unit] ?? NaN);
      const p99 = out.match(/\s99%\s+([0-9.]+)(us|ms|s)/);
      resolve({
        rps: Number(out.match(/Requests\/sec:\s+([0-9.]+)/)?.[1] ?? NaN),
        p99: p99 ? ms(p99[1], p99[2]) : NaN,
        bad: Number(out.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0),
        errors: out.match(/Socket errors:[^\n]*/)?.[0] ?? '',
      });
    });
  });
}

const printer = new TestPrinter();
let s = null;
try {
  s = await startServer({
    bundle: { ...DOSSIER_BUNDLE, printers: [{ name: 'a5', target: printer.uri, format: 'pdf', paper: 'a5', default: true }] },
  });
  // One dossier per printing clerk, received at the counter (Mẫu 01).
  const clerks = Array.from({ length: PRINTERS }, (_, i) => (i % 2 ? 'clerk2' : 'clerk1'));
  const dossiers = [];
  for (const clerk of clerks) {
    const r = await s.as(clerk, 'POST', '/api/v1/dossiers', {
      body: {
        procedure: 'PI', outcome: 'received', confirm_duplicate: true,
        applicant: { name: 'Nguyễn Thị Hường', address: 'Khối 3, thị trấn Khe Sanh', phone: '0912000111', id_number: '045199001122' },
        documents: [{ name: 'Giấy báo tử', kind: 'original', count: 1 }],
      },
    });
    if (r.status !== 201) throw new Error(`intake: ${r.status} ${r.text}`);
    dossiers.push({ clerk, code: r.json.dossier.code, secret: r.json.secret });
  }
  const tokens = Object.fromEntries(await Promise.all([...new Set(clerks)].map(async (c) => [c, await s.login(c)])));
  if (NICE) {
    const ipp = Number(readFileSync(path.join(printer.dir, 'ipp.pid'), 'utf8'));
    os.setPriority(ipp, 19);
  }
  const first = await s.as(clerks[0], 'POST', `/api/v1/dossiers/${dossiers[0].code}/print`, { body: { form: 'mau-01', secret: dossiers[0].secret } });
  if (first.status !== 202) throw new Error(`print: ${first.status} ${first.text}`);

  // The printing clerks: PRINTERS connections each printing a receipt,
  // waiting for the answer and printing again (wrk, post-print.lua) for
  // ms. In a centre the clerks' browsers and the printer are other
  // machines; here they share the server's cores, so (unless
  // BENCH_NICE_CLIENTS=0) they run at the lowest priority (nice 19), the
  // server and the kiosks' wrk at the normal one.
  const prints = dossiers.map((d) => `${tokens[d.clerk]}|${d.code}|${d.secret ?? ''}`).join(',');
  const printing = (ms) => wrk([...(NICE ? ['-n', '19', 'wrk'] : []), '-t1', `-c${PRINTERS}`, `-d${Math.ceil(ms / 1000)}s`, '-s', path.join(here, 'post-print.lua'), s.base],
    { MOTCUA_PRINTS: prints }, NICE ? 'nice' : 'wrk');

  const url = `${s.base}/api/v1/tickets`;
  const issue = () => wrk(['-t2', '-c8', `-d${SECONDS}s`, '--latency', '-s', path.join(here, 'post-ticket.lua'), url],
    { MOTCUA_TOKEN: s.devices['kiosk-1'] });
  const alone = [], beside = [], p99Alone = [], p99Beside = [], printsPerS = [];
  const valid = (what, f) => { if (f.bad || f.errors) note(`${what}: ${f.bad} answers not 2xx/3xx ${f.errors} (THE FIGURE IS NOT VALID)`); };
  for (let round = 0; round <= ROUNDS; round++) {
    const a = await issue();
    valid('alone', a);
    alone.push(a.rps);
    p99Alone.push(a.p99);
    if (round === ROUNDS) break;
    const bg = printing(SECONDS * 1000 + 2000);
    await sleep(1000); // the printers under way
    const b = await issue();
    const p = await bg;
    valid('beside the printers', b);
    beside.push(b.rps);
    p99Beside.push(b.p99);
    printsPerS.push(p.rps);
    if (p.bad || p.errors) note(`round ${round + 1}: ${p.bad} print answers not 2xx ${p.errors} (THE FIGURE IS NOT VALID)`);
  }
  const jobs = s.sql("SELECT state, count(*) AS n, avg(size) AS size FROM print_jobs GROUP BY state").map((r) => `${r.state} ${r.n} (${fmt(r.size / 1024)} KiB each)`).join(', ');
  note(`spool after the run: ${jobs}; printer received ${printer.pdfs().length} PDFs`);
  say(`print_beside_tickets: ${PRINTERS} clerks printing Mẫu 01 in a loop (${list(printsPerS)} prints/s); the load, no goal`);
  say(`print_beside_tickets: alone ${list(alone)} tickets/s (p99 ${list(p99Alone)} ms), beside the printers ${list(beside)} tickets/s (p99 ${list(p99Beside)} ms); goal >= ${GOAL}x, ratio ${fmt(mean(beside) / mean(alone), 2)}`);
} catch (e) {
  note(`could not run: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  try { await s?.stop(); } catch (e) { note(`server: ${e.message}`); process.exitCode = 1; }
  s?.cleanup();
  printer.stop();
}
