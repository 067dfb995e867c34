// packaging/deb/postinst reuses an existing `motcua` account, but names one
// that is not a system account (UID outside the system range, or a login
// shell) loudly on stderr: it would own the office's personal data. The
// postinst's motcua_check_account runs here with a stub getent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SOURCE } from './lib/harness.mjs';

const postinst = readFileSync(path.join(SOURCE, 'packaging/deb/postinst'), 'utf8');
const fn = /^motcua_check_account\(\) \{\n[\s\S]*?\n\}\n/m.exec(postinst);

function check(t, entry) {
  const dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'getent'), `#!/bin/sh\necho '${entry}'\n`);
  chmodSync(path.join(dir, 'getent'), 0o755);
  const r = spawnSync('sh', ['-c', `set -e\n${fn[0]}\nmotcua_check_account\necho done`],
    { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /done/);
  return r.stderr;
}

test('the postinst has the account check and calls it for an existing account', () => {
  assert.ok(fn, 'motcua_check_account() in packaging/deb/postinst');
  assert.match(postinst, /else\n\t\tmotcua_check_account\n/);
});

test('a system account is reused silently', (t) => {
  assert.equal(check(t, 'motcua:x:120:125::/var/lib/motcua:/usr/sbin/nologin'), '');
});

for (const [entry, why] of [
  ['motcua:x:1000:1000:Motcua Person,,,:/home/motcua:/bin/bash', /UID 1000 is outside the system range .*login shell \/bin\/bash/],
  ['motcua:x:130:130::/var/lib/motcua:/bin/bash', /login shell \/bin\/bash/],
  ['motcua:x:1001:1001::/var/lib/motcua:/usr/sbin/nologin', /UID 1001 is outside the system range/],
]) {
  test(`an account that is not a system account is warned about (${entry})`, (t) => {
    const err = check(t, entry);
    assert.match(err, /WARNING: the existing account 'motcua' is not a system account/);
    assert.match(err, why);
    assert.match(err, /dpkg-reconfigure motcua-server/);
  });
}
