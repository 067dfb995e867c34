// The public page (/public): what the province must post (công khai) — its
// centres (address, hours, today's queue, this month's on-time rate), the
// procedure list with legal times, fees and the documents to bring,
// searchable with or without Vietnamese marks (the API folds them); today's
// and this month's on-time rate; the dossiers late right now with their
// apology status, by code only (GET /api/v1/public/transparency).
// /public?office=<centre code> is one centre's page: its address, hours and
// queue, and the figures of the dossiers it received.
// The search comes first (a phone shows it on the first screen); the late
// dossiers are a count with a link, their list folded until asked for.
//
// For tests: <body data-state="loading|ready">, data-procs-q = the last
// search answered.
import { $, el, api, fmtDateTime, fmtMoney, fmtNum, setupLang, findOffice } from './citizen.js';
import { params } from './common.js';
import { setupAnswers } from './public-feedback.js';

const TEXTS = {
  vi: {
    title: 'Công khai thủ tục hành chính — Bộ phận Một cửa',
    otherLang: 'English',
    otherLangLabel: 'Switch to English',
    pageName: 'Công khai thủ tục hành chính và kết quả giải quyết',
    onTimeTitle: 'Tỷ lệ hồ sơ giải quyết đúng hạn',
    today: 'Hôm nay',
    month: 'Tháng này',
    onTimeOf: (a, b) => `${a}/${b} hồ sơ đúng hạn`,
    noneFinished: 'Chưa có hồ sơ hoàn thành',
    lateTitle: 'Hồ sơ đang trễ hạn',
    lateNone: 'Hiện không có hồ sơ trễ hạn.',
    lateCount: (n) => `${n} hồ sơ đang trễ hạn.`,
    lateShow: (n) => `Xem danh sách ${n} hồ sơ trễ hạn`,
    lateHide: 'Thu gọn danh sách',
    lateLink: (n) => `Hiện có ${n} hồ sơ trễ hạn — xem danh sách`,
    due: 'Hạn trả kết quả',
    apologyYes: (t) => `Đã có văn bản xin lỗi, hẹn lại ${t}`,
    apologyNo: 'Chưa có văn bản xin lỗi',
    procsTitle: 'Danh mục thủ tục hành chính',
    searchLabel: 'Tìm thủ tục (có dấu hoặc không dấu)',
    searchButton: 'Tìm',
    more: 'Xem thêm',
    count: (n, q) => (q ? `Tìm thấy ${n} thủ tục cho “${q}”.` : `Có ${n} thủ tục.`),
    noMatch: (q) => `Không tìm thấy thủ tục nào cho “${q}”. Xin thử từ khác, ví dụ “khai sinh”.`,
    loadFailed: 'Không tải được dữ liệu. Xin thử lại sau.',
    time: 'Thời hạn giải quyết',
    fee: 'Phí, lệ phí',
    docs: 'Thành phần hồ sơ',
    noDocs: 'Xin hỏi tại Bộ phận Một cửa.',
    days: (n) => `${n} ngày làm việc`,
    hours: (n) => `${n} giờ làm việc`,
    sameDay: (c) => (c ? `Trong ngày (nộp trước ${c})` : 'Trong ngày'),
    levels: { commune: 'Cấp xã', district: 'Cấp huyện', province: 'Cấp tỉnh', central: 'Cấp trung ương' },
    kinds: { original: 'bản chính', copy: 'bản sao', either: 'bản chính hoặc bản sao' },
    copies: (n) => `${n} bản`,
    optionalDoc: '(nếu có)',
    allCentres: 'Tất cả các trung tâm của tỉnh',
    hereTitle: 'Thông tin trung tâm',
    centresTitle: 'Các trung tâm phục vụ hành chính công',
    centresHint: 'Quý vị có thể nộp hồ sơ của bất kỳ xã, phường hay sở nào trong tỉnh tại bất kỳ trung tâm nào.',
    address: 'Địa chỉ',
    hours: 'Giờ làm việc',
    phone: 'Điện thoại',
    queueNow: 'Hàng chờ lúc này',
    waiting: (n) => `${n} người đang chờ`,
    serving: (n) => `${n} người đang được phục vụ`,
    countersOpen: (n) => (n ? `${n} quầy đang mở` : 'Chưa có quầy nào mở'),
    onTimeMonth: 'Đúng hạn tháng này',
    noneYet: 'chưa có hồ sơ hoàn thành',
    open: 'Xem trang của trung tâm',
    unknownCentre: 'Không có trung tâm này. Xin chọn một trung tâm trong danh sách.',
    groupsTitle: 'Số người đang chờ theo lĩnh vực',
    toSearch: 'Tìm thủ tục hành chính',
    todayOpen: 'Hôm nay',
    openNow: 'Đang mở cửa',
    closedNow: 'Ngoài giờ làm việc',
    closedToday: (name) => (name ? `Nghỉ (${name})` : 'Nghỉ, không làm việc'),
  },
  en: {
    title: 'Public information — One-stop office',
    otherLang: 'Tiếng Việt',
    otherLangLabel: 'Chuyển sang tiếng Việt',
    pageName: 'Procedures and results, made public',
    onTimeTitle: 'Dossiers finished on time',
    today: 'Today',
    month: 'This month',
    onTimeOf: (a, b) => `${a} of ${b} dossiers on time`,
    noneFinished: 'No dossier finished yet',
    lateTitle: 'Dossiers late right now',
    lateNone: 'No dossier is late right now.',
    lateCount: (n) => `${n} dossier${n === 1 ? ' is' : 's are'} late.`,
    lateShow: (n) => `Show the ${n} late dossier${n === 1 ? '' : 's'}`,
    lateHide: 'Fold the list',
    lateLink: (n) => `${n} dossier${n === 1 ? ' is' : 's are'} late now — see the list`,
    due: 'Result was due',
    apologyYes: (t) => `Apology sent, new appointment ${t}`,
    apologyNo: 'No apology yet',
    procsTitle: 'Administrative procedures',
    searchLabel: 'Find a procedure (Vietnamese, with or without marks)',
    searchButton: 'Search',
    more: 'Show more',
    count: (n, q) => (q ? `${n} procedure${n === 1 ? '' : 's'} found for “${q}”.` : `${n} procedures.`),
    noMatch: (q) => `No procedure found for “${q}”. Try another word, e.g. “khai sinh”.`,
    loadFailed: 'The data could not be loaded. Please try again later.',
    time: 'Legal time limit',
    fee: 'Fees',
    docs: 'Documents to bring',
    noDocs: 'Please ask at the one-stop office.',
    days: (n) => `${n} working day${n === 1 ? '' : 's'}`,
    hours: (n) => `${n} working hour${n === 1 ? '' : 's'}`,
    sameDay: (c) => (c ? `Same day (if submitted before ${c})` : 'Same day'),
    levels: { commune: 'Commune level', district: 'District level', province: 'Province level', central: 'Central level' },
    kinds: { original: 'original', copy: 'copy', either: 'original or copy' },
    copies: (n) => `${n} ${n === 1 ? 'copy' : 'copies'}`,
    optionalDoc: '(if any)',
    allCentres: 'All centres of the province',
    hereTitle: 'About this centre',
    centresTitle: 'Public administration service centres',
    centresHint: 'You may file a dossier for any commune, ward or department of the province at any centre.',
    address: 'Address',
    hours: 'Opening hours',
    phone: 'Telephone',
    queueNow: 'Queue now',
    waiting: (n) => `${n} waiting`,
    serving: (n) => `${n} being served`,
    countersOpen: (n) => (n ? `${n} counter${n === 1 ? '' : 's'} open` : 'No counter open yet'),
    onTimeMonth: 'On time this month',
    noneYet: 'no dossier finished yet',
    open: 'Open the centre’s page',
    unknownCentre: 'There is no such centre. Please choose one from the list.',
    groupsTitle: 'Waiting now, by service',
    toSearch: 'Find a procedure',
    todayOpen: 'Today',
    openNow: 'Open now',
    closedNow: 'Closed now',
    closedToday: (name) => (name ? `Closed (${name})` : 'Closed today'),
  },
};

const PAGE = 20;
const REFRESH_MS = 60000;

let office = null;
// The centre this page is about (?office=<code>), or null: the province.
const centreCode = (params.get('office') ?? '').trim() || null;
let figures = null; // the transparency answer
let hall = null; // a centre's page: its queue (GET /api/v1/queue?office=)
// Whether each centre is open now and its sessions today, by code
// (GET /api/v1/public/offices: each centre's own hours).
let openings = {};
let figuresFailed = false;
let procs = { q: '', items: [], total: 0, failed: false, loaded: false };
let searchSeq = 0;
const lang = setupLang(TEXTS, render);
const L = () => TEXTS[lang()];
// The published answers to feedback (public-feedback.js).
const renderAnswers = setupAnswers(lang, centreCode);

// A share as a percentage with a space before the sign, as Vietnamese
// writes it (and the other screens, common.js fmt().pct): "92,4 %".
function pct(rate) {
  return `${fmtNum(Math.round(rate * 1000) / 10, lang())} %`;
}

// Clock times written as the sessions are, 24-hour with two digits:
// a centre's hours text "7:30–11:30" reads "07:30–11:30".
const hhmm = (text) => String(text).replace(/(^|[^\d:])(\d):(\d\d)(?!\d)/g, '$10$2:$3');

function renderStat(id, p) {
  const box = $(id);
  const v = box.querySelector('.stat-value');
  const sub = box.querySelector('.stat-sub');
  if (!p || p.rate === null || p.rate === undefined) {
    v.textContent = '—';
    v.classList.add('none');
    sub.textContent = L().noneFinished;
  } else {
    v.textContent = pct(p.rate);
    v.classList.remove('none');
    sub.textContent = L().onTimeOf(p.on_time, p.finished);
  }
}

// The citizen's choice (true open, false folded, null none yet), kept
// across the minute's refresh.
let lateOpen = null;
const LATE_OPEN_MAX = 5;

// The one line under the search: how many are late, a link to the list.
function renderLateSummary() {
  const p = $('late-summary');
  const n = figures ? (figures.late_total ?? (figures.late_now ?? []).length) : 0;
  p.replaceChildren();
  p.hidden = !n;
  if (!n) return;
  const a = el('a', null, L().lateLink(n));
  a.href = '#late-section';
  a.id = 'late-link';
  a.addEventListener('click', () => {
    lateOpen = true;
    const d = $('late-details');
    if (d) d.open = true;
  });
  p.append(a);
}

function renderLate() {
  renderLateSummary();
  const box = $('late');
  box.replaceChildren();
  if (figuresFailed && !figures) {
    box.append(el('p', 'notice error', L().loadFailed));
    return;
  }
  if (!figures) return;
  const late = figures.late_now ?? [];
  if (!late.length) {
    box.append(el('p', 'notice ok', L().lateNone));
    return;
  }
  const n = figures.late_total ?? late.length;
  box.append(el('p', 'result-count', L().lateCount(n)));
  // A few late dossiers show at once; more stay folded until asked for.
  const details = el('details', 'late-details');
  details.id = 'late-details';
  details.open = lateOpen ?? n <= LATE_OPEN_MAX;
  const summary = el('summary', 'secondary');
  const label = () => { summary.textContent = details.open ? L().lateHide : L().lateShow(n); };
  label();
  summary.addEventListener('click', () => { lateOpen = !details.open; });
  details.addEventListener('toggle', label);
  details.append(summary);
  box.append(details);
  const ul = el('ul', 'late-list');
  ul.id = 'late-list';
  for (const d of late) {
    const li = el('li', 'card late-item');
    li.dataset.code = d.code;
    li.append(el('div', 'code-text', d.code), el('div', 'proc', d.procedure));
    const due = el('div', 'num');
    due.append(`${L().due}: `, el('b', null, fmtDateTime(d.due_at)));
    li.append(due);
    li.append(d.apology
      ? el('div', 'apology-yes', L().apologyYes(fmtDateTime(d.new_appointment_at)))
      : el('div', 'apology-no', L().apologyNo));
    ul.append(li);
  }
  details.append(ul);
}

// A centre's card: address, hours, phone, today's queue, on-time rate.
function renderCentreCard(c, link) {
  const li = el(link ? 'li' : 'div', 'card centre');
  li.dataset.office = c.code;
  const h = el('h3', null);
  if (link) {
    const a = el('a', null, c.name);
    a.href = `/public?office=${encodeURIComponent(c.code)}`;
    a.setAttribute('aria-label', `${L().open}: ${c.name}`);
    h.append(a);
  } else {
    h.textContent = c.name;
  }
  li.append(h);
  if (c.parent) li.append(el('p', 'meta', c.parent));
  const dl = el('dl', 'facts');
  const fact = (label, value) => {
    const d = el('div', 'fact');
    d.append(el('dt', null, label), value);
    dl.append(d);
  };
  if (c.address) fact(L().address, el('dd', null, c.address));
  if (c.hours) fact(L().hours, el('dd', null, hhmm(c.hours)));
  const o = openings[c.code];
  if (o && o.today) {
    const t = o.today;
    const dd = el('dd', 'today-open');
    if (!t.working_day) {
      dd.append(el('b', 'closed', L().closedToday(t.day_name)));
    } else {
      dd.append((t.sessions ?? []).map((x) => `${x.start}–${x.end}`).join(', '), ' · ',
        el('b', o.open_now ? 'open-now' : 'closed', o.open_now ? L().openNow : L().closedNow));
    }
    fact(L().todayOpen, dd);
  }
  if (c.phone) fact(L().phone, el('dd', 'num', c.phone));
  const q = c.queue ?? {};
  const queue = el('dd', 'queue-now');
  queue.append(el('b', 'waiting', L().waiting(fmtNum(q.waiting ?? 0, lang()))), ' · ',
    el('span', 'serving', L().serving(fmtNum(q.serving ?? 0, lang()))), ' · ',
    el('span', 'open', L().countersOpen(q.counters_open ?? 0)));
  fact(L().queueNow, queue);
  const m = c.on_time?.month;
  const rate = el('dd', 'rate');
  if (m && m.rate !== null && m.rate !== undefined) {
    rate.append(el('b', null, pct(m.rate)), ` (${L().onTimeOf(fmtNum(m.on_time, lang()), fmtNum(m.finished, lang()))})`);
  } else {
    rate.textContent = L().noneYet;
  }
  fact(L().onTimeMonth, rate);
  li.append(dl);
  return li;
}

function renderCentres() {
  const list = figures?.centres ?? [];
  $('back').hidden = !centreCode;
  if (centreCode) {
    $('centres-section').hidden = true;
    const c = list.find((x) => x.code === centreCode);
    $('centre-here').hidden = false;
    $('here').replaceChildren(c ? renderCentreCard(c, false) : el('p', 'notice error', L().unknownCentre));
    if (c && hall?.groups?.length) {
      $('here').append(el('h3', 'label', L().groupsTitle));
      const ul = el('ul', 'groups-now');
      ul.id = 'groups-now';
      for (const g of hall.groups) {
        const li = el('li', 'card group-now');
        li.dataset.group = g.code;
        li.append(el('span', 'name', (lang() === 'en' && g.name_en) || g.name),
          el('b', 'waiting', L().waiting(fmtNum(g.waiting ?? 0, lang()))));
        ul.append(li);
      }
      $('here').append(ul);
    }
    return;
  }
  $('centre-here').hidden = true;
  $('centres-section').hidden = list.length < 2;
  $('centres').replaceChildren(...list.map((c) => renderCentreCard(c, true)));
}

function timeText(p) {
  const t = p.processing ?? {};
  let s;
  if (t.unit === 'same_day') s = L().sameDay(t.cutoff);
  else if (t.unit === 'working_hours') s = L().hours(fmtNum(t.amount, lang()));
  else s = L().days(fmtNum(t.amount ?? 0, lang()));
  return t.note ? `${s}. ${t.note}` : s;
}

function renderProc(p) {
  const li = el('li', 'card proc');
  li.dataset.code = p.code;
  li.append(el('h3', null, p.name));
  const meta = [p.code, p.field, L().levels[p.level] ?? p.level].filter(Boolean).join(' · ');
  li.append(el('p', 'meta', meta));
  const dl = el('dl', 'facts');
  dl.append(el('dt', null, L().time), el('dd', null, timeText(p)));
  const fee = fmtMoney(p.fee_vnd, lang());
  dl.append(el('dt', null, L().fee), el('dd', null, p.fee_note ? `${fee}. ${p.fee_note}` : fee));
  li.append(dl);
  li.append(el('h4', 'label', L().docs));
  const docs = p.documents ?? [];
  if (!docs.length) {
    li.append(el('p', 'hint', L().noDocs));
  } else {
    const ol = el('ol', 'docs');
    for (const d of docs) {
      const item = el('li', null, d.name);
      const bits = [L().kinds[d.kind], d.count ? L().copies(d.count) : null].filter(Boolean).join(', ');
      if (bits) item.append(el('span', 'opt', ` — ${bits}`));
      if (d.required === false) item.append(el('span', 'opt', ` ${L().optionalDoc}`));
      ol.append(item);
    }
    li.append(ol);
  }
  return li;
}

function renderProcs() {
  const ul = $('procs');
  ul.replaceChildren(...procs.items.map(renderProc));
  const count = $('count');
  if (procs.failed) count.textContent = L().loadFailed;
  else if (!procs.loaded) count.textContent = '';
  else if (!procs.total && procs.q) count.textContent = L().noMatch(procs.q);
  else count.textContent = L().count(procs.total, procs.q);
  $('more').hidden = procs.items.length >= procs.total;
}

function render() {
  if (figures?.office) office = figures.office;
  else if (figures && !centreCode && figures.province && (figures.centres ?? []).length > 1) office = { name: figures.province };
  if (office) $('office-name').textContent = (lang() === 'en' && office.name_en) || office.name;
  renderCentres();
  renderStat('stat-today', figures?.on_time?.today);
  renderStat('stat-month', figures?.on_time?.month);
  renderLate();
  renderProcs();
  renderAnswers?.();
}

async function loadHall() {
  if (!centreCode) return;
  const r = await api('GET', `/api/v1/queue?office=${encodeURIComponent(centreCode)}`);
  hall = r.status === 200 && r.json ? r.json : null;
}

async function loadOpenings() {
  const r = await api('GET', '/api/v1/public/offices?limit=200');
  if (r.status === 200 && r.json) openings = Object.fromEntries((r.json.items ?? []).map((o) => [o.code, o]));
}

async function loadFigures() {
  await Promise.all([loadHall(), loadOpenings()]);
  const r = await api('GET', `/api/v1/public/transparency${centreCode ? `?office=${encodeURIComponent(centreCode)}` : ''}`);
  if (r.status === 200 && r.json) {
    figures = r.json;
    figuresFailed = false;
  } else {
    figuresFailed = true;
  }
  render();
}

async function search(q, append = false) {
  const seq = ++searchSeq;
  const offset = append ? procs.items.length : 0;
  const url = `/api/v1/public/procedures?limit=${PAGE}&offset=${offset}${q ? `&q=${encodeURIComponent(q)}` : ''}`;
  const r = await api('GET', url);
  if (seq !== searchSeq) return; // a newer search won
  if (r.status === 200 && r.json) {
    procs = {
      q, total: r.json.total ?? 0, failed: false, loaded: true,
      items: append ? procs.items.concat(r.json.items ?? []) : (r.json.items ?? []),
    };
  } else {
    procs = { ...procs, q, failed: true, loaded: true };
  }
  document.body.dataset.procsQ = q;
  const u = new URL(location.href);
  if (q) u.searchParams.set('q', q); else u.searchParams.delete('q');
  history.replaceState(null, '', u);
  renderProcs();
}

let debounce = null;
$('q').addEventListener('input', () => {
  clearTimeout(debounce);
  debounce = setTimeout(() => search($('q').value.trim()), 350);
});
$('search').addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(debounce);
  search($('q').value.trim());
});
$('more').addEventListener('click', () => search(procs.q, true));

(async () => {
  const q0 = (params.get('q') ?? '').trim();
  $('q').value = q0;
  await Promise.all([loadFigures(), search(q0)]);
  // A province of one centre names that centre (findOffice; with
  // several, the province's page names the province, a centre's page the
  // centre).
  if (!centreCode && figures && (figures.centres ?? []).length <= 1) {
    const o = await findOffice(null);
    if (o) office = o;
  }
  render();
  document.body.dataset.state = 'ready';
  setInterval(loadFigures, REFRESH_MS);
})();
