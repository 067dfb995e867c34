// scripts/demo as a new office runs it: it prints the kiosk and hall board
// addresses with their device tokens (and they open), and stopping the
// script by its PID stops the server it started: the port is free again.
// Runs the build under test (--no-build --build $MOTCUA_BUILD) on a free
// port (--port 0) in a temporary folder (--dir), without the local printer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { SOURCE, request } from './lib/harness.mjs';

const BUILD = process.env.MOTCUA_BUILD ?? path.resolve('build');
const dir = mkdtempSync(path.join(tmpdir(), 'motcua-demo-'));
let proc = null;
after(() => {
  if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

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

test('scripts/demo prints the kiosk and board addresses; killing its PID frees the port', async () => {
  proc = spawn(path.join(SOURCE, 'scripts/demo'),
    ['--no-build', '--build', BUILD, '--dir', dir, '--port', '0', '--no-printer'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => proc.once('exit', (code, sig) => resolve({ code, sig })));

  // The simulated month makes the first start take a few seconds.
  await until(() => /hall board: \S+/.test(out) || proc.exitCode !== null, 120000, 'the demo banner');
  const kiosk = out.match(/kiosk: (http:\/\/127\.0\.0\.1:(\d+)\/kiosk\?access_token=([\w-]+))/);
  const board = out.match(/hall board: (http:\/\/127\.0\.0\.1:(\d+)\/board\?access_token=([\w-]+))/);
  assert.ok(kiosk, `a kiosk URL with its token in:\n${out}\n${err}`);
  assert.ok(board, `a hall board URL with its token in:\n${out}`);
  const port = Number(kiosk[2]);
  assert.equal(Number(board[2]), port);
  assert.doesNotMatch(out, /127\.0\.0\.1:0\//, 'no address on port 0');
  const base = `http://127.0.0.1:${port}`;

  // The pages open, and the tokens are the devices' own.
  for (const u of [kiosk[1], board[1]]) {
    const r = await request(base, 'GET', u.slice(base.length));
    assert.equal(r.status, 200, u);
    assert.match(r.headers['content-type'], /text\/html/);
  }
  for (const t of [kiosk[3], board[3]]) {
    const r = await request(base, 'GET', '/api/v1/session', { token: t });
    assert.equal(r.status, 200, `token ${t} is a device of the demo`);
  }
  assert.ok(existsSync(path.join(dir, 'demo.db')), 'the database is in --dir');

  // The server's own PID, from the process table: the script's child.
  const children = readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  const server = children.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('motcua-server'));
  assert.ok(server, 'motcua-server runs under the script');

  // Stop the demo as an operator would: SIGTERM to the PID it started as.
  proc.kill('SIGTERM');
  const end = await exited;
  assert.ok(end.code !== null || end.sig === 'SIGTERM', `the script ended (${JSON.stringify(end)})`);
  await until(async () => !alive(server), 20000, 'motcua-server to stop');
  await until(async () => !(await listening(port)), 20000, `port ${port} to be free`);
});
