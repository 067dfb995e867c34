// tsan: yes
// Idempotency-Key: a retry gets the first answer; the same key with another
// request is refused (409), never answered with the first one; and the stored
// answers keep no secret in clear, in the database file or in a backup.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startServer, cli, newDb, sqliteOnly, ADMIN_PASSWORD } from './lib/harness.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';

const applicant = (name, id) => ({ name, id_number: id, address: 'Khối 2, thị trấn Khe Sanh', phone: '0912345678' });

let s;
before(async () => { s = await startServer({ bundle: DOSSIER_BUNDLE }); });
after(async () => { await s.stop(); s.cleanup(); });

const intake = (key, name, id) => s.as('clerk1', 'POST', '/api/v1/dossiers', {
  headers: { 'Idempotency-Key': key },
  body: { procedure: 'P3', applicant: applicant(name, id), outcome: 'received', confirm_duplicate: true },
});

test('the same key with another citizen\'s dossier is refused, not answered with the first', async () => {
  const first = await intake('desk1-0001', 'Nguyễn Thị Hường', '045187001234');
  assert.equal(first.status, 201, first.text);
  const again = await intake('desk1-0001', 'Nguyễn Thị Hường', '045187001234');
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.dossier.code, first.json.dossier.code, 'a retry gets the first answer');
  assert.equal(again.json.secret, first.json.secret);

  const other = await intake('desk1-0001', 'Trần Văn Bình', '045190009876');
  assert.equal(other.status, 409, `the second citizen must be told, got ${other.status} ${other.text}`);
  assert.equal(other.json.error.code, 'idempotency_key_reused');
  const list = await s.as('sup', 'GET', '/api/v1/dossiers?limit=50');
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.total, 1, 'nothing was created by the refused request');
  // With a new key the second citizen's dossier is created.
  const second = await intake('desk1-0002', 'Trần Văn Bình', '045190009876');
  assert.equal(second.status, 201, second.text);
  assert.notEqual(second.json.dossier.code, first.json.dossier.code);
});

let secret; // the lookup secret of desk1-0100's dossier
test('stored answers keep no lookup secret in clear', async () => {
  const r = await intake('desk1-0100', 'Lê Thị Cúc', '045188004321');
  assert.equal(r.status, 201, r.text);
  secret = r.json.secret;
  assert.match(secret, /^[A-Z2-9]{10}$/);
  // The replay still carries it (from the sealed record).
  const again = await intake('desk1-0100', 'Lê Thị Cúc', '045188004321');
  assert.equal(again.json.secret, secret);

  const rows = s.sql("SELECT body FROM idempotency WHERE key = 'desk1-0100'");
  assert.equal(rows.length, 1);
  assert.ok(!rows[0].body.includes(secret), 'the record holds the secret in clear');
});

test('nor in the database file, its WAL or a backup; the key beside the file is 0600',
  sqliteOnly('the file, its WAL, its backup and the key file named after it'), () => {
  assert.ok(secret, 'the test before made a dossier');
  for (const f of [s.db, `${s.db}-wal`]) {
    if (!existsSync(f)) continue;
    assert.ok(!readFileSync(f).includes(Buffer.from(secret)), `${path.basename(f)} holds the secret in clear`);
  }
  const gz = path.join(s.dir, 'backup.db.gz');
  const b = cli(['backup', '--db', s.db, gz]);
  assert.equal(b.status, 0, b.stderr);
  assert.ok(!gunzipSync(readFileSync(gz)).includes(Buffer.from(secret)), 'the backup holds the secret in clear');

  // The key lives next to the database, readable by the server's user only.
  const keyFile = `${s.db}.idem-key`;
  assert.ok(existsSync(keyFile));
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
});

test('without the key file that sealed them, old keys are refused politely', async () => {
  const r = await intake('desk1-0200', 'Phạm Văn Dũng', '045170001111');
  assert.equal(r.status, 201, r.text);
  const before = (await s.as('sup', 'GET', '/api/v1/dossiers?limit=1')).json.total;
  await s.stop();
  // A restore on a machine without the key file: the server makes a new one.
  await s.start(['--idempotency-key-file', path.join(s.dir, 'new.idem-key')]);
  s.tokens = {};
  const again = await intake('desk1-0200', 'Phạm Văn Dũng', '045170001111');
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error.code, 'idempotency_key_unavailable');
  assert.equal((await s.as('sup', 'GET', '/api/v1/dossiers?limit=1')).json.total, before, 'the refused retry created nothing');
  // New keys work as ever.
  const fresh = await intake('desk1-0201', 'Phạm Văn Dũng', '045170001111');
  assert.equal(fresh.status, 201, fresh.text);
});

test('a malformed key file stops the server at start with a clear reason', () => {
  const bad = path.join(s.dir, 'bad.idem-key');
  writeFileSync(bad, 'not a key\n', { mode: 0o600 });
  // A database of its own: the harness's is served already (one server a file).
  const db = newDb(s.dir, 'other.db');
  assert.equal(cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` }).status, 0);
  const r = cli(['serve', '--db', db, '--port', '0', '--idempotency-key-file', bad]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /idempotency_key_file/);
});
