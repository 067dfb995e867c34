// tsan: yes
// `motcua-server backup` while clerks keep issuing tickets: it finishes (an
// online backup copied in small steps restarted at every commit of the server
// and never ended), and the copy restores, verifies and holds every ticket
// acknowledged before it began.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { BIN, SANITIZER_REPORT, startServer, cli } from './lib/harness.mjs';

let s;
after(async () => { await s?.stop(); s?.cleanup(); });

// Runs motcua-server without blocking the event loop (the writers go on);
// resolves {status, stderr, timedOut}. Killed after limitMs.
function cliAsync(args, limitMs) {
  return new Promise((resolve) => {
    const p = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    p.stderr.on('data', (d) => { stderr += d; });
    const t = setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, limitMs);
    p.on('exit', (code, signal) => {
      clearTimeout(t);
      resolve({ status: code ?? signal, stderr, timedOut });
    });
  });
}

test('a backup taken while tickets are being issued finishes, restores and verifies', async () => {
  s = await startServer();
  // A week of history first (a month took over a minute under TSan).
  await s.stop();
  const sim = cli(['simulate', '--db', s.db, '--days', '7', '--seed', '3']);
  assert.equal(sim.status, 0, sim.stderr);
  // And ballast (~120 MB, some years of an office): the old step-by-step copy
  // restarted at every commit and rarely got through a file this size.
  const ballast = spawnSync('sqlite3', [s.db, 'CREATE TABLE ballast (b BLOB);'
    + ' WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)'
    + ' INSERT INTO ballast SELECT zeroblob(3000) FROM n;'], { encoding: 'utf8' });
  assert.equal(ballast.status, 0, ballast.stderr);
  await s.start();
  await s.login('clerk1');

  const acked = [];
  let stop = false;
  let failure = null;
  const writer = async (who) => {
    while (!stop) {
      const r = await s.as(who, 'POST', '/api/v1/tickets', { body: { group: 'HT' } });
      if (r.status !== 201) { failure = `${r.status} ${r.text}`; return; }
      acked.push(r.json.ticket.id);
    }
  };
  const writers = ['clerk1', 'kiosk-1', 'clerk1', 'kiosk-1'].map(writer);
  // The backup starts once tickets are flowing.
  const deadline = Date.now() + 20000;
  while (acked.length < 20 && !failure && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(acked.length >= 20, `tickets are not flowing: ${failure}`);
  const beforeBackup = acked.slice();
  const gz = path.join(s.dir, 'office.db.gz');
  const b = await cliAsync(['backup', '--db', s.db, gz], 60000);
  const during = acked.length - beforeBackup.length;
  stop = true;
  await Promise.all(writers);
  assert.equal(failure, null);
  assert.ok(!b.timedOut, 'the backup did not finish within 60 s');
  assert.ok(!SANITIZER_REPORT.test(b.stderr), b.stderr);
  assert.equal(b.status, 0, b.stderr);
  assert.ok(during > 0, 'no ticket was written while the backup ran');

  const restored = path.join(s.dir, 'restored.db');
  const r = cli(['restore', '--db', restored, gz]);
  assert.equal(r.status, 0, r.stderr);
  const verify = cli(['audit-verify', '--db', restored]);
  assert.equal(verify.status, 0, verify.stderr);
  const out = spawnSync('sqlite3', ['-readonly', restored, 'SELECT id FROM tickets'], { encoding: 'utf8' });
  const ids = new Set(out.stdout.trim().split('\n').map(Number));
  assert.deepEqual(beforeBackup.filter((id) => !ids.has(id)), [], 'tickets acknowledged before the backup are missing');
});
