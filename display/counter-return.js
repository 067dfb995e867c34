// The return pane of /counter (trả kết quả): the clerk scans the QR code of
// the citizen's receipt (the scanner types its status address, then Enter)
// or types the code; the pane shows the dossier to check the collector's
// identity against (applicant, ID number, status, appointment, late or
// not); for a result that waits, records who collected it (POST …/actions
// return_result), shows its ledger line, and prints a rating slip on this
// counter's printer (POST …/rating-slip), following the print until the
// printer has it. A dossier returned earlier gets a rating slip on demand.
// Every refusal is the server's own words.
import { $, addTexts, api, ApiError, esc, fmt, guarded, on, showError, state, t } from './counter-core.js';
import { codeFromScan, factsHtml, followJob, jobWord, officeDate, printAgain } from './counter-dossier.js';
import { statusWord } from './dossier-words.js';

addTexts({
  vi: {
    ret_title: 'Trả kết quả',
    ret_scan: 'Mã hồ sơ (quét mã QR trên giấy hẹn hoặc nhập mã)',
    ret_find: 'Tìm hồ sơ',
    ret_scan_hint: 'Đặt con trỏ vào ô này rồi quét mã QR; máy quét tự nhấn Enter.',
    ret_empty: 'Nhập hoặc quét mã hồ sơ.',
    ret_check: 'Đối chiếu họ tên và số giấy tờ tùy thân của người đến nhận với thông tin trên.',
    ret_collected_by: 'Người nhận kết quả (họ và tên)',
    ret_id_checked: 'Đã kiểm tra giấy tờ tùy thân',
    ret_rating: 'In phiếu đánh giá',
    ret_submit: 'Trả kết quả',
    ret_not_ready: 'Chưa trả được kết quả: hồ sơ đang ở trạng thái "{status}".',
    ret_ended: 'Không có kết quả để trả: hồ sơ ở trạng thái "{status}".',
    ret_already: 'Hồ sơ đã trả kết quả cho {who} lúc {when}.',
    ret_done: 'Đã trả kết quả cho {who}. Đã ghi vào sổ theo dõi: quyển {book}, số {line}.',
    ret_done_noledger: 'Đã trả kết quả cho {who}.',
    ret_ledger_link: 'Tải sổ theo dõi hồ sơ (Mẫu 07)',
    ret_rating_later: 'In phiếu đánh giá',
    ret_slip_made: 'Đang in phiếu đánh giá…',
    ret_slip_done: 'Đã in phiếu đánh giá. Mời công dân quét mã QR trên phiếu để đánh giá.',
    ret_slip_code: 'Mã đánh giá trên phiếu: {code}',
  },
  en: {
    ret_title: 'Return of results',
    ret_scan: 'Dossier code (scan the QR code on the receipt or type the code)',
    ret_find: 'Find dossier',
    ret_scan_hint: 'Put the cursor in this field and scan the QR code; the scanner presses Enter.',
    ret_empty: 'Type or scan a dossier code.',
    ret_check: "Check the collector's name and identity document against the details above.",
    ret_collected_by: 'Collected by (full name)',
    ret_id_checked: 'Identity document checked',
    ret_rating: 'Print a rating slip',
    ret_submit: 'Return the result',
    ret_not_ready: 'The result cannot be returned yet: the dossier is "{status}".',
    ret_ended: 'There is no result to return: the dossier is "{status}".',
    ret_already: 'The result was returned to {who} at {when}.',
    ret_done: 'Result returned to {who}. Written in the ledger: book {book}, line {line}.',
    ret_done_noledger: 'Result returned to {who}.',
    ret_ledger_link: 'Download the dossier ledger (form 07)',
    ret_rating_later: 'Print a rating slip',
    ret_slip_made: 'Printing the rating slip…',
    ret_slip_done: 'Rating slip printed. Ask the citizen to scan its QR code to rate the service.',
    ret_slip_code: 'Rating code on the slip: {code}',
  },
});

// What the pane shows: the dossier found (null: none), whether it was just
// returned here, the last rating slip made ({link, printer, job}) and a
// number that grows with each new dossier so a stale follow stops.
const view = { d: null, justReturned: false, slip: null, seq: 0 };

const ENDED = new Set(['rejected_at_intake', 'returned_ineligible', 'withdrawn', 'cancelled']);

function skeleton() {
  const p = $('pane-return');
  p.innerHTML = `
  <h2 class="pane-title" data-i18n="ret_title">${esc(t('ret_title'))}</h2>
  <form id="return-form" class="scan-form" autocomplete="off">
    <label for="return-code" data-i18n="ret_scan">${esc(t('ret_scan'))}</label>
    <div class="scan-row">
      <input id="return-code" name="code" spellcheck="false" autocapitalize="characters" maxlength="300" aria-describedby="return-hint">
      <button id="return-find" type="submit" data-i18n="ret_find">${esc(t('ret_find'))}</button>
    </div>
    <small id="return-hint" class="hint" data-i18n="ret_scan_hint">${esc(t('ret_scan_hint'))}</small>
  </form>
  <p id="return-error" class="error" role="alert"></p>
  <article id="return-dossier" class="dos-card" hidden aria-live="polite">
    <h3 id="return-title" class="dos-code num"></h3>
    <div id="return-facts"></div>
    <p id="return-why" class="notice" hidden></p>
    <form id="return-collect" class="collect" hidden autocomplete="off">
      <p class="hint" data-i18n="ret_check">${esc(t('ret_check'))}</p>
      <label><span data-i18n="ret_collected_by">${esc(t('ret_collected_by'))}</span>
        <input id="return-collected-by" maxlength="200"></label>
      <label class="tick"><input id="return-id-checked" type="checkbox"> <span data-i18n="ret_id_checked">${esc(t('ret_id_checked'))}</span></label>
      <label class="tick"><input id="return-rating" type="checkbox" checked> <span data-i18n="ret_rating">${esc(t('ret_rating'))}</span></label>
      <button id="return-submit" type="submit" class="primary" data-i18n="ret_submit">${esc(t('ret_submit'))}</button>
      <p id="return-collect-error" class="error" role="alert"></p>
    </form>
    <div id="return-done" class="done" hidden>
      <p id="return-done-text" role="status"></p>
      <a id="return-ledger-link" data-i18n="ret_ledger_link" download>${esc(t('ret_ledger_link'))}</a>
    </div>
    <div id="return-slip" class="slip">
      <button id="return-rating-later" type="button" hidden data-i18n="ret_rating_later">${esc(t('ret_rating_later'))}</button>
      <p id="return-slip-status" role="status"></p>
      <p id="return-slip-code" class="hint num" hidden></p>
      <button id="return-slip-reprint" type="button" hidden data-i18n="job_reprint">${esc(t('job_reprint'))}</button>
      <p id="return-slip-error" class="error" role="alert"></p>
    </div>
  </article>`;
}

// The rating code as printed on the slip: groups of four.
const grouped = (token) => String(token ?? '').replace(/(.{4})(?=.)/g, '$1-');

function renderSlip() {
  const s = view.slip;
  const status = $('return-slip-status');
  const reprint = $('return-slip-reprint');
  if (!s) {
    status.textContent = '';
    status.className = '';
    $('return-slip-code').hidden = true;
    reprint.hidden = true;
    return;
  }
  const kind = s.word?.kind ?? 'sending';
  status.className = `job ${kind}`;
  status.textContent = kind === 'done' ? t('ret_slip_done')
    : kind === 'sending' ? t('ret_slip_made') : jobWord(s.job).text;
  status.dataset.state = kind;
  $('return-slip-code').hidden = !s.link?.token;
  $('return-slip-code').textContent = t('ret_slip_code', { code: grouped(s.link?.token) });
  reprint.hidden = !(s.job && (kind === 'waiting' || kind === 'failed' || kind === 'done'));
  $('return-slip').scrollIntoView({ block: 'nearest' });
}

function render() {
  const d = view.d;
  $('return-dossier').hidden = !d;
  if (!d) return;
  const f = fmt(state.lang);
  $('return-title').textContent = d.code;
  $('return-facts').innerHTML = factsHtml(d, 'return');
  const why = $('return-why');
  const ready = d.status === 'result_ready';
  $('return-collect').hidden = !ready;
  why.hidden = ready || (view.justReturned && d.status === 'returned');
  why.className = `notice ${d.status === 'returned' ? 'info' : 'warn'}`;
  if (d.status === 'returned') {
    why.textContent = t('ret_already', { who: d.returned_to ?? '—', when: f.dateTime(d.returned_at) });
  } else if (ENDED.has(d.status)) {
    why.textContent = t('ret_ended', { status: statusWord(d, state.lang) });
  } else if (!ready) {
    why.textContent = t('ret_not_ready', { status: statusWord(d, state.lang) });
  }
  const done = $('return-done');
  done.hidden = !(view.justReturned && d.status === 'returned');
  if (!done.hidden) {
    $('return-done-text').textContent = d.ledger
      ? t('ret_done', { who: d.returned_to ?? '—', book: d.ledger.book, line: d.ledger.line })
      : t('ret_done_noledger', { who: d.returned_to ?? '—' });
  }
  // The ledger of the days from the dossier's receipt to today: its line
  // is in it, with the return just recorded.
  const from = officeDate(d.received_at ?? d.intake_at);
  $('return-ledger-link').href = `/api/v1/ledger.csv?from=${from}&to=${officeDate()}`;
  // A slip made here has its print-again button; the later one is for a
  // dossier returned without one.
  $('return-rating-later').hidden = !(d.status === 'returned') || !!view.slip;
  renderSlip();
}

// The scan field, ready for the next scan (what it holds is replaced).
function focusScan() {
  $('return-code').focus();
  $('return-code').select();
}

// Looks the scanned or typed code up and shows the dossier.
async function find() {
  const code = codeFromScan($('return-code').value);
  showError($('return-collect-error'), null);
  showError($('return-slip-error'), null);
  if (!code) {
    showError($('return-error'), new Error(t('ret_empty')));
    $('return-code').focus();
    return;
  }
  $('return-code').value = code; // the code, not the whole address (nor its secret)
  const seq = ++view.seq;
  view.d = null;
  view.slip = null;
  view.justReturned = false;
  render();
  const d = await api('GET', `/api/v1/dossiers/${encodeURIComponent(code)}`);
  if (seq !== view.seq) return;
  view.d = d;
  render();
  if (d.status === 'result_ready') {
    $('return-collected-by').value = d.applicant?.name ?? '';
    $('return-id-checked').checked = false;
    $('return-rating').checked = true;
    $('return-collected-by').focus();
  } else if (d.status === 'returned') {
    $('return-rating-later').focus();
  }
}

// Records the return: who collected, identity checked (the server refuses
// without it, in its own words).
async function collect() {
  const d = view.d;
  if (!d) return;
  const seq = view.seq;
  const body = { action: 'return_result', id_checked: $('return-id-checked').checked };
  const who = $('return-collected-by').value.trim();
  if (who) body.collected_by = who;
  const r = await api('POST', `/api/v1/dossiers/${encodeURIComponent(d.code)}/actions`, body);
  if (seq !== view.seq) return;
  view.d = r.dossier;
  view.justReturned = true;
  render();
  if ($('return-rating').checked) await slip();
  else focusScan();
}

// Makes a rating link printed as a slip at this counter, then follows the
// print.
async function slip() {
  const d = view.d;
  if (!d) return;
  const seq = view.seq;
  showError($('return-slip-error'), null);
  const body = Number.isInteger(state.counter) ? { counter: state.counter } : {};
  let r;
  try {
    r = await api('POST', `/api/v1/dossiers/${encodeURIComponent(d.code)}/rating-slip`, body);
  } catch (e) {
    if (seq === view.seq) showError($('return-slip-error'), e);
    return;
  }
  if (seq !== view.seq) return;
  const id = r.print?.jobs?.[0];
  view.slip = { link: r.link, printer: r.print?.printer, job: id ? { id, printer: r.print?.printer, state: 'queued', attempts: 0 } : null, word: null };
  render();
  focusScan();
  if (id) follow(id, seq); // not awaited: the pane stays free meanwhile
}

async function follow(id, seq) {
  try {
    await followJob(id, (job, word) => {
      view.slip.job = job;
      view.slip.word = word;
      renderSlip();
    }, { alive: () => seq === view.seq });
  } catch (e) {
    if (seq === view.seq) showError($('return-slip-error'), e);
  }
}

async function reprintSlip() {
  const s = view.slip;
  if (!s?.job) return;
  const seq = view.seq;
  const job = await printAgain(s.job);
  if (seq !== view.seq) return;
  s.job = job;
  s.word = null;
  renderSlip();
  follow(job.id, seq);
}

export function startReturn() {
  skeleton();
  $('return-form').addEventListener('submit', (e) => {
    e.preventDefault();
    findGuarded();
  });
  const findGuarded = guarded($('return-find'), async () => {
    showError($('return-error'), null);
    try {
      await find();
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      showError($('return-error'), e);
      $('return-code').select();
    }
  }, $('return-error'));
  $('return-collect').addEventListener('submit', (e) => {
    e.preventDefault();
    collectGuarded();
  });
  const collectGuarded = guarded($('return-submit'), collect, $('return-collect-error'));
  $('return-rating-later').addEventListener('click',
    guarded($('return-rating-later'), slip, $('return-slip-error')));
  $('return-slip-reprint').addEventListener('click',
    guarded($('return-slip-reprint'), reprintSlip, $('return-slip-error')));
  on('lang', () => render());
  on('tab', (name) => {
    if (name === 'return') focusScan();
  });
  // The look-up pane hands a dossier over: "Trả kết quả" on a result_ready one.
  on('return-dossier', (code) => {
    $('return-code').value = code;
    findGuarded();
  });
}
