// The citizens' feedback page (phản ánh, kiến nghị): /gop-y or /feedback.
// The receipt's second QR code opens /gop-y?d=<dossier code>&s=<secret>
// (both prefilled, the secret then taken out of the address bar); the
// kiosk's opens /gop-y?office=<centre code>.
//
// The citizen chooses what the feedback is about (the four classes of
// domain/feedback.c), writes it, may name a dossier, a counter and an
// official, gives their name, address and phone or e-mail, and may attach up
// to 3 photos or PDFs. Photos are made smaller here (≤ 1600 px, JPEG) so a
// phone's picture fits the 1 MiB a file may have. POST
// /api/v1/public/feedback answers the code and the secret, shown large with
// the link to follow it on /status.
//
// Without a full identity (name, address, and phone or e-mail) a PAKN cannot
// be filed: the page says so and asks. Only the citizen's explicit press of
// "Gửi không danh tính (tin báo)" sends it as an anonymous report
// ("anonymous": true); never silently. Everything the citizen typed is shown
// back as text (textContent), never as markup.
//
// For tests: <body data-state="idle|busy|confirm|done|error">,
// data-files="<n ready>" once the chosen files are read.
import { $, el, fmtDateTime, setupLang } from './citizen.js';
import { fmt, params, randomKey } from './common.js';

const MAX_FILES = 3;
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_SIDE = 1600;
const MAX_TEXT = 4000;
const CLASSES = ['procedure', 'conduct', 'dossier', 'other'];

const TEXTS = {
  vi: {
    title: 'Góp ý, phản ánh — Bộ phận Một cửa',
    otherLang: 'English',
    otherLangLabel: 'Switch to English',
    pageName: 'Góp ý, phản ánh, kiến nghị',
    heading: 'Gửi phản ánh, kiến nghị',
    intro: 'Ông/bà có thể phản ánh, kiến nghị về quy định, thủ tục hành chính, về việc giải quyết hồ sơ hoặc về thái độ, hành vi của cán bộ, công chức. Cơ quan sẽ trả lời theo thời hạn quy định.',
    classLegend: 'Ông/bà phản ánh về việc gì?',
    classes: {
      procedure: ['Quy định, thủ tục hành chính', 'Quy định chưa hợp lý, giấy tờ yêu cầu, thời hạn, phí'],
      conduct: ['Hành vi, thái độ của cán bộ, công chức', 'Gây khó khăn, phiền hà, đòi giấy tờ không có trong quy định'],
      dossier: ['Việc giải quyết một hồ sơ', 'Hồ sơ trễ hẹn, kết quả chưa đúng'],
      other: ['Nội dung khác', 'Góp ý về nơi làm thủ tục, cách phục vụ'],
    },
    textLabel: 'Nội dung phản ánh, kiến nghị',
    textCount: (n) => `${n}/${MAX_TEXT} ký tự`,
    aboutLegend: 'Hồ sơ, quầy, cán bộ liên quan (nếu có)',
    dossierLabel: 'Mã hồ sơ',
    dossierHint: 'In trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.',
    secretLabel: 'Mã tra cứu của hồ sơ',
    secretHint: 'Để liên kết phản ánh với hồ sơ của ông/bà.',
    counterLabel: 'Quầy số',
    subjectLabel: 'Họ tên cán bộ (nếu biết)',
    officeLabel: 'Trung tâm tiếp nhận phản ánh',
    officeHint: 'Nơi ông/bà đến làm thủ tục. Không cần chọn nếu đã ghi mã hồ sơ.',
    officeChoose: '— Chọn trung tâm —',
    senderLegend: 'Thông tin người gửi',
    senderHint: 'Phản ánh, kiến nghị cần ghi rõ họ tên, địa chỉ và số điện thoại hoặc thư điện tử của người gửi. Thông tin này chỉ cán bộ xử lý được xem, không công khai.',
    nameLabel: 'Họ và tên',
    notifyLegend: 'Nhận câu trả lời qua',
    notifySms: 'SMS',
    notifyZalo: 'Zalo',
    notifyEmail: 'Thư điện tử',
    notifyAnyHour: 'Nhận cả ngoài giờ hành chính (21:00–07:00)',
    notifyHint: 'Nếu ông/bà đồng ý, cơ quan nhắn câu trả lời qua kênh đã chọn. SMS và Zalo cần số điện thoại, thư điện tử cần địa chỉ thư.',
    addressLabel: 'Địa chỉ',
    phoneLabel: 'Số điện thoại',
    emailLabel: 'Thư điện tử',
    filesLegend: 'Ảnh hoặc tài liệu kèm theo (nếu có)',
    filesHint: 'Tối đa 3 tệp: ảnh (JPG, PNG) hoặc tệp PDF, mỗi tệp không quá 1 MB. Ảnh chụp bằng điện thoại được tự động thu nhỏ.',
    filesPick: 'Chọn ảnh hoặc tệp',
    fileReading: 'Đang xử lý…',
    fileReady: (size) => `Sẵn sàng gửi (${size})`,
    fileShrunk: (size) => `Đã thu nhỏ, sẵn sàng gửi (${size})`,
    fileRemove: 'Bỏ tệp',
    fileRemoveLabel: (name) => `Bỏ tệp ${name}`,
    fileTooBig: 'Tệp PDF lớn hơn 1 MB: không gửi được. Xin chọn tệp nhỏ hơn.',
    fileType: 'Chỉ nhận ảnh (JPG, PNG) hoặc tệp PDF: tệp này không gửi được.',
    fileUnreadable: 'Không đọc được ảnh này: không gửi được. Xin chọn ảnh JPG hoặc PNG.',
    fileStillBig: 'Ảnh vẫn lớn hơn 1 MB sau khi thu nhỏ: không gửi được.',
    fileTooMany: 'Chỉ gửi được 3 tệp: tệp này không được thêm.',
    filesBad: 'Có tệp không gửi được. Xin bỏ tệp đó (nút “Bỏ tệp”) rồi gửi lại.',
    filesBusy: 'Xin chờ xử lý xong các tệp đính kèm.',
    anonTitle: 'Chưa đủ thông tin người gửi',
    anonMissing: (list) => `Ông/bà chưa ghi: ${list}.`,
    missName: 'họ và tên',
    missAddress: 'địa chỉ',
    missContact: 'số điện thoại hoặc thư điện tử',
    anonExplain: 'Nếu không ghi đủ, nội dung sẽ được gửi dưới dạng tin báo không rõ danh tính: chỉ lãnh đạo cơ quan xem xét, không được xử lý và trả lời như một phản ánh, kiến nghị, và thông tin người gửi đã ghi (nếu có) sẽ không được lưu.',
    anonDossier: 'Mã hồ sơ đã ghi cũng không được gửi kèm tin báo, để không ai biết ông/bà là người nộp hồ sơ đó.',
    anonBack: 'Bổ sung thông tin người gửi',
    anonSend: 'Gửi không danh tính (tin báo)',
    submit: 'Gửi phản ánh',
    busy: 'Đang gửi…',
    needClass: 'Xin chọn nội dung phản ánh về việc gì.',
    needText: 'Xin ghi nội dung phản ánh, kiến nghị.',
    textLong: `Nội dung dài quá ${MAX_TEXT} ký tự. Xin rút gọn.`,
    badCounter: 'Số quầy là một số, ví dụ 3.',
    badEmail: 'Địa chỉ thư điện tử chưa đúng, ví dụ: ten@gmail.com.',
    needOffice: 'Xin chọn trung tâm nơi ông/bà đến làm thủ tục.',
    needSecret: 'Xin ghi cả mã tra cứu in trên giấy tiếp nhận để liên kết với hồ sơ.',
    dossierNotFound: 'Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Xin kiểm tra lại hai mã trên giấy tiếp nhận, hoặc để trống.',
    tooMany: (s) => `Ông/bà đã gửi nhiều phản ánh trong thời gian ngắn. Xin chờ khoảng ${s} giây rồi gửi lại.`,
    network: 'Không kết nối được với máy chủ. Nội dung ông/bà đã ghi vẫn còn: xin kiểm tra kết nối mạng rồi bấm gửi lại.',
    failed: 'Chưa gửi được phản ánh.',
    fixFields: 'Xin xem lại các mục được đánh dấu.',
    doneTitle: 'Đã gửi phản ánh, kiến nghị',
    doneLead: 'Cơ quan đã tiếp nhận phản ánh, kiến nghị của ông/bà.',
    doneTitleAnon: 'Đã gửi tin báo',
    doneLeadAnon: 'Tin báo không rõ danh tính đã được ghi nhận và sẽ được lãnh đạo cơ quan (trưởng đơn vị) xem xét. Tin báo không được trả lời.',
    keepAnon: 'Mã này chỉ để ông/bà xem tin báo đã được tiếp nhận.',
    codeLabel: 'Mã phản ánh',
    doneSecretLabel: 'Mã tra cứu',
    keep: 'Ghi lại mã này (hoặc chụp màn hình) để theo dõi kết quả trả lời.',
    due: (t) => `Hạn trả lời: ${t}`,
    follow: 'Theo dõi phản ánh',
    again: 'Gửi phản ánh khác',
  },
  en: {
    title: 'Feedback — One-stop office',
    otherLang: 'Tiếng Việt',
    otherLangLabel: 'Chuyển sang tiếng Việt',
    pageName: 'Feedback and recommendations',
    heading: 'Send feedback or a recommendation',
    intro: 'You may send feedback or recommendations about regulations and procedures, the handling of a dossier, or the conduct of officials. The office answers within the legal time limits.',
    classLegend: 'What is your feedback about?',
    classes: {
      procedure: ['Regulations and procedures', 'An unreasonable rule, papers asked for, time limits, fees'],
      conduct: ['Conduct of officials', 'Causing trouble, asking for papers the rules do not require'],
      dossier: ['The handling of a dossier', 'A late dossier, a wrong result'],
      other: ['Other', 'The premises, the service'],
    },
    textLabel: 'Your feedback or recommendation',
    textCount: (n) => `${n}/${MAX_TEXT} characters`,
    aboutLegend: 'Dossier, counter, official concerned (if any)',
    dossierLabel: 'Dossier code',
    dossierHint: 'Printed on your dossier receipt.',
    secretLabel: 'Dossier lookup code',
    secretHint: 'Links this feedback to your dossier.',
    counterLabel: 'Counter no.',
    subjectLabel: 'Official’s name (if known)',
    officeLabel: 'Centre this feedback goes to',
    officeHint: 'Where you came for the procedure. Not needed when you give a dossier code.',
    officeChoose: '— Choose a centre —',
    senderLegend: 'About you',
    senderHint: 'Feedback must give the sender’s full name, address, and phone or e-mail. Only the staff handling it see them; they are never made public.',
    nameLabel: 'Full name',
    notifyLegend: 'Send me the answer by',
    notifySms: 'SMS',
    notifyZalo: 'Zalo',
    notifyEmail: 'E-mail',
    notifyAnyHour: 'Also outside office hours (21:00–07:00)',
    notifyHint: 'With your consent the office sends its answer on the channels you tick. SMS and Zalo need your phone, e-mail your address.',
    addressLabel: 'Address',
    phoneLabel: 'Phone',
    emailLabel: 'E-mail',
    filesLegend: 'Photos or documents (if any)',
    filesHint: 'Up to 3 files: photos (JPG, PNG) or PDF, at most 1 MB each. Phone photos are made smaller automatically.',
    filesPick: 'Choose photos or files',
    fileReading: 'Preparing…',
    fileReady: (size) => `Ready to send (${size})`,
    fileShrunk: (size) => `Made smaller, ready to send (${size})`,
    fileRemove: 'Remove',
    fileRemoveLabel: (name) => `Remove ${name}`,
    fileTooBig: 'This PDF is larger than 1 MB and cannot be sent. Please choose a smaller one.',
    fileType: 'Only photos (JPG, PNG) or PDF files are accepted: this file cannot be sent.',
    fileUnreadable: 'This photo cannot be read and cannot be sent. Please choose a JPG or PNG photo.',
    fileStillBig: 'This photo is still larger than 1 MB after shrinking: it cannot be sent.',
    fileTooMany: 'Only 3 files can be sent: this one was not added.',
    filesBad: 'A file cannot be sent. Please remove it (“Remove”) and send again.',
    filesBusy: 'Please wait until the files are ready.',
    anonTitle: 'Your details are incomplete',
    anonMissing: (list) => `Missing: ${list}.`,
    missName: 'full name',
    missAddress: 'address',
    missContact: 'phone or e-mail',
    anonExplain: 'Without them, this is sent as an anonymous report: only the office’s head reviews it, it is not handled and answered as feedback, and any details you gave are not kept.',
    anonDossier: 'The dossier code you entered is not sent with the report either, so nobody can tell you applied for it.',
    anonBack: 'Add my details',
    anonSend: 'Send anonymously (report)',
    submit: 'Send feedback',
    busy: 'Sending…',
    needClass: 'Please choose what your feedback is about.',
    needText: 'Please write your feedback.',
    textLong: `The text is longer than ${MAX_TEXT} characters. Please shorten it.`,
    badCounter: 'The counter is a number, e.g. 3.',
    badEmail: 'This e-mail address does not look right, e.g. name@gmail.com.',
    needOffice: 'Please choose the centre where you came for the procedure.',
    needSecret: 'Please also give the lookup code printed on the receipt to link the dossier.',
    dossierNotFound: 'No dossier matches this code and lookup code. Please check both codes on the receipt, or leave them empty.',
    tooMany: (s) => `You sent many messages in a short time. Please wait about ${s} seconds and send again.`,
    network: 'The server cannot be reached. What you wrote is kept: check your connection and press send again.',
    failed: 'The feedback was not sent.',
    fixFields: 'Please check the marked fields.',
    doneTitle: 'Your feedback was sent',
    doneLead: 'The office has received your feedback.',
    doneTitleAnon: 'Your report was sent',
    doneLeadAnon: 'The anonymous report is recorded and will be checked by the office’s head. No answer is given to a report.',
    keepAnon: 'With this code you can see that the report was received.',
    codeLabel: 'Feedback code',
    doneSecretLabel: 'Lookup code',
    keep: 'Write these codes down (or take a screenshot) to follow the answer.',
    due: (t) => `Answer due by: ${t}`,
    follow: 'Follow this feedback',
    again: 'Send other feedback',
  },
};

// The server's field names (the error's "field") → the page's error slot
// and the control to focus.
const FIELD_SLOTS = {
  class: ['class-error', 'class-procedure'],
  text: ['text-error', 'text'],
  dossier_code: ['dossier-error', 'dossier-code'],
  dossier_secret: ['dossier-error', 'dossier-secret'],
  dossier: ['dossier-error', 'dossier-code'],
  counter: ['counter-error', 'counter'],
  subject_name: ['subject-error', 'subject-name'],
  office: ['office-error', 'office'],
  'sender.name': ['sender-name-error', 'sender-name'],
  'sender.address': ['sender-address-error', 'sender-address'],
  'sender.phone': ['sender-phone-error', 'sender-phone'],
  'sender.email': ['sender-email-error', 'sender-email'],
  sender: ['sender-name-error', 'sender-name'],
  notify: ['notify-error', 'notify-sms'],
  attachments: ['files-error', 'files-pick'],
};

let centres = [];
let fixedOffice = null; // a centre named by ?office= (the kiosk's QR code)
let files = []; // {id, name, state:'reading'|'ready'|'error', shrunk, type, data, size, why}
let fileSeq = 0;
let errors = {}; // slot id → {key} | {vi, en}
let formError = null; // {key, arg} | {vi, en}
let done = null; // the 201 answer
let idemKey = randomKey();
let sending = false;
const lang = setupLang(TEXTS, render);
const T = () => TEXTS[lang()];

function setState(s) { document.body.dataset.state = s; }

// A message in the page's language: {key, arg} of TEXTS, or the server's
// own {vi, en}.
function say(m) {
  if (!m) return '';
  if (m.key) {
    const v = T()[m.key];
    return typeof v === 'function' ? v(m.arg) : v;
  }
  return (lang() === 'en' ? m.en : m.vi) || m.vi || m.en || '';
}

// A file's size in the page's language (common.js fmt: "1,2 MB").
function fmtSize(bytes) {
  const kb = bytes / 1024;
  const f = fmt(lang());
  return kb >= 1000 ? `${f.number(kb / 1024, 1)} MB` : `${f.count(Math.max(1, Math.round(kb)))} KB`;
}

// ---- the classes ------------------------------------------------------

function buildClasses() {
  const box = $('classes');
  for (const c of CLASSES) {
    const wrap = el('div', 'fb-class');
    const input = el('input');
    input.type = 'radio';
    input.name = 'class';
    input.value = c;
    input.id = `class-${c}`;
    const label = el('label');
    label.htmlFor = input.id;
    label.append(el('span', 'fb-class-name'), el('span', 'fb-class-hint'));
    input.addEventListener('change', () => { delete errors['class-error']; renderErrors(); });
    wrap.append(input, label);
    box.append(wrap);
  }
}

function renderClasses() {
  for (const c of CLASSES) {
    const label = document.querySelector(`label[for="class-${c}"]`);
    const [name, hint] = T().classes[c];
    label.querySelector('.fb-class-name').textContent = name;
    label.querySelector('.fb-class-hint').textContent = hint;
  }
}

// ---- the centres ------------------------------------------------------

async function loadCentres() {
  try {
    const res = await fetch('/api/v1/public/offices?limit=200', { cache: 'no-store' });
    const j = res.ok ? await res.json() : null;
    centres = (j?.items ?? []).filter((o) => o.kind === 'centre');
  } catch {
    centres = [];
  }
  const want = (params.get('office') ?? '').trim();
  fixedOffice = centres.find((c) => c.code === want) ?? null;
  if (centres.length === 1) fixedOffice = centres[0];
  const sel = $('office');
  sel.replaceChildren(el('option', null, ''));
  sel.options[0].value = '';
  for (const c of centres) {
    const o = el('option', null, c.name);
    o.value = c.code;
    sel.append(o);
  }
  if (fixedOffice) sel.value = fixedOffice.code;
  // A province of several centres asks which one (unless the kiosk named
  // it); a province of one never asks.
  $('office-field').hidden = centres.length < 2;
  render();
}

// ---- attachments ------------------------------------------------------

function readAsBase64(blob) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
}

function canvasBlob(canvas, quality) {
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
}

// A photo as JPEG at most MAX_SIDE on its longer side and at most
// MAX_FILE_BYTES: {blob, shrunk}. A JPEG or PNG already within both limits
// goes as it is. Throws 'unreadable' or 'still_big'.
async function preparePhoto(file) {
  let bmp;
  try {
    bmp = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new Error('unreadable');
  }
  const plain = file.type === 'image/jpeg' || file.type === 'image/png';
  if (plain && file.size <= MAX_FILE_BYTES && Math.max(bmp.width, bmp.height) <= MAX_SIDE) {
    bmp.close();
    return { blob: file, type: file.type, shrunk: false };
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bmp.width * scale));
  canvas.height = Math.max(1, Math.round(bmp.height * scale));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff'; // a transparent PNG's background in a JPEG
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(bmp, 0, 0, canvas.width, canvas.height);
  bmp.close();
  for (const q of [0.85, 0.7, 0.55, 0.4]) {
    const blob = await canvasBlob(canvas, q);
    if (blob && blob.size <= MAX_FILE_BYTES) return { blob, type: 'image/jpeg', shrunk: true };
  }
  throw new Error('still_big');
}

function jpegName(name) {
  return /\.(jpe?g)$/i.test(name) ? name : `${name.replace(/\.[^.]{1,5}$/, '')}.jpg`;
}

async function addFile(file) {
  const f = { id: ++fileSeq, name: file.name || 'tep', state: 'reading', size: file.size };
  files.push(f);
  const ready = files.filter((x) => x.state !== 'error');
  if (ready.length > MAX_FILES) {
    Object.assign(f, { state: 'error', why: 'fileTooMany' });
    return;
  }
  try {
    if (file.type === 'application/pdf' || /\.pdf$/i.test(file.name)) {
      if (file.size > MAX_FILE_BYTES) throw new Error('fileTooBig');
      Object.assign(f, { type: 'application/pdf', data: await readAsBase64(file), state: 'ready' });
    } else if (file.type.startsWith('image/') || /\.(jpe?g|png|heic|heif|webp|gif|bmp)$/i.test(file.name)) {
      const p = await preparePhoto(file);
      Object.assign(f, {
        type: p.type, name: p.type === 'image/jpeg' ? jpegName(f.name) : f.name,
        size: p.blob.size, shrunk: p.shrunk, data: await readAsBase64(p.blob), state: 'ready',
      });
    } else {
      throw new Error('fileType');
    }
  } catch (e) {
    const why = { unreadable: 'fileUnreadable', still_big: 'fileStillBig' }[e.message] ?? e.message;
    Object.assign(f, { state: 'error', why: T()[why] ? why : 'fileUnreadable' });
  }
}

function renderFiles() {
  const ul = $('file-list');
  ul.replaceChildren();
  for (const f of files) {
    const li = el('li', `fb-file ${f.state}`);
    li.dataset.state = f.state;
    const info = el('div', 'fb-file-info');
    info.append(el('span', 'fb-file-name', f.name));
    let line;
    if (f.state === 'reading') line = T().fileReading;
    else if (f.state === 'ready') line = f.shrunk ? T().fileShrunk(fmtSize(f.size)) : T().fileReady(fmtSize(f.size));
    else line = T()[f.why];
    const status = el('span', 'fb-file-status', line);
    if (f.state === 'error') status.setAttribute('role', 'alert');
    info.append(status);
    const rm = el('button', 'secondary fb-file-remove', T().fileRemove);
    rm.type = 'button';
    rm.setAttribute('aria-label', T().fileRemoveLabel(f.name));
    rm.addEventListener('click', () => {
      files = files.filter((x) => x.id !== f.id);
      delete errors['files-error'];
      renderFiles();
      renderErrors();
      $('files-pick').focus();
    });
    li.append(info, rm);
    ul.append(li);
  }
  document.body.dataset.files = String(files.filter((x) => x.state === 'ready').length);
  $('files-pick').hidden = files.filter((x) => x.state !== 'error').length >= MAX_FILES;
}

$('files').addEventListener('change', async () => {
  const chosen = Array.from($('files').files ?? []);
  $('files').value = '';
  delete errors['files-error'];
  const work = chosen.map((file) => addFile(file).then(renderFiles));
  renderFiles();
  await Promise.all(work);
  renderFiles();
  renderErrors();
});
// The visible "button" is the label: Enter and Space open the picker too.
$('files-pick').tabIndex = 0;
$('files-pick').setAttribute('role', 'button');
$('files-pick').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    $('files').click();
  }
});

// ---- errors -----------------------------------------------------------

const SLOTS = ['class-error', 'text-error', 'dossier-error', 'counter-error', 'subject-error',
  'office-error', 'sender-name-error', 'sender-address-error', 'sender-phone-error',
  'sender-email-error', 'notify-error', 'files-error'];

function renderErrors() {
  for (const id of SLOTS) {
    const p = $(id);
    const m = errors[id];
    p.hidden = !m;
    p.textContent = m ? say(m) : '';
    const ctl = FIELD_CONTROL[id];
    if (ctl && $(ctl)) $(ctl).setAttribute('aria-invalid', String(!!m));
  }
  const fe = $('form-error');
  fe.hidden = !formError;
  fe.textContent = formError ? say(formError) : '';
}
const FIELD_CONTROL = {
  'text-error': 'text', 'dossier-error': 'dossier-code', 'counter-error': 'counter',
  'subject-error': 'subject-name', 'office-error': 'office', 'sender-name-error': 'sender-name',
  'sender-address-error': 'sender-address', 'sender-phone-error': 'sender-phone',
  'sender-email-error': 'sender-email',
};

// The slot and control of a server's field name: exact, else its prefix
// ("attachments[1].data" → attachments, "sender.phone" → sender.phone).
function slotOf(field) {
  if (!field) return null;
  if (FIELD_SLOTS[field]) return FIELD_SLOTS[field];
  const base = field.replace(/\[.*$/, '');
  if (FIELD_SLOTS[base]) return FIELD_SLOTS[base];
  const head = field.split('.')[0].replace(/\[.*$/, '');
  return FIELD_SLOTS[head] ?? null;
}

// ---- the form ---------------------------------------------------------

const val = (id) => $(id).value.trim();

function identityMissing() {
  const miss = [];
  if (!val('sender-name')) miss.push('missName');
  if (!val('sender-address')) miss.push('missAddress');
  if (!val('sender-phone') && !val('sender-email')) miss.push('missContact');
  return miss;
}

// Checks what the page can; fills errors. Returns the first control to
// focus, or null when the form may go.
function check() {
  errors = {};
  formError = null;
  const first = [];
  const fail = (slot, ctl, key) => { errors[slot] = { key }; first.push(ctl); };
  if (!document.querySelector('input[name="class"]:checked')) fail('class-error', 'class-procedure', 'needClass');
  const text = val('text');
  if (!text) fail('text-error', 'text', 'needText');
  else if (text.length > MAX_TEXT) fail('text-error', 'text', 'textLong');
  if (val('dossier-code') && !val('dossier-secret')) fail('dossier-error', 'dossier-secret', 'needSecret');
  const counter = val('counter');
  if (counter && !/^\d{1,3}$/.test(counter)) fail('counter-error', 'counter', 'badCounter');
  if (!$('office-field').hidden && !$('office').value && !val('dossier-code')) fail('office-error', 'office', 'needOffice');
  const email = val('sender-email');
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) fail('sender-email-error', 'sender-email', 'badEmail');
  const bad = files.some((f) => f.state === 'error');
  if (bad) fail('files-error', 'files-pick', 'filesBad');
  else if (files.some((f) => f.state === 'reading')) fail('files-error', 'files-pick', 'filesBusy');
  if (first.length) formError = { key: 'fixFields' };
  return first[0] ?? null;
}

function body(anonymous) {
  const b = {
    class: document.querySelector('input[name="class"]:checked')?.value,
    text: val('text'),
  };
  // An anonymous report keeps no dossier link: the dossier names the
  // applicant, so its code and secret are not sent (the question says so).
  const code = anonymous ? '' : val('dossier-code').toUpperCase();
  if (code) {
    b.dossier_code = code;
    b.dossier_secret = val('dossier-secret').replace(/\s+/g, '').toUpperCase();
  }
  if (val('counter')) b.counter = Number(val('counter'));
  if (val('subject-name')) b.subject_name = val('subject-name');
  const office = $('office-field').hidden ? fixedOffice?.code : $('office').value;
  if (office && (!code || !$('office-field').hidden)) b.office = office;
  if (anonymous) {
    // The identity is not sent at all: an anonymous report keeps none.
    b.anonymous = true;
  } else {
    const sender = { name: val('sender-name'), address: val('sender-address') };
    if (val('sender-phone')) sender.phone = val('sender-phone');
    if (val('sender-email')) sender.email = val('sender-email');
    b.sender = sender;
    const channels = NOTIFY.flatMap(([ch]) => ($(`notify-${ch}`).checked && !$(`notify-${ch}`).disabled ? [ch] : []));
    if (channels.length) b.notify = { channels, any_hour: $('notify-any-hour').checked };
  }
  const ready = files.filter((f) => f.state === 'ready');
  if (ready.length) b.attachments = ready.map((f) => ({ name: f.name, type: f.type, data: f.data }));
  return b;
}

function showConfirm(miss) {
  const box = $('anon');
  box.hidden = false;
  box.dataset.missing = miss.join(',');
  renderConfirm();
  setState('confirm');
  box.scrollIntoView({ block: 'center' });
  $('anon-send').focus();
}

function renderConfirm() {
  const miss = ($('anon').dataset.missing ?? '').split(',').filter(Boolean);
  const said = miss.length ? T().anonMissing(miss.map((k) => T()[k]).join(', ')) : '';
  $('anon-missing').textContent = val('dossier-code') ? `${said} ${T().anonDossier}`.trim() : said;
  // The fields still empty are marked like a field in error.
  const ctls = { missName: ['sender-name'], missAddress: ['sender-address'], missContact: ['sender-phone', 'sender-email'] };
  for (const k of miss) for (const id of ctls[k] ?? []) if (!val(id)) $(id).setAttribute('aria-invalid', 'true');
}

async function send(anonymous) {
  if (sending) return;
  const bad = check();
  renderErrors();
  if (bad) {
    $('anon').hidden = true;
    setState('error');
    $(bad).focus();
    return;
  }
  if (!anonymous) {
    const miss = identityMissing();
    if (miss.length) {
      showConfirm(miss);
      return;
    }
  }
  sending = true;
  $('submit').disabled = true;
  $('anon-send').disabled = true;
  $('submit').textContent = T().busy;
  setState('busy');
  let res = null;
  let json = null;
  try {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 60000);
    res = await fetch('/api/v1/public/feedback', {
      method: 'POST',
      cache: 'no-store',
      signal: ctl.signal,
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idemKey },
      body: JSON.stringify(body(anonymous)),
    });
    clearTimeout(timer);
    try { json = await res.json(); } catch { /* not JSON */ }
  } catch {
    res = null;
  }
  sending = false;
  $('submit').disabled = false;
  $('anon-send').disabled = false;
  $('submit').textContent = T().submit;
  if (res && (res.status === 201 || res.status === 200) && json?.code) {
    done = json;
    idemKey = randomKey();
    showDone();
    return;
  }
  handleError(res, json, anonymous);
}

function handleError(res, json, anonymous) {
  errors = {};
  formError = null;
  setState('error');
  if (!res) {
    formError = { key: 'network' };
  } else if (res.status === 429) {
    formError = { key: 'tooMany', arg: Number(res.headers.get('Retry-After')) || 60 };
  } else {
    const e = json?.error ?? {};
    const server = { vi: e.message, en: e.message_en };
    if (e.code === 'sender_identity_required' && !anonymous) {
      const miss = identityMissing();
      showConfirm(miss.length ? miss : ['missContact']);
      const slot = slotOf(e.field);
      if (slot) errors[slot[0]] = server;
      renderErrors();
      return;
    }
    const slot = e.code === 'dossier_not_found' ? FIELD_SLOTS.dossier : slotOf(e.field)
      ?? (e.code === 'office_required' || e.code === 'office_not_found' ? FIELD_SLOTS.office : null)
      ?? (/file/.test(e.code ?? '') ? FIELD_SLOTS.attachments : null);
    if (e.code === 'dossier_not_found') errors[slot[0]] = { key: 'dossierNotFound' };
    else if (e.code === 'office_required' && centres.length) {
      $('office-field').hidden = false;
      errors['office-error'] = { key: 'needOffice' };
    } else if (slot && !$(slot[0]).parentElement.closest('[hidden]')) errors[slot[0]] = server;
    // A refusal whose field is not on the page (the centres could not be
    // listed) is said at the bottom, in the server's words.
    const shown = slot && errors[slot[0]];
    formError = shown ? { key: 'fixFields' } : (e.message ? server : { key: 'failed' });
    renderErrors();
    if (shown && $(slot[1]) && !$(slot[1]).closest('[hidden]')) {
      $(slot[1]).focus();
      return;
    }
  }
  renderErrors();
  $('form-error').scrollIntoView({ block: 'center' });
}

function statusUrl(d) {
  return d.status_url || `/status?code=${encodeURIComponent(d.code)}&secret=${encodeURIComponent(d.secret)}`;
}

function showDone() {
  $('fb').hidden = true;
  $('done').hidden = false;
  renderDone();
  setState('done');
  window.scrollTo(0, 0);
  $('done').focus();
}

function renderDone() {
  if (!done) return;
  const anon = done.kind === 'anonymous';
  $('done-title').textContent = anon ? T().doneTitleAnon : T().doneTitle;
  $('done-lead').textContent = anon ? T().doneLeadAnon : T().doneLead;
  document.querySelector('#done .fb-keep').textContent = anon ? T().keepAnon : T().keep;
  $('done-code').textContent = done.code;
  $('done-secret').textContent = done.secret;
  $('done-due').textContent = done.answer_due_at ? T().due(fmtDateTime(done.answer_due_at)) : '';
  $('done-due').hidden = !done.answer_due_at;
  const u = new URL(statusUrl(done), location.href);
  if (lang() === 'en') u.searchParams.set('lang', 'en');
  $('done-link').href = u.pathname + u.search;
}

// The answer's channels (Nhận câu trả lời qua): channel -> the contact it
// needs; a box is offered only with its contact, and cleared without it.
const NOTIFY = [['sms', 'sender-phone'], ['zalo', 'sender-phone'], ['email', 'sender-email']];
function renderNotify() {
  for (const [ch, contact] of NOTIFY) {
    const box = $(`notify-${ch}`);
    box.disabled = !val(contact);
    if (box.disabled) box.checked = false;
  }
}

function resetForm() {
  $('fb').reset();
  renderNotify();
  files = [];
  errors = {};
  formError = null;
  done = null;
  $('anon').hidden = true;
  if (fixedOffice) $('office').value = fixedOffice.code;
  $('done').hidden = true;
  $('fb').hidden = false;
  setState('idle');
  render();
  window.scrollTo(0, 0);
  $('class-procedure').focus();
}

function renderCount() {
  $('text-hint').textContent = T().textCount($('text').value.length);
}

function render() {
  renderClasses();
  renderCount();
  const sel = $('office');
  if (sel.options.length) sel.options[0].textContent = T().officeChoose;
  const o = fixedOffice;
  if (o) $('office-name').textContent = (lang() === 'en' && o.name_en) || o.name;
  renderFiles();
  renderErrors();
  if (!$('anon').hidden) renderConfirm();
  renderDone();
}

// ---- wiring -----------------------------------------------------------

buildClasses();
$('fb').addEventListener('submit', (e) => {
  e.preventDefault();
  send(false);
});
$('anon-send').addEventListener('click', () => send(true));
$('anon-back').addEventListener('click', () => {
  const miss = identityMissing();
  $('anon').hidden = true;
  setState('idle');
  const target = { missName: 'sender-name', missAddress: 'sender-address', missContact: 'sender-phone' }[miss[0]] ?? 'sender-name';
  $(target).focus();
});
$('again').addEventListener('click', resetForm);
for (const id of ['sender-phone', 'sender-email']) $(id).addEventListener('input', renderNotify);
for (const [ch] of NOTIFY) {
  $(`notify-${ch}`).addEventListener('change', () => {
    if (errors['notify-error']) {
      delete errors['notify-error'];
      renderErrors();
    }
  });
}
$('text').addEventListener('input', renderCount);
// Typing into a field takes its error (and the anonymous question) away.
for (const [slot, ctl] of Object.entries(FIELD_CONTROL)) {
  $(ctl).addEventListener('input', () => {
    if (errors[slot]) {
      delete errors[slot];
      renderErrors();
    }
    if (ctl.startsWith('sender-') && !errors[slot] && val(ctl)) $(ctl).setAttribute('aria-invalid', 'false');
    if (ctl.startsWith('sender-') && !$('anon').hidden && !identityMissing().length) {
      $('anon').hidden = true;
      setState('idle');
    }
  });
}
$('dossier-secret').addEventListener('input', () => {
  if (errors['dossier-error']) {
    delete errors['dossier-error'];
    renderErrors();
  }
});
// Esc closes the anonymous question.
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !$('anon').hidden) $('anon-back').click();
});

// Arrived by a receipt's QR code: the dossier prefilled; the secret taken
// out of the address (history, shoulder-surfing).
const qCode = params.get('d');
const qSecret = params.get('s');
if (qCode) $('dossier-code').value = qCode.slice(0, 64);
if (qSecret) {
  $('dossier-secret').value = qSecret.slice(0, 64);
  const u = new URL(location.href);
  u.searchParams.delete('s');
  history.replaceState(null, '', u);
}
const qCounter = params.get('counter');
if (qCounter && /^\d{1,3}$/.test(qCounter)) $('counter').value = qCounter;
renderNotify();
setState('idle');
loadCentres().then(dossierCentre);

// Arrived with a dossier (the receipt's code): the server files the
// feedback with the dossier's centre, so the page does not ask; it names
// that centre when the dossier's look-up tells it.
async function dossierCentre() {
  if (!qCode || !qSecret) return;
  try {
    const r = await fetch(`/api/v1/public/dossiers/${encodeURIComponent(qCode.slice(0, 64))}?secret=${encodeURIComponent(qSecret.slice(0, 64))}`,
      { cache: 'no-store' });
    const j = r.ok ? await r.json() : null;
    const name = (j?.dossier ?? j)?.return_office?.name;
    if (!name) return;
    fixedOffice = centres.find((c) => c.name === name) ?? { code: null, name };
    $('office-field').hidden = true;
    render();
  } catch {
    // The centre stays to be chosen; the server still decides by the dossier.
  }
}
