// The nightly backup into a folder (`backup --backup-dir`), as the timer runs
// it: taken while tickets are being issued, it restores with `restore`,
// verifies and holds every acknowledged ticket; the retention keeps the
// newest of the last days and months and touches no other file; a backup
// that fails its check is left as .bad with exit 1 and removes nothing; bad
// arguments exit 2 and write nothing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BACKUP_NAME, backupInstant, ticketIds, ticketWriters } from './lib/backup.mjs';
import { cli, cliAsync, startServer, sqliteOnly } from './lib/harness.mjs';

let s;
after(async () => { await s?.stop(); s?.cleanup(); });

const list = (dir) => readdirSync(dir).sort();
const backups = (dir) => list(dir).filter((f) => BACKUP_NAME.test(f));

let dir; // the backup folder

test('a backup into the folder while tickets are issued restores, verifies and holds them',
  sqliteOnly('backups of the database file, restored to a file'), async () => {
  s = await startServer();
  dir = path.join(s.dir, 'backups');
  mkdirSync(dir, { mode: 0o750 });
  await s.login('clerk1');
  const writers = await ticketWriters(s, ['clerk1', 'kiosk-1']);
  const { acked } = writers;
  const before = acked.slice();
  const t0 = Date.now();
  // The machine's own time zone does not change the name (office time).
  const b = await cliAsync(['backup', '--db', s.db, '--backup-dir', dir], { env: { TZ: 'America/Los_Angeles' } });
  const t1 = Date.now();
  const during = acked.length - before.length;
  await writers.stop();
  assert.equal(b.status, 0, b.stderr);
  assert.ok(during > 0, 'no ticket was written while the backup ran');

  // One backup, under its final name, nothing else left in the folder (no
  // temporary file, no scratch folder of the check).
  const files = list(dir);
  assert.equal(files.length, 1, `folder holds ${files}`);
  const [name] = files;
  const when = backupInstant(name);
  assert.ok(when >= Math.floor(t0 / 1000) * 1000 && when <= t1, `${name} is not the office time of the run`);
  assert.equal(statSync(path.join(dir, name)).mode & 0o077, 0, 'a backup is readable by its owner only');
  assert.match(b.stdout, new RegExp(`^kept ${name.replace(/\./g, '\\.')} \\(new, daily, monthly\\)$`, 'm'));
  assert.match(b.stdout, /checked: integrity and audit chain\); 1 backup kept, 0 removed/);

  // The documented restore: into a new file, then audit-verify.
  const restored = path.join(s.dir, 'restored.db');
  const r = cli(['restore', '--db', restored, path.join(dir, name)]);
  assert.equal(r.status, 0, r.stderr);
  const v = cli(['audit-verify', '--db', restored]);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /^ok: /);
  const ids = ticketIds(restored);
  assert.deepEqual(before.filter((id) => !ids.has(id)), [], 'tickets acknowledged before the backup are missing');
});

test('retention keeps the newest of the last days and months having backups, nothing else is touched',
  sqliteOnly('backups of the database file, restored to a file'), async () => {
  const fakes = [
    'motcua-20250610-090000.db.gz', // same day as the next, older: removed
    'motcua-20250610-210000.db.gz', // newest of its day and of June 2025
    'motcua-20250609-210000.db.gz', // third day having backups
    'motcua-20250608-210000.db.gz', // fourth day: removed
    'motcua-20250531-210000.db.gz', // newest of May 2025 (third month)
    'motcua-20250430-210000.db.gz', // fourth month: removed
    'motcua-20241231-210000.db.gz', // removed
  ];
  const foreign = [
    'notes.txt', 'motcua-20240101-000000.db.gz.bad', 'motcua-20240101-000000.db',
    'motcua-2024-01-01.db.gz', 'other-20240101-000000.db.gz', 'motcua-20240231-000000.db.gz',
  ];
  const first = backups(dir); // the backup of the test above
  assert.equal(first.length, 1);
  for (const f of [...fakes, ...foreign]) writeFileSync(path.join(dir, f), 'not a backup\n');
  mkdirSync(path.join(dir, 'motcua-20240102-000000.db.gz')); // a folder with a backup's name
  await new Promise((r) => setTimeout(r, 1100)); // a new second, a new name

  const b = cli(['backup', '--db', s.db, '--backup-dir', dir,
    '--backup-keep-daily', '3', '--backup-keep-monthly', '3']);
  assert.equal(b.status, 0, b.stderr);
  const fresh = backups(dir).filter((f) => backupInstant(f) > backupInstant(first[0]));
  assert.equal(fresh.length, 1, b.stdout);
  // Today (two backups, the newest kept), 10 and 9 June are the last three
  // days; this month, June and May 2025 the last three months.
  assert.deepEqual(list(dir), [
    ...foreign, 'motcua-20240102-000000.db.gz',
    'motcua-20250531-210000.db.gz', 'motcua-20250609-210000.db.gz', 'motcua-20250610-210000.db.gz',
    fresh[0],
  ].sort());
  for (const gone of [first[0], 'motcua-20250610-090000.db.gz', 'motcua-20250608-210000.db.gz',
    'motcua-20250430-210000.db.gz', 'motcua-20241231-210000.db.gz']) {
    assert.match(b.stdout, new RegExp(`^removed ${gone.replace(/\./g, '\\.')}$`, 'm'));
  }
  assert.match(b.stdout, /^kept motcua-20250531-210000\.db\.gz \(monthly\)$/m);
  assert.match(b.stdout, /^kept motcua-20250609-210000\.db\.gz \(daily\)$/m);
  assert.match(b.stdout, /^kept motcua-20250610-210000\.db\.gz \(daily, monthly\)$/m);
  assert.match(b.stdout, /4 backups kept, 5 removed \(keeping 3 daily, 3 monthly\)/);
});

test('a backup that fails its check is left as .bad, exit 1, and no backup is removed',
  sqliteOnly('backups of the database file, restored to a file'), async () => {
  await new Promise((r) => setTimeout(r, 1100));
  const beforeFiles = list(dir);
  // The fault cuts the written backup to half its size before the check.
  const b = await cliAsync(['backup', '--db', s.db, '--backup-dir', dir,
    '--backup-keep-daily', '0', '--backup-keep-monthly', '0'], { env: { MOTCUA_FAULT: 'backup_truncate' } });
  assert.equal(b.status, 1, b.stdout + b.stderr);
  assert.match(b.stderr, /the new backup failed its check: .* is not a valid backup \(cut short\) \[backup_corrupt\]; left as .*\.db\.gz\.bad, no backup removed/);
  assert.doesNotMatch(b.stdout, /^removed /m);
  const added = list(dir).filter((f) => !beforeFiles.includes(f));
  assert.equal(added.length, 1, `new files: ${added}`);
  assert.match(added[0], /^motcua-\d{8}-\d{6}\.db\.gz\.bad$/);
  assert.deepEqual(list(dir).filter((f) => f !== added[0]), beforeFiles, 'the failed run changed the folder');
  // And restore refuses it as the check did.
  const r = cli(['restore', '--db', path.join(s.dir, 'from-bad.db'), path.join(dir, added[0])]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /is not a valid backup \(cut short\) \[backup_corrupt\]/);
  assert.ok(!list(s.dir).includes('from-bad.db'));
  rmSync(path.join(dir, added[0]));
});

test('bad arguments exit 2 and write nothing',
  sqliteOnly('backups of the database file, restored to a file'), async () => {
  const empty = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-backup-'));
  const aFile = path.join(s.dir, 'bundle.json');
  const cases = [
    [['--db', s.db, '--backup-dir', empty, '--backup-keep-daily', 'abc'], /bad value 'abc' for --backup-keep-daily \(a whole number 0 to 10000\)/],
    [['--db', s.db, '--backup-dir', empty, '--backup-keep-daily', '-1'], /bad value '-1' for --backup-keep-daily \(a whole number 0 to 10000\)/],
    [['--db', s.db, '--backup-dir', empty, '--backup-keep-monthly', '1.5'], /bad value '1.5' for --backup-keep-monthly \(a whole number 0 to 10000\)/],
    [['--db', s.db, '--backup-dir', empty, '--backup-keep-monthly', ''], /bad value '' for --backup-keep-monthly \(a whole number 0 to 10000\)/],
    [['--db', s.db, '--backup-dir', empty, '--backup-keep-daily', '99999999999999999999'], /for --backup-keep-daily \(a whole number/],
    [['--db', s.db, '--backup-dir', empty, '--backup-keep-daily'], /incomplete option/],
    [['--db', s.db, '--backup-dir', path.join(empty, 'missing')], /is not a folder/],
    [['--db', s.db, '--backup-dir', aFile], /is not a folder/],
    [['--backup-dir', empty], /--db FILE is required/],
    [['--db', path.join(empty, 'none.db'), '--backup-dir', empty], /does not exist/],
    [['--db', s.db], /give OUT\.gz or --backup-dir DIR/],
    [['--db', s.db, '--backup-dir', empty, '--keep', '3'], /unknown or incomplete option/],
    [['--db', s.db, path.join(empty, 'a.gz'), path.join(empty, 'b.gz')], /unexpected argument/],
  ];
  for (const [args, message] of cases) {
    const r = cli(['backup', ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.match(r.stderr, /^motcua-server backup: /);
    assert.equal(r.stdout, '');
    assert.deepEqual(list(empty), [], `${args.join(' ')} wrote ${list(empty)}`);
  }
  rmSync(empty, { recursive: true, force: true });
  // The single-file form keeps working as before.
  const out = path.join(s.dir, 'one.db.gz');
  const r = cli(['backup', '--db', s.db, out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `backed up ${s.db} to ${out}\n`);
  const restored = path.join(s.dir, 'one.db');
  assert.equal(cli(['restore', '--db', restored, out]).status, 0);
  assert.equal(cli(['audit-verify', '--db', restored]).status, 0);
  // A backup missing only its last bytes (the gzip trailer: the length) is
  // refused too, though every page of the database is in it.
  const whole = readFileSync(out);
  const cut = path.join(s.dir, 'cut.db.gz');
  writeFileSync(cut, whole.subarray(0, whole.length - 4));
  const rc = cli(['restore', '--db', path.join(s.dir, 'cut.db'), cut]);
  assert.equal(rc.status, 1, rc.stderr);
  assert.match(rc.stderr, /cut\.db\.gz is not a valid backup \(cut short\) \[backup_corrupt\]/);
  assert.ok(!list(s.dir).includes('cut.db'));
});
