// /metrics for Prometheus and the sample alert file (docs/monitoring.md):
// every series an alert of packaging/prometheus/motcua-alerts.yml uses is one
// a real server reports, the documented list of series is the server's, and
// the figures the alerts watch move when the thing happens: a print job to a
// printer that does not answer raises the pending count and its age; a
// dossier past its due instant (test clock) raises the late count; a checked
// backup made by `backup --backup-dir` gives the backup time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SOURCE, ON_POSTGRES, cli, sqliteOnly, startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE } from './lib/province-bundle.mjs';
import { setClock, ok } from './lib/steps.mjs';

// Monday 2 March 2026, 09:00 office time (UTC+7).
const MONDAY_9 = Date.UTC(2026, 2, 2, 2, 0, 0) / 1000;
// Nothing listens on port 9 of the loopback: the printer is away.
const DEAD_PRINTER = 'ipp://127.0.0.1:9/ipp/print';
const ALERTS = path.join(SOURCE, 'packaging/prometheus/motcua-alerts.yml');
const DOC = path.join(SOURCE, 'docs/monitoring.md');

let s;
let backups;
before(async () => {
  backups = mkdtempSync(path.join(tmpdir(), 'motcua-236-backups-'));
  s = await startServer({
    bundle: { ...PROVINCE_BUNDLE, printers: [{ office: 'TT-KS', name: 'away', target: DEAD_PRINTER, format: 'pdf', paper: '80mm', default: true }] },
    args: ['--test-clock', '--logins-per-minute', '1000', '--backup-dir', backups],
  });
  await setClock(s, MONDAY_9);
});
after(async () => {
  await s?.stop();
  s?.cleanup();
  rmSync(backups, { recursive: true, force: true });
});

// The exposition text as {types: Map name -> type, help: Set, samples: [{name, labels, value}]}.
function parseMetrics(text) {
  const types = new Map();
  const help = new Set();
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m;
    if ((m = line.match(/^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/))) { types.set(m[1], m[2]); continue; }
    if ((m = line.match(/^# HELP (\S+) \S/))) { help.add(m[1]); continue; }
    m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/);
    assert.ok(m, `not a sample line: ${line}`);
    const labels = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    const value = Number(m[3]);
    assert.ok(!Number.isNaN(value), `not a number: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return { types, help, samples };
}

const metrics = async () => {
  const r = await s.req('GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  return parseMetrics(r.text);
};
// The family a sample belongs to (a histogram's _bucket, _sum, _count).
const family = (name, types) => (types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, ''));
const value = (m, name, labels = {}) => m.samples
  .filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))
  .reduce((a, x) => a + x.value, 0);

// A small YAML reader for the subset the alert file is written in: block
// maps and lists by indentation, "key: value" scalars (plain, quoted),
// inline [a, b] lists, comments. Enough to check the file's structure
// without promtool; anything else it meets fails the test.
function parseYaml(text) {
  const lines = [];
  for (const raw of text.split('\n')) {
    if (/^\s*(#.*)?$/.test(raw)) continue;
    assert.ok(!raw.includes('\t'), `a tab in YAML: ${raw}`);
    lines.push({ indent: raw.match(/^ */)[0].length, text: raw.trim() });
  }
  let i = 0;
  const scalar = (v) => {
    v = v.trim();
    if (v.startsWith('"')) { assert.ok(v.endsWith('"') && v.length > 1, `unclosed quote: ${v}`); return JSON.parse(v); }
    if (v.startsWith("'")) { assert.ok(v.endsWith("'"), `unclosed quote: ${v}`); return v.slice(1, -1).replace(/''/g, "'"); }
    if (v.startsWith('[')) { assert.ok(v.endsWith(']'), `unclosed list: ${v}`); return v.slice(1, -1).split(',').map((x) => scalar(x)).filter((x) => x !== ''); }
    assert.ok(!/^[{&*!|>]/.test(v), `YAML beyond the subset: ${v}`);
    return v.replace(/\s+#.*$/, '');
  };
  const block = (indent) => {
    const first = lines[i];
    if (first.text.startsWith('- ')) {
      const list = [];
      while (i < lines.length && lines[i].indent === indent && lines[i].text.startsWith('- ')) {
        // "- key: v" opens a map whose keys sit at indent + 2.
        const rest = lines[i].text.slice(2);
        lines[i] = { indent: indent + 2, text: rest };
        list.push(/^[a-zA-Z_][\w-]*:( |$)/.test(rest) ? block(indent + 2) : (i++, scalar(rest)));
      }
      return list;
    }
    const map = {};
    while (i < lines.length && lines[i].indent === indent) {
      const m = lines[i].text.match(/^([a-zA-Z_][\w-]*):(?: (.*))?$/);
      assert.ok(m, `not "key: value": ${lines[i].text}`);
      assert.ok(!(m[1] in map), `key ${m[1]} twice`);
      i++;
      if (m[2] !== undefined && m[2].trim() !== '') map[m[1]] = scalar(m[2]);
      else {
        assert.ok(i < lines.length && lines[i].indent > indent, `key ${m[1]} without a value`);
        map[m[1]] = block(lines[i].indent);
      }
    }
    assert.ok(i >= lines.length || lines[i].indent < indent, `bad indentation at: ${lines[i]?.text}`);
    return map;
  };
  const doc = block(0);
  assert.equal(i, lines.length, 'the whole file read');
  return doc;
}

// The metric names a PromQL expression reads: identifiers that are not
// functions, keywords, label names (in {...} or by (...)), strings, durations
// or numbers.
const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);
function promqlMetrics(expr) {
  const e = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = new Set();
  for (const m of e.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (m[2] || PROMQL_WORDS.has(m[1].toLowerCase())) continue;
    names.add(m[1]);
  }
  return names;
}

test('the alert file is well formed: a group of rules, each with alert, expr, for, severity and a summary', () => {
  const doc = parseYaml(readFileSync(ALERTS, 'utf8'));
  assert.deepEqual(Object.keys(doc), ['groups']);
  assert.equal(doc.groups.length, 1);
  const rules = doc.groups[0].rules;
  assert.equal(doc.groups[0].name, 'motcua');
  const names = rules.map((r) => r.alert);
  assert.equal(new Set(names).size, names.length, 'alert names are unique');
  for (const r of rules) {
    assert.match(r.alert, /^[A-Z][A-Za-z]+$/);
    assert.ok(r.expr && r.expr.length > 3, `${r.alert}: expr`);
    assert.match(r.for, /^\d+[smhd]$/, `${r.alert}: for`);
    assert.ok(['critical', 'warning'].includes(r.labels?.severity), `${r.alert}: severity`);
    assert.ok(r.annotations?.summary, `${r.alert}: summary`);
    assert.equal((r.expr.match(/\(/g) ?? []).length, (r.expr.match(/\)/g) ?? []).length, `${r.alert}: parentheses`);
  }
  // The five situations, each watched.
  const exprs = Object.fromEntries(rules.map((r) => [r.alert, r.expr]));
  assert.match(exprs.MotcuaDown, /^up\{job="motcua"\} == 0$/);
  assert.match(exprs.MotcuaServerErrors, /motcua_http_requests_total\{code=~"5\.\."\}/);
  assert.match(exprs.MotcuaPrintJobsStuck, /motcua_print_jobs_oldest_pending_seconds\) > 600$/);
  assert.match(exprs.MotcuaLateDossiersRising, /motcua_dossiers_late\[1d\]\) > 0$/);
  assert.match(exprs.MotcuaBackupTooOld, /time\(\) - motcua_backup_newest_timestamp_seconds > 26 \* 3600$/);
  assert.match(exprs.MotcuaBackupNotReported, /^absent\(motcua_backup_newest_timestamp_seconds\)$/);
});

test('every series the alerts read is reported by the server; the documented list is the server\'s', async () => {
  // A backup for the next test (motcua-server backup refuses a PostgreSQL
  // database: pg_dump backs it up). The backup series is reported whenever
  // --backup-dir is set, 0 while the folder holds none: checked on both.
  if (!ON_POSTGRES) {
    const made = cli(['backup', '--db', s.db, '--backup-dir', backups]);
    assert.equal(made.status, 0, made.stderr);
  }
  const m = await metrics();
  // Every sample belongs to a family with HELP and TYPE.
  for (const x of m.samples) {
    const f = family(x.name, m.types);
    assert.ok(m.types.has(f), `TYPE of ${x.name}`);
    assert.ok(m.help.has(f), `HELP of ${x.name}`);
  }
  const reported = new Set(m.samples.map((x) => x.name));
  const rules = parseYaml(readFileSync(ALERTS, 'utf8')).groups[0].rules;
  const used = new Set(rules.flatMap((r) => [...promqlMetrics(r.expr)]));
  assert.ok(used.size >= 5, [...used].join(' '));
  for (const name of used) {
    if (name === 'up') continue; // Prometheus' own, per scrape target
    assert.ok(reported.has(name), `${name} (used by an alert) is not in /metrics`);
  }
  // docs/monitoring.md's table of series (first column, `name`) = the
  // families the server declares.
  const doc = readFileSync(DOC, 'utf8');
  const section = doc.split(/^## /m).find((x) => x.startsWith('Series'));
  assert.ok(section, 'docs/monitoring.md has a "Series" section');
  const documented = [...section.matchAll(/^\| `([a-z_:]+)`/gm)].map((x) => x[1]).sort();
  assert.deepEqual(documented, [...m.types.keys()].sort());
});

test('the backup time is the newest checked backup\'s, made by backup --backup-dir',
  sqliteOnly('the backup file made by motcua-server backup, which refuses a PostgreSQL database (pg_dump)'), async () => {
  const names = readdirSync(backups).filter((f) => /^motcua-\d{8}-\d{6}\.db\.gz$/.test(f)).sort();
  assert.ok(names.length >= 1, readdirSync(backups).join(' '));
  const [, y, mo, d, h, mi, se] = names.at(-1).match(/^motcua-(\d{4})(\d\d)(\d\d)-(\d\d)(\d\d)(\d\d)/).map(Number);
  const when = Date.UTC(y, mo - 1, d, h - 7, mi, se) / 1000; // office time, +07:00
  const m = await metrics();
  assert.equal(value(m, 'motcua_backup_newest_timestamp_seconds'), when);
  // Made now, on the real clock (the alert compares it with Prometheus' time()).
  assert.ok(Math.abs(Date.now() / 1000 - when) < 120, `${when}`);
  const build = m.samples.find((x) => x.name === 'motcua_build_info');
  assert.match(build.labels.version, /^\d+\.\d+\.\d+/);
  const started = value(m, 'process_start_time_seconds');
  assert.ok(started > Date.now() / 1000 - 600 && started <= Date.now() / 1000 + 1, `${started}`);
});

test('a print job to a printer that does not answer raises the pending count and the age of the oldest', async () => {
  let m = await metrics();
  assert.equal(value(m, 'motcua_print_jobs_pending'), 0);
  assert.equal(value(m, 'motcua_print_jobs_oldest_pending_seconds'), 0);
  // One series per centre, even with nothing pending.
  assert.deepEqual(m.samples.filter((x) => x.name === 'motcua_print_jobs_pending').map((x) => x.labels.office).sort(), ['TT-KS', 'TT-LB']);
  const r = await s.as('admin', 'POST', '/api/v1/printers/away/test');
  assert.equal(r.status, 202, r.text);
  m = await metrics();
  assert.equal(value(m, 'motcua_print_jobs_pending'), 1);
  // Eleven minutes later (test clock) the job is still not printed: past the
  // alert's 10 minutes.
  await setClock(s, MONDAY_9 + 11 * 60);
  m = await metrics();
  assert.equal(value(m, 'motcua_print_jobs_pending'), 1);
  const age = Math.max(...m.samples.filter((x) => x.name === 'motcua_print_jobs_oldest_pending_seconds').map((x) => x.value));
  assert.ok(age >= 11 * 60 && age < 12 * 60, `age ${age}`);
  const job = s.sql('SELECT state FROM print_jobs')[0];
  assert.ok(['queued', 'sending'].includes(job.state), job.state);
});

test('a dossier past its due instant raises the late count', async () => {
  const at = MONDAY_9 + 3600;
  await setClock(s, at);
  let m = await metrics();
  const open0 = value(m, 'motcua_dossiers_open');
  assert.equal(value(m, 'motcua_dossiers_late'), 0);
  const d = ok(await s.as('a.clerk', 'POST', '/api/v1/dossiers', {
    body: {
      procedure: 'P3', outcome: 'received', office: 'TT-KS',
      applicant: { name: 'Lê Thị Thu Hà', id_number: '045190001122', phone: '0912 345 678' },
      documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }],
    },
  })).dossier;
  const due = s.sql(`SELECT due_at FROM dossiers WHERE code = '${d.code}'`)[0].due_at;
  assert.ok(due > at);
  m = await metrics();
  assert.equal(value(m, 'motcua_dossiers_open'), open0 + 1);
  assert.equal(value(m, 'motcua_dossiers_late'), 0, 'not late before its due');
  await setClock(s, due);
  m = await metrics();
  assert.equal(value(m, 'motcua_dossiers_late'), 0, 'at its due instant it is still on time');
  await setClock(s, due + 60);
  m = await metrics();
  assert.equal(value(m, 'motcua_dossiers_late'), 1, 'a minute past its due it is late');
});
