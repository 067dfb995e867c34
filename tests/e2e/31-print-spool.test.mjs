// tsan: yes
// The persistent print spool on a real IPP printer: while the printer is off
// jobs queue up and staff see why; they survive a server restart; when the
// printer is back every job completes exactly once. A failed job goes back to
// the queue on retry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_BUNDLE, cli } from './lib/harness.mjs';
import { startWithPrinter, waitFor } from './lib/printer.mjs';

let office;
let s;
let printer;

before(async () => {
  office = await startWithPrinter((uri) => ({
    printers: [
      { name: 'hall', target: uri, format: 'pdf', paper: '80mm', default: true },
      { name: 'broken', target: 'ipps://%%%', format: 'pdf', paper: '58mm' },
    ],
    counters: TEST_BUNDLE.counters.map((c) => (c.no === 1 ? { ...c, printer: 'hall' } : c)),
  }));
  ({ s, printer } = office);
});

after(async () => { await office?.stop(); });

const job = async (id) => (await s.as('sup', 'GET', `/api/v1/print-jobs/${id}`)).json.job;

// True once nothing for printer `name` is left in the spool to send or follow:
// every send is over when its job is recorded done or failed, so the printer
// then holds every file it will ever get from us.
const spoolIdle = async (name) => {
  for (const state of ['queued', 'sending', 'printing']) {
    const r = await s.as('sup', 'GET', `/api/v1/print-jobs?printer=${name}&state=${state}`);
    if (r.status !== 200 || r.json.total !== 0) return false;
  }
  return true;
};

test('printers are listed with their live state', async () => {
  const r = await waitFor(async () => {
    const l = await s.as('clerk1', 'GET', '/api/v1/printers');
    return l.json.items.find((p) => p.name === 'hall')?.status ? l : null;
  }, 15000, 'a first check of the printer');
  const hall = r.json.items.find((p) => p.name === 'hall');
  assert.equal(hall.default, true);
  assert.equal(hall.target, printer.uri);
  assert.deepEqual(hall.counters, [1]);
  assert.equal(hall.status.reachable, true);
  assert.equal(hall.status.state, 'idle');
  const counters = await s.as('admin', 'GET', '/api/v1/counters');
  assert.equal(counters.json.items.find((c) => c.no === 1).printer, 'hall');
  assert.equal(counters.json.items.find((c) => c.no === 2).printer, null);
});

test('printer off: jobs queue up with the reason, survive a restart, print exactly once', async () => {
  const before = printer.pdfs().length;
  printer.off();
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const r = await s.as('admin', 'POST', '/api/v1/printers/hall/test');
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.job.state, 'queued');
    ids.push(r.json.job.id);
  }
  // The worker tried, found the printer away, and says so on every job.
  await waitFor(async () => {
    const jobs = await Promise.all(ids.map(job));
    return jobs.every((j) => j.state === 'queued' && /offline/.test(j.printer_reasons ?? ''));
  }, 15000, 'the jobs to show the printer offline');
  const first = await job(ids[0]);
  assert.ok(first.attempts >= 1);
  assert.ok(first.last_error);
  assert.ok(first.next_try_at >= first.updated_at);
  const queued = await s.as('clerk1', 'GET', '/api/v1/print-jobs?state=queued&printer=hall');
  assert.equal(queued.json.total, 3);
  const printers = await s.as('clerk1', 'GET', '/api/v1/printers');
  const hall = printers.json.items.find((p) => p.name === 'hall');
  assert.equal(hall.status.reachable, false);
  assert.match(hall.status.reasons, /offline/);
  assert.equal(hall.jobs.queued, 3);

  // A restart while the printer is still off loses nothing.
  await s.restart();
  const after = await s.as('clerk1', 'GET', '/api/v1/print-jobs?printer=hall&kind=test');
  assert.equal(after.json.total, 3);
  assert.ok(after.json.items.every((j) => j.state === 'queued'));
  assert.equal(printer.pdfs().length, before);

  // The printer is back: every job completes, each exactly once.
  printer.on();
  await waitFor(async () => (await Promise.all(ids.map(job))).every((j) => j.state === 'done'),
    70000, 'every job to complete');
  const done = await Promise.all(ids.map(job));
  assert.equal(new Set(done.map((j) => j.cups_job_id)).size, 3);
  await waitFor(() => spoolIdle('hall'), 15000, 'nothing left to send to the printer');
  assert.equal(printer.pdfs().length, before + 3, 'three PDFs, no duplicate');
});

test('a failed job is retried by staff after the printer is fixed', async () => {
  const r = await s.as('admin', 'POST', '/api/v1/printers/broken/test');
  assert.equal(r.status, 202);
  const failed = await waitFor(async () => {
    const j = await job(r.json.job.id);
    return j.state === 'failed' ? j : null;
  }, 15000, 'the job to fail');
  assert.ok(failed.last_error);
  const list = await s.as('clerk1', 'GET', '/api/v1/print-jobs?state=failed');
  assert.ok(list.json.items.some((j) => j.id === failed.id));

  // Only failed jobs can be retried; specialists cannot retry.
  assert.equal((await s.as('spec', 'POST', `/api/v1/print-jobs/${failed.id}/retry`)).status, 403);
  const before = printer.pdfs().length;
  const fix = await s.as('admin', 'PATCH', '/api/v1/printers/broken', { body: { target: printer.uri } });
  assert.equal(fix.status, 200, fix.text);
  const retry = await s.as('clerk1', 'POST', `/api/v1/print-jobs/${failed.id}/retry`);
  assert.equal(retry.status, 200, retry.text);
  assert.equal(retry.json.job.state, 'queued');
  await waitFor(async () => (await job(failed.id)).state === 'done', 15000, 'the retried job');
  assert.equal(printer.pdfs().length, before + 1);
  const again = await s.as('clerk1', 'POST', `/api/v1/print-jobs/${failed.id}/retry`);
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'job_not_failed');
});

test('bad input is refused', async () => {
  assert.equal((await s.as('clerk1', 'GET', '/api/v1/print-jobs?state=lost')).status, 400);
  assert.equal((await s.as('clerk1', 'GET', '/api/v1/print-jobs/abc')).status, 400);
  assert.equal((await s.as('clerk1', 'GET', '/api/v1/print-jobs/99999')).status, 404);
  assert.equal((await s.as('admin', 'POST', '/api/v1/printers/nope/test')).status, 404);
  assert.equal((await s.as('clerk1', 'POST', '/api/v1/printers/hall/test')).status, 403);
  assert.equal((await s.as(null, 'GET', '/api/v1/print-jobs')).status, 401);
  assert.equal((await s.as('kiosk-1', 'GET', '/api/v1/printers')).status, 403);
  const bad = await s.as('admin', 'POST', '/api/v1/printers', { body: { name: 'x', target: 'q', format: 'ps' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'invalid_printer_format');
  const link = await s.as('admin', 'PATCH', '/api/v1/counters/2', { body: { printer: 'nope' } });
  assert.equal(link.status, 400);
  assert.equal(link.json.error.code, 'printer_not_found');
});

test('motcua-server print-test prints to a URI, or says why not', async () => {
  const before = printer.pdfs().length;
  const ok = cli(['print-test', printer.uri]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^job \d+ completed on ipp:/);
  assert.equal(printer.pdfs().length, before + 1);
  assert.match(printer.text(printer.pdfs().at(-1)), /In thử/);
  printer.off();
  try {
    const off = cli(['print-test', printer.uri, '--timeout-ms', '3000']);
    assert.equal(off.status, 1);
    assert.match(off.stderr, /unreachable.*offline-report/s);
  } finally {
    printer.on();
  }
  assert.equal(cli(['print-test']).status, 2);
  assert.equal(cli(['print-test', printer.uri, '--format', 'ps']).status, 2);
});
