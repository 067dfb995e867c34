// What the backup tests share: tickets issued without pause while a backup
// runs, the tickets a database file holds, the names of the nightly backups.
import assert from 'node:assert/strict';
import { runSql } from './pg.mjs';

// A backup of `backup --backup-dir`: motcua-YYYYMMDD-HHMMSS.db.gz in office time.
export const BACKUP_NAME = /^motcua-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})\.db\.gz$/;

// The instant (ms) a backup name stands for: office time is UTC+7.
export function backupInstant(name) {
  const m = name.match(BACKUP_NAME);
  assert.ok(m, `${name} is not a backup name`);
  const [, y, mo, d, h, mi, sec] = m.map(Number);
  return Date.UTC(y, mo - 1, d, h - 7, mi, sec);
}

// The ids of the tickets in the database db (read-only).
export function ticketIds(db) {
  return new Set(runSql(db, 'SELECT id FROM tickets', { readonly: true }).map((r) => Number(r.id)));
}

// Each of whos (logged in on s) issues tickets without pause; resolves once
// 20 are acknowledged. acked: the ids acknowledged so far, growing; stop():
// ends the writers and checks none was refused.
export async function ticketWriters(s, whos) {
  const acked = [];
  let stop = false;
  let failure = null;
  const writer = async (who) => {
    while (!stop) {
      const r = await s.as(who, 'POST', '/api/v1/tickets', { body: { group: 'HT' } });
      if (r.status !== 201) { failure = `${r.status} ${r.text}`; return; }
      acked.push(r.json.ticket.id);
    }
  };
  const writers = whos.map(writer);
  const deadline = Date.now() + 20000;
  while (acked.length < 20 && !failure && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(acked.length >= 20, `tickets are not flowing: ${failure}`);
  return {
    acked,
    async stop() {
      stop = true;
      await Promise.all(writers);
      assert.equal(failure, null);
    },
  };
}
