// Attack (wave 15): POST /api/v1/dossiers/{code}/rating-slip is a change
// (a rating link and a spooled print job), but as a ROUTE_SLOW route without
// an Idempotency-Key it skips the per-token bound every other change has
// (docs/api.md, Conventions: "One token may have at most 32 changes running
// or waiting at once ... more get 429 too_many_changes"; server.c
// api_dispatch takes the write share only for changes that are not slow).
// One clerk's token spools a hundred slips at once (and ~100 a second in a
// loop, with no bound on the spool or the links), each a render on the CPU
// pool that logins share, while the same flood of POST …/rating-link (the
// same link without the print) is cut at 32.
// Expected: 100 slips at once from one token are bounded like any change:
// some are answered 429 too_many_changes, as rating-link's are.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, centrePrinters } from './lib/province-bundle.mjs';
import { ok } from './lib/steps.mjs';

let s;
let code;
before(async () => {
  // Printers nobody answers: the slips only spool.
  const bundle = { ...PROVINCE_BUNDLE,
    printers: centrePrinters('80mm', ['ks', 'ipp://127.0.0.1:9/ipp/print'], ['lb', 'ipp://127.0.0.1:9/ipp/print']) };
  s = await startServer({ bundle, args: ['--logins-per-minute', '1000'] });
  code = ok(await s.as('a.clerk', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received', applicant: { name: 'Lê Văn Sanh', id_number: '045191008801' } } })).dossier.code;
});
after(async () => { await s?.stop(); s?.cleanup(); });

const tally = (rs) => {
  const h = {};
  for (const r of rs) { const k = `${r.status} ${r.json?.error?.code ?? ''}`.trim(); h[k] = (h[k] ?? 0) + 1; }
  return h;
};

test('a hundred rating slips at once from one token are bounded like every change', async () => {
  const token = await s.login('a.clerk');
  const links = tally(await Promise.all(Array.from({ length: 100 }, () =>
    s.req('POST', `/api/v1/dossiers/${code}/rating-link`, { token }))));
  assert.ok(links['429 too_many_changes'] > 0, `rating-link is bounded: ${JSON.stringify(links)}`);
  const jobs0 = s.sql('SELECT count(*) AS n FROM print_jobs')[0].n;
  const slips = tally(await Promise.all(Array.from({ length: 100 }, () =>
    s.req('POST', `/api/v1/dossiers/${code}/rating-slip`, { token, body: {} }))));
  const spooled = s.sql('SELECT count(*) AS n FROM print_jobs')[0].n - jobs0;
  assert.ok((slips['429 too_many_changes'] ?? 0) > 0,
    `rating-slip from one token is not bounded: ${JSON.stringify(slips)}, ${spooled} slips spooled at once `
    + `(rating-link at once: ${JSON.stringify(links)})`);
});
