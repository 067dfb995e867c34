// Shared by the screens: language, the device token, the office clock and
// small formatters. Vietnamese first; ?lang=en (or the language button)
// switches to English and is remembered by the device.

export const params = new URLSearchParams(location.search);

// The page's language: ?lang= wins, then the device's last choice, then vi.
export function pickLang() {
  const p = params.get('lang');
  if (p === 'vi' || p === 'en') {
    store('motcua.lang', p);
    return p;
  }
  return load('motcua.lang') === 'en' ? 'en' : 'vi';
}

function store(key, value) {
  try { localStorage.setItem(key, value); } catch { /* private mode: not remembered */ }
}

function load(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

// The device token: ?access_token= (remembered, so a reload of the bare
// address still works), else the remembered one, else null.
export function deviceToken(kind) {
  const key = `motcua.token.${kind}`;
  const p = params.get('access_token');
  if (p) {
    store(key, p);
    return p;
  }
  return load(key);
}

export function remember(key, value) { store(`motcua.${key}`, value); }
export function recall(key) { return load(`motcua.${key}`); }

// Sets every [data-i18n] element's text from dict[lang], and <html lang>.
export function applyTexts(dict, lang) {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) {
    const s = dict[lang][el.dataset.i18n];
    if (s !== undefined) el.textContent = s;
  }
}

// Keeps ?lang= in the address (history only: no reload) so a reload keeps it.
export function setLangParam(lang) {
  const u = new URL(location.href);
  u.searchParams.set('lang', lang);
  history.replaceState(null, '', u);
}

// "5–7 phút", "~6 phút", "< 1 phút", or "—" when unknown.
export function fmtWait(wait, lang) {
  if (!wait) return '—';
  const min = lang === 'en' ? 'min' : 'phút';
  if (wait.high_min <= 0) return `< 1 ${min}`;
  if (wait.low_min === wait.high_min) return `~${wait.low_min} ${min}`;
  return `${wait.low_min}–${wait.high_min} ${min}`;
}

// Whether x (a queue group, a ticket) has no counter open to serve it: the
// server then gives no wait range (wait null, wait_reason "no_counter_open").
export function noCounterOpen(x) {
  return x?.wait_reason === 'no_counter_open' || (x?.open_counters === 0 && !x?.wait);
}

// The wait of a group or ticket in words: "Chưa có quầy mở" when no counter
// of its group is open, else fmtWait's range.
export function waitText(x, lang) {
  if (noCounterOpen(x)) return lang === 'en' ? 'No counter open' : 'Chưa có quầy mở';
  return fmtWait(x?.wait, lang);
}

export function groupName(g, lang) {
  return lang === 'en' && g.name_en ? g.name_en : g.name;
}

// The office clock: server time (the snapshot's "at") carried forward, shown
// in Asia/Ho_Chi_Minh whatever the device's own clock or zone says.
export class OfficeClock {
  constructor() { this.skewMs = 0; }
  sync(serverEpochSeconds) {
    if (Number.isFinite(serverEpochSeconds)) this.skewMs = serverEpochSeconds * 1000 - Date.now();
  }
  now() { return new Date(Date.now() + this.skewMs); }
  time() {
    return new Intl.DateTimeFormat('vi-VN', {
      timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hour12: false,
    }).format(this.now());
  }
  date(lang) {
    return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'vi-VN', {
      timeZone: 'Asia/Ho_Chi_Minh', weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric',
    }).format(this.now());
  }
}

// The server's clock, epoch seconds (GET /healthz "now"): the office's day
// and month are the server's, which a test clock may set, not this device's.
// The device's own clock when the server does not answer.
export async function serverNow() {
  const j = await fetch('/healthz', { credentials: 'same-origin' }).then((r) => r.json()).catch(() => null);
  return Number.isFinite(j?.now) ? j.now : Math.floor(Date.now() / 1000);
}

// The office's date (Asia/Ho_Chi_Minh, UTC+7 all year) of an epoch second,
// YYYY-MM-DD.
export const officeDate = (epoch) => new Date((epoch + 7 * 3600) * 1000).toISOString().slice(0, 10);

// A random Idempotency-Key. crypto.getRandomValues works on plain http too
// (crypto.randomUUID needs a secure context, which a LAN kiosk is not).
export function randomKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// Numbers, dates and times of one language, the one formatter of every
// screen (the PDF and CSV use printer/format_vi.h, the same rules). vi: a
// decimal comma and '.' between thousands ("1.234,5"), "93,3 %", dd/mm/yyyy
// and 24-hour HH:MM in office time (UTC+7) whatever the device's zone; en:
// the same with a decimal point and ',' between thousands. null, undefined
// and NaN show as "—". Counts have no decimals.
export function fmt(lang = 'vi') {
  const en = lang === 'en';
  const missing = (v) => v === null || v === undefined || !Number.isFinite(Number(v));
  const number = (v, digits = 1) => {
    if (missing(v)) return '—';
    const x = Number(v);
    const [int, frac] = Math.abs(x).toFixed(digits).split('.');
    const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, en ? ',' : '.');
    const neg = x < 0 && Number(Math.abs(x).toFixed(digits)) !== 0 ? '-' : '';
    return `${neg}${grouped}${frac ? (en ? '.' : ',') + frac : ''}`;
  };
  // The civil fields of epoch seconds t in office time.
  const civil = (t) => {
    const d = new Date((Number(t) + 7 * 3600) * 1000);
    const p = (n) => String(n).padStart(2, '0');
    return { dd: p(d.getUTCDate()), mm: p(d.getUTCMonth() + 1), yyyy: d.getUTCFullYear(),
      hh: p(d.getUTCHours()), mi: p(d.getUTCMinutes()) };
  };
  return {
    number,
    count: (v) => number(v, 0),
    // A share 0..1 as a percentage: "93,3 %".
    pct: (v, digits = 1) => (missing(v) ? '—' : `${number(Number(v) * 100, digits)} %`),
    date: (t) => { if (!t) return '—'; const c = civil(t); return `${c.dd}/${c.mm}/${c.yyyy}`; },
    time: (t) => { if (!t) return '—'; const c = civil(t); return `${c.hh}:${c.mi}`; },
    dateTime: (t) => { if (!t) return '—'; const c = civil(t); return `${c.dd}/${c.mm}/${c.yyyy} ${c.hh}:${c.mi}`; },
    // An ISO date "YYYY-MM-DD" as "dd/mm/yyyy".
    isoDate: (s) => (/^\d{4}-\d{2}-\d{2}$/.test(s ?? '') ? s.split('-').reverse().join('/') : (s ?? '—')),
  };
}

// Whether a queue snapshot or a citizen's ticket says its centre is outside
// its working hours now (the server's "hours", the same rule that refuses a
// kiosk's number: docs/calendar.md). No "hours" (an older server): open.
export function centreClosed(x) {
  return x?.hours?.open_now === false;
}

// The next opening of a closed centre in words: "Mở cửa lại lúc 07:30 ngày
// 01/12/2026" (office time, 24-hour, dd/mm/yyyy); '' when not known.
export function nextOpenText(x, lang) {
  const t = x?.hours?.next_open;
  if (!t) return '';
  const f = fmt(lang);
  return lang === 'en' ? `Opens again at ${f.time(t)} on ${f.date(t)}`
    : `Mở cửa lại lúc ${f.time(t)} ngày ${f.date(t)}`;
}

// An element: attrs (className, text, value, on: {event: handler}, a
// property of the element when not a string, else an attribute; null,
// undefined and false left out), children strings (as text nodes) or nodes.
export function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'className') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'value') el.value = v;
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of kids.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}
