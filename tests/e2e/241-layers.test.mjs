// The layers of the server (docs/architecture.md), checked on the source
// itself: the API parses and presents, the domain decides, the store keeps.
// - core/src/store/ includes no JSON library and calls nothing named json_*
//   (SQL text inside string literals, such as SQLite's json_each, is SQL);
//   it includes nothing from api/.
// - No SQL of the store builds JSON (json_object, json_array,
//   json_group_array, json_group_object, json): it answers with plain columns
//   the API presents, which PostgreSQL can give too. Reading stored JSON
//   (json_extract, json_each, json_type, json_valid) is allowed.
// - core/src/domain/ includes only the C library and other domain headers:
//   no SQLite, no JSON, no HTTP, no store, no api, no util.
// - No function in core/src/store/ or core/src/api/ is longer than 120 lines,
//   none in core/src/domain/ longer than 150 (the line of the opening brace
//   to the line of the closing one).
// - docs/architecture.md names only functions that exist, and describes the
//   three paths it promises (a dossier action, a ticket call, an intake).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SOURCE } from './lib/harness.mjs';

const SRC = path.join(SOURCE, 'core/src');
const filesOf = (dir, re = /\.[ch]$/) =>
  readdirSync(path.join(SRC, dir)).filter((f) => re.test(f)).sort().map((f) => `${dir}/${f}`);
const read = (rel) => readFileSync(path.join(SRC, rel), 'utf8');

// The text with comments, string literals and character constants blanked
// (newlines kept, so line numbers stay), preprocessor lines kept.
export function stripC(src) {
  let out = '';
  let i = 0;
  const blank = (s) => s.replace(/[^\n]/g, ' ');
  while (i < src.length) {
    if (src.startsWith('/*', i)) {
      const j = src.indexOf('*/', i + 2);
      const end = j < 0 ? src.length : j + 2;
      out += blank(src.slice(i, end));
      i = end;
    } else if (src.startsWith('//', i)) {
      let j = src.indexOf('\n', i);
      if (j < 0) j = src.length;
      out += blank(src.slice(i, j));
      i = j;
    } else if (src[i] === '"' || src[i] === "'") {
      const q = src[i];
      let j = i + 1;
      while (j < src.length && src[j] !== q && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      out += q + blank(src.slice(i + 1, j)) + q;
      i = j + 1;
    } else {
      out += src[i++];
    }
  }
  return out;
}

// The string literals of a C file outside comments and character constants,
// each {text, line}: adjacent literals (nothing but white space or a line's
// continuation between them) joined as the compiler joins them, so that
// "SELECT json_" "object(" is seen whole.
export function stringsOf(src) {
  const found = [];
  let i = 0, line = 1, open = null, lastEnd = -1;
  while (i < src.length) {
    if (src.startsWith('/*', i)) {
      const j = src.indexOf('*/', i + 2);
      const end = j < 0 ? src.length : j + 2;
      line += (src.slice(i, end).match(/\n/g) ?? []).length;
      i = end;
      open = null;
    } else if (src.startsWith('//', i)) {
      const j = src.indexOf('\n', i);
      i = j < 0 ? src.length : j;
      open = null;
    } else if (src[i] === '"' || src[i] === "'") {
      const q = src[i];
      let j = i + 1;
      while (j < src.length && src[j] !== q && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      const close = src[j] === q ? j + 1 : j; // an unclosed one ends at its line's end
      if (q === '"') {
        const text = src.slice(i + 1, j);
        const between = lastEnd < 0 ? null : src.slice(lastEnd, i);
        if (open && between !== null && /^(\s|\\\n)*$/.test(between)) open.text += text;
        else found.push(open = { text, line });
        lastEnd = close;
      } else {
        open = null;
      }
      i = close;
    } else {
      if (src[i] === '\n') line++;
      i++;
    }
  }
  return found;
}

// SQL functions that build JSON text (SQLite's; PostgreSQL has none of them).
export const SQL_JSON_BUILDER = /\b(json_object|json_array|json_group_array|json_group_object|json)\s*\(/i;

// Every function definition of a C file: {name, line, length}. A definition
// is a brace at depth 0 whose text since the previous declaration has a
// parameter list and no initialiser's "=".
export function functionsOf(src) {
  const text = stripC(src).replace(/^[ \t]*#.*$/gm, (l) => l.replace(/[{}]/g, ' '));
  const found = [];
  let depth = 0, start = -1, name = null, since = 0, line = 1, startLine = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '{') {
      if (depth === 0) {
        const head = text.slice(since, i);
        const m = head.match(/(\w+)\s*\([^;{}=]*\)[^;{}=()]*(?:__attribute__\s*\(\(.*\)\)\s*)?$/s);
        start = m && !/=\s*$/.test(head) ? i : -1;
        name = m ? m[1] : null;
        startLine = line;
      }
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) {
        if (start >= 0) found.push({ name, line: startLine, length: line - startLine + 1 });
        start = -1;
        since = i + 1;
      }
    } else if (c === ';' && depth === 0) since = i + 1;
  }
  return found;
}

test('the store includes no JSON library and calls no json_ function', () => {
  const offences = [];
  for (const f of filesOf('store')) {
    const src = read(f);
    if (/#\s*include\s*[<"]jansson\.h[>"]/.test(src)) offences.push(`${f}: includes jansson.h`);
    if (/#\s*include\s*"api\//.test(src)) offences.push(`${f}: includes an api/ header`);
    const code = stripC(src).split('\n');
    code.forEach((l, k) => {
      const m = l.match(/\bjson_\w*/);
      if (m) offences.push(`${f}:${k + 1}: ${m[0]}`);
    });
  }
  assert.deepEqual(offences, []);
});

// libpq's blocking calls wait for a silent server for ever: every command
// goes through db_pg.c's pgdb_run/pgdb_result, which never do (docs/postgresql.md).
test('no blocking libpq command call: PostgreSQL commands go through pgdb_run or pgdb_result', () => {
  const offences = [];
  for (const dir of ['store', 'api', 'cli', 'util']) {
    for (const f of filesOf(dir)) {
      stripC(read(f)).split('\n').forEach((l, k) => {
        const m = l.match(/\bPQ(exec|execParams|execPrepared|prepare|describePrepared|describePortal)\s*\(/);
        if (m) offences.push(`${f}:${k + 1}: ${m[0]}`);
      });
    }
  }
  assert.deepEqual(offences, []);
});

test('no SQL of the store builds JSON: the store answers with columns', () => {
  const offences = [];
  for (const f of filesOf('store', /\.c$/)) {
    for (const { text, line } of stringsOf(read(f))) {
      const m = text.match(SQL_JSON_BUILDER);
      if (m) offences.push(`${f}:${line}: ${m[0]}`);
    }
  }
  assert.deepEqual(offences, []);
});

test('the SQL check sees JSON built in joined literals and lets reads of stored JSON pass', () => {
  const src = [
    '/* "SELECT json_object(" in a comment */',
    'static const char *a = "SELECT json_extract(x, \'$.a\'), v FROM json_each(?1)";',
    "static const char b = '\"';",
    'static const char *c = "SELECT json_" \\',
    '\t"group_array(code) FROM t";',
    '// "json(x)" in a line comment',
    'static const char *d = "SELECT JSON (body)" "";',
    'static const char *e = "valid" "(" "json_type(v) = \'object\'";',
  ].join('\n');
  const hits = stringsOf(src).filter((s) => SQL_JSON_BUILDER.test(s.text));
  assert.deepEqual(hits.map((h) => h.line), [4, 7]);
  assert.equal(stringsOf(src).find((s) => s.line === 4).text, 'SELECT json_group_array(code) FROM t');
});

test('the domain includes only the C library and the domain', () => {
  const offences = [];
  for (const f of filesOf('domain')) {
    for (const m of read(f).matchAll(/^#\s*include\s*([<"])([^>"]+)[>"]/gm)) {
      const [, kind, name] = m;
      if (kind === '"' ? !name.startsWith('domain/') : /^(sqlite3|jansson|microhttpd|pthread)\.h$|^(curl|cups|cairo|pango)\//.test(name))
        offences.push(`${f}: #include ${kind}${name}`);
    }
  }
  assert.deepEqual(offences, []);
});

test('no function of the store or the API is longer than 120 lines, of the domain 150', () => {
  const offences = [];
  for (const [dir, limit] of [['store', 120], ['api', 120], ['domain', 150]]) {
    for (const f of filesOf(dir, /\.c$/)) {
      for (const fn of functionsOf(read(f))) {
        if (fn.length > limit) offences.push(`${f}:${fn.line} ${fn.name}: ${fn.length} lines (limit ${limit})`);
      }
    }
  }
  assert.deepEqual(offences, []);
});

test('the measure itself finds functions and their lengths', () => {
  const src = [
    '/* { a comment with a brace */',
    'static int table[] = {1, 2};',
    'static const char *s = "}{";',
    'int f(int a)',
    '{',
    '\tif (a) {',
    "\t\treturn '}';",
    '\t}',
    '\treturn 0;',
    '}',
    'struct x { int y; };',
    'static void g(void) { }',
  ].join('\n');
  assert.deepEqual(functionsOf(src), [
    { name: 'f', line: 5, length: 6 },
    { name: 'g', line: 12, length: 1 },
  ]);
});

test('docs/architecture.md names functions that exist and the three paths', () => {
  const doc = readFileSync(path.join(SOURCE, 'docs/architecture.md'), 'utf8');
  for (const heading of [/^#+ .*dossier action/im, /^#+ .*ticket call/im, /^#+ .*intake/im]) {
    assert.match(doc, heading, `docs/architecture.md has a section matching ${heading}`);
  }
  const defined = new Set();
  for (const dir of ['api', 'domain', 'store', 'util', 'cli']) {
    for (const f of filesOf(dir, /\.c$/)) for (const fn of functionsOf(read(f))) defined.add(fn.name);
  }
  const named = [...new Set([...doc.matchAll(/`(\w+)\(\)`/g)].map((m) => m[1]))];
  assert.ok(named.length >= 12, `the paths name their functions (${named.length} named)`);
  assert.deepEqual(named.filter((n) => !defined.has(n)), [], 'functions named in docs/architecture.md that do not exist');
});
