// Shared by the citizen pages (/status, /rate, /public): the language
// button, the office name, office-time dates, money, and JSON requests.
import { pickLang, applyTexts, setLangParam, remember } from './common.js';

const TZ = 'Asia/Ho_Chi_Minh';

export const $ = (id) => document.getElementById(id);

export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}

// dd/mm/yyyy hh:mm in office time, whatever the device's zone.
const dtf = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
export function fmtDateTime(epoch) {
  if (!Number.isFinite(epoch)) return '—';
  const p = Object.fromEntries(dtf.formatToParts(new Date(epoch * 1000)).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

// 50.000 đ / 50,000 VND; 0 is free.
export function fmtMoney(vnd, lang) {
  if (!vnd) return lang === 'en' ? 'Free' : 'Miễn phí';
  return lang === 'en' ? `${vnd.toLocaleString('en-US')} VND` : `${vnd.toLocaleString('vi-VN')} đ`;
}

// A number the local way: 0,5 / 0.5.
export function fmtNum(x, lang) {
  return x.toLocaleString(lang === 'en' ? 'en-US' : 'vi-VN', { maximumFractionDigits: 2 });
}

// A JSON request; resolves {status, json, retryAfter} or {status: 0} when
// the server cannot be reached.
export async function api(method, url, body) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), 15000);
  try {
    const res = await fetch(url, {
      method,
      cache: 'no-store',
      signal: ctl.signal,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let json = null;
    try { json = await res.json(); } catch { /* not JSON */ }
    return { status: res.status, json, retryAfter: Number(res.headers.get('Retry-After')) || 0 };
  } catch {
    return { status: 0, json: null };
  } finally {
    clearTimeout(timer);
  }
}

// Wires the page's texts and language button. render() redraws what the
// page built itself; it runs after every switch. Returns a getter of the
// current language.
export function setupLang(TEXTS, render) {
  let lang = pickLang();
  const apply = () => {
    applyTexts(TEXTS, lang);
    document.title = TEXTS[lang].title;
    const b = $('lang-toggle');
    b.textContent = TEXTS[lang].otherLang;
    b.lang = lang === 'vi' ? 'en' : 'vi';
    b.setAttribute('aria-label', TEXTS[lang].otherLangLabel);
    render();
  };
  $('lang-toggle').addEventListener('click', () => {
    lang = lang === 'vi' ? 'en' : 'vi';
    remember('lang', lang);
    setLangParam(lang);
    apply();
  });
  queueMicrotask(apply);
  return () => lang;
}

// The centre a page is about, for its heading: {code, name, name_en?} or
// null. With code, that centre's public queue snapshot (GET
// /api/v1/queue?office=). Without, the province's list of centres (GET
// /api/v1/public/offices): a province of one centre means that one; with
// several nothing is guessed (the plain queue address would answer 400
// office_required), null.
export async function findOffice(code) {
  if (code) {
    const r = await api('GET', `/api/v1/queue?office=${encodeURIComponent(code)}`);
    const o = r.status === 200 && r.json && r.json.office;
    return o && o.name ? o : null;
  }
  const r = await api('GET', '/api/v1/public/offices?limit=200');
  const centres = r.status === 200 && r.json ? (r.json.items ?? []).filter((o) => o.kind === 'centre') : [];
  return centres.length === 1 && centres[0].name ? centres[0] : null;
}

// Puts the centre's name in the header (findOffice(code)). Returns a
// function that shows it again after a language switch, or null when no
// centre is known (the header keeps what it says).
export async function loadOffice(getLang, code) {
  const o = await findOffice(code);
  if (!o) return null;
  const show = () => { $('office-name').textContent = (getLang() === 'en' && o.name_en) || o.name; };
  show();
  return show;
}
