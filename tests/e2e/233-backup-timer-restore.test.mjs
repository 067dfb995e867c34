// The nightly job as installed: the command line of
// packaging/systemd/motcua-backup.service with the package's own
// packaging/motcua.conf (its paths moved into a test folder) makes a checked
// backup while the server works; then the restore of docs/backup.md, step by
// step: stop, restore into a new file, audit-verify, move the database aside
// with its -wal and -shm, put the restored file in place, start. The
// tickets acknowledged before the backup are there, the later ones are not,
// and the office goes on.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BACKUP_NAME, backupInstant, ticketIds } from './lib/backup.mjs';
import { BIN, SOURCE, startServer, cli, sqliteOnly } from './lib/harness.mjs';

let s;
after(async () => { await s?.stop(); s?.cleanup(); });

// The unit's ExecStart, split into words.
function unitCommand() {
  const unit = readFileSync(path.join(SOURCE, 'packaging/systemd/motcua-backup.service'), 'utf8');
  const lines = unit.split('\n').filter((l) => l.startsWith('ExecStart='));
  assert.equal(lines.length, 1, 'one ExecStart in motcua-backup.service');
  return lines[0].slice('ExecStart='.length).trim().split(/\s+/);
}

async function issue(n) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const r = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json.ticket.id);
  }
  return ids;
}

test('the timer\'s command makes a checked backup; the documented restore brings it back',
  sqliteOnly('backups of the database file, restored to a file'), async () => {
  s = await startServer();
  const backups = path.join(s.dir, 'backups');
  mkdirSync(backups, { mode: 0o750 });
  // The package's configuration file with this test's paths.
  const conf = path.join(s.dir, 'motcua.conf');
  let text = readFileSync(path.join(SOURCE, 'packaging/motcua.conf'), 'utf8');
  const set = (key, value) => {
    const re = new RegExp(`^${key} = .*$`, 'm');
    assert.match(text, re, `packaging/motcua.conf sets ${key}`);
    text = text.replace(re, `${key} = ${value}`);
  };
  set('db', s.db);
  set('backup-dir', backups);
  set('backup-keep-daily', '7');
  set('backup-keep-monthly', '12');
  writeFileSync(conf, text);

  const before = await issue(10);
  const [exe, ...args] = unitCommand();
  assert.equal(exe, '/usr/bin/motcua-server');
  assert.ok(args.includes('/etc/motcua/motcua.conf'));
  const run = cli(args.map((a) => (a === '/etc/motcua/motcua.conf' ? conf : a)));
  assert.equal(run.status, 0, run.stderr);
  const made = readdirSync(backups);
  assert.equal(made.length, 1, `${made}`);
  assert.match(made[0], BACKUP_NAME);
  assert.match(run.stdout, /checked: integrity and audit chain\); 1 backup kept, 0 removed \(keeping 7 daily, 12 monthly\)/);
  const later = await issue(3); // after the backup: lost by the restore

  // 2. Stop the server.
  await s.stop();
  // 3. Restore into a new file and verify it.
  const restored = path.join(s.dir, 'restored.db');
  const r = cli(['restore', '--db', restored, path.join(backups, made[0])]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /integrity and audit chain checked/);
  const v = cli(['audit-verify', '--db', restored]);
  assert.equal(v.status, 0, v.stderr);
  // 4. The database aside with its -wal and -shm, the restored one in place.
  const aside = path.join(s.dir, 'before-restore');
  mkdirSync(aside);
  for (const f of ['office.db', 'office.db-wal', 'office.db-shm']) {
    if (existsSync(path.join(s.dir, f))) renameSync(path.join(s.dir, f), path.join(aside, f));
  }
  renameSync(restored, s.db);
  // 5. Start again, with the configuration file (as the unit does).
  s.extraArgs = ['--config', conf];
  await s.start();
  const ids = ticketIds(s.db);
  assert.deepEqual(before.filter((id) => !ids.has(id)), [], 'tickets acknowledged before the backup are missing');
  assert.deepEqual(later.filter((id) => ids.has(id)), [], 'tickets made after the backup cannot be in it');
  // The office goes on: a new ticket, and /metrics reports the backup.
  const next = await issue(1);
  assert.ok(next.length === 1);
  const m = await s.req('GET', '/metrics');
  assert.equal(m.status, 200);
  const when = backupInstant(made[0]) / 1000;
  assert.match(m.text, new RegExp(`^motcua_backup_newest_timestamp_seconds ${when}$`, 'm'));
  const v2 = cli(['audit-verify', '--config', conf]);
  assert.equal(v2.status, 0, v2.stderr);
});

test('the job refuses a configuration it cannot use, and writes nothing',
  sqliteOnly('backups of the database file, restored to a file'), () => {
  const backups = path.join(s.dir, 'backups2');
  mkdirSync(backups);
  const conf = path.join(s.dir, 'bad.conf');
  for (const [body, message] of [
    [`db = ${s.db}\nbackup-dir = ${backups}\nbackup-keep-daly = 3\n`, /bad\.conf:3: .*backup-keep-daly/],
    [`db = ${s.db}\nbackup-dir = ${backups}\nbackup-keep-monthly = many\n`, /bad\.conf:3: bad value 'many' for backup-keep-monthly \(a whole number/],
    [`db = ${s.db}\nbackup-dir = ${path.join(s.dir, 'no-such-folder')}\n`, /is not a folder/],
    [`backup-dir = ${backups}\n`, /--db FILE is required/],
  ]) {
    writeFileSync(conf, body);
    const r = cli(['backup', '--config', conf]);
    assert.equal(r.status, 2, `${body}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.deepEqual(readdirSync(backups), []);
  }
  // A flag on the command line wins over the file.
  writeFileSync(conf, `db = ${s.db}\nbackup-dir = ${backups}\nbackup-keep-daily = 5\n`);
  const r = cli(['backup', '--config', conf, '--backup-keep-daily', '2']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\(keeping 2 daily, 12 monthly\)/);
  assert.equal(readdirSync(backups).filter((f) => BACKUP_NAME.test(f)).length, 1);
});
