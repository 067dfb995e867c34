// The bookings pane of /counter (lịch hẹn, docs/appointments.md): the day's
// bookings of the clerk's centre (GET /api/v1/bookings?office=&day=; today
// or a chosen day) with time, code, name, phone, group and state in words,
// cancelling one (POST /api/v1/bookings/{code}/cancel), and a booking made
// for a caller on the phone (POST /api/v1/bookings) with the public page's
// fields: group, day, a free slot (GET /api/v1/public/booking/slots), name,
// phone, e-mail and the consent to messages. Refusals are the server's words.
import { $, addTexts, api, ApiError, esc, fmt, guarded, on, showError, state, t } from './counter-core.js';
import { officeDate, serverNow } from './common.js';

addTexts({
  vi: {
    bk_title: 'Lịch hẹn của trung tâm',
    bk_day: 'Ngày', bk_day_hint: 'Ngày/tháng/năm, ví dụ 01/12/2026.', bk_bad_day: 'Ngày không hợp lệ: viết ngày/tháng/năm.', bk_show: 'Xem', bk_today: 'Hôm nay',
    bk_count: '{n} lịch hẹn ngày {d}.', bk_none: 'Không có lịch hẹn nào ngày {d}.',
    bk_col_time: 'Giờ', bk_col_code: 'Mã đặt lịch', bk_col_name: 'Người đặt', bk_col_phone: 'Điện thoại',
    bk_col_group: 'Lĩnh vực', bk_col_state: 'Trạng thái', bk_cancel: 'Hủy lịch',
    bk_cancel_ask: 'Hủy lịch hẹn {code} của {name}?', bk_cancelled_ok: 'Đã hủy lịch hẹn {code}.',
    bk_st_booked: 'Đã đặt', bk_st_checked_in: 'Đã đến', bk_st_late: 'Đến muộn', bk_st_cancelled: 'Đã hủy',
    bk_st_no_show: 'Không đến',
    bk_new: 'Đặt lịch cho người gọi điện', bk_group: 'Lĩnh vực', bk_new_day: 'Ngày hẹn', bk_slot: 'Giờ hẹn',
    bk_slot_free: '{time} (còn {n} chỗ)', bk_no_slot: 'Không còn giờ trống', bk_day_off: '{d} (nghỉ)',
    bk_name: 'Họ và tên', bk_phone: 'Số điện thoại', bk_email: 'Thư điện tử (nếu có)',
    bk_notify: 'Nhận tin nhắn qua', bk_notify_hint: 'Chỉ đánh dấu khi người đặt đồng ý.',
    bk_submit: 'Đặt lịch', bk_made: 'Đã đặt lịch {code} lúc {time}. Đọc mã cho người gọi.',
    bk_no_centre: 'Trung tâm này chưa nhận đặt lịch hẹn.',
    bk_sms: 'SMS', bk_zalo: 'Zalo', bk_email_ch: 'Thư điện tử',
  },
  en: {
    bk_title: "The centre's bookings",
    bk_day: 'Day', bk_day_hint: 'Day/month/year, e.g. 01/12/2026.', bk_bad_day: 'Not a date: write day/month/year.', bk_show: 'Show', bk_today: 'Today',
    bk_count: '{n} bookings on {d}.', bk_none: 'No bookings on {d}.',
    bk_col_time: 'Time', bk_col_code: 'Booking code', bk_col_name: 'Booked by', bk_col_phone: 'Phone',
    bk_col_group: 'Service', bk_col_state: 'State', bk_cancel: 'Cancel',
    bk_cancel_ask: 'Cancel booking {code} of {name}?', bk_cancelled_ok: 'Booking {code} cancelled.',
    bk_st_booked: 'Booked', bk_st_checked_in: 'Arrived', bk_st_late: 'Came late', bk_st_cancelled: 'Cancelled',
    bk_st_no_show: 'Did not come',
    bk_new: 'Book for a caller on the phone', bk_group: 'Service', bk_new_day: 'Day', bk_slot: 'Time',
    bk_slot_free: '{time} ({n} free)', bk_no_slot: 'No free time', bk_day_off: '{d} (closed)',
    bk_name: 'Full name', bk_phone: 'Phone number', bk_email: 'E-mail (optional)',
    bk_notify: 'Messages by', bk_notify_hint: 'Tick only with the caller\'s consent.',
    bk_submit: 'Book', bk_made: 'Booked {code} at {time}. Read the code to the caller.',
    bk_no_centre: 'This centre does not take bookings.',
    bk_sms: 'SMS', bk_zalo: 'Zalo', bk_email_ch: 'E-mail',
  },
});

// The pane's state; one owner (this module).
const view = { centre: null, list: null, day: null, slots: null };

// Today at the office, by the server's clock (not this PC's).
const officeDay = async () => officeDate(await serverNow());
// The day field: dd/mm/yyyy as typed ↔ YYYY-MM-DD for the server.
const shownDay = (iso) => iso.split('-').reverse().join('/');
function typedDay() {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec($('bk-day').value);
  if (!m) return null;
  const iso = `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso;
}
const stateWord = (b) => t(b.no_show && b.state === 'booked' ? 'bk_st_no_show' : `bk_st_${b.state}`);

function skeleton() {
  $('pane-booking').innerHTML = `
  <h2 class="pane-title" data-i18n="bk_title">${esc(t('bk_title'))}</h2>
  <form id="bk-day-form" class="scan-form bk-day" autocomplete="off">
    <label for="bk-day" data-i18n="bk_day">${esc(t('bk_day'))}</label>
    <div class="scan-row">
      <input id="bk-day" inputmode="numeric" maxlength="10" placeholder="dd/mm/yyyy" aria-describedby="bk-day-hint" required>
      <button id="bk-show" type="submit" data-i18n="bk_show">${esc(t('bk_show'))}</button>
      <button id="bk-today" type="button" data-i18n="bk_today">${esc(t('bk_today'))}</button>
    </div>
    <small id="bk-day-hint" class="hint" data-i18n="bk_day_hint">${esc(t('bk_day_hint'))}</small>
  </form>
  <p id="bk-error" class="error" role="alert"></p>
  <p id="bk-count" role="status"></p>
  <div class="lk-list">
    <table id="bk-table" class="lk-table" hidden>
      <thead><tr>
        <th data-i18n="bk_col_time">${esc(t('bk_col_time'))}</th>
        <th data-i18n="bk_col_code">${esc(t('bk_col_code'))}</th>
        <th data-i18n="bk_col_name">${esc(t('bk_col_name'))}</th>
        <th data-i18n="bk_col_phone">${esc(t('bk_col_phone'))}</th>
        <th data-i18n="bk_col_group">${esc(t('bk_col_group'))}</th>
        <th data-i18n="bk_col_state">${esc(t('bk_col_state'))}</th>
        <th></th>
      </tr></thead>
      <tbody id="bk-rows"></tbody>
    </table>
  </div>
  <form id="bk-new" class="dos-card bk-new" autocomplete="off">
    <h3 data-i18n="bk_new">${esc(t('bk_new'))}</h3>
    <div class="bk-grid">
      <label><span data-i18n="bk_group">${esc(t('bk_group'))}</span><select id="bk-group" required></select></label>
      <label><span data-i18n="bk_new_day">${esc(t('bk_new_day'))}</span><select id="bk-new-day" required></select></label>
      <label><span data-i18n="bk_slot">${esc(t('bk_slot'))}</span><select id="bk-slot" required></select></label>
      <label><span data-i18n="bk_name">${esc(t('bk_name'))}</span><input id="bk-name" maxlength="200" required></label>
      <label><span data-i18n="bk_phone">${esc(t('bk_phone'))}</span><input id="bk-phone" inputmode="tel" maxlength="20" required></label>
      <label><span data-i18n="bk_email">${esc(t('bk_email'))}</span><input id="bk-email" type="email" maxlength="200"></label>
    </div>
    <fieldset class="bk-notify">
      <legend data-i18n="bk_notify">${esc(t('bk_notify'))}</legend>
      <label><input type="checkbox" id="bk-notify-sms" value="sms"> <span data-i18n="bk_sms">${esc(t('bk_sms'))}</span></label>
      <label><input type="checkbox" id="bk-notify-zalo" value="zalo"> <span data-i18n="bk_zalo">${esc(t('bk_zalo'))}</span></label>
      <label><input type="checkbox" id="bk-notify-email" value="email"> <span data-i18n="bk_email_ch">${esc(t('bk_email_ch'))}</span></label>
      <small class="hint" data-i18n="bk_notify_hint">${esc(t('bk_notify_hint'))}</small>
    </fieldset>
    <div class="buttons"><button id="bk-submit" type="submit" class="primary" data-i18n="bk_submit">${esc(t('bk_submit'))}</button></div>
    <p id="bk-made" role="status"></p>
    <p id="bk-new-error" class="error" role="alert"></p>
  </form>`;
}

function renderList() {
  const l = view.list;
  const f = fmt(state.lang);
  if (!l) return;
  const d = f.isoDate(view.day);
  $('bk-count').textContent = l.items.length ? t('bk_count', { n: f.count(l.items.length), d }) : t('bk_none', { d });
  $('bk-table').hidden = l.items.length === 0;
  $('bk-rows').innerHTML = l.items.map((b) => `<tr data-code="${esc(b.code)}" class="bk-${esc(b.state)}">`
    + `<td class="num">${esc(f.time(b.start))}</td><td class="num">${esc(b.code)}</td>`
    + `<td>${esc(b.name)}</td><td class="num">${esc(b.phone ?? '—')}</td>`
    + `<td>${esc(state.lang === 'en' ? (b.group_name_en ?? b.group_name) : b.group_name)}</td>`
    + `<td>${esc(stateWord(b))}</td>`
    + `<td>${b.state === 'booked' && !b.no_show ? `<button type="button" class="bk-cancel" data-code="${esc(b.code)}">${esc(t('bk_cancel'))}</button>` : ''}</td></tr>`).join('');
}

async function loadList() {
  const day = typedDay();
  if (!day) throw new Error(t('bk_bad_day'));
  view.day = day;
  const q = new URLSearchParams({ day: view.day, limit: '500' });
  if (view.centre) q.set('office', view.centre.code);
  view.list = await api('GET', `/api/v1/bookings?${q}`);
  renderList();
}

function renderGroups() {
  const groups = view.centre?.groups ?? [];
  const keep = $('bk-group').value;
  $('bk-group').innerHTML = groups.map((g) => `<option value="${esc(g.code)}">${esc(state.lang === 'en' ? (g.name_en ?? g.name) : g.name)}</option>`).join('');
  if (keep) $('bk-group').value = keep;
}

function renderDays() {
  const f = fmt(state.lang);
  const days = view.slots?.days ?? [];
  const keep = $('bk-new-day').value;
  $('bk-new-day').innerHTML = days.map((d) => `<option value="${esc(d.date)}"${d.slots.some((s) => s.free > 0) ? '' : ' disabled'}>`
    + `${esc(d.working_day ? f.isoDate(d.date) : t('bk_day_off', { d: f.isoDate(d.date) }))}</option>`).join('');
  const first = days.find((d) => d.slots.some((s) => s.free > 0));
  $('bk-new-day').value = days.some((d) => d.date === keep && d.slots.some((s) => s.free > 0)) ? keep : (first?.date ?? '');
  renderSlots();
}

function renderSlots() {
  const f = fmt(state.lang);
  const day = (view.slots?.days ?? []).find((d) => d.date === $('bk-new-day').value);
  const free = (day?.slots ?? []).filter((s) => s.free > 0);
  $('bk-slot').innerHTML = free.length
    ? free.map((s) => `<option value="${s.start}">${esc(t('bk_slot_free', { time: f.time(s.start), n: f.count(s.free) }))}</option>`).join('')
    : `<option value="">${esc(t('bk_no_slot'))}</option>`;
}

async function loadSlots() {
  if (!view.centre || !$('bk-group').value) return;
  const q = new URLSearchParams({ office: view.centre.code, group: $('bk-group').value });
  view.slots = await api('GET', `/api/v1/public/booking/slots?${q}`);
  renderDays();
}

async function book() {
  const channels = ['sms', 'zalo', 'email'].filter((c) => $(`bk-notify-${c}`).checked);
  const b = {
    office: view.centre?.code, group: $('bk-group').value, start: Number($('bk-slot').value),
    name: $('bk-name').value.trim(), phone: $('bk-phone').value.replace(/[\s.-]/g, ''),
  };
  if ($('bk-email').value.trim()) b.email = $('bk-email').value.trim();
  if (channels.length) b.notify = { channels, any_hour: false };
  const r = await api('POST', '/api/v1/bookings', b);
  const f = fmt(state.lang);
  $('bk-made').textContent = t('bk_made', { code: r.booking.code, time: `${f.time(r.booking.start)} ${f.date(r.booking.start)}` });
  for (const id of ['bk-name', 'bk-phone', 'bk-email']) $(id).value = '';
  for (const c of ['sms', 'zalo', 'email']) $(`bk-notify-${c}`).checked = false;
  if (r.booking.day === view.day) await loadList();
  await loadSlots();
}

async function cancel(code) {
  const b = view.list?.items.find((x) => x.code === code);
  if (!window.confirm(t('bk_cancel_ask', { code, name: b?.name ?? '' }))) return;
  await api('POST', `/api/v1/bookings/${encodeURIComponent(code)}/cancel`, {});
  $('bk-count').textContent = t('bk_cancelled_ok', { code });
  await loadList();
  $('bk-count').textContent = `${t('bk_cancelled_ok', { code })} ${$('bk-count').textContent}`;
  await loadSlots();
}

// Starts the pane once the session is known (its centre's groups come from
// the booking options; a centre taking no booking says so).
export function startBooking() {
  skeleton();
  const errEl = $('bk-error');
  const newErr = $('bk-new-error');
  const show = guarded($('bk-show'), loadList, errEl);
  $('bk-day-form').addEventListener('submit', (e) => { e.preventDefault(); show(); });
  $('bk-today').addEventListener('click', guarded($('bk-today'), async () => {
    $('bk-day').value = shownDay(await officeDay());
    await loadList();
  }, errEl));
  $('bk-rows').addEventListener('click', (e) => {
    const btn = e.target.closest('button.bk-cancel');
    if (btn) guarded(btn, () => cancel(btn.dataset.code), errEl)();
  });
  $('bk-group').addEventListener('change', guarded(null, loadSlots, newErr));
  $('bk-new-day').addEventListener('change', renderSlots);
  const submit = guarded($('bk-submit'), book, newErr);
  $('bk-new').addEventListener('submit', (e) => { e.preventDefault(); $('bk-made').textContent = ''; submit(); });
  on('lang', () => { renderList(); renderGroups(); renderDays(); });
  let started = false;
  on('tab', (name) => {
    if (name !== 'booking' || started) return;
    started = true;
    guarded(null, async () => {
      $('bk-day').value = shownDay(await officeDay());
      const opts = await api('GET', '/api/v1/public/booking/options');
      const mine = state.session?.office?.code;
      view.centre = (opts.centres ?? []).find((c) => c.code === mine) ?? null;
      if (!view.centre) {
        showError(newErr, null);
        $('bk-new').hidden = true;
        $('bk-error').textContent = t('bk_no_centre');
      } else {
        renderGroups();
        await loadSlots();
      }
      await loadList();
    }, errEl)().catch((e) => { if (!(e instanceof ApiError)) throw e; });
  });
}
