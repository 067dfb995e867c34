// The supervisor's PAKN tab (phản ánh, kiến nghị: citizens' feedback and
// recommendations, docs/api.md "Feedback"): the list with its due and late
// marks and filters (GET /api/v1/feedback), one feedback's detail with its
// steps, notes and the actions its state allows (GET /api/v1/feedback/{code},
// POST …/actions), a form for feedback that came by phone, letter, the box
// or at a counter (POST /api/v1/feedback), and for an office head only the
// anonymous box (box=anonymous) and the conduct counts per official (GET
// /api/v1/feedback/conduct). Also the 766 satisfaction group of the
// indicators view (show766Group). Everything a citizen typed reaches the
// screen through text nodes (h() below), never as markup. Vietnamese, or
// English after the tab's language button (remembered like the other
// screens' choice).
import { fmt, pickLang, remember, randomKey, h, serverNow } from './common.js';

const $ = (id) => document.getElementById(id);

// ---- words ---------------------------------------------------------------

// The server's keys in words (domain/feedback.c has the same).
const CLASSES = {
  vi: { procedure: 'Quy định, thủ tục hành chính', conduct: 'Hành vi, thái độ của cán bộ, công chức',
    dossier: 'Việc giải quyết một hồ sơ', other: 'Nội dung khác' },
  en: { procedure: 'Regulations and procedures', conduct: 'Conduct of officials',
    dossier: 'The handling of a dossier', other: 'Other' },
};
const CHANNELS = {
  vi: { web: 'Trang góp ý trực tuyến', kiosk: 'Máy lấy số tại Trung tâm', hotline: 'Đường dây nóng',
    letter: 'Thư, văn bản', box: 'Hòm thư góp ý', counter: 'Trực tiếp tại quầy' },
  en: { web: 'Online form', kiosk: 'Hall kiosk', hotline: 'Hotline', letter: 'Letter',
    box: 'Feedback box', counter: 'In person at a counter' },
};
// Shorter words for the list's columns.
const CLASSES_SHORT = {
  vi: { procedure: 'Thủ tục', conduct: 'Hành vi cán bộ', dossier: 'Hồ sơ', other: 'Khác' },
  en: { procedure: 'Procedure', conduct: 'Conduct', dossier: 'Dossier', other: 'Other' },
};
const CHANNELS_SHORT = {
  vi: { web: 'Trực tuyến', kiosk: 'Máy lấy số', hotline: 'Điện thoại', letter: 'Thư', box: 'Hòm thư', counter: 'Tại quầy' },
  en: { web: 'Online', kiosk: 'Kiosk', hotline: 'Phone', letter: 'Letter', box: 'Box', counter: 'Counter' },
};
const STATUSES = {
  vi: { received: 'Đã tiếp nhận', accepted: 'Đang xử lý', rejected: 'Không tiếp nhận',
    forwarded: 'Đã chuyển cơ quan có thẩm quyền', info_requested: 'Chờ người gửi bổ sung thông tin',
    info_received: 'Đã nhận thông tin bổ sung', answered: 'Đã trả lời',
    published: 'Đã trả lời và công khai', closed: 'Đã kết thúc' },
  en: { received: 'Received', accepted: 'Being handled', rejected: 'Not accepted',
    forwarded: 'Forwarded to the competent agency', info_requested: 'Waiting for more information',
    info_received: 'More information received', answered: 'Answered',
    published: 'Answered and published', closed: 'Closed' },
};
// The clocked steps (domain/feedback.h) and their verdicts.
const STEPS = {
  vi: { reject: 'Trả lời không tiếp nhận', forward: 'Chuyển cơ quan có thẩm quyền',
    info: 'Yêu cầu bổ sung thông tin lần đầu', answer: 'Trả lời', publish: 'Công khai kết quả' },
  en: { reject: 'Rejection', forward: 'Forward to the competent agency',
    info: 'First request for information', answer: 'Answer', publish: 'Publication' },
};
const VERDICTS = {
  vi: { on_time: 'Đúng hạn', late: 'Quá hạn', overdue: 'Quá hạn, chưa thực hiện', pending: 'Chưa đến hạn' },
  en: { on_time: 'On time', late: 'Late', overdue: 'Overdue, not done', pending: 'Not yet due' },
};
// A step not taken yet whose limit has passed but which may never be taken
// (rejecting, forwarding a feedback still unclassified).
const PAST = { vi: 'Đã qua hạn', en: 'Past its limit' };
// The notes' and history's steps (feedback_notes.step, events "feedback.<step>").
const NOTE_STEPS = {
  vi: { create: 'Tiếp nhận', received: 'Tiếp nhận', classify: 'Phân loại', accept: 'Tiếp nhận xử lý',
    reject: 'Không tiếp nhận', forward: 'Chuyển cơ quan có thẩm quyền', assign: 'Giao xử lý',
    request_info: 'Yêu cầu bổ sung thông tin', info_request: 'Yêu cầu bổ sung thông tin',
    reply: 'Người gửi bổ sung thông tin', info_reply: 'Người gửi bổ sung thông tin',
    answer: 'Trả lời đã duyệt', answer_draft: 'Dự thảo trả lời', approve: 'Duyệt trả lời', publish: 'Công khai', close: 'Kết thúc',
    link_repeat: 'Phản ánh lặp lại', reaction: 'Người gửi đánh giá', react: 'Người gửi đánh giá',
    set_subject: 'Ghi cán bộ bị phản ánh' },
  en: { create: 'Received', received: 'Received', classify: 'Classified', accept: 'Accepted',
    reject: 'Not accepted', forward: 'Forwarded', assign: 'Assigned',
    request_info: 'Information requested', info_request: 'Information requested',
    reply: 'Sender added information', info_reply: 'Sender added information',
    answer: 'Approved answer', answer_draft: 'Draft answer', approve: 'Answer approved', publish: 'Published', close: 'Closed',
    link_repeat: 'Repeated feedback', reaction: 'Sender reacted', react: 'Sender reacted',
    set_subject: 'Official concerned set' },
};

// The events' steps where they differ from the notes' ("answer" is the
// draft's event, the approved answer's note).
const EVENT_STEPS = { vi: { ...NOTE_STEPS.vi, answer: 'Dự thảo trả lời' }, en: { ...NOTE_STEPS.en, answer: 'Draft answer' } };
// The note each event writes (feedback_flow.c).
const EVENT_NOTE = { classify: ['accept', 'reject', 'forward'], request_info: ['info_request'], answer: ['answer_draft'],
  approve: ['answer'], close: ['close'], link_repeat: ['link_repeat'], info_reply: ['info_reply'], assign: ['assign'],
  set_subject: ['set_subject'] };

const T = {
  vi: {
    tabMain: 'Hồ sơ và chỉ số', tabFb: 'Phản ánh, kiến nghị', tabs: 'Trang giám sát',
    title: 'Phản ánh, kiến nghị của người dân', otherLang: 'English', otherLangLabel: 'Switch to English',
    newOpen: 'Nhập phản ánh nhận qua điện thoại, thư, hòm thư',
    boxPakn: 'Phản ánh, kiến nghị', boxAnon: 'Tin báo không rõ danh tính', box: 'Hòm',
    fStatus: 'Trạng thái', fClass: 'Phân loại', fOffice: 'Đơn vị', fChannel: 'Kênh', fOfficial: 'Cán bộ bị phản ánh',
    fLate: 'Chỉ quá hạn', all: 'Tất cả', filter: 'Lọc',
    hint: 'Hạn là hạn của bước tiếp theo (ngày làm việc theo lịch của đơn vị). «Sắp đến hạn»: còn dưới 2 ngày.',
    hintAnon: 'Tin báo không có họ tên, địa chỉ người gửi: không tính thời hạn PAKN, chỉ trưởng đơn vị xem và kết thúc sau khi kiểm tra.',
    cCode: 'Mã', cClass: 'Phân loại', cChannel: 'Kênh', cReceived: 'Ngày nhận', cStatus: 'Trạng thái',
    cDue: 'Hạn', cMark: 'Theo dõi', cAssigned: 'Người xử lý', cOffice: 'Đơn vị',
    late: 'Quá hạn', soon: 'Sắp đến hạn', none: 'Không có phản ánh nào.', prev: 'Trang trước', next: 'Trang sau',
    page: (p, n, t, anon) => `Trang ${p}/${n} · ${t} ${anon ? 'tin báo' : 'phản ánh'}`,
    pick: 'Chọn một phản ánh trong danh sách để xem chi tiết.',
    dText: 'Nội dung', dSender: 'Người gửi', dSenderHidden: 'Thông tin người gửi được ẩn với cán bộ bị phản ánh.',
    dAnon: 'Không rõ danh tính', dName: 'Họ và tên', dAddress: 'Địa chỉ', dPhone: 'Điện thoại', dEmail: 'Thư điện tử',
    dFiles: 'Tệp đính kèm', dSteps: 'Các bước và thời hạn', dStep: 'Bước', dDue: 'Hạn', dDone: 'Thực hiện lúc',
    dVerdict: 'Kết quả', dNotes: 'Diễn biến', dActions: 'Xử lý', dNoAction: 'Không còn thao tác nào ở trạng thái này.',
    dReceived: 'Ngày nhận', dChannel: 'Kênh', dClass: 'Phân loại', dOffice: 'Đơn vị', dAssigned: 'Người xử lý',
    dDossier: 'Hồ sơ', dSubject: 'Cán bộ, quầy bị phản ánh', dCounter: (n) => `Quầy ${n}`,
    dDraft: 'Dự thảo trả lời', dAnswer: 'Trả lời', dQuestion: 'Câu hỏi công khai', dForwardTo: 'Chuyển đến',
    dRepeat: 'Lặp lại phản ánh', dReaction: 'Người gửi đánh giá', satisfied: 'Hài lòng', not_satisfied: 'Không hài lòng',
    dEnteredBy: 'Người nhập', internal: 'nội bộ', publicNote: 'người gửi xem được',
    aClassify: 'Phân loại', aAccept: 'Tiếp nhận xử lý', aReject: 'Không tiếp nhận', aForward: 'Chuyển cơ quan có thẩm quyền',
    aReason: 'Lý do (người gửi sẽ đọc được)', aAgency: 'Cơ quan nhận', aDo: 'Ghi phân loại',
    aAssign: 'Giao xử lý', aAssignTo: 'Giao cho', aAssignDo: 'Giao',
    aInfo: 'Yêu cầu người gửi bổ sung thông tin', aInfoText: 'Nội dung cần bổ sung', aInfoDo: 'Gửi yêu cầu',
    aAnswer: 'Dự thảo trả lời', aAnswerDo: 'Lưu dự thảo',
    aApprove: 'Duyệt trả lời (trưởng đơn vị)', aApproveText: 'Nội dung trả lời', aApproveDo: 'Duyệt và trả lời',
    aPublish: 'Công khai trả lời', aPublishText: 'Câu hỏi công khai, do cán bộ viết lại (không ghi họ tên, số điện thoại, thư điện tử hay địa chỉ của người gửi)', aPublishDo: 'Công khai',
    aPublicAnswer: 'Câu trả lời công khai',
    aPublicAnswerHint: 'Bỏ họ tên, địa chỉ, số điện thoại của người gửi (như lời chào «Kính gửi bà …»); người gửi vẫn giữ câu trả lời đã nhận.',
    errPersonal: { question: 'Câu hỏi công khai còn họ tên, số điện thoại hoặc thư điện tử của người gửi: hãy bỏ đi rồi công khai lại.',
      answer: 'Câu trả lời công khai còn họ tên, số điện thoại hoặc thư điện tử của người gửi: hãy bỏ đi (kể cả lời chào «Kính gửi …») rồi công khai lại.' },
    dPublicAnswer: 'Câu trả lời đã công khai',
    aSubject: 'Cán bộ bị phản ánh', aSubjectWho: 'Cán bộ', aSubjectNone: 'không xác định', aSubjectDo: 'Ghi cán bộ bị phản ánh',
    aClose: 'Kết thúc xử lý', aCloseNote: 'Kết quả kiểm tra', aCloseDo: 'Kết thúc',
    aRepeat: 'Phản ánh lặp lại', aRepeatOf: 'Lặp lại phản ánh có mã', aRepeatDo: 'Ghi nhận lặp lại',
    done: 'Đã lưu.', chooseUser: '— chọn người —',
    nTitle: 'Nhập phản ánh, kiến nghị', nChannel: 'Nhận qua', nClass: 'Phân loại', nText: 'Nội dung phản ánh',
    nOffice: 'Đơn vị tiếp nhận', nDossier: 'Mã hồ sơ liên quan (nếu có)', nCounter: 'Số quầy bị phản ánh (nếu có)',
    nSubject: 'Tên cán bộ bị phản ánh (nếu có)', nSender: 'Người gửi', nAnon: 'Người gửi không cho biết danh tính (tin báo không rõ danh tính)',
    nSave: 'Ghi nhận', nCancel: 'Đóng', nDone: (c, s) => `Đã ghi nhận phản ánh ${c}. Mã bí mật để người gửi tra cứu: ${s}`,
    nDoneAnon: (c) => `Đã ghi nhận tin báo ${c}.`,
    conduct: 'Phản ánh về hành vi, thái độ theo cán bộ', conductHint: (a, b) => `Trong kỳ ${a} – ${b} (chọn kỳ ở thanh trên).`,
    kOfficial: 'Cán bộ', kOffice: 'Đơn vị', kPakn: 'Phản ánh, kiến nghị', kAnon: 'Tin báo không rõ danh tính', kTotal: 'Cộng',
    kNone: 'Không có phản ánh nào về cán bộ trong kỳ.',
    errLoad: 'Không tải được dữ liệu', errDetail: 'Chi tiết lỗi',
  },
  en: {
    tabMain: 'Dossiers and indicators', tabFb: 'Citizens\u2019 feedback', tabs: 'Supervisor page',
    title: 'Citizens\u2019 feedback and recommendations', otherLang: 'Tiếng Việt', otherLangLabel: 'Chuyển sang tiếng Việt',
    newOpen: 'Enter feedback received by phone, letter or the box',
    boxPakn: 'Feedback', boxAnon: 'Anonymous reports', box: 'Box',
    fStatus: 'Status', fClass: 'Class', fOffice: 'Unit', fChannel: 'Channel', fOfficial: 'Official concerned',
    fLate: 'Late only', all: 'All', filter: 'Filter',
    hint: 'The due date is the next step\u2019s (working days on the unit\u2019s calendar). \u201cDue soon\u201d: less than 2 days left.',
    hintAnon: 'Reports without a sender\u2019s name and address: no feedback deadlines; only the office head reads them and closes them once checked.',
    cCode: 'Code', cClass: 'Class', cChannel: 'Channel', cReceived: 'Received', cStatus: 'Status',
    cDue: 'Due', cMark: 'Watch', cAssigned: 'Handled by', cOffice: 'Unit',
    late: 'Late', soon: 'Due soon', none: 'No feedback.', prev: 'Previous page', next: 'Next page',
    page: (p, n, t, anon) => `Page ${p}/${n} · ${t} ${anon ? 'reports' : 'items'}`,
    pick: 'Choose a feedback in the list to see it.',
    dText: 'Text', dSender: 'Sender', dSenderHidden: 'The sender is hidden from the official concerned.',
    dAnon: 'Anonymous', dName: 'Full name', dAddress: 'Address', dPhone: 'Phone', dEmail: 'E-mail',
    dFiles: 'Attachments', dSteps: 'Steps and deadlines', dStep: 'Step', dDue: 'Due', dDone: 'Done at',
    dVerdict: 'Result', dNotes: 'History', dActions: 'Handling', dNoAction: 'No action left in this state.',
    dReceived: 'Received', dChannel: 'Channel', dClass: 'Class', dOffice: 'Unit', dAssigned: 'Handled by',
    dDossier: 'Dossier', dSubject: 'Official or counter concerned', dCounter: (n) => `Counter ${n}`,
    dDraft: 'Draft answer', dAnswer: 'Answer', dQuestion: 'Published question', dForwardTo: 'Forwarded to',
    dRepeat: 'Repeats feedback', dReaction: 'Sender\u2019s reaction', satisfied: 'Satisfied', not_satisfied: 'Not satisfied',
    dEnteredBy: 'Entered by', internal: 'internal', publicNote: 'visible to the sender',
    aClassify: 'Classify', aAccept: 'Accept for handling', aReject: 'Do not accept', aForward: 'Forward to the competent agency',
    aReason: 'Reason (the sender reads it)', aAgency: 'Receiving agency', aDo: 'Save the classification',
    aAssign: 'Assign', aAssignTo: 'Assign to', aAssignDo: 'Assign',
    aInfo: 'Ask the sender for more information', aInfoText: 'What is needed', aInfoDo: 'Send the request',
    aAnswer: 'Draft answer', aAnswerDo: 'Save the draft',
    aApprove: 'Approve the answer (office head)', aApproveText: 'Answer', aApproveDo: 'Approve and answer',
    aPublish: 'Publish the answer', aPublishText: 'Published question, written by staff (no name, phone, e-mail or address of the sender)', aPublishDo: 'Publish',
    aPublicAnswer: 'Published answer',
    aPublicAnswerHint: 'Remove the sender\u2019s name, address and phone (such as the greeting \u201cKính gửi bà …\u201d); the sender keeps the answer she received.',
    errPersonal: { question: 'The published question still holds the sender\u2019s name, phone or e-mail: remove them and publish again.',
      answer: 'The published answer still holds the sender\u2019s name, phone or e-mail: remove them (the greeting too) and publish again.' },
    dPublicAnswer: 'Published answer',
    aSubject: 'Official concerned', aSubjectWho: 'Official', aSubjectNone: 'not known', aSubjectDo: 'Save the official concerned',
    aClose: 'Close', aCloseNote: 'Result of the check', aCloseDo: 'Close',
    aRepeat: 'Repeated feedback', aRepeatOf: 'Repeats the feedback coded', aRepeatDo: 'Mark as repeated',
    done: 'Saved.', chooseUser: '— choose —',
    nTitle: 'Enter feedback', nChannel: 'Received by', nClass: 'Class', nText: 'Feedback text',
    nOffice: 'Receiving unit', nDossier: 'Related dossier code (if any)', nCounter: 'Counter concerned (if any)',
    nSubject: 'Official concerned (if any)', nSender: 'Sender', nAnon: 'The sender gives no identity (anonymous report)',
    nSave: 'Save', nCancel: 'Close', nDone: (c, s) => `Feedback ${c} recorded. The sender\u2019s secret for look-ups: ${s}`,
    nDoneAnon: (c) => `Report ${c} recorded.`,
    conduct: 'Conduct reports per official', conductHint: (a, b) => `Period ${a} – ${b} (chosen in the top bar).`,
    kOfficial: 'Official', kOffice: 'Unit', kPakn: 'Feedback', kAnon: 'Anonymous reports', kTotal: 'Total',
    kNone: 'No report about an official in the period.',
    errLoad: 'Could not load the data', errDetail: 'Details',
  },
};

// ---- state -----------------------------------------------------------------

// The tab's state; one page, one owner (this module).
const st = {
  lang: pickLang(), session: null, head: false, offices: [], users: [], officeName: (c) => c,
  onUnauthorized: () => {}, box: 'pakn', page: 1, open: null, now: null, lastInd: null, mounted: false,
};
const w = () => T[st.lang];
const words = (table, key) => table[st.lang][key] ?? table.vi[key] ?? '—';
const f = () => fmt(st.lang);
const DUE_SOON = 2 * 86400;

const options = (map, all) => [all ? h('option', { value: '' }, all) : null,
  ...Object.entries(map).map(([k, v]) => h('option', { value: k }, v))];

// A request: JSON in and out, an Idempotency-Key on every POST. Throws an
// Error carrying the server's code, field and message in the tab's language.
async function api(path, body) {
  const opts = { credentials: 'same-origin' };
  if (body) {
    opts.method = 'POST';
    opts.headers = { 'Content-Type': 'application/json', 'Idempotency-Key': randomKey() };
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(path, opts);
  if (r.status === 401) { st.onUnauthorized(); throw new Error('unauthorized'); }
  const j = await r.json().catch(() => null);
  if (!r.ok) {
    const e = new Error((st.lang === 'en' ? j?.error?.message_en : j?.error?.message) ?? w().errLoad);
    e.code = j?.error?.code ?? `http_${r.status}`;
    e.field = j?.error?.field;
    throw e;
  }
  return j;
}

// An error as a line in words with the machine code in a small details line.
function errorBox(e) {
  return h('div', { className: 'fb-error', role: 'alert' }, h('span', {}, e.message),
    e.code ? h('small', { className: 'fb-code' }, `${w().errDetail}: ${e.code}`) : null);
}

async function allUsers() {
  const items = [];
  for (let offset = 0; offset < 5000; offset += 500) {
    const j = await api(`/api/v1/users?limit=500&offset=${offset}`);
    items.push(...j.items);
    if (items.length >= j.total || j.items.length === 0) break;
  }
  return items;
}

// ---- the tab bar ----------------------------------------------------------

function showTab(which) {
  const fb = which === 'feedback';
  $('main').classList.toggle('fb-tab', fb);
  $('tab-main').setAttribute('aria-selected', String(!fb));
  $('tab-fb').setAttribute('aria-selected', String(fb));
  $('tab-main').tabIndex = fb ? -1 : 0;
  $('tab-fb').tabIndex = fb ? 0 : -1;
  $('fb-panel').hidden = !fb;
  if (fb && !st.listed) { st.listed = true; loadList(); loadConduct(); }
}

function wireTabs() {
  $('tab-main').addEventListener('click', () => showTab('main'));
  $('tab-fb').addEventListener('click', () => showTab('feedback'));
  // Arrow keys move between the tabs (the tablist pattern), the shown ones
  // (the messages tab, supervisor-notify.js, may follow).
  $('sup-tabs').addEventListener('keydown', (e) => {
    if (!['ArrowLeft', 'ArrowRight'].includes(e.key)) return;
    const all = [...$('sup-tabs').querySelectorAll('[role=tab]')].filter((b) => !b.hidden);
    const i = all.indexOf(document.activeElement);
    const next = all[(i + (e.key === 'ArrowRight' ? 1 : all.length - 1)) % all.length];
    next.focus();
    next.click();
    e.preventDefault();
  });
}

// ---- the panel -------------------------------------------------------------

function units() {
  const own = st.session?.office?.code;
  const below = (code) => {
    const parent = new Map(st.offices.map((o) => [o.code, o.parent]));
    for (let c = code, n = 0; c && n < 64; c = parent.get(c), n++) if (c === own) return true;
    return !own;
  };
  return st.offices.filter((o) => ['centre', 'point', 'authority'].includes(o.kind) || (!o.kind && o.code))
    .filter((o) => below(o.code)).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}
const centres = () => {
  const u = units().filter((o) => o.kind === 'centre' || o.kind === 'point');
  return u.length ? u : units();
};
// Whether an account of office `own` reads a feedback of office `code`: its
// office is that one or above it (the server's rule for an assignee,
// assignee_out_of_scope otherwise); an account of no office reads all.
function covers(own, code) {
  if (!own) return true;
  const parent = new Map(st.offices.map((o) => [o.code, o.parent]));
  for (let c = code, n = 0; c && n < 64; c = parent.get(c), n++) if (c === own) return true;
  return false;
}
// The officials one may name or assign: active staff in scope.
const staff = () => st.users.filter((u) => u.active !== false && ['counter', 'specialist', 'supervisor'].includes(u.role))
  .sort((a, b) => (a.full_name ?? a.username).localeCompare(b.full_name ?? b.username, 'vi'));

function renderPanel() {
  const t = w();
  const panel = $('fb-panel');
  panel.lang = st.lang;
  $('tab-main').textContent = t.tabMain;
  $('tab-fb').textContent = t.tabFb;
  $('sup-tabs').setAttribute('aria-label', t.tabs);
  const sel = (id, label, kids) => h('label', {}, label, h('select', { id }, kids));
  const head = h('div', { className: 'fb-head' },
    h('h2', { id: 'fb-title' }, t.title),
    h('div', { className: 'fb-tools' },
      h('button', { type: 'button', id: 'fb-new-open', className: 'fb-primary', on: { click: openNew } }, t.newOpen),
      h('button', { type: 'button', id: 'fb-lang', lang: st.lang === 'vi' ? 'en' : 'vi', 'aria-label': t.otherLangLabel,
        on: { click: switchLang } }, t.otherLang)));
  const filters = h('form', { id: 'fb-filters', className: 'fb-filters' },
    st.head ? sel('fb-box', t.box, [h('option', { value: 'pakn' }, t.boxPakn), h('option', { value: 'anonymous' }, t.boxAnon)]) : null,
    sel('fb-status', t.fStatus, options(STATUSES[st.lang], t.all)),
    sel('fb-class', t.fClass, options(CLASSES[st.lang], t.all)),
    units().length > 1 ? sel('fb-office', t.fOffice, [h('option', { value: '' }, t.all),
      ...units().map((o) => h('option', { value: o.code }, o.name))]) : null,
    sel('fb-channel', t.fChannel, options(CHANNELS[st.lang], t.all)),
    sel('fb-official', t.fOfficial, [h('option', { value: '' }, t.all),
      ...staff().map((u) => h('option', { value: String(u.id) }, u.full_name ?? u.username))]),
    h('label', { className: 'fb-check' }, h('input', { type: 'checkbox', id: 'fb-late' }), t.fLate),
    h('button', { type: 'submit' }, t.filter));
  filters.addEventListener('submit', (e) => { e.preventDefault(); st.page = 1; loadList(); });
  const list = h('div', { className: 'fb-listbox' },
    h('p', { className: 'hint', id: 'fb-hint' }, st.box === 'anonymous' ? t.hintAnon : t.hint),
    h('div', { className: 'scroll' }, h('table', { className: 'list', id: 'fb-list' },
      h('thead', {}, h('tr', {}, [t.cCode, t.cClass, t.cChannel, t.cReceived, t.cStatus, t.cDue, t.cAssigned]
        .map((c) => h('th', { scope: 'col' }, c)))), h('tbody'))),
    h('div', { className: 'fb-pager' },
      h('button', { type: 'button', id: 'fb-prev', on: { click: () => { st.page--; loadList(); } } }, t.prev),
      h('span', { id: 'fb-pageinfo' }),
      h('button', { type: 'button', id: 'fb-next', on: { click: () => { st.page++; loadList(); } } }, t.next)));
  const detail = h('div', { id: 'fb-detail', className: 'fb-detail', 'aria-live': 'polite' }, h('p', { className: 'hint' }, t.pick));
  const conduct = st.head ? h('div', { id: 'fb-conduct-box', className: 'fb-conduct' },
    h('h3', {}, t.conduct), h('p', { className: 'hint', id: 'fb-conduct-hint' }),
    h('div', { className: 'scroll' }, h('table', { className: 'list', id: 'fb-conduct' },
      h('thead', {}, h('tr', {}, [t.kOfficial, t.kOffice, t.kPakn, t.kAnon, t.kTotal].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody')))) : null;
  panel.replaceChildren(...[head, filters, h('div', { className: 'fb-split' }, list, detail), conduct, newDialog()].filter(Boolean));
  if (st.head) $('fb-box').value = st.box;
  // Another box: its own list, and the detail pane empty again.
  $('fb-box')?.addEventListener('change', () => {
    st.box = $('fb-box').value;
    st.page = 1;
    st.open = null;
    $('fb-hint').textContent = st.box === 'anonymous' ? w().hintAnon : w().hint;
    $('fb-detail').replaceChildren(h('p', { className: 'hint' }, w().pick));
    loadList();
  });
}

function switchLang() {
  st.lang = st.lang === 'vi' ? 'en' : 'vi';
  remember('lang', st.lang);
  const keep = { box: st.box, open: st.open };
  renderPanel();
  st.box = keep.box;
  if ($('fb-box')) $('fb-box').value = st.box;
  loadList();
  loadConduct();
  if (keep.open) openDetail(keep.open, false);
  $('fb-lang').focus();
}

// ---- the list ----------------------------------------------------------------

function query() {
  const q = new URLSearchParams();
  if (st.box === 'anonymous') q.set('box', 'anonymous');
  for (const [k, id] of [['status', 'fb-status'], ['class', 'fb-class'], ['office', 'fb-office'],
    ['channel', 'fb-channel'], ['official', 'fb-official']]) {
    const v = $(id)?.value;
    if (v) q.set(k, v);
  }
  if ($('fb-late')?.checked) q.set('late', '1');
  q.set('page', String(st.page));
  return q.toString();
}

// A row's marks: "Quá hạn" (with the late steps), or "Sắp đến hạn" when
// the next due is less than DUE_SOON away.
function marks(x) {
  if (x.late) {
    const steps = (x.late_steps ?? []).map((s) => words(STEPS, s)).join(', ');
    return h('span', { className: 'fb-mark fb-late', title: steps || null }, w().late, steps ? h('small', {}, ` (${steps})`) : null);
  }
  const soon = x.due_soon ?? (x.next_due_at && st.now && x.next_due_at - st.now <= DUE_SOON && x.next_due_at >= st.now);
  return soon ? h('span', { className: 'fb-mark fb-soon' }, w().soon) : '';
}

// A staff actor ("user:7") by full name from the users list, else nothing.
function actorName(actor) {
  const m = /^user:(\d+)$/.exec(actor ?? '');
  const u = m && st.users.find((x) => x.id === Number(m[1]));
  return u ? u.full_name ?? u.username : null;
}

function personOf(p) {
  if (!p) return '';
  if (typeof p === 'string') return p;
  return p.full_name ?? p.name ?? p.username ?? '';
}

async function loadList() {
  if (!$('fb-list')) return;
  const body = $('fb-list').tBodies[0];
  try {
    const [page, now] = await Promise.all([api(`/api/v1/feedback?${query()}`), serverNow()]);
    st.now = page.now ?? now;
    const rows = (page.items ?? []).map((x) => h('tr', { className: x.late ? 'late' : '', 'data-fb': x.code },
      h('td', {}, h('button', { type: 'button', className: 'fb-open', 'aria-pressed': String(st.open === x.code),
        on: { click: () => openDetail(x.code) } }, x.code)),
      h('td', { title: words(CLASSES, x.class) }, words(CLASSES_SHORT, x.class)),
      h('td', { title: words(CHANNELS, x.channel) }, words(CHANNELS_SHORT, x.channel)),
      h('td', { className: 'n' }, f().date(x.received_at)),
      h('td', {}, words(STATUSES, x.status)),
      h('td', { className: 'fb-due' }, h('span', { className: 'n' }, x.next_due_at ? f().date(x.next_due_at) : '—'), ' ', marks(x)),
      h('td', {}, personOf(x.assigned) || '—')));
    body.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colSpan: 7 }, w().none))]));
    const size = page.page_size || rows.length || 1;
    const pages = Math.max(1, Math.ceil((page.total ?? rows.length) / size));
    $('fb-pageinfo').textContent = w().page(f().count(st.page), f().count(pages), f().count(page.total ?? rows.length), st.box === 'anonymous');
    $('fb-prev').disabled = st.page <= 1;
    $('fb-next').disabled = st.page >= pages;
    $('fb-panel').dataset.listed = String(Number($('fb-panel').dataset.listed ?? 0) + 1);
  } catch (e) {
    body.replaceChildren(h('tr', {}, h('td', { colSpan: 7 }, errorBox(e))));
  }
}

// ---- the detail --------------------------------------------------------------

// Each clocked step as [step, {result, due_at, done_at}], whichever shape
// the server gives: {"steps":[{"step",…}]}, an array, or keyed by step.
function timingSteps(d) {
  const t = d.timing ?? d.steps_timing ?? null;
  const arr = Array.isArray(t) ? t : Array.isArray(t?.steps) ? t.steps : null;
  if (arr) return arr.map((s) => [s.step, s]);
  if (t && typeof t === 'object') {
    return Object.keys(STEPS.vi).filter((k) => t[k]).map((k) => [k, typeof t[k] === 'string' ? { result: t[k] } : t[k]]);
  }
  return [];
}

const field = (label, value) => (value === null || value === undefined || value === '' ? null
  : h('div', { className: 'fb-field' }, h('dt', {}, label), h('dd', {}, value)));

function senderBlock(d) {
  const t = w();
  if (d.kind === 'anonymous') return field(t.dSender, t.dAnon);
  if (d.sender_hidden) return field(t.dSender, h('i', {}, t.dSenderHidden));
  const s = d.sender ?? { name: d.sender_name, address: d.sender_address, phone: d.sender_phone, email: d.sender_email };
  if (!s || !(s.name || s.address || s.phone || s.email)) return null;
  return h('div', { className: 'fb-field' }, h('dt', {}, t.dSender), h('dd', {}, h('dl', { className: 'fb-sender' },
    field(t.dName, s.name), field(t.dAddress, s.address), field(t.dPhone, s.phone), field(t.dEmail, s.email))));
}

function filesBlock(d) {
  const files = d.files ?? d.attachments ?? [];
  if (!files.length) return null;
  return field(w().dFiles, h('ul', { className: 'fb-files' }, files.map((x, i) => {
    const n = x.n ?? i + 1;
    const kb = x.size / 1024;
    const size = x.size ? ` (${f().number(kb, kb < 10 ? 1 : 0)} KB)` : '';
    return h('li', {}, h('a', { href: `/api/v1/feedback/${encodeURIComponent(d.code)}/files/${n}`, download: '' }, `${x.name ?? n}${size}`));
  })));
}

function stepsBlock(d) {
  const t = w();
  const rows = timingSteps(d).filter(([, s]) => s && (s.result ?? s.verdict) && (s.result ?? s.verdict) !== 'none')
    .map(([k, s]) => {
      const v = s.result ?? s.verdict;
      return h('tr', { className: ['late', 'overdue'].includes(v) ? 'late' : '' },
        h('td', {}, words(STEPS, k)), h('td', { className: 'n' }, f().date(s.due_at ?? s.due)),
        h('td', { className: 'n' }, s.done_at ? f().dateTime(s.done_at) : '—'),
        h('td', { className: `fb-verdict v-${v}` }, words(VERDICTS, v)));
    });
  // While unclassified, the limits of rejecting (2 days) and forwarding
  // (5 days) too: their clocks have no verdict until one is chosen.
  const shown = new Set(timingSteps(d).filter(([, s]) => s && (s.result ?? s.verdict) && (s.result ?? s.verdict) !== 'none').map(([k]) => k));
  if (d.status === 'received' && d.kind !== 'anonymous') {
    for (const k of ['forward', 'reject']) {
      const due = d.dues?.[k];
      if (!due || shown.has(k)) continue;
      const past = (st.now ?? Date.now() / 1000) > due;
      rows.unshift(h('tr', { 'data-step': k }, h('td', {}, words(STEPS, k)), h('td', { className: 'n' }, f().date(due)),
        h('td', { className: 'n' }, '—'), h('td', { className: `fb-verdict v-${past ? 'past' : 'pending'}` },
          past ? PAST[st.lang] : words(VERDICTS, 'pending'))));
    }
  }
  if (!rows.length) return null;
  return h('div', {}, h('h4', {}, t.dSteps), h('div', { className: 'scroll' }, h('table', { className: 'list fb-steps' },
    h('thead', {}, h('tr', {}, [t.dStep, t.dDue, t.dDone, t.dVerdict].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows))));
}

// The history: each event of the feedback (who, when, which step), with
// the text of the note written in the same step under it; a note without
// its event (the sender's reply) on a line of its own.
function notesBlock(d) {
  const t = w();
  const notes = (d.notes ?? []).map((n) => ({ ...n, used: false }));
  const lines = (d.events ?? []).map((e) => {
    const step = String(e.action ?? '').replace(/^feedback\./, '');
    const status = e.details?.status;
    const decided = { accepted: 'accept', rejected: 'reject', forwarded: 'forward' }[status];
    const label = step === 'classify' && decided ? `${words(EVENT_STEPS, step)}: ${words(EVENT_STEPS, decided)}` : words(EVENT_STEPS, step);
    const note = notes.find((n) => !n.used && n.at === e.at && n.actor === e.actor && (EVENT_NOTE[step] ?? []).includes(n.step));
    if (note) note.used = true;
    return { at: e.at, label, who: e.actor_name ?? '', text: note?.text, pub: note?.public };
  });
  for (const n of notes.filter((x) => !x.used)) {
    lines.push({ at: n.at, label: words(NOTE_STEPS, n.step), who: n.actor_name ?? '', text: n.text, pub: n.public });
  }
  lines.sort((a, b) => a.at - b.at);
  if (!lines.length) return null;
  return h('div', {}, h('h4', {}, t.dNotes), h('ol', { className: 'fb-notes' }, lines.map((n) => h('li', {},
    h('span', { className: 'fb-when' }, f().dateTime(n.at)), ' · ', h('b', {}, n.label),
    n.who ? ` · ${n.who}` : '', n.text && n.pub !== undefined ? h('small', {}, ` (${n.pub ? t.publicNote : t.internal})`) : '',
    n.text ? h('div', { className: 'fb-text' }, n.text) : null))));
}

async function openDetail(code, focus = true) {
  st.open = code;
  for (const b of document.querySelectorAll('#fb-list .fb-open')) b.setAttribute('aria-pressed', String(b.textContent === code));
  const box = $('fb-detail');
  let d;
  try {
    d = await api(`/api/v1/feedback/${encodeURIComponent(code)}`);
  } catch (e) {
    box.replaceChildren(errorBox(e));
    return;
  }
  d = d.feedback ?? d;
  renderDetail(d);
  if (focus) $('fb-detail-title')?.focus();
}

function renderDetail(d) {
  const t = w();
  const subj = [d.subject?.counter_no ? t.dCounter(d.subject.counter_no) : null,
    d.subject?.name, personOf(d.subject?.user)].filter(Boolean).join(' · ');
  const dossier = d.dossier?.code ?? d.dossier ?? null;
  const repeat = d.repeat_of?.code ?? d.repeat_of ?? null;
  const reaction = d.reaction ? t[d.reaction] ?? null : null;
  $('fb-detail').replaceChildren(
    h('h3', { id: 'fb-detail-title', tabIndex: -1 }, `${d.code} — ${words(STATUSES, d.status)}`),
    h('p', { className: 'fb-marks' }, marks(d)),
    h('dl', { className: 'fb-fields' },
      field(t.dClass, words(CLASSES, d.class)), field(t.dChannel, words(CHANNELS, d.channel)),
      field(t.dReceived, f().dateTime(d.received_at)),
      field(t.dOffice, d.office?.name ?? st.officeName(d.office?.code ?? d.office)),
      field(t.dAssigned, personOf(d.assigned) || null),
      field(t.dEnteredBy, actorName(d.entered_by)),
      field(t.dDossier, dossier), field(t.dSubject, subj || null),
      field(t.dText, h('div', { className: 'fb-text' }, d.text ?? '')),
      senderBlock(d), filesBlock(d),
      field(t.dForwardTo, d.forwarded_to ?? null),
      field(t.dDraft, d.answer_draft && !d.answer ? h('div', { className: 'fb-text' }, d.answer_draft) : null),
      field(t.dAnswer, d.answer ? h('div', { className: 'fb-text' }, d.answer) : null),
      field(t.dQuestion, d.public_question ? h('div', { className: 'fb-text' }, d.public_question) : null),
      field(t.dPublicAnswer, d.public_answer ? h('div', { className: 'fb-text' }, d.public_answer) : null),
      field(t.dRepeat, repeat), field(t.dReaction, reaction)),
    ...[stepsBlock(d), notesBlock(d), actionsBlock(d)].filter(Boolean));
}

// ---- the actions ---------------------------------------------------------------

// One action's small form: its fields, then a button; on success the
// detail and the list are read again, and the form says "Đã lưu.".
// onError(err), when given, may show a refusal itself (beside the field the
// server names) and returns true when it did.
function actionForm(d, id, title, fields, label, build, onError) {
  const msg = h('div', { className: 'fb-msg', 'aria-live': 'polite' });
  const form = h('form', { className: 'fb-action', id: `fb-act-${id}` }, h('h5', {}, title), ...fields,
    h('button', { type: 'submit' }, label), msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = build();
    if (!body) return;
    msg.replaceChildren();
    const btn = form.querySelector('button[type="submit"]');
    btn.disabled = true;
    try {
      const r = await api(`/api/v1/feedback/${encodeURIComponent(d.code)}/actions`, body);
      const next = r?.feedback ?? r;
      if (next?.code) renderDetail(next); else await openDetail(d.code, false);
      $('fb-detail-title')?.focus();
      $('fb-detail').prepend(h('p', { className: 'fb-ok', role: 'status' }, w().done));
      loadList();
    } catch (err) {
      btn.disabled = false;
      if (!onError?.(err)) msg.replaceChildren(errorBox(err));
    }
  });
  return form;
}
const area = (id, label, value = '', required = true) => h('label', {}, label,
  h('textarea', { id, rows: 3, maxLength: 8000, required, value }));
const input = (id, label, attrs = {}) => h('label', {}, label, h('input', { id, ...attrs }));

function actionsBlock(d) {
  const t = w();
  const s = d.status;
  const forms = [];
  const hasDraft = Boolean(d.answer_draft);
  // The server names the actions this account may take now ("actions");
  // only those are offered.
  const may = (a) => (Array.isArray(d.actions) ? d.actions.includes(a) : true);
  if (d.kind === 'anonymous') {
    if (s !== 'closed' && st.head && may('close')) {
      forms.push(actionForm(d, 'close', t.aClose, [area('fb-close-note', t.aCloseNote)], t.aCloseDo,
        () => ({ action: 'close', note: $('fb-close-note').value.trim() })));
    }
  } else {
    if (s === 'received' && may('classify')) {
      const decision = h('select', { id: 'fb-decision' }, h('option', { value: 'accept' }, t.aAccept),
        h('option', { value: 'reject' }, t.aReject), h('option', { value: 'forward' }, t.aForward));
      const reason = area('fb-reason', t.aReason, '', false);
      const agency = input('fb-agency', t.aAgency, { maxLength: 200 });
      const sync = () => { reason.hidden = decision.value === 'accept'; agency.hidden = decision.value !== 'forward'; };
      decision.addEventListener('change', sync);
      sync();
      forms.push(actionForm(d, 'classify', t.aClassify, [h('label', {}, t.aClassify, decision), reason, agency], t.aDo, () => {
        const body = { action: 'classify', decision: decision.value };
        const why = $('fb-reason').value.trim();
        if (decision.value === 'reject') {
          if (!why) { $('fb-reason').setCustomValidity(' '); $('fb-reason').reportValidity(); $('fb-reason').setCustomValidity(''); return null; }
          body.reason = why;
        }
        if (decision.value === 'forward') {
          const to = $('fb-agency').value.trim();
          if (!to) { $('fb-agency').setCustomValidity(' '); $('fb-agency').reportValidity(); $('fb-agency').setCustomValidity(''); return null; }
          body.to = to;
          if (why) body.reason = why;
        }
        return body;
      }));
    }
    if (['accepted', 'info_requested', 'info_received'].includes(s) && may('assign')) {
      const subject = d.subject?.user?.user_id ?? null;
      const who = h('select', { id: 'fb-assign-to', required: true }, h('option', { value: '' }, t.chooseUser),
        staffOptions(staff().filter((x) => x.id !== subject && covers(x.office, d.office?.code))));
      if (d.assigned?.user_id) who.value = String(d.assigned.user_id);
      forms.push(actionForm(d, 'assign', t.aAssign, [h('label', {}, t.aAssignTo, who)], t.aAssignDo,
        () => ({ action: 'assign', user_id: Number(who.value) })));
    }
    if (['accepted', 'info_received'].includes(s) && may('request_info')) {
      forms.push(actionForm(d, 'request_info', t.aInfo, [area('fb-info-text', t.aInfoText)], t.aInfoDo,
        () => ({ action: 'request_info', text: $('fb-info-text').value.trim() })));
      forms.push(actionForm(d, 'answer', t.aAnswer, [area('fb-answer-text', t.aAnswer, d.answer_draft ?? '')], t.aAnswerDo,
        () => ({ action: 'answer', text: $('fb-answer-text').value.trim() })));
    }
    if (['accepted', 'info_received'].includes(s) && may('approve')) {
      if (hasDraft && (d.head ?? st.head)) {
        forms.push(actionForm(d, 'approve', t.aApprove, [area('fb-approve-text', t.aApproveText, d.answer_draft)], t.aApproveDo,
          () => ({ action: 'approve', text: $('fb-approve-text').value.trim() })));
      }
    }
    if (s === 'answered' && may('publish')) forms.push(publishForm(d));
    if (['published', 'answered', 'rejected', 'forwarded'].includes(s) && may('close')) {
      forms.push(actionForm(d, 'close', t.aClose, [], t.aCloseDo, () => ({ action: 'close' })));
    }
    if (s !== 'closed' && !d.repeat_of && may('link_repeat')) {
      forms.push(actionForm(d, 'link_repeat', t.aRepeat,
        [input('fb-repeat-of', t.aRepeatOf, { required: true, pattern: 'PA-\\d{6}-\\d{4,}', placeholder: 'PA-yymmdd-NNNN', maxLength: 20 })],
        t.aRepeatDo, () => ({ action: 'link_repeat', of: $('fb-repeat-of').value.trim().toUpperCase() })));
    }
  }
  // Only when the server offers it (head, supervisor, admin; never the official concerned).
  if (Array.isArray(d.actions) && d.actions.includes('set_subject')) forms.push(subjectForm(d));
  return h('div', { className: 'fb-actions' }, h('h4', {}, t.dActions),
    forms.length ? forms : h('p', { className: 'hint' }, t.dNoAction));
}

// Staff accounts as options "Full name — unit", grouped by unit (a
// province has dozens).
function staffOptions(users) {
  const unitOf = (u) => (u.office ? st.officeName(u.office) ?? u.office : '');
  const byUnit = new Map();
  for (const u of users) {
    const k = unitOf(u);
    if (!byUnit.has(k)) byUnit.set(k, []);
    byUnit.get(k).push(h('option', { value: String(u.id) }, k ? `${u.full_name ?? u.username} — ${k}` : (u.full_name ?? u.username)));
  }
  return [...byUnit.keys()].sort((a, b) => a.localeCompare(b, 'vi'))
    .map((k) => (byUnit.size > 1 ? h('optgroup', { label: k || '—' }, byUnit.get(k)) : byUnit.get(k))).flat();
}

// Publishing: the question as staff wrote it, and the answer as published
// (prefilled with the approved one; sent only when edited, so the sender
// keeps the answer she received). A refusal for personal data is said
// beside the field the server names.
function publishForm(d) {
  const t = w();
  const approved = d.answer ?? '';
  const slot = (id) => h('div', { id, className: 'fb-field-msg', 'aria-live': 'polite' });
  const fields = [
    area('fb-question', t.aPublishText, d.public_question ?? ''), slot('fb-question-msg'),
    h('label', {}, t.aPublicAnswer, h('small', { className: 'hint', id: 'fb-public-answer-hint' }, t.aPublicAnswerHint),
      h('textarea', { id: 'fb-public-answer', rows: 5, maxLength: 8000, required: true, value: d.public_answer ?? approved,
        'aria-describedby': 'fb-public-answer-hint' })),
    slot('fb-public-answer-msg')];
  const clear = () => { $('fb-question-msg')?.replaceChildren(); $('fb-public-answer-msg')?.replaceChildren(); };
  // A refusal beside a field goes as soon as the field is edited.
  fields[0].querySelector('textarea').addEventListener('input', () => fields[1].replaceChildren());
  fields[2].querySelector('textarea').addEventListener('input', () => fields[3].replaceChildren());
  return actionForm(d, 'publish', t.aPublish, fields, t.aPublishDo, () => {
    clear();
    const body = { action: 'publish', question: $('fb-question').value.trim() };
    const answer = $('fb-public-answer').value.trim();
    if (answer && answer !== approved.trim()) body.answer = answer;
    return body;
  }, (err) => {
    const which = err.code === 'personal_data_in_public' && ['question', 'answer'].includes(err.field) ? err.field : null;
    if (!which) return false;
    const box = $(which === 'answer' ? 'fb-public-answer-msg' : 'fb-question-msg');
    box.replaceChildren(errorBox({ message: w().errPersonal[which], code: err.code }));
    $(which === 'answer' ? 'fb-public-answer' : 'fb-question').focus();
    return true;
  });
}

// The official the feedback is about (subject_user_id), or not known.
function subjectForm(d) {
  const t = w();
  const cur = d.subject?.user?.user_id ?? null;
  const who = h('select', { id: 'fb-subject-user' }, h('option', { value: 'none' }, t.aSubjectNone), staffOptions(staff()));
  who.value = cur ? String(cur) : 'none';
  if (cur && who.value !== String(cur)) {
    // Someone outside the listed staff: kept as the current choice.
    who.append(h('option', { value: String(cur) }, personOf(d.subject.user)));
    who.value = String(cur);
  }
  return actionForm(d, 'set_subject', t.aSubject, [h('label', {}, t.aSubjectWho, who)], t.aSubjectDo,
    () => ({ action: 'set_subject', user_id: who.value === 'none' ? null : Number(who.value) }));
}

// ---- staff entry ---------------------------------------------------------------

function newDialog() {
  const t = w();
  const staffChannels = Object.fromEntries(['hotline', 'letter', 'box', 'counter'].map((k) => [k, CHANNELS[st.lang][k]]));
  const cs = centres();
  const msg = h('div', { id: 'fb-new-msg', 'aria-live': 'polite' });
  const form = h('form', { id: 'fb-new-form', method: 'dialog' },
    h('h3', {}, t.nTitle),
    h('div', { className: 'fb-grid' },
      h('label', {}, t.nChannel, h('select', { id: 'fb-n-channel', required: true }, options(staffChannels))),
      h('label', {}, t.nClass, h('select', { id: 'fb-n-class', required: true }, options(CLASSES[st.lang]))),
      cs.length > 1 ? h('label', {}, t.nOffice, h('select', { id: 'fb-n-office' }, cs.map((o) => h('option', { value: o.code }, o.name)))) : null),
    h('label', {}, t.nText, h('textarea', { id: 'fb-n-text', rows: 4, maxLength: 4000, required: true })),
    h('div', { className: 'fb-grid' },
      input('fb-n-dossier', t.nDossier, { maxLength: 40, autocomplete: 'off' }),
      input('fb-n-counter', t.nCounter, { inputMode: 'numeric', pattern: '\\d{1,3}', maxLength: 3 }),
      input('fb-n-subject', t.nSubject, { maxLength: 200 })),
    h('fieldset', { id: 'fb-n-sender' }, h('legend', {}, t.nSender),
      h('div', { className: 'fb-grid' },
        input('fb-n-name', t.dName, { maxLength: 200, autocomplete: 'off' }),
        input('fb-n-address', t.dAddress, { maxLength: 500, autocomplete: 'off' }),
        input('fb-n-phone', t.dPhone, { maxLength: 20, inputMode: 'tel', autocomplete: 'off' }),
        input('fb-n-email', t.dEmail, { type: 'email', maxLength: 254, autocomplete: 'off' }))),
    h('label', { className: 'fb-check' }, h('input', { type: 'checkbox', id: 'fb-n-anon' }), t.nAnon),
    msg,
    h('div', { className: 'fb-buttons' },
      h('button', { type: 'submit', className: 'fb-primary', id: 'fb-n-save' }, t.nSave),
      h('button', { type: 'button', id: 'fb-n-cancel', on: { click: () => $('fb-new').close() } }, t.nCancel)));
  const own = st.session?.office?.code;
  if (cs.length > 1 && cs.some((o) => o.code === own)) form.querySelector('#fb-n-office').value = own;
  form.querySelector('#fb-n-anon').addEventListener('change', (e) => { form.querySelector('#fb-n-sender').disabled = e.target.checked; });
  form.addEventListener('submit', submitNew);
  return h('dialog', { id: 'fb-new', className: 'fb-dialog', 'aria-labelledby': 'fb-new-title' }, form);
}

function openNew() {
  const dlg = $('fb-new');
  $('fb-new-form').reset();
  $('fb-n-sender').disabled = false;
  $('fb-new-msg').replaceChildren();
  $('fb-n-save').disabled = false;
  dlg.showModal();
  $('fb-n-channel').focus();
}

async function submitNew(e) {
  e.preventDefault();
  const v = (id) => $(id)?.value.trim() ?? '';
  const body = { channel: v('fb-n-channel'), class: v('fb-n-class'), text: v('fb-n-text') };
  if (v('fb-n-office')) body.office = v('fb-n-office');
  if (v('fb-n-dossier')) body.dossier_code = v('fb-n-dossier');
  if (v('fb-n-counter')) body.counter = Number(v('fb-n-counter'));
  if (v('fb-n-subject')) body.subject_name = v('fb-n-subject');
  if ($('fb-n-anon').checked) body.anonymous = true;
  else {
    const sender = { name: v('fb-n-name'), address: v('fb-n-address') };
    if (v('fb-n-phone')) sender.phone = v('fb-n-phone');
    if (v('fb-n-email')) sender.email = v('fb-n-email');
    body.sender = sender;
  }
  const msg = $('fb-new-msg');
  msg.replaceChildren();
  $('fb-n-save').disabled = true;
  try {
    const r = await api('/api/v1/feedback', body);
    msg.replaceChildren(h('p', { className: 'fb-ok', role: 'status', id: 'fb-n-done' },
      r.kind === 'anonymous' ? w().nDoneAnon(r.code) : w().nDone(r.code, r.secret)));
    st.page = 1;
    await loadList();
    openDetail(r.code, false);
    $('fb-n-cancel').focus();
  } catch (err) {
    $('fb-n-save').disabled = false;
    msg.replaceChildren(errorBox(err));
    // The field the server names (sender_identity_required: "phone"…) gets the focus.
    const named = err.field && document.getElementById(`fb-n-${String(err.field).replace(/^sender\./, '')}`);
    if (named) named.focus();
  }
}

// ---- conduct counts (heads) ------------------------------------------------------

const isoOf = (s) => {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(String(s ?? '').trim());
  return m ? `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` : null;
};

async function loadConduct() {
  if (!st.head || !$('fb-conduct')) return;
  const from = isoOf($('from')?.value), to = isoOf($('to')?.value);
  if (!from || !to) return;
  $('fb-conduct-hint').textContent = w().conductHint(f().isoDate(from), f().isoDate(to));
  const body = $('fb-conduct').tBodies[0];
  try {
    const j = await api(`/api/v1/feedback/conduct?from=${from}&to=${to}`);
    const rows = (j.officials ?? j.items ?? []).map((o) => h('tr', {},
      h('td', {}, o.full_name ?? o.username ?? '—'),
      h('td', {}, o.office?.name ?? st.officeName(o.office?.code ?? o.office) ?? '—'),
      h('td', { className: 'n' }, f().count(o.pakn)), h('td', { className: 'n' }, f().count(o.anonymous)),
      h('td', { className: 'n' }, f().count(o.total ?? (o.pakn ?? 0) + (o.anonymous ?? 0)))));
    body.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colSpan: 5 }, w().kNone))]));
  } catch (e) {
    body.replaceChildren(h('tr', {}, h('td', { colSpan: 5 }, errorBox(e))));
  }
}

// ---- the 766 satisfaction group (indicators view) ----------------------------------

// The inputs of a 766 part in words: "trước hạn 3 · đúng hạn 2 · …". Keys
// without a word are left out (no machine code on the screen).
const INPUTS = {
  vi: { early: 'trước hạn', on_time: 'đúng hạn', late: 'quá hạn', open_late: 'đang quá hạn',
    satisfied: 'hài lòng', rated: 'số đánh giá', online: 'nộp trực tuyến', received: 'tiếp nhận',
    ended: 'đã xử lý xong', ended_on_time: 'xong đúng hạn', ended_late: 'xong quá hạn', counted: 'được tính',
    not_satisfied: 'không hài lòng', repeated: 'lặp lại', satisfied_ended: 'xong, không bị chê, không lặp lại',
    on_time_ended: 'xong đúng hạn', rejected: 'không tiếp nhận', forwarded: 'đã chuyển', published: 'đã công khai',
    answered: 'đã trả lời', open: 'đang xử lý', anonymous: 'tin báo không rõ danh tính', total: 'tổng số',
    closed: 'đã kết thúc', late_ended: 'xong quá hạn', denominator: 'mẫu số' },
  en: { early: 'early', on_time: 'on time', late: 'late', open_late: 'open and late',
    satisfied: 'satisfied', rated: 'rated', online: 'online', received: 'received',
    ended: 'ended', ended_on_time: 'ended on time', ended_late: 'ended late', counted: 'counted',
    not_satisfied: 'not satisfied', repeated: 'repeated', satisfied_ended: 'ended, not disliked, not repeated',
    on_time_ended: 'ended on time', rejected: 'not accepted', forwarded: 'forwarded', published: 'published',
    answered: 'answered', open: 'open', anonymous: 'anonymous reports', total: 'total',
    closed: 'closed', late_ended: 'ended late', denominator: 'denominator' },
};
export function inputsText(inputs, lang = st.lang) {
  if (!inputs || typeof inputs !== 'object') return '';
  const fm = fmt(lang);
  return Object.entries(inputs).filter(([k, v]) => INPUTS[lang][k] && Number.isFinite(Number(v)))
    .map(([k, v]) => `${INPUTS[lang][k]} ${fm.count(v)}`).join(' · ');
}

const GROUP = {
  vi: { title: 'Nhóm mức độ hài lòng (Quyết định 766)', satisfaction: 'Hài lòng với việc giải quyết hồ sơ',
    feedback_on_time: 'Xử lý phản ánh, kiến nghị đúng hạn', feedback_satisfaction: 'Hài lòng với việc xử lý phản ánh, kiến nghị',
    part: 'Phần', points: 'Điểm', max: 'Tối đa', inputs: 'Số liệu', sum: 'Cộng nhóm', none: 'chưa có dữ liệu', partial: 'chưa đủ dữ liệu',
    fb: 'Phản ánh, kiến nghị trong kỳ', onTimeShare: 'tỷ lệ đúng hạn', satisfiedShare: 'tỷ lệ hài lòng' },
  en: { title: 'Satisfaction group (Decision 766)', satisfaction: 'Satisfaction with dossier handling',
    feedback_on_time: 'Feedback handled on time', feedback_satisfaction: 'Satisfaction with feedback handling',
    part: 'Part', points: 'Points', max: 'Maximum', inputs: 'Figures', sum: 'Group total', none: 'no data yet', partial: 'incomplete data',
    fb: 'Feedback in the period', onTimeShare: 'on-time share', satisfiedShare: 'satisfied share' },
};

// The satisfaction group of the 766 scorecard (dossier satisfaction 6 +
// PAKN on time 6 + PAKN satisfaction 6) in #s766-group, each part with its
// inputs, then the indicators' "feedback" counts. ind: GET /api/v1/indicators.
export function show766Group(ind) {
  const box = $('s766-group');
  if (!box || !ind?.score_766) return;
  st.lastInd = ind;
  // The indicators view is Vietnamese: so is its group.
  const lang = 'vi', g = GROUP[lang], fm = fmt(lang);
  const parts = ind.score_766.parts ?? [];
  let pts = 0, max = 0;
  const rows = ['satisfaction', 'feedback_on_time', 'feedback_satisfaction'].map((k) => {
    const p = parts.find((x) => x.part === k);
    if (p) { pts += Number(p.points ?? 0); max += Number(p.maximum ?? 0); }

    return h('tr', { 'data-part': k }, h('td', {}, g[k]), h('td', { className: 'n' }, p ? fm.number(p.points, 2) : '—'),
      h('td', { className: 'n' }, p ? fm.count(p.maximum) : '—'),
      // The formula is in the table above; here the figures it takes.
      h('td', { className: 'fb-inputs' }, p ? inputsText(p.inputs, lang) || '—' : g.none));
  });
  const grp = (ind.score_766.groups ?? []).find((x) => x.group === 'satisfaction');
  if (grp) { pts = Number(grp.points ?? pts); max = Number(grp.maximum ?? max); }
  // A total the server marks incomplete (a part without data adds 0) says so.
  const partial = grp?.complete === false;
  const fbo = ind.feedback && typeof ind.feedback === 'object' ? ind.feedback : null;
  const shares = fbo ? [['on_time_share', g.onTimeShare], ['satisfied_share', g.satisfiedShare]]
    .filter(([k]) => Number.isFinite(fbo[k])).map(([k, l]) => `${l} ${fm.pct(fbo[k])}`) : [];
  const fb = fbo ? [inputsText(fbo, lang), ...shares].filter(Boolean).join(' · ') : '';
  box.replaceChildren(...[h('h3', {}, g.title), h('div', { className: 'scroll' }, h('table', { className: 'list', id: 's766-group-table' },
    h('thead', {}, h('tr', {}, [g.part, g.points, g.max, g.inputs].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows, h('tr', { className: 'sum' }, h('td', {}, h('b', {}, g.sum)), h('td', { className: 'n' }, h('b', {}, fm.number(pts, 2))),
      h('td', { className: 'n' }, fm.count(max)), h('td', { className: 'fb-partial' }, partial ? g.partial : ''))))),
  fb ? h('p', { className: 'fb-inputs', id: 's766-feedback' }, `${g.fb}: ${fb}`) : null].filter(Boolean));
}

// ---- mounting --------------------------------------------------------------------

// Mounts the tab once the session is known. ctx: {session (GET
// /api/v1/session), offices (GET /api/v1/offices items), officeName(code),
// onUnauthorized()}. Whether the account is an office head comes from the
// users list ("head"); the server checks it again on every head's action.
export async function mountFeedback(ctx) {
  Object.assign(st, { session: ctx.session, offices: ctx.offices ?? [], officeName: ctx.officeName ?? ((c) => c),
    onUnauthorized: ctx.onUnauthorized ?? (() => {}) });
  st.users = await allUsers().catch(() => []);
  const me = st.users.find((u) => u.username === st.session?.username);
  st.head = Boolean(me?.head ?? st.session?.head);
  if (!st.mounted) {
    st.mounted = true;
    wireTabs();
    $('sup-tabs').hidden = false;
    // The period in the top bar also sets the conduct counts' period.
    $('period')?.addEventListener('submit', () => loadConduct());
  }
  st.listed = false;
  renderPanel();
  if (!$('main').classList.contains('fb-tab')) showTab('main'); else showTab('feedback');
}
