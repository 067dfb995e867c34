// Who may do what to a dossier, what a citizen's lookup shows (and does not),
// and that tampering with a dossier row is caught by audit-verify.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli, sqlite } from './lib/harness.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';

const APPLICANT = { name: 'Trần Văn Bình', id_number: '045199008877', address: 'Thôn Tân Hợp, xã Tân Hợp',
  phone: '0987654321', email: 'binh@example.vn' };

let s;
before(async () => { s = await startServer({ bundle: DOSSIER_BUNDLE }); });
after(async () => { await s.stop(); s.cleanup(); });

const intake = (who, extra = {}) => s.as(who, 'POST', '/api/v1/dossiers', { body: { procedure: 'P5', applicant: APPLICANT, outcome: 'received', confirm_duplicate: true, ...extra } });
const act = (who, code, action, extra = {}) => s.as(who, 'POST', `/api/v1/dossiers/${code}/actions`, { body: { action, ...extra } });

test('intake: a counter clerk or supervisor receives; nobody else', async () => {
  for (const who of ['spec', 'admin', 'kiosk-1', 'board-1']) {
    const r = await intake(who);
    assert.equal(r.status, 403, `${who}: ${r.text}`);
  }
  assert.equal((await intake(null)).status, 401);
  assert.equal((await intake('clerk1')).status, 201);
  assert.equal((await intake('sup')).status, 201);
});

test('each action: only its roles get past the check', async () => {
  // [action, body, roles allowed] as in domain/dossier.c; each run on a
  // fresh dossier brought to a status where the action is allowed.
  const cases = [
    ['handover', { to_office: 'TP' }, ['clerk1', 'spec', 'sup'], []],
    ['request_supplement', { items: [{ item: 'Đơn' }] }, ['spec', 'sup'], []],
    ['supplement_received', {}, ['clerk1', 'sup'], [['sup', 'request_supplement', { items: [{ item: 'Đơn' }] }]]],
    ['send_interagency', { partner: 'CA' }, ['spec', 'sup'], []],
    ['partner_returned', {}, ['spec', 'sup'], [['sup', 'send_interagency', { partner: 'CA' }]]],
    ['await_payment', {}, ['spec', 'sup'], [['sup', 'handover', { to_office: 'TP' }]]],
    ['payment_received', {}, ['clerk1', 'spec', 'sup'], [['sup', 'handover', { to_office: 'TP' }], ['sup', 'await_payment', {}]]],
    ['result_ready', {}, ['spec', 'sup'], []],
    ['return_ineligible', { reason: 'Không đủ điều kiện' }, ['spec', 'sup'], []],
    ['apologize', { reason: 'Chậm', new_due: '2099-01-01T08:00+07:00' }, ['sup'], []],
    ['withdraw', { reason: 'Rút' }, ['clerk1', 'sup'], []],
    ['cancel', { reason: 'Quá hạn' }, ['clerk1', 'sup'], [['sup', 'request_supplement', { items: [{ item: 'Đơn' }] }]]],
    ['return_result', { collected_by: 'Trần Văn Bình', id_checked: true }, ['clerk1', 'sup'], [['sup', 'result_ready', {}]]],
  ];
  for (const [action, body, allowed, setup] of cases) {
    for (const who of ['clerk1', 'spec', 'sup', 'admin', 'kiosk-1']) {
      const code = (await intake('clerk1')).json.dossier.code;
      for (const [w, a, b] of setup) assert.equal((await act(w, code, a, b)).status, 200, `setup ${a}`);
      const r = await act(who, code, action, body);
      if (allowed.includes(who)) assert.equal(r.status, 200, `${action} as ${who}: ${r.text}`);
      else assert.equal(r.status, 403, `${action} as ${who} should be refused: ${r.status} ${r.text}`);
    }
  }
});

test('the public lookup shows no personal field and cannot tell a wrong secret from an unknown code', async () => {
  const r = (await intake('clerk1')).json;
  const code = r.dossier.code;
  const pub = await s.req('GET', `/api/v1/public/dossiers/${code}?secret=${r.secret}`);
  assert.equal(pub.status, 200);
  // Every personal value of the dossier is absent from the answer.
  for (const v of Object.values(APPLICANT)) assert.ok(!pub.text.includes(v), `leaks ${v}`);
  const staff = (await s.as('sup', 'GET', `/api/v1/dossiers/${code}`)).json;
  for (const key of ['applicant', 'documents', 'holder', 'received_by', 'history', 'returned_to']) {
    assert.ok(key in staff, `staff view has ${key}`);
    assert.ok(!(key in pub.json), `public view has no ${key}`);
  }
  assert.deepEqual(Object.keys(pub.json).sort(), ['apology', 'code', 'late', 'procedure', 'received_at', 'appointment_at', 'returned_at', 'return_office', 'status', 'status_text', 'still_needed'].sort());
  // Where to collect the result: the centre, never a person.
  assert.deepEqual(Object.keys(pub.json.return_office).sort(), ['address', 'hours', 'name']);
  const wrong = await s.req('GET', `/api/v1/public/dossiers/${code}?secret=AAAAAAAAAA`);
  const unknown = await s.req('GET', '/api/v1/public/dossiers/000.00.19.H47-260101-9999?secret=AAAAAAAAAA');
  const missing = await s.req('GET', `/api/v1/public/dossiers/${code}`);
  assert.equal(wrong.status, 404);
  assert.equal(wrong.text, unknown.text);
  assert.equal(missing.text, unknown.text);
});

test('repeated failed lookups from one address are slowed down', async () => {
  let last;
  for (let i = 0; i < 40; i++) {
    last = await s.req('GET', `/api/v1/public/dossiers/X-${i}?secret=NOPE`);
    if (last.status === 429) break;
  }
  assert.equal(last.status, 429);
  assert.equal(last.json.error.code, 'too_many_attempts');
  assert.ok(Number(last.headers['retry-after']) >= 1);
});

test('no personal field is written to the server log', async () => {
  await s.restart(); // flushes nothing special: stderr is collected as it comes
  await intake('clerk1');
  await s.stop();
  for (const v of Object.values(APPLICANT)) assert.ok(!s.stderr.includes(v), `log has ${v}`);
  await s.start();
});

test('audit-verify catches a dossier row edited behind the chain', async () => {
  const code = (await intake('clerk1')).json.dossier.code;
  await s.stop();
  const okRun = cli(['audit-verify', '--db', s.db]);
  assert.equal(okRun.status, 0, okRun.stderr);
  assert.match(okRun.stdout, /dossiers agree/);
  // Someone pushes the due date back to hide lateness.
  sqlite(s.db, `UPDATE dossiers SET due_at = due_at + 86400 WHERE code = '${code}'`, { json: false });
  const bad = cli(['audit-verify', '--db', s.db]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, new RegExp(`dossier ${code.replace(/\./g, '\\.')} differs from its last event \\(due_at\\)`));
  sqlite(s.db, `UPDATE dossiers SET due_at = due_at - 86400, status = 'returned' WHERE code = '${code}'`, { json: false });
  const bad2 = cli(['audit-verify', '--db', s.db]);
  assert.match(bad2.stderr, /\(status\)/);
  await s.start();
});

test('bad dossier input: a 4xx with the JSON error shape, and nothing changes', async () => {
  const code = (await intake('clerk1')).json.dossier.code;
  const fp = () => ({
    ...s.sql('SELECT (SELECT count(*) FROM dossiers) AS d, (SELECT count(*) FROM events) AS e, (SELECT count(*) FROM dossier_steps) AS steps')[0],
    st: s.sql('SELECT status FROM dossiers ORDER BY id').map((r) => r.status).join(),
  });
  const cases = [
    ['POST', '/api/v1/dossiers', { procedure: 'NOPE', applicant: APPLICANT, outcome: 'received' }, 404, 'procedure_not_found'],
    ['POST', '/api/v1/dossiers', { procedure: 'P5', outcome: 'received' }, 400, 'missing_field'],
    ['POST', '/api/v1/dossiers', { procedure: 'P5', applicant: { ...APPLICANT, religion: 'x' }, outcome: 'received' }, 400, 'unknown_field'],
    ['POST', '/api/v1/dossiers', { procedure: 'P5', applicant: { name: '' }, outcome: 'received' }, 400, 'invalid_field'],
    ['POST', '/api/v1/dossiers', { procedure: 'P5', applicant: APPLICANT, outcome: 'maybe' }, 400, 'invalid_outcome'],
    ['POST', '/api/v1/dossiers', { procedure: 'P5', applicant: APPLICANT, outcome: 'received', sets: 0 }, 400, 'invalid_field'],
    ['POST', '/api/v1/dossiers', { procedure: 'P5', applicant: APPLICANT, outcome: 'received', ticket_id: 999999 }, 404, 'ticket_not_found'],
    ['POST', '/api/v1/dossiers', { procedure: 'P5', applicant: APPLICANT, outcome: 'received', documents: 'all' }, 400, 'invalid_field'],
    ['POST', `/api/v1/dossiers/${code}/actions`, { action: 'teleport' }, 400, 'unknown_action'],
    ['POST', `/api/v1/dossiers/${code}/actions`, {}, 400, 'missing_field'],
    ['POST', `/api/v1/dossiers/${code}/actions`, { action: 'handover' }, 400, 'missing_field'],
    ['POST', `/api/v1/dossiers/${code}/actions`, { action: 'handover', to_office: 'NOWHERE' }, 404, 'office_not_found'],
    ['POST', `/api/v1/dossiers/${code}/actions`, { action: 'request_supplement', items: [] }, 400, 'missing_items'],
    ['POST', `/api/v1/dossiers/${code}/actions`, { action: 'apologize', reason: 'x', new_due: 'tomorrow' }, 400, 'invalid_new_due'],
    ['POST', `/api/v1/dossiers/${code}/actions`, { action: 'apologize', reason: 'x', new_due: '2000-01-01T08:00+07:00' }, 400, 'invalid_new_due'],
    ['POST', `/api/v1/dossiers/${code}/actions`, { action: 'return_result', collected_by: 'A', id_checked: true }, 409, 'action_not_allowed'],
    ['POST', '/api/v1/dossiers/NO-SUCH-CODE/actions', { action: 'result_ready' }, 404, 'dossier_not_found'],
    ['GET', '/api/v1/dossiers/NO-SUCH-CODE', undefined, 404, 'dossier_not_found'],
    ['GET', '/api/v1/dossiers?received_from=2026-13-01', undefined, 400, 'invalid_date'],
    ['GET', '/api/v1/dossiers?late=maybe', undefined, 400, 'invalid_filter'],
    ['GET', '/api/v1/ledger.csv?from=yesterday&to=today', undefined, 400, 'invalid_period'],
  ];
  for (const [method, path, body, status, errCode] of cases) {
    const before = fp();
    const r = await s.as('sup', method, path, { body });
    assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.code, errCode, path);
    assert.deepEqual(fp(), before, `${path} changed something`);
  }
});

test('an admin edits the catalogue one procedure at a time', async () => {
  const item = { code: 'P9', name: 'Cấp bản sao trích lục hộ tịch', field: 'Hộ tịch', level: 'commune',
    processing: { unit: 'same_day', amount: 0 }, fee_vnd: 8000 };
  assert.equal((await s.as('sup', 'POST', '/api/v1/procedures', { body: item })).status, 403);
  const r = await s.as('admin', 'POST', '/api/v1/procedures', { body: item });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.procedures, 1);
  const again = await s.as('admin', 'POST', '/api/v1/procedures', { body: { ...item, fee_vnd: 10000 } });
  assert.equal(again.json.procedures, 1);
  const list = await s.req('GET', '/api/v1/public/procedures?q=trich%20luc');
  assert.equal(list.json.items[0].version, 2);
  assert.equal(list.json.items[0].fee_vnd, 10000);
});
