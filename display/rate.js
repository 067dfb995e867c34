// The citizen's rating: /rate?t=TOKEN, from the one-time link or QR code the
// counter hands out (POST /api/v1/{dossiers|tickets}/…/rating-link), or /rate
// alone with a box to type the code printed on the slip (dashes, spaces and
// case ignored; the server normalises it too).
// GET /api/v1/public/ratings/{token} says what is rated and whether it was
// already; POST /api/v1/public/ratings sends the level and the optional
// answers. Anonymous: nothing about the citizen is asked or sent.
//
// For tests: <body data-state="loading|code|form|sending|thanks|already|invalid|error">.
import { $, el, api, setupLang, findOffice } from './citizen.js';
import { params } from './common.js';

const TEXTS = {
  vi: {
    title: 'Đánh giá mức độ hài lòng — Bộ phận Một cửa',
    otherLang: 'English',
    otherLangLabel: 'Switch to English',
    pageName: 'Đánh giá mức độ hài lòng',
    heading: 'Ông/bà đánh giá thế nào về việc giải quyết thủ tục?',
    loading: 'Đang tải…',
    whatDossier: 'Hồ sơ thủ tục: ',
    whatTicket: 'Lượt phục vụ tại quầy: ',
    levelsLegend: 'Chọn một mức đánh giá',
    chooseLevel: 'Xin chọn một mức đánh giá.',
    optional: 'Thông tin thêm (không bắt buộc)',
    qOnTime: 'Hồ sơ có được giải quyết đúng hẹn không?',
    qCourteous: 'Cán bộ có lịch sự, tận tình không?',
    qVisits: 'Ông/bà đã phải đi lại bao nhiêu lần cho việc này?',
    qPayment: 'Ông/bà có bị đòi tiền ngoài quy định không?',
    qComment: 'Góp ý khác',
    yes: 'Có',
    no: 'Không',
    noAnswer: '— Không trả lời —',
    times: (n) => (n === 10 ? '10 lần trở lên' : `${n} lần`),
    anon: 'Đánh giá là ẩn danh: không ghi tên, số điện thoại hay địa chỉ của ông/bà. Mỗi lượt giải quyết được đánh giá một lần.',
    submit: 'Gửi đánh giá',
    sending: 'Đang gửi…',
    thanks: 'Xin chân thành cảm ơn ông/bà đã đánh giá!',
    thanksMore: 'Ý kiến của ông/bà giúp chúng tôi phục vụ tốt hơn.',
    already: 'Lượt giải quyết này đã được đánh giá.',
    alreadyMore: 'Mỗi lượt chỉ được đánh giá một lần. Xin chân thành cảm ơn ông/bà đã góp ý!',
    invalid: 'Đường dẫn đánh giá không đúng hoặc đã hết hạn.',
    invalidMore: 'Xin kiểm tra lại mã in trên phiếu, hoặc hỏi cán bộ tại quầy để nhận mã mới.',
    codeHeading: 'Nhập mã đánh giá',
    codeLabel: 'Mã đánh giá in trên phiếu',
    codeHint: 'Ví dụ: 78UB-5Q7T-2T8D-UDDA-E57A (không cần gõ dấu gạch, chữ hoa hay thường đều được)',
    codeSubmit: 'Tiếp tục',
    network: 'Chưa gửi được đánh giá: không kết nối được với máy chủ.',
    networkMore: 'Xin thử lại sau ít phút.',
    levels: {
      very_satisfied: 'Rất hài lòng', satisfied: 'Hài lòng', neutral: 'Bình thường', not_satisfied: 'Không hài lòng',
    },
  },
  en: {
    title: 'Rate our service — One-stop office',
    otherLang: 'Tiếng Việt',
    otherLangLabel: 'Chuyển sang tiếng Việt',
    pageName: 'Rate our service',
    heading: 'How satisfied are you with how your request was handled?',
    loading: 'Loading…',
    whatDossier: 'Dossier for: ',
    whatTicket: 'Service at the counter: ',
    levelsLegend: 'Choose one',
    chooseLevel: 'Please choose one of the four answers.',
    optional: 'More about your visit (optional)',
    qOnTime: 'Was your dossier handled on time?',
    qCourteous: 'Was the officer courteous and helpful?',
    qVisits: 'How many times did you have to come for this?',
    qPayment: 'Were you asked for any payment beyond the official fees?',
    qComment: 'Other comments',
    yes: 'Yes',
    no: 'No',
    noAnswer: '— No answer —',
    times: (n) => (n === 10 ? '10 or more times' : n === 1 ? 'once' : `${n} times`),
    anon: 'Your rating is anonymous: no name, phone number or address is recorded. Each visit can be rated once.',
    submit: 'Send my rating',
    sending: 'Sending…',
    thanks: 'Thank you for your rating!',
    thanksMore: 'Your opinion helps us serve you better.',
    already: 'This visit has already been rated.',
    alreadyMore: 'Each visit can be rated only once. Thank you for your feedback!',
    invalid: 'This rating link is wrong or has expired.',
    invalidMore: 'Please check the code printed on your slip, or ask the officer at the counter for a new one.',
    codeHeading: 'Enter your rating code',
    codeLabel: 'Rating code printed on your slip',
    codeHint: 'For example 78UB-5Q7T-2T8D-UDDA-E57A (dashes and letter case do not matter)',
    codeSubmit: 'Continue',
    network: 'Your rating was not sent: the server cannot be reached.',
    networkMore: 'Please try again in a few minutes.',
    levels: {
      very_satisfied: 'Very satisfied', satisfied: 'Satisfied', neutral: 'Neutral', not_satisfied: 'Not satisfied',
    },
  },
};

const LEVELS = ['very_satisfied', 'satisfied', 'neutral', 'not_satisfied'];
// The mouth of each face, in a 24×24 box: a wide smile down to a frown.
const MOUTHS = {
  very_satisfied: 'M7.5 13.5 Q12 19.5 16.5 13.5',
  satisfied: 'M8.5 14.5 Q12 17.5 15.5 14.5',
  neutral: 'M8.5 15.5 L15.5 15.5',
  not_satisfied: 'M8.5 17 Q12 13 15.5 17',
};

// A code as typed: letters and digits only, upper case.
const normCode = (s) => s.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
const token = normCode(params.get('t') ?? '');
let info = null; // the link's answer: {kind, what, rated, levels, office}
let outcome = null; // 'thanks' | 'already' | 'invalid' | 'network' | null
let office = null; // the centre the rating belongs to: {code, name}
const lang = setupLang(TEXTS, render);
const T = (k) => TEXTS[lang()][k];

const page = { sent: [] };
window.motcuaRate = page; // for tests: every body sent

function setState(s) { document.body.dataset.state = s; }

function face(level) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'face');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const parts = [
    ['circle', { cx: 12, cy: 12, r: 10.5, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.6 }],
    ['circle', { cx: 8.7, cy: 9.5, r: 1.3, fill: 'currentColor' }],
    ['circle', { cx: 15.3, cy: 9.5, r: 1.3, fill: 'currentColor' }],
    ['path', { d: MOUTHS[level], fill: 'none', stroke: 'currentColor', 'stroke-width': 1.6, 'stroke-linecap': 'round' }],
  ];
  for (const [tag, attrs] of parts) {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    svg.append(e);
  }
  return svg;
}

// The four choices, once; their words follow the language.
function buildLevels() {
  const grid = $('level-grid');
  for (const level of LEVELS) {
    const box = el('div', 'level');
    box.dataset.level = level;
    const input = el('input');
    input.type = 'radio';
    input.name = 'level';
    input.value = level;
    input.id = `level-${level}`;
    input.required = true;
    const label = el('label');
    label.htmlFor = input.id;
    label.append(face(level), el('span', 'level-text'));
    box.append(input, label);
    grid.append(box);
    input.addEventListener('change', () => { $('level-error').hidden = true; });
  }
}

function levelLabel(level) {
  const fromServer = info?.levels?.find((l) => l.level === level);
  if (fromServer) return lang() === 'en' ? (fromServer.label_en || fromServer.label) : fromServer.label;
  return TEXTS[lang()].levels[level];
}

function renderVisits() {
  const sel = $('visits');
  const keep = sel.value;
  sel.replaceChildren(el('option', null, T('noAnswer')));
  sel.firstChild.value = '';
  for (let n = 1; n <= 10; n++) {
    const o = el('option', null, TEXTS[lang()].times(n));
    o.value = String(n);
    sel.append(o);
  }
  sel.value = keep;
}

function renderOutcome() {
  const box = $('outcome');
  box.replaceChildren();
  if (!outcome) return;
  const [cls, mark] = {
    thanks: ['thanks card', '✓'],
    already: ['thanks card polite', 'i'],
    invalid: ['notice error', null],
    network: ['notice error', null],
  }[outcome];
  const sec = el('div', cls);
  sec.id = `outcome-${outcome}`;
  if (mark) {
    const m = el('div', 'big-mark', mark);
    m.setAttribute('aria-hidden', 'true');
    sec.append(m);
  }
  const p1 = el('p');
  p1.append(el('strong', null, T(outcome)));
  sec.append(p1, el('p', null, T(`${outcome}More`)));
  box.append(sec);
}

function render() {
  if (office) $('office-name').textContent = (lang() === 'en' && office.name_en) || office.name;
  for (const level of LEVELS) {
    const span = document.querySelector(`#level-${level} + label .level-text`);
    if (span) span.textContent = levelLabel(level);
  }
  renderVisits();
  if (info) {
    const w = $('what');
    w.replaceChildren(T(info.kind === 'ticket' ? 'whatTicket' : 'whatDossier'), el('strong', null, info.what || '—'));
  }
  $('heading').textContent = outcome && outcome !== 'network' ? T('pageName')
    : document.body.dataset.state === 'code' ? T('codeHeading') : T('heading');
  $('code-hint').textContent = T('codeHint');
  $('submit').textContent = document.body.dataset.state === 'sending' ? T('sending') : T('submit');
  renderOutcome();
}

function showForm(show) {
  $('rate-form').hidden = !show;
  $('loading').hidden = true;
}

function chosen(name) {
  const c = document.querySelector(`input[name="${name}"]:checked`);
  return c ? c.value === 'true' : undefined;
}

async function submit() {
  const level = document.querySelector('input[name="level"]:checked')?.value;
  if (!level) {
    $('level-error').hidden = false;
    $('level-very_satisfied').focus();
    return;
  }
  const body = { token, level };
  for (const k of ['on_time', 'courteous', 'unofficial_payment_asked']) {
    const v = chosen(k);
    if (v !== undefined) body[k] = v;
  }
  if (info?.kind === 'ticket') delete body.on_time;
  if ($('visits').value) body.visits = Number($('visits').value);
  const comment = $('comment').value.trim();
  if (comment) body.comment = comment;
  $('submit').disabled = true;
  setState('sending');
  render();
  page.sent.push(body);
  const r = await api('POST', '/api/v1/public/ratings', body);
  $('submit').disabled = false;
  if (r.status === 201) outcome = 'thanks';
  else if (r.status === 409) outcome = 'already';
  else if (r.status === 404) outcome = 'invalid';
  else outcome = 'network';
  if (outcome !== 'network') showForm(false);
  setState(outcome === 'network' ? 'error' : outcome);
  render();
  if (outcome !== 'network') $('outcome').scrollIntoView({ block: 'nearest' });
}

buildLevels();
$('comment').addEventListener('input', () => {
  $('comment-count').textContent = `${[...$('comment').value].length}/500`;
});
$('code-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const code = normCode($('code').value);
  if (!code) { $('code').focus(); return; }
  const u = new URL(window.location.href);
  u.searchParams.set('t', code);
  window.location.assign(u.toString());
});
$('rate-form').addEventListener('submit', (e) => {
  e.preventDefault();
  submit();
});

(async () => {
  const r = token ? await api('GET', `/api/v1/public/ratings/${encodeURIComponent(token)}`) : { status: 404 };
  // The link names the centre it rates (a province has many); without a
  // link, a province of one centre names that one.
  if (r.status === 200 && r.json && r.json.office && r.json.office.name) office = r.json.office;
  else office = await findOffice(params.get('office'));
  if (r.status === 200 && r.json) {
    info = r.json;
    $('q-on_time').hidden = info.kind === 'ticket';
    if (info.rated) {
      outcome = 'already';
      showForm(false);
      setState('already');
    } else {
      showForm(true);
      setState('form');
    }
  } else if (!token) {
    showForm(false);
    $('code-form').hidden = false;
    setState('code');
  } else {
    outcome = r.status === 0 || r.status >= 500 ? 'network' : 'invalid';
    showForm(false);
    // A mistyped code can be typed again at once.
    if (outcome === 'invalid') $('code-form').hidden = false;
    setState(outcome === 'network' ? 'error' : 'invalid');
  }
  render();
})();
