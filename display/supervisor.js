// The supervisor's dashboard (/supervisor): in a province of several centres,
// a unit selector (the whole province or the scope of the account, each
// centre and authority in it) and an overview table of the units, sortable
// by each column, a row leading to that unit's own view; then for the unit,
// late and at-risk dossiers now with
// who holds them and their history one click away (opened under the row);
// the period's indicators (on-time rate per group and its monthly trend, the
// queue by half hour, ratings, the 766 and plan scorecards); the periodic
// reports. Logs in with POST /api/v1/session: the session cookie carries
// every later request. Every figure and date goes through fmt() of
// common.js: Vietnamese conventions (93,3 %, dd/mm/yyyy, 24-hour times).
import { fmt, serverNow, officeDate } from './common.js';
import { ACTION_WORDS } from './dossier-words.js';
import { mountFeedback, show766Group, inputsText } from './supervisor-feedback.js';
import { mountNotify } from './supervisor-notify.js';

const $ = (id) => document.getElementById(id);
const f = fmt('vi');
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
const ymd = (d) => d.toISOString().slice(0, 10);
// The period fields hold dd/mm/yyyy (a browser's date field shows the
// device's own order, mm/dd on an English system): to and from ISO.
const iso = (s) => {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s.trim());
  return m ? `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` : null;
};
const PAGE = 50;
// The lists open with their first rows only, so that the indicators below
// stay in sight; "Xem thêm" brings PAGE more at a time.
const FIRST_PAGE = 10;

// The page's words for the server's keys: nothing raw reaches the screen.
export const TEXTS = {
  actions: ACTION_WORDS.vi, // shared with /counter (dossier-words.js)
  plan: {
    procedures_posted: 'thủ tục công khai', with_fee: 'có phí, lệ phí',
    dossier_on_time_rate: 'hồ sơ đúng hạn', citizens_say_on_time: 'người dân nói đúng hẹn',
    no_supplement_share: 'không phải bổ sung', citizens_say_one_visit: 'người dân nói một lần đi lại',
    courteous_share: 'người dân nói lịch sự', reports: 'lượt báo', count: 'số lượng', missing: 'chưa có dữ liệu',
    conduct: 'về hành vi cán bộ', anonymous: 'tin báo không rõ danh tính', ended: 'đã xử lý xong',
    on_time_share: 'xử lý đúng hạn',
  },
  sipas: {
    procedure: 'Thủ tục: một lần đi lại', officer: 'Công chức: lịch sự', result: 'Kết quả: đúng hẹn',
    overall: 'Hài lòng chung', access: 'Tiếp cận, xử lý phản ánh',
  },
};

// Names for office codes (TP → Phòng Tư pháp), loaded once after login; a
// code without a name shows as is. People come named by the server
// (full_name, actor_name, giver_name, holder.person).
const names = { offices: new Map() };
// The office tree as listed (code, name, kind, parent code), the session's
// office (null: the whole province) and the unit chosen ('' : the session's
// own scope). The selector and the overview show only in a province (more
// than one centre, or authorities), not in the small case of one office.
const tree = { offices: [], session: null, unit: '', province: false };
const officeQ = () => (tree.unit ? `&office=${encodeURIComponent(tree.unit)}` : '');
const officeName = (code) => names.offices.get(code) ?? code ?? '—';
// A person's name as the server gives it, or an office's when a dossier
// went to an office without a named receiver (the office's code then).
const personName = (who) => names.offices.get(who) ?? who ?? '';

async function api(path, opts = {}) {
  const r = await fetch(path, { credentials: 'same-origin', ...opts,
    headers: opts.body ? { 'Content-Type': 'application/json' } : {} });
  if (r.status === 401) { showLogin(); throw new Error('unauthorized'); }
  const j = await r.json().catch(() => null);
  if (!r.ok) throw new Error(j?.error?.message ?? r.statusText);
  return j;
}

// Every item of a paginated list (offices, users: a few dozen).
async function all(path) {
  const items = [];
  for (let offset = 0; ; offset += 500) {
    const j = await api(`${path}?limit=500&offset=${offset}`);
    items.push(...j.items);
    if (items.length >= j.total || j.items.length === 0) return items;
  }
}

async function loadNames() {
  const offices = await all('/api/v1/offices');
  for (const o of offices) names.offices.set(o.code, o.name);
  tree.offices = offices;
}

function showLogin() { $('login').hidden = false; $('main').hidden = true; $('period').hidden = true; }

// The office's name before login, in the bar and the tab's title: with one
// centre (GET /api/v1/public/offices) its name; in a province of several
// nothing is guessed and the bar keeps its own words. The plain GET
// /api/v1/queue is not asked: in a province it answers 400 office_required.
// After login unitLabel() names the session's own office.
async function loadOffice() {
  const list = await fetch('/api/v1/public/offices?limit=200', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : null)).catch(() => null);
  const centres = (list?.items ?? []).filter((o) => o.kind === 'centre');
  const name = centres.length === 1 ? centres[0].name : null;
  if (!name || tree.session) return;
  $('office').textContent = name;
  document.title = `Giám sát — ${name}`;
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('login-error').textContent = '';
  const r = await fetch('/api/v1/session', { method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: $('username').value, password: $('password').value }) });
  if (r.status !== 201) { $('login-error').textContent = 'Sai tên đăng nhập hoặc mật khẩu'; return; }
  $('login').hidden = true;
  start();
});

function dossierRow(d, late) {
  const t = d.timing ?? {};
  const amount = late ? f.number(t.late_working_days, 1) : f.number((t.remaining_seconds ?? 0) / 3600, 1);
  return `<tr class="${late ? 'late' : ''}" data-row="${esc(d.code)}"><td><a href="#" data-code="${esc(d.code)}">${esc(d.code)}</a></td>`
    + `<td>${esc(d.procedure?.name)}</td><td>${f.dateTime(d.due_at)}</td><td class="n amount">${amount}</td>`
    + `<td class="holder-office">${esc(officeName(d.holder?.office))}</td><td class="holder-person">${d.holder?.person && d.holder.person !== d.holder.office ? esc(personName(d.holder.person)) : '—'}</td>`
    + `<td><button type="button" data-code="${esc(d.code)}" aria-expanded="false">Lịch sử</button></td></tr>`;
}

// The two lists: open dossiers only, filtered, ordered and counted by the
// server (late: most overdue first; at risk: soonest due first); a page at a
// time, "Xem thêm" appends the next.
const lists = {
  late: { query: 'late=true&open=true&sort=overdue', late: true, shown: 0, total: 0 },
  risk: { query: 'at_risk=true&open=true&sort=due', late: false, shown: 0, total: 0 },
};

function loadList(key, more = false) {
  const p = fetchList(key, more);
  if (!more) lists[key].loaded = p.catch(() => null);
  return p;
}

async function fetchList(key, more = false) {
  const l = lists[key];
  if (!more) l.shown = 0;
  const page = await api(`/api/v1/dossiers?${l.query}${officeQ()}&limit=${more ? PAGE : FIRST_PAGE}&offset=${l.shown}`);
  const body = $(key).tBodies[0];
  const rows = page.items.map((d) => dossierRow(d, l.late)).join('');
  if (more) body.insertAdjacentHTML('beforeend', rows);
  else body.innerHTML = rows || '<tr><td colspan="7">Không có</td></tr>';
  l.shown += page.items.length;
  l.total = page.total;
  $(`${key}-count`).textContent = `(${f.count(page.total)})`;
  $(`${key}-count`).dataset.total = String(page.total);
  const btn = $(`${key}-more`);
  btn.hidden = l.shown >= l.total;
  btn.textContent = `Xem thêm (còn ${f.count(l.total - l.shown)})`;
}

const loadDossiers = () => Promise.all([loadList('late'), loadList('risk')]);
$('late-more').addEventListener('click', () => loadList('late', true));
$('risk-more').addEventListener('click', () => loadList('risk', true));

// A dossier's control sheet and history, in a row right under its own:
// where the supervisor clicked, not at the end of the list. A second click
// closes it.
document.addEventListener('click', async (e) => {
  const code = e.target.closest('[data-code]')?.dataset.code;
  if (!code) return;
  e.preventDefault();
  const row = e.target.closest('tr');
  const open = row.nextElementSibling?.classList.contains('history-row') ? row.nextElementSibling : null;
  const button = row.querySelector('button[data-code]');
  if (open) {
    open.remove();
    button?.setAttribute('aria-expanded', 'false');
    return;
  }
  const d = await api(`/api/v1/dossiers/${encodeURIComponent(code)}`);
  const steps = (d.steps ?? []).map((s) => `<li>${f.dateTime(s.given_at)} ${esc(s.giver_name ?? personName(s.giver))} → ${esc(s.receiver_name ?? personName(s.receiver))} (${esc(s.office_name ?? officeName(s.office))})`
    + `${s.result ? ` — ${esc({ early: 'trước hạn', on_time: 'đúng hạn', late: 'quá hạn' }[s.result] ?? '')}` : ''}</li>`).join('');
  const hist = (d.history ?? []).map((h) => `<li>${f.dateTime(h.at)} · ${esc(TEXTS.actions[h.action.replace(/^dossier\./, '')] ?? 'Thao tác khác')}${h.actor_name ? ` · ${esc(h.actor_name)}` : ''}</li>`).join('');
  row.insertAdjacentHTML('afterend', `<tr class="history-row"><td colspan="7"><div class="history">`
    + `<b>${esc(d.code)}</b> — ${esc(d.procedure?.name)} — ${esc(d.status_text)}`
    + `<h3>Phiếu kiểm soát (Mẫu 06)</h3><ol>${steps || '<li>—</li>'}</ol><h3>Lịch sử</h3><ol>${hist}</ol></div></td></tr>`);
  button?.setAttribute('aria-expanded', 'true');
});

// The on-time rate per month as a line. Months before the first with data
// are left out, and a month without data has no label, so every label on
// the axis has its point.
function trendSvg(all) {
  const first = all.findIndex((m) => m.rate !== null);
  const months = first < 0 ? [] : all.slice(first);
  const w = 520, h = 160, pad = 30;
  const pts = months.map((m, i) => [months.length === 1 ? w / 2 : pad + (i * (w - 2 * pad)) / (months.length - 1),
    m.rate === null ? null : h - pad - m.rate * (h - 2 * pad)]);
  const line = pts.filter((p) => p[1] !== null).map((p) => p.join(',')).join(' ');
  const labels = months.map((m, i) => (m.rate === null ? ''
    : `<text class="month" x="${pts[i][0]}" y="${h - 8}" font-size="10" text-anchor="middle">${m.label}</text><circle cx="${pts[i][0]}" cy="${pts[i][1]}" r="3" fill="#1c447a"/><text x="${pts[i][0]}" y="${pts[i][1] - 6}" font-size="10" text-anchor="middle">${f.pct(m.rate, 0)}</text>`)).join('');
  return `<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="Tỷ lệ đúng hạn theo tháng">`
    + `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#999"/>`
    + `<line x1="${pad}" y1="${pad}" x2="${w - pad}" y2="${pad}" stroke="#ddd" stroke-dasharray="3"/>`
    + `<polyline points="${line}" fill="none" stroke="#1c447a" stroke-width="2"/>${labels}</svg>`;
}

function heatSvg(heat) {
  const days = ['', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'];
  const cw = 26, ch = 20, left = 30, top = 18;
  const max = Math.max(1, ...heat.arrivals.flat());
  let cells = '';
  heat.arrivals.forEach((row, r) => {
    cells += `<text x="2" y="${top + r * ch + 14}" font-size="11">${days[heat.weekdays[r]]}</text>`;
    row.forEach((n, c) => {
      const a = n / max;
      const wait = heat.mean_wait_minutes[r][c];
      cells += `<rect x="${left + c * cw}" y="${top + r * ch}" width="${cw - 2}" height="${ch - 2}" fill="rgba(200,16,46,${(0.08 + 0.92 * a).toFixed(2)})"><title>${days[heat.weekdays[r]]} ${heat.slots[c]}: ${f.count(n)} phiếu, chờ TB ${f.number(wait, 1)} phút</title></rect>`;
    });
  });
  const xl = heat.slots.map((s, c) => (c % 2 ? '' : `<text x="${left + c * cw}" y="12" font-size="9">${s}</text>`)).join('');
  return `<svg viewBox="0 0 ${left + heat.slots.length * cw} ${top + heat.arrivals.length * ch}" role="img" aria-label="Số phiếu theo khung 30 phút">${xl}${cells}</svg>`;
}

// A PAPI line: each figure with its Vietnamese name, shares as percentages.
function planItem(p) {
  const v = Object.entries(p).filter(([k]) => !['item', 'name'].includes(k)).map(([k, x]) => {
    const label = TEXTS.plan[k] ?? '';
    if (k === 'missing') return x ? `${label}: ${x}` : '';
    const shown = x === null || x === undefined ? '—'
      : typeof x === 'number' && /share|rate|say/.test(k) ? f.pct(x) : typeof x === 'number' ? f.count(x) : String(x);
    return label ? `${label}: ${shown}` : shown;
  }).filter(Boolean).join(', ');
  return `<li><b>${esc(p.name)}</b> — ${esc(v)}</li>`;
}

function sipasItem(p) {
  const key = String(p.element ?? '').split(/[ ,(]/)[0];
  return `<li>SIPAS — ${esc(TEXTS.sipas[key] ?? 'Khác')}: ${p.share === null ? 'chưa có dữ liệu' : f.pct(p.share)}</li>`;
}

// What the late list holds against the unit's own figure. The list holds
// every open dossier past due now that the unit touches: received at its
// centres, competent, held or returned there; the tables count a centre's
// received dossiers, an authority's competent ones. The note says how many
// of the list's are the unit's own figure, when they differ. ind: the
// period's indicators (its open figures are now's when it is running).
async function listNote(ind) {
  const note = $('late-note');
  const unit = ind.office;
  // The province (and the small case of one office): the same set.
  if (!unit || unit.kind === 'province' || !tree.province) { note.textContent = ''; return; }
  const now = ind.period.running ? ind
    : await api(`/api/v1/indicators?from=${ind.period.today}&to=${ind.period.today}${officeQ()}`);
  await lists.late.loaded;
  const own = now.dossiers.total.open.late, all = lists.late.total;
  const centre = ['centre', 'point'].includes(unit.kind);
  const whose = centre ? `do ${unit.name} tiếp nhận` : `thuộc thẩm quyền của ${unit.name}`;
  note.dataset.own = String(own);
  note.textContent = own === all ? `Cả ${f.count(all)} hồ sơ đều ${whose}.`
    : `Trong ${f.count(all)} hồ sơ này, ${f.count(own)} hồ sơ ${whose} (số «Đang quá hạn» của bảng tổng hợp); `
      + `${f.count(all - own)} hồ sơ còn lại ${centre ? 'được trả kết quả tại trung tâm hoặc đang ở đây' : 'do trung tâm của đơn vị tiếp nhận, đang giữ hoặc trả kết quả tại đơn vị'}.`;
}

// The appointments of the period (docs/indicators.md, "Appointments"):
// what became of the bookings, punctuality and the wait of booked citizens
// beside that of the others.
function renderAppointments(a) {
  const box = $('appointments');
  if (!a || !a.booked) {
    box.innerHTML = '<p>Chưa có lịch hẹn trong kỳ.</p>';
    return;
  }
  const mins = (w) => (w.mean_minutes === null ? '—' : `${f.number(w.mean_minutes, 1)} phút`);
  const rows = [
    ['Lịch đã đặt', f.count(a.booked)], ['Đã hủy', f.count(a.cancelled)],
    ['Đến đúng giờ, nhận số theo lịch', f.count(a.checked_in_on_time)], ['Đến muộn, nhận số thường', f.count(a.late)],
    ['Không đến', f.count(a.no_show)], ['Chưa đến giờ hẹn', f.count(a.pending)],
    ['Tỷ lệ đến đúng giờ', f.pct(a.punctuality)],
    ['Chờ trung bình: có đặt lịch', `${mins(a.wait_booked)} (${f.count(a.wait_booked.visits)} lượt)`],
    ['Chờ trung bình: không đặt lịch', `${mins(a.wait_walk_in)} (${f.count(a.wait_walk_in.visits)} lượt)`],
  ];
  box.innerHTML = `<div class="scroll"><table class="list" id="appointments-table"><tbody>${
    rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td class="n">${esc(v)}</td></tr>`).join('')}</tbody></table></div>`;
}

async function loadIndicators() {
  const from = iso($('from').value), to = iso($('to').value), by = $('by').value;
  if (!from || !to) return;
  const ind = await api(`/api/v1/indicators?from=${from}&to=${to}&by=${by}${officeQ()}`);
  // "Đang quá hạn" is open and past due now only in a running period; for a
  // period already ended the same figure is counted at its end.
  const lateLabel = ind.period.running ? 'Đang quá hạn' : 'Quá hạn chưa xong cuối kỳ';
  $('overview').querySelector('th[data-key="late"] button').textContent = lateLabel;
  $('groups-late').textContent = lateLabel;
  await listNote(ind);
  if (tree.province) await loadOverview(by === 'office' ? ind : await api(`/api/v1/indicators?from=${from}&to=${to}&by=office${officeQ()}`));
  const rows = [...ind.dossiers.groups, { name: 'Tổng', ...ind.dossiers.total }];
  const groupName = (g) => (by === 'office' ? names.offices.get(g.key) : null) ?? g.name;
  $('groups').tBodies[0].innerHTML = rows.map((g) => `<tr><td>${esc(groupName(g))}</td><td class="n">${f.count(g.received)}</td>`
    + `<td class="n">${f.count(g.finished.total)}</td><td class="n">${f.count(g.finished.late)}</td><td class="n">${f.count(g.open.late)}</td>`
    + `<td class="n">${f.pct(g.on_time_rate)}</td><td class="n">${f.number(g.processing_days.median, 1)}</td></tr>`).join('');
  const q = ind.queue;
  $('heat').innerHTML = heatSvg(q.heat);
  // Most people called within seconds make a median of "0,0 phút", which
  // reads as broken beside a mean of minutes: say "dưới 1 phút", and give
  // the mean too.
  const w = q.wait_minutes;
  const median = w.median !== null && w.median < 1 ? 'dưới 1' : f.number(w.median, 1);
  $('queue-sum').textContent = `${f.count(q.tickets)} phiếu · chờ trung vị ${median} phút, trung bình ${f.number(w.mean, 1)} phút`
    + ` · gọi trong ${f.count(q.service_level_minutes)} phút: ${f.pct(q.service_level)} · vắng mặt ${f.pct(q.no_show_rate)}`;
  renderAppointments(ind.appointments);
  const s = ind.satisfaction;
  const lv = [['very_satisfied', 'Rất hài lòng'], ['satisfied', 'Hài lòng'], ['neutral', 'Bình thường'], ['not_satisfied', 'Không hài lòng']];
  $('ratings').innerHTML = s.rated
    ? `<p>${f.count(s.rated)} đánh giá · hài lòng <span class="fig">${f.pct(s.satisfied_share)}</span></p><div class="scroll"><table class="list"><tbody>${lv.map(([k, l]) => `<tr><td>${l}</td><td class="n">${f.count(s.levels[k])}</td><td class="n">${f.pct(s.shares[k])}</td></tr>`).join('')}`
      + `<tr><td>Đúng hẹn</td><td></td><td class="n">${f.pct(s.criteria.on_time)}</td></tr><tr><td>Lịch sự</td><td></td><td class="n">${f.pct(s.criteria.courteous)}</td></tr>`
      + `<tr><td>Một lần đi lại</td><td></td><td class="n">${f.pct(s.criteria.one_visit)}</td></tr><tr><td>Bị đòi chi phí ngoài</td><td class="n">${f.count(s.criteria.unofficial_payment_reports)}</td><td></td></tr></tbody></table></div>`
    : '<p>Chưa có đánh giá trong kỳ.</p>';
  $('s766').tBodies[0].innerHTML = ind.score_766.parts.map((p) => `<tr><td>${esc(p.name)}</td><td class="n">${f.number(p.points, 2)}</td>`
    + `<td class="n">${f.count(p.maximum)}</td><td>${esc(p.formula)}${p.inputs ? `<div class="inputs">${esc(inputsText(p.inputs, 'vi'))}</div>` : ''}</td></tr>`).join('')
    + `<tr><td><b>Cộng</b></td><td class="n"><b>${f.number(ind.score_766.points, 2)}</b></td><td class="n">${f.count(ind.score_766.maximum)}</td><td></td></tr>`;
  $('missing').innerHTML = ind.score_766.missing.map((m) => `<li>Chưa có dữ liệu: ${esc(String(m.missing).replace(/\s*\([A-Za-z ]+\)$/, ''))}</li>`).join('');
  show766Group(ind);
  $('plan').innerHTML = ind.plan.papi_dim5.map(planItem).join('') + ind.plan.sipas.map(sipasItem).join('');

  // The trend: on-time rate per month of the last six months up to `to`.
  const end = new Date(`${to}T00:00:00Z`);
  const months = [];
  for (let i = 5; i >= 0; i--) {
    const a = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - i, 1));
    const b = new Date(Date.UTC(a.getUTCFullYear(), a.getUTCMonth() + 1, 0));
    months.push({ from: ymd(a), to: ymd(b), label: `${String(a.getUTCMonth() + 1).padStart(2, '0')}/${a.getUTCFullYear()}` });
  }
  const res = await Promise.all(months.map((m) => api(`/api/v1/indicators?from=${m.from}&to=${m.to}${officeQ()}`)));
  res.forEach((r, i) => { months[i].rate = r.dossiers.total.on_time_rate; });
  $('trend').innerHTML = trendSvg(months);
}

function reports() {
  const y = Number((iso($('to').value) ?? '').slice(0, 4));
  const periods = [[`${y}-Q1`, `Quý I/${y}`], [`${y}-Q2`, `Quý II/${y}`], [`${y}-H1`, `6 tháng/${y}`],
    [`${y}-Q3`, `Quý III/${y}`], [`${y}-9M`, `9 tháng/${y}`], [`${y}-Q4`, `Quý IV/${y}`], [`${y}`, `Năm ${y}`]];
  const q = tree.unit ? `?office=${encodeURIComponent(tree.unit)}` : '';
  $('reports').innerHTML = periods.map(([p, l]) => `<a href="/api/v1/reports/${p}.pdf${q}" target="_blank">${l} (PDF)</a>`
    + `<a href="/api/v1/reports/${p}.csv${q}">${l} (CSV)</a>`).join('');
}

// ---- the province: unit selector and overview ------------------------------

// Whether office code lies in the subtree of code top (by parent codes).
function below(code, top) {
  const parent = new Map(tree.offices.map((o) => [o.code, o.parent]));
  for (let c = code, n = 0; c && n < 64; c = parent.get(c), n++) if (c === top) return true;
  return false;
}

// The selector: the account's own scope first, then every authority and
// centre inside it, by name.
function fillUnits() {
  // The small case (one centre, no authority above it) keeps the old page.
  tree.province = tree.offices.filter((o) => o.kind === 'centre').length > 1
    || tree.offices.some((o) => o.kind === 'authority');
  const own = tree.session?.office;
  const units = tree.offices.filter((o) => ['authority', 'centre'].includes(o.kind)
    && o.code !== own?.code && (!own || below(o.code, own.code)))
    .sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  const sel = $('unit');
  sel.innerHTML = `<option value="">${esc(own ? own.name : 'Toàn tỉnh')}</option>`
    + units.map((o) => `<option value="${esc(o.code)}">${esc(o.name)}</option>`).join('');
  sel.value = tree.unit;
  sel.hidden = !tree.province || units.length === 0;
}

// The bar names the unit shown.
function unitLabel() {
  const root = tree.offices.find((o) => o.kind === 'province');
  const name = tree.unit ? officeName(tree.unit) : tree.session?.office?.name ?? (tree.province ? root?.name : null);
  if (!name) return;
  $('office').textContent = name;
  document.title = `Giám sát — ${name}`;
}

const overview = { sections: [], key: 'name', dir: 1 };

// The overview in two parts, each adding up to its own sum row: the
// authorities (the dossiers each is competent for: timeliness and its 766
// points) and the receiving centres (the dossiers each received, the same
// 766 formula on them, and its hall's queue). In one unit's view, a centre
// outside that unit holds only the unit's dossiers it received, and no
// queue of the unit. A cell with no figure of its kind is left empty; "—"
// only where the figure could exist but has no data.
function loadOverview(ind) {
  const queue = new Map((ind.queue.groups ?? []).map((g) => [g.key, g]));
  const unit = tree.unit || tree.session?.office?.code || null;
  const inUnit = (code) => !unit || below(code, unit);
  const row = (g, kind, sl) => ({ code: g.key, name: g.name, kind, received: g.received, late: g.open.late,
    rate: g.on_time_rate, p766: g.score_766?.parts?.processing_on_time ?? null, sl });
  const authorities = ind.dossiers.groups.filter((g) => g.kind === 'authority')
    .map((g) => row(g, 'Cơ quan có thẩm quyền', undefined));
  const centres = (ind.dossiers.centres ?? []).filter((g) => g.kind === 'centre')
    .map((g) => (inUnit(g.key) ? row(g, 'Trung tâm', queue.get(g.key)?.service_level ?? null)
      : row(g, 'Trung tâm khác: hồ sơ của đơn vị tiếp nhận tại đây', undefined)));
  const t = ind.dossiers.total, c = ind.dossiers.centres_total;
  // Whose dossiers each part counts, in the unit's own words.
  const kind = ind.office?.kind ?? 'province', uname = ind.office?.name ?? 'Toàn tỉnh';
  const titles = kind === 'authority'
    ? [`Cơ quan có thẩm quyền: hồ sơ thuộc thẩm quyền của ${uname}`,
      `Trung tâm: hồ sơ thuộc thẩm quyền của ${uname}, theo nơi tiếp nhận; hàng đợi của trung tâm`]
    : ['centre', 'point'].includes(kind)
      ? [`Cơ quan có thẩm quyền: hồ sơ ${uname} tiếp nhận, theo cơ quan giải quyết`,
        `Trung tâm: hồ sơ ${uname} tiếp nhận; hàng đợi`]
      : ['Cơ quan có thẩm quyền: hồ sơ thuộc thẩm quyền của mỗi cơ quan', 'Trung tâm: hồ sơ mỗi trung tâm tiếp nhận; hàng đợi'];
  overview.sections = [
    { title: titles[0], rows: authorities,
      total: { name: `${uname}: cộng ${f.count(authorities.length)} cơ quan`, received: t.received, late: t.open.late, rate: t.on_time_rate,
        p766: ind.score_766.parts.find((p) => p.part === 'processing_on_time')?.points ?? null, sl: undefined } },
    { title: titles[1], rows: centres,
      total: c && { name: `${uname}: cộng ${f.count(centres.length)} trung tâm`, received: c.received, late: c.open.late, rate: c.on_time_rate,
        p766: c.score_766?.parts?.processing_on_time ?? null,
        sl: centres.some((r) => r.sl !== undefined) ? ind.queue.service_level : undefined } },
  ].filter((x) => x.rows.length > 0);
  $('overview-card').hidden = authorities.length + centres.length < 2;
  $('overview').querySelector('th[data-key="sl"] button').textContent = `Gọi trong ${f.count(ind.queue.service_level_minutes)} phút`;
  renderOverview();
}

// A row's figures; each cell carries its column's name for the phone
// layout, where a row reads as a card. undefined: no figure of that kind
// (an authority has no hall of its own), an empty cell.
const cells = (r) => [['received', f.count(r.received)], ['late', f.count(r.late)],
  ['rate', f.pct(r.rate)], ['p766', f.number(r.p766, 2)],
  ['sl', r.sl === undefined ? '' : f.pct(r.sl)]].map(([k, v]) => `<td class="n" data-label="${esc($('overview').querySelector(`th[data-key="${k}"] button`).textContent)}">${v}</td>`).join('');

// Whether the session may open office code's own view (its scope).
const mine = (code) => !tree.session?.office || below(code, tree.session.office.code);

// Sorted by the chosen column inside each part (names in Vietnamese order;
// figures with no data last either way); each part ends with its sum.
function renderOverview() {
  const { key, dir } = overview;
  const order = (a, b) => {
    if (key === 'name') return dir * a.name.localeCompare(b.name, 'vi');
    const x = a[key], y = b[key];
    if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;
    if (y === null || y === undefined) return -1;
    return dir * (x - y) || a.name.localeCompare(b.name, 'vi');
  };
  $('overview').querySelectorAll('tbody').forEach((b) => b.remove());
  $('overview').insertAdjacentHTML('beforeend', overview.sections.map((sec) => `<tbody><tr class="part"><th colspan="6" scope="rowgroup">${esc(sec.title)}</th></tr>`
    + [...sec.rows].sort(order).map((r) => `<tr><td>${mine(r.code) ? `<button type="button" class="unit-link" data-unit="${esc(r.code)}">${esc(r.name)}</button>` : `<span class="unit-name">${esc(r.name)}</span>`}`
      + `<span class="kind">${esc(r.kind)}</span></td>${cells(r)}</tr>`).join('')
    + (sec.total ? `<tr class="sum"><td><b>${esc(sec.total.name)}</b></td>${cells(sec.total)}</tr>` : '') + '</tbody>').join(''));
  for (const th of $('overview').tHead.rows[0].cells) {
    if (th.dataset.key === key) th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
    else th.removeAttribute('aria-sort');
  }
}

$('overview').tHead.addEventListener('click', (e) => {
  const key = e.target.closest('th')?.dataset.key;
  if (!key) return;
  // A figure sorts largest first on its first click; a name from A.
  overview.dir = overview.key === key ? -overview.dir : key === 'name' ? 1 : -1;
  overview.key = key;
  renderOverview();
});

// A unit's own view: the lists, indicators and reports of that unit.
async function showUnit(code) {
  tree.unit = code;
  $('unit').value = code;
  unitLabel();
  await Promise.all([loadDossiers(), loadIndicators()]);
  reports();
}
$('overview').addEventListener('click', (e) => {
  const code = e.target.closest('[data-unit]')?.dataset.unit;
  if (code) showUnit(code);
});
$('unit').addEventListener('change', () => showUnit($('unit').value));

// The period the page opens on: the office's month to date, by the
// server's clock (a PC whose date is wrong, or a test clock, would
// otherwise count another month).
async function monthToDate() {
  const today = officeDate(await serverNow());
  $('to').value = f.isoDate(today);
  $('from').value = f.isoDate(`${today.slice(0, 8)}01`);
}

async function start() {
  const who = await api('/api/v1/session').catch(() => null);
  if (!who) return;
  tree.session = who;
  await loadNames();
  fillUnits();
  unitLabel();
  $('who').textContent = who.full_name || who.username || '';
  $('main').hidden = false;
  // A counter clerk or specialist comes here for the feedback assigned to
  // them: only the feedback tab, none of the supervisor's lists.
  if (!['supervisor', 'admin'].includes(who.role)) {
    $('main').classList.add('fb-tab');
    await mountFeedback({ session: who, offices: tree.offices, officeName, onUnauthorized: showLogin }).catch(() => null);
    $('tab-main').hidden = true;
    document.body.dataset.ready = '1';
    return;
  }
  $('period').hidden = false;
  if (!$('to').value) await monthToDate();
  await Promise.all([loadDossiers(), loadIndicators(),
    mountFeedback({ session: who, offices: tree.offices, officeName, onUnauthorized: showLogin }).catch(() => null)]);
  mountNotify({ session: who, offices: tree.offices, onUnauthorized: showLogin });
  reports();
  document.body.dataset.ready = '1';
}

loadOffice();
$('period').addEventListener('submit', (e) => { e.preventDefault(); loadIndicators(); reports(); });
start();
