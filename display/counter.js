// The clerk's workstation (/counter): logs in (the session cookie carries
// every later request), then starts the counter bar and the three panes:
// intake (tiếp nhận), return (trả kết quả) and look-up (tra cứu). The
// shell is counter-core.js; each pane is its own module.
import { $, api, applyTexts, emit, keys, needLogin, on, setLang, showError, state, t, addTexts } from './counter-core.js';
import { startBar } from './counter-bar.js';
import { startIntake } from './counter-intake.js';
import { startReturn } from './counter-return.js';
import { startLookup } from './counter-lookup.js';
import { startBooking } from './counter-booking.js';

addTexts({
  vi: {
    login_title: 'Đăng nhập', username: 'Tên đăng nhập', password: 'Mật khẩu', login: 'Đăng nhập',
    bad_login: 'Sai tên đăng nhập hoặc mật khẩu.', not_counter_role: 'Tài khoản này không làm việc tại quầy.',
    tab_intake: 'Tiếp nhận', tab_return: 'Trả kết quả', tab_lookup: 'Tra cứu', tab_booking: 'Lịch hẹn', logout: 'Đăng xuất',
  },
  en: {
    login_title: 'Log in', username: 'User name', password: 'Password', login: 'Log in',
    bad_login: 'Wrong user name or password.', not_counter_role: 'This account does not work at a counter.',
    tab_intake: 'Intake', tab_return: 'Return', tab_lookup: 'Look-up', tab_booking: 'Bookings', logout: 'Log out',
  },
});

const TABS = ['intake', 'return', 'lookup', 'booking'];
export function showTab(name) {
  for (const n of TABS) {
    $(`pane-${n}`).hidden = n !== name;
    $(`tab-${n}`).setAttribute('aria-selected', String(n === name));
  }
  emit('tab', name);
}

// The login dialog: at start, and whenever a request meets a 401 (the
// session idled out): the panes are left as they are underneath.
on('login-needed', ({ why, done }) => {
  const dlg = $('login-dialog');
  $('login-why').textContent = why ?? '';
  showError($('login-error'), null);
  if (state.session?.username) $('login-username').value = state.session.username;
  $('login-password').value = '';
  if (!dlg.open) dlg.showModal();
  (state.session?.username ? $('login-password') : $('login-username')).focus();
  loginDone = done;
});
let loginDone = null;

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const r = await fetch('/api/v1/session', {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: $('login-username').value.trim(), password: $('login-password').value }),
  }).catch(() => null);
  if (!r || r.status !== 201) {
    const j = r ? await r.json().catch(() => null) : null;
    $('login-error').textContent = r?.status === 401 ? t('bad_login')
      : (state.lang === 'en' ? j?.error?.message_en : j?.error?.message) ?? t('err_network_gave_up');
    return;
  }
  const s = await r.json();
  if (!['counter', 'supervisor'].includes(s.role)) {
    $('login-error').textContent = t('not_counter_role');
    return;
  }
  if (state.session && state.session.username !== s.username) {
    // Another clerk at this PC: start clean. What the first clerk's page
    // had pending (a 401 waiting for this login) is never sent again: it
    // would be made in the second clerk's name.
    loginDone = null;
    location.reload();
    return;
  }
  state.session = s;
  $('login-dialog').close();
  emit('session', s);
  const done = loginDone;
  loginDone = null;
  if (done) done();
});

$('btn-logout').addEventListener('click', async () => {
  await api('DELETE', '/api/v1/session').catch(() => null);
  state.session = null;
  location.reload();
});
$('btn-lang').addEventListener('click', () => setLang(state.lang === 'en' ? 'vi' : 'en'));
on('lang', (lang) => {
  $('btn-lang').textContent = lang === 'en' ? 'Tiếng Việt' : 'English';
  $('btn-lang').lang = lang === 'en' ? 'vi' : 'en';
});

for (const [i, n] of TABS.entries()) {
  $(`tab-${n}`).addEventListener('click', () => showTab(n));
  keys.on(`Alt+${i + 1}`, () => showTab(n));
}

async function start() {
  applyTexts();
  emit('lang', state.lang);
  const r = await fetch('/api/v1/session', { credentials: 'same-origin' }).catch(() => null);
  if (r && r.ok) state.session = await r.json();
  if (!state.session || !['counter', 'supervisor'].includes(state.session.role)) {
    state.session = null;
    await needLogin('');
  }
  $('who').textContent = state.session.full_name ?? state.session.username;
  startIntake();
  startReturn();
  startLookup();
  startBooking();
  showTab('intake');
  await startBar();
}

start();
