// What the return and look-up panes of /counter share: reading a scanned
// code, a dossier's facts as the clerk checks them, and following a print
// job of the server's spool until the printer has it.
import { addTexts, api, esc, fmt, state, t } from './counter-core.js';
import { statusWord } from './dossier-words.js';

addTexts({
  vi: {
    dos_procedure: 'Thủ tục', dos_applicant: 'Người nộp', dos_id_number: 'Số CCCD / hộ chiếu',
    dos_phone: 'Điện thoại', dos_status: 'Trạng thái', dos_received: 'Ngày tiếp nhận',
    dos_due: 'Hẹn trả kết quả', dos_new_due: 'Hẹn lại (văn bản xin lỗi)', dos_timing: 'Thời hạn',
    dos_late: 'Trễ hẹn {days} ngày làm việc', dos_late_short: 'Trễ hẹn', dos_in_time: 'Còn trong hạn',
    dos_result_early: 'Xong trước hạn', dos_result_on_time: 'Xong đúng hạn', dos_result_late: 'Xong trễ hạn',
    dos_paused: 'Đang tạm dừng chờ bổ sung', dos_returned: 'Đã trả kết quả', dos_returned_to: '{who}, lúc {when}',
    dos_ledger: 'Sổ theo dõi (Mẫu 07)', dos_ledger_line: 'Quyển {book}, số {line}', dos_return_at: 'Nơi trả kết quả',
    dos_none: '—',
    job_sending: 'Đang gửi tới máy in "{printer}"…',
    job_done: 'Máy in "{printer}" đã in xong.',
    job_waiting: 'Máy in "{printer}" chưa in được (máy in tắt hoặc mất kết nối). Bản in được giữ lại và sẽ tự in khi máy in hoạt động lại; hoặc bấm "In lại".',
    job_failed: 'Máy in "{printer}" không in được. Kiểm tra máy in (bật máy, giấy) rồi bấm "In lại".',
    job_reprint: 'In lại',
  },
  en: {
    dos_procedure: 'Procedure', dos_applicant: 'Applicant', dos_id_number: 'ID card / passport',
    dos_phone: 'Phone', dos_status: 'Status', dos_received: 'Received on',
    dos_due: 'Result due', dos_new_due: 'New appointment (apology)', dos_timing: 'Time limit',
    dos_late: 'Late by {days} working days', dos_late_short: 'Late', dos_in_time: 'Within the time limit',
    dos_result_early: 'Finished early', dos_result_on_time: 'Finished on time', dos_result_late: 'Finished late',
    dos_paused: 'Paused, waiting for a supplement', dos_returned: 'Result returned', dos_returned_to: '{who}, at {when}',
    dos_ledger: 'Ledger (form 07)', dos_ledger_line: 'Book {book}, line {line}', dos_return_at: 'Result returned at',
    dos_none: '—',
    job_sending: 'Sending to printer "{printer}"…',
    job_done: 'Printer "{printer}" has printed it.',
    job_waiting: 'Printer "{printer}" has not printed it yet (off or disconnected). The print is kept and comes out by itself when the printer is back; or press "Print again".',
    job_failed: 'Printer "{printer}" could not print it. Check the printer (power, paper), then press "Print again".',
    job_reprint: 'Print again',
  },
});

// The dossier code in what the clerk typed or a scanner typed: a bare code,
// or the status address the QR code of Mẫu 01 carries
// (<public_url>/status?code=<code>&secret=<secret>, core/src/api/printing.c),
// whole or without its scheme and host. Spaces are dropped, letters made
// capital. '' when there is nothing.
export function codeFromScan(text) {
  const s = String(text ?? '').trim();
  if (!s) return '';
  if (/[?&]code=/i.test(s) || /^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    try {
      const u = new URL(s, location.origin);
      const c = u.searchParams.get('code') ?? [...u.searchParams].find(([k]) => k.toLowerCase() === 'code')?.[1];
      if (c) return c.replace(/\s+/g, '').toUpperCase();
    } catch { /* not an address: taken as typed */ }
  }
  return s.replace(/\s+/g, '').toUpperCase();
}

// The office date (YYYY-MM-DD, UTC+7) of epoch seconds t (now without t).
export function officeDate(t) {
  const ms = (t ?? Date.now() / 1000) * 1000 + 7 * 3600 * 1000;
  return new Date(ms).toISOString().slice(0, 10);
}

// Whether the dossier is late, in words, with a class for its colour.
export function timingWord(d) {
  const f = fmt(state.lang);
  const tm = d.timing ?? {};
  if (tm.result) return { cls: tm.result === 'late' ? 'late' : 'ok', text: t(`dos_result_${tm.result}`) };
  if (tm.late) {
    const days = Number(tm.late_working_days);
    return { cls: 'late', text: days > 0 ? t('dos_late', { days: f.number(days, 1) }) : t('dos_late_short') };
  }
  if (d.paused) return { cls: 'wait', text: t('dos_paused') };
  return { cls: 'ok', text: t('dos_in_time') };
}

// A dossier's facts as a <dl> (HTML), with ids prefixed by prefix for the
// tests: <prefix>-procedure, -applicant, -id-number, -status, -due, -timing.
export function factsHtml(d, prefix) {
  const f = fmt(state.lang);
  const a = d.applicant ?? {};
  const row = (key, id, value, cls = '') =>
    `<dt>${esc(t(key))}</dt><dd id="${prefix}-${id}"${cls ? ` class="${cls}"` : ''}>${value}</dd>`;
  const tw = timingWord(d);
  let html = '<dl class="dos-facts">'
    + row('dos_procedure', 'procedure', esc(d.procedure?.name ?? t('dos_none')))
    + row('dos_applicant', 'applicant', `<b>${esc(a.name ?? t('dos_none'))}</b>`)
    + row('dos_id_number', 'id-number', `<b class="num">${esc(a.id_number ?? t('dos_none'))}</b>`)
    + (a.phone ? row('dos_phone', 'phone', `<span class="num">${esc(a.phone)}</span>`) : '')
    + row('dos_status', 'status', esc(statusWord(d, state.lang)), `dos-status st-${esc(d.status)}`)
    + row('dos_received', 'received', `<span class="num">${esc(f.dateTime(d.received_at ?? d.intake_at))}</span>`)
    + row('dos_due', 'due', `<span class="num">${esc(f.dateTime(d.due_at))}</span>`);
  if (d.apology?.new_due_at) html += row('dos_new_due', 'new-due', `<span class="num">${esc(f.dateTime(d.apology.new_due_at))}</span>`);
  // Lateness means something while the dossier runs and once its result
  // is out; not for one withdrawn, cancelled or refused.
  const ended = ['rejected_at_intake', 'returned_ineligible', 'withdrawn', 'cancelled'].includes(d.status);
  if (!ended && (d.due_at || d.timing?.result)) html += row('dos_timing', 'timing', esc(tw.text), `dos-timing ${tw.cls}`);
  if (d.return_office?.name && d.return_office.code !== d.intake_office?.code) {
    html += row('dos_return_at', 'return-office', esc(d.return_office.name));
  }
  if (d.returned_at) {
    html += row('dos_returned', 'returned', esc(t('dos_returned_to', { who: d.returned_to ?? t('dos_none'), when: f.dateTime(d.returned_at) })));
  }
  if (d.ledger) html += row('dos_ledger', 'ledger', esc(t('dos_ledger_line', { book: d.ledger.book, line: d.ledger.line })));
  return `${html}</dl>`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The state of a print job in the clerk's words: {kind, text} with kind
// 'sending' | 'done' | 'waiting' (the printer is away: the spool keeps it) |
// 'failed'.
export function jobWord(job) {
  const printer = job.printer ?? '';
  let kind = 'sending';
  if (job.state === 'done') kind = 'done';
  else if (job.state === 'failed') kind = 'failed';
  else if (job.attempts > 0 && (job.last_error || (job.printer_reasons && job.printer_reasons !== 'none'))) kind = 'waiting';
  return { kind, text: t(`job_${kind}`, { printer }) };
}

// Follows print job id (GET /api/v1/print-jobs/{id}) until it is done or
// failed, or ms have passed, calling show(job) whenever what the clerk
// would read changes, and alive() before each look (false: stop, the
// screen moved on). Resolves the last job seen.
export async function followJob(id, show, { ms = 10 * 60 * 1000, alive = () => true } = {}) {
  const deadline = Date.now() + ms;
  let last = '';
  for (;;) {
    if (!alive()) return null;
    const { job } = await api('GET', `/api/v1/print-jobs/${encodeURIComponent(id)}`);
    const w = jobWord(job);
    if (w.kind !== last) {
      last = w.kind;
      show(job, w);
    }
    if (w.kind === 'done' || w.kind === 'failed' || Date.now() > deadline) return job;
    await sleep(w.kind === 'waiting' ? 2000 : 600);
  }
}

// Prints job again: a failed job is retried (it was never printed), any
// other is reprinted as a new job with the same bytes. Resolves the job to
// follow next.
export async function printAgain(job) {
  if (job.state === 'failed') {
    return (await api('POST', `/api/v1/print-jobs/${job.id}/retry`)).job;
  }
  return (await api('POST', `/api/v1/print-jobs/${job.id}/reprint`)).job;
}
