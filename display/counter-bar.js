// The counter bar of the clerk's workstation (/counter): where I work (the
// centre and counter, chosen once and remembered by this browser), the
// counter's state (open, paused, closed), the ticket I serve with its wait,
// the queue actions with their keys (F1 call next … F6 rejoin), and the
// queue of my counter's groups, live from the centre's event stream.
//
// It owns state.office, state.counter, state.queue and state.serving, and
// tells the panes by emit('place'), emit('queue', snapshot) and
// emit('serving', ticket|null) (the intake pane links the ticket served).
// Every rule is the server's: a refused action shows the server's own
// words in #bar-msg (machine code only in its details line).
import {
  $, addTexts, api, banner, emit, esc, fmt, guarded, keys, needLogin, on, recall,
  remember, showError, state, t,
} from './counter-core.js';
import { groupName, waitText } from './common.js';

addTexts({
  vi: {
    serving: 'Đang phục vụ', open: 'Mở quầy', pause: 'Tạm dừng', close: 'Đóng quầy',
    next: 'Gọi số tiếp theo', recall: 'Gọi lại', noshow: 'Vắng mặt', transfer: 'Chuyển',
    finish: 'Kết thúc', rejoin: 'Cho vào lại', setup: 'Chọn quầy', queue: 'Hàng chờ',
    setup_title: 'Chọn trung tâm và quầy', centre: 'Trung tâm', counter: 'Quầy', save: 'Lưu',
    cancel: 'Hủy', transfer_title: 'Chuyển số đang phục vụ', to_group: 'Sang nhóm',
    to_counter: 'hoặc sang quầy', rejoin_title: 'Cho số vắng mặt vào lại hàng',
    rejoin_number: 'Số (ví dụ A003)',
    state_open: 'Đang mở', state_paused: 'Tạm dừng', state_closed: 'Đã đóng',
    choose: '— Chọn —',
    waited: 'Đã chờ {m} phút', at_counter: 'tại quầy {m} phút',
    called: 'Đã gọi số {label}.', recalled: 'Đã gọi lại số {label}.',
    no_showed: 'Số {label} vắng mặt. Khi công dân quay lại, bấm F6 để cho vào lại hàng.',
    finished: 'Đã kết thúc số {label}.', transferred_group: 'Đã chuyển số {label} sang nhóm {to}.',
    transferred_counter: 'Đã chuyển số {label} sang {to}.', rejoined: 'Số {label} đã vào lại hàng chờ.',
    now_open: 'Quầy đã mở.', now_paused: 'Quầy tạm dừng.', now_closed: 'Quầy đã đóng.',
    also_closed: 'Quầy đã mở. {list} đã được đóng.',
    pick_one: 'Chọn một nhóm hoặc một quầy để chuyển đến.',
    transfer_closed: '{name} đang đóng: số sẽ chờ đến khi quầy mở.',
    transfer_paused: '{name} đang tạm dừng: số sẽ chờ đến khi quầy mở lại.',
    type_number: 'Nhập số thứ tự, ví dụ A003.',
    waiting_n: '{n} người chờ', waiting_none: 'Không có ai chờ', priority_n: '{n} ưu tiên',
    next_numbers: 'Tiếp theo', expected: 'Dự kiến chờ', longest: 'Chờ lâu nhất', minutes: '{m} phút', priority_mark: 'Ưu tiên',
    booked_n: '{n} đặt lịch', booked_mark: 'Đặt lịch',
    no_groups: 'Quầy này chưa được giao nhóm dịch vụ nào.',
    transferred_to_me: 'Số {labels} được chuyển đến quầy của bạn.',
    to_me_mark: 'Được chuyển đến quầy của bạn', sent_here: 'Chuyển đến quầy này',
    stream_down: 'Mất kết nối với máy chủ: hàng chờ chưa được cập nhật. Đang kết nối lại…',
    no_centre: 'Tài khoản này không thuộc trung tâm nào có quầy.',
    pick_counter: 'Chọn quầy bạn làm việc.',
  },
  en: {
    serving: 'Serving', open: 'Open', pause: 'Pause', close: 'Close',
    next: 'Call next', recall: 'Recall', noshow: 'No-show', transfer: 'Transfer',
    finish: 'Finish', rejoin: 'Rejoin', setup: 'Choose counter', queue: 'Queue',
    setup_title: 'Choose the centre and counter', centre: 'Centre', counter: 'Counter', save: 'Save',
    cancel: 'Cancel', transfer_title: 'Transfer the ticket being served', to_group: 'To group',
    to_counter: 'or to counter', rejoin_title: 'Put a no-show back in the queue',
    rejoin_number: 'Number (e.g. A003)',
    state_open: 'Open', state_paused: 'Paused', state_closed: 'Closed',
    choose: '— Choose —',
    waited: 'Waited {m} min', at_counter: 'at the counter {m} min',
    called: 'Called {label}.', recalled: 'Called {label} again.',
    no_showed: '{label} did not come. When they come back, press F6 to put them back in the queue.',
    finished: 'Finished {label}.', transferred_group: 'Transferred {label} to group {to}.',
    transferred_counter: 'Transferred {label} to {to}.', rejoined: '{label} is back in the queue.',
    now_open: 'The counter is open.', now_paused: 'The counter is paused.', now_closed: 'The counter is closed.',
    also_closed: 'The counter is open. {list} closed.',
    pick_one: 'Choose a group or a counter to transfer to.',
    transfer_closed: '{name} is closed: the number waits until it opens.',
    transfer_paused: '{name} is paused: the number waits until it opens again.',
    type_number: 'Type the ticket number, e.g. A003.',
    waiting_n: '{n} waiting', waiting_none: 'Nobody waiting', priority_n: '{n} priority',
    next_numbers: 'Next', expected: 'Expected wait', longest: 'Longest wait', minutes: '{m} min', priority_mark: 'Priority',
    booked_n: '{n} booked', booked_mark: 'Booked',
    no_groups: 'This counter serves no group yet.',
    transferred_to_me: '{labels} transferred to your counter.',
    to_me_mark: 'Transferred to your counter', sent_here: 'Sent to this counter',
    stream_down: 'Lost the connection to the server: the queue is not up to date. Reconnecting…',
    no_centre: 'This account belongs to no centre with counters.',
    pick_counter: 'Choose the counter you work at.',
  },
});

const PLACE_KEY = 'counter.place';
const ACTIONS = ['next', 'recall', 'noshow', 'transfer', 'finish', 'rejoin'];

// The bar's own memory (read and written only by this module).
const bar = {
  offices: [],       // the centres I may work in: {code, name}
  counters: new Map(), // office code -> its counters (GET /api/v1/counters items)
  es: null,          // the EventSource of state.office
  streamDown: false, // whether the banner is up for the stream
  reconnectTimer: 0,
  refetching: null,  // the queue refetch under way
  refetchAgain: false,
  waitedSeconds: new Map(), // ticket id -> its wait before the call (from the call)
  transferredToMe: [], // labels sent to my counter and not called yet
  lastServingId: null,
};

const dialogOpen = () => !!document.querySelector('dialog[open]');
// The hall a queue route means: always named, so a province supervisor's
// request is as clear as a clerk's.
const hall = (path) => `${path}?office=${encodeURIComponent(state.office)}`;
const myCounter = () => state.queue?.counters?.find((c) => c.no === state.counter) ?? null;
const counterName = (no) => state.queue?.counters?.find((c) => c.no === no)?.name
  ?? bar.counters.get(state.office)?.find((c) => c.no === no)?.name ?? `${t('counter')} ${no}`;

// ---- messages in the bar -------------------------------------------------

// What the line says, kept as words to look up (key, vars), so that a
// switch of language says it again in the new one.
let said = null;
function say(key, vars) {
  const el = $('bar-msg');
  el.classList.remove('error');
  showError(el, null);
  said = key ? { key, vars } : null;
  el.textContent = key ? t(key, vars) : '';
}
on('lang', () => { if (said) say(said.key, said.vars); });
function sayError(err) {
  said = null;
  const el = $('bar-msg');
  el.classList.add('error');
  showError(el, err);
}

// ---- where I work ---------------------------------------------------------

// The centres of the session's scope: the clerk's own centre, else the
// centres and reception points under the session's office (the whole
// province when it has none).
async function loadOffices() {
  const mine = state.session?.office;
  if (mine && (mine.kind === 'centre' || mine.kind === 'point')) {
    bar.offices = [{ code: mine.code, name: mine.name }];
    return;
  }
  const list = [];
  for (let offset = 0; ; offset += 500) {
    const q = `/api/v1/offices?limit=500&offset=${offset}${mine ? `&office=${encodeURIComponent(mine.code)}` : ''}`;
    const r = await api('GET', q);
    list.push(...r.items);
    if (offset + r.items.length >= r.total || r.items.length === 0) break;
  }
  bar.offices = list.filter((o) => (o.kind === 'centre' || o.kind === 'point') && o.active !== false)
    .map((o) => ({ code: o.code, name: o.name }));
}

async function loadCounters(office) {
  if (!bar.counters.has(office)) {
    const r = await api('GET', `/api/v1/counters?office=${encodeURIComponent(office)}&limit=500`);
    bar.counters.set(office, r.items.filter((c) => c.office === office || !c.office));
  }
  return bar.counters.get(office);
}

function fillSelect(sel, items, value, blank) {
  sel.textContent = '';
  if (blank) sel.append(new Option(blank, ''));
  for (const it of items) sel.append(new Option(it.label, it.value));
  if (value !== undefined && value !== null) sel.value = String(value);
}

async function fillSetupCounters() {
  const office = $('setup-office').value;
  const counters = office ? await loadCounters(office) : [];
  fillSelect($('setup-counter'), counters.map((c) => ({ value: c.no, label: c.name || `${t('counter')} ${c.no}` })),
    office === state.office ? state.counter : undefined);
}

async function openSetup() {
  const dlg = $('setup-dialog');
  showError($('setup-error'), null);
  $('setup-cancel').hidden = state.counter === null;
  fillSelect($('setup-office'), bar.offices.map((o) => ({ value: o.code, label: o.name })),
    state.office ?? bar.offices[0]?.code);
  $('setup-office-row').hidden = bar.offices.length <= 1;
  // A clerk of one centre chooses only a counter: the title says just that.
  const title = $('setup-title');
  title.dataset.i18n = bar.offices.length > 1 ? 'setup_title' : 'setup';
  title.textContent = t(title.dataset.i18n);
  await fillSetupCounters().catch((e) => showError($('setup-error'), e));
  if (!dlg.open) dlg.showModal();
  (bar.offices.length > 1 ? $('setup-office') : $('setup-counter')).focus();
}

// Sets where I work, remembers it, and follows that centre's queue.
function setPlace(office, counter) {
  const moved = office !== state.office;
  state.office = office;
  state.counter = counter;
  remember(PLACE_KEY, JSON.stringify({ office, counter }));
  if (moved) {
    state.queue = null;
    bar.transferredToMe = [];
  }
  emit('place', { office, counter });
  setServing(myCounter()?.serving ?? null);
  render();
  if (moved || !bar.es) connect();
  else refetch();
}

// ---- the ticket I serve ---------------------------------------------------

// ticket: the staff view (the call's answer) or the snapshot's serving.
function setServing(ticket) {
  const prev = state.serving;
  if (ticket && prev && prev.id === ticket.id) ticket = { ...prev, ...ticket };
  state.serving = ticket ?? null;
  // The wait before the call from the ticket itself (the snapshot's serving
  // has queued_at), so a reload keeps "Đã chờ …".
  if (ticket?.queued_at && ticket.called_at && !bar.waitedSeconds.has(ticket.id)) {
    bar.waitedSeconds.set(ticket.id, Math.max(0, ticket.called_at - ticket.queued_at));
  }
  if ((ticket?.id ?? null) !== bar.lastServingId) {
    bar.lastServingId = ticket?.id ?? null;
    if (ticket) bar.transferredToMe = bar.transferredToMe.filter((l) => l !== ticket.label);
    emit('serving', state.serving);
  }
}

function nowSeconds() {
  // The server's clock carried forward (the snapshot's "at").
  return Math.floor(Date.now() / 1000 + (bar.skew ?? 0));
}

function renderServing() {
  const s = state.serving;
  $('serving-number').textContent = s ? s.label : '—';
  $('serving').classList.toggle('active', !!s);
  if (!s) { $('serving-wait').textContent = ''; return; }
  const parts = [];
  // Issued at a booking's check-in: said in words with its mark.
  if (s.booked) parts.push(`✓ ${t('booked_mark')}`);
  const waited = bar.waitedSeconds.get(s.id);
  if (waited !== undefined) parts.push(t('waited', { m: fmt(state.lang).count(Math.floor(waited / 60)) }));
  if (s.called_at) {
    const at = Math.max(0, nowSeconds() - s.called_at);
    parts.push(t('at_counter', { m: fmt(state.lang).count(Math.floor(at / 60)) }));
  }
  const text = parts.join(' · ');
  $('serving-wait').textContent = text ? text.charAt(0).toUpperCase() + text.slice(1) : '';
}

// ---- rendering ------------------------------------------------------------

function renderPlace() {
  const office = bar.offices.find((o) => o.code === state.office);
  $('office-name').textContent = state.queue?.office?.name ?? office?.name ?? '';
  // Empty until a counter is chosen (the setup dialog is open meanwhile).
  $('counter-label').textContent = state.counter === null ? '' : counterName(state.counter);
  const st = state.counter === null ? null : (myCounter()?.state
    ?? bar.counters.get(state.office)?.find((c) => c.no === state.counter)?.state ?? null);
  const el = $('counter-state');
  el.textContent = st ? t(`state_${st}`) : '';
  el.className = `state${st ? ` state-${st}` : ''}`;
  el.hidden = !st;
}

function refreshButtons() {
  const placed = state.counter !== null && state.office !== null;
  const st = myCounter()?.state ?? 'closed';
  const serving = !!state.serving;
  const set = (id, off) => { $(id).disabled = off; };
  set('btn-open', !placed || st === 'open');
  set('btn-pause', !placed || st !== 'open');
  set('btn-close', !placed || st === 'closed');
  set('btn-next', !placed || st !== 'open');
  for (const id of ['btn-recall', 'btn-noshow', 'btn-transfer', 'btn-finish']) set(id, !placed || !serving);
  set('btn-rejoin', !placed);
}

// The longest wait of a group so far, growing with the clock (the
// snapshot's oldest_queued_at); '' when nobody waits or the server is
// older and does not say.
function longest(g) {
  if (!g.waiting || !Number.isFinite(g.oldest_queued_at)) return '';
  const m = Math.max(0, Math.floor((nowSeconds() - g.oldest_queued_at) / 60));
  return `<div class="qg-longest"><span class="label">${esc(t('longest'))}:</span> <b class="num">${
    esc(t('minutes', { m: fmt(state.lang).count(m) }))}</b></div>`;
}

function renderQueue() {
  $('queue').setAttribute('aria-label', t('queue'));
  const ul = $('queue-groups');
  ul.textContent = '';
  const snap = state.queue;
  const mine = myCounter();
  if (!snap || !mine) return;
  const codes = mine.groups ?? [];
  if (!codes.length) {
    const li = document.createElement('li');
    li.className = 'qg-empty';
    li.textContent = t('no_groups');
    ul.append(li);
  }
  const f = fmt(state.lang);
  for (const code of codes) {
    const g = snap.groups.find((x) => x.code === code);
    if (!g) continue;
    const li = document.createElement('li');
    li.className = 'qg';
    li.dataset.group = g.code;
    const prio = g.priority_waiting ?? 0;
    const booked = g.booked_waiting ?? 0;
    // The snapshot lists a group's next numbers in calling order, with
    // those of them that are priority (priority_next; an older server put
    // them first: the first priority_waiting) and booked (booked_next). A
    // number a transfer addressed to another counter is not mine to call:
    // left out; one addressed to mine is marked (and added when it is
    // further down the line than the next ones).
    const addressed = g.addressed ?? [];
    const toMe = addressed.filter((a) => a.counter === state.counter);
    const away = new Set(addressed.filter((a) => a.counter !== state.counter).map((a) => a.label));
    const isPrio = (label, i) => (g.priority_next ? g.priority_next.includes(label) : i < prio);
    const items = (g.next ?? [])
      .map((label, i) => ({ label, prio: isPrio(label, i), booked: (g.booked_next ?? []).includes(label) }))
      .filter((it) => !away.has(it.label))
      .concat(toMe.filter((a) => !(g.next ?? []).includes(a.label))
        .map((a) => ({ label: a.label, prio: a.priority, booked: !!a.booked })));
    const next = items.map((it) => numberTag(it, toMe)).join(' ');
    li.innerHTML = `
      <div class="qg-head"><span class="qg-name">${esc(groupName(g, state.lang))}</span>
        <b class="qg-count num">${esc(f.count(g.waiting))}</b></div>
      <div class="qg-line">${esc(g.waiting ? t('waiting_n', { n: f.count(g.waiting) }) : t('waiting_none'))}${prio
        ? ` · <span class="prio">★ ${esc(t('priority_n', { n: f.count(prio) }))}</span>` : ''}${booked
        ? ` · <span class="booked">✓ ${esc(t('booked_n', { n: f.count(booked) }))}</span>` : ''}</div>
      ${next ? `<div class="qg-next"><span class="label">${esc(t('next_numbers'))}:</span> ${next}</div>` : ''}
      ${longest(g)}
      ${g.waiting ? `<div class="qg-wait"><span class="label">${esc(t('expected'))}:</span> ${esc(waitText(g, state.lang))}</div>` : ''}`;
    ul.append(li);
  }
  renderSentHere(ul, codes);
}

// One waiting number in the panel: ★ for a priority one, ✓ for a booked
// one (the group's line says what each symbol counts), → for one a
// transfer addressed to my counter (toMe: the group's addressed to me).
function numberTag({ label, prio, booked }, toMe) {
  const mine = toMe.some((a) => a.label === label);
  const cls = ['tk', prio ? 'prio' : '', booked ? 'booked' : '', mine ? 'to-me' : ''].filter(Boolean).join(' ');
  const title = [prio ? t('priority_mark') : '', booked ? t('booked_mark') : '', mine ? t('to_me_mark') : '']
    .filter(Boolean).join(' · ');
  return `<span class="${cls}"${title ? ` title="${esc(title)}"` : ''}>${prio ? '★ ' : ''}${booked ? '✓ ' : ''}${
    mine ? '→ ' : ''}${esc(label)}</span>`;
}

// The groups my counter does not serve that hold numbers a transfer
// addressed to my counter: one entry each, only those numbers.
function renderSentHere(ul, codes) {
  for (const g of state.queue.groups) {
    const toMe = (g.addressed ?? []).filter((a) => a.counter === state.counter);
    if (codes.includes(g.code) || !toMe.length) continue;
    const li = document.createElement('li');
    li.className = 'qg';
    li.dataset.group = g.code;
    li.innerHTML = `
      <div class="qg-head"><span class="qg-name">${esc(groupName(g, state.lang))}</span>
        <b class="qg-count num">${esc(fmt(state.lang).count(toMe.length))}</b></div>
      <div class="qg-line">${esc(t('sent_here'))}</div>
      <div class="qg-next"><span class="label">${esc(t('next_numbers'))}:</span> ${
        toMe.map((a) => numberTag({ label: a.label, prio: a.priority }, toMe)).join(' ')}</div>`;
    ul.append(li);
  }
}

function renderNotice() {
  const el = $('queue-notice');
  const labels = bar.transferredToMe;
  el.textContent = labels.length ? t('transferred_to_me', { labels: labels.join(', ') }) : '';
  el.hidden = !labels.length;
}

function render() {
  renderPlace();
  renderServing();
  renderQueue();
  renderNotice();
  refreshButtons();
}

// ---- the queue, live -----------------------------------------------------

function takeSnapshot(snap) {
  if (snap.office?.code && snap.office.code !== state.office) return; // a stream of before
  state.queue = snap;
  if (Number.isFinite(snap.at)) bar.skew = snap.at - Date.now() / 1000;
  // The numbers waiting for my counter, as the server holds them (an older
  // server without "addressed": those the stream told of).
  if (snap.groups?.some((g) => Array.isArray(g.addressed))) {
    bar.transferredToMe = snap.groups.flatMap((g) => g.addressed ?? [])
      .filter((a) => a.counter === state.counter).map((a) => a.label);
  }
  const serving = myCounter()?.serving ?? null;
  setServing(serving);
  emit('queue', snap);
  render();
}

// Reads the centre's queue again (the server keeps it in memory). One at a
// time; a change during the read asks for one more.
function refetch() {
  if (!state.office) return;
  if (bar.refetching) { bar.refetchAgain = true; return; }
  const office = state.office;
  bar.refetching = api('GET', `/api/v1/queue?office=${encodeURIComponent(office)}`)
    .then((snap) => { if (office === state.office) takeSnapshot(snap); })
    .catch(() => { /* the stream's banner says the server is away */ })
    .finally(() => {
      bar.refetching = null;
      if (bar.refetchAgain) { bar.refetchAgain = false; refetch(); }
    });
}

function streamDown(down) {
  if (down && !bar.streamDown) banner(t('stream_down'));
  if (!down && bar.streamDown) banner('');
  bar.streamDown = down;
}

const LIVE = ['ticket.issued', 'ticket.called', 'ticket.recalled', 'ticket.no_show', 'ticket.rejoined',
  'ticket.transferred', 'ticket.finished', 'ticket.voided', 'counter.state'];

function connect() {
  clearTimeout(bar.reconnectTimer);
  bar.es?.close();
  if (!state.office) return;
  const es = new EventSource(`/api/v1/events?office=${encodeURIComponent(state.office)}`);
  bar.es = es;
  es.onerror = () => {
    if (bar.es !== es) return;
    streamDown(true);
    // The browser reconnects by itself unless the server refused (an HTTP
    // error while it restarts, or a session that ended): then check the
    // session and try again.
    if (es.readyState === EventSource.CLOSED) bar.reconnectTimer = setTimeout(reconnect, 2000);
  };
  es.addEventListener('snapshot', (ev) => {
    if (bar.es !== es) return;
    streamDown(false);
    takeSnapshot(JSON.parse(ev.data));
  });
  for (const type of LIVE) {
    es.addEventListener(type, (ev) => {
      if (bar.es !== es) return;
      let d = null;
      try { d = JSON.parse(ev.data); } catch { /* only a refetch */ }
      if (d && type === 'ticket.called' && d.counter === state.counter && d.ticket
        && Number.isFinite(d.wait_seconds)) bar.waitedSeconds.set(d.ticket.id, d.wait_seconds);
      if (d && type === 'ticket.transferred' && d.to_counter === state.counter && d.ticket?.label
        && !bar.transferredToMe.includes(d.ticket.label)) {
        bar.transferredToMe.push(d.ticket.label);
        renderNotice();
      }
      refetch();
    });
  }
}

async function reconnect() {
  const r = await fetch('/api/v1/session', { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
  if (r && r.status === 401) await needLogin(t('err_session'));
  if (!r || r.status >= 500) { bar.reconnectTimer = setTimeout(reconnect, 2000); return; }
  connect();
}

// ---- actions --------------------------------------------------------------

async function act(path, body) {
  return api('POST', hall(`/api/v1/counters/${state.counter}/${path}`), body ?? {});
}

async function callNext() {
  const r = await act('call');
  const tk = r.ticket;
  if (tk.queued_at && !tk.called_at) tk.called_at = nowSeconds();
  if (tk.queued_at && tk.called_at) bar.waitedSeconds.set(tk.id, Math.max(0, tk.called_at - tk.queued_at));
  setServing(tk);
  say('called', { label: tk.label });
  refetch();
}

async function recallTicket() {
  const r = await act('recall');
  const tk = r.ticket;
  setServing({ ...tk, called_at: nowSeconds() });
  say('recalled', { label: tk.label });
  refetch();
}

async function noShow() {
  const label = state.serving?.label;
  const r = await act('no-show');
  setServing(null);
  say('no_showed', { label: r.ticket?.label ?? label });
  refetch();
}

async function finish() {
  const label = state.serving?.label;
  const r = await act('finish', { outcome: 'served' });
  setServing(null);
  say('finished', { label: r.ticket?.label ?? label });
  refetch();
}

async function setState(want) {
  const r = await api('POST', hall(`/api/v1/counters/${state.counter}/state`), { state: want });
  const mine = myCounter();
  if (mine) mine.state = r.counter?.state ?? want;
  const closed = (r.counter?.closed ?? []).map((no) => counterName(no));
  if (closed.length) say('also_closed', { list: closed.join(', ') });
  else say(`now_${want === 'open' ? 'open' : want}`);
  render();
  refetch();
}

function openTransfer() {
  const snap = state.queue;
  const cur = state.serving?.group;
  fillSelect($('transfer-group'), (snap?.groups ?? []).filter((g) => g.code !== cur)
    .map((g) => ({ value: g.code, label: groupName(g, state.lang) })), '', t('choose'));
  fillSelect($('transfer-counter'), (snap?.counters ?? []).filter((c) => c.no !== state.counter)
    .map((c) => ({ value: c.no, label: `${c.name} (${t(`state_${c.state}`)})` })), '', t('choose'));
  showError($('transfer-error'), null);
  transferWarning();
  $('transfer-dialog').showModal();
  $('transfer-group').focus();
}

// A counter that is closed or paused may be chosen (its clerk may be about
// to open it; the number waits for that counter alone), with a line saying
// the number waits until it opens.
function transferWarning() {
  const no = Number($('transfer-counter').value);
  const c = no ? state.queue?.counters?.find((x) => x.no === no) : null;
  const el = $('transfer-warn');
  const closed = c && (c.state === 'closed' || c.state === 'paused');
  el.hidden = !closed;
  el.textContent = closed ? t(`transfer_${c.state}`, { name: c.name || `${t('counter')} ${c.no}` }) : '';
}

async function transfer() {
  const group = $('transfer-group').value;
  const counter = Number($('transfer-counter').value);
  if (!group && !counter) throw new Error(t('pick_one'));
  const label = state.serving?.label;
  const r = await act('transfer', counter ? { counter } : { group });
  $('transfer-dialog').close();
  setServing(null);
  const to = counter ? counterName(counter)
    : groupName(state.queue?.groups?.find((g) => g.code === group) ?? { name: group }, state.lang);
  say(counter ? 'transferred_counter' : 'transferred_group', { label: r.ticket?.label ?? label, to });
  refetch();
}

function openRejoin() {
  $('rejoin-number').value = '';
  showError($('rejoin-error'), null);
  $('rejoin-dialog').showModal();
  $('rejoin-number').focus();
}

async function rejoin() {
  const label = $('rejoin-number').value.trim().toUpperCase();
  if (!label) throw new Error(t('type_number'));
  const r = await api('POST', hall(`/api/v1/tickets/${encodeURIComponent(label)}/rejoin`), {});
  $('rejoin-dialog').close();
  say('rejoined', { label: r.ticket?.label ?? label });
  refetch();
}

async function saveSetup() {
  const office = $('setup-office').value;
  const counter = Number($('setup-counter').value);
  if (!office || !counter) throw new Error(t('pick_counter'));
  $('setup-dialog').close();
  setPlace(office, counter);
}

// ---- wiring ---------------------------------------------------------------

function wire() {
  // A bar action: at most one at a time (guarded); its outcome, good or
  // bad, is said in #bar-msg.
  const bind = (id, fn) => {
    $(id).addEventListener('click', guarded($(id), async () => {
      say('');
      try { await fn(); } catch (e) { sayError(e); }
    }));
  };
  bind('btn-next', callNext);
  bind('btn-recall', recallTicket);
  bind('btn-noshow', noShow);
  bind('btn-finish', finish);
  bind('btn-open', () => setState('open'));
  bind('btn-pause', () => setState('paused'));
  bind('btn-close', () => setState('closed'));
  $('btn-transfer').addEventListener('click', () => { if (state.serving) openTransfer(); });
  $('transfer-counter').addEventListener('change', transferWarning);
  $('btn-rejoin').addEventListener('click', () => { if (state.counter !== null) openRejoin(); });
  $('btn-setup').addEventListener('click', () => openSetup().catch(sayError));

  // F1…F6: as a click on the button, so a disabled button (or an open
  // dialog) does nothing; a key held down acts once (its repeats are
  // dropped, and guarded() drops a press while the action runs).
  for (const [i, name] of ACTIONS.entries()) {
    keys.on(`F${i + 1}`, (e) => {
      const b = $(`btn-${name}`);
      if (!e?.repeat && !dialogOpen() && !b.disabled) b.click();
    });
  }

  const submitOf = (form, button, fn, errEl) => {
    const handler = guarded(button, fn, errEl);
    form.addEventListener('submit', (e) => { e.preventDefault(); handler(); });
  };
  submitOf($('transfer-form'), $('transfer-submit'), transfer, $('transfer-error'));
  submitOf($('rejoin-form'), $('rejoin-submit'), rejoin, $('rejoin-error'));
  submitOf($('setup-form'), $('setup-submit'), saveSetup, $('setup-error'));
  // Enter submits a dialog from its lists too (a browser submits a form
  // by Enter only from a text field).
  for (const form of ['transfer-form', 'setup-form']) {
    $(form).addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && e.target.tagName === 'SELECT' && !e.altKey) {
        e.preventDefault();
        $(form).requestSubmit();
      }
    });
  }
  // Choosing a group clears the counter and the other way round: one target.
  $('transfer-group').addEventListener('change', () => { if ($('transfer-group').value) $('transfer-counter').value = ''; });
  $('transfer-counter').addEventListener('change', () => { if ($('transfer-counter').value) $('transfer-group').value = ''; });
  $('transfer-cancel').addEventListener('click', () => $('transfer-dialog').close());
  $('rejoin-cancel').addEventListener('click', () => $('rejoin-dialog').close());
  $('setup-cancel').addEventListener('click', () => { if (state.counter !== null) $('setup-dialog').close(); });
  // Esc closes a dialog, except the first choice of a counter (nothing to go back to).
  $('setup-dialog').addEventListener('cancel', (e) => { if (state.counter === null) e.preventDefault(); });
  $('setup-office').addEventListener('change', () => fillSetupCounters().catch((e) => showError($('setup-error'), e)));
  // Back to the bar after a dialog, so the keys go on working.
  for (const id of ['transfer-dialog', 'rejoin-dialog', 'setup-dialog']) {
    $(id).addEventListener('close', () => refreshButtons());
  }

  on('lang', () => render());
  on('refresh-buttons', () => refreshButtons());
  // The waits grow with the clock between events.
  setInterval(() => { renderServing(); renderQueue(); }, 15000);
}

export async function startBar() {
  wire();
  render();
  try {
    await loadOffices();
  } catch (e) {
    sayError(e);
    return;
  }
  if (!bar.offices.length) {
    say('no_centre');
    return;
  }
  let saved = null;
  try { saved = JSON.parse(recall(PLACE_KEY) ?? 'null'); } catch { saved = null; }
  if (saved && bar.offices.some((o) => o.code === saved.office)) {
    const counters = await loadCounters(saved.office).catch(() => []);
    if (counters.some((c) => c.no === saved.counter)) {
      setPlace(saved.office, saved.counter);
      return;
    }
  }
  await openSetup();
}

