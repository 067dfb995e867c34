// What a newcomer met in a whole office day at the counter: a dossier is
// moved on from the counter program (handover to the processing office by
// code or name, result-ready said to be the specialist's, return's refusal
// saying the next step); Vietnamese messages carry no machine codes nor
// libcurl's English (unless --verbose or --lang en); transfer takes a group's
// name (accents optional) and lists the choices; the status line names the
// groups; the shell says "f hủy" and never prompts "> >"; a printer is named
// by its name, not its URI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { openCounter, PASSWORDS } from './lib/harness.mjs';
import { Clerk, startCounterOffice } from './lib/counter.mjs';

let office;
let s;
let clerk;
let spec;

before(async () => {
  office = await startCounterOffice({ printer: { name: 'quay-1', paper: '80mm' } });
  ({ s, clerk } = office);
  spec = new Clerk(s.base);
  assert.equal((await spec.login('spec', PASSWORDS.spec)).status, 0);
});
after(async () => {
  await office?.stop();
  spec?.cleanup();
});

const ok = (r) => { assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`); return r; };
// What a Vietnamese clerk must never read: an API code (snake_case) or
// libcurl's English.
const MACHINE = /\b[a-z]+_[a-z_]+\b|Failed|Couldn't|connect to server|Could not|\bhttp \d/;

test('a dossier moves on from the counter: return says the next step, handover by name, result-ready is the specialist\'s', async () => {
  const intake = await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', outcome: 'received',
    applicant: { name: 'Trần Thị Mai', id_number: '045180003333', phone: '0914000333' } } });
  assert.equal(intake.status, 201, intake.text);
  const code = intake.json.dossier.code;

  let r = await clerk.run(['return', code, '--collected-by', 'Trần Thị Mai', '--id-checked']);
  assert.equal(r.status, 6, r.stderr);
  assert.match(r.stderr, /chưa có kết quả để trả \(trạng thái: Đã tiếp nhận\)\. Bước tiếp theo: .*motcua-counter handover/);

  // The office by its name, without accents.
  r = ok(await clerk.run(['handover', code, 'tu phap']));
  assert.match(r.stdout, /Đã chuyển cho Phòng Tư pháp\./);
  let d = (await s.as('clerk1', 'GET', `/api/v1/dossiers/${code}`)).json;
  assert.equal((d.dossier ?? d).status, 'in_process');

  r = await clerk.run(['return', code, '--collected-by', 'Trần Thị Mai', '--id-checked']);
  assert.equal(r.status, 6);
  assert.match(r.stderr, /motcua-counter result-ready/);

  // An office nobody has: the choices are listed.
  r = await clerk.run(['handover', code, 'Phòng Không Có']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /TP — Phòng Tư pháp/);
  assert.match(r.stderr, /TNMT — Phòng Tài nguyên và Môi trường/);

  // A counter clerk may not record the result: who may is said.
  r = await clerk.run(['result-ready', code]);
  assert.equal(r.status, 5, r.stderr);
  assert.match(r.stderr, /Chỉ chuyên viên xử lý hoặc người giám sát/);
  assert.doesNotMatch(r.stderr, MACHINE);

  r = ok(await spec.run(['result-ready', code]));
  assert.match(r.stdout, /motcua-counter return/);

  ok(await clerk.run(['counter', 'open', '1']));
  r = ok(await clerk.run(['return', code, '--collected-by', 'Trần Thị Mai', '--id-checked']));
  assert.match(r.stdout, /Đã trả kết quả hồ sơ/);
  assert.match(r.stdout, /trên máy in "quay-1"/, 'the printer by its name');
  assert.doesNotMatch(r.stdout, /ipp:\/\//);
  r = ok(await clerk.run(['printers']));
  assert.match(r.stdout, /Quầy này in trên máy in "quay-1" \(do máy chủ gán cho quầy\)/);
  assert.doesNotMatch(r.stdout, /ipp:\/\//);
});

test('server down and a bad group: Vietnamese only, no machine code nor English', async () => {
  const port = await new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
  });
  let r = await clerk.run(['--server', `http://127.0.0.1:${port}`, 'status']);
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, new RegExp(`^Không kết nối được máy chủ http://127\\.0\\.0\\.1:${port}\\. `));
  assert.doesNotMatch(r.stderr, MACHINE);
  r = await clerk.run(['--server', `http://127.0.0.1:${port}`, '--verbose', 'status']);
  assert.match(r.stderr, /\(.*[Cc]onnect.*\)/, '--verbose keeps the detail');
  r = await clerk.run(['--server', `http://127.0.0.1:${port}`, '--lang', 'en', 'status']);
  assert.match(r.stderr, /Cannot reach the server .*\(.*\)/, 'English keeps the detail');

  assert.equal((await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).status, 201);
  ok(await clerk.run(['counter', 'open', '2']));
  assert.match(ok(await clerk.run(['next'])).stdout, /Mời số A001/);
  r = await clerk.run(['transfer', 'Khai sinh lạ']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /Chứng thực \(CT\), Hộ tịch \(HT\), Trả kết quả \(TK\)/, 'the choices');
  assert.doesNotMatch(r.stderr, MACHINE);
  await openCounter(s, 'clerk2', 3);
  r = await clerk.run(['counter', 'open', '3']);
  assert.equal(r.status, 5, r.stderr);
  assert.doesNotMatch(r.stderr, MACHINE);

  // By its name, accents optional.
  r = ok(await clerk.run(['transfer', 'ho tich']));
  assert.match(r.stdout, /Đã chuyển số A001 sang nhóm Hộ tịch/);
  const q = (await s.req('GET', '/api/v1/queue')).json;
  assert.ok(q.groups.find((g) => g.code === 'HT').next.includes('A001'), 'A001 waits in Hộ tịch');
  r = ok(await clerk.run(['status']));
  assert.match(r.stdout, /Chứng thực: 0 người chờ · Hộ tịch: 1 người chờ/);
});

test('shell: "f hủy" cancels, the help speaks Vietnamese, the prompt is never doubled', async () => {
  for (let i = 0; i < 2; i++) assert.equal((await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).status, 201);
  ok(await clerk.run(['counter', 'open', '1']));
  const p = clerk.spawnTerminal(['shell']);
  let out = '';
  p.stdout.on('data', (d) => { out += d; });
  p.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => p.on('close', resolve));
  const until = async (re, from = 0) => {
    const deadline = Date.now() + 10000;
    while (!re.test(out.slice(from))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; output:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    await until(/Chứng thực: 2 người chờ/);
    let mark = out.length;
    p.stdin.write('n\n');
    await until(/Mời số A00\d đến quầy 1/, mark);
    await until(/đang phục vụ: A00\d/, mark);
    mark = out.length;
    p.stdin.write('f hủy\n');
    await until(/Đã kết thúc số A00\d \(hủy lượt\)/, mark);
    await until(/đang phục vụ: —/, mark);
    mark = out.length;
    p.stdin.write('t ho tich\n');
    await until(/> /, mark);
    p.stdin.write('q\n');
    const rc = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10000))]);
    assert.equal(rc, 0, out);
  } finally {
    p.kill();
  }
  // What the clerk sees, without the terminal's control sequences.
  const seen = out.replace(/\r|\x1b\[K/g, '');
  assert.match(seen, /f hủy/);
  assert.doesNotMatch(seen, /f removed/);
  assert.doesNotMatch(seen, />\s*>/, `no doubled prompt:\n${seen}`);
});
