// The counter bar's live queue when the session ends under it (logged out
// elsewhere, or idled out): the stream is refused, the banner says the
// queue is not up to date, the login dialog asks for the password, and
// once the clerk logs in again the queue is live again without a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORDS } from './lib/harness.mjs';
import { ok } from './lib/steps.mjs';
import { SKIP, launch, openPage } from './lib/browser.mjs';
import { login, chooseCounter, waitText } from './lib/counter-page.mjs';

let s, browser;
before(async () => {
  s = await startServer();
  if (!SKIP) browser = await launch();
});
after(async () => { await browser?.close(); await s.stop(); s.cleanup(); });

const issue = async (group) => ok(await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group } })).ticket.label;

test('a session ended under the page: banner, login, the queue live again', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${s.base}/counter`, { width: 1366, height: 768 });
  await login(page, 'clerk1', PASSWORDS.clerk1);
  await chooseCounter(page, 1);
  await waitText(page, 'counter-state', /^Đã đóng$/);
  const first = await issue('CT');
  await waitText(page, 'queue-groups', new RegExp(first));

  // The page's own session is ended (as a logout elsewhere would).
  const cookie = (await page.context().cookies()).find((c) => c.name === 'motcua_session');
  assert.ok(cookie, 'the page holds a session cookie');
  ok(await s.req('DELETE', '/api/v1/session', { token: cookie.value }));
  // The next event ends the stream; its reconnect is refused.
  await issue('CT');
  await page.locator('#login-dialog[open]').waitFor({ timeout: 20000 });
  assert.match(await page.textContent('#banner'), /Mất kết nối/);
  assert.equal(await page.isVisible('#banner'), true);
  assert.match(await page.textContent('#login-why'), /Phiên làm việc đã hết hạn/);

  await login(page, 'clerk1', PASSWORDS.clerk1);
  await page.locator('#banner').waitFor({ state: 'hidden', timeout: 20000 });
  const third = await issue('CT');
  await waitText(page, 'queue-groups', new RegExp(third), 15000);
  assert.match(await page.textContent('#counter-label'), /Quầy 1/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
