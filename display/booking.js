// The booking page (đặt lịch hẹn): /dat-lich or /booking. Phone first: the
// citizen chooses the centre, the service group (or finds a procedure by
// name, which names its group), a day of the window and a free slot
// (full ones shown disabled), gives name, phone, ID number and e-mail
// (both optional) and the channels of the messages they accept; POST
// /api/v1/public/bookings answers the code, shown large with its QR
// (/dat-lich/qr.svg?code=), the slot, the check-in window and what to
// bring, and "Hủy lịch hẹn". A slot taken meanwhile (409 slot_full): the
// slots are read again and the page says so. ?ma=<code> opens a booking;
// ?office=<centre code> chooses the centre.
//
// For tests: <body data-state="idle|busy|done|error">.
import { $, el, api, setupLang } from './citizen.js';
import { fmt, params } from './common.js';

const WEEKDAYS = {
  vi: ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};

const TEXTS = {
  vi: {
    title: 'Đặt lịch hẹn — Trung tâm Phục vụ hành chính công',
    otherLang: 'English',
    otherLangLabel: 'Switch to English',
    brand: 'Trung tâm Phục vụ hành chính công',
    pageName: 'Đặt lịch hẹn làm thủ tục',
    heading: 'Đặt lịch hẹn',
    intro: 'Chọn nơi, lĩnh vực và giờ đến. Khi đến, quét mã QR hoặc nhập mã đặt lịch tại máy lấy số để được phục vụ theo giờ hẹn.',
    centreLabel: '1. Trung tâm',
    centreChoose: '— Chọn trung tâm —',
    groupLegend: '2. Lĩnh vực',
    procLabel: 'Hoặc tìm theo tên thủ tục',
    procHint: 'Ví dụ: khai sinh, chứng thực, đất đai.',
    procNone: 'Không tìm thấy thủ tục nhận đặt lịch tại trung tâm này.',
    procGroup: (g) => `Lĩnh vực: ${g}`,
    dayLegend: '3. Ngày và giờ đến',
    dayOff: (name) => (name ? `Ngày nghỉ: ${name}` : 'Ngày nghỉ'),
    dayFull: 'Hết chỗ',
    dayNoSlot: 'Không còn giờ trống trong ngày này. Xin chọn ngày khác.',
    slotsFree: (n) => `còn ${n} chỗ`,
    slotFull: 'hết chỗ',
    slotTaken: 'Khung giờ ông/bà chọn vừa có người đặt hết. Danh sách giờ đã được cập nhật, xin chọn giờ khác.',
    whoLegend: '4. Thông tin người đến',
    nameLabel: 'Họ và tên',
    phoneLabel: 'Số điện thoại',
    idLabel: 'Số căn cước (không bắt buộc)',
    emailLabel: 'Thư điện tử (không bắt buộc)',
    notifyLegend: 'Nhận tin nhắn xác nhận, nhắc lịch qua',
    nSms: 'Tin nhắn SMS',
    nZalo: 'Zalo',
    nEmail: 'Thư điện tử',
    nAnyHour: 'Nhận cả ngoài giờ hành chính (21:00–07:00)',
    submit: 'Đặt lịch',
    busy: 'Đang đặt lịch…',
    needCentre: 'Xin chọn trung tâm.',
    needGroup: 'Xin chọn lĩnh vực.',
    needSlot: 'Xin chọn ngày và giờ đến.',
    needName: 'Xin nhập họ và tên.',
    needPhone: 'Xin nhập số điện thoại.',
    needEmail: 'Muốn nhận tin qua thư điện tử, xin ghi địa chỉ thư điện tử.',
    fixFields: 'Xin sửa các ô được đánh dấu bên trên rồi bấm “Đặt lịch” lại.',
    fieldErrors: {
      name: 'Xin nhập đầy đủ họ và tên (từ 2 đến 200 ký tự).',
      phone: 'Số điện thoại không đúng. Ví dụ: 0912 345 678.',
      id_number: 'Số căn cước gồm 12 chữ số (hoặc số hộ chiếu).',
      email: 'Địa chỉ thư điện tử không đúng.',
      notify: 'Muốn nhận tin qua thư điện tử, xin ghi địa chỉ thư điện tử.',
      start: 'Giờ này không còn đặt được. Xin chọn giờ khác.',
    },
    limit: 'Mỗi người chỉ được đặt tối đa 2 lịch hẹn trong một ngày (theo số điện thoại hoặc số căn cước).',
    tooMany: 'Đã đặt quá nhiều lịch hẹn. Xin thử lại sau.',
    network: 'Không kết nối được máy chủ. Xin kiểm tra mạng rồi thử lại.',
    failed: 'Không đặt được lịch hẹn.',
    lookupSummary: 'Đã có mã đặt lịch? Xem hoặc hủy lịch hẹn',
    codeLabel: 'Mã đặt lịch',
    lookupButton: 'Xem lịch hẹn',
    notFound: 'Không tìm thấy lịch hẹn với mã này. Xin kiểm tra lại mã.',
    bookedOk: 'Đã đặt lịch hẹn thành công',
    states: { booked: 'Lịch hẹn còn hiệu lực', checked_in: 'Đã đến làm thủ tục', late: 'Đến muộn: đã lấy số thường', cancelled: 'Lịch hẹn đã hủy', no_show: 'Đã quá giờ hẹn' },
    fCentre: 'Nơi đến', fAddress: 'Địa chỉ', fGroup: 'Lĩnh vực', fProcedure: 'Thủ tục', fWhen: 'Giờ hẹn', fName: 'Người đến', fPhone: 'Số điện thoại',
    when: (from, to, day) => `${from}–${to}, ${day}`,
    bringHeading: 'Khi đến, mang theo',
    bringViOnly: '',
    checkin: (from, until) => `Quét mã QR hoặc nhập mã tại máy lấy số từ ${from} đến ${until}. Đến sau ${until}, ông/bà lấy số thường như người không đặt lịch.`,
    cancel: 'Hủy lịch hẹn',
    cancelAsk: 'Ông/bà chắc chắn muốn hủy lịch hẹn này?',
    cancelYes: 'Hủy lịch hẹn',
    cancelNo: 'Không hủy',
    cancelled: 'Đã hủy lịch hẹn. Chỗ đã được trả lại cho người khác.',
    notCancellable: 'Lịch hẹn này không thể hủy nữa.',
    again: 'Đặt lịch khác',
    qrAlt: (code) => `Mã QR của mã đặt lịch ${code}`,
    details: (code) => `Chi tiết: ${code}`,
  },
  en: {
    title: 'Book an appointment — Public Administration Service Centre',
    otherLang: 'Tiếng Việt',
    otherLangLabel: 'Chuyển sang tiếng Việt',
    brand: 'Public Administration Service Centre',
    pageName: 'Book an appointment',
    heading: 'Book an appointment',
    intro: 'Choose the centre, the service and the time. When you come, scan the QR code or type the booking code at the ticket kiosk to be served at your time.',
    centreLabel: '1. Centre',
    centreChoose: '— Choose a centre —',
    groupLegend: '2. Service',
    procLabel: 'Or search a procedure by name',
    procHint: 'For example: birth, certification, land.',
    procNone: 'No procedure bookable at this centre matches.',
    procGroup: (g) => `Service: ${g}`,
    dayLegend: '3. Day and time',
    dayOff: (name) => (name ? `Day off: ${name}` : 'Day off'),
    dayFull: 'Full',
    dayNoSlot: 'No free time left on this day. Please choose another day.',
    slotsFree: (n) => `${n} free`,
    slotFull: 'full',
    slotTaken: 'The time you chose has just been taken. The list is up to date again: please choose another time.',
    whoLegend: '4. Who is coming',
    nameLabel: 'Full name',
    phoneLabel: 'Phone number',
    idLabel: 'ID card number (optional)',
    emailLabel: 'E-mail (optional)',
    notifyLegend: 'Send me the confirmation and a reminder by',
    nSms: 'SMS',
    nZalo: 'Zalo',
    nEmail: 'E-mail',
    nAnyHour: 'Also outside office hours (21:00–07:00)',
    submit: 'Book',
    busy: 'Booking…',
    needCentre: 'Please choose a centre.',
    needGroup: 'Please choose a service.',
    needSlot: 'Please choose a day and a time.',
    needName: 'Please type your full name.',
    needPhone: 'Please type your phone number.',
    needEmail: 'To get messages by e-mail, please give your e-mail address.',
    fixFields: 'Please correct the fields marked above, then press “Book” again.',
    fieldErrors: {
      name: 'Please type your full name (2 to 200 characters).',
      phone: 'This phone number is not right. Example: 0912 345 678.',
      id_number: 'An ID card number has 12 digits (or give a passport number).',
      email: 'This e-mail address is not right.',
      notify: 'To get messages by e-mail, please give your e-mail address.',
      start: 'This time can no longer be booked. Please choose another.',
    },
    limit: 'One person may book at most 2 appointments a day (by phone or ID card number).',
    tooMany: 'Too many bookings. Please try again later.',
    network: 'The server cannot be reached. Please check the network and try again.',
    failed: 'The appointment could not be booked.',
    lookupSummary: 'Have a booking code? View or cancel your appointment',
    codeLabel: 'Booking code',
    lookupButton: 'View appointment',
    notFound: 'No appointment has this code. Please check it.',
    bookedOk: 'Your appointment is booked',
    states: { booked: 'Appointment valid', checked_in: 'Checked in', late: 'Came late: took an ordinary ticket', cancelled: 'Appointment cancelled', no_show: 'The time has passed' },
    fCentre: 'Centre', fAddress: 'Address', fGroup: 'Service', fProcedure: 'Procedure', fWhen: 'Time', fName: 'Name', fPhone: 'Phone',
    when: (from, to, day) => `${from}–${to}, ${day}`,
    bringHeading: 'Bring with you',
    bringViOnly: 'The centre keeps the list of papers to bring in Vietnamese only: switch to Tiếng Việt at the top to read it.',
    checkin: (from, until) => `Scan the QR code or type the code at the ticket kiosk from ${from} to ${until}. After ${until} you take an ordinary ticket.`,
    cancel: 'Cancel appointment',
    cancelAsk: 'Do you really want to cancel this appointment?',
    cancelYes: 'Cancel appointment',
    cancelNo: 'Keep it',
    cancelled: 'The appointment is cancelled. The place is free for someone else.',
    notCancellable: 'This appointment can no longer be cancelled.',
    again: 'Book another',
    qrAlt: (code) => `QR code of booking code ${code}`,
    details: (code) => `Details: ${code}`,
  },
};

const state = {
  options: null, centre: null, group: null, procedure: null, slots: null, day: null, start: null,
  booking: null, notice: '',
  lookupError: null, // 'notFound' | 'network': the look-up's error, said in the page's language
};
const getLang = setupLang(TEXTS, render);
const T = () => TEXTS[getLang()];

function setState(s) { document.body.dataset.state = s; }

function showError(id, text, code) {
  const p = $(id);
  if (!p) return;
  p.textContent = text ?? '';
  // A machine code only on its own small details line, never in the sentence.
  if (text && code) p.append(el('span', 'bk-details', T().details(code)));
  p.hidden = !text;
}

function clearErrors() {
  for (const id of ['centre-error', 'group-error', 'start-error', 'name-error', 'phone-error', 'id-number-error',
    'email-error', 'notify-error', 'form-error']) showError(id, '');
}

// The server's rules (domain/applicant.c), checked here so that every
// wrong field is shown at once; the server checks again.
export function phoneValid(s) {
  let p = s.trim();
  const plus = p.startsWith('+');
  if (plus) p = p.slice(1);
  if (/[^0-9 .\-()]/.test(p)) return false;
  const d = p.replace(/\D/g, '');
  if (d.length > 22) return false;
  let rest;
  if (d.length >= 2 && d.startsWith('84') && (plus || d.length === 11 || d.length === 12)) rest = d.slice(2);
  else if (plus || d[0] !== '0') return false;
  else rest = d.slice(1);
  return (rest.length === 9 && '35789'.includes(rest[0])) || (rest.length === 10 && rest[0] === '2');
}

export function idNumberValid(s) {
  const v = s.replace(/ /g, '').toUpperCase();
  return /^\d{12}$/.test(v) || /^[A-Z]{1,2}\d{6,8}$/.test(v);
}

export function emailValid(s) {
  if (s.length < 3 || s.length > 254 || /[^\x21-\x7e]|[<>,"()[\]\\;:]/.test(s)) return false;
  const at = s.indexOf('@');
  if (at < 1 || at > 64 || s.indexOf('@', at + 1) !== -1) return false;
  const labels = s.slice(at + 1).split('.');
  return labels.length >= 2 && labels.every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

// A day's heading: "Thứ Ba, 08/12/2026".
function dayText(d, lang) {
  return `${WEEKDAYS[lang][d.weekday]}, ${fmt(lang).isoDate(d.date)}`;
}

function centreOf(code) { return state.options?.centres.find((c) => c.code === code) ?? null; }

// The words every centre's name starts with ("Trung tâm Phục vụ hành
// chính công xã"), when there are several: a phone's select shows only the
// start of an option, so each option is led by the rest, the place.
function commonWords(names) {
  if (names.length < 2) return 0;
  const words = names.map((n) => n.split(/\s+/));
  let k = 0;
  while (words.every((w) => k < w.length - 1 && w[k] === words[0][k])) k++;
  return k;
}

function centreLabel(c, k) {
  if (!k) return c.name;
  const place = c.name.split(/\s+/).slice(k).join(' ');
  return `${place} — ${c.name}`;
}

function renderCentres() {
  const sel = $('centre');
  const keep = state.centre;
  const centres = state.options?.centres ?? [];
  const k = commonWords(centres.map((c) => c.name));
  sel.replaceChildren(el('option', null, T().centreChoose));
  sel.firstChild.value = '';
  for (const c of centres) {
    const o = el('option', null, centreLabel(c, k));
    o.value = c.code;
    sel.append(o);
  }
  sel.value = keep ?? '';
  // The chosen centre's full name, wrapping, under the select.
  const c = centreOf(state.centre);
  const full = $('centre-full');
  full.textContent = c ? [c.name, c.address].filter(Boolean).join(' — ') : '';
  full.hidden = !c;
}

function choiceButton(label, sub, pressed, onClick) {
  const b = el('button', 'bk-choice');
  b.type = 'button';
  b.append(el('span', 'main', label));
  if (sub) b.append(el('span', 'sub', sub));
  b.setAttribute('aria-pressed', pressed ? 'true' : 'false');
  b.addEventListener('click', onClick);
  return b;
}

function groupLabel(g) { return getLang() === 'en' && g.name_en ? g.name_en : g.name; }

function renderGroups() {
  const c = centreOf(state.centre);
  $('group-box').hidden = !c;
  if (!c) return;
  $('groups').replaceChildren(...c.groups.map((g) => choiceButton(groupLabel(g), null, g.code === state.group,
    () => { state.procedure = null; chooseGroup(g.code); })));
  renderProcedures();
}

function fold(s) {
  return (s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase();
}

function renderProcedures() {
  const q = fold($('proc-q').value.trim());
  const list = $('procs');
  if (q.length < 2) { list.replaceChildren(); return; }
  const c = centreOf(state.centre);
  const hits = (state.options?.procedures ?? []).filter((p) => p.groups[state.centre] && fold(p.name).includes(q)).slice(0, 8);
  if (hits.length === 0) { list.replaceChildren(el('li', 'hint', T().procNone)); return; }
  list.replaceChildren(...hits.map((p) => {
    const g = c.groups.find((x) => x.code === p.groups[state.centre]);
    const li = el('li');
    li.append(choiceButton(p.name, T().procGroup(g ? groupLabel(g) : p.groups[state.centre]), state.procedure === p.code,
      () => { state.procedure = p.code; chooseGroup(p.groups[state.centre]); }));
    return li;
  }));
}

function renderDays() {
  const box = $('day-box');
  box.hidden = !state.slots;
  if (!state.slots) return;
  const lang = getLang();
  const t = T();
  $('days').replaceChildren(...state.slots.days.map((d) => {
    const free = d.slots.filter((x) => x.free > 0).length;
    const sub = !d.working_day ? t.dayOff(d.day_name) : free === 0 ? t.dayFull : t.slotsFree(d.slots.reduce((n, x) => n + x.free, 0));
    const b = choiceButton(dayText(d, lang), sub, d.date === state.day, () => { state.day = d.date; state.start = null; renderDays(); renderWho(); });
    b.disabled = !d.working_day || free === 0;
    b.dataset.date = d.date;
    return b;
  }));
  const day = state.slots.days.find((d) => d.date === state.day);
  const f = fmt(lang);
  $('slots').replaceChildren(...(day?.slots ?? []).map((x) => {
    const b = choiceButton(`${f.time(x.start)}–${f.time(x.end)}`, x.free > 0 ? t.slotsFree(x.free) : t.slotFull,
      x.start === state.start, () => { state.start = x.start; state.notice = ''; renderDays(); renderWho(); $('name').focus(); });
    b.classList.add('bk-slot');
    b.disabled = x.free <= 0;
    b.dataset.start = String(x.start);
    return b;
  }));
  const note = $('day-note');
  note.hidden = !(day && day.slots.every((x) => x.free <= 0));
  note.textContent = t.dayNoSlot;
  const n = $('slot-notice');
  n.hidden = !state.notice;
  n.textContent = state.notice ? t[state.notice] : '';
}

function renderWho() { $('who-box').hidden = !state.start; }

async function loadSlots() {
  if (!state.centre || !state.group) { state.slots = null; renderDays(); return; }
  const r = await api('GET', `/api/v1/public/booking/slots?office=${encodeURIComponent(state.centre)}&group=${encodeURIComponent(state.group)}`);
  if (r.status !== 200) { state.slots = null; showError('group-error', T().failed, r.json?.error?.code); renderDays(); return; }
  state.slots = r.json;
  const days = state.slots.days;
  if (!days.some((d) => d.date === state.day && d.slots.some((x) => x.free > 0))) {
    state.day = days.find((d) => d.slots.some((x) => x.free > 0))?.date ?? null;
  }
  const stillFree = days.some((d) => d.slots.some((x) => x.start === state.start && x.free > 0));
  if (!stillFree) state.start = null;
  renderDays();
  renderWho();
}

async function chooseGroup(code) {
  state.group = code;
  state.start = null;
  showError('group-error', '');
  renderGroups();
  await loadSlots();
}

function renderBooking() {
  const b = state.booking;
  const done = $('done');
  $('book').hidden = !!b;
  done.hidden = !b;
  if (!b) return;
  const t = T();
  const lang = getLang();
  const f = fmt(lang);
  const st = b.state === 'booked' && b.no_show ? 'no_show' : b.state;
  const status = $('done-status');
  status.textContent = state.justBooked && st === 'booked' ? t.bookedOk : t.states[st];
  status.className = `bk-status ${st}`;
  $('done-code').textContent = b.code;
  const qr = $('done-qr');
  qr.src = `/dat-lich/qr.svg?code=${encodeURIComponent(b.code)}`;
  qr.alt = t.qrAlt(b.code);
  qr.hidden = b.state !== 'booked';
  const facts = $('done-facts');
  const rows = [[t.fCentre, b.office_name], [t.fAddress, b.office_address],
    [t.fGroup, lang === 'en' && b.group_name_en ? b.group_name_en : b.group_name],
    ...(b.procedure ? [[t.fProcedure, b.procedure.name]] : []),
    [t.fWhen, t.when(f.time(b.start), f.time(b.end), `${WEEKDAYS[lang][new Date((b.start + 7 * 3600) * 1000).getUTCDay()]}, ${f.date(b.start)}`)],
    [t.fName, b.name], [t.fPhone, b.phone]];
  facts.replaceChildren(...rows.filter((x) => x[1]).flatMap(([k, v]) => [el('dt', null, k), el('dd', null, v)]));
  // The catalogue's papers are in Vietnamese: in English the list is left
  // out and a sentence says where to read it.
  const bring = b.bring ?? [];
  const viOnly = lang === 'en' && bring.length > 0;
  $('done-bring').replaceChildren(...(viOnly ? [] : bring.map((x) => el('li', null, x))));
  $('done-bring').hidden = viOnly;
  $('done-bring-vi').hidden = !viOnly;
  const ck = $('done-checkin');
  ck.textContent = t.checkin(f.time(b.checkin_from_at), f.time(b.checkin_until_at));
  ck.hidden = b.state !== 'booked';
  $('cancel').hidden = !b.cancellable;
}

// The look-up's error: shown under its field until the code is typed again,
// the booking form is used or a booking opens.
function setLookupError(key) {
  state.lookupError = key;
  showError('lookup-error', key ? T()[key] : '');
}

function render() {
  setLookupError(state.lookupError);
  renderCentres();
  renderGroups();
  renderDays();
  renderWho();
  renderBooking();
  $('submit').textContent = document.body.dataset.state === 'busy' ? T().busy : T().submit;
}

async function submit(ev) {
  ev.preventDefault();
  if (document.body.dataset.state === 'busy') return;
  clearErrors();
  const t = T();
  if (!state.centre) { showError('centre-error', t.needCentre); $('centre').focus(); return; }
  if (!state.group) { showError('group-error', t.needGroup); return; }
  if (!state.start) { showError('start-error', t.needSlot); return; }
  const name = $('name').value.trim();
  const phone = $('phone').value.trim();
  // Every field checked before sending, every error shown at once.
  const bad = [];
  const fail = (input, errId, text) => { showError(errId, text); bad.push(input); };
  if (!name || [...name].length < 2 || [...name].length > 200) fail('name', 'name-error', name ? t.fieldErrors.name : t.needName);
  if (!phone) fail('phone', 'phone-error', t.needPhone);
  else if (!phoneValid(phone)) fail('phone', 'phone-error', t.fieldErrors.phone);
  const idv = $('id-number').value.trim();
  if (idv && !idNumberValid(idv)) fail('id-number', 'id-number-error', t.fieldErrors.id_number);
  const emv = $('email').value.trim();
  if (emv && !emailValid(emv)) fail('email', 'email-error', t.fieldErrors.email);
  else if (!emv && $('n-email').checked) fail('email', 'notify-error', t.needEmail);
  if (bad.length) {
    showError('form-error', t.fixFields);
    setState('error');
    $(bad[0]).focus();
    return;
  }
  const body = { office: state.centre, group: state.group, start: state.start, name, phone };
  if (state.procedure) body.procedure = state.procedure;
  const idn = $('id-number').value.trim();
  const email = $('email').value.trim();
  if (idn) body.id_number = idn;
  if (email) body.email = email;
  const channels = ['n-sms', 'n-zalo', 'n-email'].filter((id) => $(id).checked).map((id) => $(id).value);
  if (channels.length) body.notify = { channels, any_hour: $('n-any-hour').checked };
  setState('busy');
  $('submit').disabled = true;
  $('submit').textContent = t.busy;
  const r = await api('POST', '/api/v1/public/bookings', body);
  $('submit').disabled = false;
  $('submit').textContent = T().submit;
  if (r.status === 201) {
    state.booking = r.json.booking;
    state.justBooked = true;
    setState('done');
    const u = new URL(location.href);
    u.searchParams.set('ma', state.booking.code);
    history.replaceState(null, '', u);
    renderBooking();
    $('done').focus();
    return;
  }
  setState('error');
  const code = r.json?.error?.code;
  const field = r.json?.error?.field;
  if (r.status === 0) showError('form-error', t.network);
  else if (code === 'slot_full' || code === 'slot_invalid') {
    state.notice = 'slotTaken';
    await loadSlots();
    $('slot-notice').focus();
  } else if (code === 'invalid_field' && field && t.fieldErrors[field]) {
    const id = field === 'id_number' ? 'id-number-error' : `${field}-error`;
    showError(id, t.fieldErrors[field]);
    const input = $(field === 'id_number' ? 'id-number' : field);
    if (input && input.focus) input.focus();
  } else if (code === 'booking_limit') showError('form-error', t.limit, code);
  else if (r.status === 429) showError('form-error', t.tooMany, code);
  else showError('form-error', t.failed, code);
}

async function openBooking(code) {
  const r = await api('GET', `/api/v1/public/bookings/${encodeURIComponent(code)}`);
  if (r.status !== 200) return r;
  state.booking = r.json.booking;
  state.justBooked = false;
  setState('done');
  setLookupError(null);
  renderBooking();
  return r;
}

async function cancel() {
  const b = state.booking;
  showError('done-error', '');
  const r = await api('POST', `/api/v1/public/bookings/${encodeURIComponent(b.code)}/cancel`);
  $('cancel-confirm').hidden = true;
  if (r.status === 200) {
    state.booking = r.json.booking;
    state.justBooked = false;
    renderBooking();
    showError('done-error', '');
    const n = $('done-checkin');
    n.hidden = false;
    n.textContent = T().cancelled;
    $('again').focus();
    return;
  }
  showError('done-error', r.status === 409 ? T().notCancellable : r.status === 0 ? T().network : T().failed, r.json?.error?.code);
}

$('centre').addEventListener('change', () => {
  state.centre = $('centre').value || null;
  state.group = null; state.procedure = null; state.slots = null; state.start = null; state.day = null;
  showError('centre-error', '');
  setLookupError(null);
  renderCentres(); renderGroups(); renderDays(); renderWho();
});
$('proc-q').addEventListener('input', renderProcedures);
$('lookup-code').addEventListener('input', () => setLookupError(null));
$('bk').addEventListener('submit', submit);
$('cancel').addEventListener('click', () => { $('cancel-confirm').hidden = false; $('cancel-yes').focus(); });
$('cancel-no').addEventListener('click', () => { $('cancel-confirm').hidden = true; $('cancel').focus(); });
$('cancel-yes').addEventListener('click', cancel);
$('cancel-confirm').addEventListener('keydown', (e) => { if (e.key === 'Escape') { $('cancel-confirm').hidden = true; $('cancel').focus(); } });
$('again').addEventListener('click', async () => {
  state.booking = null; state.start = null; state.notice = '';
  setLookupError(null);
  $('lookup-code').value = '';
  $('lookup').open = false;
  const u = new URL(location.href);
  u.searchParams.delete('ma');
  history.replaceState(null, '', u);
  setState('idle');
  renderBooking();
  await loadSlots();
  $('centre').focus();
});
$('lookup-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  setLookupError(null);
  const code = $('lookup-code').value.trim();
  if (!code) return;
  const r = await openBooking(code);
  if (r.status !== 200) setLookupError(r.status === 0 ? 'network' : 'notFound');
});

(async () => {
  const r = await api('GET', '/api/v1/public/booking/options');
  state.options = r.status === 200 ? r.json : { centres: [], procedures: [] };
  const want = params.get('office');
  if (want && centreOf(want)) state.centre = want;
  else if (state.options.centres.length === 1) state.centre = state.options.centres[0].code;
  render();
  const ma = params.get('ma');
  if (ma) {
    const b = await openBooking(ma);
    if (b.status !== 200) { $('lookup').open = true; $('lookup-code').value = ma; setLookupError(b.status === 0 ? 'network' : 'notFound'); }
  }
  document.body.dataset.ready = '1';
})();
