// The ticket kiosk: opened as /kiosk?access_token=<kiosk device token>.
//
// Home: one big button per service group (name, people waiting, expected
// wait, from GET /api/v1/queue) and an optional priority class. A press sends
// POST /api/v1/tickets {group, priority?} with the device token and a fresh
// Idempotency-Key (kept for the one retry after a network failure, so a
// retry never issues two tickets). Then the ticket: number, people ahead,
// expected wait, the print result. Any failure says plainly what happened
// and what to do, and shows no number: a ticket that was not handed out
// must not look as if it were.
//
// Outside the centre's working hours (the snapshot's "hours", the rule that
// makes the server refuse a kiosk's number with 409 centre_closed) the
// kiosk shows the closed screen with the next opening and offers no button.
//
// "Tôi đã đặt lịch" (shown when the centre takes bookings): the citizen types
// the booking code on the screen's keys, or a scanner reads the QR code of
// the confirmation (it types the code and Enter); POST /api/v1/tickets
// {booking} gives the ticket, marked "Đặt lịch" when in time, or said
// plainly to be an ordinary number when the citizen came too late. A code
// refused (too early: from when; unknown; used) is said on the same screen,
// the code kept to correct it.
//
// For tests: window.motcuaKiosk {lastTicket, lastError}, <body data-screen>.
import {
  pickLang, deviceToken, applyTexts, setLangParam, fmtWait, groupName, OfficeClock, remember,
  randomKey, noCounterOpen, waitText, centreClosed, nextOpenText,
} from './common.js';

const TEXTS = {
  vi: {
    choose: 'Xin mời chọn dịch vụ',
    priorityAsk: 'Tôi thuộc diện ưu tiên',
    priorityChosen: 'Ưu tiên:',
    priorityClear: 'Bỏ chọn',
    priorityHelp: 'Chọn đối tượng ưu tiên (xuất trình giấy tờ khi được gọi):',
    loading: 'Đang tải…',
    busy: 'Đang lấy số, xin chờ trong giây lát…',
    yourNumber: 'Số thứ tự của ông/bà',
    ahead: 'Số người chờ trước ông/bà',
    expected: 'Thời gian chờ dự kiến',
    done: 'Xong',
    back: 'Quay lại',
    waiting: 'Đang chờ',
    wait: 'Dự kiến',
    noCounter: 'Chưa có quầy mở — vẫn có thể lấy số',
    otherLang: 'English',
    priorityLine: 'Diện ưu tiên',
    printed: 'Phiếu đã được in. Xin mời nhận phiếu ở khe bên dưới và chờ gọi số.',
    printQueued: 'Phiếu đang được in, xin chờ nhận phiếu ở khe bên dưới.',
    noPrint: 'Xin vui lòng ghi nhớ (hoặc chụp lại) số thứ tự này và chú ý nghe gọi số.',
    errPrinter: 'Máy in đang gặp sự cố, chưa cấp được số thứ tự.',
    errPrinterHint: 'Xin vui lòng liên hệ cán bộ hướng dẫn tại quầy để được cấp số. Xin lỗi vì sự bất tiện.',
    errNetwork: 'Không kết nối được với máy chủ, chưa cấp được số thứ tự.',
    errAuth: 'Máy lấy số chưa được cấp quyền, chưa cấp được số thứ tự.',
    errBusy: 'Hệ thống đang bận, chưa cấp được số thứ tự.',
    errOther: 'Chưa cấp được số thứ tự.',
    errHint: 'Xin vui lòng thử lại sau ít phút hoặc liên hệ cán bộ hướng dẫn tại quầy.',
    noToken: 'Chưa có mã thiết bị. Mở trang bằng địa chỉ /kiosk?access_token=… do quản trị viên cấp.',
    minutesUnknown: 'Chưa ước tính được',
    closedTitle: 'Trung tâm đang ngoài giờ làm việc',
    closedSub: 'Máy không cấp số thứ tự ngoài giờ làm việc.',
    feedback: 'Góp ý, phản ánh',
    feedbackTitle: 'Góp ý, phản ánh, kiến nghị',
    feedbackScan: 'Quét mã QR bằng điện thoại để gửi góp ý, phản ánh về thủ tục, việc giải quyết hồ sơ hoặc thái độ của cán bộ:',
    feedbackQrAlt: 'Mã QR mở trang góp ý, phản ánh',
    hotline: (p) => `Đường dây nóng: ${p}`,
    bookingAsk: 'Tôi đã đặt lịch',
    bookingTitle: 'Lấy số theo lịch hẹn',
    bookingHelp: 'Nhập mã đặt lịch (in trên giấy hẹn hoặc trong tin nhắn, ví dụ DL7K3M9Q), hoặc đưa mã QR vào máy quét.',
    bookingLabel: 'Mã đặt lịch',
    bookingSubmit: 'Lấy số',
    bookingDelete: 'Xóa',
    bookingShort: 'Mã đặt lịch gồm chữ DL và 6 ký tự, ví dụ DL7K3M9Q.',
    bookingNotFound: 'Không tìm thấy lịch hẹn với mã này tại trung tâm này. Lịch hẹn ở trung tâm khác chỉ lấy số được tại trung tâm đó. Xin kiểm tra lại mã, hoặc quay lại để lấy số thường.',
    bookingCancelled: 'Lịch hẹn này đã bị hủy, nên không lấy số theo lịch hẹn được. Xin quay lại để lấy số thường.',
    bookingUsed: 'Mã đặt lịch này đã được dùng để lấy số. Xin liên hệ cán bộ hướng dẫn nếu cần.',
    bookedLine: '✓ Đặt lịch — số của ông/bà được ưu tiên gọi theo lịch hẹn',
    lateLine: 'Ông/bà đến muộn quá giờ hẹn: đây là số thường, được gọi theo thứ tự.',
  },
  en: {
    choose: 'Please choose a service',
    priorityAsk: 'I am entitled to priority',
    priorityChosen: 'Priority:',
    priorityClear: 'Remove',
    priorityHelp: 'Choose your priority group (show your papers when called):',
    loading: 'Loading…',
    busy: 'Getting your number, one moment…',
    yourNumber: 'Your number',
    ahead: 'People ahead of you',
    expected: 'Expected wait',
    done: 'Done',
    back: 'Back',
    waiting: 'Waiting',
    wait: 'Wait',
    noCounter: 'No counter open yet — you can still take a number',
    otherLang: 'Tiếng Việt',
    priorityLine: 'Priority',
    printed: 'Your ticket is printed. Please take it from the slot below and wait for your number.',
    printQueued: 'Your ticket is being printed; please take it from the slot below.',
    noPrint: 'Please remember (or take a photo of) this number and listen for it.',
    errPrinter: 'The ticket printer is out of order: no number was issued.',
    errPrinterHint: 'Please ask the staff at the counter for a number. We are sorry for the trouble.',
    errNetwork: 'The server cannot be reached: no number was issued.',
    errAuth: 'This kiosk is not authorized: no number was issued.',
    errBusy: 'The system is busy: no number was issued.',
    errOther: 'No number was issued.',
    errHint: 'Please try again in a few minutes or ask the staff at the counter.',
    noToken: 'No device token. Open this page as /kiosk?access_token=… given by the administrator.',
    minutesUnknown: 'Not known yet',
    closedTitle: 'The centre is closed now',
    closedSub: 'No numbers are issued outside working hours.',
    feedback: 'Feedback',
    feedbackTitle: 'Feedback and recommendations',
    feedbackScan: 'Scan the QR code with your phone to send feedback about procedures, the handling of a dossier or the conduct of officials:',
    feedbackQrAlt: 'QR code that opens the feedback page',
    hotline: (p) => `Hotline: ${p}`,
    bookingAsk: 'I have a booking',
    bookingTitle: 'Number for a booking',
    bookingHelp: 'Type the booking code (on the confirmation or in the message, e.g. DL7K3M9Q), or hold its QR code to the scanner.',
    bookingLabel: 'Booking code',
    bookingSubmit: 'Get my number',
    bookingDelete: 'Delete',
    bookingShort: 'A booking code is DL and 6 characters, e.g. DL7K3M9Q.',
    bookingNotFound: 'No booking with this code at this centre. A booking at another centre is checked in at that centre. Please check the code, or go back for an ordinary number.',
    bookingCancelled: 'This booking was cancelled, so it gives no booked number. Please go back for an ordinary number.',
    bookingUsed: 'This booking code has already been used for a number. Please ask the staff if needed.',
    bookedLine: '✓ Booked — your number is called ahead, as booked',
    lateLine: 'You came after your booked time: this is an ordinary number, called in turn.',
  },
};

const TICKET_SCREEN_MS = 25000;
const ERROR_SCREEN_MS = 20000;
const FEEDBACK_SCREEN_MS = 60000;
const REQUEST_TIMEOUT_MS = 15000;
const POLL_MS = 10000;

const $ = (id) => document.getElementById(id);
const clock = new OfficeClock();
let lang = pickLang();
const token = deviceToken('kiosk');
let snap = null;
let priority = null; // a priority class code, or null
let backTimer = null;
let last = null; // what the ticket or error screen shows, to re-render on a language switch

const kiosk = { lastTicket: null, lastError: null };
window.motcuaKiosk = kiosk;

const T = (k) => TEXTS[lang][k];

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function show(screen) {
  for (const id of ['home', 'closed', 'busy', 'ticket', 'error', 'feedback', 'booking']) $(id).hidden = id !== screen;
  document.body.dataset.screen = screen;
  clearTimeout(backTimer);
  if (screen === 'home') layoutGroups();
  if (screen === 'ticket') backTimer = setTimeout(home, TICKET_SCREEN_MS);
  if (screen === 'error') backTimer = setTimeout(home, ERROR_SCREEN_MS);
  if (screen === 'feedback' || screen === 'booking') backTimer = setTimeout(home, FEEDBACK_SCREEN_MS);
}

function home() {
  last = null;
  $('ticket-number').textContent = '';
  priority = null;
  renderHome();
  show(centreClosed(snap) ? 'closed' : 'home');
  load();
}

// The home screen or, outside working hours, the closed one.
function idle() {
  return document.body.dataset.screen === 'home' || document.body.dataset.screen === 'closed';
}

function className(code) {
  const c = snap?.priority_classes?.find((p) => p.code === code);
  if (!c) return code;
  return lang === 'en' && c.name_en ? c.name_en : c.name;
}

function renderHome() {
  const office = snap?.office ?? {};
  $('office-name').textContent = (lang === 'en' && office.name_en) || office.name || 'Bộ phận Một cửa';
  $('loading').hidden = !!snap;
  const groups = $('groups');
  groups.replaceChildren();
  for (const g of snap?.groups ?? []) {
    const b = el('button', 'group');
    b.type = 'button';
    b.dataset.group = g.code;
    b.append(el('span', 'name', groupName(g, lang)));
    const meta = el('span', 'meta');
    const w1 = el('span', '', `${T('waiting')}: `);
    w1.append(el('b', 'waiting', String(g.waiting)));
    meta.append(w1);
    // No counter open: no range (nobody is serving), the note says why.
    if (!noCounterOpen(g)) {
      const w2 = el('span', '', `${T('wait')}: `);
      w2.append(el('b', 'wait', fmtWait(g.wait, lang)));
      meta.append(w2);
    }
    b.append(meta);
    if (noCounterOpen(g)) b.append(el('span', 'closed-note', T('noCounter')));
    b.addEventListener('click', () => issue(g));
    groups.append(b);
  }
  layoutGroups();
  const list = $('priority-list');
  list.replaceChildren();
  for (const c of snap?.priority_classes ?? []) {
    const b = el('button', 'priority', lang === 'en' && c.name_en ? c.name_en : c.name);
    b.type = 'button';
    b.dataset.priority = c.code;
    b.addEventListener('click', () => {
      priority = c.code;
      $('priority-panel').hidden = true;
      renderHome();
    });
    list.append(b);
  }
  $('priority-toggle').hidden = !!priority || !(snap?.priority_classes?.length);
  $('booking-open').hidden = !snap?.bookable;
  $('priority-toggle').setAttribute('aria-expanded', String(!$('priority-panel').hidden));
  $('priority-chosen').hidden = !priority;
  if (priority) $('priority-chosen-name').textContent = className(priority);
  $('closed-next').textContent = nextOpenText(snap, lang);
}

// Columns and rows for n groups on this screen: every group on one screen,
// the buttons as square as the screen allows.
function gridFor(n) {
  const portrait = window.innerHeight > window.innerWidth;
  let cols;
  if (portrait) cols = n <= 4 ? 1 : n <= 10 ? 2 : 3;
  else cols = n <= 2 ? Math.max(n, 1) : n <= 4 ? 2 : n <= 6 ? 3 : 4;
  return { cols, rows: Math.max(1, Math.ceil(n / cols)) };
}

// Lays the group buttons out and shrinks their type (--k, 1 down to 0.5)
// until every button's text fits inside it; on a screen too small even then
// (a phone) the rows grow and the page scrolls rather than cut a word.
function layoutGroups() {
  const box = $('groups');
  const buttons = [...box.children];
  const { cols, rows } = gridFor(buttons.length);
  box.style.setProperty('--cols', cols);
  box.style.setProperty('--rows', rows);
  box.classList.remove('tall', 'break');
  // A button overflows when its text runs past its padding (centred text
  // overflows at the top as much as at the bottom: scrollHeight misses half).
  const overflows = () => buttons.some((b) => {
    // A word wider than its line (words are not broken inside).
    if ([...b.children].some((c) => c.scrollWidth > c.clientWidth + 1)) return true;
    const r = b.getBoundingClientRect();
    const cs = getComputedStyle(b);
    const top = r.top + parseFloat(cs.paddingTop) / 2;
    const bottom = r.bottom - parseFloat(cs.paddingBottom) / 2;
    return [...b.children].some((c) => {
      const cr = c.getBoundingClientRect();
      return cr.top < top - 0.5 || cr.bottom > bottom + 0.5;
    });
  });
  let k = 1;
  box.style.setProperty('--k', k);
  while (k > 0.5 && overflows()) {
    k = Math.round((k - 0.05) * 100) / 100;
    box.style.setProperty('--k', k);
  }
  if (overflows()) box.classList.add('break');
  if (overflows()) box.classList.add('tall');
  box.dataset.k = String(k);
}

function renderTicket(t, body) {
  $('ticket-number').textContent = t.label;
  const g = snap?.groups?.find((x) => x.code === t.group);
  $('ticket-group').textContent = g ? groupName(g, lang) : t.group;
  $('ticket-priority').hidden = !t.priority;
  // The hall can see this screen: it says that the ticket is a priority one,
  // never which class (the printed ticket, in the citizen's hand, names it).
  $('ticket-priority').textContent = t.priority ? T('priorityLine') : '';
  $('ticket-booked').hidden = !t.booked;
  $('ticket-booked').textContent = t.booked ? T('bookedLine') : '';
  $('ticket-late').hidden = body.late !== true;
  $('ticket-late').textContent = body.late === true ? T('lateLine') : '';
  $('ticket-ahead').textContent = String(t.people_ahead ?? '—');
  $('ticket-wait').textContent = t.wait || noCounterOpen(t) ? waitText(t, lang) : T('minutesUnknown');
  // The print result, when the server reports one (a printing kiosk).
  const print = body.print ?? t.print ?? null;
  const state = print && (print.state ?? print.status);
  let msg = T('noPrint');
  if (state === 'printed' || state === 'completed' || state === 'done') msg = T('printed');
  else if (state) msg = T('printQueued');
  $('ticket-print').textContent = msg;
}

// What to say for a failed POST: {status, code, message, message_en} or
// {network: true}.
function renderError(e) {
  let msg = T('errOther');
  let hint = T('errHint');
  if (e.code === 'centre_closed') {
    // Closed since the last poll: the server's message names the opening.
    msg = lang === 'en' && e.message_en ? e.message_en : (e.message ?? T('closedTitle'));
    hint = '';
  } else if (e.code === 'printer_unavailable') {
    msg = T('errPrinter');
    hint = T('errPrinterHint');
  } else if (e.network) msg = T('errNetwork');
  else if (e.status === 401 || e.status === 403) msg = T('errAuth');
  else if (e.status === 429 || e.status === 503) msg = T('errBusy');
  else if (e.message) msg = `${T('errOther')} ${lang === 'en' && e.message_en ? e.message_en : e.message}`;
  $('error-message').textContent = msg;
  $('error-hint').textContent = hint;
}

async function post(body, key) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), REQUEST_TIMEOUT_MS);
  try {
    return await fetch('/api/v1/tickets', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
        'Idempotency-Key': key,
      },
      body: JSON.stringify(body),
      signal: ctl.signal,
      cache: 'no-store',
    });
  } finally {
    clearTimeout(timer);
  }
}

let issuing = false;
function issue(group) {
  const body = { group: group.code };
  if (priority) body.priority = priority;
  return send(body);
}

// The refusals of a booking code said on the booking screen itself.
const BOOKING_REFUSALS = ['booking_not_found', 'booking_cancelled', 'booking_used', 'booking_too_early', 'invalid_field'];

// POST /api/v1/tickets with body ({group} or {booking}), then the ticket or
// the failure.
async function send(body) {
  if (issuing) return; // a double tap is one ticket
  issuing = true;
  const key = randomKey();
  kiosk.lastTicket = null;
  kiosk.lastError = null;
  $('ticket-number').textContent = '';
  show('busy');
  try {
    let res;
    try {
      res = await post(body, key);
    } catch {
      // The same key again: if the first request got through, the
      // server answers it without issuing a second ticket.
      await new Promise((r) => setTimeout(r, 1000));
      res = await post(body, key);
    }
    let json = null;
    try { json = await res.json(); } catch { /* not JSON */ }
    if (res.status === 201 && json?.ticket?.label) {
      kiosk.lastTicket = json.ticket;
      last = { ticket: json.ticket, body: json };
      renderTicket(json.ticket, json);
      show('ticket');
    } else {
      const err = json?.error ?? {};
      kiosk.lastError = { status: res.status, code: err.code ?? null, message: err.message, message_en: err.message_en };
      if (body.booking && BOOKING_REFUSALS.includes(kiosk.lastError.code)) {
        last = null;
        bookingRefused(kiosk.lastError);
      } else {
        last = { error: kiosk.lastError };
        renderError(kiosk.lastError);
        show('error');
      }
    }
  } catch {
    kiosk.lastError = { network: true, status: 0, code: 'network' };
    last = { error: kiosk.lastError };
    renderError(kiosk.lastError);
    show('error');
  } finally {
    issuing = false;
    priority = null;
  }
}

async function load() {
  try {
    // With the kiosk's token: its own centre's groups and waits.
    const res = await fetch('/api/v1/queue', { cache: 'no-store', headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) return;
    snap = await res.json();
    clock.sync(snap.at);
    if (idle()) {
      renderHome();
      const want = centreClosed(snap) ? 'closed' : 'home';
      if (document.body.dataset.screen !== want) show(want);
    }
  } catch {
    // Keep the last figures; the next poll tries again.
  }
}

// The booking screen: the code typed or scanned, on the screen's keys too.
const CODE_KEYS = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
function renderBookingKeys() {
  const keys = $('booking-keys');
  if (keys.childElementCount) {
    keys.lastChild.textContent = T('bookingDelete');
    return;
  }
  for (const ch of CODE_KEYS) {
    const b = el('button', 'key', ch);
    b.type = 'button';
    b.tabIndex = -1; // the keyboard types into the field; the keys are for touch
    b.addEventListener('click', () => { typeCode(ch); });
    keys.append(b);
  }
  const del = el('button', 'key wide', T('bookingDelete'));
  del.type = 'button';
  del.tabIndex = -1;
  del.addEventListener('click', () => {
    const v = $('booking-code').value;
    $('booking-code').value = v.length > 2 ? v.slice(0, -1) : 'DL';
    $('booking-code').focus();
  });
  keys.append(del);
}

function typeCode(ch) {
  const input = $('booking-code');
  if (input.value.length < 20) input.value += ch;
  $('booking-error').textContent = '';
  input.focus();
}

function openBooking(typed = 'DL') {
  last = null;
  $('booking-code').value = typed;
  $('booking-error').textContent = '';
  renderBookingKeys();
  show('booking');
  $('booking-code').focus();
}

// The code as the server parses it: letters and digits only, upper case.
const canonCode = (v) => v.toUpperCase().replace(/[\s-]/g, '');

function submitBooking(e) {
  e.preventDefault();
  const code = canonCode($('booking-code').value);
  if (!/^DL[0-9A-Z]{6}$/.test(code)) {
    $('booking-error').textContent = T('bookingShort');
    $('booking-code').focus();
    return;
  }
  send({ booking: code });
}

function bookingRefused(e) {
  let msg = T('bookingNotFound');
  if (e.code === 'booking_used') msg = T('bookingUsed');
  else if (e.code === 'booking_cancelled') msg = T('bookingCancelled');
  // Too early: the server's words say from when (HH:MM).
  else if (e.code === 'booking_too_early') msg = lang === 'en' && e.message_en ? e.message_en : e.message;
  show('booking');
  $('booking-error').textContent = msg;
  $('booking-code').focus();
}

function renderChrome() {
  applyTexts(TEXTS, lang);
  $('lang-toggle').textContent = T('otherLang');
  tick();
  renderHome();
  if (last?.ticket) renderTicket(last.ticket, last.body);
  if (last?.error) renderError(last.error);
  renderFeedbackScreen();
  if ($('booking-keys').childElementCount) renderBookingKeys();
}

// "Góp ý, phản ánh": the feedback page's QR code (GET /gop-y/qr.svg, the
// address of this centre's page) and the centre's phone as the hotline.
function renderFeedbackScreen() {
  const office = snap?.office ?? {};
  const img = $('feedback-qr');
  const src = `/gop-y/qr.svg${office.code ? `?office=${encodeURIComponent(office.code)}` : ''}`;
  if (img.getAttribute('src') !== src) img.src = src;
  img.alt = T('feedbackQrAlt');
  $('feedback-phone').hidden = !office.phone;
  $('feedback-phone').textContent = office.phone ? T('hotline')(office.phone) : '';
}

function tick() {
  $('clock-time').textContent = clock.time();
  $('clock-date').textContent = clock.date(lang);
}

$('lang-toggle').addEventListener('click', () => {
  lang = lang === 'vi' ? 'en' : 'vi';
  remember('lang', lang);
  setLangParam(lang);
  renderChrome();
});
$('priority-toggle').addEventListener('click', () => {
  $('priority-panel').hidden = !$('priority-panel').hidden;
  renderHome();
});
$('priority-clear').addEventListener('click', () => {
  priority = null;
  renderHome();
});
$('ticket-done').addEventListener('click', home);
window.addEventListener('resize', () => { if (document.body.dataset.screen === 'home') layoutGroups(); });
$('error-done').addEventListener('click', home);
$('feedback-open').addEventListener('click', () => {
  last = null;
  renderFeedbackScreen();
  show('feedback');
  $('feedback-done').focus();
});
$('feedback-done').addEventListener('click', home);
$('booking-open').addEventListener('click', () => openBooking());
$('booking-back').addEventListener('click', home);
$('booking-form').addEventListener('submit', submitBooking);
$('booking-code').addEventListener('input', () => { $('booking-error').textContent = ''; });
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && ['feedback', 'booking'].includes(document.body.dataset.screen)) home();
  // A scanner reading a booking's QR code on the home screen types the
  // code: its first character opens the booking screen, the rest follow.
  if (document.body.dataset.screen === 'home' && snap?.bookable && /^[0-9A-Za-z]$/.test(e.key) &&
      !e.ctrlKey && !e.altKey && !e.metaKey) {
    e.preventDefault();
    openBooking(e.key.toUpperCase());
  }
});

renderChrome();
setInterval(tick, 1000);
if (!token) {
  $('error-message').textContent = T('noToken');
  $('error-hint').textContent = '';
  $('error-done').hidden = true;
  show('error');
  clearTimeout(backTimer);
} else {
  load();
  setInterval(() => { if (idle()) load(); }, POLL_MS);
}
