// The command line: help, argument errors, init, import, backup and restore,
// audit-verify catching an edited row, TLS.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import https from 'node:https';
import {
  cli, startServer, Server, TEST_BUNDLE, ADMIN_PASSWORD, dbMade, newDb, ON_POSTGRES, sqlite, sqliteOnly,
} from './lib/harness.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'motcua-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const db = newDb(dir, 'a.db');

test('--help on every command, and one-line reasons for bad arguments', () => {
  for (const cmd of ['init', 'serve', 'import', 'demo', 'audit-verify', 'backup', 'restore', 'calendar']) {
    const r = cli([cmd, '--help']);
    assert.equal(r.status, 0, `${cmd} --help: ${r.stderr}`);
    assert.match(r.stdout, /usage: motcua-server/);
  }
  const bad = [
    [['nonsense'], /unknown command/],
    [['init'], /--db FILE is required/],
    [['serve', '--db', db, '--port', 'eighty'], /bad value 'eighty' for --port/],
    [['import', '--db', db], /exactly one BUNDLE\.json/],
    [['backup', '--db', db, '--what'], /unknown or incomplete option/],
    [['init', '--db', db, '--password', 'x', '--password-stdin'], /exactly one of/],
  ];
  for (const [args, re] of bad) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.status} ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    assert.match(r.stderr, re);
    assert.equal(r.stdout, '');
  }
  // A database that does not exist: a usage error for a file (a restart
  // cannot make it appear); on PostgreSQL a failed connection, status 1,
  // as a cluster that is down or failing over comes back and systemd
  // restarts the server.
  const none = cli(['serve', '--db', newDb(dir, 'none.db', { create: false })]);
  assert.match(none.stderr, /does not exist/);
  assert.equal(none.stdout, '');
  if (ON_POSTGRES) {
    assert.equal(none.status, 1, none.stderr);
    assert.match(none.stderr, /db_open_failed/);
  } else {
    assert.equal(none.status, 2, none.stderr);
    assert.equal(none.stderr.trim().split('\n').length, 1, 'one line');
  }
});

test('init creates a database once; a weak password is refused', () => {
  const w = newDb(dir, 'w.db');
  const weak = cli(['init', '--db', w, '--password', 'short']);
  assert.equal(weak.status, 1);
  assert.match(weak.stderr, /weak_password/);
  assert.equal(dbMade(w), false, 'nothing left behind');
  const ok = cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
  assert.equal(ok.status, 0, ok.stderr);
  const again = cli(['init', '--db', db, '--password', 'another-pass']);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already exists/);
});

test('import applies a bundle all or nothing', () => {
  const good = path.join(dir, 'good.json');
  writeFileSync(good, JSON.stringify(TEST_BUNDLE));
  const r = cli(['import', '--db', db, good]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).counters, 4);
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ service_groups: [{ code: 'ZZ', prefix: 'Z', name: 'Mới' }], counters: [{ no: 1, groups: ['NOPE'] }] }));
  const b = cli(['import', '--db', db, bad]);
  assert.equal(b.status, 1);
  assert.match(b.stderr, /group_not_found/);
  const groups = sqlite(db, "SELECT count(*) AS n FROM service_groups WHERE code = 'ZZ'");
  assert.equal(groups[0].n, 0);
  const broken = path.join(dir, 'broken.json');
  writeFileSync(broken, '{"office": ');
  const c = cli(['import', '--db', db, broken]);
  assert.equal(c.status, 2);
});

test('backup and restore: the copy serves the same office and verifies',
  sqliteOnly('a backup of the file restored to another file'), () => {
  const gz = path.join(dir, 'a.db.gz');
  const b = cli(['backup', '--db', db, gz]);
  assert.equal(b.status, 0, b.stderr);
  const head = spawnSync('gzip', ['-t', gz]);
  assert.equal(head.status, 0, 'a valid gzip file');
  const restored = path.join(dir, 'restored.db');
  const r = cli(['restore', '--db', restored, gz]);
  assert.equal(r.status, 0, r.stderr);
  const q = (f) => spawnSync('sqlite3', [f, 'SELECT group_concat(code) FROM service_groups ORDER BY id'], { encoding: 'utf8' }).stdout;
  assert.equal(q(restored), q(db));
  const again = cli(['restore', '--db', restored, gz]);
  assert.equal(again.status, 1, 'never overwrites');
  writeFileSync(path.join(dir, 'junk.gz'), 'not a backup');
  const junk = cli(['restore', '--db', path.join(dir, 'junk.db'), path.join(dir, 'junk.gz')]);
  assert.equal(junk.status, 1);
  assert.equal(existsSync(path.join(dir, 'junk.db')), false);
});

test('audit-verify detects a row edited directly in the database file', () => {
  const ok = cli(['audit-verify', '--db', db]);
  assert.equal(ok.status, 0, ok.stderr);
  sqlite(db, "UPDATE events SET details = replace(details, 'Hộ tịch', 'Hộ tich') WHERE action = 'service_group.set'",
    { json: false });
  const bad = cli(['audit-verify', '--db', db]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /does not match its hash \[audit_mismatch\]/);
  const del = newDb(dir, 'del.db');
  cli(['init', '--db', del, '--password', 'long-enough-1']);
  cli(['import', '--db', del, path.join(dir, 'good.json')]);
  sqlite(del, 'DELETE FROM events WHERE id = 2', { json: false });
  const gap = cli(['audit-verify', '--db', del]);
  assert.equal(gap.status, 1);
  assert.match(gap.stderr, /audit_gap/);
});

test('HTTPS when given a certificate and key', async () => {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', '/CN=127.0.0.1'], { encoding: 'utf8' });
  assert.equal(gen.status, 0, gen.stderr);
  const s = await startServer({ args: ['--tls-cert', cert, '--tls-key', key] });
  try {
    const body = await new Promise((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: s.port, path: '/healthz', rejectUnauthorized: false }, (res) => {
        let t = '';
        res.on('data', (d) => { t += d; });
        res.on('end', () => resolve(t));
      }).on('error', reject);
    });
    assert.equal(JSON.parse(body).status, 'ok');
  } finally {
    await s.stop();
    s.cleanup();
  }
  const half = cli(['serve', '--db', db, '--tls-cert', cert, '--port', '0']);
  assert.equal(half.status, 2, half.stderr); // a fault of the settings: exit 2, no restart loop
  assert.match(half.stderr, /go together/);
});
