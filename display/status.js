// The citizen's dossier lookup: /status, or /status?code=…&secret=… as the
// QR code on the receipt (Mẫu 01) opens it, which looks the dossier up at
// once. GET /api/v1/public/dossiers/{code}?secret=… answers the same 404 for
// an unknown code and a wrong secret, and the page shows the same words for
// both. The secret is taken out of the address bar once read.
//
// For tests: <body data-state="idle|busy|found|not_found|error">.
import { $, el, api, fmtDateTime, setupLang, findOffice } from './citizen.js';
import { params } from './common.js';
import { isFeedbackCode, renderFeedback, resetFeedbackView } from './status-feedback.js';

const TEXTS = {
  vi: {
    title: 'Tra cứu hồ sơ — Bộ phận Một cửa',
    otherLang: 'English',
    otherLangLabel: 'Switch to English',
    pageName: 'Tra cứu tình trạng hồ sơ',
    heading: 'Tra cứu hồ sơ',
    intro: 'Nhập mã hồ sơ và mã tra cứu in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả (hoặc quét mã QR trên giấy). Mã phản ánh, kiến nghị (bắt đầu bằng PA-) cũng tra cứu tại đây.',
    codeLabel: 'Mã hồ sơ hoặc mã phản ánh',
    codeHint: 'Ví dụ: TTHCC-KS-260302-0001',
    secretLabel: 'Mã tra cứu',
    secretHint: '10 ký tự in trên giấy hẹn, ví dụ: K7QM2XH9TP',
    submit: 'Tra cứu',
    busy: 'Đang tra cứu…',
    dossier: 'Hồ sơ',
    procedure: 'Thủ tục',
    received: 'Ngày tiếp nhận',
    appointment: 'Ngày hẹn trả kết quả',
    returned: 'Ngày trả kết quả',
    notYet: 'Chưa có',
    late: 'Hồ sơ đã trễ so với ngày hẹn trả kết quả.',
    lateSorry: 'Chúng tôi xin lỗi ông/bà vì sự chậm trễ này. Xin liên hệ Bộ phận Một cửa để được giải thích.',
    apology: 'Cơ quan giải quyết đã gửi văn bản xin lỗi và hẹn lại ngày trả kết quả:',
    ready: 'Đã có kết quả. Mời ông/bà mang Giấy tiếp nhận và giấy tờ tùy thân đến Bộ phận Một cửa để nhận kết quả.',
    readyAt: 'Đã có kết quả. Mời ông/bà mang Giấy tiếp nhận và giấy tờ tùy thân đến {place} để nhận kết quả.',
    collectAt: 'Nơi nhận kết quả',
    needed: 'Hồ sơ cần bổ sung',
    neededHint: 'Xin mang các giấy tờ sau đến Bộ phận Một cửa:',
    notFound: 'Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này.',
    notFoundFeedback: 'Không tìm thấy phản ánh với mã phản ánh và mã tra cứu này.',
    notFoundHint: 'Xin kiểm tra lại hai mã in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.',
    notFoundFeedbackHint: 'Xin kiểm tra lại mã phản ánh và mã tra cứu được cấp khi gửi phản ánh, kiến nghị.',
    tooMany: 'Ông/bà đã nhập sai nhiều lần.',
    tooManyHint: 'Xin chờ khoảng {s} giây rồi thử lại.',
    network: 'Không kết nối được với máy chủ.',
    networkHint: 'Xin kiểm tra kết nối mạng và thử lại sau ít phút.',
    missing: 'Xin nhập đủ mã hồ sơ và mã tra cứu.',
  },
  en: {
    title: 'Dossier lookup — One-stop office',
    otherLang: 'Tiếng Việt',
    otherLangLabel: 'Chuyển sang tiếng Việt',
    pageName: 'Dossier status',
    heading: 'Look up your dossier',
    intro: 'Enter the dossier code and the lookup code printed on your receipt (or scan the QR code on it). Feedback codes (starting with PA-) are looked up here too.',
    codeLabel: 'Dossier or feedback code',
    codeHint: 'For example: TTHCC-KS-260302-0001',
    secretLabel: 'Lookup code',
    secretHint: '10 characters printed on the receipt, e.g. K7QM2XH9TP',
    submit: 'Look up',
    busy: 'Looking up…',
    dossier: 'Dossier',
    procedure: 'Procedure',
    received: 'Received on',
    appointment: 'Result due on',
    returned: 'Result collected on',
    notYet: 'Not yet',
    late: 'This dossier is late against its appointment.',
    lateSorry: 'We apologise for the delay. Please ask the one-stop office for an explanation.',
    apology: 'The office has sent a letter of apology with a new appointment:',
    ready: 'The result is ready. Please bring your receipt and an identity document to the one-stop office to collect it.',
    readyAt: 'The result is ready. Please bring your receipt and an identity document to {place} to collect it.',
    collectAt: 'Where to collect the result',
    needed: 'Documents still needed',
    neededHint: 'Please bring the following to the one-stop office:',
    notFound: 'No dossier matches this dossier code and lookup code.',
    notFoundFeedback: 'No feedback matches this feedback code and lookup code.',
    notFoundHint: 'Please check both codes printed on your receipt.',
    notFoundFeedbackHint: 'Please check the feedback code and the lookup code given when you sent the feedback.',
    tooMany: 'Too many wrong attempts.',
    tooManyHint: 'Please wait about {s} seconds and try again.',
    network: 'The server cannot be reached.',
    networkHint: 'Please check your connection and try again in a few minutes.',
    missing: 'Please enter both the dossier code and the lookup code.',
  },
};

const STATUS_EN = {
  supplement_requested: 'Waiting for more documents',
  received: 'Received',
  in_process: 'Being processed',
  interagency: 'At a partner agency',
  awaiting_payment: 'Waiting for fees to be paid',
  result_ready: 'Result ready: please come to collect it',
  returned: 'Result collected',
  rejected_at_intake: 'Not accepted at intake',
  returned_ineligible: 'Returned: not eligible',
  withdrawn: 'Withdrawn',
  cancelled: 'Cancelled',
};
const STATUS_CLASS = {
  result_ready: 'good', returned: 'good',
  supplement_requested: 'wait', awaiting_payment: 'wait',
  rejected_at_intake: 'ended', returned_ineligible: 'ended', withdrawn: 'ended', cancelled: 'ended',
};

let office = null;
let last = null; // {kind:'found', d} | {kind:'feedback', f} | {kind:'error', key, wait} | null
let lastSecret = ''; // a feedback's secret, for its reply and reaction
const lang = setupLang(TEXTS, render);
const T = (k) => TEXTS[lang()][k];

function setState(state) { document.body.dataset.state = state; }

// A notice box: the first line in bold, the rest plain.
function notice(cls, lines) {
  const n = el('div', `notice ${cls}`);
  lines.forEach((line, i) => {
    const p = el('p');
    p.append(i === 0 && lines.length > 1 ? el('strong', null, line) : line);
    n.append(p);
  });
  return n;
}

function fact(dl, label, value) {
  dl.append(el('dt', null, label), el('dd', 'num', value));
}

function renderDossier(d) {
  const card = el('article', 'card');
  card.id = 'dossier';
  card.setAttribute('aria-labelledby', 'dossier-title');
  const h = el('h2');
  h.id = 'dossier-title';
  h.append(`${T('dossier')} `, el('span', 'code-text', d.code));
  card.append(h);
  const badge = el('p', `status-badge ${STATUS_CLASS[d.status] ?? ''}`,
    lang() === 'en' ? (STATUS_EN[d.status] ?? d.status) : d.status_text);
  badge.id = 'status-text';
  card.append(badge);
  const dl = el('dl', 'facts');
  fact(dl, T('procedure'), d.procedure ? d.procedure.name : '—');
  fact(dl, T('received'), d.received_at ? fmtDateTime(d.received_at) : T('notYet'));
  fact(dl, T('appointment'), d.appointment_at ? fmtDateTime(d.appointment_at) : T('notYet'));
  if (d.returned_at) fact(dl, T('returned'), fmtDateTime(d.returned_at));
  // Where the citizen chose to collect the result: in a province it may be
  // another centre than the one that received the dossier.
  const place = d.return_office && d.return_office.name;
  if (place) {
    const dd = el('dd');
    dd.id = 'collect-at';
    dd.append(el('strong', null, place));
    for (const line of [d.return_office.address, d.return_office.hours]) {
      if (!line) continue;
      const span = el('span', null, line);
      span.style.fontWeight = '400'; // the name stands out, not its details
      dd.append(el('br'), span);
    }
    dl.append(el('dt', null, T('collectAt')), dd);
  }
  card.append(dl);

  if (d.status === 'result_ready') {
    card.append(notice('ok', [place ? T('readyAt').replace('{place}', place) : T('ready')]));
  }
  if (d.late || d.apology) {
    const n = el('div', 'notice warn');
    n.id = 'late';
    if (d.late) n.append(el('p', null, T('late')));
    if (d.apology) {
      const p = el('p', null, `${T('apology')} `);
      const b = el('strong', 'num', fmtDateTime(d.apology.new_appointment_at));
      b.id = 'new-appointment';
      p.append(b);
      n.append(p);
    } else {
      n.append(el('p', null, T('lateSorry')));
    }
    card.append(n);
  }
  if (Array.isArray(d.still_needed) && d.still_needed.length) {
    const sec = el('section', 'notice info');
    sec.id = 'needed';
    sec.append(el('h3', null, T('needed')), el('p', null, T('neededHint')));
    const ul = el('ul', 'needed');
    for (const it of d.still_needed) {
      const li = el('li');
      li.append(el('span', null, it.item));
      if (it.reason) li.append(el('span', 'why', it.reason));
      ul.append(li);
    }
    sec.append(ul);
    card.append(sec);
  }
  return card;
}

// An example code as this server issues them (docs/api.md, "Dossiers"):
// <the centre's code>-<YYMMDD of today, office time>-0001. Without a known
// centre, the static example's.
function exampleCode() {
  if (!office?.code) return null;
  const d = new Date(Date.now() + 7 * 3600 * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${office.code}-${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-0001`;
}

function render() {
  if (office) $('office-name').textContent = (lang() === 'en' && office.name_en) || office.name;
  const example = exampleCode();
  if (example) $('code-hint').textContent = T('codeHint').replace(/[A-Z0-9.-]+-\d{6}-\d{4}$/, example);
  const box = $('result');
  box.replaceChildren();
  if (!last) return;
  if (last.kind === 'found') {
    box.append(renderDossier(last.d));
  } else if (last.kind === 'feedback') {
    box.append(renderFeedback(last.f, { lang: lang(), secret: lastSecret, onUpdate: (f) => { last = { kind: 'feedback', f }; render(); } }));
  } else if (last.kind === 'busy') {
    box.append(el('p', 'intro', T('busy')));
  } else {
    const hint = { notFound: 'notFoundHint', notFoundFeedback: 'notFoundFeedbackHint', tooMany: 'tooManyHint', network: 'networkHint' }[last.key];
    const lines = [T(last.key)];
    if (hint) lines.push(T(hint).replace('{s}', String(last.wait ?? 60)));
    const n = notice('error', lines);
    n.id = 'lookup-error';
    box.append(n);
  }
}

async function lookup() {
  const code = $('code').value.trim().toUpperCase();
  const secret = $('secret').value.replace(/\s+/g, '').toUpperCase();
  $('code').setAttribute('aria-invalid', String(!code));
  $('secret').setAttribute('aria-invalid', String(!secret));
  if (!code || !secret) {
    last = { kind: 'error', key: 'missing' };
    setState('error');
    render();
    (code ? $('secret') : $('code')).focus();
    return;
  }
  $('submit').disabled = true;
  last = { kind: 'busy' };
  setState('busy');
  render();
  // A feedback's code (PA-…) is looked up as a feedback (status-feedback.js).
  const feedback = isFeedbackCode(code);
  const r = await api('GET', feedback
    ? `/api/v1/public/feedback/${encodeURIComponent(code)}?secret=${encodeURIComponent(secret)}`
    : `/api/v1/public/dossiers/${encodeURIComponent(code)}?secret=${encodeURIComponent(secret)}`);
  $('submit').disabled = false;
  if (feedback && r.status === 200 && r.json) {
    resetFeedbackView();
    lastSecret = secret;
    last = { kind: 'feedback', f: r.json };
    setState('found');
  } else if (r.status === 200 && r.json) {
    last = { kind: 'found', d: r.json };
    // In a province the page serves every centre: once a dossier is found,
    // the bar names the centre where its result is collected.
    if (r.json.return_office && r.json.return_office.name) office = { name: r.json.return_office.name };
    setState('found');
  } else if (r.status === 404) {
    last = { kind: 'error', key: feedback ? 'notFoundFeedback' : 'notFound' };
    setState('not_found');
  } else if (r.status === 429) {
    const wait = r.retryAfter || 60;
    last = { kind: 'error', key: 'tooMany', wait };
    setState('error');
  } else {
    last = { kind: 'error', key: 'network' };
    setState('error');
  }
  render();
  // On a phone the answer is under the form: bring it up.
  const top = $('result').getBoundingClientRect().top;
  if (top > window.innerHeight * 0.6) $('result').scrollIntoView({ block: 'start' });
}

$('lookup').addEventListener('submit', (e) => {
  e.preventDefault();
  lookup();
});

setState('idle');
(async () => {
  // A centre's own link may name it (?office=<code>); else a province of
  // one centre names that one. A dossier found names its return centre.
  const o = await findOffice(params.get('office'));
  if (!office && o) {
    office = o;
    render();
  }
})();

// Arrived by the receipt's QR code: fill in, drop the secret from the
// address (history, shoulder-surfing), and look up at once.
const qCode = params.get('code');
const qSecret = params.get('secret');
if (qCode) $('code').value = qCode;
if (qSecret) {
  $('secret').value = qSecret;
  const u = new URL(location.href);
  u.searchParams.delete('secret');
  history.replaceState(null, '', u);
}
if (qCode && qSecret) lookup();
