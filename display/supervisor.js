// The supervisor's dashboard (/supervisor): late and at-risk dossiers now with
// who holds them and their history one click away; the period's indicators
// (on-time rate per group and its monthly trend, the queue by half hour,
// ratings, the 766 and plan scorecards); the periodic reports. Logs in with
// POST /api/v1/session: the session cookie carries every later request.

const $ = (id) => document.getElementById(id);
const pct = (v) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
const num = (v, d = 2) => (v === null || v === undefined ? '—' : Number(v).toFixed(d));
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
const when = (t) => (t ? new Date((t + 7 * 3600) * 1000).toISOString().slice(0, 16).replace('T', ' ') : '—');
const ymd = (d) => d.toISOString().slice(0, 10);

async function api(path, opts = {}) {
  const r = await fetch(path, { credentials: 'same-origin', ...opts,
    headers: opts.body ? { 'Content-Type': 'application/json' } : {} });
  if (r.status === 401) { showLogin(); throw new Error('unauthorized'); }
  const j = await r.json().catch(() => null);
  if (!r.ok) throw new Error(j?.error?.message ?? r.statusText);
  return j;
}

function showLogin() { $('login').hidden = false; $('main').hidden = true; }

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
  const amount = late ? num(t.late_working_days, 1) : num((t.remaining_seconds ?? 0) / 3600, 1);
  return `<tr class="${late ? 'late' : ''}"><td><a href="#" data-code="${esc(d.code)}">${esc(d.code)}</a></td>`
    + `<td>${esc(d.procedure?.name)}</td><td>${when(d.due_at)}</td><td class="n">${amount}</td>`
    + `<td class="holder-office">${esc(d.holder?.office)}</td><td class="holder-person">${esc(d.holder?.person)}</td>`
    + `<td><button type="button" data-code="${esc(d.code)}">Lịch sử</button></td></tr>`;
}

async function loadDossiers() {
  const [late, risk] = await Promise.all([api('/api/v1/dossiers?late=true&limit=100'),
    api('/api/v1/dossiers?at_risk=true&limit=100')]);
  const open = (d) => !['result_ready', 'returned', 'returned_ineligible', 'withdrawn', 'cancelled', 'rejected_at_intake'].includes(d.status);
  const lateOpen = late.items.filter(open);
  $('late').tBodies[0].innerHTML = lateOpen.map((d) => dossierRow(d, true)).join('') || '<tr><td colspan="7">Không có</td></tr>';
  $('late-count').textContent = `(${lateOpen.length})`;
  $('risk').tBodies[0].innerHTML = risk.items.map((d) => dossierRow(d, false)).join('') || '<tr><td colspan="7">Không có</td></tr>';
  $('risk-count').textContent = `(${risk.items.length})`;
}

document.addEventListener('click', async (e) => {
  const code = e.target.closest('[data-code]')?.dataset.code;
  if (!code) return;
  e.preventDefault();
  const d = await api(`/api/v1/dossiers/${encodeURIComponent(code)}`);
  const steps = (d.steps ?? []).map((s) => `<li>${when(s.given_at)} ${esc(s.giver)} → ${esc(s.receiver)} (${esc(s.office_name)})`
    + `${s.result ? ` — ${esc(s.result)}` : ''}</li>`).join('');
  const hist = (d.history ?? []).map((h) => `<li>${when(h.at)} · ${esc(h.action)} · ${esc(h.actor)}</li>`).join('');
  $('history').innerHTML = `<b>${esc(d.code)}</b> — ${esc(d.procedure?.name)} — ${esc(d.status_text)}`
    + `<h3>Phiếu kiểm soát (Mẫu 06)</h3><ol>${steps || '<li>—</li>'}</ol><h3>Lịch sử</h3><ol>${hist}</ol>`;
  $('history').hidden = false;
});

function trendSvg(months) {
  const w = 520, h = 160, pad = 30;
  const pts = months.map((m, i) => [pad + (i * (w - 2 * pad)) / Math.max(1, months.length - 1),
    m.rate === null ? null : h - pad - m.rate * (h - 2 * pad)]);
  const line = pts.filter((p) => p[1] !== null).map((p) => p.join(',')).join(' ');
  const labels = months.map((m, i) => `<text x="${pts[i][0]}" y="${h - 8}" font-size="10" text-anchor="middle">${m.label}</text>`
    + (m.rate === null ? '' : `<circle cx="${pts[i][0]}" cy="${pts[i][1]}" r="3" fill="#1c447a"/><text x="${pts[i][0]}" y="${pts[i][1] - 6}" font-size="10" text-anchor="middle">${(m.rate * 100).toFixed(0)}%</text>`)).join('');
  return `<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="Tỷ lệ đúng hạn theo tháng">`
    + `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#999"/>`
    + `<line x1="${pad}" y1="${pad}" x2="${w - pad}" y2="${pad}" stroke="#ddd" stroke-dasharray="3"/>`
    + `<polyline points="${line}" fill="none" stroke="#1c447a" stroke-width="2"/>${labels}</svg>`;
}

function heatSvg(heat) {
  const names = ['', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7'];
  const cw = 26, ch = 20, left = 30, top = 18;
  const max = Math.max(1, ...heat.arrivals.flat());
  let cells = '';
  heat.arrivals.forEach((row, r) => {
    cells += `<text x="2" y="${top + r * ch + 14}" font-size="11">${names[heat.weekdays[r]]}</text>`;
    row.forEach((n, c) => {
      const a = n / max;
      const wait = heat.mean_wait_minutes[r][c];
      cells += `<rect x="${left + c * cw}" y="${top + r * ch}" width="${cw - 2}" height="${ch - 2}" fill="rgba(200,16,46,${(0.08 + 0.92 * a).toFixed(2)})"><title>${names[heat.weekdays[r]]} ${heat.slots[c]}: ${n} phiếu, chờ TB ${wait ?? '—'} phút</title></rect>`;
    });
  });
  const xl = heat.slots.map((s, c) => (c % 2 ? '' : `<text x="${left + c * cw}" y="12" font-size="9">${s}</text>`)).join('');
  return `<svg viewBox="0 0 ${left + heat.slots.length * cw} ${top + heat.arrivals.length * ch}" role="img" aria-label="Số phiếu theo khung 30 phút">${xl}${cells}</svg>`;
}

async function loadIndicators() {
  const from = $('from').value, to = $('to').value, by = $('by').value;
  const ind = await api(`/api/v1/indicators?from=${from}&to=${to}&by=${by}`);
  const rows = [...ind.dossiers.groups, { name: 'Tổng', ...ind.dossiers.total }];
  $('groups').tBodies[0].innerHTML = rows.map((g) => `<tr><td>${esc(g.name)}</td><td class="n">${g.received}</td>`
    + `<td class="n">${g.finished.total}</td><td class="n">${g.finished.late}</td><td class="n">${g.open.late}</td>`
    + `<td class="n">${pct(g.on_time_rate)}</td><td class="n">${num(g.processing_days.median)}</td></tr>`).join('');
  const q = ind.queue;
  $('heat').innerHTML = heatSvg(q.heat);
  $('queue-sum').textContent = `${q.tickets} phiếu · chờ trung vị ${num(q.wait_minutes.median, 1)} phút`
    + ` · gọi trong ${q.service_level_minutes} phút: ${pct(q.service_level)} · vắng mặt ${pct(q.no_show_rate)}`;
  const s = ind.satisfaction;
  const lv = [['very_satisfied', 'Rất hài lòng'], ['satisfied', 'Hài lòng'], ['neutral', 'Bình thường'], ['not_satisfied', 'Không hài lòng']];
  $('ratings').innerHTML = s.rated
    ? `<p>${s.rated} đánh giá · hài lòng ${pct(s.satisfied_share)}</p><table class="list"><tbody>${lv.map(([k, l]) => `<tr><td>${l}</td><td class="n">${s.levels[k]}</td><td class="n">${pct(s.shares[k])}</td></tr>`).join('')}`
      + `<tr><td>Đúng hẹn</td><td></td><td class="n">${pct(s.criteria.on_time)}</td></tr><tr><td>Lịch sự</td><td></td><td class="n">${pct(s.criteria.courteous)}</td></tr>`
      + `<tr><td>Một lần đi lại</td><td></td><td class="n">${pct(s.criteria.one_visit)}</td></tr><tr><td>Bị đòi chi phí ngoài</td><td class="n">${s.criteria.unofficial_payment_reports}</td><td></td></tr></tbody></table>`
    : '<p>Chưa có đánh giá trong kỳ.</p>';
  $('s766').tBodies[0].innerHTML = ind.score_766.parts.map((p) => `<tr><td>${esc(p.name)}</td><td class="n">${num(p.points)}</td>`
    + `<td class="n">${num(p.maximum, 0)}</td><td>${esc(p.formula)}</td></tr>`).join('')
    + `<tr><td><b>Cộng</b></td><td class="n"><b>${num(ind.score_766.points)}</b></td><td class="n">${num(ind.score_766.maximum, 0)}</td><td></td></tr>`;
  $('missing').innerHTML = ind.score_766.missing.map((m) => `<li>Chưa có dữ liệu: ${esc(m.missing)}</li>`).join('');
  $('plan').innerHTML = ind.plan.papi_dim5.map((p) => {
    const v = Object.entries(p).filter(([k]) => !['item', 'name'].includes(k))
      .map(([k, x]) => `${k}: ${typeof x === 'number' && x <= 1 && !Number.isInteger(x) ? pct(x) : x ?? '—'}`).join(', ');
    return `<li><b>${esc(p.name)}</b> — ${esc(v)}</li>`;
  }).join('') + ind.plan.sipas.map((p) => `<li>SIPAS ${esc(p.element)}: ${pct(p.share)}</li>`).join('');

  // The trend: on-time rate per month of the last six months up to `to`.
  const end = new Date(`${to}T00:00:00Z`);
  const months = [];
  for (let i = 5; i >= 0; i--) {
    const a = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - i, 1));
    const b = new Date(Date.UTC(a.getUTCFullYear(), a.getUTCMonth() + 1, 0));
    months.push({ from: ymd(a), to: ymd(b), label: `${a.getUTCMonth() + 1}/${a.getUTCFullYear() % 100}` });
  }
  const res = await Promise.all(months.map((m) => api(`/api/v1/indicators?from=${m.from}&to=${m.to}`)));
  res.forEach((r, i) => { months[i].rate = r.dossiers.total.on_time_rate; });
  $('trend').innerHTML = trendSvg(months);
}

function reports() {
  const y = Number($('to').value.slice(0, 4));
  const periods = [[`${y}-Q1`, `Quý I/${y}`], [`${y}-Q2`, `Quý II/${y}`], [`${y}-H1`, `6 tháng/${y}`],
    [`${y}-Q3`, `Quý III/${y}`], [`${y}-9M`, `9 tháng/${y}`], [`${y}-Q4`, `Quý IV/${y}`], [`${y}`, `Năm ${y}`]];
  $('reports').innerHTML = periods.map(([p, l]) => `<a href="/api/v1/reports/${p}.pdf" target="_blank">${l} (PDF)</a>`
    + `<a href="/api/v1/reports/${p}.csv">${l} (CSV)</a>`).join('');
}

async function start() {
  const who = await api('/api/v1/session').catch(() => null);
  if (!who) return;
  $('who').textContent = who.full_name ?? who.username ?? '';
  $('main').hidden = false;
  await Promise.all([loadDossiers(), loadIndicators()]);
  reports();
  document.body.dataset.ready = '1';
}

$('period').addEventListener('submit', (e) => { e.preventDefault(); loadIndicators(); reports(); });
const today = new Date(Date.now() + 7 * 3600 * 1000);
$('to').value = ymd(today);
$('from').value = ymd(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1)));
start();
