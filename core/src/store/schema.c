/* Schema migrations, applied in order, keyed by PRAGMA user_version. A step is
 * never edited once released: later changes are new steps. */
#include "store/schema.h"

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
	"  group_id INTEGER NOT NULL REFERENCES service_groups(id)," /* line it is in now */
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
