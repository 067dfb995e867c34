// A ticket's place in line, where the QR code printed on the ticket leads:
// /queue?t=ID. Reads GET /api/v1/public/tickets/{id} every 10 s and says, in
// words a citizen in the hall understands, how many are ahead and how long it
// may take, or which counter is calling the number.
//
// For tests: <body data-state="idle|waiting|called|done|not_found|error">.
import { $, el, api, setupLang, loadOffice } from './citizen.js';
import { params, fmtWait, noCounterOpen, centreClosed, nextOpenText } from './common.js';

const TEXTS = {
  vi: {
    title: 'Số thứ tự của tôi — Bộ phận Một cửa',
    otherLang: 'English',
    otherLangLabel: 'Switch to English',
    pageName: 'Theo dõi số thứ tự',
    refresh: 'Trang tự cập nhật mỗi 10 giây.',
    yourNumber: 'Số thứ tự của ông/bà',
    ahead: (n) => (n === 0 ? 'Ông/bà là người tiếp theo.' : `Còn ${n} người phía trước.`),
    wait: 'Thời gian chờ dự kiến',
    noCounter: 'Chưa có quầy mở. Số của ông/bà vẫn được giữ; xin chờ quầy mở.',
    breakNow: (next) => `Trung tâm đang nghỉ giữa buổi. Số của ông/bà vẫn được giữ. ${next}.`,
    closedNow: (next) => `Trung tâm đã hết giờ làm việc. Số thứ tự chỉ có giá trị trong ngày; xin lấy số mới khi trung tâm mở cửa.${next ? ` ${next}.` : ''}`,
    called: (c) => `Mời ông/bà đến quầy số ${c}.`,
    done: 'Số thứ tự này đã được phục vụ xong. Cảm ơn ông/bà.',
    noShow: 'Số này đã được gọi nhưng ông/bà không có mặt. Xin đến bàn hướng dẫn để được xếp lại.',
    notFound: 'Không tìm thấy số thứ tự này trong ngày hôm nay.',
    network: 'Không kết nối được với máy chủ; trang sẽ thử lại.',
  },
  en: {
    title: 'My queue number — One-stop office',
    otherLang: 'Tiếng Việt',
    otherLangLabel: 'Chuyển sang tiếng Việt',
    pageName: 'Follow your number',
    refresh: 'This page updates every 10 seconds.',
    yourNumber: 'Your number',
    ahead: (n) => (n === 0 ? 'You are next.' : `${n} ${n === 1 ? 'person' : 'people'} ahead of you.`),
    wait: 'Expected wait',
    noCounter: 'No counter is open yet. Your number keeps its place; please wait for a counter to open.',
    breakNow: (next) => `The centre is on its midday break. Your number keeps its place. ${next}.`,
    closedNow: (next) => `The centre is closed for the day. A number is valid for its day only; please take a new one when the centre opens.${next ? ` ${next}.` : ''}`,
    called: (c) => `Please go to counter ${c}.`,
    done: 'This number has been served. Thank you.',
    noShow: 'This number was called but nobody came. Please ask at the help desk to be put back in line.',
    notFound: 'There is no such number today.',
    network: 'Cannot reach the server; the page will try again.',
  },
};

let last = null; // the last answer: {status, json}
// The heading names the ticket's own centre; only when the ticket cannot be
// read is the centre looked up otherwise, once (a province of one centre).
let fallbackTried = false;
const getLang = setupLang(TEXTS, render);

function render() {
  const t = TEXTS[getLang()];
  const box = $('result');
  box.replaceChildren();
  if (last === null) return;
  if (last.status === 404) {
    document.body.dataset.state = 'not_found';
    box.append(el('p', 'big', t.notFound));
    return;
  }
  if (last.status !== 200) {
    document.body.dataset.state = 'error';
    box.append(el('p', null, t.network));
    return;
  }
  const k = last.json;
  // The ticket's own centre heads the page (a province has many).
  if (k.office && k.office.name) $('office-name').textContent = k.office.name;
  box.append(el('p', 'label', t.yourNumber));
  box.append(el('p', 'number', k.label));
  box.append(el('p', null, getLang() === 'en' && k.group_name_en ? k.group_name_en : k.group_name));
  if (k.state === 'waiting') {
    document.body.dataset.state = 'waiting';
    box.append(el('p', 'big', t.ahead(k.people_ahead)));
    // Outside hours (the server's rule, as the kiosk's): a break keeps the
    // number; after the day's last session it is void. No counter open
    // within hours: say so, not a range nobody is serving.
    const next = nextOpenText(k, getLang());
    if (centreClosed(k) && k.hours.reopens_today) box.append(el('p', 'wait closed-now', t.breakNow(next)));
    else if (centreClosed(k)) box.append(el('p', 'wait closed-now', t.closedNow(next)));
    else if (noCounterOpen(k)) box.append(el('p', 'wait no-counter', t.noCounter));
    else box.append(el('p', 'wait', `${t.wait}: ${fmtWait(k.wait, getLang())}`));
  } else if (k.state === 'called') {
    document.body.dataset.state = 'called';
    box.append(el('p', 'big called', t.called(k.counter)));
  } else if (k.state === 'no_show') {
    document.body.dataset.state = 'done';
    box.append(el('p', 'big', t.noShow));
  } else {
    document.body.dataset.state = 'done';
    box.append(el('p', 'big', t.done));
  }
}

async function refresh() {
  const id = params.get('t');
  if (!id || !/^\d{1,18}$/.test(id)) {
    last = { status: 404, json: null };
  } else {
    last = await api('GET', `/api/v1/public/tickets/${id}`);
  }
  render();
  if (last.status !== 200 && !fallbackTried) {
    fallbackTried = true;
    loadOffice(getLang);
  }
}

refresh();
setInterval(refresh, 10000);
document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
