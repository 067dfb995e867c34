// The hall board: opened as /board?access_token=<display device token>.
//
// State comes from the live stream (GET /api/v1/events, Server-Sent Events):
// every (re)connect starts with a `snapshot` event (the same JSON as GET
// /api/v1/queue), then deltas. A delta is applied at once (the call shows
// within a second), then the board re-reads GET /api/v1/queue for the
// figures only the server computes (waiting counts, wait ranges). The
// browser's EventSource reconnects by itself with Last-Event-ID; when it
// gives up (an HTTP error while the server restarts) the board makes a new
// one. While away the board shows "Mất kết nối" and keeps the last state.
//
// For tests: window.motcuaBoard (state, lastVoicePlan, voiceLog, calls, player) and
// <body data-voice-plan="chime moi-cong-dan …" data-online="connecting|true|false">.
import { voicePlan, VoicePlayer, VOICE_CLIPS, CHIME } from './voice-vi.js';
import {
  params, pickLang, deviceToken, applyTexts, setLangParam, groupName, OfficeClock,
  remember, recall, noCounterOpen, waitText, centreClosed, nextOpenText,
} from './common.js';

const TEXTS = {
  vi: {
    subtitle: 'Bảng gọi số thứ tự',
    serving: 'Đang phục vụ',
    lastCalls: 'Vừa gọi',
    groups: 'Hàng chờ',
    noCounters: 'Chưa có quầy nào mở',
    closedNow: 'Ngoài giờ làm việc',
    offline: 'Mất kết nối',
    callLead: 'Mời công dân có số thứ tự',
    callTo: 'đến quầy số',
    tapSound: 'Chạm vào màn hình để bật âm thanh',
    counter: 'Quầy',
    toCounter: 'Quầy',
    waiting: 'Đang chờ',
    wait: 'Dự kiến',
    paused: 'Tạm dừng',
    free: 'Đang chờ gọi số',
    voiceOn: '🔊 Giọng đọc',
    voiceOff: '🔇 Giọng đọc',
    otherLang: 'English',
    noToken: 'Chưa có mã thiết bị. Mở trang bằng địa chỉ /board?access_token=… do quản trị viên cấp.',
    badToken: 'Mã thiết bị không hợp lệ hoặc đã bị thu hồi. Xin liên hệ quản trị viên.',
    notice: 'Công dân vui lòng giữ phiếu số thứ tự và chú ý nghe gọi số. Xin cảm ơn!',
    booked: 'Đặt lịch',
    bookedWaiting: 'Đặt lịch',
  },
  en: {
    subtitle: 'Queue board',
    serving: 'Now serving',
    lastCalls: 'Last calls',
    groups: 'Queues',
    noCounters: 'No counter is open',
    closedNow: 'Closed now',
    offline: 'Offline',
    callLead: 'Now calling number',
    callTo: 'to counter',
    tapSound: 'Tap the screen to turn the sound on',
    counter: 'Counter',
    toCounter: 'Counter',
    waiting: 'Waiting',
    wait: 'Wait',
    paused: 'Paused',
    free: 'Waiting for the next call',
    voiceOn: '🔊 Voice',
    voiceOff: '🔇 Voice',
    otherLang: 'Tiếng Việt',
    noToken: 'No device token. Open this page as /board?access_token=… given by the administrator.',
    badToken: 'The device token is not valid or was revoked. Please ask the administrator.',
    notice: 'Please keep your ticket and listen for your number. Thank you!',
    booked: 'Booked',
    bookedWaiting: 'Booked',
  },
};

const BANNER_MS = 7000;
const REPLAY_ANNOUNCE_S = 120; // calls missed while away are announced if this fresh
const POLL_MS = 30000;
const CONNECT_GRACE_MS = 5000; // a first snapshot later than this: offline

const $ = (id) => document.getElementById(id);
const clock = new OfficeClock();
let lang = pickLang();
let voiceOn = params.get('voice') === 'off' ? false : recall('voice') !== 'off';
const token = deviceToken('board');

const board = {
  state: null, // the last snapshot, with deltas applied
  eventId: 0, // the id of the last event applied
  lastVoicePlan: [],
  voiceLog: [], // every plan announced, oldest first
  calls: [], // every call seen: {label, counter, recall, at}
  online: false,
};
const player = new VoicePlayer({
  onBlocked: () => { $('sound-unlock').hidden = false; },
});
board.player = player;
window.motcuaBoard = board;

const T = (k) => TEXTS[lang][k];

// ---- rendering ----------------------------------------------------------

function setOnline(on) {
  board.online = on;
  document.body.dataset.online = on ? 'true' : 'false';
}

function columnsFor(n) {
  const portrait = window.innerHeight > window.innerWidth;
  if (n <= 1) return 1;
  if (portrait) return n <= 3 ? 1 : n <= 8 ? 2 : 3;
  if (n <= 2) return n;
  if (n <= 4) return 2;
  if (n <= 9) return 3;
  return 4;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const flashing = new Map(); // counter no → timer

function renderCounters(s) {
  const shown = s.counters.filter((c) => c.state === 'open' || c.state === 'paused');
  const box = $('counters');
  box.replaceChildren();
  box.style.setProperty('--cols', columnsFor(shown.length));
  $('no-counters').hidden = shown.length > 0;
  // Outside working hours (the rule the kiosk and /queue follow): that, and
  // when the centre opens again.
  const next = nextOpenText(s, lang);
  $('no-counters').textContent = centreClosed(s) ? `${T('closedNow')}${next ? ` · ${next}` : ''}` : T('noCounters');
  for (const c of shown) {
    const card = el('div', 'counter');
    card.dataset.counter = c.no;
    if (c.state === 'paused') card.classList.add('paused');
    if (flashing.has(c.no)) card.classList.add('flash');
    card.append(el('div', 'counter-name', `${T('counter')} ${c.no}`));
    const num = el('div', 'number num', c.serving ? c.serving.label : '—');
    if (!c.serving) num.classList.add('none');
    card.append(num);
    // A number issued at a booking's check-in: said in words with a mark,
    // not by colour alone.
    if (c.serving?.booked) {
      card.classList.add('booked');
      card.append(bookedMark());
    }
    if (c.state === 'paused') card.append(el('div', 'note', T('paused')));
    else if (!c.serving) card.append(el('div', 'note', T('free')));
    box.append(card);
  }
}

// The booked mark: a tick and the word, readable without colour.
function bookedMark() {
  const m = el('span', 'booked-mark');
  m.append(el('span', 'tick', '✓'), document.createTextNode(` ${T('booked')}`));
  return m;
}

function renderCalls(s) {
  const list = $('calls');
  list.replaceChildren();
  for (const call of s.recent_calls.slice(0, 8)) {
    const li = el('li');
    li.dataset.label = call.label;
    li.dataset.counter = call.counter;
    li.append(el('span', 'label num', call.label), el('span', 'to', `→ ${T('toCounter')} ${call.counter}`));
    if (call.booked) {
      li.classList.add('booked');
      li.append(bookedMark());
    }
    list.append(li);
  }
}

// Drops the oldest calls that would not show whole in their box: a row is
// shown entire or not at all, never cut at the bottom.
function fitCalls() {
  const box = document.querySelector('.calls');
  const list = $('calls');
  const bottom = box.getBoundingClientRect().bottom;
  const visible = () => [...list.children].filter((li) => li.offsetParent !== null);
  let rows = visible();
  while (rows.length > 1 && rows[rows.length - 1].getBoundingClientRect().bottom > bottom + 0.5) {
    rows[rows.length - 1].remove();
    rows = visible();
  }
}

function renderGroups(s) {
  const box = $('groups');
  box.replaceChildren();
  for (const g of s.groups) {
    const tile = el('div', 'group');
    tile.dataset.group = g.code;
    tile.append(el('div', 'group-name', groupName(g, lang)));
    const line = el('div', 'group-line');
    const waiting = el('span', '', `${T('waiting')}: `);
    waiting.append(el('b', 'waiting', String(g.waiting)));
    // No counter open: that, not a range nobody is serving.
    const wait = noCounterOpen(g) ? el('span', 'closed', waitText(g, lang)) : el('span', '', `${T('wait')}: `);
    if (!noCounterOpen(g)) wait.append(el('b', 'wait', waitText(g, lang)));
    line.append(waiting, wait);
    if (g.booked_waiting > 0) {
      const b = el('span', 'booked-waiting', `✓ ${T('bookedWaiting')}: `);
      b.append(el('b', '', String(g.booked_waiting)));
      line.append(b);
    }
    tile.append(line);
    box.append(tile);
  }
}

let noticeKey = '';
function renderNotices(s) {
  const office = s.office ?? {};
  let items = lang === 'en' ? office.notices_en ?? office.notices : office.notices;
  if (!Array.isArray(items) || items.length === 0) items = [T('notice')];
  const key = items.join('\n');
  if (key === noticeKey) return; // restarting the scroll on every render would jerk
  noticeKey = key;
  const track = $('notices');
  track.replaceChildren(...items.map((t) => el('span', '', String(t))));
  track.style.setProperty('--scroll', `${Math.max(20, key.length / 5)}s`);
}

function render() {
  const s = board.state;
  if (!s) return;
  const office = s.office ?? {};
  $('office-name').textContent = (lang === 'en' && office.name_en) || office.name || 'Bộ phận Một cửa';
  $('office-name').classList.toggle('long', $('office-name').textContent.length > 40);
  renderCounters(s);
  renderCalls(s);
  renderGroups(s);
  renderNotices(s);
  fitCalls(); // last: the calls' box is what the rest leaves
}

function renderChrome() {
  applyTexts(TEXTS, lang);
  $('lang-toggle').textContent = T('otherLang');
  $('voice-toggle').textContent = voiceOn ? T('voiceOn') : T('voiceOff');
  $('voice-toggle').setAttribute('aria-pressed', String(voiceOn));
  noticeKey = '';
  tick();
  render();
}

function tick() {
  $('clock-time').textContent = clock.time();
  $('clock-date').textContent = clock.date(lang);
}

// ---- calls: banner and voice ---------------------------------------------

let bannerTimer = null;
function showBanner(label, counter) {
  $('call-number').textContent = label;
  $('call-counter').textContent = String(counter);
  const b = $('call-banner');
  b.hidden = false;
  b.dataset.label = label;
  b.dataset.counter = counter;
  clearTimeout(bannerTimer);
  bannerTimer = setTimeout(() => { b.hidden = true; }, BANNER_MS);
  clearTimeout(flashing.get(counter));
  flashing.set(counter, setTimeout(() => {
    flashing.delete(counter);
    document.querySelector(`.counter[data-counter="${counter}"]`)?.classList.remove('flash');
  }, BANNER_MS));
}

function announce(label, counter, isRecall) {
  const plan = voicePlan(label, counter, { voice: voiceOn });
  board.lastVoicePlan = plan;
  board.voiceLog.push(plan);
  board.calls.push({ label, counter, recall: isRecall, at: Date.now() });
  document.body.dataset.voicePlan = plan.join(' ');
  showBanner(label, counter);
  player.enqueue(plan);
}

// ---- state --------------------------------------------------------------

// Applies a delta to the local state so the screen changes at once; the
// server's snapshot, re-read right after, is the authority.
function applyDelta(type, d) {
  const s = board.state;
  if (!s) return;
  const t = d.ticket;
  const counter = (no) => s.counters.find((c) => c.no === no);
  if (type === 'ticket.called' || type === 'ticket.recalled') {
    const c = counter(d.counter);
    if (c) {
      c.serving = { id: t.id, label: t.label, group: t.group, priority: t.priority, booked: t.booked };
      if (c.state === 'closed') c.state = 'open';
    }
    s.recent_calls = [
      { label: t.label, counter: d.counter, booked: t.booked },
      ...s.recent_calls.filter((x) => !(x.label === t.label && x.counter === d.counter)),
    ].slice(0, 10);
  } else if (type === 'counter.state' && d.counter) {
    const c = counter(d.counter.no);
    if (c) c.state = d.counter.state;
  } else if (t) {
    for (const c of s.counters) if (c.serving && c.serving.id === t.id) c.serving = null;
  }
}

let refreshTimer = null;
let refreshTries = 0;
function scheduleRefresh(delay = 120) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, delay);
}

// Re-reads the snapshot; keeps it only when it is not older than what the
// stream already applied.
async function refresh() {
  try {
    // With the board's token: the queue of the board's own centre.
    const res = await fetch('/api/v1/queue', { cache: 'no-store', headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const snap = await res.json();
    clock.sync(snap.at);
    if (snap.event_id < board.eventId) {
      if (++refreshTries < 5) scheduleRefresh(300);
      return snap;
    }
    refreshTries = 0;
    board.state = snap;
    render();
    return snap;
  } catch {
    return null;
  }
}

// ---- the stream -----------------------------------------------------------

const DELTAS = [
  'ticket.issued', 'ticket.called', 'ticket.recalled', 'ticket.no_show', 'ticket.transferred',
  'ticket.finished', 'ticket.rejoined', 'ticket.voided', 'counter.state',
];

let es = null;
let snapshotSeen = false; // on the current connection
let replayed = []; // calls replayed before the current connection's snapshot
let reconnectTimer = null;
let staleSince = 0;

function connect() {
  clearTimeout(reconnectTimer);
  if (es) es.close();
  snapshotSeen = false;
  replayed = [];
  let url = `/api/v1/events?access_token=${encodeURIComponent(token)}`;
  if (board.eventId > 0) url += `&last_event_id=${board.eventId}`;
  es = new EventSource(url);
  // Every new connection (also the browser's own reconnects) starts over.
  es.onopen = () => { snapshotSeen = false; replayed = []; };
  es.onerror = () => {
    setOnline(false);
    if (es.readyState === EventSource.CLOSED) {
      // The browser gave up (an HTTP error, e.g. while the server
      // restarts, or a revoked token): check, then try again.
      reconnectTimer = setTimeout(checkAndReconnect, 2000);
    }
  };
  es.addEventListener('snapshot', (ev) => {
    const snap = JSON.parse(ev.data);
    const missed = replayed;
    snapshotSeen = true;
    replayed = [];
    board.eventId = Number(ev.lastEventId) || snap.event_id;
    board.state = snap;
    clock.sync(snap.at);
    setOnline(true);
    staleSince = 0;
    $('problem').hidden = true;
    render();
    // Calls made while the board was away: announced when still being
    // served and fresh, never a backlog.
    const fresh = missed.filter((m) => {
      const c = snap.counters.find((x) => x.no === m.counter);
      return c && c.serving && c.serving.id === m.id && snap.at - c.serving.called_at <= REPLAY_ANNOUNCE_S;
    });
    for (const m of fresh.slice(-3)) announce(m.label, m.counter, m.type === 'ticket.recalled');
  });
  for (const type of DELTAS) {
    es.addEventListener(type, (ev) => {
      const d = JSON.parse(ev.data);
      const id = Number(ev.lastEventId);
      const isCall = type === 'ticket.called' || type === 'ticket.recalled';
      if (!snapshotSeen) {
        // Replayed from Last-Event-ID; the snapshot that follows holds
        // their effect.
        if (isCall) replayed.push({ id: d.ticket.id, label: d.ticket.label, counter: d.counter, type });
        return;
      }
      if (id && id <= board.eventId) return; // seen already
      if (id) board.eventId = id;
      applyDelta(type, d);
      render();
      if (isCall) announce(d.ticket.label, d.counter, type === 'ticket.recalled');
      scheduleRefresh();
    });
  }
}

async function checkAndReconnect() {
  try {
    const res = await fetch(`/api/v1/session?access_token=${encodeURIComponent(token)}`, { cache: 'no-store' });
    if (res.status === 401 || res.status === 403) {
      showProblem(T('badToken'));
      reconnectTimer = setTimeout(checkAndReconnect, 30000);
      return;
    }
  } catch {
    // Server away: try the stream again anyway.
  }
  connect();
}

function showProblem(text) {
  $('problem-text').textContent = text;
  $('problem').hidden = false;
}

// A slow poll: wait ranges move with time, and a stream that died silently
// (a sleeping TV, a dropped NAT entry) shows as a snapshot newer than the
// last event the stream delivered.
async function poll() {
  const before = board.eventId;
  const snap = await refresh();
  if (!snap) {
    setOnline(false);
    return;
  }
  if (snap.event_id > before && es && es.readyState === EventSource.OPEN) {
    if (!staleSince) staleSince = Date.now();
    else if (Date.now() - staleSince > POLL_MS / 2) {
      staleSince = 0;
      connect();
    }
  } else staleSince = 0;
  if (!es || es.readyState === EventSource.CLOSED) connect();
}

// ---- start ---------------------------------------------------------------

$('lang-toggle').addEventListener('click', () => {
  lang = lang === 'vi' ? 'en' : 'vi';
  remember('lang', lang);
  setLangParam(lang);
  renderChrome();
});
$('voice-toggle').addEventListener('click', () => {
  voiceOn = !voiceOn;
  remember('voice', voiceOn ? 'on' : 'off');
  renderChrome();
  player.unlock();
});
$('sound-unlock').addEventListener('click', async () => {
  if (await player.unlock()) $('sound-unlock').hidden = true;
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && token) connect();
});
window.addEventListener('resize', render);

// Loading, the board is "connecting" (nothing shown), not offline: a hall
// screen should not flash "Mất kết nối" each time it starts. A stream error
// says offline at once; silence for CONNECT_GRACE_MS says it too.
board.online = false;
setTimeout(() => {
  if (document.body.dataset.online === 'connecting') setOnline(false);
}, CONNECT_GRACE_MS);
renderChrome();
setInterval(tick, 1000);
if (!token) {
  showProblem(T('noToken'));
} else {
  refresh();
  connect();
  setInterval(poll, POLL_MS);
  player.preload([CHIME, ...Object.keys(VOICE_CLIPS)]);
}
