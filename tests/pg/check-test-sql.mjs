#!/usr/bin/env node
// Which SQL the end-to-end tests run themselves (reading or editing the
// database beside the server) PostgreSQL does not take. The statements come
// from a run with MOTCUA_TEST_SQL_LOG=FILE (tests/e2e/lib/pg.mjs logs each
// one it is given); each is planned (EXPLAIN, nothing runs) on a database of
// today's schema made by `motcua-server init` on the cluster URI.
//   MOTCUA_TEST_SQL_LOG=/tmp/sql.log ctest -L e2e        (in a build folder)
//   tests/pg/check-test-sql.mjs /tmp/sql.log URI BIN-DIR
// Prints each refused statement once, with the test files that ran it and
// PostgreSQL's reason; statements other than SELECT, INSERT, UPDATE, DELETE
// and WITH (PRAGMA, DDL) are listed as not checked. Exit 1 when any is refused.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const [log, uri, bin] = process.argv.slice(2);
if (!log || !uri || !bin) {
  console.error('usage: tests/pg/check-test-sql.mjs SQL-LOG CLUSTER-URI BIN-DIR');
  process.exit(2);
}
process.env.MOTCUA_TEST_ENGINE = 'postgres';
process.env.MOTCUA_TEST_PG = uri;
const { newDb, splitSql } = await import('../e2e/lib/pg.mjs');

const db = newDb('', 'sql_check.db');
const init = spawnSync(path.join(bin, 'motcua-server'), ['init', '--db', db, '--password', 'check-pass-123456'],
  { encoding: 'utf8' });
if (init.status !== 0) {
  console.error(`init on PostgreSQL failed: ${init.stderr}`);
  process.exit(2);
}

// Each statement once, with the files that ran it.
const seen = new Map();
for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
  const { file, sql } = JSON.parse(line);
  for (const stmt of splitSql(sql)) {
    const key = stmt.replace(/\s+/g, ' ');
    if (!seen.has(key)) seen.set(key, new Set());
    seen.get(key).add(path.basename(file ?? '?'));
  }
}

const refused = [];
const unchecked = [];
for (const [stmt, files] of seen) {
  const head = stmt.replace(/^(\s|--[^\n]*\n)+/, '').split(/[\s(]/)[0].toUpperCase();
  if (!['SELECT', 'WITH', 'INSERT', 'UPDATE', 'DELETE', 'VALUES'].includes(head)) {
    unchecked.push({ stmt, files, why: head });
    continue;
  }
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', `EXPLAIN ${stmt}`],
    { encoding: 'utf8', env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } });
  if (r.status !== 0) refused.push({ stmt, files, why: r.stderr.split('\n')[0].replace(/^ERROR:\s*/, '') });
}

const show = (list, title) => {
  console.log(`${title}: ${list.length}`);
  for (const { stmt, files, why } of list.sort((a, b) => [...a.files][0].localeCompare([...b.files][0]))) {
    console.log(`  ${[...files].sort().join(' ')}: ${why}\n    ${stmt.slice(0, 300)}`);
  }
};
console.log(`${seen.size} statements of the tests`);
show(refused, 'refused by PostgreSQL');
show(unchecked, 'not checked (not a query or a change of rows)');
process.exit(refused.length ? 1 : 0);
