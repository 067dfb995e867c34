// What the commands do with a file that is not (yet) theirs to change
// (docs/backup.md, docs/upgrade.md): a file of schema 0 (empty, another
// program's SQLite file) is refused by every command but init and keeps its
// bytes, serve exiting 2; a failed `backup --db DB OUT.gz` leaves an existing
// OUT.gz as it was; restore refuses a target with a leftover -wal/-shm/
// -journal; backup copies an older schema as it is (no migration under a
// running older server); retention and doctor ignore a backup dated in the
// future.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ADMIN_PASSWORD, BIN, cli, SOURCE, sqlite, sqliteOnly } from './lib/harness.mjs';

const sha = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');
const version = (db) => sqlite(db, 'PRAGMA user_version')[0].user_version;

function tempDir(t) {
  const dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function initDb(dir, name = 'office.db') {
  const db = path.join(dir, name);
  const r = cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
  return db;
}

function run(args, env = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 60000, env: { ...process.env, ...env } });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

for (const kind of ['empty', 'foreign']) {
  test(`a database of schema 0 (${kind}) is refused everywhere but init, byte for byte`,
    sqliteOnly('an empty or another program\'s file, kept byte for byte'), (t) => {
    const dir = tempDir(t);
    const db = path.join(dir, `${kind}.db`);
    if (kind === 'empty') writeFileSync(db, '');
    else sqlite(db, 'CREATE TABLE notes(a); INSERT INTO notes VALUES (1);', { json: false });
    const hash = sha(db);
    const bundle = path.join(dir, 'b.json');
    writeFileSync(bundle, '{}');
    mkdirSync(path.join(dir, 'bk'));
    const cases = [
      ['serve', '--db', db, '--port', '0'],
      ['audit-verify', '--db', db],
      ['backup', '--db', db, path.join(dir, 'out.db.gz')],
      ['backup', '--db', db, '--backup-dir', path.join(dir, 'bk')],
      ['import', '--db', db, bundle],
      ['simulate', '--db', db, '--days', '1'],
    ];
    for (const args of cases) {
      const r = run(args);
      assert.notEqual(r.status, 0, `${args[0]} refuses: ${r.stdout}`);
      assert.equal(r.signal, null);
      assert.match(r.stderr, /\[not_a_motcua_database\]/, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /is not a motcua database/);
      if (args[0] === 'serve') assert.equal(r.status, 2, 'serve exits 2: systemd does not restart it');
      assert.equal(sha(db), hash, `${args[0]} left every byte`);
    }
    assert.ok(!existsSync(path.join(dir, 'out.db.gz')), 'no backup written');
    assert.deepEqual(readdirSync(path.join(dir, 'bk')), [], 'nothing in the backup folder');
    // init still refuses an existing file; it creates a new one.
    const i = cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
    assert.equal(i.status, 2);
    assert.equal(sha(db), hash);
  });
}

// The message quotes a long path by its end behind "…", whole words and
// whole UTF-8 sequences: the sentence around it is never cut.
test('a long path is shortened in the refusal, not the sentence',
  sqliteOnly('a file of schema 0 under a long folder'), (t) => {
  let dir = tempDir(t);
  for (let i = 0; i < 6; i++) dir = path.join(dir, `thư-mục-hồ-sơ-một-cửa-${i}`);
  mkdirSync(dir, { recursive: true });
  const db = path.join(dir, 'văn-phòng.db');
  writeFileSync(db, '');
  const r = run(['audit-verify', '--db', db]);
  assert.equal(r.status, 1, r.stderr);
  const line = r.stderr.trim();
  assert.match(line, /: …[^ ]*văn-phòng\.db is not a motcua database \(.*, or create a new office with motcua-server init \[not_a_motcua_database\]$/, line);
  assert.ok(!line.includes('\ufffd'), `whole UTF-8 sequences: ${line}`);
  assert.ok(Buffer.byteLength(line.replace(/^.*?: (?=…)/, '').replace(/ \[not_a_motcua_database\]$/, '')) <= 255);
});

test('a failed backup leaves an existing OUT.gz as it was; a good one replaces it',
  sqliteOnly('backups of the database file'), (t) => {
  const dir = tempDir(t);
  const db = initDb(dir);
  const out = path.join(dir, 'office.db.gz');
  writeFileSync(out, 'yesterday\'s backup');
  const f = run(['backup', '--db', db, out], { MOTCUA_FAULT: 'backup_write_fail' });
  assert.equal(f.status, 1, `the backup fails: ${f.stdout} ${f.stderr}`);
  assert.match(f.stderr, /\[backup_write_failed\]/);
  assert.equal(readFileSync(out, 'utf8'), 'yesterday\'s backup', 'the old OUT.gz survives');
  assert.deepEqual(readdirSync(dir).filter((n) => /\.(part|tmp)-/.test(n)), [], 'no temporary file left');

  const ok = cli(['backup', '--db', db, out]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(gunzipSync(readFileSync(out)).subarray(0, 16).toString() === 'SQLite format 3\0', 'a whole backup');
  assert.deepEqual(readdirSync(dir).filter((n) => /\.(part|tmp)-/.test(n)), []);
});

for (const side of ['-wal', '-shm', '-journal']) {
  test(`restore refuses a target with a leftover ${side}, changing nothing`,
    sqliteOnly('a restored file\'s -wal, -shm, -journal'), (t) => {
    const dir = tempDir(t);
    const db = initDb(dir);
    const gz = path.join(dir, 'b.db.gz');
    assert.equal(cli(['backup', '--db', db, gz]).status, 0);
    const target = path.join(dir, 'x.db');
    writeFileSync(`${target}${side}`, 'left by an earlier x.db');
    const r = cli(['restore', '--db', target, gz]);
    assert.notEqual(r.status, 0, `restore refuses: ${r.stdout}`);
    assert.match(r.stderr, /\[restore_leftover_journal\]/);
    assert.match(r.stderr, new RegExp(`x\\.db${side} exists`));
    assert.ok(!existsSync(target), 'no target written');
    assert.equal(readFileSync(`${target}${side}`, 'utf8'), 'left by an earlier x.db');
  });
}

test('backup copies an older schema as it is; the check migrates only its scratch copy',
  sqliteOnly('backups of the database file'), (t) => {
  const dir = tempDir(t);
  const fixtures = readdirSync(path.join(SOURCE, 'tests/fixtures/schema'))
    .map((f) => /^v(\d+)\.sql\.gz$/.exec(f)).filter(Boolean).sort((a, b) => a[1] - b[1]);
  const [name, old] = [fixtures.at(-1)[0], Number(fixtures.at(-1)[1])];
  const db = path.join(dir, 'old.db');
  sqlite(db, gunzipSync(readFileSync(path.join(SOURCE, 'tests/fixtures/schema', name))).toString('utf8'),
    { json: false });
  assert.equal(version(db), old);
  const out = path.join(dir, 'old.db.gz');
  const b = cli(['backup', '--db', db, out]);
  assert.equal(b.status, 0, b.stderr);
  assert.equal(version(db), old, 'backup did not migrate the database');
  const copy = path.join(dir, 'copy.db');
  writeFileSync(copy, gunzipSync(readFileSync(out)));
  assert.equal(version(copy), old, 'the backup is of the schema it was taken at');

  const bk = path.join(dir, 'bk');
  mkdirSync(bk);
  const d = cli(['backup', '--db', db, '--backup-dir', bk], { timeout: 120000 });
  assert.equal(d.status, 0, `${d.stdout} ${d.stderr}`);
  assert.equal(version(db), old, 'backup --backup-dir did not migrate it either');
  assert.equal(readdirSync(bk).filter((n) => /^motcua-\d{8}-\d{6}\.db\.gz$/.test(n)).length, 1,
    'the checked backup is kept');
});

test('a backup dated in the future takes no retention slot and is not the newest',
  sqliteOnly('backups of the database file'), (t) => {
  const dir = tempDir(t);
  const db = initDb(dir);
  const bk = path.join(dir, 'bk');
  mkdirSync(bk);
  const future = 'motcua-20991231-235959.db.gz';
  const stale = 'motcua-20200101-020000.db.gz';
  writeFileSync(path.join(bk, future), 'x');
  writeFileSync(path.join(bk, stale), 'x');
  const r = cli(['backup', '--db', db, '--backup-dir', bk, '--backup-keep-daily', '1',
    '--backup-keep-monthly', '0']);
  assert.equal(r.status, 0, `${r.stdout} ${r.stderr}`);
  assert.match(r.stdout, new RegExp(`kept ${future} \\(dated in the future`));
  assert.match(r.stderr, /dated in the future/);
  assert.match(r.stdout, new RegExp(`removed ${stale}`), 'the stale one goes: the new backup took its place');
  const left = readdirSync(bk).sort();
  assert.equal(left.length, 2, left.join(' '));
  assert.ok(left.includes(future), 'never deleted');

  const doc = cli(['doctor', '--db', db, '--backup-dir', bk]);
  assert.match(doc.stdout + doc.stderr, /dated in the future .*ignored/);
});
