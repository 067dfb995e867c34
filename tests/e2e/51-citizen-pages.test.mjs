// The citizen pages in headless Chromium: /status (the receipt's QR link and
// the form; a wrong secret and an unknown code look the same), /rate (one
// rating per link, the second refused politely), /public (procedures found
// without diacritics, the on-time figures, a late dossier by code), and
// screenshots of each at phone, tablet and TV sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { SKIP, SIZES, launch, openPage, shot } from './lib/browser.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
const APPLICANT = { name: 'Lê Thị Mai', id_number: '045190001111', phone: '0911222333' };
const PAGE_SIZES = { phone: SIZES.phone, tablet: SIZES.tablet, tv: SIZES.tv };

let s;
let browser;
const d = {}; // dossiers: {code, secret}

const clock = (t) => setClock(s, t);
const intake = async (procedure, extra = {}) => {
  const r = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers',
    { body: { procedure, applicant: APPLICANT, outcome: 'received', confirm_duplicate: true, ...extra } }));
  return { code: r.dossier.code, secret: r.secret };
};
const act = async (who, code, action, extra = {}) => ok(await s.as(who, 'POST',
  `/api/v1/dossiers/${encodeURIComponent(code)}/actions`, { body: { action, ...extra } }));
const ratingLink = async (code) => ok(await s.as('clerk1', 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/rating-link`));
const statusUrl = (x) => `${s.base}/status?code=${encodeURIComponent(x.code)}&secret=${encodeURIComponent(x.secret)}`;
const noOverflow = async (p, what) => {
  const o = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(o <= 0, `${what}: ${o}px wider than the screen`);
};

before(async () => {
  if (SKIP) return;
  s = await startServer({ bundle: DOSSIER_BUNDLE, args: ['--test-clock'] });
  // Monday 2 March: two dossiers that will be late, one with an apology.
  await clock(at(2026, 3, 2, 10));
  d.late = await intake('P3');
  d.sorry = await intake('P3');
  await act('clerk1', d.late.code, 'handover', { to_office: 'TP', to_person: 'spec' });
  await act('clerk1', d.sorry.code, 'handover', { to_office: 'TP', to_person: 'spec' });
  d.done = await intake('P3');
  await act('clerk1', d.done.code, 'handover', { to_office: 'TP', to_person: 'spec' });
  await clock(at(2026, 3, 4, 9));
  await act('sup', d.sorry.code, 'apologize', { reason: 'Cần xác minh', new_due: '2026-03-10T10:00+07:00' });
  await act('spec', d.done.code, 'result_ready');
  // Friday 6 March 10:00: a fresh dossier, and one waiting for documents.
  await clock(at(2026, 3, 6, 10));
  d.fresh = await intake('P3');
  d.missing = await intake('P5', {
    outcome: 'supplement',
    missing: [{ item: 'Giấy chứng nhận quyền sử dụng đất (bản sao)', reason: 'Bản sao bị mờ' },
      { item: 'Sơ đồ thửa đất', reason: 'Chưa nộp' }],
  });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (s) { await s.stop(); s.cleanup(); }
});

test('/status from the receipt QR link: status, procedure, dates in office time', { skip: SKIP }, async () => {
  const p = await openPage(browser, statusUrl(d.fresh), SIZES.phone);
  await p.locator('body[data-state="found"]').waitFor({ timeout: 5000 });
  assert.equal(await p.locator('#status-text').innerText(), 'Đã tiếp nhận');
  const card = await p.locator('#dossier').innerText();
  assert.match(card, new RegExp(d.fresh.code.replace(/\./g, '\\.')));
  assert.match(card, /Đăng ký kết hôn/);
  assert.match(card, /Ngày tiếp nhận\s*06\/03\/2026 10:00/);
  assert.match(card, /Ngày hẹn trả kết quả\s*11\/03\/2026 10:00/);
  assert.equal(await p.locator('#late').count(), 0);
  assert.equal(await p.locator('#code').inputValue(), d.fresh.code);
  assert.ok(!p.url().includes(d.fresh.secret), 'the secret leaves the address bar');
  assert.equal(await p.locator('#result').getAttribute('aria-live'), 'polite');
  assert.equal(await p.locator('label[for="code"]').innerText(), 'Mã hồ sơ hoặc mã phản ánh');
  assert.equal(await p.locator('label[for="secret"]').innerText(), 'Mã tra cứu');
  // English.
  await p.locator('#lang-toggle').click();
  assert.equal(await p.locator('#status-text').innerText(), 'Received');
  assert.match(await p.locator('#dossier').innerText(), /Result due on\s*11\/03\/2026 10:00/);
  await p.locator('#lang-toggle').click();
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('/status: a wrong secret and an unknown code look the same', { skip: SKIP }, async () => {
  const p = await openPage(browser, `${s.base}/status`, SIZES.phone);
  const lookup = async (code, secret) => {
    await p.locator('#code').fill(code);
    await p.locator('#secret').fill(secret);
    await p.evaluate(() => { document.body.dataset.state = 'idle'; });
    await p.locator('#submit').click();
    await p.locator('body[data-state="not_found"], body[data-state="found"]').waitFor({ timeout: 5000 });
    return { state: await p.evaluate(() => document.body.dataset.state), html: await p.locator('#result').innerHTML(),
      text: await p.locator('#result').innerText() };
  };
  const wrong = await lookup(d.fresh.code, 'AAAAAAAAAA');
  const unknown = await lookup('000.00.19.H47-260306-0999', 'AAAAAAAAAA');
  assert.equal(wrong.state, 'not_found');
  assert.equal(unknown.state, 'not_found');
  assert.equal(wrong.html, unknown.html);
  assert.match(wrong.text, /Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này/);
  assert.ok(!wrong.text.includes(d.fresh.code), 'the answer does not repeat the code');
  await shot(p, 'status-phone-not-found');
  // Typed by hand, lower case and with a space: still found.
  const found = await lookup(d.fresh.code.toLowerCase(), `${d.fresh.secret.slice(0, 5).toLowerCase()} ${d.fresh.secret.slice(5)}`);
  assert.equal(found.state, 'found');
  // Empty fields are caught before any request.
  await p.locator('#code').fill('');
  await p.locator('#submit').click();
  assert.match(await p.locator('#result').innerText(), /Xin nhập đủ mã hồ sơ và mã tra cứu/);
  assert.equal(await p.locator('#code').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('/status: what is still needed, late and apology', { skip: SKIP }, async () => {
  const p = await openPage(browser, statusUrl(d.missing), SIZES.phone);
  await p.locator('body[data-state="found"]').waitFor({ timeout: 5000 });
  assert.equal(await p.locator('#status-text').innerText(), 'Chờ bổ sung hồ sơ');
  const items = await p.locator('#needed li').allInnerTexts();
  assert.equal(items.length, 2);
  assert.match(items[0], /Giấy chứng nhận quyền sử dụng đất \(bản sao\)\s*Bản sao bị mờ/);
  await shot(p, 'status-phone-supplement');
  await p.goto(statusUrl(d.sorry));
  await p.locator('body[data-state="found"]').waitFor({ timeout: 5000 });
  assert.match(await p.locator('#late').innerText(), /văn bản xin lỗi/);
  assert.equal(await p.locator('#new-appointment').innerText(), '10/03/2026 10:00');
  assert.match(await p.locator('#late').innerText(), /Hồ sơ đã trễ so với ngày hẹn/);
  await shot(p, 'status-phone-apology');
  await p.goto(statusUrl(d.late));
  await p.locator('body[data-state="found"]').waitFor({ timeout: 5000 });
  assert.match(await p.locator('#late').innerText(), /Hồ sơ đã trễ.*\n?.*xin lỗi ông\/bà vì sự chậm trễ/s);
  await p.goto(statusUrl(d.done));
  await p.locator('body[data-state="found"]').waitFor({ timeout: 5000 });
  assert.match(await p.locator('#dossier').innerText(), /Đã có kết quả/);
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('/rate: one rating per link; a second is refused politely', { skip: SKIP }, async () => {
  const { token } = await ratingLink(d.done.code);
  const url = `${s.base}/rate?t=${token}`;
  const p = await openPage(browser, url, SIZES.phone);
  const twin = await openPage(browser, url, SIZES.phone); // the same link open twice
  await p.locator('body[data-state="form"]').waitFor({ timeout: 5000 });
  await twin.locator('body[data-state="form"]').waitFor({ timeout: 5000 });
  assert.match(await p.locator('#what').innerText(), /Đăng ký kết hôn/);
  const labels = await p.locator('.level label').allInnerTexts();
  assert.deepEqual(labels.map((x) => x.trim()), ['Rất hài lòng', 'Hài lòng', 'Bình thường', 'Không hài lòng']);
  // No level chosen: asked to choose, nothing sent.
  await p.locator('#submit').click();
  assert.ok(await p.locator('#level-error').isVisible());
  assert.deepEqual(await p.evaluate(() => window.motcuaRate.sent), []);
  await shot(p, 'rate-phone-form');
  // By keyboard: the level is a radio group.
  await p.locator('#level-very_satisfied').focus();
  await p.keyboard.press('ArrowDown');
  assert.equal(await p.locator('input[name="level"]:checked').getAttribute('value'), 'satisfied');
  await p.locator('label[for="level-very_satisfied"]').click();
  assert.ok(await p.locator('#level-error').isHidden());
  await p.locator('label[for="on_time-yes"]').click();
  await p.locator('label[for="courteous-yes"]').click();
  await p.locator('#visits').selectOption('2');
  await p.locator('label[for="payment-no"]').click();
  await p.locator('#comment').fill('Cán bộ hướng dẫn tận tình.');
  await p.locator('#submit').click();
  await p.locator('body[data-state="thanks"]').waitFor({ timeout: 5000 });
  assert.match(await p.locator('#outcome').innerText(), /Xin chân thành cảm ơn ông\/bà đã đánh giá/);
  assert.equal(await p.locator('#outcome').getAttribute('aria-live'), 'polite');
  assert.ok(await p.locator('#rate-form').isHidden());
  await shot(p, 'rate-phone-thanks');
  assert.deepEqual(s.sql('SELECT level, on_time, courteous, visits, unofficial_payment_asked, comment FROM ratings'),
    [{ level: 'very_satisfied', on_time: 1, courteous: 1, visits: 2, unofficial_payment_asked: 0, comment: 'Cán bộ hướng dẫn tận tình.' }]);

  // The twin tab sends a second rating: refused, politely.
  await twin.locator('label[for="level-not_satisfied"]').click();
  await twin.locator('#submit').click();
  await twin.locator('body[data-state="already"]').waitFor({ timeout: 5000 });
  const polite = await twin.locator('#outcome').innerText();
  assert.match(polite, /đã được đánh giá/);
  assert.match(polite, /cảm ơn/);
  assert.doesNotMatch(polite, /lỗi|error/i);
  // Opened again later: told at once.
  await p.goto(url);
  await p.locator('body[data-state="already"]').waitFor({ timeout: 5000 });
  assert.ok(await p.locator('#rate-form').isHidden());
  assert.equal(s.sql('SELECT count(*) AS n FROM ratings')[0].n, 1);
  await shot(p, 'rate-phone-already');
  // A wrong link.
  await p.goto(`${s.base}/rate?t=NOSUCHTOKEN`);
  await p.locator('body[data-state="invalid"]').waitFor({ timeout: 5000 });
  assert.match(await p.locator('#outcome').innerText(), /không đúng hoặc đã hết hạn/);
  assert.deepEqual(p.errors, []);
  assert.deepEqual(twin.errors, []);
  await p.context().close();
  await twin.context().close();
});

test('/public: procedures found without diacritics, on-time figures, late dossiers by code', { skip: SKIP }, async () => {
  const p = await openPage(browser, `${s.base}/public`, SIZES.tablet);
  await p.locator('body[data-state="ready"]').waitFor({ timeout: 5000 });
  assert.equal(await p.locator('#procs > li').count(), 4);
  assert.match(await p.locator('#count').innerText(), /Có 4 thủ tục/);
  const p3 = await p.locator('#procs > li[data-code="P3"]').innerText();
  assert.match(p3, /Đăng ký kết hôn/);
  assert.match(p3, /Thời hạn giải quyết\s*3 ngày làm việc/);
  assert.match(p3, /Phí, lệ phí\s*Miễn phí/);
  assert.match(p3, /Tờ khai đăng ký kết hôn/);
  assert.match(await p.locator('#procs > li[data-code="P5"]').innerText(), /50\.000 đ/);
  assert.match(await p.locator('#procs > li[data-code="PS"]').innerText(), /Trong ngày \(nộp trước 15:00\)/);

  for (const [q, code] of [['ket hon', 'P3'], ['khai tu', 'PI'], ['DAT DAI', 'P5'], ['chứng thực', 'PS']]) {
    await p.locator('#q').fill(q);
    await p.locator('#q').press('Enter');
    await p.locator(`body[data-procs-q="${q}"]`).waitFor({ timeout: 5000 });
    const codes = await p.locator('#procs > li').evaluateAll((ls) => ls.map((l) => l.dataset.code));
    assert.deepEqual(codes, [code], q);
  }
  await p.locator('#q').fill('khai sinh');
  await p.locator('#q').press('Enter');
  await p.locator('body[data-procs-q="khai sinh"]').waitFor({ timeout: 5000 });
  assert.match(await p.locator('#count').innerText(), /Không tìm thấy thủ tục nào cho “khai sinh”/);
  assert.ok(p.url().includes('q=khai+sinh'), 'the search is in the address');
  // Typing searches too.
  await p.locator('#q').fill('');
  await p.locator('#q').pressSequentially('ket');
  await p.locator('body[data-procs-q="ket"]').waitFor({ timeout: 5000 });

  // Late right now (Friday 6 March 10:00): the two dossiers of Monday.
  const late = await p.locator('#late-list > li').evaluateAll((ls) => ls.map((l) => l.dataset.code));
  assert.deepEqual(late.sort(), [d.late.code, d.sorry.code].sort());
  assert.match(await p.locator(`#late-list > li[data-code="${d.sorry.code}"]`).innerText(),
    /Đã có văn bản xin lỗi, hẹn lại 10\/03\/2026 10:00/);
  assert.match(await p.locator(`#late-list > li[data-code="${d.late.code}"]`).innerText(), /Chưa có văn bản xin lỗi/);
  const text = await p.locator('main').innerText();
  assert.ok(!text.includes(APPLICANT.name) && !text.includes(APPLICANT.phone), 'no personal data');
  // Nothing finished today; this month one dossier, on time.
  assert.match(await p.locator('#stat-today').innerText(), /Chưa có hồ sơ hoàn thành/);
  assert.match(await p.locator('#stat-month').innerText(), /100 %\s*1\/1 hồ sơ đúng hạn/);
  // A late dossier made now through the API shows after a reload.
  await clock(at(2026, 3, 12, 9)); // the fresh dossier was due 11 March 10:00
  await p.goto(`${s.base}/public`);
  await p.locator('body[data-state="ready"]').waitFor({ timeout: 5000 });
  assert.ok(await p.locator(`#late-list > li[data-code="${d.fresh.code}"]`).isVisible());
  await p.locator('#lang-toggle').click();
  assert.match(await p.locator('#late-title').innerText(), /Dossiers late right now/);
  assert.match(await p.locator(`#late-list > li[data-code="${d.sorry.code}"]`).innerText(), /Apology sent/);
  await p.locator('#lang-toggle').click();
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('screenshots of status, rate and public at phone, tablet and TV sizes', { skip: SKIP }, async () => {
  for (const [name, size] of Object.entries(PAGE_SIZES)) {
    const st = await openPage(browser, statusUrl(d.sorry), size);
    await st.locator('body[data-state="found"]').waitFor({ timeout: 5000 });
    await noOverflow(st, `status ${name}`);
    await shot(st, `status-${name}`);
    assert.deepEqual(st.errors, [], `status ${name}`);
    await st.context().close();

    const { token } = await ratingLink(name === 'phone' ? d.fresh.code : name === 'tablet' ? d.late.code : d.sorry.code);
    const rt = await openPage(browser, `${s.base}/rate?t=${token}`, size);
    await rt.locator('body[data-state="form"]').waitFor({ timeout: 5000 });
    await rt.locator('label[for="level-satisfied"]').click();
    await noOverflow(rt, `rate ${name}`);
    await shot(rt, `rate-${name}`);
    assert.deepEqual(rt.errors, [], `rate ${name}`);
    await rt.context().close();

    const pub = await openPage(browser, `${s.base}/public`, size);
    await pub.locator('body[data-state="ready"]').waitFor({ timeout: 5000 });
    await noOverflow(pub, `public ${name}`);
    await shot(pub, `public-${name}`);
    assert.deepEqual(pub.errors, [], `public ${name}`);
    await pub.context().close();
  }
});
