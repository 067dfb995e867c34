// The words staff screens show for a dossier's machine keys, one copy for
// /supervisor and /counter: the actions of its history (the event
// "dossier.<action>", docs/api.md "Dossiers") and its statuses in English
// (the Vietnamese status is the server's status_text). Nothing raw reaches
// the screen: a key not listed here shows as ACTION_OTHER.

export const ACTION_WORDS = {
  vi: {
    received: 'Tiếp nhận', refused: 'Từ chối tiếp nhận', intake_supplement: 'Tiếp nhận, yêu cầu bổ sung',
    handover: 'Chuyển giao', request_supplement: 'Yêu cầu bổ sung', supplement_received: 'Nhận bổ sung',
    send_interagency: 'Gửi liên thông', partner_returned: 'Cơ quan liên thông trả', await_payment: 'Chờ nộp nghĩa vụ tài chính',
    payment_received: 'Đã nộp nghĩa vụ tài chính', result_ready: 'Có kết quả', return_ineligible: 'Trả lại (không đủ điều kiện)',
    apologize: 'Văn bản xin lỗi, hẹn lại', withdraw: 'Rút hồ sơ', cancel: 'Hủy hồ sơ', return_result: 'Trả kết quả',
  },
  en: {
    received: 'Received', refused: 'Refused at intake', intake_supplement: 'Taken in, supplement requested',
    handover: 'Handed over', request_supplement: 'Supplement requested', supplement_received: 'Supplement received',
    send_interagency: 'Sent to a partner agency', partner_returned: 'Back from the partner agency', await_payment: 'Waiting for fees',
    payment_received: 'Fees paid', result_ready: 'Result ready', return_ineligible: 'Returned (not eligible)',
    apologize: 'Apology and new appointment', withdraw: 'Withdrawn', cancel: 'Cancelled', return_result: 'Result returned',
  },
};
export const ACTION_OTHER = { vi: 'Thao tác khác', en: 'Other action' };

// The action of a history entry ("dossier.withdraw") in words of lang.
export function actionWord(action, lang = 'vi') {
  const key = String(action ?? '').replace(/^dossier\./, '');
  const l = lang === 'en' ? 'en' : 'vi';
  return ACTION_WORDS[l][key] ?? ACTION_OTHER[l];
}

export const STATUS_EN = {
  supplement_requested: 'Waiting for a supplement', received: 'Received', in_process: 'Being processed',
  interagency: 'At a partner agency', awaiting_payment: 'Waiting for fees', result_ready: 'Result ready to collect',
  returned: 'Result returned', rejected_at_intake: 'Refused at intake', returned_ineligible: 'Returned: not eligible',
  withdrawn: 'Withdrawn', cancelled: 'Cancelled',
};

// A dossier's status in words: the server's status_text in Vietnamese.
export function statusWord(d, lang = 'vi') {
  if (lang === 'en') return STATUS_EN[d?.status] ?? d?.status_text ?? '—';
  return d?.status_text ?? '—';
}
