// A clerk's morning in the workstation page (/counter), headless Chromium,
// a real IPP printer (issue 15, "Tests"): log in, open the counter, call,
// intake received (two Mẫu 01 reach the printer with the applicant, the
// code, the appointment and the clerk's full name), next, intake with
// supplement (Mẫu 02 lists every missing item), no-show and rejoin,
// transfer, return with a scanned QR address and a rating slip whose QR
// (read with zbarimg) opens /rate. Once with the mouse, once with the
// keyboard only (F1..F6, Alt+1..3, Tab, Enter, typing).
// Then the bad-input table (wrong ID number, wrong phone, missing fields,
// the duplicate warning): the server's Vietnamese message on screen and
// nothing saved. Then each pane at 1366×768 and 1920×1080: screenshots
// (counter-<pane>-<w>x<h>.png), nothing wider than the screen at 1366, no
// English words and no machine codes on the Vietnamese screen; then the
// English switch leaves none of the page's Vietnamese words.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startServer, PASSWORDS } from './lib/harness.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { TestPrinter, waitFor } from './lib/printer.mjs';
import { ok } from './lib/steps.mjs';
import { SKIP, launch, openPage, shot } from './lib/browser.mjs';
import {
  nextMorning, clockAt, login, chooseCounter, waitText, until, visibleText,
  fillIntake, saveIntake, INTAKE_FIELDS as F,
} from './lib/counter-page.mjs';

const SMALL = { width: 1366, height: 768 };
const LARGE = { width: 1920, height: 1080 };

// The test office, its counter 1 printing on the test printer, and a
// procedure with three documents (to leave two missing).
const P7 = {
  code: 'P7', name: 'Cấp giấy xác nhận tình trạng hôn nhân', field: 'Hộ tịch', level: 'commune', office: 'TP',
  processing: { unit: 'working_days', amount: 3 }, fee_vnd: 0,
  documents: [
    { name: 'Tờ khai cấp giấy xác nhận tình trạng hôn nhân', kind: 'original', count: 1, required: true },
    { name: 'Bản sao trích lục ly hôn', kind: 'copy', count: 1, required: true },
    { name: 'Giấy xác nhận nơi cư trú', kind: 'original', count: 1, required: true },
  ],
};
const bundle = (uri) => ({
  ...DOSSIER_BUNDLE,
  procedures: [...DOSSIER_BUNDLE.procedures, P7],
  printers: [{ name: 'quay-1', target: uri, format: 'pdf', paper: 'a5', default: true }],
  counters: DOSSIER_BUNDLE.counters.map((c) => (c.no === 1 ? { ...c, printer: 'quay-1' } : c)),
});

let browser;
const cleanups = [];
after(async () => {
  await browser?.close();
  for (const f of cleanups.reverse()) await f();
});

// A fresh server on its test clock's morning, with the printer.
async function office() {
  const printer = new TestPrinter();
  const s = await startServer({ bundle: bundle(printer.uri), args: ['--test-clock', '--logins-per-minute', '1000'] });
  cleanups.push(async () => { await s.stop(); s.cleanup(); printer.stop(); });
  const t0 = nextMorning();
  await clockAt(s, t0);
  browser ??= await launch();
  return { s, printer, t0 };
}

const issue = async (s, group = 'CT') => ok(await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group } })).ticket;
const flat = (printer, f) => printer.text(f).replace(/\s+/g, ' ');
const day = (epoch) => {
  const d = new Date((epoch + 7 * 3600) * 1000);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
};
// The PDFs on the printer whose text includes every string of want.
const printed = (printer, want) => printer.pdfs().filter((f) => { const x = flat(printer, f); return want.every((w) => x.includes(w)); });
const qrOf = (file) => {
  const png = path.join(path.dirname(file.path), `${path.basename(file.path, '.pdf')}-qr`);
  assert.equal(spawnSync('pdftoppm', ['-png', '-r', '200', '-singlefile', file.path, png]).status, 0);
  return spawnSync('zbarimg', ['--raw', '-q', `${png}.png`], { encoding: 'utf8' }).stdout
    .split('\n').map((x) => x.trim()).find((x) => x.includes('/rate?')) ?? ''; // (the small feedback QR beside it)
};

// Presses Tab until the element with id has the focus (at most max times):
// the keyboard's way to a field, which also proves it is reachable.
async function tabTo(page, id, max = 60) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((x) => document.activeElement?.id === x, id)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`#${id} not reached with Tab`);
}

// The clerk's actions, by mouse or by keys only.
function actions(page, mode) {
  const keys = mode === 'keys';
  const k = (key) => page.keyboard.press(key);
  // A clerk presses a bar key once its button shows it applies (a key on
  // a greyed button does nothing, as a click would not): on a slow machine
  // the bar may still be redrawing after the last answer.
  const f = async (key, id) => {
    await page.locator(`#${id}:enabled`).waitFor({ timeout: 30000 });
    await k(key);
  };
  return {
    async login(user) {
      await page.locator('#login-dialog[open]').waitFor({ timeout: 20000 });
      if (!keys) return login(page, user, PASSWORDS[user]);
      await page.keyboard.type(user);
      await k('Tab');
      await page.keyboard.type(PASSWORDS[user]);
      await k('Enter');
      await page.waitForFunction(() => !document.getElementById('login-dialog').open, null, { timeout: 20000 });
    },
    async chooseCounter(no) {
      if (!keys) return chooseCounter(page, no);
      await page.locator('#setup-dialog[open]').waitFor({ timeout: 20000 });
      await tabTo(page, 'setup-counter');
      // (typing a space would open the list: arrows move the choice)
      for (let i = 0; i < 10 && Number(await page.inputValue('#setup-counter')) < no; i++) await k('ArrowDown');
      for (let i = 0; i < 10 && Number(await page.inputValue('#setup-counter')) > no; i++) await k('ArrowUp');
      await tabTo(page, 'setup-submit');
      await k('Enter');
      await waitText(page, 'counter-label', new RegExp(`\\b${no}\\b`));
    },
    async open() {
      if (!keys) return page.click('#btn-open');
      await tabTo(page, 'btn-open');
      await k('Enter');
    },
    call: () => (keys ? f('F1', 'btn-next') : page.click('#btn-next')),
    noShow: () => (keys ? f('F3', 'btn-noshow') : page.click('#btn-noshow')),
    finish: () => (keys ? f('F5', 'btn-finish') : page.click('#btn-finish')),
    async rejoin(label) {
      if (keys) await f('F6', 'btn-rejoin'); else await page.click('#btn-rejoin');
      await page.locator('#rejoin-dialog[open]').waitFor();
      if (keys) { await page.keyboard.type(label); await k('Enter'); } else {
        await page.fill('#rejoin-number', label);
        await page.click('#rejoin-submit');
      }
      await page.waitForFunction(() => !document.getElementById('rejoin-dialog').open);
    },
    async transfer(groupName) {
      if (keys) await f('F4', 'btn-transfer'); else await page.click('#btn-transfer');
      await page.locator('#transfer-dialog[open]').waitFor();
      if (keys) {
        await tabTo(page, 'transfer-group');
        await page.keyboard.type(groupName);
        await tabTo(page, 'transfer-submit');
        await k('Enter');
      } else {
        await page.selectOption('#transfer-group', { label: groupName });
        await page.click('#transfer-submit');
      }
      await page.waitForFunction(() => !document.getElementById('transfer-dialog').open);
    },
    async tab(n) {
      const name = ['intake', 'return', 'lookup'][n - 1];
      if (keys) await k(`Alt+${n}`); else await page.click(`#tab-${name}`);
      await page.locator(`#pane-${name}:not([hidden])`).waitFor();
    },
    // An intake: the procedure searched without diacritics, the documents
    // ticked (all, or the first `ticks`), the applicant typed, saved.
    async intake(v) {
      if (!keys) {
        await fillIntake(page, { ...v, ticks: v.ticks === undefined });
        if (v.ticks !== undefined) {
          const boxes = await page.locator(`${F.docs} input[type=checkbox]`).all();
          for (const b of boxes.slice(0, v.ticks)) await b.check();
        }
        return saveIntake(page);
      }
      await tabTo(page, F.procedure.slice(1));
      await page.keyboard.type(v.procedure);
      await page.locator(`${F.procedureList} [role=option]`).first().waitFor();
      await k('Enter');
      await page.locator('#in-proc:not([hidden])').waitFor();
      const boxes = await page.locator(`${F.docs} input[type=checkbox]`).evaluateAll((bs) => bs.map((b) => b.id));
      for (const id of boxes.slice(0, v.ticks ?? boxes.length)) {
        await tabTo(page, id);
        await k('Space');
      }
      for (const f of ['name', 'id_number', 'phone', 'address']) {
        if (v[f] === undefined) continue;
        await tabTo(page, F[f].slice(1));
        await page.keyboard.type(v[f]);
      }
      await tabTo(page, F.save.slice(1));
      await k('Enter');
      return saveIntake(page, { clicked: true });
    },
    async print() {
      if (!keys) return page.click('#in-print');
      await tabTo(page, 'in-print');
      await k('Enter');
    },
    async newIntake() {
      if (!keys) return page.click('#in-new');
      await tabTo(page, 'in-new');
      await k('Enter');
    },
    async returnResult(scanned, collector) {
      if (keys) {
        await tabTo(page, 'return-code');
        await page.keyboard.type(scanned);
        await k('Enter');
      } else {
        await page.fill('#return-code', scanned);
        await page.click('#return-find');
      }
      await page.locator('#return-collect:not([hidden])').waitFor({ timeout: 15000 })
        .catch(async (e) => { throw new Error(`no collect form: ${await visibleText(page, 'pane-return', { withDetails: true })} (${e.message})`); });
      if (keys) {
        await tabTo(page, 'return-collected-by');
        await page.keyboard.type(collector);
        await tabTo(page, 'return-id-checked');
        await k('Space');
        await tabTo(page, 'return-submit');
        await k('Enter');
      } else {
        await page.fill('#return-collected-by', collector);
        await page.check('#return-id-checked');
        await page.click('#return-submit');
      }
    },
  };
}

async function morning(mode) {
  const { s, printer, t0 } = await office();
  // The hall this morning: three numbers for counter 1's group.
  const [a1, a2, a3] = [await issue(s), await issue(s), await issue(s)];
  // A dossier received some days ago whose result is ready.
  await clockAt(s, t0 - 3 * 86400);
  const old = ok(await s.as('clerk2', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P5', applicant: { name: 'Hồ Văn Nam', id_number: '045190001111', phone: '0905111222', address: 'Lao Bảo' },
    outcome: 'received' } }));
  ok(await s.as('sup', 'POST', `/api/v1/dossiers/${old.dossier.code}/actions`, { body: { action: 'result_ready' } }));
  await clockAt(s, t0);

  const page = await openPage(browser, `${s.base}/counter`, SMALL);
  const act = actions(page, mode);
  await act.login('clerk1');
  await act.chooseCounter(1);
  await act.open();
  await until(async () => s.sql('SELECT state FROM counters WHERE no = 1')[0]?.state === 'open', 30000, 'counter 1 open');

  // 1. Call: A001; intake received; two Mẫu 01 on the printer.
  await act.call();
  await waitText(page, 'serving-number', /A001/);
  await act.tab(1);
  const huong = { procedure: 'dang ky ket hon', name: 'Nguyễn Thị Hường', id_number: '045187001234', phone: '0912 345 678', address: 'Khối 3, Khe Sanh' };
  const code1 = await act.intake(huong);
  const d1 = s.sql(`SELECT status, due_at, ticket_id, applicant_phone FROM dossiers WHERE code = '${code1}'`)[0];
  assert.equal(d1.status, 'received');
  assert.equal(d1.ticket_id, a1.id, 'the ticket served is linked');
  assert.equal(d1.applicant_phone, '0912345678');
  await act.print();
  const mau01 = await waitFor(() => { const f = printed(printer, [code1, 'Nguyễn Thị Hường']); return f.length >= 2 ? f : null; }, 30000, 'two Mẫu 01');
  assert.equal(mau01.length, 2, 'two copies of Mẫu 01');
  for (const f of mau01) {
    const x = flat(printer, f);
    assert.match(x, /GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ/i);
    assert.ok(x.includes(day(d1.due_at)), `the appointment ${day(d1.due_at)} in ${x}`);
    assert.ok(x.includes('Cán bộ một'), 'the receiving clerk by full name');
  }
  await waitText(page, 'in-print-status', /./, 30000);
  await act.finish();
  await waitText(page, 'serving-number', /^\s*—?\s*$/);

  // 2. Next: A002; intake with two of three documents missing: Mẫu 02.
  await act.call();
  await waitText(page, 'serving-number', /A002/);
  await act.newIntake();
  const code2 = await act.intake({ procedure: 'xac nhan tinh trang hon nhan', ticks: 1, name: 'Phạm Văn Đức', id_number: '045199004321', phone: '0977 111 222', address: 'Tân Hợp' });
  assert.equal(s.sql(`SELECT status FROM dossiers WHERE code = '${code2}'`)[0].status, 'supplement_requested');
  await act.print();
  const [mau02] = await waitFor(() => { const f = printed(printer, [code2]); return f.length ? f : null; }, 30000, 'Mẫu 02');
  const x2 = flat(printer, mau02);
  assert.match(x2, /BỔ SUNG/i);
  for (const item of ['Bản sao trích lục ly hôn', 'Giấy xác nhận nơi cư trú']) assert.ok(x2.includes(item), `${item} in Mẫu 02: ${x2}`);
  await act.finish();
  await waitText(page, 'serving-number', /^\s*—?\s*$/);

  // 3. A003 does not come: no-show, then rejoin; called again; transferred.
  await act.call();
  await waitText(page, 'serving-number', /A003/);
  await act.noShow();
  await until(async () => s.sql(`SELECT state FROM tickets WHERE id = ${a3.id}`)[0].state === 'no_show', 30000, 'A003 no-show');
  await act.rejoin('A003');
  await until(async () => s.sql(`SELECT state FROM tickets WHERE id = ${a3.id}`)[0].state === 'waiting', 30000, 'A003 back in line');
  await act.call();
  await waitText(page, 'serving-number', /A003/);
  await act.transfer('Hộ tịch');
  await until(async () => {
    const t = s.sql(`SELECT t.state, g.code FROM tickets t JOIN service_groups g ON g.id = t.group_id WHERE t.id = ${a3.id}`)[0];
    return t.state === 'waiting' && t.code === 'HT';
  }, 30000, 'A003 transferred to HT');
  assert.ok(a2.id); // (A002 served above)

  // 4. Return: the receipt's QR typed by the scanner; a rating slip printed.
  await act.tab(2);
  const scanned = `${s.base}/status?code=${old.dossier.code}&secret=${old.secret}`;
  await act.returnResult(scanned, 'Hồ Văn Nam');
  await until(async () => s.sql(`SELECT status FROM dossiers WHERE code = '${old.dossier.code}'`)[0].status === 'returned', 30000, 'returned');
  const [slip] = await waitFor(() => { const f = printed(printer, [old.dossier.code, 'ĐÁNH GIÁ']); return f.length ? f : null; }, 30000, 'the rating slip');
  const url = new URL(qrOf(slip));
  assert.equal(url.pathname, '/rate');
  const info = await s.req('GET', `/api/v1/public/ratings/${url.searchParams.get('t')}`);
  assert.equal(info.status, 200, info.text);
  assert.equal(info.json.rated, false);
  await waitText(page, 'return-slip-status', /./, 30000);
  assert.deepEqual(page.errors, []);
  await page.context().close();
}

test('a clerk\'s morning with the mouse: call, intake, Mẫu 01 and 02 printed, no-show, rejoin, transfer, return with a rating slip', { skip: SKIP, timeout: 240000 }, async () => {
  await morning('mouse');
});

test('the same morning with the keyboard only', { skip: SKIP, timeout: 240000 }, async () => {
  await morning('keys');
});

test('bad input: the server\'s Vietnamese message beside the field, nothing saved; the duplicate warning', { skip: SKIP, timeout: 180000 }, async () => {
  const { s } = await office();
  const page = await openPage(browser, `${s.base}/counter`, SMALL);
  await login(page, 'clerk1', PASSWORDS.clerk1);
  await chooseCounter(page, 1);
  const good = { procedure: 'dang ky ket hon', name: 'Lê Thị Hoa', id_number: '045187007777', phone: '0912 000 111', address: 'Khe Sanh' };
  const count = () => s.sql('SELECT count(*) n FROM dossiers')[0].n;
  // What the server itself says for each bad value (the same check as intake).
  const said = async (applicant) => {
    const r = await s.as('clerk1', 'POST', '/api/v1/dossiers/check', { body: { procedure: 'P3', applicant, outcome: 'received' } });
    assert.equal(r.status, 400, r.text);
    return r.json.error;
  };
  const cases = [
    { what: 'an ID number of 11 digits', field: 'id_number', value: '04518700777', box: '#applicant-id-error' },
    { what: 'a phone that is not Vietnamese', field: 'phone', value: '12345', box: '#applicant-phone-error' },
    { what: 'no name', field: 'name', value: '', box: '#applicant-name-error' },
  ];
  for (const c of cases) {
    await page.reload();
    await page.locator('#pane-intake:not([hidden])').waitFor();
    const v = { ...good, [c.field]: c.value };
    await fillIntake(page, v);
    const before = count();
    await page.click(F.save);
    const applicant = { name: v.name, id_number: v.id_number, phone: v.phone, address: v.address };
    if (!applicant.name) delete applicant.name;
    const e = await said(applicant);
    await page.waitForFunction(([sel, m]) => document.querySelector(sel)?.textContent.includes(m), [c.box, e.message], { timeout: 15000 })
      .catch(async () => { assert.fail(`${c.what}: "${e.message}" not in ${c.box}: ${await visibleText(page, 'pane-intake')}`); });
    const shown = await visibleText(page, 'pane-intake');
    assert.ok(!shown.includes(e.code), `${c.what}: the code ${e.code} only in the details line`);
    assert.equal(count(), before, `${c.what}: nothing saved`);
  }
  // The same applicant and procedure again: a warning naming the earlier
  // dossier, nothing saved until the clerk confirms.
  await page.reload();
  await page.locator('#pane-intake:not([hidden])').waitFor();
  const first = await (async () => { await fillIntake(page, good); return saveIntake(page); })();
  await page.click('#in-new');
  await fillIntake(page, good);
  const before = count();
  await page.click(F.save);
  await page.locator('#in-dup:not([hidden])').waitFor({ timeout: 15000 });
  const warn = await page.textContent('#in-dup');
  assert.ok(warn.includes(first), `the earlier dossier ${first} named: ${warn}`);
  assert.equal(count(), before, 'a warning saves nothing');
  await page.check('#in-dup-confirm');
  const second = await saveIntake(page);
  assert.notEqual(second, first);
  assert.equal(count(), before + 1);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// The texts of the page's modules in one language (their `en` or `vi`
// dictionaries as served), less those both languages share.
async function englishTexts(s, want = 'en') {
  const other = want === 'en' ? 'vi' : 'en';
  const out = new Set();
  for (const m of ['counter-core.js', 'counter.js', 'counter-bar.js', 'counter-intake.js', 'counter-return.js', 'counter-lookup.js', 'counter-dossier.js', 'dossier-words.js']) {
    const r = await s.req('GET', `/static/${m}`);
    if (r.status !== 200) continue;
    const dicts = { vi: {}, en: {} };
    for (const lang of ['vi', 'en']) {
      const re = new RegExp(`\\b${lang}: \\{([\\s\\S]*?)\\n\\s*\\}`, 'g');
      for (const [, body] of r.text.matchAll(re)) {
        for (const [, k, v] of body.matchAll(/(\w+): '((?:[^'\\]|\\.)*)'/g)) dicts[lang][k] = v;
      }
    }
    for (const [k, v] of Object.entries(dicts[want])) {
      if (dicts[other][k] === v) continue;
      // The longest piece between placeholders, when it says something.
      const piece = v.split(/\{\w+\}/).map((x) => x.trim()).sort((a, b) => b.length - a.length)[0];
      const says = want === 'en' ? /[a-z]{3}/.test(piece) : /[^\x00-\x7f]/.test(piece);
      if (piece && piece.length >= 6 && says) out.add(piece);
    }
  }
  return [...out];
}

test('each pane at 1366×768 and 1920×1080: screenshots, nothing wider than the screen, Vietnamese only, no codes', { skip: SKIP, timeout: 180000 }, async () => {
  const { s, t0 } = await office();
  await issue(s);
  await issue(s, 'HT');
  // A dossier whose result waits, to show in the return and look-up panes.
  await clockAt(s, t0 - 3 * 86400);
  const old = ok(await s.as('clerk2', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P5', applicant: { name: 'Hồ Văn Nam', id_number: '045190001111', phone: '0912111222', address: 'Lao Bảo' },
    outcome: 'received' } }));
  ok(await s.as('sup', 'POST', `/api/v1/dossiers/${old.dossier.code}/actions`, { body: { action: 'result_ready' } }));
  await clockAt(s, t0);
  const english = await englishTexts(s);
  assert.ok(english.length > 20, `English texts found: ${english.length}`);
  for (const size of [SMALL, LARGE]) {
    const page = await openPage(browser, `${s.base}/counter`, size);
    await login(page, 'clerk1', PASSWORDS.clerk1);
    await chooseCounter(page, 1);
    const st = await page.textContent('#counter-state');
    if (!/mở/i.test(st ?? '') || /tạm|đóng/i.test(st ?? '')) await page.click('#btn-open').catch(() => {});
    if (!/A\d{3}/.test(await page.textContent('#serving-number'))) await page.click('#btn-next');
    await waitText(page, 'serving-number', /A\d{3}/);
    for (const pane of ['intake', 'return', 'lookup']) {
      await page.click(`#tab-${pane}`);
      await page.locator(`#pane-${pane}:not([hidden])`).waitFor();
      if (pane === 'intake') {
        await page.fill(F.procedure, 'ket hon');
        await page.locator(`${F.procedureList} [role=option]`).first().waitFor();
        await page.keyboard.press('Enter');
        await page.locator('#in-proc:not([hidden])').waitFor();
      }
      if (pane === 'return') {
        await page.fill('#return-code', old.dossier.code);
        await page.click('#return-find');
        await page.locator('#return-dossier:not([hidden])').waitFor();
      }
      if (pane === 'lookup') {
        await page.fill('#lookup-q', '0912111222');
        await page.click('#lookup-submit');
        await waitText(page, 'pane-lookup', new RegExp(old.dossier.code.replace(/\./g, '\\.')));
      }
      await page.evaluate(() => document.fonts.ready);
      await shot(page, `counter-${pane}-${size.width}x${size.height}`);
      if (size === SMALL) {
        const { sw, iw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: innerWidth }));
        assert.ok(sw <= iw, `${pane}: the page is ${sw}px wide on a ${iw}px screen`);
      }
      const text = (await visibleText(page)).replace(/English/g, '');
      const found = english.filter((w) => text.includes(w));
      assert.deepEqual(found, [], `${pane} at ${size.width}: English on the Vietnamese screen`);
      const codes = text.match(/\b[a-z]+_[a-z_]+\b/g) ?? [];
      assert.deepEqual(codes, [], `${pane} at ${size.width}: machine codes on screen`);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
});

// The English switch after a morning's first call: every pane in English,
// none of the page's Vietnamese words left (the data, names of people,
// procedures and the centre, stay as they are).
test('the English switch leaves none of the page\'s Vietnamese words', { skip: SKIP, timeout: 120000 }, async () => {
  const { s } = await office();
  await issue(s);
  const vietnamese = await englishTexts(s, 'vi');
  assert.ok(vietnamese.length > 20, `Vietnamese texts found: ${vietnamese.length}`);
  const page = await openPage(browser, `${s.base}/counter`, SMALL);
  await login(page, 'clerk1', PASSWORDS.clerk1);
  await chooseCounter(page, 1);
  await page.click('#btn-open');
  await page.click('#btn-next');
  await waitText(page, 'serving-number', /A001/);
  await page.click('#btn-lang');
  await waitText(page, 'tab-intake', /Intake/);
  for (const pane of ['intake', 'return', 'lookup']) {
    await page.click(`#tab-${pane}`);
    await page.locator(`#pane-${pane}:not([hidden])`).waitFor();
    const text = (await visibleText(page)).replace(/Tiếng Việt/g, '');
    const found = vietnamese.filter((w) => text.includes(w));
    await shot(page, `counter-${pane}-en-1366x768`);
    assert.deepEqual(found, [], `${pane}: Vietnamese words on the English screen`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
