// /public's "Trả lời phản ánh, kiến nghị": the answers the office published
// (GET /api/v1/public/feedback-answers?q=&office=&page=), newest first,
// searchable with or without Vietnamese marks (the server folds). Each shows
// the code, what it was about, the centre, the dates, the question as
// published and the answer: never who sent it (the server gives no sender
// field), and every text set as text.
//
// For tests: the section's data-q = the last search answered.
import { $, el, api, fmtDateTime } from './citizen.js';

const TEXTS = {
  vi: {
    title: 'Trả lời phản ánh, kiến nghị',
    hint: 'Các phản ánh, kiến nghị của người dân, doanh nghiệp và trả lời của cơ quan, đã được công khai.',
    label: 'Tìm trong các trả lời (có dấu hoặc không dấu)',
    button: 'Tìm',
    count: (n, q) => (q ? `Tìm thấy ${n} trả lời cho “${q}”.` : `Có ${n} trả lời đã công khai.`),
    none: 'Chưa có trả lời nào được công khai.',
    noMatch: (q) => `Không tìm thấy trả lời nào cho “${q}”.`,
    failed: 'Không tải được danh sách trả lời. Xin thử lại sau.',
    question: 'Nội dung phản ánh, kiến nghị',
    answer: 'Trả lời',
    received: 'Ngày tiếp nhận',
    published: 'Ngày công khai',
    more: 'Xem thêm',
    give: 'Gửi phản ánh, kiến nghị',
  },
  en: {
    title: 'Answers to feedback',
    hint: 'Feedback and recommendations from citizens and businesses, with the office’s published answers.',
    label: 'Search the answers (Vietnamese, with or without marks)',
    button: 'Search',
    count: (n, q) => (q ? `${n} answer${n === 1 ? '' : 's'} found for “${q}”.` : `${n} published answer${n === 1 ? '' : 's'}.`),
    none: 'No answer has been published yet.',
    noMatch: (q) => `No answer found for “${q}”.`,
    failed: 'The answers could not be loaded. Please try again later.',
    question: 'Feedback',
    answer: 'Answer',
    received: 'Received on',
    published: 'Published on',
    more: 'Show more',
    give: 'Send feedback',
  },
};

// Wires the section (public.html #answers-section) for the centre code (or
// null: the whole province); returns render(lang) for language switches.
export function setupAnswers(getLang, office) {
  let st = { q: '', items: [], total: 0, page: 0, loaded: false, failed: false };
  let seq = 0;
  const L = () => TEXTS[getLang()];

  async function search(q, more = false) {
    const mine = ++seq;
    const page = more ? st.page + 1 : 1;
    const qs = new URLSearchParams();
    if (q) qs.set('q', q);
    if (office) qs.set('office', office);
    qs.set('page', String(page));
    const r = await api('GET', `/api/v1/public/feedback-answers?${qs}`);
    if (mine !== seq) return;
    if (r.status === 200 && r.json) {
      const items = r.json.items ?? [];
      st = { q, page, loaded: true, failed: false, total: r.json.total ?? items.length,
        items: more ? st.items.concat(items) : items };
    } else {
      st = { ...st, q, loaded: true, failed: true };
    }
    $('answers-section').dataset.q = q;
    render();
  }

  function item(a) {
    const li = el('li', 'card fb-answer');
    li.dataset.code = a.code;
    const head = el('div', 'meta');
    const cls = getLang() === 'en' && a.class_en ? a.class_en : a.class_text;
    head.append(el('b', 'code-text', a.code), ` · ${[cls, a.office?.name].filter(Boolean).join(' · ')}`);
    li.append(head);
    li.append(el('h3', 'label', L().question), el('p', 'fb-q', a.question ?? ''));
    li.append(el('h3', 'label', L().answer), el('p', 'fb-a', a.answer ?? ''));
    const dates = el('p', 'meta num', `${L().received}: ${fmtDateTime(a.received_at)} · ${L().published}: ${fmtDateTime(a.published_at)}`);
    li.append(dates);
    return li;
  }

  function render() {
    $('answers-title').textContent = L().title;
    $('answers-hint').textContent = L().hint;
    $('answers-q-label').textContent = L().label;
    $('answers-button').textContent = L().button;
    $('answers-more').textContent = L().more;
    $('answers-give').textContent = L().give;
    $('answers').replaceChildren(...st.items.map(item));
    const c = $('answers-count');
    if (st.failed) c.textContent = L().failed;
    else if (!st.loaded) c.textContent = '';
    else if (!st.total) c.textContent = st.q ? L().noMatch(st.q) : L().none;
    else c.textContent = L().count(st.total, st.q);
    $('answers-more').hidden = st.items.length >= st.total;
  }

  let debounce = null;
  $('answers-q').addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => search($('answers-q').value.trim()), 350);
  });
  $('answers-search').addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(debounce);
    search($('answers-q').value.trim());
  });
  $('answers-more').addEventListener('click', () => search(st.q, true));
  $('answers-give').href = office ? `/gop-y?office=${encodeURIComponent(office)}` : '/gop-y';
  search('');
  return render;
}
