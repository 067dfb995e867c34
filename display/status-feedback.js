// /status for a feedback (phản ánh, kiến nghị: a code "PA-…"): the sender's
// view from GET /api/v1/public/feedback/{code}?secret=… — its status in
// words, the dates (dd/mm/yyyy HH:MM, office time), the steps, the answer;
// while the office waits for more information, its request and a reply box
// (POST …/reply {secret, text}); once answered, "satisfied" / "not
// satisfied" (POST …/reaction {secret, reaction}), once. Every text from
// the server (the sender's own words, the office's answer) is set as text,
// never as markup.
import { el, api, fmtDateTime } from './citizen.js';

export const isFeedbackCode = (code) => /^PA-/i.test(code ?? '');

const TEXTS = {
  vi: {
    feedback: 'Phản ánh',
    anonymous: 'Tin báo',
    class: 'Nội dung về',
    received: 'Ngày tiếp nhận',
    due: 'Hạn trả lời',
    steps: 'Quá trình xử lý',
    answer: 'Trả lời của cơ quan',
    infoTitle: 'Cơ quan đề nghị ông/bà bổ sung thông tin',
    replyLabel: 'Thông tin bổ sung của ông/bà',
    replySend: 'Gửi thông tin bổ sung',
    replyEmpty: 'Xin ghi thông tin bổ sung.',
    replyDone: 'Đã gửi thông tin bổ sung. Cơ quan sẽ tiếp tục xử lý.',
    reactAsk: 'Ông/bà có hài lòng với kết quả trả lời không?',
    satisfied: 'Hài lòng',
    notSatisfied: 'Không hài lòng',
    reacted: { satisfied: 'Ông/bà đã đánh giá: hài lòng. Xin cảm ơn!', not_satisfied: 'Ông/bà đã đánh giá: không hài lòng. Cơ quan sẽ xem xét lại. Xin cảm ơn!' },
    failed: 'Chưa gửi được. Xin thử lại.',
    network: 'Không kết nối được với máy chủ. Xin thử lại sau ít phút.',
    tooMany: (s) => `Xin chờ khoảng ${s} giây rồi thử lại.`,
    stepNames: {
      received: 'Tiếp nhận phản ánh', filed: 'Tiếp nhận phản ánh', accept: 'Tiếp nhận xử lý',
      reject: 'Không tiếp nhận', forward: 'Chuyển cơ quan có thẩm quyền',
      info_request: 'Đề nghị bổ sung thông tin', info_reply: 'Người gửi bổ sung thông tin',
      info_received: 'Người gửi bổ sung thông tin', answer: 'Trả lời', approve: 'Trả lời',
      publish: 'Công khai câu trả lời', published: 'Công khai câu trả lời', close: 'Kết thúc xử lý',
      reaction: 'Người gửi đánh giá kết quả', react: 'Người gửi đánh giá kết quả',
    },
    stepOther: 'Cập nhật',
  },
  en: {
    feedback: 'Feedback',
    anonymous: 'Report',
    class: 'About',
    received: 'Received on',
    due: 'Answer due by',
    steps: 'Handling so far',
    answer: 'The office’s answer',
    infoTitle: 'The office asks you for more information',
    replyLabel: 'Your additional information',
    replySend: 'Send the information',
    replyEmpty: 'Please write the information.',
    replyDone: 'Your information was sent. The office continues handling your feedback.',
    reactAsk: 'Are you satisfied with the answer?',
    satisfied: 'Satisfied',
    notSatisfied: 'Not satisfied',
    reacted: { satisfied: 'You said: satisfied. Thank you!', not_satisfied: 'You said: not satisfied. The office will review it. Thank you!' },
    failed: 'Not sent. Please try again.',
    network: 'The server cannot be reached. Please try again in a few minutes.',
    tooMany: (s) => `Please wait about ${s} seconds and try again.`,
    stepNames: {
      received: 'Feedback received', filed: 'Feedback received', accept: 'Accepted for handling',
      reject: 'Not accepted', forward: 'Forwarded to the competent agency',
      info_request: 'More information requested', info_reply: 'You sent more information',
      info_received: 'You sent more information', answer: 'Answered', approve: 'Answered',
      publish: 'Answer published', published: 'Answer published', close: 'Closed',
      reaction: 'You rated the answer', react: 'You rated the answer',
    },
    stepOther: 'Update',
  },
};

const STATUS_EN = {
  received: 'Received', accepted: 'Being handled', rejected: 'Not accepted',
  forwarded: 'Forwarded to the competent agency', info_requested: 'Waiting for more information',
  info_received: 'More information received', answered: 'Answered',
  published: 'Answered and published', closed: 'Closed',
};
const CLASS_EN = {
  procedure: 'Regulations and procedures', conduct: 'Conduct of officials',
  dossier: 'The handling of a dossier', other: 'Other',
};
const STATUS_CLASS = {
  answered: 'good', published: 'good', info_requested: 'wait', rejected: 'ended', forwarded: 'ended', closed: 'ended',
};

// The reply box's text survives a language switch and a refresh.
let draft = '';
let message = null; // {cls, key, arg}

// The feedback's card. ctx: {lang, secret, onUpdate(view)} — onUpdate
// gets the sender's view the server answers after a reply or a reaction.
export function renderFeedback(f, ctx) {
  const L = TEXTS[ctx.lang];
  const card = el('article', 'card');
  card.id = 'feedback';
  card.setAttribute('aria-labelledby', 'feedback-title');
  const h = el('h2');
  h.id = 'feedback-title';
  h.append(`${f.kind === 'anonymous' ? L.anonymous : L.feedback} `, el('span', 'code-text', f.code));
  card.append(h);
  const badge = el('p', `status-badge ${STATUS_CLASS[f.status] ?? ''}`,
    ctx.lang === 'en' ? (STATUS_EN[f.status] ?? f.status_text) : f.status_text);
  badge.id = 'status-text';
  card.append(badge);

  const dl = el('dl', 'facts');
  const fact = (label, value) => dl.append(el('dt', null, label), el('dd', 'num', value));
  const cls = ctx.lang === 'en' ? (f.class_en ?? CLASS_EN[f.class] ?? f.class_text) : f.class_text;
  if (cls) fact(L.class, cls);
  fact(L.received, fmtDateTime(f.received_at));
  if (f.answer_due_at && !['answered', 'published', 'closed', 'rejected', 'forwarded'].includes(f.status)) {
    fact(L.due, fmtDateTime(f.answer_due_at));
  }
  card.append(dl);

  if (f.answer) {
    const sec = el('section', 'notice ok');
    sec.id = 'answer';
    sec.append(el('h3', null, L.answer));
    const p = el('p', 'fb-answer-text', f.answer);
    p.id = 'answer-text';
    sec.append(p);
    card.append(sec);
  }

  if (f.info_request || f.can_reply) {
    const sec = el('section', 'notice warn');
    sec.id = 'info-request';
    sec.append(el('h3', null, L.infoTitle));
    if (f.info_request) {
      const text = typeof f.info_request === 'string' ? f.info_request : f.info_request.text;
      if (text) sec.append(el('p', 'fb-info-text', text));
    }
    if (f.can_reply) sec.append(replyForm(f, ctx, L));
    card.append(sec);
  }

  if (f.can_react || f.reaction) card.append(reactionBox(f, ctx, L));

  const steps = Array.isArray(f.steps) ? [...f.steps] : [];
  // The publication is no note of its own: its date is the view's.
  if (f.published_at && !steps.some((x) => x.step === 'publish')) steps.push({ at: f.published_at, step: 'publish' });
  steps.sort((x, y) => (x.at ?? 0) - (y.at ?? 0));
  if (steps.length) {
    card.append(el('h3', null, L.steps));
    const ol = el('ol', 'fb-steps');
    ol.id = 'steps';
    for (const s of steps) {
      const li = el('li');
      li.dataset.step = s.step ?? '';
      li.append(el('span', 'fb-step-at num', fmtDateTime(s.at)), ' ',
        el('b', null, L.stepNames[s.step] ?? L.stepOther));
      // The answer's own text is shown above, once.
      if (s.text && !(s.step === 'answer' && s.text === f.answer)) li.append(el('span', 'fb-step-text', s.text));
      ol.append(li);
    }
    card.append(ol);
  }
  if (message) {
    const m = el('p', `notice ${message.cls}`, typeof L[message.key] === 'function' ? L[message.key](message.arg) : (message.key === 'reacted' ? L.reacted[message.arg] : L[message.key]));
    m.id = 'feedback-message';
    m.setAttribute('role', message.cls === 'error' ? 'alert' : 'status');
    // A refused reply is said under its button, not at the card's end.
    const reply = message.where === 'reply' ? card.querySelector('.fb-reply') : null;
    if (reply) {
      reply.append(m);
      if (message.key === 'replyEmpty') reply.querySelector('textarea')?.setAttribute('aria-invalid', 'true');
    } else card.append(m);
  }
  return card;
}

function errorMessage(r) {
  if (r.status === 0) return { cls: 'error', key: 'network' };
  if (r.status === 429) return { cls: 'error', key: 'tooMany', arg: r.retryAfter || 60 };
  return { cls: 'error', key: 'failed' };
}

function replyForm(f, ctx, L) {
  const form = el('form', 'fb-reply');
  form.noValidate = true;
  const id = 'reply-text';
  const label = el('label', 'label', L.replyLabel);
  label.htmlFor = id;
  const ta = el('textarea');
  ta.id = id;
  ta.maxLength = 4000;
  ta.rows = 4;
  ta.value = draft;
  ta.addEventListener('input', () => { draft = ta.value; });
  const b = el('button', 'primary', L.replySend);
  b.type = 'submit';
  b.id = 'reply-send';
  form.append(label, ta, b);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = ta.value.trim();
    if (!text) {
      message = { cls: 'error', key: 'replyEmpty', where: 'reply' };
      ctx.onUpdate(f);
      document.getElementById(id)?.focus();
      return;
    }
    b.disabled = true;
    const r = await api('POST', `/api/v1/public/feedback/${encodeURIComponent(f.code)}/reply`, { secret: ctx.secret, text });
    b.disabled = false;
    if (r.status === 200 && r.json) {
      draft = '';
      message = { cls: 'ok', key: 'replyDone' };
      ctx.onUpdate(r.json);
    } else {
      message = { ...errorMessage(r), where: 'reply' };
      ctx.onUpdate(f);
    }
  });
  return form;
}

function reactionBox(f, ctx, L) {
  const sec = el('section', 'notice info');
  sec.id = 'reaction';
  if (f.reaction) {
    sec.append(el('p', null, L.reacted[f.reaction] ?? ''));
    return sec;
  }
  const ask = el('p');
  ask.append(el('strong', null, L.reactAsk));
  sec.append(ask);
  const row = el('div', 'fb-react');
  for (const [value, key] of [['satisfied', 'satisfied'], ['not_satisfied', 'notSatisfied']]) {
    const b = el('button', value === 'satisfied' ? 'primary' : 'secondary', L[key]);
    b.type = 'button';
    b.id = `react-${value}`;
    b.addEventListener('click', async () => {
      for (const x of row.querySelectorAll('button')) x.disabled = true;
      const r = await api('POST', `/api/v1/public/feedback/${encodeURIComponent(f.code)}/reaction`, { secret: ctx.secret, reaction: value });
      if (r.status === 200 && r.json) {
        message = null;
        ctx.onUpdate(r.json);
      } else {
        message = errorMessage(r);
        ctx.onUpdate(f);
      }
    });
    row.append(b);
  }
  sec.append(row);
  return sec;
}

// Forget what the last feedback's messages said (a new look-up).
export function resetFeedbackView() {
  draft = '';
  message = null;
}
