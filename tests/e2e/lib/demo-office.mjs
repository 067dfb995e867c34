// The single demo office of before the province (tests/fixtures/
// demo-office-bundle.json: one centre, 7 groups, 7 counters, 40 procedures)
// for the screen tests, served on a fresh database. The demo itself is a
// province now (data/demo-bundle.json, tests/e2e/91-demo-province). Its kiosk
// does not print here (no printer in these tests); `simulateDays` adds the
// simulated history (late dossiers, ratings) before the server starts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, newDb, request, Server, SOURCE, ADMIN_PASSWORD } from './harness.mjs';

export const DEMO_KIOSK = 'kiosk-sanh-chinh';
export const DEMO_BOARD = 'bang-sanh-chinh';

// Resolves the served demo office (a harness Server, with .devices and
// .asDemo(username, method, path, opts) logging in with the demo password).
export async function startDemoOffice({ simulateDays = 0, args = [] } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-'));
  const db = newDb(dir, 'office.db');
  const bundle = JSON.parse(readFileSync(path.join(SOURCE, 'tests/fixtures/demo-office-bundle.json'), 'utf8'));
  for (const d of bundle.devices) if (d.kind === 'kiosk') { d.prints = false; delete d.printer; }
  // Screen tests run at any hour on the real clock (see startServer).
  bundle.settings = { queue_any_hour: 1, ...bundle.settings };
  const bundlePath = path.join(dir, 'bundle.json');
  writeFileSync(bundlePath, JSON.stringify(bundle));
  let r = cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
  if (r.status !== 0) throw new Error(`init: ${r.stderr}`);
  r = cli(['import', '--db', db, bundlePath]);
  if (r.status !== 0) throw new Error(`import: ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  if (simulateDays > 0) {
    r = cli(['simulate', '--db', db, '--days', String(simulateDays), '--seed', '1']);
    if (r.status !== 0) throw new Error(`simulate: ${r.stderr}`);
  }
  const s = new Server(dir, db);
  s.extraArgs = args;
  s.devices = Object.fromEntries(report.devices_created.map((d) => [d.name, d.token]));
  await s.start();
  const tokens = {};
  s.asDemo = async (who, method, p, opts = {}) => {
    let token = s.devices[who];
    if (!token) {
      if (!tokens[who]) {
        const l = await request(s.base, 'POST', '/api/v1/session',
          { body: { username: who, password: `${who}-demo` } });
        if (l.status !== 201) throw new Error(`login ${who}: ${l.status} ${l.text}`);
        tokens[who] = l.json.token;
      }
      token = tokens[who];
    }
    return request(s.base, method, p, { ...opts, token });
  };
  return s;
}
