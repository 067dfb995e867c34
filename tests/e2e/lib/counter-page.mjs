// Steps the browser tests of the clerk's workstation (/counter) share:
// logging in through the page's dialog, choosing the counter, reading what
// the clerk sees. They use only the ids of display/counter.html (the
// contract between the page's modules and these tests).
import assert from 'node:assert/strict';
import { setClock } from './steps.mjs';

// The next 08:00 office time (UTC+7) from the real clock, in Unix seconds:
// a test clock set there keeps a test's day within one office day whatever
// the hour the suite runs at.
export function nextMorning() {
  const day = 86400, ict = 7 * 3600;
  const real = Math.floor(Date.now() / 1000);
  let t = Math.floor((real + ict) / day) * day - ict + 8 * 3600;
  if (t < real) t += day;
  // A working day (Monday to Friday office time), so intake gets its
  // appointment counted from that morning.
  while ([0, 6].includes(new Date((t + ict) * 1000).getUTCDay())) t += day;
  return t;
}

// Moves the server's test clock (which then stands still) and drops the
// test's cached tokens (every move ends the sessions).
export const clockAt = (s, t) => setClock(s, t);

// Logs in through the page's login dialog (the first one at start, or the
// one a lost session brings back).
export async function login(page, username, password) {
  await page.locator('#login-dialog[open]').waitFor({ timeout: 30000 });
  const user = page.locator('#login-username');
  if ((await user.inputValue()) !== username) await user.fill(username);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForFunction(() => !document.getElementById('login-dialog').open, null, { timeout: 30000 });
}

// Chooses counter `no` in the setup dialog when the page asks for it (the
// first time in this browser); waits until the bar names a counter.
export async function chooseCounter(page, no) {
  await page.waitForFunction(() => document.getElementById('setup-dialog').open
    || document.getElementById('counter-label').textContent.trim() !== '', null, { timeout: 30000 })
    .catch(async (e) => {
      throw new Error(`no counter choice: ${await visibleText(page)} ${page.errors ?? ''} (${e.message})`);
    });
  if (await page.evaluate(() => document.getElementById('setup-dialog').open)) {
    const sel = page.locator('#setup-counter');
    const values = await sel.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    const pick = values.find(([v]) => v === String(no))
      ?? values.find(([, txt]) => new RegExp(`\\b${no}\\b`).test(txt));
    assert.ok(pick, `counter ${no} among ${JSON.stringify(values)}`);
    await sel.selectOption(pick[0]);
    await page.click('#setup-submit');
  }
  await page.waitForFunction((n) => new RegExp(`\\b${n}\\b`).test(document.getElementById('counter-label').textContent),
    no, { timeout: 30000 });
}

// The visible text of the page (or of the element with id), as a clerk
// reads it: hidden parts, <script>/<style> and the details lines of errors
// (the machine codes for the help desk) left out unless withDetails.
export function visibleText(page, id = null, { withDetails = false } = {}) {
  return page.evaluate(([rootId, details]) => {
    const root = rootId ? document.getElementById(rootId) : document.body;
    const out = [];
    const walk = (el) => {
      if (el.nodeType === Node.TEXT_NODE) { out.push(el.textContent); return; }
      if (el.nodeType !== Node.ELEMENT_NODE) return;
      if (['SCRIPT', 'STYLE', 'TEMPLATE', 'KBD'].includes(el.tagName)) return;
      if (!details && el.classList.contains('details')) return;
      if (el.tagName === 'DIALOG' && !el.open) return;
      const cs = getComputedStyle(el);
      if (el.hidden || cs.display === 'none' || cs.visibility === 'hidden') return;
      if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') {
        if (el.placeholder) out.push(el.placeholder);
        return;
      }
      if (el.tagName === 'SELECT') {
        const o = el.selectedOptions[0];
        if (o) out.push(o.textContent);
        return;
      }
      if (el.title) out.push(el.title);
      for (const c of el.childNodes) walk(c);
      out.push(' ');
    };
    walk(root);
    return out.join(' ').replace(/\s+/g, ' ').trim();
  }, [id, withDetails]);
}

// Waits until the text of element id matches re (bounded).
export async function waitText(page, id, re, timeout = 30000) {
  await page.waitForFunction(([i, src, flags]) => {
    const el = document.getElementById(i);
    return el && new RegExp(src, flags).test(el.textContent);
  }, [id, re.source, re.flags], { timeout });
}

// Polls fn (async) until it is truthy, at most ms: the harness's one poller.
export { waitFor as until } from './printer.mjs';

// The intake form's elements (display/counter-intake.js).
export const INTAKE_FIELDS = {
  procedure: '#intake-procedure', // search box; the matches are a listbox under it
  procedureList: '#intake-procedure-list',
  docs: '#in-docs',
  name: '#applicant-name',
  id_number: '#applicant-id',
  phone: '#applicant-phone',
  address: '#applicant-address',
  email: '#applicant-email',
  save: '#intake-save',
  code: '#intake-code', // the code of the dossier just saved
  error: '#intake-error',
};

// Types an intake form: the procedure chosen by searching v.procedure
// (Enter takes the first match, the exact name first), every document of
// its checklist ticked unless v.ticks is false, then the applicant's
// fields given in v.
export async function fillIntake(page, v) {
  const F = INTAKE_FIELDS;
  if (v.procedure) {
    await page.fill(F.procedure, v.procedure);
    await page.locator(`${F.procedureList} [role=option]`).first().waitFor();
    await page.focus(F.procedure);
    await page.keyboard.press('Enter');
    await page.locator('#in-proc:not([hidden])').waitFor();
    if (v.ticks !== false) {
      for (const box of await page.locator(`${F.docs} input[type=checkbox]`).all()) await box.check();
    }
  }
  for (const k of ['name', 'id_number', 'phone', 'address', 'email']) {
    if (v[k] !== undefined) await page.fill(F[k], v[k]);
  }
}

// The values of the intake form's fields (what a clerk typed), or null
// when the form has none.
export async function readIntake(page) {
  return page.evaluate(() => {
    const els = [...document.querySelectorAll('#in-form input, #in-form select, #in-form textarea')];
    if (!els.length) return null;
    return Object.fromEntries(els.filter((e) => e.id)
      .map((e) => [e.id, e.type === 'checkbox' || e.type === 'radio' ? e.checked : e.value]));
  });
}

// Presses save (unless clicked already) and waits for the code of the
// dossier received; returns it.
export async function saveIntake(page, { clicked = false } = {}) {
  if (!clicked) await page.click(INTAKE_FIELDS.save);
  await page.waitForFunction((sel) => /\d{6}-\d{4}/.test(document.querySelector(sel)?.textContent ?? ''),
    INTAKE_FIELDS.code, { timeout: 30000 });
  return (await page.textContent(INTAKE_FIELDS.code)).match(/\S+-\d{6}-\d{4}/)[0];
}

// The width text needs in element sel's font, against the room the element
// gives it (a select's arrow taken off): text shown whole or cut.
export const textRoom = (page, sel, text) => page.evaluate(([sel, text]) => {
  const el = document.querySelector(sel);
  const cs = getComputedStyle(el);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
  const arrow = el.tagName === 'SELECT' ? 24 : 0;
  const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - arrow;
  const shown = text ?? (el.tagName === 'SELECT' ? el.selectedOptions[0]?.textContent : el.placeholder);
  return { shown, need: Math.ceil(ctx.measureText(shown).width), room };
}, [sel, text ?? null]);
