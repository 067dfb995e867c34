// The HTTP side of tests/package/run: what a centre does with the office
// served from the installed package (run on the host, the server listens on
// 127.0.0.1 inside the chroot; loopback is shared).
//
//   node client.mjs smoke BASE IMPORT.json SPOOL OUT.json
//     At Khe Sanh's centre of the installed demo bundle: the kiosk issues a
//     ticket, clerk ks.motcua1 opens counter 1 and calls it, receives a
//     dossier (intake, outcome received), prints Mẫu 01 to the test printer
//     (a new file in SPOOL whose text holds the dossier code), finishes the
//     ticket; the citizen looks the dossier up with its secret. Writes
//     {ticket, dossier, secret} to OUT.json. Exit 0 when every step held.
//   node client.mjs load BASE IMPORT.json ACKS STOPFILE [MAX]
//     Issues tickets at kiosk-ks one after another (about every 50 ms) until
//     STOPFILE exists or MAX requests were made (default 300): the client
//     the upgrade must not lose. Each acknowledged ticket (201) is appended
//     to ACKS as one JSON line {id, number, label} as soon as it is
//     answered; a refused connection or an error counts as a request and
//     is retried. Exit 0 (the checks are the caller's).
import { readFileSync, readdirSync, existsSync, appendFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { request } from '../e2e/lib/harness.mjs';

const [mode, base, importFile, ...rest] = process.argv.slice(2);
const devices = Object.fromEntries(JSON.parse(readFileSync(importFile, 'utf8')).devices_created
  .map((d) => [d.name, d.token]));
const KIOSK = devices['kiosk-ks'];
const CLERK = { username: 'ks.motcua1', password: 'ks.motcua1-demo' }; // data/demo-bundle.json
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fail(what, r) {
  console.error(`client: ${what}: ${r ? `${r.status} ${r.text}` : ''}`);
  process.exit(1);
}
const expect = (r, status, what) => {
  if (r.status !== status) fail(what, r);
  console.log(`client: ${what}: ${r.status}`);
  return r.json;
};
const spooled = (spool) => (existsSync(spool) ? readdirSync(spool).sort() : []);

async function smoke([spool, out]) {
  if (!KIOSK) fail('the import named no kiosk-ks token');
  const login = expect(await request(base, 'POST', '/api/v1/session', { body: CLERK }), 201, `login ${CLERK.username}`);
  const token = login.token;
  expect(await request(base, 'POST', '/api/v1/counters/1/state', { token, body: { state: 'open' } }), 200, 'counter 1 opened');
  const issued = expect(await request(base, 'POST', '/api/v1/tickets', { token: KIOSK, body: { group: 'CT' } }), 201,
    'a ticket issued at kiosk-ks');
  const ticket = issued.ticket;
  const called = expect(await request(base, 'POST', '/api/v1/counters/1/call', { token, body: {} }), 200, 'called at counter 1');
  if (called.ticket?.label !== ticket.label) fail(`counter 1 called ${called.ticket?.label}, not ${ticket.label}`);
  const applicant = { name: 'Hồ Thị Minh Nguyệt', id_number: '045191003344', address: 'Khóm 5, Khe Sanh', phone: '0915222333' };
  const intake = expect(await request(base, 'POST', '/api/v1/dossiers', { token, body: {
    procedure: '2.000815', outcome: 'received', applicant, confirm_duplicate: true,
    documents: [{ name: 'Bản chính giấy tờ, văn bản làm cơ sở chứng thực', kind: 'original', count: 1 },
      { name: 'Bản sao cần chứng thực', kind: 'copy', count: 1 }] } }), 201, 'dossier received (intake)');
  const code = intake.dossier.code;
  const secret = intake.secret;
  if (!code || !secret) fail(`intake answered no code or secret: ${JSON.stringify(intake)}`);
  const before = new Set(spooled(spool));
  expect(await request(base, 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/print`, { token,
    body: { form: 'mau-01', copies: 1 } }), 202, 'Mẫu 01 sent to the printer');
  // The printer keeps each job as a file: one whose text holds the code.
  let found = null;
  for (let i = 0; i < 150 && !found; i++) {
    for (const f of spooled(spool).filter((x) => !before.has(x))) {
      const t = spawnSync('pdftotext', [path.join(spool, f), '-'], { encoding: 'utf8' });
      if (t.status === 0 && t.stdout.includes(code)) found = f;
    }
    if (!found) await sleep(200);
  }
  if (!found) fail(`no job holding ${code} reached the printer (spool: ${spooled(spool).join(' ')})`);
  console.log(`client: the printer received Mẫu 01 of ${code}: ${found}`);
  expect(await request(base, 'POST', '/api/v1/counters/1/finish', { token, body: { outcome: 'served' } }), 200,
    'ticket finished as served');
  const look = expect(await request(base, 'GET', `/api/v1/public/dossiers/${encodeURIComponent(code)}?secret=${secret}`),
    200, 'citizen status lookup with the secret');
  if (look.code !== code) fail(`the lookup answered ${look.code}, not ${code}`);
  const wrong = await request(base, 'GET', `/api/v1/public/dossiers/${encodeURIComponent(code)}?secret=WRONG`);
  if (wrong.status !== 404) fail('a wrong secret is not found', wrong);
  writeFileSync(out, JSON.stringify({ ticket: { id: ticket.id, number: ticket.number, label: ticket.label }, dossier: code, secret }));
}

async function load([acks, stopFile, max = '300']) {
  let made = 0;
  let acked = 0;
  let errors = 0;
  while (made < Number(max) && !existsSync(stopFile)) {
    made++;
    try {
      const r = await request(base, 'POST', '/api/v1/tickets', { token: KIOSK, body: { group: 'HT' }, timeout: 10000 });
      if (r.status === 201) {
        acked++;
        const t = r.json.ticket;
        appendFileSync(acks, `${JSON.stringify({ id: t.id, number: t.number, label: t.label })}\n`);
      } else errors++;
    } catch {
      errors++; // the server is restarting: the connection is refused
    }
    await sleep(50);
  }
  console.log(`client: ${made} requests, ${acked} tickets acknowledged, ${errors} refused or failed`);
}

if (mode === 'smoke') await smoke(rest);
else if (mode === 'load') await load(rest);
else { console.error('usage: client.mjs smoke|load BASE IMPORT.json ...'); process.exit(2); }
