// Small steps the dossier and indicator tests share: moving the server's
// test clock and reading a successful answer.
import assert from 'node:assert/strict';

// Moves the clock of server s (started with --test-clock) to t (Unix
// seconds) as admin. Every move ends the sessions (idle and absolute
// timeouts), so the tokens are dropped before and after: the next s.as()
// logs in again.
export const setClock = async (s, t) => {
  s.tokens = {};
  const r = await s.as('admin', 'PUT', '/api/v1/test/clock', { body: { now: t } });
  assert.equal(r.status, 200, r.text);
  s.tokens = {};
};

// The JSON body of answer r, which must be a 2xx (else the assertion names
// the status and the body).
export const ok = (r) => { assert.ok(r.status >= 200 && r.status < 300, `${r.status} ${r.text}`); return r.json; };
