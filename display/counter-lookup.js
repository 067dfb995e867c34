// The look-up pane of /counter (tra cứu): dossiers found by code, phone or
// ID number (GET /api/v1/dossiers?q=…; nothing typed: the newest), a list
// (code, applicant, procedure, status, appointment); a dossier opened shows
// its facts, the actions a clerk may take in its status (docs/api.md, the
// actions table: supplement received, fees paid, withdraw with a reason and
// its notice Mẫu 05 printed at this counter; a result that waits goes to
// the return pane), its control sheet (Mẫu 06: offices, people by full
// name, times) and its history in words. Refusals are the server's words.
import { $, addTexts, api, ApiError, emit, esc, fmt, guarded, on, showError, state, t } from './counter-core.js';
import { codeFromScan, factsHtml, followJob, jobWord, printAgain } from './counter-dossier.js';
import { actionWord, statusWord } from './dossier-words.js';

addTexts({
  vi: {
    lk_title: 'Tra cứu hồ sơ',
    lk_q: 'Mã hồ sơ, số điện thoại hoặc số CCCD / hộ chiếu',
    lk_submit: 'Tra cứu',
    lk_hint: 'Để trống rồi bấm Tra cứu để xem các hồ sơ mới nhất. Có thể quét mã QR trên giấy hẹn.',
    lk_found: 'Tìm thấy {n} hồ sơ.',
    lk_found_one: 'Tìm thấy 1 hồ sơ.',
    lk_found_some: 'Hiện {shown} hồ sơ mới nhất trong {n} hồ sơ tìm thấy.',
    lk_none: 'Không tìm thấy hồ sơ nào.',
    lk_col_code: 'Mã hồ sơ', lk_col_applicant: 'Người nộp', lk_col_procedure: 'Thủ tục',
    lk_col_status: 'Trạng thái', lk_col_due: 'Hẹn trả',
    lk_actions: 'Thao tác',
    lk_no_action: 'Không có thao tác nào tại quầy cho hồ sơ ở trạng thái này.',
    lk_supplement_received: 'Đã nhận đủ hồ sơ bổ sung',
    lk_payment_received: 'Đã nộp nghĩa vụ tài chính',
    lk_withdraw: 'Rút hồ sơ…',
    lk_go_return: 'Trả kết quả',
    lk_print_mau05: 'In thông báo rút hồ sơ (Mẫu 05)',
    lk_withdraw_reason: 'Lý do rút hồ sơ (công dân đề nghị)',
    lk_withdraw_submit: 'Rút hồ sơ và in Mẫu 05',
    lk_cancel: 'Hủy',
    lk_done_supplement_received: 'Đã ghi nhận hồ sơ bổ sung.',
    lk_done_payment_received: 'Đã ghi nhận nộp nghĩa vụ tài chính.',
    lk_done_withdraw: 'Đã rút hồ sơ.',
    lk_printing_mau05: 'Đang in Mẫu 05…',
    lk_print_mau01: 'In lại giấy tiếp nhận (Mẫu 01)',
    lk_print_mau02: 'In lại phiếu yêu cầu bổ sung (Mẫu 02)',
    lk_print_mau03: 'In lại phiếu từ chối tiếp nhận (Mẫu 03)',
    lk_printing_form: 'Đang in Mẫu {n}…',
    lk_sheet: 'Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)',
    lk_sheet_none: 'Hồ sơ chưa được chuyển giao.',
    lk_sheet_from: 'Bên giao', lk_sheet_to: 'Bên nhận', lk_sheet_given: 'Thời điểm giao',
    lk_sheet_ended: 'Kết thúc', lk_sheet_result: 'Kết quả',
    lk_step_early: 'Trước hạn', lk_step_on_time: 'Đúng hạn', lk_step_late: 'Quá hạn', lk_step_open: 'Đang giải quyết',
    lk_step_done: 'Đã xong (bước không có thời hạn riêng)',
    lk_sheet_no_person: 'Giao cho cơ quan, chưa giao cho người cụ thể',
    lk_history: 'Lịch sử hồ sơ',
    lk_reason: 'Lý do: {x}', lk_collected_by: 'Người nhận: {x}', lk_note: 'Ghi chú: {x}', lk_to: 'Chuyển đến: {x}',
    lk_by: 'bởi {x}',
  },
  en: {
    lk_title: 'Dossier look-up',
    lk_q: 'Dossier code, phone or ID card / passport number',
    lk_submit: 'Look up',
    lk_hint: 'Leave it empty and press Look up to see the newest dossiers. The QR code of a receipt can be scanned.',
    lk_found: '{n} dossiers found.',
    lk_found_one: '1 dossier found.',
    lk_found_some: 'The newest {shown} of {n} dossiers found.',
    lk_none: 'No dossier found.',
    lk_col_code: 'Code', lk_col_applicant: 'Applicant', lk_col_procedure: 'Procedure',
    lk_col_status: 'Status', lk_col_due: 'Result due',
    lk_actions: 'Actions',
    lk_no_action: 'No counter action for a dossier in this status.',
    lk_supplement_received: 'Supplement received in full',
    lk_payment_received: 'Fees paid',
    lk_withdraw: 'Withdraw…',
    lk_go_return: 'Return the result',
    lk_print_mau05: 'Print the withdrawal notice (form 05)',
    lk_withdraw_reason: "Reason for withdrawing (the citizen's request)",
    lk_withdraw_submit: 'Withdraw and print form 05',
    lk_cancel: 'Cancel',
    lk_done_supplement_received: 'Supplement recorded.',
    lk_done_payment_received: 'Payment recorded.',
    lk_done_withdraw: 'Dossier withdrawn.',
    lk_printing_mau05: 'Printing form 05…',
    lk_print_mau01: 'Print the receipt again (form 01)',
    lk_print_mau02: 'Print the supplement request again (form 02)',
    lk_print_mau03: 'Print the refusal again (form 03)',
    lk_printing_form: 'Printing form {n}…',
    lk_sheet: 'Control sheet (form 06)',
    lk_sheet_none: 'Not handed over yet.',
    lk_sheet_from: 'Given by', lk_sheet_to: 'Received by', lk_sheet_given: 'Handed over',
    lk_sheet_ended: 'Ended', lk_sheet_result: 'Result',
    lk_step_early: 'Early', lk_step_on_time: 'On time', lk_step_late: 'Late', lk_step_open: 'In progress',
    lk_step_done: 'Done (no time limit of its own)',
    lk_sheet_no_person: 'Handed to the office, no person named',
    lk_history: 'History',
    lk_reason: 'Reason: {x}', lk_collected_by: 'Collected by: {x}', lk_note: 'Note: {x}', lk_to: 'Sent to: {x}',
    lk_by: 'by {x}',
  },
});

// The pane's data: the last list, the dossier open (with its control
// sheet), the last action's outcome and the Mẫu 05 print being followed;
// seq grows with each dossier opened so a stale answer is dropped.
const view = { list: null, d: null, sheet: null, done: null, print: null, seq: 0 };

// The actions a clerk may take at the counter, by status (docs/api.md).
const OPEN = ['supplement_requested', 'received', 'in_process', 'interagency', 'awaiting_payment'];
// The form the dossier's intake gave the citizen: Mẫu 01 (received), 02
// (taken in, supplement requested) or 03 (refused), read from the intake
// event of its history; null when the history has none.
const INTAKE_FORMS = { 'dossier.received': 'mau-01', 'dossier.intake_supplement': 'mau-02', 'dossier.refused': 'mau-03' };
// A dossier taken in for supplements and received since (its supplement in
// full) has its receipt, Mẫu 01.
function intakeForm(d) {
  for (const h of d.history ?? []) {
    const form = INTAKE_FORMS[h.action];
    if (form) return form === 'mau-02' && (d.received_at || d.ledger) ? 'mau-01' : form;
  }
  return null;
}

function actionsFor(status, d) {
  const a = [];
  if (status === 'supplement_requested') a.push('supplement_received');
  if (status === 'awaiting_payment') a.push('payment_received');
  if (OPEN.includes(status)) a.push('withdraw');
  if (status === 'result_ready') a.push('return');
  if (status === 'withdrawn') a.push('print_mau05');
  const intake = d && intakeForm(d);
  if (intake) a.push(`print_${intake.replace('-', '')}`);
  return a;
}
const ACTION_IDS = {
  supplement_received: ['act-supplement-received', 'lk_supplement_received'],
  payment_received: ['act-payment-received', 'lk_payment_received'],
  withdraw: ['act-withdraw', 'lk_withdraw'],
  return: ['act-return', 'lk_go_return'],
  print_mau05: ['act-print-mau05', 'lk_print_mau05'],
  print_mau01: ['act-print-mau01', 'lk_print_mau01'],
  print_mau02: ['act-print-mau02', 'lk_print_mau02'],
  print_mau03: ['act-print-mau03', 'lk_print_mau03'],
};

function skeleton() {
  $('pane-lookup').innerHTML = `
  <h2 class="pane-title" data-i18n="lk_title">${esc(t('lk_title'))}</h2>
  <form id="lookup-form" class="scan-form" autocomplete="off">
    <label for="lookup-q" data-i18n="lk_q">${esc(t('lk_q'))}</label>
    <div class="scan-row">
      <input id="lookup-q" name="q" spellcheck="false" maxlength="300" aria-describedby="lookup-hint">
      <button id="lookup-submit" type="submit" data-i18n="lk_submit">${esc(t('lk_submit'))}</button>
    </div>
    <small id="lookup-hint" class="hint" data-i18n="lk_hint">${esc(t('lk_hint'))}</small>
  </form>
  <p id="lookup-error" class="error" role="alert"></p>
  <p id="lookup-count" role="status"></p>
  <div class="lk-list">
    <table id="lookup-results" class="lk-table" hidden>
      <thead><tr>
        <th data-i18n="lk_col_code">${esc(t('lk_col_code'))}</th>
        <th data-i18n="lk_col_applicant">${esc(t('lk_col_applicant'))}</th>
        <th data-i18n="lk_col_procedure">${esc(t('lk_col_procedure'))}</th>
        <th data-i18n="lk_col_status">${esc(t('lk_col_status'))}</th>
        <th data-i18n="lk_col_due">${esc(t('lk_col_due'))}</th>
      </tr></thead>
      <tbody id="lookup-rows"></tbody>
    </table>
  </div>
  <article id="lookup-detail" class="dos-card" hidden>
    <h3 id="lookup-title" class="dos-code num" tabindex="-1"></h3>
    <div id="lookup-facts"></div>
    <section class="lk-actions" aria-labelledby="lookup-actions-h">
      <h4 id="lookup-actions-h" data-i18n="lk_actions">${esc(t('lk_actions'))}</h4>
      <div id="lookup-actions" class="buttons"></div>
      <form id="withdraw-form" class="withdraw" hidden autocomplete="off">
        <label><span data-i18n="lk_withdraw_reason">${esc(t('lk_withdraw_reason'))}</span>
          <input id="withdraw-reason" maxlength="1000"></label>
        <div class="buttons">
          <button id="withdraw-submit" type="submit" class="primary" data-i18n="lk_withdraw_submit">${esc(t('lk_withdraw_submit'))}</button>
          <button id="withdraw-cancel" type="button" data-i18n="lk_cancel">${esc(t('lk_cancel'))}</button>
        </div>
      </form>
      <p id="lookup-action-error" class="error" role="alert"></p>
      <p id="lookup-action-done" class="done" role="status" hidden></p>
      <p id="lookup-print-status" role="status" hidden></p>
      <button id="lookup-print-reprint" type="button" hidden data-i18n="job_reprint">${esc(t('job_reprint'))}</button>
    </section>
    <h4 data-i18n="lk_sheet">${esc(t('lk_sheet'))}</h4>
    <div id="lookup-sheet-box"></div>
    <h4 data-i18n="lk_history">${esc(t('lk_history'))}</h4>
    <ol id="lookup-history" class="lk-history"></ol>
  </article>`;
}

function renderList() {
  const l = view.list;
  const f = fmt(state.lang);
  const table = $('lookup-results');
  if (!l) {
    table.hidden = true;
    $('lookup-count').textContent = '';
    return;
  }
  $('lookup-count').textContent = l.total === 0 ? t('lk_none') : l.total === 1 ? t('lk_found_one')
    : l.items.length < l.total ? t('lk_found_some', { shown: f.count(l.items.length), n: f.count(l.total) })
      : t('lk_found', { n: f.count(l.total) });
  table.hidden = l.items.length === 0;
  $('lookup-rows').innerHTML = l.items.map((d) => `<tr${view.d?.code === d.code ? ' class="open"' : ''}>`
    + `<td><button type="button" class="linkish num" data-code="${esc(d.code)}">${esc(d.code)}</button></td>`
    + `<td>${esc(d.applicant?.name ?? '—')}</td><td>${esc(d.procedure?.name ?? '—')}</td>`
    + `<td class="dos-status st-${esc(d.status)}">${esc(statusWord(d, state.lang))}</td>`
    + `<td class="num">${esc(f.dateTime(d.due_at))}</td></tr>`).join('');
}

// Who did it, by full name: the server's actor_name; from an older server,
// the clerk who received the dossier or this page's own clerk, else nothing.
function actorName(d, h) {
  const actor = h.actor;
  if (h.actor_name) return h.actor_name;
  if (actor && actor === d.received_by && d.received_by_user?.full_name) return d.received_by_user.full_name;
  if (actor && actor === state.session?.actor && state.session?.full_name) return state.session.full_name;
  return null;
}

function historyHtml(d) {
  const f = fmt(state.lang);
  const officeNames = new Map();
  for (const s of d.steps ?? []) {
    officeNames.set(s.office, s.office_name);
    if (s.from_office) officeNames.set(s.from_office, s.from_office_name);
  }
  // An intake that handed the dossier over at once (another authority's
  // dossier, docs/api.md) names the office in its details: a line of its own.
  const events = (d.history ?? []).flatMap((h) => (h.details?.handover_to
    ? [h, { ...h, action: 'dossier.handover', details: { to_office: h.details.handover_to } }] : [h]));
  return events.map((h) => {
    const x = h.details ?? {};
    const bits = [];
    if (x.to_office) bits.push(t('lk_to', { x: officeNames.get(x.to_office) ?? x.to_office }));
    if (x.reason) bits.push(t('lk_reason', { x: x.reason }));
    if (x.collected_by) bits.push(t('lk_collected_by', { x: x.collected_by }));
    if (x.note) bits.push(t('lk_note', { x: x.note }));
    const who = actorName(d, h);
    return `<li><span class="num">${esc(f.dateTime(h.at))}</span> · <b class="act">${esc(actionWord(h.action, state.lang))}</b>`
      + `${bits.length ? ` · ${esc(bits.join('; '))}` : ''}${who ? ` · <span class="who">${esc(t('lk_by', { x: who }))}</span>` : ''}</li>`;
  }).join('');
}

function sheetHtml(rows) {
  const f = fmt(state.lang);
  if (!rows?.length) return `<p class="hint">${esc(t('lk_sheet_none'))}</p>`;
  // A step ended without a verdict had no time limit of its own (no budget).
  const result = (r) => t(r.result ? `lk_step_${r.result}` : r.ended_at ? 'lk_step_done' : 'lk_step_open');
  const stepClass = (r) => r.result ?? (r.ended_at ? 'done' : 'open');
  // Handed to an office without a person: the receiver is the office itself.
  const receiver = (r) => (r.receiver === r.office || !r.receiver ? t('lk_sheet_no_person')
    : r.receiver_name ?? r.receiver);
  return `<table id="lookup-sheet" class="lk-table"><thead><tr><th>#</th>`
    + `<th>${esc(t('lk_sheet_from'))}</th><th>${esc(t('lk_sheet_to'))}</th><th>${esc(t('lk_sheet_given'))}</th>`
    + `<th>${esc(t('lk_sheet_ended'))}</th><th>${esc(t('lk_sheet_result'))}</th></tr></thead><tbody>`
    + rows.map((r, i) => `<tr><td class="num">${i + 1}</td>`
      + `<td>${esc(r.from_office_name ?? r.from_office ?? '—')}<br><b>${esc(r.giver_name ?? r.giver ?? '')}</b></td>`
      + `<td>${esc(r.office_name ?? r.office)}<br><b>${esc(receiver(r))}</b></td>`
      + `<td class="num">${esc(f.dateTime(r.given_at))}</td><td class="num">${esc(f.dateTime(r.ended_at))}</td>`
      + `<td class="step-${esc(stepClass(r))}">${esc(result(r))}</td></tr>`).join('')
    + '</tbody></table>';
}

function renderDetail() {
  const d = view.d;
  $('lookup-detail').hidden = !d;
  if (!d) return;
  $('lookup-title').textContent = d.code;
  $('lookup-facts').innerHTML = factsHtml(d, 'lookup');
  const acts = actionsFor(d.status, d);
  $('lookup-actions').innerHTML = acts.length
    ? acts.map((a) => `<button type="button" id="${ACTION_IDS[a][0]}" data-act="${a}">${esc(t(ACTION_IDS[a][1]))}</button>`).join('')
    : `<p class="hint">${esc(t('lk_no_action'))}</p>`;
  if (!acts.includes('withdraw')) $('withdraw-form').hidden = true;
  const done = $('lookup-action-done');
  done.hidden = !view.done;
  done.textContent = view.done ? t(`lk_done_${view.done}`) : '';
  renderPrint();
  $('lookup-sheet-box').innerHTML = sheetHtml(view.sheet?.rows ?? d.steps);
  $('lookup-history').innerHTML = historyHtml(d);
}

function renderPrint() {
  const p = view.print;
  const st = $('lookup-print-status');
  st.hidden = !p;
  $('lookup-print-reprint').hidden = !(p?.job && p.word && p.word.kind !== 'sending');
  if (!p) return;
  const kind = p.word?.kind ?? 'sending';
  st.className = `job ${kind}`;
  st.dataset.state = kind;
  // The words again from the job: the language may have changed since.
  st.textContent = p.word && kind !== 'sending' ? jobWord(p.job).text
    : t('lk_printing_form', { n: (p.form ?? 'mau-05').slice(4) });
}

async function search() {
  const q = codeFromScan($('lookup-q').value);
  const r = await api('GET', `/api/v1/dossiers?limit=50${q ? `&q=${encodeURIComponent(q)}` : ''}`);
  view.list = r;
  renderList();
  if (r.items.length === 1) await open(r.items[0].code);
}

// Opens dossier code: its staff view with history and its control sheet.
async function open(code) {
  const seq = ++view.seq;
  view.done = null;
  view.print = null;
  showError($('lookup-action-error'), null);
  const [d, sheet] = await Promise.all([
    api('GET', `/api/v1/dossiers/${encodeURIComponent(code)}`),
    api('GET', `/api/v1/dossiers/${encodeURIComponent(code)}/control-sheet`).catch(() => null),
  ]);
  if (seq !== view.seq) return;
  view.d = d;
  view.sheet = sheet;
  $('withdraw-form').hidden = true;
  renderList();
  renderDetail();
  $('lookup-title').focus();
}

// Reads the dossier again after a change (its history and sheet grew).
async function reload() {
  const seq = view.seq;
  const code = view.d.code;
  const [d, sheet] = await Promise.all([
    api('GET', `/api/v1/dossiers/${encodeURIComponent(code)}`),
    api('GET', `/api/v1/dossiers/${encodeURIComponent(code)}/control-sheet`).catch(() => null),
  ]);
  if (seq !== view.seq) return;
  view.d = d;
  view.sheet = sheet;
  if (view.list) {
    view.list.items = view.list.items.map((x) => (x.code === d.code ? d : x));
    renderList();
  }
  renderDetail();
}

async function act(action, extra = {}) {
  const code = view.d.code;
  const seq = view.seq;
  await api('POST', `/api/v1/dossiers/${encodeURIComponent(code)}/actions`, { action, ...extra });
  if (seq !== view.seq) return false;
  view.done = action;
  await reload();
  // The button pressed is gone with the status it belonged to: the
  // keyboard goes on from the dossier's heading.
  $('lookup-title').focus();
  return true;
}

// Prints form (the withdrawal notice Mẫu 05, or again the intake's Mẫu
// 01/02/03) at this counter and follows it.
async function printForm(form = 'mau-05') {
  const code = view.d.code;
  const seq = view.seq;
  const body = { form, copies: 1 };
  if (Number.isInteger(state.counter)) body.counter = state.counter;
  view.print = { job: null, word: null, form };
  renderPrint();
  let r;
  try {
    r = await api('POST', `/api/v1/dossiers/${encodeURIComponent(code)}/print`, body);
  } catch (e) {
    if (seq === view.seq) { view.print = null; renderPrint(); }
    throw e;
  }
  if (seq !== view.seq) return;
  const id = r.jobs?.[0];
  if (id) follow(id, seq, r.printer, form);
}

function follow(id, seq, printer, form) {
  view.print = { job: { id, printer, state: 'queued', attempts: 0 }, word: null, form };
  renderPrint();
  followJob(id, (job, word) => {
    if (seq !== view.seq) return;
    view.print = { job, word, form };
    renderPrint();
  }, { alive: () => seq === view.seq }).catch((e) => {
    if (seq === view.seq) showError($('lookup-action-error'), e);
  });
}

async function withdraw() {
  const reason = $('withdraw-reason').value.trim();
  // An empty reason is sent without one: the server answers in its words.
  if (!(await act('withdraw', reason ? { reason } : {}))) return;
  $('withdraw-form').hidden = true;
  $('withdraw-reason').value = '';
  await printForm('mau-05');
}

export function startLookup() {
  skeleton();
  const errEl = $('lookup-error');
  const searchGuarded = guarded($('lookup-submit'), async () => {
    try {
      await search();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      showError(errEl, e);
    }
  }, errEl);
  $('lookup-form').addEventListener('submit', (e) => {
    e.preventDefault();
    searchGuarded();
  });
  const openGuarded = guarded(null, (code) => open(code), errEl);
  $('lookup-rows').addEventListener('click', (e) => {
    const code = e.target.closest('button[data-code]')?.dataset.code;
    if (code) openGuarded(code);
  });
  const actEl = $('lookup-action-error');
  $('lookup-actions').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-act]');
    if (!b) return;
    const a = b.dataset.act;
    if (a === 'withdraw') {
      $('withdraw-form').hidden = false;
      $('withdraw-reason').focus();
      return;
    }
    if (a === 'return') {
      $('tab-return').click();
      emit('return-dossier', view.d.code);
      return;
    }
    if (a.startsWith('print_mau')) {
      guarded(b, () => printForm(`mau-${a.slice(-2)}`), actEl)();
      return;
    }
    guarded(b, () => act(a), actEl)();
  });
  const withdrawGuarded = guarded($('withdraw-submit'), withdraw, actEl, $('withdraw-cancel'));
  $('withdraw-form').addEventListener('submit', (e) => {
    e.preventDefault();
    withdrawGuarded();
  });
  const closeWithdraw = () => {
    $('withdraw-form').hidden = true;
    $('act-withdraw')?.focus();
  };
  $('withdraw-cancel').addEventListener('click', closeWithdraw);
  $('withdraw-form').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); closeWithdraw(); }
  });
  $('lookup-print-reprint').addEventListener('click', guarded($('lookup-print-reprint'), async () => {
    const p = view.print;
    if (!p?.job) return;
    const job = await printAgain(p.job);
    follow(job.id, view.seq, job.printer, p.form);
  }, actEl));
  on('lang', () => { renderList(); renderDetail(); });
  on('tab', (name) => {
    if (name === 'lookup') $('lookup-q').focus();
  });
}
