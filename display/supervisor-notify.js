// The supervisor's "Tin nhắn" tab (docs/notifications.md): the messages the
// office sent or will send to citizens (GET /api/v1/notifications), newest
// first, with filters (state, what, channel, dossier code), one message's
// full text and the provider's answer on opening its row (GET
// /api/v1/notifications/{id}), "Gửi lại" for a message sent or given up
// (POST …/{id}/resend), and the templates with an example rendered for the
// caller's centre (GET /api/v1/notifications/templates).
//
// Every text from the server reaches the screen through text nodes (h()),
// never as markup. Vietnamese, or English after the tab's language button
// (remembered like the other screens' choice). Keyboard: the tabs' arrows,
// Enter on a row opens it, Esc closes the message's pane.
import { fmt, pickLang, remember, randomKey, h } from './common.js';

const $ = (id) => document.getElementById(id);

// ---- words -----------------------------------------------------------------

const TRIGGERS = {
  vi: { received: 'Đã tiếp nhận hồ sơ', supplement: 'Yêu cầu bổ sung hồ sơ', apology: 'Xin lỗi, hẹn lại ngày trả',
    result_ready: 'Đã có kết quả', reminder: 'Nhắc nhận kết quả', booking_confirmed: 'Xác nhận đặt lịch',
    booking_reminder: 'Nhắc lịch hẹn', booking_cancelled: 'Hủy lịch hẹn', feedback_answered: 'Trả lời phản ánh, kiến nghị',
    test: 'Tin thử cấu hình' },
  en: { received: 'Dossier received', supplement: 'Documents to add', apology: 'Apology, new appointment',
    result_ready: 'Result ready', reminder: 'Result still waiting', booking_confirmed: 'Booking confirmed',
    booking_reminder: 'Booking reminder', booking_cancelled: 'Booking cancelled', feedback_answered: 'Feedback answered',
    test: 'Configuration test' },
};
const CHANNELS = {
  vi: { sms: 'SMS', zalo: 'Zalo', email: 'Thư điện tử' },
  en: { sms: 'SMS', zalo: 'Zalo', email: 'E-mail' },
};
// The states a filter offers (the server's), and a row's state in words:
// a queued row that failed before is "retrying".
const STATES = {
  vi: { queued: 'Đang chờ gửi', sending: 'Đang gửi', sent: 'Đã gửi', dead: 'Không gửi được', cancelled: 'Đã hủy' },
  en: { queued: 'Waiting to be sent', sending: 'Sending', sent: 'Sent', dead: 'Could not be sent', cancelled: 'Cancelled' },
};
const RETRYING = { vi: 'Gửi lỗi, sẽ thử lại', en: 'Failed, will retry' };
// The adapters' error kinds (the last error's "kind: …" prefix) in words;
// the provider's own text stays in the small details line.
const ERRORS = {
  vi: { timeout: 'Nhà cung cấp không trả lời kịp', unreachable: 'Không kết nối được nhà cung cấp',
    bad_answer: 'Nhà cung cấp trả lời không đúng dạng', http_status: 'Nhà cung cấp báo lỗi',
    refused: 'Nhà cung cấp từ chối tin nhắn', bad_recipient: 'Người nhận không hợp lệ',
    not_configured: 'Kênh gửi chưa được cấu hình đủ', no_template: 'Chưa có mẫu tin Zalo cho loại tin này',
    token_refresh: 'Không gia hạn được quyền gửi Zalo', auth: 'Nhà cung cấp từ chối tài khoản của trung tâm, sẽ thử lại', smtp: 'Máy chủ thư từ chối', other: 'Gửi không thành công' },
  en: { timeout: 'The provider did not answer in time', unreachable: 'The provider could not be reached',
    bad_answer: 'The provider\'s answer was malformed', http_status: 'The provider reported an error',
    refused: 'The provider refused the message', bad_recipient: 'The recipient is not valid',
    not_configured: 'The channel is not fully configured', no_template: 'No Zalo template for this message',
    token_refresh: 'The Zalo access could not be renewed', auth: 'The provider refused the centre\'s credentials; will retry', smtp: 'The mail relay refused', other: 'Sending failed' },
};

const T = {
  vi: {
    tab: 'Tin nhắn', title: 'Tin nhắn gửi công dân', otherLang: 'English', otherLangLabel: 'Switch to English',
    hint: 'Tin nhắn báo cho người dân đã đồng ý nhận (tiếp nhận, bổ sung, xin lỗi, có kết quả, lịch hẹn, trả lời phản ánh), mới nhất ở trên. Nhấn một dòng để xem nội dung và phản hồi của nhà cung cấp.',
    fState: 'Trạng thái', fTrigger: 'Loại tin', fChannel: 'Kênh', fRef: 'Mã hồ sơ, lịch hẹn hoặc phản ánh', all: 'Tất cả',
    filter: 'Lọc', cTime: 'Thời gian', cWhat: 'Loại tin', cChannel: 'Kênh', cTo: 'Người nhận', cState: 'Trạng thái',
    cTries: 'Số lần gửi', cError: 'Lỗi gần nhất', cRef: 'Mã', none: 'Chưa có tin nhắn nào.', prev: 'Trang trước', next: 'Trang sau',
    page: (a, b, n) => `${a}–${b} trên ${n}`, resend: 'Gửi lại', resent: 'Đã xếp tin gửi lại.', close: 'Đóng',
    dTitle: 'Tin nhắn', dOffice: 'Đơn vị gửi', dSubject: 'Tiêu đề', dBody: 'Nội dung', dCreated: 'Lúc tạo',
    dNotBefore: 'Hẹn gửi lúc', dTech: 'Chi tiết kỹ thuật', dSent: 'Lúc gửi', dAnswer: 'Phản hồi của nhà cung cấp', dProviderId: 'Mã tin của nhà cung cấp',
    dResendOf: 'Gửi lại của tin số', dNoAnswer: 'Chưa có phản hồi.', dBy: 'Người tạo', system: 'Hệ thống',
    tplOpen: 'Xem mẫu tin nhắn', tplClose: 'Ẩn mẫu tin nhắn', tplTitle: 'Mẫu tin nhắn',
    tplChannels: 'Kênh đã cấu hình', tplNoChannel: 'Chưa cấu hình kênh nào: tin nhắn chưa được gửi đi.',
    tplQuiet: (a, b) => `Không gửi từ ${a} đến ${b} (trừ khi người dân đồng ý nhận mọi giờ).`,
    tplMax: (n) => `Thử gửi tối đa ${n} lần.`, tplText: 'Mẫu', tplExample: 'Ví dụ', tplCustom: 'Mẫu riêng của tỉnh',
    tplOff: 'Tắt tại', errLoad: 'Không tải được danh sách tin nhắn.', errDetail: 'Chi tiết',
  },
  en: {
    tab: 'Messages', title: 'Messages to citizens', otherLang: 'Tiếng Việt', otherLangLabel: 'Chuyển sang tiếng Việt',
    hint: 'Messages to citizens who consented (received, documents to add, apology, result ready, bookings, feedback answers), newest first. Click a row for its text and the provider\'s answer.',
    fState: 'State', fTrigger: 'Message', fChannel: 'Channel', fRef: 'Dossier, booking or feedback code', all: 'All',
    filter: 'Filter', cTime: 'Time', cWhat: 'Message', cChannel: 'Channel', cTo: 'Recipient', cState: 'State',
    cTries: 'Tries', cError: 'Last error', cRef: 'Code', none: 'No messages yet.', prev: 'Previous', next: 'Next',
    page: (a, b, n) => `${a}–${b} of ${n}`, resend: 'Send again', resent: 'Queued to be sent again.', close: 'Close',
    dTitle: 'Message', dOffice: 'Sent for', dSubject: 'Subject', dBody: 'Text', dCreated: 'Created',
    dNotBefore: 'Not before', dTech: 'Technical details', dSent: 'Sent', dAnswer: 'Provider\'s answer', dProviderId: 'Provider\'s message id',
    dResendOf: 'Resend of message', dNoAnswer: 'No answer yet.', dBy: 'Created by', system: 'System',
    tplOpen: 'Show the templates', tplClose: 'Hide the templates', tplTitle: 'Message templates',
    tplChannels: 'Channels configured', tplNoChannel: 'No channel configured: messages are not sent.',
    tplQuiet: (a, b) => `Nothing sent from ${a} to ${b} (unless the citizen accepted any hour).`,
    tplMax: (n) => `At most ${n} tries.`, tplText: 'Template', tplExample: 'Example', tplCustom: 'The province\'s own',
    tplOff: 'Off at', errLoad: 'The messages could not be loaded.', errDetail: 'Details',
  },
};

// ---- state -----------------------------------------------------------------

// The tab's state; one page, one owner (this module).
const st = { lang: pickLang(), session: null, offices: [], names: new Map(), onUnauthorized: () => {}, offset: 0, limit: 50,
  total: 0, items: [], open: null, tpl: false, mounted: false, listed: false };
const w = () => T[st.lang];
const f = () => fmt(st.lang);
const word = (table, k) => table[st.lang][k] ?? table.vi[k] ?? k ?? '—';

const options = (map, all) => [h('option', { value: '' }, all), ...Object.entries(map).map(([k, v]) => h('option', { value: k }, v))];

async function api(path, post) {
  const opts = { credentials: 'same-origin' };
  if (post) {
    opts.method = 'POST';
    opts.headers = { 'Content-Type': 'application/json', 'Idempotency-Key': randomKey() };
    opts.body = '{}';
  }
  const r = await fetch(path, opts);
  if (r.status === 401) { st.onUnauthorized(); throw new Error('unauthorized'); }
  const j = await r.json().catch(() => null);
  if (!r.ok) {
    const e = new Error((st.lang === 'en' ? j?.error?.message_en : j?.error?.message) ?? w().errLoad);
    e.code = j?.error?.code ?? `http_${r.status}`;
    throw e;
  }
  return j;
}

function errorBox(e) {
  return h('div', { className: 'msg-error', role: 'alert' }, h('span', {}, e.message),
    e.code ? h('small', { className: 'msg-code' }, `${w().errDetail}: ${e.code}`) : null);
}

// A phone as people write it (84912345678 → 0912345678); an e-mail as is.
const recipient = (m) => (m.channel !== 'email' && /^84\d{9,10}$/.test(m.recipient ?? '') ? `0${m.recipient.slice(2)}` : m.recipient ?? '—');
// A row's state in words: queued after a failed try is "retrying".
const stateText = (m) => (m.state === 'queued' && m.attempts > 0 ? RETRYING[st.lang] : word(STATES, m.state));
const stateClass = (m) => (m.state === 'queued' && m.attempts > 0 ? 'retry' : m.state);
const canResend = (m) => m.state === 'sent' || m.state === 'dead';
// A last error in words (the list shows only these); the opened message adds
// the adapter's own line, small, as "Chi tiết kỹ thuật".
function errorWords(e) {
  if (!e) return '';
  const kind = /^([a-z_]+):/.exec(e)?.[1];
  return ERRORS[st.lang][kind] ?? ERRORS[st.lang].other;
}
function errorText(e) {
  if (!e) return '';
  return [h('span', {}, errorWords(e)),
    h('small', { className: 'msg-code' }, `${w().dTech}: ${e}`)];
}

// ---- the tab ---------------------------------------------------------------

function tabs() { return [...document.querySelectorAll('#sup-tabs [role=tab]')]; }

function showMine(on) {
  $('main').classList.toggle('msg-tab', on);
  $('msg-panel').hidden = !on;
  $('tab-msg').setAttribute('aria-selected', String(on));
  $('tab-msg').tabIndex = on ? 0 : -1;
  if (on) {
    $('main').classList.remove('fb-tab');
    if ($('fb-panel')) $('fb-panel').hidden = true;
    for (const t of tabs()) {
      if (t.id === 'tab-msg') continue;
      t.setAttribute('aria-selected', 'false');
      t.tabIndex = -1;
    }
    if (!st.listed) { st.listed = true; loadList(); }
  }
}

function renderPanel() {
  const t = w();
  const panel = $('msg-panel');
  panel.lang = st.lang;
  $('tab-msg').textContent = t.tab;
  const sel = (id, label, kids) => h('label', {}, label, h('select', { id }, kids));
  const head = h('div', { className: 'msg-head' },
    h('h2', { id: 'msg-title' }, t.title),
    h('div', { className: 'msg-tools' },
      h('button', { type: 'button', id: 'msg-tpl-open', 'aria-expanded': String(st.tpl), 'aria-controls': 'msg-tpl',
        on: { click: toggleTemplates } }, st.tpl ? t.tplClose : t.tplOpen),
      h('button', { type: 'button', id: 'msg-lang', lang: st.lang === 'vi' ? 'en' : 'vi', 'aria-label': t.otherLangLabel,
        on: { click: switchLang } }, t.otherLang)));
  const filters = h('form', { id: 'msg-filters', className: 'msg-filters' },
    sel('msg-state', t.fState, options(STATES[st.lang], t.all)),
    sel('msg-trigger', t.fTrigger, options(TRIGGERS[st.lang], t.all)),
    sel('msg-channel', t.fChannel, options(CHANNELS[st.lang], t.all)),
    h('label', {}, t.fRef, h('input', { id: 'msg-ref', type: 'text', maxlength: '64', spellcheck: 'false', autocomplete: 'off' })),
    h('button', { type: 'submit' }, t.filter));
  filters.addEventListener('submit', (e) => { e.preventDefault(); st.offset = 0; loadList(); });
  const list = h('div', { className: 'msg-listbox' },
    h('p', { className: 'hint' }, t.hint),
    h('div', { id: 'msg-list-error' }),
    h('div', { className: 'scroll' }, h('table', { className: 'list msg-list', id: 'msg-list' },
      h('thead', {}, h('tr', {}, [t.cTime, t.cWhat, t.cRef, t.cChannel, t.cTo, t.cState, t.cTries, t.cError, '']
        .map((c) => h('th', { scope: 'col' }, c)))), h('tbody'))),
    h('div', { className: 'msg-pager' },
      h('button', { type: 'button', id: 'msg-prev', on: { click: () => { st.offset = Math.max(0, st.offset - st.limit); loadList(); } } }, t.prev),
      h('span', { id: 'msg-pageinfo' }),
      h('button', { type: 'button', id: 'msg-next', on: { click: () => { st.offset += st.limit; loadList(); } } }, t.next)));
  const detail = h('div', { id: 'msg-detail', className: 'msg-detail', 'aria-live': 'polite', hidden: true });
  const tpl = h('div', { id: 'msg-tpl', className: 'msg-tpl', hidden: !st.tpl });
  panel.replaceChildren(head, tpl, filters, h('div', { className: 'msg-split' }, list, detail));
}

function switchLang() {
  st.lang = st.lang === 'vi' ? 'en' : 'vi';
  remember('lang', st.lang);
  const keep = { state: $('msg-state').value, trigger: $('msg-trigger').value, channel: $('msg-channel').value, ref: $('msg-ref').value };
  renderPanel();
  for (const [k, v] of Object.entries(keep)) $(`msg-${k}`).value = v;
  renderList();
  if (st.tpl) loadTemplates();
  if (st.open) openDetail(st.open, false);
  $('msg-lang').focus();
}

// ---- the list ----------------------------------------------------------------

function query() {
  const q = new URLSearchParams();
  for (const k of ['state', 'trigger', 'channel']) if ($(`msg-${k}`).value) q.set(k, $(`msg-${k}`).value);
  const ref = $('msg-ref').value.trim();
  if (ref) q.set('ref', ref.toUpperCase());
  q.set('offset', String(st.offset));
  q.set('limit', String(st.limit));
  return q.toString();
}

async function loadList() {
  $('msg-list-error').replaceChildren();
  try {
    const j = await api(`/api/v1/notifications?${query()}`);
    st.items = j.items ?? [];
    st.total = j.total ?? st.items.length;
  } catch (e) {
    if (e.message === 'unauthorized') return;
    st.items = [];
    st.total = 0;
    $('msg-list-error').replaceChildren(errorBox(e));
  }
  renderList();
  document.body.dataset.messages = String(st.items.length);
}

function renderList() {
  const t = w();
  const tb = $('msg-list').tBodies[0];
  if (!st.items.length) {
    tb.replaceChildren(h('tr', {}, h('td', { colspan: '9', className: 'hint' }, t.none)));
  } else {
    tb.replaceChildren(...st.items.map((m) => {
      const tr = h('tr', { 'data-id': String(m.id), tabindex: '0', className: st.open === m.id ? 'open' : null,
        on: {
          click: (e) => { if (!e.target.closest('button')) openDetail(m.id, true); },
          keydown: (e) => { if (e.key === 'Enter' && e.target === tr) { e.preventDefault(); openDetail(m.id, true); } },
        } },
      h('td', { className: 'nowrap' }, f().dateTime(m.created_at)),
      h('td', {}, word(TRIGGERS, m.trigger)),
      h('td', { className: 'code' }, m.ref?.code ?? '—'),
      h('td', {}, word(CHANNELS, m.channel)),
      h('td', { className: 'nowrap' }, recipient(m)),
      h('td', {}, h('span', { className: `msg-state msg-${stateClass(m)}` }, stateText(m))),
      h('td', { className: 'n' }, f().count(m.attempts)),
      h('td', { className: 'msg-err' }, errorWords(m.last_error)),
      h('td', {}, canResend(m) ? h('button', { type: 'button', className: 'msg-resend', 'data-id': String(m.id),
        on: { click: () => resend(m.id) } }, t.resend) : ''));
      return tr;
    }));
  }
  const from = st.total ? st.offset + 1 : 0;
  const to = Math.min(st.offset + st.items.length, st.total);
  $('msg-pageinfo').textContent = st.total ? t.page(f().count(from), f().count(to), f().count(st.total)) : '';
  $('msg-prev').disabled = st.offset === 0;
  $('msg-next').disabled = st.offset + st.items.length >= st.total;
}

// ---- one message ---------------------------------------------------------------

async function openDetail(id, focus) {
  st.open = id;
  for (const tr of $('msg-list').tBodies[0].rows) tr.classList.toggle('open', tr.dataset.id === String(id));
  const box = $('msg-detail');
  box.hidden = false;
  let m;
  try {
    const j = await api(`/api/v1/notifications/${id}`);
    m = j?.notification ?? j;
  } catch (e) {
    if (e.message === 'unauthorized') return;
    box.replaceChildren(errorBox(e));
    return;
  }
  if (!m) return;
  renderDetail(m);
  if (focus) $('msg-close')?.focus();
  box.scrollIntoView({ block: 'nearest' });
}

function renderDetail(m) {
  const t = w();
  const row = (label, value, cls) => [h('dt', {}, label), h('dd', { className: cls ?? null }, value)];
  const by = m.created_by === 'system' || m.created_by === 'public' ? t.system
    : (m.created_by_name ?? st.names.get(m.created_by) ?? m.created_by ?? '—');
  // replaceChildren writes a null as the text "null": absent parts are dropped.
  $('msg-detail').replaceChildren(...[
    h('div', { className: 'msg-detail-head' },
      h('h3', { id: 'msg-detail-title' }, `${t.dTitle} ${m.id} — ${word(TRIGGERS, m.trigger)}`),
      h('button', { type: 'button', id: 'msg-close', on: { click: closeDetail } }, t.close)),
    h('dl', { className: 'msg-facts' },
      row(t.dOffice, m.office?.name ?? '—'),
      row(t.cRef, m.ref?.code ?? '—'),
      row(t.cChannel, word(CHANNELS, m.channel)),
      row(t.cTo, recipient(m)),
      row(t.cState, stateText(m)),
      row(t.cTries, f().count(m.attempts)),
      row(t.dCreated, f().dateTime(m.created_at)),
      row(t.dBy, by),
      m.state === 'queued' ? row(t.dNotBefore, f().dateTime(m.not_before)) : null,
      m.sent_at ? row(t.dSent, f().dateTime(m.sent_at)) : null,
      m.resend_of ? row(t.dResendOf, String(m.resend_of)) : null,
      m.subject ? row(t.dSubject, m.subject) : null,
      row(t.dBody, m.body ?? '', 'msg-body'),
      m.last_error ? row(t.cError, errorText(m.last_error), 'msg-err') : null,
      m.provider_id ? row(t.dProviderId, m.provider_id) : null),
    h('h4', {}, t.dAnswer),
    m.provider_answer ? h('pre', { className: 'msg-answer', id: 'msg-answer' }, m.provider_answer)
      : h('p', { className: 'hint', id: 'msg-answer' }, t.dNoAnswer),
    canResend(m) ? h('button', { type: 'button', id: 'msg-detail-resend', className: 'msg-primary',
      on: { click: () => resend(m.id) } }, t.resend) : null,
    h('p', { id: 'msg-detail-status', role: 'status' })].filter((x) => x != null));
}

function closeDetail() {
  const id = st.open;
  st.open = null;
  $('msg-detail').hidden = true;
  for (const tr of $('msg-list').tBodies[0].rows) tr.classList.remove('open');
  $('msg-list').querySelector(`tr[data-id="${id}"]`)?.focus();
}

async function resend(id) {
  const status = $('msg-detail-status');
  try {
    const j = await api(`/api/v1/notifications/${id}/resend`, true);
    const m = j.notification ?? j;
    await loadList();
    if (m?.id) await openDetail(m.id, false);
    $('msg-detail-status')?.replaceChildren(w().resent);
    $('msg-close')?.focus();
  } catch (e) {
    if (e.message === 'unauthorized') return;
    (status ?? $('msg-list-error')).replaceChildren(errorBox(e));
  }
}

// ---- the templates -------------------------------------------------------------

function toggleTemplates() {
  st.tpl = !st.tpl;
  $('msg-tpl').hidden = !st.tpl;
  $('msg-tpl-open').textContent = st.tpl ? w().tplClose : w().tplOpen;
  $('msg-tpl-open').setAttribute('aria-expanded', String(st.tpl));
  if (st.tpl) loadTemplates();
}

async function loadTemplates() {
  const t = w();
  const box = $('msg-tpl');
  let j;
  try {
    j = await api('/api/v1/notifications/templates');
  } catch (e) {
    if (e.message !== 'unauthorized') box.replaceChildren(errorBox(e));
    return;
  }
  const channels = (j.channels ?? []).map((c) => word(CHANNELS, c));
  const q = j.quiet_hours;
  box.replaceChildren(
    h('h3', {}, t.tplTitle),
    h('p', { id: 'msg-tpl-channels' }, channels.length ? `${t.tplChannels}: ${channels.join(', ')}.` : t.tplNoChannel,
      q?.from && q?.to && q.from !== q.to ? ` ${t.tplQuiet(q.from, q.to)}` : '',
      j.max_attempts ? ` ${t.tplMax(f().count(j.max_attempts))}` : ''),
    h('div', { className: 'scroll' }, h('table', { className: 'list msg-tpl-list' },
      h('thead', {}, h('tr', {}, [t.cWhat, t.tplText, t.tplExample, t.tplOff].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...(j.triggers ?? []).map((x) => h('tr', { 'data-trigger': x.trigger },
        h('th', { scope: 'row' }, word(TRIGGERS, x.trigger), x.custom ? h('small', {}, t.tplCustom) : null),
        h('td', { className: 'msg-body' }, x.text ?? ''),
        h('td', { className: 'msg-body' }, x.example ?? ''),
        h('td', {}, (x.off ?? []).join(', ') || '—')))))));
}

// ---- mounting --------------------------------------------------------------------

// Mounts the tab for a supervisor or an administrator. ctx: {session,
// offices, onUnauthorized()}. Adds the tab button and its panel; the other
// tabs' clicks (supervisor-feedback.js) hide it again.
export function mountNotify(ctx) {
  Object.assign(st, { session: ctx.session, offices: ctx.offices ?? [], onUnauthorized: ctx.onUnauthorized ?? (() => {}) });
  if (!['supervisor', 'admin'].includes(st.session?.role)) return;
  if (!st.mounted) {
    st.mounted = true;
    const tab = h('button', { type: 'button', role: 'tab', id: 'tab-msg', 'aria-selected': 'false',
      'aria-controls': 'msg-panel', tabindex: '-1' }, w().tab);
    $('sup-tabs').append(tab);
    $('sup-tabs').hidden = false;
    const panel = h('section', { id: 'msg-panel', className: 'card wide msg-panel', role: 'tabpanel', 'aria-labelledby': 'tab-msg', hidden: true });
    $('sup-tabs').after(panel);
    tab.addEventListener('click', () => showMine(true));
    for (const t of tabs()) if (t.id !== 'tab-msg') t.addEventListener('click', () => showMine(false));
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && st.open && !$('msg-panel').hidden) closeDetail();
    });
  }
  st.listed = false;
  renderPanel();
  loadNames();
}

// Who made a message ("user:7"), in people's full names.
async function loadNames() {
  try {
    const j = await api('/api/v1/users?limit=500');
    st.names = new Map((j.items ?? []).map((u) => [`user:${u.id}`, u.full_name || u.username]));
  } catch {
    // The actor's id stays shown.
  }
}
