/* Schema migrations, applied in order, keyed by PRAGMA user_version. A step is
 * never edited once released: later changes are new steps. */
#include "store/schema.h"

#include "store/figures.h"

static const char *const schema_steps[] = {
    /* 1: the office, staff, devices, the queue, the event chain. */
    "CREATE TABLE settings ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ") WITHOUT ROWID;"

    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT NOT NULL UNIQUE,"
    "  full_name TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('admin','supervisor','counter','specialist')),"
    "  pw_hash TEXT NOT NULL,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  demo INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL"
    ");"

    "CREATE TABLE sessions ("
    "  token_hash TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL"
    ") WITHOUT ROWID;"

    "CREATE TABLE devices ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('kiosk','display')),"
    "  name TEXT NOT NULL UNIQUE,"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  prints INTEGER NOT NULL DEFAULT 1,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL"
    ");"

    "CREATE TABLE service_groups ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  prefix TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  name_en TEXT NOT NULL DEFAULT '',"
    "  sort INTEGER NOT NULL DEFAULT 0,"
    "  active INTEGER NOT NULL DEFAULT 1"
    ");"

    "CREATE TABLE counters ("
    "  id INTEGER PRIMARY KEY,"
    "  no INTEGER NOT NULL UNIQUE CHECK (no > 0),"
    "  name TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'closed' CHECK (state IN ('open','paused','closed')),"
    "  user_id INTEGER REFERENCES users(id),"
    "  priority_streak INTEGER NOT NULL DEFAULT 0"
    ");"

    "CREATE TABLE counter_groups ("
    "  counter_id INTEGER NOT NULL REFERENCES counters(id),"
    "  group_id INTEGER NOT NULL REFERENCES service_groups(id),"
    "  PRIMARY KEY (counter_id, group_id)"
    ") WITHOUT ROWID;"

    /* The last number handed out per group per service day: numbering is
     * gap-free because this row and the ticket are written in one commit. */
    "CREATE TABLE ticket_numbers ("
    "  service_day TEXT NOT NULL,"
    "  group_id INTEGER NOT NULL REFERENCES service_groups(id),"
    "  last INTEGER NOT NULL,"
    "  PRIMARY KEY (service_day, group_id)"
    ") WITHOUT ROWID;"

    "CREATE TABLE tickets ("
    "  id INTEGER PRIMARY KEY,"
    "  service_day TEXT NOT NULL,"
    "  series_group_id INTEGER NOT NULL REFERENCES service_groups(id)," /* numbered in */
    "  group_id INTEGER NOT NULL REFERENCES service_groups(id),"        /* line it is in now */
    "  number INTEGER NOT NULL,"
    "  label TEXT NOT NULL,"
    "  priority TEXT,"
    "  state TEXT NOT NULL CHECK (state IN ('waiting','called','done','no_show')),"
    "  issued_at INTEGER NOT NULL,"
    "  issued_by TEXT NOT NULL,"
    "  queue_key INTEGER NOT NULL," /* place in line: rises with each arrival, kept on transfer */
    "  queued_at INTEGER NOT NULL," /* when it last entered a line */
    "  target_counter_id INTEGER REFERENCES counters(id),"
    "  counter_id INTEGER REFERENCES counters(id),"
    "  no_show_at INTEGER,"
    "  finished_at INTEGER,"
    "  outcome TEXT,"
    "  UNIQUE (service_day, series_group_id, number)"
    ");"
    "CREATE INDEX tickets_by_state ON tickets (state, service_day, group_id, queue_key);"
    "CREATE INDEX tickets_by_day ON tickets (service_day, group_id);"
    "CREATE INDEX tickets_by_queue_key ON tickets (queue_key);"

    /* One row per time a ticket is called to a counter; it ends with exactly
     * one outcome. */
    "CREATE TABLE visits ("
    "  id INTEGER PRIMARY KEY,"
    "  ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
    "  counter_id INTEGER NOT NULL REFERENCES counters(id),"
    "  actor TEXT NOT NULL,"
    "  queued_at INTEGER NOT NULL,"
    "  called_at INTEGER NOT NULL," /* last call, after recalls */
    "  first_called_at INTEGER NOT NULL,"
    "  recalls INTEGER NOT NULL DEFAULT 0,"
    "  finished_at INTEGER,"
    "  outcome TEXT CHECK (outcome IN ('served','no_show','transferred','removed'))"
    ");"
    "CREATE INDEX visits_by_ticket ON visits (ticket_id);"
    "CREATE INDEX visits_by_called ON visits (called_at);"
    "CREATE INDEX visits_by_first_called ON visits (first_called_at);"

    /* The audit chain: each row carries the hash of its predecessor. */
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  entity TEXT NOT NULL,"
    "  entity_id TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  details TEXT NOT NULL,"
    "  stream INTEGER NOT NULL DEFAULT 0,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL"
    ");"
    "CREATE INDEX events_by_entity ON events (entity, entity_id);"

    "CREATE TABLE idempotency ("
    "  principal TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  method TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  status INTEGER NOT NULL,"
    "  body TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (principal, key)"
    ") WITHOUT ROWID;"
    "CREATE INDEX idempotency_by_time ON idempotency (created_at);",

    /* 2: the administrator's calendar overrides (the yearly notice), one per
     * date. The office's weekly pattern, sessions and cutoff are settings
     * (calendar_weekdays, calendar_sessions, calendar_cutoff). */
    "CREATE TABLE calendar_overrides ("
    "  date TEXT PRIMARY KEY"
    "    CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
    "  kind TEXT NOT NULL CHECK (kind IN ('day_off','workday','remove','rename')),"
    "  name TEXT,"
    "  set_by TEXT NOT NULL,"
    "  set_at INTEGER NOT NULL,"
    "  CHECK (kind <> 'rename' OR name IS NOT NULL)"
    ") WITHOUT ROWID;",

    /* 3: printing. Named destinations (a CUPS queue by name or a printer by
     * URI, the format it takes, its paper); at most one is the office's
     * default; a kiosk device or a counter may name its own. The spool keeps
     * every job with its rendered bytes until done; sync jobs are the kiosk's,
     * waited on by the HTTP answer and never taken by the worker. */
    "CREATE TABLE printers ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  target TEXT NOT NULL,"
    "  format TEXT NOT NULL DEFAULT 'pdf' CHECK (format IN ('pdf','escpos')),"
    "  paper TEXT NOT NULL DEFAULT '80mm' CHECK (paper IN ('80mm','58mm','a5','a4')),"
    "  is_default INTEGER NOT NULL DEFAULT 0,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE UNIQUE INDEX printers_one_default ON printers (is_default) WHERE is_default = 1;"
    "ALTER TABLE devices ADD COLUMN printer_id INTEGER REFERENCES printers(id);"
    "ALTER TABLE counters ADD COLUMN printer_id INTEGER REFERENCES printers(id);"

    "CREATE TABLE print_jobs ("
    "  id INTEGER PRIMARY KEY,"
    "  printer_id INTEGER NOT NULL REFERENCES printers(id),"
    "  format TEXT NOT NULL CHECK (format IN ('pdf','escpos')),"
    "  kind TEXT NOT NULL CHECK (kind IN ('ticket','form','test')),"
    "  ref TEXT," /* ticket id, dossier code */
    "  title TEXT NOT NULL,"
    "  data BLOB NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  sync INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL"
    "    CHECK (state IN ('queued','sending','printing','done','failed')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_try_ms INTEGER NOT NULL DEFAULT 0," /* epoch ms: when the worker may take it */
    "  last_error TEXT,"
    "  printer_reasons TEXT,"
    "  cups_job_id INTEGER,"
    "  reprint_of INTEGER REFERENCES print_jobs(id),"
    "  created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  done_at INTEGER"
    ");"
    "CREATE INDEX print_jobs_due ON print_jobs (state, next_try_ms);"
    "CREATE INDEX print_jobs_by_ref ON print_jobs (kind, ref);"
    "CREATE INDEX print_jobs_by_printer ON print_jobs (printer_id, state);",

    /* 4: dossiers: processing offices, the procedure catalogue (versioned: a
     * dossier pins the version in force at intake), dossiers with their
     * per-agency daily numbering, and the hand-over steps of the control
     * sheet (Mẫu 06). Personal data lives only in dossiers.applicant*. */
    "CREATE TABLE offices ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL DEFAULT 'internal' CHECK (kind IN ('internal','partner'))"
    ");"
    "CREATE TABLE procedures ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  current INTEGER NOT NULL DEFAULT 1,"
    "  name TEXT NOT NULL,"
    "  field TEXT NOT NULL,"
    "  level TEXT NOT NULL,"
    "  office TEXT,"
    "  time_unit TEXT NOT NULL CHECK (time_unit IN ('working_days','working_hours','same_day')),"
    "  time_milli INTEGER NOT NULL," /* thousandths of a day or an hour */
    "  fee_vnd INTEGER NOT NULL DEFAULT 0,"
    "  body TEXT NOT NULL," /* the whole item as imported: documents, partners, steps */
    "  created_at INTEGER NOT NULL,"
    "  UNIQUE (code, version)"
    ");"
    "CREATE UNIQUE INDEX procedures_current ON procedures (code) WHERE current = 1;"
    "CREATE TABLE dossier_numbers ("
    "  agency TEXT NOT NULL,"
    "  day TEXT NOT NULL,"
    "  last INTEGER NOT NULL,"
    "  PRIMARY KEY (agency, day)"
    ") WITHOUT ROWID;"
    "CREATE TABLE dossiers ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  procedure_id INTEGER NOT NULL REFERENCES procedures(id),"
    "  status TEXT NOT NULL,"
    "  channel TEXT NOT NULL DEFAULT 'counter',"
    "  applicant TEXT NOT NULL," /* JSON: name, id_number, address, phone, email */
    "  applicant_name TEXT NOT NULL,"
    "  applicant_phone TEXT,"
    "  applicant_id_number TEXT,"
    "  documents TEXT NOT NULL," /* JSON: what was received */
    "  sets INTEGER NOT NULL DEFAULT 1,"
    "  pending TEXT," /* JSON: what is still needed (Mẫu 02 items) */
    "  reason TEXT,"  /* refusal, ineligibility, withdrawal, cancellation */
    "  intake_at INTEGER NOT NULL,"
    "  intake_by TEXT NOT NULL,"
    "  received_at INTEGER," /* the clock starts: complete dossier */
    "  due_at INTEGER,"      /* moved by pauses, never by an apology */
    "  first_due_at INTEGER,"
    "  paused_at INTEGER,"
    "  paused_seconds INTEGER NOT NULL DEFAULT 0," /* working time paused */
    "  supplements INTEGER NOT NULL DEFAULT 0,"
    "  apology_at INTEGER,"
    "  apology_due_at INTEGER,"
    "  apology_reason TEXT,"
    "  finished_at INTEGER," /* result ready or processing ended */
    "  returned_at INTEGER,"
    "  returned_to TEXT,"
    "  holder_office TEXT,"
    "  holder TEXT,"
    "  secret_hash TEXT,"
    "  ticket_id INTEGER REFERENCES tickets(id),"
    "  ledger_line INTEGER"
    ");"
    "CREATE INDEX dossiers_by_status ON dossiers (status, due_at);"
    "CREATE INDEX dossiers_by_received ON dossiers (received_at);"
    "CREATE INDEX dossiers_by_intake ON dossiers (intake_at);"
    "CREATE INDEX dossiers_by_phone ON dossiers (applicant_phone);"
    "CREATE INDEX dossiers_by_id_number ON dossiers (applicant_id_number);"
    "CREATE TABLE dossier_steps ("
    "  id INTEGER PRIMARY KEY,"
    "  dossier_id INTEGER NOT NULL REFERENCES dossiers(id),"
    "  office TEXT NOT NULL,"
    "  giver TEXT NOT NULL,"
    "  receiver TEXT NOT NULL,"
    "  given_at INTEGER NOT NULL,"
    "  budget_seconds INTEGER," /* that office's slice of the time, if set */
    "  ended_at INTEGER,"
    "  spent_seconds INTEGER,"
    "  result TEXT CHECK (result IN ('early','on_time','late')),"
    "  note TEXT"
    ");"
    "CREATE INDEX dossier_steps_by_dossier ON dossier_steps (dossier_id);",

    /* 5: citizens' ratings (đánh giá mức độ hài lòng). Anonymous by design:
     * no actor, no address, no name. `subject` ("dossier:<code>" or
     * "ticket:<id>") is kept only so that each dossier or queue visit is
     * rated once (UNIQUE). A rating link is a one-time token handed out by
     * the counter, kept as its hash only. */
    "CREATE TABLE rating_links ("
    "  token_hash TEXT PRIMARY KEY,"
    "  subject TEXT NOT NULL,"
    "  created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE INDEX rating_links_by_subject ON rating_links (subject);"
    "CREATE TABLE ratings ("
    "  id INTEGER PRIMARY KEY,"
    "  subject TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('dossier','ticket')),"
    "  procedure_code TEXT," /* for reports per procedure and field */
    "  group_code TEXT,"     /* the service group of a queue visit */
    "  level TEXT NOT NULL"
    "    CHECK (level IN ('very_satisfied','satisfied','neutral','not_satisfied')),"
    "  on_time INTEGER CHECK (on_time IN (0,1)),"
    "  courteous INTEGER CHECK (courteous IN (0,1)),"
    "  visits INTEGER CHECK (visits BETWEEN 1 AND 10),"
    "  unofficial_payment_asked INTEGER CHECK (unofficial_payment_asked IN (0,1)),"
    "  comment TEXT CHECK (length(comment) <= 500),"
    "  rated_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX ratings_by_time ON ratings (rated_at);",

    /* 6: indicators. When processing ends (result ready, returned as
     * ineligible, withdrawn, cancelled) the dossier keeps its processing
     * time in working seconds, pauses excluded, and its timing against the
     * due instant (early / on_time / late), so a period's figures need no
     * calendar walk per row. Rows finished before this step have NULLs: the
     * indicator queries compute those on the fly. The indexes cover the
     * period scans of store/indicators.c. */
    "ALTER TABLE dossiers ADD COLUMN work_seconds INTEGER;"
    "ALTER TABLE dossiers ADD COLUMN timing TEXT"
    "  CHECK (timing IN ('early','on_time','late'));"
    "CREATE INDEX dossiers_ind_finished ON dossiers (finished_at, procedure_id, status,"
    "  timing, work_seconds, supplements, received_at, intake_at, due_at, paused_seconds,"
    "  paused_at);"
    "CREATE INDEX dossiers_ind_received ON dossiers (received_at, procedure_id, channel);"
    "CREATE INDEX dossiers_ind_open ON dossiers (received_at, procedure_id, due_at,"
    "  paused_at) WHERE finished_at IS NULL;"
    "CREATE INDEX dossiers_ind_apology ON dossiers (apology_at, procedure_id)"
    "  WHERE apology_at IS NOT NULL;"
    "CREATE INDEX tickets_ind_issued ON tickets (issued_at, series_group_id);"
    "CREATE INDEX visits_ind_called ON visits (called_at, counter_id, queued_at,"
    "  finished_at, outcome, recalls);",

    /* 7: the receipt's entry in the ledger (Sổ theo dõi hồ sơ, Mẫu 07): the
     * book is the year of receipt (office time), the line (step 4's
     * ledger_line, unused until now) 1, 2, 3… within it, gap-free, given in
     * the transaction that receives the dossier. Dossiers received before
     * this step get theirs in order of receipt. A user may carry a title
     * (chức vụ) printed under the name on the forms. */
    "ALTER TABLE dossiers ADD COLUMN ledger_book INTEGER;"
    "UPDATE dossiers SET ledger_book = b.book, ledger_line = b.line FROM (SELECT id,"
    "  CAST(strftime('%Y', received_at + 25200, 'unixepoch') AS INTEGER) AS book,"
    "  row_number() OVER (PARTITION BY strftime('%Y', received_at + 25200, 'unixepoch')"
    "  ORDER BY received_at, id) AS line FROM dossiers WHERE received_at IS NOT NULL) AS b"
    "  WHERE dossiers.id = b.id;"
    "CREATE UNIQUE INDEX dossiers_ledger ON dossiers (ledger_book, ledger_line)"
    "  WHERE ledger_book IS NOT NULL;"
    "ALTER TABLE users ADD COLUMN title TEXT CHECK (length(title) <= 200);",

    /* 8: one province, many centres (the two-tier government of 2025; see
     * docs/province.md). `offices` becomes the office tree: one province
     * root, its centres (with reception points), the authorities competent
     * for procedures (provincial departments, commune People's Committees)
     * with their internal processing offices, and partner agencies.
     * office_paths is its closure (every ancestor of every office, itself
     * included), rebuilt whenever the tree changes: a scope test is one
     * indexed lookup. Every row that belongs to a place carries its office;
     * service groups and counters are keyed per centre. A database of one
     * office becomes a province with one centre: the office setting's code
     * and name make the centre, its processing offices hang below it, and
     * every queue, device, printer, dossier and rating row is the centre's.
     * Runs with foreign keys off (store_migrate), so tables can be rebuilt. */
    "CREATE TABLE offices_v8 ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL DEFAULT 'internal'"
    "    CHECK (kind IN ('province','centre','point','authority','internal','partner')),"
    "  parent_id INTEGER REFERENCES offices(id),"
    "  level TEXT CHECK (level IN ('province','commune')),"
    "  address TEXT,"
    "  phone TEXT,"
    "  hours TEXT,"    /* opening hours as shown to citizens */
    "  locality TEXT," /* địa danh on forms */
    "  weekdays TEXT," /* a centre's own weekly pattern, else the province's */
    "  sessions TEXT," /* a centre's own sessions, else the province's */
    "  sort INTEGER NOT NULL DEFAULT 0,"
    "  demo INTEGER NOT NULL DEFAULT 0,"
    "  active INTEGER NOT NULL DEFAULT 1"
    ");"
    "INSERT INTO offices_v8 (id, code, name, kind) SELECT id, code, name, kind FROM offices;"
    "DROP TABLE offices;"
    "ALTER TABLE offices_v8 RENAME TO offices;"
    "CREATE INDEX offices_by_parent ON offices (parent_id);"
    "CREATE UNIQUE INDEX offices_one_root ON offices (kind) WHERE kind = 'province';"

    /* An old database (one that has staff or set-up) becomes a province
     * with one centre. A new one gets its tree from the first import. */
    "CREATE TEMP TABLE v8_old AS SELECT"
    "  (SELECT value FROM settings WHERE key = 'office') AS office"
    "  WHERE EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM service_groups)"
    "  OR EXISTS (SELECT 1 FROM settings WHERE key = 'office');"
    "INSERT INTO offices (code, name, kind, level)"
    "  SELECT 'TINH', 'Tỉnh', 'province', 'province' FROM v8_old;"
    "INSERT INTO offices (code, name, kind, parent_id, locality)"
    "  SELECT coalesce(json_extract(office, '$.code'), 'TTPVHCC'),"
    "  coalesce(json_extract(office, '$.name'), 'Trung tâm Phục vụ hành chính công'),"
    "  'centre', (SELECT id FROM offices WHERE kind = 'province'),"
    "  json_extract(office, '$.locality') FROM v8_old;"
    "CREATE TEMP TABLE v8_ids AS SELECT"
    "  (SELECT id FROM offices WHERE kind = 'province') AS root,"
    "  (SELECT id FROM offices WHERE kind = 'centre') AS centre;"
    "UPDATE offices SET parent_id = CASE kind WHEN 'partner' THEN (SELECT root FROM v8_ids)"
    "  ELSE (SELECT centre FROM v8_ids) END WHERE kind IN ('internal','partner');"

    "CREATE TABLE office_paths ("
    "  ancestor_id INTEGER NOT NULL,"
    "  office_id INTEGER NOT NULL,"
    "  depth INTEGER NOT NULL,"
    "  PRIMARY KEY (ancestor_id, office_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX office_paths_by_office ON office_paths (office_id, ancestor_id);"
    "INSERT INTO office_paths WITH RECURSIVE p (a, o, d) AS ("
    "  SELECT id, id, 0 FROM offices"
    "  UNION ALL SELECT p.a, c.id, p.d + 1 FROM p JOIN offices c ON c.parent_id = p.o)"
    "  SELECT a, o, d FROM p;"

    /* Service groups and counters: codes, prefixes and numbers are the
     * centre's own (two centres may both have counter 1 and group A). */
    "CREATE TABLE service_groups_v8 ("
    "  id INTEGER PRIMARY KEY,"
    "  office_id INTEGER REFERENCES offices(id),"
    "  code TEXT NOT NULL,"
    "  prefix TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  name_en TEXT NOT NULL DEFAULT '',"
    "  sort INTEGER NOT NULL DEFAULT 0,"
    "  active INTEGER NOT NULL DEFAULT 1,"
    "  UNIQUE (office_id, code),"
    "  UNIQUE (office_id, prefix)"
    ");"
    "INSERT INTO service_groups_v8 (id, office_id, code, prefix, name, name_en, sort, active)"
    "  SELECT id, (SELECT centre FROM v8_ids), code, prefix, name, name_en, sort, active"
    "  FROM service_groups;"
    "DROP TABLE service_groups;"
    "ALTER TABLE service_groups_v8 RENAME TO service_groups;"
    "CREATE TABLE counters_v8 ("
    "  id INTEGER PRIMARY KEY,"
    "  office_id INTEGER REFERENCES offices(id),"
    "  no INTEGER NOT NULL CHECK (no > 0),"
    "  name TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'closed' CHECK (state IN ('open','paused','closed')),"
    "  user_id INTEGER REFERENCES users(id),"
    "  priority_streak INTEGER NOT NULL DEFAULT 0,"
    "  printer_id INTEGER REFERENCES printers(id),"
    "  UNIQUE (office_id, no)"
    ");"
    "INSERT INTO counters_v8 (id, office_id, no, name, state, user_id, priority_streak,"
    "  printer_id) SELECT id, (SELECT centre FROM v8_ids), no, name, state, user_id,"
    "  priority_streak, printer_id FROM counters;"
    "DROP TABLE counters;"
    "ALTER TABLE counters_v8 RENAME TO counters;"

    "ALTER TABLE users ADD COLUMN office_id INTEGER REFERENCES offices(id);"
    "UPDATE users SET office_id = CASE WHEN role IN ('admin','supervisor')"
    "  THEN (SELECT root FROM v8_ids) ELSE (SELECT centre FROM v8_ids) END;"
    "ALTER TABLE devices ADD COLUMN office_id INTEGER REFERENCES offices(id);"
    "UPDATE devices SET office_id = (SELECT centre FROM v8_ids);"
    "ALTER TABLE printers ADD COLUMN office_id INTEGER REFERENCES offices(id);"
    "UPDATE printers SET office_id = (SELECT centre FROM v8_ids);"
    "DROP INDEX printers_one_default;"
    "CREATE UNIQUE INDEX printers_one_default ON printers (coalesce(office_id, 0))"
    "  WHERE is_default = 1;"
    "ALTER TABLE tickets ADD COLUMN office_id INTEGER REFERENCES offices(id);"
    "UPDATE tickets SET office_id = (SELECT centre FROM v8_ids);"
    "CREATE INDEX tickets_by_office ON tickets (office_id, service_day, state);"
    "ALTER TABLE print_jobs ADD COLUMN office_id INTEGER REFERENCES offices(id);"
    "UPDATE print_jobs SET office_id = (SELECT centre FROM v8_ids);"
    "ALTER TABLE ratings ADD COLUMN office_id INTEGER REFERENCES offices(id);"
    "UPDATE ratings SET office_id = (SELECT centre FROM v8_ids);"
    "ALTER TABLE events ADD COLUMN office_id INTEGER;" /* not in the hash */
    "UPDATE events SET office_id = (SELECT centre FROM v8_ids);"
    "CREATE INDEX events_by_office ON events (office_id, id);"

    /* A dossier: the centre that received it (its code is that centre's),
     * the authority competent for it (which answers for its timeliness),
     * and the centre where the citizen collects the result. The ledger is
     * each receiving centre's own. */
    "ALTER TABLE dossiers ADD COLUMN intake_office_id INTEGER REFERENCES offices(id);"
    "ALTER TABLE dossiers ADD COLUMN authority_id INTEGER REFERENCES offices(id);"
    "ALTER TABLE dossiers ADD COLUMN return_office_id INTEGER REFERENCES offices(id);"
    "UPDATE dossiers SET intake_office_id = (SELECT centre FROM v8_ids),"
    "  return_office_id = (SELECT centre FROM v8_ids),"
    "  authority_id = coalesce((SELECT o.id FROM procedures p JOIN offices o"
    "  ON o.code = p.office WHERE p.id = dossiers.procedure_id),"
    "  (SELECT centre FROM v8_ids));"
    "DROP INDEX dossiers_ledger;"
    "CREATE UNIQUE INDEX dossiers_ledger ON dossiers (intake_office_id, ledger_book,"
    "  ledger_line) WHERE ledger_book IS NOT NULL;"
    "CREATE INDEX dossiers_by_intake_office ON dossiers (intake_office_id, received_at);"
    "CREATE INDEX dossiers_by_authority ON dossiers (authority_id, received_at);"
    "CREATE INDEX dossiers_by_holder_office ON dossiers (holder_office);"
    "CREATE INDEX dossiers_by_return_office ON dossiers (return_office_id);"
    /* Indicators by unit (store/indicators.c): the period scans' indexes
     * also cover the authority and the receiving centre. */
    "DROP INDEX dossiers_ind_finished;"
    "CREATE INDEX dossiers_ind_finished ON dossiers (finished_at, procedure_id, status,"
    "  timing, work_seconds, supplements, received_at, intake_at, due_at, paused_seconds,"
    "  paused_at, authority_id, intake_office_id);"
    "DROP INDEX dossiers_ind_received;"
    "CREATE INDEX dossiers_ind_received ON dossiers (received_at, procedure_id, channel,"
    "  authority_id, intake_office_id);"
    "DROP INDEX dossiers_ind_open;"
    "CREATE INDEX dossiers_ind_open ON dossiers (received_at, procedure_id, due_at,"
    "  paused_at, authority_id, intake_office_id) WHERE finished_at IS NULL;"
    "DROP INDEX dossiers_ind_apology;"
    "CREATE INDEX dossiers_ind_apology ON dossiers (apology_at, procedure_id, authority_id,"
    "  intake_office_id) WHERE apology_at IS NOT NULL;"
    /* The old office's address and phone stay the centre's. */
    "UPDATE offices SET address = (SELECT json_extract(office, '$.address') FROM v8_old),"
    "  phone = (SELECT json_extract(office, '$.phone') FROM v8_old) WHERE kind = 'centre';"
    /* The old office's public address is the province's public_url. */
    "INSERT OR IGNORE INTO settings (key, value)"
    "  SELECT 'public_url', json_extract(office, '$.public_url') FROM v8_old"
    "  WHERE json_type(office, '$.public_url') = 'text';"
    /* People ahead (store/ticket.c queue_lane_count): each lane of a
     * group's waiting line counted from the index alone (state and priority
     * in it make it covering: SQLite 3.40 still tests a partial index's
     * terms on the row). */
    "CREATE INDEX tickets_waiting_ordinary ON tickets (service_day, group_id, queue_key,"
    "  state, priority) WHERE state = 'waiting' AND priority IS NULL;"
    "CREATE INDEX tickets_waiting_priority ON tickets (service_day, group_id, queue_key,"
    "  state, priority) WHERE state = 'waiting' AND priority IS NOT NULL;"
    "DROP TABLE v8_old;"
    "DROP TABLE v8_ids;",

    /* 9: maintained figures (store/figures.h, docs/indicators.md): per
     * office day, the tokens of the dossiers received, finished and
     * apologised for, of the visits and of the tickets, kept by triggers in
     * the transaction of every change and filled here from the rows.
     * Then the event chain's hash version 2 (store.c store_event_hash,
     * covering office_id and stream) from the next event id on. The
     * tickets' period index covers the outcome too: the scan leaves voided
     * tickets out of those issued without reading the rows. */
    "DROP INDEX tickets_ind_issued;"
    "CREATE INDEX tickets_ind_issued ON tickets (issued_at, series_group_id, "
    "outcome);" FIGURES_TABLES_SQL FIGURES_TRIGGERS_SQL FIGURES_FILL_SQL
    "INSERT OR REPLACE INTO settings (key, value)"
    "  SELECT 'event_hash_v2_from', coalesce(max(id), 0) + 1 FROM events;",

    /* 10: print jobs of kind 'slip' (a rating slip spooled by the server,
     * api/printing.c printing_rating_slip). SQLite cannot change a CHECK in
     * place: the table is rebuilt, rows, ids and indexes kept. */
    "CREATE TABLE print_jobs_v10 ("
    "  id INTEGER PRIMARY KEY,"
    "  printer_id INTEGER NOT NULL REFERENCES printers(id),"
    "  format TEXT NOT NULL CHECK (format IN ('pdf','escpos')),"
    "  kind TEXT NOT NULL CHECK (kind IN ('ticket','form','test','slip')),"
    "  ref TEXT,"
    "  title TEXT NOT NULL,"
    "  data BLOB NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  sync INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL"
    "    CHECK (state IN ('queued','sending','printing','done','failed')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_try_ms INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT,"
    "  printer_reasons TEXT,"
    "  cups_job_id INTEGER,"
    "  reprint_of INTEGER REFERENCES print_jobs(id),"
    "  created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  done_at INTEGER,"
    "  office_id INTEGER REFERENCES offices(id)"
    ");"
    "INSERT INTO print_jobs_v10 SELECT id, printer_id, format, kind, ref, title, data, size,"
    "  sha256, sync, state, attempts, next_try_ms, last_error, printer_reasons, cups_job_id,"
    "  reprint_of, created_by, created_at, updated_at, done_at, office_id FROM print_jobs;"
    "DROP TABLE print_jobs;"
    "ALTER TABLE print_jobs_v10 RENAME TO print_jobs;"
    "CREATE INDEX print_jobs_due ON print_jobs (state, next_try_ms);"
    "CREATE INDEX print_jobs_by_ref ON print_jobs (kind, ref);"
    "CREATE INDEX print_jobs_by_printer ON print_jobs (printer_id, state);",

    /* 11: citizens' feedback and recommendations (phản ánh, kiến nghị:
     * PAKN) and anonymous reports (docs/feedback.md). A PAKN names its
     * sender; an anonymous report has no sender and no clock, and only the
     * office head reads it. The due instants of each step are fixed from
     * the office calendar when the step's clock starts (store/feedback.c);
     * the on-time verdicts are derived from the times (domain/feedback.h).
     * The tracking code is numbered per day across the province, gap-free
     * (feedback_numbers written in the insert's transaction). The office
     * head of a user's office (users.head) approves answers. */
    "ALTER TABLE users ADD COLUMN head INTEGER NOT NULL DEFAULT 0 CHECK (head IN (0,1));"
    "CREATE TABLE feedback_numbers ("
    "  day TEXT PRIMARY KEY,"
    "  last INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE feedback ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  secret_hash TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('pakn','anonymous')),"
    "  class TEXT NOT NULL CHECK (class IN ('procedure','conduct','dossier','other')),"
    "  channel TEXT NOT NULL"
    "    CHECK (channel IN ('web','kiosk','hotline','letter','box','counter')),"
    "  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),"
    "  office_id INTEGER NOT NULL REFERENCES offices(id),"
    "  dossier_id INTEGER REFERENCES dossiers(id),"
    "  subject_counter_no INTEGER,"
    "  subject_name TEXT CHECK (length(subject_name) <= 200),"
    "  subject_user_id INTEGER REFERENCES users(id),"
    "  sender_name TEXT CHECK (length(sender_name) <= 200),"
    "  sender_address TEXT CHECK (length(sender_address) <= 500),"
    "  sender_phone TEXT CHECK (length(sender_phone) <= 20),"
    "  sender_email TEXT CHECK (length(sender_email) <= 254),"
    "  entered_by TEXT,"
    "  status TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received','accepted',"
    "    'rejected','forwarded','info_requested','info_received','answered','published',"
    "    'closed')),"
    "  received_at INTEGER NOT NULL,"
    "  reject_due_at INTEGER,"
    "  forward_due_at INTEGER,"
    "  info_due_at INTEGER,"
    "  answer_due_at INTEGER,"
    "  publish_due_at INTEGER,"
    "  classified_at INTEGER,"
    "  decision TEXT CHECK (decision IN ('accept','reject','forward')),"
    "  forwarded_to TEXT,"
    "  assigned_user_id INTEGER REFERENCES users(id),"
    "  assigned_at INTEGER,"
    "  info_requested_at INTEGER," /* the first request */
    "  info_asked_at INTEGER,"     /* the open request, NULL once answered */
    "  info_received_at INTEGER,"
    "  answer_draft TEXT CHECK (length(answer_draft) <= 8000),"
    "  answer TEXT CHECK (length(answer) <= 8000),"
    "  answered_at INTEGER,"
    "  answered_by INTEGER REFERENCES users(id),"
    "  public_question TEXT CHECK (length(public_question) <= 4000),"
    "  public_answer TEXT CHECK (length(public_answer) <= 8000)," /* as published, if edited */
    "  published_at INTEGER,"
    "  closed_at INTEGER,"
    "  repeat_of INTEGER REFERENCES feedback(id),"
    "  reaction TEXT CHECK (reaction IN ('satisfied','not_satisfied')),"
    "  reacted_at INTEGER"
    ");"
    "CREATE INDEX feedback_by_office ON feedback (office_id, received_at);"
    "CREATE INDEX feedback_by_status ON feedback (status, received_at);"
    "CREATE INDEX feedback_by_subject ON feedback (subject_user_id) WHERE subject_user_id"
    "  IS NOT NULL;"
    "CREATE INDEX feedback_by_assignee ON feedback (assigned_user_id) WHERE assigned_user_id"
    "  IS NOT NULL;"
    "CREATE INDEX feedback_published ON feedback (published_at) WHERE published_at"
    "  IS NOT NULL;"
    "CREATE INDEX feedback_by_repeat ON feedback (repeat_of) WHERE repeat_of IS NOT NULL;"
    "CREATE TABLE feedback_files ("
    "  id INTEGER PRIMARY KEY,"
    "  feedback_id INTEGER NOT NULL REFERENCES feedback(id),"
    "  n INTEGER NOT NULL CHECK (n BETWEEN 1 AND 3),"
    "  name TEXT NOT NULL CHECK (length(name) <= 200),"
    "  mime TEXT NOT NULL CHECK (mime IN ('image/jpeg','image/png','application/pdf')),"
    "  size INTEGER NOT NULL CHECK (size BETWEEN 1 AND 1048576),"
    "  sha256 TEXT NOT NULL,"
    "  data BLOB NOT NULL,"
    "  UNIQUE (feedback_id, n)"
    ");"
    /* The steps' texts: an information request and the sender's reply, a
     * rejection's reason, a forward's target, a close note. public: shown
     * to the sender on /status. */
    "CREATE TABLE feedback_notes ("
    "  id INTEGER PRIMARY KEY,"
    "  feedback_id INTEGER NOT NULL REFERENCES feedback(id),"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  step TEXT NOT NULL,"
    "  text TEXT NOT NULL CHECK (length(text) <= 8000),"
    "  public INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0,1))"
    ");"
    "CREATE INDEX feedback_notes_by_feedback ON feedback_notes (feedback_id, id);",

    /* 12: telling citizens (docs/notifications.md) and appointments
     * (docs/appointments.md).
     *
     * Consent: dossiers.notify, feedback.notify and bookings.notify hold the
     * channels the citizen accepted, {"channels":["sms","zalo","email"],
     * "any_hour":false}; NULL: no message at all.
     *
     * notifications is the outbox: a row is written in the transaction of
     * the change that causes it, with its text already rendered, and sent
     * by the notify worker (api/notify_worker.c) in id order per
     * (channel, recipient). recipient: the e-mail address, or the phone in
     * the 84… form. not_before: quiet hours and back-off. The provider's
     * raw answer is kept. notify_tokens keeps a provider's OAuth tokens
     * (Zalo: the refresh token changes at every refresh).
     *
     * booking_slots: the bookable capacity per centre and service group;
     * bookings: one citizen's place in a slot. A booking still 'booked'
     * after its check-in window is a no-show (derived, not stored): its
     * place is free again. tickets.booking_id marks a ticket issued at a
     * check-in in time; counters.booked_streak is the run of booked calls
     * made while a walk-in waited (domain/queue.h). */
    "ALTER TABLE dossiers ADD COLUMN notify TEXT;"
    "ALTER TABLE feedback ADD COLUMN notify TEXT;"
    "CREATE TABLE notifications ("
    "  id INTEGER PRIMARY KEY,"
    "  office_id INTEGER NOT NULL REFERENCES offices(id),"
    "  trigger TEXT NOT NULL CHECK (trigger IN ('received','supplement','apology',"
    "    'result_ready','reminder','booking_confirmed','booking_reminder',"
    "    'booking_cancelled','feedback_answered','test')),"
    "  channel TEXT NOT NULL CHECK (channel IN ('email','sms','zalo')),"
    "  recipient TEXT NOT NULL CHECK (length(recipient) BETWEEN 1 AND 254),"
    "  ref_kind TEXT NOT NULL CHECK (ref_kind IN ('dossier','booking','feedback','none')),"
    "  ref_id INTEGER,"
    "  subject TEXT CHECK (length(subject) <= 300),"
    "  body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),"
    "  data TEXT NOT NULL," /* JSON object: the template's fields */
    "  state TEXT NOT NULL DEFAULT 'queued'"
    "    CHECK (state IN ('queued','sending','sent','dead','cancelled')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  not_before INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  created_by TEXT NOT NULL,"
    "  sent_at INTEGER,"
    "  last_error TEXT CHECK (length(last_error) <= 1000),"
    "  provider_answer TEXT CHECK (length(provider_answer) <= 4000),"
    "  provider_id TEXT CHECK (length(provider_id) <= 200),"
    "  resend_of INTEGER REFERENCES notifications(id)"
    ");"
    "CREATE INDEX notifications_due ON notifications (state, not_before);"
    "CREATE INDEX notifications_by_recipient ON notifications (channel, recipient, id);"
    "CREATE INDEX notifications_by_ref ON notifications (ref_kind, ref_id);"
    "CREATE INDEX notifications_by_office ON notifications (office_id, created_at);"
    "CREATE TABLE notify_tokens ("
    "  provider TEXT PRIMARY KEY,"
    "  access_token TEXT,"
    "  refresh_token TEXT,"
    "  expires_at INTEGER,"
    "  updated_at INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE booking_slots ("
    "  office_id INTEGER NOT NULL REFERENCES offices(id),"
    "  group_id INTEGER NOT NULL REFERENCES service_groups(id),"
    "  minutes INTEGER NOT NULL CHECK (minutes IN (15,20,30,60)),"
    "  capacity INTEGER NOT NULL CHECK (capacity BETWEEN 0 AND 100),"
    "  PRIMARY KEY (office_id, group_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE bookings ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  office_id INTEGER NOT NULL REFERENCES offices(id),"
    "  group_id INTEGER NOT NULL REFERENCES service_groups(id),"
    "  procedure_id INTEGER REFERENCES procedures(id),"
    "  day TEXT NOT NULL," /* the slot's office date, YYYY-MM-DD */
    "  slot_start INTEGER NOT NULL,"
    "  slot_end INTEGER NOT NULL CHECK (slot_end > slot_start),"
    "  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),"
    "  phone TEXT NOT NULL CHECK (length(phone) BETWEEN 10 AND 11)," /* 0xxxxxxxxx */
    "  id_number TEXT CHECK (length(id_number) <= 12),"
    "  email TEXT CHECK (length(email) <= 254),"
    "  notify TEXT,"
    "  state TEXT NOT NULL DEFAULT 'booked'"
    "    CHECK (state IN ('booked','checked_in','late','cancelled')),"
    "  created_at INTEGER NOT NULL,"
    "  created_by TEXT NOT NULL,"
    "  cancelled_at INTEGER,"
    "  checked_in_at INTEGER,"
    "  ticket_id INTEGER REFERENCES tickets(id),"
    "  reminded_at INTEGER"
    ");"
    "CREATE INDEX bookings_by_slot ON bookings (office_id, group_id, slot_start);"
    "CREATE INDEX bookings_by_phone ON bookings (phone, day);"
    "CREATE INDEX bookings_by_id_number ON bookings (id_number, day)"
    "  WHERE id_number IS NOT NULL;"
    "ALTER TABLE tickets ADD COLUMN booking_id INTEGER REFERENCES bookings(id);"
    "ALTER TABLE counters ADD COLUMN booked_streak INTEGER NOT NULL DEFAULT 0;",

    /* 13: people ahead with appointments (store/ticket.c queue_lane_count):
     * the booked lane of a group's waiting line counted from a covering
     * index, as the ordinary and priority lanes are (step 8). */
    "CREATE INDEX tickets_waiting_booked ON tickets (service_day, group_id, queue_key,"
    "  state, priority, booking_id)"
    "  WHERE state = 'waiting' AND priority IS NULL AND booking_id IS NOT NULL;",

    /* 14: two servers on one PostgreSQL database (store/store.h, "Claims of
     * the background workers"): the server (its instance name) that claimed
     * a print job or a message, and when, so that a server that starts takes
     * back only its own rows and those whose lease ran out. Rows left
     * claimed by an older program have NULLs: any start takes them back, as
     * before. PostgreSQL's step is schema_pg.c's. */
    "ALTER TABLE print_jobs ADD COLUMN claimed_by TEXT;"
    "ALTER TABLE print_jobs ADD COLUMN claimed_at INTEGER;"
    "ALTER TABLE notifications ADD COLUMN claimed_by TEXT;"
    "ALTER TABLE notifications ADD COLUMN claimed_at INTEGER;",

};

const char *schema_step(int n)
{
	if (n < 1 || n > schema_step_count())
		return 0;
	return schema_steps[n - 1];
}

int schema_step_count(void)
{
	return (int)(sizeof schema_steps / sizeof schema_steps[0]);
}
