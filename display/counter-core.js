// The shell of the clerk's workstation (/counter), shared by its panes:
// the page's state, its words in two languages, the one way to call the
// server (api), errors in plain words, the login that comes back when a
// session ends (what was typed stays where it was), the lost-connection
// banner, the keyboard and a guard against double clicks.
//
// Contract of api(): a change (POST/PUT/PATCH/DELETE) carries an
// Idempotency-Key made once per action; when the answer does not arrive
// (the network dropped, the server restarted: a fetch error, 502, 503 or
// 504) the same request is sent again with the same key until it is
// answered, with the banner up meanwhile, so a retried call or intake is
// done once. A 401 opens the login dialog and, once the clerk has logged
// in again, sends the same request again. Any other refusal throws an
// ApiError carrying the server's Vietnamese and English messages.
import { pickLang, recall, remember, randomKey } from './common.js';

export { recall, remember };

// The page's state. Written only through the setters below, which tell
// the panes by events on `bus` ('session', 'place', 'queue', 'serving',
// 'lang'); read by anyone.
export const state = {
  session: null, // GET /api/v1/session's answer
  office: null,  // the centre's code this counter belongs to
  counter: null, // the counter's number (integer)
  queue: null,   // the centre's last queue snapshot (GET /api/v1/queue)
  serving: null, // the ticket at my counter (the staff view), or null
  lang: pickLang(),
};
export const bus = new EventTarget();
export function emit(name, detail) { bus.dispatchEvent(new CustomEvent(name, { detail })); }
export function on(name, fn) { bus.addEventListener(name, (e) => fn(e.detail)); }

export const $ = (id) => document.getElementById(id);
export const esc = (s) => String(s ?? '').replace(/[&<>"']/g,
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

// Words: each module registers its own vi and en dictionaries; t(key)
// looks them up in the page's language (a missing English word falls back
// to the Vietnamese one, never to the key).
const words = { vi: {}, en: {} };
export function addTexts(dict) {
  Object.assign(words.vi, dict.vi);
  Object.assign(words.en, dict.en);
}
export function t(key, vars) {
  let s = words[state.lang][key] ?? words.vi[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}
// Sets every [data-i18n] element of root from the dictionaries.
export function applyTexts(root = document) {
  document.documentElement.lang = state.lang;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}
export function setLang(lang) {
  state.lang = lang === 'en' ? 'en' : 'vi';
  remember('lang', state.lang);
  applyTexts();
  emit('lang', state.lang);
}

addTexts({
  vi: {
    err_network: 'Mất kết nối với máy chủ. Đang thử lại…',
    err_network_gave_up: 'Không kết nối được máy chủ. Kiểm tra mạng rồi bấm lại.',
    err_session: 'Phiên làm việc đã hết hạn. Đăng nhập lại để tiếp tục; những gì đã nhập vẫn được giữ.',
    err_details: 'Chi tiết',
    err_server: 'Máy chủ gặp lỗi. Thử lại sau ít phút; nếu vẫn lỗi, báo quản trị viên.',
  },
  en: {
    err_network: 'Lost the connection to the server. Retrying…',
    err_network_gave_up: 'Cannot reach the server. Check the network and try again.',
    err_session: 'Your session has ended. Log in again to go on; what you typed is kept.',
    err_details: 'Details',
    err_server: 'The server failed. Try again in a few minutes; if it persists, tell the administrator.',
  },
});

// A refusal from the server (or the network, status 0).
export class ApiError extends Error {
  constructor(status, body) {
    const e = body?.error ?? {};
    super(e.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = e.code ?? (status === 0 ? 'network' : `http_${status}`);
    this.message_vi = e.message ?? null;
    this.message_en = e.message_en ?? null;
    this.field = e.field ?? null;
    this.body = body;
  }
  // The message in the page's language: the server's own words.
  text() {
    if (this.status === 0) return t('err_network_gave_up');
    if (this.status >= 500 && !this.message_vi) return t('err_server');
    return (state.lang === 'en' ? this.message_en : this.message_vi) ?? this.message_vi ?? t('err_server');
  }
}

// The elements showing an error, so that a switch of language says each
// again in the new language (the server gave both).
const shown = new Set();
on('lang', () => {
  for (const el of shown) {
    if (el.isConnected && el.motcuaError) showError(el, el.motcuaError);
    else shown.delete(el);
  }
});

// Shows err in el: the plain message, then a small details line with the
// machine code (for the help desk, never the main text). err null clears.
export function showError(el, err) {
  if (!el) return;
  el.textContent = '';
  el.motcuaError = err ?? null;
  if (!err) {
    shown.delete(el);
    return;
  }
  shown.add(el);
  const msg = document.createElement('span');
  msg.className = 'msg';
  msg.textContent = err instanceof ApiError ? err.text() : String(err.message ?? err);
  el.append(msg);
  if (err instanceof ApiError) {
    const d = document.createElement('small');
    d.className = 'details';
    d.textContent = `${t('err_details')}: ${err.code}${err.field ? ` (${err.field})` : ''}, HTTP ${err.status}`;
    el.append(' ', d);
  }
}

// The banner at the top: text or '' to hide it.
export function banner(text) {
  const b = $('banner');
  b.textContent = text ?? '';
  b.hidden = !text;
}

const RETRY_STATUS = new Set([502, 503, 504]);
const RETRY_FOR_MS = 120000;

// One login at a time: every request that met a 401 waits for it.
let relogin = null;
export function needLogin(why) {
  if (!relogin) {
    relogin = new Promise((resolve) => {
      emit('login-needed', { why, done: resolve });
    }).finally(() => { relogin = null; });
  }
  return relogin;
}

// Calls the server. body (an object) goes as JSON; opts.key is the
// Idempotency-Key of a change (made here when not given: pass one when the
// same action may be sent twice, e.g. after the page lost an answer).
// Returns the parsed answer (null for an empty body); throws ApiError.
export async function api(method, path, body, opts = {}) {
  const change = method !== 'GET' && method !== 'HEAD';
  const key = change ? (opts.key ?? randomKey()) : null;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const headers = {};
    if (key) headers['Idempotency-Key'] = key;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let r;
    try {
      r = await fetch(path, { method, credentials: 'same-origin', headers,
        body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch {
      r = null; // the network or the server is away
    }
    if (r === null || RETRY_STATUS.has(r.status)) {
      // A 503 with an error body is the server's answer (printer away, busy):
      // only retry the ones that say to retry later.
      const j = r ? await r.json().catch(() => null) : null;
      const answer = j?.error && r.status === 503 && !r.headers.get('Retry-After');
      if (answer) throw new ApiError(r.status, j);
      if (Date.now() - started > (opts.retryForMs ?? RETRY_FOR_MS)) {
        banner(t('err_network_gave_up'));
        throw new ApiError(0, null);
      }
      banner(t('err_network'));
      await new Promise((res) => setTimeout(res, Math.min(500 * 2 ** attempt, 4000)));
      continue;
    }
    banner('');
    if (r.status === 401 && path !== '/api/v1/session') {
      await needLogin(t('err_session'));
      continue;
    }
    const text = await r.text();
    let j = null;
    try { j = text ? JSON.parse(text) : null; } catch { j = null; }
    if (!r.ok) throw new ApiError(r.status, j);
    return j;
  }
}

// Runs fn once at a time for button (and every element in also): while it
// runs they are disabled, so a key held down does one action. A double
// click does one action too, however fast the first one ends: the second
// click of a double click (its event's detail is 2 or more) is dropped.
// Errors go to errEl (or the banner).
export function guarded(button, fn, errEl, ...also) {
  const els = [button, ...also].filter(Boolean);
  let busy = false;
  return async (...args) => {
    if (busy || args[0]?.detail > 1) return;
    busy = true;
    for (const el of els) el.disabled = true;
    try {
      if (errEl) showError(errEl, null);
      await fn(...args);
    } catch (e) {
      if (errEl) showError(errEl, e);
      else banner(e instanceof ApiError ? e.text() : String(e.message ?? e));
    } finally {
      busy = false;
      for (const el of els) el.disabled = false;
      emit('refresh-buttons');
    }
  };
}

// The keyboard: keys.on('F1', fn) binds a key for the whole page (F-keys
// and Alt+digit; the browser's own meaning is suppressed). Plain typing
// in a field is never taken.
const bindings = new Map();
export const keys = {
  on(key, fn) { bindings.set(key, fn); },
};
document.addEventListener('keydown', (e) => {
  if (document.querySelector('dialog[open]') && !/^F\d+$/.test(e.key)) return;
  const name = (e.altKey ? 'Alt+' : '') + (e.ctrlKey ? 'Ctrl+' : '') + e.key;
  const fn = bindings.get(name);
  if (!fn) return;
  e.preventDefault();
  fn(e);
});

// Office time formatting lives in common.js: fmt(lang).
export { fmt } from './common.js';
