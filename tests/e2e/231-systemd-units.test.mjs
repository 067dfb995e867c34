// The systemd units of the package (packaging/systemd): `systemd-analyze
// verify` accepts them without a single warning, they say what the service
// needs (docs/configuration.md), the timer fires at night office time, and
// `systemd-analyze security` rates the two services' sandbox "OK".
// verify checks that ExecStart's binary exists: it runs on copies whose
// /usr/bin/motcua-server is this build's, after checking that the originals
// name /usr/bin/motcua-server. No systemd-analyze is a failure, not a skip.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, SOURCE } from './lib/harness.mjs';

const UNITS = ['motcua-server.service', 'motcua-backup.service', 'motcua-backup.timer'];
const src = (name) => path.join(SOURCE, 'packaging/systemd', name);
const dir = fs.mkdtempSync(path.join(tmpdir(), 'motcua-units-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function analyze(args) {
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' } });
  if (r.error) throw new Error(`systemd-analyze: ${r.error.message} (scripts/deps installs systemd)`);
  return r;
}

// "[Section] Key" → [values], comments and blank lines skipped.
function parseUnit(text) {
  const out = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = line.match(/^\[(.+)\]$/);
    if (m) { section = m[1]; continue; }
    const eq = line.indexOf('=');
    assert.ok(eq > 0, `not key=value: ${line}`);
    const key = `[${section}] ${line.slice(0, eq)}`;
    (out[key] ??= []).push(line.slice(eq + 1));
  }
  return out;
}
const units = Object.fromEntries(UNITS.map((u) => [u, parseUnit(fs.readFileSync(src(u), 'utf8'))]));
const one = (unit, key) => {
  const v = units[unit][key];
  assert.ok(v, `${unit}: no ${key}`);
  assert.equal(v.length, 1, `${unit}: ${key} given ${v.length} times`);
  return v[0];
};

// The copies verify and security read: this build's binary in ExecStart.
for (const u of UNITS) {
  fs.writeFileSync(path.join(dir, u), fs.readFileSync(src(u), 'utf8').replaceAll('/usr/bin/motcua-server', BIN));
}

test('systemd-analyze verify: the three units, with this build\'s binary, without a warning', () => {
  const r = analyze(['verify', '--man=no', ...UNITS.map((u) => path.join(dir, u))]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.trim(), '', 'not one warning');

  // The check can fail: a binary that is not there, a misplaced key.
  const broken = path.join(dir, 'broken');
  fs.mkdirSync(broken);
  fs.writeFileSync(path.join(broken, 'motcua-server.service'),
    fs.readFileSync(src('motcua-server.service'), 'utf8').replaceAll('/usr/bin/motcua-server', path.join(dir, 'no-such-binary')));
  let b = analyze(['verify', '--man=no', path.join(broken, 'motcua-server.service')]);
  assert.notEqual(b.status, 0);
  assert.match(b.stderr, /no-such-binary/);
  fs.writeFileSync(path.join(broken, 'motcua-backup.service'),
    fs.readFileSync(path.join(dir, 'motcua-backup.service'), 'utf8').replace('[Service]', '[Service]\nOnCalendar=daily'));
  b = analyze(['verify', '--man=no', path.join(broken, 'motcua-backup.service')]);
  assert.match(b.stderr, /OnCalendar/, 'a key in the wrong section is reported');
});

test('the units run /usr/bin/motcua-server with /etc/motcua/motcua.conf, as the user motcua', () => {
  assert.equal(one('motcua-server.service', '[Service] ExecStart'), '/usr/bin/motcua-server serve --config /etc/motcua/motcua.conf');
  assert.equal(one('motcua-backup.service', '[Service] ExecStart'), '/usr/bin/motcua-server backup --config /etc/motcua/motcua.conf');
  for (const u of ['motcua-server.service', 'motcua-backup.service']) {
    assert.equal(one(u, '[Service] User'), 'motcua');
    assert.equal(one(u, '[Service] Group'), 'motcua');
    assert.equal(one(u, '[Service] StateDirectory'), 'motcua', `${u}: /var/lib/motcua`);
    assert.equal(one(u, '[Service] ProtectSystem'), 'strict');
    assert.equal(one(u, '[Service] ProtectHome'), 'yes');
    assert.equal(one(u, '[Service] PrivateTmp'), 'yes');
    assert.equal(one(u, '[Service] NoNewPrivileges'), 'yes');
    assert.equal(one(u, '[Service] UMask'), '0077', 'the files hold personal data');
  }
  // Every command line of the units is one the program takes.
  const conf = fs.readFileSync(path.join(SOURCE, 'packaging/motcua.conf'), 'utf8');
  assert.match(conf, /^db = \/var\/lib\/motcua\/motcua\.db$/m, 'the database in StateDirectory');
  assert.match(conf, /^backup-dir = \/var\/backups\/motcua$/m, 'the backups where the backup unit may write');
});

test('motcua-server.service: notify, restarts on failure but not on exit 2, file and port limits', () => {
  const u = 'motcua-server.service';
  assert.equal(one(u, '[Service] Type'), 'notify');
  assert.equal(one(u, '[Service] Restart'), 'on-failure');
  assert.ok(one(u, '[Service] RestartPreventExitStatus').split(/\s+/).includes('2'), 'exit 2 (settings, no database) is not retried');
  assert.equal(one(u, '[Service] LimitNOFILE'), '65536');
  // Readiness waits for the upgrade's migration: more than systemd's 90 s default.
  assert.match(one(u, '[Service] TimeoutStartSec'), /^(\d+min|infinity)$/);
  assert.equal(one(u, '[Service] AmbientCapabilities'), 'CAP_NET_BIND_SERVICE');
  assert.equal(one(u, '[Service] CapabilityBoundingSet'), 'CAP_NET_BIND_SERVICE', 'no other capability');
  assert.equal(one(u, '[Install] WantedBy'), 'multi-user.target');
  assert.deepEqual(units[u]['[Service] ReadWritePaths'], undefined, 'writes only its StateDirectory');
});

test('motcua-backup.service and its timer: one-shot into /var/backups/motcua, every night at office time', () => {
  const s = 'motcua-backup.service';
  assert.equal(one(s, '[Service] Type'), 'oneshot');
  assert.equal(one(s, '[Service] ReadWritePaths'), '/var/backups/motcua');
  assert.equal(units[s]['[Install] WantedBy'], undefined, 'started by the timer only');

  const t = 'motcua-backup.timer';
  assert.equal(one(t, '[Timer] Persistent'), 'true', 'a night missed while off is made up');
  assert.equal(one(t, '[Timer] Unit'), s);
  assert.equal(one(t, '[Install] WantedBy'), 'timers.target');
  const delay = one(t, '[Timer] RandomizedDelaySec').match(/^(\d+)(min|h|s)?$/);
  assert.ok(delay, 'RandomizedDelaySec');
  const delayMin = Number(delay[1]) * ({ min: 1, h: 60, s: 1 / 60 }[delay[2] ?? 's']);
  assert.ok(delayMin > 0 && delayMin <= 60, `randomized within the night: ${delayMin} min`);

  // The next elapses, in office time (UTC+7, no daylight saving): at night,
  // whatever this machine's time zone.
  const when = one(t, '[Timer] OnCalendar');
  const r = analyze(['calendar', '--iterations=3', when]);
  assert.equal(r.status, 0, r.stderr);
  const times = [...r.stdout.matchAll(/(?:Next elapse|Iter\. #\d): \w+ (\d{4}-\d\d-\d\d) (\d\d):(\d\d):\d\d UTC/g)];
  assert.equal(times.length, 3, r.stdout);
  let previous = null;
  for (const [, date, hh, mm] of times) {
    const office = (Number(hh) + 7) % 24 + Number(mm) / 60;
    assert.ok(office >= 0 && office + delayMin / 60 <= 5, `${date} ${hh}:${mm} UTC is ${office.toFixed(2)} h office time: not at night`);
    const day = Date.parse(`${date}T${hh}:${mm}:00Z`);
    if (previous !== null) assert.equal(day - previous, 86400000, 'once a day');
    previous = day;
  }
});

test('systemd-analyze security: both services\' sandboxes rated below 2.5 ("OK")', () => {
  for (const u of ['motcua-server.service', 'motcua-backup.service']) {
    const r = analyze(['security', '--offline=yes', '--no-pager', path.join(dir, u)]);
    const m = `${r.stdout}\n${r.stderr}`.match(new RegExp(`Overall exposure level for ${u.replace('.', '\\.')}: (\\d+\\.\\d)`));
    assert.ok(m, `no exposure level: ${r.stdout.slice(-500)} ${r.stderr}`);
    assert.ok(Number(m[1]) < 2.5, `${u}: exposure ${m[1]}`);
  }
});
