// tsan: yes
// `motcua-server backup` while clerks keep issuing tickets: it finishes (an
// online backup copied in small steps restarted at every commit of the server
// and never ended), and the copy restores, verifies and holds every ticket
// acknowledged before it began.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ticketIds, ticketWriters } from './lib/backup.mjs';
import { cli, cliAsync, sqliteOnly, startServer } from './lib/harness.mjs';

let s;
after(async () => { await s?.stop(); s?.cleanup(); });

test('a backup taken while tickets are being issued finishes, restores and verifies',
  sqliteOnly('an online copy of the file, restored to another file'), async () => {
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

  // The backup starts once tickets are flowing.
  const writers = await ticketWriters(s, ['clerk1', 'kiosk-1', 'clerk1', 'kiosk-1']);
  const { acked } = writers;
  const beforeBackup = acked.slice();
  const gz = path.join(s.dir, 'office.db.gz');
  const b = await cliAsync(['backup', '--db', s.db, gz], { limitMs: 60000 });
  const during = acked.length - beforeBackup.length;
  await writers.stop();
  assert.ok(!b.timedOut, 'the backup did not finish within 60 s');
  assert.equal(b.status, 0, b.stderr);
  assert.ok(during > 0, 'no ticket was written while the backup ran');

  const restored = path.join(s.dir, 'restored.db');
  const r = cli(['restore', '--db', restored, gz]);
  assert.equal(r.status, 0, r.stderr);
  const verify = cli(['audit-verify', '--db', restored]);
  assert.equal(verify.status, 0, verify.stderr);
  const ids = ticketIds(restored);
  assert.deepEqual(beforeBackup.filter((id) => !ids.has(id)), [], 'tickets acknowledged before the backup are missing');
});
