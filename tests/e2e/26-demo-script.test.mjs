// scripts/demo as a newcomer runs it: for each centre of the demo province
// it prints the kiosk and hall board addresses with their device tokens (and
// they open, each token a device of that centre) and a dossier of the
// simulated history with its lookup secret and /status address (the
// citizen's page opens on it and shows that dossier, collected at a centre
// of the province), and stopping the script
// by its PID stops the server it started: the port is free again.
// Runs the build under test (--no-build --build $MOTCUA_BUILD) on a free
// port (--port 0) in a temporary folder (--dir), without the local printer;
// on PostgreSQL in a fresh database of the test cluster (--db).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { newDb, ON_POSTGRES, SIMULATE_MS, SOURCE, request } from './lib/harness.mjs';
import { SKIP, SIZES, launch } from './lib/browser.mjs';

const BUILD = process.env.MOTCUA_BUILD ?? path.resolve('build');
const dir = mkdtempSync(path.join(tmpdir(), 'motcua-demo-'));
const db = ON_POSTGRES ? ['--db', newDb(dir, 'demo.db')] : [];
let proc = null;
let serverPid = null;
after(() => {
  // A failed test leaves nothing running: the server first (a killed
  // script would leave it holding the output pipe), then the script.
  if (serverPid && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
  if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

// The motcua-server the script started (its child), or undefined.
function serverOf(pid) {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    return children.find((c) => { try { return readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('motcua-server'); } catch { return false; } });
  } catch { return undefined; }
}

// The banner's centres: [{name, code, kiosk, board, dossier, status}] with
// the addresses (dossier: {code, secret}, status: its /status address).
function centresOf(out) {
  const centres = [];
  for (const line of out.split('\n')) {
    let m = line.match(/^Centre (.+) \(([^)]+)\)$/);
    if (m) { centres.push({ name: m[1], code: m[2] }); continue; }
    m = line.match(/^ {2}(kiosk|hall board): +(http:\/\/127\.0\.0\.1:(\d+)\/(kiosk|board)\?access_token=([\w-]+))$/);
    if (m && centres.length) centres.at(-1)[m[1] === 'kiosk' ? 'kiosk' : 'board'] = { url: m[2], port: Number(m[3]), token: m[5] };
    m = line.match(/^ {2}dossier: +(\S+) \(lookup secret (\w+)\)$/);
    if (m && centres.length) centres.at(-1).dossier = { code: m[1], secret: m[2] };
    m = line.match(/^ {2}status page: +(http:\/\/127\.0\.0\.1:\d+\/status\?\S+)$/);
    if (m && centres.length) centres.at(-1).status = m[1];
  }
  return centres;
}

// Resolves once cond() is true; fails after ms.
async function until(cond, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Whether something accepts connections on 127.0.0.1:port.
function listening(port) {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port });
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

// Whether a process of this pid still runs (a zombie counts as gone).
function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch { return false; }
}

test('scripts/demo prints each centre\'s kiosk and board addresses; killing its PID frees the port', async () => {
  proc = spawn(path.join(SOURCE, 'scripts/demo'),
    ['--no-build', '--build', BUILD, '--dir', dir, '--port', '0', '--no-printer', ...db],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => proc.once('exit', (code, sig) => resolve({ code, sig })));

  // The simulated month makes the first start take a few seconds; the
  // banner ends with the logins, after every centre.
  await until(() => /\(giám sát, cả tỉnh\)/.test(out) || proc.exitCode !== null, Math.max(120000, SIMULATE_MS), 'the demo banner');
  serverPid = serverOf(proc.pid);
  assert.ok(serverPid, 'motcua-server runs under the script');
  const bundle = JSON.parse(readFileSync(path.join(SOURCE, 'data/demo-bundle.json'), 'utf8'));
  const expected = bundle.offices.filter((o) => o.kind === 'centre').map((o) => o.code).sort();
  const centres = centresOf(out);
  assert.deepEqual(centres.map((c) => c.code).sort(), expected, `every centre in:\n${out}\n${err}`);
  assert.doesNotMatch(out, /127\.0\.0\.1:0\//, 'no address on port 0');
  const port = centres[0].kiosk?.port;
  assert.ok(port, `a kiosk address in:\n${out}`);
  const base = `http://127.0.0.1:${port}`;

  // Each centre's pages open, and its tokens are devices of that centre.
  for (const c of centres) {
    for (const [kind, role] of [['kiosk', 'kiosk'], ['board', 'display']]) {
      const d = c[kind];
      assert.ok(d, `${c.code}: a ${kind} address`);
      assert.equal(d.port, port);
      const r = await request(base, 'GET', d.url.slice(base.length));
      assert.equal(r.status, 200, d.url);
      assert.match(r.headers['content-type'], /text\/html/);
      const who = await request(base, 'GET', '/api/v1/session', { token: d.token });
      assert.equal(who.status, 200, `${c.code}'s ${kind} token is a device of the demo`);
      assert.equal(who.json.role, role);
      assert.equal(who.json.office?.code, c.code, `${c.code}'s ${kind} belongs to it`);
    }
  }

  // The office heads are named in the logins; one logs in as a head, and
  // each centre's feedback page opens.
  const heads = [...out.matchAll(/^\s+(\S+) \/ (\S+)\s+\(giám sát, [^)]*trưởng đơn vị/gm)];
  assert.ok(heads.length >= expected.length, `a head per centre in:\n${out}`);
  const login = await request(base, 'POST', '/api/v1/session', { body: { username: heads[0][1], password: heads[0][2] } });
  assert.equal(login.status, 201, JSON.stringify(login.json));
  assert.equal(login.json.head, true);
  for (const c of centres) {
    const fb = out.match(new RegExp(`/gop-y\\?office=${c.code}\\b`));
    assert.ok(fb, `${c.code}: its feedback page in:\n${out}`);
    assert.equal((await request(base, 'GET', fb[0])).status, 200);
    const bk = out.match(new RegExp(`/dat-lich\\?office=${c.code}\\b`));
    assert.ok(bk, `${c.code}: its booking page in:\n${out}`);
    assert.equal((await request(base, 'GET', bk[0])).status, 200);
  }
  assert.match(out, /\/dat-lich\s/, 'the booking page in the banner');

  // Each centre's example dossier: the citizen's lookup finds it with the
  // printed secret, and the /status address opens on it.
  for (const c of centres) {
    assert.ok(c.dossier, `${c.code}: a dossier to try /status with in:\n${out}`);
    assert.ok(c.status, `${c.code}: its /status address`);
    const u = new URL(c.status);
    assert.equal(u.searchParams.get('code'), c.dossier.code);
    assert.equal(u.searchParams.get('secret'), c.dossier.secret);
    const got = await request(base, 'GET', `/api/v1/public/dossiers/${encodeURIComponent(c.dossier.code)}?secret=${c.dossier.secret}`);
    assert.equal(got.status, 200, `${c.code}: ${c.dossier.code} looked up with its secret`);
    assert.equal(got.json.code, c.dossier.code);
    assert.ok(got.json.return_office?.name, `${c.code}: where to collect the result`);
  }
  if (!SKIP) {
    const browser = await launch();
    try {
      for (const c of centres) {
        const ctx = await browser.newContext({ viewport: SIZES.phone, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
        const page = await ctx.newPage();
        await page.goto(c.status);
        await page.locator('body[data-state="found"]').waitFor({ timeout: 15000 });
        assert.ok((await page.locator('#dossier').innerText()).includes(c.dossier.code), `${c.code}: /status shows ${c.dossier.code}`);
        await ctx.close();
      }
    } finally { await browser.close(); }
  }
  // The database (or, on PostgreSQL, the demo's token file) is in --dir.
  assert.ok(existsSync(path.join(dir, ON_POSTGRES ? 'motcua-demo.devices.json' : 'demo.db')), 'the demo keeps its files in --dir');
  const server = serverPid;

  // Stop the demo as an operator would: SIGTERM to the PID it started as.
  proc.kill('SIGTERM');
  const end = await exited;
  assert.ok(end.code !== null || end.sig === 'SIGTERM', `the script ended (${JSON.stringify(end)})`);
  await until(async () => !alive(server), 20000, 'motcua-server to stop');
  await until(async () => !(await listening(port)), 20000, `port ${port} to be free`);
});

test('the demo catalogue speaks of the two-tier government: no district level in its procedures', () => {
  const bundle = JSON.parse(readFileSync(path.join(SOURCE, 'data/demo-bundle.json'), 'utf8'));
  const texts = (v) => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(texts) : []);
  for (const p of bundle.procedures) {
    const { source, ...shown } = p; // the publication cited is what it is
    for (const t of texts(shown)) {
      assert.doesNotMatch(t, /huyện|quận|thị xã|LĐTBXH/i, `${p.code}: "${t}"`);
    }
    assert.ok(['commune', 'province'].includes(p.level), `${p.code}: level ${p.level}`);
  }
});
