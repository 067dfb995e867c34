// The intake pane (tiếp nhận hồ sơ) of the clerk's workstation: find the
// procedure (without diacritics, the exact name first), tick the documents
// handed in against the catalogue's checklist, type the applicant, see the
// appointment the server computes, choose the outcome (Mẫu 01 received,
// Mẫu 02 supplement with every missing item, Mẫu 03 refused with a reason),
// save, preview the form the printer will get, print it at this counter and
// follow the print.
//
// No rule lives here: the applicant's checks, the duplicate warning and the
// appointment are the server's (POST /api/v1/dossiers/check, the same checks
// as the intake itself), called when a field is left, a little after typing
// stops, and before saving. A server without that route (404/405) is simply
// not asked; the intake's own refusals then say the same.
//
// The form is built once: a login that comes back mid-form (session ended),
// a language switch or a new ticket at the counter never rebuild it, so
// nothing typed is lost. One Idempotency-Key is made when a form starts and
// is sent with every attempt to save it: an answer lost on the way and sent
// again never receives the dossier twice. "Hồ sơ mới" clears the form and
// makes a new key.
import { $, api, addTexts, applyTexts, ApiError, fmt, guarded, on, showError, state, t } from './counter-core.js';
import { randomKey } from './common.js';
import { followJob, printAgain } from './counter-dossier.js';

addTexts({
  vi: {
    in_proc: 'Thủ tục hành chính',
    in_proc_ph: 'Tên hoặc mã thủ tục, gõ không dấu được',
    in_proc_loading: 'Đang tải danh mục thủ tục…',
    in_proc_none: 'Không tìm thấy thủ tục phù hợp.',
    in_proc_count: '{n} thủ tục',
    in_field: 'Lĩnh vực',
    in_code: 'Mã',
    in_fee: 'Phí, lệ phí',
    in_fee_none: 'Không thu phí, lệ phí',
    in_vnd: '{n} đồng',
    in_time: 'Thời hạn giải quyết',
    in_days: '{n} ngày làm việc',
    in_hours: '{n} giờ làm việc',
    in_same_day: 'Trong ngày',
    in_same_day_cutoff: 'Trong ngày (nhận trước {cutoff}; sau giờ đó trả vào ngày làm việc tiếp theo)',
    in_docs: 'Thành phần hồ sơ (đánh dấu giấy tờ đã nhận)',
    in_docs_none: 'Danh mục không liệt kê giấy tờ cho thủ tục này.',
    in_kind_original: 'Bản chính',
    in_kind_copy: 'Bản sao',
    in_kind_either: 'Bản chính hoặc bản sao',
    in_optional: 'nếu có',
    in_count: 'Số bản',
    in_applicant: 'Người nộp hồ sơ',
    in_name: 'Họ và tên',
    in_id: 'Số CCCD hoặc hộ chiếu',
    in_address: 'Địa chỉ',
    in_phone: 'Số điện thoại',
    in_email: 'Thư điện tử (nếu có)',
    in_notify: 'Nhận thông báo qua',
    in_notify_sms: 'SMS',
    in_notify_zalo: 'Zalo',
    in_notify_email: 'Thư điện tử',
    in_notify_any_hour: 'Nhận cả ngoài giờ hành chính (21:00–07:00)',
    in_notify_hint: 'Chỉ đánh dấu khi người nộp đồng ý. SMS và Zalo cần số điện thoại, thư điện tử cần địa chỉ thư.',
    in_sets: 'Số bộ hồ sơ',
    in_ticket: 'Gắn với số {label}',
    in_no_ticket: 'Không gắn với số thứ tự nào (quầy chưa phục vụ số nào).',
    in_outcome: 'Kết quả kiểm tra hồ sơ',
    in_out_received: 'Đủ hồ sơ: tiếp nhận, in Mẫu 01 (giấy tiếp nhận và hẹn trả kết quả)',
    in_out_supplement: 'Chưa đủ: hướng dẫn bổ sung, in Mẫu 02',
    in_out_refused: 'Không đủ điều kiện: từ chối tiếp nhận, in Mẫu 03',
    in_missing: 'Giấy tờ cần bổ sung, hoàn thiện (liệt kê đủ một lần)',
    in_missing_item: 'Giấy tờ',
    in_missing_reason: 'Lý do',
    in_missing_reason_default: 'Chưa nộp',
    in_missing_include: 'Yêu cầu bổ sung',
    in_missing_add: 'Thêm mục khác',
    in_missing_remove: 'Bỏ mục này',
    in_reason: 'Lý do từ chối tiếp nhận',
    in_due: 'Ngày hẹn trả kết quả',
    in_due_wait: 'Chọn thủ tục để biết ngày hẹn.',
    in_due_none_supplement: 'Chưa hẹn ngày: thời hạn tính từ khi nhận đủ hồ sơ bổ sung.',
    in_due_none_refused: 'Không hẹn ngày: từ chối tiếp nhận.',
    in_due_unknown: 'Ngày hẹn sẽ do máy chủ tính khi lưu.',
    in_due_pending: 'Nhập đủ thông tin người nộp để xem ngày hẹn.',
    in_dup: 'Có thể trùng hồ sơ {code} tiếp nhận ngày {date} ({status}) của cùng người nộp và thủ tục.',
    in_dup_confirm: 'Vẫn tiếp nhận hồ sơ mới',
    in_dup_needed: 'Hãy xem hồ sơ có thể trùng ở trên: đánh dấu "Vẫn tiếp nhận hồ sơ mới" nếu đây là hồ sơ khác.',
    in_choose_proc: 'Hãy chọn thủ tục trước.',
    in_save: 'Lưu hồ sơ',
    in_keys: 'Enter: sang ô tiếp theo · Ctrl+Enter: lưu hồ sơ',
    in_saved: 'Đã lưu hồ sơ',
    in_code_label: 'Mã hồ sơ',
    in_secret: 'Mã tra cứu',
    in_msgs: 'Tin nhắn',
    in_msgs_received: 'Đã gửi tin báo tiếp nhận qua: {list}',
    in_msgs_supplement: 'Đã gửi tin báo cần bổ sung qua: {list}',
    in_msgs_none: 'Chưa cấu hình kênh gửi tin',
    in_secret_hint: 'In trên giấy tiếp nhận; công dân dùng để tra cứu hồ sơ.',
    in_form: 'Biểu mẫu',
    in_form_mau01: 'Mẫu 01 – Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
    in_form_mau02: 'Mẫu 02 – Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
    in_form_mau03: 'Mẫu 03 – Phiếu từ chối tiếp nhận giải quyết hồ sơ',
    in_preview: 'Xem trước biểu mẫu',
    in_print: 'In biểu mẫu',
    in_print_copies: 'In {form} ({n} bản)',
    in_printing: 'Đang gửi tới máy in…',
    in_printed: 'Đã in.',
    in_print_waiting: 'Máy in chưa in được (máy in tắt hoặc hết giấy?). Phiếu sẽ được in khi máy in sẵn sàng.',
    in_print_failed: 'Máy in báo lỗi, chưa in được. Kiểm tra máy in rồi bấm "In lại".',
    in_reprint: 'In lại',
    in_new: 'Hồ sơ mới',
    in_applicant_saved: 'Người nộp',
    in_where: 'Nơi giải quyết và trả kết quả',
    in_authority: 'Cơ quan có thẩm quyền giải quyết',
    in_authority_default: 'Theo thủ tục (mặc định)',
    in_authority_hint: 'Mặc định: cơ quan của thủ tục, hoặc UBND nơi đặt trung tâm này.',
    in_return: 'Công dân nhận kết quả tại',
    in_return_default: 'Trung tâm tiếp nhận hồ sơ này (mặc định)',
  },
  en: {
    in_proc: 'Administrative procedure',
    in_proc_ph: 'Procedure name or code, diacritics optional',
    in_proc_loading: 'Loading the procedure catalogue…',
    in_proc_none: 'No procedure matches.',
    in_proc_count: '{n} procedures',
    in_field: 'Field',
    in_code: 'Code',
    in_fee: 'Fees',
    in_fee_none: 'No fee',
    in_vnd: '{n} VND',
    in_time: 'Legal processing time',
    in_days: '{n} working days',
    in_hours: '{n} working hours',
    in_same_day: 'Same day',
    in_same_day_cutoff: 'Same day (received before {cutoff}; after that, the next working day)',
    in_docs: 'Documents (tick those handed in)',
    in_docs_none: 'The catalogue lists no documents for this procedure.',
    in_kind_original: 'Original',
    in_kind_copy: 'Copy',
    in_kind_either: 'Original or copy',
    in_optional: 'if any',
    in_count: 'Copies',
    in_applicant: 'Applicant',
    in_name: 'Full name',
    in_id: 'ID card (CCCD) or passport no.',
    in_address: 'Address',
    in_phone: 'Phone',
    in_email: 'E-mail (optional)',
    in_notify: 'Notify by',
    in_notify_sms: 'SMS',
    in_notify_zalo: 'Zalo',
    in_notify_email: 'E-mail',
    in_notify_any_hour: 'Also outside office hours (21:00–07:00)',
    in_notify_hint: 'Tick only with the applicant\'s consent. SMS and Zalo need the phone, e-mail the address.',
    in_sets: 'Sets of documents',
    in_ticket: 'Linked to ticket {label}',
    in_no_ticket: 'Not linked to a ticket (the counter serves none).',
    in_outcome: 'Outcome of the check',
    in_out_received: 'Complete: receive, print Mẫu 01 (receipt and appointment)',
    in_out_supplement: 'Incomplete: ask for supplements, print Mẫu 02',
    in_out_refused: 'Not eligible: refuse, print Mẫu 03',
    in_missing: 'Items to add or fix (all of them at once)',
    in_missing_item: 'Item',
    in_missing_reason: 'Reason',
    in_missing_reason_default: 'Not handed in',
    in_missing_include: 'Ask for it',
    in_missing_add: 'Add another item',
    in_missing_remove: 'Remove this item',
    in_reason: 'Reason for refusal',
    in_due: 'Appointment',
    in_due_wait: 'Choose a procedure to see the appointment.',
    in_due_none_supplement: 'No appointment yet: the time runs once the supplements are complete.',
    in_due_none_refused: 'No appointment: refused.',
    in_due_unknown: 'The server computes the appointment when saving.',
    in_due_pending: 'Fill in the applicant to see the appointment.',
    in_dup: 'Possibly the same as dossier {code} received on {date} ({status}), same applicant and procedure.',
    in_dup_confirm: 'Receive a new dossier all the same',
    in_dup_needed: 'See the possible duplicate above: tick "Receive a new dossier all the same" if this is another dossier.',
    in_choose_proc: 'Choose a procedure first.',
    in_save: 'Save dossier',
    in_keys: 'Enter: next field · Ctrl+Enter: save',
    in_saved: 'Dossier saved',
    in_code_label: 'Dossier code',
    in_secret: 'Look-up code',
    in_msgs: 'Messages',
    in_msgs_received: 'Receipt message sent by: {list}',
    in_msgs_supplement: 'Documents-to-add message sent by: {list}',
    in_msgs_none: 'No message channel is configured',
    in_secret_hint: 'Printed on the receipt; the citizen uses it to look the dossier up.',
    in_form: 'Form',
    in_form_mau01: 'Mẫu 01 – Receipt and appointment',
    in_form_mau02: 'Mẫu 02 – Request to supplement',
    in_form_mau03: 'Mẫu 03 – Refusal',
    in_preview: 'Form preview',
    in_print: 'Print the form',
    in_print_copies: 'Print {form} ({n} copies)',
    in_printing: 'Sending to the printer…',
    in_printed: 'Printed.',
    in_print_waiting: 'The printer has not printed it yet (off or out of paper?). It will print when the printer is ready.',
    in_print_failed: 'The printer reported an error. Check it, then press "Reprint".',
    in_reprint: 'Reprint',
    in_new: 'New dossier',
    in_applicant_saved: 'Applicant',
    in_where: 'Where it is decided and returned',
    in_authority: 'Competent authority',
    in_authority_default: 'As the procedure says (default)',
    in_authority_hint: 'Default: the procedure\'s office, or the committee this centre belongs to.',
    in_return: 'The citizen collects the result at',
    in_return_default: 'The centre receiving it (default)',
  },
});

// ---- the catalogue and its search ---------------------------------------

// Vietnamese folded for search: lower case, no diacritics, đ → d.
export function fold(s) {
  return String(s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

// Every procedure of the catalogue (GET /api/v1/procedures, all pages),
// loaded once per page view; each item gains _name and _field, folded.
let catalogue = null;
let catalogueLoading = null;
function loadCatalogue() {
  if (catalogue) return Promise.resolve(catalogue);
  if (!catalogueLoading) {
    catalogueLoading = (async () => {
      const items = [];
      for (let offset = 0; ; offset += 500) {
        const j = await api('GET', `/api/v1/procedures?limit=500&offset=${offset}`);
        items.push(...(j?.items ?? []));
        if (!j?.items?.length || items.length >= (j.total ?? 0)) break;
      }
      for (const p of items) { p._name = fold(p.name); p._field = fold(p.field); p._code = fold(p.code); }
      catalogue = items;
      return items;
    })().finally(() => { catalogueLoading = null; });
  }
  return catalogueLoading;
}

// The procedures matching q, best first: the code or the whole name, then
// names starting with q, then q at the start of a word, then anywhere in
// the name, then every word of q somewhere in the name, then the field only.
// At most limit.
export function searchProcedures(items, q, limit = 8) {
  const f = fold(q);
  if (!f) return [];
  const words = f.split(' ');
  const ranked = [];
  for (const [i, p] of items.entries()) {
    let r;
    if (p._name === f || p._code === f) r = 0;
    else if (p._name.startsWith(f) || p._code.startsWith(f)) r = 1;
    else if (p._name.includes(` ${f}`)) r = 2;
    else if (p._name.includes(f)) r = 3;
    else if (words.every((w) => p._name.includes(w))) r = 4;
    else if (p._field.includes(f)) r = 5;
    else continue;
    ranked.push([r, i, p]);
  }
  // Within a rank the shorter name is the closer match ("ket hon": Đăng ký
  // kết hôn before Đăng ký kết hôn có yếu tố nước ngoài), then catalogue order.
  ranked.sort((a, b) => a[0] - b[0] || a[2]._name.length - b[2]._name.length || a[1] - b[1]);
  return ranked.slice(0, limit).map((x) => x[2]);
}

// ---- the form's state ----------------------------------------------------

// The form being filled: written by this module's handlers only.
const form = {
  key: randomKey(),  // the Idempotency-Key of this form's save
  proc: null,        // the chosen procedure (a catalogue item)
  docs: [],          // per catalogue document: {ticked, count}
  extra: [],         // missing items typed by hand: {item, reason}
  reasons: new Map(), // document index -> the reason typed for it
  include: new Map(), // document index -> whether it is asked for (Mẫu 02)
  outcomeChosen: false, // the clerk chose the outcome (else it follows the ticks)
  touched: new Set(), // fields left once (their errors show)
  check: null,       // the last check answer
  checkSeq: 0,
  checkAvailable: true, // false once the server said it has no check route
  dup: null,         // the earlier dossier of a probable duplicate
  saved: null,       // {dossier, form, secret} once saved
  jobs: [],          // the print jobs being followed, as last seen
  printStatus: null, // key of the print status text
};

const FIELDS = {
  'applicant.name': 'applicant-name', 'applicant.id_number': 'applicant-id', 'applicant.address': 'applicant-address',
  'applicant.phone': 'applicant-phone', 'applicant.email': 'applicant-email', sets: 'intake-sets',
  reason: 'in-reason', missing: 'in-missing', procedure: 'intake-procedure',
  authority: 'intake-authority', return_at: 'intake-return',
  'applicant.notify': 'in-notify-sms', notify: 'in-notify-sms',
};
// The consent boxes (Nhận thông báo qua): channel -> the contact it needs.
const NOTIFY = [['sms', 'applicant-phone'], ['zalo', 'applicant-phone'], ['email', 'applicant-email']];
const FIELD_ORDER = ['applicant-name', 'applicant-id', 'applicant-address', 'applicant-phone', 'applicant-email', 'intake-sets'];

const PANE = `
<form id="in-form" class="in-form" novalidate autocomplete="off">
  <div class="in-col">
    <section class="in-card in-proc-card">
      <label class="in-label" for="intake-procedure" data-i18n="in_proc"></label>
      <div class="in-combo">
        <input id="intake-procedure" type="text" role="combobox" aria-autocomplete="list"
          aria-expanded="false" aria-controls="intake-procedure-list" spellcheck="false">
        <ul id="intake-procedure-list" class="in-proc-list" role="listbox" hidden></ul>
      </div>
      <p id="in-proc-hint" class="in-hint" aria-live="polite"></p>
      <p id="intake-procedure-error" class="in-error" role="alert"></p>
      <div id="in-proc" class="in-proc" hidden>
        <h3 id="in-proc-name"></h3>
        <dl class="in-facts">
          <dt data-i18n="in_code"></dt><dd id="in-proc-code"></dd>
          <dt data-i18n="in_field"></dt><dd id="in-proc-field"></dd>
          <dt data-i18n="in_time"></dt><dd id="in-proc-time"></dd>
          <dt data-i18n="in_fee"></dt><dd id="in-proc-fee"></dd>
        </dl>
        <h4 data-i18n="in_docs"></h4>
        <ul id="in-docs" class="in-docs"></ul>
      </div>
    </section>
  </div>
  <div class="in-col">
    <section class="in-card">
      <h4 data-i18n="in_applicant"></h4>
      <p id="in-ticket" class="in-ticket" aria-live="polite"></p>
      <div class="in-grid">
        <div class="in-f in-wide"><label for="applicant-name" data-i18n="in_name"></label>
          <input id="applicant-name" maxlength="200" autocomplete="off" required>
          <p id="applicant-name-error" class="in-error" role="alert"></p></div>
        <div class="in-f"><label for="applicant-id" data-i18n="in_id"></label>
          <input id="applicant-id" maxlength="20" inputmode="text" autocomplete="off" spellcheck="false">
          <p id="applicant-id-error" class="in-error" role="alert"></p></div>
        <div class="in-f"><label for="applicant-phone" data-i18n="in_phone"></label>
          <input id="applicant-phone" maxlength="20" inputmode="tel" autocomplete="off">
          <p id="applicant-phone-error" class="in-error" role="alert"></p></div>
        <div class="in-f in-wide"><label for="applicant-address" data-i18n="in_address"></label>
          <input id="applicant-address" maxlength="300" autocomplete="off">
          <p id="applicant-address-error" class="in-error" role="alert"></p></div>
        <div class="in-f"><label for="applicant-email" data-i18n="in_email"></label>
          <input id="applicant-email" type="text" inputmode="email" maxlength="200" autocomplete="off" spellcheck="false">
          <p id="applicant-email-error" class="in-error" role="alert"></p></div>
        <div class="in-f"><label for="intake-sets" data-i18n="in_sets"></label>
          <input id="intake-sets" type="number" min="1" max="100" value="1">
          <p id="intake-sets-error" class="in-error" role="alert"></p></div>
        <fieldset id="in-notify" class="in-notify in-wide" aria-describedby="in-notify-hint">
          <legend data-i18n="in_notify"></legend>
          <label><input type="checkbox" id="in-notify-sms" value="sms" disabled> <span data-i18n="in_notify_sms"></span></label>
          <label><input type="checkbox" id="in-notify-zalo" value="zalo" disabled> <span data-i18n="in_notify_zalo"></span></label>
          <label><input type="checkbox" id="in-notify-email" value="email" disabled> <span data-i18n="in_notify_email"></span></label>
          <small id="in-notify-hint" class="in-hint" data-i18n="in_notify_hint"></small>
          <label class="in-any-hour"><input type="checkbox" id="in-notify-any-hour"> <span data-i18n="in_notify_any_hour"></span></label>
          <p id="in-notify-sms-error" class="in-error" role="alert"></p>
        </fieldset>
      </div>
      <div id="in-where" class="in-grid in-where" hidden>
        <h4 class="in-wide" data-i18n="in_where"></h4>
        <div class="in-f in-wide"><label for="intake-authority" data-i18n="in_authority"></label>
          <select id="intake-authority" aria-describedby="intake-authority-hint"></select>
          <small id="intake-authority-hint" class="in-hint" data-i18n="in_authority_hint"></small>
          <p id="intake-authority-error" class="in-error" role="alert"></p></div>
        <div class="in-f in-wide"><label for="intake-return" data-i18n="in_return"></label>
          <select id="intake-return"></select>
          <p id="intake-return-error" class="in-error" role="alert"></p></div>
      </div>
    </section>
    <section class="in-card">
      <fieldset class="in-outcome">
        <legend data-i18n="in_outcome"></legend>
        <label><input type="radio" name="in-outcome" id="in-outcome-received" value="received" checked>
          <span data-i18n="in_out_received"></span></label>
        <label><input type="radio" name="in-outcome" id="in-outcome-supplement" value="supplement">
          <span data-i18n="in_out_supplement"></span></label>
        <label><input type="radio" name="in-outcome" id="in-outcome-refused" value="refused">
          <span data-i18n="in_out_refused"></span></label>
      </fieldset>
      <div id="in-missing-box" hidden>
        <h4 data-i18n="in_missing"></h4>
        <ul id="in-missing" class="in-missing"></ul>
        <button id="in-missing-add" type="button" class="in-small" data-i18n="in_missing_add"></button>
        <p id="in-missing-error" class="in-error" role="alert"></p>
      </div>
      <div id="in-reason-box" hidden>
        <label class="in-block"><span data-i18n="in_reason"></span>
          <textarea id="in-reason" rows="3" maxlength="1000"></textarea></label>
        <p id="in-reason-error" class="in-error" role="alert"></p>
      </div>
      <div id="in-dup" class="in-warn" role="alert" hidden>
        <p id="in-dup-text"></p>
        <label><input id="in-dup-confirm" type="checkbox"> <span data-i18n="in_dup_confirm"></span></label>
      </div>
      <p class="in-due"><span data-i18n="in_due"></span>: <b id="in-due"></b></p>
      <div class="in-actions">
        <button id="intake-save" type="submit" class="in-primary" data-i18n="in_save"></button>
        <small class="in-hint" data-i18n="in_keys"></small>
      </div>
      <p id="intake-error" class="in-error" role="alert"></p>
    </section>
  </div>
</form>
<section id="in-result" class="in-result" hidden aria-labelledby="in-result-title">
  <div class="in-col">
    <section class="in-card">
      <h3 id="in-result-title" data-i18n="in_saved"></h3>
      <dl class="in-facts in-big">
        <dt data-i18n="in_code_label"></dt><dd id="intake-code" class="num"></dd>
        <dt data-i18n="in_secret"></dt><dd><b id="in-result-secret" class="num"></b>
          <small class="in-hint" data-i18n="in_secret_hint"></small></dd>
        <dt data-i18n="in_applicant_saved"></dt><dd id="in-result-name"></dd>
        <dt data-i18n="in_due"></dt><dd id="in-result-due"></dd>
        <dt data-i18n="in_authority" class="in-where-row"></dt><dd id="in-result-authority" class="in-where-row"></dd>
        <dt data-i18n="in_return" class="in-where-row"></dt><dd id="in-result-return" class="in-where-row"></dd>
        <dt data-i18n="in_form"></dt><dd id="in-result-form"></dd>
        <dt data-i18n="in_msgs" class="in-msgs-row"></dt><dd id="in-result-msgs" class="in-msgs-row"></dd>
      </dl>
      <div class="in-actions">
        <button id="in-print" type="button" class="in-primary"></button>
        <button id="in-reprint" type="button" data-i18n="in_reprint" hidden></button>
        <button id="in-new" type="button" data-i18n="in_new"></button>
      </div>
      <p id="in-print-status" class="in-status" role="status"></p>
      <p id="in-print-error" class="in-error" role="alert"></p>
    </section>
  </div>
  <div class="in-col">
    <section class="in-card in-preview-card">
      <h4 data-i18n="in_preview"></h4>
      <iframe id="in-preview" class="in-preview" title=""></iframe>
    </section>
  </div>
</section>`;

// ---- rendering ------------------------------------------------------------

const f = () => fmt(state.lang);
const outcome = () => document.querySelector('input[name="in-outcome"]:checked')?.value ?? 'received';

function timeText(p) {
  const pr = p.processing ?? {};
  let s;
  if (pr.unit === 'working_days') s = t('in_days', { n: f().number(pr.amount, Number.isInteger(pr.amount) ? 0 : 1) });
  else if (pr.unit === 'working_hours') s = t('in_hours', { n: f().number(pr.amount, Number.isInteger(pr.amount) ? 0 : 1) });
  else if (pr.unit === 'same_day') s = pr.cutoff ? t('in_same_day_cutoff', { cutoff: pr.cutoff }) : t('in_same_day');
  else s = '—';
  return pr.note ? `${s}. ${pr.note}` : s;
}

function feeText(p) {
  const fee = Number(p.fee_vnd ?? 0);
  const amount = fee > 0 ? t('in_vnd', { n: f().count(fee) }) : (p.fee_note ? '' : t('in_fee_none'));
  return [amount, p.fee_note].filter(Boolean).join(' — ');
}

// The chosen procedure's facts and its checklist (ticks kept in form.docs).
function renderProc() {
  const p = form.proc;
  const focusedId = document.activeElement?.id;
  $('in-proc').hidden = !p;
  if (!p) return;
  $('in-proc-name').textContent = p.name;
  $('in-proc-code').textContent = p.code;
  $('in-proc-field').textContent = p.field ?? '—';
  $('in-proc-time').textContent = timeText(p);
  $('in-proc-fee').textContent = feeText(p);
  const ul = $('in-docs');
  ul.textContent = '';
  const docs = p.documents ?? [];
  if (!docs.length) {
    const li = document.createElement('li');
    li.className = 'in-hint';
    li.textContent = t('in_docs_none');
    ul.append(li);
  }
  for (const [i, d] of docs.entries()) {
    const li = document.createElement('li');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = `in-doc-${i}`;
    box.checked = form.docs[i].ticked;
    box.addEventListener('change', () => { form.docs[i].ticked = box.checked; docsChanged(); });
    const label = document.createElement('label');
    label.htmlFor = box.id;
    label.textContent = d.name;
    const meta = document.createElement('span');
    meta.className = 'in-doc-meta';
    meta.textContent = t(`in_kind_${d.kind}`) + (d.required === false ? ` (${t('in_optional')})` : '');
    const count = document.createElement('input');
    count.type = 'number';
    count.min = '1';
    count.max = '99';
    count.value = String(form.docs[i].count);
    count.className = 'in-count';
    count.id = `in-doc-count-${i}`;
    count.title = t('in_count');
    count.setAttribute('aria-label', `${t('in_count')}: ${d.name}`);
    count.addEventListener('change', () => { form.docs[i].count = Math.max(1, parseInt(count.value, 10) || 1); });
    li.append(box, ' ', label, ' ', meta, ' ', count);
    ul.append(li);
  }
  if (focusedId?.startsWith('in-doc') && $(focusedId)) $(focusedId).focus();
}

// The missing items of a Mẫu 02: every document not ticked (asked for by
// default when the catalogue says it is required), then items typed by hand.
function renderMissing() {
  const ul = $('in-missing');
  const focusedId = document.activeElement?.id;
  ul.textContent = '';
  const docs = form.proc?.documents ?? [];
  const row = (id, itemText, reasonValue, onReason, extra) => {
    const li = document.createElement('li');
    const item = document.createElement(extra ? 'input' : 'span');
    if (extra) {
      item.value = itemText;
      item.id = `${id}-item`;
      item.className = 'in-missing-item';
      item.placeholder = t('in_missing_item');
      item.setAttribute('aria-label', t('in_missing_item'));
    } else {
      item.textContent = itemText;
      item.className = 'in-missing-name';
    }
    const reason = document.createElement('input');
    reason.id = `${id}-reason`;
    reason.className = 'in-missing-reason';
    reason.value = reasonValue;
    reason.maxLength = 500;
    reason.placeholder = t('in_missing_reason');
    reason.setAttribute('aria-label', `${t('in_missing_reason')}: ${itemText}`);
    reason.addEventListener('input', () => onReason(reason.value));
    li.append(item, reason);
    return { li, item, reason };
  };
  for (const [i, d] of docs.entries()) {
    if (form.docs[i].ticked) continue;
    if (!form.include.has(i)) form.include.set(i, d.required !== false);
    const inc = document.createElement('input');
    inc.type = 'checkbox';
    inc.id = `in-miss-${i}-on`;
    inc.checked = form.include.get(i);
    inc.title = t('in_missing_include');
    inc.setAttribute('aria-label', `${t('in_missing_include')}: ${d.name}`);
    const r = row(`in-miss-${i}`, d.name, form.reasons.get(i) ?? t('in_missing_reason_default'),
      (v) => form.reasons.set(i, v), false);
    r.reason.disabled = !inc.checked;
    inc.addEventListener('change', () => { form.include.set(i, inc.checked); r.reason.disabled = !inc.checked; scheduleCheck(); });
    r.li.prepend(inc, ' ');
    ul.append(r.li);
  }
  for (const [j, x] of form.extra.entries()) {
    const r = row(`in-extra-${j}`, x.item, x.reason, (v) => { x.reason = v; }, true);
    r.item.addEventListener('input', () => { x.item = r.item.value; });
    const rm = document.createElement('button');
    rm.type = 'button';
    rm.className = 'in-small';
    rm.textContent = '×';
    rm.title = t('in_missing_remove');
    rm.setAttribute('aria-label', t('in_missing_remove'));
    rm.addEventListener('click', () => { form.extra.splice(j, 1); renderMissing(); $('in-missing-add').focus(); });
    r.li.append(rm);
    ul.append(r.li);
  }
  if (focusedId && $(focusedId)) $(focusedId).focus();
}

function renderOutcome() {
  const o = outcome();
  $('in-missing-box').hidden = o !== 'supplement';
  $('in-reason-box').hidden = o !== 'refused';
  if (o === 'supplement') renderMissing();
  renderDue();
}

function renderTicket() {
  const s = state.serving;
  $('in-ticket').textContent = s?.id ? t('in_ticket', { label: s.label ?? s.id }) : t('in_no_ticket');
  $('in-ticket').classList.toggle('in-linked', !!s?.id);
}

function renderDue() {
  const el = $('in-due');
  const o = outcome();
  if (!form.proc) el.textContent = t('in_due_wait');
  else if (o === 'supplement') el.textContent = t('in_due_none_supplement');
  else if (o === 'refused') el.textContent = t('in_due_none_refused');
  else if (form.check?.due_at) el.textContent = f().dateTime(form.check.due_at);
  else if (form.check?.due_text) el.textContent = form.check.due_text;
  else el.textContent = t(form.checkAvailable ? 'in_due_pending' : 'in_due_unknown');
}

function renderDup() {
  const d = form.dup;
  $('in-dup').hidden = !d;
  if (!d) return;
  $('in-dup-text').textContent = t('in_dup', {
    code: d.code, date: d.intake_at ? f().date(d.intake_at) : '—', status: d.status_text ?? d.status ?? '',
  });
}

const FORM_NAMES = { 'mau-01': 'in_form_mau01', 'mau-02': 'in_form_mau02', 'mau-03': 'in_form_mau03' };
const copiesOf = (formName) => (formName === 'mau-01' ? 2 : 1);

function renderResult() {
  const s = form.saved;
  $('in-result').hidden = !s;
  $('in-form').hidden = !!s;
  if (!s) return;
  const d = s.dossier;
  $('intake-code').textContent = d.code;
  $('in-result-secret').textContent = s.secret ?? '—';
  $('in-result-name').textContent = d.applicant?.name ?? '';
  $('in-result-due').textContent = d.due_at ? f().dateTime(d.due_at)
    : t(d.status === 'rejected_at_intake' ? 'in_due_none_refused' : 'in_due_none_supplement');
  $('in-result-form').textContent = t(FORM_NAMES[s.form] ?? 'in_form');
  $('in-result-authority').textContent = d.authority?.name ?? '—';
  $('in-result-return').textContent = d.return_office?.name ?? '—';
  for (const el of document.querySelectorAll('#in-result .in-where-row')) el.hidden = !offices.province;
  // The messages the intake planned (the answer's "notifications"), by
  // channel with the recipient masked; consent given but none planned: no
  // channel configured. No consent: the row is hidden.
  const planned = s.notifications ?? [];
  for (const el of document.querySelectorAll('#in-result .in-msgs-row')) el.hidden = !planned.length && !s.consent;
  const chName = { sms: 'in_notify_sms', zalo: 'in_notify_zalo', email: 'in_notify_email' };
  const list = planned.map((m) => `${t(chName[m.channel] ?? 'in_notify')} ${m.recipient}`).join(', ');
  $('in-result-msgs').textContent = planned.length
    ? t(planned[0].trigger === 'supplement' ? 'in_msgs_supplement' : 'in_msgs_received', { list })
    : t('in_msgs_none');
  $('in-print').textContent = t('in_print_copies', { form: s.form.replace('mau-', 'Mẫu '), n: copiesOf(s.form) });
  $('in-preview').title = t('in_preview');
  $('in-print-status').textContent = form.printStatus ? t(form.printStatus) : '';
}

function renderTexts() {
  const pane = $('pane-intake');
  applyTexts(pane);
  $('intake-procedure').placeholder = t('in_proc_ph');
  renderProc();
  renderOutcome();
  renderTicket();
  renderDup();
  renderWhere();
  renderResult();
  if (catalogue) $('in-proc-hint').textContent = form.proc ? '' : t('in_proc_count', { n: catalogue.length });
}

// ---- where it is decided and returned (a province) -----------------------

// The province's authorities and its centres and reception points (GET
// /api/v1/offices), loaded once; the choice shows only when there is more
// than one authority. Nothing chosen: the server's defaults.
const offices = { authorities: [], places: [], province: false };
async function loadOffices() {
  const items = [];
  for (let offset = 0; ; offset += 500) {
    const j = await api('GET', `/api/v1/offices?limit=500&offset=${offset}`);
    items.push(...(j?.items ?? []));
    if (!j?.items?.length || items.length >= (j.total ?? 0)) break;
  }
  const active = items.filter((x) => x.active !== false);
  offices.authorities = active.filter((x) => x.kind === 'authority');
  offices.places = active.filter((x) => x.kind === 'centre' || x.kind === 'point');
  offices.province = offices.authorities.length > 1;
  renderWhere();
}

function renderWhere() {
  $('in-where').hidden = !offices.province;
  const fill = (sel, list, def) => {
    const keep = sel.value;
    sel.textContent = '';
    sel.append(new Option(t(def), ''));
    for (const x of list) sel.append(new Option(x.name, x.code));
    sel.value = list.some((x) => x.code === keep) ? keep : '';
  };
  fill($('intake-authority'), offices.authorities, 'in_authority_default');
  fill($('intake-return'), offices.places, 'in_return_default');
}

// ---- the procedure search -------------------------------------------------

let matches = [];
let active = -1;

function showMatches() {
  const q = $('intake-procedure').value;
  const ul = $('intake-procedure-list');
  ul.textContent = '';
  matches = catalogue ? searchProcedures(catalogue, q) : [];
  active = matches.length ? 0 : -1;
  for (const [i, p] of matches.entries()) {
    const li = document.createElement('li');
    li.id = `in-proc-opt-${i}`;
    li.setAttribute('role', 'option');
    li.dataset.code = p.code;
    const name = document.createElement('span');
    name.textContent = p.name;
    const meta = document.createElement('small');
    meta.textContent = `${p.code} · ${p.field ?? ''}`;
    li.append(name, meta);
    li.addEventListener('mousedown', (e) => { e.preventDefault(); choose(p); });
    ul.append(li);
  }
  const open = !!fold(q);
  ul.hidden = !open;
  $('intake-procedure').setAttribute('aria-expanded', String(open && matches.length > 0));
  if (open && !matches.length) {
    const li = document.createElement('li');
    li.className = 'in-hint';
    li.textContent = catalogue ? t('in_proc_none') : t('in_proc_loading');
    ul.append(li);
  }
  markActive();
}

function markActive() {
  for (const [i, li] of [...$('intake-procedure-list').querySelectorAll('[role=option]')].entries()) {
    li.setAttribute('aria-selected', String(i === active));
    li.classList.toggle('active', i === active);
    if (i === active) li.scrollIntoView({ block: 'nearest' });
  }
  if (active >= 0) $('intake-procedure').setAttribute('aria-activedescendant', `in-proc-opt-${active}`);
  else $('intake-procedure').removeAttribute('aria-activedescendant');
}

function choose(p) {
  form.proc = p;
  form.docs = (p.documents ?? []).map((d) => ({ ticked: false, count: d.count ?? 1 }));
  form.reasons = new Map();
  form.include = new Map();
  form.check = null;
  form.dup = null;
  $('in-dup-confirm').checked = false;
  $('intake-procedure').value = p.name;
  $('intake-procedure-list').hidden = true;
  $('intake-procedure').setAttribute('aria-expanded', 'false');
  $('in-proc-hint').textContent = '';
  showError($('intake-procedure-error'), null);
  renderProc();
  docsChanged();
  renderDup();
  const next = $('in-doc-0') ?? $('applicant-name');
  next.focus();
  runCheck();
}

// Ticks changed: the outcome follows them until the clerk picks one
// (all required documents in: received; else supplement).
function docsChanged() {
  if (!form.outcomeChosen && form.proc) {
    const docs = form.proc.documents ?? [];
    const complete = docs.every((d, i) => d.required === false || form.docs[i].ticked);
    $(complete ? 'in-outcome-received' : 'in-outcome-supplement').checked = true;
  }
  renderOutcome();
  scheduleCheck();
}

// ---- the server's checks --------------------------------------------------

function applicant() {
  const a = {};
  const v = (id) => $(id).value.trim();
  if (v('applicant-name')) a.name = v('applicant-name');
  if (v('applicant-id')) a.id_number = v('applicant-id');
  if (v('applicant-address')) a.address = v('applicant-address');
  if (v('applicant-phone')) a.phone = v('applicant-phone');
  if (v('applicant-email')) a.email = v('applicant-email');
  const channels = NOTIFY.flatMap(([ch]) => ($(`in-notify-${ch}`).checked && !$(`in-notify-${ch}`).disabled ? [ch] : []));
  if (channels.length) a.notify = { channels, any_hour: $('in-notify-any-hour').checked };
  return a;
}

// A consent box is offered only with the contact it needs: a box whose
// contact is emptied is cleared.
function renderNotify() {
  for (const [ch, contact] of NOTIFY) {
    const box = $(`in-notify-${ch}`);
    box.disabled = !$(contact).value.trim();
    if (box.disabled) box.checked = false;
  }
}

// The body of POST /api/v1/dossiers as the form stands.
function body() {
  const p = form.proc;
  const docs = p?.documents ?? [];
  const b = {
    procedure: p?.code,
    applicant: applicant(),
    documents: docs.flatMap((d, i) => (form.docs[i].ticked
      ? [{ name: d.name, kind: d.kind, count: form.docs[i].count }] : [])),
    outcome: outcome(),
  };
  const sets = $('intake-sets').value.trim();
  b.sets = /^\d+$/.test(sets) ? Number(sets) : (sets === '' ? 1 : sets);
  if (b.outcome === 'supplement') {
    b.missing = [
      ...docs.flatMap((d, i) => (!form.docs[i].ticked && (form.include.get(i) ?? d.required !== false)
        ? [{ item: d.name, reason: (form.reasons.get(i) ?? t('in_missing_reason_default')).trim() || t('in_missing_reason_default') }] : [])),
      ...form.extra.filter((x) => x.item.trim()).map((x) => ({ item: x.item.trim(), ...(x.reason.trim() ? { reason: x.reason.trim() } : {}) })),
    ];
  }
  if (b.outcome === 'refused' && $('in-reason').value.trim()) b.reason = $('in-reason').value.trim();
  if ($('intake-authority').value) b.authority = $('intake-authority').value;
  if ($('intake-return').value) b.return_at = $('intake-return').value;
  if (state.serving?.id) b.ticket_id = state.serving.id;
  // A clerk's intake is their own centre's; a supervisor over several
  // centres names the one this counter belongs to.
  if (state.office && state.session?.role === 'supervisor') b.office = state.office;
  if ($('in-dup-confirm').checked) b.confirm_duplicate = true;
  return b;
}

function clearFieldErrors() {
  for (const id of Object.values(FIELDS)) showError($(`${id}-error`), null);
  for (const id of Object.values(FIELDS)) $(id)?.removeAttribute('aria-invalid');
}

// Shows a refusal beside its field when the field is known (and, while
// typing, only once the clerk has left it); else in the form's error line
// when showAll (a save). Returns the field's element id or null.
function showRefusal(err, showAll) {
  const id = err instanceof ApiError && err.field ? FIELDS[err.field] : null;
  if (id && (showAll || form.touched.has(id))) {
    showError($(`${id}-error`), err);
    $(id)?.setAttribute('aria-invalid', 'true');
    return id;
  }
  if (showAll) showError($('intake-error'), err);
  return null;
}

let checkTimer = null;
function scheduleCheck(ms = 500) {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => runCheck(), ms);
}

// Asks the server to check the form as it stands; shows field errors,
// the appointment and the duplicate warning. Resolves to true when the
// server accepts it (or has no check route), false when it refused.
async function runCheck(showAll = false) {
  clearTimeout(checkTimer);
  if (!form.proc || !form.checkAvailable || form.saved) return true;
  const seq = ++form.checkSeq;
  let answer = null;
  let refusal = null;
  try {
    answer = await api('POST', '/api/v1/dossiers/check', body(), { retryForMs: 5000 });
  } catch (e) {
    if (e instanceof ApiError && (e.status === 405 || (e.status === 404 && e.code === 'not_found'))) {
      form.checkAvailable = false; // an older server: the save's answer says it all
      renderDue();
      return true;
    }
    if (!(e instanceof ApiError) || e.status === 0) return true; // the banner tells
    refusal = e;
  }
  if (seq !== form.checkSeq) return !refusal; // a later check is on its way
  clearFieldErrors();
  if (!showAll) showError($('intake-error'), null);
  if (refusal) {
    showRefusal(refusal, showAll);
    return false;
  }
  form.check = answer;
  const dup = (answer?.warnings ?? []).find((w) => w.code === 'probable_duplicate');
  form.dup = dup ? (dup.duplicate_of ?? { code: '' }) : null;
  if (!form.dup) $('in-dup-confirm').checked = false;
  renderDup();
  renderDue();
  return true;
}

// ---- saving, printing -----------------------------------------------------

async function save() {
  if (!form.proc) {
    showError($('intake-procedure-error'), t('in_choose_proc'));
    $('intake-procedure').focus();
    return;
  }
  for (const id of FIELD_ORDER) form.touched.add(id);
  showError($('intake-error'), null);
  if (!(await runCheck(true))) {
    focusError();
    return;
  }
  if (form.dup && !$('in-dup-confirm').checked) {
    showError($('intake-error'), t('in_dup_needed'));
    $('in-dup-confirm').focus();
    return;
  }
  let r;
  try {
    r = await api('POST', '/api/v1/dossiers', body(), { key: form.key });
  } catch (e) {
    if (e instanceof ApiError && e.code === 'probable_duplicate') {
      form.dup = e.body?.error?.duplicate_of ?? { code: '' };
      renderDup();
      showError($('intake-error'), t('in_dup_needed'));
      $('in-dup-confirm').focus();
      return;
    }
    clearFieldErrors();
    showRefusal(e, true);
    focusError();
    return;
  }
  const sent = body();
  form.saved = { dossier: r.dossier, form: r.form, secret: r.secret, notifications: r.notifications ?? [],
    consent: !!sent.applicant?.notify?.channels?.length && r.dossier?.status !== 'rejected_at_intake' };
  form.printStatus = null;
  form.jobs = [];
  $('in-reprint').hidden = true;
  showError($('in-print-error'), null);
  $('in-preview').src = `/api/v1/dossiers/${encodeURIComponent(r.dossier.code)}/forms/${r.form}.pdf`;
  renderResult();
  $('pane-intake').scrollTop = 0;
  $('in-print').focus();
}

function focusError() {
  const bad = document.querySelector('#in-form [aria-invalid="true"]');
  if (bad) bad.focus();
}

let followRun = 0;
const PRINT_WORDS = { sending: 'in_printing', done: 'in_printed', waiting: 'in_print_waiting', failed: 'in_print_failed' };
// Follows the jobs (one a copy) with followJob and says the worst of them:
// all printed → "Đã in"; one failed → the printer's error; one waiting for
// its printer, or any still not printed after ten seconds → the printer's
// trouble; the reprint button unless all are printed or still being sent.
// Resolves once the words leave "sending" (printed, or trouble to say), so
// the buttons stay greyed meanwhile; the following goes on after that, and
// a printer back on turns the words to "Đã in".
function follow(ids) {
  const run = ++followRun;
  const alive = () => run === followRun;
  form.jobs = ids.map((id) => ({ id, state: 'queued', attempts: 0 }));
  const kinds = ids.map(() => 'sending');
  let slow = false;
  let settle;
  const settled = new Promise((res) => { settle = res; });
  const show = () => {
    if (!alive()) return settle();
    let kind = 'sending';
    if (kinds.every((k) => k === 'done')) kind = 'done';
    else if (kinds.includes('failed')) kind = 'failed';
    else if (slow || kinds.includes('waiting')) kind = 'waiting';
    form.printStatus = PRINT_WORDS[kind];
    $('in-print-status').classList.toggle('in-bad', kind === 'waiting' || kind === 'failed');
    $('in-reprint').hidden = kind === 'sending' || kind === 'done';
    renderResult();
    if (kind !== 'sending') settle();
  };
  show();
  const timer = setTimeout(() => { slow = true; show(); }, 10000);
  Promise.all(ids.map((id, i) => followJob(id, (job, word) => {
    if (!alive()) return;
    form.jobs[i] = job;
    kinds[i] = word.kind;
    show();
  }, { alive }).catch(() => { /* not known: said as trouble after ten seconds */ })))
    .finally(() => { clearTimeout(timer); slow = true; show(); });
  return settled;
}

async function print() {
  const s = form.saved;
  const b = { form: s.form, copies: copiesOf(s.form) };
  if (state.counter) b.counter = state.counter;
  if (s.secret) b.secret = s.secret;
  const r = await api('POST', `/api/v1/dossiers/${encodeURIComponent(s.dossier.code)}/print`, b);
  await follow(r.jobs ?? []);
}

// Each job again: a failed one retried, any other reprinted (printAgain).
async function reprint() {
  const ids = [];
  for (const job of form.jobs) ids.push((await printAgain(job)).id);
  await follow(ids);
}

// A clean form with a new Idempotency-Key.
function reset() {
  followRun++;
  clearTimeout(checkTimer);
  form.key = randomKey();
  form.proc = null;
  form.docs = [];
  form.extra = [];
  form.reasons = new Map();
  form.include = new Map();
  form.outcomeChosen = false;
  form.touched = new Set();
  form.check = null;
  form.checkSeq++;
  form.dup = null;
  form.saved = null;
  form.jobs = [];
  form.printStatus = null;
  $('in-form').reset();
  $('intake-code').textContent = '';
  $('intake-sets').value = '1';
  renderNotify();
  $('in-preview').removeAttribute('src');
  $('in-print-status').classList.remove('in-bad');
  $('in-reprint').hidden = true;
  clearFieldErrors();
  for (const id of ['intake-error', 'intake-procedure-error', 'in-print-error']) showError($(id), null);
  renderTexts();
  $('intake-procedure').focus();
}

// ---- start ----------------------------------------------------------------

export function startIntake() {
  const pane = $('pane-intake');
  pane.innerHTML = PANE;
  pane.classList.add('in-pane');

  const q = $('intake-procedure');
  q.addEventListener('input', () => {
    if (!catalogue) loadCatalogue().then(showMatches, (e) => showError($('intake-procedure-error'), e));
    showMatches();
  });
  q.addEventListener('focus', () => {
    if (!catalogue) loadCatalogue().then(() => renderTexts(), (e) => showError($('intake-procedure-error'), e));
  });
  q.addEventListener('blur', () => { $('intake-procedure-list').hidden = true; q.setAttribute('aria-expanded', 'false'); });
  q.addEventListener('keydown', (e) => {
    const open = !$('intake-procedure-list').hidden && matches.length > 0;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!open) { showMatches(); return; }
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
      markActive();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (!catalogue && fold(q.value)) {
        // Typed before the catalogue arrived: take the best match then.
        loadCatalogue().then(() => { showMatches(); if (matches.length) choose(matches[0]); },
          (err) => showError($('intake-procedure-error'), err));
      } else if (open && active >= 0) choose(matches[active]);
      else if (form.proc && fold(q.value) === form.proc._name) ($('in-doc-0') ?? $('applicant-name')).focus();
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      e.stopPropagation();
      $('intake-procedure-list').hidden = true;
    }
  });

  // Leaving a field asks the server; typing in a field already left asks
  // it again a little after the typing stops.
  for (const id of FIELD_ORDER) {
    const el = $(id);
    el.addEventListener('blur', () => {
      if (form.saved) return;
      const wasTouched = form.touched.has(id);
      if (el.value.trim() || wasTouched) form.touched.add(id);
      if (form.touched.has(id)) runCheck();
    });
    el.addEventListener('input', () => { if (form.touched.has(id)) scheduleCheck(600); });
  }
  for (const id of ['applicant-phone', 'applicant-email']) $(id).addEventListener('input', renderNotify);
  for (const [ch] of NOTIFY) {
    $(`in-notify-${ch}`).addEventListener('change', () => {
      showError($('in-notify-sms-error'), null);
      $('in-notify-sms').removeAttribute('aria-invalid');
    });
  }
  $('in-reason').addEventListener('blur', () => { form.touched.add('in-reason'); scheduleCheck(0); });
  $('in-reason').addEventListener('input', () => scheduleCheck(600));

  for (const r of document.querySelectorAll('input[name="in-outcome"]')) {
    r.addEventListener('change', () => { form.outcomeChosen = true; renderOutcome(); scheduleCheck(0); });
  }
  for (const id of ['intake-authority', 'intake-return']) $(id).addEventListener('change', () => scheduleCheck(0));
  $('in-missing-add').addEventListener('click', () => {
    form.extra.push({ item: '', reason: '' });
    renderMissing();
    $(`in-extra-${form.extra.length - 1}-item`)?.focus();
  });
  $('in-dup-confirm').addEventListener('change', () => { if ($('in-dup-confirm').checked) showError($('intake-error'), null); });

  // Enter moves to the next field (a name typed and Enter pressed must not
  // save a half-filled dossier); Enter on the last field or the save
  // button, and Ctrl+Enter anywhere in the form, save.
  const saveNow = guarded($('intake-save'), save, null);
  const formEl = $('in-form');
  formEl.addEventListener('submit', (e) => { e.preventDefault(); saveNow(); });
  formEl.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.target === q || (e.target.tagName === 'TEXTAREA' && !e.ctrlKey)) return;
    if (e.target.tagName === 'BUTTON') return;
    e.preventDefault();
    if (e.ctrlKey) { saveNow(); return; }
    const i = FIELD_ORDER.indexOf(e.target.id);
    if (i >= 0 && i < FIELD_ORDER.length - 1) $(FIELD_ORDER[i + 1]).focus();
    else if (i === FIELD_ORDER.length - 1) saveNow();
    else if (e.target.type === 'checkbox') e.target.click();
  });

  $('in-print').addEventListener('click', guarded($('in-print'), print, $('in-print-error'), $('in-reprint')));
  $('in-reprint').addEventListener('click', guarded($('in-reprint'), reprint, $('in-print-error'), $('in-print')));
  $('in-new').addEventListener('click', reset);

  on('lang', () => renderTexts());
  on('serving', () => renderTicket());
  // Alt+1 to a fresh form: the clerk types the procedure at once.
  on('tab', (name) => { if (name === 'intake' && !form.proc && !form.saved) q.focus(); });
  renderTexts();
  loadOffices().catch(() => { /* one office: nothing to choose */ });
  loadCatalogue().then(() => {
    if (!form.proc) $('in-proc-hint').textContent = t('in_proc_count', { n: catalogue.length });
    if (fold(q.value) && !form.proc) showMatches();
  }, (e) => showError($('intake-procedure-error'), e));
}
