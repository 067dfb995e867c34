// motcua-server doctor (docs/monitoring.md "doctor"): each check is driven to
// ok and to its fault with real things — a real database and a corrupted
// copy, an older and a "newer" schema, small file systems, backups made by
// `backup --backup-dir` and aged by their names, a real IPP printer switched
// off and frozen, certificates made by openssl (expired, expiring, another
// key), a port taken by another program and one held by a running server.
// Doctor changes nothing: the database files are byte for byte the same.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ADMIN_PASSWORD, BIN, SANITIZER_REPORT, SOURCE, TEST_BUNDLE, cli, dbMade, newDb, sqliteOnly, startServer,
} from './lib/harness.mjs';
import { copyDb, runSql } from './lib/pg.mjs';
import { TestPrinter } from './lib/printer.mjs';

const V7 = path.join(SOURCE, 'tests/fixtures/single-office-v7.sql.gz');

let dir;
let db;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'motcua-237-'));
  db = newDb(dir, 'office.db');
  let r = cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
  writeFileSync(path.join(dir, 'bundle.json'), JSON.stringify(TEST_BUNDLE));
  r = cli(['import', '--db', db, path.join(dir, 'bundle.json')]);
  assert.equal(r.status, 0, r.stderr);
});
after(() => { rmSync(dir, { recursive: true, force: true }); });

// Runs doctor; returns {status, lines: [{st, check, detail}], text}. Every
// line of its output must be a check's line.
function doctor(args, { env } = {}) {
  const t0 = Date.now();
  const r = spawnSync(BIN, ['doctor', ...args], { encoding: 'utf8', timeout: 60000, env: { ...process.env, ...env } });
  assert.ok(!SANITIZER_REPORT.test(r.stderr), `sanitizer report from doctor:\n${r.stderr.slice(-4000)}`);
  const lines = r.stdout.split('\n').filter((l) => l !== '').map((l) => {
    const m = l.match(/^(ok|warn|fail) +([a-z]+) +(\S.*)$/);
    assert.ok(m, `not a check line: ${l}`);
    return { st: m[1], check: m[2], detail: m[3] };
  });
  return { status: r.status, lines, text: r.stdout + r.stderr, ms: Date.now() - t0 };
}
const line = (r, check) => {
  const l = r.lines.filter((x) => x.check === check);
  assert.equal(l.length, 1, `one ${check} line in:\n${r.text}`);
  return l[0];
};
const sha = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');
const sqlite = (file, sql) => {
  const r = spawnSync('sqlite3', [file, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};
const openssl = (args, cwd) => {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
};

test('bad arguments: exit 2 and nothing checked', () => {
  for (const args of [['--no-such'], ['--tls-cert', 'c.pem'], ['--port', '70000'], ['extra']]) {
    const r = doctor(args);
    assert.equal(r.status, 2, `${args}: ${r.text}`);
    assert.equal(r.lines.length, 0);
  }
  const conf = path.join(dir, 'typo.conf');
  writeFileSync(conf, `db = ${db}\nbakup-dir = /nowhere\n`);
  const r = doctor(['--config', conf]);
  assert.equal(r.status, 2, r.text);
  assert.match(r.text, /typo\.conf:2/);
});

test('database: a real one is ok and untouched; missing, corrupted, and newer schemas fail; an older one warns and is not migrated',
  sqliteOnly('the file\'s bytes, a damaged copy, its user_version, a schema 7 file'), () => {
  const before = sha(db);
  let r = doctor(['--db', db]);
  assert.equal(line(r, 'database').st, 'ok', r.text);
  assert.match(line(r, 'database').detail, /quick_check ok/);
  assert.equal(line(r, 'schema').st, 'ok');
  assert.equal(r.status, 0, r.text);
  assert.equal(sha(db), before, 'doctor wrote nothing');

  r = doctor(['--db', path.join(dir, 'none.db')]);
  assert.equal(line(r, 'database').st, 'fail');
  assert.match(line(r, 'database').detail, /run motcua-server init/);
  assert.equal(r.status, 1);

  // A copy with pages overwritten in the middle: what a failing disk leaves.
  const bad = path.join(dir, 'bad.db');
  copyFileSync(db, bad);
  const bytes = readFileSync(bad);
  assert.ok(bytes.length > 8 * 4096);
  for (let i = 2 * 4096; i < 6 * 4096; i++) bytes[i] = (i * 7919) & 0xff;
  writeFileSync(bad, bytes);
  r = doctor(['--db', bad]);
  assert.equal(line(r, 'database').st, 'fail', r.text);
  assert.match(line(r, 'database').detail, /quick_check: .+restore the newest backup/);
  assert.equal(r.status, 1);

  // The schema of a newer program.
  const newer = path.join(dir, 'newer.db');
  copyFileSync(db, newer);
  const current = Number(sqlite(newer, 'PRAGMA user_version'));
  sqlite(newer, `PRAGMA user_version = ${current + 1}`);
  r = doctor(['--db', newer]);
  assert.equal(line(r, 'schema').st, 'fail');
  assert.match(line(r, 'schema').detail, new RegExp(`version ${current + 1} is newer than this program's ${current}`));
  assert.equal(r.status, 1);

  // A database of schema 7 (an older release's): upgraded at the next start,
  // not by doctor.
  const old = path.join(dir, 'v7.db');
  const load = spawnSync('sh', ['-c', `gzip -dc '${V7}' | sqlite3 '${old}'`], { encoding: 'utf8' });
  assert.equal(load.status, 0, load.stderr);
  const oldSha = sha(old);
  r = doctor(['--db', old]);
  assert.equal(line(r, 'database').st, 'ok', r.text);
  assert.equal(line(r, 'schema').st, 'warn');
  assert.match(line(r, 'schema').detail, new RegExp(`version 7 of ${current}: will be upgraded at next start`));
  // (The fixture's demo printer is away: its line fails, nothing else.)
  assert.deepEqual(r.lines.filter((l) => l.st === 'fail').map((l) => l.check), ['printer'], r.text);
  assert.equal(sqlite(old, 'PRAGMA user_version'), '7');
  assert.equal(sha(old), oldSha);
});

test('--config gives doctor the same settings as the service; the command line wins', () => {
  const conf = path.join(dir, 'motcua.conf');
  writeFileSync(conf, `# as /etc/motcua/motcua.conf\ndb = ${newDb(dir, 'none.db', { create: false })}\nthreads = 4\nlog-level = info\n`);
  let r = doctor(['--config', conf]);
  assert.equal(line(r, 'database').st, 'fail', r.text);
  r = doctor(['--config', conf, '--db', db]);
  assert.equal(line(r, 'database').st, 'ok', r.text);
});

// Runs doctor with DIR on a tmpfs of size (a real small file system, in a
// private mount namespace so nothing outside sees it); null when this
// machine does not let us (not root).
function doctorOnSmallDisk(size) {
  const fs = path.join(dir, `fs-${size}`);
  mkdirSync(fs, { recursive: true });
  const script = `mount -t tmpfs -o size=${size} tmpfs '${fs}' && cp '${db}' '${fs}/office.db' && exec '${BIN}' doctor --db '${fs}/office.db'`;
  const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { encoding: 'utf8', timeout: 60000 });
  assert.ok(!SANITIZER_REPORT.test(r.stderr), `sanitizer report from doctor:\n${r.stderr.slice(-4000)}`);
  if (r.status !== 0 && r.status !== 1) return null;
  const lines = r.stdout.split('\n').filter(Boolean).map((l) => l.match(/^(ok|warn|fail) +([a-z]+) +(\S.*)$/));
  return { status: r.status, disk: lines.find((m) => m && m[2] === 'disk'), text: r.stdout + r.stderr };
}

test('disk: plenty is ok; under 2 GiB free warns; under 500 MiB fails',
  sqliteOnly('the free space beside the file, a copy of it on a small file system'), (t) => {
  const r = doctor(['--db', db]);
  const disk = line(r, 'disk');
  const df = spawnSync('df', ['-k', '--output=avail,size', dir], { encoding: 'utf8' }).stdout.trim().split('\n')[1].trim().split(/\s+/).map(Number);
  const expect = df[0] < 500 * 1024 ? 'fail' : df[0] < 2 * 1024 * 1024 || df[0] / df[1] < 0.1 ? 'warn' : 'ok';
  assert.equal(disk.st, expect, disk.detail);
  assert.match(disk.detail, /\(database\): [\d.]+ GiB free of [\d.]+ GiB/);
  const warn = doctorOnSmallDisk('1536m');
  if (warn === null) { t.skip('cannot mount a small file system here (needs root)'); return; }
  assert.equal(warn.disk[1], 'warn', warn.text);
  assert.match(warn.disk[3], /1\.50 GiB free of 1\.50 GiB .*under 2 GiB/);
  const fail = doctorOnSmallDisk('100m');
  assert.equal(fail.disk[1], 'fail', fail.text);
  assert.match(fail.disk[3], /under 500 MiB/);
  assert.equal(fail.status, 1);
});

test('backups: a fresh checked backup is ok; over 26 h warns; over 3 days, none or no folder fails',
  sqliteOnly('backups of the database file'), () => {
  const backups = path.join(dir, 'backups');
  mkdirSync(backups);
  let r = doctor(['--backup-dir', backups]);
  assert.equal(line(r, 'backup').st, 'fail');
  assert.match(line(r, 'backup').detail, /no checked backup/);
  // The hint is a command that works on an installation as it is (backup
  // alone wants --db): the unit's first run, then the timer.
  assert.match(line(r, 'backup').detail, /systemctl start motcua-backup\.service; .*systemctl enable --now motcua-backup\.timer/);
  assert.doesNotMatch(line(r, 'backup').detail, /motcua-server backup --backup-dir/);
  const made = cli(['backup', '--db', db, '--backup-dir', backups]);
  assert.equal(made.status, 0, made.stderr);
  r = doctor(['--db', db, '--backup-dir', backups]);
  assert.equal(line(r, 'backup').st, 'ok', r.text);
  assert.match(line(r, 'backup').detail, /newest checked backup made .* min ago/);
  // The same backup under the name it would have had 30 hours ago, then 4
  // days ago (the name is its instant, office time).
  const [name] = readdirSync(backups).filter((f) => f.endsWith('.db.gz'));
  const named = (hoursAgo) => {
    const d = new Date(Date.now() - hoursAgo * 3600e3 + 7 * 3600e3);
    const p = (n) => String(n).padStart(2, '0');
    return `motcua-${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}.db.gz`;
  };
  const aged = path.join(backups, named(30));
  renameSync(path.join(backups, name), aged);
  r = doctor(['--backup-dir', backups]);
  assert.equal(line(r, 'backup').st, 'warn', r.text);
  assert.match(line(r, 'backup').detail, /over 26 h/);
  renameSync(aged, path.join(backups, named(96)));
  r = doctor(['--backup-dir', backups]);
  assert.equal(line(r, 'backup').st, 'fail', r.text);
  assert.match(line(r, 'backup').detail, /over 3 days/);
  assert.equal(r.status, 1);
  // A refused backup does not count.
  rmSync(backups, { recursive: true });
  mkdirSync(backups);
  writeFileSync(path.join(backups, `${named(1)}.bad`), 'refused');
  r = doctor(['--backup-dir', backups]);
  assert.equal(line(r, 'backup').st, 'fail');
  r = doctor(['--backup-dir', path.join(dir, 'no-such-folder')]);
  assert.equal(line(r, 'backup').st, 'fail');
  assert.match(line(r, 'backup').detail, /No such file/);
});

test('printers: the database\'s and --printer are asked within 3 s; off or frozen fails', async () => {
  const printer = new TestPrinter();
  try {
    const pdb = newDb(dir, 'printers.db');
    let r0 = cli(['init', '--db', pdb, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
    assert.equal(r0.status, 0, r0.stderr);
    writeFileSync(path.join(dir, 'pbundle.json'), JSON.stringify({ ...TEST_BUNDLE, printers: [{ name: 'hall', target: printer.uri, format: 'pdf', paper: '80mm', default: true }] }));
    r0 = cli(['import', '--db', pdb, path.join(dir, 'pbundle.json')]);
    assert.equal(r0.status, 0, r0.stderr);
    let r = doctor(['--db', pdb, '--printer', printer.uri]);
    const lines = r.lines.filter((l) => l.check === 'printer');
    assert.equal(lines.length, 2, r.text);
    assert.ok(lines.every((l) => l.st === 'ok'), r.text);
    assert.match(lines[0].detail, new RegExp(`^hall \\(${printer.uri.replace(/[.]/g, '\\.')}\\): idle, accepting jobs`));
    assert.match(lines[1].detail, /^--printer /);
    // The file's printer key is named by its source, not as a flag nobody typed.
    const pconf = path.join(dir, 'printer.conf');
    writeFileSync(pconf, `printer = ${printer.uri}\n`);
    r = doctor(['--config', pconf]);
    assert.match(line(r, 'printer').detail, /^printer \(configuration\) \(/, r.text);
    assert.equal(line(r, 'printer').st, 'ok', r.text);
    assert.equal(r.status, 0, r.text);
    assert.equal(printer.pdfs().length, 0, 'doctor printed nothing');

    printer.off();
    r = doctor(['--db', pdb]);
    assert.equal(line(r, 'printer').st, 'fail', r.text);
    assert.match(line(r, 'printer').detail, /^hall .*unreachable/);
    assert.equal(r.status, 1);

    // On again, then frozen: it takes the connection and never answers.
    printer.on();
    spawnSync(path.join(SOURCE, 'tests/fixtures/ipp-printer'), ['pause', printer.dir]);
    try {
      r = doctor(['--printer', printer.uri]);
      assert.equal(line(r, 'printer').st, 'fail', r.text);
      assert.ok(r.ms < 10000, `doctor took ${r.ms} ms on a frozen printer`);
    } finally {
      spawnSync(path.join(SOURCE, 'tests/fixtures/ipp-printer'), ['resume', printer.dir]);
    }
  } finally {
    printer.stop();
  }
});

test('clock and time zone: one line each; +07:00 is ok, another offset warns', () => {
  let r = doctor([], { env: { TZ: 'Asia/Ho_Chi_Minh' } });
  assert.equal(r.lines.length, 2, r.text);
  const clock = line(r, 'clock');
  // NTP cannot be switched off by a test: the line says which it is.
  assert.ok(clock.st === 'ok' ? /NTP synchronised/.test(clock.detail) : clock.st === 'warn' && /not synchronised by NTP/.test(clock.detail), clock.detail);
  assert.match(clock.detail, /^\d{4}-\d\d-\d\d \d\d:\d\d \+07:00/);
  assert.equal(line(r, 'timezone').st, 'ok');
  assert.match(line(r, 'timezone').detail, /UTC\+07:00/);
  assert.equal(r.status, 0);
  r = doctor([], { env: { TZ: 'Europe/Paris' } });
  assert.equal(line(r, 'timezone').st, 'warn');
  assert.match(line(r, 'timezone').detail, /local time is UTC\+0[12]:00 .*not the office's \+07:00/);
  // The backup timer is set in office time (OnCalendar=… Asia/Ho_Chi_Minh):
  // what follows local time is the journal's and ls -l's times.
  assert.match(line(r, 'timezone').detail, /the journal's and ls -l's times follow local time/);
  assert.doesNotMatch(line(r, 'timezone').detail, /timer/);
  assert.equal(r.status, 0, 'a warning is no failure');
});

test('clock: behind the database\'s newest event fails', () => {
  // What a machine whose clock was reset (a dead RTC battery) meets: the
  // office recorded events later than "now".
  const ahead = copyDb(db, dir, 'ahead.db');
  runSql(ahead, 'UPDATE events SET at = at + 40 * 86400 WHERE id = (SELECT max(id) FROM events)', { json: false });
  let r = doctor(['--db', ahead]);
  assert.equal(line(r, 'clock').st, 'fail', r.text);
  assert.match(line(r, 'clock').detail, /before the database's newest event \(\d{4}-\d\d-\d\d \d\d:\d\d \+07:00\)/);
  assert.equal(r.status, 1);
  r = doctor(['--db', db]);
  assert.notEqual(line(r, 'clock').st, 'fail', r.text);
});

test('TLS: a valid pair is ok; expiring warns; expired, not yet valid, another key or an unreadable file fails', () => {
  const tls = path.join(dir, 'tls');
  mkdirSync(tls);
  const selfSigned = (name, days) => openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`,
    '-days', String(days), '-keyout', `${name}.key`, '-out', `${name}.pem`], tls);
  selfSigned('good', 365);
  selfSigned('soon', 10);
  // Expired and not-yet-valid certificates: `openssl ca` takes exact dates.
  writeFileSync(path.join(tls, 'ca.cnf'), '[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n');
  writeFileSync(path.join(tls, 'index.txt'), '');
  writeFileSync(path.join(tls, 'serial'), '01\n');
  const dated = (name, start, end) => {
    openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`], tls);
    openssl(['ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', `${name}.key`, '-in', `${name}.csr`,
      '-startdate', start, '-enddate', end, '-out', `${name}.pem`], tls);
  };
  dated('old', '20200101000000Z', '20200102000000Z');
  dated('future', '20990101000000Z', '20991231000000Z');
  const f = (n) => path.join(tls, n);
  const tlsLine = (cert, key) => {
    const r = doctor(['--tls-cert', f(cert), '--tls-key', f(key)]);
    return { ...line(r, 'tls'), status: r.status };
  };
  let l = tlsLine('good.pem', 'good.key');
  assert.equal(l.st, 'ok', l.detail);
  assert.match(l.detail, /CN=good.*key matches, expires on \d{4}-\d\d-\d\d .*in 36[45] days/);
  assert.equal(l.status, 0);
  l = tlsLine('soon.pem', 'soon.key');
  assert.equal(l.st, 'warn', l.detail);
  assert.match(l.detail, /in (9|10) days: renew it/);
  l = tlsLine('old.pem', 'old.key');
  assert.equal(l.st, 'fail', l.detail);
  assert.match(l.detail, /expired on 2020-01-02/);
  assert.equal(l.status, 1);
  l = tlsLine('future.pem', 'future.key');
  assert.equal(l.st, 'fail', l.detail);
  assert.match(l.detail, /not valid before 2099-01-01/);
  l = tlsLine('good.pem', 'soon.key');
  assert.equal(l.st, 'fail', l.detail);
  assert.match(l.detail, /the key is not the certificate's/);
  l = tlsLine('good.pem', 'none.key');
  assert.equal(l.st, 'fail', l.detail);
  assert.match(l.detail, /none\.key: No such file/);
  l = tlsLine('good.key', 'good.key');
  assert.equal(l.st, 'fail', l.detail);
  assert.match(l.detail, /not a PEM certificate/);
  // A FIFO is refused at once, never waited on.
  assert.equal(spawnSync('mkfifo', [f('fifo.key')]).status, 0);
  let r = doctor(['--tls-cert', f('good.pem'), '--tls-key', f('fifo.key')]);
  assert.ok(r.ms < 5000, `doctor took ${r.ms} ms on a FIFO`);
  assert.equal(line(r, 'tls').st, 'fail');
  assert.match(line(r, 'tls').detail, /fifo\.key: a FIFO, not a regular file/);
  // The whole file is read, as serve reads it: a long comment before the
  // certificate does not hide it.
  writeFileSync(f('long.pem'), `# ${'x'.repeat(1200000)}\n${readFileSync(f('good.pem'), 'utf8')}`);
  l = tlsLine('long.pem', 'good.key');
  assert.equal(l.st, 'ok', l.detail);

  // serve refuses what doctor fails, with exit 2 (no restart loop under
  // Restart=on-failure: RestartPreventExitStatus=2), saying why.
  for (const [cert, key, why] of [
    ['good.pem', 'soon.key', /TLS: .*good\.pem with .*soon\.key: the key is not the certificate's key .*\[tls_invalid\]/],
    ['good.key', 'good.key', /TLS: .*\[tls_invalid\]/],
    ['good.pem', 'fifo.key', /cannot read the TLS certificate or key: .*fifo\.key: not a regular file \[tls_unreadable\]/],
    ['good.pem', 'none.key', /none\.key: No such file or directory \[tls_unreadable\]/],
  ]) {
    const t0 = Date.now();
    r = cli(['serve', '--db', db, '--port', '0', '--tls-cert', f(cert), '--tls-key', f(key)], { timeout: 15000 });
    assert.equal(r.status, 2, `${cert} ${key}: ${r.status} ${r.stderr}`);
    assert.match(r.stderr, why);
    assert.doesNotMatch(r.stderr, /listen_failed/);
    assert.ok(Date.now() - t0 < 5000);
  }
});

test('nothing from outside is printed raw: control characters in a detail are escaped', () => {
  const r = doctor(['--printer', 'ipp://127.0.0.1:1/\x1b[31mred\x07\u009b']);
  const l = line(r, 'printer');
  assert.equal(l.st, 'fail', l.detail);
  assert.match(l.detail, /\\x1B\[31mred\\x07\\u009B/);
  assert.doesNotMatch(r.text, /[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f]/, JSON.stringify(r.text));
});

test('port: free is ok; held by a running motcua-server is ok; taken by another program fails', async (t) => {
  // A port free a moment ago.
  const free = await new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => { const p = srv.address().port; srv.close(() => resolve(p)); });
  });
  let r = doctor(['--port', String(free)]);
  assert.equal(line(r, 'port').st, 'ok', r.text);
  assert.match(line(r, 'port').detail, new RegExp(`127\\.0\\.0\\.1:${free} is free`));

  const other = net.createServer((c) => c.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi'));
  await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    r = doctor(['--listen', '127.0.0.1', '--port', String(other.address().port)]);
    assert.equal(line(r, 'port').st, 'fail', r.text);
    assert.match(line(r, 'port').detail, /taken by another program/);
    assert.equal(r.status, 1);
  } finally {
    other.close();
  }

  const s = await startServer();
  try {
    r = doctor(['--port', String(s.port)]);
    assert.equal(line(r, 'port').st, 'ok', r.text);
    assert.match(line(r, 'port').detail, /answered by motcua-server \d+\.\d+\.\d+ \(running\)/);
    // And its database, in use by the server, reads fine.
    r = doctor(['--db', s.db]);
    assert.equal(line(r, 'database').st, 'ok', r.text);
    await t.test('its database file moved away under it: /healthz 503, and doctor says so',
      sqliteOnly('the file renamed under the server'), () => {
      renameSync(s.db, `${s.db}.moved`);
      try {
        r = doctor(['--port', String(s.port)]);
        assert.equal(line(r, 'port').st, 'fail', r.text);
        assert.match(line(r, 'port').detail, /answered by motcua-server \S+, which says it is unavailable: /);
      } finally {
        renameSync(`${s.db}.moved`, s.db);
      }
    });
  } finally {
    await s.stop();
    s.cleanup();
  }
  assert.ok(dbMade(db));
});
