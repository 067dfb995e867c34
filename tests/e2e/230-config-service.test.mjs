// motcua-server as a systemd service runs it: settings from a configuration
// file (/etc/motcua/motcua.conf) with the command line winning, each fault in
// the file refused with FILE:LINE and exit 2 before anything is done,
// READY=1 / STOPPING=1 on $NOTIFY_SOCKET (systemd's side played by
// motcua-test-notify, built under tests/tools), the journal's priority
// prefixes when $JOURNAL_STREAM is stderr, and a missing database refused
// with exit 2 and the init command to run (docs/configuration.md).
import { test, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BIN, SOURCE, SANITIZER_REPORT, ADMIN_PASSWORD, TEST_BUNDLE, cli, request, dbMade, newDb, ON_POSTGRES, sqliteOnly,
} from './lib/harness.mjs';

const NOTIFY = path.join(process.env.MOTCUA_BUILD ?? path.resolve('build'), 'tests', 'motcua-test-notify');
const dir = fs.mkdtempSync(path.join(tmpdir(), 'motcua-config-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const db = newDb(dir, 'office.db');
// Processes started here; one a failed test left running is killed before
// the next test (it would hold the database's serve lock).
const children = new Map();
afterEach(async () => {
  const left = [...children.values()];
  for (const { proc } of left) proc.kill('SIGKILL');
  await Promise.all(left.map(({ exited }) => exited));
});

function writeConf(name, text) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

// The office, made by init and import reading --db from a file.
{
  const conf = writeConf('setup.conf', `# set-up\ndb = ${db}\nport = 8080\nbackup-keep-daily = 3\n`);
  let r = cli(['init', '--config', conf, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
  const bundle = path.join(dir, 'bundle.json');
  fs.writeFileSync(bundle, JSON.stringify({ ...TEST_BUNDLE, settings: { ...TEST_BUNDLE.settings, queue_any_hour: 1 } }));
  r = cli(['import', `--config=${conf}`, bundle]);
  assert.equal(r.status, 0, r.stderr);
  r = cli(['audit-verify', '--config', conf]);
  assert.equal(r.status, 0, r.stderr);
}

// Starts `motcua-server args` and resolves when it prints its address:
// {proc, port, stderr(), exited}. stderrFd: a file descriptor for its stderr
// (else a pipe).
async function serve(args, { env = {}, stderrFd } = {}) {
  const proc = spawn(BIN, args, {
    stdio: ['ignore', 'pipe', stderrFd ?? 'pipe'],
    env: { ...process.env, NOTIFY_SOCKET: '', JOURNAL_STREAM: '', ...env },
  });
  let err = '';
  proc.stderr?.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => proc.once('exit', (code, sig) => { children.delete(proc); resolve(code ?? sig); }));
  children.set(proc, { proc, exited });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no listening line: ${err}`)), 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/[0-9.]+:(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    exited.then((code) => { clearTimeout(timer); reject(new Error(`exited ${code}: ${err}`)); });
  });
  return { proc, port, exited, stderr: () => err };
}

// SIGTERM, and the exit status (0 expected), with no sanitizer report.
async function stop(s) {
  s.proc.kill('SIGTERM');
  const code = await s.exited;
  if (SANITIZER_REPORT.test(s.stderr())) throw new Error(`sanitizer report:\n${s.stderr()}`);
  return code;
}

// A port free a moment ago.
async function freePort() {
  const srv = net.createServer();
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

test('serve takes its settings from --config; a flag on the command line wins, before or after --config', async () => {
  const port = await freePort();
  const backups = path.join(dir, 'backups');
  fs.mkdirSync(backups, { recursive: true });
  const conf = writeConf('serve.conf', [
    '\ufeff# Cấu hình thử nghiệm — máy chủ một cửa', // BOM, UTF-8 comment, CRLF lines below
    `db = ${db}`,
    `\tlisten   =   127.0.0.1  `,
    `port = ${port}`,
    'log-level = debug',
    `backup-dir = ${backups}`,
    'backup-keep-monthly = 6', // backup's key: serve skips it
    '',
  ].join('\r\n'));

  // Everything from the file: its port, its log level, its backup folder.
  let s = await serve(['serve', '--config', conf]);
  assert.equal(s.port, port, 'the port of the file');
  let r = await request(`http://127.0.0.1:${s.port}`, 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.equal(await stop(s), 0);
  // (The database may be a URI: its ? and . are no pattern.)
  const said = `debug serve: database ${db}, log level debug, backup folder ${backups}`;
  assert.ok(s.stderr().includes(said), `${said} in:\n${s.stderr()}`);

  // Flags win, wherever --config is: the port, the log level.
  const other = path.join(dir, 'other-backups');
  for (const args of [
    ['serve', '--config', conf, '--port', '0', '--log-level', 'info', '--backup-dir', other],
    ['serve', '--port', '0', '--log-level', 'info', '--backup-dir', other, `--config=${conf}`],
  ]) {
    s = await serve(args);
    assert.notEqual(s.port, port, `${args.join(' ')}: --port 0 took another port`);
    assert.equal(await stop(s), 0);
    assert.doesNotMatch(s.stderr(), / debug /, 'info: no debug lines');
    assert.match(s.stderr(), / info signal 15: stopping/);
  }
  s = await serve(['serve', '--config', conf, '--port', '0', '--backup-dir', other]);
  assert.equal(await stop(s), 0);
  assert.match(s.stderr(), new RegExp(`backup folder ${other}\n`), 'the flag\'s backup folder');

  // A file's db that does not exist, overridden by --db: serves.
  const wrong = writeConf('wrong-db.conf', `db = ${newDb(dir, 'nowhere.db', { create: false })}\nlog-level = error\n`);
  s = await serve(['serve', '--config', wrong, '--db', db, '--port', '0']);
  assert.equal(await stop(s), 0);
  assert.doesNotMatch(s.stderr(), /info/, 'log-level = error: no info lines');
});

test('the packaged motcua.conf with every setting given serves (paths moved to the test folder)', async () => {
  const text = fs.readFileSync(path.join(SOURCE, 'packaging/motcua.conf'), 'utf8');
  const lines = text.split('\n')
    .map((l) => (/^#[a-z-]+ = /.test(l) ? l.slice(1) : l)) // uncomment every optional key
    .filter((l) => !/^(tls-cert|tls-key|printer) = /.test(l)) // no certificate, no printer here
    // The key file into the test folder first: on PostgreSQL the database is
    // a URI, and the URI + ".idem-key" is no path.
    .map((l) => l.replace('/var/lib/motcua/motcua.db.idem-key', path.join(dir, 'packaged.idem-key'))
      .replace('/var/lib/motcua/motcua.db', db)
      .replace('/var/backups/motcua', dir)
      .replace(/^port = .*/, 'port = 0'));
  const keys = lines.filter((l) => /^[a-z-]+ = /.test(l)).map((l) => l.split(' = ')[0]);
  assert.ok(keys.length >= 18, `the packaged file sets ${keys.length} keys`);
  const conf = writeConf('packaged.conf', lines.join('\n'));
  const s = await serve(['serve', '--config', conf]);
  const r = await request(`http://127.0.0.1:${s.port}`, 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.equal(await stop(s), 0);
  // The same file, for backup: its own keys only, the others skipped. On
  // PostgreSQL backup refuses the database it read from the file (pg_dump
  // backs it up, docs/postgresql.md): the file was read all the same.
  const b = cli(['backup', '--config', conf]);
  if (ON_POSTGRES) {
    assert.notEqual(b.status, 0, b.stderr);
    assert.match(b.stderr, /\[backup_engine\]/);
    // Lower-case after the command's name, as backup's other English messages.
    assert.match(b.stderr, /motcua-server backup: a PostgreSQL database is backed up with pg_dump/, b.stderr);
  } else {
    assert.equal(b.status, 0, b.stderr);
  }
});

test('a fault in the file: exit 2, FILE:LINE and the reason, nothing done', () => {
  const fresh = newDb(dir, 'fresh.db');
  const cases = [
    ['typo.conf', `db = ${db}\nprot = 8080\n`, 2, /unknown key 'prot' \(did you mean 'port'\?\)/],
    ['clock.conf', `# tests\ndb = ${db}\ntest-clock = 1\n`, 3, /test-clock cannot be set in a configuration file/],
    ['noeq.conf', `db = ${db}\n\nport 8080\n`, 3, /'port 8080' has no '='/],
    ['empty.conf', `db = ${db}\nprinter =\t\n`, 2, /'printer' has an empty value/],
    ['twice.conf', `db = ${db}\r\nport = 1\r\nport = 2\r\n`, 3, /'port' given twice \(first on line 2\)/],
    ['secret.conf', `password = ${ADMIN_PASSWORD}\n`, 1, /'password' is given on the command line only/],
    // Control characters: refused, and not printed (an escape sequence in a
    // printer's name would reach doctor's output and the logs as it is).
    ['esc.conf', `db = ${db}\nprinter = ipp://127.0.0.1/\x1b[31mred\n`, 2, /a control character \(0x1B\) in column 27: a setting is one line/],
    ['cr.conf', `db = ${db}\nport = 80\r80\n`, 2, /a control character \(0x0D\) in column 10/],
    ['del.conf', `db = ${db}\nprinter = a\x7fb\n`, 2, /a control character \(0x7F\)/],
    ['tab.conf', `db = ${db}\nprinter\t=\tipp://a/\tb\n`, 2, /'printer' has a tab inside its value/],
  ];
  for (const [name, text, line, reason] of cases) {
    const conf = writeConf(name, text);
    for (const cmd of ['serve', 'backup', 'audit-verify']) {
      const r = cli([cmd, '--config', conf]);
      assert.equal(r.status, 2, `${cmd} ${name}: ${r.stderr}`);
      assert.equal(r.stdout, '', 'nothing started');
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.ok(r.stderr.startsWith(`motcua-server ${cmd}: ${conf}:${line}: `), r.stderr);
      assert.match(r.stderr, reason);
      assert.doesNotMatch(r.stderr.trimEnd(), /[\x00-\x1f\x7f]/, `nothing raw: ${JSON.stringify(r.stderr)}`);
    }
    // init creates nothing from a faulty file.
    const r = cli(['init', '--config', conf, '--db', fresh, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(dbMade(fresh), false, `${name}: no database created`);
  }

  // Unreadable: missing, a folder; --config without a file, twice.
  const missing = path.join(dir, 'missing.conf');
  let r = cli(['serve', '--config', missing]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `motcua-server serve: ${missing}: cannot read: No such file or directory\n`);
  r = cli(['serve', '--config', dir]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `motcua-server serve: ${dir}: cannot read: Is a directory\n`);
  // A FIFO or a device is refused at once, never waited on (a FIFO nobody
  // writes would block serve before it handles SIGTERM).
  const fifo = path.join(dir, 'fifo.conf');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  for (const [file, what] of [[fifo, 'a FIFO'], ['/dev/zero', 'a device']]) {
    for (const cmd of ['serve', 'doctor', 'backup']) {
      const t0 = Date.now();
      r = cli([cmd, '--config', file], { timeout: 10000 });
      assert.equal(r.status, 2, `${cmd} --config ${file}: ${r.status} ${r.stderr}`);
      assert.equal(r.stderr, `motcua-server ${cmd}: ${file}: cannot read: ${what}, not a regular file\n`);
      assert.ok(Date.now() - t0 < 5000);
    }
  }
  r = cli(['serve', '--config']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--config needs a FILE/);
  const ok = writeConf('ok.conf', `db = ${db}\n`);
  r = cli(['serve', '--config', ok, '--config', ok]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--config given twice/);
  // A value the option refuses, from the file: FILE:LINE and the key the
  // administrator wrote, as every other fault of the file; never a flag
  // nobody typed. Exit 2.
  const badport = writeConf('badport.conf', `db = ${db}\nport = eighty\n`);
  r = cli(['serve', '--config', badport]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `motcua-server serve: ${badport}:2: bad value 'eighty' for port (0 to 65535)\n`);
  const badlevel = writeConf('badlevel.conf', `db = ${db}\n\nlog-level = loud\n`);
  r = cli(['serve', '--config', badlevel]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `motcua-server serve: ${badlevel}:3: bad value 'loud' for log-level (debug, info, warn or error)\n`);
  // A comment after a value is part of it: the message says so.
  const comment = writeConf('comment.conf', `# office\ndb = ${db}\nport = 8080 # web\n`);
  for (const cmd of ['serve', 'doctor']) {
    r = cli([cmd, '--config', comment]);
    assert.equal(r.status, 2, `${cmd}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^motcua-server ${cmd}: ${comment.replace(/[.]/g, '\\.')}:3: bad value '8080 # web' for port \\(`));
    assert.match(r.stderr, /'#' starts a comment only at the start of a line/);
    assert.doesNotMatch(r.stderr, /--port/);
  }
  const badkeep = writeConf('badkeep.conf', `db = ${db}\nbackup-dir = ${dir}\nbackup-keep-daily = seven\n`);
  r = cli(['backup', '--config', badkeep]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`^motcua-server backup: ${badkeep.replace(/[.]/g, '\\.')}:3: bad value 'seven' for backup-keep-daily \\(a whole number`));
  // The same value typed on the command line names the flag, even with --config.
  r = cli(['serve', '--config', ok, '--port', 'eighty']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `motcua-server serve: bad value 'eighty' for --port (0 to 65535) (see motcua-server serve --help)\n`);
});

test('every command that takes --db takes --config, and each of its options is a key or command-line only', () => {
  // The keys and their values for a file naming them all: docs/configuration.md's table.
  const doc = fs.readFileSync(path.join(SOURCE, 'docs/configuration.md'), 'utf8');
  const table = doc.slice(doc.indexOf('\n## The keys\n'), doc.indexOf('\n### Options never read from the file\n'));
  const keys = [...table.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
  assert.ok(keys.length >= 21, `${keys.length} keys in the docs`);
  const sample = {
    db, listen: '127.0.0.1', port: '8080', 'tls-cert': path.join(dir, 'cert.pem'), 'tls-key': path.join(dir, 'key.pem'),
    printer: 'ipp://127.0.0.1:1/ipp/print', 'idempotency-key-file': path.join(dir, 'idem.key'), 'log-level': 'warn',
    'backup-dir': dir, 'heartbeat-ms': '15000', 'head-timeout-ms': '10000', 'body-timeout-ms': '30000',
  };
  const all = writeConf('all.conf', keys.map((k) => `${k} = ${sample[k] ?? '7'}`).join('\n') + '\n');

  // The commands, from the program's own list.
  const help = cli(['--help']).stdout;
  const commands = [...help.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1]);
  assert.ok(commands.includes('serve') && commands.length >= 10, help);
  const taking = [];
  for (const cmd of commands) {
    const h = cli([cmd, '--help']);
    assert.equal(h.status, 0, `${cmd} --help: ${h.stderr}`);
    // calendar's subcommands parse their own options: checked below.
    if (!/--db\b/.test(h.stdout) || cmd === 'calendar') continue;
    taking.push(cmd);
    assert.match(h.stdout, /--config/, `${cmd} --help mentions --config`);
    const r = cli([cmd, '--config', all, '--help']);
    assert.equal(r.status, 0, `${cmd} --config all.conf --help: ${r.stderr}`);
  }
  for (const cmd of ['init', 'serve', 'demo', 'import', 'audit-verify', 'backup', 'restore', 'simulate', 'doctor']) {
    assert.ok(taking.includes(cmd), `${cmd} takes --config`);
  }

  // calendar's subcommands have their own parser: --config gives them db.
  assert.match(cli(['calendar', 'holidays', '--help']).stdout + cli(['calendar', '--help']).stdout, /--config FILE/);
  let r = cli(['calendar', 'holidays', '--year', '2026', '--config', all]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^2026-01-01\toff\t/m);
  const noOffice = newDb(dir, 'no-office.db', { create: false });
  const nodb = writeConf('calendar-nodb.conf', `db = ${noOffice}\nport = 8080\n`);
  r = cli(['calendar', 'between', '--from', '2026-03-02T08:00', '--to', '2026-03-03T08:00', '--config', nodb]);
  assert.equal(r.status, 1, 'the file\'s db is read');
  if (ON_POSTGRES) assert.match(r.stderr, new RegExp(`${noOffice.match(/\/(e2e_\w+)/)[1]}.*does not exist`));
  else assert.match(r.stderr, /no-office\.db: no such database file/);
  r = cli(['calendar', 'between', '--from', '2026-03-02T08:00', '--to', '2026-03-03T08:00', '--config', nodb, '--db', db]);
  assert.equal(r.status, 0, `--db wins: ${r.stderr}`);
  r = cli(['calendar', 'due', '--from', '2026-03-02T08:00', '--days', '1', '--config', writeConf('calendar-bad.conf', `db = ${db}\ndb = ${db}\n`)]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^motcua-server calendar: .*calendar-bad\.conf:2: 'db' given twice/);
});

// Starts motcua-test-notify on addr; resolves {proc, messages, next(re)}
// once it is bound. next(re) resolves the first message (pid, fields)
// matching re.
async function notifySocket(addr) {
  const proc = spawn(NOTIFY, [addr], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(proc, { proc, exited: new Promise((resolve) => proc.once('exit', () => { children.delete(proc); resolve(); })) });
  const messages = [];
  const waiters = [];
  let buf = '';
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  await new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`motcua-test-notify exited ${code}: ${err}`)));
    proc.stdout.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'bound') { resolve(); continue; }
        const [pid, ...fields] = line.split('\t');
        const m = { pid: Number(pid), fields, text: fields.join('\n') };
        messages.push(m);
        for (const w of [...waiters]) if (w.re.test(m.text)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); }
      }
    });
  });
  const next = (re) => {
    const seen = messages.find((m) => re.test(m.text));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${re} on the notify socket; got ${JSON.stringify(messages)}`)), 20000);
      waiters.push({ re, resolve: (m) => { clearTimeout(t); resolve(m); } });
    });
  };
  return { proc, messages, next };
}

test('READY=1 once it answers, STOPPING=1 on SIGTERM, from the server\'s own pid (path and abstract sockets)', async () => {
  for (const addr of [path.join(dir, 'notify.sock'), `@motcua-test-notify-${process.pid}-${Date.now()}`]) {
    const n = await notifySocket(addr);
    const s = await serve(['serve', '--db', db, '--port', '0'], { env: { NOTIFY_SOCKET: addr } });
    const ready = await n.next(/^READY=1$/m);
    assert.match(n.messages[0].text, /^STATUS=opening the database/, 'a status while the database opens');
    assert.equal(ready.pid, s.proc.pid, 'sent by the main process (NotifyAccess=main)');
    assert.ok(ready.fields.includes(`STATUS=listening on http://127.0.0.1:${s.port}`), ready.text);
    // Ready means answering.
    const r = await request(`http://127.0.0.1:${s.port}`, 'GET', '/healthz');
    assert.equal(r.status, 200);
    assert.equal(n.messages.filter((m) => /^STOPPING=1$/m.test(m.text)).length, 0, 'not stopping yet');
    s.proc.kill('SIGTERM');
    const stopping = await n.next(/^STOPPING=1$/m);
    assert.equal(stopping.pid, s.proc.pid);
    assert.equal(await s.exited, 0);
    assert.equal(n.messages.filter((m) => /^READY=1$/m.test(m.text)).length, 1, 'READY=1 once');
    n.proc.kill('SIGTERM');
  }
  // A socket nobody listens on: a warning, and the server serves all the same.
  const s = await serve(['serve', '--db', db, '--port', '0'], { env: { NOTIFY_SOCKET: path.join(dir, 'nobody.sock') } });
  const r = await request(`http://127.0.0.1:${s.port}`, 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.equal(await stop(s), 0);
  assert.match(s.stderr(), /warn cannot tell systemd the server is ready \(NOTIFY_SOCKET\)/);
});

test('journal: priority prefixes and no timestamps when JOURNAL_STREAM is stderr, plain lines otherwise', async () => {
  const logPath = path.join(dir, 'journal.log');
  const run = async (args, stream) => {
    const fd = fs.openSync(logPath, 'w');
    const st = fs.fstatSync(fd, { bigint: true });
    const env = { JOURNAL_STREAM: stream(st) };
    const s = await serve(args, { env, stderrFd: fd });
    const r = await request(`http://127.0.0.1:${s.port}`, 'GET', '/healthz');
    assert.equal(r.status, 200);
    s.proc.kill('SIGTERM');
    const code = await s.exited;
    fs.closeSync(fd);
    return { code, text: fs.readFileSync(logPath, 'utf8') };
  };
  const mine = (st) => `${st.dev}:${st.ino}`;
  // 0.0.0.0 without TLS: a warning; debug: the settings; SIGTERM: info.
  let { code, text } = await run(['serve', '--db', db, '--port', '0', '--listen', '0.0.0.0', '--log-level', 'debug'], mine);
  assert.equal(code, 0, text);
  const lines = text.trim().split('\n');
  for (const l of lines) assert.match(l, /^<[3467]>/, `every line has a priority: ${l}`);
  assert.ok(lines.some((l) => l.startsWith('<4>motcua-server: warning: listening on 0.0.0.0 without TLS')), text);
  assert.ok(lines.some((l) => l.startsWith(`<7>serve: database ${db}`)), text);
  assert.ok(lines.includes('<6>signal 15: stopping'), text);
  assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/, 'no timestamps of its own');

  // JOURNAL_STREAM inherited but naming another file: plain lines.
  ({ code, text } = await run(['serve', '--db', db, '--port', '0'], (st) => `${st.dev}:${st.ino + 1n}`));
  assert.equal(code, 0, text);
  assert.match(text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ info signal 15: stopping$/m);
  assert.doesNotMatch(text, /^</m);

  // An error at start, under the journal: priority 3, exit 2 (on PostgreSQL
  // a missing database is a failed connection, status 1, as in e2e 08).
  const fd = fs.openSync(logPath, 'w');
  const st = fs.fstatSync(fd, { bigint: true });
  const missing = newDb(dir, 'missing.db', { create: false });
  const p = spawn(BIN, ['serve', '--db', missing], { stdio: ['ignore', 'ignore', fd], env: { ...process.env, JOURNAL_STREAM: mine(st) } });
  const exit = await new Promise((resolve) => p.once('exit', resolve));
  fs.closeSync(fd);
  assert.equal(exit, ON_POSTGRES ? 1 : 2);
  assert.match(fs.readFileSync(logPath, 'utf8'), ON_POSTGRES ? /^<3>motcua-server serve: Cannot open database .*\[db_open_failed\]$/m
    : /^<3>motcua-server serve: the database .* does not exist/);
});

test('a database that does not exist: exit 2 with the init command, and no file made',
  sqliteOnly('a missing file: its message, and no file or folder made'), () => {
  const missing = path.join(dir, 'var-lib-motcua', 'motcua.db');
  const conf = writeConf('missing-db.conf', `db = ${missing}\nport = 0\n`);
  const r = cli(['serve', '--config', conf]);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `motcua-server serve: the database ${missing} does not exist (No such file or directory): `
    + `run motcua-server init --db ${missing} --password-stdin first, as the user the server runs as, then import the office `
    + '(installed: /usr/share/doc/motcua-server/install.md; source: docs/install.md)\n');
  assert.equal(fs.existsSync(missing), false);
  assert.equal(fs.existsSync(path.dirname(missing)), false);
});
