// Nothing that names the citizen leaves with an anonymous report or a
// published answer (docs/feedback.md "Privacy"): an anonymous report keeps
// no dossier link (the dossier names its applicant), and the page, when the
// citizen sends without identity, says so and does not send the code. An
// answer is published with a question written by staff, refused while the
// question or the answer holds the sender's full name, phone (any spacing,
// 0… or +84…) or e-mail, compared without diacritics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { SKIP, launch, openPage, shot } from './lib/browser.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';
import { ok } from './lib/steps.mjs';

const SENDER = { name: 'Hoàng Thị Kín Đáo', address: 'Số 7 ngõ Riêng Tư', phone: '0977123456', email: 'kindao@example.vn' };
const APPLICANT = { name: 'Lê Thị Thu Trang', id_number: '045191007788', phone: '0987654321' };

let s;
let dossier;
let n = 1;
before(async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE, args: ['--logins-per-minute', '1000'] });
  const r = ok(await s.as('a.clerk', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received', applicant: APPLICANT,
    documents: [{ name: 'Tờ khai', kind: 'original', count: 1 }] } }));
  dossier = { code: r.dossier.code, secret: r.secret };
});
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const file = async (body) => ok(await s.req('POST', '/api/v1/public/feedback', { body, localAddress: `127.0.8.${n++}` }));
const act = (who, code, body) => s.as(who, 'POST', `/api/v1/feedback/${code}/actions`, { body });

test('an anonymous report sent with the dossier\'s code and secret keeps no link to it', async () => {
  const f = await file({ class: 'conduct', text: 'Cán bộ tiếp nhận gợi ý "bồi dưỡng".', dossier_code: dossier.code,
    dossier_secret: dossier.secret, anonymous: true, sender: SENDER });
  assert.equal(f.kind, 'anonymous');
  const row = s.sql(`SELECT dossier_id, sender_name, sender_phone, class, o.code AS office FROM feedback f
    JOIN offices o ON o.id = f.office_id WHERE f.code = '${f.code}'`)[0];
  assert.deepEqual(row, { dossier_id: null, sender_name: null, sender_phone: null, class: 'conduct', office: CENTRE_A });
  const d = ok(await s.as('a.sup', 'GET', `/api/v1/feedback/${f.code}`));
  assert.equal(d.dossier, null);
  assert.ok(![dossier.code, APPLICANT.name].some((x) => JSON.stringify(d).includes(x)));
});

test('publish needs a question written by staff, without the sender\'s name, phone or e-mail', async () => {
  const f = await file({ class: 'procedure', office: CENTRE_B, sender: SENDER,
    text: `Tôi là ${SENDER.name}, số điện thoại ${SENDER.phone}. Hồ sơ của tôi bị trả lại 3 lần.` });
  ok(await act('b.sup', f.code, { action: 'classify', decision: 'accept' }));
  ok(await act('b.sup', f.code, { action: 'answer', text: 'Trung tâm xin lỗi và đã hướng dẫn lại thủ tục.' }));
  ok(await act('b.centre.sup', f.code, { action: 'approve' }));
  const none = await act('b.sup', f.code, { action: 'publish' });
  assert.deepEqual([none.status, none.json.error.code], [400, 'missing_field']);
  for (const question of [
    'Bà hoang thi kin dao hỏi vì sao hồ sơ bị trả lại?',
    'Người gọi số 0977 123 456 hỏi vì sao hồ sơ bị trả lại?',
    'Người gọi số +84 977.123.456 hỏi vì sao hồ sơ bị trả lại?',
    'Thư từ KinDao@Example.vn hỏi vì sao hồ sơ bị trả lại?',
    // However it is spaced or hidden: double blanks, a line break, a
    // no-break or zero-width space, hyphens; any separators in the number,
    // full-width digits; the address written around its @.
    'Bà Hoàng  Thị\nKín\u00a0Đáo hỏi vì sao hồ sơ bị trả lại?',
    'Bà Hoàng-Thị-Kín\u200b Đáo hỏi vì sao hồ sơ bị trả lại?',
    'Người gọi số (0977) 123 / 456 hỏi vì sao hồ sơ bị trả lại?',
    'Người gọi số ０９７７１２３４５６ hỏi vì sao hồ sơ bị trả lại?',
    'Thư từ kindao [at] example.vn hỏi vì sao hồ sơ bị trả lại?',
  ]) {
    const r = await act('b.sup', f.code, { action: 'publish', question });
    assert.deepEqual([r.status, r.json.error.code, r.json.error.field], [400, 'personal_data_in_public', 'question'], question);
    assert.match(r.json.error.message, /thông tin cá nhân/);
  }
  assert.equal(s.sql(`SELECT status FROM feedback WHERE code = '${f.code}'`)[0].status, 'answered');
  const good = ok(await act('b.sup', f.code, { action: 'publish', question: 'Vì sao hồ sơ bị trả lại nhiều lần?' }));
  assert.equal(good.status, 'published');
  const pub = await s.req('GET', '/api/v1/public/feedback-answers');
  assert.equal(pub.json.items[0].question, 'Vì sao hồ sơ bị trả lại nhiều lần?');
  assert.ok(![SENDER.name, SENDER.phone, SENDER.email].some((x) => pub.text.includes(x)));
});

test('a name is matched as whole words: a short name does not refuse the words it is part of', async () => {
  const thu = { name: 'Trần Thị Thu', address: 'Khe Sanh', phone: '0911222333' };
  const f = await file({ class: 'procedure', office: CENTRE_B, sender: thu, text: 'Phí chứng thực.' });
  ok(await act('b.sup', f.code, { action: 'classify', decision: 'accept' }));
  ok(await act('b.sup', f.code, { action: 'answer', text: 'Lần thứ hai nộp hồ sơ không phải nộp phí.' }));
  ok(await act('b.centre.sup', f.code, { action: 'approve' }));
  ok(await act('b.sup', f.code, { action: 'publish', question: 'Bà Trần Thị Thủy hỏi: lần thứ hai có phải nộp phí không?' }));
});

test('an approved answer that names the sender is not published', async () => {
  const f = await file({ class: 'procedure', office: CENTRE_B, sender: SENDER, text: 'Hồ sơ bị trả lại.' });
  ok(await act('b.sup', f.code, { action: 'classify', decision: 'accept' }));
  ok(await act('b.sup', f.code, { action: 'answer', text: `Kính gửi bà ${SENDER.name}: trung tâm xin lỗi.` }));
  ok(await act('b.centre.sup', f.code, { action: 'approve' }));
  const r = await act('b.sup', f.code, { action: 'publish', question: 'Vì sao hồ sơ bị trả lại?' });
  assert.deepEqual([r.status, r.json.error.code, r.json.error.field], [400, 'personal_data_in_public', 'answer']);
  assert.equal(s.sql(`SELECT published_at FROM feedback WHERE code = '${f.code}'`)[0].published_at, null);
  // A version to publish that still names her is refused too; one without
  // the salutation is published, and the sender keeps the answer she got.
  const still = await act('b.sup', f.code, { action: 'publish', question: 'Vì sao hồ sơ bị trả lại?', answer: `Bà ${SENDER.name.toUpperCase()}: trung tâm xin lỗi.` });
  assert.deepEqual([still.status, still.json.error.code, still.json.error.field], [400, 'personal_data_in_public', 'answer']);
  ok(await act('b.sup', f.code, { action: 'publish', question: 'Vì sao hồ sơ bị trả lại?', answer: 'Trung tâm xin lỗi vì đã trả lại hồ sơ nhiều lần.' }));
  const pub = await s.req('GET', `/api/v1/public/feedback-answers?q=${encodeURIComponent('tra lai ho so')}`);
  const item = pub.json.items.find((i) => i.code === f.code);
  assert.equal(item.answer, 'Trung tâm xin lỗi vì đã trả lại hồ sơ nhiều lần.');
  assert.ok(!pub.text.includes(SENDER.name));
  const mine = await s.req('GET', `/api/v1/public/feedback/${f.code}?secret=${f.secret}`);
  assert.equal(mine.json.answer, `Kính gửi bà ${SENDER.name}: trung tâm xin lỗi.`);
});

test('the page, sending without identity from the receipt\'s link, says the dossier is not kept and does not send it', { skip: SKIP }, async () => {
  const browser = await launch();
  try {
    const page = await openPage(browser, `${s.base}/gop-y?d=${dossier.code}&s=${dossier.secret}`);
    const sent = [];
    page.on('request', (rq) => { if (rq.method() === 'POST' && rq.url().includes('/api/v1/public/feedback')) sent.push(rq.postDataJSON()); });
    await page.click('label[for="class-conduct"]');
    await page.fill('#text', 'Cán bộ tiếp nhận gợi ý bồi dưỡng để nhanh hơn.');
    // The receipt's link names the dossier's centre (the page asks none);
    // the report goes there, without the dossier.
    await page.locator('#office-name', { hasText: 'Khe Sanh' }).waitFor();
    assert.equal(await page.locator('#office-field').isVisible(), false);
    await page.click('#submit');
    await page.locator('#anon').waitFor({ state: 'visible', timeout: 10000 });
    const said = await page.locator('#anon-missing').innerText();
    assert.match(said, /Mã hồ sơ đã ghi cũng không được gửi/);
    await shot(page, '174-anonymous-dossier');
    await page.click('#anon-send');
    await page.waitForSelector('body[data-state="done"]', { timeout: 20000 });
    assert.equal(sent.length >= 1, true);
    const last = sent[sent.length - 1];
    assert.equal(last.anonymous, true);
    assert.equal(last.dossier_code, undefined);
    assert.equal(last.dossier_secret, undefined);
    const row = s.sql(`SELECT f.kind, f.dossier_id, o.code AS office FROM feedback f JOIN offices o ON o.id = f.office_id
      ORDER BY f.id DESC LIMIT 1`)[0];
    assert.deepEqual(row, { kind: 'anonymous', dossier_id: null, office: CENTRE_A });
  } finally { await browser.close(); }
});
